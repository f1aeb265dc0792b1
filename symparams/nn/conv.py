"""Conv1d/2d/3d and ConvTranspose1d/2d/3d, as ``torch.nn`` shapes and counts them.

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

from sympy import Mul

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ShapeError
from ..intmath import conv_output_length, conv_transpose_output_length, floor_div
from ..weights import Axis, Weight, label, per_group, window_axes, window_text
from .base import Module

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _grouped(conv) -> tuple:
    """Both channel counts divisible by ``groups``, where that depends on the sizes."""
    return tuple(Condition.divides(conv.groups, value, f"{argument} must be divisible by groups")
                 for argument, value in (("in_channels", conv.in_channels),
                                         ("out_channels", conv.out_channels)))


def _channels(owner: str, in_channels, out_channels, groups):
    """Checked channel counts and groups; both counts must divide by ``groups``."""
    in_channels = arguments.size(in_channels, owner=owner, argument="in_channels")
    out_channels = arguments.size(out_channels, owner=owner, argument="out_channels")
    groups = arguments.size(groups, owner=owner, argument="groups")
    for argument, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if (value / groups).is_integer is False:
            raise ArgumentError(f"{owner}: {argument} must be divisible by groups. "
                                f"Received: {argument}={value}, groups={groups}",
                                argument=argument, value=value)
    return in_channels, out_channels, groups


class _ConvNd(Module):
    """A convolution of any rank; subclasses fix ``rank``."""

    rank: ClassVar[int]

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", **kwargs):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        in_channels, out_channels, groups = _channels(owner, in_channels, out_channels, groups)
        stride = arguments.size_tuple(stride, rank, owner=owner, argument="stride")
        if isinstance(padding, str):
            padding = arguments.choice(padding, ("valid", "same"), owner=owner,
                                       argument="padding", exact=True)
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
                                          argument="padding_mode", exact=True))

    def module_weights(self):
        window = window_axes(self.kernel_size)
        per_filter = per_group("in_channels", self.in_channels, self.groups)
        out = Axis(label("out_channels"), self.out_channels)
        shape = window_text(self.kernel_size)
        weights = [Weight("weight", (out, per_filter, *window),
                          note=f"a {shape} window over the input channels of its group, "
                               "for each output channel", role="product")]
        if self.bias:
            weights.append(Weight("bias", (out,), note="one bias per output channel", role="bias"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (self.rank + 1, self.rank + 2),
                             f"(unbatched or batched) to {type(self).__name__}")
        channels = input_shape[-(self.rank + 1)]
        conditions = [Condition.equal(self.in_channels, channels,
                                      "in_channels must equal the input's channel axis"),
                      *_grouped(self)]
        if self.padding_mode in ("reflect", "circular"):
            for n, sides in zip(input_shape[-self.rank:], self._sides()):
                for pad in sides:
                    if pad == 0:
                        continue
                    if self.padding_mode == "reflect":
                        conditions.append(Condition.less(pad, n, "reflection padding must be "
                                                                 "less than the input size"))
                    else:
                        conditions.append(Condition.less(pad - 1, n, "circular padding must not "
                                                                     "wrap around more than once"))
        return tuple(conditions)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per output position (batch included)."""
        return Mul(*output_shape) / self.out_channels

    def _sides(self):
        """``(left, right)`` padding per axis; 'same' pads ``dilation*(kernel-1)`` in total."""
        if self.padding == "valid":
            return [(0, 0)] * self.rank
        if self.padding == "same":
            sides = []
            for k, d in zip(self.kernel_size, self.dilation):
                total = d * (k - 1)
                sides.append((floor_div(total, 2), total - floor_div(total, 2)))
            return sides
        return [(p, p) for p in self.padding]

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


class Conv1d(_ConvNd):
    """1D convolution: input ``(N, C, L)`` or ``(C, L)``."""

    rank = 1


class Conv2d(_ConvNd):
    """2D convolution: input ``(N, C, H, W)`` or ``(C, H, W)``."""

    rank = 2


