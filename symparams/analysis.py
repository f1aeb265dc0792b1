"""Questions about one formula: what fits a budget, how it scales, how it responds.

>>> from symparams import dims, leading_term, scaling_exponent, solve_budget
>>> from symparams.examples import gpt2
>>> params = gpt2().params
>>> params
L*(12*d**2 + 13*d) + T*d + V*d + 2*d
>>> leading_term(params, "d"), scaling_exponent(params, "d"), scaling_exponent(params, "L")
(12*L*d**2, 2, 1)
>>> solve_budget(params, 7e9, "d", V=50257, T=2048, L=32)
4201

Symbols are given as SymPy symbols or by name; text is never parsed.
"""

from __future__ import annotations

import numbers

import sympy

from .errors import ArgumentError, ArgumentTypeError
from .formula import as_formula, bind, require_all, symbol_of

__all__ = ["solve_budget", "leading_term", "scaling_exponent", "sensitivity"]

_SEARCH_LIMIT = 2**256


def solve_budget(expr, budget, symbol, /, **fixed) -> int:
    """The largest positive integer value of ``symbol`` with ``expr <= budget``.

    Every other symbol is fixed by keyword. The answer is exact, floors and
    ceilings included: the search doubles, then bisects, evaluating ``expr``
    exactly at integers. ``expr`` is assumed non-decreasing in ``symbol``; every
    value the search evaluates, and the answer's neighbours, are checked against
    that, and a violation is an error.

    Which ``d_model`` keeps GPT-2-style parameters within 7e9 at 32 layers?

    >>> from symparams import dims
    >>> from symparams.examples import gpt2
    >>> params = gpt2().params
    >>> d = solve_budget(params, 7e9, "d", V=50257, T=2048, L=32)
    >>> d, params.subs(dict(zip(dims("V T L d"), (50257, 2048, 32, d)))) <= 7e9
    (4201, True)
    >>> solve_budget(params, 5e4, "d", V=50257, T=2048, L=32)
    Traceback (most recent call last):
    ...
    symparams.errors.ArgumentError: solve_budget: no positive d fits: at d = 1 the formula is 53107 > 50000
    """
    owner = "solve_budget"
    expr = as_formula(expr, owner=owner)
    target = symbol_of(expr, symbol, owner=owner)
    limit = _budget(budget)
    values = bind(expr, fixed, owner=owner)
    if target in values:
        raise ArgumentError(f"{owner}: {target} is the symbol solved for; it cannot be fixed "
                            f"too", argument=str(target), value=values[target])
    require_all(expr, values, owner=owner, spare=(target,))
    f = expr.xreplace({s: _integer(v, s) for s, v in values.items()})
    if f.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ArgumentError(f"{owner}: with {_listing(values)} the formula has no finite value "
                            f"(it is {f})", argument=str(target))
    if target not in f.free_symbols:
        raise ArgumentError(f"{owner}: with {_listing(values)} the formula does not depend on "
                            f"{target} (it is {f})", argument=str(target))
    seen = {}

    def value(n: int):
        if n not in seen:
            seen[n] = _exact(f.xreplace({target: sympy.Integer(n)}), target, n)
        return seen[n]

    def fits(n: int) -> bool:
        return _less_equal(value(n), limit, target, n)

    if not fits(1):
        raise ArgumentError(f"{owner}: no positive {target} fits: at {target} = 1 the formula is "
                            f"{_short(value(1))} > {_short(limit)}", argument="budget",
                            value=budget)
    low, high = 1, 2
    while fits(high):
        if high >= _SEARCH_LIMIT:
            raise ArgumentError(f"{owner}: the formula stays within the budget up to {target} = "
                                f"2**{_SEARCH_LIMIT.bit_length() - 1}: it does not grow without "
                                f"bound in {target}", argument=str(target))
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    if low > 1:
        value(low - 1)
    _check_monotone(seen, target, owner)
    return low


def _check_monotone(seen: dict, target, owner: str) -> None:
    points = sorted(seen.items())
    for (a, fa), (b, fb) in zip(points, points[1:]):
        if not _less_equal(fa, fb, target, b):
            raise ArgumentError(f"{owner}: the formula is not non-decreasing in {target}: it is "
                                f"{_short(fa)} at {target} = {a} but {_short(fb)} at {target} = "
                                f"{b}", argument=str(target))


def _budget(budget):
    if isinstance(budget, bool) or not isinstance(budget, (numbers.Real, sympy.Rational)):
        raise ArgumentTypeError(f"solve_budget: `budget` must be a number. "
                                f"Received: budget={budget!r}", argument="budget", value=budget)
    if isinstance(budget, sympy.Rational):
        return budget
    if isinstance(budget, numbers.Integral):
        return sympy.Integer(int(budget))
    if budget != budget or budget in (float("inf"), float("-inf")):
        raise ArgumentError(f"solve_budget: `budget` must be finite. Received: budget={budget!r}",
                            argument="budget", value=budget)
    return sympy.Rational(float(budget))  # the float's exact value


