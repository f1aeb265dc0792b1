"""Keras 1 signatures map onto Keras 3 layers."""

import pytest

from symparams import ArgumentError, layers


def test_convolution2d_keras1_signature():
    conv = layers.Convolution2D(32, 5, 3, border_mode="same", subsample=(2, 1), bias=False,
                                init="glorot_uniform", W_regularizer=None)
    assert isinstance(conv, layers.Conv2D)
    assert (conv.filters, conv.kernel_size, conv.strides, conv.padding, conv.use_bias) == (
        32, (5, 3), (2, 1), "same", False)
    assert layers.Convolution2D(4, 3, 3, dim_ordering="th").data_format == "channels_first"


def test_keras3_spellings_of_the_old_names():
    assert layers.Convolution2D(32, (5, 5)).kernel_size == (5, 5)
    assert layers.Convolution2D(32, 5).strides == (1, 1)
    assert layers.Convolution2D(32, kernel_size=3).kernel_size == (3, 3)


def test_convolution1d_and_3d():
    conv1 = layers.Convolution1D(8, 3, subsample_length=2, input_dim=4, input_length=10)
    assert conv1.input_shape == (10, 4) and conv1.strides == (2,)
    conv3 = layers.Convolution3D(8, 1, 2, 3)
    assert conv3.kernel_size == (1, 2, 3)


def test_bad_dim_ordering():
    with pytest.raises(ArgumentError, match=r"`dim_ordering` must be 'tf', 'th' or 'default'"):
        layers.Convolution2D(4, 3, 3, dim_ordering="xy")
