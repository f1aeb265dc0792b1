"""``from_keras``: a Keras 3 model (functional or sequential) as a symbolic symparams model.

Each Keras layer becomes the :mod:`symparams.layers` layer of the same class,
made from its ``get_config()``; the graph is walked as Keras runs it, so a
layer called twice is one layer, counted once. Nested models are taken
apart: their layers appear in the imported model, named ``inner.dense``::

    import keras
    from symparams import dims, from_keras

    T, d = dims("T d")
    net = keras.Sequential([keras.Input((None, 16)), keras.layers.Dense(64),
                            keras.layers.Dense(16)])
    from_keras(net, input_shape=(T, 16), dims={16: d}).params   # 64*(d + 1) + d*65

(Keras must be imported with ``KERAS_BACKEND`` set, so this is not run as a doctest.)

``input_shape`` leaves out the batch axis, as Keras's ``Input`` does; by
default it is the model's own input shape, which must then have no unknown
(``None``) sizes. ``dims`` (see :mod:`symparams.importers._dims`) turns
chosen widths (``units``, ``filters``, ...) or named arguments into symbols.
A layer class symparams does not have raises naming it.
"""

from __future__ import annotations

import math

from .. import layers
from ..errors import ArgumentTypeError, MissingDependencyError, ModelError, SymparamsError
from ..graph import Input, Model, Tensor
from ._dims import Renames

__all__ = ["from_keras"]

#: Configuration keys ``dims={64: F}`` replaces by value: sizes of tensor axes.
_WIDTHS = frozenset({"units", "filters", "output_dim", "input_dim", "key_dim", "value_dim",
                     "output_shape", "target_shape", "n"})


def from_keras(model, input_shape=None, *, dims=None, name=None) -> Model:
    """The symparams model of the Keras model ``model`` (see the module docstring)."""
    keras = _require_keras()
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"from_keras: `model` must be a keras.Model. Received: "
                                f"{model!r}", argument="model", value=model)
    renames = Renames(dims, widths=_WIDTHS, owner="from_keras")
    inputs = [Input(renames.size(shape)) for shape in _input_shapes(model, input_shape)]
    importer = _Importer(keras, renames)
    outputs = importer.run(model, inputs, prefix="")
    result = Model(inputs, outputs, name=name or model.name)
    importer.check_everything_counted(model)
    renames.check_all_used()
    return result


def _require_keras():
    try:
        import keras
    except ImportError as err:
        raise MissingDependencyError("from_keras needs Keras 3: pip install keras") from err
    return keras


def _input_shapes(model, input_shape) -> list[tuple]:
    """Each input's shape: ``input_shape`` or the model's own (batch left out)."""
    if input_shape is not None:
        if not isinstance(input_shape, (tuple, list)):
            raise ArgumentTypeError(f"from_keras: `input_shape` must be a tuple of sizes (or a "
                                    f"list of them). Received: input_shape={input_shape!r}",
                                    argument="input_shape", value=input_shape)
        several = isinstance(input_shape, list)
        return [tuple(s) for s in input_shape] if several else [tuple(input_shape)]
    try:
        tensors = model.inputs
    except (AttributeError, ValueError):
        tensors = None
    if not tensors:
        raise ModelError(f"from_keras: model '{model.name}' has no input yet; pass "
                         f"input_shape=(...) (the batch axis left out)")
    found = []
    for tensor in tensors:
        shape = tuple(tensor.shape[1:])
        if None in shape:
            raise ModelError(f"from_keras: input '{tensor.name}' of model '{model.name}' has "
                             f"unknown sizes {shape}; pass input_shape=(...) with symbols "
                             f"from symparams.dims for them")
        found.append(shape)
    return found


