"""Pooling: max and average over windows, and global pooling, in 1, 2 and 3 dimensions.

Window pools share :func:`symparams.intmath.conv_output_length` with the
convolutions, so both follow one rule.

>>> from symparams import dims, layers
>>> H, W, C = dims("H W C")
>>> layers.MaxPooling2D().compute_output_shape((H, W, C))
(floor(H/2), floor(W/2), C)
>>> layers.AveragePooling2D(3, strides=2, padding="same").compute_output_shape((H, W, C))
(ceiling(H/2), ceiling(W/2), C)
>>> layers.GlobalAveragePooling2D().compute_output_shape((H, W, C))
(C,)
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..intmath import conv_output_length
from . import _spatial
from ._spatial import join_channels, split_input
from .base import Layer


class BasePooling(Layer):
    """A window pool of any rank; subclasses fix ``rank`` and ``reduction``."""

    no_macs_reason = ("pooling is elementwise work (comparisons or sums over windows): 0 MACs by "
                      "the default convention")

    rank: ClassVar[int]
    reduction: ClassVar[str]

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        pool_size = arguments.size_tuple(pool_size, self.rank, owner=owner, argument="pool_size")
        strides = pool_size if strides is None else \
            arguments.size_tuple(strides, self.rank, owner=owner, argument="strides")
        self._store(pool_size=pool_size, strides=strides,
                    padding=arguments.choice(padding, ("valid", "same"), owner=owner,
                                             argument="padding"),
                    data_format=_spatial.data_format(data_format, owner=owner))

    @property
    def no_weights_reason(self):
        return (f"it takes the {self.reduction} of each window, a fixed function: "
                f"no weights, 0 parameters")

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        out = tuple(conv_output_length(n, k, s, 1, self.padding)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        return join_channels(out, channels, self.data_format)


class BaseGlobalPooling(Layer):
    """Pools each channel over all positions; ``keepdims`` keeps the spatial axes as 1."""

    no_macs_reason = ("pooling is elementwise work (comparisons or sums over windows): 0 MACs by "
                      "the default convention")

    rank: ClassVar[int]
    reduction: ClassVar[str]

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(data_format=_spatial.data_format(data_format, owner=owner),
                    keepdims=arguments.flag(keepdims, owner=owner, argument="keepdims"))

    @property
    def no_weights_reason(self):
        return (f"it takes the {self.reduction} of each channel over all positions: "
                f"no weights, 0 parameters")

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        if not self.keepdims:
            return (channels,)
        return join_channels((sympy.Integer(1),) * len(spatial), channels, self.data_format)


class MaxPooling1D(BasePooling):
    """Max pooling over windows, 1D."""

    rank, reduction = 1, "maximum"


class MaxPooling2D(BasePooling):
    """Max pooling over windows, 2D."""

    rank, reduction = 2, "maximum"


class MaxPooling3D(BasePooling):
    """Max pooling over windows, 3D."""

    rank, reduction = 3, "maximum"


class AveragePooling1D(BasePooling):
    """Average pooling over windows, 1D."""

    rank, reduction = 1, "average"


class AveragePooling2D(BasePooling):
    """Average pooling over windows, 2D."""

    rank, reduction = 2, "average"


class AveragePooling3D(BasePooling):
    """Average pooling over windows, 3D."""

    rank, reduction = 3, "average"


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling: one value per channel, 1D."""

    rank, reduction = 1, "maximum"


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling: one value per channel, 2D."""

    rank, reduction = 2, "maximum"


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Global max pooling: one value per channel, 3D."""

    rank, reduction = 3, "maximum"


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling: one value per channel, 1D."""

    rank, reduction = 1, "average"


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling: one value per channel, 2D."""

    rank, reduction = 2, "average"


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Global average pooling: one value per channel, 3D."""

    rank, reduction = 3, "average"


# Keras's short aliases.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
