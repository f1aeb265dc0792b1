"""Activation modules: shapes unchanged (GLU halves one axis); only PReLU has weights.

>>> from symparams import Tensor, dims, nn
>>> N, C, L = dims("N C L")
>>> nn.GELU(approximate="tanh")(Tensor((N, C, L))).shape
(N, C, L)
>>> nn.GLU(dim=1)(Tensor((N, 2 * C, L))).shape
(N, C, L)
>>> nn.PReLU(C).params
C
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ShapeError, UnknownArgumentError
from ..layers.base import format_shape
from ..weights import Axis, Weight, label
from .base import Module


class _Elementwise(Module):
    """A fixed function of each entry; its arguments (named in ``arg_names``) change no shape."""

    no_macs_reason = "elementwise work: 0 MACs by the default convention"

    arg_names: ClassVar[tuple[str, ...]] = ("inplace",)
    required: ClassVar[int] = 0
    #: ``check(owner, values)`` raises for values PyTorch refuses; None checks nothing.
    check: ClassVar = None
    no_weights_reason = "it applies a fixed function to each entry: no weights, 0 parameters"

    def __init__(self, *args, **kwargs):
        owner = type(self).__name__
        if len(args) > len(self.arg_names):
            raise UnknownArgumentError(
                f"{owner}.__init__() takes {len(self.arg_names)} arguments but {len(args)} "
                "were given", argument="args", value=args)
        values = dict(zip(self.arg_names, args))
        factory = {k: kwargs.pop(k) for k in ("device", "dtype", "name") if k in kwargs}
        for key, value in kwargs.items():
            if key not in self.arg_names or key in values:
                raise UnknownArgumentError(
                    f"{owner}.__init__() got an unexpected keyword argument '{key}'",
                    argument=key, value=value)
            values[key] = value
        missing = [n for n in self.arg_names[:self.required] if n not in values]
        if missing:
            raise ArgumentError(f"{owner}.__init__() missing required argument: '{missing[0]}'",
                                argument=missing[0], value=None)
        super().__init__(**factory)
        for key, value in values.items():
            values[key] = _checked(owner, key, value)
        if type(self).check is not None:
            type(self).check(owner, values)
        self._store(**values)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _checked(owner: str, argument: str, value):
    """An elementwise module's argument as PyTorch takes it: a flag, an axis, a word, a number."""
    if argument == "inplace":
        return arguments.flag(value, owner=owner, argument=argument)
    if argument == "dim":
        optional = value is None and owner != "GLU"  # softmax-like modules take dim=None
        return None if optional else arguments.axis(value, owner=owner, argument=argument)
    if argument == "approximate":
        return value
    return arguments.number(value, owner=owner, argument=argument)


def _elementwise(name: str, arg_names: tuple[str, ...] = ("inplace",), required: int = 0,
                 check=None):
    return type(name, (_Elementwise,), {
        "arg_names": arg_names, "required": required, "__module__": __name__,
        "check": None if check is None else staticmethod(check),
        "__doc__": f"``torch.nn.{name}``: elementwise, shape unchanged, no weights."})


def _refuse(owner: str, argument: str, value, why: str):
    raise ArgumentError(f"{owner}: {why}. Received: {argument}={value!r}", argument=argument,
                        value=value)


def _check_celu(owner, values):
    if values.get("alpha", 1.0) == 0:
        _refuse(owner, "alpha", 0, "alpha cannot be 0")


def _check_gelu(owner, values):
    if values.get("approximate", "none") not in ("none", "tanh"):
        _refuse(owner, "approximate", values["approximate"], "approximate must be 'none' or "
                                                              "'tanh'")


def _check_shrink(owner, values):
    if values.get("lambd", 0.5) < 0:
        _refuse(owner, "lambd", values["lambd"], "lambda must be greater or equal to 0")


def _check_hardtanh(owner, values):
    for old, new in (("min_value", "min_val"), ("max_value", "max_val")):  # deprecated aliases
        if old in values:
            values[new] = values.pop(old)
    low, high = values.get("min_val", -1.0), values.get("max_val", 1.0)
    if not high > low:
        _refuse(owner, "max_val", high, f"max_val must be greater than min_val={low}")


