"""Upsample: to a given ``size``, or by ``scale_factor`` (``floor(n * scale_factor)``).

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> nn.Upsample(scale_factor=2)(Tensor((N, C, H, W))).shape
(N, C, 2*H, 2*W)
>>> nn.Upsample(scale_factor=1.5, mode="bilinear")(Tensor((N, C, H, W))).shape
(N, C, floor(3*H/2), floor(3*W/2))
"""

from __future__ import annotations

import math
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

    no_macs_reason = "interpolation is elementwise work: 0 MACs by the default convention"

    no_weights_reason = "it interpolates, a fixed function: no weights, 0 parameters"
    ignored_arguments = frozenset({"recompute_scale_factor"})

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 **kwargs):
        super().__init__(**kwargs)
        if align_corners is not None and mode not in _MODE_RANKS:
            raise ArgumentError("Upsample: align_corners option can only be set with the "
                                "interpolating modes: linear | bilinear | bicubic | trilinear. "
                                f"Received: mode={mode!r}, align_corners={align_corners!r}",
                                argument="align_corners", value=align_corners)
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
                    mode=arguments.choice(mode, _MODES, owner="Upsample", argument="mode",
                                          exact=True))

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
            out = tuple(_scaled(n, f) for n, f in zip(spatial, given))
        return (*input_shape[:2], *out)


def _scaled(n, factor):
    """``floor(n * factor)``: in double precision for a number, as PyTorch computes it.

    For a symbolic size the factor is read as its shortest decimal (1.16 as 29/25); PyTorch's
    double product can land one below that for some sizes (25 * 1.16 = 28.999999999999996).
    """
    if n.is_Integer:
        return sympy.Integer(math.floor(float(n) * float(factor)))
    rational = sympy.Rational(repr(factor)) if isinstance(factor, float) else sympy.Rational(factor)
    return floor_div(n * rational.p, rational.q)


def _factor(value):
    """A positive scale factor, kept as given (an int or a float)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sympy.Rational)):
        raise ArgumentTypeError(f"Upsample: scale_factor must be a number. Received: "
                                f"scale_factor={value!r}", argument="scale_factor", value=value)
    factor = value
    if factor <= 0:
        raise ArgumentError(f"Upsample: scale_factor must be positive. Received: "
                            f"scale_factor={value!r}", argument="scale_factor", value=value)
    return factor
