"""SqueezeNet 1.0 and 1.1 (Iandola et al., 2016), as ``torchvision.models`` builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.squeezenet1_1()
>>> model.params
1235496
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 1000, ceiling(H/16) - 1, ceiling(W/16) - 1)

The max pools round up (``ceil_mode``), as torchvision's do.
"""

from __future__ import annotations

from ... import layers, nn
from ...graph import Model
from ._common import _image, _no_more

__all__ = ["squeezenet1_0", "squeezenet1_1"]

# Between the max pools: the Fire modules' (squeeze, expand) widths; each expand is doubled
# (1x1 and 3x3 side by side).
_STAGES = {"1_0": (96, 7, ((16, 64), (16, 64), (32, 128)), ((32, 128), (48, 192), (48, 192),
                                                            (64, 256)), ((64, 256),)),
           "1_1": (64, 3, ((16, 64), (16, 64)), ((32, 128), (32, 128)),
                   ((48, 192), (48, 192), (64, 256), (64, 256)))}


def _fire(x, inplanes, squeeze, expand):
    """Squeeze with a 1x1 convolution, expand with 1x1 and 3x3 side by side, concatenated."""
    x = nn.ReLU(inplace=True)(nn.Conv2d(inplanes, squeeze, 1)(x))
    one = nn.ReLU(inplace=True)(nn.Conv2d(squeeze, expand, 1)(x))
    three = nn.ReLU(inplace=True)(nn.Conv2d(squeeze, expand, 3, padding=1)(x))
    return layers.Concatenate(axis=1)([one, three])


def _squeezenet(builder, version, num_classes, input_shape, *, dropout=0.5, **kwargs):
    _no_more(builder, kwargs)
    width, kernel, *stages = _STAGES[version]
    image = _image(input_shape)
    x = nn.ReLU(inplace=True)(nn.Conv2d(3, width, kernel, stride=2)(image))
    channels = width
    for stage in stages:
        x = nn.MaxPool2d(3, stride=2, ceil_mode=True)(x)
        for squeeze, expand in stage:
            x, channels = _fire(x, channels, squeeze, expand), 2 * expand
    x = nn.Conv2d(channels, num_classes, 1)(nn.Dropout(p=dropout)(x))
    x = nn.AdaptiveAvgPool2d((1, 1))(nn.ReLU(inplace=True)(x))
    return Model(image, nn.Flatten(1)(x), name=builder)


def squeezenet1_0(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                  **kwargs):
    """SqueezeNet 1.0: a 7x7 stem and eight Fire modules; ``dropout`` as in torchvision."""
    return _squeezenet("squeezenet1_0", "1_0", num_classes, input_shape, **kwargs)


def squeezenet1_1(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                  **kwargs):
    """SqueezeNet 1.1: a 3x3 stem and earlier pooling, 2.4 times cheaper than 1.0."""
    return _squeezenet("squeezenet1_1", "1_1", num_classes, input_shape, **kwargs)
