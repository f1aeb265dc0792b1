"""MobileNetV2 (Sandler et al., 2018) and MobileNetV3 (Howard et al., 2019), as
``torchvision.models`` builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.mobilenet_v2()
>>> model.params, model.buffers
(3504872, 34164)
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 1280, ceiling(H/32), ceiling(W/32))
>>> torchvision.mobilenet_v3_small().params
2542856
"""

from __future__ import annotations

import math
import numbers

from ... import layers, nn
from ...errors import ArgumentError
from ...graph import Model
from ._common import _conv_norm_act, _image, _make_divisible, _no_more, _norm_factory

__all__ = ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]

# expansion t, output channels c, repeats n, first stride s
_V2_SETTING = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
               (6, 160, 3, 2), (6, 320, 1, 1))


def _inverted_residual(x, inp, oup, stride, expand_ratio, norm):
    """Expand (1x1), depthwise 3x3, project (1x1, no activation); a residual add when the
    shape is kept."""
    if stride not in (1, 2):
        raise ArgumentError(f"mobilenet_v2: stride should be 1 or 2 instead of {stride}",
                            argument="inverted_residual_setting", value=stride)
    hidden = int(round(inp * expand_ratio))
    out = x
    if expand_ratio != 1:
        out = _conv_norm_act(out, inp, hidden, 1, norm=norm, activation=nn.ReLU6)
    out = _conv_norm_act(out, hidden, hidden, stride=stride, groups=hidden, norm=norm,
                         activation=nn.ReLU6)
    out = norm(oup)(nn.Conv2d(hidden, oup, 1, bias=False)(out))
    return layers.Add()([x, out]) if stride == 1 and inp == oup else out


# More blocks than this in one row of a setting cannot be a real network (and would never build).
_MOST_REPEATS = 1000


def _is_setting(setting) -> bool:
    """An inverted residual setting: rows of four positive ints (t, c, n, s), n not absurd."""
    return isinstance(setting, (list, tuple)) and len(setting) > 0 and all(
        isinstance(row, (list, tuple)) and len(row) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in row)
        and row[2] <= _MOST_REPEATS for row in setting)


def mobilenet_v2(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                 width_mult=1.0, inverted_residual_setting=None, round_nearest=8,
                 norm_layer=None, dropout=0.2, **kwargs):
    """MobileNetV2: inverted residual blocks; ``width_mult`` scales every width.

    torchvision's ``block`` (a torch module class) has no symparams counterpart and is
    refused.
    """
    _no_more("mobilenet_v2", kwargs)
    norm = _norm_factory("mobilenet_v2", norm_layer)
    setting = _V2_SETTING if inverted_residual_setting is None else inverted_residual_setting
    if not _is_setting(setting):
        raise ArgumentError("mobilenet_v2: inverted_residual_setting should be non-empty or a "
                            f"4-element list, got {inverted_residual_setting}",
                            argument="inverted_residual_setting",
                            value=inverted_residual_setting)
    if isinstance(width_mult, bool) or not isinstance(width_mult, numbers.Real) or \
            not 0 < width_mult < math.inf:
        raise ArgumentError(f"mobilenet_v2: `width_mult` must be a positive number. "
                            f"Received: width_mult={width_mult!r}", argument="width_mult",
                            value=width_mult)
    if isinstance(round_nearest, bool) or not isinstance(round_nearest, int) or \
            round_nearest < 1:
        raise ArgumentError(f"mobilenet_v2: `round_nearest` must be a positive integer. "
                            f"Received: round_nearest={round_nearest!r}",
                            argument="round_nearest", value=round_nearest)
    channels = _make_divisible(32 * width_mult, round_nearest)
    last = _make_divisible(1280 * max(1.0, width_mult), round_nearest)
    image = _image(input_shape)
    x = _conv_norm_act(image, 3, channels, stride=2, norm=norm, activation=nn.ReLU6)
    for t, c, n, s in setting:
        out = _make_divisible(c * width_mult, round_nearest)
        for i in range(n):
            x = _inverted_residual(x, channels, out, s if i == 0 else 1, t, norm)
            channels = out
    x = _conv_norm_act(x, channels, last, 1, norm=norm, activation=nn.ReLU6)
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d((1, 1))(x))
    x = nn.Linear(last, num_classes)(nn.Dropout(p=dropout)(x))
    return Model(image, x, name="mobilenet_v2")


# input, kernel, expanded, output channels, squeeze-and-excite, hard swish, stride. The last
# three blocks are the tail, which reduced_tail narrows and dilated dilates.
_V3_LARGE = ((16, 3, 16, 16, False, False, 1), (16, 3, 64, 24, False, False, 2),
             (24, 3, 72, 24, False, False, 1), (24, 5, 72, 40, True, False, 2),
             (40, 5, 120, 40, True, False, 1), (40, 5, 120, 40, True, False, 1),
             (40, 3, 240, 80, False, True, 2), (80, 3, 200, 80, False, True, 1),
             (80, 3, 184, 80, False, True, 1), (80, 3, 184, 80, False, True, 1),
             (80, 3, 480, 112, True, True, 1), (112, 3, 672, 112, True, True, 1),
             (112, 5, 672, 160, True, True, 2), (160, 5, 960, 160, True, True, 1),
             (160, 5, 960, 160, True, True, 1))
