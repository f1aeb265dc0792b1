"""symparams.zoo.keras's InceptionV3, Xception, InceptionResNetV2 and NASNets against Keras."""

import inspect

import keras
import pytest

from symparams import Input, Model, dims
from symparams.errors import ArgumentError, ArgumentTypeError, ShapeError
from symparams.printing import text
from symparams.zoo import keras as zoo
from symparams.zoo.keras.inception_resnet_v2 import _CustomScaleLayer

from .helpers import keras_counts, our_counts

H, W = dims("H W")


class _Overridden:
    """A module as one Keras builder sees it: the real one, a few functions replaced."""

    def __init__(self, real, **replaced):
        self._real, self._replaced = real, replaced

    def __getattr__(self, key):
        return self._replaced.get(key) or getattr(self._real, key)


@pytest.fixture
def keras_nasnet_mobile(monkeypatch):
    """Keras refuses NASNetMobile on the torch backend (for a bug when it runs, not in its
    structure); its backend check alone is shown another name, so the real builder runs."""
    from keras.src.applications import nasnet
    monkeypatch.setattr(nasnet, "backend", _Overridden(nasnet.backend, backend=lambda: "jax"))
    return nasnet


@pytest.fixture
def keras_nasnet_unguarded(keras_nasnet_mobile, monkeypatch):
    """NASNetMobile without Keras's at-least-32 input guard (policy, not structure)."""
    nasnet = keras_nasnet_mobile
    monkeypatch.setattr(nasnet, "imagenet_utils", _Overridden(
        nasnet.imagenet_utils, obtain_input_shape=lambda input_shape, **_: input_shape))


# (builder, include_top, pooling, input_shape or None for the default, classes).
# Keras's own smallest inputs: 75 (the Inceptions), 71 (Xception), 32 (NASNets).
CASES = [
    ("InceptionV3", True, None, None, 1000), ("InceptionV3", False, "avg", (150, 200, 3), 1000),
    ("InceptionV3", False, "max", (75, 75, 3), 1000),
    ("InceptionV3", False, None, (107, 93, 3), 1000),
    ("InceptionV3", True, None, (160, 224, 3), 10),
    ("Xception", True, None, None, 1000), ("Xception", False, "avg", (71, 128, 3), 1000),
    ("Xception", False, None, (99, 85, 3), 1000), ("Xception", True, None, (150, 150, 3), 7),
    ("InceptionResNetV2", True, None, None, 12),
    ("InceptionResNetV2", False, None, (75, 107, 3), 1000),
    ("InceptionResNetV2", False, "max", (139, 139, 3), 1000),
    ("NASNetMobile", True, None, None, 10), ("NASNetMobile", False, None, None, 1000),
    ("NASNetMobile", False, None, (32, 32, 3), 1000),
    ("NASNetMobile", False, "avg", (67, 45, 3), 1000),
    ("NASNetLarge", True, None, None, 1000),  # slow to build in Keras: one case
]


@pytest.mark.parametrize("name, top, pooling, size, classes", CASES)
def test_counts_and_shapes_match_keras(keras_nasnet_mobile, name, top, pooling, size,
                                       classes):
    theirs = getattr(keras.applications, name)(weights=None, include_top=top, pooling=pooling,
                                               input_shape=size, classes=classes)
    ours = getattr(zoo, name)(include_top=top, pooling=pooling, input_shape=size,
                              classes=classes)
    assert our_counts(ours) == keras_counts(theirs)


# The output height for an input of height H, as symparams simplifies it, and a size to check.
SYMBOLIC = [
    ("InceptionV3", "⌊(H + 21)/32⌋ - 2", (107, 93)),
    ("Xception", "⌊(H + 25)/32⌋", (99, 85)),
    ("InceptionResNetV2", "⌊(H + 21)/32⌋ - 2", (75, 107)),
    ("NASNetMobile", "⌊(H + 29)/32⌋", (67, 45)),
    ("NASNetLarge", "⌊(H + 29)/32⌋", (97, 65)),
]


