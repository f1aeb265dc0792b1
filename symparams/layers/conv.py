"""Convolutions: Conv1D, Conv2D, Conv3D, as Keras 3 shapes and counts them.

>>> from symparams import dims, layers
>>> H, W, C, F, K = dims("H W C F K")
>>> conv = layers.Conv2D(F, K)
>>> conv.count_params((H, W, C))
F*(C*K**2 + 1)
>>> conv.compute_output_shape((H, W, C))
(H - K + 1, -K + W + 1, F)
>>> layers.Conv2D(64, 3, strides=2, padding="same").compute_output_shape((H, W, C))
(ceiling(H/2), ceiling(W/2), 64)
"""

from __future__ import annotations

from typing import ClassVar

from sympy import Mul

from .. import arguments
from ..conditions import Condition, undecided
from ..errors import ArgumentError, ShapeError
from ..intmath import conv_output_length
from ..weights import Axis, label, per_group, Weight, window_axes, window_text
from . import _spatial
from ._spatial import join_channels, split_channels, split_input
from .activations import activation_name, activation_output_shape
from .base import Layer

WEIGHT_OPTIONS = frozenset({
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "kernel_constraint", "bias_constraint", "lora_alpha",
})


class BaseConv(Layer):
    """A convolution of any rank; the subclasses only fix ``rank``."""

    rank: ClassVar[int]
    ignored_arguments = WEIGHT_OPTIONS

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True, lora_rank=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        filters = arguments.size(filters, owner=owner, argument="filters")
        groups = arguments.size(groups, owner=owner, argument="groups")
        if (filters / groups).is_integer is False:
            raise ArgumentError(
                f"{owner}: the number of filters must be evenly divisible by the number of "
                f"groups. Received: groups={groups}, filters={filters}",
                argument="groups", value=groups)
        strides = arguments.size_tuple(strides, rank, owner=owner, argument="strides")
        dilation_rate = arguments.size_tuple(dilation_rate, rank, owner=owner,
                                             argument="dilation_rate")
        if any((s - 1).is_positive for s in strides) and \
                any((d - 1).is_positive for d in dilation_rate):
            raise ArgumentError(
                f"{owner}: `strides > 1` not supported in conjunction with "
                f"`dilation_rate > 1`. Received: strides={strides} and "
                f"dilation_rate={dilation_rate}", argument="dilation_rate", value=dilation_rate)
        paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self._store(
            filters=filters,
            kernel_size=arguments.size_tuple(kernel_size, rank, owner=owner,
                                             argument="kernel_size"),
            strides=strides,
            padding=arguments.choice(padding, paddings, owner=owner, argument="padding"),
            data_format=_spatial.data_format(data_format, owner=owner),
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation_name(activation, owner=owner),
            use_bias=arguments.flag(use_bias, owner=owner, argument="use_bias"),
            lora_rank=None if lora_rank is None else
            arguments.size(lora_rank, owner=owner, argument="lora_rank"),
        )

    def _channels(self, input_shape):
        spatial, channels = split_input(self, input_shape)
        if (channels / self.groups).is_integer is False:
            raise ShapeError(
                f"the number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {channels} channels")
        return spatial, channels

    def input_conditions(self, input_shape):
        _, channels = split_input(self, input_shape)
        return undecided(
            Condition.divides(self.groups, channels,
                              "the number of input channels must be divisible by groups"),
            Condition.divides(self.groups, self.filters,
                              "the number of filters must be divisible by groups"))

    def compute_output_shape(self, input_shape):
        spatial, _ = self._channels(input_shape)
        out = tuple(
            conv_output_length(n, k, s, d, self.padding)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        return activation_output_shape(self.activation,
                                       join_channels(out, self.filters, self.data_format))

    def declare_weights(self, input_shape):
        _, channels = self._channels(input_shape)
        window = window_axes(self.kernel_size)
        per_filter = per_group("in_channels", channels, self.groups)
        reach = "every input channel" if self.groups == 1 else "the input channels of its group"
        filters = Axis(label("filters"), self.filters)
        shape = window_text(self.kernel_size)
        kernel = Weight("kernel", (*window, per_filter, filters),
                        note=f"a {shape} window over {reach}, for each filter", role="product")
        weights = [kernel]
        if self.lora_rank is not None:
            rank = Axis(label("lora_rank"), self.lora_rank)
            weights = [
                Weight("kernel", kernel.axes, trainable=False,
                       note=kernel.note + "; frozen by LoRA", role="product"),
                Weight("lora_kernel_a", (*window, per_filter, rank),
                       note="low-rank factor A of the kernel update", role="product"),
                Weight("lora_kernel_b", (rank, filters),
                       note="low-rank factor B of the kernel update", role="product"),
            ]
        if self.use_bias:
            weights.append(Weight("bias", (filters,),
                                  note="one bias per filter, not one shared by all filters",
                                  role="bias"))
        return tuple(weights)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per output position (grouped kernels are per group)."""
        return Mul(*split_channels(output_shape, self.data_format)[0])


class Conv1D(BaseConv):
    """1D convolution over steps: input ``(steps, channels)``."""

    rank = 1


class Conv2D(BaseConv):
    """2D convolution: input ``(height, width, channels)`` (channels last)."""

    rank = 2


class Conv3D(BaseConv):
    """3D convolution: input ``(depth, height, width, channels)`` (channels last)."""

    rank = 3
