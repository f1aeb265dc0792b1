"""Evaluating a formula on arrays of sizes: vectorized, and exact for integers.

>>> import numpy as np
>>> from sympy import floor
>>> from symparams import dims, sweep
>>> H, W = dims("H W")
>>> sweep(floor(H/4) * W + 1, H=range(1, 9), W=3)
array([1, 1, 1, 4, 4, 4, 4, 7])
>>> sweep(H * W, H=[1, 2, 3], W=np.array([[10], [100]]))
array([[ 10,  20,  30],
       [100, 200, 300]])

Before NumPy sees it, the formula is rewritten so that every step is integer
arithmetic on integers: ``floor(p/q)`` becomes ``p // q`` (never a rounded
float quotient), ``ceiling(p/q)`` becomes ``-((-p) // q)``, ``Mod``, ``Min``,
``Max`` and ``Abs`` their NumPy counterparts, and the whole formula one
quotient ``N/D`` of integer-valued parts. Integer values then give exact
``int64`` results. Where the formula's magnitude, bounded from the largest
values given, could leave ``int64``, the same code runs on Python integers
instead (``dtype=object``), exact at any size:

>>> V, d, L = dims("V d L")
>>> params = L * (12 * d**2 + 13 * d) + V * d
>>> big = sweep(params, V=50257, d=[2**20, 2**40], L=10**6)
>>> big.dtype, big[1] == params.subs({V: 50257, d: 2**40, L: 10**6})
(dtype('O'), True)

Formulas beyond integer arithmetic (a square root, a float coefficient), and
float values, are evaluated in float64.
"""

from __future__ import annotations

import functools
import numbers

import sympy

from .errors import ArgumentError, ArgumentTypeError
from .formula import as_formula, bind, require_all

__all__ = ["sweep"]

_FLOOR_DIV = sympy.Function("symparams_floor_div")
_MOD = sympy.Function("symparams_mod")
_MIN = sympy.Function("symparams_min")
_MAX = sympy.Function("symparams_max")
_ABS = sympy.Function("symparams_abs")
_INT64_MAX = 2**63 - 1
_CAP = 2**512  # magnitude bounds beyond this are all "too large"


def sweep(expr, mapping=None, /, **values):
    """``expr`` evaluated at every combination NumPy broadcasting makes of the given values.

    Each symbol of ``expr`` gets a value by keyword (its name) or in ``mapping``
    (by symbol or name): an int, a float, a ``range``, a list or a NumPy array.
    Arrays broadcast as in NumPy (give one an extra axis for a grid). Returns a
    NumPy array: ``int64`` for integer values where every result is an integer
    that fits, Python ints (``dtype=object``) where one could be larger, float64
    otherwise. Pass a model's formula (``model.params``), not the model.

    Values must fit the symbols' assumptions: a size from :func:`~symparams.dims`
    is a positive integer (whole floats count as integers), and its formulas' floors
    were simplified by rules that hold only there, so 0, negative or fractional
    values are refused. Symbols without assumptions take any number.

    >>> from symparams import dims, sweep
    >>> d, L = dims("d L")
    >>> sweep(12 * L * d**2, {d: range(256, 1025, 256)}, L=12)
    array([  9437184,  37748736,  84934656, 150994944])
    >>> sweep(d / 2, d=[1, 2])
    array([0.5, 1. ])
    >>> sweep(d * L, d=4)
    Traceback (most recent call last):
    ...
    symparams.errors.ArgumentError: sweep: no value given for L (the formula's symbols: L, d)
    """
    expr = as_formula(expr, owner="sweep")
    given = dict(mapping or {})
    given.update(values)
    bound = bind(expr, given, owner="sweep")
    require_all(expr, bound, owner="sweep")
    import numpy as np

    symbols = tuple(sorted(bound, key=str))
    checked = [_in_domain(np, s, _as_array(np, bound[s], str(s))) for s in symbols]
    arrays = [array for array, _ in checked]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    compiled = _compile(expr, symbols)
    if compiled is None:
        return _float_fallback(np, expr, symbols, arrays, shape)
    kinds = {a.dtype.kind for a in arrays}
    if "f" in kinds:
        dtype = np.float64
    elif not arrays or "O" in kinds or compiled.peak([m for _, m in checked]) > _INT64_MAX:
        dtype = object
    else:
        dtype = np.int64
    arrays = [a.astype(dtype, copy=False) for a in arrays]
    numerator, denominator = (np.asarray(v, dtype=dtype)
                              for v in compiled.function(np, dtype)(*arrays))
    result = _quotient(np, numerator, denominator, exact="f" not in kinds,
                       divides=compiled.denominator != 1)
    if result.shape != shape or not result.flags.owndata or any(result is a for a in arrays):
        result = np.array(np.broadcast_to(result, shape))  # a new array, never a given one
    return result


