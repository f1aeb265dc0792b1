"""RNN, LSTM, GRU and their cells, as ``torch.nn`` counts and shapes them.

PyTorch keeps two bias vectors per gate block (``bias_ih`` and ``bias_hh``):

>>> from symparams import Tensor, dims, nn
>>> T, N, d, h = dims("T N d h")
>>> nn.LSTM(d, h).params
4*h*(d + h + 2)
>>> out, (h_n, c_n) = nn.LSTM(d, h, num_layers=2, bidirectional=True)(Tensor((T, N, d)))
>>> out.shape, h_n.shape
((T, N, 2*h), (4, N, h))

``num_layers`` may be a symbol: layers after the first are counted as
``num_layers - 1`` copies of one block.
"""

from __future__ import annotations

from typing import ClassVar

from .. import arguments
from ..compute import positions, recurrent_terms
from ..conditions import Condition
from ..errors import ArgumentError, ShapeError
from ..graph import apply
from ..layers.base import format_shape
from ..weights import Axis, Weight, label
from .base import Module

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
# Deeper stacks are counted as num_layers - 1 copies of one block, as a symbolic depth is:
# the same count, without a list of weights as long as the stack.
_UNROLLED_LAYERS = 64


def _block(prefix: str, suffix: str, gates: int, hidden, inputs, recurrent, bias: bool,
           copies=None, proj=None):
    """One layer-direction's weights: ``weight_ih``, ``weight_hh``, biases, projection."""
    gate_rows = Axis(label("gates") * label("hidden_size"), gates * hidden)
    lead = () if copies is None else (copies,)
    suffix = (f"_{prefix}" if prefix else "") + suffix
    weights = [
        Weight(f"weight_ih{suffix}", (*lead, gate_rows, inputs),
               note="input-to-hidden weights, for every gate", role="product"),
        Weight(f"weight_hh{suffix}", (*lead, gate_rows, recurrent),
               note="hidden-to-hidden weights, for every gate", role="product"),
    ]
    if bias:
        weights += [Weight(f"bias_ih{suffix}", (*lead, gate_rows),
                           note="an input-side bias per gate row", role="bias"),
                    Weight(f"bias_hh{suffix}", (*lead, gate_rows),
                           note="a hidden-side bias per gate row (PyTorch keeps two)", role="bias")]
    if proj is not None:
        weights.append(Weight(f"weight_hr{suffix}",
                              (*lead, Axis(label("proj_size"), proj),
                               Axis(label("hidden_size"), hidden)),
                              note="projection of the hidden state", role="product"))
    return weights


def _state_conditions(given, expected) -> list:
    """Initial states must have exactly the shapes the layer would return for them."""
    conditions = []
    for shape, want in zip(given, expected):
        if len(shape) != len(want):
            raise ShapeError(f"expected an initial state of shape {format_shape(want)}, "
                             f"received {format_shape(shape)}")
        conditions += [Condition.equal(w, s, "the initial state must have the state's shape")
                       for w, s in zip(want, shape)]
    return conditions


class _RNNBase(Module):
    """Multi-layer recurrent networks; subclasses fix ``mode``."""

    mode: ClassVar[str]
    multiple_inputs = True
    ignored_arguments = frozenset({"dropout"})

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, **kwargs):
        super().__init__(dropout=dropout, **kwargs)
        owner = type(self).__name__
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or \
                not 0 <= dropout <= 1:
            raise ArgumentError(f"{owner}: dropout should be a number in range [0, 1] "
                                "representing the probability of an element being zeroed. "
                                f"Received: dropout={dropout!r}", argument="dropout",
                                value=dropout)
        if proj_size and self.mode != "LSTM":
            raise ArgumentError(f"{owner}: proj_size argument is only supported for LSTM, not "
                                f"RNN or GRU. Received: proj_size={proj_size}",
                                argument="proj_size", value=proj_size)
        hidden_size = arguments.size(hidden_size, owner=owner, argument="hidden_size")
        proj = None if not proj_size else arguments.size(proj_size, owner=owner,
                                                         argument="proj_size")
        if proj is not None and (hidden_size - proj).is_positive is False:
            raise ArgumentError(f"{owner}: proj_size has to be smaller than hidden_size. "
                                f"Received: proj_size={proj}, hidden_size={hidden_size}",
                                argument="proj_size", value=proj)
        self._store(input_size=arguments.size(input_size, owner=owner, argument="input_size"),
                    hidden_size=hidden_size,
                    num_layers=arguments.size(num_layers, owner=owner, argument="num_layers"),
                    bias=arguments.flag(bias, owner=owner, argument="bias"),
                    batch_first=arguments.flag(batch_first, owner=owner, argument="batch_first"),
                    bidirectional=arguments.flag(bidirectional, owner=owner,
                                                 argument="bidirectional"),
                    proj_size=proj)

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _out_size(self):
        return self.hidden_size if self.proj_size is None else self.proj_size

    def module_weights(self):
        gates, hidden, out = _GATES[self.mode], self.hidden_size, self._out_size
        recurrent = Axis(label("proj_size") if self.proj_size is not None else
                         label("hidden_size"), out)
        first_in = Axis(label("input_size"), self.input_size)
        deeper_in = Axis(label("directions") * label("hidden_size"), self._directions * out)
        suffixes = ("", "_reverse")[:self._directions]
        weights = []
        for suffix in suffixes:
            weights += _block("l0", suffix, gates, hidden, first_in, recurrent, self.bias,
                              proj=self.proj_size)
        if self.num_layers.is_Integer and self.num_layers <= _UNROLLED_LAYERS:
            for layer in range(1, int(self.num_layers)):
                for suffix in suffixes:
                    weights += _block(f"l{layer}", suffix, gates, hidden, deeper_in, recurrent,
                                      self.bias, proj=self.proj_size)
        else:
            copies = Axis(label("num_layers") - 1, self.num_layers - 1)
            for suffix in suffixes:
                weights += _block("l1_and_up", suffix, gates, hidden, deeper_in, recurrent,
                                  self.bias, copies=copies, proj=self.proj_size)
        return tuple(weights)

    def input_conditions(self, input_shapes):
        x = input_shapes[0]
        self._expect_rank_in(x, (2, 3), f"to {type(self).__name__}")
        conditions = [Condition.equal(self.input_size, x[-1],
                                      "input_size must equal the input's last axis")]
        expected = self.compute_output_shape((x,))[1:]
        conditions += _state_conditions(input_shapes[1:], expected)
        return tuple(conditions)

    def compute_output_shape(self, input_shapes):
        x = input_shapes[0]
        states = self._directions * self.num_layers
        out = self._directions * self._out_size
        if len(x) == 2:  # unbatched (L, H_in)
            shapes = [(x[0], out), (states, self._out_size)]
            cell = (states, self.hidden_size)
        else:
            batch = x[0] if self.batch_first else x[1]
            time = x[1] if self.batch_first else x[0]
            first = (batch, time, out) if self.batch_first else (time, batch, out)
            shapes = [first, (states, batch, self._out_size)]
            cell = (states, batch, self.hidden_size)
        return shapes + [cell] if self.mode == "LSTM" else shapes

    def weight_uses(self, weight, input_shapes, output_shapes, **options):
        """Every weight is used once per time step and sequence."""
        return positions(input_shapes[0])

    def compute_terms(self, input_shapes, output_shapes, weights, *, input_grad=True,
                      **options):
        """Each weight at every step; the hidden state's gradient from the second step on."""
        x = input_shapes[0]
        steps = x[0] if len(x) == 2 or not self.batch_first else x[1]
        terms = super().compute_terms(input_shapes, output_shapes, weights, **options)
        return recurrent_terms(terms, steps, _reads)

    def __call__(self, input, hx=None):
        inputs = (input,) if hx is None else (input, *(hx if isinstance(hx, tuple) else (hx,)))
        if self.mode == "LSTM":
            return apply(self, inputs, lambda t: (t[0], (t[1], t[2])))
        return apply(self, inputs, lambda t: (t[0], t[1]))


