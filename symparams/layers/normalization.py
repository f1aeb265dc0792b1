"""Normalization layers, counted as Keras counts them.

BatchNormalization: 2·C trainable + 2·C non-trainable.

>>> from symparams import dims, layers
>>> H, W, C = dims("H W C")
>>> bn = layers.BatchNormalization()
>>> bn.count_params((H, W, C))
4*C
>>> [w.name for w in bn.declare_weights((H, W, C)) if not w.trainable]
['moving_mean', 'moving_variance']

LayerNormalization and GroupNormalization: a scale and an offset per entry of
the normalized axes, all trainable; UnitNormalization: none.

>>> layers.LayerNormalization().count_params((H, W, C))
2*C
>>> layers.LayerNormalization(axis=[1, 2]).count_params((H, W, C))
2*H*W
>>> layers.GroupNormalization(groups=8).count_params((H, W, C))
2*C
>>> layers.UnitNormalization().count_params((H, W, C))
0
"""

from __future__ import annotations

import numbers

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..weights import Axis, Weight, label
from .base import Layer, format_shape, keras_axis

_BN_OPTIONS = frozenset({
    "momentum", "epsilon", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
    "gamma_constraint", "renorm_clipping", "renorm_momentum", "synchronized",
})


def _channel_count(layer, input_shape, purpose):
    """The size of the feature axis ``layer.axis`` names; never the batch axis."""
    index = keras_axis(layer.axis, input_shape)
    if index == 0:
        raise ShapeError(f"axis={layer.axis} is the batch axis; {layer.display_type} {purpose} "
                         f"of another axis")
    return input_shape[index - 1]


def _scale_and_offset(layer, axes, per):
    """``gamma`` (if ``layer.scale``) and ``beta`` (if ``layer.center``) over ``axes``."""
    weights = []
    if layer.scale:
        weights.append(Weight("gamma", axes, note=f"a learned scale per {per}",
                              role="elementwise"))
    if layer.center:
        weights.append(Weight("beta", axes, note=f"a learned offset per {per}",
                              role="elementwise"))
    return weights


class BatchNormalization(Layer):
    """Normalizes along ``axis`` (Keras numbering: the batch is axis 0, -1 is the last).

    Weights per channel: ``gamma`` (if ``scale``) and ``beta`` (if ``center``),
    trainable; ``moving_mean`` and ``moving_variance``, non-trainable; with
    ``renorm=True`` also ``moving_stddev``, ``renorm_mean``, ``renorm_stddev``.
    """

    no_macs_reason = "normalization is elementwise work: 0 MACs by the default convention"

    ignored_arguments = _BN_OPTIONS

    def __init__(self, axis=-1, center=True, scale=True, renorm=False, **kwargs):
        super().__init__(**kwargs)
        owner = "BatchNormalization"
        self._store(axis=arguments.axis(axis, owner=owner, argument="axis"),
                    center=arguments.flag(center, owner=owner, argument="center"),
                    scale=arguments.flag(scale, owner=owner, argument="scale"),
                    renorm=arguments.flag(renorm, owner=owner, argument="renorm"))

    def _channels(self, input_shape):
        return _channel_count(self, input_shape, "normalizes per feature")

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        channels = (Axis(label("channels"), self._channels(input_shape)),)
        weights = _scale_and_offset(self, channels, "channel")
        statistics = ["moving_mean", "moving_variance"]
        if self.renorm:
            statistics += ["moving_stddev", "renorm_mean", "renorm_stddev"]
        for name in statistics:
            weights.append(Weight(name, channels, trainable=False,
                                  note="a running statistic per channel, updated by averaging "
                                       "batches, not by gradients", role="state"))
        return tuple(weights)


_SCALE_OFFSET_OPTIONS = frozenset({
    "epsilon", "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
    "beta_constraint", "gamma_constraint",
})


