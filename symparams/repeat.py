"""Models as layers: a model called inside another (:class:`Nested`), and symbolic depth:
a block repeated ``L`` times, counted as one formula (:class:`Repeat`).

>>> from symparams import Input, Model, Repeat, Sequential, dims, layers
>>> T, d, L = dims("T d L")
>>> x = Input((T, d))
>>> h = layers.Dense(4 * d, activation="relu")(x)
>>> block = Model(x, layers.Dense(d)(h), name="mlp")
>>> deep = Repeat(block, L)
>>> deep(Input((T, d))).shape
(T, d)
>>> deep.count_params((T, d))
L*(8*d**2 + 5*d)

The block may be a layer or a model whose output shape equals its input shape;
that is checked symbolically (an error when provably different, a recorded
condition when undecidable).
"""

from __future__ import annotations

import dataclasses

import sympy

from . import arguments
from .conditions import Condition
from .errors import ArgumentTypeError, ShapeError
from .layers.base import Layer, check_mapping
from .model import BaseModel
from .weights import Axis, label


def block_parts(block, input_shape):
    """A block's input shape, output shape, and weights (a model's named ``layer.weight``)."""
    if isinstance(block, BaseModel):
        weights = tuple(w.prefixed(b.name) for b in block.layers for w in b.weights)
        return tuple(block.input_shape), block.output_shape, weights
    bound = _bind(block, input_shape)
    return tuple(input_shape), bound.output_shape, bound.weights


def _bind(layer: Layer, input_shape):
    """``layer`` bound to one input (a layer taking several, such as a transformer layer with
    an optional mask, gets it as its only one)."""
    return layer.bind((input_shape,) if layer.multiple_inputs else input_shape)


def block_conditions(block, input_shape) -> tuple[Condition, ...]:
    """What the layers inside ``block`` need, in the sizes of ``input_shape``.

    A model's input symbols are replaced by the sizes it receives; each meaning is
    led by the name of the inner layer that imposed it.
    """
    if not isinstance(block, BaseModel):
        return _bind(block, input_shape).conditions
    expected = block.input_shape
    renamed = {} if isinstance(expected, list) else \
        {a: b for a, b in zip(expected, input_shape) if a.is_Symbol}
    found = []
    for bound, condition in block._open_conditions() + block._ties():
        meaning = f"'{bound.name}': {condition.meaning}"
        found.append(dataclasses.replace(condition.subs(renamed), meaning=meaning))
    return tuple(found)


def _batch_excluded(block) -> bool:
    """Whether ``block`` sees shapes without the batch: a layer says; a model, by its inputs."""
    if isinstance(block, Layer):
        return block.batch_excluded
    inputs = getattr(block, "inputs", ())
    return not (inputs and inputs[0].batched)


class Nested(Layer):
    """A model used as a layer: ``outer = Model(x, inner(x))`` counts ``inner`` once.

    Made by calling a model on tensors; calling it again reuses the same weights.
    """

    def __init__(self, model, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, BaseModel):
            raise ArgumentTypeError(f"Nested: `model` must be a model. Received: {model!r}",
                                    argument="model", value=model)
        self._store(model=model)

    @property
    def display_type(self) -> str:
        return type(self.model).__name__

    @property
    def batch_excluded(self) -> bool:
        """As the model's inputs: batchless (Keras ``Input``) or whole (PyTorch ``Tensor``)."""
        return _batch_excluded(self.model)

    @property
    def free_symbols(self) -> set:
        return set(self.model.free_symbols)

    def subs(self, mapping) -> "Nested":
        check_mapping(mapping, owner="Nested")
        if not self.model.free_symbols & mapping.keys():
            return self
        return self.model.subs(mapping).as_layer()  # named after the model, as before

    def input_conditions(self, input_shape):
        expected, _, _ = block_parts(self.model, input_shape)
        if len(expected) != len(input_shape):
            raise ShapeError(f"model '{self.model.name}' takes inputs of shape "
                             f"{expected}; received {tuple(input_shape)}")
        return tuple(Condition.equal(a, b, f"the input must have model '{self.model.name}''s "
                                           "input shape")
                     for a, b in zip(expected, input_shape)) + \
            block_conditions(self.model, input_shape)

    def declare_weights(self, input_shape):
        return block_parts(self.model, input_shape)[2]

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True, **options):
        """The model's calls, each named ``layer.term``."""
        from .compute import nested_terms
        return nested_terms(self.model, input_grad)

    def compute_output_shape(self, input_shape):
        return block_parts(self.model, input_shape)[1]


