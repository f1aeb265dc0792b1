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
from ..conditions import Condition
from ..weights import Axis, Weight, label
from .base import Module


class Identity(Module):
    """Returns its input; accepts and ignores any arguments, as ``torch.nn.Identity``."""

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
                          note="one weight per input feature, for each output feature")]
        if self.bias:
            weights.append(Weight("bias", (out,), note="one bias per output feature"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=1)
        return (Condition.equal(self.in_features, input_shape[-1],
                                "in_features must equal the size of the input's last axis"),)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.out_features)
