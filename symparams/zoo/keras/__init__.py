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

Without ``input_shape``, each builder takes its model's default input (224×224×3;
299 for InceptionV3, Xception and InceptionResNetV2; 331 for NASNetLarge; each
EfficientNet its own, 240 for B1 up to 600 for B7). Keras
does so too with ``include_top=True``, but leaves height and width free without the
top; symparams needs sizes: give symbols (``dims("H W")``) for free ones.
"""

from .convnext import ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny, ConvNeXtXLarge
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2,
                              EfficientNetV2B3, EfficientNetV2L, EfficientNetV2M, EfficientNetV2S)
from .inception_resnet_v2 import InceptionResNetV2
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet, MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from .nasnet import NASNetLarge, NASNetMobile
from .resnet import ResNet50, ResNet50V2, ResNet101, ResNet101V2, ResNet152, ResNet152V2
from .vgg import VGG16, VGG19
from .xception import Xception

__all__ = [
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
    "DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0", "EfficientNetB1",
    "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
    "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
    "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S",
    "InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Large",
    "MobileNetV3Small", "NASNetLarge", "NASNetMobile", "ResNet101", "ResNet101V2", "ResNet152",
    "ResNet152V2", "ResNet50", "ResNet50V2", "VGG16", "VGG19", "Xception",
]
