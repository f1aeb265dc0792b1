"""Tensors a ``forward`` reads directly: bare ``nn.Parameter`` and buffer attributes.

A ViT keeps its class token and position embedding as parameters of the model
itself and uses them in ``forward`` (``torch.fx`` reads them with ``get_attr``
nodes). The importer represents such an attribute as a :class:`Parameter`
value; the calls that combine it with a tensor become a :class:`_LearnedTensor`
layer that holds it as its weight:

>>> from symparams import Tensor, dims
>>> N, T, d = dims("N T d")
>>> token = _LearnedTensor("cat", (1, 1, d), axis=1, weight="cls_token")
>>> token(Tensor((N, T, d))).shape
(N, T + 1, d)
>>> token.params
d
>>> _LearnedTensor("add", (1, T + 1, d), weight="pos_embedding")(Tensor((N, T + 1, d))).shape
(N, T + 1, d)

Only what is written here is supported: ``expand``, elementwise ``+ - * /``
with one tensor, and ``torch.cat`` with tensors. Any other use raises
:class:`~symparams.errors.ModelError` naming the parameter (it is never
counted as 0).
"""

from __future__ import annotations

import operator

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ModelError, ShapeError
from ..graph import Tensor
from ..layers import Concatenate
from ..layers.base import format_shape
from ..nn.base import Module
from ..weights import Axis, Weight

__all__ = ["Parameter", "combine", "operation_of"]

_OPERATIONS = ("add", "sub", "rsub", "mul", "div", "rdiv", "cat")
_REVERSED = {"sub": "rsub", "div": "rdiv", "add": "add", "mul": "mul"}


