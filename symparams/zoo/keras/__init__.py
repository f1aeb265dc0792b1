"""``keras.applications`` builders, as symparams models.

>>> from symparams import dims
>>> from symparams.zoo import keras
>>> H, W = dims("H W")
>>> model = keras.VGG16(include_top=False, input_shape=(H, W, 3), pooling="avg")
>>> model.output_shape
(512,)
>>> model.layers[-2].output_shape
(floor(H/32), floor(W/32), 512)
>>> keras.VGG16().params
138357544

Keras's input-size guards (at least 32×32 here) are policy, not structure, and are
not copied: the structure's own conditions are what symparams checks.
"""

from .convnext import ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny, ConvNeXtXLarge
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2,
                              EfficientNetV2B3, EfficientNetV2L, EfficientNetV2M, EfficientNetV2S)
from .mobilenet import MobileNet, MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from .resnet import ResNet50, ResNet50V2, ResNet101, ResNet101V2, ResNet152, ResNet152V2
from .vgg import VGG16, VGG19

__all__ = [
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
    "DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0", "EfficientNetB1",
    "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
    "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
    "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S", "MobileNet",
    "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small", "ResNet101", "ResNet101V2",
    "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2", "VGG16", "VGG19",
]
