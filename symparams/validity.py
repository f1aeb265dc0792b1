"""Which sizes a model accepts: its conditions in simplified form, and its smallest input.

Every layer records what its input must meet and symparams cannot decide
symbolically: each output dimension at least 1 (``H - 4 >= 1`` after a 5×5
convolution), divisibilities, equal sizes. A deep network records many such
lower bounds on the same symbol; :func:`simplify` keeps, per symbol, the one
that binds, written as a bound on the symbol itself, and drops every condition
the bounds imply:

>>> from symparams.examples import reference_cnn
>>> model = reference_cnn()
>>> for layer, condition in model.conditions:
...     print(layer, condition, "|", condition.meaning)
max_pooling2d_1 H >= 16 | output dimension 0 must be at least 1: floor(H/4) - 3 >= 1
max_pooling2d_1 W >= 16 | output dimension 1 must be at least 1: floor(W/4) - 3 >= 1
>>> model.min_input_size()
{H: 16, W: 16, C: 1}

How it is exact. A condition ``g >= 0`` whose ``g`` is built only from
symbols, non-negative multiples, sums, floors, ceilings, minima and maxima of
such terms (and products or powers of terms that are non-negative there) never
decreases as a symbol grows. On one symbol it is then ``x >= t`` for the
smallest ``t`` where it holds, found by exact integer evaluation (doubling,
then bisection). Each symbol's largest such ``t`` is its lower bound; a
condition on several symbols that never decreases and holds where every symbol
sits at its bound holds everywhere above it, and is dropped. What remains
(equalities, divisibilities, conditions that may fall as a size grows) is
listed as recorded and decided by evaluation.

The smallest input: symbols that share a remaining condition are searched
together, from their lower bounds, in order of increasing sum (then
lexicographically, in the order the inputs name them); symbols that share
none are independent, each the smallest value valid on its own. Every
candidate is checked by exact integer arithmetic, never in floating point.
"""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction

import sympy

from .conditions import Condition
from .errors import ModelError, ShapeError

__all__ = ["simplify", "min_input_size"]

# Bounds searched by doubling stop here: beyond it a size is no longer a size.
_LIMIT = 2**64
# Candidates checked before a search gives up.
_BUDGET = 200_000


def simplify(entries) -> tuple:
    """``(layer name, condition)`` pairs without those the others imply (see the module).

    ``entries`` are ``(bound layer, condition)`` pairs in layer order; a symbol's
    lower bound is shown as ``symbol >= bound``, named after the layer that sets it.
    """
    entries = _unique(entries)
    forms = [_Form(c) for _, c in entries]
    corner, setters = _lower_bounds(forms)
    listed = []
    for (bound, condition), form in zip(entries, forms):
        symbol = next((s for s, f in setters.items() if f is form), None)
        if symbol is not None:
            meaning = f"{condition.meaning}: {condition}"
            listed.append((bound.name, Condition.at_least(symbol, corner[symbol], meaning)))
        elif not form.implied(corner):
            listed.append((bound.name, condition))
    return tuple(listed)


def min_input_size(model, given: dict) -> dict:
    """The smallest value of each input symbol of ``model`` for which every layer is valid.

    ``given`` fixes other symbols (or some input symbols), by symbol.
    """
    searched = [s for s in _input_symbols(model) if s not in given]
    recorded = _unique(model._open_conditions() + model._ties())
    untouched = {id(c) for _, c in recorded}  # open when recorded: not decided again
    entries = []
    for bound, condition in _eliminate([(b, c.subs(given)) for b, c in recorded], set(searched)):
        verdict = None if id(condition) in untouched else condition.holds()
        if verdict is False:
            raise ShapeError(f"no input size is valid: {condition.meaning} ({condition} is "
                             f"false{' for ' + _listing(given) if given else ''})",
                             layer=f"'{bound.name}' ({bound.class_name})")
        if verdict is None:
            entries.append((bound, condition))
    missing = set().union(*(c.free_symbols for _, c in entries)) - set(searched)
    if missing:
        names = ", ".join(sorted(s.name for s in missing))
        raise ModelError(f"min_input_size: the conditions of model '{model.name}' also depend "
                         f"on {names}, which the inputs do not give; give their values: "
                         f"min_input_size({names.split(', ')[0]}=...)")
    forms = [_Form(c) for _, c in entries]
    corner, _ = _lower_bounds(forms, equalities=True)
    upper = _upper_bounds(forms, corner)
    remaining = [f for f in forms if not f.implied(corner)]
    found = {s: corner.get(s, 1) for s in searched}
    for group in _groups(searched, remaining):
        checks = [f for f in remaining if f.symbols & set(group)]
        found.update(_search(group, checks, found, upper, model.name))
    return found


