"""Sequential models: layers bound one after another to the shapes flowing through them.

>>> from symparams import Sequential, dims, layers
>>> H, W, C = dims("H W C")
>>> model = Sequential(input_shape=(H, W, C))
>>> model.add(layers.Conv2D(8, 3, padding="same"))
>>> model.add(layers.GlobalAveragePooling2D())
>>> [(layer.name, layer.output_shape) for layer in model.layers]
[('conv2d', (H, W, 8)), ('global_average_pooling2d', (8,))]
>>> model.params
8*(9*C + 1)

Each layer is bound once, when it is added, so building costs time linear in
depth. Totals are sums of the layers' own formulas, formed once and cached.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from . import arguments
from .conditions import Condition, settle
from .errors import ArgumentTypeError, ModelError, ShapeError
from .intmath import add
from .layers.base import BoundLayer, Layer, Namer, check_shape


class BaseModel:
    """What every model reports: bound layers, totals, summary, explanation.

    Subclasses provide ``layers`` (bound layers, each distinct layer once) and
    ``name``; totals are sums of the layers' own formulas, formed once and cached.
    """

    name: str
    _totals: dict

    @property
    def params(self) -> sympy.Expr:
        """Total parameter entries (Keras: ``count_params()``; PyTorch: ``parameters()``)."""
        return self._total("params")

    @property
    def trainable_params(self) -> sympy.Expr:
        return self._total("trainable_params")

    @property
    def non_trainable_params(self) -> sympy.Expr:
        return self._total("non_trainable_params")

    @property
    def buffers(self) -> sympy.Expr:
        """PyTorch buffer entries (running statistics); 0 for Keras layers."""
        return self._total("buffers")

    @property
    def non_embedding_params(self) -> sympy.Expr:
        """Parameters outside embedding tables (Kaplan et al.'s N; Hugging Face's
        ``num_parameters(exclude_embeddings=True)``): token and position tables left out."""
        return self.params - self._total("embedding_params")

    @property
    def conditions(self) -> tuple:
        """Conditions on the sizes that could not be decided symbolically, simplified.

        ``(layer name, condition)`` pairs in layer order: each symbol's tightest
        lower bound (``H >= 16``) and what no bound implies; see
        :mod:`symparams.validity`.
        """
        if "conditions" not in self._totals:
            from .validity import simplify
            self._totals["conditions"] = simplify(self._open_conditions() + self._ties())
        return self._totals["conditions"]

    def min_input_size(self, mapping: Mapping | None = None, /, **values) -> dict:
        """The smallest value of each input symbol for which every layer is valid.

        Every output dimension at least 1 and every recorded condition met: the
        structure's own minimum, not a framework's documented guard. ``values``
        fix other symbols the conditions use (or some inputs). Symbols sharing
        no condition are independent; see :mod:`symparams.validity` for those
        that share one.

        >>> from symparams.examples import reference_cnn
        >>> reference_cnn().min_input_size()
        {H: 16, W: 16, C: 1}
        """
        from .validity import min_input_size
        given = arguments.merged(mapping, values, owner=f"model '{self.name}'")
        return min_input_size(self, arguments.substitutions(given, self.free_symbols,
                                                            owner=f"model '{self.name}'"))

    def _open_conditions(self) -> list:
        """Every call's open conditions, as ``(bound layer, condition)``, in layer order."""
        return [(b, c) for b in self.layers for c in b.conditions]

    def _refuse(self, replacements: dict) -> None:
        """A :class:`ShapeError` naming the first layer whose condition ``replacements`` break."""
        for bound, condition in self._open_conditions():
            given = condition.subs(replacements)
            if given.holds() is False:
                values = ", ".join(f"{s}={replacements[s]}" for s in sorted(
                    condition.free_symbols & replacements.keys(), key=lambda s: s.name))
                raise ShapeError(f"{condition.meaning}: {condition} fails at {values} "
                                 f"({given.failure()})",
                                 layer=f"'{bound.name}' ({bound.class_name})")

    def _ties(self) -> list:
        """Each tied weight's source, found in this model, with as many entries (else an error).

        Returns the size equalities that stay open, as ``(bound layer, condition)``.
        """
        made = {f"{b.name}.{w.name}": w for b in self.layers for w in b.weights
                if not w.tied_to}
        kept = []
        for bound in self.layers:
            for weight in bound.weights:
                if not weight.tied_to:
                    continue
                full = f"{bound.name}.{weight.name}"
                scopes = full.split(".")[:-2]  # inside nested models, look there first
                candidates = [".".join(scopes[:i] + [weight.tied_to])
                              for i in range(len(scopes), -1, -1)]
                source = next((made[c] for c in candidates if c in made), None)
                if source is None:
                    raise ModelError(f"'{full}' is tied to '{weight.tied_to}', which is not a "
                                     f"weight of a layer in model '{self.name}'")
                try:
                    kept += [(bound, c) for c in settle([Condition.equal(
                        weight.size, source.size,
                        f"'{full}' is tied to '{weight.tied_to}', so it has as many entries")])]
                except ShapeError as err:
                    raise err.in_layer(f"'{bound.name}' ({bound.class_name})") from None
        return kept

    @property
    def macs(self) -> sympy.Expr:
        """Multiply-accumulates of a forward pass (see :mod:`symparams.compute`)."""
        from .compute import macs
        return macs(self)

    @property
    def flops(self) -> sympy.Expr:
        """FLOPs of a forward pass by the default convention: 2·MACs, bias adds excluded.

        Per example for Keras-style models (batch excluded), for the whole
        tensors for PyTorch-style ones; :func:`symparams.flops` for other conventions.
        """
        if "flops" not in self._totals:
            from .compute import flops
            self._totals["flops"] = flops(self)
        return self._totals["flops"]

    def _compute_calls(self, input_grad: bool = False) -> list:
        """``(layer name, compute terms, input requires grad)`` for every layer call, in order."""
        from .compute import sequence_calls
        return sequence_calls(self.layers, input_grad)

    def count_params(self) -> sympy.Expr:
        """Keras's name for :attr:`params`."""
        return self.params

    def _total(self, which: str) -> sympy.Expr:
        if not self._totals:
            self._ties()
        if which not in self._totals:
            self._totals[which] = add(getattr(b, which) for b in self.layers)
        return self._totals[which]

    def as_layer(self):
        """This model as one layer of another (the same object every time: shared weights)."""
        if getattr(self, "_layer", None) is None:
            from .repeat import Nested
            self._layer = Nested(self, name=self.name)
        return self._layer

    def __call__(self, inputs):
        """Use the model as a layer: ``outer_model = Model(x, inner_model(x))``."""
        return self.as_layer()(inputs)

    def summary(self):
        """A :class:`~symparams.summary.Summary` table of layers, shapes and counts."""
        from .summary import Summary
        return Summary(self)

    def _repr_html_(self) -> str | None:
        """In Jupyter, a model shows its summary table (a model not yet built shows its repr)."""
        try:
            summary = self.summary()
        except ModelError:
            return None
        return summary._repr_html_()

    def explain(self, **subs):
        """A readable derivation of every layer's count and the total."""
        from .explain import explain
        return explain(self, **subs)

    def to_spec(self) -> dict:
        """This model as a JSON-compatible spec; see :mod:`symparams.spec`."""
        from .spec import to_spec
        return to_spec(self)

    def memory(self, dtype=None, **options):
        """Bytes of weights, gradients, optimizer state, activations (:func:`symparams.memory`)."""
        from .memory import check_options, memory
        return memory(self, dtype, **check_options(options, owner="memory"))


