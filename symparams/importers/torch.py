"""``from_torch``: a real ``torch.nn.Module`` as a symbolic symparams model.

The module is traced with ``torch.fx``: every ``torch.nn`` layer it calls
becomes the :mod:`symparams.nn` module of the same name and arguments, and the
common functions between them (residual adds, concatenation, flatten,
reshapes, permutes, activations) become layers that only change shapes.
Parameters and buffers are then exactly ``module.parameters()`` and
``module.buffers()``: a module called twice is counted once, and a parameter
tied into two modules (an LM head sharing its embedding's weight) is counted
once, where it is first used.

>>> import torch
>>> from symparams import dims, from_torch
>>> C, H, W, F = dims("C H W F")
>>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 3), torch.nn.ReLU(),
...                           torch.nn.Flatten(2), torch.nn.Linear(64, 10))
>>> model = from_torch(net, input_shape=(C, 10, 10), dims={64: F})
>>> model.output_shape, model.params
((N, F, 10), F*(9*C + 1) + 650)

``input_shape`` leaves out the batch axis, which becomes ``batch`` (the symbol
``N`` by default; an int fixes it; ``batch=None`` means ``input_shape`` is the
whole shape). Arguments that size a module's input (``in_features``,
``in_channels``, ``num_features``, ``embed_dim``, ...) are taken from the
tensor the module receives, so symbolic input sizes flow through the model;
``dims`` (see :mod:`symparams.importers._dims`) turns chosen widths into
symbols. Parameters and buffers ``forward`` reads directly (a ViT's class
token and position embedding) become layers holding them (see
:mod:`symparams.importers._parameters`). Anything the importer does not know
raises naming it; nothing is counted as 0.
"""

from __future__ import annotations

import inspect
import operator

import sympy

from .. import layers, nn
from ..dims import dims as _dims
from ..errors import (
    ArgumentError, ArgumentTypeError, MissingDependencyError, ModelError, SymparamsError,
)
from ..graph import Model, Tensor
from ..intmath import floor_div
from ..layers.base import snake_case
from ._dims import Renames
from ._parameters import Parameter, _LearnedTensor, combine, operation_of

__all__ = ["from_torch"]

#: Arguments that size a module's input, and the axis of the input that gives them.
_INPUT_AXES = {"in_features": -1, "in1_features": -1, "in_channels": 1, "num_features": 1,
               "num_channels": 1, "input_size": -1, "embed_dim": -1, "d_model": -1}
#: Arguments ``dims={64: F}`` replaces by value: sizes of tensor axes, never windows.
_WIDTHS = frozenset(_INPUT_AXES) | {
    "out_features", "out_channels", "num_embeddings", "embedding_dim", "hidden_size",
    "proj_size", "dim_feedforward", "num_parameters", "in2_features", "kdim", "vdim",
}
_N = _dims("N")


def from_torch(module, input_shape, *, batch=_N, dims=None, name=None) -> Model:
    """The symparams model of ``module`` called on a tensor of ``input_shape``.

    ``input_shape`` is one shape without the batch axis, or a list of shapes,
    one per input of ``forward``. See the module docstring for ``batch`` and
    ``dims``. Raises :class:`~symparams.errors.ModelError` naming any module
    type, function or method it cannot import.
    """
    torch = _require_torch()
    if not isinstance(module, torch.nn.Module):
        raise ArgumentTypeError(f"from_torch: `module` must be a torch.nn.Module. "
                                f"Received: {module!r}", argument="module", value=module)
    renames = Renames(dims, widths=_WIDTHS, owner="from_torch")
    inputs = [Tensor(renames.size(tuple(shape))) for shape in _shapes(input_shape, batch)]
    importer = _Importer(torch, module, renames)
    outputs = importer.run(inputs)
    model = Model(inputs, outputs, name=name or type(module).__name__)
    importer.check_everything_counted()
    renames.check_all_used()
    return model


def _require_torch():
    try:
        import torch
        import torch.fx  # noqa: F401
    except ImportError as err:
        raise MissingDependencyError("from_torch needs PyTorch: pip install torch") from err
    return torch