class LayerNormalization(Layer):
    """Normalizes each example over ``axis`` (Keras numbering; an int or a list of axes).

    Weights, trainable, shaped like the normalized axes (in sorted order, as
    Keras builds them): ``gamma`` (if ``scale``) and ``beta`` (if ``center``).
    Keras 3.15 still accepts the deprecated ``rms_scaling=True``: then ``gamma``
    always and no ``beta``.

    Keras's torch backend fails on a run of adjacent axes that does not end
    with the last one (``axis=1`` on a rank-4 input, say) unless the sizes happen
    to match; that is a backend limit, not Keras's rule, so symparams counts
    those as Keras defines them. Keras's second positional argument is
    ``epsilon``, which changes nothing here: the others are keyword-only.
    """

    no_macs_reason = "normalization is elementwise work: 0 MACs by the default convention"

    ignored_arguments = _SCALE_OFFSET_OPTIONS

    def __init__(self, axis=-1, *, center=True, scale=True, rms_scaling=False, **kwargs):
        super().__init__(**kwargs)
        owner = "LayerNormalization"
        axis = _axes(axis, owner=owner)
        if axis == ():
            raise ArgumentError("LayerNormalization: `axis` must name at least one axis. "
                                "Received: axis=()", argument="axis", value=axis)
        self._store(axis=axis,
                    center=arguments.flag(center, owner=owner, argument="center"),
                    scale=arguments.flag(scale, owner=owner, argument="scale"),
                    rms_scaling=arguments.flag(rms_scaling, owner=owner, argument="rms_scaling"))

    def compute_output_shape(self, input_shape):
        _normalized_axes(self, input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        shape = _normalized_axes(self, input_shape)
        weights = []
        if self.scale or self.rms_scaling:
            weights.append(Weight("gamma", shape, note="a learned scale per normalized entry",
                                  role="elementwise"))
        if self.center and not self.rms_scaling:
            weights.append(Weight("beta", shape, note="a learned offset per normalized entry",
                                  role="elementwise"))
        return tuple(weights)


class RMSNormalization(Layer):
    """Root-mean-square normalization (Zhang and Sennrich, 2019) over ``axis``.

    One trainable ``scale`` per normalized entry and no offset: the norm of
    Llama-style transformers.

    >>> from symparams import dims, layers
    >>> T, d = dims("T d")
    >>> layers.RMSNormalization().bind((T, d)).params
    d
    """

    no_macs_reason = "normalization is elementwise work: 0 MACs by the default convention"

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        axis = _axes(axis, owner="RMSNormalization")
        if axis == ():
            raise ArgumentError("RMSNormalization: `axis` must name at least one axis. "
                                "Received: axis=()", argument="axis", value=axis)
        self._store(axis=axis, epsilon=epsilon)

    def compute_output_shape(self, input_shape):
        _normalized_axes(self, input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        return (Weight("scale", _normalized_axes(self, input_shape),
                       note="a learned scale per normalized entry", role="elementwise"),)


def _normalized_axes(layer, input_shape) -> tuple[Axis, ...]:
    """The axes a layer normalizes over, as weight axes in Keras's (sorted) order."""
    axes = (layer.axis,) if isinstance(layer.axis, int) else tuple(sorted(layer.axis))
    indices = _distinct_axes(axes, input_shape, layer.axis)
    if 0 in indices:
        raise ShapeError(f"axis={layer.axis} includes the batch axis; {type(layer).__name__} "
                         f"normalizes each example over its other axes")
    names = ["features"] if len(indices) == 1 else [f"axis_{i}" for i in indices]
    return tuple(Axis(label(n), input_shape[i - 1]) for n, i in zip(names, indices))


class GroupNormalization(Layer):
    """Normalizes groups of channels: ``axis`` (Keras numbering) is split into ``groups``.

    Weights per channel, trainable: ``gamma`` (if ``scale``) and ``beta`` (if
    ``center``). ``groups=-1`` makes one group per channel (instance
    normalization). The channels must be a multiple of the groups. As for
    LayerNormalization, ``center`` and ``scale`` are keyword-only (Keras's
    third positional argument is ``epsilon``).
    """

    no_macs_reason = "normalization is elementwise work: 0 MACs by the default convention"

    ignored_arguments = _SCALE_OFFSET_OPTIONS

    def __init__(self, groups=32, axis=-1, *, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        owner = "GroupNormalization"
        if isinstance(groups, numbers.Integral) and not isinstance(groups, bool) and groups == -1:
            groups = -1
        elif isinstance(groups, numbers.Integral) and not isinstance(groups, bool) and groups < 1:
            raise ArgumentError(
                "GroupNormalization: `groups` must be a positive integer (or -1 for instance "
                f"normalization). Received: groups={groups!r}", argument="groups", value=groups)
        else:
            groups = arguments.size(groups, owner=owner, argument="groups")
        self._store(groups=groups,
                    axis=arguments.axis(axis, owner=owner, argument="axis"),
                    center=arguments.flag(center, owner=owner, argument="center"),
                    scale=arguments.flag(scale, owner=owner, argument="scale"))

    def _channels(self, input_shape):
        channels = _channel_count(self, input_shape, "splits the channels into groups")
        groups = channels if self.groups == -1 else self.groups
        if (channels - groups).is_negative:
            raise ShapeError(f"the number of groups ({groups}) cannot be more than the number "
                             f"of channels ({channels}); input shape {format_shape(input_shape)}")
        if (channels / groups).is_integer is False:
            raise ShapeError(f"the number of channels ({channels}) must be a multiple of the "
                             f"number of groups ({groups}); input shape "
                             f"{format_shape(input_shape)}")
        return channels, groups

    def input_conditions(self, input_shape):
        channels, groups = self._channels(input_shape)
        return (Condition.divides(groups, channels, "channels must be a multiple of groups"),)

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        channels = (Axis(label("channels"), self._channels(input_shape)[0]),)
        return tuple(_scale_and_offset(self, channels, "channel"))


class UnitNormalization(Layer):
    """Scales each example to unit L2 norm over ``axis`` (an int or a list of axes)."""

    no_macs_reason = "normalization is elementwise work: 0 MACs by the default convention"

    no_weights_reason = ("it divides by the norm of its input, a fixed function: no weights, "
                         "0 parameters")

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self._store(axis=_axes(axis, owner="UnitNormalization"))

    def compute_output_shape(self, input_shape):
        axes = (self.axis,) if isinstance(self.axis, int) else self.axis
        _distinct_axes(axes, input_shape, self.axis)
        return tuple(input_shape)


def _axes(value, *, owner: str):
    """An int axis, or a tuple of them (from a list or tuple), as Keras accepts ``axis``."""
    if isinstance(value, (tuple, list)):
        return tuple(arguments.axis(a, owner=owner, argument="axis") for a in value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{owner}: `axis` must be an int or a list/tuple of ints. "
                                f"Received: axis={value!r}", argument="axis", value=value)
    return int(value)


def _distinct_axes(axes, input_shape, given) -> tuple[int, ...]:
    """``axes`` as indices with the batch (:func:`keras_axis`); no axis may come twice."""
    indices = tuple(keras_axis(a, input_shape) for a in axes)
    if len(set(indices)) != len(indices):
        raise ShapeError(f"axis={given} names the same axis twice for an input of rank "
                         f"{len(input_shape) + 1} (batch included): {format_shape(input_shape)}")
    return indices
