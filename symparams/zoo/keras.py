"""``keras.applications`` builders, as symparams models (so far: VGG, ResNet, ResNetV2, DenseNet, MobileNet, MobileNetV2).

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

import sympy

from .. import layers
from ..errors import ArgumentError
from ..graph import Input, Model

__all__ = ["MobileNet", "MobileNetV2", "DenseNet121", "DenseNet169", "DenseNet201", "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2",
           "VGG16", "VGG19"]

_IGNORED = ("weights", "input_tensor", "name")


def _start(name, input_shape, pooling, kwargs):
    unknown = set(kwargs) - set(_IGNORED)
    if unknown:
        raise ArgumentError(f"{name}: unexpected arguments {sorted(unknown)}",
                            argument=sorted(unknown)[0], value=kwargs)
    if pooling not in (None, "avg", "max"):
        raise ArgumentError(f"{name}: `pooling` must be None, 'avg' or 'max'. "
                            f"Received: pooling={pooling!r}", argument="pooling", value=pooling)
    return Input(input_shape or (224, 224, 3))


def _pool(x, pooling):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def _head(x, include_top, pooling, classes, classifier_activation):
    """The usual top: global average pooling and a Dense classifier; else ``pooling``."""
    if not include_top:
        return _pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


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


def _make_divisible(v, divisor=8):
    """Keras's channel rounding for MobileNets: nearest multiple of 8, not below 90% of v."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _correct_pad(shape, kernel=3):
    """Keras's correct_pad: one less on the leading side of an even-sized axis."""
    return tuple((kernel // 2 - (1 - sympy.Mod(n, 2)), kernel // 2) for n in shape[:2])


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights=None, input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """MobileNetV2 (Sandler et al., 2018): inverted residual blocks; ``alpha`` scales widths."""
    inputs = _start("mobilenetv2", input_shape, pooling, kwargs)
    x = layers.Conv2D(_make_divisible(32 * alpha), 3, strides=(2, 2), padding="same",
                      use_bias=False, name="Conv1")(inputs)
    x = layers.BatchNormalization(epsilon=1e-3, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    plan = [(16, 1, 1)] + [(24, 2, 6), (24, 1, 6)] + [(32, 2, 6)] + [(32, 1, 6)] * 2 + \
        [(64, 2, 6)] + [(64, 1, 6)] * 3 + [(96, 1, 6)] * 3 + [(160, 2, 6)] + \
        [(160, 1, 6)] * 2 + [(320, 1, 6)]
    for block, (filters, stride, expansion) in enumerate(plan):
        channels = x.shape[-1]
        out = _make_divisible(int(filters * alpha))
        y = x
        if block:
            y = layers.Conv2D(expansion * channels, 1, padding="same", use_bias=False)(y)
            y = layers.BatchNormalization(epsilon=1e-3)(y)
            y = layers.ReLU(6.0)(y)
        if stride == 2:
            y = layers.ZeroPadding2D(padding=_correct_pad(y.shape))(y)
        y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False,
                                   padding="same" if stride == 1 else "valid")(y)
        y = layers.BatchNormalization(epsilon=1e-3)(y)
        y = layers.ReLU(6.0)(y)
        y = layers.Conv2D(out, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization(epsilon=1e-3)(y)
        x = layers.Add()([x, y]) if channels == out and stride == 1 else y
    last = _make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(epsilon=1e-3, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=kwargs.get("name", f"mobilenetv2_{alpha:0.2f}"))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights=None, input_tensor=None, pooling=None, classes=1000,
              classifier_activation="softmax", **kwargs):
    """MobileNet (Howard et al., 2017): depthwise separable blocks; ``alpha`` scales widths."""
    inputs = _start("mobilenet", input_shape, pooling, kwargs)
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2),
                      name="conv1")(inputs)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
        [(1024, 2), (1024, 1)]
    for block, (filters, stride) in enumerate(plan, 1):
        if stride == 2:
            x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block}")(x)
        x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid",
                                   depth_multiplier=depth_multiplier, strides=stride,
                                   use_bias=False, name=f"conv_dw_{block}")(x)
        x = layers.BatchNormalization(name=f"conv_dw_{block}_bn")(x)
        x = layers.ReLU(6.0, name=f"conv_dw_{block}_relu")(x)
        x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False,
                          name=f"conv_pw_{block}")(x)
        x = layers.BatchNormalization(name=f"conv_pw_{block}_bn")(x)
        x = layers.ReLU(6.0, name=f"conv_pw_{block}_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return Model(inputs, x, name=kwargs.get("name", f"mobilenet_{alpha:0.2f}"))
