"""MobileNetV2 (Sandler et al., 2018), as ``torchvision.models`` builds it.

>>> from symparams.zoo import torchvision
>>> model = torchvision.mobilenet_v2()
>>> model.params, model.buffers
(3504872, 34164)
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 1280, ceiling(H/32), ceiling(W/32))
"""

from __future__ import annotations

from ... import layers, nn
from ...errors import ArgumentError
from ...graph import Model
from ._common import _conv_norm_act, _image, _make_divisible, _no_more, _norm_factory

__all__ = ["mobilenet_v2"]

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
    if len(setting) == 0 or len(setting[0]) != 4:
        raise ArgumentError("mobilenet_v2: inverted_residual_setting should be non-empty or a "
                            f"4-element list, got {inverted_residual_setting}",
                            argument="inverted_residual_setting",
                            value=inverted_residual_setting)
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
