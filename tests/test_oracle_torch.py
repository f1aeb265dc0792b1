"""PyTorch as the oracle: symparams.nn modules against real torch.nn modules.

Hypothesis draws a module configuration and the input shape(s); the same
arguments build a ``symparams.nn`` module and a ``torch.nn`` module (see
:class:`Spec`). torch runs a real forward pass, in eval mode and under
``torch.no_grad()``, on zeros of the input shapes (``torch.long`` indices for
Embedding), called as torch is called (``out, (h, c) = lstm(x, (h0, c0))``,
``attn(q, k, v, need_weights=..., average_attn_weights=...)``). Its output
shapes (every tensor of a tuple output, ``None`` where torch returns None),
``sum(p.numel() for p in m.parameters())`` and the same over ``m.buffers()``
are the expected values; nothing expected is written by hand.

Configurations torch rejects (at construction or in forward) are drawn on
purpose too, and symparams must reject them with ``ArgumentError`` or
``ShapeError``. Some tests draw near a boundary and take torch's verdict
either way. Symbolic models are evaluated at drawn sizes, layer by layer,
against torch modules built at those sizes.

torch runs in eval mode because symparams has no mode: rules torch applies
only while training (a running-statistics BatchNorm needs two values per
channel; feature dropout needs two axes) are not shape rules. torch 2.13
quirks left out of the draws: AdaptiveAvgPool2d/3d with an all-ones output
size takes inputs of any rank; ZeroPad/ConstantPad take undocumented ranks
and padding lengths; an unbatched RNNCell/LSTMCell input with a square 2-D
state is not checked (LSTMCell segfaults).

Examples per module family under the ``ci`` profile (60 per test by default,
scaled by :func:`budget`; "+N" are explicit ``@example`` cases; "either" means
torch's verdict either way):

* Linear 60 accepted, 30 rejected; Identity 15
* Conv1d/2d/3d (kernel, stride, int/tuple/'same'/'valid' padding, dilation,
  groups, bias, every padding_mode, unbatched): 180 + 6 accepted (about 60 per
  rank), 120 rejected, 30 + 3 reflect/circular padding beyond the input
* ConvTranspose1d/2d/3d: 120 + 3 accepted, 60 rejected, 30 + 1 called with
  output_size
* MaxPool/AvgPool 1d/2d/3d (padding up to half the kernel, dilation, ceil_mode,
  return_indices, count_include_pad, divisor_override): 180 + 3 accepted,
  180 + 3 either for ceil_mode on small inputs with padding and stride > 1,
  90 rejected, 30 + 1 dilated max-pool padding, 15 + 1 AvgPool3d on inputs
  smaller than the kernel
* AdaptiveMax/AvgPool 1d/2d/3d (None entries, return_indices): 120 + 2
  accepted, 30 rejected, 15 + 2 None output sizes
* BatchNorm1d/2d/3d 90 + 1, InstanceNorm1d/2d/3d 90 + 1 (affine,
  track_running_stats), 60 rejected; with BatchNorm/InstanceNorm/GroupNorm:
  60 + 3 either for other channel counts, 30 + 3 single-value statistics,
  30 + 2 ``bias=`` (and Hardtanh's min_value/max_value)
* LayerNorm/RMSNorm (multi-axis, list, bias=False): 60 + 2 accepted,
  30 rejected; GroupNorm 60 accepted, 30 rejected
* Embedding (negative padding_idx): 60 + 1 accepted, 15 rejected
* 21 elementwise activations: 120; their argument values 30 + 4 rejected;
  Softmax/LogSoftmax/Softmin 30 accepted, 30 rejected; Softmax2d 15 either;
  GLU 30 + 1 accepted, 30 + 2 rejected; PReLU 30 accepted, 30 + 1 rejected
* Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout: 60 accepted,
  15 rejected, 15 + 1 Dropout1d input ranks
* Flatten 30 accepted, 30 rejected; Unflatten 30 accepted, 30 rejected
* argument spellings and values across families: 30 + 5 rejected
* Sequential (nested, OrderedDict): 90 either, and a shared module
* Bilinear 30 accepted, 30 rejected; Upsample (sizes, int/float/per-axis scale
  factors, every mode) 90 + 3 accepted, 30 rejected; PixelShuffle/Unshuffle
  30 accepted, 30 rejected
* Zero/Constant/Reflection/Replication/CircularPad 1d/2d/3d: 90 + 2 accepted,
  30 rejected, 30 + 2 either with negative padding
* RNN/LSTM/GRU (num_layers, bidirectional, batch_first, proj_size, initial
  states, unbatched): 120 + 1 accepted, 60 rejected, 30 + 2 initial states of
  the wrong shape; RNNCell/LSTMCell/GRUCell 60 accepted, 30 rejected, 30 + 1
  states of the wrong shape
* MultiheadAttention (kdim/vdim, add_bias_kv, add_zero_attn, batch_first,
  need_weights, average_attn_weights): 120 + 3 accepted, 60 rejected
* TransformerEncoderLayer/DecoderLayer: 60 accepted, 30 rejected, 15 + 2
  decoder memory batched unlike the target
* Symbolic models: 3 architectures (2D, 1D with symbolic kernel and stride,
  3D) x (60 + 2) sizes, both verdicts, layer by layer and in total
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

import pytest
import sympy
import torch
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from symparams import ArgumentError, Model, ShapeError, Tensor, dims, nn
from symparams.nn import transformer_blocks

from .helpers import at

REJECTIONS = (ArgumentError, ShapeError)

# torch warns about an implicit softmax dim, dropout2d on 3D input, instance norm without
# weights given the wrong channels, and so on; the verdicts are what is compared.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def budget(factor: float) -> settings:
    """``max_examples`` as a multiple of the active profile's (ci: 60)."""
    return settings(max_examples=max(1, round(settings.default.max_examples * factor)))


