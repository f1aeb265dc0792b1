"""Checking and normalizing layer arguments.

Each checker takes the value, the ``owner`` (the layer class name, for the
message) and the ``argument`` name, and returns the value in the form layers
store: sizes become SymPy expressions, tuples of sizes become tuples.

>>> from symparams.arguments import size, size_tuple
>>> size(3, owner="Dense", argument="units")
3
>>> size_tuple(5, 2, owner="Conv2D", argument="kernel_size")
(5, 5)
>>> size(0, owner="Dense", argument="units")
Traceback (most recent call last):
...
symparams.errors.ArgumentError: Dense: `units` must be a positive integer. Received: units=0
"""

from __future__ import annotations

import numbers
import sys

import sympy

from .conditions import divides
from .dims import is_dim_symbol
from .errors import ArgumentError, ArgumentTypeError


def size(value, *, owner: str, argument: str) -> sympy.Expr:
    """A positive integer: an int, a :func:`~symparams.dims` symbol, or an expression of them.

    Symbolic values are checked three-valued: rejected only when provably not
    a positive integer (``K - K``), accepted when undecidable (``K - 1``).
    """
    expr = _as_expr(value, owner=owner, argument=argument)
    if _integral(expr) is False or expr.is_positive is False or expr is sympy.nan:
        raise ArgumentError(
            f"{owner}: `{argument}` must be a positive integer. Received: {argument}={value!r}",
            argument=argument, value=value)
    return expr


def _integral(expr) -> bool | None:
    """``expr.is_integer``; a quotient such as ``d/h`` asks :func:`~symparams.conditions.divides`,
    which knows two size symbols at once (SymPy takes milliseconds)."""
    if expr.is_Mul:
        numerator, denominator = expr.as_numer_denom()
        if denominator != 1:
            return divides(denominator, numerator)
    return expr.is_integer


def padding_size(value, *, owner: str, argument: str) -> sympy.Expr:
    """A size that may be 0 (a padding, a cropping): an int >= 0, a symbol, or an expression.

    Checked three-valued like :func:`size`: ``P - 1`` is accepted, ``-P`` is not.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise ArgumentError(
                f"{owner}: `{argument}` must be a non-negative integer. "
                f"Received: {argument}={value!r}", argument=argument, value=value)
        return sympy.Integer(int(value))
    if isinstance(value, sympy.Expr) and (value.is_negative or value.is_zero):
        if value.is_negative:
            raise ArgumentError(
                f"{owner}: `{argument}` must be a non-negative integer. "
                f"Received: {argument}={value!r}", argument=argument, value=value)
        return sympy.Integer(0)
    return size(value, owner=owner, argument=argument)


def size_tuple(value, n: int, *, owner: str, argument: str, check=None) -> tuple:
    """``n`` sizes: one size repeated, or a tuple or list of exactly ``n``.

    ``check`` checks each entry (:func:`size` by default; :func:`padding_size`
    for paddings).
    """
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ArgumentError(
                f"{owner}: `{argument}` must be a size or a tuple of {n} sizes. "
                f"Received: {argument}={value!r}", argument=argument, value=value)
        return tuple((check or size)(v, owner=owner, argument=argument) for v in value)
    return ((check or size)(value, owner=owner, argument=argument),) * n


def choice(value, options: tuple[str, ...], *, owner: str, argument: str,
           exact: bool = False) -> str:
    """One of ``options``: case-insensitive as Keras compares, or ``exact`` as PyTorch does."""
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be one of {_listing(options)}. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    lowered = value if exact else value.lower()
    if lowered not in options:
        raise ArgumentError(
            f"{owner}: `{argument}` must be one of {_listing(options)}. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    return lowered


def flag(value, *, owner: str, argument: str) -> bool:
    """A bool (numpy bools too)."""
    if not isinstance(value, (bool, _numpy_bool())):
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be True or False. Received: {argument}={value!r}",
            argument=argument, value=value)
    return bool(value)


def fraction(value, *, owner: str, argument: str, upper_inclusive: bool = True) -> float:
    """A real number in [0, 1] (a dropout rate)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be a number between 0 and 1. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    if not (0 <= value <= 1) or (value == 1 and not upper_inclusive):
        raise ArgumentError(
            f"{owner}: `{argument}` must be a number between 0 and 1. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    return float(value)


def number(value, *, owner: str, argument: str):
    """A real number that changes no shape (a slope, a threshold): not a bool, not NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be a real number. Received: {argument}={value!r}",
            argument=argument, value=value)
    return value


def axis(value, *, owner: str, argument: str) -> int:
    """An int axis (negative counts from the end)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be an integer axis. Received: {argument}={value!r}",
            argument=argument, value=value)
    return int(value)


