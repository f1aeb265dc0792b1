"""Padding modules: zero, constant, reflection, replication and circular, in 1 to 3 dims.

``padding`` is one size for every side, or ``(left, right)``, ``(left, right,
top, bottom)``, ``(left, right, top, bottom, front, back)``: last axis first,
as PyTorch orders it.

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> nn.ZeroPad2d((1, 2, 3, 4))(Tensor((N, C, H, W))).shape
(N, C, H + 7, W + 3)
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError
from .base import Module


class _PadNd(Module):
    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"
    rank: ClassVar[int]
    mode: ClassVar[str]
    no_weights_reason = "it only adds entries around the input: no weights, 0 parameters"

    def __init__(self, padding, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        sides = 2 * self.rank
        values = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * sides
        if len(values) != sides:
            raise ArgumentError(f"{owner}: padding must be one size or {sides} sizes. "
                                f"Received: padding={padding!r}", argument="padding",
                                value=padding)
        self._store(padding=tuple(self._side(v, owner) for v in values))

    def _side(self, value, owner):
        """A padding; it may be negative (it crops), as in torch."""
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            return sympy.Integer(value)
        return arguments.padding_size(value, owner=owner, argument="padding")

    def _pairs(self):
        """``(axis from the end, before, after)`` for each padded axis."""
        p = self.padding
        return [(-(i + 1), p[2 * i], p[2 * i + 1]) for i in range(self.rank)]

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (self.rank + 1, self.rank + 2),
                             f"(unbatched or batched) to {type(self).__name__}")
        if self.mode == "reflect":
            return tuple(Condition.less(p, input_shape[axis], "reflection padding must be "
                                                              "smaller than the padded axis")
                         for axis, before, after in self._pairs() for p in (before, after))
        if self.mode == "circular":
            return tuple(Condition.less(p - 1, input_shape[axis], "circular padding must not "
                                                                  "exceed the padded axis")
                         for axis, before, after in self._pairs() for p in (before, after))
        return ()

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, before, after in self._pairs():
            shape[axis] = shape[axis] + before + after
        return tuple(shape)


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding, value, **kwargs):
        super().__init__(padding, **kwargs)
        self._store(value=value)


class _ZeroPadNd(_PadNd):
    mode = "constant"


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class _CircularPadNd(_PadNd):
    mode = "circular"


def _ranks(base, stem: str, doc: str):
    return tuple(type(f"{stem}{r}d", (base,), {"rank": r, "__module__": __name__,
                                               "__doc__": f"{doc} ({r}D)."})
                 for r in (1, 2, 3))


ZeroPad1d, ZeroPad2d, ZeroPad3d = _ranks(_ZeroPadNd, "ZeroPad", "Pads with zeros")
ConstantPad1d, ConstantPad2d, ConstantPad3d = _ranks(_ConstantPadNd, "ConstantPad",
                                                     "Pads with a constant")
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = _ranks(
    _ReflectionPadNd, "ReflectionPad", "Pads with the reflection of the input")
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = _ranks(
    _ReplicationPadNd, "ReplicationPad", "Pads by repeating the edge")
CircularPad1d, CircularPad2d, CircularPad3d = _ranks(_CircularPadNd, "CircularPad",
                                                     "Pads by wrapping around")