def _quotient(np, numerator, denominator, *, exact: bool, divides: bool):
    """``N/D``: an integer array where ``D`` divides ``N`` everywhere, else float64."""
    if divides:
        _check_divisor(np, denominator)
        if exact:
            exactly = not np.any(np.remainder(numerator, denominator))
            result = np.floor_divide(numerator, denominator) if exactly else \
                numerator / denominator
        else:
            result = numerator / denominator
    else:
        result = numerator
    result = np.asarray(result)
    if result.dtype == object:
        if all(isinstance(v, numbers.Integral) for v in result.flat):
            if result.size == 0 or -_INT64_MAX - 1 <= min(result.flat) and \
                    max(result.flat) <= _INT64_MAX:
                return result.astype(np.int64)
            return result
        return result.astype(np.float64)
    return result


def _check_divisor(np, divisor) -> None:
    if np.any(divisor == 0):
        raise ArgumentError("sweep: the formula divides by zero at some of the given values",
                            argument="values")


def _as_array(np, value, name: str):
    """One symbol's values as an int64, float64 or (huge ints) object array."""
    if isinstance(value, range):
        if value and max(abs(value[0]), abs(value[-1])) <= _INT64_MAX:
            return np.arange(value.start, value.stop, value.step, dtype=np.int64)
        value = list(value)
    if isinstance(value, sympy.Basic):
        if not value.is_Number or not value.is_real:
            raise ArgumentTypeError(f"sweep: values must be numbers, not formulas. "
                                    f"Received: {name}={value!r}", argument=name, value=value)
        value = int(value) if value.is_Integer else float(value)
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        array = np.asarray(value, dtype=object)
    kind = array.dtype.kind
    if kind in "iu":
        if kind == "u" and array.size and int(array.max()) > _INT64_MAX:
            return array.astype(object)
        return array.astype(np.int64, copy=False)
    if kind == "f":
        return array.astype(np.float64, copy=False)
    if kind == "O" and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                           for v in array.flat):
        return np.vectorize(int, otypes=[object])(array) if array.size else array
    raise ArgumentTypeError(f"sweep: values must be ints, floats, ranges, lists or NumPy arrays "
                            f"of numbers. Received: {name}={value!r}", argument=name, value=value)


def _in_domain(np, symbol, array):
    """``(array, largest magnitude)``: ``array`` checked against ``symbol``'s assumptions.

    Integral floats of an integer symbol become ints. A formula built for
    positive-integer sizes may have been simplified by rules that hold only there,
    so values outside are refused rather than evaluated. Each array is scanned
    once for its smallest and largest value.
    """
    if not array.size:
        return array, 0
    name = str(symbol)
    if symbol.is_integer and array.dtype.kind == "f":
        if not (np.isfinite(array).all() and (array == np.floor(array)).all()):
            odd = array[~(np.isfinite(array) & (array == np.floor(array)))].flat[0].item()
            raise ArgumentError(f"sweep: {name} is an integer size; received a value that is "
                                f"not a whole number: {name}={odd!r}", argument=name, value=odd)
        array = np.vectorize(int, otypes=[object])(array) \
            if np.abs(array).max() > _INT64_MAX else array.astype(np.int64)
    smallest, largest = (v.item() if hasattr(v, "item") else v for v in (array.min(), array.max()))
    if (symbol.is_positive and smallest <= 0) or (symbol.is_nonnegative and smallest < 0):
        kind = "positive" if symbol.is_positive else "non-negative"
        raise ArgumentError(f"sweep: {name} is declared {kind}; received {name}={smallest!r}",
                            argument=name, value=smallest)
    return array, max(abs(smallest), abs(largest))