ReLU = _elementwise("ReLU")
ReLU6 = _elementwise("ReLU6")
SELU = _elementwise("SELU")
SiLU = _elementwise("SiLU")
Mish = _elementwise("Mish")
Hardswish = _elementwise("Hardswish")
Hardsigmoid = _elementwise("Hardsigmoid")
Sigmoid = _elementwise("Sigmoid", ())
Tanh = _elementwise("Tanh", ())
Softsign = _elementwise("Softsign", ())
Tanhshrink = _elementwise("Tanhshrink", ())
LogSigmoid = _elementwise("LogSigmoid", ())
LeakyReLU = _elementwise("LeakyReLU", ("negative_slope", "inplace"))
ELU = _elementwise("ELU", ("alpha", "inplace"))
CELU = _elementwise("CELU", ("alpha", "inplace"), check=_check_celu)
GELU = _elementwise("GELU", ("approximate",), check=_check_gelu)
Softplus = _elementwise("Softplus", ("beta", "threshold"))
Softshrink = _elementwise("Softshrink", ("lambd",), check=_check_shrink)
Hardshrink = _elementwise("Hardshrink", ("lambd",))
Hardtanh = _elementwise("Hardtanh", ("min_val", "max_val", "inplace", "min_value", "max_value"),
                        check=_check_hardtanh)
Threshold = _elementwise("Threshold", ("threshold", "value", "inplace"), required=2)


class _AlongDim(_Elementwise):
    """Softmax-like modules: a fixed function along ``dim``; shape unchanged."""

    arg_names = ("dim",)

    def compute_output_shape(self, input_shape):
        dim = self._config.get("dim")
        if dim is not None and not -len(input_shape) <= dim < len(input_shape):
            raise ShapeError(f"dim={dim} is out of range for an input of shape "
                             f"{format_shape(input_shape)}")
        return tuple(input_shape)


class Softmax(_AlongDim):
    """Softmax along ``dim``."""


class LogSoftmax(_AlongDim):
    """Log-softmax along ``dim``."""


class Softmin(_AlongDim):
    """Softmin along ``dim``."""


class Softmax2d(_Elementwise):
    """Softmax over channels of ``(N, C, H, W)`` or ``(C, H, W)``."""

    arg_names = ()

    def compute_output_shape(self, input_shape):
        self._expect_rank_in(input_shape, (3, 4), "to Softmax2d")
        return tuple(input_shape)


class GLU(_Elementwise):
    """Gated linear unit: halves ``dim`` (which must be even)."""

    arg_names = ("dim",)

    def compute_output_shape(self, input_shape):
        dim = self._config.get("dim", -1)
        if not -len(input_shape) <= dim < len(input_shape):
            raise ShapeError(f"dim={dim} is out of range for an input of shape "
                             f"{format_shape(input_shape)}")
        size = input_shape[dim]
        half = sympy.Mul(size, sympy.Rational(1, 2))
        if half.is_integer is False:
            raise ShapeError(f"GLU halves dim={dim}, so its size must be even; received "
                             f"shape {format_shape(input_shape)}")
        shape = list(input_shape)
        shape[dim] = half
        return tuple(shape)


class PReLU(Module):
    """Leaky ReLU with a learned slope: one (``num_parameters=1``) or one per channel."""

    no_macs_reason = "elementwise work: 0 MACs by the default convention"

    ignored_arguments = frozenset({"init"})

    def __init__(self, num_parameters=1, init=0.25, **kwargs):
        super().__init__(init=init, **kwargs)
        self._store(num_parameters=arguments.size(num_parameters, owner="PReLU",
                                                  argument="num_parameters"))

    def module_weights(self):
        return (Weight("weight", (Axis(label("num_parameters"), self.num_parameters),),
                       note="a learned negative slope (shared, or one per channel)",
                       role="elementwise"),)

    def input_conditions(self, input_shape):
        if self.num_parameters == 1:
            return ()
        channels = input_shape[1] if len(input_shape) >= 2 else 1
        return (Condition.equal(self.num_parameters, channels,
                                "num_parameters must be 1 or the number of channels"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
