"""FLOPs against ``torch.utils.flop_counter.FlopCounterMode``, with zero mismatches.

Hypothesis draws a configuration; the same arguments build a ``symparams.nn``
module (or a symparams model) and a ``torch.nn`` module. torch runs a forward
pass on zeros under ``FlopCounterMode``; its total is the expected value.
FlopCounterMode counts matmul and convolution FLOPs as 2·MACs and no bias adds,
so it is compared with ``flops(..., bias=False, causal=False)``: a causal mask
does not shrink the products torch's math kernel computes. Attention runs on
the math backend (``sdpa_kernel(SDPBackend.MATH)``) and RNNs with oneDNN off:
fused kernels count 0.

Backward: ``flops(..., backward="exact")`` against FlopCounterMode around
forward and ``loss.backward()`` on an input that does not require a gradient
(torch then skips the first layer's input gradient, as symparams does). Its
grouped-convolution weight gradient is counted as one ungrouped convolution,
``groups`` times the true work (a quirk of its ``conv_backward`` formula, see
:func:`_grouped_weight_gradient_excess`); ours is the true count, and the
difference is pinned to exactly that excess.

Keras layers run on the torch backend the same way (their formulas are per
example: ours times the batch). An einsum whose summed axis has one entry
becomes an elementwise multiply in torch, counted 0 by FlopCounterMode, so
attention draws sum over 2 or more entries; an EinsumDense that sums nothing
(a broadcast scale) is elementwise work, 0 for both.

Examples under the ``ci`` profile: Linear 30, Conv1d/2d/3d 60, ConvTranspose1d/2d/3d 45
(rejected sizes included), MultiheadAttention 30, grouped-query attention 20,
TransformerEncoderLayer and DecoderLayer 10 each, RNN/LSTM/GRU 30 (proj_size,
bidirectional, stacked), nn.Sequential MLPs and CNNs 15 (30 models); backward 30 (Dense
stacks, frozen layers) + 30 (two convolutions, grouped included) + 10 MultiheadAttention +
20 RNN/LSTM/GRU (stacked, bidirectional, projected); Keras Dense 15, Conv1D/Conv2D 20
(groups), DepthwiseConv2D and SeparableConv2D 15, EinsumDense 12, MultiHeadAttention 15
(self and cross), SimpleRNN/LSTM/GRU (both reset_after), alone or Bidirectional, 12;
MultiHeadAttention over chosen ``attention_axes`` of rank-4 inputs 10;
Conv1DTranspose/Conv2DTranspose 10.
"""

from __future__ import annotations

import contextlib

import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from symparams import Input, Model, ShapeError, Tensor, layers, nn
from symparams.compute import flops

pytestmark = pytest.mark.filterwarnings("ignore")


def counted(module, *inputs, backward=False, **kwargs) -> int:
    """FlopCounterMode's total for a forward pass (and ``loss.backward()`` when asked).

    Training mode (every dropout here is 0): in eval mode torch takes fused fast paths
    (``_transformer_encoder_layer_fwd``) that FlopCounterMode counts as 0.
    """
    module.train(True)
    with contextlib.ExitStack() as stack:
        stack.enter_context(sdpa_kernel(SDPBackend.MATH))
        stack.enter_context(torch.backends.mkldnn.flags(enabled=False))
        if not backward:
            stack.enter_context(torch.no_grad())
        counter = stack.enter_context(FlopCounterMode(display=False))
        out = module(*inputs, **kwargs)
        if backward:
            first = out[0] if isinstance(out, tuple) else out
            first.sum().backward()
    return counter.get_total_flops()


def ours(module, *shapes, **call) -> sympy.Expr:
    return flops(model_of(module, *shapes, **call), causal=False)


def model_of(module, *shapes, **call) -> Model:
    """A model of one call of ``module`` on tensors of ``shapes`` (a None output left out)."""
    tensors = [Tensor(s) for s in shapes]
    out = module(*tensors, **call)
    if isinstance(out, tuple):
        out = out[0]
    return Model(tensors, out)


def zeros(*shape):
    return torch.zeros(*shape)


def assert_same(expected: int, value) -> None:
    assert value == expected, (value, expected)


# -- Linear -------------------------------------------------------------------------------


@settings(max_examples=30)
@given(lead=st.lists(st.integers(1, 4), min_size=0, max_size=3), n=st.integers(1, 9),
       m=st.integers(1, 9), bias=st.booleans())
