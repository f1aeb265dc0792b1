"""FLOPs derivations: which weights and products each layer call multiplies, how often.

>>> from symparams import explain, layers
>>> print(explain(layers.Conv2D(64, 5, input_shape=(12, 12, 32)), flops=True).compute)
FLOPs (FLOPs = 2·MACs; bias adds not counted; elementwise work 0)
conv2d (Conv2D): flops = 2·5·5·32·64·64 = 6553600
    kernel: 5·5·32·64 entries × 64 uses = 3276800 MACs (a 5 x 5 window over every input channel, for each filter)
    bias: 64 adds × 64 uses, not counted (bias=False)
>>> print(explain(layers.Dense(8, input_shape=(4,)), flops=dict(bias=True)).compute)
FLOPs (FLOPs = 2·MACs; bias adds counted; elementwise work 0)
dense (Dense): flops = 2·4·8·1 + 8·1 = 72
    kernel: 4·8 entries × 1 uses = 32 MACs (one weight per input feature, for each unit)
    bias: 8 adds × 1 uses

Every line comes from the terms :mod:`symparams.compute` counts: the weights'
roles and uses, and the products each layer declares.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .compute import Convention, Term, layer_terms
from .explain import _distinct
from .printing import markdown_math, text

__all__ = ["FlopsExplanation", "explain_flops"]

_ZERO = {"elementwise": "elementwise work, 0 by the convention",
         "lookup": "a lookup, no multiply", "state": "state, not used in products"}


@dataclass(frozen=True)
class CallFlops:
    """One layer call: its terms and its FLOPs under the convention."""

    name: str
    class_name: str
    terms: tuple[Term, ...]
    value: sympy.Expr
    reason: str


@dataclass(frozen=True, repr=False)
class FlopsExplanation:
    """The FLOPs of every call, the convention used, and the total."""

    convention: Convention
    calls: tuple[CallFlops, ...]
    total: sympy.Expr
    with_backward: sympy.Expr | None = None

    def __str__(self) -> str:
        lines = [f"FLOPs ({describe(self.convention)})"]
        for call in self.calls:
            lines += _call_lines(call, self.convention)
        if len(self.calls) > 1:
            terms = [c.value for c in self.calls if c.value != 0]
            written = sympy.Add(*terms, evaluate=False) if len(terms) > 1 else \
                (terms[0] if terms else sympy.Integer(0))
            steps = _distinct([text(written, order="none"), text(self.total)])
            lines.append("total flops = " + " = ".join(steps))
        if self.with_backward is not None:
            lines.append(f"with the backward pass: {text(self.with_backward)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _latex(self, printer) -> str:
        from .explain import _alignat, _distinct_latex, _latex_text
        rows = []
        for call in self.calls:
            head = _latex_text(f"{call.name} ({call.class_name})" if call.class_name
                               else call.name)
            written = [_written(t, self.convention) for t in call.terms
                       if self.convention.forward(t) != 0]
            if not written:
                rows.append(rf"{head}: && 0")
                continue
            summed = written[0] if len(written) == 1 else sympy.Add(*written, evaluate=False)
            rows.append(rf"{head}: && " + " = ".join(_distinct_latex(printer,
                                                                      [summed, call.value])))
        rows.append(r"\text{total}: && " + printer._print(self.total))
        return _alignat(rows)

    def to_latex(self) -> str:
        """The FLOPs of every call as a LaTeX ``alignat*`` environment (the convention in
        words is the text's first line)."""
        from .printing import latex
        return latex(self)

    def _repr_latex_(self) -> str:
        return "$$" + self.to_latex() + "$$"

    def _repr_markdown_(self) -> str:
        """The convention in words, then the derivation (and the backward pass, if asked)."""
        parts = [f"**FLOPs** ({describe(self.convention)})", f"$$\n{self.to_latex()}\n$$"]
        if self.with_backward is not None:
            parts.append(f"With the backward pass: {markdown_math(self.with_backward)}")
        return "\n\n".join(parts)


def describe(convention: Convention) -> str:
    """The convention in words."""
    parts = ["FLOPs = 2·MACs",
             "bias adds counted" if convention.bias else "bias adds not counted",
             "elementwise work 0"]
    if convention.causal is True:
        parts.append("causal self-attention halved")
    elif convention.causal is False:
        parts.append("attention never halved")
    if convention.backward == "exact":
        parts.append("backward counted exactly")
    elif convention.backward is not None:
        parts.append(f"backward = {convention.backward} x forward")
    return "; ".join(parts)


def explain_flops(obj, convention: Convention) -> FlopsExplanation:
    """The FLOPs derivation of a model or a bound layer under ``convention``."""
    from .compute import calls, total
    from .layers.base import BoundLayer

    classes = {}
    if isinstance(obj, BoundLayer):
        found = [(obj.name, layer_terms(obj), True)]
        classes[obj.name] = obj
    else:
        found = calls(obj)
        classes = {b.name: b for b in obj.layers}
    explained = []
    for name, terms, _ in found:
        bound = classes.get(name.split("[")[0])
        layer = bound.layer if bound is not None else None
        value = sympy.Add(*(convention.forward(t) for t in terms))
        reason = getattr(layer, "no_macs_reason", "") if not terms else ""
        explained.append(CallFlops(name, bound.class_name if bound is not None else "",
                                   terms, value, reason))
    forward = sympy.Add(*(c.value for c in explained))
    backward = None
    if convention.backward is not None:
        backward = total(obj, convention)
    return FlopsExplanation(convention, tuple(explained), forward, backward)


def _call_lines(call: CallFlops, convention: Convention) -> list[str]:
    head = f"{call.name} ({call.class_name})" if call.class_name else call.name
    if not call.terms:
        return [f"{head}: flops = 0: {call.reason or 'it multiplies nothing'}"]
    written = [_written(t, convention) for t in call.terms if convention.forward(t) != 0]
    if written:
        summed = written[0] if len(written) == 1 else sympy.Add(*written, evaluate=False)
        steps = _distinct([text(summed, order="none"), text(call.value)])
    else:
        steps = ["0"]
    lines = [f"{head}: flops = " + " = ".join(steps)]
    lines += [f"    {_term_line(t, convention)}" for t in call.terms]
    return lines


def _written(term: Term, convention: Convention) -> sympy.Expr:
    """``2·entries·uses`` (halved for causal attention), unevaluated, for showing."""
    factor = 1 if term.kind == "bias" else 2 * convention.factor(term)
    factors = [] if factor == 1 else [factor]
    for part in (term.shown if term.shown is not None else term.entries, term.uses):
        factors += list(part.args) if part.is_Mul else [part]
    return sympy.Mul(*factors, evaluate=False)


def _term_line(term: Term, convention: Convention) -> str:
    note = f" ({term.note})" if term.note else ""
    if term.kind in _ZERO:
        return f"{term.name}: 0 ({_ZERO[term.kind]}){note}"
    entries = text(term.shown if term.shown is not None else term.entries, order="none")
    uses = text(term.uses)
    if term.kind == "bias":
        counted = "" if convention.bias else ", not counted (bias=False)"
        return f"{term.name}: {entries} adds × {uses} uses{counted}"
    halved = " (halved: causal)" if convention.factor(term) != 1 else ""
    kind = "" if term.kind == "product" else f"{term.kind}: "
    return (f"{term.name}: {kind}{entries} entries × {uses} uses = {text(term.amount)} MACs"
            f"{halved}{note}")
