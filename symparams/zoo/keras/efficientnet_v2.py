"""EfficientNetV2 B0 to B3, S, M and L (Tan and Le, 2021), as ``keras.applications`` builds them.

>>> from symparams import dims
>>> from symparams.zoo.keras import EfficientNetV2B0
>>> H, W = dims("H W")
>>> features = EfficientNetV2B0(include_top=False, input_shape=(H, W, 3))
>>> features.output_shape
(ceiling(H/32), ceiling(W/32), 1280)
>>> model = EfficientNetV2B0()
>>> model.input_shape, model.trainable_params, model.non_trainable_params
((224, 224, 3), 7139704, 60608)

The early stages are fused MBConv blocks (one full convolution in place of the
expansion and the depthwise convolution); every stride-2 convolution pads
"same". The preprocessing (``include_preprocessing``) holds no weights: its
normalization statistics are given constants. ``EfficientNetV2`` is Keras's
general builder behind the named variants.
"""

from __future__ import annotations

import math

from ... import layers
from ...errors import ArgumentError
from ...graph import Model
from ._common import _start
from .efficientnet import _residual, _squeeze_excite, _stage_blocks, _top

__all__ = [
    "EfficientNetV2", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
    "EfficientNetV2B3", "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
]


def _stages(*rows):
    """Block tables from (conv_type, repeats, filters in, out, expansion, stride) rows.

    Every stage has 3×3 kernels; the fused stages (conv_type 1) have no
    squeeze-and-excitation, the MBConv stages (0) squeeze to a quarter.
    """
    return [{"kernel_size": 3, "num_repeat": repeats, "input_filters": filters_in,
             "output_filters": filters_out, "expand_ratio": expand,
             "se_ratio": 0.25 if conv_type == 0 else 0, "strides": strides,
             "conv_type": conv_type}
            for conv_type, repeats, filters_in, filters_out, expand, strides in rows]


_B = _stages((1, 1, 32, 16, 1, 1), (1, 2, 16, 32, 4, 2), (1, 2, 32, 48, 4, 2),
             (0, 3, 48, 96, 4, 2), (0, 5, 96, 112, 6, 1), (0, 8, 112, 192, 6, 2))

DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages(
        (1, 2, 24, 24, 1, 1), (1, 4, 24, 48, 4, 2), (1, 4, 48, 64, 4, 2),
        (0, 6, 64, 128, 4, 2), (0, 9, 128, 160, 6, 1), (0, 15, 160, 256, 6, 2)),
    "efficientnetv2-m": _stages(
        (1, 3, 24, 24, 1, 1), (1, 5, 24, 48, 4, 2), (1, 5, 48, 80, 4, 2),
        (0, 7, 80, 160, 4, 2), (0, 14, 160, 176, 6, 1), (0, 18, 176, 304, 6, 2),
        (0, 5, 304, 512, 6, 1)),
    "efficientnetv2-l": _stages(
        (1, 4, 32, 32, 1, 1), (1, 7, 32, 64, 4, 2), (1, 7, 64, 96, 4, 2),
        (0, 10, 96, 192, 4, 2), (0, 19, 192, 224, 6, 1), (0, 25, 224, 384, 6, 2),
        (0, 7, 384, 640, 6, 1)),
    **{f"efficientnetv2-b{i}": _B for i in range(4)},
}

_BLOCK_DEFAULTS = {"expand_ratio": 1, "kernel_size": 3, "strides": 1, "se_ratio": 0.0}
_BLOCK_REQUIRED = ("input_filters", "output_filters", "conv_type")