def test_linear(lead, n, m, bias):
    shape = (*lead, n)
    assert_same(counted(torch.nn.Linear(n, m, bias=bias), zeros(*shape)),
                ours(nn.Linear(n, m, bias=bias), shape))


# -- convolutions -------------------------------------------------------------------------

_CONV = {1: (torch.nn.Conv1d, nn.Conv1d), 2: (torch.nn.Conv2d, nn.Conv2d),
         3: (torch.nn.Conv3d, nn.Conv3d)}
_CONV_T = {1: (torch.nn.ConvTranspose1d, nn.ConvTranspose1d),
           2: (torch.nn.ConvTranspose2d, nn.ConvTranspose2d),
           3: (torch.nn.ConvTranspose3d, nn.ConvTranspose3d)}


@st.composite
def conv_configs(draw, transposed=False):
    rank = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 3))
    c_out = groups * draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    spatial = tuple(draw(st.integers(dilation * (k - 1) + 1, 7)) for _ in range(rank))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups,
                  bias=draw(st.booleans()))
    if transposed:
        kwargs["output_padding"] = draw(st.integers(0, max(stride, dilation) - 1))
    return rank, (c_in, c_out, k), kwargs, (*batch, c_in, *spatial)


@settings(max_examples=60)
@given(conv_configs())
def test_conv(config):
    rank, args, kwargs, shape = config
    theirs, mine = _CONV[rank]
    assert_same(counted(theirs(*args, **kwargs), zeros(*shape)),
                ours(mine(*args, **kwargs), shape))


@settings(max_examples=45)
@given(conv_configs(transposed=True))
def test_conv_transpose(config):
    rank, args, kwargs, shape = config
    theirs, mine = _CONV_T[rank]
    try:
        expected = counted(theirs(*args, **kwargs), zeros(*shape))
    except RuntimeError:  # an output below 1: symparams rejects it too
        with pytest.raises(ShapeError):
            ours(mine(*args, **kwargs), shape)
        return
    assert_same(expected, ours(mine(*args, **kwargs), shape))


# -- attention ----------------------------------------------------------------------------


@settings(max_examples=30)
@given(heads=st.integers(1, 3), head_dim=st.integers(1, 4), L=st.integers(1, 5),
       S=st.integers(1, 5), N=st.sampled_from([None, 1, 2]), batch_first=st.booleans(),
       bias=st.booleans(), add_bias_kv=st.booleans(), add_zero_attn=st.booleans(),
       kdim=st.sampled_from([None, 3]), self_attention=st.booleans())
def test_multihead_attention(heads, head_dim, L, S, N, batch_first, bias, add_bias_kv,
                             add_zero_attn, kdim, self_attention):
    E = heads * head_dim
    kwargs = dict(bias=bias, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn,
                  kdim=kdim, vdim=kdim, batch_first=batch_first)
    if self_attention:
        S, kwargs["kdim"], kwargs["vdim"] = L, None, None

    def shape(length, width):
        if N is None:
            return (length, width)
        return (N, length, width) if batch_first else (length, N, width)

    q, k = shape(L, E), shape(S, kwargs["kdim"] or E)
    torch_module = torch.nn.MultiheadAttention(E, heads, **kwargs)
    expected = counted(torch_module, zeros(*q), zeros(*k), zeros(*k), need_weights=False)
    assert_same(expected, ours(nn.MultiheadAttention(E, heads, **kwargs), q, k, k,
                               need_weights=False))


class _TorchGQA(torch.nn.Module):
    """Grouped-query attention as Llama writes it: fewer key/value heads, repeated."""

    def __init__(self, d, heads, kv_heads, bias):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, d // heads
        self.q_proj = torch.nn.Linear(d, d, bias=bias)
        self.k_proj = torch.nn.Linear(d, kv_heads * self.head_dim, bias=bias)
        self.v_proj = torch.nn.Linear(d, kv_heads * self.head_dim, bias=bias)
        self.o_proj = torch.nn.Linear(d, d, bias=bias)

    def forward(self, x):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        repeat = self.heads // self.kv_heads
        k, v = k.repeat_interleave(repeat, 1), v.repeat_interleave(repeat, 1)
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.o_proj(out.transpose(1, 2).reshape(B, T, -1))


@settings(max_examples=20)
@given(kv_heads=st.integers(1, 2), groups=st.integers(1, 3), head_dim=st.integers(1, 3),
       T=st.integers(1, 5), B=st.integers(1, 2), bias=st.booleans())
