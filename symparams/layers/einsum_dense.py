"""EinsumDense: a dense layer written as an einsum equation, as Keras 3 builds it.

>>> from symparams import dims, layers
>>> T, d, h, k = dims("T d h k")
>>> project = layers.EinsumDense("abc,cde->abde", output_shape=(None, h, k), bias_axes="de")
>>> project.compute_output_shape((T, d))
(T, h, k)
>>> project.count_params((T, d))
h*k*(d + 1)
"""

from __future__ import annotations

import re

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ShapeError
from ..weights import Axis, Weight, label
from .activations import activation_name
from .base import Layer

_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)\Z"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)\Z"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0\Z"), False),
)
_BATCH = object()  # stands for the batch axis, which shapes here leave out


class EinsumDense(Layer):
    """``equation`` like ``"ab,bc->ac"`` (input, kernel, output), ``...`` allowed as Keras does."""

    ignored_arguments = frozenset({
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "kernel_constraint", "bias_constraint", "lora_alpha", "gptq_unpacked_column_size",
        "quantization_config"})

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, lora_rank=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = "EinsumDense"
        if not isinstance(equation, str) or _parse(equation) is None:
            raise ArgumentError(
                f"{owner}: Invalid einsum equation '{equation}'. Equations must be in the form "
                "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
                argument="equation", value=equation)
        if lora_rank is not None:
            raise ArgumentError(f"{owner}: LoRA is not modelled for EinsumDense yet. "
                                f"Received: lora_rank={lora_rank!r}", argument="lora_rank",
                                value=lora_rank)
        shape = output_shape if isinstance(output_shape, (tuple, list)) else (output_shape,)
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ArgumentError(f"{owner}: `bias_axes` must be a string of output axes. "
                                f"Received: bias_axes={bias_axes!r}", argument="bias_axes",
                                value=bias_axes)
        self._store(equation=equation,
                    output_shape=tuple(None if s is None else
                                       arguments.size(s, owner=owner, argument="output_shape")
                                       for s in shape),
                    activation=activation_name(activation, owner=owner), bias_axes=bias_axes)

    def _analyze(self, input_shape):
        """Kernel shape (with labels), bias shape, output shape: Keras's rules, batch left out."""
        input_spec, weight_spec, output_spec, left = _parse(self.equation)
        full_in = (_BATCH, *input_shape)
        elided = len(full_in) - len(input_spec)
        if elided < 0:
            raise ShapeError(f"equation '{self.equation}' needs an input of rank "
                             f"{len(input_spec)} (batch included), received rank {len(full_in)}")
        out = [_BATCH, *self.output_shape]
        if elided > 0 and left:
            for i in range(1, elided):
                out.insert(1, full_in[i])
        elif elided > 0:
            out += list(full_in[len(full_in) - elided:])
        in_map = {d: (i + elided) - len(full_in) if left else i for i, d in enumerate(input_spec)}
        out_map = {d: i + elided if left else i for i, d in enumerate(output_spec)}
        if any(not -len(out) <= i < len(out) for i in out_map.values()):
            raise ShapeError(f"equation '{self.equation}' names more output dimensions than "
                             f"output_shape={self.output_shape} (batch excluded) gives")
        conditions = []
        for d in input_spec:
            size = full_in[in_map[d]]
            if d in out_map and out_map[d] < len(out):
                if out[out_map[d]] is not None and _BATCH not in (size, out[out_map[d]]):
                    conditions.append(Condition.equal(
                        size, out[out_map[d]], f"input and output shapes must match at "
                                               f"shared dimension '{d}'"))
        for d in output_spec:
            if d not in input_spec and d not in weight_spec:
                raise ShapeError(f"dimension '{d}' was specified in the output '{output_spec}' "
                                 f"but has no corresponding dim in the input spec "
                                 f"'{input_spec}' or weight spec '{weight_spec}'")
        kernel = []
        for d in weight_spec:
            if d in out_map:
                size = out[out_map[d]]
            elif d in in_map:
                size = full_in[in_map[d]]
            else:
                raise ShapeError(f"weight dimension '{d}' did not have a match in either the "
                                 f"input spec '{input_spec}' or the output spec '{output_spec}'")
            kernel.append(Axis(label(f"axis_{d}"), _known(size, d)))
        bias = None
        if self.bias_axes is not None:
            for c in self.bias_axes:
                if c not in output_spec:
                    raise ShapeError(f"bias dimension '{c}' was requested, but is not part of "
                                     f"the output spec '{output_spec}'")
            shift = elided if left else 0
            sizes = {c: out[i + shift] for i, c in enumerate(output_spec)}
            first = min(output_spec.find(c) for c in self.bias_axes)
            bias = [Axis(label(f"axis_{c}"), _known(sizes[c], c)) if c in self.bias_axes
                    else Axis(1, 1) for c in output_spec[first:]]
            if not left:
                bias += [Axis(1, 1)] * elided
        # The output the einsum computes: each output axis from the input or the kernel, and
        # the axes under "..." in order (Keras's own shape bookkeeping can disagree with its
        # forward pass when "..." covers several axes; the forward pass is what is counted).
        sizes = {d: full_in[in_map[d]] for d in input_spec}
        sizes.update({d: a.size for d, a in zip(weight_spec, kernel) if d not in sizes})
        computed = [sizes[d] for d in output_spec]
        if left:  # "...": the batch and the axes after it come first
            computed = list(full_in[1:elided]) + computed
        else:  # the first output axis is the batch; "..." axes come last
            computed = computed[1:] + list(full_in[len(full_in) - elided:])
        return kernel, bias, tuple(computed), conditions

    def input_conditions(self, input_shape):
        return tuple(self._analyze(input_shape)[3])

    def declare_weights(self, input_shape):
        kernel, bias, _, _ = self._analyze(input_shape)
        input_spec, weight_spec, output_spec, _ = _parse(self.equation)
        contracted = any(d in input_spec and d not in output_spec for d in weight_spec)
        # Without a contracted axis the einsum multiplies entries and sums nothing: a
        # broadcast scaling, elementwise work (0 MACs), as FlopCounterMode counts it too.
        weights = [Weight("kernel", tuple(kernel), role="product" if contracted else
                          "elementwise",
                          note="the einsum's weight tensor" if contracted else
                          "the einsum's weight tensor, multiplied entry by entry (no sum)")]
        if bias is not None:
            weights.append(Weight("bias", tuple(bias), note="a bias along the bias axes",
                                  role="bias"))
        return tuple(weights)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """The kernel: once per combination of the input's axes it does not share with the
        kernel (batch left out); the bias: once per output entry outside the bias axes."""
        if weight.role == "bias":
            return sympy.Mul(*output_shape) / weight.size
        input_spec, weight_spec, _, left = _parse(self.equation)
        full_in = (_BATCH, *input_shape)
        elided = len(full_in) - len(input_spec)
        named = full_in[elided:] if left else full_in[:len(input_spec)]
        spread = full_in[:elided] if left else full_in[len(input_spec):]
        free = [size for letter, size in zip(input_spec, named) if letter not in weight_spec]
        return sympy.Mul(*(s for s in (*free, *spread) if s is not _BATCH))

    def compute_output_shape(self, input_shape):
        shape = self._analyze(input_shape)[2]
        if any(s is None or s is _BATCH for s in shape):
            raise ShapeError(f"the output shape {shape} is not fully determined")
        return shape


def _known(size, axis: str):
    """A weight's size along ``axis``: given, or taken from the input; never the batch."""
    if size is _BATCH or size is None:
        raise ShapeError(f"weight dimension '{axis}' would be the batch size or an output size "
                         "left as None; give it in output_shape")
    return size


def _parse(equation: str):
    """``(input spec, weight spec, output spec, ellipsis on the left)`` or None."""
    replaced = equation.replace("...", "0")
    for pattern, left in _FORMS:
        match = pattern.match(replaced)
        if match:
            return match.group(1), match.group(2), match.group(3), left
    return None
