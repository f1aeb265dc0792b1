"""NASNet-A (Zoph et al., 2018): NASNetMobile and NASNetLarge, cells found by architecture search.

Each cell takes the two previous cells' outputs, ``x`` and ``p``. Keras adjusts
``p`` to ``x`` by comparing their widths: a wider ``p`` is halved by two strided
1x1 paths. With symbolic sizes that comparison is structural, and the halving
is kept only under the condition that the width being halved exceeds 1 (a width
of 1 halves to 1, and Keras would take the other path).

>>> from symparams import dims
>>> from symparams.printing import text
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> text(keras.NASNetMobile(include_top=False, input_shape=(H, W, 3)).output_shape[0])
'⌊(H + 29)/32⌋'
>>> keras.NASNetMobile().params
5326716
"""

from __future__ import annotations

from ... import layers
from ...conditions import Condition
from ...graph import Model
from ._common import _correct_pad, _head, _start

__all__ = ["NASNetMobile", "NASNetLarge"]


def _bn(x, name=None):
    return layers.BatchNormalization(momentum=0.9997, epsilon=1e-3, name=name)(x)


class _HalvingPool(layers.AveragePooling2D):
    """The 1x1 stride-2 average pool that halves a wider ``p``, on the condition it is wider."""

    display_type = "AveragePooling2D"

    def input_conditions(self, input_shape):
        return (Condition.less(1, input_shape[1], "NASNet halves the previous cell only when "
                                                  "it is wider than the current one, so its "
                                                  "width must exceed 1"),)


def _separable_block(x, filters, kernel, strides, name):
    """Two relu, separable convolution, batch norm units; a stride 2 pads as Keras's correct_pad."""
    x = layers.Activation("relu")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(_correct_pad(x.shape, kernel),
                                 name=f"separable_conv_1_pad_{name}")(x)
    x = layers.SeparableConv2D(filters, kernel, strides=strides, use_bias=False,
                               padding="same" if strides == 1 else "valid",
                               name=f"separable_conv_1_{name}")(x)
    x = _bn(x, f"separable_conv_1_bn_{name}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel, padding="same", use_bias=False,
                               name=f"separable_conv_2_{name}")(x)
    return _bn(x, f"separable_conv_2_bn_{name}")


def _adjust(p, ip, filters, name):
    """``p`` made to match ``ip``: halved if wider (Keras compares widths), else projected."""
    if p is None:
        return ip
    if p.shape[1] != ip.shape[1]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{name}")(p)
        left = _HalvingPool(1, strides=2, name=f"adjust_avg_pool_1_{name}")(p)
        left = layers.Conv2D(filters // 2, 1, padding="same", use_bias=False,
                             name=f"adjust_conv_1_{name}")(left)
        right = layers.ZeroPadding2D(((0, 1), (0, 1)))(p)
        right = layers.Cropping2D(((1, 0), (1, 0)))(right)
        right = layers.AveragePooling2D(1, strides=2, name=f"adjust_avg_pool_2_{name}")(right)
        right = layers.Conv2D(filters // 2, 1, padding="same", use_bias=False,
                              name=f"adjust_conv_2_{name}")(right)
        return _bn(layers.Concatenate()([left, right]), f"adjust_bn_{name}")
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          name=f"adjust_conv_projection_{name}")(p)
        return _bn(p, f"adjust_bn_{name}")
    return p


def _squeeze(ip, filters, kind, name):
    """The cell's own input, through relu, a 1x1 convolution and a batch norm."""
    h = layers.Activation("relu")(ip)
    h = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{kind}_conv_1_{name}")(h)
    return _bn(h, f"{kind}_bn_1_{name}")


def _average(x, name):
    return layers.AveragePooling2D(3, strides=1, padding="same", name=name)(x)