def _reads(name: str) -> str:
    """What a weight of ``torch.nn.RNN``/LSTM/GRU multiplies (see ``recurrent_terms``)."""
    if name.startswith("weight_hh"):
        return "hidden"
    if name.startswith("weight_hr") or (name.startswith("weight_ih") and
                                        not name.startswith("weight_ih_l0")):
        return "inner"
    return "input"


class RNN(_RNNBase):
    """Elman RNN (``nonlinearity`` 'tanh' or 'relu'): one gate block."""

    mode = "RNN"

    def __init__(self, *args, nonlinearity="tanh", **kwargs):
        super().__init__(*args, **kwargs)
        self._store(nonlinearity=arguments.choice(nonlinearity, ("tanh", "relu"), owner="RNN",
                                                  argument="nonlinearity", exact=True))


class LSTM(_RNNBase):
    """LSTM: four gate blocks; ``proj_size`` projects the hidden state."""

    mode = "LSTM"


class GRU(_RNNBase):
    """GRU: three gate blocks."""

    mode = "GRU"


class _CellBase(Module):
    mode: ClassVar[str]
    multiple_inputs = True

    def __init__(self, input_size, hidden_size, bias=True, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._store(input_size=arguments.size(input_size, owner=owner, argument="input_size"),
                    hidden_size=arguments.size(hidden_size, owner=owner, argument="hidden_size"),
                    bias=arguments.flag(bias, owner=owner, argument="bias"))

    def module_weights(self):
        return tuple(_block("", "", _GATES[self.mode], self.hidden_size,
                            Axis(label("input_size"), self.input_size),
                            Axis(label("hidden_size"), self.hidden_size), self.bias))

    def input_conditions(self, input_shapes):
        x = input_shapes[0]
        self._expect_rank_in(x, (1, 2), f"to {type(self).__name__}")
        state = (*x[:-1], self.hidden_size)
        return (Condition.equal(self.input_size, x[-1],
                                "input_size must equal the input's last axis"),
                *_state_conditions(input_shapes[1:], [state] * (len(input_shapes) - 1)))

    def compute_output_shape(self, input_shapes):
        return (*input_shapes[0][:-1], self.hidden_size)

    def weight_uses(self, weight, input_shapes, output_shapes, **options):
        """Every weight is used once per sequence (one step)."""
        return positions(input_shapes[0])

    def __call__(self, input, hx=None):
        inputs = (input,) if hx is None else (input, *(hx if isinstance(hx, tuple) else (hx,)))
        return apply(self, inputs)


class RNNCell(_CellBase):
    """One step of an Elman RNN."""

    mode = "RNN"

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", **kwargs):
        super().__init__(input_size, hidden_size, bias, **kwargs)
        self._store(nonlinearity=arguments.choice(nonlinearity, ("tanh", "relu"),
                                                  owner="RNNCell", argument="nonlinearity", exact=True))


class LSTMCell(_CellBase):
    """One LSTM step: returns ``(h, c)``."""

    mode = "LSTM"

    def compute_output_shape(self, input_shapes):
        shape = super().compute_output_shape(input_shapes)
        return [shape, shape]

    def __call__(self, input, hx=None):
        inputs = (input,) if hx is None else (input, *hx)
        return apply(self, inputs, tuple)


class GRUCell(_CellBase):
    """One GRU step."""

    mode = "GRU"
