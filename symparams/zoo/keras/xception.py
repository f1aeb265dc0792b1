"""Xception (Chollet, 2017): depthwise separable convolutions with residual connections.

>>> from symparams import dims
>>> from symparams.printing import text
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> text(keras.Xception(include_top=False, input_shape=(H, W, 3)).output_shape[0])
'⌊(H + 25)/32⌋'
>>> keras.Xception().params
22910480
"""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _head, _start

__all__ = ["Xception"]


def _separable(x, filters, name, relu_first=True):
    """A relu (unless ``relu_first`` is false), a 3x3 separable convolution, a batch norm."""
    if relu_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def _downsampling(x, widths, block, relu_first=True):
    """Two separable units and a stride-2 max pool, added to a strided 1x1 projection."""
    skip = layers.Conv2D(widths[1], 1, strides=2, padding="same", use_bias=False)(x)
    skip = layers.BatchNormalization()(skip)
    x = _separable(x, widths[0], f"block{block}_sepconv1", relu_first)
    x = _separable(x, widths[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, skip])


def Xception(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception", **kwargs):
    """Xception: entry flow (3 downsampling blocks), 8 middle blocks of 728 channels, exit flow."""
    inputs = _start(name, input_shape, pooling, kwargs, size=299)
    x = layers.Conv2D(32, 3, strides=2, use_bias=False, name="block1_conv1")(inputs)
    x = layers.BatchNormalization(name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, 3, use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _downsampling(x, (128, 128), 2, relu_first=False)
    x = _downsampling(x, (256, 256), 3)
    x = _downsampling(x, (728, 728), 4)
    for block in range(5, 13):
        y = x
        for unit in range(1, 4):
            y = _separable(y, 728, f"block{block}_sepconv{unit}")
        x = layers.Add()([y, x])
    x = _downsampling(x, (728, 1024), 13)
    for unit, filters in enumerate((1536, 2048), 1):
        x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False,
                                   name=f"block14_sepconv{unit}")(x)
        x = layers.BatchNormalization(name=f"block14_sepconv{unit}_bn")(x)
        x = layers.Activation("relu", name=f"block14_sepconv{unit}_act")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=name)