def _shapes(input_shape, batch) -> list[tuple]:
    several = isinstance(input_shape, list) or (
        isinstance(input_shape, tuple) and input_shape
        and all(isinstance(s, (tuple, list)) for s in input_shape))
    shapes = [tuple(s) for s in input_shape] if several else [input_shape]
    for shape in shapes:
        if not isinstance(shape, tuple):
            raise ArgumentTypeError(f"from_torch: `input_shape` must be a tuple of sizes (or a "
                                    f"list of them). Received: input_shape={input_shape!r}",
                                    argument="input_shape", value=input_shape)
    return [shape if batch is None else (batch, *shape) for shape in shapes]


class _Importer:
    """One import: the traced graph run on symbolic tensors."""

    def __init__(self, torch, root, renames: Renames):
        self.torch, self.root, self.renames = torch, root, renames
        self.made: dict[int, nn.Module] = {}  # id(torch module) -> its symparams module
        self.sources: dict[int, tuple] = {}  # id(parameter) -> (symparams module, its name)
        self.counted: set[int] = set()  # ids of parameters and buffers accounted for
        self.functions = _function_table(torch)
        self.direct_uses: dict[int, int] = {}  # id(parameter) -> times forward read it

    # -- tracing --------------------------------------------------------------------------

    def run(self, inputs):
        if _is_torch_nn(self.root) and not isinstance(self.root, self.torch.nn.Sequential):
            return self.call_module("", tuple(inputs), {})  # a torch.nn module on its own
        graph = self._trace()
        wanted = sum(node.op == "placeholder" for node in graph.nodes)
        if len(inputs) > wanted:
            raise ArgumentError(f"from_torch: `input_shape` describes {len(inputs)} inputs, but "
                                f"{type(self.root).__name__}.forward takes {wanted}",
                                argument="input_shape", value=len(inputs))
        values, placeholders = {}, iter(inputs)
        for node in graph.nodes:
            if node.op == "placeholder":
                given = next(placeholders, None)
                values[node] = _default(node) if given is None else given
            elif node.op == "output":
                return _outputs(self._load(node.args[0], values))
            else:
                args = self._load(node.args, values)
                kwargs = self._load(node.kwargs, values)
                values[node] = self._call(node, args, kwargs)
        raise ModelError("from_torch: the traced graph has no output")  # pragma: no cover

    def _trace(self):
        torch, containers = self.torch, (self.torch.nn.Sequential, self.torch.nn.ModuleList,
                                         self.torch.nn.ModuleDict)

        class Tracer(torch.fx.Tracer):
            def is_leaf_module(self, m, qualname):
                return _is_torch_nn(m) and not isinstance(m, containers)

        try:
            return Tracer().trace(self.root)
        except SymparamsError:
            raise
        except Exception as err:  # torch.fx raises many kinds; the text says what failed
            raise ModelError(f"from_torch: torch.fx could not trace "
                             f"{type(self.root).__name__}.forward: {type(err).__name__}: "
                             f"{err}") from None

    def _load(self, value, values):
        torch = self.torch
        if isinstance(value, torch.fx.Node):
            return values[value]
        if isinstance(value, (tuple, list)):
            return type(value)(self._load(v, values) for v in value)
        if isinstance(value, dict):
            return {k: self._load(v, values) for k, v in value.items()}
        if isinstance(value, slice):
            return slice(*(self._load(v, values) for v in (value.start, value.stop, value.step)))
        return value

    def _call(self, node, args, kwargs):
        if node.op == "call_module":
            return self.call_module(node.target, args, kwargs)
        if node.op == "get_attr":
            return self._attribute(node.target)
        what = node.target if node.op == "call_method" else _function_name(node.target)
        if _parameters_in((args, kwargs)):
            return self._with_parameters(node, what, args, kwargs)
        if node.op == "call_method":
            handler = _METHODS.get(node.target)
        else:
            handler = self.functions.get(node.target)
        if handler is None:
            kind = "method Tensor." if node.op == "call_method" else "function "
            raise ModelError(f"from_torch: the {kind}{what} (called in forward as "
                             f"'{node.name}') is not supported")
        try:
            return handler(*args, **kwargs)
        except SymparamsError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, AttributeError,
                ZeroDivisionError) as err:
            raise ModelError(f"from_torch: cannot import the call {what}(...) "
                             f"('{node.name}'): {err}") from None

    # -- parameters and buffers used directly in forward -----------------------------------

    def _attribute(self, path):
        """A ``get_attr`` node: a parameter or buffer of the root (see ``_parameters``)."""
        tensor, buffer = _parameter_or_buffer(self.root, path)
        if tensor is None:
            raise ModelError(f"from_torch: '{path}' is a tensor forward reads directly that is "
                             f"neither a parameter nor a buffer; symparams cannot import it")
        return Parameter(path, tensor, self.renames.size(tuple(tensor.shape)), buffer=buffer)

    def _with_parameters(self, node, what, args, kwargs):
        operation = operation_of(self.torch, node.target, node.op == "call_method")
        if operation is None:
            raise _unsupported_use(args, kwargs, f"used by {what}(...) ('{node.name}')")
        return combine(operation, args, kwargs, self._learned)

    def _learned(self, parameter, operation, shape, axis):
        """The layer holding ``parameter`` for one use: it counts the parameter the first
        time it is used, directly or by a module; other uses are tied to that one."""
        key, weight = id(parameter.tensor), parameter.path.rpartition(".")[2]
        uses = self.direct_uses[key] = self.direct_uses.get(key, 0) + 1
        layer = _LearnedTensor(operation, shape, weight=weight, axis=axis,
                               buffer=parameter.buffer,
                               name=parameter.path if uses == 1 else f"{parameter.path}_{uses - 1}",
                               trainable=parameter.buffer or parameter.tensor.requires_grad)
        source = self.sources.get(key)
        if source is not None:
            return layer.tie(weight, *source)
        if not parameter.buffer:
            self.sources[key] = (layer, weight)
        self.counted.add(key)
        return layer

    # -- modules --------------------------------------------------------------------------

    def call_module(self, path, args, kwargs):
        torch_module = self.root.get_submodule(path)
        if _parameters_in((args, kwargs)):
            raise _unsupported_use(args, kwargs, f"passed to module '{path}'")
        if isinstance(torch_module, (self.torch.nn.TransformerEncoder,
                                     self.torch.nn.TransformerDecoder)):
            return self._stack(path, torch_module, args)
        module = self.made.get(id(torch_module))
        if module is None:
            module = self._convert(path, torch_module, args[0] if args else None)
            self.made[id(torch_module)] = module
        return module(*args, **kwargs)

    def _stack(self, path, stack, args):
        """``nn.TransformerEncoder`` or ``TransformerDecoder``: its layers in turn (a decoder's
        with the memory), then its norm when it has one. Masks change no shape."""
        x, memory = args[0], tuple(args[1:2])
        for index in range(len(stack.layers)):
            x = self.call_module(_join(path, f"layers.{index}"), (x, *memory), {})
        if stack.norm is not None:
            x = self.call_module(_join(path, "norm"), (x,), {})
        return x

    def _convert(self, path, torch_module, x):
        kind = type(torch_module).__name__
        cls = getattr(nn, kind, None)
        if cls is None or kind not in nn.__all__ or not isinstance(cls, type) \
                or type(torch_module) is not getattr(self.torch.nn, kind, None):
            raise ModelError(f"from_torch: module '{path}' is a {type(torch_module).__module__}."
                             f"{kind}, which symparams does not import")
        numeric = _arguments(cls, torch_module, path)
        _check_weights(path, cls(**numeric), torch_module)
        symbolic = {k: self.renames.value(path, k, v) for k, v in numeric.items()}
        if isinstance(x, Tensor):
            symbolic = _follow_input(symbolic, numeric, x)
        if _frozen(path, torch_module):
            symbolic["trainable"] = False
        module = cls(**symbolic, name=path or snake_case(kind))
        return self._tie(path, module, torch_module)

    def _tie(self, path, module, torch_module):
        """Tie each parameter already made by another module to it (counted once)."""
        for weight, parameter in torch_module.named_parameters():
            source = self.sources.get(id(parameter))
            if source is None:
                self.sources[id(parameter)] = (module, weight)
                self.counted.add(id(parameter))
            elif source[0] is not module:
                module = module.tie(weight, source[0], source[1])
        for buffer in torch_module.buffers():
            self.counted.add(id(buffer))
        return module

    def check_everything_counted(self) -> None:
        """Every parameter and buffer of the root belongs to an imported module."""
        named = [*self.root.named_parameters(), *self.root.named_buffers()]
        for weight_name, tensor in named:
            if id(tensor) not in self.counted:
                raise ModelError(f"from_torch: '{weight_name}' is not used by any module "
                                 f"symparams imported (an unused weight); torch counts it, so "
                                 f"the import stops here")


