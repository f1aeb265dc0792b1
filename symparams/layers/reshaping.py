"""Reshaping layers without weights: up-sampling, zero padding, cropping, Permute, RepeatVector.

>>> from symparams import dims, layers
>>> H, W, C, T, n = dims("H W C T n")
>>> layers.UpSampling2D().compute_output_shape((H, W, C))
(2*H, 2*W, C)
>>> layers.ZeroPadding2D(((1, 2), 3)).compute_output_shape((H, W, C))
(H + 3, W + 6, C)
>>> layers.Cropping1D((1, 2)).compute_output_shape((T, C))
(T - 3, C)
>>> layers.Permute((2, 1)).compute_output_shape((T, C))
(C, T)
>>> layers.RepeatVector(T).compute_output_shape((n,))
(T, n)
"""

from __future__ import annotations

from typing import ClassVar

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from . import _spatial
from ._padding import pair, pairs
from ._spatial import join_channels, split_input
from .base import Layer, format_shape

#: The interpolations Keras documents for UpSampling2D (the torch backend lacks lanczos).
INTERPOLATIONS = ("bicubic", "bilinear", "lanczos3", "lanczos5", "nearest")


class BaseUpSampling(Layer):
    """Repeats each position ``size`` times along each spatial axis."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    rank: ClassVar[int]
    no_weights_reason = "it only repeats entries: no weights, 0 parameters"

    def __init__(self, size=2, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(size=arguments.size_tuple(size, self.rank, owner=owner, argument="size"),
                    data_format=_spatial.data_format(data_format, owner=owner))

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        out = tuple(n * s for n, s in zip(spatial, self.size))
        return join_channels(out, channels, self.data_format)


class UpSampling1D(BaseUpSampling):
    """Repeats each step ``size`` times: ``(steps, features)`` to ``(size*steps, features)``.

    As in Keras, ``size`` is one integer and there is no ``data_format``.
    """

    rank = 1
    data_format = "channels_last"

    def __init__(self, size=2, **kwargs):
        Layer.__init__(self, **kwargs)
        self._store(size=arguments.size(size, owner="UpSampling1D", argument="size"))

    def compute_output_shape(self, input_shape):
        (steps,), features = split_input(self, input_shape)
        return (steps * self.size, features)


class UpSampling2D(BaseUpSampling):
    """Scales height and width by ``size``; ``interpolation`` changes values, not shapes."""

    rank = 2

    def __init__(self, size=2, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        self._store(interpolation=arguments.choice(interpolation, INTERPOLATIONS,
                                                   owner="UpSampling2D",
                                                   argument="interpolation"))


class UpSampling3D(BaseUpSampling):
    """Scales depth, height and width by ``size`` (Keras has no ``interpolation`` here)."""

    rank = 3


class _Sides(Layer):
    """Padding and cropping: ``(before, after)`` pairs, one per spatial axis."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    rank: ClassVar[int]

    def _pairs(self) -> tuple:
        raise NotImplementedError


class BaseZeroPadding(_Sides):
    """Adds zeros before and after each spatial axis."""

    no_weights_reason = "it only adds zeros around the input: no weights, 0 parameters"

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(padding=_pairs(padding, self.rank, owner=owner, argument="padding"),
                    data_format=_spatial.data_format(data_format, owner=owner))

    def _pairs(self):
        return (self.padding,) if self.rank == 1 else self.padding

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        out = tuple(n + before + after for n, (before, after) in zip(spatial, self._pairs()))
        return join_channels(out, channels, self.data_format)


class ZeroPadding1D(BaseZeroPadding):
    """Pads steps: ``padding`` is one size for both ends or a pair ``(before, after)``."""

    rank = 1


class ZeroPadding2D(BaseZeroPadding):
    """Pads height and width: ``padding`` is a size, 2 sizes, or 2 pairs ``(before, after)``.

    Keras's torch backend crops when given a negative int; symparams refuses it,
    as Keras does for a negative entry of a tuple.
    """

    rank = 2


class ZeroPadding3D(BaseZeroPadding):
    """Pads depth, height and width: a size, 3 sizes, or 3 pairs ``(before, after)``."""

    rank = 3


class BaseCropping(_Sides):
    """Removes entries before and after each spatial axis; at least one must remain."""

    no_weights_reason = "it only drops entries at the borders: no weights, 0 parameters"

    def __init__(self, cropping=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(cropping=_pairs(cropping, self.rank, owner=owner, argument="cropping"),
                    data_format=_spatial.data_format(data_format, owner=owner))

    def _pairs(self):
        return (self.cropping,) if self.rank == 1 else self.cropping

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        out = []
        for n, (before, after) in zip(spatial, self._pairs()):
            length = n - before - after
            if length.is_positive is False:
                raise ShapeError(
                    f"`cropping` must leave at least one entry of each axis: cropping "
                    f"{before} + {after} of an axis of length {n}. Received: input_shape="
                    f"{format_shape(input_shape)}, cropping={self.cropping}")
            out.append(length)
        return join_channels(tuple(out), channels, self.data_format)


class Cropping1D(BaseCropping):
    """Crops steps: ``cropping`` is one size for both ends or a pair ``(before, after)``.

    As in Keras, there is no ``data_format``: the input is ``(steps, features)``.
    """

    rank = 1
    data_format = "channels_last"

    def __init__(self, cropping=(1, 1), **kwargs):
        Layer.__init__(self, **kwargs)
        self._store(cropping=pair(cropping, owner="Cropping1D", argument="cropping"))


class Cropping2D(BaseCropping):
    """Crops height and width: a size, 2 sizes, or 2 pairs ``(before, after)``."""

    rank = 2

    def __init__(self, cropping=0, data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(BaseCropping):
    """Crops depth, height and width: a size, 3 sizes, or 3 pairs ``(before, after)``."""

    rank = 3


class Permute(Layer):
    """Permutes the axes: ``dims`` numbers them from 1 (the batch axis 0 stays first)."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only reorders axes: no weights, 0 parameters"

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(dims, (tuple, list)):
            raise ArgumentTypeError(
                f"Permute: `dims` must be a tuple of axes. Received: dims={dims!r}",
                argument="dims", value=dims)
        checked = tuple(arguments.axis(d, owner="Permute", argument="dims") for d in dims)
        if sorted(checked) != list(range(1, len(checked) + 1)):
            raise ArgumentError(
                "Permute: the set of indices in `dims` must be consecutive and start from 1. "
                f"Received: dims={tuple(dims)!r}", argument="dims", value=dims)
        self._store(dims=checked)

    def compute_output_shape(self, input_shape):
        self._expect_rank(input_shape, len(self.dims))
        return tuple(input_shape[d - 1] for d in self.dims)


class RepeatVector(Layer):
    """Repeats a vector ``n`` times: ``(features,)`` to ``(n, features)``."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only repeats its input: no weights, 0 parameters"

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self._store(n=arguments.size(n, owner="RepeatVector", argument="n"))

    def compute_output_shape(self, input_shape):
        self._expect_rank(input_shape, 1, what="features")
        return (self.n, input_shape[0])


def _pairs(value, rank, *, owner, argument):
    """A pair for rank 1 (as Keras stores it), ``rank`` pairs otherwise."""
    if rank == 1:
        return pair(value, owner=owner, argument=argument)
    return pairs(value, rank, owner=owner, argument=argument)
