"""Flatten and Unflatten.

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> nn.Flatten()(Tensor((N, C, H, W))).shape
(N, C*H*W)
>>> nn.Unflatten(1, (C, -1))(Tensor((N, C * H))).shape
(N, C, H)
"""

from __future__ import annotations

import numbers

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..layers.base import format_shape
from .base import Module


def _index(dim: int, rank: int, owner: str) -> int:
    if not -rank <= dim < rank:
        raise ShapeError(f"{owner}: dimension {dim} is out of range for an input of rank {rank}")
    return dim % rank


class Flatten(Module):
    """Flattens axes ``start_dim`` to ``end_dim`` into one."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries: no weights, 0 parameters"

    def __init__(self, start_dim=1, end_dim=-1, **kwargs):
        super().__init__(**kwargs)
        self._store(start_dim=arguments.axis(start_dim, owner="Flatten", argument="start_dim"),
                    end_dim=arguments.axis(end_dim, owner="Flatten", argument="end_dim"))

    def compute_output_shape(self, input_shape):
        rank = len(input_shape)
        if rank == 0:
            return (sympy.Integer(1),)
        start = _index(self.start_dim, rank, "Flatten")
        end = _index(self.end_dim, rank, "Flatten")
        if start > end:
            raise ShapeError("flatten() has invalid args: start_dim cannot come after end_dim")
        return (*input_shape[:start], sympy.Mul(*input_shape[start:end + 1]),
                *input_shape[end + 1:])


class Unflatten(Module):
    """Splits axis ``dim`` into ``unflattened_size`` (one entry may be -1)."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries: no weights, 0 parameters"

    def __init__(self, dim, unflattened_size, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise ArgumentTypeError("Unflatten: unflattened_size must be a non-empty tuple or "
                                    f"list. Received: unflattened_size={unflattened_size!r}",
                                    argument="unflattened_size", value=unflattened_size)
        sizes = []
        for value in unflattened_size:
            if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value == -1:
                sizes.append(-1)
            else:
                sizes.append(arguments.size(value, owner="Unflatten",
                                            argument="unflattened_size"))
        if sizes.count(-1) > 1:
            raise ArgumentError("Unflatten: only one dimension can be inferred. "
                                f"Received: unflattened_size={tuple(unflattened_size)!r}",
                                argument="unflattened_size", value=unflattened_size)
        self._store(dim=arguments.axis(dim, owner="Unflatten", argument="dim"),
                    unflattened_size=tuple(sizes))

    def _split(self, input_shape):
        index = _index(self.dim, len(input_shape), "Unflatten")
        known = sympy.Mul(*(s for s in self.unflattened_size if s != -1))
        return index, input_shape[index], known

    def input_conditions(self, input_shape):
        _, size, known = self._split(input_shape)
        if -1 in self.unflattened_size:
            return (Condition.divides(known, size, "the product of unflattened_size must "
                                                   "divide the unflattened axis"),)
        return (Condition.equal(known, size, "unflattened_size must multiply to the size of "
                                             "the unflattened axis"),)

    def compute_output_shape(self, input_shape):
        index, size, known = self._split(input_shape)
        sizes = tuple(size / known if s == -1 else s for s in self.unflattened_size)
        if any(s.is_integer is False for s in sizes):
            raise ShapeError(f"cannot unflatten {format_shape(input_shape)} at dim {self.dim}")
        return (*input_shape[:index], *sizes, *input_shape[index + 1:])
