"""The base of every layer: immutable arguments, formulas as methods of the input shape.

A layer is data. Its constructor checks and stores its arguments; what it
computes depends on the input shape it is given:

>>> from symparams import dims, layers
>>> H, W, C = dims("H W C")
>>> conv = layers.Conv2D(32, 5)
>>> conv.compute_output_shape((H, W, C))
(H - 4, W - 4, 32)
>>> conv.count_params((H, W, C))
32*(25*C + 1)

Counts are never written by hand: a layer declares its weights
(:meth:`Layer.declare_weights`) and :func:`symparams.weights.count` derives
every count from them. A model binds layers to shapes (:meth:`Layer.bind`)
and hands out :class:`BoundLayer` views.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from functools import lru_cache
from typing import ClassVar

import sympy

from .. import arguments
from ..errors import (
    ArgumentError, ArgumentTypeError, ModelError, ShapeError, UnknownArgumentError,
)
from ..conditions import Condition, settle
from ..dims import is_size_symbol
from ..intmath import integer_valued
from ..weights import Weight, count

# Keyword arguments every Keras layer accepts that change neither shape nor count.
_BASE_IGNORED = frozenset({"activity_regularizer", "autocast", "dtype"})
# Float dtypes (or policies) that keep weights as declared; quantized policies add weights.
_PLAIN_DTYPES = frozenset({
    None, "float16", "float32", "float64", "bfloat16", "mixed_float16", "mixed_bfloat16",
})


class Layer:
    """Base class of all layers.

    Subclasses define ``__init__`` (checking arguments with
    :mod:`symparams.arguments` and storing them with :meth:`_store`),
    :meth:`compute_output_shape` and, if they have weights,
    :meth:`declare_weights`.
    """

    #: Keyword arguments this layer accepts and ignores (initializers, ...).
    ignored_arguments: ClassVar[frozenset] = frozenset()
    #: For layers without weights: why there are none, in one sentence.
    no_weights_reason: ClassVar[str] = ""
    #: Keras layers see shapes without the batch axis; PyTorch modules see whole shapes.
    batch_excluded: ClassVar[bool] = True
    #: Several input tensors (a tuple of shapes) or one. (Several outputs: a list of shapes.)
    multiple_inputs: ClassVar[bool] = False
    #: Keyword arguments of a call that change nothing symparams computes.
    call_arguments: ClassVar[frozenset] = frozenset({"training", "mask"})
    #: For layers that multiply nothing (activations, pooling, reshapes): why their MACs are
    #: 0, in one sentence. A layer with neither weights, products nor this is unknown.
    no_macs_reason: ClassVar[str] = ""
    #: Call options that change only the compute (a causal mask), not the shapes.
    compute_options: ClassVar[frozenset] = frozenset()

    def __init__(self, *, name=None, trainable=True, input_shape=None, input_dim=None,
                 batch_input_shape=None, tied=None, **kwargs):
        owner = type(self).__name__
        unknown = {k: v for k, v in kwargs.items()
                   if k not in _BASE_IGNORED and k not in self.ignored_arguments}
        if unknown:
            raise UnknownArgumentError(
                f"Unrecognized keyword arguments passed to {owner}: {unknown}",
                argument=next(iter(unknown)), value=unknown)
        dtype = kwargs.get("dtype")
        if dtype is not None and (not isinstance(dtype, str) or dtype not in _PLAIN_DTYPES):
            raise ArgumentError(
                f"{owner}: only float dtypes are supported (quantized dtype policies add "
                f"weights symparams does not model yet). Received: dtype={dtype!r}",
                argument="dtype", value=dtype)
        if name is not None and not isinstance(name, str):
            raise ArgumentTypeError(f"{owner}: `name` must be a string. Received: name={name!r}",
                                    argument="name", value=name)
        argument = "input_shape"
        if input_dim is not None:
            input_shape, argument = (input_dim,), "input_dim"
        elif batch_input_shape is not None:
            if not isinstance(batch_input_shape, (tuple, list)):
                raise ArgumentTypeError(
                    f"{owner}: `batch_input_shape` must be a tuple (batch first). "
                    f"Received: batch_input_shape={batch_input_shape!r}",
                    argument="batch_input_shape", value=batch_input_shape)
            input_shape, argument = tuple(batch_input_shape)[1:], "batch_input_shape"
        if input_shape is not None:
            input_shape = check_shape(input_shape, owner=owner, argument=argument)
        object.__setattr__(self, "_config", {})
        self._store(name=name,
                    trainable=arguments.flag(trainable, owner=owner, argument="trainable"),
                    input_shape=input_shape)
        self._store_ties(tied)

    def _store_ties(self, tied) -> None:
        """Keep ``tied`` (set by :meth:`tie`) in the config, so replace and subs keep it."""
        if tied is not None:
            if not isinstance(tied, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in tied.items()):
                raise ArgumentTypeError(
                    f"{type(self).__name__}: `tied` maps weight names to 'layer.weight' names "
                    f"(set by .tie()). Received: tied={tied!r}", argument="tied", value=tied)
            self._store(tied=dict(tied))
        else:
            object.__setattr__(self, "tied", {})

    def tie(self, weight: str, source: "Layer", source_weight: str | None = None) -> "Layer":
        """This layer with its weight ``weight`` being ``source``'s ``source_weight``.

        The tied weight is counted once, in ``source`` (Keras shares a variable,
        PyTorch assigns ``head.weight = embedding.weight``, and both count it
        once). ``source`` must be named; the model checks it holds a layer of
        that name whose weight has as many entries, and its summary says which
        weight was tied.

        >>> from symparams import Input, Model, dims, layers
        >>> V, T, d = dims("V T d")
        >>> tokens = Input((T,))
        >>> wte = layers.Embedding(V, d, name="wte")
        >>> head = layers.Dense(V, use_bias=False, name="head").tie("kernel", wte, "embeddings")
        >>> Model(tokens, head(wte(tokens))).params
        V*d
        """
        owner = type(self).__name__
        if not isinstance(source, Layer):
            raise ArgumentTypeError(f"{owner}.tie: `source` must be a layer. "
                                    f"Received: source={source!r}", argument="source",
                                    value=source)
        if source.name is None:
            raise ArgumentError(f"{owner}.tie: the layer to tie to must have a name "
                                f"(name=...), so the model can find it. Received: {source!r}",
                                argument="source", value=source)
        for argument, value in (("weight", weight), ("source_weight", source_weight)):
            if value is not None and not isinstance(value, str):
                raise ArgumentTypeError(f"{owner}.tie: `{argument}` must be a weight's name. "
                                        f"Received: {argument}={value!r}", argument=argument,
                                        value=value)
        ties = dict(self.tied)
        ties[weight] = f"{source.name}.{source_weight or weight}"
        return self.replace(tied=ties)

    # -- construction helpers -------------------------------------------------------------

    def _store(self, **fields) -> None:
        """Record checked arguments: as attributes and in the config."""
        for key, value in fields.items():
            object.__setattr__(self, key, value)
            self._config[key] = value

    def __setattr__(self, key, value):
        raise AttributeError(f"{type(self).__name__} is immutable; use .replace({key}=...)")

    def get_config(self) -> dict:
        """The layer's arguments, checked and normalized (sizes as SymPy expressions)."""
        return dict(self._config)

    def replace(self, **changes) -> "Layer":
        """A new layer with some arguments changed (checked again).

        >>> from symparams import layers
        >>> layers.Dense(10).replace(units=20).units
        20
        """
        config = self.get_config()
        config.update(changes)
        return type(self)(**config)

    def subs(self, mapping) -> "Layer":
        """The layer with symbols replaced in every argument (checked again)."""
        check_mapping(mapping, owner=type(self).__name__)
        config = {k: _subs(v, mapping) for k, v in self._config.items()}
        if all(config[k] is self._config[k] for k in config):
            return self
        return type(self)(**config)

    @property
    def free_symbols(self) -> set:
        """Every symbol the layer's arguments use."""
        return _symbols_in(tuple(self._config.values()))

    def __repr__(self) -> str:
        defaults = {"name": None, "trainable": True, "input_shape": None, "tied": {}}
        shown = ", ".join(f"{k}={v!r}" for k, v in self._config.items()
                          if k not in defaults or v != defaults[k])
        return f"{type(self).__name__}({shown})"

    @property
    def display_type(self) -> str:
        """What summaries call the layer: its class name (a Repeat adds ``× L``)."""
        return type(self).__name__.lstrip("_")

    def __call__(self, inputs, **kwargs):
        """Apply the layer to a symbolic tensor (see :mod:`symparams.graph`)."""
        from ..graph import apply

        unknown = set(kwargs) - self.call_arguments
        if unknown:
            raise UnknownArgumentError(
                f"Unrecognized call arguments passed to {type(self).__name__}: "
                f"{sorted(unknown)}", argument=sorted(unknown)[0], value=kwargs)
        return apply(self, (inputs,))

    # -- formulas ---------------------------------------------------------------------------

    def compute_output_shape(self, input_shape: tuple, **options) -> tuple:
        """Output shape (batch excluded) for ``input_shape`` (batch excluded)."""
        raise NotImplementedError(f"{type(self).__name__} defines no output shape")

    def declare_weights(self, input_shape: tuple) -> tuple[Weight, ...]:
        """The weights this layer creates for ``input_shape``. None by default."""
        return ()

    def input_conditions(self, input_shape: tuple) -> tuple[Condition, ...]:
        """What the input must satisfy beyond its rank (``in_features`` equal to its last axis).

        Decided three-valued when the layer is bound (see :mod:`symparams.conditions`).
        """
        return ()

    def weight_uses(self, weight, input_shape, output_shape, **options) -> sympy.Expr:
        """At how many positions a ``product`` or ``bias`` weight without ``uses`` is used."""
        from ..compute import unknown
        raise unknown(self, "it does not say at how many positions its weights are used")

    def declare_products(self, input_shape, output_shape, **options) -> tuple:
        """Products that are not weights (attention's QKᵀ and AV), as compute terms."""
        return ()

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True,
                      **options) -> tuple:
        """Every compute term (:class:`symparams.compute.Term`) of one call of this layer.

        By default: the declared weights, each used as its role says, and
        :meth:`declare_products`. A layer with none of weights, products and
        :attr:`no_macs_reason` has no compute formula (an error, never 0).
        """
        from ..compute import unknown, weight_terms
        terms = weight_terms(self, input_shape, output_shape, weights, **options)
        terms += tuple(self.declare_products(input_shape, output_shape, **options))
        if not weights and type(self).declare_products is Layer.declare_products and \
                not self.no_macs_reason:
            raise unknown(self)
        return terms

    def count_params(self, input_shape: tuple) -> sympy.Expr:
        """Number of weight entries for ``input_shape``."""
        input_shape = self._checked_shape(input_shape, type(self).__name__)
        return count(w for w in self._weights(input_shape) if not w.buffer)

    def _weights(self, input_shape) -> tuple[Weight, ...]:
        weights = self.declare_weights(tuple(input_shape))
        if self.tied:
            weights = self._apply_ties(weights)
        if self.trainable:
            return weights
        return tuple(_frozen(w) for w in weights)

    def _apply_ties(self, weights) -> tuple[Weight, ...]:
        names = [w.name for w in weights]
        unknown = set(self.tied) - set(names)
        if unknown:
            name = sorted(unknown)[0]
            raise ArgumentError(f"{type(self).__name__}.tie: this layer has no weight "
                                f"{name!r}; its weights are {names}", argument="weight",
                                value=name)
        return tuple(dataclasses.replace(w, tied_to=self.tied[w.name]) if w.name in self.tied
                     else w for w in weights)

    def bind(self, input_shape, name: str | None = None, **options) -> "BoundLayer":
        """This layer applied to ``input_shape``: a view with shapes and counts.

        A layer with several inputs (``multiple_inputs``) takes a tuple of
        shapes; one with several outputs gives a list of output shapes.
        ``options`` are call options that change shapes (attention weights
        returned or not, say), passed on to :meth:`compute_output_shape`.
        Raises :class:`~symparams.errors.ShapeError` when the layer cannot take
        the shape or an output dimension would fall below 1; an output
        dimension that may (``H - 4`` for a 5×5 convolution) is kept as a
        condition, ``H - 4 >= 1``, with the input's own open conditions.
        """
        name = name or self.name or snake_case(type(self).__name__)
        owner = type(self).__name__
        input_shape = self._checked_shape(input_shape, owner)
        shape_options = {k: v for k, v in options.items() if k not in self.compute_options}
        if shape_options:
            _check_options(self, shape_options)
        try:
            conditions = settle(self.input_conditions(input_shape))
            output = self.compute_output_shape(input_shape, **shape_options)
            if isinstance(output, list):
                output_shape = [_as_shape(s, owner) for s in output]
                for i, shape in enumerate(output_shape):
                    conditions += _check_output(shape, input_shape, f"output {i}'s dimension")
            else:
                output_shape = _as_shape(output, owner)
                conditions += _check_output(output_shape, input_shape)
            weights = self._weights(input_shape)
        except ShapeError as err:
            raise err.in_layer(f"'{name}' ({owner})") from None
        return BoundLayer(self, name, input_shape, output_shape, weights, conditions, options)

    def _checked_shape(self, input_shape, owner: str) -> tuple:
        """``input_shape`` as a tuple of SymPy sizes (a tuple of those, for several inputs)."""
        if not self.multiple_inputs:
            return _as_shape(input_shape, owner)
        if not isinstance(input_shape, (tuple, list)) or not input_shape:
            raise ShapeError(f"{owner} takes a tuple of input shapes, one per input. "
                             f"Received: {input_shape!r}")
        return tuple(_as_shape(s, owner) for s in input_shape)

    # -- helpers for subclasses -------------------------------------------------------------

    def _expect_inputs(self, input_shapes, count: int) -> None:
        """A :class:`ShapeError` unless a layer of several inputs got ``count`` of them."""
        if len(input_shapes) != count:
            raise ShapeError(f"expects {count} inputs; received {len(input_shapes)}: "
                             + ", ".join(format_shape(s) for s in input_shapes))

    def _expect_rank(self, input_shape, rank: int | None = None, *, min_rank: int = 1,
                     what: str = "") -> None:
        n = len(input_shape)
        if (rank is not None and n != rank) or n < min_rank:
            wanted = f"rank {rank}" if rank is not None else f"rank at least {min_rank}"
            detail = f" ({what})" if what else ""
            raise ShapeError(
                f"expects an input of {wanted}{detail}, batch excluded; "
                f"received an input of rank {n}: {format_shape(input_shape)}")


