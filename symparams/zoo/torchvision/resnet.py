"""ResNet (He et al., 2015), ResNeXt (Xie et al., 2017) and Wide ResNet (Zagoruyko and
Komodakis, 2016), as ``torchvision.models`` builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.resnet18()
>>> model.input_shape
(N, 3, H, W)
>>> model.output_shape
(N, 1000)
>>> model.params, model.buffers
(11689512, 9620)
"""

from __future__ import annotations

from ... import layers, nn
from ...errors import ArgumentError
from ...graph import Model
from ...intmath import floor_div
from ._common import _fixed, _image, _no_more, _norm_factory

__all__ = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
    "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
]


def _basic_block(x, inplanes, planes, stride, shortcut, width, groups, dilation, norm):
    """Two 3x3 convolutions and a residual add (``expansion`` 1)."""
    relu = nn.ReLU(inplace=True)
    out = relu(norm(planes)(nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1,
                                      bias=False)(x)))
    out = norm(planes)(nn.Conv2d(planes, planes, 3, padding=1, bias=False)(out))
    return relu(layers.Add()([out, shortcut(x)]))


def _bottleneck(x, inplanes, planes, stride, shortcut, width, groups, dilation, norm):
    """1x1 down to ``width``, a grouped 3x3, 1x1 up to ``4*planes``, and a residual add."""
    relu = nn.ReLU(inplace=True)
    out = relu(norm(width)(nn.Conv2d(inplanes, width, 1, bias=False)(x)))
    out = relu(norm(width)(nn.Conv2d(width, width, 3, stride=stride, padding=dilation,
                                     dilation=dilation, groups=groups, bias=False)(out)))
    out = norm(4 * planes)(nn.Conv2d(width, 4 * planes, 1, bias=False)(out))
    return relu(layers.Add()([out, shortcut(x)]))


_BLOCKS = {"basic": (_basic_block, 1), "bottleneck": (_bottleneck, 4)}


def _resnet(builder, kind, depths, num_classes, input_shape, *, zero_init_residual=False,
            groups=1, width_per_group=64, replace_stride_with_dilation=None, norm_layer=None,
            **kwargs):
    _no_more(builder, kwargs)
    block, expansion = _BLOCKS[kind]
    norm = _norm_factory(builder, norm_layer)
    dilate = list(replace_stride_with_dilation or (False, False, False))
    if len(dilate) != 3:
        raise ArgumentError(f"{builder}: replace_stride_with_dilation should be None or a "
                            f"3-element tuple, got {replace_stride_with_dilation}",
                            argument="replace_stride_with_dilation",
                            value=replace_stride_with_dilation)
    if kind == "basic" and (groups != 1 or width_per_group != 64):
        raise ArgumentError(f"{builder}: BasicBlock only supports groups=1 and base_width=64. "
                            f"Received: groups={groups}, width_per_group={width_per_group}",
                            argument="groups" if groups != 1 else "width_per_group",
                            value=groups if groups != 1 else width_per_group)
    if kind == "basic" and any(dilate):
        raise ArgumentError(f"{builder}: dilation > 1 is not supported in BasicBlock. "
                            f"Received: replace_stride_with_dilation="
                            f"{replace_stride_with_dilation}",
                            argument="replace_stride_with_dilation",
                            value=replace_stride_with_dilation)
    image = _image(input_shape)
    x = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)(image)
    x = nn.ReLU(inplace=True)(norm(64)(x))
    x = nn.MaxPool2d(3, stride=2, padding=1)(x)
    inplanes, dilation = 64, 1
    for stage, (planes, count) in enumerate(zip((64, 128, 256, 512), depths)):
        stride, previous = (1 if stage == 0 else 2), dilation
        if stage and dilate[stage - 1]:
            dilation, stride = dilation * stride, 1
        width = floor_div(planes * width_per_group, 64) * groups
        for index in range(count):
            if index == 0 and (stride != 1 or inplanes != planes * expansion):
                conv = nn.Conv2d(inplanes, planes * expansion, 1, stride=stride, bias=False)
                bn = norm(planes * expansion)

                def shortcut(t, conv=conv, bn=bn):
                    return bn(conv(t))
            else:
                def shortcut(t):
                    return t
            x = block(x, inplanes, planes, stride if index == 0 else 1, shortcut, width, groups,
                      previous if index == 0 else dilation, norm)
            inplanes = planes * expansion
    x = nn.Flatten(1)(nn.AdaptiveAvgPool2d((1, 1))(x))
    x = nn.Linear(512 * expansion, num_classes)(x)
    return Model(image, x, name=builder)


