"""Analysis of formulas: sweep, solve_budget, leading terms, sensitivities, comparisons.

Every number is checked against SymPy's exact evaluation of the same formula
(``expr.xreplace`` with integers), never against stored values.
"""

import time

import numpy as np
import pytest
import sympy
from hypothesis import example, given, strategies as st
from sympy import Abs, Max, Min, Mod, ceiling, floor

import symparams
from symparams import (Input, Model, Sequential, compare, dims, layers, leading_term,
                       scaling_exponent, sensitivity, solve_budget, sweep)
from symparams.errors import (ArgumentError, ArgumentTypeError, SymparamsError,
                              UnavailableError)
from symparams.examples import gpt2, reference_cnn

H, W, d, L, V, T = dims("H W d L V T")


def exact(expr, **values):
    """SymPy's own exact value of ``expr`` at integers (values of absent symbols ignored)."""
    by_name = {s.name: s for s in expr.free_symbols}
    return expr.xreplace({by_name[k]: sympy.Integer(int(v)) for k, v in values.items()
                          if k in by_name})


def _binary(children, op):
    return st.tuples(children, children).map(lambda t: op(*t))


def _with_int(children, op, low, high):
    return st.tuples(children, st.integers(low, high)).map(lambda t: op(*t))


def _extend(children):
    return st.one_of(
        _binary(children, lambda a, b: a + b),
        _binary(children, lambda a, b: a - b),
        _binary(children, lambda a, b: a * b),
        _binary(children, Min),
        _binary(children, Max),
        _with_int(children, lambda a, k: floor(a / k), 1, 7),
        _with_int(children, lambda a, k: ceiling(a / k), 1, 7),
        _with_int(children, lambda a, k: floor(a / k), -4, -1),
        _with_int(children, Mod, 1, 5),
        _with_int(children, lambda a, k: a / k, 1, 4),
        children.map(lambda a: floor(a / W)),
        children.map(lambda a: ceiling(a / (W + 1))),
        children.map(Abs),
    )


formulas = st.recursive(st.sampled_from([H, W]) | st.integers(-6, 6).map(sympy.Integer),
                        _extend, max_leaves=8)
sizes = st.lists(st.integers(1, 60), min_size=1, max_size=12)


def check_against_exact(expr, hs, ws):
    given = {k: v for k, v in (("H", hs), ("W", ws)) if k in map(str, expr.free_symbols)}
    result = sweep(expr, **given)
    hs, ws = np.broadcast_arrays(*(given.get(k, 1) for k in "HW"))
    wanted = [exact(expr, H=h, W=w) for h, w in zip(hs.ravel(), ws.ravel())]
    assert result.shape == np.broadcast_shapes(*(np.shape(v) for v in given.values()))
    if all(v.is_Integer for v in wanted):
        assert result.dtype in (np.int64, object), (expr, result.dtype)
        assert [int(v) for v in result.ravel()] == [int(v) for v in wanted], expr
    else:
        assert result.dtype == np.float64, (expr, result.dtype)
        np.testing.assert_allclose(result.ravel(), [float(v) for v in wanted], rtol=1e-12)


@given(formulas, sizes, sizes)
@example(floor((H - 5) / 3) * ceiling(W / 7) + Mod(H, 4) + floor(Max(H, 2 * W) / 3), [11], [21])
@example(H - 4 * floor(H / 4), [1, 2, 3, 4, 5], [1])
@example(floor(-H / 3), [1, 2, 3, 4], [1])
def test_sweep_agrees_with_exact_evaluation(expr, hs, ws):
    n = min(len(hs), len(ws))
    check_against_exact(expr, np.array(hs[:n]), np.array(ws[:n]))


@given(formulas, sizes, st.integers(1, 60))
def test_sweep_broadcasts_a_scalar(expr, hs, w):
    check_against_exact(expr, np.array(hs), w)


@given(formulas, st.lists(st.integers(2**20, 2**62), min_size=1, max_size=6),
       st.integers(2**20, 2**62))
@example(2 * W * Abs(W - 2), [2**20], 2**31 + 2)  # a 0-d object array decays to a Python int
def test_sweep_is_exact_beyond_int64(expr, hs, w):
    check_against_exact(expr, np.array(hs), w)


