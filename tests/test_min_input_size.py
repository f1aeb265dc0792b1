"""Validity conditions and the smallest input, against the frameworks.

The smallest input symparams finds is the structure's own: each framework model
is built AT that size (and runs a forward pass) and one BELOW it in each
symbol (and fails), bypassing any documented input-size guard (Keras's
``input_tensor=``). Random conv/pool stacks are compared with PyTorch scanning
every size from 1.
"""

import keras
import numpy as np
import pytest
import sympy
import torch
import torchvision  # conftest makes it importable beside torch's CPU build
from hypothesis import assume, given, settings, strategies as st

from symparams import Input, Model, ModelError, Sequential, ShapeError, Tensor, dims, layers, nn
from symparams import zoo
from symparams.conditions import Condition
from symparams.examples import reference_cnn

N, H, W, C, G = dims("N H W C G")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# -- conditions and the search, on symparams alone ------------------------------------------

def test_reference_cnn_conditions_keep_one_bound_per_symbol():
    model = reference_cnn()
    assert [(name, str(c)) for name, c in model.conditions] == [
        ("max_pooling2d_1", "H >= 16"), ("max_pooling2d_1", "W >= 16")]
    assert "floor(H/4) - 3 >= 1" in model.conditions[0][1].meaning
    assert model.min_input_size() == {H: 16, W: 16, C: 1}
    # Each layer keeps its own conditions: every output dimension that may fall below 1.
    assert [str(c) for c in model.layers[0].conditions] == ["H - 4 >= 1", "W - 4 >= 1"]
    assert model.layers[1].conditions == ()  # Activation passes its input's sizes on


def test_substitution_below_the_minimum_names_layer_and_condition():
    model = reference_cnn()
    assert model.subs(H=16, W=16, C=1).output_shape == (2,)
    with pytest.raises(ShapeError, match=r"^Layer 'max_pooling2d_1' \(MaxPooling2D\): output "
                                         r"dimension 0 must be at least 1: floor\(H/4\) - 3 >= 1 "
                                         r"fails at H=15 \(0 < 1\)$"):
        model.subs(H=15, W=16, C=1)
    with pytest.raises(ShapeError, match=r"'max_pooling2d_1'.*floor\(W/4\) - 3 >= 1"):
        Model(x := Input((H, W, C)), reference_cnn()(x)).subs(H=16, W=15)


def test_implied_conditions_are_dropped_exactly():
    # Square input: the flattened size 64*(floor(H/4) - 3)**2 is positive at H = 1 as well,
    # but not between the bounds the pools set: it is implied once they hold.
    model = reference_cnn((H, H, C))
    assert [str(c) for _, c in model.conditions] == ["H >= 16"]
    flatten = [b for b in model.layers if b.name == "flatten"][0]
    assert [str(c) for c in flatten.conditions] == ["64*(floor(H/4) - 3)**2 >= 1"]


def test_vgg16_without_top_needs_32():
    model = zoo.keras.VGG16(include_top=False, input_shape=(H, W, 3))
    assert model.min_input_size() == {H: 32, W: 32}
    assert [(name, str(c)) for name, c in model.conditions] == [
        ("block5_pool", "H >= 32"), ("block5_pool", "W >= 32")]


def test_symbols_sharing_a_condition_are_searched_together():
    x = Tensor((N, 3, H, W))
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 36, 10))
    model = Model(x, net(x))
    found = model.min_input_size()
    assert found == {N: 1, H: 14, W: 14}  # (floor(H/2) - 1)*(floor(W/2) - 1) = 36, least sum
    valid = [(h, w) for h in range(1, 30) for w in range(1, 30) if valid_at(model, H=h, W=w)]
    least = min(h + w for h, w in valid)
    assert (found[H], found[W]) == min(p for p in valid if sum(p) == least)


def test_divisibility_and_given_symbols():
    model = Sequential([layers.Conv2D(16, 3, groups=G), layers.Reshape((-1, 8))],
                       input_shape=(H, W, C))
    assert [str(c) for _, c in model.conditions][:2] == ["G divides C", "G divides 16"]
    with pytest.raises(ModelError, match=r"also depend on G.*min_input_size\(G=\.\.\.\)"):
        model.min_input_size()
    assert model.min_input_size(G=4) == {H: 3, W: 3, C: 4}
    assert model.min_input_size(G=4, C=8) == {H: 3, W: 3}
    with pytest.raises(ShapeError, match="'conv2d'.*divisible by groups: G divides C fails"):
        model.subs(G=4, C=6)


def test_reshape_and_heads_record_their_conditions():
    T, d, h = dims("T d h")
    model = Sequential([layers.Reshape((T, 8))], input_shape=(H, W))
    assert [str(c) for _, c in model.conditions] == ["8*T = H*W"]
    x = Tensor((T, N, d))
    attention = Model(x, nn.MultiheadAttention(d, h)(x, x, x)[0])
    assert [str(c) for _, c in attention.conditions] == ["h divides d"]
    with pytest.raises(ShapeError, match="embed_dim must be divisible by num_heads"):
        attention.subs(d=10, h=4)
    encoder = Model(x, nn.TransformerEncoderLayer(d, h)(x))
    assert [str(c) for _, c in encoder.conditions] == ["h divides d"]