def _eliminate(entries, kept: set) -> list:
    """Replace each other symbol that a condition equates to sizes of ``kept`` symbols.

    (A nested model's own input symbols equal the sizes it is called on.)
    """
    entries = list(entries)
    while True:
        for i, (_, condition) in enumerate(entries):
            if condition.kind != "equal":
                continue
            for symbol, value in ((condition.lhs, condition.rhs), (condition.rhs, condition.lhs)):
                if symbol.is_Symbol and symbol not in kept and value.free_symbols <= kept:
                    break
            else:
                continue
            rest = entries[:i] + entries[i + 1:]
            entries = [(b, c.subs({symbol: value})) for b, c in rest]
            break
        else:
            return entries


class _Form:
    """A condition as ``g >= 0`` (``kind`` "ge"), ``g == 0`` ("eq"), or kept whole ("other")."""

    def __init__(self, condition: Condition):
        self.condition = condition
        self.symbols = condition.free_symbols
        lhs, rhs = condition.lhs, condition.rhs
        integral = bool(lhs.is_integer and rhs.is_integer)
        if condition.kind == "at_least":
            self.kind, self.g = "ge", lhs - rhs
        elif condition.kind == "less" and integral:
            self.kind, self.g = "ge", rhs - lhs - 1
        elif condition.kind == "equal" and integral:
            self.kind, self.g = "eq", lhs - rhs
        else:
            self.kind, self.g = "other", None
        self._check = None

    def holds(self, values: dict) -> bool:
        if self._check is None:
            self._check = _compiled_check(self.condition)
        return self._check(values)

    def implied(self, corner: dict) -> bool:
        """True when the lower bounds in ``corner`` make this condition hold."""
        if self.kind != "ge":
            return False
        point = {s: corner.get(s, 1) for s in self.symbols}
        return _rising(self.g, point) and _value(self.g, point) >= 0


def _unique(entries) -> list:
    seen, kept = set(), []
    for bound, condition in entries:
        key = (condition.kind, condition.lhs, condition.rhs)
        if key not in seen:
            seen.add(key)
            kept.append((bound, condition))
    return kept


def _lower_bounds(forms, equalities: bool = False):
    """Each symbol's lower bound from the rising conditions on it alone, and who sets it.

    Bounds are raised until none moves: a condition may rise only above another's bound.
    """
    corner, setters = {}, {}
    single = [f for f in forms if len(f.symbols) == 1 and
              (f.kind == "ge" or (equalities and f.kind == "eq"))]
    changed = True
    while changed:
        changed = False
        for form in single:
            (symbol,) = form.symbols
            low = corner.get(symbol, 1)
            for g in (form.g, -form.g) if form.kind == "eq" else (form.g,):
                if not _rising(g, {symbol: low}):
                    continue
                threshold = _threshold(g, symbol, low)
                if threshold is None:
                    raise ShapeError(f"{form.condition.meaning}: {form.condition} holds for no "
                                     f"{symbol} below {_LIMIT}")
                if threshold > low:
                    corner[symbol], setters[symbol], low, changed = threshold, form, threshold, True
    return corner, setters


def _upper_bounds(forms, corner) -> dict:
    """Upper bounds from conditions on one symbol that can only fail as it grows."""
    upper = {}
    for form in forms:
        if form.kind not in ("ge", "eq") or len(form.symbols) != 1:
            continue
        (symbol,) = form.symbols
        low = corner.get(symbol, 1)
        falling = [-form.g] if form.kind == "ge" else [form.g, -form.g]
        for g in falling:  # g >= 0 fails from the first value where -g >= 1
            if _rising(g, {symbol: low}):
                first_failing = _threshold(g - 1, symbol, low)
                if first_failing is not None:
                    upper[symbol] = min(upper.get(symbol, _LIMIT), first_failing - 1)
    return upper


def _groups(symbols, forms) -> list:
    """Symbols linked by a shared condition, in the order given."""
    parent = {s: s for s in symbols}

    def root(s):
        while parent[s] is not s:
            s = parent[s]
        return s

    for form in forms:
        linked = [s for s in symbols if s in form.symbols]
        for other in linked[1:]:
            parent[root(other)] = root(linked[0])
    groups: dict = {}
    for s in symbols:
        groups.setdefault(root(s), []).append(s)
    return list(groups.values())


def _search(group, checks, values, upper, name) -> dict:
    """The valid point of smallest sum (then lexicographically first) above the bounds."""
    low = [values[s] for s in group]
    high = [upper.get(s, _LIMIT) for s in group]
    if any(lo > hi for lo, hi in zip(low, high)):
        raise ShapeError(f"model '{name}' accepts no value of {_names(group)}: its conditions "
                         f"bound them from below by {low} and from above by {high}")
    point = dict(values)
    tried = 0
    for extra in itertools.count():
        if extra > sum(hi - lo for lo, hi in zip(low, high)):
            break
        for offsets in _compositions(extra, [hi - lo for lo, hi in zip(low, high)]):
            point.update({s: lo + o for s, lo, o in zip(group, low, offsets)})
            if all(f.holds(point) for f in checks):
                return {s: point[s] for s in group}
            tried += 1
            if tried >= _BUDGET:
                raise ModelError(
                    f"min_input_size: no valid value of {_names(group)} for model '{name}' "
                    f"among the {_BUDGET} smallest candidates from {low}; the conditions left "
                    f"to meet: " + "; ".join(str(f.condition) for f in checks))
    raise ShapeError(f"model '{name}' accepts no value of {_names(group)} between {low} and "
                     f"{high}")


