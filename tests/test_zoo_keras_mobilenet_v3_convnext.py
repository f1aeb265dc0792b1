"""zoo.keras MobileNetV3 and ConvNeXt against keras.applications built without weights.

Keras builds on the meta device: weights get their shapes but no values, so even
ConvNeXtXLarge (350M parameters) builds in about a second.
"""

import inspect

import keras
import pytest

from symparams import ArgumentError, dims
from symparams.zoo import keras as zoo
from symparams.zoo.keras.convnext import _convnext

from .helpers import keras_counts as counts_of, our_counts

H, W = dims("H W")


def keras_counts(build, **kwargs):
    with keras.device("meta"):
        return counts_of(build(weights=None, **kwargs))


def assert_matches_keras_and_substitution(name, kwargs):
    ours = getattr(zoo, name)(**kwargs)
    assert our_counts(ours) == keras_counts(getattr(keras.applications, name), **kwargs)
    rows, cols, channels = kwargs.get("input_shape", (224, 224, 3))
    symbolic = getattr(zoo, name)(**{**kwargs, "input_shape": (H, W, channels)})
    assert our_counts(symbolic.subs(H=rows, W=cols)) == our_counts(ours)


@pytest.mark.parametrize("name, kwargs", [
    ("MobileNetV3Small", {}),
    ("MobileNetV3Small", dict(alpha=0.75, include_top=False, pooling="avg",
                              input_shape=(97, 64, 3))),
    ("MobileNetV3Small", dict(minimalistic=True, classes=10, include_preprocessing=False,
                              input_shape=(65, 80, 3))),
    ("MobileNetV3Small", dict(include_top=False, pooling="max", input_shape=(33, 47, 3))),
    ("MobileNetV3Small", dict(alpha=1.25, minimalistic=True, dropout_rate=0.0,
                              classifier_activation=None, input_shape=(96, 96, 3))),
    ("MobileNetV3Large", {}),
    ("MobileNetV3Large", dict(alpha=0.75, include_top=False, input_shape=(97, 64, 3))),
    ("MobileNetV3Large", dict(minimalistic=True, include_top=False, pooling="max",
                              include_preprocessing=False, input_shape=(65, 80, 3))),
    ("MobileNetV3Large", dict(classes=10, alpha=1.5, input_shape=(128, 101, 3))),
])
def test_mobilenet_v3_matches_keras(name, kwargs):
    assert_matches_keras_and_substitution(name, kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("ConvNeXtTiny", {}),
    ("ConvNeXtTiny", dict(include_top=False, input_shape=(65, 97, 3))),
    ("ConvNeXtTiny", dict(include_top=False, pooling="max", include_preprocessing=False,
                          input_shape=(64, 64, 3))),
    ("ConvNeXtTiny", dict(classes=10, input_shape=(40, 33, 1))),
    ("ConvNeXtSmall", dict(include_top=False, pooling="avg", input_shape=(96, 70, 3))),
    ("ConvNeXtBase", dict(classes=10, input_shape=(64, 64, 3))),
    ("ConvNeXtLarge", dict(include_top=False, input_shape=(32, 32, 3))),
    ("ConvNeXtXLarge", dict(include_top=False, pooling="avg", input_shape=(32, 32, 3))),
])
def test_convnext_matches_keras(name, kwargs):
    assert_matches_keras_and_substitution(name, kwargs)


def test_convnext_stochastic_depth_and_no_layer_scale_match_keras():
    from keras.src.applications.convnext import ConvNeXt

    config = dict(depths=[2, 1, 2, 1], projection_dims=[8, 16, 24, 32])
    for rate, scale in [(0.1, None), (0.2, 1e-6)]:
        theirs = keras_counts(ConvNeXt, **config, drop_path_rate=rate,
                              layer_scale_init_value=scale, include_top=False,
                              input_shape=(64, 48, 3))
        ours = _convnext(config["depths"], config["projection_dims"], rate, scale, "convnext",
                         True, False, (64, 48, 3), None, 1000, "softmax", {})
        assert our_counts(ours) == theirs
    types = {layer.display_type for layer in ours.layers}
    assert {"LayerScale", "StochasticDepth"} <= types


@pytest.mark.parametrize("name, expected", [
    ("MobileNetV3Small", "(ceiling(H/32), ceiling(W/32), 576)"),
    ("MobileNetV3Large", "(ceiling(H/32), ceiling(W/32), 960)"),
    ("ConvNeXtTiny", "(floor(H/32), floor(W/32), 768)"),
])
def test_output_is_one_floor_or_ceiling(name, expected):
    model = getattr(zoo, name)(include_top=False, input_shape=(H, W, 3))
    assert str(model.output_shape) == expected


def test_unknown_arguments_are_refused_by_name():
    with pytest.raises(ArgumentError, match=r"convnext_tiny: unexpected arguments "
                                            r"\['drop_path_rate'\]"):
        zoo.ConvNeXtTiny(drop_path_rate=0.1)
    with pytest.raises(ArgumentError, match=r"MobileNetV3Small: `pooling` must be None, 'avg' "
                                            r"or 'max'. Received: pooling='mean'"):
        zoo.MobileNetV3Small(include_top=False, pooling="mean")


@pytest.mark.parametrize("name", ["MobileNetV3Small", "MobileNetV3Large", "ConvNeXtTiny",
                                  "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
                                  "ConvNeXtXLarge"])
def test_signature_is_keras_signature(name):
    """Keras's names, order and defaults; ``weights`` defaults to None (none are loaded)."""
    ours = inspect.signature(getattr(zoo, name)).parameters
    theirs = inspect.signature(getattr(keras.applications, name)).parameters
    assert list(ours) == list(theirs) + ["kwargs"]
    for key, parameter in theirs.items():
        assert ours[key].default == (None if key == "weights" else parameter.default), key
