"""AlexNet (Krizhevsky et al., 2012), in torchvision's one-tower form.

>>> from symparams.zoo import torchvision
>>> model = torchvision.alexnet()
>>> model.params
61100840
>>> features = [b for b in model.layers if b.class_name == "MaxPool2d"][-1]
>>> features.output_shape
(N, 256, floor(H/32 + 1/32) - 1, floor(W/32 + 1/32) - 1)
"""

from __future__ import annotations

from ... import nn
from ...graph import Model
from ._common import _classifier, _image, _no_more

__all__ = ["alexnet"]


def alexnet(*, weights=None, progress=True, num_classes=1000, input_shape=None, dropout=0.5,
            **kwargs):
    """AlexNet: five convolutions, three max pools, an adaptive 6x6 pool, three linear layers."""
    _no_more("alexnet", kwargs)
    image = _image(input_shape)
    x, channels = image, 3
    for width, kernel, stride, padding, pool in ((64, 11, 4, 2, True), (192, 5, 1, 2, True),
                                                 (384, 3, 1, 1, False), (256, 3, 1, 1, False),
                                                 (256, 3, 1, 1, True)):
        x = nn.ReLU(inplace=True)(nn.Conv2d(channels, width, kernel, stride=stride,
                                            padding=padding)(x))
        if pool:
            x = nn.MaxPool2d(3, stride=2)(x)
        channels = width
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d((6, 6))(x))
    x = _classifier(x, 256 * 6 * 6, num_classes, dropout, dropout_first=True)
    return Model(image, x, name="alexnet")
