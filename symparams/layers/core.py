"""Dense, Flatten and Reshape.

>>> from symparams import dims, layers
>>> n, T, d = dims("n T d")
>>> layers.Dense(10).count_params((n,))
10*(n + 1)
>>> layers.Dense(d).compute_output_shape((T, n))
(T, d)
>>> layers.Flatten().compute_output_shape((T, n))
(T*n,)
>>> layers.Reshape((-1, 2)).compute_output_shape((T, 4))
(2*T, 2)
"""

from __future__ import annotations

import numbers

import sympy

from .. import arguments
from ..conditions import Condition, undecided
from ..errors import ArgumentError, ShapeError
from ..compute import positions
from ..weights import Axis, Weight, label
from .activations import activation_name, activation_output_shape
from .base import Layer, format_shape
from . import _spatial


class Dense(Layer):
    """A fully connected layer acting on the last axis: ``(in + 1)·units`` parameters."""

    ignored_arguments = frozenset({
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "kernel_constraint", "bias_constraint", "lora_alpha", "quantization_config",
    })

    def __init__(self, units, activation=None, use_bias=True, lora_rank=None, **kwargs):
        if kwargs.get("quantization_config") is not None:
            raise ArgumentError(
                "Dense: quantized layers are not modelled yet. "
                f"Received: quantization_config={kwargs['quantization_config']!r}",
                argument="quantization_config", value=kwargs["quantization_config"])
        super().__init__(**kwargs)
        self._store(
            units=arguments.size(units, owner="Dense", argument="units"),
            activation=activation_name(activation, owner="Dense"),
            use_bias=arguments.flag(use_bias, owner="Dense", argument="use_bias"),
            lora_rank=None if lora_rank is None else
            arguments.size(lora_rank, owner="Dense", argument="lora_rank"),
        )

    def compute_output_shape(self, input_shape):
        self._expect_rank(input_shape, min_rank=1)
        return activation_output_shape(self.activation, (*input_shape[:-1], self.units))

    def declare_weights(self, input_shape):
        self._expect_rank(input_shape, min_rank=1)
        features = Axis(label("in_features"), input_shape[-1])
        units = Axis(label("units"), self.units)
        kernel = Weight("kernel", (features, units),
                        note="one weight per input feature, for each unit", role="product")
        weights = [kernel]
        if self.lora_rank is not None:
            rank = Axis(label("lora_rank"), self.lora_rank)
            weights = [
                Weight("kernel", kernel.axes, trainable=False,
                       note=kernel.note + "; frozen by LoRA", role="product"),
                Weight("lora_kernel_a", (features, rank), note="low-rank factor A of the update",
                       role="product"),
                Weight("lora_kernel_b", (rank, units), note="low-rank factor B of the update",
                       role="product"),
            ]
        if self.use_bias:
            weights.append(Weight("bias", (units,),
                                  note="one bias per unit, not one shared by all units",
                                  role="bias"))
        return tuple(weights)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per position: each entry of the axes before the last."""
        return positions(input_shape)


class Flatten(Layer):
    """Flattens everything but the batch axis into one axis."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries into one axis: no weights, 0 parameters"

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._store(data_format=_spatial.data_format(data_format, owner="Flatten"))

    def compute_output_shape(self, input_shape):
        return (sympy.Mul(*input_shape),)


class Reshape(Layer):
    """Reshapes to ``target_shape`` (batch excluded); one entry may be -1 (inferred)."""

    no_macs_reason = "it only moves, repeats or drops entries: 0 MACs"

    no_weights_reason = "it only rearranges entries: no weights, 0 parameters"

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(target_shape, (tuple, list)):
            target_shape = (target_shape,)
        checked = []
        for value in target_shape:
            if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value == -1:
                checked.append(-1)
            else:
                checked.append(arguments.size(value, owner="Reshape", argument="target_shape"))
        if checked.count(-1) > 1:
            raise ArgumentError(
                "Reshape: only one entry of `target_shape` can be -1. "
                f"Received: target_shape={tuple(target_shape)!r}",
                argument="target_shape", value=target_shape)
        self._store(target_shape=tuple(checked))

    def input_conditions(self, input_shape):
        total = sympy.Mul(*input_shape)
        known = sympy.Mul(*(s for s in self.target_shape if s != -1))
        target = _target(self.target_shape)
        if -1 in self.target_shape:
            return undecided(Condition.divides(known, total, "the input's entries must fill "
                                               f"{target} with a whole inferred size"))
        return undecided(Condition.equal(known, total, f"the input's entries must fill {target}"))

    def compute_output_shape(self, input_shape):
        total = sympy.Mul(*input_shape)
        known = sympy.Mul(*(s for s in self.target_shape if s != -1))
        if -1 in self.target_shape:
            inferred = total / known
            if inferred.is_integer is False:
                raise ShapeError(
                    f"cannot reshape {format_shape(input_shape)} ({total} entries) into "
                    f"{_target(self.target_shape)}: {total} is not divisible by {known}")
            return tuple(inferred if s == -1 else s for s in self.target_shape)
        if sympy.expand(total - known).is_zero is False:
            raise ShapeError(
                f"cannot reshape {format_shape(input_shape)} ({total} entries) into "
                f"{_target(self.target_shape)} ({known} entries)")
        return self.target_shape


def _target(shape) -> str:
    return format_shape(tuple(str(s) for s in shape))
