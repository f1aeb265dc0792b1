"""Keras as the oracle for the second round of layers (see ``tests/test_oracle_keras.py``).

Same pattern: hypothesis draws a configuration and a numeric input shape, the
same arguments build a ``symparams.layers`` layer and a ``keras.layers`` layer,
Keras runs a real forward pass on ``(1, *input_shape)`` and its output shape
and trainable and non-trainable weight sizes are the expected values.
Configurations Keras rejects are drawn too, and symparams must reject them.

Where Keras (with the torch backend) differs from its own rule, the
difference is pinned in a test of its own rather than drawn at random:

* a transposed convolution can give a length-0 axis (input length 1, an even
  kernel, ``'same'``, ``output_padding=0``): Keras returns an empty tensor,
  symparams refuses the shape (every output size must be at least 1);
* ``ZeroPadding2D``/``ZeroPadding3D`` with a negative int crop on the torch
  backend (other backends raise; a negative entry of a tuple is refused):
  symparams refuses;
* ``LayerNormalization`` over a run of adjacent axes that does not end with the
  last axis fails on the torch backend (``F.layer_norm`` wants trailing axes),
  unless the sizes happen to match; symparams counts what Keras's rule builds;
* ``LayerNormalization``/``GroupNormalization`` over the batch axis build
  weights sized by the batch (1 here); symparams refuses the batch axis;
* ``UpSampling2D(interpolation='lanczos3')`` is refused by the torch backend
  only; symparams accepts every interpolation Keras documents.

Examples per family under the ``ci`` profile (60 per test by default, see
:func:`budget`; "+N" are explicit ``@example`` cases; rejected configurations
are drawn per flaw, so each flaw gets its share):

* Conv1D/2D/3DTranspose (kernel, strides, dilation, output_padding as None,
  int or tuple, padding, both data formats, use_bias, activation): 300 + 3
  accepted (about 1 in 15 with a length-0 Keras axis), 150 rejected (5 flaws)
* DepthwiseConv1D/2D and SeparableConv1D/2D (strides together with dilation,
  depth_multiplier, filters, both data formats): 300 + 2 accepted, 120
  rejected (4 flaws)
* UpSampling1D/2D/3D (size, interpolation, both data formats): 180 accepted,
  90 rejected
* ZeroPadding1D/2D/3D (int, pairs, mixed): 180 accepted, 90 rejected
* Cropping1D/2D/3D: 180 + 1 accepted, 60 rejected
* Permute: 60 accepted, 60 rejected; RepeatVector: 30 accepted, 15 rejected
* Embedding (input rank 1-3, mask_zero, lora_rank): 120 accepted, 30 rejected
* LayerNormalization (int or list axes, both signs, center, scale,
  rms_scaling): 180 accepted, 60 rejected
* RMSNormalization (trailing runs of axes, either sign): 60 accepted, 30
  rejected
* GroupNormalization (groups incl. -1, any axis, center, scale): 120
  accepted, 60 rejected (4 flaws)
* UnitNormalization (incl. the batch axis and empty lists): 60 accepted,
  60 rejected
* SpatialDropout1D/2D/3D: 90 accepted, 60 rejected; GaussianDropout,
  GaussianNoise, AlphaDropout, ActivityRegularization: 120 accepted, 60
  rejected
* Symbolic models: 60 for each of 3 architectures with symbolic sizes,
  filters, kernels, strides, groups, paddings and crops (180), and 60
  symbolic Embedding models on integer inputs
* The Keras differences above: 5 pinned tests
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from symparams import Sequential, ShapeError, dims

from .test_oracle_keras import (
    DATA_FORMATS, MAX_CHANNELS, MAX_SPATIAL, MAX_WINDOW, REJECTIONS, SMALL, Case, Spec,
    assert_agree, assert_both_reject, budget, bound_outcome, check_model_against_keras, expand,
    full_shape, keras_counts_and_shape, keras_outcome, keras_rejects, number, per_axis,
    shapes, symparams_counts_and_shape, weight_count, window_reach,
)

pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def assert_agree_or_empty(case: Case) -> None:
    """Keras and symparams agree, except that a length-0 Keras output is refused by symparams."""
    outcome = keras_counts_and_shape(case.spec.keras(), case.input_shape)
    if 0 in outcome.output_shape:
        event("Keras returns a length-0 axis")
        with pytest.raises(ShapeError, match=r"would be 0, below 1"):
            symparams_counts_and_shape(case.spec.symparams(), case.input_shape)
        return
    assert symparams_counts_and_shape(case.spec.symparams(), case.input_shape) == outcome, \
        f"{case.spec} on {case.input_shape}"


# -- transposed convolutions -----------------------------------------------------------------


@st.composite
def output_paddings(draw, rank: int, strides):
    """None, or each entry below its stride (an int must be below every stride)."""
    limits = expand(strides, rank)
    if draw(st.booleans()):
        return None
    if draw(st.booleans()):
        return draw(st.integers(0, min(limits) - 1))
    return tuple(draw(st.integers(0, s - 1)) for s in limits)


@st.composite
def conv_transpose_cases(draw) -> Case:
    rank = draw(st.sampled_from((1, 2, 3)))
    event(f"Conv{rank}DTranspose")
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    if draw(st.booleans()):  # Keras allows dilation only with unit strides
        strides, dilation = 1, draw(per_axis(rank, st.integers(1, 3)))
    else:
        strides, dilation = draw(per_axis(rank, st.integers(1, 4))), 1
    output_padding = draw(output_paddings(rank, strides))
    event("output_padding=None" if output_padding is None else "output_padding given")
    data_format = draw(DATA_FORMATS)
    spec = Spec(f"Conv{rank}DTranspose", (draw(SMALL), kernel), dict(
        strides=strides, padding=draw(st.sampled_from(["valid", "same"])),
        output_padding=output_padding, data_format=data_format, dilation_rate=dilation,
        use_bias=draw(st.booleans()), activation=draw(st.sampled_from([None, "relu"]))))
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank] - 2)) for _ in range(rank))
    return Case(spec, full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


TRANSPOSE_FLAWS = ("output_padding_not_below_strides", "strides_with_dilation", "causal",
                   "wrong_input_rank", "zero_kernel")


@st.composite
def rejected_conv_transpose_cases(draw, flaw: str) -> Case:
    rank = draw(st.sampled_from((1, 2, 3)))
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    strides, dilation, output_padding, padding = 1, 1, None, "valid"
    if flaw == "output_padding_not_below_strides":
        strides = draw(st.integers(1, 3))
        output_padding = [draw(st.integers(0, strides - 1)) for _ in range(rank)]
        output_padding[draw(st.integers(0, rank - 1))] = draw(st.integers(strides, strides + 2))
        output_padding = tuple(output_padding)
    elif flaw == "strides_with_dilation":
        strides, dilation = draw(st.integers(2, 3)), draw(per_axis(rank, st.integers(2, 3)))
    elif flaw == "causal":
        padding = "causal"
    elif flaw == "zero_kernel":
        kernel = [draw(st.integers(1, 3)) for _ in range(rank)]
        kernel[draw(st.integers(0, rank - 1))] = 0
        kernel = tuple(kernel)
    data_format = draw(DATA_FORMATS)
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank] - 2)) for _ in range(rank))
    if flaw == "wrong_input_rank":
        spatial = spatial + (draw(st.integers(1, 4)),) if draw(st.booleans()) else spatial[1:]
    spec = Spec(f"Conv{rank}DTranspose", (draw(SMALL), kernel), dict(
        strides=strides, padding=padding, output_padding=output_padding,
        data_format=data_format, dilation_rate=dilation))
    return Case(spec, full_shape(spatial, draw(SMALL), data_format))


@budget(5)
@given(case=conv_transpose_cases())
@example(case=Case(Spec("Conv2DTranspose", (3, 4), dict(strides=2, padding="same",
                                                         output_padding=1)), (5, 4, 2)))
@example(case=Case(Spec("Conv3DTranspose", (2, (1, 2, 3)), dict(
    strides=(3, 1, 2), padding="same", output_padding=(2, 0, 1),
    data_format="channels_first")), (2, 4, 5, 3)))
@example(case=Case(Spec("Conv1DTranspose", (2, 1), dict(strides=4)), (5, 3)))  # stride > kernel
def test_conv_transpose_matches_keras(case):
    """Conv1D/2D/3DTranspose: shapes and counts (a length-0 Keras output is refused)."""
    assert_agree_or_empty(case)


@pytest.mark.parametrize("flaw", TRANSPOSE_FLAWS)
@budget(0.5)
@given(data=st.data())
def test_conv_transpose_rejected_like_keras(flaw, data):
    """Conv1D/2D/3DTranspose: configurations Keras rejects."""
    assert_both_reject(data.draw(rejected_conv_transpose_cases(flaw)))


def test_conv_transpose_length_0_output_is_refused():
    """Pinned: Keras returns a length-0 axis (n=1, kernel 2, 'same', output_padding=0)."""
    case = Case(Spec("Conv1DTranspose", (2, 2), dict(padding="same", output_padding=0)), (1, 3))
    assert keras_counts_and_shape(case.spec.keras(), case.input_shape).output_shape == (0, 2)
    with pytest.raises(ShapeError, match=r"output dimension 0 would be 0, below 1"):
        symparams_counts_and_shape(case.spec.symparams(), case.input_shape)


# -- depthwise and separable convolutions ------------------------------------------------------


@st.composite
def depthwise_cases(draw) -> Case:
    rank = draw(st.sampled_from((1, 2)))
    kind = draw(st.sampled_from(["DepthwiseConv", "SeparableConv"]))
    event(f"{kind}{rank}D")
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    strides = draw(per_axis(rank, st.integers(1, 3)))
    dilation = draw(per_axis(rank, st.integers(1, 3)))  # together with strides: Keras allows it
    padding = draw(st.sampled_from(["valid", "same"]))
    data_format = draw(DATA_FORMATS)
    kwargs = dict(strides=strides, padding=padding, data_format=data_format,
                  dilation_rate=dilation, depth_multiplier=draw(st.integers(1, 3)),
                  use_bias=draw(st.booleans()), activation=draw(st.sampled_from([None, "relu"])))
    args = (kernel,) if kind == "DepthwiseConv" else (draw(SMALL), kernel)
    shortest = (1,) * rank if padding == "same" else tuple(
        window_reach(k, d) for k, d in zip(expand(kernel, rank), expand(dilation, rank)))
    spatial = tuple(draw(st.integers(low, low + MAX_SPATIAL[rank])) for low in shortest)
    return Case(Spec(f"{kind}{rank}D", args, kwargs),
                full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


DEPTHWISE_FLAWS = ("output_below_1", "causal", "zero_depth_multiplier", "wrong_input_rank")


@st.composite
def rejected_depthwise_cases(draw, flaw: str) -> Case:
    case = draw(depthwise_cases())
    kwargs, shape = dict(case.spec.kwargs), list(case.input_shape)
    rank = int(case.spec.name[-2])
    if flaw == "output_below_1":
        kwargs["padding"] = "valid"
        kernel = expand(case.spec.args[-1], rank)
        dilation = expand(kwargs["dilation_rate"], rank)
        axis = draw(st.integers(0, rank - 1))
        reach = window_reach(kernel[axis], dilation[axis])
        if reach == 1:  # a kernel of 1 takes any input: make it longer
            kernel = list(kernel)
            kernel[axis] = 2
            case = case._replace(spec=Spec(case.spec.name, (*case.spec.args[:-1], tuple(kernel)),
                                           kwargs))
            reach = window_reach(2, dilation[axis])
        offset = 0 if kwargs["data_format"] == "channels_last" else 1
        shape[axis + offset] = draw(st.integers(1, reach - 1))
    elif flaw == "causal":
        kwargs["padding"] = "causal"
    elif flaw == "zero_depth_multiplier":
        kwargs["depth_multiplier"] = 0
    else:
        shape = shape + [draw(st.integers(1, 3))] if draw(st.booleans()) else shape[1:]
    return Case(Spec(case.spec.name, case.spec.args, kwargs), tuple(shape))


@budget(5)
@given(case=depthwise_cases())
@example(case=Case(Spec("DepthwiseConv1D", (3,), dict(strides=2, dilation_rate=2)), (11, 3)))
@example(case=Case(Spec("SeparableConv2D", (4, 3), dict(
    strides=2, dilation_rate=2, padding="same", depth_multiplier=2)), (11, 9, 3)))
def test_depthwise_and_separable_match_keras(case):
    """DepthwiseConv1D/2D and SeparableConv1D/2D: shapes and counts."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", DEPTHWISE_FLAWS)
