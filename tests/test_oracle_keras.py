"""Keras as the oracle: symparams' shapes and counts against real Keras layers.

Hypothesis draws a layer configuration and a numeric input shape; the same
arguments build a ``symparams.layers`` layer and a ``keras.layers`` layer (see
:class:`Spec`). Keras runs a real forward pass on a random float32 tensor of
shape ``(1, *input_shape)``; its output shape (batch dropped) and the sizes of
its trainable and non-trainable weights are the expected values. Nothing
expected is written by hand: every number comes from Keras.

Configurations Keras rejects (at construction, build or call) are drawn on
purpose too, and symparams must reject them with ``ArgumentError`` or
``ShapeError``.

Symbolic formulas are checked the same way: a model built on symbols is
evaluated at drawn sizes (both by ``model.subs(...)`` and by evaluating its
symbolic expressions) and compared, layer by layer, with a Keras model built
at those sizes.

Examples per family under the ``ci`` profile (60 per test by default; a test
that covers several layers draws them in turn with a larger budget, see
:func:`budget`; "+N" are explicit ``@example`` cases):

* Conv1D/2D/3D (kernel, strides, dilation, groups, padding incl. causal,
  channels_last and channels_first, use_bias, lora_rank): 180 + 4 accepted
  (about 60 per rank), 120 rejected
* MaxPooling/AveragePooling 1D/2D/3D (pool_size, strides incl. None, padding,
  both data formats): 180 accepted, 60 rejected
* GlobalMaxPooling/GlobalAveragePooling 1D/2D/3D (both data formats): 90 with
  keepdims=False, 90 + 1 with keepdims=True
* Dense (input rank 1-3, use_bias, lora_rank): 60
* Dense and Conv with activation='glu': 60 + 2
* BatchNormalization (axis, positive or negative, center, scale, renorm):
  60 accepted, 30 rejected
* Flatten: 30
* Reshape (with and without -1): 60 accepted, 60 rejected
* Dropout: 30 accepted, 15 rejected
* Softmax: 30 accepted, 30 + 1 rejected; ReLU: 30 accepted, 30 + 1 rejected
* Activation: 5 + 2 per activation name (32 names: 160 + 64)
* Symbolic models: 60 random Conv2D/pooling/BatchNormalization/Dense stacks
  on (H, W, C) or (C, H, W); 30 for each of 4 architectures with symbolic
  filters, kernels, strides and pools (120); 60 + 1 sizes for the reference
  CNN, and its total at 28x28x1 against Keras's ``count_params()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import keras
import numpy as np
import pytest
import sympy
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from symparams import ArgumentError, Sequential, ShapeError, dims, layers
from symparams.examples import reference_cnn
from symparams.layers.activations import KERAS_ACTIVATIONS

from .helpers import at

assert keras.backend.backend() == "torch", "tests/conftest.py sets KERAS_BACKEND=torch"

REJECTIONS = (ArgumentError, ShapeError)
#: Every activation name Keras knows, and every name symparams accepts.
ACTIVATION_NAMES = sorted(KERAS_ACTIVATIONS | {
    name for name in dir(keras.activations)
    if not name.startswith("_") and name not in ("deserialize", "get", "serialize")})

pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis")


def budget(factor: float) -> settings:
    """``max_examples`` as a multiple of the active profile's (ci: 60)."""
    return settings(max_examples=max(1, round(settings.default.max_examples * factor)))


