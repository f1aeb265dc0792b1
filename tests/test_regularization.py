"""Dropout: no weights, any rate in [0, 1]."""

import pytest

from symparams import ArgumentError, dims, layers

H = dims("H")


def test_dropout_changes_nothing():
    bound = layers.Dropout(0.25).bind((H, 3))
    assert bound.params == 0 and bound.output_shape == (H, 3)
    assert "only masks activations during training" in layers.Dropout.no_weights_reason


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_rate_is_checked(rate):
    with pytest.raises(ArgumentError, match=rf"^Dropout: `rate` must be a number between 0 and 1. "
                                            rf"Received: rate={rate}$"):
        layers.Dropout(rate)
