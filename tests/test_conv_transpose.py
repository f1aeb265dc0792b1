"""Transposed convolutions against an independent integer computation of Keras's rules."""

import math

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers
from symparams.intmath import conv_transpose_output_length

from .helpers import at, same

H, W, D, C, F, K, S, P, N = dims("H W D C F K S P N")
CONV_TRANSPOSE = {1: layers.Conv1DTranspose, 2: layers.Conv2DTranspose,
                  3: layers.Conv3DTranspose}
SPATIAL = {1: (W,), 2: (H, W), 3: (D, H, W)}


def raw_transpose_length(n, kernel, stride, dilation, padding, output_padding):
    """Keras's rule (``keras/src/backend/common/backend_utils.py``) in plain integers."""
    reach = (kernel - 1) * dilation + 1
    if padding == "valid":
        if output_padding is None:
            output_padding = max(reach, stride) - reach
        return (n - 1) * stride + reach + output_padding
    if output_padding is None:
        return n * stride
    return (n - 1) * stride + reach % 2 + output_padding


def raw_torch_length(n, kernel, stride, dilation, padding, output_padding):
    """PyTorch's ConvTranspose rule in plain integers."""
    return (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


@st.composite
def transpose_configs(draw):
    rank = draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 5)) for _ in range(rank))
    strided = draw(st.booleans())
    strides = tuple(draw(st.integers(1, 4)) if strided else 1 for _ in range(rank))
    dilation = tuple(1 if strided else draw(st.integers(1, 3)) for _ in range(rank))
    output_padding = draw(st.none() | st.tuples(*[st.integers(0, s - 1) for s in strides]))
    return dict(rank=rank, filters=draw(st.integers(1, 6)), kernel_size=kernel, strides=strides,
                dilation_rate=dilation, output_padding=output_padding,
                padding=draw(st.sampled_from(["valid", "same"])),
                use_bias=draw(st.booleans()),
                data_format=draw(st.sampled_from(["channels_last", "channels_first"])))


@given(transpose_configs(), st.data())
def test_conv_transpose_formulas_at_integer_points(config, data):
    rank = config.pop("rank")
    layer = CONV_TRANSPOSE[rank](**config)
    spatial = SPATIAL[rank]
    last = config["data_format"] == "channels_last"
    shape = (*spatial, C) if last else (C, *spatial)
    out = layer.compute_output_shape(shape)
    params = layer.count_params(shape)
    extras = config["output_padding"] or (None,) * rank
    for _ in range(5):
        sizes = {s: data.draw(st.integers(1, 30)) for s in spatial}
        sizes[C] = data.draw(st.integers(1, 8))
        want = [raw_transpose_length(sizes[s], k, st_, d, config["padding"], extra)
                for s, k, st_, d, extra in zip(spatial, config["kernel_size"],
                                               config["strides"], config["dilation_rate"],
                                               extras)]
        want_shape = (*want, config["filters"]) if last else (config["filters"], *want)
        assert tuple(at(o, sizes) for o in out) == want_shape
        kernel = math.prod(config["kernel_size"]) * config["filters"] * sizes[C]
        assert at(params, sizes) == kernel + config["use_bias"] * config["filters"]


@given(n=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 5),
       dilation=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       data=st.data())
def test_symbolic_kernel_stride_and_dilation(n, kernel, stride, dilation, padding, data):
    """The length with every argument a symbol, evaluated where Keras's rule applies."""
    extra = data.draw(st.none() | st.integers(0, stride - 1))
    symbolic = conv_transpose_output_length(N, K, S, D, padding, None if extra is None else P)
    values = {N: n, K: kernel, S: stride, D: dilation}
    if extra is not None:
        values[P] = extra
    if extra == 0:  # P is a positive symbol: put 0 in by hand
        symbolic = symbolic.subs(P, 0)
        del values[P]
    assert at(symbolic, values) == raw_transpose_length(n, kernel, stride, dilation, padding,
                                                        extra)


@given(n=st.integers(1, 30), kernel=st.integers(1, 6), stride=st.integers(1, 4),
       dilation=st.integers(1, 3), data=st.data())
def test_explicit_padding_is_pytorchs_rule(n, kernel, stride, dilation, data):
    padding = data.draw(st.integers(0, 4))
    extra = data.draw(st.integers(0, max(stride, dilation) - 1))
    want = raw_torch_length(n, kernel, stride, dilation, padding, extra)
    got = conv_transpose_output_length(N, kernel, stride, dilation, padding, extra)
    assert at(got, {N: n}) == want
    pair = conv_transpose_output_length(N, kernel, stride, dilation, (padding, padding), extra)
    assert same(pair, got)