def test_sweep_switches_to_python_ints_only_when_a_value_could_overflow():
    params = gpt2().params
    small = sweep(params, V=50257, T=1024, L=12, d=range(64, 1025, 64))
    assert small.dtype == np.int64
    assert small[-1] == exact(params, V=50257, T=1024, L=12, d=1024)
    huge = sweep(params, V=50257, T=1024, L=10**9, d=[2**40, 2**50])
    assert huge.dtype == object
    assert list(huge) == [exact(params, V=50257, T=1024, L=10**9, d=2**k) for k in (40, 50)]
    # a bound that could overflow, values that do not: int64 again
    assert sweep(H**5 - H**5 + H, H=[2**62]).dtype == np.int64


def test_sweep_floor_division_is_integer_not_float_rounding():
    n = 2**62 + 1  # float64 cannot hold it; a float floor would be off
    assert sweep(floor(H / 3), H=[n])[0] == n // 3
    assert sweep(ceiling(H / 3), H=[n])[0] == -(-n // 3)
    assert sweep(Mod(H, 7), H=[n])[0] == n % 7


def test_sweep_shapes_values_and_dtypes():
    assert sweep(H * W, H=range(1, 4), W=np.array([[1], [10]])).tolist() == \
        [[1, 2, 3], [10, 20, 30]]
    assert sweep(sympy.Integer(7)).tolist() == 7
    assert sweep(H / 2, H=[2, 4]).dtype == np.int64  # every value an integer
    assert sweep(H / 2, H=[1, 4]).tolist() == [0.5, 2.0]
    x = sympy.Symbol("x")
    assert sweep(floor(x) + 1, x=np.array([1.5, -2.0])).tolist() == [2.0, -1.0]
    assert sweep(H + 1, H=np.array([1.0, 2.0])).tolist() == [2, 3]  # whole floats: exact ints
    assert sweep(H + 1, H=[2.0**70]).tolist() == [2**70 + 1]
    assert sweep(sympy.sqrt(H), H=[4, 9]).tolist() == [2.0, 3.0]
    assert sweep(Min(H, 3) * 0.5, H=[1, 6]).tolist() == [0.5, 1.5]
    assert sweep(H + 1, {H: [1, 2]}).tolist() == [2, 3]
    assert sweep(H + 1, H=[10**30]).tolist() == [10**30 + 1]
    assert sweep(H + 1, H=range(0)).shape == (0,)
    assert sweep(H * W, H=sympy.Integer(3), W=np.uint8(4)).tolist() == 12


def test_sweep_of_a_million_points_is_fast():
    params = gpt2().params
    grid = dict(V=50257, T=1024, L=np.arange(1, 1001)[:, None], d=np.arange(1, 1001))
    sweep(params, **grid)
    start = time.perf_counter()
    result = sweep(params, **grid)
    assert time.perf_counter() - start < 1.0
    assert result.shape == (1000, 1000) and result.dtype == np.int64
    assert result[11, 767] == exact(params, V=50257, T=1024, L=12, d=768)


def test_sweep_errors_name_what_is_wrong():
    with pytest.raises(ArgumentError, match=r"sweep: no value given for L, T, V \(the formula's "
                                            r"symbols: L, T, V, d\)"):
        sweep(gpt2().params, d=3)
    with pytest.raises(ArgumentError, match="sweep: the formula has no symbol named 'C' "
                                            r"\(its symbols: H\)"):
        sweep(H + 1, H=1, C=2)
    with pytest.raises(ArgumentError, match="does not contain the symbol W"):
        sweep(H + 1, {H: 1, W: 2})
    with pytest.raises(ArgumentTypeError, match=r"pass one of its formulas, e.g. model.params"):
        sweep(reference_cnn(), H=32)
    with pytest.raises(ArgumentTypeError, match="text is never parsed"):
        sweep("H + 1", H=1)
    with pytest.raises(ArgumentTypeError, match=r"Received: H='3'"):
        sweep(H + 1, H="3")
    with pytest.raises(ArgumentTypeError, match=r"Received: H=\[True, False\]"):
        sweep(H + 1, H=[True, False])
    with pytest.raises(ArgumentTypeError, match="not formulas"):
        sweep(H + 1, H=W)
    with pytest.raises(ArgumentError, match=r"sweep: H is an integer size; received a value "
                                            r"that is not a whole number: H=2.5"):
        sweep(H + 1, H=[1.0, 2.5])
    with pytest.raises(ArgumentError, match="sweep: H is declared positive; received H=0"):
        sweep(H + 1, H=range(0, 3))
    with pytest.raises(ArgumentError, match="divides by zero"):
        sweep(floor(H / (W - 1)), H=3, W=[1, 2])
    with pytest.raises(ArgumentError, match="divides by zero"):
        sweep(H / (W - 1), H=3, W=[1, 2])


def test_sweep_does_not_import_numpy_at_import_time():
    import subprocess
    import sys
    code = "import sys, symparams; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# solve_budget


growing_terms = st.lists(st.tuples(st.integers(1, 9), st.integers(0, 3), st.integers(1, 6),
                                   st.sampled_from(["power", "floor", "ceiling"])),
                         min_size=1, max_size=4)


def growing(terms):
    expr = sympy.Integer(0)
    for coefficient, power, divisor, kind in terms:
        if kind == "power":
            expr += coefficient * d**power * W
        elif kind == "floor":
            expr += coefficient * floor((d**power + W) / divisor)
        else:
            expr += coefficient * ceiling(d * W / divisor) ** max(power, 1)
    return expr + d


@given(growing_terms, st.integers(1, 4), st.integers(0, 3000))
def test_solve_budget_agrees_with_brute_force(terms, w, budget):
    expr = growing(terms)
    values = sweep(expr, d=range(1, 3002), W=w)  # checked against SymPy above
    assert values[-1] > budget  # so the answer lies in the range
    fitting = np.nonzero(values <= budget)[0]
    want = int(fitting.max()) + 1 if fitting.size else None
    if want is None:
        with pytest.raises(ArgumentError, match="no positive d fits"):
            solve_budget(expr, budget, d, W=w)
    else:
        assert solve_budget(expr, budget, "d", W=w) == want


def test_solve_budget_on_gpt():
    params = gpt2().params
    width = solve_budget(params, 7e9, d, V=50257, T=2048, L=32)
    assert exact(params, V=50257, T=2048, L=32, d=width) <= 7 * 10**9
    assert exact(params, V=50257, T=2048, L=32, d=width + 1) > 7 * 10**9
    depth = solve_budget(params, 124439808, "L", V=50257, T=1024, d=768)
    assert depth == 12  # GPT-2 small's count allows exactly its 12 layers
    assert solve_budget(params, sympy.Rational(124439808), L, V=50257, T=1024, d=768) == 12


def test_solve_budget_with_irrational_values():
    n = solve_budget(sympy.sqrt(H) * 1000 + H, 10**6, H)
    assert exact(sympy.sqrt(H) * 1000 + H, H=n) <= 10**6 < exact(sympy.sqrt(H) * 1000 + H, H=n + 1)


def test_solve_budget_with_floors_is_exact_at_large_sizes():
    expr = floor(H**2 / 3) + ceiling(H / 7)
    budget = 10**30
    n = solve_budget(expr, budget, H)
    assert exact(expr, H=n) <= budget < exact(expr, H=n + 1)


def test_solve_budget_errors():
    with pytest.raises(ArgumentError, match=r"not non-decreasing in H: it is 99 at H = 1 but 98 "
                                            r"at H = 2"):
        solve_budget(Max(H, 100 - H), 120, H)
    with pytest.raises(ArgumentError, match="does not grow without bound in H"):
        solve_budget(Max(1000 - H, 5), 2000, H)
    with pytest.raises(ArgumentError, match=r"with W = 3 the formula does not depend on H"):
        solve_budget(H * (W - 3) + W, 10, H, W=3)
    with pytest.raises(ArgumentError, match="no value given for W"):
        solve_budget(H * W, 10, H)
    with pytest.raises(ArgumentError, match="H is the symbol solved for"):
        solve_budget(H * W, 10, H, H=2, W=1)
    with pytest.raises(ArgumentTypeError, match=r"`budget` must be a number. Received: "
                                                r"budget='7e9'"):
        solve_budget(H, "7e9", H)
    with pytest.raises(ArgumentError, match="must be finite"):
        solve_budget(H, float("inf"), H)
    with pytest.raises(ArgumentTypeError, match=r"fixed sizes must be integers. Received: W=2.5"):
        solve_budget(H * W, 10, H, W=2.5)
    with pytest.raises(ArgumentError, match="W is declared positive; received W=0"):
        solve_budget(H * W + H, 10, H, W=0)
    with pytest.raises(ArgumentError, match=r"with W = 1 the formula has no finite value \(it "
                                            r"is zoo\)"):
        solve_budget(H / (W - 1), 10, H, W=1)
    with pytest.raises(ArgumentError, match="no real value at H = 1"):
        solve_budget(H / (W - H), 10, H, W=1)


# leading terms, scaling exponents, sensitivities


def test_leading_terms_of_gpt2():
    params = gpt2().params
    assert leading_term(params, d) == 12 * L * d**2
    assert scaling_exponent(params, "d") == 2
    assert sympy.expand(leading_term(params, L) - L * (12 * d**2 + 13 * d)) == 0
    assert scaling_exponent(params, L) == 1
    assert leading_term(params, "V") == V * d


polynomials = st.lists(st.integers(-9, 9), min_size=1, max_size=5).filter(lambda c: c[-1] != 0)


@given(polynomials, st.integers(1, 5))
def test_leading_term_of_polynomials(coefficients, divisor):
    expr = sum(c * H**k for k, c in enumerate(coefficients)) * W + floor(H / divisor)
    degree = max(len(coefficients) - 1, 1)
    wanted = (coefficients[degree] * W if degree < len(coefficients) else 0) * H**degree
    if degree == 1:
        wanted += H / divisor
    assert sympy.expand(leading_term(expr, H) - wanted) == 0
    assert scaling_exponent(expr, H) == degree


@given(growing_terms)
def test_leading_term_dominates(terms):
    expr = growing(terms)
    term = leading_term(expr, d)
    big = 10**12
    ratio = exact(expr, d=big, W=3) / exact(term, d=big, W=3)
    assert abs(ratio - 1) < sympy.Rational(1, 10**5), (expr, term)


@given(formulas)
@example(Min(ceiling(H / 2), floor((H + 1) / 2)) * W)
@example(Max(H * W, H**2 - 5 * H) - floor(H / 3) * H)
def test_leading_term_is_asymptotic_or_declined(expr):
    if H not in expr.free_symbols:
        return
    try:
        term = leading_term(expr, H)
    except ArgumentError:
        return  # declined: floors at the leading order, or an undecidable Min/Max
    for big in (10**15, 10**17):
        value, approximation = exact(expr, H=big, W=7), exact(term, H=big, W=7)
        if approximation != 0:
            assert abs(value / approximation - 1) < sympy.Rational(1, 10**6), (expr, term)


def test_leading_terms_with_floors_min_max_and_mod():
    cnn = reference_cnn().params
    assert leading_term(cnn, "H") == 1600 * H * (floor(W / 4) - 3)
    assert leading_term(Max(H**2, 3 * H) + Mod(H, 5), H) == H**2
    assert leading_term(Min(H**2, 3 * H), H) == 3 * H
    assert leading_term(Min(ceiling(H / 2), floor((H + 1) / 2)), H) == H / 2
    assert leading_term(Abs(5 - H) * W, H) == H * W
    assert leading_term(sympy.sqrt(H) + 3, H) == sympy.sqrt(H)
    assert scaling_exponent(sympy.sqrt(H) + 3, H) == sympy.Rational(1, 2)
    assert scaling_exponent(W**2 / H + H, H) == 1
    assert scaling_exponent(W**2 / H + 7, H) == 0
    assert leading_term(W + 1, W) == W


def test_leading_term_errors():
    with pytest.raises(ArgumentError, match="depends on its floors, ceilings or Mod"):
        leading_term(H - 4 * floor(H / 4), H)
    with pytest.raises(ArgumentError, match="is 0 for large H"):
        leading_term(Max(H**2, 3 * H) - H**2, H)
    with pytest.raises(ArgumentError, match="cannot tell which argument of Max"):
        leading_term(Max(H * (W - 3), 2 * H), H)
    with pytest.raises(ArgumentError, match="not a power of H"):
        scaling_exponent(H * sympy.log(H), H)
    with pytest.raises(ArgumentError, match="does not contain the symbol W"):
        leading_term(H, W)


def test_sensitivity():
    params = gpt2().params
    assert sympy.expand(sensitivity(params, d) - sympy.diff(params, d)) == 0
    assert sensitivity(64 * floor(H / 4) * floor(W / 4), "H") == 16 * floor(W / 4)
    assert sensitivity(ceiling(H / 2) + Mod(H, 3), H) == sympy.Rational(1, 2)
    assert sensitivity(reference_cnn().params, "C") == 800


# compare


def test_compare_params_and_positive_region():
    small = gpt2()
    wider = Sequential([layers.Dense(2 * d), layers.Dense(10)], input_shape=(d,))
    narrow = Sequential([layers.Dense(d), layers.Dense(10)], input_shape=(d,))
    change = compare(narrow, wider)
    assert sympy.expand(change.params - (wider.params - narrow.params)) == 0
    assert change.positive["params"] == sympy.true
    assert change.output_elements == 0 and change.positive["output_elements"] == sympy.false
    assert sympy.expand(change.flops - (wider.flops - narrow.flops)) == 0
    assert isinstance(UnavailableError("x"), (SymparamsError, AttributeError))
    quadratic = compare(narrow, Sequential([layers.Dense(40)], input_shape=(d * d,)))
    region = quadratic.positive["params"]
    difference = quadratic.params
    for n in range(1, 60):
        assert bool(region.subs(d, n)) == (exact(difference, d=n) > 0), n
    assert small.params.free_symbols  # GPT-2 compares with itself to 0 everywhere
    same = compare(small, small)
    assert same.params == 0 and same.positive["params"] == sympy.false


def test_compare_in_several_symbols_and_regions():
    a = Sequential([layers.Conv2D(8, 3), layers.Flatten()], input_shape=(H, H, 3))
    b = Sequential([layers.Conv2D(8, 5, padding="same"), layers.MaxPooling2D(),
                    layers.Flatten()], input_shape=(H, H, 3))
    change = compare(a, b)
    assert sympy.expand(change.params - (b.params - a.params)) == 0
    expected = sympy.Mul(*b.output_shape) - sympy.Mul(*a.output_shape)
    for n in range(2, 40):
        assert exact(change.output_elements, H=n) == exact(expected, H=n)
    assert change.positive["output_elements"] is None
    assert "SymPy cannot solve" in change.notes["output_elements"]
    x = Input((T, d))
    two = Model(x, [layers.Dense(d)(x), layers.Dense(W)(x)])
    one = Model(x, layers.Dense(d)(x))
    more = compare(one, two)
    assert sympy.expand(more.output_elements - T * W) == 0
    assert more.positive["output_elements"] == sympy.true
    grid = compare(one, Model(x, layers.Dense(4)(x)))
    assert grid.positive["params"] == (d < 4)
    assert grid.positive["output_elements"] is None
    assert grid.notes["output_elements"] == (
        'SymPy cannot say where it is positive in several symbols (T, d); fix all but one: '
        'comparison.region("output_elements", d=...)')
    region = grid.region("output_elements", {T: 5})
    for n in range(1, 10):
        assert bool(region.subs(d, n)) == (n < 4)
    with pytest.raises(ArgumentError, match="no quantity named 'memory'"):
        grid.region("memory")
    with pytest.raises(ArgumentTypeError, match="sizes must be integers"):
        grid.region("output_elements", T=1.5)
    assert "params: " in repr(grid) and "flops: " in repr(grid)


class _WithFlops:
    """A stand-in for a model that has compute formulas (as models will)."""

    def __init__(self, name, params, flops):
        self.name, self.params, self.flops = name, params, flops
        self.output_shape = (T, d)


def test_compare_reads_flops_when_models_have_them():
    a = _WithFlops("a", 12 * d**2, 24 * T * d**2)
    b = _WithFlops("b", 12 * d**2 + d, 24 * T * d**2 + 2 * T**2 * d)
    change = compare(a, b)
    assert change.quantities == ("params", "output_elements", "flops")
    assert change.flops == 2 * T**2 * d and change.positive["flops"] == sympy.true
    with pytest.raises(UnavailableError, match="flops is unavailable: 'c' has no flops"):
        compare(a, _WithFlops("c", d, None)).flops
    assert compare(a, reference_cnn()).flops.free_symbols == {T, d, *dims("H W C")}
    with pytest.raises(ArgumentTypeError, match="for two formulas, subtract them"):
        compare(d, d**2)


def test_public_names():
    for name in ("sweep", "solve_budget", "leading_term", "scaling_exponent", "sensitivity",
                 "compare", "plot"):
        assert name in symparams.__all__ and callable(getattr(symparams, name))


def test_compare_torch_modules_and_bound_layers():
    from symparams import nn
    change = compare(nn.Linear(d, d), nn.Linear(d, 2 * d))
    assert change.params == d * (d + 1) and change.positive["params"] == sympy.true
    with pytest.raises(UnavailableError, match="Linear and Linear have no output shape"):
        change.output_elements
    model = reference_cnn()
    first, second = model.layers[0], model.layers[3]
    layer_change = compare(first, second)
    assert sympy.expand(layer_change.params - (second.params - first.params)) == 0
    assert sympy.expand(layer_change.output_elements -
                        (sympy.Mul(*second.output_shape) - sympy.Mul(*first.output_shape))) == 0