@budget(0.5)
@given(data=st.data())
def test_depthwise_and_separable_rejected_like_keras(flaw, data):
    """DepthwiseConv1D/2D and SeparableConv1D/2D: configurations Keras rejects."""
    assert_both_reject(data.draw(rejected_depthwise_cases(flaw)))


# -- reshaping ---------------------------------------------------------------------------------


@st.composite
def up_sampling_cases(draw, ranks=(1, 2, 3)) -> Case:
    rank = draw(st.sampled_from(ranks))
    event(f"UpSampling{rank}D")
    if rank == 1:
        spec, data_format = Spec("UpSampling1D", (draw(st.integers(1, 4)),)), "channels_last"
    else:
        data_format = draw(DATA_FORMATS)
        kwargs = dict(size=draw(per_axis(rank, st.integers(1, 3))), data_format=data_format)
        if rank == 2:
            kwargs["interpolation"] = draw(st.sampled_from(
                ["nearest", "bilinear", "bicubic", "Bilinear", "NEAREST"]))
        spec = Spec(f"UpSampling{rank}D", (), kwargs)
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank] // 2)) for _ in range(rank))
    return Case(spec, full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


UP_SAMPLING_FLAWS = ("zero_size", "interpolation", "wrong_input_rank")


@st.composite
def rejected_up_sampling_cases(draw, flaw: str) -> Case:
    case = draw(up_sampling_cases(ranks=(2,) if flaw == "interpolation" else (1, 2, 3)))
    rank = int(case.spec.name[-2])
    if flaw == "zero_size":
        if rank == 1:
            return case._replace(spec=Spec("UpSampling1D", (0,)))
        size = [1] * rank
        size[draw(st.integers(0, rank - 1))] = 0
        return case._replace(spec=Spec(case.spec.name, (), {**case.spec.kwargs,
                                                             "size": tuple(size)}))
    if flaw == "interpolation":
        name = draw(st.sampled_from(["area", "linear", "trilinear", "cubic", "gaussian"]))
        return case._replace(spec=Spec(case.spec.name, (), {**case.spec.kwargs,
                                                             "interpolation": name}))
    shape = case.input_shape
    return case._replace(input_shape=shape + (2,) if draw(st.booleans()) else shape[1:])


@budget(3)
@given(case=up_sampling_cases())
def test_up_sampling_matches_keras(case):
    """UpSampling1D/2D/3D: size, interpolation (2D), both data formats."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", UP_SAMPLING_FLAWS)
@budget(0.5)
@given(data=st.data())
def test_up_sampling_rejected_like_keras(flaw, data):
    """UpSampling1D/2D/3D: a size of 0, an unknown interpolation (2D), a wrong input rank."""
    assert_both_reject(data.draw(rejected_up_sampling_cases(flaw)))


def test_up_sampling_lanczos_is_accepted():
    """Pinned: Keras documents lanczos3/lanczos5; only its torch backend refuses them."""
    case = Case(Spec("UpSampling2D", (), dict(interpolation="lanczos3")), (3, 4, 2))
    assert keras_rejects(case)
    assert symparams_counts_and_shape(case.spec.symparams(), case.input_shape) == \
        ((6, 8, 2), 0, 0)


@st.composite
def sides(draw, rank: int, low: int = 0, high: int = 3):
    """A padding or cropping argument as Keras takes it: an int, a pair, pairs, or a mix."""
    side = st.integers(low, high)
    pair = st.tuples(side, side)
    if rank == 1:
        return draw(side | pair)
    return draw(side | st.tuples(*[side | pair] * rank))


def as_pairs(value, rank: int) -> list:
    if rank == 1:
        return [value if isinstance(value, tuple) else (value, value)]
    if isinstance(value, int):
        return [(value, value)] * rank
    return [v if isinstance(v, tuple) else (v, v) for v in value]


@st.composite
def zero_padding_cases(draw) -> Case:
    rank = draw(st.sampled_from((1, 2, 3)))
    event(f"ZeroPadding{rank}D")
    data_format = draw(DATA_FORMATS)
    spec = Spec(f"ZeroPadding{rank}D", (draw(sides(rank)),), dict(data_format=data_format))
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank] // 2)) for _ in range(rank))
    return Case(spec, full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


ZERO_PADDING_FLAWS = ("negative_entry", "wrong_length", "wrong_input_rank")


@st.composite
def rejected_zero_padding_cases(draw, flaw: str) -> Case:
    case = draw(zero_padding_cases())
    rank = int(case.spec.name[-2])
    if flaw == "wrong_input_rank":
        shape = case.input_shape
        return case._replace(input_shape=shape + (2,) if draw(st.booleans()) else shape[1:])
    if flaw == "negative_entry":
        if rank == 1:  # ZeroPadding1D refuses a negative int too
            padding = draw(st.integers(-3, -1) | st.tuples(st.integers(-3, -1), SMALL))
        else:
            pairs = [list(p) for p in as_pairs(case.spec.args[0], rank)]
            pairs[draw(st.integers(0, rank - 1))][draw(st.integers(0, 1))] = \
                draw(st.integers(-3, -1))
            padding = tuple(tuple(p) for p in pairs)
    else:
        length = rank + draw(st.sampled_from([-1, 1] if rank > 1 else [2]))
        padding = tuple(draw(st.integers(0, 2)) for _ in range(length))
    return case._replace(spec=Spec(case.spec.name, (padding,), case.spec.kwargs))


@budget(3)
@given(case=zero_padding_cases())
def test_zero_padding_matches_keras(case):
    """ZeroPadding1D/2D/3D: an int, pairs, or a mix, both data formats."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", ZERO_PADDING_FLAWS)
