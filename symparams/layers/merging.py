"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

Called on a list of tensors, as in Keras. Shapes must match (elementwise merges
broadcast axes of size 1); equality is decided three-valued: provably equal is
accepted, provably different raises naming both inputs, undecidable is kept as a
condition on the model.

>>> from symparams import Input, Model, dims, layers
>>> H, W, C = dims("H W C")
>>> x = Input((H, W, C))
>>> y = layers.Conv2D(C, 3, padding="same")(x)
>>> layers.Add()([x, y]).shape
(H, W, C)
>>> layers.Concatenate()([x, y]).shape
(H, W, 2*C)
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from .base import Layer, format_shape, keras_axis


class _Merge(Layer):
    """Elementwise merges of two or more inputs, broadcasting axes of size 1."""

    no_macs_reason = ("it combines its inputs entry by entry (elementwise work): 0 MACs by the "
                      "default convention")

    multiple_inputs = True
    exactly: ClassVar[int | None] = None
    no_weights_reason = "it combines its inputs entry by entry: no weights, 0 parameters"

    def __call__(self, *inputs, **kwargs):
        """``layer([a, b])`` as in Keras (``layer(a, b)`` too, as a model replays it)."""
        from ..graph import apply

        if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
            inputs = inputs[0]
        elif len(inputs) == 1:
            raise ArgumentTypeError(f"A `{type(self).__name__}` layer should be called on a "
                                    f"list of inputs. Received: {inputs!r}", argument="inputs",
                                    value=inputs)
        unknown = set(kwargs) - self.call_arguments
        if unknown:
            raise ArgumentTypeError(f"Unrecognized call arguments passed to "
                                    f"{type(self).__name__}: {sorted(unknown)}",
                                    argument=sorted(unknown)[0], value=kwargs)
        return apply(self, tuple(inputs))

    def _count(self, shapes):
        if self.exactly is not None and len(shapes) != self.exactly:
            raise ShapeError(f"a `{type(self).__name__}` layer should be called on exactly "
                             f"{self.exactly} inputs; received {len(shapes)}")
        if not shapes:
            raise ShapeError(f"a `{type(self).__name__}` layer should be called on at least 1 "
                             "input")

    def input_conditions(self, shapes):
        self._count(shapes)
        conditions = []
        for i, shape in enumerate(shapes[1:], 1):
            first = shapes[0]
            for a, b in zip(reversed(first), reversed(shape)):
                if a == 1 or b == 1 or a == b:  # equal as written: nothing to check or word
                    continue
                condition = Condition.equal(a, b, f"inputs 0 and {i} must have compatible "
                                                  f"shapes, {format_shape(first)} and "
                                                  f"{format_shape(shape)}")
                conditions.append(condition)
        return tuple(conditions)

    def compute_output_shape(self, shapes):
        out = tuple(shapes[0])
        for shape in shapes[1:]:
            longer, shorter = (out, tuple(shape)) if len(out) >= len(shape) else (tuple(shape), out)
            merged = list(longer[:len(longer) - len(shorter)])
            for a, b in zip(longer[len(longer) - len(shorter):], shorter):
                merged.append(b if a == 1 else a)
            out = tuple(merged)
        return out


class Add(_Merge):
    """Sums its inputs."""


class Subtract(_Merge):
    """The first input minus the second."""

    exactly = 2


class Multiply(_Merge):
    """Multiplies its inputs entry by entry."""


class Average(_Merge):
    """Averages its inputs."""


class Maximum(_Merge):
    """The entrywise maximum of its inputs."""


class Minimum(_Merge):
    """The entrywise minimum of its inputs."""


class Concatenate(_Merge):
    """Joins its inputs along ``axis`` (Keras numbering: the last axis by default)."""

    no_weights_reason = "it joins its inputs along one axis: no weights, 0 parameters"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self._store(axis=arguments.axis(axis, owner="Concatenate", argument="axis"))

    def input_conditions(self, shapes):
        self._count(shapes)
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ShapeError("a `Concatenate` layer requires inputs with matching shapes "
                             "except for the concatenation axis; received shapes "
                             + ", ".join(format_shape(s) for s in shapes))
        index = keras_axis(self.axis, shapes[0]) - 1
        if index < 0:
            raise ShapeError("a `Concatenate` layer cannot join along the batch axis")
        return tuple(
            Condition.equal(a, b, f"inputs 0 and {i} must match except along axis "
                                  f"{self.axis}: {format_shape(shapes[0])} and "
                                  f"{format_shape(shape)}")
            for i, shape in enumerate(shapes[1:], 1)
            for axis, (a, b) in enumerate(zip(shapes[0], shape)) if axis != index and a != b)

    def compute_output_shape(self, shapes):
        index = keras_axis(self.axis, shapes[0]) - 1
        out = list(shapes[0])
        out[index] = sum((s[index] for s in shapes[1:]), out[index])
        return tuple(out)


class Dot(_Merge):
    """Dot products between two inputs along ``axes`` (Keras numbering, batch is axis 0)."""

    exactly = 2
    no_weights_reason = "it multiplies its two inputs together: no weights, 0 parameters"

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = axes if isinstance(axes, (tuple, list)) else (axes,)
        if isinstance(axes, (tuple, list)) and len(pair) != 2:  # as Keras refuses [0]
            raise ArgumentError(f"Dot: `axes` must be an int or a pair of ints. Received: "
                                f"axes={axes!r}", argument="axes", value=axes)
        checked = tuple(arguments.axis(a, owner="Dot", argument="axes") for a in pair)
        self._store(axes=checked if isinstance(axes, (tuple, list)) else checked[0],
                    normalize=arguments.flag(normalize, owner="Dot", argument="normalize"))

    def _axes(self, shapes):
        first, second = (len(s) + 1 for s in shapes)  # ranks with the batch
        if isinstance(self.axes, tuple):
            return self.axes
        if self.axes < 0:
            return self.axes % first, self.axes % second
        return self.axes, self.axes

    def input_conditions(self, shapes):
        self._count(shapes)
        a, b = self._axes(shapes)
        full = [(None, *shapes[0]), (None, *shapes[1])]
        for axis, shape in ((a, full[0]), (b, full[1])):
            if not 0 < axis < len(shape):
                raise ShapeError(f"axis {axis} is out of range (or the batch axis) for an "
                                 f"input of shape {format_shape(shape[1:])}")
        return (Condition.equal(full[0][a], full[1][b], f"the dot product's axes must have "
                                                         f"equal sizes: "
                                                         f"{format_shape(shapes[0])} at axis "
                                                         f"{a}, {format_shape(shapes[1])} at "
                                                         f"axis {b}"),)

    def declare_products(self, shapes, output_shape, **options):
        """One multiply-accumulate per output entry and position along the summed axis."""
        from ..compute import Term
        a, _ = self._axes(shapes)
        summed = shapes[0][a - 1]
        return (Term("dot", "activation product", summed, sympy.Mul(*output_shape),
                     note="each output entry sums the products along the dot axes"),)

    def compute_output_shape(self, shapes):
        a, b = self._axes(shapes)
        first = [None, *shapes[0]]
        second = [None, *shapes[1]]
        first.pop(a)
        second.pop(b)
        second.pop(0)
        out = first + second
        if len(out) == 1:
            out.append(1)
        return tuple(out[1:])
