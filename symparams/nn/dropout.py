"""Dropout modules: no weights, shapes unchanged.

>>> from symparams import nn
>>> nn.Dropout(0.1).params
0
"""

from __future__ import annotations

import numbers

from .. import arguments
from ..errors import ArgumentError
from .base import Module


class _DropoutNd(Module):
    no_macs_reason = "it does nothing at inference (and elementwise work in training): 0 MACs"
    no_weights_reason = ("dropout only masks activations during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, p=0.5, inplace=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ArgumentError(f"{type(self).__name__}: dropout probability has to be between "
                                f"0 and 1, but got {p}", argument="p", value=p)
        self._store(p=float(p), inplace=arguments.flag(inplace, owner=type(self).__name__,
                                                       argument="inplace"))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Dropout(_DropoutNd):
    """Zeroes entries with probability ``p`` during training."""


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of ``(N, C, L)`` or ``(C, L)``."""

    def compute_output_shape(self, input_shape):
        self._expect_rank_in(input_shape, (2, 3), "to Dropout1d")
        return tuple(input_shape)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of ``(N, C, H, W)``."""


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of ``(N, C, D, H, W)``."""


class AlphaDropout(_DropoutNd):
    """Dropout that keeps a SELU network's mean and variance."""


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels."""