@budget(0.5)
@given(data=st.data())
def test_zero_padding_rejected_like_keras(flaw, data):
    """ZeroPadding1D/2D/3D: negative entries, wrong lengths, wrong input rank."""
    assert_both_reject(data.draw(rejected_zero_padding_cases(flaw)))


def test_zero_padding_negative_int_is_refused():
    """Pinned: Keras's torch backend crops with ZeroPadding2D(-1); symparams refuses it."""
    case = Case(Spec("ZeroPadding2D", (-1,)), (5, 5, 3))
    assert keras_counts_and_shape(case.spec.keras(), case.input_shape).output_shape == (3, 3, 3)
    with pytest.raises(REJECTIONS):
        symparams_counts_and_shape(case.spec.symparams(), case.input_shape)


@st.composite
def cropping_cases(draw, fits: bool = True) -> Case:
    rank = draw(st.sampled_from((1, 2, 3)))
    event(f"Cropping{rank}D")
    cropping = draw(sides(rank, low=0 if fits else 1))
    if rank == 1:
        spec, data_format = Spec("Cropping1D", (cropping,)), "channels_last"
    else:
        data_format = draw(DATA_FORMATS)
        spec = Spec(f"Cropping{rank}D", (cropping,), dict(data_format=data_format))
    pairs = as_pairs(cropping, rank)
    spatial = [sum(p) + draw(st.integers(1, 4)) for p in pairs]
    if not fits:  # one axis no longer than what is cropped from it
        axis = draw(st.integers(0, rank - 1))
        spatial[axis] = draw(st.integers(1, sum(pairs[axis])))
    return Case(spec, full_shape(tuple(spatial), draw(st.integers(1, MAX_CHANNELS[rank])),
                                 data_format))


