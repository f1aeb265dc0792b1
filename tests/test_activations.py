"""Activation layers keep shapes and have no weights; bad identifiers raise."""

import pytest

from symparams import ArgumentError, ShapeError, dims, layers

H, C = dims("H C")


@pytest.mark.parametrize("layer", [layers.Activation("relu"), layers.Activation("softmax"),
                                   layers.ReLU(max_value=6), layers.Softmax(axis=1),
                                   layers.Activation(lambda x: x), layers.Activation(None)])
def test_shape_kept_no_weights(layer):
    bound = layer.bind((H, C))
    assert bound.output_shape == (H, C) and bound.params == 0


def test_errors():
    with pytest.raises(ArgumentError, match=r"could not interpret activation function identifier: "
                                            r"'rleu'"):
        layers.Activation("rleu")
    with pytest.raises(ArgumentError, match=r"^ReLU: `max_value` cannot be a negative value. "
                                            r"Received: max_value=-1$"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ArgumentError, match=r"^ReLU: `threshold` cannot be a negative value"):
        layers.ReLU(threshold=-0.5)
    with pytest.raises(ShapeError, match=r"axis=3 is out of range for an input of rank 3"):
        layers.Softmax(axis=3).bind((3, 4))
    assert layers.Softmax(axis=0).bind((3, 4)).output_shape == (3, 4)
    with pytest.raises(ArgumentError, match=r"Dense: could not interpret activation"):
        layers.Dense(3, activation="rel")


def test_activation_none_is_linear_as_in_keras():
    import keras

    assert layers.Activation(None).activation == keras.layers.Activation(None).get_config()[
        "activation"] == "linear"