class BoundLayer:
    """A layer bound to an input shape, as a model hands it out.

    Everything is a SymPy expression; shapes are tuples of them. Attribute
    access falls through to the layer's arguments (``bound.filters``).
    """

    __slots__ = ("layer", "name", "input_shape", "output_shape", "weights", "conditions",
                 "options", "batch")

    def __init__(self, layer: Layer, name: str, input_shape: tuple, output_shape: tuple,
                 weights: tuple[Weight, ...], conditions: tuple[Condition, ...] = (),
                 options: dict | None = None, batch=None):
        self.layer = layer
        self.name = name
        self.input_shape = input_shape
        self.output_shape = output_shape
        self.weights = weights
        self.conditions = conditions
        #: The call's options (attention scores returned, a causal mask), as bound.
        self.options = dict(options or {})
        #: For a Keras layer called on a PyTorch-style tensor: the batch axis's size, which
        #: the shapes include and the layer's own formulas do not.
        self.batch = batch

    def renamed(self, name: str) -> "BoundLayer":
        """The same binding under another name (models name layers when they assemble)."""
        return BoundLayer(self.layer, name, self.input_shape, self.output_shape, self.weights,
                          self.conditions, self.options, self.batch)

    @property
    def macs(self) -> sympy.Expr:
        """Multiply-accumulates of this call (see :mod:`symparams.compute`)."""
        from ..compute import macs
        return macs(self)

    @property
    def flops(self) -> sympy.Expr:
        """FLOPs of this call by the default convention: 2·MACs, bias adds excluded."""
        from ..compute import flops
        return flops(self)

    @property
    def params(self) -> sympy.Expr:
        """Parameter entries (Keras: every weight; PyTorch: ``parameters()``, no buffers)."""
        return count(w for w in self.weights if not w.buffer)

    @property
    def trainable_params(self) -> sympy.Expr:
        return count(w for w in self.weights if w.trainable and not w.buffer)

    @property
    def non_trainable_params(self) -> sympy.Expr:
        return count(w for w in self.weights if not w.trainable and not w.buffer)

    @property
    def embedding_params(self) -> sympy.Expr:
        """Parameter entries in embedding tables."""
        return count(w for w in self.weights if w.embedding and not w.buffer)

    @property
    def buffers(self) -> sympy.Expr:
        """PyTorch buffer entries (running statistics, ``num_batches_tracked``)."""
        return count(w for w in self.weights if w.buffer)

    @property
    def class_name(self) -> str:
        """The layer's class name (a private class, ``_LayerScale``, without its underscore)."""
        return type(self.layer).__name__.lstrip("_")

    def explain(self, **subs):
        """A readable derivation of this layer's counts; see :func:`symparams.explain`."""
        from ..explain import explain
        return explain(self, **subs)

    def _repr_latex_(self) -> str:
        """In Jupyter, a bound layer shows its derivation."""
        return self.explain()._repr_latex_()

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        return getattr(self.layer, key)

    def __repr__(self) -> str:
        return (f"<{self.name} ({self.class_name}): {format_shape(self.input_shape)} -> "
                f"{format_shape(self.output_shape)}, params={self.params}>")


