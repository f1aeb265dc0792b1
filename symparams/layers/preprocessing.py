"""Keras preprocessing layers that sit inside models: Rescaling and Normalization.

>>> from symparams import dims, layers
>>> H, W = dims("H W")
>>> layers.Rescaling(1 / 255).bind((H, W, 3)).params
0
>>> adapted = layers.Normalization().bind((H, W, 3))
>>> adapted.params, adapted.trainable_params, adapted.non_trainable_params
(7, 0, 7)
>>> layers.Normalization(mean=0.5, variance=0.25).bind((H, W, 3)).params
0

An adaptable ``Normalization`` keeps its statistics as non-trainable weights (a
mean and a variance per kept axis entry, plus a scalar sample count), as
EfficientNet's stem does; given ``mean`` and ``variance`` it holds constants,
not weights, and counts nothing.
"""

from __future__ import annotations

import numbers

from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..weights import Axis, Weight, label
from .base import Layer
from .normalization import _distinct_axes


class Rescaling(Layer):
    """``x · scale + offset``: fixed numbers (or arrays) chosen by the author, not learned."""

    no_weights_reason = ("it multiplies by a fixed scale and adds a fixed offset: no weights, "
                         "0 parameters")

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self._store(scale=scale, offset=offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Normalization(Layer):
    """``(x - mean) / sqrt(variance)`` per entry of ``axis`` (``-1``: per channel).

    ``axis`` is an int, a tuple of ints, or ``None`` (one mean and variance for the
    whole input). ``invert=True`` undoes the normalization; it counts the same.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ArgumentError("Normalization: when setting values directly, both `mean` and "
                                f"`variance` must be set. Received: mean={mean!r} and "
                                f"variance={variance!r}", argument="mean" if mean is None
                                else "variance", value=mean if mean is None else variance)
        self._store(axis=_kept_axes(axis), mean=mean, variance=variance, invert=bool(invert))

    @property
    def no_weights_reason(self) -> str:
        return ("its mean and variance were given, so it holds them as constants, not weights: "
                "0 parameters")

    def _kept(self, input_shape) -> tuple[int, ...]:
        """Kept axes as indices with the batch, sorted, as Keras sorts them."""
        kept = tuple(sorted(_distinct_axes(self.axis, input_shape, self.axis)))
        if kept[:1] == (0,):
            raise ShapeError(f"axis={self.axis} keeps the batch axis, whose size is unknown: "
                             "every kept axis must have a known size")
        return kept

    def compute_output_shape(self, input_shape):
        self._kept(input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        if self.mean is not None:
            return ()
        kept = tuple(Axis(label("channels") if i == len(input_shape) else label(f"axis_{i}"),
                          input_shape[i - 1]) for i in self._kept(input_shape))
        statistic = "a statistic of the data set, set by adapt(), not by gradients"
        return (Weight("mean", kept, trainable=False, note=statistic),
                Weight("variance", kept, trainable=False, note=statistic),
                Weight("count", (), trainable=False,
                       note="the number of samples adapt() has seen", dtype="int32"))


def _kept_axes(value) -> tuple[int, ...]:
    if value is None:
        return ()
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    for entry in values:
        if isinstance(entry, bool) or not isinstance(entry, numbers.Integral):
            raise ArgumentTypeError("Normalization: `axis` must be an int, a tuple of ints or "
                                    f"None. Received: axis={value!r}", argument="axis",
                                    value=value)
    return tuple(int(v) for v in values)