class Sequential(BaseModel):
    """A stack of layers, each taking the previous one's output (Keras's ``Sequential``).

    ``input_shape`` excludes the batch axis; it can also be given to the first
    layer (``Conv2D(32, 5, input_shape=(28, 28, 1))``), as in Keras.
    """

    def __init__(self, layers=None, input_shape=None, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise ArgumentTypeError(f"Sequential: `name` must be a string. Received: name={name!r}",
                                    argument="name", value=name)
        self.name = name or "sequential"
        self._layers: list[Layer] = []
        self._layer_ids: set[int] = set()  # id() of each layer (equal layers may be distinct)
        self._bound: list[BoundLayer] = []
        self._namer = Namer()
        self._totals: dict[str, sympy.Expr] = {}
        self._input_shape = None if input_shape is None else \
            check_shape(input_shape, owner="Sequential", argument="input_shape")
        if layers is not None:
            if isinstance(layers, Layer) or not hasattr(layers, "__iter__"):
                raise ArgumentTypeError(
                    "Sequential: `layers` must be a list of layers. "
                    f"Received: layers={layers!r}", argument="layers", value=layers)
            for layer in layers:
                self.add(layer)

    def add(self, layer: Layer) -> None:
        """Append ``layer`` and bind it to the current output shape."""
        if not isinstance(layer, Layer):
            raise ArgumentTypeError(
                f"Sequential.add: expected a layer from symparams.layers. Received: {layer!r}",
                argument="layer", value=layer)
        if id(layer) in self._layer_ids:
            raise ModelError(
                f"this {type(layer).__name__} is already in model '{self.name}'; a Sequential "
                "model cannot use one layer twice. Create a second layer, or use a graph model "
                "to share weights")
        if not self._layers and self._input_shape is None:
            self._input_shape = layer.input_shape
        name = self._namer.name_for(layer)
        if self._input_shape is not None:
            try:
                self._bound.append(self._bind(layer, name))
            except ShapeError:
                self._namer.taken.discard(name)  # the layer was not added
                raise
        self._layers.append(layer)
        self._layer_ids.add(id(layer))
        self._totals.clear()

    def _bind(self, layer: Layer, name: str) -> BoundLayer:
        previous = self._bound[-1] if self._bound else None
        shape = previous.output_shape if previous else self._input_shape
        try:
            return layer.bind(shape, name)
        except ShapeError as err:
            source = (f"the output of '{previous.name}' ({previous.class_name})" if previous
                      else "the model's input")
            raise ShapeError(f"{err.message}; its input is {source}", layer=err.layer) from None

    # -- what a model reports -------------------------------------------------------------

    @property
    def layers(self) -> tuple[BoundLayer, ...]:
        """The layers, each bound to its input shape: name, shapes and counts."""
        self._require_shape()
        return tuple(self._bound)

    @property
    def input_shape(self) -> tuple:
        self._require_shape()
        return self._input_shape

    @property
    def output_shape(self) -> tuple:
        self._require_shape()
        return self._bound[-1].output_shape if self._bound else self._input_shape

    def _require_shape(self) -> None:
        if self._input_shape is None:
            raise ModelError(
                f"model '{self.name}' has no input shape: pass input_shape=(...) to "
                "Sequential or to its first layer (batch axis excluded)")

    @property
    def free_symbols(self) -> set:
        """Every symbol in the input shape and in the layers' arguments."""
        found = set()
        for size in self.input_shape:
            found |= size.free_symbols
        for layer in self._layers:
            found |= layer.free_symbols
        return found

    # -- operations -----------------------------------------------------------------------

    def subs(self, mapping: Mapping | None = None, /, **values) -> "Sequential":
        """The model with symbols replaced by values everywhere (input and layer arguments).

        Keys may be symbols or their names. Values that break a recorded
        condition (an output dimension below 1, say) raise
        :class:`~symparams.errors.ShapeError` naming the first such layer and
        the condition; every layer is then bound again.
        """
        replacements = self._replacements(mapping, values)
        self._refuse(replacements)
        model = Sequential(input_shape=tuple(s.xreplace(replacements) for s in self.input_shape),
                           name=self.name)
        for layer, bound in zip(self._layers, self._bound):
            model._add_named(layer.subs(replacements), bound.name)
        return model

    def _add_named(self, layer: Layer, name: str) -> None:
        self._namer.taken.add(name)
        self._bound.append(self._bind(layer, name))
        self._layers.append(layer)
        self._layer_ids.add(id(layer))

    def _replacements(self, mapping, values) -> dict:
        owner = f"model '{self.name}'"
        given = arguments.merged(mapping, values, owner=owner)
        return arguments.substitutions(given, self.free_symbols, owner=owner)

    def __repr__(self) -> str:
        if self._input_shape is None:
            return f"<Sequential '{self.name}': {len(self._layers)} layers, no input shape>"
        return (f"<Sequential '{self.name}': {len(self._layers)} layers, "
                f"params={self.params}>")
