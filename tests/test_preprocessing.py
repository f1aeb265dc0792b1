"""Rescaling and Normalization against Keras, and their errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symparams import ArgumentError, ShapeError, dims, layers
from symparams.errors import ArgumentTypeError

from .test_oracle_keras import Case, Spec, assert_same_verdict, budget

H, W = dims("H W")


@st.composite
def normalization_cases(draw) -> Case:
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rank = len(shape) + 1
    axis_values = st.integers(1 - rank, rank - 1).filter(bool)  # never the batch axis
    axis = draw(st.one_of(st.none(), axis_values,
                          st.lists(axis_values, min_size=1, max_size=3, unique_by=lambda a: a % rank)
                          .map(tuple)))
    kwargs = {"axis": axis, "invert": draw(st.booleans())}
    if draw(st.booleans()):
        kwargs.update(mean=0.5, variance=2.0)
    return Case(Spec("Normalization", (), kwargs), shape)


@budget(2)
@given(case=normalization_cases())
def test_normalization_matches_keras(case):
    """Adapted statistics are non-trainable weights (mean, variance, count); given ones are not."""
    assert_same_verdict(case)


@budget(0.5)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple),
       scale=st.sampled_from([1 / 255, 2.0, 1]), offset=st.sampled_from([0.0, -1.0]))
def test_rescaling_matches_keras(shape, scale, offset):
    assert_same_verdict(Case(Spec("Rescaling", (scale,), {"offset": offset}), shape))


def test_symbolic_statistics_follow_the_kept_axes():
    layer = layers.Normalization(axis=(1, -1))
    assert layer.bind((H, W, 3)).non_trainable_params == 6 * H + 1


@pytest.mark.parametrize("kwargs, error", [
    ({"mean": 0.5}, ArgumentError), ({"variance": 1.0}, ArgumentError),
    ({"axis": 1.5}, ArgumentTypeError), ({"axis": [True]}, ArgumentTypeError),
])
def test_bad_arguments_are_refused_with_the_argument_named(kwargs, error):
    with pytest.raises(error, match="Normalization"):
        layers.Normalization(**kwargs)


def test_the_batch_axis_cannot_be_kept():
    """Keras builds statistics sized by the batch it first sees; symparams refuses."""
    with pytest.raises(ShapeError, match="batch"):
        layers.Normalization(axis=0).bind((H, 3))


def test_an_axis_named_twice_is_refused():
    """Keras builds (1, 1)-shaped statistics when the repeated axis has length 1 and fails
    otherwise; symparams refuses the repetition whatever the length."""
    with pytest.raises(ShapeError, match="same axis twice"):
        layers.Normalization(axis=(1, -2)).bind((1, 3))