def _float_fallback(np, expr, symbols, arrays, shape):
    """Formulas outside integer arithmetic: float64 through lambdify."""
    spelled = expr.replace(sympy.Min, _MIN).replace(sympy.Max, _MAX)
    function = sympy.lambdify(symbols, spelled,
                              modules=[_implementations(np, np.float64), "numpy"])
    result = function(*(a.astype(np.float64) for a in arrays))
    return np.array(np.broadcast_to(np.asarray(result, dtype=np.float64), shape))


class _Unsupported(Exception):
    """A formula the integer rewriting does not cover."""


class _Compiled:
    """A formula as ``N/D`` of integer-valued parts, with a bound on their magnitudes."""

    def __init__(self, numerator, denominator, symbols):
        self.numerator = numerator
        self.denominator = denominator
        self.symbols = symbols
        index = {symbol: i for i, symbol in enumerate(symbols)}
        self._parts = (_evaluator(numerator, index), _evaluator(denominator, index))

    def function(self, np, dtype):
        """``arrays -> (N, D)``: the two parts evaluated with the integer operations of ``dtype``."""
        operations = _implementations(np, dtype)
        numerator, denominator = self._parts
        return lambda *arrays: (numerator(operations, arrays), denominator(operations, arrays))

    def peak(self, magnitudes) -> int:
        """An upper bound on every intermediate value's magnitude, given the symbols' largest."""
        largest = dict(zip(self.symbols, magnitudes))
        peak = [0]
        _bound(self.numerator, largest, peak)
        _bound(self.denominator, largest, peak)
        return peak[0]


def _evaluator(e, index):
    """``(operations, arrays) -> value`` of the integer polynomial ``e``, as nested closures.

    Each node of the expression becomes one NumPy operation on whole arrays, written
    with Python's operators as one would write the formula by hand (``x**2`` a
    product), so NumPy reuses the buffers of temporaries as it does there. Nothing
    is printed, parsed or compiled.
    """
    if e.is_Integer:
        value = int(e)
        return lambda operations, arrays: value
    if e.is_Symbol:
        position = index[e]
        return lambda operations, arrays: arrays[position]
    if e.is_Add or e.is_Mul:
        parts = [_evaluator(a, index) for a in e.args]
        return functools.reduce(_sum if e.is_Add else _product, parts)
    if e.is_Pow:
        base, exponent = _evaluator(e.base, index), int(e.exp)
        if exponent <= 4:
            def power(operations, arrays):
                value = base(operations, arrays)
                result = value * value
                for _ in range(exponent - 2):
                    result = result * value
                return result
            return power
        return lambda operations, arrays: base(operations, arrays) ** exponent
    parts = [_evaluator(a, index) for a in e.args]  # one of the integer operations
    name = e.func.__name__
    return lambda operations, arrays: operations[name](*[part(operations, arrays)
                                                         for part in parts])


def _sum(left, right):
    return lambda operations, arrays: left(operations, arrays) + right(operations, arrays)


def _product(left, right):
    return lambda operations, arrays: left(operations, arrays) * right(operations, arrays)


@functools.lru_cache(maxsize=256)
def _compile(expr, symbols):
    try:
        numerator, denominator = _fraction(_lower(expr))
    except _Unsupported:
        return None
    return _Compiled(numerator, denominator, symbols)


def _implementations(np, dtype) -> dict:
    """The integer operations on arrays of ``dtype``.

    Arguments are made arrays of ``dtype`` first: NumPy turns a 0-d result into a
    Python scalar, which a ufunc would otherwise convert to int64.
    """
    def floor_div(n, d):
        _check_divisor(np, d)
        return np.floor_divide(np.asarray(n, dtype=dtype), d)

    def mod(n, d):
        _check_divisor(np, d)
        return np.mod(np.asarray(n, dtype=dtype), d)

    def reduce(ufunc):
        return lambda *a: functools.reduce(ufunc, (np.asarray(x, dtype=dtype) for x in a))

    return {"symparams_floor_div": floor_div, "symparams_mod": mod,
            "symparams_min": reduce(np.minimum), "symparams_max": reduce(np.maximum),
            "symparams_abs": lambda x: np.abs(np.asarray(x, dtype=dtype))}