class _Importer:
    """One import: Keras layers made into symparams layers once each, called as Keras calls
    them."""

    def __init__(self, keras, renames: Renames):
        self.keras, self.renames = keras, renames
        self.made: dict[int, layers.Layer] = {}  # id(keras layer) -> its symparams layer
        self.counted: set[int] = set()  # ids of variables accounted for

    def run(self, model, inputs, *, prefix: str):
        """``model`` applied to symparams tensors: its graph, or its layers in order."""
        if isinstance(model, self.keras.Sequential):
            x = inputs[0]
            for layer in model.layers:
                x = self.call(layer, (x,), {}, prefix)
            return x
        if not hasattr(model, "_run_through_graph"):
            raise ModelError(f"from_keras: model '{model.name}' is a subclassed "
                             f"{type(model).__name__} with its own call(); only functional and "
                             f"sequential models have a graph to import")
        structure = inputs if len(inputs) > 1 else inputs[0]
        try:
            return model._run_through_graph(
                structure, call_fn=lambda op, *args, **kwargs: self.call(op, args, kwargs,
                                                                         prefix))
        except SymparamsError:
            raise
        except (AttributeError, TypeError) as err:
            raise ModelError(f"from_keras: cannot walk model '{model.name}' "
                             f"({type(model).__name__}): {err}") from None

    def call(self, op, args, kwargs, prefix):
        if isinstance(op, self.keras.layers.InputLayer):
            return args[0]
        if isinstance(op, self.keras.Model):
            tensors = [t for t in _flat(args) if isinstance(t, Tensor)]
            return self.run(op, tensors, prefix=f"{prefix}{op.name}.")
        if not isinstance(op, self.keras.layers.Layer):
            return _operation(op, args, prefix)
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        layer = self.made.get(id(op))
        if layer is None:
            layer, numeric = self._convert(op, prefix)
            self.made[id(op)] = layer
            self._check_weights(layer.name, numeric, op, args, kwargs)
        return layer(*args, **kwargs)

    def _convert(self, op, prefix):
        """The symparams layer for ``op``, and its twin with Keras's own numbers."""
        return self._from_config(type(op).__name__, type(op).__module__, _config(op), prefix)

    def _from_config(self, kind, module, config, prefix):
        cls = getattr(layers, kind, None)
        label = f"{prefix}{config.get('name')}"
        if cls is None or kind not in layers.__all__ or not module.startswith("keras"):
            raise ModelError(f"from_keras: layer '{label}' is a {module}.{kind}, which "
                             f"symparams does not import")
        renamed = {k: self.renames.value(config.get("name"), k, v) for k, v in config.items()
                   if k != "name"}
        mine, numeric = dict(renamed, name=label), dict(config, name=label)
        for key in ("layer", "backward_layer"):  # wrappers: the wrapped layers' own configs
            entry = config.get(key)
            if isinstance(entry, dict):
                mine[key], numeric[key] = self._from_config(
                    entry["class_name"], entry.get("module") or "", _plain_dtype(entry["config"]),
                    f"{label}.")
        try:
            return cls(**mine), cls(**numeric)
        except SymparamsError as err:
            raise err.in_layer(f"'{label}' ({kind})") from None

    def _check_weights(self, label, numeric, op, args, kwargs) -> None:
        """The twin made from the config, called on Keras's own input shapes, has exactly
        Keras's weight counts (a safety net: an argument read wrong never goes unnoticed)."""
        self.counted.update(id(v) for v in op.weights)
        if not op.built or not op._inbound_nodes:
            return  # Keras has made no weights to compare with yet
        known = iter(tuple(t.shape[1:]) for t in _flat(op._inbound_nodes[0].input_tensors))
        stand_ins = _map_tensors(args, lambda t: Input(tuple(
            ours if theirs is None else theirs for theirs, ours in zip(next(known), t.shape))))
        output = _flat(numeric(*stand_ins, **kwargs))[0]
        bound = output.node.bound
        theirs = (sum(math.prod(v.shape) for v in op.trainable_weights),
                  sum(math.prod(v.shape) for v in op.non_trainable_weights))
        mine = (bound.trainable_params, bound.non_trainable_params)
        if all(n.is_number for n in mine) and mine != theirs:
            raise ModelError(f"from_keras: layer '{label}' ({type(op).__name__}) has "
                             f"{theirs[0]} trainable and {theirs[1]} non-trainable weights in "
                             f"Keras, but symparams counts {mine[0]} and {mine[1]} for its "
                             f"config; it cannot be imported exactly")

    def check_everything_counted(self, model) -> None:
        for variable in model.weights:
            if id(variable) not in self.counted:
                raise ModelError(f"from_keras: weight '{variable.path}' is not created by any "
                                 f"layer symparams imported")


#: Keras operations (``x + y`` on Keras tensors) that are merges of two tensors.
_MERGES = {"Add": layers.Add, "Subtract": layers.Subtract, "Multiply": layers.Multiply}


def _operation(op, args, prefix):
    """A Keras operation that is not a layer: ``x + y``, ``x * y`` (a number leaves shapes)."""
    merge = _MERGES.get(type(op).__name__)
    if merge is None or len(args) != 2:
        raise ModelError(f"from_keras: operation '{prefix}{op.name}' is a "
                         f"{type(op).__module__}.{type(op).__name__}, which symparams does not "
                         f"import")
    tensors = [a for a in args if isinstance(a, Tensor)]
    return merge()(list(args)) if len(tensors) == 2 else tensors[0]


def _config(op) -> dict:
    """``op.get_config()`` with its dtype policy as a plain dtype name."""
    return _plain_dtype(op.get_config())


def _plain_dtype(config: dict) -> dict:
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = dtype.get("config", {}).get("name")
    return config


def _map_tensors(value, function):
    """``value`` with each symparams tensor in it replaced by ``function(tensor)``."""
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(v, function) for v in value)
    if isinstance(value, dict):
        return {k: _map_tensors(v, function) for k, v in value.items()}
    return function(value) if isinstance(value, Tensor) else value


def _flat(value):
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _flat(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _flat(item)]
    return [value]
