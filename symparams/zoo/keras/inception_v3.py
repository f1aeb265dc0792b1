"""InceptionV3 (Szegedy et al., 2016): factorized Inception modules on a 299×299 input.

>>> from symparams import dims
>>> from symparams.printing import text
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> model = keras.InceptionV3(include_top=False, input_shape=(H, W, 3))
>>> text(model.output_shape[0]), model.output_shape[2]
('⌊(H + 21)/32⌋ - 2', 2048)
>>> keras.InceptionV3().params
23851784
"""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _head, _start

__all__ = ["InceptionV3"]


def _conv_bn(x, filters, kernel, strides=1, padding="same", name=None):
    """The Inceptions' unit: a convolution without bias, a batch norm without scale, a relu.

    A ``name`` names the three as InceptionResNetV2 does: ``name``, ``name_bn``, ``name_ac``.
    """
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False,
                      name=name)(x)
    x = layers.BatchNormalization(scale=False, name=name and f"{name}_bn")(x)
    return layers.Activation("relu", name=name and f"{name}_ac")(x)


def _chain(x, plan):
    """Units one after another, each ``(filters, kernel)``."""
    for filters, kernel in plan:
        x = _conv_bn(x, filters, kernel)
    return x


def _stem(x):
    """Five units and two stride-2 max pools, valid-padded: about 1/8 of the input size."""
    x = _conv_bn(x, 32, 3, strides=2, padding="valid")
    x = _conv_bn(x, 32, 3, padding="valid")
    x = _conv_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv_bn(x, 80, 1, padding="valid")
    x = _conv_bn(x, 192, 3, padding="valid")
    return layers.MaxPooling2D(3, strides=2)(x)


def _pooled(x, filters):
    """The pooling branch of a module: a 3x3 average pool (stride 1) and a 1x1 unit."""
    x = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    return _conv_bn(x, filters, 1)


def _module_a(x, pool_filters, name):
    """35×35 module: 1x1, 5x5, double 3x3 and pooling branches."""
    branches = [_conv_bn(x, 64, 1), _chain(x, [(48, 1), (64, 5)]),
                _chain(x, [(64, 1), (96, 3), (96, 3)]), _pooled(x, pool_filters)]
    return layers.Concatenate(name=name)(branches)


def _module_c(x, width, name):
    """17×17 module: 7x7 convolutions factorized into 1x7 and 7x1 of ``width`` filters."""
    branches = [
        _conv_bn(x, 192, 1),
        _chain(x, [(width, 1), (width, (1, 7)), (192, (7, 1))]),
        _chain(x, [(width, 1), (width, (7, 1)), (width, (1, 7)), (width, (7, 1)),
                   (192, (1, 7))]),
        _pooled(x, 192),
    ]
    return layers.Concatenate(name=name)(branches)


def _module_e(x, index):
    """8×8 module: the 3x3 branches split into parallel 1x3 and 3x1 convolutions."""
    wide = _conv_bn(x, 384, 1)
    wide = layers.Concatenate(name=f"mixed9_{index}")(
        [_conv_bn(wide, 384, (1, 3)), _conv_bn(wide, 384, (3, 1))])
    deep = _chain(x, [(448, 1), (384, 3)])
    deep = layers.Concatenate()([_conv_bn(deep, 384, (1, 3)), _conv_bn(deep, 384, (3, 1))])
    branches = [_conv_bn(x, 320, 1), wide, deep, _pooled(x, 192)]
    return layers.Concatenate(name=f"mixed{9 + index}")(branches)


def InceptionV3(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3", **kwargs):
    """InceptionV3: a valid-padded stem, then 35×35, 17×17 and 8×8 Inception modules."""
    inputs = _start(name, input_shape, pooling, kwargs, size=299)
    x = _stem(inputs)
    for index, pool_filters in enumerate((32, 64, 64)):
        x = _module_a(x, pool_filters, f"mixed{index}")
    x = layers.Concatenate(name="mixed3")([
        _conv_bn(x, 384, 3, strides=2, padding="valid"),
        _conv_bn(_chain(x, [(64, 1), (96, 3)]), 96, 3, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2)(x),
    ])
    for index, width in enumerate((128, 160, 160, 192), 4):
        x = _module_c(x, width, f"mixed{index}")
    x = layers.Concatenate(name="mixed8")([
        _conv_bn(_conv_bn(x, 192, 1), 320, 3, strides=2, padding="valid"),
        _conv_bn(_chain(x, [(192, 1), (192, (1, 7)), (192, (7, 1))]), 192, 3, strides=2,
                 padding="valid"),
        layers.MaxPooling2D(3, strides=2)(x),
    ])
    for index in range(2):
        x = _module_e(x, index)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=name)
