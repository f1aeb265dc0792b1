"""Hostile values and the exception contract the robustness suite holds the public surface to.

Every case runs through :func:`attempt`: the call either returns (and the result is checked
for sanity by the caller) or raises a :class:`~symparams.errors.SymparamsError`. Anything else
(a raw ``TypeError`` from deep inside, a SymPy error, a ``RecursionError``) fails the test.
:data:`TRIED` counts the cases; ``tests/conftest.py`` prints the count after the run.
"""

from __future__ import annotations

import collections
import math
from fractions import Fraction

import sympy
from hypothesis import strategies as st

from symparams import dims, latex
from symparams.errors import SymparamsError

#: Cases tried in this run, by outcome ("result" or the documented error's class name).
TRIED: collections.Counter = collections.Counter()

N, M = dims("N M")
_plain = sympy.Symbol("x")  # no assumptions: not known to be an integer
_positive_real = sympy.Symbol("p", positive=True)  # positive, but not declared an integer

#: Values no argument should be surprised by: each must give a result or a documented error.
FIXED_HOSTILE = (
    None, True, False, 0, 1, -1, -7, 10**30, -(10**30), 0.5, 2.0, -0.0, 1e300, math.nan,
    math.inf, -math.inf, complex(1, 2), Fraction(1, 2), Fraction(4, 1),
    "3", "", "H", "relu", "same", "valid", "channels_first", "a,b->c", b"3",
    _plain, _positive_real, sympy.Rational(1, 2), sympy.Float(2.0), sympy.Integer(0),
    sympy.nan, sympy.oo, -sympy.oo, sympy.zoo, sympy.I, N - N, N, N * M, N - 1, N - M, N / 2,
    sympy.sqrt(N), -N, _plain + N, sympy.Eq(N, 2), sympy.true,
    [], (), (1,), (1, 2), (2, 2, 2), (1, 2, 3, 4, 5), [None], ["a"], (0.5, 0.5), (N, -1),
    (-1, -1), ((1, 2), (3,)), ((1, 2), (3, 4), (5, 6)), (N, None), [[N]], {}, {"a": 1},
    {1, 2}, range(3), object(), len, type, Ellipsis, NotImplemented,
)

_atoms = st.one_of(
    st.sampled_from(FIXED_HOSTILE),
    st.integers(min_value=-(10**31), max_value=10**31),
    st.integers(min_value=-3, max_value=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.sampled_from((N, M, N + 1, 2 * N, N * M, _plain, _positive_real)),
)

#: Any hostile value: an atom, or a short list, tuple or dict of them (nested a little).
hostile = st.recursive(
    _atoms,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=8,
)

#: Sizes for input shapes: valid ones mostly, so shape errors (not size errors) are reached.
shape_dims = st.one_of(st.integers(min_value=1, max_value=9),
                       st.sampled_from((N, M, N * M, N + 1, 2 * N, 10**30)))
#: Input shapes of any rank, with arbitrary dims.
shapes = st.lists(shape_dims, min_size=0, max_size=6).map(tuple)


def attempt(call, *args, **kwargs):
    """``call(*args, **kwargs)``: its result, or None when it raised a documented error.

    Any other exception propagates (and fails the test that made the case).
    """
    try:
        result = call(*args, **kwargs)
    except SymparamsError as err:
        TRIED[type(err).__name__] += 1
        assert str(err), f"{type(err).__name__} with an empty message"
        return None
    TRIED["result"] += 1
    return result


def check_expr(expr, what: str, *, positive: bool = False):
    """A count or size that makes sense: a SymPy integer expression, no floats, no infinities."""
    if isinstance(expr, int) and not isinstance(expr, bool):
        expr = sympy.Integer(expr)
    assert isinstance(expr, sympy.Expr), f"{what} is not a SymPy expression: {expr!r}"
    assert not expr.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo), f"{what} = {expr}"
    assert not expr.atoms(sympy.Float), f"{what} has a float: {expr}"
    assert expr.is_integer is not False, f"{what} is not an integer: {expr}"
    assert expr.is_negative is not True, f"{what} is negative: {expr}"
    if positive:
        assert expr.is_positive is not False, f"{what} is not positive: {expr}"
    latex(expr)
    return expr


def check_shape(shape, what: str):
    """A shape (or a list of shapes, for several outputs) of sane sizes."""
    if isinstance(shape, list):
        for i, one in enumerate(shape):
            check_shape(one, f"{what}[{i}]")
        return
    assert isinstance(shape, tuple), f"{what} is not a tuple: {shape!r}"
    for i, size in enumerate(shape):
        if size is not None:
            check_expr(size, f"{what}[{i}]", positive=True)


def check_bound(bound):
    """A layer bound to a shape: counts, shapes and printing all work."""
    for field in ("params", "trainable_params", "non_trainable_params", "buffers"):
        check_expr(getattr(bound, field), f"{bound.name}.{field}")
    check_shape(bound.output_shape, f"{bound.name}.output_shape")
    repr(bound)
    for condition in bound.conditions:
        latex(condition.as_relation())


def check_model(model):
    """A model: counts, shapes, summary, LaTeX, FLOPs (or a documented error for them)."""
    if attempt(lambda: model.params) is None:  # a Sequential without an input shape
        return
    for field in ("params", "trainable_params", "non_trainable_params", "buffers"):
        check_expr(getattr(model, field), f"model.{field}")
    check_shape(model.output_shape, "model.output_shape")
    assert str(model.summary())
    repr(model)
    latex(model.params)
    flops = attempt(lambda: model.flops)
    if flops is not None:
        check_expr(flops, "model.flops")
