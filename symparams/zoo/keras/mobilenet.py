"""MobileNet (Howard et al., 2017) and MobileNetV2 (Sandler et al., 2018)."""

from __future__ import annotations

from ... import layers
from ...graph import Model
from ._common import _correct_pad, _head, _make_divisible, _pool, _start, _width

__all__ = ["MobileNet", "MobileNetV2"]


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights=None, input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    """MobileNetV2 (Sandler et al., 2018): inverted residual blocks; ``alpha`` scales widths."""
    inputs = _start("mobilenetv2", input_shape, pooling, kwargs)
    alpha = _width(alpha, "MobileNetV2")
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
    alpha = _width(alpha, "MobileNet")
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