class Parameter:
    """A parameter or buffer attribute of the traced module, as ``forward`` reads it.

    ``shape`` is its own shape (sizes renamed as ``dims`` asks); ``view`` the
    shape ``forward`` made of it so far (``expand`` grows axes of size 1).
    """

    __slots__ = ("path", "tensor", "shape", "view", "buffer")

    def __init__(self, path: str, tensor, shape: tuple, *, buffer: bool, view=None):
        self.path, self.tensor, self.shape, self.buffer = path, tensor, shape, buffer
        self.view = shape if view is None else view

    def expand(self, *sizes) -> "Parameter":
        """``tensor.expand(*sizes)``: axes of size 1 repeated (-1 keeps an axis)."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        new = len(sizes) - len(self.view)
        if new < 0:
            raise ModelError(f"from_torch: {self!r} cannot expand to {len(sizes)} axes")
        view = []
        for i, size in enumerate(sizes):
            old = self.view[i - new] if i >= new else None
            if size == -1 and old is not None:
                view.append(old)
            elif old is None or old == 1 or old == size:
                view.append(sympy.Integer(size) if isinstance(size, int) else size)
            else:
                raise ModelError(f"from_torch: {self!r} cannot expand axis {i} of size {old} "
                                 f"to {size}")
        return Parameter(self.path, self.tensor, self.shape, buffer=self.buffer,
                         view=tuple(view))

    def __repr__(self) -> str:
        kind = "buffer" if self.buffer else "parameter"
        return f"<{kind} '{self.path}' shape={format_shape(self.view)}>"


def operation_of(torch, target, method: bool) -> str | None:
    """What a function or ``Tensor`` method does to a parameter, or None if unsupported."""
    if method:
        return {"add": "add", "add_": "add", "sub": "sub", "mul": "mul", "mul_": "mul",
                "div": "div", "expand": "expand"}.get(target)
    table = {operator.add: "add", operator.iadd: "add", torch.add: "add",
             operator.sub: "sub", torch.sub: "sub", operator.mul: "mul", torch.mul: "mul",
             operator.truediv: "div", torch.div: "div", torch.cat: "cat", torch.concat: "cat"}
    return table.get(target)


def combine(operation: str, args, kwargs, make) -> object:
    """The call ``operation(*args)`` with parameters among ``args``.

    ``make(parameter, operation, shape, axis)`` returns the :class:`_LearnedTensor`
    layer for one parameter (the importer names it and counts its weight once).
    """
    if operation == "expand":
        return args[0].expand(*args[1:], **kwargs)
    if operation == "cat":
        return _cat(*args, make=make, **kwargs)
    a, b = args[0], args[1]
    if isinstance(a, Parameter) and isinstance(b, Tensor):
        parameter, x, operation = a, b, _REVERSED[operation]
    elif isinstance(b, Parameter) and isinstance(a, Tensor):
        parameter, x = b, a
    else:
        raise ModelError(f"from_torch: {_named(args)} can be combined elementwise only with a "
                         f"tensor computed from the input; received {a!r} and {b!r}")
    shape = _weight_shape(parameter, x, axis=None)
    return make(parameter, operation, shape, None)(x)


def _cat(tensors, dim=0, *, make, **kwargs):
    tensors = list(tensors)
    inputs = [t for t in tensors if isinstance(t, Tensor)]
    if not inputs or len(inputs) + sum(isinstance(t, Parameter) for t in tensors) < len(tensors):
        raise ModelError(f"from_torch: torch.cat of {tensors!r}: {_named(tensors)} must be "
                         f"concatenated with a tensor computed from the input")
    x = inputs[0] if len(inputs) == 1 else Concatenate(axis=dim)(inputs)
    for item in tensors:
        if isinstance(item, Parameter):
            axis = dim % len(x.shape)
            x = make(item, "cat", _weight_shape(item, x, axis=axis), axis)(x)
    return x


def _weight_shape(parameter: Parameter, x: Tensor, axis) -> tuple:
    """The parameter's shape as a weight beside ``x``: each axis that meets an axis of ``x``
    (all but the concatenation ``axis``) takes ``x``'s size when that is symbolic, so sizes
    flow from the input; numbers must agree, as torch requires."""
    view, shape, rank = parameter.view, parameter.shape, len(x.shape)
    if len(view) > rank or (axis is not None and len(view) != rank):
        raise ModelError(f"from_torch: {parameter!r} does not fit {x!r}")
    found = list(shape)
    for i in range(1, len(view) + 1):
        own = shape[-i] if i <= len(shape) else sympy.Integer(1)
        if rank - i == axis:
            continue
        size = x.shape[-i]
        if own == 1:
            if view[-i] != 1 and view[-i] != size or axis is not None and view[-i] != size:
                raise ModelError(f"from_torch: {parameter!r} does not fit axis {rank - i} of "
                                 f"{x!r}" + (" (expand it to the tensor's size first)"
                                             if axis is not None else ""))
            continue
        if size.is_number and size != own:
            raise ModelError(f"from_torch: {parameter!r} does not fit axis {rank - i} of {x!r}")
        if rank - i == 0 and x.batched:
            raise ModelError(f"from_torch: {parameter!r} has {own} entries along the batch axis "
                             f"of {x!r}")
        found[-i] = size
    return tuple(found)


def _named(values) -> str:
    names = [f"'{v.path}'" for v in values if isinstance(v, Parameter)]
    return "the parameter " + ", ".join(names) if names else "a parameter"


class _LearnedTensor(Module):
    """A learned tensor combined with the input: added, subtracted, multiplied, divided
    (``operation`` ``"add"``, ``"sub"``, ``"rsub"`` for ``p - x``, ``"mul"``, ``"div"``,
    ``"rdiv"``; it broadcasts into the input, whose shape stays) or concatenated along
    ``axis`` (``"cat"``).

    Its one weight, named ``weight``, has ``shape``; a ``buffer`` is state, not a
    parameter.
    """

    no_macs_reason = "it adds or places learned entries beside the input: 0 MACs"

    def __init__(self, operation, shape, *, weight="weight", axis=None, buffer=False,
                 **kwargs):
        super().__init__(**kwargs)
        owner = "LearnedTensor"
        if operation not in _OPERATIONS:
            raise ArgumentError(f"{owner}: `operation` must be one of {_OPERATIONS}. "
                                f"Received: operation={operation!r}", argument="operation",
                                value=operation)
        shape = tuple(arguments.size(s, owner=owner, argument="shape") for s in shape)
        if operation == "cat":
            axis = arguments.axis(axis, owner=owner, argument="axis")
        self._store(operation=operation, shape=shape, weight=weight, axis=axis,
                    buffer=arguments.flag(buffer, owner=owner, argument="buffer"))

    def module_weights(self):
        axes = tuple(Axis(size, size) for size in self.shape)  # its sizes are its labels
        role = "state" if self.buffer else "lookup" if self.operation == "cat" else "elementwise"
        note = ("a learned entry placed beside the input" if self.operation == "cat"
                else f"a learned entry combined elementwise ({self.operation}) with the input")
        return (Weight(self.weight, axes, note=note, buffer=self.buffer, role=role),)

    def input_conditions(self, input_shape):
        rank = len(input_shape)
        if len(self.shape) > rank:
            return ()
        skip = self.axis % rank if self.operation == "cat" else None
        return tuple(Condition.equal(own, size, f"'{self.weight}' axis {rank - i} must match "
                                                f"the input's")
                     for i, (own, size) in enumerate(zip(self.shape[::-1], input_shape[::-1]),
                                                     start=1)
                     if own != 1 and rank - i != skip)

    def compute_output_shape(self, input_shape):
        rank = len(input_shape)
        if len(self.shape) > rank or self.operation == "cat" and len(self.shape) != rank:
            raise ShapeError(f"'{self.weight}' of shape {format_shape(self.shape)} does not fit "
                             f"an input of shape {format_shape(input_shape)}")
        if self.operation != "cat":
            return tuple(input_shape)
        axis = self.axis % rank
        return tuple(size + self.shape[axis] if i == axis else size
                     for i, size in enumerate(input_shape))