# -- the same module on both sides ----------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A ``torch.nn`` class name and its arguments, buildable in symparams and in torch.

    Arguments may be Specs themselves (``Sequential``), ordered dicts of Specs, or
    hold symbols from :func:`symparams.dims`; torch gets the numbers given for them.
    """

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def symparams(self):
        return getattr(nn, self.name)(*(_built(a, "symparams") for a in self.args),
                                      **{k: _built(v, "symparams") for k, v in self.kwargs.items()})

    def torch(self, values=None):
        values = values or {}
        return getattr(torch.nn, self.name)(
            *(_built(a, "torch", values) for a in self.args),
            **{k: _built(v, "torch", values) for k, v in self.kwargs.items()})

    def __repr__(self):
        shown = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(shown)})"


def _built(value, side: str, values=None):
    if isinstance(value, Spec):
        return value.symparams() if side == "symparams" else value.torch(values)
    if isinstance(value, OrderedDict):
        return OrderedDict((k, _built(v, side, values)) for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return type(value)(_built(v, side, values) for v in value)
    if side == "torch" and isinstance(value, sympy.Basic):
        return number(value, values)
    return value


class Case(NamedTuple):
    """A module, the whole shapes of the tensors its forward takes, and the call's keywords.

    ``inputs`` holds one entry per positional argument of ``forward``: a shape, or
    a tuple of shapes for an argument that is a tuple of tensors.
    """

    spec: Spec
    inputs: tuple
    call: tuple = ()
    indices: bool = False

    def __repr__(self):
        call = f", call={dict(self.call)}" if self.call else ""
        kind = " (long indices)" if self.indices else ""
        return f"Case({self.spec!r} on {', '.join(map(str, self.inputs))}{kind}{call})"


def one(spec: Spec, shape: tuple, **call) -> Case:
    """A case with one input tensor of ``shape``."""
    return Case(spec, (tuple(shape),), tuple(call.items()))


class Outcome(NamedTuple):
    """What both sides must agree on: output shape(s), parameter and buffer entries."""

    shapes: object
    params: int
    buffers: int


def number(expr, values=None) -> int:
    """An int from a SymPy expression, evaluated exactly at ``values`` (symbol -> int)."""
    expr = at(sympy.sympify(expr), values or {})
    assert expr.is_Integer, f"expected an integer, got {expr}"
    return int(expr)


def is_shape(value) -> bool:
    return isinstance(value, tuple) and all(isinstance(n, int) for n in value)


def torch_input(arg, indices: bool = False):
    """Zeros of a shape, or a tuple of them for a nested argument (an LSTM's ``(h_0, c_0)``)."""
    if is_shape(arg):
        return torch.zeros(arg, dtype=torch.long) if indices else torch.zeros(arg)
    return tuple(torch_input(a, indices) for a in arg)


def symparams_input(arg):
    return Tensor(arg) if is_shape(arg) else tuple(symparams_input(a) for a in arg)


def torch_shapes(output):
    """The shape of each tensor torch returned, nested as torch nests them."""
    if isinstance(output, torch.Tensor):
        return tuple(output.shape)
    if isinstance(output, (tuple, list)):
        return tuple(torch_shapes(o) for o in output)
    assert output is None, f"unexpected torch output {output!r}"
    return None


def symparams_shapes(output):
    if isinstance(output, Tensor):
        return tuple(number(n) for n in output.shape)
    if isinstance(output, (tuple, list)):
        return tuple(symparams_shapes(o) for o in output)
    assert output is None, f"unexpected symparams output {output!r}"
    return None


def entries(tensors) -> int:
    return sum(t.numel() for t in tensors)


def torch_outcome(case: Case) -> Outcome:
    """torch's verdict: a real forward pass, in eval mode, on zeros of the input shapes."""
    module = case.spec.torch().eval()
    with torch.no_grad():
        output = module(*(torch_input(s, case.indices) for s in case.inputs), **dict(case.call))
    return Outcome(torch_shapes(output), entries(module.parameters()), entries(module.buffers()))


def symparams_outcome(case: Case) -> Outcome:
    """symparams' verdict: the module called on symbolic tensors of the same (numeric) shapes."""
    module = case.spec.symparams()
    output = module(*(symparams_input(s) for s in case.inputs), **dict(case.call))
    return Outcome(symparams_shapes(output), number(module.params), number(module.buffers))


def torch_error(case: Case):
    """The exception torch raises for the case (construction or forward), or None."""
    try:
        torch_outcome(case)
    except Exception as err:  # noqa: BLE001 - torch raises many kinds; any rejection counts
        return err
    return None


def assert_agree(case: Case) -> None:
    """torch accepts the case, and symparams gives the same shapes and counts."""
    expected = torch_outcome(case)
    try:
        actual = symparams_outcome(case)
    except Exception as err:  # noqa: BLE001 - reported as the mismatch it is
        pytest.fail(f"torch accepts {case} ({expected}) but symparams raises "
                    f"{type(err).__name__}: {err}")
    assert actual == expected, f"{case}: symparams {actual} != torch {expected}"


def assert_both_reject(case: Case) -> None:
    error = torch_error(case)
    assert error is not None, f"torch accepts {case}: {torch_outcome(case)}"
    event(f"torch raises {type(error).__name__}")
    try:
        outcome = symparams_outcome(case)
    except REJECTIONS:
        return
    except Exception as err:  # noqa: BLE001 - reported as the mismatch it is
        pytest.fail(f"torch rejects {case} ({type(error).__name__}: {error}); symparams raises "
                    f"{type(err).__name__} ({err}), not ArgumentError or ShapeError")
    pytest.fail(f"torch rejects {case} ({type(error).__name__}: {error}) but symparams "
                f"accepts it: {outcome}")


def assert_same_verdict(case: Case) -> None:
    """Both reject the case, or both accept it and agree."""
    if torch_error(case) is not None:
        event("torch rejects")
        assert_both_reject(case)
    else:
        event("torch accepts")
        assert_agree(case)


# -- strategies: shared pieces --------------------------------------------------------------------

RANKS = (1, 2, 3)
MAX_SPATIAL = {1: 12, 2: 9, 3: 6}
MAX_WINDOW = {1: 5, 2: 4, 3: 3}
SMALL = st.integers(1, 4)
BATCH = st.sampled_from([(), (1,), (2,)])  # () is an unbatched input
FLOATS = st.floats(-2, 2, allow_nan=False)


def per_axis(rank: int, sizes) -> st.SearchStrategy:
    """One size (torch repeats it) or a tuple of ``rank`` sizes."""
    return st.one_of(sizes, st.tuples(*[sizes] * rank))


def expand(value, rank: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def reach(kernel: int, dilation: int = 1) -> int:
    return dilation * (kernel - 1) + 1


def shapes(min_rank=1, max_rank=3, sizes=SMALL) -> st.SearchStrategy:
    return st.lists(sizes, min_size=min_rank, max_size=max_rank).map(tuple)


def sized(draw, lows, rank: int) -> tuple:
    """Spatial sizes, each at least its ``low`` and at most about MAX_SPATIAL."""
    return tuple(draw(st.integers(low, max(low, MAX_SPATIAL[rank]))) for low in lows)


def other_than(value: int, low: int, high: int) -> st.SearchStrategy:
    """An integer in [low, high] other than ``value`` (drawn without filtering)."""
    if not low <= value <= high:
        return st.integers(low, high)
    return st.integers(low, high - 1).map(lambda n: n + 1 if n >= value else n)


def prod(sizes) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


# -- Linear and Identity --------------------------------------------------------------------------


@st.composite
def linear_cases(draw, valid: bool = True) -> Case:
    in_features, out_features = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    last = in_features
    if not valid:
        last = draw(other_than(in_features, 1, 9))
    spec = Spec("Linear", (in_features, out_features), dict(bias=draw(st.booleans())))
    return one(spec, (*draw(shapes(0, 2)), last))


@st.composite
def identity_cases(draw) -> Case:
    args = tuple(draw(st.lists(st.integers(0, 5) | st.text(max_size=3), max_size=2)))
    kwargs = draw(st.dictionaries(st.sampled_from(["a", "features", "p"]), st.integers(0, 3)))
    return one(Spec("Identity", args, kwargs), draw(shapes(1, 4)))


# -- convolutions ---------------------------------------------------------------------------------

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def padding_pairs(padding, kernel, dilation, rank):
    """(left, right) padding per axis, as torch pads before convolving."""
    if padding == "valid":
        return ((0, 0),) * rank
    if padding == "same":
        pairs = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            pairs.append((total // 2, total - total // 2))
        return tuple(pairs)
    return tuple((p, p) for p in expand(padding, rank))


def shortest_conv_input(pairs, kernel, dilation, mode) -> tuple:
    """The shortest input each axis takes: an output of at least 1, and what the mode needs.

    'reflect' mirrors the input without its edge, so each pad must be shorter than the
    input; 'circular' may wrap around at most once, so each pad is at most the input.
    """
    lows = []
    for (left, right), k, d in zip(pairs, kernel, dilation):
        low = max(1, reach(k, d) - left - right)
        if mode == "reflect":
            low = max(low, left + 1, right + 1)
        elif mode == "circular":
            low = max(low, left, right)
        lows.append(low)
    return tuple(lows)


@st.composite
def conv_window(draw, rank: int) -> dict:
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    dilation = draw(st.just(1) | per_axis(rank, st.integers(1, 3)))
    padding = draw(st.sampled_from(["int", "int", "same", "valid"]))
    if padding == "same":
        stride = draw(st.just(1) | st.just((1,) * rank))
    else:
        stride = draw(per_axis(rank, st.integers(1, 4)))
        if padding == "int":
            padding = draw(per_axis(rank, st.integers(0, 3)))
    return dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)


@st.composite
def conv_cases(draw) -> Case:
    rank = draw(st.sampled_from(RANKS))
    event(f"Conv{rank}d")
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    window = draw(conv_window(rank))
    mode = draw(st.sampled_from(PADDING_MODES))
    kernel, dilation = expand(window["kernel_size"], rank), expand(window["dilation"], rank)
    pairs = padding_pairs(window["padding"], kernel, dilation, rank)
    spatial = sized(draw, shortest_conv_input(pairs, kernel, dilation, mode), rank)
    spec = Spec(f"Conv{rank}d", (in_channels, out_channels, window.pop("kernel_size")), dict(
        **window, groups=groups, bias=draw(st.booleans()), padding_mode=mode))
    return one(spec, (*draw(BATCH), in_channels, *spatial))


CONV_FLAWS = ("in_channels_not_the_input's", "in_channels_not_divisible_by_groups",
              "out_channels_not_divisible_by_groups", "same_with_stride", "output_below_1",
              "wrong_input_rank", "unknown_padding_string")


@st.composite
def rejected_conv_cases(draw) -> Case:
    flaw = draw(st.sampled_from(CONV_FLAWS))
    rank = draw(st.sampled_from(RANKS))
    event(flaw)
    groups, in_channels, out_channels = 1, draw(SMALL), draw(SMALL)
    channels = in_channels
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    stride, padding, dilation = 1, 0, 1
    lows = (1,) * rank
    if flaw == "in_channels_not_the_input's":
        channels = draw(other_than(in_channels, 1, 5))
    elif flaw == "in_channels_not_divisible_by_groups":
        groups = draw(st.integers(2, 3))
        in_channels = channels = groups * draw(st.integers(0, 2)) + draw(
            st.integers(1, groups - 1))
        out_channels = groups * draw(st.integers(1, 2))
    elif flaw == "out_channels_not_divisible_by_groups":
        groups = draw(st.integers(2, 3))
        in_channels = channels = groups * draw(st.integers(1, 2))
        out_channels = groups * draw(st.integers(0, 2)) + draw(st.integers(1, groups - 1))
    elif flaw == "same_with_stride":
        padding = "same"
        stride = [draw(st.integers(1, 3)) for _ in range(rank)]
        stride[draw(st.integers(0, rank - 1))] = draw(st.integers(2, 3))
        stride = tuple(stride) if rank > 1 or draw(st.booleans()) else stride[0]
    elif flaw == "output_below_1":
        kernel = draw(per_axis(rank, st.integers(2, MAX_WINDOW[rank])))
        dilation = draw(per_axis(rank, st.integers(1, 2)))
        padding = draw(per_axis(rank, st.integers(0, 1)))
        lows = tuple(max(1, reach(k, d) - 2 * p) for k, d, p in zip(
            expand(kernel, rank), expand(dilation, rank), expand(padding, rank)))
    elif flaw == "unknown_padding_string":
        padding = draw(st.sampled_from(["full", "causal", "valid ", ""]))
    spatial = list(sized(draw, lows, rank))
    if flaw == "output_below_1":
        candidates = [i for i, low in enumerate(lows) if low > 1]
        if not candidates:  # padding covers the window: pad less
            padding = 0
            lows = tuple(reach(k, d) for k, d in zip(expand(kernel, rank), expand(dilation, rank)))
            candidates = list(range(rank))
        axis = draw(st.sampled_from(candidates))
        spatial[axis] = draw(st.integers(1, lows[axis] - 1))
    shape = (*draw(BATCH), channels, *spatial)
    if flaw == "wrong_input_rank":  # no channel axis, or one axis too many
        shape = draw(st.sampled_from([tuple(spatial), (1, 1, channels, *spatial)]))
    spec = Spec(f"Conv{rank}d", (in_channels, out_channels, kernel), dict(
        stride=stride, padding=padding, dilation=dilation, groups=groups))
    return one(spec, shape)


@st.composite
def conv_padding_beyond_input_cases(draw) -> Case:
    """'reflect' padding not shorter than the input, or 'circular' padding longer than it."""
    rank = draw(st.sampled_from(RANKS))
    mode = draw(st.sampled_from(["reflect", "circular"]))
    event(f"Conv{rank}d {mode}")
    if draw(st.booleans()):
        padding, kernel = "same", draw(per_axis(rank, st.integers(4, 7)))
    else:
        padding, kernel = draw(per_axis(rank, st.integers(2, 4))), draw(
            per_axis(rank, st.integers(1, 3)))
    kernels = expand(kernel, rank)
    pairs = padding_pairs(padding, kernels, (1,) * rank, rank)  # every pad >= 2 on one side
    spatial = list(sized(draw, shortest_conv_input(pairs, kernels, (1,) * rank, mode), rank))
    axis = draw(st.integers(0, rank - 1))
    widest = max(pairs[axis])
    spatial[axis] = draw(st.integers(1, widest if mode == "reflect" else widest - 1))
    spec = Spec(f"Conv{rank}d", (1, 2, kernel), dict(padding=padding, padding_mode=mode))
    return one(spec, (*draw(BATCH), 1, *spatial))


@st.composite
def conv_transpose_cases(draw, with_output_size: bool = False) -> Case:
    rank = draw(st.sampled_from(RANKS))
    event(f"ConvTranspose{rank}d")
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    stride = draw(per_axis(rank, st.integers(1, 3)))
    dilation = draw(st.just(1) | per_axis(rank, st.integers(1, 2)))
    padding = draw(per_axis(rank, st.integers(0, 3)))
    ks, ss, ds, ps = (expand(v, rank) for v in (kernel, stride, dilation, padding))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(ss, ds))
    spatial = []
    for k, s, d, p, op in zip(ks, ss, ds, ps, output_padding):
        # (n - 1)*s - 2p + d*(k - 1) + op + 1 >= 1
        low = max(1, 1 + -(-(2 * p - d * (k - 1) - op) // s))
        spatial.append(draw(st.integers(low, low + 4)))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups,
                  **draw(options(dict(bias=st.booleans(), padding_mode=st.just("zeros")))))
    call = {}
    if with_output_size:
        sizes = [(n - 1) * s - 2 * p + d * (k - 1) + 1
                 for n, k, s, d, p in zip(spatial, ks, ss, ds, ps)]
        call["output_size"] = [draw(st.integers(max(1, low), low + s - 1))
                               for low, s in zip(sizes, ss)]
    elif any(output_padding):
        kwargs["output_padding"] = output_padding
    spec = Spec(f"ConvTranspose{rank}d", (in_channels, out_channels, kernel), kwargs)
    return one(spec, (*draw(BATCH), in_channels, *spatial), **call)


CONV_TRANSPOSE_FLAWS = ("in_channels_not_the_input's", "channels_not_divisible_by_groups",
                        "output_padding_too_large", "output_below_1", "wrong_input_rank",
                        "padding_mode_not_zeros", "string_padding")


@st.composite
def rejected_conv_transpose_cases(draw) -> Case:
    case = draw(conv_transpose_cases())
    flaw = draw(st.sampled_from(CONV_TRANSPOSE_FLAWS))
    event(flaw)
    spec, shape = case.spec, case.inputs[0]
    rank = int(spec.name[-2])
    in_channels, out_channels, kernel = spec.args
    kwargs = dict(spec.kwargs)
    if flaw == "in_channels_not_the_input's":
        channels = draw(other_than(in_channels, 1, 7))
        return one(spec, (*shape[:-(rank + 1)], channels, *shape[-rank:]))
    if flaw == "channels_not_divisible_by_groups":
        groups = draw(st.integers(2, 3))
        bad = groups * draw(st.integers(0, 2)) + draw(st.integers(1, groups - 1))
        good = groups * draw(st.integers(1, 2))
        in_channels, out_channels = (bad, good) if draw(st.booleans()) else (good, bad)
        kwargs["groups"] = groups
        return one(Spec(spec.name, (in_channels, out_channels, kernel), kwargs),
                   (*shape[:-(rank + 1)], in_channels, *shape[-rank:]))
    if flaw == "output_padding_too_large":
        stride = expand(kwargs["stride"], rank)
        dilation = expand(kwargs["dilation"], rank)
        axis = draw(st.integers(0, rank - 1))
        pads = [0] * rank
        pads[axis] = max(stride[axis], dilation[axis]) + draw(st.integers(0, 1))
        kwargs["output_padding"] = tuple(pads)
        return one(Spec(spec.name, spec.args, kwargs), shape)
    if flaw == "output_below_1":
        kwargs.pop("output_padding", None)
        kwargs.update(stride=1, dilation=1, padding=draw(st.integers(2, 4)))
        return one(Spec(spec.name, (in_channels, out_channels, 1), kwargs),
                   (*shape[:-rank], *(draw(st.integers(1, 3)) for _ in range(rank))))
    if flaw == "wrong_input_rank":
        return one(spec, draw(st.sampled_from([shape[-rank:], (1,) * (rank + 3 - len(shape))
                                               + shape])))
    if flaw == "padding_mode_not_zeros":
        kwargs["padding_mode"] = draw(st.sampled_from(["reflect", "replicate", "circular"]))
        return one(Spec(spec.name, spec.args, kwargs), shape)
    kwargs["padding"] = draw(st.sampled_from(["same", "valid"]))
    return one(Spec(spec.name, spec.args, kwargs), shape)


# -- window pools ---------------------------------------------------------------------------------


@st.composite
def pool_window(draw, rank: int, kind: str, *, smallest_kernel=1, strides=None,
                at_least_one_pad=False) -> dict:
    kernel = draw(per_axis(rank, st.integers(smallest_kernel, MAX_WINDOW[rank] + 1)))
    ks = expand(kernel, rank)
    if isinstance(kernel, tuple):  # torch allows up to half the kernel on each axis
        padding = tuple(draw(st.integers(1 if at_least_one_pad and k >= 2 else 0, k // 2))
                        for k in ks)
    else:
        padding = draw(st.integers(1 if at_least_one_pad else 0, kernel // 2))
    window = dict(kernel_size=kernel,
                  stride=draw(strides if strides is not None else
                              st.none() | per_axis(rank, st.integers(1, 4))),
                  padding=padding, ceil_mode=draw(st.booleans()))
    if kind == "Max":
        window.update(dilation=draw(st.just(1) | per_axis(rank, st.integers(1, 3))),
                      return_indices=draw(st.booleans()))
    else:
        window.update(count_include_pad=draw(st.booleans()))
        if rank > 1:  # AvgPool1d has no divisor_override
            window.update(divisor_override=draw(st.none() | st.integers(1, 3)))
    return window


def pool_reaches(window, rank):
    return tuple(reach(k, d) for k, d in zip(expand(window["kernel_size"], rank),
                                             expand(window.get("dilation", 1), rank)))


@st.composite
def pool_cases(draw) -> Case:
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["Max", "Avg"]))
    event(f"{kind}Pool{rank}d")
    window = draw(pool_window(rank, kind))
    pads = expand(window["padding"], rank)
    lows = [max(1, r - 2 * p) for r, p in zip(pool_reaches(window, rank), pads)]
    if kind == "Avg" and rank == 3:  # torch's avg_pool3d wants the input to cover the window
        lows = [max(low, k) for low, k in zip(lows, expand(window["kernel_size"], rank))]
    spatial = sized(draw, lows, rank)
    return one(Spec(f"{kind}Pool{rank}d", (), window), (*draw(BATCH), draw(SMALL), *spatial))


@st.composite
def ceil_mode_cases(draw) -> Case:
    """Small inputs, padding and stride > 1: where PyTorch's last-window rule matters."""
    rank = draw(st.sampled_from((1, 1, 2)))
    kind = draw(st.sampled_from(["Max", "Avg"]))
    event(f"{kind}Pool{rank}d")
    window = draw(pool_window(rank, kind, smallest_kernel=2, at_least_one_pad=True,
                              strides=per_axis(rank, st.integers(2, 4))))
    window["ceil_mode"] = True
    spatial = tuple(draw(st.integers(1, 9)) for _ in range(rank))
    return one(Spec(f"{kind}Pool{rank}d", (), window), (*draw(BATCH), draw(SMALL), *spatial))


POOL_FLAWS = ("padding_above_half_kernel", "output_below_1", "wrong_input_rank")


@st.composite
def rejected_pool_cases(draw) -> Case:
    flaw = draw(st.sampled_from(POOL_FLAWS))
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["Max", "Avg"]))
    event(f"{flaw}")
    window = draw(pool_window(rank, kind))
    window["ceil_mode"] = False
    if kind == "Max":
        window["dilation"] = 1
    kernel = expand(window["kernel_size"], rank)
    spatial = list(sized(draw, kernel, rank))
    shape = (*draw(BATCH), draw(SMALL))
    if flaw == "padding_above_half_kernel":
        axis = draw(st.integers(0, rank - 1))
        pads = list(expand(window["padding"], rank))
        pads[axis] = draw(st.integers(kernel[axis] // 2 + 1, kernel[axis] // 2 + 2))
        window["padding"] = tuple(pads)
    elif flaw == "output_below_1":
        window["padding"] = 0
        axis = draw(st.sampled_from([i for i, k in enumerate(kernel) if k > 1] or [None]))
        if axis is None:
            kernel = list(kernel)
            axis = draw(st.integers(0, rank - 1))
            kernel[axis] = draw(st.integers(2, MAX_WINDOW[rank]))
            window["kernel_size"] = tuple(kernel)
        spatial[axis] = draw(st.integers(1, kernel[axis] - 1))
    else:  # no channel axis, or one axis too many
        shape = draw(st.sampled_from([(), (1, 1, 1)]))
    return one(Spec(f"{kind}Pool{rank}d", (), window), (*shape, *spatial))


@st.composite
def max_pool_dilated_padding_cases(draw) -> Case:
    """Padding above half the kernel, within half the dilated window: torch rejects it."""
    rank = draw(st.sampled_from(RANKS))
    kernel = draw(st.integers(1, MAX_WINDOW[rank]))
    dilation = draw(st.integers(2, 3))
    padding = draw(st.integers(kernel // 2 + 1, max(kernel // 2 + 1, reach(kernel, dilation) // 2)))
    spatial = sized(draw, (max(1, reach(kernel, dilation) - 2 * padding),) * rank, rank)
    spec = Spec(f"MaxPool{rank}d", (kernel,), dict(padding=padding, dilation=dilation,
                                                   ceil_mode=draw(st.booleans())))
    return one(spec, (*draw(BATCH), draw(SMALL), *spatial))


@st.composite
def avg_pool3d_small_input_cases(draw) -> Case:
    """AvgPool3d on an input shorter than the window along some axis (padding covers it)."""
    kernel = draw(per_axis(3, st.integers(2, 3)))
    ks = expand(kernel, 3)
    ceil_mode = draw(st.booleans())
    padding = tuple(k // 2 for k in ks)
    spatial = [draw(st.integers(max(1, k - 2 * p), 5)) for k, p in zip(ks, padding)]
    axis = draw(st.integers(0, 2))
    spatial[axis] = draw(st.integers(max(1, ks[axis] - 2 * padding[axis]), ks[axis] - 1))
    spec = Spec("AvgPool3d", (kernel,), dict(stride=1, padding=padding, ceil_mode=ceil_mode))
    return one(spec, (*draw(BATCH), 1, *spatial))


# -- adaptive pools -------------------------------------------------------------------------------


@st.composite
def adaptive_pool_cases(draw) -> Case:
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["Max", "Avg"]))
    event(f"Adaptive{kind}Pool{rank}d")
    sizes = st.integers(1, 5)
    if rank == 1:
        output_size = draw(sizes | st.tuples(sizes))
    else:
        output_size = draw(sizes | st.tuples(*[st.none() | sizes] * rank))
    kwargs = dict(return_indices=draw(st.booleans())) if kind == "Max" else {}
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank])) for _ in range(rank))
    return one(Spec(f"Adaptive{kind}Pool{rank}d", (output_size,), kwargs),
               (*draw(BATCH), draw(SMALL), *spatial))


@st.composite
def rejected_adaptive_pool_cases(draw) -> Case:
    case = draw(adaptive_pool_cases())
    rank = int(case.spec.name[-2])
    shape = case.inputs[0]
    if draw(st.booleans()):
        event("wrong input rank")
        shape = shape[-rank:] if draw(st.booleans()) else (1,) * (rank + 3 - len(shape)) + shape
        if case.spec.name.startswith("AdaptiveAvg"):
            # torch averages over the last axes of an input of any rank when the output is
            # all ones (an undocumented shortcut): ask for 2s instead
            case = case._replace(spec=Spec(case.spec.name, (2,), case.spec.kwargs))
        return case._replace(inputs=(shape,))
    event("output_size of the wrong length")
    length = draw(st.sampled_from([n for n in range(5) if n != rank and n != 1]))
    return case._replace(spec=Spec(case.spec.name, ((2,) * length,), case.spec.kwargs))


@st.composite
def adaptive_pool_none_cases(draw) -> Case:
    """``None`` where torch takes none: a 1d pool's size, or the whole output_size."""
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["Max", "Avg"]))
    output_size = draw(st.sampled_from([None, (None,)] if rank == 1 else [None]))
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank])) for _ in range(rank))
    return one(Spec(f"Adaptive{kind}Pool{rank}d", (output_size,)),
               (*draw(BATCH), draw(SMALL), *spatial))


