"""VGG 11, 13, 16 and 19 (Simonyan and Zisserman, 2015), with or without batch norm, as
``torchvision.models`` builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.vgg16()
>>> model.params
138357544
>>> features = [b for b in model.layers if b.class_name == "MaxPool2d"][-1]
>>> features.output_shape
(N, 512, floor(H/32), floor(W/32))

The adaptive pool before the classifier makes any input size of at least 32x32 work.
"""

from __future__ import annotations

from ... import nn
from ...graph import Model
from ._common import _classifier, _image, _no_more

__all__ = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]

# Convolutions per stage; every stage ends in a 2x2 max pool. Stage widths: 64 to 512.
_DEPTHS = {"vgg11": (1, 1, 2, 2, 2), "vgg13": (2, 2, 2, 2, 2), "vgg16": (2, 2, 3, 3, 3),
           "vgg19": (2, 2, 4, 4, 4)}


def _vgg(builder, batch_norm, num_classes, input_shape, *, init_weights=True, dropout=0.5,
         **kwargs):
    _no_more(builder, kwargs)
    image = _image(input_shape)
    x, channels = image, 3
    for width, convs in zip((64, 128, 256, 512, 512), _DEPTHS[builder.removesuffix("_bn")]):
        for _ in range(convs):
            x = nn.Conv2d(channels, width, 3, padding=1)(x)
            if batch_norm:
                x = nn.BatchNorm2d(width)(x)
            x, channels = nn.ReLU(inplace=True)(x), width
        x = nn.MaxPool2d(2, stride=2)(x)
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d((7, 7))(x))
    return Model(image, _classifier(x, 512 * 7 * 7, num_classes, dropout), name=builder)



def vgg11(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-11."""
    return _vgg("vgg11", False, num_classes, input_shape, **kwargs)


def vgg11_bn(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-11 with batch norm after every convolution."""
    return _vgg("vgg11_bn", True, num_classes, input_shape, **kwargs)


def vgg13(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-13."""
    return _vgg("vgg13", False, num_classes, input_shape, **kwargs)


def vgg13_bn(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-13 with batch norm after every convolution."""
    return _vgg("vgg13_bn", True, num_classes, input_shape, **kwargs)


def vgg16(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-16."""
    return _vgg("vgg16", False, num_classes, input_shape, **kwargs)


def vgg16_bn(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-16 with batch norm after every convolution."""
    return _vgg("vgg16_bn", True, num_classes, input_shape, **kwargs)


def vgg19(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-19."""
    return _vgg("vgg19", False, num_classes, input_shape, **kwargs)


def vgg19_bn(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """VGG-19 with batch norm after every convolution."""
    return _vgg("vgg19_bn", True, num_classes, input_shape, **kwargs)
