"""Dense, Flatten and Reshape."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at, same

N, T, U, R = dims("N T U R")


@given(st.integers(1, 3), st.booleans(), st.one_of(st.none(), st.integers(1, 4)), st.data())
def test_dense_on_any_rank(rank, use_bias, lora, data):
    shape = (T,) * (rank - 1) + (N,)
    layer = layers.Dense(U, use_bias=use_bias, lora_rank=lora)
    bound = layer.bind(shape)
    assert bound.output_shape == shape[:-1] + (U,)
    for _ in range(5):
        n, u = data.draw(st.integers(1, 50)), data.draw(st.integers(1, 50))
        kernel = n * u
        lora_weights = 0 if lora is None else lora * (n + u)
        bias = u if use_bias else 0
        assert at(bound.params, {N: n, U: u}) == kernel + lora_weights + bias
        assert at(bound.non_trainable_params, {N: n, U: u}) == (0 if lora is None else kernel)


def test_dense_formula_reads_like_the_textbook():
    assert same(layers.Dense(U).count_params((N,)), (N + 1) * U)
    with pytest.raises(ArgumentError, match=r"^Dense: `units` must be a positive integer. "
                                            r"Received: units=-3$"):
        layers.Dense(-3)
    with pytest.raises(ArgumentError, match=r"Received: units=2.5"):
        layers.Dense(2.5)


def test_flatten_multiplies_everything():
    assert layers.Flatten().compute_output_shape((T, N, 3)) == (3 * N * T,)


def test_reshape():
    assert layers.Reshape((-1, 2)).compute_output_shape((T, 4)) == (2 * T, 2)
    assert layers.Reshape((N, T)).compute_output_shape((T, N)) == (N, T)
    assert layers.Reshape((4, 3)).compute_output_shape((2, 6)) == (4, 3)
    assert layers.Reshape((-1, R)).compute_output_shape((R, T)) == (T, R)
    with pytest.raises(ShapeError, match=r"cannot reshape \(2, 6\) \(12 entries\) into \(5, 2\) "
                                         r"\(10 entries\)"):
        layers.Reshape((5, 2)).bind((2, 6))
    with pytest.raises(ShapeError, match=r"12 is not divisible by 5"):
        layers.Reshape((-1, 5)).bind((2, 6))
    with pytest.raises(ArgumentError, match=r"only one entry of `target_shape` can be -1"):
        layers.Reshape((-1, -1))