# -- the same layer on both sides ------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A layer class name and its arguments, buildable in symparams and in Keras.

    Arguments may hold symbols from :func:`symparams.dims`; the Keras layer is
    then built with the numbers given for them.
    """

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def symparams(self):
        return getattr(layers, self.name)(*self.args, **self.kwargs)

    def keras(self, values=None):
        values = values or {}
        args = tuple(_numeric(a, values) for a in self.args)
        kwargs = {k: _numeric(v, values) for k, v in self.kwargs.items()}
        return getattr(keras.layers, self.name)(*args, **kwargs)

    def __repr__(self):
        shown = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(shown)})"


class Case(NamedTuple):
    """A layer and the numeric input shape (batch excluded) it is applied to."""

    spec: Spec
    input_shape: tuple


class Outcome(NamedTuple):
    """What both sides must agree on."""

    output_shape: tuple
    trainable: int
    non_trainable: int


def _numeric(value, values):
    if isinstance(value, tuple):
        return tuple(_numeric(v, values) for v in value)
    if isinstance(value, sympy.Basic):
        return number(value, values)
    return value


def number(expr, values=None) -> int:
    """An int from a SymPy expression, evaluated exactly at ``values`` (symbol -> int)."""
    expr = at(sympy.sympify(expr), values or {})
    assert expr.is_Integer, f"expected an integer, got {expr}"
    return int(expr)


def random_input(input_shape):
    return np.random.default_rng(0).standard_normal((1, *input_shape), dtype=np.float32)


def weight_count(weights) -> int:
    return sum(int(np.prod(w.shape)) for w in weights)


def keras_outcome(keras_layer, output) -> Outcome:
    return Outcome(tuple(int(n) for n in output.shape[1:]),
                   weight_count(keras_layer.trainable_weights),
                   weight_count(keras_layer.non_trainable_weights))


def keras_counts_and_shape(keras_layer, input_shape) -> Outcome:
    """Keras's verdict: a forward pass on a random ``(1, *input_shape)`` tensor."""
    return keras_outcome(keras_layer, keras_layer(random_input(input_shape)))


def bound_outcome(bound, values=None) -> Outcome:
    return Outcome(tuple(number(n, values) for n in bound.output_shape),
                   number(bound.trainable_params, values),
                   number(bound.non_trainable_params, values))


def symparams_counts_and_shape(layer, input_shape) -> Outcome:
    """symparams' verdict: the layer bound to ``input_shape`` (plain ints, as users write it)."""
    return bound_outcome(layer.bind(input_shape))


def assert_agree(case: Case) -> None:
    """Keras accepts the case, and symparams gives the same shape and counts."""
    expected = keras_counts_and_shape(case.spec.keras(), case.input_shape)
    actual = symparams_counts_and_shape(case.spec.symparams(), case.input_shape)
    assert actual == expected, f"{case.spec} on {case.input_shape}"


def keras_rejects(case: Case) -> bool:
    try:
        keras_counts_and_shape(case.spec.keras(), case.input_shape)
    except Exception:  # noqa: BLE001 - Keras and torch raise many kinds; any rejection counts
        return True
    return False


def assert_both_reject(case: Case) -> None:
    assert keras_rejects(case), f"Keras accepts {case.spec} on {case.input_shape}"
    with pytest.raises(REJECTIONS):
        symparams_counts_and_shape(case.spec.symparams(), case.input_shape)


def assert_same_verdict(case: Case) -> None:
    """Both reject the case, or both accept it and agree."""
    if keras_rejects(case):
        with pytest.raises(REJECTIONS):
            symparams_counts_and_shape(case.spec.symparams(), case.input_shape)
    else:
        assert_agree(case)


# -- strategies ----------------------------------------------------------------------------------

RANKS = (1, 2, 3)
MAX_SPATIAL = {1: 12, 2: 10, 3: 6}
MAX_WINDOW = {1: 5, 2: 4, 3: 3}
MAX_CHANNELS = {1: 8, 2: 8, 3: 4}
PADDINGS = {1: ("valid", "same", "causal"), 2: ("valid", "same"), 3: ("valid", "same")}
DATA_FORMATS = st.sampled_from(["channels_last", "channels_first"])
SMALL = st.integers(1, 6)


def per_axis(rank: int, sizes) -> st.SearchStrategy:
    """One size (Keras repeats it) or a tuple of ``rank`` sizes."""
    return st.one_of(sizes, st.tuples(*[sizes] * rank))


