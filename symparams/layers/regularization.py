"""Dropout: masks activations while training. No weights; shape unchanged.

>>> from symparams import layers
>>> layers.Dropout(0.5).count_params((100,))
0
"""

from __future__ import annotations

from .. import arguments
from .base import Layer


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the entries during training (and rescales the rest)."""

    no_weights_reason = ("Dropout only masks activations during training (and does nothing at "
                         "inference): no weights, 0 parameters")

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._store(rate=arguments.fraction(rate, owner="Dropout", argument="rate"),
                    noise_shape=None if noise_shape is None else tuple(noise_shape),
                    seed=seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
