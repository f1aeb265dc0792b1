"""Memory as formulas: weights, gradients, optimizer state, activations, a KV cache.

>>> from symparams import Sequential, dims, layers
>>> H, W, F = dims("H W F")
>>> model = Sequential([layers.Conv2D(F, 3), layers.Flatten(), layers.Dense(10)],
...                    input_shape=(H, W, 3))
>>> model.params
28*F + 10*(F*(H - 2)*(W - 2) + 1)
>>> usage = model.memory(dtype="float32", optimizer="adam")
>>> usage.weights
4*(28*F + 10*(F*(H - 2)*(W - 2) + 1))
>>> usage.optimizer_state
8*(28*F + 10*(F*(H - 2)*(W - 2) + 1))
>>> usage.activation_elements
2*F*(H - 2)*(W - 2) + 10
>>> usage.subs(H=32, W=32, F=16).total
2426568

Bytes are counted exactly as stated in ``docs/conventions.md`` ("Memory"):
every weight in the dtype asked for (fixed-type buffers in their own type),
a gradient per trainable entry, the optimizer's states per trainable entry,
every layer's output kept for the backward pass, and the keys and values a
decoder's attention layers cache. Keras-style models (shapes without the
batch axis) give activations per example unless ``batch=`` is given;
PyTorch-style models carry the batch in their shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy

from . import arguments
from .calls import call_usage, layer_calls
from .dtypes import element_bytes, resolve_bytes
from .errors import ArgumentError, ArgumentTypeError, UnknownArgumentError
from .intmath import kept_product
from .layers.base import BoundLayer
from .model import BaseModel
from .printing import markdown_math, text
from .weights import count

__all__ = ["OPTIMIZER_STATES", "LayerMemory", "Memory", "memory"]

#: Per-element states each optimizer keeps for a trainable entry (as torch.optim and
#: keras.optimizers keep them with their default settings; scalar step counters aside).
OPTIMIZER_STATES = {
    "sgd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "lion": 1,
    "asgd": 1, "adam": 2, "adamw": 2, "adamax": 2, "nadam": 2, "radam": 2, "adadelta": 2,
    "rprop": 2, "ftrl": 2, "lamb": 2, "amsgrad": 3,
}


@dataclass(frozen=True)
class LayerMemory:
    """One row of :attr:`Memory.layers`: a layer's outputs, weights and cache.

    ``activation_elements`` sums the layer's outputs over its calls (a
    container's: its inner layers' outputs); ``kv_cache_elements`` the keys and
    values it caches; ``activations``, ``weights`` and ``kv_cache`` are bytes.
    """

    name: str
    class_name: str
    activation_elements: sympy.Expr
    activations: sympy.Expr
    weights: sympy.Expr
    kv_cache_elements: sympy.Expr
    kv_cache: sympy.Expr


def memory(model, dtype=None, *, optimizer=None, bytes_per_element=None, master_dtype=None,
           gradient_dtype=None, activation_dtype=None, batch=None, frozen=(),
           cached=None) -> "Memory":
    """The memory ``model`` needs, as formulas in its symbols (see :class:`Memory`).

    ``dtype`` is the weights' type, ``"float32"`` unless given (a name as numpy
    and torch spell it: ``"float32"``, ``"bfloat16"``, ``"int8"``, ..., or a torch
    or numpy dtype), or give ``bytes_per_element`` instead (``sympy.Rational(1, 2)``
    for 4-bit weights). Gradients have the weights' type unless ``gradient_dtype``
    says otherwise (Megatron-LM accumulates float32 gradients for bfloat16
    weights); activations and the KV cache too, unless ``activation_dtype`` does.

    ``optimizer`` makes it training: a name in :data:`OPTIMIZER_STATES`
    (``"sgd"``, ``"momentum"``, ``"adam"``, ``"adamw"``, ...) or the number of
    states kept per trainable entry. ``None`` (the default) is inference: no
    gradients, no optimizer state. ``master_dtype`` keeps a master copy of the
    trainable weights in that type, and the optimizer's states in it too (mixed
    precision: ``dtype="float16", master_dtype="float32", optimizer="adam"`` is
    2 + 2 + 4 + 4 + 4 = 16 bytes per parameter, the accounting of ZeRO, §3.1).

    ``frozen`` names layers (as ``model.layers`` names them) whose weights are not
    trained (PyTorch's ``layer.requires_grad_(False)``): they get no gradient and no optimizer
    state, as weights a layer declares non-trainable (Keras's ``trainable=False``,
    batch-norm statistics, PyTorch buffers) get none.

    ``cached`` names the layers whose keys and values are cached, every layer
    with attention by default. An encoder-decoder generates with its decoder
    only: ``cached=["decoder_block"]`` for :func:`~symparams.zoo.hf.T5Model`.

    ``batch`` multiplies activations and the KV cache of a Keras-style model
    (shapes without the batch axis; per example without it). PyTorch-style
    models have their batch in their shapes: substitute its symbol instead.

    >>> from symparams import Tensor, Model, dims, memory, nn
    >>> B, T, d = dims("B T d")
    >>> x = Tensor((B, T, d))
    >>> model = Model(x, nn.Linear(4 * d, d)(nn.GELU()(nn.Linear(d, 4 * d)(x))))
    >>> usage = memory(model, "bfloat16", optimizer="adam", master_dtype="float32")
    >>> usage.total
    18*B*T*d + 16*(4*d*(d + 1) + d*(4*d + 1))
    >>> usage.master_weights, usage.activations
    (4*(4*d*(d + 1) + d*(4*d + 1)), 18*B*T*d)
    """
    if not isinstance(model, (BaseModel, BoundLayer)):
        hint = " (call a module on a symparams.Tensor and build a Model)" if \
            hasattr(model, "module_weights") else ""
        raise ArgumentTypeError(f"memory: `model` must be a model or a bound layer{hint}. "
                                f"Received: {model!r}", argument="model", value=model)
    if dtype is None and bytes_per_element is None:
        dtype = "float32"
    size = resolve_bytes(dtype, bytes_per_element, owner="memory", argument="dtype")
    states = _states(optimizer)
    master = 0 if master_dtype is None else element_bytes(master_dtype, argument="master_dtype")
    active, gradient = (size if given is None else element_bytes(given, argument=argument)
                        for given, argument in ((activation_dtype, "activation_dtype"),
                                                (gradient_dtype, "gradient_dtype")))
    scale = _batch(model, batch)

    bounds = model.layers if isinstance(model, BaseModel) else (model,)
    kinds = {bound.name: bound.class_name for bound in bounds}
    weights = {bound.name: sum_bytes([bound.weights], size) for bound in bounds}
    frozen = _names(frozen, kinds, "frozen")
    cached = kinds if cached is None else _names(cached, kinds, "cached")
    zero = sympy.Integer(0)
    usage = {name: (zero, zero) for name in kinds}
    for name, bound, outer in layer_calls(model):
        elements, kv = call_usage(bound, outer)
        kv = kv if name in cached else zero
        usage[name] = (usage[name][0] + scale * elements, usage[name][1] + scale * kv)
    rows = tuple(LayerMemory(name, kinds[name], elements, _times(elements, active),
                             weights[name], kv, _times(kv, active))
                 for name, (elements, kv) in usage.items())

    trainable = sympy.Add(*(bound.trainable_params for bound in bounds
                            if bound.name not in frozen))
    training = optimizer is not None
    parts = dict(
        weights=sum_bytes([bound.weights for bound in bounds], size),
        gradients=_times(trainable, gradient) if training else zero,
        master_weights=_times(trainable, master) if training else zero,
        optimizer_state=_times(trainable, states * (master or size)) if training else zero,
        activation_elements=sympy.Add(*(row.activation_elements for row in rows)),
        kv_cache_elements=sympy.Add(*(row.kv_cache_elements for row in rows)))
    parts["activations"] = _times(parts["activation_elements"], active)
    parts["kv_cache"] = _times(parts["kv_cache_elements"], active)
    kept = ("weights", "gradients", "master_weights", "optimizer_state", "activations") \
        if training else ("weights", "kv_cache")
    parts["total"] = sympy.Add(*(parts[key] for key in kept))
    symbols = model.free_symbols if isinstance(model, BaseModel) else \
        model.layer.free_symbols
    return Memory(model.name, optimizer, rows, **parts, model_symbols=frozenset(symbols))


@dataclass(frozen=True)
class Memory:
    """A model's memory in bytes, each part a SymPy formula.

    - ``weights``: every weight and buffer (trainable or not), in ``dtype``;
      buffers of a fixed type (torch's ``num_batches_tracked``, int64) in theirs.
    - ``gradients``: one per trainable entry, in ``gradient_dtype`` (default
      ``dtype``; 0 for inference).
    - ``master_weights``: the trainable entries again, in ``master_dtype`` (0 without).
    - ``optimizer_state``: the optimizer's states per trainable entry, in
      ``master_dtype`` if given, else ``dtype``.
    - ``activation_elements`` and ``activations``: every layer's outputs, every
      call, as kept for the backward pass.
    - ``kv_cache_elements`` and ``kv_cache``: the keys and values every attention
      layer computes over its key positions, which a decoder caches to generate.
    - ``total``: for training, weights + gradients + master weights + optimizer
      state + activations; for inference, weights + KV cache.
    - ``layers``: a :class:`LayerMemory` per layer; ``optimizer`` as given
      (``None``: inference).
    """

    name: str
    optimizer: object
    layers: tuple
    weights: sympy.Expr
    gradients: sympy.Expr
    master_weights: sympy.Expr
    optimizer_state: sympy.Expr
    activation_elements: sympy.Expr
    activations: sympy.Expr
    kv_cache_elements: sympy.Expr
    kv_cache: sympy.Expr
    total: sympy.Expr
    #: The model's symbols: :meth:`subs` takes them all, also those the formulas lost.
    model_symbols: frozenset = field(default=frozenset(), repr=False)

    _FORMULAS = ("weights", "gradients", "master_weights", "optimizer_state",
                 "activation_elements", "activations", "kv_cache_elements", "kv_cache", "total")

    def subs(self, mapping=None, /, **values) -> "Memory":
        """Every formula with symbols replaced (by symbol or by name), rows included."""
        given = arguments.merged(mapping, values, owner="memory")
        symbols = set(self.model_symbols).union(
            *(getattr(self, key).free_symbols for key in self._FORMULAS))
        for row in self.layers:
            symbols |= row.weights.free_symbols
        swap = arguments.substitutions(given, symbols, owner=f"memory of '{self.name}'")
        rows = tuple(replace(row, **{key: getattr(row, key).xreplace(swap)
                                     for key in ("activation_elements", "activations",
                                                 "weights", "kv_cache_elements", "kv_cache")})
                     for row in self.layers)
        return replace(self, layers=rows,
                       **{key: getattr(self, key).xreplace(swap) for key in self._FORMULAS})

    def __str__(self) -> str:
        """A table of the layers (bytes of activations, weights, KV cache), then the parts."""
        mode = self._mode()
        header = ("Layer (type)", "Activations", "Weights", "KV cache")
        cells = [(f"{row.name} ({row.class_name})", text(row.activations), text(row.weights),
                  text(row.kv_cache)) for row in self.layers]
        widths = [max(len(r[i]) for r in [header] + cells) for i in range(4)]
        lines = [f'Memory of "{self.name}" ({mode}), in bytes',
                 "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        lines += [f" {_LABELS.get(key, key.replace('_', ' ').capitalize())}: "
                  f"{text(getattr(self, key))}"
                  for key in self._FORMULAS if not key.endswith("_elements")]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return f'**Memory of "{self.name}"** ({self._mode()}), in bytes\n\n{self.to_markdown()}'

    def _mode(self) -> str:
        return "inference" if self.optimizer is None else f"training with {self.optimizer}"

    def to_markdown(self) -> str:
        """The same table in Markdown, formulas as inline math (``$...$``); parts that are 0
        are left out. An inference total leaves the activations out (see :class:`Memory`).

        >>> from symparams import Sequential, dims, layers
        >>> n = dims("n")
        >>> print(Sequential([layers.Dense(n)], input_shape=(8,)).memory().to_markdown())
        | Layer (type) | Activations | Weights | KV cache |
        | :-- | --: | --: | --: |
        | `dense` (Dense) | $4 n$ | $36 n$ | $0$ |
        | **Weights** | | $36 n$ | |
        | **Activations** | | $4 n$ | |
        | **Total** (inference) | | $36 n$ | |
        """
        math, mode = markdown_math, self._mode()
        lines = ["| Layer (type) | Activations | Weights | KV cache |", "| :-- | --: | --: | --: |"]
        lines += [f"| `{row.name}` ({row.class_name}) | {math(row.activations)} | "
                  f"{math(row.weights)} | {math(row.kv_cache)} |" for row in self.layers]
        parts = [key for key in self._FORMULAS[:-1]
                 if not key.endswith("_elements") and getattr(self, key) != 0]
        lines += [f"| **{_LABELS.get(key, key.replace('_', ' ').capitalize())}** | | "
                  f"{math(getattr(self, key))} | |" for key in parts]
        lines.append(f"| **Total** ({mode}) | | {math(self.total)} | |")
        return "\n".join(lines)


_LABELS = {"kv_cache": "KV cache"}


def sum_bytes(groups, size) -> sympy.Expr:
    """Bytes of groups of weights (a layer's each) at ``size`` bytes per entry.

    Fixed-type weights count at their own size. Kept factored, each group's
    count as the layer gives it: ``4*(28*F + 10)`` reads "four bytes per parameter".
    """
    groups = [[w for w in group if not w.tied_to] for group in groups]
    fixed = sympy.Add(*(w.size * element_bytes(w.dtype) for group in groups for w in group
                        if w.dtype))
    own = sympy.Add(*(count(w for w in group if not w.dtype) for group in groups))
    return _times(own, size) + fixed


def _times(expr, factor) -> sympy.Expr:
    """``factor*expr`` without multiplying the factor into a sum."""
    return kept_product([factor, expr])


def check_options(options: dict, *, owner: str) -> dict:
    """``options`` for :func:`memory`, by name; an unknown name is an error naming ``owner``."""
    known = ("dtype", "optimizer", "bytes_per_element", "master_dtype", "gradient_dtype",
             "activation_dtype", "batch", "frozen", "cached")
    for key, value in options.items():
        if key not in known:
            raise UnknownArgumentError(f"{owner}: memory takes no option {key!r}; its options "
                                       f"are {', '.join(known)}", argument=str(key), value=value)
    return options


def _names(given, kinds, argument: str) -> frozenset:
    """The layer names ``given`` (a name or several), each one of the model's."""
    if not isinstance(given, (str, tuple, list, set, frozenset)):
        raise ArgumentTypeError(f"memory: `{argument}` must be a layer name or several. "
                                f"Received: {argument}={given!r}", argument=argument, value=given)
    names = (given,) if isinstance(given, str) else tuple(given)
    unknown = [n for n in names if not isinstance(n, str) or n not in kinds]
    if unknown:
        raise ArgumentError(f"memory: `{argument}` names layers the model does not have: "
                            f"{unknown}; its layers are {list(kinds)}", argument=argument,
                            value=given)
    return frozenset(names)


def _states(optimizer) -> int:
    if optimizer is None:
        return 0
    if isinstance(optimizer, int) and not isinstance(optimizer, bool) and optimizer >= 0:
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZER_STATES:
        return OPTIMIZER_STATES[optimizer.lower()]
    raise ArgumentError(f"memory: `optimizer` must be one of {', '.join(OPTIMIZER_STATES)}, "
                        "a number of states per trainable entry, or None (inference). "
                        f"Received: optimizer={optimizer!r}", argument="optimizer",
                        value=optimizer)


def _batch(model, batch):
    """The factor for activations: ``batch`` for a model without a batch axis, else 1."""
    if batch is None:
        return sympy.Integer(1)
    if isinstance(model, BaseModel):
        inputs = getattr(model, "inputs", None)
        batched = inputs[0].batched if inputs else \
            not all(bound.layer.batch_excluded for bound in model.layers)
    else:
        batched = not model.layer.batch_excluded
    if batched:
        raise ArgumentError(f"memory: model '{model.name}' has the batch axis in its shapes; "
                            "substitute its symbol instead of passing `batch`. "
                            f"Received: batch={batch!r}", argument="batch", value=batch)
    return arguments.size(batch, owner="memory", argument="batch")