def _parameters_in(value) -> list:
    """The :class:`Parameter` values among (nested) call arguments."""
    if isinstance(value, Parameter):
        return [value]
    if isinstance(value, (tuple, list)):
        return [p for v in value for p in _parameters_in(v)]
    if isinstance(value, dict):
        return _parameters_in(list(value.values()))
    return []


def _unsupported_use(args, kwargs, how: str) -> ModelError:
    used = ", ".join(f"'{p.path}'" for p in _parameters_in((args, kwargs)))
    return ModelError(f"from_torch: the parameter {used} is {how}; symparams imports parameters "
                      f"used directly in forward only through expand, + - * / with a tensor, "
                      f"and torch.cat")


def _parameter_or_buffer(root, path):
    """The parameter or buffer at ``path`` and whether it is a buffer; (None, False) else."""
    owner_path, _, name = path.rpartition(".")
    owner = root.get_submodule(owner_path)
    if name in owner._parameters:
        return owner._parameters[name], False
    if name in owner._buffers:
        return owner._buffers[name], True
    return None, False


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_torch_nn(module) -> bool:
    return type(module).__module__.startswith("torch.nn.")


def _default(node):
    """An input beyond ``input_shape``: its default value (an optional mask, say)."""
    if node.args:
        return node.args[0]
    raise ModelError(f"from_torch: forward takes an input '{node.target}' that `input_shape` "
                     f"does not describe (give a list of shapes, one per input)")


