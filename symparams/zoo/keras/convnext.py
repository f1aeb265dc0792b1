"""ConvNeXt (Liu et al., 2022): Tiny, Small, Base, Large and XLarge.

>>> from symparams import dims
>>> from symparams.zoo.keras import ConvNeXtTiny
>>> H, W = dims("H W")
>>> ConvNeXtTiny(include_top=False, input_shape=(H, W, 3)).output_shape
(floor(H/32), floor(W/32), 768)

A 4×4 patchify stem, four stages of blocks (7×7 depthwise convolution, layer
normalization, a 4× wider pointwise MLP as two Dense layers, a learned
per-channel ``LayerScale``) separated by 2×2 downsampling convolutions. The
ImageNet normalization in front (for 3-channel inputs, with
``include_preprocessing``) holds its statistics as constants: no weights.

Keras's public builders fix the stochastic-depth rate at 0 and the layer-scale
initial value at 1e-6, and so do these; the shared builder takes both, as
Keras's does: a positive ``drop_path_rate`` puts a weightless
``StochasticDepth`` on the residual branches of all blocks but the first, and
``layer_scale_init_value=None`` removes the ``LayerScale`` weights.
"""

from __future__ import annotations

from ... import arguments, layers
from ...conditions import Condition
from ...graph import Model
from ...layers.base import Layer
from ...weights import Axis, Weight, label
from ._common import _pool, _start

__all__ = ["ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge"]

_IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
_IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


def _variant(function_name, tag, depths, projection_dims, example=""):
    """One public builder, with Keras's signature; only the stage plan differs."""
    model_name = "convnext_" + function_name[len("ConvNeXt"):].lower()

    def builder(include_top=True, include_preprocessing=True, weights=None, input_tensor=None,
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=model_name, **kwargs):
        return _convnext(depths, projection_dims, 0.0, 1e-6, name, include_preprocessing,
                         include_top, input_shape, pooling, classes, classifier_activation,
                         kwargs)

    builder.__name__ = builder.__qualname__ = function_name
    builder.__doc__ = (f"ConvNeXt-{tag}: stages of {', '.join(map(str, depths))} blocks, "
                       f"{', '.join(map(str, projection_dims))} channels.{example}")
    return builder


ConvNeXtTiny = _variant("ConvNeXtTiny", "T", (3, 3, 9, 3), (96, 192, 384, 768), """

>>> ConvNeXtTiny().params
28589128
""")
ConvNeXtSmall = _variant("ConvNeXtSmall", "S", (3, 3, 27, 3), (96, 192, 384, 768))
ConvNeXtBase = _variant("ConvNeXtBase", "B", (3, 3, 27, 3), (128, 256, 512, 1024))
ConvNeXtLarge = _variant("ConvNeXtLarge", "L", (3, 3, 27, 3), (192, 384, 768, 1536))
ConvNeXtXLarge = _variant("ConvNeXtXLarge", "XL", (3, 3, 27, 3), (256, 512, 1024, 2048))


class _LayerScale(Layer):
    """Multiplies each channel by a learned factor (``gamma``, one per channel)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self._store(init_values=init_values,
                    projection_dim=arguments.size(projection_dim, owner="LayerScale",
                                                  argument="projection_dim"))

    def input_conditions(self, input_shape):
        return (Condition.equal(self.projection_dim, input_shape[-1],
                                "LayerScale: projection_dim = input channels"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        return (Weight("gamma", (Axis(label("projection_dim"), self.projection_dim),),
                       note="a learned scale per channel"),)


class _StochasticDepth(Layer):
    """Drops a whole residual branch with probability ``drop_path_rate`` while training."""

    no_weights_reason = ("it drops whole residual branches during training (and does nothing "
                         "at inference): no weights, 0 parameters")

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self._store(drop_path_rate=arguments.fraction(drop_path_rate, owner="StochasticDepth",
                                                      argument="drop_path_rate"))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _convnext(depths, projection_dims, drop_path_rate, layer_scale_init_value, name,
              include_preprocessing, include_top, input_shape, pooling, classes,
              classifier_activation, kwargs):
    """Keras's shared ConvNeXt builder: stage depths and widths, stochastic depth, layer scale."""
    inputs = _start(name, input_shape, pooling, kwargs)
    x = inputs
    if include_preprocessing and inputs.shape[-1] == 3:
        x = layers.Normalization(mean=_IMAGENET_MEAN, variance=_IMAGENET_VARIANCE,
                                 name=f"{name}_prestem_normalization")(x)
    x = layers.Conv2D(projection_dims[0], 4, strides=4, name=f"{name}_stem_conv")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")(x)
    total = sum(depths)
    done = 0
    for stage, (depth, width) in enumerate(zip(depths, projection_dims)):
        if stage:
            x = layers.LayerNormalization(
                epsilon=1e-6, name=f"{name}_downsampling_layernorm_{stage - 1}")(x)
            x = layers.Conv2D(width, 2, strides=2,
                              name=f"{name}_downsampling_conv_{stage - 1}")(x)
        for block in range(depth):
            rate = drop_path_rate * (done + block) / (total - 1) if total > 1 else 0.0
            x = _block(x, width, rate, layer_scale_init_value,
                       f"{name}_stage_{stage}_block_{block}")
        done += depth
    if include_top:
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        x = layers.LayerNormalization(epsilon=1e-6)(_pool(x, pooling))
    return Model(inputs, x, name=name)


def _block(inputs, width, drop_path_rate, layer_scale_init_value, name):
    """Depthwise 7×7, layer norm, Dense 4× wider, GELU, Dense back, layer scale; residual."""
    x = layers.Conv2D(width, 7, padding="same", groups=width, name=f"{name}_depthwise_conv")(inputs)
    x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
    x = layers.Dense(4 * width, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(width, name=f"{name}_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = _LayerScale(layer_scale_init_value, width, name=f"{name}_layer_scale")(x)
    if drop_path_rate:
        x = _StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")(x)
    else:
        x = layers.Activation("linear", name=f"{name}_identity")(x)
    return layers.Add(name=f"{name}_add")([inputs, x])
