"""symparams.zoo.keras's EfficientNets against keras.applications built without weights."""

import keras
import numpy as np
import pytest
import torch
from keras.src.applications import efficientnet as keras_v1
from keras.src.applications import efficientnet_v2 as keras_v2
from keras.src.backend import random as keras_random
from keras.src.backend.torch.core import get_device, to_torch_dtype

from symparams import dims
from symparams.errors import ArgumentError
from symparams.zoo import keras as zoo
from symparams.zoo.keras import efficientnet, efficientnet_v2

H, W = dims("H W")


@pytest.fixture(autouse=True)
def uninitialized_kernels(monkeypatch):
    """Keras spends most of an EfficientNet build drawing truncated normals for the
    kernels; values never change a weight's shape, so these tests leave them unset."""
    def empty(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return torch.empty(tuple(shape), dtype=to_torch_dtype(dtype), device=get_device())
    monkeypatch.setattr(keras_random, "truncated_normal", empty)


def keras_summary(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen, tuple(model.output_shape[1:]), tuple(model.input_shape[1:])


def our_summary(model):
    return (int(model.trainable_params), int(model.non_trainable_params),
            tuple(int(s) for s in model.output_shape), tuple(int(s) for s in model.input_shape))


# Keras builds the larger variants slowly: one configuration each, on small inputs.
@pytest.mark.parametrize("name, top, pooling, size, classes", [
    ("EfficientNetB0", True, None, None, 10),
    ("EfficientNetB0", False, "avg", (97, 130, 3), None),
    ("EfficientNetB0", False, None, (65, 48, 3), None),
    ("EfficientNetB1", False, "max", (33, 71, 3), None),
    ("EfficientNetB2", True, None, None, 1000),
    ("EfficientNetB3", False, None, (101, 77, 3), None),
    ("EfficientNetB4", True, None, (64, 96, 3), 5),
    ("EfficientNetB5", False, None, (65, 65, 3), None),
    ("EfficientNetB6", False, "max", (48, 80, 3), None),
    ("EfficientNetB7", True, None, (64, 64, 3), 7),
    ("EfficientNetV2B0", True, None, None, 10),
    ("EfficientNetV2B0", False, "avg", (97, 130, 3), None),
    ("EfficientNetV2B0", False, None, (65, 48, 3), None),
    ("EfficientNetV2B1", False, "max", (33, 71, 3), None),
    ("EfficientNetV2B2", True, None, None, 1000),
    ("EfficientNetV2B3", False, None, (101, 77, 3), None),
    ("EfficientNetV2S", True, None, (64, 96, 3), 5),
    ("EfficientNetV2M", False, "avg", (65, 65, 3), None),
    ("EfficientNetV2L", False, None, (48, 80, 3), None),
])
def test_builders_match_keras(name, top, pooling, size, classes):
    options = dict(include_top=top, pooling=pooling, input_shape=size)
    if top:
        options["classes"] = classes
    theirs = getattr(keras.applications, name)(weights=None, **options)
    ours = getattr(zoo, name)(**options)
    assert our_summary(ours) == keras_summary(theirs)


def test_v2_without_preprocessing_matches_keras():
    options = dict(include_top=False, pooling="avg", input_shape=(64, 64, 3),
                   include_preprocessing=False)
    theirs = keras.applications.EfficientNetV2B1(weights=None, **options)
    assert our_summary(zoo.EfficientNetV2B1(**options)) == keras_summary(theirs)


def test_block_tables_are_keras_tables():
    assert efficientnet.DEFAULT_BLOCKS_ARGS == keras_v1.DEFAULT_BLOCKS_ARGS
    assert efficientnet_v2.DEFAULT_BLOCKS_ARGS == keras_v2.DEFAULT_BLOCKS_ARGS


def test_general_efficientnet_matches_keras():
    blocks = [
        {"kernel_size": 5, "repeats": 2, "filters_in": 24, "filters_out": 40, "expand_ratio": 3,
         "id_skip": True, "strides": 2, "se_ratio": 0.5},
        {"kernel_size": 3, "repeats": 3, "filters_in": 40, "filters_out": 40, "strides": 1,
         "id_skip": False},
        {"kernel_size": 3, "repeats": 1, "filters_in": 40, "filters_out": 56, "expand_ratio": 6,
         "strides": 2, "se_ratio": 0.25},
    ]
    options = dict(width_coefficient=0.55, depth_coefficient=1.3, default_size=96,
                   dropout_rate=0.0, drop_connect_rate=0.3, depth_divisor=4, activation="relu",
                   blocks_args=blocks, name="tiny", include_top=True, classes=12)
    theirs = keras_v1.EfficientNet(weights=None, **options)
    assert our_summary(efficientnet.EfficientNet(**options)) == keras_summary(theirs)


def test_general_efficientnet_v2_matches_keras():
    blocks = [
        {"kernel_size": 3, "num_repeat": 2, "input_filters": 16, "output_filters": 16,
         "expand_ratio": 1, "se_ratio": 0.5, "strides": 1, "conv_type": 1},
        {"kernel_size": 5, "num_repeat": 2, "input_filters": 16, "output_filters": 24,
         "expand_ratio": 3, "strides": 2, "conv_type": 1},
        {"kernel_size": 3, "num_repeat": 1, "input_filters": 24, "output_filters": 40,
         "expand_ratio": 1, "se_ratio": 0.25, "strides": 2, "conv_type": 0},
        {"kernel_size": 5, "num_repeat": 2, "input_filters": 40, "output_filters": 40,
         "expand_ratio": 4, "strides": 1, "conv_type": 0},
    ]
    options = dict(width_coefficient=0.7, depth_coefficient=1.5, default_size=80,
                   depth_divisor=4, min_depth=12, bn_momentum=0.99, activation="gelu",
                   blocks_args=blocks, name="tiny", include_top=False, pooling="max",
                   input_shape=(47, 62, 3))
    theirs = keras_v2.EfficientNetV2(weights=None, **options)
    assert our_summary(efficientnet_v2.EfficientNetV2(**options)) == keras_summary(theirs)


@pytest.mark.parametrize("name, size", [("EfficientNetB0", (97, 130)),
                                        ("EfficientNetB3", (33, 64)),
                                        ("EfficientNetV2B0", (97, 130)),
                                        ("EfficientNetV2L", (65, 48))])
def test_symbolic_feature_map_is_one_ceiling_and_substitutes(name, size):
    builder = getattr(zoo, name)
    symbolic = builder(include_top=False, input_shape=(H, W, 3))
    channels = symbolic.output_shape[-1]
    assert str(symbolic.output_shape) == f"(ceiling(H/32), ceiling(W/32), {channels})"
    numeric = builder(include_top=False, input_shape=(*size, 3))
    substituted = symbolic.subs(H=size[0], W=size[1])
    assert substituted.output_shape == numeric.output_shape
    assert (substituted.trainable_params, substituted.non_trainable_params) == \
        (numeric.trainable_params, numeric.non_trainable_params)


def test_symbolic_classifier_counts_do_not_depend_on_the_input_size():
    model = zoo.EfficientNetV2S(input_shape=(H, W, 3), classes=17)
    assert model.output_shape == (17,)
    assert model.params == zoo.EfficientNetV2S(classes=17).params


@pytest.mark.parametrize("builder, blocks, message", [
    (efficientnet.EfficientNet, [{"repeats": 0}], "repeats must be > 0"),
    (efficientnet.EfficientNet, [{"repeats": 1, "filter_in": 8}], "unknown keys"),
    (efficientnet_v2.EfficientNetV2, [{"num_repeat": 1, "input_filters": 8}], "lacks"),
    (efficientnet_v2.EfficientNetV2, [{"num_repeat": 1, "input_filters": 8,
                                       "output_filters": 8, "conv_type": 2}], "conv_type"),
])
def test_bad_blocks_args_are_argument_errors(builder, blocks, message):
    with pytest.raises(ArgumentError, match=message):
        builder(1.0, 1.0, 64, blocks_args=blocks, name="bad")


def test_default_blocks_need_a_known_name_and_pooling_is_checked():
    with pytest.raises(ArgumentError, match="efficientnetv2-s"):
        efficientnet_v2.EfficientNetV2(1.0, 1.0, 64, name="custom")
    with pytest.raises(ArgumentError, match="pooling"):
        zoo.EfficientNetB0(include_top=False, pooling="sum")