@st.composite
def rejected_cropping_cases(draw, flaw: str) -> Case:
    if flaw == "too_much":
        return draw(cropping_cases(fits=False))
    case = draw(cropping_cases())
    value = draw(st.integers(-3, -1))
    cropping = value if draw(st.booleans()) else (value, 1)
    if case.spec.name != "Cropping1D" and not isinstance(cropping, int):
        cropping = (cropping,) * int(case.spec.name[-2])
    return case._replace(spec=Spec(case.spec.name, (cropping,), case.spec.kwargs))


@budget(3)
@given(case=cropping_cases())
@example(case=Case(Spec("Cropping2D", (((0, 3), 1),), dict(data_format="channels_first")),
                   (2, 4, 3)))  # leaves exactly one row
def test_cropping_matches_keras(case):
    """Cropping1D/2D/3D: an int, pairs, or a mix, both data formats."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", ["too_much", "negative"])
@budget(0.5)
@given(data=st.data())
def test_cropping_rejected_like_keras(flaw, data):
    """Cropping1D/2D/3D: crops that leave nothing, negative crops."""
    assert_both_reject(data.draw(rejected_cropping_cases(flaw)))


@budget(1)
@given(data=st.data())
def test_permute_matches_keras(data):
    """Permute: any permutation of 1..rank."""
    rank = data.draw(st.integers(1, 4))
    order = tuple(data.draw(st.permutations(range(1, rank + 1))))
    assert_agree(Case(Spec("Permute", (order,)), data.draw(shapes(rank, rank))))


@pytest.mark.parametrize("flaw", ["zero", "repeat", "gap", "wrong_input_rank"])
@budget(0.25)
@given(data=st.data())
def test_permute_rejected_like_keras(flaw, data):
    """Permute: not a permutation of 1..rank, or an input of another rank."""
    rank = data.draw(st.integers(1, 4))
    order = list(data.draw(st.permutations(range(1, rank + 1))))
    input_rank = rank
    if flaw == "zero":
        order[data.draw(st.integers(0, rank - 1))] = 0
    elif flaw == "repeat" and rank > 1:
        order[0] = order[-1]
    elif flaw == "gap" or flaw == "repeat":
        order[order.index(max(order))] = rank + data.draw(st.integers(1, 2))
    else:
        input_rank = data.draw(st.sampled_from([r for r in (rank - 1, rank + 1) if r >= 1]))
    assert_both_reject(Case(Spec("Permute", (tuple(order),)),
                            data.draw(shapes(input_rank, input_rank))))


@budget(0.5)
@given(n=st.integers(1, 5), features=st.integers(1, 8))
def test_repeat_vector_matches_keras(n, features):
    """RepeatVector."""
    assert_agree(Case(Spec("RepeatVector", (n,)), (features,)))


@budget(0.25)
@given(n=st.integers(-2, 5), input_shape=shapes(1, 3))
def test_repeat_vector_rejected_like_keras(n, input_shape):
    """RepeatVector: n below 1, or an input that is not a vector."""
    if n >= 1 and len(input_shape) == 1:
        input_shape = input_shape + (2,)
    assert_both_reject(Case(Spec("RepeatVector", (n,)), input_shape))


# -- embedding -------------------------------------------------------------------------------


def keras_embedding_outcome(spec: Spec, input_shape: tuple, values=None):
    layer = spec.keras(values)
    indices = np.random.default_rng(0).integers(0, layer.input_dim, size=(1, *input_shape))
    return keras_outcome(layer, layer(indices))


@st.composite
def embedding_cases(draw) -> Case:
    spec = Spec("Embedding", (draw(st.integers(1, 50)), draw(st.integers(1, 8))), dict(
        mask_zero=draw(st.booleans()), lora_rank=draw(st.none() | st.integers(1, 4))))
    return Case(spec, draw(shapes(1, 3)))


@budget(2)
@given(case=embedding_cases())
def test_embedding_matches_keras(case):
    """Embedding on integer inputs of rank 1 to 3, with mask_zero and LoRA."""
    expected = keras_embedding_outcome(case.spec, case.input_shape)
    assert symparams_counts_and_shape(case.spec.symparams(), case.input_shape) == expected


@budget(0.5)
@given(case=embedding_cases(), flaw=st.sampled_from(["input_dim", "output_dim", "lora"]))
def test_embedding_rejected_like_keras(case, flaw):
    """Embedding: sizes below 1, LoRA with an embeddings constraint."""
    args, kwargs = list(case.spec.args), dict(case.spec.kwargs)
    if flaw == "lora":
        kwargs.update(lora_rank=2, embeddings_constraint="non_neg")
    else:
        args[0 if flaw == "input_dim" else 1] = 0
    spec = Spec("Embedding", tuple(args), kwargs)
    with pytest.raises(Exception):  # noqa: B017 - any rejection by Keras counts
        keras_embedding_outcome(spec, case.input_shape)
    with pytest.raises(REJECTIONS):
        symparams_counts_and_shape(spec.symparams(), case.input_shape)


# -- normalization ---------------------------------------------------------------------------


def torch_layer_norm_fails(axis, rank: int) -> bool:
    """Keras's torch fast path: adjacent axes (as written, sorted) that are not the last ones.

    ``rank`` counts the batch axis. ``F.layer_norm`` only normalizes trailing
    axes, so Keras-on-torch fails there unless the sizes happen to match.
    """
    written = sorted([axis] if isinstance(axis, int) else axis)
    adjacent = len(written) <= 1 or (written[1] - written[0] in (1, -1) and all(
        b - a == written[1] - written[0] for a, b in zip(written, written[1:])))
    axes = sorted(a % rank for a in written)
    return adjacent and axes != list(range(rank - len(axes), rank))


@st.composite
def axes_of(draw, rank: int, allow_batch: bool = False):
    """Distinct axes in Keras numbering (``rank`` counts the batch), each either sign."""
    low = 0 if allow_batch else 1
    chosen = draw(st.lists(st.integers(low, rank - 1), min_size=1, max_size=rank - low,
                           unique=True))
    written = [a - rank if draw(st.booleans()) else a for a in chosen]
    if len(written) == 1 and draw(st.booleans()):
        return written[0]
    return written if draw(st.booleans()) else tuple(written)


@st.composite
def layer_norm_cases(draw, flaw: str | None = None) -> Case:
    input_shape = draw(shapes(1, 3))
    rank = len(input_shape) + 1
    rms = draw(st.booleans())
    if flaw is None:
        axis = draw(axes_of(rank))
        if not rms and torch_layer_norm_fails(axis, rank):  # the trailing axes instead
            count = 1 if isinstance(axis, int) else len(axis)
            axis = [a - rank if draw(st.booleans()) else a for a in range(rank - count, rank)]
    else:
        drawn = draw(axes_of(rank))
        axis = [drawn] if isinstance(drawn, int) else list(drawn)
        if flaw == "out_of_range":
            axis[draw(st.integers(0, len(axis) - 1))] = draw(
                st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
        else:  # the same axis twice, possibly once negative
            first = axis[0] % rank
            axis.append(first - rank if draw(st.booleans()) else first)
    event("rms_scaling" if rms else "plain")
    spec = Spec("LayerNormalization", (), dict(
        axis=axis, center=draw(st.booleans()), scale=draw(st.booleans()), rms_scaling=rms))
    return Case(spec, input_shape)


@budget(3)
@given(case=layer_norm_cases())
def test_layer_normalization_matches_keras(case):
    """LayerNormalization: int or list axes of either sign, center, scale, rms_scaling."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", ["out_of_range", "repeated"])
