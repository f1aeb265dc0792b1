"""DenseNet-121, -169 and -201 (Huang et al., 2017)."""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _head, _start

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201"]


def _densenet(blocks, name, include_top, input_shape, pooling, classes, classifier_activation,
              **kwargs):
    inputs = _start(name, input_shape, pooling, kwargs)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(inputs)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, 2):
        for i in range(1, count + 1):  # dense block: each layer adds 32 channels
            prefix = f"conv{stage}_block{i}"
            y = layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_0_bn")(x)
            y = layers.Activation("relu", name=f"{prefix}_0_relu")(y)
            y = layers.Conv2D(128, 1, use_bias=False, name=f"{prefix}_1_conv")(y)
            y = layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_1_bn")(y)
            y = layers.Activation("relu", name=f"{prefix}_1_relu")(y)
            y = layers.Conv2D(32, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(y)
            x = layers.Concatenate(name=f"{prefix}_concat")([x, y])
        if stage < 5:  # transition: halve the channels and the resolution
            x = layers.BatchNormalization(epsilon=1.001e-5, name=f"pool{stage}_bn")(x)
            x = layers.Activation("relu", name=f"pool{stage}_relu")(x)
            x = layers.Conv2D(int(x.shape[-1]) // 2, 1, use_bias=False,
                              name=f"pool{stage}_conv")(x)
            x = layers.AveragePooling2D(2, strides=2, name=f"pool{stage}_pool")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=kwargs.get("name", name))


def DenseNet121(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """DenseNet-121 (Huang et al., 2017): dense blocks of 6, 12, 24, 16 layers."""
    return _densenet((6, 12, 24, 16), "densenet121", include_top, input_shape, pooling,
                     classes, classifier_activation, **kwargs)


def DenseNet169(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """DenseNet-169: dense blocks of 6, 12, 32, 32 layers."""
    return _densenet((6, 12, 32, 32), "densenet169", include_top, input_shape, pooling,
                     classes, classifier_activation, **kwargs)


def DenseNet201(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """DenseNet-201: dense blocks of 6, 12, 48, 32 layers."""
    return _densenet((6, 12, 48, 32), "densenet201", include_top, input_shape, pooling,
                     classes, classifier_activation, **kwargs)
