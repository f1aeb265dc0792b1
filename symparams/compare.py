"""Two models side by side: each quantity's difference, and where it is positive.

>>> from symparams import Sequential, compare, dims, layers
>>> d = dims("d")
>>> narrow = Sequential([layers.Dense(d), layers.Dense(10)], input_shape=(784,))
>>> wide = Sequential([layers.Dense(2 * d), layers.Dense(10)], input_shape=(784,))
>>> change = compare(narrow, wide)
>>> change.params
795*d
>>> change.positive["params"]
True
>>> compare(wide, narrow).positive["params"]
False
"""

from __future__ import annotations

import sympy

from . import arguments
from .errors import ArgumentError, ArgumentTypeError, UnavailableError
from .formula import bind, names
from .intmath import simplify_floors
from .printing import markdown_math

__all__ = ["compare", "Comparison"]


def compare(a, b) -> "Comparison":
    """``b`` against ``a``: every quantity both provide, as the difference ``b − a``.

    ``a`` and ``b`` are models or bound layers (anything with ``.params``; an
    ``output_shape`` adds ``output_elements``, the product of the output shape
    summed over outputs), and ``flops`` the FLOPs by the default convention
    (:mod:`symparams.compute`); for an object without them, ``comparison.flops``
    raises :class:`~symparams.errors.UnavailableError` saying which one lacks it.

    >>> from symparams import Sequential, dims, layers
    >>> H, F = dims("H F")
    >>> small = Sequential([layers.Conv2D(8, 3), layers.Flatten()], input_shape=(H, H, 3))
    >>> big = Sequential([layers.Conv2D(F, 3), layers.Flatten()], input_shape=(H, H, 3))
    >>> change = compare(small, big)
    >>> change.params, change.positive["params"]
    (28*(F - 8), 8 < F)
    >>> change.output_elements
    (F - 8)*(H - 2)**2
    >>> change.positive["output_elements"] is None, change.notes["output_elements"]
    (True, 'SymPy cannot say where it is positive in several symbols (F, H); fix all but one: comparison.region("output_elements", H=...)')
    >>> change.region("output_elements", H=32)
    8 < F
    >>> change.quantities
    ('params', 'output_elements', 'flops')
    >>> change.flops
    54*(F - 8)*(H - 2)**2
    """
    return Comparison(a, b)


