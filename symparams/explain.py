"""Explanations: how a layer's or a model's parameter count comes about, step by step.

>>> from symparams import layers, explain
>>> print(explain(layers.Conv2D(64, 5, input_shape=(12, 12, 32))))
conv2d (Conv2D): input (12, 12, 32) -> output (8, 8, 64)
  params = (kernel_h·kernel_w·in_channels + 1)·filters
         = (5·5·32 + 1)·64
         = 51264
    kernel: kernel_h·kernel_w·in_channels·filters = 5·5·32·64 = 51200 (a 5 x 5 window over every input channel, for each filter)
    bias: filters = 64 (one bias per filter, not one shared by all filters)
  all trainable

The formula, the numbers and the notes all come from the layer's declared
weights (:meth:`symparams.layers.Layer.declare_weights`), the same
declarations the counts come from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy

from . import arguments
from .errors import ArgumentError, ArgumentTypeError, ShapeError
from .layers.base import BoundLayer, Layer, check_shape, format_shape
from .printing import latex as _latex_of, text
from .weights import count

__all__ = ["explain", "Explanation", "LayerExplanation"]


def explain(obj, input_shape=None, *, flops=False, memory=False, **subs):
    """Explain the parameter count of a model, a bound layer, or a layer.

    ``subs`` puts numbers in first (``explain(model, H=28, W=28, C=1)``). A
    layer that is not in a model is bound to ``input_shape`` (or the
    ``input_shape`` it was given); failing both, to placeholder sizes
    ``n_1, n_2, ...``. ``flops=True`` adds the FLOPs derivation by the default
    convention, and ``flops=dict(bias=True, causal=..., backward=...)`` by
    another (:func:`symparams.flops`'s arguments); it is printed after the
    parameters and kept as ``.compute`` (:mod:`symparams.compute_explain`).
    For a model, ``memory=True`` (float32 inference) or ``memory=dict(dtype=...,
    optimizer=...)`` (:func:`symparams.memory`'s arguments) adds the memory table,
    layer by layer with the parts and what they assume, kept as ``.memory``.

    >>> from symparams.examples import reference_cnn
    >>> print(explain(reference_cnn(), memory=dict(optimizer="adam"), H=28, W=28, C=1).memory)
    Memory of "sequential" (training with adam), in bytes
    ...
     Optimizer state: 1238384
    ...
    """
    from .model import BaseModel

    convention = _convention(flops)
    if isinstance(obj, BaseModel):
        model = obj.subs(**subs) if subs else obj
        return Explanation(model.name, tuple(_explain_layer(b) for b in model.layers),
                           model.params, _flops(model, convention), _memory(model, memory))
    if isinstance(obj, BoundLayer):
        bound = _rebind(obj.layer, obj.input_shape, obj.name, subs) if subs else obj
        return _with_flops(_explain_layer(bound), bound, convention)
    if isinstance(obj, Layer):
        if input_shape is not None:
            shape = check_shape(input_shape, owner="explain", argument="input_shape")
        else:
            shape = obj.input_shape or _placeholder_shape(obj)
        bound = _rebind(obj, shape, None, subs)
        return _with_flops(_explain_layer(bound), bound, convention)
    raise ArgumentTypeError(
        f"explain() takes a model or a layer. Received: {obj!r}", argument="obj", value=obj)


def _memory(model, options):
    """None (no memory shown) or the model's :class:`~symparams.memory.Memory`."""
    if options is False or options is None:
        return None
    from .memory import check_options, memory
    if options is True:
        return memory(model)
    if not isinstance(options, dict):
        raise ArgumentTypeError("explain: `memory` must be True, False or a dict of "
                                f"symparams.memory's arguments. Received: memory={options!r}",
                                argument="memory", value=options)
    return memory(model, **check_options(options, owner="explain"))


def _convention(flops):
    """None (no FLOPs shown) or the :class:`~symparams.compute.Convention` asked for."""
    if flops is False or flops is None:
        return None
    from .compute import Convention
    if flops is True:
        return Convention()
    if isinstance(flops, dict):
        unknown = set(flops) - {"bias", "causal", "backward"}
        if unknown:
            raise ArgumentError(f"explain: `flops` takes bias, causal and backward. "
                                f"Received: flops={flops!r}", argument="flops", value=flops)
        return Convention(**flops)
    raise ArgumentTypeError(f"explain: `flops` must be True, False or a dict of convention "
                            f"arguments. Received: flops={flops!r}", argument="flops",
                            value=flops)


def _flops(obj, convention):
    if convention is None:
        return None
    from .compute_explain import explain_flops
    return explain_flops(obj, convention)


def _with_flops(explanation: "LayerExplanation", bound, convention) -> "LayerExplanation":
    if convention is None:
        return explanation
    return dataclasses.replace(explanation, compute=_flops(bound, convention))


def _rebind(layer: Layer, input_shape: tuple, name, subs) -> BoundLayer:
    if subs:
        symbols = set(layer.free_symbols).union(*(s.free_symbols for s in input_shape))
        mapping = arguments.substitutions(subs, symbols, owner=f"{type(layer).__name__}")
        layer = layer.subs(mapping)
        input_shape = tuple(s.xreplace(mapping) for s in input_shape)
    return layer.bind(input_shape, name)


def _placeholder_shape(layer: Layer) -> tuple:
    for rank in range(1, 6):
        shape = tuple(sympy.Symbol(f"n_{i}", integer=True, positive=True)
                      for i in range(1, rank + 1))
        try:
            layer.bind(shape)
        except ShapeError:
            continue
        return shape
    raise ShapeError(f"cannot find an input rank {type(layer).__name__} accepts; "
                     "pass input_shape=(...)")


@dataclass(frozen=True)
class WeightLine:
    name: str
    formula: sympy.Expr      # in labels, unevaluated
    numbers: sympy.Expr      # in sizes, unevaluated
    value: sympy.Expr
    note: str


@dataclass(frozen=True, repr=False)
class LayerExplanation:
    """The derivation for one layer: formula, numbers put in, value, and a line per weight."""

    name: str
    class_name: str
    input_shape: tuple
    output_shape: tuple
    formula: sympy.Expr
    numbers: sympy.Expr
    value: sympy.Expr
    weights: tuple[WeightLine, ...]
    trainable: sympy.Expr
    non_trainable: sympy.Expr
    reason: str
    #: The FLOPs derivation, when asked for (``explain(..., flops=True)``).
    compute: object = None

    def __str__(self) -> str:
        text = self._params_text()
        return text if self.compute is None else f"{text}\n{self.compute}"

    def __repr__(self) -> str:
        return str(self)

    def _params_text(self) -> str:
        lines = [f"{self.name} ({self.class_name}): input {_shape_text(self.input_shape)} -> "
                 f"output {_shape_text(self.output_shape)}"]
        if not self.weights:
            lines.append(f"  params = 0: {self.reason}")
            return "\n".join(lines)
        steps = _distinct([_as_written(self.formula), _as_written(self.numbers),
                           text(self.value)])
        lines.append(f"  params = {steps[0]}")
        lines += [f"         = {step}" for step in steps[1:]]
        for w in self.weights:
            chain = " = ".join(_distinct([_as_written(w.formula), _as_written(w.numbers),
                                          text(w.value)]))
            lines.append(f"    {w.name}: {chain} ({w.note})")
        if self.non_trainable == 0:
            lines.append("  all trainable")
        elif self.trainable == 0:
            lines.append("  none trainable")
        else:
            lines.append(f"  trainable {text(self.trainable)}, "
                         f"non-trainable {text(self.non_trainable)}")
        return "\n".join(lines)

    def _latex_rows(self, printer) -> list[str]:
        head = _latex_text(f"{self.name} ({self.class_name})")
        if not self.weights:
            return [rf"{head}: && 0 && \quad {_latex_text(self.reason)}"]
        steps = _distinct_latex(printer, [self.formula, self.numbers, self.value])
        return [rf"{head}: && {steps[0]}"] + [rf"&& = {s}" for s in steps[1:]]

    def _latex(self, printer) -> str:
        return _alignat(self._latex_rows(printer))

    def to_latex(self) -> str:
        """The derivation as a LaTeX ``alignat*`` environment."""
        return _latex_of(self)

    def _repr_latex_(self) -> str:
        return _display_latex(self)

    def _repr_markdown_(self) -> str:
        return _display_markdown(self)


@dataclass(frozen=True, repr=False)
class Explanation:
    """A model's derivation: every layer's, then the total."""

    name: str
    layers: tuple[LayerExplanation, ...]
    total: sympy.Expr
    #: The FLOPs derivation, when asked for (``explain(..., flops=True)``).
    compute: object = None
    #: The memory table, when asked for (``explain(model, memory=True)``).
    memory: object = None

    def __str__(self) -> str:
        parts = [self._params_text()] + [str(part) for part in (self.compute, self.memory)
                                         if part is not None]
        return "\n\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _params_text(self) -> str:
        parts = [f"Model '{self.name}': {text(self.total)} parameters", ""]
        parts += [str(layer) for layer in self.layers]
        parts += ["", "total = " + " = ".join(_distinct([_as_written(self._terms()),
                                                         text(self.total)]))]
        trainable = sympy.Add(*(layer.trainable for layer in self.layers))
        non_trainable = sympy.Add(*(layer.non_trainable for layer in self.layers))
        if non_trainable != 0:
            parts.append(f"  trainable {text(trainable)}, non-trainable {text(non_trainable)}")
        return "\n".join(parts)

    def _terms(self) -> sympy.Expr:
        """The layers' counts as an unevaluated sum; layers without weights add nothing."""
        terms = [layer.value for layer in self.layers if layer.value != 0]
        if len(terms) < 2:
            return terms[0] if terms else sympy.Integer(0)
        return sympy.Add(*terms, evaluate=False)

    def _latex(self, printer) -> str:
        rows = [row for layer in self.layers for row in layer._latex_rows(printer)]
        rows.append(r"\text{total}: && " + " = ".join(
            _distinct_latex(printer, [self._terms(), self.total])))
        return _alignat(rows)

    def to_latex(self) -> str:
        """The derivation as a LaTeX ``alignat*`` environment."""
        return _latex_of(self)

    def _repr_latex_(self) -> str:
        return _display_latex(self)

    def _repr_markdown_(self) -> str:
        return _display_markdown(self)


def _display_latex(explanation) -> str:
    """Jupyter's LaTeX: the parameter derivation, then the FLOPs derivation when asked for."""
    parts = [explanation.to_latex()]
    if explanation.compute is not None:
        parts.append(explanation.compute.to_latex())
    return "\n".join(f"$${part}$$" for part in parts)


def _display_markdown(explanation) -> str:
    """Jupyter's Markdown: every part asked for (parameters, FLOPs, memory), each headed."""
    parts = ["**Parameters**", f"$$\n{explanation.to_latex()}\n$$"]
    parts += [part._repr_markdown_() for part in (explanation.compute,
                                                  getattr(explanation, "memory", None))
              if part is not None]
    return "\n\n".join(parts)


def _alignat(rows: list[str]) -> str:
    return "\\begin{alignat*}{3}\n" + " \\\\\n".join(rows) + "\n\\end{alignat*}"


def _explain_layer(bound: BoundLayer) -> LayerExplanation:
    weights = bound.weights
    lines = tuple(
        WeightLine(w.name, sympy.Integer(0), sympy.Integer(0), sympy.Integer(0),
                   f"tied to {w.tied_to}: its {text(w.size)} entries are counted there")
        if w.tied_to else
        WeightLine(w.name, count([w], of="label", evaluate=False),
                   count([w], evaluate=False), w.size, w.note)
        for w in weights)
    reason = "" if weights else (bound.layer.no_weights_reason or "it creates no weights")
    counted = [w for w in weights if not w.buffer]  # buffers are listed, not parameters
    return LayerExplanation(
        bound.name, bound.class_name, bound.input_shape, bound.output_shape,
        count(counted, of="label", evaluate=False), count(counted, evaluate=False),
        bound.params, lines, bound.trainable_params, bound.non_trainable_params, reason)


def _as_written(expr) -> str:
    return text(expr, order="none")


def _distinct(steps: list[str]) -> list[str]:
    kept = []
    for step in steps:
        if not kept or kept[-1] != step:
            kept.append(step)
    return kept


def _distinct_latex(printer, exprs) -> list[str]:
    """Every step but the last as written, with explicit products (``5 \\cdot 5 \\cdot C``)."""
    settings = printer._settings
    saved = settings.get("order"), settings["mul_symbol_latex"]
    printed = []
    try:
        for i, expr in enumerate(exprs):
            last = i == len(exprs) - 1
            settings["order"] = saved[0] if last else "none"
            settings["mul_symbol_latex"] = saved[1] if last else r" \cdot "
            printed.append(printer._print(expr))
    finally:
        settings["order"], settings["mul_symbol_latex"] = saved
    return _distinct(printed)


def _shape_text(shape) -> str:
    return format_shape(tuple(text(s) for s in shape))


def _escape(words: str) -> str:
    return words.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace(
        "{", r"\{").replace("}", r"\}").replace("&", r"\&").replace("%", r"\%").replace(
        "#", r"\#").replace("$", r"\$")


def _latex_text(words: str) -> str:
    return r"\text{" + _escape(words) + "}"