@st.composite
def above_1_somewhere(draw, rank: int):
    """Like ``per_axis(rank, st.integers(1, 3))``, with at least one size above 1."""
    if draw(st.booleans()):
        return draw(st.integers(2, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(rank)]
    sizes[draw(st.integers(0, rank - 1))] = draw(st.integers(2, 3))
    return tuple(sizes)


def expand(value, rank: int) -> tuple:
    return value if isinstance(value, tuple) else (value,) * rank


def full_shape(spatial: tuple, channels: int, data_format: str) -> tuple:
    return (*spatial, channels) if data_format == "channels_last" else (channels, *spatial)


def window_reach(kernel: int, dilation: int = 1) -> int:
    return dilation * (kernel - 1) + 1


def draw_spatial(draw, rank: int, shortest: tuple) -> tuple:
    """Spatial sizes, each at least its ``shortest`` and at most ~MAX_SPATIAL."""
    return tuple(draw(st.integers(low, max(low, MAX_SPATIAL[rank]))) for low in shortest)


def draw_window(draw, rank: int) -> dict:
    """kernel_size, strides, dilation_rate, padding of a convolution (valid together)."""
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    if draw(st.booleans()):  # Keras allows dilation only with unit strides
        strides, dilation = 1, draw(per_axis(rank, st.integers(1, 3)))
    else:
        strides, dilation = draw(per_axis(rank, st.integers(1, 4))), 1
    return dict(kernel_size=kernel, strides=strides, dilation_rate=dilation,
                padding=draw(st.sampled_from(PADDINGS[rank])))


def shortest_input(rank: int, window: dict) -> tuple:
    """The shortest spatial sizes a window accepts."""
    if window["padding"] != "valid":
        return (1,) * rank
    return tuple(window_reach(k, d) for k, d in zip(expand(window["kernel_size"], rank),
                                                    expand(window["dilation_rate"], rank)))


@st.composite
def conv_cases(draw, activations=(None, "relu")) -> Case:
    rank = draw(st.sampled_from(RANKS))
    event(f"Conv{rank}D")
    groups = draw(st.integers(1, 3))
    per_group = MAX_CHANNELS[rank] // groups
    channels = groups * draw(st.integers(1, per_group))
    filters = groups * draw(st.integers(1, per_group))
    window = draw_window(draw, rank)
    data_format = draw(DATA_FORMATS)
    spec = Spec(f"Conv{rank}D", (filters,), dict(
        **window, data_format=data_format, groups=groups, use_bias=draw(st.booleans()),
        lora_rank=draw(st.none() | st.integers(1, 3)),
        activation=draw(st.sampled_from(activations))))
    spatial = draw_spatial(draw, rank, shortest_input(rank, window))
    return Case(spec, full_shape(spatial, channels, data_format))


CONV_FLAWS = ("strides_with_dilation", "output_below_1", "channels_not_divisible_by_groups",
              "filters_not_divisible_by_groups", "causal_beyond_1d")


@st.composite
def rejected_conv_cases(draw) -> Case:
    flaw = draw(st.sampled_from(CONV_FLAWS))
    rank = draw(st.sampled_from(RANKS[1:] if flaw == "causal_beyond_1d" else RANKS))
    event(flaw)
    groups, channels, filters = 1, draw(SMALL), draw(SMALL)
    kernel = draw(per_axis(rank, st.integers(1, MAX_WINDOW[rank])))
    strides = dilation = 1
    padding = draw(st.sampled_from(PADDINGS[rank]))
    shortest = (1,) * rank
    if flaw == "strides_with_dilation":
        strides, dilation = draw(above_1_somewhere(rank)), draw(above_1_somewhere(rank))
    elif flaw == "output_below_1":
        padding = "valid"
        kernel = draw(per_axis(rank, st.integers(2, MAX_WINDOW[rank])))
        shortest = tuple(window_reach(k) for k in expand(kernel, rank))
    elif flaw == "channels_not_divisible_by_groups":
        groups = draw(st.integers(2, 3))
        channels = groups * draw(st.integers(0, 2)) + draw(st.integers(1, groups - 1))
        filters = groups * draw(st.integers(1, 2))
    elif flaw == "filters_not_divisible_by_groups":
        groups = draw(st.integers(2, 3))
        channels = groups * draw(st.integers(1, 2))
        filters = groups * draw(st.integers(0, 2)) + draw(st.integers(1, groups - 1))
    else:
        padding = "causal"
    data_format = draw(DATA_FORMATS)
    spatial = list(draw_spatial(draw, rank, shortest))
    if flaw == "output_below_1":  # one axis shorter than the kernel
        axis = draw(st.integers(0, rank - 1))
        spatial[axis] = draw(st.integers(1, shortest[axis] - 1))
    spec = Spec(f"Conv{rank}D", (filters, kernel), dict(
        strides=strides, padding=padding, data_format=data_format, dilation_rate=dilation,
        groups=groups))
    return Case(spec, full_shape(tuple(spatial), channels, data_format))


@st.composite
def pooling_cases(draw, paddings=("valid", "same"), smallest_window=1) -> Case:
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["MaxPooling", "AveragePooling"]))
    event(f"{kind}{rank}D")
    pool = draw(per_axis(rank, st.integers(smallest_window, MAX_WINDOW[rank])))
    padding = draw(st.sampled_from(paddings))
    data_format = draw(DATA_FORMATS)
    spec = Spec(f"{kind}{rank}D", (), dict(
        pool_size=pool, strides=draw(st.none() | per_axis(rank, st.integers(1, 4))),
        padding=padding, data_format=data_format))
    # torch's avg_pool3d (CPU) rejects an input smaller than its window even when 'same'
    # padding covers it: a backend limit, not Keras's rule, so such inputs are not drawn.
    covers_window = padding == "valid" or spec.name == "AveragePooling3D"
    spatial = draw_spatial(draw, rank, expand(pool, rank) if covers_window else (1,) * rank)
    return Case(spec, full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


@st.composite
def rejected_pooling_cases(draw) -> Case:
    """'valid' pooling with one axis shorter than the window, or an input of the wrong rank."""
    case = draw(pooling_cases(paddings=("valid",), smallest_window=2))
    rank = int(case.spec.name[-2])
    if draw(st.booleans()):
        event("wrong input rank")
        return case._replace(input_shape=case.input_shape + (draw(SMALL),))
    event("output below 1")
    pool = expand(case.spec.kwargs["pool_size"], rank)
    axis = draw(st.integers(0, rank - 1))
    offset = 0 if case.spec.kwargs["data_format"] == "channels_last" else 1
    shape = list(case.input_shape)
    shape[axis + offset] = draw(st.integers(1, pool[axis] - 1))
    return case._replace(input_shape=tuple(shape))


@st.composite
def global_pooling_cases(draw, keepdims: bool) -> Case:
    rank = draw(st.sampled_from(RANKS))
    kind = draw(st.sampled_from(["GlobalMaxPooling", "GlobalAveragePooling"]))
    event(f"{kind}{rank}D")
    data_format = draw(DATA_FORMATS)
    spec = Spec(f"{kind}{rank}D", (), dict(data_format=data_format, keepdims=keepdims))
    spatial = draw_spatial(draw, rank, (1,) * rank)
    return Case(spec, full_shape(spatial, draw(st.integers(1, MAX_CHANNELS[rank])), data_format))


def shapes(min_rank=1, max_rank=3, sizes=SMALL) -> st.SearchStrategy:
    return st.lists(sizes, min_size=min_rank, max_size=max_rank).map(tuple)


@st.composite
def dense_cases(draw, activations=(None, "relu", "sigmoid")) -> Case:
    spec = Spec("Dense", (draw(st.integers(1, 8)),), dict(
        use_bias=draw(st.booleans()), lora_rank=draw(st.none() | st.integers(1, 4)),
        activation=draw(st.sampled_from(activations))))
    return Case(spec, draw(shapes(1, 3, st.integers(1, 8))))


@st.composite
def batch_norm_cases(draw, valid: bool = True) -> Case:
    input_shape = draw(shapes(1, 4))
    rank = len(input_shape)  # Keras counts the batch as axis 0: -1 is the last, rank is too
    if valid:
        axis = draw(st.integers(1, rank) | st.integers(-rank, -1))
    else:  # beyond the last axis, or before the batch axis
        axis = draw(st.integers(rank + 1, rank + 2) | st.integers(-rank - 3, -rank - 2))
    spec = Spec("BatchNormalization", (), dict(
        axis=axis, center=draw(st.booleans()), scale=draw(st.booleans()),
        renorm=draw(st.booleans())))
    return Case(spec, input_shape)


def draw_factors(draw, total: int, max_rank: int = 3) -> tuple:
    """A shape with ``total`` entries, drawn one divisor at a time."""
    factors = []
    for _ in range(draw(st.integers(1, max_rank)) - 1):
        factor = draw(st.sampled_from([d for d in range(1, total + 1) if total % d == 0]))
        factors.append(factor)
        total //= factor
    return (*factors, total)


@st.composite
def reshape_cases(draw, valid: bool = True) -> Case:
    input_shape = draw(shapes(1, 3))
    total = int(np.prod(input_shape))
    target = list(draw_factors(draw, total))
    infer = draw(st.booleans())
    if valid:
        if infer:
            target[draw(st.integers(0, len(target) - 1))] = -1
    elif infer:  # the known entries do not divide the input
        non_divisor = draw(st.sampled_from([k for k in range(2, 14) if total % k]))
        target = [non_divisor, -1] if draw(st.booleans()) else [-1, non_divisor]
    else:  # one entry too many or too few
        axis = draw(st.integers(0, len(target) - 1))
        target[axis] *= draw(st.integers(2, 3))
        if draw(st.booleans()):
            target.append(draw(st.integers(2, 3)))
    event("with -1" if -1 in target else "without -1")
    return Case(Spec("Reshape", (tuple(target),)), input_shape)


# -- single layers ---------------------------------------------------------------------------


@budget(3)
@given(case=conv_cases())
@example(case=Case(Spec("Conv2D", (3, (3, 4))), (3, 4, 2)))  # kernel == input size
@example(case=Case(Spec("Conv1D", (2, 2), dict(strides=5)), (11, 3)))  # stride > kernel
@example(case=Case(Spec("Conv2D", (4, 3), dict(strides=2, padding="same")), (7, 9, 1)))  # odd
@example(case=Case(Spec("Conv3D", (2, (1, 2, 3)), dict(
    strides=(3, 1, 2), data_format="channels_first", groups=2)), (4, 5, 3, 3)))
def test_conv_matches_keras(case):
    """Conv1D/2D/3D: shapes and counts."""
    assert_agree(case)


@budget(2)
@given(case=rejected_conv_cases())
def test_conv_rejected_like_keras(case):
    """Conv1D/2D/3D: configurations Keras rejects."""
    assert_both_reject(case)


@budget(3)
@given(case=pooling_cases())
def test_pooling_matches_keras(case):
    """MaxPooling1D/2D/3D and AveragePooling1D/2D/3D."""
    assert_agree(case)


@given(case=rejected_pooling_cases())
def test_pooling_rejected_like_keras(case):
    """MaxPooling/AveragePooling: inputs Keras rejects."""
    assert_both_reject(case)


@budget(1.5)
@given(case=global_pooling_cases(keepdims=False))
def test_global_pooling_matches_keras(case):
    """GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D."""
    assert_agree(case)


@budget(1.5)
@given(case=global_pooling_cases(keepdims=True))
@example(case=Case(Spec("GlobalMaxPooling2D", (), dict(keepdims=True)), (3, 3, 2)))
def test_global_pooling_keepdims_matches_keras(case):
    """GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D with keepdims=True."""
    assert_agree(case)


@given(case=dense_cases())
def test_dense_matches_keras(case):
    """Dense on inputs of rank 1 to 3, with and without bias and LoRA."""
    assert_agree(case)


@given(case=st.one_of(dense_cases(activations=("glu",)), conv_cases(activations=("glu",))))
@example(case=Case(Spec("Dense", (4,), dict(activation="glu")), (3,)))
@example(case=Case(Spec("Dense", (3,), dict(activation="glu")), (3,)))
def test_dense_and_conv_glu_activation_match_keras(case):
    """Dense and Conv1D/2D/3D with activation='glu', which halves the last axis (or rejects)."""
    event("Keras rejects" if keras_rejects(case) else "Keras accepts")
    assert_same_verdict(case)


@given(case=batch_norm_cases())
def test_batch_normalization_matches_keras(case):
    """BatchNormalization: axis, center, scale, renorm."""
    assert_agree(case)


@budget(0.5)
@given(case=batch_norm_cases(valid=False))
def test_batch_normalization_rejected_like_keras(case):
    """BatchNormalization: axes out of range."""
    assert_both_reject(case)


@budget(0.5)
@given(input_shape=shapes(1, 4), data_format=DATA_FORMATS)
def test_flatten_matches_keras(input_shape, data_format):
    """Flatten."""
    assert_agree(Case(Spec("Flatten", (), dict(data_format=data_format)), input_shape))


@given(case=reshape_cases())
def test_reshape_matches_keras(case):
    """Reshape, with and without -1."""
    assert_agree(case)


@given(case=reshape_cases(valid=False))
def test_reshape_rejected_like_keras(case):
    """Reshape: targets whose sizes do not fit the input."""
    assert_both_reject(case)


@budget(0.5)
@given(input_shape=shapes(1, 3), rate=st.floats(0, 1))
def test_dropout_matches_keras(input_shape, rate):
    """Dropout."""
    assert_agree(Case(Spec("Dropout", (rate,)), input_shape))


@budget(0.25)
@given(input_shape=shapes(1, 3),
       rate=st.floats(-2, 0, exclude_max=True) | st.floats(1, 3, exclude_min=True))
def test_dropout_rejected_like_keras(input_shape, rate):
    """Dropout: rates outside [0, 1]."""
    assert_both_reject(Case(Spec("Dropout", (rate,)), input_shape))


@st.composite
def softmax_cases(draw, valid: bool = True) -> Case:
    input_shape = draw(shapes(1, 3))
    rank = len(input_shape) + 1  # Keras counts the batch axis
    if valid:
        axis = draw(st.integers(-rank, rank - 1))
    else:
        axis = draw(st.integers(rank, rank + 2) | st.integers(-rank - 2, -rank - 1))
    return Case(Spec("Softmax", (), dict(axis=axis)), input_shape)


@budget(0.5)
@given(case=softmax_cases())
def test_softmax_matches_keras(case):
    """Softmax, along any axis."""
    assert_agree(case)


@budget(0.5)
@given(case=softmax_cases(valid=False))
@example(case=Case(Spec("Softmax", (), dict(axis=3)), (3, 4)))
def test_softmax_rejected_like_keras(case):
    """Softmax: axes out of range."""
    assert_both_reject(case)


NON_NEGATIVE = st.floats(0, 3)
NEGATIVE = st.floats(-3, 0, exclude_max=True)


@st.composite
def relu_cases(draw, valid: bool = True) -> Case:
    arguments = dict(max_value=draw(st.none() | NON_NEGATIVE), negative_slope=draw(NON_NEGATIVE),
                     threshold=draw(NON_NEGATIVE))
    if not valid:
        arguments[draw(st.sampled_from(sorted(arguments)))] = draw(NEGATIVE)
    return Case(Spec("ReLU", (), arguments), draw(shapes(1, 3)))


@budget(0.5)
@given(case=relu_cases())
def test_relu_matches_keras(case):
    """ReLU with max_value, negative_slope and threshold."""
    assert_agree(case)


@budget(0.5)
@given(case=relu_cases(valid=False))
@example(case=Case(Spec("ReLU", (), dict(threshold=-1.0)), (3, 4)))
def test_relu_rejected_like_keras(case):
    """ReLU: negative max_value, negative_slope or threshold."""
    assert_both_reject(case)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@budget(1 / 12)
@given(input_shape=shapes(1, 3))
@example(input_shape=(2, 4))  # glu: Keras halves the last axis
@example(input_shape=(3,))  # glu: Keras rejects an odd last axis
def test_activation_matches_keras(activation, input_shape):
    """Activation, one test per activation name Keras knows or symparams accepts.

    Keras cannot call ``Activation('threshold')`` (the function needs more
    arguments than a name carries); symparams must reject it too.
    """
    assert_same_verdict(Case(Spec("Activation", (activation,)), input_shape))


# -- symbolic models -----------------------------------------------------------------------------


def check_model_against_keras(model: Sequential, keras_layers: list, values: dict) -> None:
    """A symbolic model, evaluated at ``values`` (symbol -> int), against Keras layers.

    Keras runs the layers one after another on a random input. If a layer
    rejects its input, ``model.subs`` must raise ShapeError naming the same
    layer, and that layer's symbolic output shape must be below 1 there.
    Otherwise every layer's output shape and counts, from ``model.subs`` and
    from the symbolic formulas, must equal Keras's, and so must the totals.
    """
    names = {s.name: v for s, v in values.items()}
    input_shape = tuple(number(n, values) for n in model.input_shape)
    x, expected = random_input(input_shape), []
    for keras_layer in keras_layers:
        try:
            x = keras_layer(x)
        except Exception:  # noqa: BLE001 - any rejection by Keras or torch
            break
        expected.append(keras_outcome(keras_layer, x))
    symbolic = model.layers
    event("Keras rejects the sizes" if len(expected) < len(keras_layers) else "Keras accepts")
    if len(expected) < len(keras_layers):
        failing = symbolic[len(expected)]
        with pytest.raises(ShapeError) as error:
            model.subs(**names)
        assert f"'{failing.name}'" in (error.value.layer or ""), error.value
        assert min(number(n, values) for n in failing.output_shape) < 1
        return
    numeric = model.subs(**names)
    assert [bound_outcome(b) for b in numeric.layers] == expected
    assert [bound_outcome(b, values) for b in symbolic] == expected
    keras_model = keras.Sequential([keras.Input(input_shape), *keras_layers])
    total = keras_model.count_params()
    assert number(numeric.params) == number(model.params, values) == total
    trainable = weight_count(keras_model.trainable_weights)
    assert number(numeric.trainable_params) == number(model.trainable_params, values) == trainable
    output = keras_model(random_input(input_shape))
    assert tuple(number(n) for n in numeric.output_shape) == tuple(output.shape[1:])


H, W, C = dims("H W C")


@st.composite
def symbolic_stacks(draw):
    """Random 2D stacks on a symbolic (H, W, C) or (C, H, W) input, and sizes for them."""
    data_format = draw(DATA_FORMATS)
    channel_axis = st.sampled_from([-1, 3] if data_format == "channels_last" else [1, -3])
    body = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "pool", "batch_norm", "dropout", "activation"]))
        if kind == "conv":
            body.append(Spec("Conv2D", (draw(SMALL),), dict(
                **draw_window(draw, 2), data_format=data_format, use_bias=draw(st.booleans()))))
        elif kind == "pool":
            body.append(Spec(draw(st.sampled_from(["MaxPooling2D", "AveragePooling2D"])), (), dict(
                pool_size=draw(per_axis(2, st.integers(1, 3))),
                strides=draw(st.none() | per_axis(2, st.integers(1, 3))),
                padding=draw(st.sampled_from(["valid", "same"])), data_format=data_format)))
        elif kind == "batch_norm":
            body.append(Spec("BatchNormalization", (), dict(axis=draw(channel_axis))))
        elif kind == "dropout":
            body.append(Spec("Dropout", (0.5,)))
        else:
            body.append(Spec("Activation", ("relu",)))
    head = draw(st.sampled_from([
        [],
        [Spec("Flatten"), Spec("Dense", (draw(SMALL),))],
        [Spec("GlobalAveragePooling2D", (), dict(data_format=data_format)),
         Spec("Dense", (draw(SMALL),))],
        [Spec("GlobalMaxPooling2D", (), dict(data_format=data_format)), Spec("Flatten")],
    ]))
    input_shape = full_shape((H, W), C, data_format)
    values = {H: draw(st.integers(1, 20)), W: draw(st.integers(1, 20)),
              C: draw(st.integers(1, 4))}
    return input_shape, body + head, values


