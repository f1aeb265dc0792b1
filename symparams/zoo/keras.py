"""``keras.applications`` builders, as symparams models (so far: VGG16, VGG19).

>>> from symparams import dims
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> model = keras.VGG16(include_top=False, input_shape=(H, W, 3), pooling="avg")
>>> model.output_shape
(512,)
>>> model.layers[-2].output_shape
(floor(H/32), floor(W/32), 512)
>>> keras.VGG16().params
138357544

Keras's input-size guards (at least 32×32 here) are policy, not structure, and are
not copied: the structure's own conditions are what symparams checks.
"""

from __future__ import annotations

from .. import layers
from ..errors import ArgumentError
from ..graph import Input, Model

__all__ = ["VGG16", "VGG19"]

_IGNORED = ("weights", "input_tensor", "name")


def _vgg(depths, name, include_top, input_shape, pooling, classes, classifier_activation,
         **kwargs):
    unknown = set(kwargs) - set(_IGNORED)
    if unknown:
        raise ArgumentError(f"{name}: unexpected arguments {sorted(unknown)}",
                            argument=sorted(unknown)[0], value=kwargs)
    if pooling not in (None, "avg", "max"):
        raise ArgumentError(f"{name}: `pooling` must be None, 'avg' or 'max'. "
                            f"Received: pooling={pooling!r}", argument="pooling", value=pooling)
    inputs = Input(input_shape or (224, 224, 3))
    x = inputs
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), depths), 1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    return Model(inputs, x, name=kwargs.get("name", name))


def VGG16(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", **kwargs):
    """VGG16 (Simonyan and Zisserman, 2015); ``input_shape`` defaults to (224, 224, 3)."""
    return _vgg((2, 2, 3, 3, 3), "vgg16", include_top, input_shape, pooling, classes,
                classifier_activation, **kwargs)


def VGG19(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", **kwargs):
    """VGG19 (Simonyan and Zisserman, 2015); ``input_shape`` defaults to (224, 224, 3)."""
    return _vgg((2, 2, 4, 4, 4), "vgg19", include_top, input_shape, pooling, classes,
                classifier_activation, **kwargs)