class Comparison:
    """The differences ``b − a`` of two models' quantities, with where each is positive.

    Attributes: one per quantity (``params``, ``output_elements``,
    ``flops``), each a SymPy expression; ``quantities``, their names;
    ``positive``, for each name the region of sizes where the difference is
    positive (a SymPy relational, ``True`` or ``False``) or ``None`` where SymPy
    cannot say, with the reason in ``notes``.
    """

    def __init__(self, a, b):
        for which, model in (("a", a), ("b", b)):
            if not hasattr(model, "params"):
                raise ArgumentTypeError(
                    f"compare: `{which}` must be a model or a bound layer (with .params); for "
                    f"two formulas, subtract them. Received: {which}={model!r}",
                    argument=which, value=model)
        self.a, self.b = a, b
        self._differences, self.positive, self.notes, self._missing = {}, {}, {}, {}
        for name, read, source in _QUANTITIES:
            values = [read(model) for model in (a, b)]
            absent = [_name(m) for m, v in zip((a, b), values) if v is None]
            if absent:
                verb = "has" if len(absent) == 1 else "have"
                self._missing[name] = (f"compare: {name} is unavailable: "
                                       f"{' and '.join(absent)} {verb} no {source}")
                continue
            difference = _simplified(values[1] - values[0])
            self._differences[name] = difference
            self.positive[name], note = _positive_region(difference, name)
            if note:
                self.notes[name] = note

    @property
    def quantities(self) -> tuple:
        """The names of the quantities both models provide."""
        return tuple(self._differences)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._differences:
            return self._differences[name]
        if name in self._missing:
            raise UnavailableError(self._missing[name])
        raise AttributeError(f"'Comparison' object has no attribute {name!r}")

    def region(self, quantity: str, mapping=None, /, **fixed):
        """Where ``quantity``'s difference is positive once the symbols in ``fixed`` are fixed.

        Returns a SymPy relational (or ``True``/``False``), or ``None`` where SymPy
        cannot say.
        """
        if quantity in self._missing:
            raise UnavailableError(self._missing[quantity])
        if quantity not in self._differences:
            raise ArgumentError(f"compare: no quantity named {quantity!r} "
                                f"(quantities: {', '.join(self.quantities)})",
                                argument="quantity", value=quantity)
        difference = self._differences[quantity]
        values = bind(difference, arguments.merged(mapping, fixed, owner="region"),
                      owner="region")
        fixed_difference = difference.xreplace({s: _value(v, s) for s, v in values.items()})
        return _positive_region(fixed_difference, quantity)[0]

    def _rows(self, show):
        """``(name, difference, where positive)`` per quantity, formulas through ``show``."""
        for name, difference in self._differences.items():
            region = self.positive[name]
            yield name, show(difference), "not decided" if region is None else show(region)

    def __repr__(self) -> str:
        lines = [f"compare({_name(self.a)}, {_name(self.b)}): differences b - a"]
        lines += [f"  {name}: {difference}  (positive where: {where})"
                  for name, difference, where in self._rows(str)]
        lines += [f"  {name}: unavailable" for name in self._missing]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        """A table: each quantity's difference and where it is positive, as LaTeX."""
        lines = [f"**compare({_name(self.a)}, {_name(self.b)})**: differences b − a", "",
                 "| Quantity | b − a | Positive where |", "| :-- | :-- | :-- |"]
        lines += [f"| {name} | {difference} | {where} |"
                  for name, difference, where in self._rows(markdown_math)]
        lines += [f"| {name} | unavailable | |" for name in self._missing]
        return "\n".join(lines)


def _output_elements(model):
    shape = getattr(model, "output_shape", None)
    if shape is None:
        return None
    shapes = shape if isinstance(shape, list) else [shape]
    if any(size is None for s in shapes for size in s):
        return None
    return sympy.Add(*(sympy.Mul(*s) for s in shapes))


_QUANTITIES = (  # name, how to read it, what a model lacks when it cannot be read
    ("params", lambda model: model.params, "params"),
    ("output_elements", _output_elements,
     "output shape (a module has one once called on a tensor: compare Models)"),
    ("flops", lambda model: getattr(model, "flops", None), "flops"),
)


def _simplified(difference) -> sympy.Expr:
    expanded = simplify_floors(sympy.expand(difference))
    return min(sympy.factor(expanded), expanded, key=sympy.count_ops)


def _positive_region(difference, name: str):
    """``(region, note)``: where ``difference > 0``, or ``(None, why not)``."""
    if difference.is_positive:
        return sympy.true, None
    if difference.is_nonpositive:
        return sympy.false, None
    symbols = difference.free_symbols
    if len(symbols) > 1:
        rest = ", ".join(f"{s}=..." for s in sorted(symbols, key=str)[1:])
        return None, (f"SymPy cannot say where it is positive in several symbols "
                      f"({names(symbols)}); fix all but one: "
                      f'comparison.region("{name}", {rest})')
    (symbol,) = symbols
    try:
        return sympy.solve_univariate_inequality(difference > 0, symbol), None
    except (NotImplementedError, ValueError, TypeError):
        return None, f"SymPy cannot solve {difference} > 0 for {symbol}"


def _value(value, symbol):
    if isinstance(value, bool) or not isinstance(value, (int, sympy.Integer)):
        raise ArgumentTypeError(f"region: sizes must be integers. Received: {symbol}={value!r}",
                                argument=str(symbol), value=value)
    return sympy.Integer(value)


def _name(model) -> str:
    name = getattr(model, "name", None)
    return f"'{name}'" if name else type(model).__name__
