"""Sizes that may be zero, and ``(before, after)`` pairs: paddings, croppings, output paddings.

>>> from symparams.layers._padding import non_negative, pairs
>>> non_negative(0, owner="ZeroPadding1D", argument="padding")
0
>>> pairs(2, 2, owner="ZeroPadding2D", argument="padding")
((2, 2), (2, 2))
>>> pairs((1, (2, 3)), 2, owner="ZeroPadding2D", argument="padding")
((1, 1), (2, 3))
>>> non_negative(-1, owner="Cropping1D", argument="cropping")
Traceback (most recent call last):
...
symparams.errors.ArgumentError: Cropping1D: `cropping` must be a non-negative integer. Received: cropping=-1
"""

from __future__ import annotations


import sympy

from .. import arguments
from ..errors import ArgumentError


def non_negative(value, *, owner: str, argument: str) -> sympy.Expr:
    """A size that may be 0; see :func:`symparams.arguments.padding_size`."""
    return arguments.padding_size(value, owner=owner, argument=argument)


def pair(value, *, owner: str, argument: str) -> tuple:
    """``(before, after)``: one non-negative size for both sides, or a pair of them."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ArgumentError(
                f"{owner}: `{argument}` must be a non-negative integer or a pair of them "
                f"(before, after). Received: {argument}={value!r}",
                argument=argument, value=value)
        return tuple(non_negative(v, owner=owner, argument=argument) for v in value)
    size = non_negative(value, owner=owner, argument=argument)
    return (size, size)


def pairs(value, rank: int, *, owner: str, argument: str) -> tuple:
    """``rank`` pairs: one size for every side, ``rank`` sizes, or ``rank`` pairs (or a mix)."""
    if isinstance(value, (tuple, list)):
        if len(value) != rank:
            raise ArgumentError(
                f"{owner}: `{argument}` must be an integer, a tuple of {rank} integers, or a "
                f"tuple of {rank} pairs (before, after). Received: {argument}={value!r}",
                argument=argument, value=value)
        return tuple(pair(v, owner=owner, argument=argument) for v in value)
    return (pair(value, owner=owner, argument=argument),) * rank


def size_or_zero_tuple(value, n: int, *, owner: str, argument: str) -> tuple:
    """``n`` non-negative sizes: one repeated, or a tuple or list of exactly ``n``."""
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ArgumentError(
                f"{owner}: `{argument}` must be a non-negative integer or a tuple of {n} of "
                f"them. Received: {argument}={value!r}", argument=argument, value=value)
        return tuple(non_negative(v, owner=owner, argument=argument) for v in value)
    return (non_negative(value, owner=owner, argument=argument),) * n
