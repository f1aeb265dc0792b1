"""MobileNetV3 (Howard et al., 2019): inverted residuals with squeeze-and-excite, Small and Large.

>>> from symparams import dims
>>> from symparams.zoo.keras import MobileNetV3Small
>>> H, W = dims("H W")
>>> MobileNetV3Small(include_top=False, input_shape=(H, W, 3)).output_shape
(ceiling(H/32), ceiling(W/32), 576)

``minimalistic=True`` drops the squeeze-and-excite blocks and uses 3×3 kernels
and ReLU throughout; ``alpha`` scales the block widths (rounded to multiples
of 8) and, above 1, the classifier's hidden width. The hard-sigmoid gate of a
squeeze-and-excite block is Keras's ``relu6(x + 3) / 6``, weightless, written
here as one ``Activation("hard_sigmoid")``.
"""

from __future__ import annotations

from ... import arguments, layers
from ...graph import Model
from ._common import _correct_pad, _make_divisible, _pool, _start, _width

__all__ = ["MobileNetV3Large", "MobileNetV3Small"]

# One row per block: expansion, output width (before alpha), kernel ("k": 5, or 3 when
# minimalistic), stride, squeeze-and-excite, activation ("hs": hard swish, or ReLU when
# minimalistic).
_SMALL = (
    (1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"),
    (88.0 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "hs"),
    (6, 40, "k", 1, True, "hs"), (6, 40, "k", 1, True, "hs"), (3, 48, "k", 1, True, "hs"),
    (3, 48, "k", 1, True, "hs"), (6, 96, "k", 2, True, "hs"), (6, 96, "k", 1, True, "hs"),
    (6, 96, "k", 1, True, "hs"),
)
_LARGE = (
    (1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"), (6, 80, 3, 2, False, "hs"), (2.5, 80, 3, 1, False, "hs"),
    (2.3, 80, 3, 1, False, "hs"), (2.3, 80, 3, 1, False, "hs"), (6, 112, 3, 1, True, "hs"),
    (6, 112, 3, 1, True, "hs"), (6, 160, "k", 2, True, "hs"), (6, 160, "k", 1, True, "hs"),
    (6, 160, "k", 1, True, "hs"),
)


def _variant(function_name, plan, last_point, doc):
    """One public builder, with Keras's signature; only the block plan differs."""

    def builder(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                weights=None, input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                classifier_activation="softmax", include_preprocessing=True,
                name=function_name, **kwargs):
        return _mobilenet_v3(plan, last_point, function_name, input_shape, alpha, minimalistic,
                             include_top, classes, pooling, dropout_rate,
                             classifier_activation, include_preprocessing, name, kwargs)

    builder.__name__ = builder.__qualname__ = function_name
    builder.__doc__ = doc
    return builder


MobileNetV3Small = _variant("MobileNetV3Small", _SMALL, 1024, """\
MobileNetV3-Small: 11 blocks, 576 features, a 1024-wide classifier.

>>> MobileNetV3Small().params
2554968
""")
MobileNetV3Large = _variant("MobileNetV3Large", _LARGE, 1280, """\
MobileNetV3-Large: 15 blocks, 960 features, a 1280-wide classifier.

>>> MobileNetV3Large().params
5507432
""")


def _mobilenet_v3(plan, last_point, owner, input_shape, alpha, minimalistic, include_top,
                  classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                  name, kwargs):
    inputs = _start(owner, input_shape, pooling, kwargs)
    alpha = _width(alpha, owner)
    dropout_rate = arguments.fraction(dropout_rate, owner=owner, argument="dropout_rate")
    kernel, activation, squeeze = (3, "relu", False) if minimalistic else (5, "hs", True)
    x = inputs
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = _activation(x, activation)
    for block, (expansion, filters, size, stride, se, act) in enumerate(plan):
        x = _inverted_res_block(
            x, expansion, _make_divisible(filters * alpha), kernel if size == "k" else size,
            stride, squeeze and se, activation if act == "hs" else "relu", block)
    x = layers.Conv2D(_make_divisible(int(x.shape[-1]) * 6), 1, padding="same",
                      use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = _activation(x, activation)
    if include_top:
        if alpha > 1.0:
            last_point = _make_divisible(last_point * alpha)
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point, 1, padding="same", name="conv_2")(x)
        x = _activation(x, activation)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return Model(inputs, x, name=name)


def _activation(x, which):
    return layers.ReLU()(x) if which == "relu" else layers.Activation("hard_swish")(x)


def _inverted_res_block(x, expansion, filters, kernel, stride, squeeze, activation, block):
    """Expand (not in block 0), depthwise, squeeze-and-excite, project; add if shapes allow."""
    shortcut = x
    channels = int(x.shape[-1])
    prefix = f"expanded_conv_{block}_" if block else "expanded_conv_"
    if block:
        x = layers.Conv2D(_make_divisible(channels * expansion), 1, padding="same",
                          use_bias=False, name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_bn")(x)
        x = _activation(x, activation)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x.shape, kernel),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_bn")(x)
    x = _activation(x, activation)
    if squeeze:
        x = _squeeze_excite(x, _make_divisible(channels * expansion), prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=f"{prefix}project_bn")(x)
    if stride == 1 and channels == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _squeeze_excite(inputs, filters, prefix):
    """Channel gates from the pooled features: squeeze to a quarter, expand, hard sigmoid."""
    x = layers.GlobalAveragePooling2D(keepdims=True,
                                      name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_make_divisible(filters * 0.25), 1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = layers.Activation("hard_sigmoid", name=f"{prefix}squeeze_excite_hard_sigmoid")(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])