def _mbconv(inputs, input_filters, output_filters, expand_ratio, kernel_size, strides, se_ratio,
            activation, drop_rate, name, **batch_norm):
    """MBConv: 1×1 expansion, depthwise convolution, squeeze-and-excite, 1×1 projection."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(name=f"{name}expand_bn", **batch_norm)(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                               name=f"{name}dwconv2")(x)
    x = layers.BatchNormalization(name=f"{name}bn", **batch_norm)(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, input_filters, se_ratio, activation, name)
    x = layers.Conv2D(output_filters, 1, padding="same", use_bias=False,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(name=f"{name}project_bn", **batch_norm)(x)
    if strides == 1 and input_filters == output_filters:
        x = _residual(x, inputs, drop_rate, name)
    return x


def _fused_mbconv(inputs, input_filters, output_filters, expand_ratio, kernel_size, strides,
                  se_ratio, activation, drop_rate, name, **batch_norm):
    """Fused MBConv: one full convolution expands (or, unexpanded, is the projection)."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(name=f"{name}expand_bn", **batch_norm)(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, input_filters, se_ratio, activation, name)
    expanded = expand_ratio != 1
    x = layers.Conv2D(output_filters, 1 if expanded else kernel_size,
                      strides=1 if expanded else strides, padding="same", use_bias=False,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(name=f"{name}project_bn", **batch_norm)(x)
    if not expanded:
        x = layers.Activation(activation, name=f"{name}project_activation")(x)
    if strides == 1 and input_filters == output_filters:
        x = _residual(x, inputs, drop_rate, name)
    return x


_BLOCKS = {0: _mbconv, 1: _fused_mbconv}


def _efficientnet_v2(preset, width_coefficient, depth_coefficient, default_size, *,
                     dropout_rate=0.2, drop_connect_rate=0.2, depth_divisor=8, min_depth=8,
                     bn_momentum=0.9, activation="swish", blocks_args="default", name,
                     include_top, input_shape, pooling, classes, classifier_activation,
                     include_preprocessing):
    """EfficientNetV2 whose default blocks and preprocessing follow ``preset``."""
    inputs = _start(name, input_shape, pooling, {}, size=default_size)
    if blocks_args == "default":
        if preset not in DEFAULT_BLOCKS_ARGS:
            raise ArgumentError(f"{name}: `blocks_args='default'` needs a name among "
                                f"{sorted(DEFAULT_BLOCKS_ARGS)}. Received: name={preset!r}",
                                argument="name", value=preset)
        blocks_args = DEFAULT_BLOCKS_ARGS[preset]

    def round_filters(filters):
        filters *= width_coefficient
        return int(max(min_depth or depth_divisor,
                       int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))

    stages = list(_stage_blocks(name, blocks_args, "num_repeat", _BLOCK_DEFAULTS,
                                _BLOCK_REQUIRED))
    x = inputs
    if include_preprocessing:
        if preset.split("-")[-1].startswith("b") and inputs.shape[-1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406],
                                     variance=[0.229**2, 0.224**2, 0.225**2], axis=-1)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    batch_norm = {"momentum": bn_momentum}
    x = layers.Conv2D(round_filters(stages[0][0]["input_filters"]), 3, strides=2,
                      padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn", **batch_norm)(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(repeats for _, repeats in stages))
    done = 0
    for stage, (args, repeats) in enumerate(stages, 1):
        block = _BLOCKS.get(args.pop("conv_type"))
        if block is None:
            raise ArgumentError(f"{name}: `conv_type` must be 0 (MBConv) or 1 (fused MBConv) "
                                f"in stage {stage} of `blocks_args`. Received: "
                                f"{blocks_args[stage - 1]!r}", argument="blocks_args",
                                value=blocks_args[stage - 1])
        args.update(input_filters=round_filters(args["input_filters"]),
                    output_filters=round_filters(args["output_filters"]))
        for j in range(int(math.ceil(depth_coefficient * repeats))):
            if j:
                args.update(strides=1, input_filters=args["output_filters"])
            x = block(x, activation=activation, drop_rate=drop_connect_rate * done / total,
                      name=f"block{stage}{chr(j + 97)}_", **args, **batch_norm)
            done += 1
    x = _top(x, round_filters(1280), activation, include_top, dropout_rate, pooling, classes,
             classifier_activation, **batch_norm)
    return Model(inputs, x, name=name)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", name="efficientnetv2",
                   include_top=True, weights=None, input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None):
    """Keras's general EfficientNetV2: fused and plain MBConv stages, scaled.

    As in Keras, ``blocks_args="default"`` takes the table named by ``name``
    (``"efficientnetv2-s"``, ``"efficientnetv2-b0"``, …), and a ``-b…`` name picks
    the ImageNet normalization as preprocessing. Widths round to the nearest
    ``depth_divisor`` multiple (at least ``min_depth``); repeats round up.
    """
    return _efficientnet_v2(
        name, width_coefficient, depth_coefficient, default_size, dropout_rate=dropout_rate,
        drop_connect_rate=drop_connect_rate, depth_divisor=depth_divisor, min_depth=min_depth,
        bn_momentum=bn_momentum, activation=activation, blocks_args=blocks_args, name=name,
        include_top=include_top, input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation,
        include_preprocessing=include_preprocessing)


def _variant(width, depth, size, label):
    def build(include_top=True, weights=None, input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              include_preprocessing=True, name=f"efficientnetv2-{label}"):
        return _efficientnet_v2(
            f"efficientnetv2-{label}", width, depth, size, name=name, include_top=include_top,
            input_shape=input_shape, pooling=pooling, classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing)
    build.__name__ = build.__qualname__ = f"EfficientNetV2{label.upper()}"
    build.__doc__ = (f"EfficientNetV2-{label.upper()}: width ×{width}, depth ×{depth}, "
                     f"{size}×{size} inputs by default.")
    return build


EfficientNetV2B0 = _variant(1.0, 1.0, 224, "b0")
EfficientNetV2B1 = _variant(1.0, 1.1, 240, "b1")
EfficientNetV2B2 = _variant(1.1, 1.2, 260, "b2")
EfficientNetV2B3 = _variant(1.2, 1.4, 300, "b3")
EfficientNetV2S = _variant(1.0, 1.0, 384, "s")
EfficientNetV2M = _variant(1.0, 1.0, 480, "m")
EfficientNetV2L = _variant(1.0, 1.0, 480, "l")
