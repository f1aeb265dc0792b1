"""Symbolic tensors, layer calls, and models of any graph.

A :class:`Tensor` is a shape and the call that produced it. Calling a layer on
tensors binds it to their shapes and returns new tensors, as in Keras's
functional API and in PyTorch's ``forward``:

>>> from symparams import Input, Model, Tensor, dims, layers
>>> T, d = dims("T d")
>>> x = Input((T, d))
>>> y = layers.Dense(4 * d)(x)
>>> z = layers.Dense(d)(y)
>>> model = Model(x, z)
>>> model.output_shape
(T, d)
>>> model.params
4*d*(d + 1) + d*(4*d + 1)

``Input(shape)`` follows Keras: the batch axis is left out. ``Tensor(shape)``
is a tensor of exactly that shape, as PyTorch modules see it; Keras layers
called on it treat its first axis as the batch.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from . import arguments
from .errors import ArgumentTypeError, ModelError, SymparamsError
from .layers.base import BoundLayer, Layer, Namer, check_shape, format_shape
from .model import BaseModel

__all__ = ["Input", "Model", "Tensor"]


class Tensor:
    """A symbolic tensor: a shape (a tuple of SymPy sizes) and the node that made it."""

    __slots__ = ("shape", "batched", "node", "name")

    def __init__(self, shape, *, name: str | None = None, batched: bool = True):
        self.shape = check_shape(shape, owner="Tensor", argument="shape")
        self.batched = arguments.flag(batched, owner="Tensor", argument="batched")
        self.node = None
        self.name = name

    @classmethod
    def _made_by(cls, node: "Node", shape: tuple, batched: bool) -> "Tensor":
        tensor = cls.__new__(cls)
        tensor.shape, tensor.batched, tensor.node, tensor.name = shape, batched, node, None
        return tensor

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def size(self, dim: int | None = None):
        """PyTorch's ``Tensor.size()``."""
        return self.shape if dim is None else self.shape[dim]

    def __repr__(self) -> str:
        kind = "Tensor" if self.batched else "Input"
        return f"<{kind} shape={format_shape(self.shape)}>"


def Input(shape, name: str | None = None) -> Tensor:
    """Keras's ``Input(shape)``: a model input whose ``shape`` leaves out the batch axis."""
    return Tensor(shape, name=name, batched=False)


_SEQUENCE = itertools.count()


@dataclass(eq=False)
class Node:
    """One call of a layer: what went in, the binding, what came out, in call order."""

    layer: Layer
    bound: BoundLayer
    inputs: tuple[Tensor, ...]
    kwargs: dict
    outputs: tuple[Tensor, ...] = ()
    sequence: int = field(default_factory=lambda: next(_SEQUENCE))


def record(layer: Layer, bound: BoundLayer, inputs, output_shapes, *, batched: bool,
           kwargs: dict | None = None) -> tuple[Tensor, ...]:
    """Record a call of ``layer`` and return its output tensors."""
    node = Node(layer, bound, tuple(inputs), dict(kwargs or {}))
    node.outputs = tuple(Tensor._made_by(node, shape, batched) for shape in output_shapes)
    return node.outputs