def _normal_cell(ip, p, filters, name):
    """Keras's normal_A cell: five pairwise sums of separable and pooled paths, all joined."""
    p = _adjust(p, ip, filters, name)
    h = _squeeze(ip, filters, "normal", name)
    x1 = layers.Add(name=f"normal_add_1_{name}")([
        _separable_block(h, filters, 5, 1, f"normal_left1_{name}"),
        _separable_block(p, filters, 3, 1, f"normal_right1_{name}")])
    x2 = layers.Add(name=f"normal_add_2_{name}")([
        _separable_block(p, filters, 5, 1, f"normal_left2_{name}"),
        _separable_block(p, filters, 3, 1, f"normal_right2_{name}")])
    x3 = layers.Add(name=f"normal_add_3_{name}")([_average(h, f"normal_left3_{name}"), p])
    x4 = layers.Add(name=f"normal_add_4_{name}")([_average(p, f"normal_left4_{name}"),
                                                   _average(p, f"normal_right4_{name}")])
    x5 = layers.Add(name=f"normal_add_5_{name}")([
        _separable_block(h, filters, 3, 1, f"normal_left5_{name}"), h])
    x = layers.Concatenate(name=f"normal_concat_{name}")([p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_cell(ip, p, filters, name):
    """Keras's reduction_A cell: stride-2 separable and pooled paths, summed and joined."""
    p = _adjust(p, ip, filters, name)
    h = _squeeze(ip, filters, "reduction", name)
    h3 = layers.ZeroPadding2D(_correct_pad(h.shape, 3), name=f"reduction_pad_1_{name}")(h)
    x1 = layers.Add(name=f"reduction_add_1_{name}")([
        _separable_block(h, filters, 5, 2, f"reduction_left1_{name}"),
        _separable_block(p, filters, 7, 2, f"reduction_right1_{name}")])
    x2 = layers.Add(name=f"reduction_add_2_{name}")([
        layers.MaxPooling2D(3, strides=2, name=f"reduction_left2_{name}")(h3),
        _separable_block(p, filters, 7, 2, f"reduction_right2_{name}")])
    x3 = layers.Add(name=f"reduction_add3_{name}")([
        layers.AveragePooling2D(3, strides=2, name=f"reduction_left3_{name}")(h3),
        _separable_block(p, filters, 5, 2, f"reduction_right3_{name}")])
    x4 = layers.Add()([x2, _average(x1, f"reduction_left4_{name}")])
    x5 = layers.Add(name=f"reduction_add4_{name}")([
        _separable_block(x1, filters, 3, 1, f"reduction_left4_{name}"),
        layers.MaxPooling2D(3, strides=2, name=f"reduction_right5_{name}")(h3)])
    x = layers.Concatenate(name=f"reduction_concat_{name}")([x2, x3, x4, x5])
    return x, ip


#: Keras's settings for its two NASNet-A builders, and the input size each defaults to.
_MOBILE = dict(penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
               skip_reduction=False, filter_multiplier=2, default_size=224)
_LARGE = dict(penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
              skip_reduction=True, filter_multiplier=2, default_size=331)


def _nasnet(settings, name, input_shape, include_top, pooling, classes, classifier_activation,
            kwargs):
    """Keras's NASNet: a stem, two reduction cells, then three stacks of ``num_blocks``
    normal cells with a reduction cell between stacks; widths grow by ``filter_multiplier``."""
    inputs = _start(name, input_shape, pooling, kwargs, size=settings["default_size"])
    multiplier, num_blocks = settings["filter_multiplier"], settings["num_blocks"]
    filters = settings["penultimate_filters"] // 24
    x = layers.Conv2D(settings["stem_block_filters"], 3, strides=2, use_bias=False,
                      name="stem_conv1")(inputs)
    x = _bn(x, "stem_bn1")
    x, p = _reduction_cell(x, None, filters // multiplier ** 2, "stem_1")
    x, p = _reduction_cell(x, p, filters // multiplier, "stem_2")
    for stack in range(3):
        width = filters * multiplier ** stack
        if stack:
            x, reduced = _reduction_cell(x, p, width, f"reduce_{stack * num_blocks}")
            p = p if settings["skip_reduction"] else reduced
        for i in range(num_blocks):
            x, p = _normal_cell(x, p, width, f"{stack * num_blocks + i + min(stack, 1)}")
    x = layers.Activation("relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return Model(inputs, x, name=name)


def NASNetMobile(input_shape=None, include_top=True, weights=None, input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile", **kwargs):
    """NASNet-A (4 @ 1056) on a 224×224 input: 4 normal cells per stack, 1056 filters last."""
    return _nasnet(_MOBILE, name, input_shape, include_top, pooling, classes,
                   classifier_activation, kwargs)


def NASNetLarge(input_shape=None, include_top=True, weights=None, input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large", **kwargs):
    """NASNet-A (6 @ 4032) on a 331×331 input: 6 normal cells per stack, 4032 filters last."""
    return _nasnet(_LARGE, name, input_shape, include_top, pooling, classes,
                   classifier_activation, kwargs)
