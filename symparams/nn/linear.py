"""Identity and Linear.

>>> from symparams import Tensor, dims, nn
>>> n, m = dims("n m")
>>> nn.Linear(n, m).params
m*(n + 1)
>>> nn.Linear(n, m, bias=False).params
m*n
"""

from __future__ import annotations

from .. import arguments
from ..compute import positions
from ..conditions import Condition
from ..errors import ShapeError
from ..layers.base import format_shape
from ..weights import Axis, Weight, label
from .base import Module


class Identity(Module):
    """Returns its input; accepts and ignores any arguments, as ``torch.nn.Identity``."""

    no_macs_reason = "it returns its input: 0 MACs"

    no_weights_reason = "it returns its input unchanged: no weights, 0 parameters"

    def __init__(self, *args, **kwargs):
        super().__init__()

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Linear(Module):
    """``y = x A^T + b`` on the last axis: weight ``(out_features, in_features)``, bias."""

    def __init__(self, in_features, out_features, bias=True, **kwargs):
        super().__init__(**kwargs)
        self._store(
            in_features=arguments.size(in_features, owner="Linear", argument="in_features"),
            out_features=arguments.size(out_features, owner="Linear", argument="out_features"),
            bias=arguments.flag(bias, owner="Linear", argument="bias"))

    def module_weights(self):
        out = Axis(label("out_features"), self.out_features)
        weights = [Weight("weight", (out, Axis(label("in_features"), self.in_features)),
                          note="one weight per input feature, for each output feature",
                          role="product")]
        if self.bias:
            weights.append(Weight("bias", (out,), note="one bias per output feature", role="bias"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=1)
        return (Condition.equal(self.in_features, input_shape[-1],
                                "in_features must equal the size of the input's last axis"),)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.out_features)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every weight is used once per position: each entry of the axes before the last."""
        return positions(input_shape)


class Bilinear(Module):
    """``y = x1^T A x2 + b``: weight ``(out_features, in1_features, in2_features)``, bias."""

    multiple_inputs = True

    def __init__(self, in1_features, in2_features, out_features, bias=True, **kwargs):
        super().__init__(**kwargs)
        owner = "Bilinear"
        self._store(
            in1_features=arguments.size(in1_features, owner=owner, argument="in1_features"),
            in2_features=arguments.size(in2_features, owner=owner, argument="in2_features"),
            out_features=arguments.size(out_features, owner=owner, argument="out_features"),
            bias=arguments.flag(bias, owner=owner, argument="bias"))

    def module_weights(self):
        out = Axis(label("out_features"), self.out_features)
        weights = [Weight("weight", (out, Axis(label("in1_features"), self.in1_features),
                                     Axis(label("in2_features"), self.in2_features)),
                          note="one weight per pair of input features, for each output",
                          role="product")]
        if self.bias:
            weights.append(Weight("bias", (out,), note="one bias per output feature", role="bias"))
        return tuple(weights)

    def input_conditions(self, input_shapes):
        self._expect_inputs(input_shapes, 2)
        first, second = input_shapes
        if not first or not second:
            raise ShapeError("both inputs need a feature axis; received shapes "
                             f"{format_shape(first)} and {format_shape(second)}")
        conditions = [Condition.equal(self.in1_features, first[-1],
                                      "in1_features must equal the first input's last axis"),
                      Condition.equal(self.in2_features, second[-1],
                                      "in2_features must equal the second input's last axis")]
        if len(first) != len(second):
            raise ShapeError("both inputs must have the same number of axes")
        conditions += [Condition.equal(a, b, "both inputs must agree on every axis but the last")
                       for a, b in zip(first[:-1], second[:-1])]
        return tuple(conditions)

    def compute_output_shape(self, input_shapes):
        return (*input_shapes[0][:-1], self.out_features)

    def weight_uses(self, weight, input_shapes, output_shape, **options):
        """Every weight is used once per position of the first input."""
        return positions(input_shapes[0])

    def declare_products(self, input_shapes, output_shape, **options):
        """Counted as ``x1 · (A x2)``: the weight with ``x2``, then a dot with ``x1``."""
        from ..compute import Term
        return (Term("x1 · (A x2)", "activation product", self.out_features * self.in1_features,
                     positions(input_shapes[0]),
                     note="each output feature dots the first input with A x2"),)

    def __call__(self, input1, input2):
        from ..graph import apply
        return apply(self, (input1, input2))