@budget(0.5)
@given(data=st.data())
def test_layer_normalization_rejected_like_keras(flaw, data):
    """LayerNormalization: axes out of range, or the same axis twice."""
    assert_both_reject(data.draw(layer_norm_cases(flaw)))


def test_layer_normalization_keras_torch_limits():
    """Pinned: adjacent non-trailing axes fail on torch; the batch axis builds batch-sized weights.

    symparams counts what Keras's rule builds in the first case, and refuses
    the batch axis in the second (it does not know the batch size).
    """
    adjacent = Case(Spec("LayerNormalization", (), dict(axis=1)), (5, 4, 3))
    assert keras_rejects(adjacent)
    assert symparams_counts_and_shape(adjacent.spec.symparams(), adjacent.input_shape) == \
        (adjacent.input_shape, 10, 0)
    batch = Case(Spec("LayerNormalization", (), dict(axis=[0, 2])), (5, 4, 3))
    assert keras_counts_and_shape(batch.spec.keras(), batch.input_shape).trainable == 2 * 1 * 4
    with pytest.raises(ShapeError, match=r"includes the batch axis"):
        symparams_counts_and_shape(batch.spec.symparams(), batch.input_shape)


@st.composite
def rms_norm_cases(draw, flaw: str | None = None) -> Case:
    """RMSNormalization: the axes LayerNormalization's cases draw, as its own Spec.

    Accepted cases normalize a run of trailing axes written with one sign: Keras's
    torch backend fails on other runs (as for LayerNormalization), and with mixed
    signs Keras shapes ``scale`` in the sorted *written* order, (3, 2) for
    ``axis=[-1, 1]`` on (2, 3), and its output broadcasts to a wrong shape. The
    count, a product, is the same in every order.
    """
    if flaw is not None:
        case = draw(layer_norm_cases(flaw))
        return Case(Spec("RMSNormalization", (), dict(axis=case.spec.kwargs["axis"])),
                    case.input_shape)
    input_shape = draw(shapes(1, 3))
    rank = len(input_shape) + 1
    count = draw(st.integers(1, rank - 1))
    shift = -rank if draw(st.booleans()) else 0
    axis = [a + shift for a in range(rank - count, rank)]
    return Case(Spec("RMSNormalization", (), dict(axis=axis[0] if count == 1 and
                                                   draw(st.booleans()) else axis)), input_shape)