def test_nested_models_carry_their_inner_conditions():
    A, B = dims("A B")
    x = Input((A, B, 3))
    stem = Model(x, layers.MaxPooling2D(4)(layers.Conv2D(8, 3)(x)), name="stem")
    y = Input((H, W, 3))
    model = Model(y, layers.Flatten()(stem(y)))
    assert model.min_input_size() == {H: 6, W: 6}
    with pytest.raises(ShapeError, match="'stem'"):
        model.subs(H=5, W=6, A=5, B=6)


def test_a_shared_layer_meets_the_conditions_of_every_call():
    A, B = dims("A B")
    conv = layers.Conv2D(4, 3)
    x, y = Input((H, W, 3)), Input((A, B, 3))
    model = Model([x, y], [conv(x), conv(y)])
    assert [str(c) for _, c in model.conditions] == ["H >= 3", "W >= 3", "A >= 3", "B >= 3"]
    assert model.min_input_size() == {H: 3, W: 3, A: 3, B: 3}
    with pytest.raises(ShapeError, match=r"'conv2d'.*A - 2 >= 1 fails at A=2"):
        model.subs(H=5, W=5, A=2, B=5)


def test_no_valid_size_is_an_error():
    model = Sequential([layers.Reshape((7, 2))], input_shape=(H,))
    assert model.min_input_size() == {H: 14}
    x = Tensor((N, 2, H))  # one head wants H = 4, the other H = 3
    heads = [nn.Linear(4, 1)(nn.Flatten()(nn.Conv1d(2, 2, 3)(x))), nn.Linear(6, 1)(nn.Flatten()(x))]
    with pytest.raises(ShapeError, match="accepts no value of H"):
        Model(x, heads).min_input_size()


def test_large_models_are_fast():
    import time
    model = zoo.keras.ResNet50(include_top=False, input_shape=(H, W, 3))
    start = time.perf_counter()
    conditions, smallest = model.conditions, model.min_input_size()
    assert time.perf_counter() - start < 0.5
    assert conditions == () and smallest == {H: 1, W: 1}


def valid_at(model, **values) -> bool:
    try:
        model.subs(**values)
    except ShapeError:
        return False
    return True


# -- Keras ----------------------------------------------------------------------------------

