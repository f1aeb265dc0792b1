"""Upsample: to a given ``size``, or by ``scale_factor`` (``floor(n * scale_factor)``).

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> nn.Upsample(scale_factor=2)(Tensor((N, C, H, W))).shape
(N, C, 2*H, 2*W)
>>> nn.Upsample(scale_factor=1.5, mode="bilinear")(Tensor((N, C, H, W))).shape
(N, C, floor(3*H/2), floor(3*W/2))
"""

from __future__ import annotations

import numbers

import sympy

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError
from ..intmath import floor_div
from .base import Module

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_MODE_RANKS = {"linear": (3,), "bilinear": (4,), "bicubic": (4,), "trilinear": (5,)}


class Upsample(Module):
    """Upsampling of ``(N, C, *spatial)`` with 1 to 3 spatial axes."""

    no_weights_reason = "it interpolates, a fixed function: no weights, 0 parameters"
    ignored_arguments = frozenset({"align_corners", "recompute_scale_factor"})

    def __init__(self, size=None, scale_factor=None, mode="nearest", **kwargs):
        super().__init__(**kwargs)
        if (size is None) == (scale_factor is None):
            raise ArgumentError("Upsample: give either size or scale_factor, not both or none. "
                                f"Received: size={size!r}, scale_factor={scale_factor!r}",
                                argument="size", value=size)
        if size is not None:
            size = tuple(arguments.size(s, owner="Upsample", argument="size")
                         for s in (size if isinstance(size, (tuple, list)) else (size,)))
        else:
            factors = scale_factor if isinstance(scale_factor, (tuple, list)) else \
                (scale_factor,)
            scale_factor = tuple(_factor(f) for f in factors)
        self._store(size=size, scale_factor=scale_factor,
                    mode=arguments.choice(mode, _MODES, owner="Upsample", argument="mode"))

    def compute_output_shape(self, input_shape):
        ranks = _MODE_RANKS.get(self.mode, (3, 4, 5))
        self._expect_rank_in(input_shape, ranks, f"for mode '{self.mode}'")
        spatial = input_shape[2:]
        given = self.size if self.size is not None else self.scale_factor
        if len(given) == 1:
            given = given * len(spatial)
        if len(given) != len(spatial):
            raise ArgumentError(f"Upsample: expected {len(spatial)} sizes or factors for an "
                                f"input of shape {input_shape}; received {given}",
                                argument="size", value=given)
        if self.size is not None:
            out = given
        else:
            out = tuple(floor_div(n * f.p, f.q) for n, f in zip(spatial, given))
        return (*input_shape[:2], *out)


def _factor(value) -> sympy.Rational:
    """A scale factor as an exact rational (floats by their shortest decimal form)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sympy.Rational)):
        raise ArgumentTypeError(f"Upsample: scale_factor must be a number. Received: "
                                f"scale_factor={value!r}", argument="scale_factor", value=value)
    factor = sympy.Rational(repr(value)) if isinstance(value, float) else sympy.Rational(value)
    if factor <= 0:
        raise ArgumentError(f"Upsample: scale_factor must be positive. Received: "
                            f"scale_factor={value!r}", argument="scale_factor", value=value)
    return factor