def check_mapping(mapping, *, owner: str) -> None:
    """A layer's ``subs`` mapping: symbols to sizes (ints or SymPy expressions, never strings)."""
    if not isinstance(mapping, dict) or not all(
            isinstance(k, sympy.Symbol) and isinstance(v, (int, sympy.Expr))
            and not isinstance(v, bool) for k, v in mapping.items()):
        raise ArgumentTypeError(f"{owner}.subs: `mapping` must map symbols to sizes. "
                                f"Received: {mapping!r}", argument="mapping", value=mapping)


def check_shape(shape, *, owner: str, argument: str) -> tuple:
    """A batchless shape: a tuple of sizes (an int alone means a shape of rank 1)."""
    if isinstance(shape, (tuple, list)):
        if not shape:
            raise ArgumentError(f"{owner}: `{argument}` must not be empty. "
                                f"Received: {argument}={shape!r}", argument=argument, value=shape)
        if any(s is None for s in shape):
            raise ArgumentError(
                f"{owner}: `{argument}` must not contain None; use a symbol from "
                f"symparams.dims(...) for a free dimension. Received: {argument}={shape!r}",
                argument=argument, value=shape)
        return tuple(arguments.size(s, owner=owner, argument=argument) for s in shape)
    return (arguments.size(shape, owner=owner, argument=argument),)


