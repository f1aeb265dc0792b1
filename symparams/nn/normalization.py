"""BatchNorm, InstanceNorm, LayerNorm, GroupNorm and RMSNorm, as PyTorch counts them.

PyTorch keeps running statistics as buffers, not parameters:

>>> from symparams import Tensor, dims, nn
>>> C = dims("C")
>>> bn = nn.BatchNorm2d(C)
>>> bn.params, bn.buffers
(2*C, 2*C + 1)
>>> nn.LayerNorm((8, 16)).params
256
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError
from ..weights import Axis, Weight, label
from .base import Module

_NORM_OPTIONS = frozenset({"eps", "momentum"})


def _affine(axes, bias: bool = True):
    weights = [Weight("weight", axes, note="a learned scale per normalized entry")]
    if bias:
        weights.append(Weight("bias", axes, note="a learned offset per normalized entry"))
    return weights


def _running_statistics(axes):
    note = "a running statistic per channel, updated by averaging batches, not by gradients"
    return [Weight("running_mean", axes, note=note, buffer=True),
            Weight("running_var", axes, note=note, buffer=True),
            Weight("num_batches_tracked", (), note="a counter of the batches seen", buffer=True,
                   dtype="int64")]


class _NormNd(Module):
    """Batch and instance norms: per-channel statistics over ``(N, C, ...)``."""

    ranks: ClassVar[tuple[int, ...]]
    ignored_arguments = _NORM_OPTIONS

    def __init__(self, num_features, affine, track_running_stats, bias=True, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(
            num_features=arguments.size(num_features, owner=owner, argument="num_features"),
            affine=arguments.flag(affine, owner=owner, argument="affine"),
            track_running_stats=arguments.flag(track_running_stats, owner=owner,
                                               argument="track_running_stats"),
            bias=arguments.flag(bias, owner=owner, argument="bias"))

    def module_weights(self):
        channels = (Axis(label("num_features"), self.num_features),)
        weights = _affine(channels, self.bias) if self.affine else []
        if self.track_running_stats:
            weights += _running_statistics(channels)
        return tuple(weights)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def _channel_check(self, channels) -> tuple:
        """PyTorch meets a wrong channel count only through per-channel weights or statistics."""
        if not (self.affine or self.track_running_stats):
            return ()
        return (Condition.equal(self.num_features, channels,
                                "num_features must equal the input's channel axis"),)


class _BatchNorm(_NormNd):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, bias=True, **kwargs):
        super().__init__(num_features, affine, track_running_stats, bias, eps=eps,
                         momentum=momentum, **kwargs)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, self.ranks, "")
        conditions = self._channel_check(input_shape[1])
        if not self.track_running_stats:  # batch statistics, in eval mode too
            values = sympy.Mul(input_shape[0], *input_shape[2:])
            conditions += (Condition.less(1, values, "batch statistics need more than one "
                                                     "value per channel"),)
        return conditions


class _InstanceNorm(_NormNd):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, bias=True, **kwargs):
        super().__init__(num_features, affine, track_running_stats, bias, eps=eps,
                         momentum=momentum, **kwargs)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, self.ranks, "(unbatched or batched)")
        conditions = self._channel_check(input_shape[-self.ranks[0]])
        if self.track_running_stats:  # in eval mode the running statistics are used
            return conditions
        spatial = input_shape[-(self.ranks[0] - 1):]
        return conditions + (Condition.less(1, sympy.Mul(*spatial), "instance statistics need "
                                                                    "more than one spatial "
                                                                    "element"),)


class BatchNorm1d(_BatchNorm):
    """Batch norm over ``(N, C)`` or ``(N, C, L)``."""

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over ``(N, C, H, W)``."""

    ranks = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm over ``(N, C, D, H, W)``."""

    ranks = (5,)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over ``(N, C, L)`` or ``(C, L)``."""

    ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over ``(N, C, H, W)`` or ``(C, H, W)``."""

    ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""

    ranks = (4, 5)


class _ShapeNorm(Module):
    """Norms over the trailing ``normalized_shape`` axes."""

    def _normalized(self, normalized_shape):
        shape = normalized_shape if isinstance(normalized_shape, (tuple, list)) else \
            (normalized_shape,)
        if not shape:
            raise ArgumentError(f"{type(self).__name__}: normalized_shape must not be empty",
                                argument="normalized_shape", value=normalized_shape)
        return tuple(arguments.size(s, owner=type(self).__name__, argument="normalized_shape")
                     for s in shape)

    def _axes(self):
        return tuple(Axis(label(f"normalized_{i}") if len(self.normalized_shape) > 1 else
                          label("normalized_shape"), s)
                     for i, s in enumerate(self.normalized_shape, 1))

    def input_conditions(self, input_shape):
        n = len(self.normalized_shape)
        self._expect_rank(input_shape, min_rank=n)
        return tuple(Condition.equal(want, got, "the input's last axes must equal "
                                                "normalized_shape")
                     for want, got in zip(self.normalized_shape, input_shape[-n:]))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class LayerNorm(_ShapeNorm):
    """Layer norm over the last axes; ``weight`` and ``bias`` of ``normalized_shape``."""

    ignored_arguments = frozenset({"eps"})

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 **kwargs):
        super().__init__(eps=eps, **kwargs)
        self._store(normalized_shape=self._normalized(normalized_shape),
                    elementwise_affine=arguments.flag(elementwise_affine, owner="LayerNorm",
                                                      argument="elementwise_affine"),
                    bias=arguments.flag(bias, owner="LayerNorm", argument="bias"))

    def module_weights(self):
        return tuple(_affine(self._axes(), self.bias)) if self.elementwise_affine else ()


class RMSNorm(_ShapeNorm):
    """RMS norm over the last axes; a ``weight`` of ``normalized_shape``, no bias."""

    ignored_arguments = frozenset({"eps"})

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, **kwargs):
        super().__init__(eps=eps, **kwargs)
        self._store(normalized_shape=self._normalized(normalized_shape),
                    elementwise_affine=arguments.flag(elementwise_affine, owner="RMSNorm",
                                                      argument="elementwise_affine"))

    def module_weights(self):
        return tuple(_affine(self._axes(), bias=False)) if self.elementwise_affine else ()


class GroupNorm(Module):
    """Group norm over ``(N, C, *)``: a scale and an offset per channel."""

    ignored_arguments = frozenset({"eps"})

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, bias=True, **kwargs):
        super().__init__(eps=eps, **kwargs)
        num_groups = arguments.size(num_groups, owner="GroupNorm", argument="num_groups")
        num_channels = arguments.size(num_channels, owner="GroupNorm", argument="num_channels")
        if (num_channels / num_groups).is_integer is False:
            raise ArgumentError("GroupNorm: num_channels must be divisible by num_groups. "
                                f"Received: num_channels={num_channels}, "
                                f"num_groups={num_groups}", argument="num_groups",
                                value=num_groups)
        self._store(num_groups=num_groups, num_channels=num_channels,
                    affine=arguments.flag(affine, owner="GroupNorm", argument="affine"),
                    bias=arguments.flag(bias, owner="GroupNorm", argument="bias"))

    def module_weights(self):
        axes = (Axis(label("num_channels"), self.num_channels),)
        return tuple(_affine(axes, self.bias)) if self.affine else ()

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=2)
        channels = input_shape[1]
        fit = (Condition.equal(self.num_channels, channels, "num_channels must equal the "
                                                            "input's channel axis (axis 1)")
               if self.affine else
               Condition.divides(self.num_groups, channels, "the input's channels must be "
                                                            "divisible by num_groups"))
        per_group = input_shape[0] * channels / self.num_groups * sympy.Mul(*input_shape[2:])
        return (fit, Condition.less(1, per_group, "the statistics need more than one value"))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