def _outputs(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return type(value)(_outputs(v) for v in value if v is not None)
    if not isinstance(value, Tensor):
        raise ModelError(f"from_torch: forward returns {value!r}, not a tensor")
    return value


def _arguments(cls, torch_module, path) -> dict:
    """The constructor arguments of ``cls`` as ``torch_module`` stores them."""
    if hasattr(cls, "arg_names"):  # elementwise activations: arguments by name
        names = cls.arg_names
    else:
        names = [p.name for p in inspect.signature(cls.__init__).parameters.values()
                 if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    special = _SPECIAL.get(type(torch_module).__name__)
    if special is not None:
        return special(torch_module)
    found = {}
    for key in names:
        if key == "bias" and not hasattr(cls, "arg_names"):
            found[key] = getattr(torch_module, "bias", None) is not None
        elif hasattr(torch_module, key):
            found[key] = _plain(getattr(torch_module, key))
    if type(torch_module).__name__ == "Embedding":
        found["padding_idx"] = torch_module.padding_idx
    return found


def _plain(value):
    return tuple(value) if isinstance(value, list) else value


def _transformer_layer(layer) -> dict:
    """``TransformerEncoderLayer`` keeps no ``d_model``: read it from its parts."""
    activation = layer.activation
    name = getattr(activation, "__name__", type(activation).__name__).lower()
    return dict(d_model=layer.self_attn.embed_dim, nhead=layer.self_attn.num_heads,
                dim_feedforward=layer.linear1.out_features, dropout=layer.dropout.p,
                activation=name, layer_norm_eps=layer.norm1.eps,
                batch_first=layer.self_attn.batch_first, norm_first=layer.norm_first,
                bias=layer.linear1.bias is not None)


def _attention(attention) -> dict:
    return dict(embed_dim=attention.embed_dim, num_heads=attention.num_heads,
                dropout=attention.dropout, bias=attention.out_proj.bias is not None,
                add_bias_kv=attention.bias_k is not None, add_zero_attn=attention.add_zero_attn,
                kdim=attention.kdim, vdim=attention.vdim, batch_first=attention.batch_first)


def _layer_norm(norm) -> dict:
    return dict(normalized_shape=tuple(norm.normalized_shape), eps=norm.eps,
                elementwise_affine=norm.elementwise_affine, bias=norm.bias is not None)


_SPECIAL = {"TransformerEncoderLayer": _transformer_layer,
            "TransformerDecoderLayer": _transformer_layer, "MultiheadAttention": _attention,
            "LayerNorm": _layer_norm}


def _frozen(path, torch_module) -> bool:
    """Whether every parameter of the module has ``requires_grad=False`` (some alone: an
    error, a module is trainable or not as a whole in symparams)."""
    flags = {p.requires_grad for p in torch_module.parameters()}
    if len(flags) > 1:
        raise ModelError(f"from_torch: module '{path}' ({type(torch_module).__name__}) has some "
                         f"parameters frozen (requires_grad=False) and others not; symparams "
                         f"freezes whole modules only")
    return flags == {False}


def _check_weights(path, ours, theirs) -> None:
    """The module made from ``theirs``'s own numbers declares exactly its parameters and
    buffers (a safety net: an argument read wrong never goes unnoticed)."""
    declared = {w.name: (w.size, w.buffer) for w in ours.module_weights()}
    actual = {n: (p.numel(), False) for n, p in theirs.named_parameters(remove_duplicate=False)}
    actual.update({n: (b.numel(), True) for n, b in theirs.named_buffers()})
    if declared != actual:
        raise ModelError(f"from_torch: module '{path}' ({type(theirs).__name__}) has weights "
                         f"{_listing(actual)}, but symparams declares {_listing(declared)} for "
                         f"its arguments; it cannot be imported exactly")


def _listing(weights: dict) -> str:
    return "{" + ", ".join(f"{k}: {v[0]}" for k, v in sorted(weights.items())) + "}"


def _follow_input(arguments: dict, numeric: dict, x: Tensor) -> dict:
    """Input-sizing arguments taken from the tensor the module receives (unless it is a number
    torch would refuse: then the module's own value stays, and the model reports the clash)."""
    for key, axis in _INPUT_AXES.items():
        value = numeric.get(key)
        if value is None or len(x.shape) <= max(axis, -axis - 1):
            continue
        size = x.shape[axis]
        if not size.is_number or size == value:
            arguments[key] = size
    shape = numeric.get("normalized_shape")
    if isinstance(shape, tuple) and len(x.shape) >= len(shape):
        arguments["normalized_shape"] = tuple(
            s if not s.is_number or s == v else v
            for s, v in zip(x.shape[len(x.shape) - len(shape):], shape))
    return arguments


def _function_name(function) -> str:
    module = getattr(function, "__module__", None) or ""
    return f"{module}.{getattr(function, '__name__', repr(function))}".lstrip(".")


# -- functions and methods between modules -----------------------------------------------

def _merge(layer_class, scalar):
    """``a + b`` (or ``*``, ``-``): a merge layer for two tensors; with a number, shapes keep."""
    def merge(a, b, *rest, **options):
        tensors = [v for v in (a, b) if isinstance(v, Tensor)]
        if len(tensors) == 2:
            if layer_class is None:
                raise ModelError(f"from_torch: {scalar.__name__} of two tensors is not "
                                 f"supported (of a tensor and a number it is)")
            return layer_class()([a, b])
        if tensors:
            return tensors[0]
        return scalar(a, b)
    return merge


def _elementwise(module_class):
    def apply(x, *args, **kwargs):
        return module_class()(x)
    return apply


def _cat(tensors, dim=0, **kwargs):
    return layers.Concatenate(axis=dim)(list(tensors))


def _flatten(start_dim=0):
    def flatten(x, start_dim=start_dim, end_dim=-1):
        return nn.Flatten(start_dim, end_dim)(x)
    return flatten


def _reshape(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not shape or (shape[0] != x.shape[0] and shape[0] != -1) or (
            shape[0] == -1 and -1 in shape[1:]):
        raise ModelError(f"from_torch: a reshape of {x!r} into {shape} must keep the batch axis "
                         f"first (x.size(0) or -1)")
    if shape[0] == -1:
        rest = sympy.Mul(*x.shape) / sympy.Mul(*shape[1:])
        if rest != x.shape[0]:
            raise ModelError(f"from_torch: a reshape of {x!r} into {shape} must keep the batch "
                             f"axis first")
    return layers.Reshape(tuple(shape[1:]))(x)


def _permute(x, *order):
    if len(order) == 1 and isinstance(order[0], (tuple, list)):
        order = tuple(order[0])
    order = tuple(d % len(x.shape) for d in order)
    if order[0] != 0:
        raise ModelError(f"from_torch: a permutation {order} of {x!r} must keep the batch axis "
                         f"first")
    return layers.Permute(order[1:])(x)


def _transpose(x, dim0, dim1):
    order = list(range(len(x.shape)))
    a, b = dim0 % len(order), dim1 % len(order)
    order[a], order[b] = order[b], order[a]
    return _permute(x, *order)


def _mean(x, dim=None, keepdim=False, **kwargs):
    """A mean over the sequence axis of ``(N, T, d)`` or the spatial axes of ``(N, C, H, W)``:
    global average pooling (other reductions raise)."""
    axes = tuple(sorted(a % len(x.shape) for a in (dim if isinstance(dim, (tuple, list))
                                                   else (dim,)))) if dim is not None else None
    if not keepdim and len(x.shape) == 3 and axes == (1,):
        return layers.GlobalAveragePooling1D()(x)
    if not keepdim and len(x.shape) == 4 and axes == (2, 3):
        return layers.GlobalAveragePooling2D(data_format="channels_first")(x)
    raise ModelError(f"from_torch: a mean of {x!r} over dim={dim} (keepdim={keepdim}) is not "
                     f"supported; means over axis 1 of (N, T, d) or axes (2, 3) of (N, C, H, W) "
                     f"are")


def _same(x, *args, **kwargs):
    return x


def _size(x, dim=None):
    return x.shape if dim is None else x.shape[dim]


def _getitem(value, index):
    if isinstance(value, Tensor):
        return _Select(_index_items(value, index))(value)
    return value[index]


def _index_items(x: Tensor, index) -> tuple:
    """``x[index]`` as one entry per axis: an int selects, ``(start, stop)`` slices."""
    items = list(index) if isinstance(index, tuple) else [index]
    if items.count(Ellipsis) > 1 or any(i is None for i in items):
        raise ModelError(f"from_torch: indexing {x!r} with {index!r} is not supported")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at:at + 1] = [slice(None)] * (len(x.shape) - len(items) + 1)
    items += [slice(None)] * (len(x.shape) - len(items))
    found = []
    for item in items:
        if isinstance(item, slice) and item.step in (None, 1):
            found.append((item.start, item.stop))
        elif isinstance(item, int) and not isinstance(item, bool):
            found.append(item)
        else:
            raise ModelError(f"from_torch: indexing {x!r} with {index!r} is not supported "
                             f"(ints, slices without steps and ... are)")
    return tuple(found)


class _Select(nn.Module):
    """``x[index]``: basic indexing (an int drops its axis, a slice keeps a range)."""

    no_weights_reason = "it only selects entries: no weights, 0 parameters"
    no_macs_reason = "it only selects entries: 0 MACs"

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self._store(index=tuple(index))

    def compute_output_shape(self, input_shape):
        if len(self.index) > len(input_shape):
            raise ModelError(f"too many indices for a tensor of rank {len(input_shape)}")
        shape = []
        for axis, (item, size) in enumerate(zip(self.index, input_shape)):
            if isinstance(item, int):
                continue
            if item == (None, None):
                shape.append(size)
            elif size.is_number:
                shape.append(sympy.Integer(len(range(int(size))[slice(*item)])))
            else:
                raise ModelError(f"from_torch: slicing axis {axis} of size {size} with "
                                 f"{slice(*item)} is not supported (only whole slices of "
                                 f"symbolic axes are)")
        return tuple(shape)


def _unsqueeze(x, dim):
    dim = dim % (len(x.shape) + 1)
    if dim == 0:
        raise ModelError(f"from_torch: unsqueeze(0) of {x!r} would move the batch axis")
    shape = list(x.shape[1:])
    shape.insert(dim - 1, 1)
    return layers.Reshape(tuple(shape))(x)


def _squeeze(x, dim):
    dim = dim % len(x.shape)
    if dim == 0 or x.shape[dim] != 1:
        raise ModelError(f"from_torch: squeeze({dim}) of {x!r} is supported only for an axis of "
                         f"size 1 that is not the batch")
    return layers.Reshape(tuple(s for i, s in enumerate(x.shape) if i not in (0, dim)))(x)


def _getattr(value, attribute):
    if isinstance(value, Tensor) and attribute == "shape":
        return value.shape
    if isinstance(value, Tensor) and attribute == "ndim":
        return len(value.shape)
    raise ModelError(f"from_torch: reading .{attribute} of {value!r} is not supported")


def _pool(module_class, names):
    def pool(x, *args, **kwargs):
        kwargs.update(zip(names, args))
        return module_class(**{k: v for k, v in kwargs.items() if v is not None})(x)
    return pool


def _numbers(operation):
    def compute(a, b):
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            raise ModelError("from_torch: this operation on a tensor is not supported")
        return operation(a, b)
    return compute


_ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "sigmoid": nn.Sigmoid,
                "tanh": nn.Tanh, "softmax": nn.Softmax, "log_softmax": nn.LogSoftmax,
                "relu6": nn.ReLU6, "hardswish": nn.Hardswish, "hardsigmoid": nn.Hardsigmoid,
                "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "mish": nn.Mish,
                "dropout": nn.Dropout, "softplus": nn.Softplus}

_METHODS = {
    "add": _merge(layers.Add, operator.add), "add_": _merge(layers.Add, operator.add),
    "mul": _merge(layers.Multiply, operator.mul), "mul_": _merge(layers.Multiply, operator.mul),
    "sub": _merge(layers.Subtract, operator.sub),
    "flatten": _flatten(0), "view": _reshape, "reshape": _reshape, "permute": _permute,
    "transpose": _transpose, "contiguous": _same, "size": _size, "dim": lambda x: len(x.shape),
    "relu": _elementwise(nn.ReLU), "relu_": _elementwise(nn.ReLU),
    "sigmoid": _elementwise(nn.Sigmoid), "tanh": _elementwise(nn.Tanh),
    "softmax": _elementwise(nn.Softmax), "float": _same, "to": _same, "type_as": _same,
    "clone": _same, "detach": _same, "mean": _mean, "unsqueeze": _unsqueeze,
    "squeeze": _squeeze,
}


def _function_table(torch) -> dict:
    F = torch.nn.functional
    table = {
        operator.add: _merge(layers.Add, operator.add), operator.iadd: _merge(layers.Add,
                                                                              operator.add),
        operator.mul: _merge(layers.Multiply, operator.mul),
        operator.sub: _merge(layers.Subtract, operator.sub),
        operator.truediv: _merge(None, operator.truediv),
        operator.floordiv: _numbers(floor_div),
        operator.getitem: _getitem, getattr: _getattr,
        torch.add: _merge(layers.Add, operator.add), torch.mul: _merge(layers.Multiply,
                                                                       operator.mul),
        torch.cat: _cat, torch.concat: _cat, torch.flatten: _flatten(0),
        torch.reshape: _reshape, torch.mean: _mean, torch.unsqueeze: _unsqueeze,
        torch.squeeze: _squeeze, torch.permute: _permute, torch.transpose: _transpose,
        F.adaptive_avg_pool1d: _pool(nn.AdaptiveAvgPool1d, ("output_size",)),
        F.adaptive_avg_pool2d: _pool(nn.AdaptiveAvgPool2d, ("output_size",)),
        F.adaptive_max_pool2d: _pool(nn.AdaptiveMaxPool2d, ("output_size",)),
        F.max_pool2d: _pool(nn.MaxPool2d, ("kernel_size", "stride", "padding", "dilation",
                                           "ceil_mode", "return_indices")),
        F.avg_pool2d: _pool(nn.AvgPool2d, ("kernel_size", "stride", "padding", "ceil_mode",
                                           "count_include_pad", "divisor_override")),
    }
    for name, module_class in _ACTIVATIONS.items():
        for namespace in (F, torch):
            function = getattr(namespace, name, None)
            if function is not None:
                table[function] = _elementwise(module_class)
    return table
