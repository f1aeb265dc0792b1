"""Regularization layers: noise and dropout while training, an extra loss term. No weights.

>>> from symparams import dims, layers
>>> H, W, C = dims("H W C")
>>> layers.Dropout(0.5).count_params((100,))
0
>>> layers.SpatialDropout2D(0.2).bind((H, W, C)).output_shape
(H, W, C)
>>> layers.GaussianNoise(0.1).compute_output_shape((H, W, C))
(H, W, C)

Each changes values only (and only while training, except
ActivityRegularization, which adds to the loss): the shape is unchanged.
"""

from __future__ import annotations

import math
import numbers
from typing import ClassVar

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError
from . import _spatial
from ._spatial import split_input
from .base import Layer


class _Unchanged(Layer):
    no_macs_reason = "it does nothing at inference (and elementwise work in training): 0 MACs"
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Dropout(_Unchanged):
    """Zeroes a fraction ``rate`` of the entries during training (and rescales the rest)."""

    no_weights_reason = ("Dropout only masks activations during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._store(rate=arguments.fraction(rate, owner="Dropout", argument="rate"),
                    noise_shape=_noise_shape(noise_shape, owner="Dropout"),
                    seed=seed)


def _noise_shape(value, *, owner: str):
    """Keras's ``noise_shape``: None, or a tuple of sizes and Nones (changes no count)."""
    if value is None:
        return None
    if not isinstance(value, (tuple, list)):
        raise ArgumentTypeError(f"{owner}: `noise_shape` must be a tuple of sizes (or None). "
                                f"Received: noise_shape={value!r}", argument="noise_shape",
                                value=value)
    return tuple(None if v is None else arguments.size(v, owner=owner, argument="noise_shape")
                 for v in value)


class BaseSpatialDropout(_Unchanged):
    """Drops whole channels during training; the input must have ``rank`` spatial axes."""

    rank: ClassVar[int]
    no_weights_reason = ("it drops whole feature maps during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(rate=arguments.fraction(rate, owner=owner, argument="rate"),
                    data_format=_spatial.data_format(data_format, owner=owner),
                    seed=seed)

    def compute_output_shape(self, input_shape):
        split_input(self, input_shape)
        return tuple(input_shape)


class SpatialDropout1D(BaseSpatialDropout):
    """Dropout of whole channels of ``(steps, channels)`` (Keras has no ``data_format`` here)."""

    rank = 1
    data_format = "channels_last"

    def __init__(self, rate, seed=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self._store(rate=arguments.fraction(rate, owner="SpatialDropout1D", argument="rate"),
                    seed=seed)


class SpatialDropout2D(BaseSpatialDropout):
    """Dropout of whole channels of ``(height, width, channels)`` (channels last)."""

    rank = 2


class SpatialDropout3D(BaseSpatialDropout):
    """Dropout of whole channels of ``(depth, height, width, channels)`` (channels last)."""

    rank = 3


class GaussianDropout(_Unchanged):
    """Multiplies by 1-centred Gaussian noise during training (``rate`` in [0, 1])."""

    no_weights_reason = ("it multiplies by random noise during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._store(rate=arguments.fraction(rate, owner="GaussianDropout", argument="rate"),
                    seed=seed)


class GaussianNoise(_Unchanged):
    """Adds 0-centred Gaussian noise during training; Keras 3 wants ``stddev`` in [0, 1]."""

    no_weights_reason = ("it adds random noise during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._store(stddev=arguments.fraction(stddev, owner="GaussianNoise", argument="stddev"),
                    seed=seed)


class AlphaDropout(_Unchanged):
    """Dropout that keeps the mean and variance of its input (for SELU networks)."""

    no_weights_reason = ("it sets random entries to a fixed value during training (and does "
                         "nothing at inference): no weights, 0 parameters")

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._store(rate=arguments.fraction(rate, owner="AlphaDropout", argument="rate"),
                    noise_shape=_noise_shape(noise_shape, owner="AlphaDropout"),
                    seed=seed)


class ActivityRegularization(_Unchanged):
    """Adds ``l1·sum(|x|) + l2·sum(x²)`` of its input to the loss; passes the input on."""

    no_weights_reason = ("it only adds a penalty on its input to the loss: no weights, "
                         "0 parameters")

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self._store(l1=_penalty(l1, "l1"), l2=_penalty(l2, "l2"))


def _penalty(value, argument: str) -> float:
    """A non-negative finite number (``None`` is 0, as in Keras)."""
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(
            f"ActivityRegularization: `{argument}` must be a non-negative float. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    if not math.isfinite(value) or value < 0:
        raise ArgumentError(
            f"ActivityRegularization: `{argument}` must be a non-negative float. "
            f"Received: {argument}={value!r}", argument=argument, value=value)
    return float(value)