def test_explicit_padding_matches_torch():
    torch = pytest.importorskip("torch")
    for n, k, s, d, p, op in [(5, 3, 2, 1, 1, 1), (7, 4, 3, 2, 0, 2), (1, 5, 1, 1, 2, 0),
                              (9, 2, 2, 3, 3, 1)]:
        x = torch.zeros(1, 1, n)
        weight = torch.zeros(1, 1, k)
        y = torch.nn.functional.conv_transpose1d(x, weight, stride=s, padding=p,
                                                 output_padding=op, dilation=d)
        assert at(conv_transpose_output_length(N, k, s, d, p, op), {N: n}) == y.shape[-1]


def test_paper_forms():
    assert layers.Conv2DTranspose(8, 3, strides=2).compute_output_shape((H, W, C)) == \
        (2 * H + 1, 2 * W + 1, 8)
    assert layers.Conv2DTranspose(8, 4, strides=2, padding="same").compute_output_shape(
        (H, W, C)) == (2 * H, 2 * W, 8)
    same_padded = layers.Conv1DTranspose(8, 4, strides=2, padding="same", output_padding=1)
    assert same_padded.compute_output_shape((W, C)) == (2 * W - 1, 8)
    assert str(conv_transpose_output_length(H, K, S)) == "S*(H - 1) + Max(K, S)"
    assert same(layers.Conv2DTranspose(F, K).count_params((H, W, C)), F * (K * K * C + 1))


def test_kernel_has_keras_layout():
    bound = layers.Conv2DTranspose(8, (3, 5)).bind((H, W, 4))
    assert [(w.name, w.shape) for w in bound.weights] == [("kernel", (3, 5, 8, 4)),
                                                          ("bias", (8,))]
    assert layers.Conv1DTranspose(4, 3, use_bias=False).count_params((W, C)) == 12 * C


def test_conv3d_transpose_positional_order_is_keras():
    """Keras's Conv3DTranspose takes data_format before output_padding (1D and 2D: after)."""
    layer = layers.Conv3DTranspose(2, 3, 2, "same", "channels_first", 1)
    assert layer.data_format == "channels_first" and layer.output_padding == (1, 1, 1)
    layer = layers.Conv2DTranspose(2, 3, 2, "same", 1, "channels_first")
    assert layer.data_format == "channels_first" and layer.output_padding == (1, 1)


def test_aliases():
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose


def test_errors_name_the_argument_and_value():
    with pytest.raises(ArgumentError, match=r"^Conv2DTranspose: `output_padding` must be "
                                            r"strictly less than `strides` for all dimensions. "
                                            r"At dimension 0, `output_padding` is 1 but "
                                            r"`strides` is 1. Received: output_padding=\(1, 1\), "
                                            r"strides=\(1, 1\)$"):
        layers.Conv2DTranspose(2, 3, output_padding=1)
    with pytest.raises(ArgumentError, match=r"^Conv1DTranspose: `strides > 1` not supported in "
                                            r"conjunction with `dilation_rate > 1`"):
        layers.Conv1DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ArgumentError, match=r"^Conv1DTranspose: `padding` must be one of "
                                            r"'valid', 'same'. Received: padding='causal'$"):
        layers.Conv1DTranspose(2, 3, padding="causal")
    with pytest.raises(ArgumentError, match=r"^Conv3DTranspose: `output_padding` must be a "
                                            r"non-negative integer. Received: "
                                            r"output_padding=-1$"):
        layers.Conv3DTranspose(2, 3, strides=2, output_padding=-1)
    with pytest.raises(ArgumentError, match=r"^Conv2DTranspose: `filters` must be a positive "
                                            r"integer. Received: filters=0$"):
        layers.Conv2DTranspose(0, 3)
    with pytest.raises(TypeError, match=r"^Unrecognized keyword arguments passed to "
                                        r"Conv2DTranspose: \{'groups': 2\}$"):
        layers.Conv2DTranspose(4, 3, groups=2)
    with pytest.raises(ShapeError, match=r"expects an input of rank 2 \(steps, channels\)"):
        layers.Conv1DTranspose(2, 3).bind((4, 4, 4))


def test_zero_length_output_is_refused():
    """Keras returns a length-0 axis here (n=1, an even kernel, 'same', output_padding=0)."""
    layer = layers.Conv1DTranspose(2, 2, padding="same", output_padding=0)
    assert layer.compute_output_shape((1, 3)) == (0, 2)
    with pytest.raises(ShapeError, match=r"output dimension 0 would be 0, below 1"):
        layer.bind((1, 3))


def test_ignored_keras_arguments_are_accepted():
    layer = layers.Conv2DTranspose(4, 3, kernel_initializer="he_normal", bias_constraint=None,
                                   activation="relu")
    assert layer.count_params((8, 8, 1)) == 40
