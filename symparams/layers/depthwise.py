"""Depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D (Keras 3).

A depthwise convolution filters each input channel on its own,
``depth_multiplier`` times; a separable convolution follows it with a 1 x 1
convolution that mixes the channels into ``filters``.

>>> from symparams import dims, layers
>>> H, W, C, M, F = dims("H W C M F")
>>> layers.DepthwiseConv2D(3, depth_multiplier=M).compute_output_shape((H, W, C))
(H - 2, W - 2, C*M)
>>> layers.DepthwiseConv2D(3, depth_multiplier=M).count_params((H, W, C))
10*C*M
>>> sep = layers.SeparableConv2D(F, 3, padding="same")
>>> sep.compute_output_shape((H, W, C))
(H, W, F)
>>> sep.count_params((H, W, C))
C*F + 9*C + F

Output lengths come from :func:`symparams.intmath.conv_output_length`, the
rule of every convolution. Unlike ``Conv2D``, Keras allows strides above 1
together with a dilation above 1 here.
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..intmath import conv_output_length
from ..weights import Axis, label, Weight, window_axes, window_text
from . import _spatial
from ._spatial import join_channels, split_input
from .activations import activation_name, activation_output_shape
from .base import Layer

_DEPTHWISE_OPTIONS = frozenset({
    "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer",
    "depthwise_constraint", "bias_constraint",
})
_SEPARABLE_OPTIONS = _DEPTHWISE_OPTIONS | {
    "pointwise_initializer", "pointwise_regularizer", "pointwise_constraint",
}


class _Window(Layer):
    """What depthwise and separable convolutions share: the window and the output length."""

    rank: ClassVar[int]

    def _check_window(self, *, kernel_size, strides, padding, data_format, dilation_rate,
                      depth_multiplier, activation, use_bias) -> dict:
        owner, rank = type(self).__name__, self.rank
        return dict(
            kernel_size=arguments.size_tuple(kernel_size, rank, owner=owner,
                                             argument="kernel_size"),
            strides=arguments.size_tuple(strides, rank, owner=owner, argument="strides"),
            padding=arguments.choice(padding, ("valid", "same"), owner=owner, argument="padding"),
            data_format=_spatial.data_format(data_format, owner=owner),
            dilation_rate=arguments.size_tuple(dilation_rate, rank, owner=owner,
                                               argument="dilation_rate"),
            depth_multiplier=arguments.size(depth_multiplier, owner=owner,
                                            argument="depth_multiplier"),
            activation=activation_name(activation, owner=owner),
            use_bias=arguments.flag(use_bias, owner=owner, argument="use_bias"),
        )

    def _spatial_output(self, spatial) -> tuple:
        return tuple(conv_output_length(n, k, s, d, self.padding)
                     for n, k, s, d in zip(spatial, self.kernel_size, self.strides,
                                           self.dilation_rate))

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per output position (the depthwise kernel per channel)."""
        return sympy.Mul(*_spatial.split_channels(output_shape, self.data_format)[0])

    def _depthwise_kernel(self, channels, name: str) -> Weight:
        window = window_axes(self.kernel_size)
        shape = window_text(self.kernel_size)
        return Weight(name, (*window, Axis(label("in_channels"), channels),
                             Axis(label("depth_multiplier"), self.depth_multiplier)),
                      note=f"a {shape} window over one input channel, "
                           f"depth_multiplier times per channel", role="product")


class BaseDepthwiseConv(_Window):
    """A depthwise convolution of any rank; the subclasses only fix ``rank``."""

    ignored_arguments = _DEPTHWISE_OPTIONS

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self._store(**self._check_window(
            kernel_size=kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
            activation=activation, use_bias=use_bias))

    def compute_output_shape(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        return activation_output_shape(
            self.activation, join_channels(self._spatial_output(spatial),
                                           channels * self.depth_multiplier, self.data_format))

    def declare_weights(self, input_shape):
        _, channels = split_input(self, input_shape)
        weights = [self._depthwise_kernel(channels, "kernel")]
        if self.use_bias:
            outputs = Axis(label("in_channels") * label("depth_multiplier"),
                           channels * self.depth_multiplier)
            weights.append(Weight("bias", (outputs,), note="one bias per output channel",
                                  role="bias"))
        return tuple(weights)


class BaseSeparableConv(_Window):
    """A separable convolution of any rank; the subclasses only fix ``rank``."""

    ignored_arguments = _SEPARABLE_OPTIONS

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(filters=arguments.size(filters, owner=owner, argument="filters"),
                    **self._check_window(
                        kernel_size=kernel_size, strides=strides, padding=padding,
                        data_format=data_format, dilation_rate=dilation_rate,
                        depth_multiplier=depth_multiplier, activation=activation,
                        use_bias=use_bias))

    def compute_output_shape(self, input_shape):
        spatial, _ = split_input(self, input_shape)
        return activation_output_shape(
            self.activation,
            join_channels(self._spatial_output(spatial), self.filters, self.data_format))

    def declare_weights(self, input_shape):
        _, channels = split_input(self, input_shape)
        one_by_one = (Axis(sympy.Integer(1), sympy.Integer(1)),) * self.rank
        mixed = Axis(label("in_channels") * label("depth_multiplier"),
                     channels * self.depth_multiplier)
        filters = Axis(label("filters"), self.filters)
        weights = [
            self._depthwise_kernel(channels, "depthwise_kernel"),
            Weight("pointwise_kernel", (*one_by_one, mixed, filters),
                   note="a 1 x 1 convolution mixing the depthwise outputs, for each filter",
                   role="product"),
        ]
        if self.use_bias:
            weights.append(Weight("bias", (filters,),
                                  note="one bias per filter, not one shared by all filters",
                                  role="bias"))
        return tuple(weights)


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution: each channel of ``(steps, channels)`` filtered on its own."""

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution: each channel of ``(height, width, channels)`` on its own."""

    rank = 2


class SeparableConv1D(BaseSeparableConv):
    """1D separable convolution: a depthwise convolution, then a 1 x 1 one to ``filters``."""

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution: a depthwise convolution, then a 1 x 1 one to ``filters``."""

    rank = 2


# Keras's long names.
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
