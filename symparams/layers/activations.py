"""Activation layers: Activation, ReLU, LeakyReLU, ELU, Softmax (no weights) and PReLU.

>>> from symparams import layers
>>> layers.Activation("relu").compute_output_shape((10, 3))
(10, 3)
>>> layers.Activation("rleu")
Traceback (most recent call last):
...
symparams.errors.ArgumentError: Activation: could not interpret activation function identifier: 'rleu'
"""

from __future__ import annotations

import numbers

import sympy

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..weights import Axis, Weight, label
from .base import Layer, format_shape, keras_axis

#: The activation names Keras 3.15 can apply by name (``keras.activations.get``), less
#: ``threshold``, which needs arguments a name cannot carry and fails when called.
KERAS_ACTIVATIONS = frozenset({
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
    "tanh_shrink",
})


def activation_name(value, *, owner: str, argument: str = "activation"):
    """A Keras activation: ``None``, one of its names, or a callable (kept as its name)."""
    if value is None:
        return None
    if isinstance(value, str):
        if value not in KERAS_ACTIVATIONS:
            raise ArgumentError(
                f"{owner}: could not interpret activation function identifier: {value!r}",
                argument=argument, value=value)
        return value
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    raise ArgumentTypeError(
        f"{owner}: `{argument}` must be an activation name or a callable. "
        f"Received: {argument}={value!r}", argument=argument, value=value)


def activation_output_shape(activation, shape: tuple) -> tuple:
    """The shape after ``activation``: unchanged, except ``glu``, which halves the last axis.

    >>> activation_output_shape("glu", (5, 8))
    (5, 4)
    """
    if activation != "glu":
        return shape
    halved = sympy.Mul(shape[-1], sympy.Rational(1, 2))
    if halved.is_integer is False:
        raise ShapeError(f"the glu activation splits the last axis in two halves, so its size "
                         f"must be even; received shape {format_shape(shape)}")
    return (*shape[:-1], halved)


class _Elementwise(Layer):
    no_macs_reason = "elementwise work: 0 MACs by the default convention"
    no_weights_reason = "it applies a fixed function to each entry: no weights, 0 parameters"

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Activation(_Elementwise):
    """Applies an activation function: ``Activation('relu')`` (``None``: linear, as in Keras)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self._store(activation=activation_name(activation, owner="Activation") or "linear")

    def compute_output_shape(self, input_shape):
        return activation_output_shape(self.activation, tuple(input_shape))

    @property
    def no_weights_reason(self):
        return (f"it applies {self.activation} to each entry, a fixed function: "
                f"no weights, 0 parameters")


class ReLU(_Elementwise):
    """``max(x, 0)``, optionally capped (``max_value``) or leaky (``negative_slope``)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("max_value", max_value), ("negative_slope", negative_slope),
                                ("threshold", threshold)):
            if value is None and argument == "max_value":
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ArgumentTypeError(
                    f"ReLU: `{argument}` must be a number. Received: {argument}={value!r}",
                    argument=argument, value=value)
            if value < 0:
                raise ArgumentError(
                    f"ReLU: `{argument}` cannot be a negative value. "
                    f"Received: {argument}={value!r}", argument=argument, value=value)
        self._store(max_value=max_value, negative_slope=negative_slope, threshold=threshold)


class Softmax(_Elementwise):
    """Softmax along ``axis`` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self._store(axis=arguments.axis(axis, owner="Softmax", argument="axis"))

    def compute_output_shape(self, input_shape):
        keras_axis(self.axis, input_shape)
        return tuple(input_shape)

    no_weights_reason = "it normalizes each slice to sum to 1, a fixed function: no weights"


class LeakyReLU(_Elementwise):
    """``x`` for positive entries, ``negative_slope * x`` otherwise."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras's deprecated name
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real) \
                or negative_slope < 0:
            raise ArgumentError("LeakyReLU: `negative_slope` cannot be None or negative. "
                                f"Received: negative_slope={negative_slope!r}",
                                argument="negative_slope", value=negative_slope)
        self._store(negative_slope=negative_slope)


class ELU(_Elementwise):
    """Exponential linear unit with scale ``alpha``."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self._store(alpha=alpha)


class PReLU(Layer):
    """Leaky ReLU with a learned slope per entry (batch excluded); ``shared_axes`` share it."""

    no_macs_reason = "elementwise work: 0 MACs by the default convention"

    ignored_arguments = frozenset({"alpha_initializer", "alpha_regularizer",
                                   "alpha_constraint"})

    def __init__(self, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self._store(shared_axes=None if shared_axes is None else tuple(
            arguments.axis(a, owner="PReLU", argument="shared_axes") for a in shared_axes))

    def declare_weights(self, input_shape):
        shape = list(input_shape)
        for axis in self.shared_axes or ():
            if not -len(shape) <= axis - 1 < len(shape):
                raise ShapeError(f"shared axis {axis} is out of range for an input of rank "
                                 f"{len(shape) + 1} (batch included)")
            shape[axis - 1] = sympy.Integer(1)
        axes = tuple(Axis(label(f"n_{i}"), s) for i, s in enumerate(shape, 1))
        return (Weight("alpha", axes, note="a learned negative slope per entry",
                       role="elementwise"),)

    def compute_output_shape(self, input_shape):
        self.declare_weights(input_shape)
        return tuple(input_shape)
