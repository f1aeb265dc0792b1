"""Depthwise and separable convolutions against an independent computation of Keras's rules."""

import math

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at, raw_length, same

H, W, C, F, K, M = dims("H W C F K M")
SPATIAL = {1: (W,), 2: (H, W)}
DEPTHWISE = {1: layers.DepthwiseConv1D, 2: layers.DepthwiseConv2D}
SEPARABLE = {1: layers.SeparableConv1D, 2: layers.SeparableConv2D}


@st.composite
def window_configs(draw):
    """Keras allows strides and dilation above 1 together in these layers."""
    rank = draw(st.integers(1, 2))
    return rank, dict(
        kernel_size=tuple(draw(st.integers(1, 4)) for _ in range(rank)),
        strides=tuple(draw(st.integers(1, 3)) for _ in range(rank)),
        dilation_rate=tuple(draw(st.integers(1, 3)) for _ in range(rank)),
        padding=draw(st.sampled_from(["valid", "same"])),
        depth_multiplier=draw(st.integers(1, 3)),
        use_bias=draw(st.booleans()),
        data_format=draw(st.sampled_from(["channels_last", "channels_first"])))


def expected_spatial(config, spatial, sizes):
    return [raw_length(sizes[s], k, st_, d, config["padding"])
            for s, k, st_, d in zip(spatial, config["kernel_size"], config["strides"],
                                    config["dilation_rate"])]


def join(config, spatial, channels):
    if config["data_format"] == "channels_last":
        return (*spatial, channels)
    return (channels, *spatial)


@given(window_configs(), st.data())
def test_depthwise_formulas_at_integer_points(drawn, data):
    rank, config = drawn
    layer = DEPTHWISE[rank](**config)
    spatial = SPATIAL[rank]
    shape = join(config, spatial, C)
    out, params = layer.compute_output_shape(shape), layer.count_params(shape)
    for _ in range(5):
        sizes = {s: data.draw(st.integers(1, 30)) for s in spatial}
        sizes[C] = data.draw(st.integers(1, 8))
        outputs = sizes[C] * config["depth_multiplier"]
        assert tuple(at(o, sizes) for o in out) == \
            join(config, expected_spatial(config, spatial, sizes), outputs)
        want = (math.prod(config["kernel_size"]) + config["use_bias"]) * outputs
        assert at(params, sizes) == want


@given(window_configs(), st.integers(1, 6), st.data())
def test_separable_formulas_at_integer_points(drawn, filters, data):
    rank, config = drawn
    layer = SEPARABLE[rank](filters, **config)
    spatial = SPATIAL[rank]
    shape = join(config, spatial, C)
    out, params = layer.compute_output_shape(shape), layer.count_params(shape)
    for _ in range(5):
        sizes = {s: data.draw(st.integers(1, 30)) for s in spatial}
        sizes[C] = data.draw(st.integers(1, 8))
        assert tuple(at(o, sizes) for o in out) == \
            join(config, expected_spatial(config, spatial, sizes), filters)
        depthwise = math.prod(config["kernel_size"]) * sizes[C] * config["depth_multiplier"]
        pointwise = sizes[C] * config["depth_multiplier"] * filters
        assert at(params, sizes) == depthwise + pointwise + config["use_bias"] * filters


def test_weights_have_keras_shapes():
    depthwise = layers.DepthwiseConv2D((3, 5), depth_multiplier=2).bind((H, W, 4))
    assert [(w.name, w.shape) for w in depthwise.weights] == [
        ("kernel", (3, 5, 4, 2)), ("bias", (8,))]
    separable = layers.SeparableConv1D(6, 3, depth_multiplier=2).bind((W, 4))
    assert [(w.name, w.shape) for w in separable.weights] == [
        ("depthwise_kernel", (3, 4, 2)), ("pointwise_kernel", (1, 8, 6)), ("bias", (6,))]


def test_symbolic_hyperparameters():
    assert same(layers.DepthwiseConv2D(K, depth_multiplier=M).count_params((H, W, C)),
                C * M * (K ** 2 + 1))
    assert same(layers.SeparableConv2D(F, K, depth_multiplier=M).count_params((H, W, C)),
                K ** 2 * C * M + C * M * F + F)
    assert layers.DepthwiseConv1D(K, depth_multiplier=M).compute_output_shape((W, C)) == \
        (W - K + 1, C * M)


def test_positional_order_is_keras():
    """DepthwiseConv: (kernel_size, strides, padding, depth_multiplier, data_format, ...);
    SeparableConv: (filters, kernel_size, strides, padding, data_format, dilation_rate,
    depth_multiplier, ...)."""
    depthwise = layers.DepthwiseConv2D(3, 1, "same", 2, "channels_first")
    assert depthwise.depth_multiplier == 2 and depthwise.data_format == "channels_first"
    separable = layers.SeparableConv2D(8, 3, 1, "same", "channels_first", 2, 3)
    assert separable.dilation_rate == (2, 2) and separable.depth_multiplier == 3
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


def test_strides_with_dilation_are_allowed():
    layer = layers.DepthwiseConv1D(3, strides=2, dilation_rate=2)
    assert layer.compute_output_shape((11, 3)) == (4, 3)
    assert layers.SeparableConv1D(4, 3, strides=2, dilation_rate=2,
                                  padding="same").compute_output_shape((11, 3)) == (6, 4)


def test_errors_name_the_argument_and_value():
    with pytest.raises(ArgumentError, match=r"^DepthwiseConv2D: `depth_multiplier` must be a "
                                            r"positive integer. Received: depth_multiplier=0$"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ArgumentError, match=r"^SeparableConv1D: `padding` must be one of "
                                            r"'valid', 'same'. Received: padding='causal'$"):
        layers.SeparableConv1D(4, 3, padding="causal")
    with pytest.raises(ArgumentError, match=r"^SeparableConv2D: `filters` must be a positive "
                                            r"integer. Received: filters=-2$"):
        layers.SeparableConv2D(-2, 3)
    with pytest.raises(ShapeError, match=r"output dimension 0 would be -1, below 1"):
        layers.DepthwiseConv2D(4).bind((2, 9, 3))
    with pytest.raises(TypeError, match=r"^Unrecognized keyword arguments passed to "
                                        r"DepthwiseConv2D: \{'kernel_initializer': 'ones'\}$"):
        layers.DepthwiseConv2D(3, kernel_initializer="ones")


def test_ignored_keras_arguments_are_accepted():
    layer = layers.SeparableConv2D(4, 3, depthwise_initializer="ones", pointwise_regularizer=None,
                                   bias_constraint=None, activation="relu")
    assert layer.count_params((8, 8, 2)) == 18 + 8 + 4
