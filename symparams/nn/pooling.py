"""Max, average and adaptive pooling in 1, 2 and 3 dimensions, with PyTorch's rules.

Window pools share :func:`symparams.intmath.conv_output_length` with every
convolution; ``ceil_mode`` follows PyTorch, dropping a last window that would
start in the right padding.

>>> from symparams import Tensor, dims, nn
>>> N, C, H = dims("N C H")
>>> nn.MaxPool2d(3, stride=2, padding=1)(Tensor((N, C, H, H))).shape
(N, C, ceiling(H/2), ceiling(H/2))
>>> nn.MaxPool1d(2, ceil_mode=True)(Tensor((N, C, H))).shape
(N, C, ceiling(H/2))
>>> nn.AdaptiveAvgPool2d((7, None))(Tensor((N, C, H, H))).shape
(N, C, 7, H)
"""

from __future__ import annotations

from typing import ClassVar

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ArgumentTypeError
from ..intmath import conv_output_length
from .base import Module


class _PoolNd(Module):
    no_macs_reason = ("pooling is elementwise work (comparisons or sums over windows): 0 MACs by "
                      "the default convention")
    rank: ClassVar[int]
    kind: ClassVar[str]

    def _spatial_input(self, input_shape):
        self._expect_rank_in(input_shape, (self.rank + 1, self.rank + 2),
                             f"(unbatched or batched) to {type(self).__name__}")
        return input_shape[-self.rank:]

    @property
    def no_weights_reason(self):
        return f"it takes the {self.kind} of each window, a fixed function: no weights"


class _WindowPool(_PoolNd):
    def _window(self, kernel_size, stride, padding, dilation, ceil_mode):
        owner, rank = type(self).__name__, self.rank
        kernel_size = arguments.size_tuple(kernel_size, rank, owner=owner, argument="kernel_size")
        stride = kernel_size if stride is None else \
            arguments.size_tuple(stride, rank, owner=owner, argument="stride")
        padding = arguments.size_tuple(padding, rank, owner=owner, argument="padding",
                                       check=arguments.padding_size)
        dilation = arguments.size_tuple(dilation, rank, owner=owner, argument="dilation")
        for k, p in zip(kernel_size, padding):
            if (k - 2 * p).is_negative:  # PyTorch's limit ignores the dilation
                raise ArgumentError(
                    f"{owner}: pad should be at most half of kernel size, but got "
                    f"pad={p} and kernel_size={k}", argument="padding", value=p)
        return dict(kernel_size=kernel_size, stride=stride, padding=padding,
                    ceil_mode=arguments.flag(ceil_mode, owner=owner, argument="ceil_mode")), \
            dilation

    def _lengths(self, input_shape, dilation):
        spatial = self._spatial_input(input_shape)
        out = tuple(conv_output_length(n, k, s, d, p, ceil_mode=self.ceil_mode)
                    for n, k, s, d, p in zip(spatial, self.kernel_size, self.stride, dilation,
                                             self.padding))
        return (*input_shape[:-self.rank], *out)


class _MaxPoolNd(_WindowPool):
    kind = "maximum"

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False, **kwargs):
        super().__init__(**kwargs)
        window, dilation = self._window(kernel_size, stride, padding, dilation, ceil_mode)
        self._store(**window, dilation=dilation,
                    return_indices=arguments.flag(return_indices, owner=type(self).__name__,
                                                  argument="return_indices"))

    def compute_output_shape(self, input_shape):
        shape = self._lengths(input_shape, self.dilation)
        return [shape, shape] if self.return_indices else shape


class _AvgPoolNd(_WindowPool):
    kind = "average"
    ignored_arguments = frozenset({"count_include_pad", "divisor_override"})

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, **kwargs):
        divisor = kwargs.get("divisor_override")
        if divisor is not None and (isinstance(divisor, bool) or
                                    not isinstance(divisor, int) or divisor == 0):
            raise ArgumentError(f"{type(self).__name__}: divisor must be not zero. Received: "
                                f"divisor_override={divisor!r}", argument="divisor_override",
                                value=divisor)
        super().__init__(**kwargs)
        window, _ = self._window(kernel_size, stride, padding, 1, ceil_mode)
        for p, k in zip(window["padding"], window["kernel_size"]):
            if (k - 2 * p).is_negative:
                raise ArgumentError(
                    f"{type(self).__name__}: pad should be smaller than or equal to half of "
                    f"kernel size, but got pad={p}, kernel_size={k}", argument="padding",
                    value=p)
        self._store(**window)

    def compute_output_shape(self, input_shape):
        return self._lengths(input_shape, (1,) * self.rank)

    def input_conditions(self, input_shape):
        if self.rank != 3:
            return ()
        # PyTorch's avg_pool3d wants the unpadded input at least as large as the kernel.
        spatial = self._spatial_input(input_shape)
        return tuple(Condition.less(k - 1, n, "the input must not be smaller than the kernel")
                     for k, n in zip(self.kernel_size, spatial))


class _AdaptivePoolNd(_PoolNd):
    def __init__(self, output_size, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if output_size is None or (self.rank == 1 and isinstance(output_size, (tuple, list))
                                   and None in output_size):
            raise ArgumentTypeError(f"{owner}: output_size must be a size, or a tuple of sizes "
                                    "and None (2D and 3D). Received: "
                                    f"output_size={output_size!r}", argument="output_size",
                                    value=output_size)
        sizes = output_size if isinstance(output_size, (tuple, list)) else \
            (output_size,) * self.rank
        if len(sizes) != self.rank:
            raise ArgumentError(f"{owner}: output_size must have {self.rank} entries. "
                                f"Received: output_size={output_size!r}",
                                argument="output_size", value=output_size)
        self._store(output_size=tuple(
            None if s is None else arguments.size(s, owner=owner, argument="output_size")
            for s in sizes))

    def compute_output_shape(self, input_shape):
        spatial = self._spatial_input(input_shape)
        out = tuple(n if s is None else s for n, s in zip(spatial, self.output_size))
        return (*input_shape[:-self.rank], *out)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    kind = "maximum"

    def __init__(self, output_size, return_indices=False, **kwargs):
        super().__init__(output_size, **kwargs)
        self._store(return_indices=arguments.flag(return_indices, owner=type(self).__name__,
                                                  argument="return_indices"))

    def compute_output_shape(self, input_shape):
        shape = super().compute_output_shape(input_shape)
        return [shape, shape] if self.return_indices else shape


class _AdaptiveAvgPoolNd(_AdaptivePoolNd):
    kind = "average"


class MaxPool1d(_MaxPoolNd):
    """Max pooling over ``(N, C, L)`` or ``(C, L)``."""

    rank = 1


class MaxPool2d(_MaxPoolNd):
    """Max pooling over ``(N, C, H, W)`` or ``(C, H, W)``."""

    rank = 2


class MaxPool3d(_MaxPoolNd):
    """Max pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    rank = 3


class AvgPool1d(_AvgPoolNd):
    """Average pooling over ``(N, C, L)`` or ``(C, L)``."""

    rank = 1
    ignored_arguments = frozenset({"count_include_pad"})


class AvgPool2d(_AvgPoolNd):
    """Average pooling over ``(N, C, H, W)`` or ``(C, H, W)``."""

    rank = 2


class AvgPool3d(_AvgPoolNd):
    """Average pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    rank = 3


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output length."""

    rank = 1


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size (``None`` keeps an axis)."""

    rank = 2


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size (``None`` keeps an axis)."""

    rank = 3


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output length."""

    rank = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size (``None`` keeps an axis)."""

    rank = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size (``None`` keeps an axis)."""

    rank = 3