_V3_SMALL = ((16, 3, 16, 16, True, False, 2), (16, 3, 72, 24, False, False, 2),
             (24, 3, 88, 24, False, False, 1), (24, 5, 96, 40, True, True, 2),
             (40, 5, 240, 40, True, True, 1), (40, 5, 240, 40, True, True, 1),
             (40, 5, 120, 48, True, True, 1), (48, 5, 144, 48, True, True, 1),
             (48, 5, 288, 96, True, True, 2), (96, 5, 576, 96, True, True, 1),
             (96, 5, 576, 96, True, True, 1))


def _squeeze_excitation(x, channels, squeeze):
    """Pool to 1x1, squeeze and expand with 1x1 convolutions, scale the input by the result."""
    scale = nn.AdaptiveAvgPool2d(1)(x)
    scale = nn.ReLU()(nn.Conv2d(channels, squeeze, 1)(scale))
    scale = nn.Hardsigmoid()(nn.Conv2d(squeeze, channels, 1)(scale))
    return layers.Multiply()([scale, x])


def _v3_block(x, inp, kernel, expanded, out, se, hard_swish, stride, dilation, norm):
    """Expand, depthwise (with squeeze-and-excite), project; a residual add when the shape is
    kept."""
    activation = nn.Hardswish if hard_swish else nn.ReLU
    y = x
    if expanded != inp:
        y = _conv_norm_act(y, inp, expanded, 1, norm=norm, activation=activation)
    y = _conv_norm_act(y, expanded, expanded, kernel, stride=1 if dilation > 1 else stride,
                       groups=expanded, norm=norm, activation=activation, dilation=dilation)
    if se:
        y = _squeeze_excitation(y, expanded, _make_divisible(expanded // 4, 8))
    y = _conv_norm_act(y, expanded, out, 1, norm=norm, activation=None)
    return layers.Add()([y, x]) if stride == 1 and inp == out else y


def _mobilenet_v3(builder, setting, last_channel, num_classes, input_shape, *, width_mult=1.0,
                  reduced_tail=False, dilated=False, norm_layer=None, dropout=0.2, **kwargs):
    _no_more(builder, kwargs)
    norm = _norm_factory(builder, norm_layer) if norm_layer is not None else _v3_norm
    divider, tail = (2 if reduced_tail else 1), len(setting) - 3

    def adjust(channels):
        return _make_divisible(channels * width_mult, 8)

    image = _image(input_shape)
    x = _conv_norm_act(image, 3, adjust(setting[0][0]), stride=2, norm=norm,
                       activation=nn.Hardswish)
    for i, (inp, kernel, expanded, out, se, hard_swish, stride) in enumerate(setting):
        if i >= tail:
            out //= divider
        if i > tail:
            inp, expanded = inp // divider, expanded // divider
        x = _v3_block(x, adjust(inp), kernel, adjust(expanded), adjust(out), se, hard_swish,
                      stride, 2 if dilated and i >= tail else 1, norm)
    channels = adjust(setting[-1][3] // divider)
    x = _conv_norm_act(x, channels, 6 * channels, 1, norm=norm, activation=nn.Hardswish)
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d(1)(x))
    last = adjust(last_channel // divider)
    x = nn.Hardswish(inplace=True)(nn.Linear(6 * channels, last)(x))
    x = nn.Linear(last, num_classes)(nn.Dropout(p=dropout, inplace=True)(x))
    return Model(image, x, name=builder)


def _v3_norm(channels):
    return nn.BatchNorm2d(channels, eps=0.001, momentum=0.01)


def mobilenet_v3_large(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                       **kwargs):
    """MobileNetV3-Large: 15 blocks, hard swish in the deeper half, a 1280-wide classifier.

    Keyword arguments are torchvision's (``width_mult``, ``reduced_tail``, ``dilated``,
    ``norm_layer``, ``dropout``) and ``input_shape``. torchvision passes any other
    keyword on and ignores it; here it is refused, as is ``block`` (a torch module).
    """
    return _mobilenet_v3("mobilenet_v3_large", _V3_LARGE, 1280, num_classes, input_shape,
                         **kwargs)


def mobilenet_v3_small(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                       **kwargs):
    """MobileNetV3-Small: 11 blocks, a 1024-wide classifier."""
    return _mobilenet_v3("mobilenet_v3_small", _V3_SMALL, 1024, num_classes, input_shape,
                         **kwargs)
