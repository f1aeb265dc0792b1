"""Counting declared weights: common factors only where label and size both agree."""

import sympy

from symparams import dims
from symparams.intmath import kept_product
from symparams.weights import Axis, Weight, count, label

d = dims("d")


def test_same_label_different_sizes_is_not_a_common_factor():
    out, inp = label("out_features"), label("in_features")
    weights = [Weight("w1", (Axis(out, 4 * d), Axis(inp, d))), Weight("b1", (Axis(out, 4 * d),)),
               Weight("w2", (Axis(out, d), Axis(inp, 4 * d))), Weight("b2", (Axis(out, d),))]
    assert sympy.expand(count(weights) - (8 * d**2 + 5 * d)) == 0


def test_repeated_axes_in_one_weight():
    units = Axis(label("units"), d)
    weights = [Weight("square", (units, units)), Weight("bias", (units,))]
    assert sympy.expand(count(weights) - (d**2 + d)) == 0
    assert sympy.sstr(count(weights, of="label", evaluate=False), order="none") == \
        "(units + 1)*units"


def test_scalars_and_empty():
    assert count([]) == 0
    assert count([Weight("counter", ())]) == 1


def test_numeric_count_is_the_symbolic_count_substituted():
    a, b = sympy.symbols("a b", positive=True, integer=True)
    weights = lambda x, y: [Weight("kernel", (Axis(label("in"), x), Axis(label("out"), y))),
                            Weight("bias", (Axis(label("out"), y),))]
    assert count(weights(3, 5)) == count(weights(a, b)).subs({a: 3, b: 5}) == 20
    assert count(weights(sympy.Integer(3), 5), evaluate=False) != 20  # kept as written


def test_a_number_times_a_sum_is_built_as_sympy_builds_it_without_distributing():
    # kept_product avoids distribute(False), which empties SymPy's cache.
    import itertools
    from sympy.core.parameters import distribute
    C, F = dims("C F")
    sums = [9 * C + 1, 2 * C + 2, C + 1, 3 * C * F + 9, C / 2 + sympy.Rational(1, 2)]
    others = [sympy.Integer(1), sympy.Integer(64), sympy.Integer(3), C, 2 * F, 4]
    for total in sums:
        for k in range(3):
            for extra in itertools.product(others, repeat=k):
                for factors in itertools.permutations((total, *extra)):
                    with distribute(False):
                        expected = sympy.Mul(*factors)
                    built = kept_product(list(factors))
                    assert sympy.srepr(built) == sympy.srepr(expected), factors
