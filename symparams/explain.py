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

from dataclasses import dataclass

import sympy

from . import arguments
from .errors import ArgumentTypeError, ShapeError
from .layers.base import BoundLayer, Layer, check_shape, format_shape
from .printing import latex as _latex_of, text
from .weights import count

__all__ = ["explain", "Explanation", "LayerExplanation"]


def explain(obj, input_shape=None, **subs):
    """Explain the parameter count of a model, a bound layer, or a layer.

    ``subs`` puts numbers in first (``explain(model, H=28, W=28, C=1)``). A
    layer that is not in a model is bound to ``input_shape`` (or the
    ``input_shape`` it was given); failing both, to placeholder sizes
    ``n_1, n_2, ...``.
    """
    from .model import BaseModel

    if isinstance(obj, BaseModel):
        model = obj.subs(**subs) if subs else obj
        return Explanation(model.name, tuple(_explain_layer(b) for b in model.layers),
                           model.params)
    if isinstance(obj, BoundLayer):
        return _explain_layer(_rebind(obj.layer, obj.input_shape, obj.name, subs))
    if isinstance(obj, Layer):
        if input_shape is not None:
            shape = check_shape(input_shape, owner="explain", argument="input_shape")
        else:
            shape = obj.input_shape or _placeholder_shape(obj)
        return _explain_layer(_rebind(obj, shape, None, subs))
    raise ArgumentTypeError(
        f"explain() takes a model or a layer. Received: {obj!r}", argument="obj", value=obj)


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


@dataclass(frozen=True)
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

    def __str__(self) -> str:
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
        return "$$" + self.to_latex() + "$$"


@dataclass(frozen=True)
class Explanation:
    """A model's derivation: every layer's, then the total."""

    name: str
    layers: tuple[LayerExplanation, ...]
    total: sympy.Expr

    def __str__(self) -> str:
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
        return "$$" + self.to_latex() + "$$"


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
