"""symparams.zoo.keras against keras.applications built without weights."""

import keras
import pytest

from symparams import dims
from symparams.zoo import keras as zoo

from .helpers import keras_counts, our_counts

H, W = dims("H W")


@pytest.mark.parametrize("name", ["VGG16", "VGG19"])
@pytest.mark.parametrize("top, pooling, size, classes", [
    (True, None, (224, 224, 3), 1000), (False, "avg", (64, 96, 3), 1000),
    (False, "max", (32, 32, 3), 1000), (False, None, (80, 48, 3), 1000),
    (True, None, (224, 224, 3), 10),
])
def test_counts_and_shapes_match_keras(name, top, pooling, size, classes):
    theirs = getattr(keras.applications, name)(weights=None, include_top=top, pooling=pooling,
                                               input_shape=size, classes=classes)
    ours = getattr(zoo, name)(include_top=top, pooling=pooling, input_shape=size,
                              classes=classes)
    assert our_counts(ours) == keras_counts(theirs)


def test_symbolic_input_size_and_substitution():
    model = zoo.VGG16(include_top=False, input_shape=(H, W, 3))
    assert str(model.output_shape) == "(floor(H/32), floor(W/32), 512)"
    assert model.subs(H=64, W=96).output_shape == (2, 3, 512)


@pytest.mark.parametrize("name, top, pooling, size", [
    ("ResNet50", True, None, (224, 224, 3)), ("ResNet50", False, "avg", (64, 80, 3)),
    ("ResNet50", False, None, (33, 47, 3)), ("ResNet101", True, None, (224, 224, 3)),
    ("ResNet152", False, "max", (96, 96, 3)), ("ResNet50V2", True, None, (224, 224, 3)),
    ("ResNet50V2", False, None, (65, 77, 3)), ("ResNet101V2", False, "avg", (96, 96, 3)),
    ("ResNet152V2", True, None, (224, 224, 3)), ("DenseNet121", True, None, (224, 224, 3)),
    ("DenseNet169", False, "avg", (64, 64, 3)), ("DenseNet201", False, None, (97, 101, 3)),
])
def test_resnets_and_densenets_match_keras(name, top, pooling, size):
    theirs = getattr(keras.applications, name)(weights=None, include_top=top, pooling=pooling,
                                               input_shape=size)
    ours = getattr(zoo, name)(include_top=top, pooling=pooling, input_shape=size)
    assert our_counts(ours) == keras_counts(theirs)


def test_resnet50_output_is_one_ceiling():
    model = zoo.ResNet50(include_top=False, input_shape=(H, W, 3))
    assert str(model.output_shape) == "(ceiling(H/32), ceiling(W/32), 2048)"


@pytest.mark.parametrize("alpha, top, pooling, size", [
    (1.0, True, None, (224, 224, 3)), (0.35, False, "avg", (96, 96, 3)),
    (1.4, True, None, (224, 224, 3)), (0.75, False, None, (97, 64, 3)),
])
def test_mobilenet_v2_matches_keras(alpha, top, pooling, size):
    theirs = keras.applications.MobileNetV2(weights=None, alpha=alpha, include_top=top,
                                            pooling=pooling, input_shape=size)
    ours = zoo.MobileNetV2(alpha=alpha, include_top=top, pooling=pooling, input_shape=size)
    assert our_counts(ours) == keras_counts(theirs)
    symbolic = zoo.MobileNetV2(alpha=alpha, include_top=top, pooling=pooling,
                               input_shape=(H, W, 3))
    assert tuple(int(s) for s in symbolic.subs(H=size[0], W=size[1]).output_shape) == \
        tuple(int(s) for s in ours.output_shape)


def test_mobilenet_v2_output_is_one_ceiling():
    model = zoo.MobileNetV2(include_top=False, input_shape=(H, W, 3))
    assert str(model.output_shape) == "(ceiling(H/32), ceiling(W/32), 1280)"


@pytest.mark.parametrize("alpha, multiplier, top, pooling, size", [
    (1.0, 1, True, None, (224, 224, 3)), (0.5, 1, False, "avg", (96, 96, 3)),
    (0.75, 2, False, None, (65, 90, 3)), (0.25, 1, True, None, (128, 128, 3)),
])
def test_mobilenet_matches_keras(alpha, multiplier, top, pooling, size):
    theirs = keras.applications.MobileNet(weights=None, alpha=alpha,
                                          depth_multiplier=multiplier, include_top=top,
                                          pooling=pooling, input_shape=size)
    ours = zoo.MobileNet(alpha=alpha, depth_multiplier=multiplier, include_top=top,
                         pooling=pooling, input_shape=size)
    assert our_counts(ours) == keras_counts(theirs)