@budget(1)
@given(case=rms_norm_cases())
def test_rms_normalization_matches_keras(case):
    """RMSNormalization: one scale per normalized entry, int or list axes of either sign."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", ["out_of_range", "repeated"])
@budget(0.25)
@given(data=st.data())
def test_rms_normalization_rejected_like_keras(flaw, data):
    assert_both_reject(data.draw(rms_norm_cases(flaw)))


GROUP_NORM_FLAWS = ("not_a_multiple", "more_groups", "bad_groups", "axis_out_of_range")


@st.composite
def group_norm_cases(draw, flaw: str | None = None) -> Case:
    rank = draw(st.integers(1, 3))
    axis = draw(st.integers(1, rank) | st.integers(-rank, -1))
    groups = draw(st.integers(1, 4) | st.just(-1))
    per_group = draw(st.integers(1, 3))
    channels = per_group * (groups if groups > 0 else draw(st.integers(1, 4)))
    if flaw is not None:
        if flaw == "not_a_multiple":
            groups = draw(st.integers(2, 4))
            channels = groups * draw(st.integers(1, 2)) + draw(st.integers(1, groups - 1))
        elif flaw == "more_groups":
            channels, groups = draw(st.integers(1, 3)), draw(st.integers(4, 6))
        elif flaw == "bad_groups":
            groups = draw(st.sampled_from([0, -2, -3]))
        else:
            axis = draw(st.integers(rank + 1, rank + 2) | st.integers(-rank - 3, -rank - 2))
    shape = [draw(st.integers(1, 5)) for _ in range(rank)]
    if -rank <= axis <= rank and axis != 0 and axis != -rank - 1:
        shape[axis % (rank + 1) - 1] = channels
    spec = Spec("GroupNormalization", (groups,), dict(
        axis=axis, center=draw(st.booleans()), scale=draw(st.booleans())))
    return Case(spec, tuple(shape))


@budget(2)
@given(case=group_norm_cases())
def test_group_normalization_matches_keras(case):
    """GroupNormalization: groups (incl. -1), axis of either sign, center, scale."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", GROUP_NORM_FLAWS)
