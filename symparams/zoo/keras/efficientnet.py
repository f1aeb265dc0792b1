"""EfficientNet B0 to B7 (Tan and Le, 2019), as ``keras.applications`` builds them.

>>> from symparams import dims
>>> from symparams.zoo.keras import EfficientNetB0
>>> H, W = dims("H W")
>>> features = EfficientNetB0(include_top=False, input_shape=(H, W, 3))
>>> features.output_shape
(ceiling(H/32), ceiling(W/32), 1280)
>>> model = EfficientNetB0()
>>> model.input_shape, model.trainable_params, model.non_trainable_params
((224, 224, 3), 5288548, 42023)

The stem's ``Normalization`` is left to be adapted, as in Keras's model built
without weights: its mean, variance and count (7 numbers for RGB) are
non-trainable, like the batch norms' moving statistics. ``EfficientNet`` is
Keras's general builder behind B0 to B7 (width and depth coefficients,
``drop_connect_rate``, ``depth_divisor``, ``activation``, ``blocks_args``).
"""

from __future__ import annotations

import math

from ... import layers
from ...errors import ArgumentError
from ...graph import Model
from ._common import _correct_pad, _make_divisible, _pool, _start

__all__ = [
    "EfficientNet", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
    "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
]

DEFAULT_BLOCKS_ARGS = [
    {"kernel_size": kernel, "repeats": repeats, "filters_in": filters_in,
     "filters_out": filters_out, "expand_ratio": expand, "id_skip": True, "strides": strides,
     "se_ratio": 0.25}
    for kernel, repeats, filters_in, filters_out, expand, strides in (
        (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
        (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1))
]

_BLOCK_DEFAULTS = {"filters_in": 32, "filters_out": 16, "kernel_size": 3, "strides": 1,
                   "expand_ratio": 1, "se_ratio": 0.0, "id_skip": True}


def _stage_blocks(model, blocks_args, count_key, defaults, required=()):
    """Each stage's block arguments and repeat count (``count_key``), checked as Keras needs."""
    for stage, args in enumerate(blocks_args, 1):
        missing = sorted({count_key, *required} - set(args))
        unknown = sorted(set(args) - set(defaults) - {count_key, *required})
        if missing or unknown:
            problem = f"lacks {missing}" if missing else f"has unknown keys {unknown}"
            raise ArgumentError(f"{model}: stage {stage} of `blocks_args` {problem}. "
                                f"Received: {args!r}", argument="blocks_args", value=args)
        if args[count_key] <= 0:
            raise ArgumentError(f"{model}: the number of repeats must be > 0. Received: "
                                f"{count_key}={args[count_key]!r} in stage {stage} of "
                                "`blocks_args`", argument="blocks_args", value=args)
        yield {**defaults, **{k: v for k, v in args.items() if k != count_key}}, args[count_key]


def _squeeze_excite(x, filters_in, se_ratio, activation, name):
    """Keras's squeeze-and-excitation: channel means, two 1×1 convolutions, a product."""
    channels = x.shape[-1]
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((1, 1, channels), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same",
                       activation=activation, name=f"{name}se_reduce")(se)
    se = layers.Conv2D(channels, 1, padding="same", activation="sigmoid",
                       name=f"{name}se_expand")(se)
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def _residual(x, inputs, drop_rate, name):
    """The skip connection, behind stochastic depth (a weightless per-sample Dropout)."""
    if drop_rate:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.Add(name=f"{name}add")([x, inputs])


def _top(x, filters, activation, include_top, dropout_rate, pooling, classes,
         classifier_activation, **batch_norm):
    """The 1×1 top convolution, then the classifier (after dropout) or ``pooling``."""
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(name="top_bn", **batch_norm)(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if not include_top:
        return _pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def _block(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size, strides,
           expand_ratio, se_ratio, id_skip):
    """The MBConv block: expand, depthwise convolution, squeeze-and-excite, project."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(_correct_pad(x.shape, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, use_bias=False,
                               padding="valid" if strides == 2 else "same",
                               name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters_in, se_ratio, activation, name)
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        x = _residual(x, inputs, drop_rate, name)
    return x


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                 drop_connect_rate=0.2, depth_divisor=8, activation="swish",
                 blocks_args="default", name="efficientnet", include_top=True, weights=None,
                 input_tensor=None, input_shape=None, pooling=None, classes=1000,
                 classifier_activation="softmax", weights_name=None):
    """Keras's general EfficientNet: stages of MBConv blocks scaled in width and depth.

    Widths are ``depth_divisor`` multiples (Keras's rounding, never more than 10%
    down); each stage's repeats are rounded up after scaling by ``depth_coefficient``.
    """
    inputs = _start(name, input_shape, pooling, {}, size=default_size)
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS

    def round_filters(filters):
        return _make_divisible(filters * width_coefficient, depth_divisor)

    def round_repeats(repeats):
        return int(math.ceil(depth_coefficient * repeats))

    stages = list(_stage_blocks(name, blocks_args, "repeats", _BLOCK_DEFAULTS))
    x = layers.Rescaling(1.0 / 255.0)(inputs)
    x = layers.Normalization(axis=-1)(x)
    x = layers.ZeroPadding2D(_correct_pad(x.shape, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                      name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(round_repeats(repeats) for _, repeats in stages))
    done = 0
    for stage, (args, repeats) in enumerate(stages, 1):
        args.update(filters_in=round_filters(args["filters_in"]),
                    filters_out=round_filters(args["filters_out"]))
        for j in range(round_repeats(repeats)):
            if j:
                args.update(strides=1, filters_in=args["filters_out"])
            x = _block(x, activation, drop_connect_rate * done / total,
                       f"block{stage}{chr(j + 97)}_", **args)
            done += 1
    x = _top(x, round_filters(1280), activation, include_top, dropout_rate, pooling, classes,
             classifier_activation)
    return Model(inputs, x, name=name)


def _variant(width, depth, size, dropout, label):
    def build(include_top=True, weights=None, input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              name=f"efficientnet{label}"):
        return EfficientNet(width, depth, size, dropout, name=name, include_top=include_top,
                            input_shape=input_shape, pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation)
    build.__name__ = build.__qualname__ = f"EfficientNet{label.upper()}"
    build.__doc__ = (f"EfficientNet-{label.upper()}: width ×{width}, depth ×{depth}, "
                     f"{size}×{size} inputs by default.")
    return build


EfficientNetB0 = _variant(1.0, 1.0, 224, 0.2, "b0")
EfficientNetB1 = _variant(1.0, 1.1, 240, 0.2, "b1")
EfficientNetB2 = _variant(1.1, 1.2, 260, 0.3, "b2")
EfficientNetB3 = _variant(1.2, 1.4, 300, 0.3, "b3")
EfficientNetB4 = _variant(1.4, 1.8, 380, 0.4, "b4")
EfficientNetB5 = _variant(1.6, 2.2, 456, 0.4, "b5")
EfficientNetB6 = _variant(1.8, 2.6, 528, 0.5, "b6")
EfficientNetB7 = _variant(2.0, 3.1, 600, 0.5, "b7")