def test_grouped_query_attention(kv_heads, groups, head_dim, T, B, bias):
    heads = kv_heads * groups
    d = heads * head_dim
    expected = counted(_TorchGQA(d, heads, kv_heads, bias), zeros(B, T, d))
    attention = nn.GroupedQueryAttention(d, heads, num_kv_heads=kv_heads, bias=bias,
                                         causal=True)
    assert_same(expected, ours(attention, (B, T, d)))


@settings(max_examples=10)
@given(heads=st.integers(1, 3), head_dim=st.integers(1, 3), f=st.integers(1, 8),
       T=st.integers(1, 5), N=st.integers(1, 2), batch_first=st.booleans(),
       norm_first=st.booleans(), bias=st.booleans())
def test_transformer_encoder_layer(heads, head_dim, f, T, N, batch_first, norm_first, bias):
    d = heads * head_dim
    kwargs = dict(dim_feedforward=f, batch_first=batch_first, norm_first=norm_first,
                  bias=bias, dropout=0.0)
    shape = (N, T, d) if batch_first else (T, N, d)
    expected = counted(torch.nn.TransformerEncoderLayer(d, heads, **kwargs), zeros(*shape))
    assert_same(expected, ours(nn.TransformerEncoderLayer(d, heads, **kwargs), shape))


@settings(max_examples=10)
@given(heads=st.integers(1, 3), head_dim=st.integers(1, 3), f=st.integers(1, 8),
       T=st.integers(1, 5), S=st.integers(1, 5), N=st.integers(1, 2),
       batch_first=st.booleans())
def test_transformer_decoder_layer(heads, head_dim, f, T, S, N, batch_first):
    d = heads * head_dim
    kwargs = dict(dim_feedforward=f, batch_first=batch_first, dropout=0.0)
    tgt = (N, T, d) if batch_first else (T, N, d)
    memory = (N, S, d) if batch_first else (S, N, d)
    expected = counted(torch.nn.TransformerDecoderLayer(d, heads, **kwargs), zeros(*tgt),
                       zeros(*memory))
    assert_same(expected, ours(nn.TransformerDecoderLayer(d, heads, **kwargs), tgt, memory))


# -- recurrent ----------------------------------------------------------------------------

_RNN = {"RNN": (torch.nn.RNN, nn.RNN), "LSTM": (torch.nn.LSTM, nn.LSTM),
        "GRU": (torch.nn.GRU, nn.GRU)}


@settings(max_examples=30)
@given(mode=st.sampled_from(sorted(_RNN)), d=st.integers(1, 4), h=st.integers(2, 5),
       layers_=st.integers(1, 3), bidirectional=st.booleans(), bias=st.booleans(),
       T=st.integers(1, 5), N=st.sampled_from([None, 1, 3]), batch_first=st.booleans(),
       proj=st.booleans())
def test_rnn(mode, d, h, layers_, bidirectional, bias, T, N, batch_first, proj):
    kwargs = dict(num_layers=layers_, bidirectional=bidirectional, bias=bias,
                  batch_first=batch_first)
    if mode == "LSTM" and proj:
        kwargs["proj_size"] = h - 1
    if N is None:
        shape = (T, d)
    else:
        shape = (N, T, d) if batch_first else (T, N, d)
    theirs, mine = _RNN[mode]
    assert_same(counted(theirs(d, h, **kwargs), zeros(*shape)), ours(mine(d, h, **kwargs), shape))


# -- containers ---------------------------------------------------------------------------


@settings(max_examples=15)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=4), N=st.integers(1, 3),
       channels=st.integers(1, 3), H=st.integers(4, 7))
