"""Regularization layers: no weights, shape unchanged, arguments checked as Keras does."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

H, W, C, D = dims("H W C D")
SHAPES = st.lists(st.integers(1, 9), min_size=1, max_size=4).map(tuple)


def test_dropout_changes_nothing():
    bound = layers.Dropout(0.25).bind((H, 3))
    assert bound.params == 0 and bound.output_shape == (H, 3)
    assert "only masks activations during training" in layers.Dropout.no_weights_reason


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_rate_is_checked(rate):
    with pytest.raises(ArgumentError, match=rf"^Dropout: `rate` must be a number between 0 and 1. "
                                            rf"Received: rate={rate}$"):
        layers.Dropout(rate)


# -- the other regularization layers -------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: layers.GaussianDropout(0.3), lambda: layers.GaussianNoise(0.3),
    lambda: layers.AlphaDropout(0.3), lambda: layers.ActivityRegularization(l1=0.1, l2=0.01),
    lambda: layers.Dropout(0.3)])
@given(shape=SHAPES)
def test_shape_unchanged_no_weights(make, shape):
    layer = make()
    bound = layer.bind(shape)
    assert bound.output_shape == shape and bound.params == 0 and bound.weights == ()
    assert "no weights" in layer.no_weights_reason


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_spatial_dropout_ranks(rank):
    spatial = (H, W, D)[:rank]
    cls = getattr(layers, f"SpatialDropout{rank}D")
    assert cls(0.5).bind((*spatial, C)).output_shape == (*spatial, C)
    if rank > 1:
        assert cls(0.5, "channels_first").bind((C, *spatial)).output_shape == (C, *spatial)
    with pytest.raises(ShapeError, match=rf"expects an input of rank {rank + 1}"):
        cls(0.5).bind((*spatial, C, 2))
    assert "drops whole feature maps" in cls.no_weights_reason


@pytest.mark.parametrize("make, message", [
    (lambda: layers.GaussianDropout(1.5),
     r"^GaussianDropout: `rate` must be a number between 0 and 1. Received: rate=1.5$"),
    (lambda: layers.GaussianNoise(2.0),
     r"^GaussianNoise: `stddev` must be a number between 0 and 1. Received: stddev=2.0$"),
    (lambda: layers.AlphaDropout(-0.5),
     r"^AlphaDropout: `rate` must be a number between 0 and 1. Received: rate=-0.5$"),
    (lambda: layers.SpatialDropout2D(1.01),
     r"^SpatialDropout2D: `rate` must be a number between 0 and 1. Received: rate=1.01$"),
    (lambda: layers.ActivityRegularization(l1=-1),
     r"^ActivityRegularization: `l1` must be a non-negative float. Received: l1=-1$"),
    (lambda: layers.ActivityRegularization(l2=float("inf")),
     r"^ActivityRegularization: `l2` must be a non-negative float. Received: l2=inf$"),
    (lambda: layers.SpatialDropout1D(0.5, data_format="channels_first"),
     r"^Unrecognized keyword arguments passed to SpatialDropout1D"),
])
def test_arguments_are_checked(make, message):
    with pytest.raises(ArgumentError, match=message):
        make()


def test_keras_edge_values():
    assert layers.GaussianDropout(1.0).rate == 1.0  # Keras accepts rate=1
    assert layers.ActivityRegularization(l1=None).l1 == 0.0  # None means 0