def _lower(e):
    """``e`` with each floor, ceiling, Mod, Min, Max, Abs as an integer operation on quotients.

    The result is equal to ``e`` for all real values, and is a rational function
    of the symbols and of operations whose values are integers for integer inputs.
    """
    if e.is_Symbol or e.is_Rational:
        return e
    if e.is_Atom:
        raise _Unsupported(e)
    if e.is_Add or e.is_Mul:
        return e.func(*(_lower(a) for a in e.args))
    if e.is_Pow:
        if not e.exp.is_Integer:
            raise _Unsupported(e)
        return _lower(e.base) ** e.exp
    if isinstance(e, (sympy.floor, sympy.ceiling)):
        n, d = _fraction(_lower(e.args[0]))
        return _FLOOR_DIV(n, d) if isinstance(e, sympy.floor) else -_FLOOR_DIV(-n, d)
    if isinstance(e, sympy.Mod):
        (n, d), (m, q) = (_fraction(_lower(a)) for a in e.args)
        if d == 1 and q == 1:
            return _MOD(n, m)
        return n / d - m / q * _FLOOR_DIV(n * q, m * d)
    if isinstance(e, (sympy.Min, sympy.Max)):
        parts = [_fraction(_lower(a)) for a in e.args]
        if not all(d.is_Integer and d > 0 for _, d in parts):
            raise _Unsupported(e)
        common = sympy.ilcm(*(int(d) for _, d in parts)) if len(parts) > 1 else int(parts[0][1])
        func = _MIN if isinstance(e, sympy.Min) else _MAX
        return func(*(n * (common // int(d)) for n, d in parts)) / common
    if isinstance(e, sympy.Abs):
        n, d = _fraction(_lower(e.args[0]))
        return _ABS(n) / (abs(d) if d.is_Integer else _ABS(d))
    raise _Unsupported(e)


def _fraction(e):
    """``(N, D)`` with ``e = N/D`` and both integer polynomials in their atoms."""
    if _is_integer_polynomial(e):
        return e, sympy.Integer(1)
    numerator, denominator = sympy.fraction(sympy.together(e))
    for part in (numerator, denominator):
        if not _is_integer_polynomial(part):
            raise _Unsupported(part)
    return numerator, denominator


def _is_integer_polynomial(e) -> bool:
    if e.is_Integer or e.is_Symbol or e.func in (_FLOOR_DIV, _MOD, _MIN, _MAX, _ABS):
        return True
    if e.is_Add or e.is_Mul:
        return all(_is_integer_polynomial(a) for a in e.args)
    if e.is_Pow:
        return bool(e.exp.is_Integer and e.exp >= 0 and _is_integer_polynomial(e.base))
    return False


def _bound(e, largest: dict, peak: list) -> int:
    """An upper bound on ``|e|`` (and, in ``peak[0]``, on every step computing it)."""
    if e.is_Integer:
        value = abs(int(e))
    elif e.is_Symbol:
        value = largest[e]
    elif e.is_Add:
        value = sum(_bound(a, largest, peak) for a in e.args)
    elif e.is_Mul:
        value = functools.reduce(lambda x, y: x * max(y, 1),
                                 (_bound(a, largest, peak) for a in e.args), 1)
    elif e.is_Pow:
        base = _bound(e.base, largest, peak)
        power = int(e.exp)
        value = _CAP if base.bit_length() * power > _CAP.bit_length() else base ** power
    elif e.func is _FLOOR_DIV:
        numerator, _ = (_bound(a, largest, peak) for a in e.args)
        value = numerator + 1
    elif e.func is _MOD:
        _, divisor = (_bound(a, largest, peak) for a in e.args)
        value = divisor
    else:  # Min, Max, Abs
        value = max(_bound(a, largest, peak) for a in e.args)
    value = min(value, _CAP)
    peak[0] = max(peak[0], value)
    return value
