"""VGG16 and VGG19 (Simonyan and Zisserman, 2015)."""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _pool, _start

__all__ = ["VGG16", "VGG19"]


def _vgg(depths, name, include_top, input_shape, pooling, classes, classifier_activation,
         **kwargs):
    inputs = _start(name, input_shape, pooling, kwargs)
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
    else:
        x = _pool(x, pooling)
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
