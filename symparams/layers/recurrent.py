"""Recurrent layers as Keras 3 counts them: SimpleRNN, LSTM, GRU, Bidirectional.

Keras keeps one bias vector per gate block (PyTorch keeps two), except GRU
with ``reset_after=True`` (the default), which keeps two:

>>> from symparams import dims, layers
>>> T, d, u = dims("T d u")
>>> layers.LSTM(u).count_params((T, d))
4*u*(d + u + 1)
>>> layers.GRU(u).count_params((T, d))
3*u*(d + u + 2)
>>> layers.GRU(u, reset_after=False).count_params((T, d))
3*u*(d + u + 1)
>>> layers.Bidirectional(layers.LSTM(u, return_sequences=True)).compute_output_shape((T, d))
(T, 2*u)
"""

from __future__ import annotations

from typing import ClassVar

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError
from ..compute import recurrent_terms
from ..weights import Axis, Weight, label
from .base import Layer

_RNN_OPTIONS = frozenset({
    "activation", "recurrent_activation", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
    "dropout", "recurrent_dropout", "seed", "go_backwards", "stateful", "unroll", "use_cudnn",
    "zero_output_for_mask",
})


class BaseRNN(Layer):
    """A recurrent layer over ``(timesteps, features)``; subclasses fix the gate count."""

    gates: ClassVar[int]
    states: ClassVar[int] = 1
    ignored_arguments = _RNN_OPTIONS

    def __init__(self, units, use_bias=True, return_sequences=False, return_state=False,
                 **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(units=arguments.size(units, owner=owner, argument="units"),
                    use_bias=arguments.flag(use_bias, owner=owner, argument="use_bias"),
                    return_sequences=arguments.flag(return_sequences, owner=owner,
                                                    argument="return_sequences"),
                    return_state=arguments.flag(return_state, owner=owner,
                                                argument="return_state"))

    def _bias_axes(self, rows):
        return (rows,)

    def declare_weights(self, input_shape):
        self._expect_rank(input_shape, 2, what="timesteps, features")
        rows = Axis(label("gates") * label("units") if self.gates > 1 else label("units"),
                    self.gates * self.units)
        weights = [
            Weight("kernel", (Axis(label("input_dim"), input_shape[-1]), rows),
                   note="input-to-hidden weights, for every gate", role="product"),
            Weight("recurrent_kernel", (Axis(label("units"), self.units), rows),
                   note="hidden-to-hidden weights, for every gate", role="product")]
        if self.use_bias:
            weights.append(Weight("bias", self._bias_axes(rows), note="a bias per gate row",
                                  role="bias"))
        return tuple(weights)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per time step."""
        return input_shape[0]

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True,
                      **options):
        """Each weight at every step; the hidden state's gradient from the second step on."""
        terms = super().compute_terms(input_shape, output_shape, weights, **options)
        return recurrent_terms(terms, input_shape[0], _reads)

    def compute_output_shape(self, input_shape):
        self._expect_rank(input_shape, 2, what="timesteps, features")
        output = (input_shape[0], self.units) if self.return_sequences else (self.units,)
        if not self.return_state:
            return output
        return [output] + [(self.units,)] * self.states


class SimpleRNN(BaseRNN):
    """A fully connected RNN: one gate block."""

    gates = 1


class LSTM(BaseRNN):
    """Long short-term memory: four gate blocks, two states (h and c)."""

    gates, states = 4, 2


class GRU(BaseRNN):
    """Gated recurrent unit: three gate blocks; ``reset_after`` keeps two bias vectors."""

    gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self._store(reset_after=arguments.flag(reset_after, owner="GRU",
                                               argument="reset_after"))

    def _bias_axes(self, rows):
        return (Axis(2, 2), rows) if self.reset_after else (rows,)


class Bidirectional(Layer):
    """Runs ``layer`` forwards and a copy backwards; ``merge_mode`` joins their outputs."""

    _MERGE = ("concat", "sum", "mul", "ave")

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if (value is not None or argument == "layer") and not isinstance(value, BaseRNN):
                raise ArgumentTypeError(
                    f"Bidirectional: `{argument}` must be a recurrent layer (SimpleRNN, LSTM, "
                    f"GRU). Received: {argument}={value!r}", argument=argument, value=value)
        if merge_mode is not None:
            merge_mode = arguments.choice(merge_mode, self._MERGE, owner="Bidirectional",
                                          argument="merge_mode")
        backward = backward_layer or layer
        if backward.return_sequences != layer.return_sequences or \
                backward.return_state != layer.return_state:
            raise ArgumentError("Bidirectional: forward and backward layers must agree on "
                                "return_sequences and return_state", argument="backward_layer",
                                value=backward_layer)
        self._store(layer=layer, merge_mode=merge_mode, backward_layer=backward_layer)

    @property
    def free_symbols(self) -> set:
        found = self.layer.free_symbols
        return found | (self.backward_layer.free_symbols if self.backward_layer else set())

    def subs(self, mapping) -> "Bidirectional":
        backward = self.backward_layer.subs(mapping) if self.backward_layer else None
        return Bidirectional(self.layer.subs(mapping), self.merge_mode,
                             backward_layer=backward, name=self.name)

    def declare_weights(self, input_shape):
        backward = self.backward_layer or self.layer
        return tuple(
            w.prefixed(side)
            for side, layer in (("forward", self.layer), ("backward", backward))
            for w in layer._weights(input_shape))

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Each direction uses its weights as the layer alone would."""
        return self.layer.weight_uses(weight, input_shape, output_shape)

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True,
                      **options):
        """Both directions' terms, each as the layer alone computes them."""
        terms = super().compute_terms(input_shape, output_shape, weights, **options)
        return recurrent_terms(terms, input_shape[0], _reads)

    def compute_output_shape(self, input_shape):
        forward = self.layer.compute_output_shape(input_shape)
        output, states = (forward[0], forward[1:]) if self.layer.return_state else (forward, [])
        if self.merge_mode == "concat":
            output = (*output[:-1], 2 * output[-1])
        outputs = [output, output] if self.merge_mode is None else [output]
        if not self.layer.return_state and self.merge_mode is not None:
            return output
        return outputs + list(states) * 2


def _reads(name: str) -> str:
    """What a Keras recurrent weight multiplies (see ``recurrent_terms``)."""
    return "hidden" if name.startswith("recurrent_kernel") else "input"