@given(stack=symbolic_stacks())
def test_symbolic_conv_pooling_stack_matches_keras(stack):
    """Conv2D/MaxPooling2D/AveragePooling2D/BatchNormalization/Dense stacks on (H, W, C)."""
    input_shape, specs, values = stack
    model = Sequential([spec.symparams() for spec in specs], input_shape=input_shape)
    check_model_against_keras(model, [spec.keras(values) for spec in specs], values)


F, K, S, P, U, D, T = dims("F K S P U D T")
SYMBOL_RANGES = {H: (1, 16), W: (1, 16), C: (1, 3), T: (1, 16), D: (1, 3), F: (1, 4),
                 K: (1, 4), S: (1, 3), P: (1, 3), U: (1, 5)}
SYMBOLIC_ARCHITECTURES = {
    "Conv2D-MaxPooling2D-AveragePooling2D-Dense": ((H, W, C), [
        Spec("Conv2D", (F, K), dict(strides=S)),
        Spec("MaxPooling2D", (P,), dict(padding="same")),
        Spec("AveragePooling2D", ((P, 1),), dict(strides=S)),
        Spec("Flatten"), Spec("Dense", (U,))]),
    "Conv2D_same-MaxPooling2D-channels_first": ((C, H, W), [
        Spec("Conv2D", (F, (K, 2)), dict(strides=(S, 1), padding="same",
                                         data_format="channels_first")),
        Spec("MaxPooling2D", (P,), dict(strides=S, data_format="channels_first")),
        Spec("BatchNormalization", (), dict(axis=1)),
        Spec("GlobalAveragePooling2D", (), dict(data_format="channels_first"))]),
    "Conv1D_causal_dilated-MaxPooling1D-GlobalAveragePooling1D": ((T, C), [
        Spec("Conv1D", (F, K), dict(padding="causal", dilation_rate=D)),
        Spec("MaxPooling1D", (P,), dict(strides=S)),
        Spec("Conv1D", (U, K), dict(dilation_rate=D)),
        Spec("GlobalAveragePooling1D"), Spec("Dense", (U,))]),
    "Dense-BatchNormalization-Reshape": ((T, C), [
        Spec("Dense", (F,)), Spec("BatchNormalization", (), dict(axis=2, renorm=True)),
        Spec("Reshape", ((-1,),)), Spec("Dense", (U,), dict(lora_rank=D))]),
}