def keras_axis(axis: int, input_shape: tuple) -> int:
    """``axis`` in Keras numbering (0 is the batch) as a non-negative index with the batch.

    >>> keras_axis(-1, (28, 28, 3)), keras_axis(1, (3, 28, 28))
    (3, 1)
    """
    rank = len(input_shape) + 1
    if not -rank <= axis < rank:
        raise ShapeError(f"axis={axis} is out of range for an input of rank {rank} "
                         f"(batch included): {format_shape(input_shape)}")
    return axis % rank


def format_shape(shape) -> str:
    """``(H, W, 3)``: a shape as plain text."""
    inner = ", ".join(str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


class Namer:
    """Unique Keras-like names within one model: ``conv2d``, ``conv2d_1``, ..."""

    def __init__(self):
        self.taken: set[str] = set()
        self._next: dict[str, int] = {}

    def name_for(self, layer: "Layer") -> str:
        """Claim the layer's own name (unique or an error) or the next free default name."""
        if layer.name is not None:
            if layer.name in self.taken:
                raise ModelError(
                    "All layers added to a model should have unique names. "
                    f"Name '{layer.name}' is already the name of a layer in this model.")
            self.taken.add(layer.name)
            return layer.name
        base = snake_case(type(layer).__name__)
        n = self._next.get(base, 0)
        name = base if n == 0 else f"{base}_{n}"
        while name in self.taken:  # only past names the user gave
            n += 1
            name = f"{base}_{n}"
        self._next[base] = n + 1
        self.taken.add(name)
        return name


_WORD = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL = re.compile(r"([a-z])([A-Z])")


@lru_cache(maxsize=None)
def snake_case(name: str) -> str:
    """Keras's default layer names: ``MaxPooling2D`` -> ``max_pooling2d``.

    A private class (``_LayerScale``) is named as a public one would be: ``layer_scale``.
    """
    name = _WORD.sub(r"\1_\2", name.lstrip("_"))
    return _CAMEL.sub(r"\1_\2", name).lower()


def _check_options(layer: Layer, options: dict) -> None:
    """Call options ``compute_output_shape`` takes; another is an error naming the layer."""
    parameters = inspect.signature(layer.compute_output_shape).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    for key in options:
        if key not in parameters:
            raise UnknownArgumentError(f"{type(layer).__name__} takes no call option {key!r}",
                                       argument=key, value=options[key])


def _as_shape(shape, owner: str) -> tuple:
    if not isinstance(shape, (tuple, list)):
        raise ShapeError(f"{owner} takes a shape: a tuple of sizes. Received: {shape!r}")
    shape = tuple(shape)
    if all(isinstance(s, sympy.Expr) and integer_valued(s) for s in shape):
        return shape
    return check_shape(shape, owner=owner, argument="input_shape") if shape else shape


def _check_output(output_shape, input_shape, what: str = "output dimension") -> tuple:
    """An error for a dimension provably below 1; a condition for each one that may be.

    A dimension passed on from the input is not recorded again: it was the input's.
    """
    open_ = []
    given = set(input_shape) if all(isinstance(s, sympy.Expr) for s in input_shape) else \
        {size for shape in input_shape for size in shape}
    for axis, size in enumerate(output_shape):
        positive = _is_positive(size)
        if positive is False:
            raise ShapeError(
                f"output dimension {axis} would be {size}, below 1, for input shape "
                f"{format_shape(input_shape)}")
        if positive is None and size not in given:
            open_.append(Condition.at_least(size, 1, f"{what} {axis} must be at least 1"))
    return tuple(open_)


def _is_positive(size) -> bool | None:
    """``size.is_positive``, at once for ``x + c`` (``x`` a size symbol, ``c`` an integer).

    ``x + c`` is positive for every ``x`` when ``c >= 0`` and undecided otherwise: the answer
    SymPy reaches through derivatives and substitutions, a few milliseconds each time (``H - 2``
    after a valid 3x3 convolution).
    """
    if size.is_Add:
        c, x = size.as_coeff_Add()
        if c.is_Integer and is_size_symbol(x):
            return True if c >= 0 else None
    return size.is_positive


def _frozen(weight: Weight) -> Weight:
    return dataclasses.replace(weight, trainable=False)


def _symbols_in(value) -> set:
    """Symbols anywhere in an argument: an expression, or tuples of them nested."""
    if isinstance(value, tuple):
        return set().union(*(_symbols_in(v) for v in value)) if value else set()
    return set(value.free_symbols) if isinstance(value, sympy.Basic) else set()


def _subs(value, mapping):
    if isinstance(value, tuple):
        items = tuple(_subs(v, mapping) for v in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    if isinstance(value, sympy.Basic) and value.free_symbols & mapping.keys():
        return value.xreplace(mapping)
    return value