# -- normalization --------------------------------------------------------------------------------

BATCH_NORM_RANKS = {"BatchNorm1d": (2, 3), "BatchNorm2d": (4,), "BatchNorm3d": (5,)}
INSTANCE_NORM_RANKS = {"InstanceNorm1d": (2, 3), "InstanceNorm2d": (3, 4),
                       "InstanceNorm3d": (4, 5)}
NORM_OPTIONS = dict(eps=st.floats(1e-6, 1e-2), momentum=st.none() | st.floats(0.01, 0.9))


@st.composite
def options(draw, strategies: dict) -> dict:
    """Some of the keyword arguments in ``strategies``, each drawn or left at its default."""
    return {k: draw(s) for k, s in strategies.items() if draw(st.booleans())}


@st.composite
def channel_norm_input(draw, name: str, channels: int) -> tuple:
    """An input of a rank the norm takes, with ``channels`` on the channel axis."""
    ranks = {**BATCH_NORM_RANKS, **INSTANCE_NORM_RANKS}[name]
    rank = draw(st.sampled_from(ranks))
    batched = name.startswith("Batch") or rank == ranks[-1]
    spatial = tuple(draw(st.integers(1, 4)) for _ in range(rank - 1 - batched))
    return ((draw(st.integers(1, 3)),) if batched else ()) + (channels, *spatial)


def statistics_per_channel(name: str, shape: tuple) -> int:
    """How many values each batch or instance statistic is taken over."""
    if name.startswith("Batch"):
        return shape[0] * prod(shape[2:])
    unbatched = len(shape) == INSTANCE_NORM_RANKS[name][0]
    return prod(shape[1:] if unbatched else shape[2:])


def with_two_values(name: str, shape: tuple) -> tuple:
    """``shape``, or one like it whose statistics are taken over at least two values."""
    if statistics_per_channel(name, shape) > 1:
        return shape
    return (2, *shape[1:]) if name.startswith("Batch") else (*shape[:-1], 2)


def channel_axis(name: str, shape: tuple) -> int:
    ranks = {**BATCH_NORM_RANKS, **INSTANCE_NORM_RANKS}[name]
    return 1 if name.startswith("Batch") or len(shape) == ranks[-1] else 0


@st.composite
def channel_norm_cases(draw, names) -> Case:
    name = draw(st.sampled_from(sorted(names)))
    event(name)
    channels = draw(SMALL)
    kwargs = dict(affine=draw(st.booleans()), track_running_stats=draw(st.booleans()),
                  **draw(options(NORM_OPTIONS)))
    shape = draw(channel_norm_input(name, channels))
    if not kwargs["track_running_stats"]:  # statistics of the input need two values each
        shape = with_two_values(name, shape)
    return one(Spec(name, (channels,), kwargs), shape)


@st.composite
def rejected_channel_norm_cases(draw) -> Case:
    """Wrong input rank, or (with weights or running statistics) the wrong channel count."""
    case = draw(channel_norm_cases(BATCH_NORM_RANKS.keys() | INSTANCE_NORM_RANKS.keys()))
    name, shape = case.spec.name, case.inputs[0]
    ranks = {**BATCH_NORM_RANKS, **INSTANCE_NORM_RANKS}[name]
    if draw(st.booleans()):
        event("wrong input rank")
        rank = draw(st.sampled_from([r for r in range(1, 7) if r not in ranks]))
        shape = tuple(draw(st.integers(2, 3)) for _ in range(rank))
        return case._replace(inputs=(shape,))
    event("channels differ")
    kwargs = dict(case.spec.kwargs, affine=True)
    axis = channel_axis(name, shape)
    channels = draw(other_than(shape[axis], 1, 5))
    shape = (*shape[:axis], channels, *shape[axis + 1:])
    return one(Spec(name, case.spec.args, kwargs), shape)


@st.composite
def norm_channel_mismatch_cases(draw) -> Case:
    """A channel count other than num_features, with or without weights and running stats.

    torch only looks at the channels where it has per-channel tensors: weights
    (affine) or running statistics; GroupNorm without weights needs only channels
    divisible by num_groups.
    """
    name = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d",
                                 "InstanceNorm2d", "GroupNorm"]))
    event(name)
    if name == "GroupNorm":
        groups = draw(st.integers(1, 3))
        channels = groups * draw(st.integers(1, 2))
        got = groups * draw(st.integers(1, 3)) if draw(st.booleans()) else draw(
            st.integers(1, 6))
        got = got if got != channels else channels + 1
        spec = Spec(name, (groups, channels), dict(affine=draw(st.booleans())))
        return one(spec, (2, got, *draw(shapes(0, 2, st.integers(2, 3)))))
    channels = draw(SMALL)
    got = draw(other_than(channels, 1, 5))
    shape = with_two_values(name, draw(channel_norm_input(name, got)))
    spec = Spec(name, (channels,), dict(affine=draw(st.booleans()),
                                        track_running_stats=draw(st.booleans())))
    return one(spec, shape)


@st.composite
def single_value_statistics_cases(draw) -> Case:
    """A norm computing statistics of the input over one value: torch rejects it in any mode."""
    name = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d",
                                 "InstanceNorm2d", "InstanceNorm3d", "GroupNorm"]))
    event(name)
    if name == "GroupNorm":
        channels = draw(SMALL)
        return one(Spec(name, (channels, channels), dict(affine=draw(st.booleans()))),
                   (1, channels, *(1,) * draw(st.integers(0, 2))))
    channels = draw(SMALL)
    spec = Spec(name, (channels,), dict(affine=draw(st.booleans()), track_running_stats=False))
    ranks = {**BATCH_NORM_RANKS, **INSTANCE_NORM_RANKS}[name]
    rank = draw(st.sampled_from(ranks))
    if name.startswith("Batch"):
        return one(spec, (1, channels, *(1,) * (rank - 2)))
    batched = rank == ranks[-1]
    batch = (draw(SMALL),) if batched else ()
    return one(spec, (*batch, channels, *(1,) * (rank - 1 - batched)))


@st.composite
def normalized_shape_cases(draw, valid: bool = True) -> Case:
    name = draw(st.sampled_from(["LayerNorm", "RMSNorm"]))
    event(name)
    normalized = draw(shapes(1, 3))
    argument = draw(st.sampled_from(
        [normalized, list(normalized)] + ([normalized[0]] if len(normalized) == 1 else [])))
    kwargs = dict(elementwise_affine=draw(st.booleans()))
    if name == "LayerNorm":
        kwargs.update(bias=draw(st.booleans()), **draw(options(dict(eps=st.floats(1e-6, 1e-2)))))
    else:
        kwargs.update(draw(options(dict(eps=st.none() | st.floats(1e-6, 1e-2)))))
    shape = (*draw(shapes(0, 2)), *normalized)
    if not valid:
        if len(normalized) > 1 and draw(st.booleans()):
            event("fewer axes than normalized_shape")
            shape = normalized[1:]
        else:
            event("a trailing size differs")
            axis = draw(st.integers(len(shape) - len(normalized), len(shape) - 1))
            shape = list(shape)
            shape[axis] += draw(st.integers(1, 2))
            shape = tuple(shape)
    return one(Spec(name, (argument,), kwargs), shape)