def _integer(value, symbol) -> sympy.Integer:
    name = str(symbol)
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, sympy.Integer)):
        raise ArgumentTypeError(f"solve_budget: fixed sizes must be integers. Received: "
                                f"{name}={value!r}", argument=name, value=value)
    value = sympy.Integer(int(value))
    if (symbol.is_positive and value <= 0) or (symbol.is_nonnegative and value < 0):
        kind = "positive" if symbol.is_positive else "non-negative"
        raise ArgumentError(f"solve_budget: {name} is declared {kind}; received {name}={value}",
                            argument=name, value=value)
    return value


def _exact(result, target, n):
    if result.free_symbols or not (result.is_extended_real and result.is_finite):
        raise ArgumentError(f"solve_budget: the formula has no real value at {target} = {n} "
                            f"(it is {result})", argument=str(target))
    return result


def _less_equal(a, b, target, n) -> bool:
    """``a <= b`` for exact real numbers, decided by SymPy (an error where it cannot)."""
    decided = a <= b
    if decided not in (sympy.true, sympy.false):
        raise ArgumentError(f"solve_budget: SymPy cannot compare {a} with {b} (at {target} = "
                            f"{n})", argument=str(target))
    return bool(decided)


def _short(number) -> str:
    text = str(number)
    return text if len(text) <= 30 else f"{text[:12]}...{text[-6:]} ({len(text)} digits)"


def _listing(values: dict) -> str:
    return ", ".join(f"{s} = {v}" for s, v in sorted(values.items(), key=lambda i: str(i[0])))


def leading_term(expr, symbol) -> sympy.Expr:
    """The term of ``expr`` that dominates as ``symbol`` grows without bound.

    Floors and ceilings count as their arguments (they differ by less than 1);
    where that difference could reach the leading order, the answer would be a
    guess, and an error is raised instead.

    >>> from sympy import floor
    >>> from symparams import dims
    >>> H, W, C = dims("H W C")
    >>> leading_term(100 * 64 * (floor(H/4) - 3) * (floor(W/4) - 3) + 32 * (25*C + 1), "H")
    1600*H*(floor(W/4) - 3)
    >>> leading_term(H - 4 * floor(H/4), H)
    Traceback (most recent call last):
    ...
    symparams.errors.ArgumentError: leading_term: the leading order of H - 4*floor(H/4) in H depends on its floors, ceilings or Mod: SymPy cannot tell its leading term
    """
    coefficient, exponent, target = _leading(expr, symbol, "leading_term")
    return coefficient if exponent is None else coefficient * target**exponent


def scaling_exponent(expr, symbol) -> sympy.Expr:
    """The power of ``symbol`` in :func:`leading_term`: how ``expr`` scales as it grows.

    >>> from symparams import dims
    >>> d, h = dims("d h")
    >>> scaling_exponent(4 * d**2 + d, d), scaling_exponent(d**2 / h + h, h)
    (2, 1)
    >>> scaling_exponent(d**2 / h + 7, h)
    0
    """
    term, exponent, target = _leading(expr, symbol, "scaling_exponent")
    if exponent is None:
        raise ArgumentError(f"scaling_exponent: the leading term of {expr} in {target} is "
                            f"{term}, not a power of {target}", argument="expr", value=expr)
    return exponent


def _leading(expr, symbol, owner: str):
    """``(coefficient, exponent, symbol)`` of the leading term of ``expr`` in ``symbol``.

    A leading term that is not a power of the symbol (``H*log(H)``) comes back
    whole, as ``(term, None, symbol)``.
    """
    expr = as_formula(expr, owner=owner)
    target = symbol_of(expr, symbol, owner=owner)
    bounded = []
    smooth = _smooth(expr, target, bounded, owner)
    if smooth.is_polynomial(target):
        return _polynomial_leading(smooth, target, bounded, expr, owner) + (target,)
    numerator, denominator = sympy.fraction(sympy.together(smooth))
    if numerator.is_polynomial(target) and denominator.is_polynomial(target):
        top, top_power = _polynomial_leading(numerator, target, bounded, expr, owner)
        bottom, bottom_power = _polynomial_leading(denominator, target, bounded, expr, owner)
        return sympy.factor_terms(top / bottom), top_power - bottom_power, target
    if bounded:
        raise _undecidable(expr, target, owner)
    t = sympy.Dummy("t", positive=True)
    term = smooth.xreplace({target: 1 / t}).as_leading_term(t).xreplace({t: 1 / target})
    term = sympy.expand_log(term, force=True)
    coefficient, exponent = term.as_coeff_exponent(target)
    if coefficient.has(target):
        return term, None, target
    return coefficient, exponent, target