def test_sequential(widths, N, channels, H):
    torch_mlp = torch.nn.Sequential(*[m for a, b in zip(widths, widths[1:])
                                      for m in (torch.nn.Linear(a, b), torch.nn.ReLU())])
    mlp = nn.Sequential(*[m for a, b in zip(widths, widths[1:])
                          for m in (nn.Linear(a, b), nn.ReLU())])
    assert_same(counted(torch_mlp, zeros(N, widths[0])), ours(mlp, (N, widths[0])))
    torch_cnn = torch.nn.Sequential(torch.nn.Conv2d(channels, 4, 3, padding=1),
                                    torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                    torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                    torch.nn.Linear(4 * (H // 2) ** 2, 5))
    cnn = nn.Sequential(nn.Conv2d(channels, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * (H // 2) ** 2, 5))
    assert_same(counted(torch_cnn, zeros(N, channels, H, H)), ours(cnn, (N, channels, H, H)))


# -- backward -----------------------------------------------------------------------------


def ours_backward(module, *shapes, **call):
    return flops(model_of(module, *shapes, **call), causal=False, backward="exact")


@settings(max_examples=30)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=4), N=st.integers(1, 3),
       bias=st.booleans(), frozen=st.sampled_from([None, 0, 1]))
def test_backward_linear_stack(widths, N, bias, frozen):
    """Every weight gradient, and every input gradient but the first layer's."""
    pairs = list(zip(widths, widths[1:]))
    torch_mlp = torch.nn.Sequential(*[torch.nn.Linear(a, b, bias=bias) for a, b in pairs])
    if frozen is not None and frozen < len(pairs):
        torch_mlp[frozen].requires_grad_(False)
    from symparams import Sequential
    model = Sequential([layers.Dense(b, use_bias=bias,
                                     trainable=not (frozen is not None and i == frozen))
                        for i, (_, b) in enumerate(pairs)], input_shape=(widths[0],))
    if frozen == 0 and len(pairs) == 1:  # nothing requires a gradient: torch runs no backward
        return
    expected = counted(torch_mlp, zeros(N, widths[0]), backward=True)
    assert_same(expected, N * flops(model, backward="exact"))


def _grouped_weight_gradient_excess(module: nn.Conv2d, shape) -> sympy.Expr:
    """What FlopCounterMode adds to a grouped convolution's weight gradient.

    Its ``conv_backward`` formula computes the weight gradient as one ungrouped
    convolution of the input with the output gradient (all input channels
    against all output channels), which is ``groups`` times the true work: it
    counts ``(groups - 1)`` times the true weight gradient too many.
    """
    bound = module(Tensor(shape)).node.bound
    true_weight_gradient = 2 * bound.weights[0].size * sympy.Mul(*bound.output_shape) / \
        module.out_channels
    return (module.groups - 1) * true_weight_gradient


@settings(max_examples=30)
@given(groups=st.integers(1, 3), per_in=st.integers(1, 2), per_out=st.integers(1, 2),
       k=st.integers(1, 3), stride=st.integers(1, 2), N=st.integers(1, 2), H=st.integers(3, 6),
       bias=st.booleans())
def test_backward_convolutions(groups, per_in, per_out, k, stride, N, H, bias):
    """Two convolutions: the second's input gradient exists, the first's does not."""
    c_in, c_mid = groups * per_in, groups * per_out
    args = dict(kernel_size=k, stride=stride, groups=groups, bias=bias)
    torch_net = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_mid, **args),
                                    torch.nn.Conv2d(c_mid, c_mid, kernel_size=1, groups=groups))
    first = nn.Conv2d(c_in, c_mid, **args)
    second = nn.Conv2d(c_mid, c_mid, kernel_size=1, groups=groups)
    shape = (N, c_in, H, H)
    if (H - k) // stride + 1 < 1:
        return
    expected = counted(torch_net, zeros(*shape), backward=True)
    value = ours_backward(nn.Sequential(first, second), shape)
    middle = first(Tensor(shape)).shape
    excess = (_grouped_weight_gradient_excess(first, shape)
              + _grouped_weight_gradient_excess(second, middle))
    assert_same(expected, value + excess)


@settings(max_examples=10)
@given(heads=st.integers(1, 3), head_dim=st.integers(1, 3), T=st.integers(1, 4),
       N=st.integers(1, 2))
def test_backward_attention(heads, head_dim, T, N):
    E = heads * head_dim
    shape = (T, N, E)
    torch_module = torch.nn.MultiheadAttention(E, heads)
    expected = counted(torch_module, zeros(*shape), zeros(*shape), zeros(*shape),
                       backward=True, need_weights=False)
    assert_same(expected, ours_backward(nn.MultiheadAttention(E, heads), shape, shape, shape,
                                        need_weights=False))


# -- Keras layers on the torch backend ------------------------------------------------------


def keras_counted(layer, *shapes, **call) -> int:
    """FlopCounterMode's total for a Keras layer's call on zeros (built by a first call)."""
    inputs = [torch.zeros(*s) for s in shapes]
    layer(*inputs, **call)
    with sdpa_kernel(SDPBackend.MATH), torch.no_grad(), FlopCounterMode(display=False) as f:
        layer(*inputs, **call)
    return f.get_total_flops()


def keras_ours(layer, *shapes, **call) -> sympy.Expr:
    """Our FLOPs for one example, times the batch (Keras formulas exclude it)."""
    tensors = [Input(s[1:]) for s in shapes]
    out = layer(*tensors, **call)
    return shapes[0][0] * flops(Model(tensors, out[0] if isinstance(out, tuple) else out),
                                causal=False)


@st.composite
def keras_conv_configs(draw, rank=2):
    k = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 2))
    dilation = 1 if stride > 1 else draw(st.integers(1, 2))
    spatial = tuple(draw(st.integers(dilation * (k - 1) + 1, 6)) for _ in range(rank))
    return dict(kernel_size=k, strides=stride, dilation_rate=dilation,
                padding=draw(st.sampled_from(["valid", "same"])),
                use_bias=draw(st.booleans())), spatial