def as_tensor(value, *, owner: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise ArgumentTypeError(
            f"{owner} must be called on a symparams Tensor (symparams.Input(...) or "
            f"symparams.Tensor(...)). Received: {value!r}", argument="inputs", value=value)
    return value


def apply(layer: Layer, inputs, structure=None, **options):
    """Call ``layer`` on input tensors; the call is recorded on the outputs.

    A Keras layer (shapes without batch) called on a PyTorch-style tensor
    treats its first axis as the batch. A layer whose output shape is a list
    has several outputs, arranged by ``structure`` (a function of the flat
    tuple; by default a list, as Keras returns them). ``options`` are call
    options that change shapes.
    """
    inputs = tuple(as_tensor(t, owner=type(layer).__name__) for t in inputs)
    strip = layer.batch_excluded and inputs[0].batched
    if strip and any(len(t.shape) < 2 for t in inputs):
        raise ModelError(f"{type(layer).__name__} needs at least one axis besides the batch; "
                         f"received a tensor of shape {format_shape(inputs[0].shape)}")
    shapes = tuple(t.shape[1:] if strip else t.shape for t in inputs)
    bound = layer.bind(shapes if layer.multiple_inputs else shapes[0], **options)
    several = isinstance(bound.output_shape, list)
    outputs = bound.output_shape if several else [bound.output_shape]
    if strip:  # shown and kept with the batch axis, as the tensors have it
        outputs = [(inputs[0].shape[0], *shape) for shape in outputs]
        whole = tuple(t.shape for t in inputs)
        bound = BoundLayer(layer, bound.name, whole if layer.multiple_inputs else whole[0],
                           outputs if several else outputs[0], bound.weights, bound.conditions,
                           bound.options, inputs[0].shape[0])
    tensors = record(layer, bound, inputs, outputs, batched=inputs[0].batched, kwargs=options)
    if not several:
        return tensors[0]
    return (structure or list)(tensors)


class Model(BaseModel):
    """A model from input tensors to output tensors, through the layers called between them.

    ``outputs`` may be a tensor or a nested tuple or list of tensors. A layer
    called several times appears once in :attr:`layers` and is counted once.
    """

    def __init__(self, inputs, outputs, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise ArgumentTypeError(f"Model: `name` must be a string. Received: name={name!r}",
                                    argument="name", value=name)
        self.name = name or "functional"
        self.inputs = tuple(_flatten(inputs, owner="Model inputs"))
        self._outputs = outputs
        self.outputs = tuple(_flatten(outputs, owner="Model outputs"))
        self._nodes = _nodes_between(self.inputs, self.outputs)
        self._totals = {}
        namer, firsts = Namer(), {}
        for node in self._nodes:
            if node.layer not in firsts:
                firsts[node.layer] = node.bound.renamed(namer.name_for(node.layer))
        self._bound = tuple(firsts.values())
        self.connections = self._connections()
        self._ties()

    def _connections(self) -> dict[str, tuple[str, ...]]:
        """Keras's "connected to": each layer's inputs as ``producer[node][tensor]``."""
        names = {layer: bound.name for layer, bound in zip(
            dict.fromkeys(n.layer for n in self._nodes), self._bound)}
        inputs = {t: t.name or ("input_layer" if i == 0 else f"input_layer_{i}")
                  for i, t in enumerate(self.inputs)}
        calls: dict = {}
        for node in self._nodes:
            calls.setdefault(node.layer, []).append(node)
        connected: dict[str, tuple[str, ...]] = {}
        for node in self._nodes:
            sources = []
            for tensor in node.inputs:
                if tensor in inputs:
                    sources.append(f"{inputs[tensor]}[0][0]")
                else:
                    producer = tensor.node
                    sources.append(f"{names[producer.layer]}"
                                   f"[{calls[producer.layer].index(producer)}]"
                                   f"[{producer.outputs.index(tensor)}]")
            name = names[node.layer]
            connected[name] = connected.get(name, ()) + tuple(sources)
        return connected

    @property
    def layers(self) -> tuple[BoundLayer, ...]:
        return self._bound

    def _compute_calls(self, input_grad: bool = False) -> list:
        """Every call (a layer called twice works twice), with whether its input needs a grad."""
        from .compute import layer_terms, makes_grad
        names = {b.layer: b.name for b in self._bound}
        requires = {t: input_grad for t in self.inputs}
        counted: dict = {}
        found = []
        for node in self._nodes:
            grad = any(requires.get(t, False) for t in node.inputs)
            n = counted[node.layer] = counted.get(node.layer, -1) + 1
            name = names[node.layer] + (f"[{n}]" if n else "")
            found.append((name, layer_terms(node.bound, grad), grad))
            for tensor in node.outputs:
                requires[tensor] = grad or makes_grad(node.bound)
        return found

    def _open_conditions(self) -> list:
        """Every call's open conditions (a layer called twice may meet two sets)."""
        named = dict(zip(dict.fromkeys(n.layer for n in self._nodes), self._bound))
        return [(named[n.layer], c) for n in self._nodes for c in n.bound.conditions]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def free_symbols(self) -> set:
        found = set()
        for tensor in self.inputs:
            for size in tensor.shape:
                found |= size.free_symbols
        for node in self._nodes:
            found |= node.layer.free_symbols
        return found

    def subs(self, mapping=None, /, **values) -> "Model":
        """The model with symbols replaced everywhere; every call is made again and checked."""
        owner = f"model '{self.name}'"
        replacements = arguments.substitutions(arguments.merged(mapping, values, owner=owner),
                                               self.free_symbols, owner=owner)
        self._refuse(replacements)
        tensors = {}
        for tensor in self.inputs:
            tensors[tensor] = Tensor(tuple(s.xreplace(replacements) for s in tensor.shape),
                                     name=tensor.name, batched=tensor.batched)
        layers, names = {}, {b.layer: b.name for b in self._bound}
        for node in self._nodes:
            layer = layers.setdefault(node.layer, node.layer.subs(replacements))
            try:
                result = layer(*(tensors[t] for t in node.inputs), **node.kwargs)
            except SymparamsError as err:
                label = f"'{names[node.layer]}' ({type(node.layer).__name__})"
                raise err.renamed(label) from None
            if isinstance(result, tuple):  # torch's (output, None): attention without weights
                result = tuple(t for t in result if t is not None)
            for old, new in zip(node.outputs, _flatten(result, owner="layer outputs")):
                tensors[old] = new
        model = Model([tensors[t] for t in self.inputs],
                      _restructure(self._outputs, tensors), name=self.name)
        model._bound = tuple(b.renamed(old.name) for b, old in zip(model._bound, self._bound))
        return model

    def __repr__(self) -> str:
        return f"<Model '{self.name}': {len(self._bound)} layers, params={self.params}>"


def _flatten(structure, *, owner: str) -> list:
    if isinstance(structure, Tensor):
        return [structure]
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in _flatten(item, owner=owner)]
    raise ArgumentTypeError(f"{owner} must be tensors, or tuples or lists of them. "
                            f"Received: {structure!r}", argument=owner, value=structure)


def _restructure(structure, tensors: dict):
    if isinstance(structure, Tensor):
        return tensors[structure]
    return type(structure)(_restructure(item, tensors) for item in structure)


def _nodes_between(inputs, outputs) -> list[Node]:
    """The calls leading from ``inputs`` to ``outputs``, in the order they were made."""
    wanted = set(inputs)
    seen, order, stack = set(), [], list(outputs)
    while stack:
        tensor = stack.pop()
        if tensor in wanted:
            continue
        node = tensor.node
        if node is None:
            raise ModelError(
                f"an output depends on {tensor!r}, which is not among the model's inputs")
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(node.inputs)
    order.sort(key=lambda node: node.sequence)
    return order