def _polynomial_leading(poly_expr, target, bounded, expr, owner):
    poly = sympy.Poly(sympy.expand(poly_expr), target)
    if poly.is_zero:
        raise ArgumentError(f"{owner}: {expr} is 0 for large {target}: it has no leading term",
                            argument="expr", value=expr)
    for power, coefficient in zip(range(poly.degree(), -1, -1), poly.all_coeffs()):
        coefficient = sympy.expand(coefficient)
        if coefficient == 0:
            continue
        if coefficient.free_symbols & set(bounded):
            raise _undecidable(expr, target, owner)
        return sympy.factor_terms(coefficient), sympy.Integer(power)
    raise _undecidable(expr, target, owner)


def _undecidable(expr, target, owner):
    return ArgumentError(f"{owner}: the leading order of {expr} in {target} depends on its "
                         f"floors, ceilings or Mod: SymPy cannot tell its leading term",
                         argument="expr", value=expr)


def _smooth(e, target, bounded: list, owner: str):
    """``e`` with each rounding that depends on ``target`` as its argument plus a bounded term.

    ``floor(u) = u + δ`` with ``-1 < δ <= 0`` (a ceiling likewise), ``Mod(a, b) = b·δ``
    with ``0 <= δ < 1``; each δ is a fresh symbol appended to ``bounded``. ``Min``
    and ``Max`` become the argument that dominates, or one argument plus a bounded
    term when they differ by a bounded amount.
    """
    if target not in e.free_symbols or not e.args:
        return e
    args = [_smooth(a, target, bounded, owner) for a in e.args]
    if isinstance(e, (sympy.floor, sympy.ceiling)):
        return args[0] + _fresh(bounded)
    if isinstance(e, sympy.Mod):
        return args[1] * _fresh(bounded)
    if isinstance(e, (sympy.Min, sympy.Max)):
        return _dominant(e, args, target, bounded, owner)
    if isinstance(e, sympy.Abs):
        return _sign(_leading(args[0], target, owner), e, target, owner) * args[0]
    return e.func(*args)


def _fresh(bounded: list):
    delta = sympy.Dummy(f"delta{len(bounded)}")
    bounded.append(delta)
    return delta


def _dominant(e, args, target, bounded, owner):
    largest = isinstance(e, sympy.Max)
    best = args[0]
    for other in args[1:]:
        difference = sympy.expand(other - best)
        if target not in difference.free_symbols:
            best = best + _fresh(bounded)
            continue
        leading = _leading(difference, target, owner)
        if leading[1] is not None and leading[1] <= 0:
            best = best + _fresh(bounded)
            continue
        if (_sign(leading, e, target, owner) > 0) == largest:
            best = other
    return best


def _sign(leading, e, target, owner) -> int:
    """The sign of a leading term ``(coefficient, exponent, symbol)`` for large ``symbol``."""
    coefficient, exponent, _ = leading
    if exponent is not None and coefficient.is_positive:
        return 1
    if exponent is not None and coefficient.is_negative:
        return -1
    raise ArgumentError(f"{owner}: SymPy cannot tell which argument of {e} dominates as "
                        f"{target} grows", argument="expr", value=e)


def sensitivity(expr, symbol) -> sympy.Expr:
    """The derivative of ``expr`` in ``symbol``: what one more unit of it adds.

    Floors and ceilings are treated as their arguments (the continuous
    approximation: ``floor(H/4)`` changes by 1/4 per unit of ``H`` on average);
    ``Mod`` as its average slope, 0. ``Min``, ``Max`` and ``Abs`` keep SymPy's
    derivatives.

    >>> from sympy import floor
    >>> from symparams import dims
    >>> from symparams.examples import gpt2
    >>> sensitivity(gpt2().params, "d")
    L*(24*d + 13) + T + V + 2
    >>> H, W = dims("H W")
    >>> sensitivity(64 * floor(H/4) * floor(W/4), "H")
    16*floor(W/4)
    """
    expr = as_formula(expr, owner="sensitivity")
    target = symbol_of(expr, symbol, owner="sensitivity")
    continuous = expr.replace(
        lambda e: isinstance(e, (sympy.floor, sympy.ceiling)) and target in e.free_symbols,
        lambda e: e.args[0])
    continuous = continuous.replace(
        lambda e: isinstance(e, sympy.Mod) and target in e.free_symbols, lambda e: 0)
    return sympy.diff(continuous, target)