def keras_reference_cnn(h, w):
    """The reference CNN in Keras 3 layers."""
    return keras.Sequential([
        keras.Input((h, w, 1)), keras.layers.Conv2D(32, 5, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Conv2D(64, 5, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Dropout(0.25), keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(2, activation="softmax")])


def keras_application(name):
    def build(h, w):
        return getattr(keras.applications, name)(
            weights=None, include_top=False, input_tensor=keras.Input((h, w, 3)))
    return build


def below(found):
    """One below the minimum in each symbol, the others at theirs (where that is a size)."""
    for symbol, value in found.items():
        if value > 1:
            yield {**found, symbol: value - 1}


def keras_builds(build, h, w) -> bool:
    try:
        with keras.device("meta"):
            build(h, w)
    except ValueError:
        return False
    return True


KERAS = [("reference", keras_reference_cnn, lambda: reference_cnn((H, W, 1)))] + [
    (name, keras_application(name),
     lambda name=name: getattr(zoo.keras, name)(include_top=False, input_shape=(H, W, 3)))
    for name in ("VGG16", "InceptionV3", "Xception", "DenseNet121", "ResNet50", "MobileNetV2")]


@pytest.mark.parametrize("name, build, ours", KERAS, ids=[k[0] for k in KERAS])
def test_keras_builds_and_runs_at_the_minimum_and_fails_below(name, build, ours):
    found = ours().min_input_size()
    h, w = found[H], found[W]
    model = build(h, w)
    channels = model.input_shape[-1]
    assert model.predict(np.zeros((1, h, w, channels)), verbose=0).shape[0] == 1
    for smaller in below(found):
        assert not keras_builds(build, smaller[H], smaller[W]), smaller


def test_keras_vgg16_guard_is_bypassed_by_input_tensor():
    """The documented guard (32) and the structure agree for VGG16; without the top the
    structure alone refuses 31, through input_tensor= (which skips the guard)."""
    with pytest.raises(ValueError, match="at least 32x32"):
        keras.applications.VGG16(weights=None, include_top=False, input_shape=(31, 31, 3))
    with pytest.raises(ValueError, match="zero or negative"):
        keras_application("VGG16")(31, 32)


# -- torchvision ----------------------------------------------------------------------------

TORCHVISION = ["resnet18", "vgg11", "alexnet", "squeezenet1_0", "squeezenet1_1"]


def runs(model, shape) -> bool:
    """PyTorch runs a forward pass on zeros of ``shape``."""
    try:
        with torch.no_grad():
            model(torch.zeros(*shape))
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize("name", TORCHVISION)
def test_torchvision_runs_at_the_minimum_and_fails_below(name):
    found = getattr(zoo.torchvision, name)(input_shape=(N, 3, H, W)).min_input_size()
    assert found[N] == 1
    model = getattr(torchvision.models, name)(weights=None).eval()
    assert runs(model, (1, 3, found[H], found[W]))
    for smaller in below({H: found[H], W: found[W]}):
        assert not runs(model, (1, 3, smaller[H], smaller[W])), smaller


# -- random conv/pool stacks against PyTorch -----------------------------------------------

@st.composite
def stacks(draw):
    """A few convolutions and pools, with strides, padding, dilation and ceil_mode."""
    specs = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "max", "avg"]))
        kernel = draw(st.integers(1, 5))
        stride = draw(st.integers(1, 3))
        if kind == "conv":  # a different window across than down
            kernel = (kernel, draw(st.integers(1, 5)))
            dilation = draw(st.integers(1, 2))
            padding = draw(st.integers(0, 2))
            specs.append(("conv", kernel, stride, padding, dilation, False))
        else:
            padding = draw(st.integers(0, kernel // 2))
            specs.append((kind, kernel, stride, padding, 1, draw(st.booleans())))
    return specs


def build_stack(specs, module):
    made = []
    for kind, kernel, stride, padding, dilation, ceil in specs:
        if kind == "conv":
            made.append(module.Conv2d(1, 1, kernel, stride, padding, dilation))
        elif kind == "max":
            made.append(module.MaxPool2d(kernel, stride, padding, ceil_mode=ceil))
        else:
            made.append(module.AvgPool2d(kernel, stride, padding, ceil_mode=ceil))
    return module.Sequential(*made)


@given(stacks())
def test_random_stacks_match_pytorch(specs):
    """H and W independent: each minimum is the first size PyTorch runs, the other at its own."""
    x = Tensor((1, 1, H, W))
    found = Model(x, build_stack(specs, nn)(x)).min_input_size()
    network = build_stack(specs, torch.nn).eval()
    assert found[H] == next(h for h in range(1, 400) if runs(network, (1, 1, h, found[W])))
    assert found[W] == next(w for w in range(1, 400) if runs(network, (1, 1, found[H], w)))


@settings(max_examples=25)
@given(stacks(), st.integers(1, 24), st.integers(1, 24))
def test_sizes_linked_by_in_features_match_a_pytorch_grid(specs, h0, w0):
    """A Linear after Flatten ties H and W: the valid pair of least sum, then least H."""
    network = build_stack(specs, torch.nn).eval()
    assume(runs(network, (1, 1, h0, w0)))
    features = network(torch.zeros(1, 1, h0, w0)).numel()
    x = Tensor((1, 1, H, W))
    found = Model(x, nn.Linear(features, 2)(nn.Flatten()(build_stack(specs, nn)(x)))) \
        .min_input_size()
    grid = [(h + w, h, w) for h in range(1, h0 + w0) for w in range(1, h0 + w0 - h + 1)]
    smallest = next(p for p in sorted(grid) if runs(network, (1, 1, p[1], p[2])) and
                    network(torch.zeros(1, 1, p[1], p[2])).numel() == features)
    assert (found[H], found[W]) == smallest[1:]


@st.composite
def keras_stacks(draw):
    """Keras convolutions and pools: 'valid' or 'same', strides, dilations (stride 1 only)."""
    specs = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["Conv2D", "MaxPooling2D", "AveragePooling2D"]))
        size = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
        stride = draw(st.integers(1, 3))
        padding = draw(st.sampled_from(["valid", "same"]))
        if kind == "Conv2D":
            dilation = draw(st.integers(1, 2)) if stride == 1 else 1
            specs.append((kind, (1, size), dict(strides=stride, padding=padding,
                                                 dilation_rate=dilation)))
        else:
            specs.append((kind, (size,), dict(strides=stride, padding=padding)))
    return specs


def keras_shape_ok(specs, h, w) -> bool:
    """Keras's own shape rules accept ``(h, w, 1)`` through the whole stack."""
    shape = (None, h, w, 1)
    try:
        for kind, args, kwargs in specs:
            shape = getattr(keras.layers, kind)(*args, **kwargs).compute_output_shape(shape)
    except ValueError:
        return False
    return True


@given(keras_stacks())
def test_random_keras_stacks_match_keras(specs):
    model = Sequential([getattr(layers, kind)(*args, **kwargs) for kind, args, kwargs in specs],
                       input_shape=(H, W, 1))
    found = model.min_input_size()
    assert found[H] == next(h for h in range(1, 400) if keras_shape_ok(specs, h, found[W]))
    assert found[W] == next(w for w in range(1, 400) if keras_shape_ok(specs, found[H], w))


def test_condition_display_and_relation():
    condition = Condition.at_least(H - 4, 1, "output dimension 0 must be at least 1")
    assert str(condition) == "H - 4 >= 1"
    assert condition.as_relation() == sympy.GreaterThan(H - 4, 1, evaluate=False)
    assert condition.subs({H: 4}).holds() is False and condition.subs({H: 5}).holds() is True