def _as_expr(value, *, owner: str, argument: str) -> sympy.Expr:
    if isinstance(value, bool):
        raise ArgumentTypeError(
            f"{owner}: `{argument}` must be a positive integer, not a bool. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, numbers.Real):
        raise ArgumentError(
            f"{owner}: `{argument}` must be a positive integer. Received: {argument}={value!r}",
            argument=argument, value=value)
    if isinstance(value, sympy.Expr) and not isinstance(value, sympy.Float):
        if value.atoms(sympy.Float):
            raise ArgumentError(
                f"{owner}: `{argument}` must be a positive integer, not a float expression. "
                f"Received: {argument}={value!r}", argument=argument, value=value)
        for symbol in value.free_symbols:
            if not is_dim_symbol(symbol):
                raise ArgumentError(
                    f"{owner}: `{argument}` uses the symbol {symbol}, which is not declared a "
                    f"positive integer; create it with symparams.dims({str(symbol)!r}). "
                    f"Received: {argument}={value!r}", argument=argument, value=value)
        return value
    if isinstance(value, sympy.Float):
        raise ArgumentError(
            f"{owner}: `{argument}` must be a positive integer. Received: {argument}={value!r}",
            argument=argument, value=value)
    hint = "; use symparams.dims(...) for a symbol" if isinstance(value, str) else ""
    raise ArgumentTypeError(
        f"{owner}: `{argument}` must be a positive integer or a symbolic dimension{hint}. "
        f"Received: {argument}={value!r}", argument=argument, value=value)


def _listing(options) -> str:
    return ", ".join(repr(o) for o in options)


def _numpy_bool():
    # A numpy bool can only exist if numpy is already imported: never import it here.
    numpy = sys.modules.get("numpy")
    return numpy.bool_ if numpy is not None else bool


def merged(mapping, values: dict, *, owner: str) -> dict:
    """A ``subs(mapping, **values)`` call's replacements in one dict (``mapping`` may be None)."""
    if mapping is not None and not isinstance(mapping, dict):
        raise ArgumentTypeError(f"subs: {owner}: `mapping` must be a dict of symbols (or their "
                                f"names) to values. Received: {mapping!r}", argument="mapping",
                                value=mapping)
    return {**(mapping or {}), **values}


def substitutions(given: dict, symbols, *, owner: str) -> dict:
    """``{symbol: value}`` from keys that are symbols or their names; values checked as sizes.

    A name that is not among ``symbols`` is an error (a typo would otherwise
    substitute nothing, silently).
    """
    by_name = {str(s): s for s in symbols}
    replacements = {}
    for key, value in given.items():
        if isinstance(key, str):
            if key not in by_name:
                known = ", ".join(sorted(by_name)) or "none"
                raise ArgumentError(f"subs: {owner} has no symbol named {key!r} "
                                    f"(its symbols: {known})", argument=key, value=value)
            key = by_name[key]
        elif not isinstance(key, sympy.Symbol):
            raise ArgumentTypeError(f"subs: keys must be symbols or their names. Received: {key!r}",
                                    argument="mapping", value=key)
        replacements[key] = size(value, owner="subs", argument=str(key))
    return replacements
