"""TimeDistributed: one layer applied to every step of a sequence, with one set of weights.

>>> from symparams import dims, layers
>>> T, H, W, C = dims("T H W C")
>>> step = layers.TimeDistributed(layers.Conv2D(8, 3))
>>> step.compute_output_shape((T, H, W, C))
(T, H - 2, W - 2, 8)
>>> step.count_params((T, H, W, C))
8*(9*C + 1)
"""

from __future__ import annotations

from ..errors import ArgumentTypeError
from .base import Layer


class TimeDistributed(Layer):
    """Applies ``layer`` to each slice along axis 1 (the first axis after the batch)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ArgumentTypeError("TimeDistributed: `layer` must be a layer. "
                                    f"Received: layer={layer!r}", argument="layer", value=layer)
        self._store(layer=layer)

    @property
    def free_symbols(self) -> set:
        return self.layer.free_symbols

    def subs(self, mapping) -> "TimeDistributed":
        return TimeDistributed(self.layer.subs(mapping), name=self.name)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=2, what="steps, then the layer's input")
        return self.layer.input_conditions(tuple(input_shape[1:]))

    def declare_weights(self, input_shape):
        return self.layer._weights(tuple(input_shape[1:]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.layer.compute_output_shape(tuple(input_shape[1:])))

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True, **options):
        """The layer's terms on one step, once per step."""
        from ..compute import layer_terms
        step = self.layer.bind(tuple(input_shape[1:]))
        return tuple(t.scaled(input_shape[0]) for t in layer_terms(step, input_grad))