@settings(max_examples=15)
@given(lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), n=st.integers(1, 6),
       units=st.integers(1, 6), B=st.integers(1, 2))
def test_keras_dense(lead, n, units, B):
    import keras
    shape = (B, *lead, n)
    assert_same(keras_counted(keras.layers.Dense(units), shape),
                keras_ours(layers.Dense(units), shape))


@settings(max_examples=20)
@given(config=keras_conv_configs(), rank=st.sampled_from([1, 2]), groups=st.integers(1, 2),
       per_group=st.integers(1, 2), filters_per_group=st.integers(1, 2), B=st.integers(1, 2))
def test_keras_conv(config, rank, groups, per_group, filters_per_group, B):
    import keras
    kwargs, spatial = config
    spatial = spatial[:rank] if rank <= len(spatial) else spatial
    channels, filters = groups * per_group, groups * filters_per_group
    shape = (B, *spatial[:rank], channels)
    theirs = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D}[rank]
    mine = {1: layers.Conv1D, 2: layers.Conv2D}[rank]
    assert_same(keras_counted(theirs(filters, groups=groups, **kwargs), shape),
                keras_ours(mine(filters, groups=groups, **kwargs), shape))


@settings(max_examples=15)
@given(config=keras_conv_configs(), channels=st.integers(1, 3), multiplier=st.integers(1, 2),
       filters=st.integers(1, 3), B=st.integers(1, 2), separable=st.booleans())
def test_keras_depthwise_and_separable(config, channels, multiplier, filters, B, separable):
    import keras
    kwargs, spatial = config
    shape = (B, *spatial, channels)
    if separable:
        theirs = keras.layers.SeparableConv2D(filters, depth_multiplier=multiplier, **kwargs)
        mine = layers.SeparableConv2D(filters, depth_multiplier=multiplier, **kwargs)
    else:
        theirs = keras.layers.DepthwiseConv2D(depth_multiplier=multiplier, **kwargs)
        mine = layers.DepthwiseConv2D(depth_multiplier=multiplier, **kwargs)
    assert_same(keras_counted(theirs, shape), keras_ours(mine, shape))


_EINSUM = [("ab,bc->ac", (None, 4), (5,)), ("abc,cd->abd", (3, 4), (3, 5)),
           ("abc,cde->abde", (3, 4), (3, 2, 5)), ("abcd,cde->abe", (3, 2, 4), (3, 5)),
           ("...b,bc->...c", (2, 3, 4), (5,)), ("abc,bc->abc", (3, 4), (3, 4))]


@settings(max_examples=12)
@given(case=st.sampled_from(_EINSUM), B=st.integers(1, 2), bias=st.booleans())
def test_keras_einsum_dense(case, B, bias):
    import keras
    equation, shape, output_shape = case
    shape = (B, *(s for s in shape if s is not None))
    bias_axes = equation.split("->")[1][-1] if bias else None
    assert_same(keras_counted(keras.layers.EinsumDense(equation, output_shape,
                                                       bias_axes=bias_axes), shape),
                keras_ours(layers.EinsumDense(equation, output_shape, bias_axes=bias_axes),
                           shape))


@settings(max_examples=15)
@given(heads=st.integers(1, 3), key_dim=st.integers(2, 3), value_dim=st.sampled_from([None, 2]),
       T=st.integers(2, 4), S=st.integers(2, 4), d=st.integers(2, 5), B=st.integers(1, 2),
       use_bias=st.booleans(), cross=st.booleans())