class Repeat(Layer):
    """``block`` applied ``L`` times in a row (``L`` an int or a :func:`~symparams.dims` symbol).

    Each repetition has its own weights, as stacked copies do: parameters are
    ``L`` times the block's. A graph model with several inputs is a block whose
    first input is the hidden state and whose others are side inputs (an
    encoder's output, a position bias) that every copy reads unchanged:
    ``Repeat(block, L)(x, *side)``.

    >>> from symparams import Model, Tensor, dims, nn
    >>> B, T, S, d, L = dims("B T S d L")
    >>> x, memory = Tensor((B, T, d)), Tensor((B, S, d))
    >>> block = Model([x, memory], nn.MultiheadAttention(d, 1)(x, memory, memory)[0])
    >>> stacked = Repeat(block, L)(Tensor((B, T, d)), Tensor((B, S, d)))
    >>> stacked.shape
    (B, T, d)
    """

    def __init__(self, block, L, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(block, (Layer, BaseModel)):
            raise ArgumentTypeError("Repeat: `block` must be a layer or a model. "
                                    f"Received: block={block!r}", argument="block", value=block)
        self._store(block=block, L=arguments.size(L, owner="Repeat", argument="L"))

    @property
    def display_type(self) -> str:
        inner = self.block.name if isinstance(self.block, BaseModel) else \
            type(self.block).__name__
        return f"{inner} × {self.L}"

    @property
    def batch_excluded(self) -> bool:
        """As its block: a PyTorch-style block keeps whole shapes, batch included."""
        return _batch_excluded(self.block)

    @property
    def multiple_inputs(self) -> bool:
        """Whether the block is a model with side inputs besides the hidden state."""
        return isinstance(self.block, BaseModel) and isinstance(self.block.input_shape, list)

    def __call__(self, inputs, *side, **kwargs):
        """``repeat(x)``, or ``repeat(x, *side)`` for a block with side inputs."""
        if not self.multiple_inputs:
            if side:
                raise ShapeError(f"Repeat: its block takes one input; received {1 + len(side)}")
            return super().__call__(inputs, **kwargs)
        from .graph import apply
        return apply(self, (inputs, *side))

    @property
    def free_symbols(self) -> set:
        return set(self.block.free_symbols) | self.L.free_symbols

    def subs(self, mapping) -> "Repeat":
        check_mapping(mapping, owner="Repeat")
        block = self.block.subs(mapping) if self.block.free_symbols & mapping.keys() else self.block
        return Repeat(block, self.L.xreplace(mapping), name=self.name)

    def input_conditions(self, input_shape):
        if self.multiple_inputs:
            return self._side_input_conditions(input_shape)
        block_in, block_out, _ = block_parts(self.block, input_shape)
        conditions = [Condition.equal(a, b, "the input must have the block's input shape")
                      for a, b in zip(block_in, input_shape)]
        if len(block_in) != len(input_shape) or len(block_out) != len(block_in):
            raise ShapeError(f"a repeated block must keep its shape; it maps {block_in} to "
                             f"{block_out}, and receives {tuple(input_shape)}")
        conditions += [Condition.equal(a, b, "a repeated block's output shape must equal its "
                                             "input shape")
                       for a, b in zip(block_in, block_out)]
        return tuple(conditions) + block_conditions(self.block, input_shape)

    def _side_input_conditions(self, shapes):
        expected = self.block.input_shape
        if len(shapes) != len(expected) or any(len(a) != len(b)
                                               for a, b in zip(shapes, expected)):
            raise ShapeError(f"the block takes inputs of shapes {expected}; received "
                             f"{list(shapes)}")
        out = self.block.output_shape
        if len(out) != len(expected[0]):
            raise ShapeError(f"a repeated block must keep its shape; it maps {expected[0]} to "
                             f"{out}")
        conditions = [Condition.equal(a, b, f"input {i} must have the block's input shape")
                      for i, (want, got) in enumerate(zip(expected, shapes))
                      for a, b in zip(want, got)]
        conditions += [Condition.equal(a, b, "a repeated block's output shape must equal its "
                                             "input shape")
                       for a, b in zip(expected[0], out)]
        return tuple(conditions) + block_conditions(self.block, shapes)

    def declare_weights(self, input_shape):
        copies = Axis(label("L"), self.L)
        _, _, weights = block_parts(self.block, input_shape)
        return tuple(dataclasses.replace(w, axes=(copies, *w.axes)) for w in weights)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0] if self.multiple_inputs else input_shape)

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True, **options):
        """``L`` times the block's terms (the first copy's input gradient as the input's)."""
        from .compute import layer_terms, nested_terms, repeated, with_input_grad
        if isinstance(self.block, BaseModel):
            return repeated(nested_terms(self.block, input_grad),
                            nested_terms(self.block, True), self.L)
        terms = layer_terms(_bind(self.block, input_shape), input_grad)
        return repeated(tuple(with_input_grad(t, input_grad) for t in terms),
                        tuple(with_input_grad(t, True) for t in terms), self.L)

    @property
    def no_weights_reason(self) -> str:
        return f"its block has no weights, so neither do {sympy.sstr(self.L)} copies"
