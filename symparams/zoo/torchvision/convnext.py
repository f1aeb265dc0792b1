"""ConvNeXt tiny, small, base and large (Liu et al., 2022), as ``torchvision.models``
builds them.

>>> from symparams.zoo import torchvision
>>> model = torchvision.convnext_tiny()
>>> model.params
28589128
>>> pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
>>> pool.input_shape
(N, 768, floor(H/32), floor(W/32))

Each block scales its branch by a learned ``layer_scale`` (one per channel) before the
residual add; stochastic depth acts in training only and is left out.
"""

from __future__ import annotations

from ... import arguments, layers, nn
from ...conditions import Condition
from ...graph import Model
from ...weights import Axis, Weight, label
from ._common import _image, _no_more, _norm_factory

__all__ = ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]

# Stage widths and depths; a 2x2 stride-2 convolution (after a norm) joins the stages.
_SETTINGS = {"convnext_tiny": ((96, 192, 384, 768), (3, 3, 9, 3)),
             "convnext_small": ((96, 192, 384, 768), (3, 3, 27, 3)),
             "convnext_base": ((128, 256, 512, 1024), (3, 3, 27, 3)),
             "convnext_large": ((192, 384, 768, 1536), (3, 3, 27, 3))}


class _LayerNorm2d(nn.LayerNorm):
    """torchvision's LayerNorm2d: a layer norm over the channels of ``(N, C, H, W)``."""

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (4,), "(N, C, H, W) to LayerNorm2d")
        return (Condition.equal(self.normalized_shape[0], input_shape[1],
                                "normalized_shape must equal the input's channel axis"),)


class _LayerScale(nn.Module):
    """A learned per-channel scale, ``layer_scale`` of shape ``(dim, 1, 1)``."""

    def __init__(self, dim):
        super().__init__()
        self._store(dim=arguments.size(dim, owner="LayerScale", argument="dim"))

    def module_weights(self):
        one = Axis(1, 1)
        return (Weight("layer_scale", (Axis(label("dim"), self.dim), one, one),
                       note="a learned scale per channel"),)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (4,), "(N, C, H, W) to LayerScale")
        return (Condition.equal(self.dim, input_shape[1], "dim must equal the channel axis"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _block(x, dim):
    """Depthwise 7x7, then channels-last layer norm and a 4x GELU MLP, scaled, plus input."""
    y = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)(x)
    y = nn.LayerNorm(dim, eps=1e-6)(layers.Permute((2, 3, 1))(y))
    y = nn.Linear(4 * dim, dim)(nn.GELU()(nn.Linear(dim, 4 * dim)(y)))
    y = _LayerScale(dim)(layers.Permute((3, 1, 2))(y))
    return layers.Add()([y, x])


def _layer_norm_2d(channels):
    return _LayerNorm2d(channels, eps=1e-6)


def _convnext(builder, num_classes, input_shape, *, stochastic_depth_prob=None,
              layer_scale=1e-6, norm_layer=None, **kwargs):
    _no_more(builder, kwargs)
    norm = _layer_norm_2d if norm_layer is None else _norm_factory(builder, norm_layer)
    widths, depths = _SETTINGS[builder]
    image = _image(input_shape)
    x = norm(widths[0])(nn.Conv2d(3, widths[0], 4, stride=4)(image))
    for stage, (width, depth) in enumerate(zip(widths, depths)):
        for _ in range(depth):
            x = _block(x, width)
        if stage + 1 < len(widths):
            x = nn.Conv2d(width, widths[stage + 1], 2, stride=2)(norm(width)(x))
    x = norm(widths[-1])(nn.AdaptiveAvgPool2d(1)(x))
    x = nn.Linear(widths[-1], num_classes)(nn.Flatten(1)(x))
    return Model(image, x, name=builder)


def convnext_tiny(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                  **kwargs):
    """ConvNeXt-T: widths 96 to 768, stages of 3, 3, 9, 3 blocks.

    Keyword arguments are torchvision's (``stochastic_depth_prob``, ``layer_scale``,
    ``norm_layer``) and ``input_shape``, the whole input shape ``(N, 3, H, W)``
    (symbolic by default). torchvision passes any other keyword on and ignores it;
    here it is refused, as is ``block`` (a torch module).
    """
    return _convnext("convnext_tiny", num_classes, input_shape, **kwargs)


def convnext_small(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                   **kwargs):
    """ConvNeXt-S: widths 96 to 768, stages of 3, 3, 27, 3 blocks."""
    return _convnext("convnext_small", num_classes, input_shape, **kwargs)


def convnext_base(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                  **kwargs):
    """ConvNeXt-B: widths 128 to 1024, stages of 3, 3, 27, 3 blocks."""
    return _convnext("convnext_base", num_classes, input_shape, **kwargs)


def convnext_large(*, weights=None, progress=True, num_classes=1000, input_shape=None,
                   **kwargs):
    """ConvNeXt-L: widths 192 to 1536, stages of 3, 3, 27, 3 blocks."""
    return _convnext("convnext_large", num_classes, input_shape, **kwargs)
