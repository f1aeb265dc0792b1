"""Conditions a layer's input must meet, decided three-valued.

A condition that is provably false is an error at once; provably true, it is
dropped; undecidable (``in_features`` against ``64*floor(H/4)``, say), it is
kept on the bound layer and decided again when numbers are substituted.

>>> from symparams import dims
>>> from symparams.conditions import Condition, settle
>>> H = dims("H")
>>> settle([Condition.equal(64, 64, "in_features = input features")])
()
>>> settle([Condition.equal(64, 4*H, "in_features = input features")])
(Condition(64 = 4*H: in_features = input features),)
>>> settle([Condition.equal(64, 4*H + 1, "in_features = input features")])
Traceback (most recent call last):
...
symparams.errors.ShapeError: in_features = input features: 64 != 4*H + 1
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .dims import is_size_symbol
from .errors import ShapeError
from .intmath import as_expr

__all__ = ["Condition", "divides", "settle", "undecided"]


@dataclass(frozen=True)
class Condition:
    """``lhs == rhs``, ``lhs < rhs``, ``lhs >= rhs``, or ``lhs`` divides ``rhs``, with what it
    means."""

    kind: str
    lhs: sympy.Expr
    rhs: sympy.Expr
    meaning: str

    @classmethod
    def equal(cls, lhs, rhs, meaning: str) -> "Condition":
        return cls("equal", as_expr(lhs), as_expr(rhs), meaning)

    @classmethod
    def less(cls, lhs, rhs, meaning: str) -> "Condition":
        return cls("less", as_expr(lhs), as_expr(rhs), meaning)

    @classmethod
    def at_least(cls, lhs, rhs, meaning: str) -> "Condition":
        return cls("at_least", as_expr(lhs), as_expr(rhs), meaning)

    @classmethod
    def divides(cls, divisor, value, meaning: str) -> "Condition":
        return cls("divides", as_expr(divisor), as_expr(value), meaning)

    def holds(self):
        """True, False, or None when it depends on the values."""
        lhs, rhs = self.lhs, self.rhs
        if lhs.is_Integer and rhs.is_Integer:  # numbers: decided without SymPy's arithmetic
            return _decide_numbers(self.kind, int(lhs), int(rhs))
        if self.kind == "equal":
            if self.lhs == self.rhs:  # the same expression: no need to subtract
                return True
            difference = sympy.expand(self.lhs - self.rhs)
            if difference == 0:
                return True
            return False if difference.is_zero is False else None
        if self.kind == "less":
            return (self.rhs - self.lhs).is_positive
        if self.kind == "at_least":
            return (self.lhs - self.rhs).is_nonnegative
        return divides(self.lhs, self.rhs)

    def as_relation(self) -> sympy.Basic:
        """The condition as a SymPy relation (for display and solving)."""
        if self.kind == "equal":
            return sympy.Eq(self.lhs, self.rhs, evaluate=False)
        if self.kind == "less":
            return sympy.StrictLessThan(self.lhs, self.rhs, evaluate=False)
        if self.kind == "at_least":
            return sympy.GreaterThan(self.lhs, self.rhs, evaluate=False)
        return sympy.Eq(sympy.Mod(self.rhs, self.lhs), 0, evaluate=False)

    def subs(self, mapping) -> "Condition":
        """The condition with symbols replaced (``mapping`` from symbols to values)."""
        if not self.free_symbols & mapping.keys():
            return self
        return Condition(self.kind, self.lhs.xreplace(mapping), self.rhs.xreplace(mapping),
                         self.meaning)

    @property
    def free_symbols(self) -> set:
        return self.lhs.free_symbols | self.rhs.free_symbols

    def failure(self) -> str:
        """How the condition fails, as errors say it: ``64 != 4*H + 1``."""
        return f"{self.lhs} {_SIGNS[self.kind][1]} {self.rhs}"

    def __str__(self) -> str:
        return f"{self.lhs} {_SIGNS[self.kind][0]} {self.rhs}"

    def __repr__(self) -> str:
        return f"Condition({self}: {self.meaning})"

    def _latex(self, printer) -> str:
        from .explain import _latex_text
        return rf"{printer._print(self.as_relation())} \quad {_latex_text(f'({self.meaning})')}"

    def _repr_latex_(self) -> str:
        from .printing import latex
        return f"${latex(self)}$"


def _decide_numbers(kind: str, lhs: int, rhs: int) -> bool | None:
    if kind == "equal":
        return lhs == rhs
    if kind == "less":
        return lhs < rhs
    if kind == "at_least":
        return lhs >= rhs
    if lhs == 0:  # as SymPy decides n/0: zoo is not an integer, nan is undecided
        return None if rhs == 0 else False
    return rhs % lhs == 0


_SIGNS = {"equal": ("=", "!="), "less": ("<", "is not below"), "at_least": (">=", "<"),
          "divides": ("divides", "does not divide")}


def divides(divisor, value) -> bool | None:
    """Whether ``divisor`` divides ``value``: True, False, or None when it depends on the values.

    Between a size symbol (:func:`~symparams.dims.dims`) and another one or a number it depends,
    decided at once; SymPy takes milliseconds to say so for each new pair (``d/h``).

    >>> from symparams import dims
    >>> d, h = dims("d h")
    >>> divides(h, d), divides(2, d), divides(h, 2 * h), divides(2, 6), divides(4, 6)
    (None, None, True, True, False)
    """
    divisor, value = as_expr(divisor), as_expr(value)
    if divisor.is_Integer and value.is_Integer:
        return _decide_numbers("divides", int(divisor), int(value))
    symbols = [x for x in (divisor, value) if is_size_symbol(x)]
    numbers = [x for x in (divisor, value) if x.is_Integer and x > 0]
    if symbols and len(symbols) + len(numbers) == 2 and divisor != value and divisor != 1:
        return None  # the symbol may be the other size (it divides) or not (it does not)
    return (value / divisor).is_integer


def undecided(*conditions) -> tuple[Condition, ...]:
    """Those of ``conditions`` that depend on the values (a false one is left to its layer,
    which says why in its own words)."""
    return tuple(c for c in conditions if c.holds() is None)


def settle(conditions) -> tuple[Condition, ...]:
    """The conditions still open; raises :class:`ShapeError` for the first that is false."""
    kept = []
    for condition in conditions:
        verdict = condition.holds()
        if verdict is False:
            raise ShapeError(f"{condition.meaning}: {condition.failure()}")
        if verdict is None:
            kept.append(condition)
    return tuple(kept)
