"""InceptionResNetV2 (Szegedy et al., 2017): Inception modules as scaled residual branches.

>>> from symparams import dims
>>> from symparams.printing import text
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> text(keras.InceptionResNetV2(include_top=False, input_shape=(H, W, 3)).output_shape[0])
'⌊(H + 21)/32⌋ - 2'
>>> keras.InceptionResNetV2().params
55873736
"""

from __future__ import annotations

import numbers

from ... import layers
from ...errors import ArgumentTypeError
from ...graph import Model
from ._common import _head, _start
from .inception_v3 import _chain, _conv_bn, _stem

__all__ = ["InceptionResNetV2"]


class _CustomScaleLayer(layers.Add):
    """Keras's CustomScaleLayer, this model's residual step: ``x + scale*r`` for ``[x, r]``."""

    exactly = 2
    no_weights_reason = "it adds a fixed multiple of one input to the other: no weights, " \
                        "0 parameters"

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
            raise ArgumentTypeError(f"CustomScaleLayer: `scale` must be a number. "
                                    f"Received: scale={scale!r}", argument="scale", value=scale)
        self._store(scale=scale)


#: How many blocks come before the first of each type (Keras's default names count them all).
_BEFORE = {"block35": 0, "block17": 10, "block8": 30}
#: The residual branches of each block type: chains of ``(filters, kernel)`` units.
_BRANCHES = {
    "block35": ([(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]),
    "block17": ([(192, 1)], [(128, 1), (160, (1, 7)), (192, (7, 1))]),
    "block8": ([(192, 1)], [(192, 1), (224, (1, 3)), (256, (3, 1))]),
}


def _residual(x, scale, kind, index, activation="relu"):
    """Keras's inception_resnet_block: branches joined, projected back by a 1x1, scaled, added."""
    name = f"{kind}_{index}"
    mixed = layers.Concatenate(name=f"{name}_mixed")([_chain(x, plan) for plan in _BRANCHES[kind]])
    up = layers.Conv2D(x.shape[-1], 1, name=f"{name}_conv")(mixed)
    number = _BEFORE[kind] + index - 1
    x = _CustomScaleLayer(scale, name="custom_scale_layer" + (f"_{number}" if number else ""))(
        [x, up])
    if activation is None:
        return x
    return layers.Activation(activation, name=f"{name}_ac")(x)


def InceptionResNetV2(include_top=True, weights=None, input_tensor=None, input_shape=None,
                      pooling=None, classes=1000, classifier_activation="softmax",
                      name="inception_resnet_v2", **kwargs):
    """InceptionResNetV2: InceptionV3's stem, then 10, 20 and 10 residual Inception blocks."""
    inputs = _start(name, input_shape, pooling, kwargs, size=299)
    x = _stem(inputs)
    x = layers.Concatenate(name="mixed_5b")([
        _conv_bn(x, 96, 1), _chain(x, [(48, 1), (64, 5)]), _chain(x, [(64, 1), (96, 3), (96, 3)]),
        _conv_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1),
    ])
    for index in range(1, 11):
        x = _residual(x, 0.17, "block35", index)
    x = layers.Concatenate(name="mixed_6a")([
        _conv_bn(x, 384, 3, strides=2, padding="valid"),
        _conv_bn(_chain(x, [(256, 1), (256, 3)]), 384, 3, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2)(x),
    ])
    for index in range(1, 21):
        x = _residual(x, 0.1, "block17", index)
    x = layers.Concatenate(name="mixed_7a")([
        _conv_bn(_conv_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
        _conv_bn(_conv_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
        _conv_bn(_chain(x, [(256, 1), (288, 3)]), 320, 3, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2)(x),
    ])
    for index in range(1, 10):
        x = _residual(x, 0.2, "block8", index)
    x = _residual(x, 1.0, "block8", 10, activation=None)
    x = _conv_bn(x, 1536, 1, name="conv_7b")
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=name)