@pytest.mark.parametrize("name, height, size", SYMBOLIC)
def test_symbolic_input_simplifies_and_substitutes(name, height, size):
    model = getattr(zoo, name)(include_top=False, input_shape=(H, W, 3))
    assert text(model.output_shape[0]) == height
    assert text(model.output_shape[1]) == height.replace("H", "W")
    numeric = getattr(zoo, name)(include_top=False, input_shape=(*size, 3))
    assert our_counts(model.subs(H=size[0], W=size[1])) == our_counts(numeric)


@pytest.mark.parametrize("name", ["InceptionV3", "Xception", "InceptionResNetV2"])
def test_symbolic_branches_join_without_open_conditions(name):
    """Only each size's lower bound is left open: every join was decided symbolically."""
    conditions = getattr(zoo, name)(include_top=False, input_shape=(H, W, 3)).conditions
    assert [str(c.lhs) for _, c in conditions] == ["H", "W"]
    assert all(c.kind == "at_least" for _, c in conditions)


def test_nasnet_halving_holds_only_for_widths_above_one():
    model = zoo.NASNetMobile(include_top=False, input_shape=(H, W, 3))
    # The last halving needs the tightest width; it implies the three before it.
    assert [(where, str(c)) for where, c in model.conditions] == [
        ("stem_conv1", "H >= 3"), ("adjust_avg_pool_1_9", "W >= 19")]
    # Width 16 leaves the last halving a width of 1, where Keras projects instead of halving:
    # the numeric build takes Keras's path; the symbolic structure refuses the substitution.
    zoo.NASNetMobile(include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ShapeError, match="adjust_avg_pool_1_9.*width must exceed 1"):
        model.subs(H=16, W=16)


@pytest.mark.parametrize("size", [(16, 16, 3), (18, 40, 3)])
def test_nasnet_below_keras_guard_matches_keras(keras_nasnet_unguarded, size):
    """Widths that halve to 1 make Keras project instead of halve; numeric builds follow."""
    theirs = keras.applications.NASNetMobile(weights=None, include_top=False, input_shape=size)
    ours = zoo.NASNetMobile(include_top=False, input_shape=size)
    assert our_counts(ours) == keras_counts(theirs)


def test_nasnet_rejects_what_keras_cannot_join(keras_nasnet_unguarded):
    """Keras compares widths only: a height left at 2 beside a width of 1 cannot be joined."""
    with pytest.raises(ValueError, match="Concatenate"):
        keras.applications.NASNetMobile(weights=None, include_top=False, input_shape=(32, 18, 3))
    with pytest.raises(ShapeError, match="normal_concat_9.*2 != 1"):
        zoo.NASNetMobile(include_top=False, input_shape=(32, 18, 3))


def test_nasnet_default_sizes():
    assert zoo.NASNetMobile(include_top=False).input_shape == (224, 224, 3)
    assert zoo.NASNetLarge().input_shape == (331, 331, 3)


def test_custom_scale_layer_is_a_weightless_scaled_sum():
    x = Input((H, W, 8))
    y = _CustomScaleLayer(0.17)([x, x])
    model = Model(x, y)
    assert (model.output_shape, model.params) == ((H, W, 8), 0)
    assert model.summary().rows[-1][1] == "CustomScaleLayer"
    with pytest.raises(ArgumentTypeError, match="scale"):
        _CustomScaleLayer("0.17")
    with pytest.raises(ShapeError, match="exactly 2 inputs"):
        _CustomScaleLayer(0.1)([x, x, x])


@pytest.mark.parametrize("name", [name for name, *_ in SYMBOLIC])
def test_signatures_are_keras_ones(name):
    """Keras's arguments in Keras's order with Keras's defaults; ``weights`` defaults to None
    (symparams loads no weights; any value is accepted and ignored)."""
    def arguments(builder):
        return [(p.name, None if p.name == "weights" else p.default)
                for p in inspect.signature(builder).parameters.values()
                if p.kind is not p.VAR_KEYWORD]
    assert arguments(getattr(zoo, name)) == arguments(getattr(keras.applications, name))


def test_names_and_unknown_arguments():
    assert zoo.Xception(name="mine").name == "mine"
    assert zoo.InceptionV3().name == "inception_v3"
    with pytest.raises(ArgumentError, match="alpha"):
        zoo.InceptionResNetV2(alpha=1.0)
