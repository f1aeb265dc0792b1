"""BatchNormalization, counted as Keras counts it: 2·C trainable + 2·C non-trainable.

>>> from symparams import dims, layers
>>> H, W, C = dims("H W C")
>>> bn = layers.BatchNormalization()
>>> bn.count_params((H, W, C))
4*C
>>> [w.name for w in bn.declare_weights((H, W, C)) if not w.trainable]
['moving_mean', 'moving_variance']
"""

from __future__ import annotations

from .. import arguments
from ..errors import ShapeError
from ..weights import Axis, Weight, label
from .base import Layer, keras_axis

_BN_OPTIONS = frozenset({
    "momentum", "epsilon", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
    "gamma_constraint", "renorm_clipping", "renorm_momentum", "synchronized",
})


class BatchNormalization(Layer):
    """Normalizes along ``axis`` (Keras numbering: the batch is axis 0, -1 is the last).

    Weights per channel: ``gamma`` (if ``scale``) and ``beta`` (if ``center``),
    trainable; ``moving_mean`` and ``moving_variance``, non-trainable; with
    ``renorm=True`` also ``moving_stddev``, ``renorm_mean``, ``renorm_stddev``.
    """

    ignored_arguments = _BN_OPTIONS

    def __init__(self, axis=-1, center=True, scale=True, renorm=False, **kwargs):
        super().__init__(**kwargs)
        owner = "BatchNormalization"
        self._store(axis=arguments.axis(axis, owner=owner, argument="axis"),
                    center=arguments.flag(center, owner=owner, argument="center"),
                    scale=arguments.flag(scale, owner=owner, argument="scale"),
                    renorm=arguments.flag(renorm, owner=owner, argument="renorm"))

    def _channels(self, input_shape):
        index = keras_axis(self.axis, input_shape)
        if index == 0:
            raise ShapeError(f"axis={self.axis} is the batch axis; BatchNormalization "
                             f"normalizes per feature of another axis")
        return input_shape[index - 1]

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        return tuple(input_shape)

    def declare_weights(self, input_shape):
        channels = (Axis(label("channels"), self._channels(input_shape)),)
        weights = []
        if self.scale:
            weights.append(Weight("gamma", channels, note="a learned scale per channel"))
        if self.center:
            weights.append(Weight("beta", channels, note="a learned offset per channel"))
        statistics = ["moving_mean", "moving_variance"]
        if self.renorm:
            statistics += ["moving_stddev", "renorm_mean", "renorm_stddev"]
        for name in statistics:
            weights.append(Weight(name, channels, trainable=False,
                                  note="a running statistic per channel, updated by averaging "
                                       "batches, not by gradients"))
        return tuple(weights)