@st.composite
def group_norm_cases(draw) -> Case:
    groups = draw(st.integers(1, 3))
    channels = groups * draw(st.integers(1, 3))
    spec = Spec("GroupNorm", (groups, channels), dict(
        affine=draw(st.booleans()), **draw(options(dict(eps=st.floats(1e-6, 1e-2))))))
    shape = (draw(st.integers(1, 3)), channels, *draw(shapes(0, 3)))
    if shape[0] * (channels // groups) * prod(shape[2:]) == 1:  # one value per group
        shape = (2, *shape[1:])
    return one(spec, shape)


@st.composite
def rejected_group_norm_cases(draw) -> Case:
    flaw = draw(st.sampled_from(["channels_not_divisible", "input_rank_1",
                                 "channels_differ_with_weights"]))
    event(flaw)
    groups = draw(st.integers(2, 3))
    channels = groups * draw(st.integers(1, 2))
    if flaw == "channels_not_divisible":
        channels = groups * draw(st.integers(0, 2)) + draw(st.integers(1, groups - 1))
        return one(Spec("GroupNorm", (groups, channels)), (2, channels, 3))
    if flaw == "input_rank_1":
        return one(Spec("GroupNorm", (groups, channels)), (channels,))
    got = draw(other_than(channels, 1, 7))
    return one(Spec("GroupNorm", (groups, channels)), (2, got, 3))


# -- embedding ------------------------------------------------------------------------------------


@st.composite
def embedding_cases(draw, valid: bool = True) -> Case:
    num = draw(st.integers(1, 6))
    if valid:
        padding_idx = draw(st.none() | st.integers(-num, num - 1))
    else:
        padding_idx = draw(st.integers(num, num + 3) | st.integers(-num - 3, -num - 1))
    kwargs = dict(padding_idx=padding_idx, **draw(options(dict(
        max_norm=st.none() | st.floats(0.5, 2), norm_type=st.floats(1, 3),
        scale_grad_by_freq=st.booleans(), sparse=st.booleans()))))
    spec = Spec("Embedding", (num, draw(st.integers(1, 5))), kwargs)
    return Case(spec, (draw(shapes(1, 3)),), indices=True)


# -- activations ----------------------------------------------------------------------------------

INPLACE = dict(inplace=st.booleans())
#: Every elementwise activation with strategies for its (valid) arguments.
ELEMENTWISE = {
    "ReLU": INPLACE, "ReLU6": INPLACE, "SELU": INPLACE, "SiLU": INPLACE, "Mish": INPLACE,
    "Hardswish": INPLACE, "Hardsigmoid": INPLACE, "Sigmoid": {}, "Tanh": {}, "Softsign": {},
    "Tanhshrink": {}, "LogSigmoid": {},
    "LeakyReLU": dict(negative_slope=FLOATS, **INPLACE),
    "ELU": dict(alpha=st.floats(0.1, 2), **INPLACE),
    "CELU": dict(alpha=st.floats(0.1, 2), **INPLACE),
    "GELU": dict(approximate=st.sampled_from(["none", "tanh"])),
    "Softplus": dict(beta=st.floats(0.5, 2), threshold=st.floats(1, 30)),
    "Softshrink": dict(lambd=st.floats(0, 2)),
    "Hardshrink": dict(lambd=FLOATS),
    "Hardtanh": dict(min_val=st.floats(-2, -0.5), max_val=st.floats(0, 2), **INPLACE),
    "Threshold": dict(threshold=FLOATS, value=FLOATS, **INPLACE),
}
REQUIRED = {"Threshold": ("threshold", "value")}
ALONG_DIM = ("Softmax", "LogSoftmax", "Softmin")


@st.composite
def elementwise_cases(draw) -> Case:
    name = draw(st.sampled_from(sorted(ELEMENTWISE)))
    event(name)
    strategies = ELEMENTWISE[name]
    kwargs = draw(options({k: s for k, s in strategies.items() if k not in REQUIRED.get(name, ())}))
    args = tuple(draw(strategies[k]) for k in REQUIRED.get(name, ()))
    if args and draw(st.booleans()):  # the required ones by keyword
        kwargs.update(zip(REQUIRED[name], args))
        args = ()
    return one(Spec(name, args, kwargs), draw(shapes(1, 4)))


@st.composite
def along_dim_cases(draw, valid: bool = True) -> Case:
    name = draw(st.sampled_from(ALONG_DIM))
    shape = draw(shapes(1, 4))
    rank = len(shape)
    if valid:
        dim = draw(st.none() | st.integers(-rank, rank - 1))
    else:
        dim = draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
    return one(Spec(name, () if dim is None and draw(st.booleans()) else (dim,)), shape)


@st.composite
def glu_cases(draw, valid: bool = True) -> Case:
    shape = list(draw(shapes(1, 4)))
    rank = len(shape)
    dim = draw(st.integers(-rank, rank - 1))
    shape[dim] = 2 * shape[dim] if valid else 2 * shape[dim] - 1
    if not valid and draw(st.booleans()):
        event("dim out of range")
        shape[dim] += 1
        dim = draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
        return one(Spec("GLU", (dim,)), tuple(shape))
    event("odd size")
    spec = Spec("GLU", () if dim == -1 and draw(st.booleans()) else (dim,))
    return one(spec, tuple(shape))


@st.composite
def prelu_cases(draw, valid: bool = True) -> Case:
    shape = draw(shapes(2, 4))
    channels = shape[1]
    if valid:
        if draw(st.booleans()):
            num = 1
            shape = draw(st.just(shape) | shapes(1, 1))
        else:
            num = channels
    else:
        num = draw(other_than(channels, 2, 6))
    kwargs = draw(options(dict(init=FLOATS)))
    return one(Spec("PReLU", () if num == 1 and draw(st.booleans()) else (num,), kwargs), shape)


ACTIVATION_FLAWS = {
    "Hardtanh min_val not below max_val": lambda draw: Spec(
        "Hardtanh", (draw(st.floats(0, 2)),), dict(max_val=draw(st.floats(-2, 0)))),
    "CELU alpha=0": lambda draw: Spec("CELU", (), dict(alpha=0.0)),
    "GELU approximate unknown": lambda draw: Spec(
        "GELU", (), dict(approximate=draw(st.sampled_from(["Tanh", "erf", "", "None"])))),
    "Softshrink lambd < 0": lambda draw: Spec("Softshrink", (draw(st.floats(-2, -0.01)),)),
}


@st.composite
def activation_argument_cases(draw) -> Case:
    flaw = draw(st.sampled_from(sorted(ACTIVATION_FLAWS)))
    event(flaw)
    return one(ACTIVATION_FLAWS[flaw](draw), draw(shapes(1, 3)))


# -- dropout --------------------------------------------------------------------------------------

DROPOUTS = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
            "FeatureAlphaDropout")


@st.composite
def dropout_cases(draw, valid: bool = True) -> Case:
    name = draw(st.sampled_from(DROPOUTS))
    event(name)
    shape = draw(shapes(2, 3) if name == "Dropout1d" else shapes(1, 5))
    p = draw(st.floats(0, 1)) if valid else draw(
        st.floats(-2, 0, exclude_max=True) | st.floats(1, 3, exclude_min=True))
    kwargs = dict(inplace=draw(st.booleans())) if draw(st.booleans()) else {}
    if draw(st.booleans()):
        return one(Spec(name, (p,), kwargs), shape)
    return one(Spec(name, (), dict(p=p, **kwargs)), shape)


# -- flatten and unflatten ------------------------------------------------------------------------


@st.composite
def flatten_cases(draw, valid: bool = True) -> Case:
    shape = draw(shapes(1, 4))
    rank = len(shape)
    dims_ = st.integers(-rank, rank - 1)
    if valid:
        start, end = sorted([draw(dims_) % rank, draw(dims_) % rank])
        start = start - rank if draw(st.booleans()) else start
        end = end - rank if draw(st.booleans()) else end
    elif draw(st.booleans()):
        event("start after end")
        end, start = sorted([draw(dims_) % rank, draw(dims_) % rank])
        if start == end:
            return one(Spec("Flatten", (), dict(start_dim=rank, end_dim=rank)), shape)
    else:
        event("dimension out of range")
        start = draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
        end = -1
    kwargs = {}
    if start != 1 or draw(st.booleans()):
        kwargs["start_dim"] = start
    if end != -1 or draw(st.booleans()):
        kwargs["end_dim"] = end
    return one(Spec("Flatten", (), kwargs), shape)


def divisors(n: int) -> list:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def unflatten_cases(draw, valid: bool = True) -> Case:
    shape = draw(shapes(1, 3, st.integers(1, 12)))
    rank = len(shape)
    dim = draw(st.integers(-rank, rank - 1))
    size = shape[dim]
    sizes, rest = [], size
    for _ in range(draw(st.integers(1, 3)) - 1):
        factor = draw(st.sampled_from(divisors(rest)))
        sizes.append(factor)
        rest //= factor
    sizes.append(rest)
    if draw(st.booleans()):
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    if not valid:
        flaw = draw(st.sampled_from(["product", "not divisible", "dim out of range",
                                     "two -1"]))
        event(flaw)
        if flaw == "product":  # the factors, one of them 2 or 3 times too large
            known = prod(s for s in sizes if s != -1)
            sizes = [size // known if s == -1 else s for s in sizes]
            sizes[draw(st.integers(0, len(sizes) - 1))] *= draw(st.integers(2, 3))
        elif flaw == "not divisible":
            sizes = [draw(st.sampled_from([k for k in range(2, 14) if size % k])), -1]
        elif flaw == "dim out of range":
            dim = draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
        else:
            sizes = [-1, -1, *sizes[:1]]
    sizes = tuple(sizes) if draw(st.booleans()) else list(sizes)
    return one(Spec("Unflatten", (dim, sizes)), shape)


ARGUMENT_FLAWS = {
    "Conv padding string in capitals": lambda draw: draw(st.sampled_from([
        one(Spec("Conv1d", (1, 1, 3), dict(padding=p)), (1, 1, 5)) for p in ("SAME", "Valid")]
        + [one(Spec("Conv2d", (1, 1, 3), dict(padding=p)), (1, 1, 5, 5)) for p in ("Same",)])),
    "Conv padding_mode in capitals": lambda draw: one(
        Spec("Conv1d", (1, 1, 3), dict(padding=1, padding_mode=draw(
            st.sampled_from(["Zeros", "REFLECT", "Circular"])))), (1, 1, 5)),
    "AvgPool1d divisor_override": lambda draw: one(
        Spec("AvgPool1d", (2,), dict(divisor_override=draw(st.integers(1, 3)))), (1, 1, 4)),
    "AvgPool divisor_override=0": lambda draw: draw(st.sampled_from([
        one(Spec("AvgPool2d", (1,), dict(divisor_override=0)), (1, 2, 2)),
        one(Spec("AvgPool3d", (1,), dict(divisor_override=0)), (1, 1, 2, 2, 2))])),
    "empty normalized_shape": lambda draw: one(
        Spec(draw(st.sampled_from(["LayerNorm", "RMSNorm"])), ((),)), draw(shapes(1, 3))),
    "Unflatten to no sizes": lambda draw: one(Spec("Unflatten", (1, ())), (draw(SMALL), 1)),
    "Unflatten sizes as an int": lambda draw: one(
        Spec("Unflatten", (1, draw(SMALL))), (2, 4)),
    "Upsample align_corners without interpolation": lambda draw: one(
        Spec("Upsample", (), dict(scale_factor=2, mode=draw(st.sampled_from(
            ["nearest", "area", "nearest-exact"])), align_corners=draw(st.booleans()))),
        (1, 1, 4)),
    "Upsample mode in capitals": lambda draw: one(
        Spec("Upsample", (), dict(scale_factor=2, mode=draw(st.sampled_from(
            ["Nearest", "LINEAR", "Area"])))), (1, 1, 4)),
    "Transformer activation unknown": lambda draw: draw(st.sampled_from([
        Case(Spec(name, (4, 2, 8), dict(activation=activation)), inputs)
        for name, inputs in (("TransformerEncoderLayer", ((3, 1, 4),)),
                             ("TransformerDecoderLayer", ((3, 1, 4), (2, 1, 4))))
        for activation in ("tanh", "Relu", "silu")])),
    "RNN nonlinearity in capitals": lambda draw: one(
        Spec(draw(st.sampled_from(["RNN", "RNNCell"])), (3, 4), dict(
            nonlinearity=draw(st.sampled_from(["Tanh", "RELU"])))), (2, 3)),
    "RNN dropout outside [0, 1]": lambda draw: one(
        Spec(draw(st.sampled_from(["RNN", "LSTM", "GRU"])), (3, 4), dict(dropout=draw(
            st.floats(1, 2, exclude_min=True) | st.floats(-1, 0, exclude_max=True)))), (2, 3)),
}


@st.composite
def argument_flaw_cases(draw) -> Case:
    flaw = draw(st.sampled_from(sorted(ARGUMENT_FLAWS)))
    event(flaw)
    return ARGUMENT_FLAWS[flaw](draw)


@st.composite
def accepted_keyword_cases(draw) -> Case:
    """Keywords torch 2.13 accepts: ``bias=`` of batch, instance and group norms; Hardtanh's
    deprecated ``min_value``/``max_value``."""
    name = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d", "GroupNorm",
                                 "Hardtanh"]))
    event(name)
    if name == "Hardtanh":
        return one(Spec(name, (), dict(min_value=draw(st.floats(-2, -0.5)),
                                       max_value=draw(st.floats(0, 2)))), draw(shapes(1, 3)))
    kwargs = dict(affine=draw(st.booleans()), bias=draw(st.booleans()))
    if name == "GroupNorm":
        return one(Spec(name, (1, 3), kwargs), (2, 3, 4))
    return one(Spec(name, (3,), kwargs), (2, 3, 4) if name.endswith("1d") else (2, 3, 4, 4))


# -- Sequential -----------------------------------------------------------------------------------


