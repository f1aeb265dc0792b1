"""DenseNet-121, -161, -169 and -201 (Huang et al., 2017), as ``torchvision.models``
builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.densenet121()
>>> model.params, model.buffers
(7978856, 83769)
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 1024, floor(H/32 + 3/32), floor(W/32 + 3/32))
"""

from __future__ import annotations

from ... import layers, nn
from ...graph import Model
from ._common import _image, _no_more

__all__ = ["densenet121", "densenet161", "densenet169", "densenet201"]


def _dense_layer(features, channels, growth_rate, bn_size, drop_rate):
    """Batch norm, ReLU and a 1x1 convolution over every earlier feature map, concatenated;
    then batch norm, ReLU and a 3x3 convolution adding ``growth_rate`` channels."""
    x = features[0] if len(features) == 1 else layers.Concatenate(axis=1)(features)
    x = nn.Conv2d(channels, bn_size * growth_rate, 1, bias=False)(
        nn.ReLU(inplace=True)(nn.BatchNorm2d(channels)(x)))
    x = nn.ReLU(inplace=True)(nn.BatchNorm2d(bn_size * growth_rate)(x))
    x = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)(x)
    return nn.Dropout(drop_rate)(x) if drop_rate > 0 else x


def _densenet(builder, growth_rate, block_config, num_init_features, num_classes,
              input_shape, *, bn_size=4, drop_rate=0, memory_efficient=False, **kwargs):
    _no_more(builder, kwargs)
    image = _image(input_shape)
    x = nn.Conv2d(3, num_init_features, 7, stride=2, padding=3, bias=False)(image)
    x = nn.ReLU(inplace=True)(nn.BatchNorm2d(num_init_features)(x))
    x = nn.MaxPool2d(3, stride=2, padding=1)(x)
    channels = num_init_features
    for index, count in enumerate(block_config):
        features = [x]
        for i in range(count):
            features.append(_dense_layer(features, channels + i * growth_rate, growth_rate,
                                         bn_size, drop_rate))
        x = layers.Concatenate(axis=1)(features)
        channels += count * growth_rate
        if index != len(block_config) - 1:  # transition: halve the channels and the size
            x = nn.ReLU(inplace=True)(nn.BatchNorm2d(channels)(x))
            x = nn.Conv2d(channels, channels // 2, 1, bias=False)(x)
            x = nn.AvgPool2d(2, stride=2)(x)
            channels //= 2
    x = nn.ReLU(inplace=True)(nn.BatchNorm2d(channels)(x))
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d((1, 1))(x))
    return Model(image, nn.Linear(channels, num_classes)(x), name=builder)


def densenet121(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """DenseNet-121: growth rate 32, blocks of 6, 12, 24, 16 layers, 64 initial features.

    Keyword arguments are torchvision's (``bn_size``, ``drop_rate``,
    ``memory_efficient``) and ``input_shape``, the whole input shape ``(N, 3, H, W)``
    (symbolic by default). ``weights`` and ``progress`` are accepted and ignored.
    """
    return _densenet("densenet121", 32, (6, 12, 24, 16), 64, num_classes, input_shape,
                     **kwargs)


def densenet161(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """DenseNet-161: growth rate 48, blocks of 6, 12, 36, 24 layers, 96 initial features."""
    return _densenet("densenet161", 48, (6, 12, 36, 24), 96, num_classes, input_shape,
                     **kwargs)


def densenet169(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """DenseNet-169: growth rate 32, blocks of 6, 12, 32, 32 layers, 64 initial features."""
    return _densenet("densenet169", 32, (6, 12, 32, 32), 64, num_classes, input_shape,
                     **kwargs)


def densenet201(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """DenseNet-201: growth rate 32, blocks of 6, 12, 48, 32 layers, 64 initial features."""
    return _densenet("densenet201", 32, (6, 12, 48, 32), 64, num_classes, input_shape,
                     **kwargs)
