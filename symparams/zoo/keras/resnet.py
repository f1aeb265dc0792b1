"""ResNet (He et al., 2015) and ResNetV2 (He et al., 2016): 50, 101 and 152 layers."""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _head, _start

__all__ = ["ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2"]


def _bottleneck(x, filters, stride, shortcut, name):
    """Keras's residual_block_v1: 1x1, 3x3, 1x1 convolutions, batch norms, a residual add."""
    if shortcut:
        skip = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        skip = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_0_bn")(skip)
    else:
        skip = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([skip, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _preact_bottleneck(x, filters, stride, shortcut, name):
    """Keras's residual_block_v2: batch norm and relu first, the stride in the 3x3 convolution."""
    preact = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if shortcut:
        skip = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        skip = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([skip, x])


def _resnet(blocks, name, include_top, input_shape, pooling, classes, classifier_activation,
            preact=False, **kwargs):
    inputs = _start(name, input_shape, pooling, kwargs)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(inputs)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, count) in enumerate(zip((64, 128, 256, 512), blocks), 2):
        for block in range(1, count + 1):
            name_ = f"conv{stage}_block{block}"
            if preact:  # the last block of a stage strides (not in the last stage)
                stride = 2 if block == count and stage < 5 else 1
                x = _preact_bottleneck(x, filters, stride, block == 1, name_)
            else:
                stride = (1 if stage == 2 else 2) if block == 1 else 1
                x = _bottleneck(x, filters, stride, block == 1, name_)
    if preact:
        x = layers.BatchNormalization(epsilon=1.001e-5, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=kwargs.get("name", name))


def ResNet50(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-50 (He et al., 2015): bottleneck stages of 3, 4, 6 and 3 blocks."""
    return _resnet((3, 4, 6, 3), "resnet50", include_top, input_shape, pooling, classes,
                   classifier_activation, **kwargs)


def ResNet101(include_top=True, weights=None, input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-101: bottleneck stages of 3, 4, 23 and 3 blocks."""
    return _resnet((3, 4, 23, 3), "resnet101", include_top, input_shape, pooling, classes,
                   classifier_activation, **kwargs)


def ResNet152(include_top=True, weights=None, input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-152: bottleneck stages of 3, 8, 36 and 3 blocks."""
    return _resnet((3, 8, 36, 3), "resnet152", include_top, input_shape, pooling, classes,
                   classifier_activation, **kwargs)


def ResNet50V2(include_top=True, weights=None, input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-50 v2 (He et al., 2016): pre-activation bottlenecks, 3, 4, 6, 3 blocks."""
    return _resnet((3, 4, 6, 3), "resnet50v2", include_top, input_shape, pooling, classes,
                   classifier_activation, preact=True, **kwargs)


def ResNet101V2(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-101 v2: pre-activation bottlenecks, 3, 4, 23, 3 blocks."""
    return _resnet((3, 4, 23, 3), "resnet101v2", include_top, input_shape, pooling, classes,
                   classifier_activation, preact=True, **kwargs)


def ResNet152V2(include_top=True, weights=None, input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """ResNet-152 v2: pre-activation bottlenecks, 3, 8, 36, 3 blocks."""
    return _resnet((3, 8, 36, 3), "resnet152v2", include_top, input_shape, pooling, classes,
                   classifier_activation, preact=True, **kwargs)
