"""Convolution formulas against an independent integer computation of Keras's rules."""

import math

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at, raw_length, same

H, W, D, C, F, K, S = dims("H W D C F K S")
CONV = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}
SPATIAL = {1: (W,), 2: (H, W), 3: (D, H, W)}


@st.composite
def conv_configs(draw):
    rank = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    filters = groups * draw(st.integers(1, 4))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    strided = draw(st.booleans())
    strides = tuple(draw(st.integers(1, 3)) if strided else 1 for _ in range(rank))
    dilation = tuple(1 if strided else draw(st.integers(1, 3)) for _ in range(rank))
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    return dict(rank=rank, filters=filters, kernel_size=kernel, strides=strides,
                dilation_rate=dilation, groups=groups, padding=draw(st.sampled_from(paddings)),
                use_bias=draw(st.booleans()),
                data_format=draw(st.sampled_from(["channels_last", "channels_first"])))


@given(conv_configs(), st.data())
def test_conv_formulas_at_integer_points(config, data):
    rank = config.pop("rank")
    layer = CONV[rank](**config)
    spatial = SPATIAL[rank]
    shape = (*spatial, C) if config["data_format"] == "channels_last" else (C, *spatial)
    out = layer.compute_output_shape(shape)
    params = layer.count_params(shape)
    for _ in range(5):
        sizes = {s: data.draw(st.integers(1, 30)) for s in spatial}
        sizes[C] = config["groups"] * data.draw(st.integers(1, 4))
        want_spatial = [raw_length(sizes[s], k, st_, d, config["padding"])
                        for s, k, st_, d in zip(spatial, config["kernel_size"],
                                                config["strides"], config["dilation_rate"])]
        want_shape = ((*want_spatial, config["filters"])
                      if config["data_format"] == "channels_last"
                      else (config["filters"], *want_spatial))
        assert tuple(at(o, sizes) for o in out) == want_shape
        per_filter = math.prod(config["kernel_size"]) * sizes[C] // config["groups"]
        want_params = (per_filter + config["use_bias"]) * config["filters"]
        assert at(params, sizes) == want_params


def test_symbolic_hyperparameters():
    layer = layers.Conv2D(F, K, strides=S)
    assert same(layer.count_params((H, W, C)), F * (K * K * C + 1))
    out = layer.compute_output_shape((H, W, C))
    for h, k, s in [(10, 3, 2), (7, 7, 1), (9, 2, 4), (30, 5, 3)]:
        assert at(out[0], {H: h, K: k, S: s}) == raw_length(h, k, s, 1, "valid")


def test_groups_and_lora_and_no_bias():
    grouped = layers.Conv2D(8, 3, groups=4)
    assert grouped.count_params((H, W, 8)) == (3 * 3 * 2 + 1) * 8
    bound = layers.Conv2D(8, 3, lora_rank=2).bind((H, W, 4))
    assert [(w.name, w.shape, w.trainable) for w in bound.weights] == [
        ("kernel", (3, 3, 4, 8), False), ("lora_kernel_a", (3, 3, 4, 2), True),
        ("lora_kernel_b", (2, 8), True), ("bias", (8,), True)]
    assert bound.non_trainable_params == 288 and bound.trainable_params == 72 + 16 + 8
    assert layers.Conv1D(4, 3, use_bias=False).count_params((W, C)) == 12 * C


def test_errors_name_the_argument_and_value():
    with pytest.raises(ArgumentError, match=r"^Conv2D: `filters` must be a positive integer. "
                                            r"Received: filters=0$"):
        layers.Conv2D(0, 3)
    with pytest.raises(ArgumentError, match=r"number of filters must be evenly divisible by the "
                                            r"number of groups. Received: groups=3, filters=4"):
        layers.Conv2D(4, 3, groups=3)
    with pytest.raises(ArgumentError, match=r"`strides > 1` not supported in conjunction with "
                                            r"`dilation_rate > 1`"):
        layers.Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ArgumentError, match=r"`kernel_size` must be a size or a tuple of 2 sizes. "
                                            r"Received: kernel_size=\(3, 3, 3\)"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ArgumentError, match=r"`padding` must be one of 'valid', 'same'. "
                                            r"Received: padding='causal'"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ShapeError, match=r"input channels must be evenly divisible by the number "
                                         r"of groups. Received groups=2, but the input has 3"):
        layers.Conv2D(4, 3, groups=2).bind((8, 8, 3))
    with pytest.raises(TypeError, match=r"^Unrecognized keyword arguments passed to Conv2D: "
                                        r"\{'filter': 3\}$"):
        layers.Conv2D(4, 3, filter=3)


def test_ignored_keras_arguments_are_accepted():
    layer = layers.Conv2D(4, 3, kernel_initializer="he_normal", bias_regularizer=None,
                          activation="relu", dtype="float32")
    assert layer.count_params((8, 8, 1)) == 40