def _compositions(total: int, caps: list):
    """Tuples of non-negative integers, each within its cap, summing to ``total``, in
    lexicographic order of the first (smallest first)."""
    if len(caps) == 1:
        if total <= caps[0]:
            yield (total,)
        return
    for first in range(min(total, caps[0]) + 1):
        for rest in _compositions(total - first, caps[1:]):
            yield (first, *rest)


def _threshold(g, symbol, low):
    """The smallest integer ``x >= low`` with ``g(x) >= 0``, for ``g`` rising from ``low``."""
    f = _compile(g)
    if f({symbol: low}) >= 0:
        return low
    failing, step = low, 1
    while True:
        candidate = low + step
        if candidate > _LIMIT:
            return None
        if f({symbol: candidate}) >= 0:
            break
        failing, step = candidate, step * 2
    while candidate - failing > 1:
        middle = (failing + candidate) // 2
        if f({symbol: middle}) >= 0:
            candidate = middle
        else:
            failing = middle
    return candidate


def _rising(e, point: dict) -> bool:
    """True when ``e`` provably never decreases as any symbol grows from ``point``."""
    if not e.free_symbols or e.is_Symbol:
        return True
    if isinstance(e, (sympy.Add, sympy.Min, sympy.Max, sympy.floor, sympy.ceiling)):
        return all(_rising(a, point) for a in e.args)
    if isinstance(e, sympy.Mul):
        coefficient, rest = e.as_coeff_Mul()
        if coefficient < 0:
            return False
        return all(_rising(f, point) and _value(f, point) >= 0 for f in sympy.Mul.make_args(rest))
    if isinstance(e, sympy.Pow):
        base, exponent = e.args
        return bool(exponent.is_Integer and exponent > 0 and _rising(base, point)
                    and _value(base, point) >= 0)
    return False


def _value(e, point: dict):
    return _compile(e)(point)


def _compiled_check(condition: Condition):
    lhs, rhs = _compile(condition.lhs), _compile(condition.rhs)
    if condition.kind == "equal":
        return lambda v: lhs(v) == rhs(v)
    if condition.kind == "less":
        return lambda v: lhs(v) < rhs(v)
    if condition.kind == "at_least":
        return lambda v: lhs(v) >= rhs(v)

    def divides(v):
        divisor = lhs(v)
        return divisor != 0 and Fraction(rhs(v)) / divisor % 1 == 0
    return divides


@functools.lru_cache(maxsize=4096)
def _compile(e):
    """``e`` as a function of ``{symbol: int}``, computed exactly (ints and Fractions)."""
    return _build(e)


def _build(e):
    if e.is_Integer:
        number = int(e)
        return lambda v: number
    if e.is_Rational:
        number = Fraction(int(e.p), int(e.q))
        return lambda v: number
    if e.is_Symbol:
        return lambda v: v[e]
    parts = [_compile(a) for a in e.args]
    if isinstance(e, sympy.Add):
        return lambda v: sum(p(v) for p in parts)
    if isinstance(e, sympy.Mul):
        return lambda v: math.prod(p(v) for p in parts)
    if isinstance(e, sympy.Pow) and e.args[1].is_Integer:
        base, exponent = parts[0], int(e.args[1])
        return lambda v: Fraction(base(v)) ** exponent
    simple = {sympy.floor: math.floor, sympy.ceiling: math.ceil, sympy.Min: min,
              sympy.Max: max, sympy.Abs: abs}
    for kind, function in simple.items():
        if isinstance(e, kind):
            return lambda v: function(*(p(v) for p in parts))
    if isinstance(e, sympy.Mod):
        return lambda v: parts[0](v) % parts[1](v)
    return lambda v: _by_sympy(e, v)


def _by_sympy(e, values):
    result = e.xreplace({s: sympy.Integer(values[s]) for s in e.free_symbols})
    if not result.is_Rational:
        raise ModelError(f"cannot evaluate {e} exactly at {_listing(values)}")
    return Fraction(int(result.p), int(result.q))


def _input_symbols(model) -> list:
    shapes = model.input_shape
    shapes = shapes if isinstance(shapes, list) else [shapes]
    ordered = []
    for shape in shapes:
        for size in shape:
            for symbol in sorted(size.free_symbols, key=lambda s: s.name):
                if symbol not in ordered:
                    ordered.append(symbol)
    return ordered


def _names(symbols) -> str:
    return ", ".join(s.name for s in symbols)


def _listing(values: dict) -> str:
    return ", ".join(f"{s}={v}" for s, v in values.items())