@budget(0.25)
@given(data=st.data())
def test_group_normalization_rejected_like_keras(flaw, data):
    """GroupNormalization: channels not a multiple of groups, bad groups, axis out of range."""
    assert_both_reject(data.draw(group_norm_cases(flaw)))


def test_group_normalization_batch_axis_is_refused():
    """Pinned: over the batch axis Keras builds weights sized by the batch (1 here)."""
    case = Case(Spec("GroupNormalization", (1,), dict(axis=0)), (4, 6))
    assert keras_counts_and_shape(case.spec.keras(), case.input_shape).trainable == 2
    with pytest.raises(ShapeError, match=r"is the batch axis"):
        symparams_counts_and_shape(case.spec.symparams(), case.input_shape)


@budget(1)
@given(data=st.data())
def test_unit_normalization_matches_keras(data):
    """UnitNormalization: any axes, the batch axis included, or none."""
    input_shape = data.draw(shapes(1, 3))
    axis = data.draw(axes_of(len(input_shape) + 1, allow_batch=True) | st.just([]))
    assert_agree(Case(Spec("UnitNormalization", (), dict(axis=axis)), input_shape))


@pytest.mark.parametrize("flaw", ["out_of_range", "repeated"])
@budget(0.5)
@given(data=st.data())
def test_unit_normalization_rejected_like_keras(flaw, data):
    """UnitNormalization: an axis out of range, or the same axis twice."""
    input_shape = data.draw(shapes(1, 3))
    rank = len(input_shape) + 1
    if flaw == "out_of_range":
        axis = data.draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
    else:
        first = data.draw(st.integers(0, rank - 1))
        axis = [first, first - rank if data.draw(st.booleans()) else first]
    assert_both_reject(Case(Spec("UnitNormalization", (), dict(axis=axis)), input_shape))


# -- regularization ---------------------------------------------------------------------------

RATES = st.floats(0, 1)
NOT_RATES = st.floats(-2, 0, exclude_max=True) | st.floats(1, 3, exclude_min=True)


@st.composite
def spatial_dropout_cases(draw, flaw: str | None = None) -> Case:
    rank = draw(st.sampled_from((1, 2, 3)))
    event(f"SpatialDropout{rank}D")
    rate = draw(RATES)
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[rank] // 2)) for _ in range(rank))
    if rank == 1:
        spec, data_format = Spec("SpatialDropout1D", (rate,)), "channels_last"
    else:
        data_format = draw(DATA_FORMATS)
        spec = Spec(f"SpatialDropout{rank}D", (rate,), dict(data_format=data_format))
    shape = full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format)
    if flaw == "wrong_input_rank":
        shape = shape + (2,) if draw(st.booleans()) else shape[1:]
    elif flaw == "rate":
        spec = Spec(spec.name, (draw(NOT_RATES),), spec.kwargs)
    return Case(spec, shape)


@budget(1.5)
@given(case=spatial_dropout_cases())
def test_spatial_dropout_matches_keras(case):
    """SpatialDropout1D/2D/3D."""
    assert_agree(case)


@pytest.mark.parametrize("flaw", ["rate", "wrong_input_rank"])
@budget(0.5)
@given(data=st.data())
def test_spatial_dropout_rejected_like_keras(flaw, data):
    """SpatialDropout1D/2D/3D: rates outside [0, 1], inputs of the wrong rank."""
    assert_both_reject(data.draw(spatial_dropout_cases(flaw)))


NOISE_LAYERS = {"GaussianDropout": "rate", "GaussianNoise": "stddev", "AlphaDropout": "rate"}


NOISE_NAMES = (*sorted(NOISE_LAYERS), "ActivityRegularization")


@st.composite
def noise_cases(draw, valid: bool = True, names=NOISE_NAMES) -> Case:
    name = draw(st.sampled_from(names))
    event(name)
    if name == "ActivityRegularization":
        values = st.floats(0, 2) | st.none() if valid else st.floats(-2, 0, exclude_max=True)
        penalties = {k: draw(values) for k in ("l1", "l2") if draw(st.booleans())}
        if not valid and not penalties:
            penalties = {"l1": draw(values)}
        spec = Spec(name, (), penalties)
    else:
        spec = Spec(name, (draw(RATES if valid else NOT_RATES),))
    return Case(spec, draw(shapes(1, 4)))