@pytest.mark.parametrize("architecture", SYMBOLIC_ARCHITECTURES.values(),
                         ids=SYMBOLIC_ARCHITECTURES.keys())
@budget(0.5)
@given(data=st.data())
def test_symbolic_hyperparameters_match_keras(architecture, data):
    """Conv1D/Conv2D/pooling/Dense stacks whose sizes, kernels and strides are all symbols."""
    input_shape, specs = architecture
    model = Sequential([spec.symparams() for spec in specs], input_shape=input_shape)
    values = {s: data.draw(st.integers(*SYMBOL_RANGES[s]), label=s.name)
              for s in sorted(model.free_symbols, key=str)}
    check_model_against_keras(model, [spec.keras(values) for spec in specs], values)


def reference_cnn_keras3():
    """The reference CNN as Keras 3 code: ``Convolution2D(32, 5, 5)`` is ``Conv2D(32, (5, 5))``."""
    return [
        keras.layers.Conv2D(32, (5, 5)), keras.layers.Activation("relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, (5, 5)), keras.layers.Activation("relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Dropout(0.25), keras.layers.Flatten(),
        keras.layers.Dense(100), keras.layers.Activation("relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(2), keras.layers.Activation("softmax"),
    ]


@given(h=st.integers(8, 40), w=st.integers(8, 40), c=st.integers(1, 3))
@example(h=28, w=28, c=1)
def test_reference_cnn_matches_keras(h, w, c):
    """The reference CNN (Keras 1 Convolution2D/MaxPooling2D/Dense), symbolic in H, W, C."""
    check_model_against_keras(reference_cnn(), reference_cnn_keras3(), {H: h, W: w, C: c})


def test_reference_cnn_total_at_28x28x1_matches_keras_count_params():
    """The reference CNN at 28x28x1: the total is Keras's ``model.count_params()``."""
    keras_model = keras.Sequential([keras.Input((28, 28, 1)), *reference_cnn_keras3()])
    model = reference_cnn()
    assert model.subs(H=28, W=28, C=1).params == keras_model.count_params()
    assert number(model.params, {H: 28, W: 28, C: 1}) == keras_model.count_params()
