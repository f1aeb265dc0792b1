"""PixelShuffle and PixelUnshuffle: channels traded for resolution, no weights.

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> nn.PixelShuffle(2)(Tensor((N, 4 * C, H, W))).shape
(N, C, 2*H, 2*W)
>>> nn.PixelUnshuffle(2)(Tensor((N, C, 2 * H, 2 * W))).shape
(N, 4*C, H, W)
"""

from __future__ import annotations

from .. import arguments
from ..conditions import Condition
from .base import Module


class PixelShuffle(Module):
    """``(*, C·r², H, W)`` to ``(*, C, H·r, W·r)``."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries: no weights, 0 parameters"

    def __init__(self, upscale_factor, **kwargs):
        super().__init__(**kwargs)
        self._store(upscale_factor=arguments.size(upscale_factor, owner="PixelShuffle",
                                                  argument="upscale_factor"))

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=3)
        return (Condition.divides(self.upscale_factor**2, input_shape[-3],
                                  "the channels must be divisible by upscale_factor squared"),)

    def compute_output_shape(self, input_shape):
        r = self.upscale_factor
        *lead, channels, height, width = input_shape
        return (*lead, channels / r**2, height * r, width * r)


class PixelUnshuffle(Module):
    """``(*, C, H·r, W·r)`` to ``(*, C·r², H, W)``."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries: no weights, 0 parameters"

    def __init__(self, downscale_factor, **kwargs):
        super().__init__(**kwargs)
        self._store(downscale_factor=arguments.size(downscale_factor, owner="PixelUnshuffle",
                                                    argument="downscale_factor"))

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=3)
        r = self.downscale_factor
        return (Condition.divides(r, input_shape[-2], "the height must be divisible by "
                                                      "downscale_factor"),
                Condition.divides(r, input_shape[-1], "the width must be divisible by "
                                                      "downscale_factor"))

    def compute_output_shape(self, input_shape):
        r = self.downscale_factor
        *lead, channels, height, width = input_shape
        return (*lead, channels * r**2, height / r, width / r)
