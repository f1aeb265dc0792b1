"""Floor/ceiling rules: the simplified forms agree with the raw framework rules everywhere."""

import sympy
from hypothesis import example, given, strategies as st
from sympy import ceiling, floor

from symparams import dims
from symparams.intmath import ceil_div, conv_output_length, floor_div, kept_product, simplify_floors

from .helpers import raw_length

H, S, K = dims("H S K")


def exact(expr, *symbols):
    """Evaluate ``expr`` exactly at integers (lambdify would go through floats)."""
    return lambda *values: int(expr.xreplace(dict(zip(symbols, map(sympy.Integer, values)))))


def nesting_depth(expr):
    if isinstance(expr, (floor, ceiling)):
        return 1 + max((nesting_depth(a) for a in expr.args), default=0)
    return max((nesting_depth(a) for a in expr.args), default=0)


ops = st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 3),
                st.sampled_from(["valid", "same"]))


@given(st.lists(ops, min_size=1, max_size=6))
@example([(3, 2, 1, "same")] * 5)
@example([(2, 2, 1, "valid")] * 5)
@example([(5, 1, 1, "valid"), (2, 2, 1, "valid"), (5, 1, 1, "valid"), (2, 2, 1, "valid")])
def test_chains_agree_with_the_raw_rule_at_every_size(chain):
    expr = H
    for kernel, stride, dilation, padding in chain:
        expr = conv_output_length(expr, kernel, stride, dilation, padding)
    assert nesting_depth(expr) <= 1, expr
    f = exact(expr, H)
    for n in range(1, 120):
        want = n
        for kernel, stride, dilation, padding in chain:
            want = raw_length(want, kernel, stride, dilation, padding)
        assert f(n) == want, (chain, n, expr)


@given(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["valid", "same"])),
                min_size=1, max_size=4))
def test_symbolic_stride_chains_agree(chain):
    expr = H
    for kernel, padding in chain:
        expr = conv_output_length(expr, kernel, S, 1, padding)
    assert nesting_depth(expr) <= 1, expr
    f = exact(expr, H, S)
    for s in range(1, 5):
        for n in range(1, 80):
            want = n
            for kernel, padding in chain:
                want = raw_length(want, kernel, s, 1, padding)
            assert f(n, s) == want, (chain, n, s, expr)


def test_paper_forms():
    same, pool = H, H
    for _ in range(5):
        same = conv_output_length(same, 3, 2, padding="same")
        pool = conv_output_length(pool, 2, 2)
    assert same == ceiling(H / 32)
    assert pool == floor(H / 32)
    assert conv_output_length(H, 5) == H - 4
    assert conv_output_length(H, 3, 2) == ceiling(H / 2) - 1
    assert conv_output_length(H, K, S) == floor((H - K) / S) + 1
    assert conv_output_length(H, K, S, padding="same") == ceiling(H / S)
    assert ceil_div(ceil_div(H, S), S) == ceiling(H / S**2)
    assert floor_div(floor_div(H, S), 2) == floor(H / (2 * S))


def test_exact_quotients_lose_their_floor():
    assert floor_div(4 * H + 2, 2) == 2 * H + 1
    assert ceil_div(S * H, S) == H
    assert floor_div(H, 1) == H


@given(st.integers(-50, 50), st.integers(1, 7), st.integers(-5, 5))
def test_floor_and_ceil_div_of_linear_forms(c, s, a):
    x = a * H + c
    lo, hi = exact(floor_div(x, s), H), exact(ceil_div(x, s), H)
    for n in range(1, 40):
        assert lo(n) == (a * n + c) // s
        assert hi(n) == -((-(a * n + c)) // s)


@given(st.lists(st.tuples(st.sampled_from([floor, ceiling]), st.integers(1, 4),
                          st.integers(-6, 6)), min_size=1, max_size=4))
def test_simplify_floors_agrees_with_raw_nested_floors(steps):
    raw = H
    for rounding, divisor, offset in steps:
        raw = rounding((raw + offset) / divisor)
    simple = simplify_floors(raw)
    assert nesting_depth(simple) <= 1
    f_raw, f_simple = exact(raw, H), exact(simple, H)
    for n in range(1, 100):
        assert f_raw(n) == f_simple(n), (raw, simple, n)


def test_non_integer_arguments_are_left_alone():
    x = sympy.Symbol("x", real=True)
    assert floor_div(x, 2) == floor(x / 2)
    assert ceil_div(H, x) == ceiling(H / x)


@given(st.integers(-6, 6), st.integers(1, 4))
def test_parity_terms_are_exact(c, s):
    x = H + sympy.Mod(H, 2) + c
    lo = exact(floor_div(x, s), H)
    for n in range(1, 60):
        assert lo(n) == (n + n % 2 + c) // s
    assert floor_div(H + sympy.Mod(H, 2), 2) == ceiling(H / 2)


def test_kept_product_is_mul_without_distribution():
    from sympy.core.parameters import distribute

    H, C, d = dims("H C d")
    half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)
    cases = [[32, 25 * C + 1], [2, 3, C + 1], [C + 1], [1, C + 1], [0, C + 1], [half, C + 1],
             [2 * (C + 1) * d, 3], [sympy.Mul(2, C + 1, evaluate=False), 3],
             [sympy.Mul(2, C + 1, evaluate=False), d], [C + 1, 2 * d], [4, d, C + 1],
             [third, 3, H + 1], [2, sympy.floor(H / 2) + 1], [H, C], [6], [], [2, 3],
             [12 * d ** 2 + 13 * d, 96], [d / 2, C + 1], [2, C + 1, C + 1]]
    for factors in cases:
        factors = [sympy.Integer(f) if isinstance(f, int) else f for f in factors]
        with distribute(False):
            expected = sympy.Mul(*factors)
        got = kept_product(factors)
        assert got == expected and got.args == expected.args, (factors, got, expected)


@given(st.integers(-60, 60), st.integers(1, 9))
def test_numbers_divide_as_sympy_floors_them(x, s):
    # Integers take a shortcut past the symbolic rules; it must give SymPy's own answer.
    assert floor_div(x, s) == floor(sympy.Rational(x, s))
    assert ceil_div(x, s) == ceiling(sympy.Rational(x, s))
    assert isinstance(floor_div(x, s), sympy.Integer)


def test_cached_lengths_do_not_depend_on_how_sizes_were_given():
    for n in (H, 224):
        plain = conv_output_length(n, 3, 2, 1, (1, 1))
        assert conv_output_length(n, sympy.Integer(3), sympy.Integer(2), 1,
                                  (sympy.Integer(1), 1)) == plain
        assert conv_output_length(n, 3, 2, padding=(1, 1), ceil_mode=1) == \
            conv_output_length(n, 3, 2, padding=(1, 1), ceil_mode=True)


def test_structural_integer_checks_agree_with_sympy():
    # integer_valued and _divides decide shapes' sums of sizes and floors without SymPy's
    # assumption system; wherever they answer, SymPy must give the same answer.
    from symparams.intmath import _divides, integer_valued
    H, W = dims("H W")
    halves = [sympy.floor(H / 2), sympy.ceiling(W / 3), H, W, H * W, H**2]
    terms = [c * t for c in (1, 2, 3, 4, 6, -2) for t in halves] + [sympy.Integer(6), H / 2]
    for term in terms:
        assert integer_valued(term) == bool(term.is_integer), term
        assert integer_valued(term + 3) == bool((term + 3).is_integer), term
        for s in (1, 2, 3, 4):
            assert _divides(sympy.Integer(s), term) == bool((term / s).is_integer), (term, s)