def test_keras_multi_head_attention(heads, key_dim, value_dim, T, S, d, B, use_bias, cross):
    """Every summed axis has length 2 or more: torch.einsum turns a sum over one entry into
    an elementwise multiply, which FlopCounterMode counts as 0 (we count its MACs)."""
    import keras
    kwargs = dict(num_heads=heads, key_dim=key_dim, value_dim=value_dim, use_bias=use_bias)
    shapes = [(B, T, d), (B, S, d)] if cross else [(B, T, d), (B, T, d)]
    assert_same(keras_counted(keras.layers.MultiHeadAttention(**kwargs), *shapes),
                keras_ours(layers.MultiHeadAttention(**kwargs), *shapes))


@settings(max_examples=12)
@given(kind=st.sampled_from(["SimpleRNN", "LSTM", "GRU", "GRU_v2"]), T=st.integers(2, 4),
       d=st.integers(2, 4), units=st.integers(2, 4), B=st.integers(1, 2),
       use_bias=st.booleans(), bidirectional=st.booleans())
def test_keras_recurrent(kind, T, d, units, B, use_bias, bidirectional):
    """Every kernel once per time step (GRU_v2: ``reset_after=False``).

    LSTM and GRU (``reset_after=True``) run Keras's torch fallbacks, one step per time
    step. SimpleRNN and GRU with ``reset_after=False`` run the generic loop, which calls
    the step function once more before it, on the first step, only to learn the output's
    shape (``output_time_zero`` in ``keras/src/backend/torch/rnn.py``); FlopCounterMode
    counts that discarded step too, so there the oracle is our count for ``T + 1`` steps.
    """
    import keras
    name, extra = (kind[:3], {"reset_after": False}) if kind == "GRU_v2" else (kind, {})
    theirs = getattr(keras.layers, name)(units, use_bias=use_bias, **extra)
    mine = getattr(layers, name)(units, use_bias=use_bias, **extra)
    if bidirectional:
        theirs, mine = keras.layers.Bidirectional(theirs), layers.Bidirectional(mine)
    steps = T + 1 if kind in ("SimpleRNN", "GRU_v2") else T
    assert_same(keras_counted(theirs, (B, T, d)), keras_ours(mine, (B, T, d)) * steps / T)


@settings(max_examples=20)
@given(mode=st.sampled_from(sorted(_RNN)), d=st.integers(1, 3), h=st.integers(2, 4),
       layers_=st.integers(1, 3), bidirectional=st.booleans(), T=st.integers(1, 4),
       N=st.integers(1, 2), proj=st.booleans())
def test_backward_rnn(mode, d, h, layers_, bidirectional, T, N, proj):
    """The hidden state's gradient exists from the second step on (the zero initial state
    requires none); deeper layers' and projections' inputs always need theirs."""
    kwargs = dict(num_layers=layers_, bidirectional=bidirectional)
    if mode == "LSTM" and proj:
        kwargs["proj_size"] = h - 1
    theirs, mine = _RNN[mode]
    expected = counted(theirs(d, h, **kwargs), zeros(T, N, d), backward=True)
    assert_same(expected, ours_backward(mine(d, h, **kwargs), (T, N, d)))


@settings(max_examples=10)
@given(axes=st.sampled_from([None, 1, 2, (1, 2), -2]), a=st.integers(2, 3), b=st.integers(2, 3),
       heads=st.integers(1, 2), B=st.integers(1, 2))
def test_keras_multi_head_attention_axes(axes, a, b, heads, B):
    """Attention over some axes of a rank-4 input: the others index separate attentions."""
    import keras
    kwargs = dict(num_heads=heads, key_dim=2, attention_axes=axes)
    shape = (B, a, b, 4)
    assert_same(keras_counted(keras.layers.MultiHeadAttention(**kwargs), shape, shape),
                keras_ours(layers.MultiHeadAttention(**kwargs), shape, shape))


@settings(max_examples=10)
@given(k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       channels=st.integers(1, 3), filters=st.integers(1, 3), H=st.integers(2, 4),
       B=st.integers(1, 2), rank=st.sampled_from([1, 2]))
def test_keras_conv_transpose(k, stride, padding, channels, filters, H, B, rank):
    """The kernel once per input position."""
    import keras
    shape = (B, *(H,) * rank, channels)
    name = f"Conv{rank}DTranspose"
    kwargs = dict(kernel_size=k, strides=stride, padding=padding)
    assert_same(keras_counted(getattr(keras.layers, name)(filters, **kwargs), shape),
                keras_ours(getattr(layers, name)(filters, **kwargs), shape))