@budget(2)
@given(case=noise_cases())
def test_noise_layers_match_keras(case):
    """GaussianDropout, GaussianNoise (stddev in [0, 1]), AlphaDropout, ActivityRegularization."""
    assert_agree(case)


@pytest.mark.parametrize("name", NOISE_NAMES)
@budget(0.25)
@given(data=st.data())
def test_noise_layers_rejected_like_keras(name, data):
    """Rates and stddev outside [0, 1], negative penalties."""
    assert_both_reject(data.draw(noise_cases(valid=False, names=(name,))))


# -- symbolic models -----------------------------------------------------------------------------

H, W, C, T, F, K, S, P, M, G, U, V, E = dims("H W C T F K S P M G U V E")
SYMBOL_RANGES = {H: (1, 10), W: (1, 10), C: (1, 3), T: (1, 10), F: (1, 3), K: (1, 4),
                 S: (1, 3), P: (1, 3), M: (1, 2), G: (1, 3), U: (1, 3), V: (1, 20), E: (1, 4)}
SYMBOLIC_ARCHITECTURES = {
    "Conv2DTranspose-ZeroPadding2D-DepthwiseConv2D-GroupNormalization-SeparableConv2D-Cropping2D":
        ((H, W, C), [
            Spec("Conv2DTranspose", (G * U, K), dict(strides=S)),
            Spec("ZeroPadding2D", ((1, (P, 2)),)),
            Spec("DepthwiseConv2D", (K,), dict(depth_multiplier=M)),
            Spec("GroupNormalization", (G,)),
            Spec("SeparableConv2D", (F, (K, 2)), dict(padding="same", depth_multiplier=M)),
            Spec("Cropping2D", (((1, P), 1),)),
            Spec("LayerNormalization", (), dict(axis=[-1, 1]))]),
    "UpSampling2D-SeparableConv2D-SpatialDropout2D-UnitNormalization-Permute-channels_first":
        ((C, H, W), [
            Spec("UpSampling2D", ((S, 2),), dict(data_format="channels_first",
                                                 interpolation="bilinear")),
            Spec("SeparableConv2D", (F, K), dict(strides=S, dilation_rate=(1, 1),
                                                 data_format="channels_first")),
            Spec("SpatialDropout2D", (0.3,), dict(data_format="channels_first")),
            Spec("UnitNormalization", (), dict(axis=1)),
            Spec("Permute", ((2, 3, 1),)),
            Spec("GroupNormalization", (-1,))]),
    "Conv1DTranspose_same-Cropping1D-UpSampling1D-DepthwiseConv1D-GlobalAveragePooling1D":
        ((T, C), [
            Spec("Conv1DTranspose", (F, 2 * K + 1), dict(strides=S, padding="same",
                                                         output_padding=0)),
            Spec("Cropping1D", ((P, 1),)),
            Spec("UpSampling1D", (S,)),
            Spec("DepthwiseConv1D", (K,), dict(strides=S, dilation_rate=2, padding="valid")),
            Spec("GlobalAveragePooling1D"),
            Spec("RepeatVector", (U,)),
            Spec("GaussianNoise", (0.1,))]),
}


def draw_values(data, model) -> dict:
    return {s: data.draw(st.integers(*SYMBOL_RANGES[s]), label=s.name)
            for s in sorted(model.free_symbols, key=str)}


@pytest.mark.parametrize("architecture", SYMBOLIC_ARCHITECTURES.values(),
                         ids=SYMBOLIC_ARCHITECTURES.keys())
@budget(1)
@given(data=st.data())
def test_symbolic_models_match_keras(architecture, data):
    """Models of the new layers whose sizes, filters, kernels, strides and crops are symbols."""
    input_shape, specs = architecture
    model = Sequential([spec.symparams() for spec in specs], input_shape=input_shape)
    values = draw_values(data, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_model_against_keras(model, [spec.keras(values) for spec in specs], values)


EMBEDDING_MODEL = [Spec("Embedding", (V, E), dict(lora_rank=U)),
                   Spec("Conv1DTranspose", (F, K), dict(strides=S)),
                   Spec("LayerNormalization", (), dict(rms_scaling=True)),
                   Spec("ZeroPadding1D", ((P, 1),))]


@budget(1)
@given(data=st.data())
def test_symbolic_embedding_model_matches_keras(data):
    """Embedding, then a transposed convolution, on integer inputs of symbolic length."""
    model = Sequential([spec.symparams() for spec in EMBEDDING_MODEL], input_shape=(T,))
    values = draw_values(data, model)
    names = {s.name: v for s, v in values.items()}
    keras_layers = [spec.keras(values) for spec in EMBEDDING_MODEL]
    length = number(T, values)
    x = np.random.default_rng(0).integers(0, number(V, values), size=(1, length))
    expected = []
    for layer in keras_layers:
        x = layer(x)
        expected.append(keras_outcome(layer, x))
    numeric = model.subs(**names)
    assert [bound_outcome(b) for b in numeric.layers] == expected
    assert [bound_outcome(b, values) for b in model.layers] == expected
    keras_model = keras.Sequential([keras.Input((length,), dtype="int32"), *keras_layers])
    assert number(model.params, values) == keras_model.count_params()
    assert number(model.trainable_params, values) == weight_count(keras_model.trainable_weights)