def resnet18(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNet-18: basic blocks in stages of 2, 2, 2, 2.

    Keyword arguments are torchvision's (``num_classes``, ``norm_layer``, ...) and
    ``input_shape``, the whole input shape ``(N, 3, H, W)`` (symbolic by default).
    ``weights`` and ``progress`` are accepted and ignored.
    """
    return _resnet("resnet18", "basic", (2, 2, 2, 2), num_classes, input_shape,
                   **kwargs)


def resnet34(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNet-34: basic blocks in stages of 3, 4, 6, 3."""
    return _resnet("resnet34", "basic", (3, 4, 6, 3), num_classes, input_shape,
                   **kwargs)


def resnet50(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNet-50: bottleneck blocks in stages of 3, 4, 6, 3.

    >>> from symparams.zoo import torchvision
    >>> model = torchvision.resnet50()
    >>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][0]
    >>> pool.input_shape
    (N, 2048, ceiling(H/32), ceiling(W/32))
    >>> model.subs(N=1, H=224, W=224).params
    25557032
    """
    return _resnet("resnet50", "bottleneck", (3, 4, 6, 3), num_classes, input_shape,
                   **kwargs)


def resnet101(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNet-101: bottleneck blocks in stages of 3, 4, 23, 3."""
    return _resnet("resnet101", "bottleneck", (3, 4, 23, 3), num_classes, input_shape,
                   **kwargs)


def resnet152(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNet-152: bottleneck blocks in stages of 3, 8, 36, 3."""
    return _resnet("resnet152", "bottleneck", (3, 8, 36, 3), num_classes, input_shape,
                   **kwargs)


def resnext50_32x4d(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNeXt-50 32x4d: ResNet-50 with 32 groups of width 4 in the 3x3 convolutions."""
    _fixed("resnext50_32x4d", kwargs, "groups", 32)
    _fixed("resnext50_32x4d", kwargs, "width_per_group", 4)
    return _resnet("resnext50_32x4d", "bottleneck", (3, 4, 6, 3), num_classes, input_shape,
                   **kwargs)


def resnext101_32x8d(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNeXt-101 32x8d: ResNet-101 with 32 groups of width 8."""
    _fixed("resnext101_32x8d", kwargs, "groups", 32)
    _fixed("resnext101_32x8d", kwargs, "width_per_group", 8)
    return _resnet("resnext101_32x8d", "bottleneck", (3, 4, 23, 3), num_classes, input_shape,
                   **kwargs)


def resnext101_64x4d(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ResNeXt-101 64x4d: ResNet-101 with 64 groups of width 4."""
    _fixed("resnext101_64x4d", kwargs, "groups", 64)
    _fixed("resnext101_64x4d", kwargs, "width_per_group", 4)
    return _resnet("resnext101_64x4d", "bottleneck", (3, 4, 23, 3), num_classes, input_shape,
                   **kwargs)


def wide_resnet50_2(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """Wide ResNet-50-2: ResNet-50 with bottlenecks twice as wide (width_per_group 128)."""
    _fixed("wide_resnet50_2", kwargs, "width_per_group", 128)
    return _resnet("wide_resnet50_2", "bottleneck", (3, 4, 6, 3), num_classes, input_shape,
                   **kwargs)


def wide_resnet101_2(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """Wide ResNet-101-2: ResNet-101 with bottlenecks twice as wide."""
    _fixed("wide_resnet101_2", kwargs, "width_per_group", 128)
    return _resnet("wide_resnet101_2", "bottleneck", (3, 4, 23, 3), num_classes, input_shape,
                   **kwargs)
