"""dims() and argument checking: what is accepted, and every error message, pinned."""

import numpy as np
import pytest
import sympy

from symparams import ArgumentError, SymparamsError, dims, layers
from symparams.errors import ArgumentTypeError, ShapeError, UnknownArgumentError


def test_dims_are_positive_integers():
    H, W = dims("H W")
    assert H.is_integer and H.is_positive and W.name == "W"
    assert dims("d_model").name == "d_model"
    assert dims("H, W ,C") == dims("H W C")


@pytest.mark.parametrize("bad, message", [
    ("", "dims() needs at least one name. Received: names=''"),
    ("H 2x", "dims() names must be identifiers (letters, digits, underscores). Received: '2x'"),
    ("__import__('os')", "dims() names must be identifiers"),
])
def test_dims_rejects_non_identifiers(bad, message):
    with pytest.raises(ArgumentError) as info:
        dims(bad)
    assert str(info.value).startswith(message)


def test_dims_wants_a_string():
    with pytest.raises(ArgumentTypeError, match=r"dims\(\) takes a string of names"):
        dims(["H"])


def test_error_types_mix_with_builtins():
    assert issubclass(ArgumentError, ValueError) and issubclass(ShapeError, ValueError)
    assert issubclass(ArgumentTypeError, TypeError) and issubclass(UnknownArgumentError, TypeError)
    assert issubclass(UnknownArgumentError, ValueError)
    assert all(issubclass(e, SymparamsError) for e in (ArgumentError, ShapeError))


@pytest.mark.parametrize("value, kind, message", [
    (0, ArgumentError, "Dense: `units` must be a positive integer. Received: units=0"),
    (-2, ArgumentError, "Dense: `units` must be a positive integer. Received: units=-2"),
    (2.5, ArgumentError, "Dense: `units` must be a positive integer. Received: units=2.5"),
    (True, ArgumentTypeError,
     "Dense: `units` must be a positive integer, not a bool. Received: units=True"),
    ("64", ArgumentTypeError,
     "Dense: `units` must be a positive integer or a symbolic dimension; use "
     "symparams.dims(...) for a symbol. Received: units='64'"),
    (None, ArgumentTypeError,
     "Dense: `units` must be a positive integer or a symbolic dimension. Received: units=None"),
    (sympy.Symbol("n"), ArgumentError,
     "Dense: `units` uses the symbol n, which is not declared a positive integer; create it "
     "with symparams.dims('n'). Received: units=n"),
    (sympy.Float(3.0), ArgumentError,
     "Dense: `units` must be a positive integer. Received: units=3.00000000000000"),
])
def test_size_errors(value, kind, message):
    with pytest.raises(kind) as info:
        layers.Dense(value)
    assert str(info.value) == message
    assert info.value.argument == "units"


def test_sizes_accept_numpy_ints_and_expressions():
    K = dims("K")
    assert layers.Dense(np.int64(3)).units == 3
    assert layers.Dense(4 * K).units == 4 * K
    assert layers.Dense(K - 1).units == K - 1  # undecidable: accepted
    with pytest.raises(ArgumentError, match="Received: units=0"):
        layers.Dense(K - K)


def test_unknown_keyword():
    with pytest.raises(UnknownArgumentError) as info:
        layers.Dense(3, unit=3)
    assert str(info.value) == "Unrecognized keyword arguments passed to Dense: {'unit': 3}"


def test_quantized_dtypes_are_refused_not_ignored():
    with pytest.raises(ArgumentError, match=r"only float dtypes are supported"):
        layers.Dense(3, dtype="int8_from_float32")


def test_bad_shapes():
    with pytest.raises(ArgumentError, match=r"`input_shape` must not contain None; use a symbol"):
        layers.Dense(3, input_shape=(None, 4))
    with pytest.raises(ArgumentError, match=r"Dense: `input_shape` must be a positive integer. "
                                            r"Received: input_shape=0"):
        layers.Dense(3, input_shape=(0, 4))


def test_shortcuts_for_size_symbols_agree_with_sympy():
    from sympy.core.cache import clear_cache

    from symparams.arguments import _integral
    from symparams.conditions import divides
    from symparams.layers.base import _is_positive
    d, h = dims("d h")
    even = sympy.Symbol("e", even=True, positive=True)  # known to be >= 2: no shortcut
    values = [d, h, even, 2 * d, sympy.Integer(1), sympy.Integer(2), sympy.Integer(6)]
    for a in values:
        for b in values:
            clear_cache()
            assert divides(a, b) == (b / a).is_integer, (a, b)
            assert _integral(b / a) == (b / a).is_integer, (a, b)
    for size in [d - 1, d - 5, d + 2, even - 1, even - 3, h]:
        clear_cache()
        assert _is_positive(size) == size.is_positive, size