@st.composite
def sequential_cases(draw) -> Case:
    """A CNN (convs, pools, norms, activations, then a linear head) or an MLP, as nn.Sequential."""
    if draw(st.booleans()):
        event("CNN")
        channels = c = draw(st.integers(1, 3))
        specs = []
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["conv", "pool", "norm", "activation", "dropout"]))
            if kind == "conv":
                out = draw(SMALL)
                specs.append(Spec("Conv2d", (c, out, draw(st.integers(1, 3))), dict(
                    stride=draw(st.integers(1, 2)), padding=draw(st.integers(0, 1)))))
                c = out
            elif kind == "pool":
                k = draw(st.integers(1, 3))
                specs.append(Spec(draw(st.sampled_from(["MaxPool2d", "AvgPool2d"])), (k,), dict(
                    stride=draw(st.none() | st.integers(1, 2)),
                    padding=draw(st.integers(0, k // 2)), ceil_mode=draw(st.booleans()))))
            elif kind == "norm":
                specs.append(draw(st.sampled_from([
                    Spec("BatchNorm2d", (c,)), Spec("GroupNorm", (1, c)),
                    Spec("InstanceNorm2d", (c,), dict(affine=True, track_running_stats=True))])))
            elif kind == "activation":
                specs.append(Spec(draw(st.sampled_from(["ReLU", "GELU", "Hardswish"]))))
            else:
                specs.append(Spec("Dropout2d", (0.25,)))
        a, b = draw(SMALL), draw(SMALL)
        units = draw(SMALL)
        specs += [Spec("AdaptiveAvgPool2d", ((a, b),)), Spec("Flatten"),
                  Spec("Linear", (c * a * b, units))]
        shape = (2, channels, draw(st.integers(1, 12)), draw(st.integers(1, 12)))
    else:
        event("MLP")
        d = width = draw(st.integers(1, 6))
        specs = []
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["linear", "norm", "activation", "dropout"]))
            if kind == "linear":
                out = draw(st.integers(1, 6))
                specs.append(Spec("Linear", (d, out), dict(bias=draw(st.booleans()))))
                d = out
            elif kind == "norm":
                specs.append(Spec(draw(st.sampled_from(["LayerNorm", "RMSNorm"])), (d,)))
            elif kind == "activation":
                specs.append(Spec(draw(st.sampled_from(["ReLU", "GELU", "Tanh", "SiLU"]))))
            else:
                specs.append(Spec("Dropout", (0.1,)))
        shape = (*draw(shapes(0, 2)), width)
    if draw(st.booleans()) and len(specs) > 1:  # nested
        cut = draw(st.integers(1, len(specs) - 1))
        specs = [Spec("Sequential", tuple(specs[:cut])), *specs[cut:]]
    if draw(st.booleans()):
        named = OrderedDict((f"layer{i}", s) for i, s in enumerate(specs))
        return one(Spec("Sequential", (named,)), shape)
    return one(Spec("Sequential", tuple(specs)), shape)


# -- Bilinear, Upsample, PixelShuffle, padding modules --------------------------------------------


@st.composite
def bilinear_cases(draw, valid: bool = True) -> Case:
    in1, in2, out = draw(SMALL), draw(SMALL), draw(SMALL)
    batch = draw(shapes(0, 2))
    first, second = (*batch, in1), (*batch, in2)
    if not valid:
        flaw = draw(st.sampled_from(["in1_features", "in2_features", "batch axes differ",
                                     "ranks differ"]))
        event(flaw)
        if flaw == "in1_features":
            first = (*batch, in1 + draw(st.integers(1, 2)))
        elif flaw == "in2_features":
            second = (*batch, draw(other_than(in2, 1, 5)))
        elif flaw == "batch axes differ":
            batch = batch or (draw(SMALL),)
            other = list(batch)
            other[draw(st.integers(0, len(batch) - 1))] += draw(st.integers(1, 2))
            first, second = (*batch, in1), (*other, in2)
        else:
            second = (draw(SMALL), *second)
    spec = Spec("Bilinear", (in1, in2, out), dict(bias=draw(st.booleans())))
    return Case(spec, (first, second))


UPSAMPLE_MODES = {1: ("nearest", "nearest-exact", "area", "linear"),
                  2: ("nearest", "nearest-exact", "area", "bilinear", "bicubic"),
                  3: ("nearest", "nearest-exact", "area", "trilinear")}
INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
#: Scale factors as people write them; floor(n * s) is taken in floating point by torch.
SCALE_FACTORS = st.sampled_from([1, 2, 3, 0.5, 1.5, 2.5, 0.25, 0.75, 1.25, 0.3, 0.6, 0.7, 1.1,
                                 1.7, 2.2, 0.29, 0.57, 0.35, 0.45, 1.15])


@st.composite
def upsample_cases(draw) -> Case:
    rank = draw(st.sampled_from(RANKS))
    mode = draw(st.sampled_from(UPSAMPLE_MODES[rank]))
    event(f"Upsample {mode} {rank}d")
    kwargs = dict(mode=mode) if mode != "nearest" or draw(st.booleans()) else {}
    if mode in INTERPOLATING:
        kwargs.update(draw(options(dict(align_corners=st.none() | st.booleans()))))
    spatial = tuple(draw(st.integers(1, 12)) for _ in range(rank))
    if draw(st.booleans()):
        kwargs["size"] = draw(per_axis(rank, st.integers(1, 8)))
    else:
        factor = draw(per_axis(rank, SCALE_FACTORS))
        spatial = tuple(n if f >= 1 else max(n, math.ceil(1 / f))  # outputs of 1 at least
                        for n, f in zip(spatial, expand(factor, rank)))
        kwargs["scale_factor"] = factor
        kwargs.update(draw(options(dict(recompute_scale_factor=st.none() | st.booleans()))))
    return one(Spec("Upsample", (), kwargs), (draw(SMALL), draw(SMALL), *spatial))


@st.composite
def rejected_upsample_cases(draw) -> Case:
    flaw = draw(st.sampled_from(["size and scale_factor", "neither", "rank for the mode",
                                 "sizes for other axes", "output below 1", "unknown mode"]))
    event(flaw)
    rank = draw(st.sampled_from(RANKS))
    spatial = tuple(draw(st.integers(1, 6)) for _ in range(rank))
    shape = (1, draw(SMALL), *spatial)
    if flaw == "size and scale_factor":
        return one(Spec("Upsample", (), dict(size=2, scale_factor=2)), shape)
    if flaw == "neither":
        return one(Spec("Upsample", (), dict(mode="nearest")), shape)
    if flaw == "rank for the mode":
        mode = draw(st.sampled_from([m for r, modes in UPSAMPLE_MODES.items() if r != rank
                                     for m in modes if m in INTERPOLATING]))
        return one(Spec("Upsample", (), dict(scale_factor=2, mode=mode)), shape)
    if flaw == "sizes for other axes":
        length = draw(st.sampled_from([n for n in (2, 3, 4) if n != rank]))
        return one(Spec("Upsample", (), dict(size=(2,) * length)), shape)
    if flaw == "output below 1":
        return one(Spec("Upsample", (), dict(scale_factor=0.1)), (1, 1, *(
            draw(st.integers(1, 9)) for _ in range(rank))))
    return one(Spec("Upsample", (), dict(scale_factor=2, mode=draw(st.sampled_from(
        ["cubic", "bilinear3d", "nearest_exact"])))), shape)


@st.composite
def pixel_shuffle_cases(draw, valid: bool = True) -> Case:
    factor = draw(st.integers(1, 3))
    lead = draw(shapes(0, 2, st.integers(1, 2)))
    if draw(st.booleans()):
        name, spatial = "PixelShuffle", (draw(SMALL), draw(SMALL))
        channels = factor ** 2 * draw(st.integers(1, 2))
        if not valid:
            factor = draw(st.integers(2, 3))
            channels = draw(st.integers(1, 8).filter(lambda c: c % factor ** 2))
    else:
        name, channels = "PixelUnshuffle", draw(SMALL)
        spatial = (factor * draw(st.integers(1, 3)), factor * draw(st.integers(1, 3)))
        if not valid:
            factor = draw(st.integers(2, 3))
            axis = draw(st.integers(0, 1))
            spatial = tuple(draw(st.integers(1, 7).filter(lambda n: n % factor)) if i == axis
                            else s for i, s in enumerate(spatial))
    shape = (*lead, channels, *spatial)
    if not valid and draw(st.booleans()):
        event("rank below 3")
        factor, shape = 1, shape[-draw(st.integers(1, 2)):]
    event(name)
    return one(Spec(name, (factor,)), shape)


PAD_KINDS = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")
PAD_SIZES = st.integers(0, 3)


@st.composite
def padding_module_cases(draw, sizes=PAD_SIZES) -> Case:
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(PAD_KINDS))
    event(f"{kind}{rank}d")
    padding = draw(sizes | st.tuples(*[sizes] * (2 * rank)))
    if isinstance(padding, tuple) and draw(st.booleans()):
        padding = list(padding)
    pads = expand(padding, 2 * rank)
    spatial = []
    for axis in range(rank):  # the last axis takes the first pair
        before, after = pads[2 * (rank - 1 - axis)], pads[2 * (rank - 1 - axis) + 1]
        low = 1
        if kind == "ReflectionPad":
            low = max(before, after) + 1
        elif kind == "CircularPad":
            low = max(before, after, 1)
        low = max(low, 1 - min(0, before + after))  # negative pads crop: keep an entry
        spatial.append(draw(st.integers(low, max(low, MAX_SPATIAL[rank]))))
    args = (padding, draw(FLOATS)) if kind == "ConstantPad" else (padding,)
    return one(Spec(f"{kind}{rank}d", args), (*draw(BATCH), draw(SMALL), *spatial))


@st.composite
def rejected_padding_module_cases(draw) -> Case:
    """Reflection padding not shorter than the axis, circular padding longer, wrong rank."""
    case = draw(padding_module_cases())
    name, shape = case.spec.name, case.inputs[0]
    rank = int(name[-2])
    if draw(st.booleans()) and not name.startswith(("ZeroPad", "ConstantPad")):
        event("wrong input rank")  # (torch's constant padding takes any rank with room)
        return one(case.spec, draw(st.sampled_from(
            [shape[-rank:], (1,) * (rank + 3 - len(shape)) + shape])))
    kind = draw(st.sampled_from(["ReflectionPad", "CircularPad"]))
    event(f"{kind} beyond the axis")
    pads = [draw(st.integers(2, 4)) for _ in range(2 * rank)]
    spatial = list(shape[-rank:])
    axis = draw(st.integers(0, rank - 1))
    widest = max(pads[2 * (rank - 1 - axis)], pads[2 * (rank - 1 - axis) + 1])
    spatial[axis] = draw(st.integers(1, widest if kind == "ReflectionPad" else widest - 1))
    for other in range(rank):
        if other != axis:
            spatial[other] = max(spatial[other], 5)
    return one(Spec(f"{kind}{rank}d", (tuple(pads),)), (*shape[:-rank], *spatial))


# -- recurrent layers -----------------------------------------------------------------------------


@st.composite
def rnn_cases(draw, with_state=None) -> Case:
    name = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    event(name)
    input_size, hidden = draw(SMALL), draw(SMALL)
    layers = draw(st.integers(1, 3))
    kwargs = dict(num_layers=layers, **draw(options(dict(
        bias=st.booleans(), batch_first=st.booleans(), bidirectional=st.booleans(),
        dropout=st.floats(0, 0.5)))))
    if name == "RNN" and draw(st.booleans()):
        kwargs["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    proj = 0
    if name == "LSTM" and hidden > 1 and draw(st.booleans()):
        proj = kwargs["proj_size"] = draw(st.integers(1, hidden - 1))
    args = (input_size, hidden)
    if draw(st.booleans()):
        kwargs.update(input_size=input_size, hidden_size=hidden)
        args = ()
    length, batch = draw(SMALL), draw(st.none() | st.integers(1, 3))
    if batch is None:
        x = (length, input_size)
    else:
        x = (batch, length, input_size) if kwargs.get("batch_first") else (length, batch,
                                                                           input_size)
    spec = Spec(name, args, kwargs)
    if not (draw(st.booleans()) if with_state is None else with_state):
        return one(spec, x)
    states = (2 if kwargs.get("bidirectional") else 1) * layers
    lead = (states,) if batch is None else (states, batch)
    h = (*lead, proj or hidden)
    return Case(spec, (x, (h, (*lead, hidden)) if name == "LSTM" else h))


RNN_FLAWS = ("input_size", "input rank", "proj_size not below hidden_size", "proj_size of a GRU",
             "unknown nonlinearity")


@st.composite
def rejected_rnn_cases(draw) -> Case:
    case = draw(rnn_cases(with_state=False))
    flaw = draw(st.sampled_from(RNN_FLAWS))
    event(flaw)
    spec, x = case.spec, case.inputs[0]
    if flaw == "input_size":
        return one(spec, (*x[:-1], x[-1] + draw(st.integers(1, 2))))
    if flaw == "input rank":
        return one(spec, draw(st.sampled_from([x[-1:], (1, 1, *x[-2:])])))
    hidden = spec.kwargs.get("hidden_size", spec.args[1] if spec.args else None)
    kwargs = dict(spec.kwargs)
    if flaw == "proj_size not below hidden_size":
        return one(Spec("LSTM", spec.args, dict(kwargs, proj_size=hidden + draw(
            st.integers(0, 2)))), x)
    if flaw == "proj_size of a GRU":
        return one(Spec(draw(st.sampled_from(["RNN", "GRU"])), spec.args, {
            k: v for k, v in dict(kwargs, proj_size=1).items() if k != "nonlinearity"}), x)
    if flaw == "unknown nonlinearity":
        return one(Spec("RNN", spec.args, {
            k: v for k, v in dict(kwargs, nonlinearity=draw(st.sampled_from(
                ["sigmoid", "gelu", "identity"]))).items() if k != "proj_size"}), x)


@st.composite
def rnn_state_mismatch_cases(draw) -> Case:
    """An initial state torch rejects: a wrong size, or batched against unbatched."""
    case = draw(rnn_cases(with_state=True))
    x, state = case.inputs
    flat = list(state) if case.spec.name == "LSTM" else [state]
    which = draw(st.integers(0, len(flat) - 1))
    wrong = list(flat[which])
    if draw(st.booleans()):
        event("a size differs")
        axis = draw(st.integers(0, len(wrong) - 1))
        wrong[axis] += draw(st.integers(1, 2))
    else:
        event("rank differs")
        wrong = [1, *wrong] if len(x) == 2 else wrong[:1] + wrong[2:]
    flat[which] = tuple(wrong)
    return Case(case.spec, (x, tuple(flat) if case.spec.name == "LSTM" else flat[0]))


@st.composite
def cell_cases(draw, with_state=None) -> Case:
    name = draw(st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"]))
    event(name)
    input_size, hidden = draw(SMALL), draw(SMALL)
    kwargs = draw(options(dict(bias=st.booleans())))
    if name == "RNNCell" and draw(st.booleans()):
        kwargs["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    spec = Spec(name, (input_size, hidden), kwargs)
    x = (*batch, input_size)
    if not (draw(st.booleans()) if with_state is None else with_state):
        return one(spec, x)
    h = (*batch, hidden)
    return Case(spec, (x, (h, h) if name == "LSTMCell" else h))


@st.composite
def rejected_cell_cases(draw) -> Case:
    case = draw(cell_cases(with_state=False))
    x = case.inputs[0]
    if draw(st.booleans()):
        event("input_size")
        return one(case.spec, (*x[:-1], x[-1] + draw(st.integers(1, 2))))
    event("input rank 3")
    return one(case.spec, (1, 1, *x[-1:]))


@st.composite
def cell_state_mismatch_cases(draw) -> Case:
    case = draw(cell_cases(with_state=True))
    x, state = case.inputs
    flat = list(state) if case.spec.name == "LSTMCell" else [state]
    which = draw(st.integers(0, len(flat) - 1))
    wrong = list(flat[which])
    # An unbatched input with a 2-D state of (hidden_size, hidden_size) is not drawn: torch
    # 2.13 does not always check it (RNNCell broadcasts it, LSTMCell crashes with a segfault)
    if len(x) == 1 or draw(st.booleans()):
        event("a size differs")
        wrong[draw(st.integers(0, len(wrong) - 1))] += draw(st.integers(1, 2))
    else:
        event("rank differs")
        wrong = wrong[1:]
    flat[which] = tuple(wrong)
    return Case(case.spec, (x, tuple(flat) if case.spec.name == "LSTMCell" else flat[0]))


# -- attention and transformer layers -------------------------------------------------------------


@st.composite
def attention_cases(draw) -> Case:
    heads = draw(st.integers(1, 3))
    embed = heads * draw(st.integers(1, 3))
    kwargs = draw(options(dict(
        bias=st.booleans(), add_bias_kv=st.booleans(), add_zero_attn=st.booleans(),
        kdim=st.none() | SMALL, vdim=st.none() | SMALL, batch_first=st.booleans(),
        dropout=st.floats(0, 0.5))))
    kdim = kwargs.get("kdim") or embed
    vdim = kwargs.get("vdim") or embed
    target, source, batch = draw(SMALL), draw(SMALL), draw(st.none() | st.integers(1, 3))

    def shaped(length, features):
        if batch is None:
            return (length, features)
        return (batch, length, features) if kwargs.get("batch_first") else (length, batch,
                                                                            features)

    call = draw(options(dict(need_weights=st.booleans(), average_attn_weights=st.booleans())))
    event("unbatched" if batch is None else "batched")
    return Case(Spec("MultiheadAttention", (embed, heads), kwargs),
                (shaped(target, embed), shaped(source, kdim), shaped(source, vdim)),
                tuple(call.items()))


ATTENTION_FLAWS = ("embed_dim not divisible by num_heads", "query features", "key features",
                   "value features", "key and value lengths", "batch sizes", "ranks differ",
                   "rank 4")


@st.composite
def rejected_attention_cases(draw) -> Case:
    case = draw(attention_cases())
    flaw = draw(st.sampled_from(ATTENTION_FLAWS))
    event(flaw)
    spec, (q, k, v) = case.spec, case.inputs
    bf = spec.kwargs.get("batch_first", False)
    if flaw == "embed_dim not divisible by num_heads":
        heads = draw(st.integers(2, 3))
        embed = heads * draw(st.integers(1, 2)) + draw(st.integers(1, heads - 1))
        return case._replace(spec=Spec(spec.name, (embed, heads), spec.kwargs))
    if flaw in ("query features", "key features", "value features"):
        index = ("query features", "key features", "value features").index(flaw)
        inputs = [q, k, v]
        inputs[index] = (*inputs[index][:-1], inputs[index][-1] + draw(st.integers(1, 2)))
        return case._replace(inputs=tuple(inputs))
    if flaw == "key and value lengths":
        axis = 1 if bf and len(v) == 3 else 0
        v = tuple(n + 1 if i == axis else n for i, n in enumerate(v))
        return case._replace(inputs=(q, k, v))
    if flaw == "batch sizes":
        if len(q) == 2:
            q, k, v = ((2, *s) if bf else (s[0], 2, s[1]) for s in (q, k, v))
        axis = 0 if bf else 1
        which = draw(st.integers(1, 2))
        inputs = [q, k, v]
        inputs[which] = tuple(n + 1 if i == axis else n for i, n in enumerate(inputs[which]))
        return case._replace(inputs=tuple(inputs))
    if flaw == "ranks differ":
        if len(q) == 3:  # make the key and value unbatched
            axis = 0 if bf else 1
            k, v = (tuple(n for i, n in enumerate(s) if i != axis) for s in (k, v))
        else:
            q = (q[0], 1, q[1])
        return case._replace(inputs=(q, k, v))
    return case._replace(inputs=tuple((1, *s) if len(s) == 3 else (1, 1, *s) for s in (q, k, v)))


@st.composite
def transformer_cases(draw, names=("TransformerEncoderLayer", "TransformerDecoderLayer")) -> Case:
    name = draw(st.sampled_from(names))
    event(name)
    heads = draw(st.integers(1, 3))
    d_model = heads * draw(st.integers(1, 2))
    kwargs = dict(dim_feedforward=draw(st.integers(1, 8)), **draw(options(dict(
        dropout=st.floats(0, 0.5), activation=st.sampled_from(["relu", "gelu"]),
        layer_norm_eps=st.floats(1e-6, 1e-3), batch_first=st.booleans(),
        norm_first=st.booleans(), bias=st.booleans()))))
    batch = draw(st.none() | st.integers(1, 3))

    def shaped(length):
        if batch is None:
            return (length, d_model)
        return (batch, length, d_model) if kwargs.get("batch_first") else (length, batch, d_model)

    inputs = (shaped(draw(SMALL)),)
    if name == "TransformerDecoderLayer":
        inputs += (shaped(draw(SMALL)),)
    return Case(Spec(name, (d_model, heads), kwargs), inputs)


@st.composite
def rejected_transformer_cases(draw) -> Case:
    case = draw(transformer_cases())
    flaw = draw(st.sampled_from(["d_model not divisible by nhead", "features", "rank"]))
    event(flaw)
    if flaw == "d_model not divisible by nhead":
        heads = draw(st.integers(2, 3))
        d_model = heads + draw(st.integers(1, heads - 1))
        return case._replace(spec=Spec(case.spec.name, (d_model, heads), case.spec.kwargs))
    which = draw(st.integers(0, len(case.inputs) - 1))
    inputs = list(case.inputs)
    shape = inputs[which]
    if flaw == "features":
        inputs[which] = (*shape[:-1], shape[-1] + draw(st.integers(1, 2)))
    else:
        inputs = [(1, *s) if len(s) == 3 else s[-1:] for s in inputs]
    return case._replace(inputs=tuple(inputs))


@st.composite
def decoder_memory_mismatch_cases(draw) -> Case:
    """A decoder layer's memory with another batch size, or batched against unbatched."""
    case = draw(transformer_cases(names=("TransformerDecoderLayer",)))
    tgt, memory = case.inputs
    bf = case.spec.kwargs.get("batch_first", False)
    if len(tgt) == 3 and draw(st.booleans()):
        event("batch sizes differ")
        axis = 0 if bf else 1
        memory = tuple(n + draw(st.integers(1, 2)) if i == axis else n
                       for i, n in enumerate(memory))
    else:
        event("ranks differ")
        memory = (memory[0], 2, memory[1]) if len(memory) == 2 else memory[-2:] if bf else (
            memory[0], memory[2])
    return case._replace(inputs=(tgt, memory))


# -- the tests: linear, identity, convolution -----------------------------------------------------


@given(case=linear_cases())
def test_linear_matches_torch(case):
    """Linear on inputs of rank 1 to 3, with and without bias."""
    assert_agree(case)


@budget(0.5)
@given(case=linear_cases(valid=False))
def test_linear_rejected_like_torch(case):
    """Linear: in_features other than the input's last axis."""
    assert_both_reject(case)


@budget(0.25)
@given(case=identity_cases())
def test_identity_matches_torch(case):
    """Identity takes and ignores any arguments."""
    assert_agree(case)


@budget(3)
@given(case=conv_cases())
@example(case=one(Spec("Conv2d", (2, 3, (3, 4))), (1, 2, 3, 4)))  # kernel == input
@example(case=one(Spec("Conv1d", (1, 2, 2), dict(stride=5)), (1, 11)))  # stride > kernel
@example(case=one(Spec("Conv1d", (2, 2, 4), dict(padding="same", dilation=3)), (2, 2, 2)))
@example(case=one(Spec("Conv3d", (4, 2, (1, 2, 3)), dict(stride=(3, 1, 2), groups=2)),
                  (4, 5, 3, 3)))  # unbatched, grouped
@example(case=one(Spec("Conv2d", (1, 1, 3), dict(padding=(2, 0), padding_mode="reflect")),
                  (1, 1, 3, 3)))  # reflect padding one short of the input
@example(case=one(Spec("Conv2d", (1, 1, 1), dict(padding=2, padding_mode="circular")),
                  (1, 2, 2)))  # circular padding as long as the input
def test_conv_matches_torch(case):
    """Conv1d/2d/3d: kernel, stride, padding (int, tuple, 'same', 'valid'), dilation, groups,
    bias, padding_mode, batched and unbatched inputs."""
    assert_agree(case)


@budget(2)
@given(case=rejected_conv_cases())
def test_conv_rejected_like_torch(case):
    """Conv1d/2d/3d: configurations and inputs torch rejects."""
    assert_both_reject(case)


@budget(0.5)
@given(case=conv_padding_beyond_input_cases())
@example(case=one(Spec("Conv1d", (1, 1, 1), dict(padding=3, padding_mode="reflect")), (1, 1, 2)))
@example(case=one(Spec("Conv1d", (1, 1, 1), dict(padding=3, padding_mode="circular")), (1, 1, 2)))
@example(case=one(Spec("Conv1d", (1, 1, 5), dict(padding="same", padding_mode="reflect")),
                  (1, 1, 2)))
def test_conv_padding_beyond_input_rejected_like_torch(case):
    """Conv with padding_mode 'reflect' (padding >= input) or 'circular' (padding > input)."""
    assert_both_reject(case)


@budget(2)
@given(case=conv_transpose_cases())
@example(case=one(Spec("ConvTranspose1d", (2, 3, 3), dict(stride=2, padding=1, output_padding=1)),
                  (1, 2, 5)))
@example(case=one(Spec("ConvTranspose2d", (4, 6, (2, 3)), dict(stride=(1, 2), groups=2,
                                                              dilation=2)), (4, 3, 3)))
@example(case=one(Spec("ConvTranspose1d", (1, 1, 3), dict(dilation=3, output_padding=2)),
                  (1, 1, 2)))  # output padding below the dilation, not the stride
def test_conv_transpose_matches_torch(case):
    """ConvTranspose1d/2d/3d: kernel, stride, padding, output_padding (below the stride or the
    dilation), dilation, groups, bias, batched and unbatched inputs."""
    assert_agree(case)


@budget(1)
@given(case=rejected_conv_transpose_cases())
def test_conv_transpose_rejected_like_torch(case):
    """ConvTranspose: channels, groups, output_padding, outputs below 1, input rank,
    padding modes and string paddings torch rejects."""
    assert_both_reject(case)


@budget(0.5)
@given(case=conv_transpose_cases(with_output_size=True))
@example(case=one(Spec("ConvTranspose1d", (1, 1, 3), dict(stride=2)), (1, 1, 4),
                  output_size=[10]))
def test_conv_transpose_output_size_matches_torch(case):
    """ConvTranspose called with ``output_size=`` (within the sizes the stride allows)."""
    assert_agree(case)


# -- pools ----------------------------------------------------------------------------------------


@budget(3)
@given(case=pool_cases())
@example(case=one(Spec("MaxPool2d", ((2, 3),), dict(return_indices=True)), (1, 2, 3)))
@example(case=one(Spec("AvgPool1d", (2,), dict(stride=5)), (1, 1, 12)))  # stride > kernel
@example(case=one(Spec("MaxPool3d", (3,), dict(stride=2, padding=1, dilation=2, ceil_mode=True,
                                               return_indices=True)), (1, 2, 5, 6, 4)))
def test_pool_matches_torch(case):
    """MaxPool1d/2d/3d and AvgPool1d/2d/3d: kernel, stride (None too), padding up to half the
    kernel, dilation, ceil_mode, return_indices, count_include_pad, divisor_override."""
    assert_agree(case)


@budget(3)
@given(case=ceil_mode_cases())
@example(case=one(Spec("MaxPool1d", (2,), dict(stride=2, padding=1, ceil_mode=True)), (1, 1, 3)))
@example(case=one(Spec("AvgPool1d", (2,), dict(stride=2, padding=1, ceil_mode=True)), (1, 1, 1)))
@example(case=one(Spec("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True)),
                  (1, 1, 5, 6)))
def test_pool_ceil_mode_like_torch(case):
    """ceil_mode on small inputs with padding and stride > 1 (the last window that would start
    in the right padding is dropped); torch's verdict either way."""
    assert_same_verdict(case)


@budget(1.5)
@given(case=rejected_pool_cases())
def test_pool_rejected_like_torch(case):
    """Window pools: padding above half the kernel, outputs below 1, wrong input rank."""
    assert_both_reject(case)


@budget(0.5)
@given(case=max_pool_dilated_padding_cases())
@example(case=one(Spec("MaxPool1d", (3,), dict(padding=2, dilation=2)), (1, 1, 8)))
def test_max_pool_dilated_padding_rejected_like_torch(case):
    """MaxPool: torch limits padding to half the kernel size, whatever the dilation."""
    assert_both_reject(case)


@budget(0.25)
@given(case=avg_pool3d_small_input_cases())
@example(case=one(Spec("AvgPool3d", (3,), dict(padding=1)), (1, 1, 2, 2, 2)))
def test_avg_pool3d_input_smaller_than_kernel_rejected_like_torch(case):
    """AvgPool3d: torch rejects an input smaller than the kernel, whatever the padding."""
    assert_both_reject(case)


@budget(2)
@given(case=adaptive_pool_cases())
@example(case=one(Spec("AdaptiveMaxPool3d", ((None, 2, None),), dict(return_indices=True)),
                  (3, 4, 5, 6)))
@example(case=one(Spec("AdaptiveAvgPool2d", ((None, None),)), (2, 4, 5, 3)))
def test_adaptive_pool_matches_torch(case):
    """AdaptiveMax/AvgPool1d/2d/3d: sizes, None entries, return_indices, unbatched inputs."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_adaptive_pool_cases())
def test_adaptive_pool_rejected_like_torch(case):
    """Adaptive pools: wrong input rank, output_size of the wrong length."""
    assert_both_reject(case)


@budget(0.25)
@given(case=adaptive_pool_none_cases())
@example(case=one(Spec("AdaptiveAvgPool1d", (None,)), (2, 3, 4)))
@example(case=one(Spec("AdaptiveMaxPool2d", (None,)), (3, 4, 5)))
def test_adaptive_pool_none_output_size_rejected_like_torch(case):
    """Adaptive pools: torch takes None only as an entry of a 2d or 3d output_size."""
    assert_both_reject(case)


# -- normalization --------------------------------------------------------------------------------


@budget(1.5)
@given(case=channel_norm_cases(BATCH_NORM_RANKS.keys()))
@example(case=one(Spec("BatchNorm1d", (3,), dict(affine=False, track_running_stats=False)),
                  (2, 3)))
def test_batch_norm_matches_torch(case):
    """BatchNorm1d/2d/3d: affine, track_running_stats (buffers), eps, momentum."""
    assert_agree(case)


@budget(1.5)
@given(case=channel_norm_cases(INSTANCE_NORM_RANKS.keys()))
@example(case=one(Spec("InstanceNorm2d", (3,), dict(affine=True)), (3, 1, 2)))  # unbatched
def test_instance_norm_matches_torch(case):
    """InstanceNorm1d/2d/3d: affine, track_running_stats, batched and unbatched inputs."""
    assert_agree(case)


@given(case=rejected_channel_norm_cases())
def test_batch_and_instance_norm_rejected_like_torch(case):
    """Batch and instance norms: wrong input rank; channels other than num_features (affine)."""
    assert_both_reject(case)


@given(case=norm_channel_mismatch_cases())
@example(case=one(Spec("BatchNorm1d", (3,), dict(affine=False, track_running_stats=False)),
                  (2, 5)))
@example(case=one(Spec("InstanceNorm1d", (3,), dict(track_running_stats=True)), (2, 4, 5)))
@example(case=one(Spec("GroupNorm", (2, 4), dict(affine=False)), (2, 6)))
def test_norm_channel_mismatch_like_torch(case):
    """Channels other than num_features: torch objects only where it keeps per-channel
    tensors (weights, running statistics) or, for GroupNorm, when num_groups does not divide."""
    assert_same_verdict(case)


@budget(0.5)
@given(case=single_value_statistics_cases())
@example(case=one(Spec("GroupNorm", (3, 3)), (1, 3)))
@example(case=one(Spec("InstanceNorm2d", (3,)), (2, 3, 1, 1)))
@example(case=one(Spec("BatchNorm1d", (3,), dict(track_running_stats=False)), (1, 3)))
def test_norm_single_value_statistics_rejected_like_torch(case):
    """Norms whose statistics come from the input reject one value per statistic (any mode)."""
    assert_both_reject(case)


@given(case=normalized_shape_cases())
@example(case=one(Spec("LayerNorm", ((2, 3),), dict(bias=False)), (4, 2, 3)))
@example(case=one(Spec("RMSNorm", ([2, 3, 1],)), (2, 3, 1)))
def test_layer_and_rms_norm_match_torch(case):
    """LayerNorm (bias=False too) and RMSNorm: int, tuple or list normalized_shape."""
    assert_agree(case)


@budget(0.5)
@given(case=normalized_shape_cases(valid=False))
def test_layer_and_rms_norm_rejected_like_torch(case):
    """LayerNorm and RMSNorm: trailing axes other than normalized_shape, or too few axes."""
    assert_both_reject(case)


@given(case=group_norm_cases())
def test_group_norm_matches_torch(case):
    """GroupNorm on (N, C, *) with 0 to 3 spatial axes, affine or not."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_group_norm_cases())
def test_group_norm_rejected_like_torch(case):
    """GroupNorm: num_channels not divisible by num_groups, rank-1 input, other channels."""
    assert_both_reject(case)


# -- embedding, activations, dropout, flatten -----------------------------------------------------


@given(case=embedding_cases())
@example(case=Case(Spec("Embedding", (4, 2), dict(padding_idx=-4)), ((2, 3),), indices=True))
def test_embedding_matches_torch(case):
    """Embedding: padding_idx (negative too), max_norm and friends, index tensors of rank 1-3."""
    assert_agree(case)


@budget(0.25)
@given(case=embedding_cases(valid=False))
def test_embedding_rejected_like_torch(case):
    """Embedding: padding_idx outside [-num_embeddings, num_embeddings)."""
    assert_both_reject(case)


@budget(2)
@given(case=elementwise_cases())
def test_elementwise_activations_match_torch(case):
    """Every elementwise activation, with its arguments: shape unchanged, no weights."""
    assert_agree(case)


@budget(0.5)
@given(case=activation_argument_cases())
@example(case=one(Spec("Hardtanh", (1.0, 1.0)), (3,)))
@example(case=one(Spec("CELU", (), dict(alpha=0.0)), (3,)))
@example(case=one(Spec("GELU", (), dict(approximate="erf")), (3,)))
@example(case=one(Spec("Softshrink", (-1.0,)), (3,)))
def test_activation_arguments_rejected_like_torch(case):
    """Activation arguments torch rejects (at construction or forward)."""
    assert_both_reject(case)


@budget(0.5)
@given(case=along_dim_cases())
def test_softmax_family_matches_torch(case):
    """Softmax, LogSoftmax, Softmin along any dim (None too)."""
    assert_agree(case)


@budget(0.5)
@given(case=along_dim_cases(valid=False))
def test_softmax_family_rejected_like_torch(case):
    """Softmax, LogSoftmax, Softmin: dim out of range."""
    assert_both_reject(case)


@budget(0.25)
@given(shape=shapes(1, 5))
def test_softmax2d_like_torch(shape):
    """Softmax2d takes 3D or 4D inputs only."""
    assert_same_verdict(one(Spec("Softmax2d"), shape))


@budget(0.5)
@given(case=glu_cases())
@example(case=one(Spec("GLU"), (4,)))
def test_glu_matches_torch(case):
    """GLU halves ``dim`` (negative too)."""
    assert_agree(case)


@budget(0.5)
@given(case=glu_cases(valid=False))
@example(case=one(Spec("GLU", (-3,)), (2, 4)))
@example(case=one(Spec("GLU", (5,)), (2, 4)))
def test_glu_rejected_like_torch(case):
    """GLU: an odd size along ``dim``, or ``dim`` out of range."""
    assert_both_reject(case)


@budget(0.5)
@given(case=prelu_cases())
def test_prelu_matches_torch(case):
    """PReLU: one shared slope, or one per channel (axis 1)."""
    assert_agree(case)


@budget(0.5)
@given(case=st.one_of(prelu_cases(valid=False), st.integers(2, 5).flatmap(
    lambda n: st.sampled_from([n, n + 1]).map(lambda length: one(Spec("PReLU", (n,)), (length,))))))
@example(case=one(Spec("PReLU", (3,)), (3,)))
def test_prelu_rejected_like_torch(case):
    """PReLU: num_parameters neither 1 nor the channels; a 1-D input has one channel."""
    event(f"input rank {len(case.inputs[0])}")
    assert_both_reject(case)


@given(case=dropout_cases())
def test_dropout_matches_torch(case):
    """Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout."""
    assert_agree(case)


@budget(0.25)
@given(case=dropout_cases(valid=False))
def test_dropout_rejected_like_torch(case):
    """Dropouts: p outside [0, 1]."""
    assert_both_reject(case)


@budget(0.25)
@given(shape=shapes(1, 1) | shapes(4, 5))
@example(shape=(2, 3, 4, 5))
def test_dropout1d_rank_rejected_like_torch(shape):
    """Dropout1d takes 2D or 3D inputs only."""
    assert_both_reject(one(Spec("Dropout1d"), shape))


@budget(0.5)
@given(case=flatten_cases())
def test_flatten_matches_torch(case):
    """Flatten with start_dim/end_dim, negative too."""
    assert_agree(case)


@budget(0.5)
@given(case=flatten_cases(valid=False))
def test_flatten_rejected_like_torch(case):
    """Flatten: start after end, dims out of range."""
    assert_both_reject(case)


@budget(0.5)
@given(case=unflatten_cases())
def test_unflatten_matches_torch(case):
    """Unflatten with or without -1, negative dim, tuple or list of sizes."""
    assert_agree(case)


@budget(0.5)
@given(case=unflatten_cases(valid=False))
def test_unflatten_rejected_like_torch(case):
    """Unflatten: sizes that do not multiply up, two -1, dim out of range."""
    assert_both_reject(case)


@budget(0.5)
@given(case=argument_flaw_cases())
@example(case=one(Spec("Conv1d", (1, 1, 3), dict(padding="SAME")), (1, 1, 5)))
@example(case=one(Spec("AvgPool1d", (2,), dict(divisor_override=2)), (1, 1, 4)))
@example(case=one(Spec("LayerNorm", ((),)), (1, 4)))
@example(case=one(Spec("Unflatten", (1, ())), (2, 1)))
@example(case=one(Spec("Unflatten", (1, 4)), (2, 4)))
def test_argument_values_rejected_like_torch(case):
    """Argument values and spellings torch rejects: capitalized strings, keywords a rank
    lacks, empty shapes, a zero divisor."""
    assert_both_reject(case)


@budget(0.5)
@given(case=accepted_keyword_cases())
@example(case=one(Spec("BatchNorm2d", (3,), dict(bias=False)), (2, 3, 4, 4)))
@example(case=one(Spec("Hardtanh", (), dict(min_value=-2.0, max_value=3.0)), (3,)))
def test_keywords_torch_accepts_match_torch(case):
    """BatchNorm/InstanceNorm/GroupNorm ``bias=`` (torch 2.13), Hardtanh's min_value/max_value."""
    assert_agree(case)


@budget(1.5)
@given(case=sequential_cases())
def test_sequential_matches_torch(case):
    """nn.Sequential (nested, or from an OrderedDict) of CNN or MLP modules."""
    assert_same_verdict(case)


def test_sequential_counts_a_shared_module_once():
    """A module used twice in nn.Sequential has its parameters counted once, as in torch."""
    shared = torch.nn.Linear(3, 3)
    expected = entries(torch.nn.Sequential(shared, torch.nn.ReLU(), shared).parameters())
    mine = nn.Linear(3, 3)
    assert number(nn.Sequential(mine, nn.ReLU(), mine).params) == expected == 12


def test_module_base_has_no_parameters():
    """The base class: no parameters, no buffers."""
    assert (number(nn.Module().params), number(nn.Module().buffers)) == (
        entries(torch.nn.Module().parameters()), entries(torch.nn.Module().buffers())) == (0, 0)


# -- the tests: Bilinear, Upsample, PixelShuffle, padding -----------------------------------------


@budget(0.5)
@given(case=bilinear_cases())
def test_bilinear_matches_torch(case):
    """Bilinear on two inputs with the same leading axes (none too: unbatched)."""
    assert_agree(case)


@budget(0.5)
@given(case=bilinear_cases(valid=False))
def test_bilinear_rejected_like_torch(case):
    """Bilinear: in1/in2_features other than the inputs', leading axes or ranks that differ."""
    assert_both_reject(case)


@budget(1.5)
@given(case=upsample_cases())
@example(case=one(Spec("Upsample", (), dict(scale_factor=1.16)), (1, 1, 25)))
@example(case=one(Spec("Upsample", (), dict(scale_factor=0.29)), (1, 1, 100)))
@example(case=one(Spec("Upsample", (), dict(scale_factor=(1.5, 0.57), mode="bilinear")),
                  (1, 2, 5, 100)))
def test_upsample_matches_torch(case):
    """Upsample by size or scale_factor (int, float, per axis) in every mode for its rank."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_upsample_cases())
def test_upsample_rejected_like_torch(case):
    """Upsample: size and scale_factor both or neither, ranks the mode lacks, wrong lengths,
    outputs below 1, unknown modes."""
    assert_both_reject(case)


@budget(0.5)
@given(case=pixel_shuffle_cases())
def test_pixel_shuffle_matches_torch(case):
    """PixelShuffle and PixelUnshuffle on inputs of rank 3 to 5."""
    assert_agree(case)


@budget(0.5)
@given(case=pixel_shuffle_cases(valid=False))
def test_pixel_shuffle_rejected_like_torch(case):
    """PixelShuffle/PixelUnshuffle: channels or height/width not divisible, rank below 3."""
    assert_both_reject(case)


@budget(1.5)
@given(case=padding_module_cases())
@example(case=one(Spec("ReflectionPad2d", ((1, 2, 0, 3),)), (1, 4, 3)))  # pad one short
@example(case=one(Spec("CircularPad1d", (4,)), (1, 4)))  # circular pad == input
def test_padding_modules_match_torch(case):
    """Zero/Constant/Reflection/Replication/CircularPad 1d/2d/3d: int, tuple or list padding."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_padding_module_cases())
def test_padding_modules_rejected_like_torch(case):
    """Padding modules: reflection padding >= the axis, circular padding > it, wrong rank."""
    assert_both_reject(case)


@budget(0.5)
@given(case=padding_module_cases(sizes=st.integers(-2, 2)))
@example(case=one(Spec("CircularPad1d", ((-1, 2),)), (1, 4)))
@example(case=one(Spec("ZeroPad2d", (-1,)), (1, 3, 3)))
def test_negative_padding_like_torch(case):
    """Negative padding crops (documented for CircularPad): torch's verdict either way."""
    assert_same_verdict(case)


# -- the tests: recurrent, attention, transformer -------------------------------------------------


@budget(2)
@given(case=rnn_cases())
@example(case=Case(Spec("LSTM", (3, 4), dict(proj_size=2, num_layers=2, bidirectional=True,
                                             batch_first=True)),
                   ((2, 5, 3), ((4, 2, 2), (4, 2, 4)))))
def test_rnn_matches_torch(case):
    """RNN/LSTM/GRU: num_layers, bias, batch_first, bidirectional, dropout, proj_size,
    unbatched inputs, with and without initial states: ``out, h_n`` / ``out, (h_n, c_n)``."""
    assert_agree(case)


@budget(1)
@given(case=rejected_rnn_cases())
def test_rnn_rejected_like_torch(case):
    """RNN/LSTM/GRU: input_size, input rank, proj_size, nonlinearity, dropout."""
    assert_both_reject(case)


@budget(0.5)
@given(case=rnn_state_mismatch_cases())
@example(case=Case(Spec("LSTM", (3, 4)), ((5, 2, 3), ((1, 2, 5), (1, 2, 4)))))
@example(case=Case(Spec("GRU", (3, 4)), ((5, 2, 3), (1, 3, 4))))
def test_rnn_initial_state_mismatch_rejected_like_torch(case):
    """RNN/LSTM/GRU: an initial state of the wrong shape."""
    assert_both_reject(case)


@given(case=cell_cases())
def test_cells_match_torch(case):
    """RNNCell/LSTMCell/GRUCell, batched or not, with and without a state."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_cell_cases())
def test_cells_rejected_like_torch(case):
    """Cells: input_size other than the input's, input of rank 3."""
    assert_both_reject(case)


@budget(0.5)
@given(case=cell_state_mismatch_cases())
@example(case=Case(Spec("GRUCell", (3, 4)), ((2, 3), (2, 5))))
def test_cell_state_mismatch_rejected_like_torch(case):
    """Cells: a state of the wrong shape."""
    assert_both_reject(case)


@budget(2)
@given(case=attention_cases())
@example(case=Case(Spec("MultiheadAttention", (4, 2), dict(kdim=3, vdim=5)),
                   ((2, 1, 4), (3, 1, 3), (3, 1, 5))))
@example(case=Case(Spec("MultiheadAttention", (4, 2), dict(add_bias_kv=True, add_zero_attn=True)),
                   ((2, 4), (3, 4), (3, 4)), (("average_attn_weights", False),)))
@example(case=Case(Spec("MultiheadAttention", (4, 2)), ((2, 1, 4),) * 3,
                   (("need_weights", False),)))
def test_multihead_attention_matches_torch(case):
    """MultiheadAttention: kdim/vdim, bias, add_bias_kv, add_zero_attn, batch_first,
    unbatched; called with need_weights and average_attn_weights."""
    assert_agree(case)


@given(case=rejected_attention_cases())
def test_multihead_attention_rejected_like_torch(case):
    """MultiheadAttention: head count, feature sizes, lengths, batch sizes, ranks."""
    assert_both_reject(case)


@given(case=transformer_cases())
def test_transformer_layers_match_torch(case):
    """TransformerEncoderLayer(src) and TransformerDecoderLayer(tgt, memory): every option."""
    assert_agree(case)


@budget(0.5)
@given(case=rejected_transformer_cases())
def test_transformer_layers_rejected_like_torch(case):
    """Transformer layers: d_model not divisible by nhead, wrong features, wrong rank."""
    assert_both_reject(case)


@budget(0.25)
@given(case=decoder_memory_mismatch_cases())
@example(case=Case(Spec("TransformerDecoderLayer", (4, 2, 8)), ((3, 2, 4), (5, 3, 4))))
@example(case=Case(Spec("TransformerDecoderLayer", (4, 2, 8)), ((3, 2, 4), (5, 4))))
def test_decoder_memory_mismatch_rejected_like_torch(case):
    """TransformerDecoderLayer: memory batched differently from the target."""
    assert_both_reject(case)



# -- symbolic models ------------------------------------------------------------------------------


def bound_outcome(bound, values=None) -> Outcome:
    return Outcome(tuple(number(n, values) for n in bound.output_shape),
                   number(bound.params, values), number(bound.buffers, values))


def condition_fails(condition, values) -> bool:
    lhs, rhs = number(condition.lhs, values), number(condition.rhs, values)
    return lhs != rhs if condition.kind == "equal" else rhs % lhs != 0


def check_model_against_torch(model: Model, torch_modules: list, values: dict) -> None:
    """A symbolic model, evaluated at ``values`` (symbol -> int), against torch modules.

    torch runs the modules one after another on zeros of the input shape. If a
    module rejects its input, ``model.subs`` must raise ShapeError naming the same
    layer, and the symbolic formulas must say why (an output below 1, or a
    condition that fails there). Otherwise every layer's output shape, parameters
    and buffers, from ``model.subs`` and from the symbolic formulas, must equal
    torch's, and so must the totals.
    """
    names = {s.name: v for s, v in values.items()}
    x = torch.zeros(tuple(number(n, values) for n in model.input_shape))
    expected = []
    with torch.no_grad():
        for module in torch_modules:
            try:
                x = module.eval()(x)
            except Exception:  # noqa: BLE001 - any rejection by torch
                break
            expected.append(Outcome(tuple(x.shape), entries(module.parameters()),
                                    entries(module.buffers())))
    symbolic = model.layers
    assert len(symbolic) == len(torch_modules)
    if len(expected) < len(torch_modules):
        event("torch rejects the sizes")
        failing = symbolic[len(expected)]
        with pytest.raises(ShapeError) as error:
            model.subs(**names)
        assert f"'{failing.name}'" in (error.value.layer or ""), error.value
        below_1 = min(number(n, values) for n in failing.output_shape) < 1
        assert below_1 or any(condition_fails(c, values) for c in failing.conditions)
        return
    event("torch accepts")
    numeric = model.subs(**names)
    assert [bound_outcome(b) for b in numeric.layers] == expected
    assert [bound_outcome(b, values) for b in symbolic] == expected
    params = sum(o.params for o in expected)
    buffers = sum(o.buffers for o in expected)
    assert number(numeric.params) == number(model.params, values) == params
    assert number(numeric.buffers) == number(model.buffers, values) == buffers
    assert tuple(number(n) for n in numeric.output_shape) == tuple(x.shape)


N, C, H, W, L, D, K, S = dims("N C H W L D K S")
SYMBOL_RANGES = {N: (1, 3), C: (1, 3), H: (1, 40), W: (1, 40), L: (1, 60), D: (1, 6),
                 K: (1, 4), S: (1, 3)}
#: In the ranges where the linear head fits, so that both verdicts are drawn often.
FITTING = {"cnn2d": {H: (21, 28), W: (21, 28)}, "cnn1d": {L: (8, 40)},
           "cnn3d": {D: (2, 4), H: (2, 4), W: (2, 4)}}
SYMBOLIC_ARCHITECTURES = {
    "cnn2d": ((N, C, H, W), [
        Spec("Conv2d", (C, 8, 3), dict(stride=2, padding=1)), Spec("BatchNorm2d", (8,)),
        Spec("ReLU"), Spec("MaxPool2d", (2,), dict(ceil_mode=True)), Spec("Conv2d", (8, 16, 3)),
        Spec("AvgPool2d", (2,)), Spec("Flatten"), Spec("Linear", (64, 10))]),
    "cnn1d": ((N, C, L), [
        Spec("Conv1d", (C, 4, K), dict(stride=S, padding=1)), Spec("GroupNorm", (2, 4)),
        Spec("MaxPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True)),
        Spec("Conv1d", (4, 6, 3), dict(dilation=2)), Spec("GELU"), Spec("Flatten"),
        Spec("Linear", (12, 3))]),
    "cnn3d": ((N, C, D, H, W), [
        Spec("Conv3d", (C, 2, (1, 3, 3)), dict(padding=(0, 1, 1))),
        Spec("InstanceNorm3d", (2,), dict(affine=True, track_running_stats=True)),
        Spec("MaxPool3d", (2,), dict(ceil_mode=True)), Spec("Flatten"),
        Spec("Linear", (16, 5))]),
}


@functools.cache
def symbolic_model(architecture: str) -> Model:
    input_shape, specs = SYMBOLIC_ARCHITECTURES[architecture]
    x = Tensor(input_shape)
    out = x
    for spec in specs:
        out = spec.symparams()(out)
    return Model(x, out)


@st.composite
def symbol_values(draw) -> dict:
    """A size for every symbol; three times in four, sizes around where one architecture's
    linear head fits (so that torch's verdict goes both ways)."""
    regime = FITTING.get(draw(st.sampled_from([None, *sorted(FITTING)])), {})
    return {symbol: draw(st.integers(*regime.get(symbol, SYMBOL_RANGES[symbol])))
            for symbol in SYMBOL_RANGES}


@pytest.mark.parametrize("architecture", sorted(SYMBOLIC_ARCHITECTURES))
@given(values=symbol_values())
@example(values={N: 1, C: 1, H: 4, W: 4, L: 3, D: 1, K: 3, S: 1})  # fails in a second conv
@example(values={N: 2, C: 3, H: 28, W: 23, L: 10, D: 3, K: 3, S: 1})  # the heads fit
def test_symbolic_model_matches_torch(architecture, values):
    """Conv/pool/norm stacks on symbolic (N, C, H, W)-style inputs (kernel and stride symbolic
    in the 1D one), a Flatten and a Linear with a numeric in_features: at drawn sizes, every
    layer against torch, and a ShapeError naming the layer where torch fails."""
    model = symbolic_model(architecture)
    values = {s: v for s, v in values.items() if s in model.free_symbols}
    specs = SYMBOLIC_ARCHITECTURES[architecture][1]
    check_model_against_torch(model, [spec.torch(values) for spec in specs], values)


def test_symbolic_model_has_the_linear_condition():
    """The 2D CNN's Linear keeps in_features = 16*(...)**2 as an open condition."""
    model = symbolic_model("cnn2d")
    assert [name for name, c in model.conditions if c.kind != "at_least"] == ["linear"]
    with pytest.raises(ShapeError, match=r"'linear'"):
        model.subs(N=2, C=3, H=32, W=32)
    assert model.subs(N=2, C=3, H=28, W=28).output_shape == (2, 10)


# -- coverage -------------------------------------------------------------------------------------

COVERED = {
    "Linear", "Identity", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
    "ConvTranspose3d", "Sequential", "Module", "Embedding",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", *BATCH_NORM_RANKS, *INSTANCE_NORM_RANKS,
    "LayerNorm", "RMSNorm", "GroupNorm", *ELEMENTWISE, *ALONG_DIM, "Softmax2d", "GLU", "PReLU",
    *DROPOUTS, "Flatten", "Unflatten", "Bilinear", "Upsample", "PixelShuffle", "PixelUnshuffle",
    *(f"{kind}{rank}d" for kind in PAD_KINDS for rank in RANKS),
    "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
    "TransformerEncoderLayer", "TransformerDecoderLayer",
}


# symparams's own transformer building blocks: no torch.nn class has their names; they are
# checked against torch compositions in tests/test_transformer_blocks.py.
BUILDING_BLOCKS = set(transformer_blocks.__all__)


def test_every_module_is_covered():
    """Every module symparams.nn exports is checked against torch here (or is a building block)."""
    assert set(nn.__all__) - COVERED - BUILDING_BLOCKS == set()
    assert all(hasattr(torch.nn, name) for name in set(nn.__all__) - BUILDING_BLOCKS)