class Conv3d(_ConvNd):
    """3D convolution: input ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    rank = 3


class _ConvTransposeNd(Module):
    """A transposed convolution of any rank; subclasses fix ``rank``."""

    rank: ClassVar[int]

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 **kwargs):
        super().__init__(**kwargs)
        owner, rank = type(self).__name__, self.rank
        in_channels, out_channels, groups = _channels(owner, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ArgumentError(f'{owner}: only "zeros" padding mode is supported. '
                                f"Received: padding_mode={padding_mode!r}",
                                argument="padding_mode", value=padding_mode)
        stride = arguments.size_tuple(stride, rank, owner=owner, argument="stride")
        dilation = arguments.size_tuple(dilation, rank, owner=owner, argument="dilation")
        output_padding = arguments.size_tuple(output_padding, rank, owner=owner,
                                              argument="output_padding",
                                              check=arguments.padding_size)
        for p, s, d in zip(output_padding, stride, dilation):
            if (s - p).is_positive is False and (d - p).is_positive is False:
                raise ArgumentError(f"{owner}: output padding must be smaller than either "
                                    f"stride or dilation. Received: output_padding={p}, "
                                    f"stride={s}, dilation={d}", argument="output_padding",
                                    value=p)
        self._store(
            in_channels=in_channels, out_channels=out_channels,
            kernel_size=arguments.size_tuple(kernel_size, rank, owner=owner,
                                             argument="kernel_size"),
            stride=stride,
            padding=arguments.size_tuple(padding, rank, owner=owner, argument="padding",
                                         check=arguments.padding_size),
            output_padding=output_padding, groups=groups,
            bias=arguments.flag(bias, owner=owner, argument="bias"), dilation=dilation)

    def module_weights(self):
        window = window_axes(self.kernel_size)
        per_input = per_group("out_channels", self.out_channels, self.groups)
        weights = [Weight("weight", (Axis(label("in_channels"), self.in_channels), per_input,
                                     *window),
                          note="a window spread from each input channel over the output "
                               "channels of its group", role="product")]
        if self.bias:
            weights.append(Weight("bias", (Axis(label("out_channels"), self.out_channels),),
                                  note="one bias per output channel", role="bias"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (self.rank + 1, self.rank + 2),
                             f"(unbatched or batched) to {type(self).__name__}")
        return (Condition.equal(self.in_channels, input_shape[-(self.rank + 1)],
                                "in_channels must equal the input's channel axis"),
                *_grouped(self))

    def compute_output_shape(self, input_shape, output_size=None):
        spatial = input_shape[-self.rank:]
        if output_size is None:
            out = tuple(conv_transpose_output_length(n, k, s, d, p, op)
                        for n, k, s, d, p, op in zip(spatial, self.kernel_size, self.stride,
                                                     self.dilation, self.padding,
                                                     self.output_padding))
        else:
            out = self._requested(spatial, output_size)
        return (*input_shape[:-(self.rank + 1)], self.out_channels, *out)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """The weight is spread from every input position; the bias added at every output one."""
        if weight.role == "bias":
            return Mul(*output_shape) / self.out_channels
        return Mul(*input_shape) / self.in_channels

    def _requested(self, spatial, output_size) -> tuple:
        """``output_size`` at call time: between the smallest output and stride - 1 more."""
        sizes = tuple(output_size)[-self.rank:]
        if len(sizes) != self.rank:
            raise ShapeError(f"output_size must have {self.rank} or {self.rank + 2} elements; "
                             f"received {tuple(output_size)}")
        out = []
        for n, k, s, d, p, size in zip(spatial, self.kernel_size, self.stride, self.dilation,
                                       self.padding, sizes):
            size = arguments.size(size, owner=type(self).__name__, argument="output_size")
            smallest = conv_transpose_output_length(n, k, s, d, p, 0)
            if (size - smallest).is_negative or (smallest + s - 1 - size).is_negative:
                raise ShapeError(f"requested an output size of {size}, but valid sizes range "
                                 f"from {smallest} to {smallest + s - 1}")
            out.append(size)
        return tuple(out)

    def __call__(self, input, output_size=None):
        from ..graph import apply
        options = {} if output_size is None else {"output_size": tuple(output_size)}
        return apply(self, (input,), tuple, **options)


class ConvTranspose1d(_ConvTransposeNd):
    """1D transposed convolution: input ``(N, C, L)`` or ``(C, L)``."""

    rank = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2D transposed convolution: input ``(N, C, H, W)`` or ``(C, H, W)``."""

    rank = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3D transposed convolution: input ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    rank = 3
