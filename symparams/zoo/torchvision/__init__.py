"""``torchvision.models`` classification builders, as symparams models.

Each builder takes torchvision's name and keyword arguments and returns a
:class:`symparams.Model` over a channels-first input tensor. Its shape is
``input_shape``, batch included; by default it is symbolic, ``(N, 3, H, W)`` from
``symparams.dims("N H W")`` (the Vision Transformers default to
``(N, 3, image_size, image_size)``, the only size torchvision lets them take):

>>> from symparams.zoo import torchvision
>>> model = torchvision.resnet50()
>>> model.input_shape, model.output_shape
((N, 3, H, W), (N, 1000))
>>> model.params, model.buffers
(25557032, 53173)
>>> model.subs(N=1, H=224, W=224).output_shape
(1, 1000)

Parameters are what ``sum(p.numel() for p in model.parameters())`` counts;
buffers (batch norms' running statistics and ``num_batches_tracked``) are
counted apart. ``weights`` and ``progress`` are accepted and ignored. Arguments
that take torch modules (``block``, ``conv_stem_configs``) are refused;
``norm_layer`` is supported when it makes symparams modules
(``norm_layer=lambda c: symparams.nn.GroupNorm(32, c)``).
"""

from .alexnet import alexnet
from .convnext import convnext_base, convnext_large, convnext_small, convnext_tiny
from .densenet import densenet121, densenet161, densenet169, densenet201
from .efficientnet import (
    efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3, efficientnet_b4,
    efficientnet_b5, efficientnet_b6, efficientnet_b7, efficientnet_v2_l, efficientnet_v2_m,
    efficientnet_v2_s,
)
from .mobilenet import mobilenet_v2, mobilenet_v3_large, mobilenet_v3_small
from .resnet import (
    resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d,
    resnext101_64x4d, wide_resnet50_2, wide_resnet101_2,
)
from .squeezenet import squeezenet1_0, squeezenet1_1
from .vgg import vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn
from .vit import vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32

__all__ = [
    "alexnet", "convnext_base", "convnext_large", "convnext_small", "convnext_tiny",
    "densenet121", "densenet161", "densenet169", "densenet201", "efficientnet_b0",
    "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
    "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_l",
    "efficientnet_v2_m", "efficientnet_v2_s", "mobilenet_v2", "mobilenet_v3_large",
    "mobilenet_v3_small", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "squeezenet1_0",
    "squeezenet1_1", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
    "vgg19_bn", "vit_b_16", "vit_b_32", "vit_h_14", "vit_l_16", "vit_l_32", "wide_resnet50_2",
    "wide_resnet101_2",
]
