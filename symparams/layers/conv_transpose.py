"""Transposed convolutions: Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, as Keras 3 has them.

>>> from symparams import dims, layers
>>> H, W, C, F = dims("H W C F")
>>> up = layers.Conv2DTranspose(F, 3, strides=2)
>>> up.compute_output_shape((H, W, C))
(2*H + 1, 2*W + 1, F)
>>> up.count_params((H, W, C))
F*(9*C + 1)
>>> layers.Conv2DTranspose(64, 4, strides=2, padding="same").compute_output_shape((H, W, C))
(2*H, 2*W, 64)

Output lengths come from :func:`symparams.intmath.conv_transpose_output_length`.
The kernel has Keras's layout, ``(*kernel_size, filters, in_channels)``.
"""

from __future__ import annotations

from typing import ClassVar

from sympy import Mul

from .. import arguments
from ..errors import ArgumentError
from ..intmath import conv_transpose_output_length
from ..weights import Axis, label, Weight, window_axes, window_text
from . import _spatial
from ._padding import size_or_zero_tuple
from ._spatial import join_channels, split_input
from .activations import activation_name, activation_output_shape
from .base import Layer

_WEIGHT_OPTIONS = frozenset({
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "kernel_constraint", "bias_constraint",
})


class BaseConvTranspose(Layer):
    """A transposed convolution of any rank; the subclasses only fix ``rank``."""

    rank: ClassVar[int]
    ignored_arguments = _WEIGHT_OPTIONS

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        strides = arguments.size_tuple(strides, rank, owner=owner, argument="strides")
        dilation_rate = arguments.size_tuple(dilation_rate, rank, owner=owner,
                                             argument="dilation_rate")
        if output_padding is not None:
            output_padding = size_or_zero_tuple(output_padding, rank, owner=owner,
                                                argument="output_padding")
            for i, (extra, stride) in enumerate(zip(output_padding, strides)):
                if (stride - extra).is_positive is False:
                    raise ArgumentError(
                        f"{owner}: `output_padding` must be strictly less than `strides` for "
                        f"all dimensions. At dimension {i}, `output_padding` is {extra} but "
                        f"`strides` is {stride}. Received: output_padding={output_padding}, "
                        f"strides={strides}", argument="output_padding", value=output_padding)
        if any((s - 1).is_positive for s in strides) and \
                any((d - 1).is_positive for d in dilation_rate):
            raise ArgumentError(
                f"{owner}: `strides > 1` not supported in conjunction with "
                f"`dilation_rate > 1`. Received: strides={strides} and "
                f"dilation_rate={dilation_rate}", argument="dilation_rate", value=dilation_rate)
        self._store(
            filters=arguments.size(filters, owner=owner, argument="filters"),
            kernel_size=arguments.size_tuple(kernel_size, rank, owner=owner,
                                             argument="kernel_size"),
            strides=strides,
            padding=arguments.choice(padding, ("valid", "same"), owner=owner, argument="padding"),
            output_padding=output_padding,
            data_format=_spatial.data_format(data_format, owner=owner),
            dilation_rate=dilation_rate,
            activation=activation_name(activation, owner=owner),
            use_bias=arguments.flag(use_bias, owner=owner, argument="use_bias"),
        )

    def compute_output_shape(self, input_shape):
        spatial, _ = split_input(self, input_shape)
        extras = self.output_padding or (None,) * self.rank
        out = tuple(
            conv_transpose_output_length(n, k, s, d, self.padding, extra)
            for n, k, s, d, extra in zip(spatial, self.kernel_size, self.strides,
                                         self.dilation_rate, extras))
        return activation_output_shape(self.activation,
                                       join_channels(out, self.filters, self.data_format))

    def declare_weights(self, input_shape):
        _, channels = split_input(self, input_shape)
        window = window_axes(self.kernel_size)
        filters = Axis(label("filters"), self.filters)
        shape = window_text(self.kernel_size)
        weights = [Weight("kernel", (*window, filters, Axis(label("in_channels"), channels)),
                          note=f"a {shape} window spread from each input channel, "
                               f"for each filter", role="product")]
        if self.use_bias:
            weights.append(Weight("bias", (filters,),
                                  note="one bias per filter, not one shared by all filters",
                                  role="bias"))
        return tuple(weights)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """The kernel is spread from every input position; the bias added at every output one."""
        shape = output_shape if weight.role == "bias" else input_shape
        return Mul(*_spatial.split_channels(shape, self.data_format)[0])


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution over steps: input ``(steps, channels)``."""

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution: input ``(height, width, channels)`` (channels last)."""

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution: input ``(depth, height, width, channels)`` (channels last).

    As in Keras, ``data_format`` comes before ``output_padding`` among the
    positional arguments (the 1D and 2D layers have them the other way round).
    """

    rank = 3

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 output_padding=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         **kwargs)


# Keras's long names.
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
