"""EfficientNet B0 to B7 (Tan and Le, 2019) and EfficientNetV2 S, M, L (Tan and Le, 2021),
as ``torchvision.models`` builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.efficientnet_b0()
>>> model.params
5288548
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 1280, ceiling(H/32), ceiling(W/32))

Stochastic depth drops residual branches in training only: no weights, no shape, and
no layer here.
"""

from __future__ import annotations

import math

from ... import layers, nn
from ...errors import ArgumentTypeError
from ...graph import Model
from ._common import _conv_norm_act, _image, _make_divisible, _no_more, _norm_factory

__all__ = [
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
    "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
]

# Stages: fused?, expand ratio, kernel, first stride, input and output channels, blocks.
_B = ((False, 1, 3, 1, 32, 16, 1), (False, 6, 3, 2, 16, 24, 2), (False, 6, 5, 2, 24, 40, 2),
      (False, 6, 3, 2, 40, 80, 3), (False, 6, 5, 1, 80, 112, 3), (False, 6, 5, 2, 112, 192, 4),
      (False, 6, 3, 1, 192, 320, 1))
_V2_S = ((True, 1, 3, 1, 24, 24, 2), (True, 4, 3, 2, 24, 48, 4), (True, 4, 3, 2, 48, 64, 4),
         (False, 4, 3, 2, 64, 128, 6), (False, 6, 3, 1, 128, 160, 9),
         (False, 6, 3, 2, 160, 256, 15))
_V2_M = ((True, 1, 3, 1, 24, 24, 3), (True, 4, 3, 2, 24, 48, 5), (True, 4, 3, 2, 48, 80, 5),
         (False, 4, 3, 2, 80, 160, 7), (False, 6, 3, 1, 160, 176, 14),
         (False, 6, 3, 2, 176, 304, 18), (False, 6, 3, 1, 304, 512, 5))
_V2_L = ((True, 1, 3, 1, 32, 32, 4), (True, 4, 3, 2, 32, 64, 7), (True, 4, 3, 2, 64, 96, 7),
         (False, 4, 3, 2, 96, 192, 10), (False, 6, 3, 1, 192, 224, 19),
         (False, 6, 3, 2, 224, 384, 25), (False, 6, 3, 1, 384, 640, 7))


def _mbconv(x, inp, out, expand_ratio, kernel, stride, norm):
    """Expand (1x1), depthwise, squeeze-and-excite, project (1x1); residual when kept."""
    expanded = _make_divisible(inp * expand_ratio, 8)
    y = x
    if expanded != inp:
        y = _conv_norm_act(y, inp, expanded, 1, norm=norm, activation=nn.SiLU)
    y = _conv_norm_act(y, expanded, expanded, kernel, stride=stride, groups=expanded, norm=norm,
                       activation=nn.SiLU)
    squeeze = max(1, inp // 4)
    scale = nn.SiLU(inplace=True)(nn.Conv2d(expanded, squeeze, 1)(nn.AdaptiveAvgPool2d(1)(y)))
    scale = nn.Sigmoid()(nn.Conv2d(squeeze, expanded, 1)(scale))
    y = layers.Multiply()([scale, y])
    y = _conv_norm_act(y, expanded, out, 1, norm=norm, activation=None)
    return layers.Add()([y, x]) if stride == 1 and inp == out else y


def _fused_mbconv(x, inp, out, expand_ratio, kernel, stride, norm):
    """A full convolution expanding (or straight to the output), then a 1x1 projection."""
    expanded = _make_divisible(inp * expand_ratio, 8)
    if expanded != inp:
        y = _conv_norm_act(x, inp, expanded, kernel, stride=stride, norm=norm,
                           activation=nn.SiLU)
        y = _conv_norm_act(y, expanded, out, 1, norm=norm, activation=None)
    else:
        y = _conv_norm_act(x, inp, out, kernel, stride=stride, norm=norm, activation=nn.SiLU)
    return layers.Add()([y, x]) if stride == 1 and inp == out else y


# builder: stages, width and depth multipliers, dropout, head width, batch norm eps 0.001
# (torchvision then fixes norm_layer)
_CONFIGS = {
    "efficientnet_b0": (_B, 1.0, 1.0, 0.2, None, False),
    "efficientnet_b1": (_B, 1.0, 1.1, 0.2, None, False),
    "efficientnet_b2": (_B, 1.1, 1.2, 0.3, None, False),
    "efficientnet_b3": (_B, 1.2, 1.4, 0.3, None, False),
    "efficientnet_b4": (_B, 1.4, 1.8, 0.4, None, False),
    "efficientnet_b5": (_B, 1.6, 2.2, 0.4, None, True),
    "efficientnet_b6": (_B, 1.8, 2.6, 0.5, None, True),
    "efficientnet_b7": (_B, 2.0, 3.1, 0.5, None, True),
    "efficientnet_v2_s": (_V2_S, 1.0, 1.0, 0.2, 1280, True),
    "efficientnet_v2_m": (_V2_M, 1.0, 1.0, 0.3, 1280, True),
    "efficientnet_v2_l": (_V2_L, 1.0, 1.0, 0.4, 1280, True),
}


def _efficientnet(builder, num_classes, input_shape, kwargs):
    stages, width_mult, depth_mult, dropout, last_channel, small_eps = _CONFIGS[builder]
    dropout = kwargs.pop("dropout", dropout)
    kwargs.pop("stochastic_depth_prob", None)  # training only
    norm_layer = kwargs.pop("norm_layer", None)
    _no_more(builder, kwargs)
    if small_eps and norm_layer is not None:
        raise ArgumentTypeError(f"{builder}() got multiple values for keyword argument "
                                "'norm_layer'", argument="norm_layer", value=norm_layer)
    norm = _small_eps_norm if small_eps else _norm_factory(builder, norm_layer)

    def adjust(channels):
        return _make_divisible(channels * width_mult, 8)

    image = _image(input_shape)
    x = _conv_norm_act(image, 3, adjust(stages[0][4]), stride=2, norm=norm, activation=nn.SiLU)
    for fused, ratio, kernel, stride, inp, out, count in stages:
        block = _fused_mbconv if fused else _mbconv
        inp, out = adjust(inp), adjust(out)
        for i in range(int(math.ceil(count * depth_mult))):
            x = block(x, inp if i == 0 else out, out, ratio, kernel, stride if i == 0 else 1,
                      norm)
    channels = adjust(stages[-1][5])
    last = last_channel or 4 * channels
    x = _conv_norm_act(x, channels, last, 1, norm=norm, activation=nn.SiLU)
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d(1)(x))
    x = nn.Linear(last, num_classes)(nn.Dropout(p=dropout, inplace=True)(x))
    return Model(image, x, name=builder)


