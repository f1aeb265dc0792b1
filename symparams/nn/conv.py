"""Conv1d, Conv2d, Conv3d, as ``torch.nn`` shapes and counts them.

>>> from symparams import Tensor, dims, nn
>>> N, C, H, W = dims("N C H W")
>>> conv = nn.Conv2d(C, 64, 3, stride=2, padding=1)
>>> conv.params
64*(9*C + 1)
>>> conv(Tensor((N, C, H, W))).shape
(N, 64, ceiling(H/2), ceiling(W/2))
"""

from __future__ import annotations

from typing import ClassVar

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError
from ..intmath import conv_output_length
from ..weights import Axis, Weight, label
from .base import Module

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """A convolution of any rank; subclasses fix ``rank``."""

    rank: ClassVar[int]

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", **kwargs):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        in_channels = arguments.size(in_channels, owner=owner, argument="in_channels")
        out_channels = arguments.size(out_channels, owner=owner, argument="out_channels")
        groups = arguments.size(groups, owner=owner, argument="groups")
        for argument, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if (value / groups).is_integer is False:
                raise ArgumentError(f"{owner}: {argument} must be divisible by groups. "
                                    f"Received: {argument}={value}, groups={groups}",
                                    argument=argument, value=value)
        stride = arguments.size_tuple(stride, rank, owner=owner, argument="stride")
        if isinstance(padding, str):
            padding = arguments.choice(padding, ("valid", "same"), owner=owner,
                                       argument="padding")
            if padding == "same" and any(s != 1 for s in stride):
                raise ArgumentError(
                    f"{owner}: padding='same' is not supported for strided convolutions. "
                    f"Received: stride={stride}", argument="padding", value=padding)
        else:
            padding = arguments.size_tuple(padding, rank, owner=owner, argument="padding",
                                           check=arguments.padding_size)
        self._store(
            in_channels=in_channels, out_channels=out_channels,
            kernel_size=arguments.size_tuple(kernel_size, rank, owner=owner,
                                             argument="kernel_size"),
            stride=stride, padding=padding,
            dilation=arguments.size_tuple(dilation, rank, owner=owner, argument="dilation"),
            groups=groups, bias=arguments.flag(bias, owner=owner, argument="bias"),
            padding_mode=arguments.choice(padding_mode, PADDING_MODES, owner=owner,
                                          argument="padding_mode"))

    def module_weights(self):
        window = tuple(Axis(label(f"kernel_{n}" if n else "kernel_size"), k)
                       for n, k in zip(_AXES[self.rank], self.kernel_size))
        if self.groups == 1:
            per_filter = Axis(label("in_channels"), self.in_channels)
        else:
            per_filter = Axis(label("in_channels") / label("groups"),
                              self.in_channels / self.groups)
        out = Axis(label("out_channels"), self.out_channels)
        shape = " x ".join(str(k) for k in self.kernel_size)
        weights = [Weight("weight", (out, per_filter, *window),
                          note=f"a {shape} window over the input channels of its group, "
                               "for each output channel")]
        if self.bias:
            weights.append(Weight("bias", (out,), note="one bias per output channel"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (self.rank + 1, self.rank + 2),
                             f"(unbatched or batched) to {type(self).__name__}")
        channels = input_shape[-(self.rank + 1)]
        return (Condition.equal(self.in_channels, channels,
                                "in_channels must equal the input's channel axis"),)

    def compute_output_shape(self, input_shape):
        spatial = input_shape[-self.rank:]
        if self.padding == "same":
            out = tuple(spatial)
        else:
            pads = (0,) * self.rank if self.padding == "valid" else self.padding
            out = tuple(conv_output_length(n, k, s, d, p)
                        for n, k, s, d, p in zip(spatial, self.kernel_size, self.stride,
                                                 self.dilation, pads))
        return (*input_shape[:-(self.rank + 1)], self.out_channels, *out)


_AXES = {1: ("",), 2: ("h", "w"), 3: ("d", "h", "w")}


class Conv1d(_ConvNd):
    """1D convolution: input ``(N, C, L)`` or ``(C, L)``."""

    rank = 1


class Conv2d(_ConvNd):
    """2D convolution: input ``(N, C, H, W)`` or ``(C, H, W)``."""

    rank = 2


class Conv3d(_ConvNd):
    """3D convolution: input ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    rank = 3
