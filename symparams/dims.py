"""Symbolic dimensions: SymPy symbols that are positive integers.

>>> from symparams import dims
>>> H, W, C = dims("H W C")
>>> H.is_integer, H.is_positive
(True, True)
>>> dims("d_model")
d_model

Every symbol symparams works with comes from here, so all carry the same
assumptions and the integer rules of :mod:`symparams.intmath` apply to them.
"""

from __future__ import annotations

import re

import sympy

from .errors import ArgumentError, ArgumentTypeError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SEPARATORS = re.compile(r"[\s,]+")


def dims(names: str):
    """Positive-integer symbols for the names in ``names`` (separated by spaces or commas).

    One name gives one Symbol, several give a tuple.

    >>> dims("H W")
    (H, W)
    >>> dims("H, W, C")[2]
    C
    """
    if not isinstance(names, str):
        raise ArgumentTypeError(
            f"dims() takes a string of names such as 'H W C'. Received: names={names!r}",
            argument="names", value=names)
    parts = [p for p in _SEPARATORS.split(names) if p]
    if not parts:
        raise ArgumentError("dims() needs at least one name. Received: names=''",
                            argument="names", value=names)
    for part in parts:
        if not _NAME.match(part):
            raise ArgumentError(
                f"dims() names must be identifiers (letters, digits, underscores). "
                f"Received: {part!r}", argument="names", value=names)
    symbols = tuple(sympy.Symbol(p, integer=True, positive=True) for p in parts)
    return symbols[0] if len(symbols) == 1 else symbols


_SIZE = sympy.Dummy(integer=True, positive=True).assumptions0


def is_size_symbol(expr) -> bool:
    """True for a symbol known to be a positive integer and nothing more (as :func:`dims` makes
    them): every positive integer is a possible value, which decides some questions at once."""
    return expr.is_Symbol and expr.assumptions0 == _SIZE


def is_dim_symbol(symbol: sympy.Symbol) -> bool:
    """True for a symbol declared a positive integer (as :func:`dims` makes them)."""
    return bool(symbol.is_integer and symbol.is_positive)
