"""Taking a formula and its symbols from the caller, for the analysis functions.

A formula is a SymPy expression (or an int); its symbols are named by the
symbols themselves or by their names, matched against the formula's own
symbols (never parsed from text):

>>> from symparams import dims
>>> from symparams.formula import as_formula, bind, symbol_of
>>> H, W = dims("H W")
>>> f = as_formula(H * W + 1, owner="sweep")
>>> symbol_of(f, "H", owner="sweep") is H
True
>>> bind(f, {W: 3, "H": 2}, owner="sweep")
{W: 3, H: 2}
>>> bind(f, {"C": 3}, owner="sweep")
Traceback (most recent call last):
...
symparams.errors.ArgumentError: sweep: the formula has no symbol named 'C' (its symbols: H, W)
"""

from __future__ import annotations

import numbers

import sympy

from .errors import ArgumentError, ArgumentTypeError


def as_formula(value, *, owner: str, argument: str = "expr") -> sympy.Expr:
    """``value`` as a SymPy expression (an int or an expression); a model gets a hint."""
    if isinstance(value, sympy.Expr):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return sympy.Integer(int(value))
    hint = ""
    if hasattr(value, "params"):
        hint = "; for a model or layer pass one of its formulas, e.g. model.params"
    elif isinstance(value, str):
        hint = "; text is never parsed: build the formula from symbols (symparams.dims)"
    raise ArgumentTypeError(f"{owner}: `{argument}` must be a SymPy expression{hint}. "
                            f"Received: {argument}={value!r}", argument=argument, value=value)


def names(symbols) -> str:
    """Symbols' names, sorted, for messages."""
    return ", ".join(sorted(str(s) for s in symbols)) or "none"


def symbol_of(expr: sympy.Expr, key, *, owner: str, argument: str = "symbol") -> sympy.Symbol:
    """The symbol of ``expr`` that ``key`` names: the symbol itself or its name."""
    free = expr.free_symbols
    if isinstance(key, sympy.Symbol):
        if key not in free:
            raise ArgumentError(f"{owner}: the formula does not contain the symbol {key} "
                                f"(its symbols: {names(free)})", argument=argument, value=key)
        return key
    if not isinstance(key, str):
        raise ArgumentTypeError(f"{owner}: `{argument}` must be a SymPy symbol or its name. "
                                f"Received: {argument}={key!r}", argument=argument, value=key)
    found = [s for s in free if s.name == key]
    if not found:
        raise ArgumentError(f"{owner}: the formula has no symbol named {key!r} "
                            f"(its symbols: {names(free)})", argument=argument, value=key)
    if len(found) > 1:
        raise ArgumentError(f"{owner}: the formula has several symbols named {key!r} (with "
                            f"different assumptions); pass the symbol itself",
                            argument=argument, value=key)
    return found[0]


def bind(expr: sympy.Expr, given: dict, *, owner: str) -> dict:
    """``{symbol: value}`` for keys that are symbols of ``expr`` or their names."""
    bound = {}
    for key, value in given.items():
        symbol = symbol_of(expr, key, owner=owner, argument=str(key))
        if symbol in bound:
            raise ArgumentError(f"{owner}: {symbol} is given twice", argument=str(key),
                                value=value)
        bound[symbol] = value
    return bound


def require_all(expr: sympy.Expr, bound, *, owner: str, spare=()) -> None:
    """Raise naming every symbol of ``expr`` that has no value in ``bound`` (nor in ``spare``)."""
    missing = expr.free_symbols - set(bound) - set(spare)
    if missing:
        raise ArgumentError(f"{owner}: no value given for {names(missing)} (the formula's "
                            f"symbols: {names(expr.free_symbols)})", argument=names(missing))