def _small_eps_norm(channels):
    return nn.BatchNorm2d(channels, eps=0.001, momentum=0.01)


def efficientnet_b0(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B0: the base network (width 1.0, depth 1.0, dropout 0.2).

    Keyword arguments are torchvision's (``dropout``, ``stochastic_depth_prob``,
    ``norm_layer`` up to B4) and ``input_shape``, the whole input shape
    ``(N, 3, H, W)`` (symbolic by default).
    """
    return _efficientnet("efficientnet_b0", num_classes, input_shape, kwargs)


def efficientnet_b1(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B1: width 1.0, depth 1.1, dropout 0.2."""
    return _efficientnet("efficientnet_b1", num_classes, input_shape, kwargs)


def efficientnet_b2(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B2: width 1.1, depth 1.2, dropout 0.3."""
    return _efficientnet("efficientnet_b2", num_classes, input_shape, kwargs)


def efficientnet_b3(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B3: width 1.2, depth 1.4, dropout 0.3."""
    return _efficientnet("efficientnet_b3", num_classes, input_shape, kwargs)


def efficientnet_b4(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B4: width 1.4, depth 1.8, dropout 0.4."""
    return _efficientnet("efficientnet_b4", num_classes, input_shape, kwargs)


def efficientnet_b5(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B5: width 1.6, depth 2.2, dropout 0.4, batch norm eps 0.001."""
    return _efficientnet("efficientnet_b5", num_classes, input_shape, kwargs)


def efficientnet_b6(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B6: width 1.8, depth 2.6, dropout 0.5, batch norm eps 0.001."""
    return _efficientnet("efficientnet_b6", num_classes, input_shape, kwargs)


def efficientnet_b7(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                    **kwargs):
    """EfficientNet-B7: width 2.0, depth 3.1, dropout 0.5, batch norm eps 0.001."""
    return _efficientnet("efficientnet_b7", num_classes, input_shape, kwargs)


def efficientnet_v2_s(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                      **kwargs):
    """EfficientNetV2-S: fused blocks first, then MBConv; a 1280-wide head."""
    return _efficientnet("efficientnet_v2_s", num_classes, input_shape, kwargs)


def efficientnet_v2_m(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                      **kwargs):
    """EfficientNetV2-M."""
    return _efficientnet("efficientnet_v2_m", num_classes, input_shape, kwargs)


def efficientnet_v2_l(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                      **kwargs):
    """EfficientNetV2-L."""
    return _efficientnet("efficientnet_v2_l", num_classes, input_shape, kwargs)
