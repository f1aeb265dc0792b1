"""Models as specs: JSON-compatible dicts (and JSON, TOML or YAML files) that round-trip.

>>> from symparams import Sequential, dims, layers, load_spec
>>> from symparams.spec import to_spec
>>> H, W, C = dims("H W C")
>>> model = Sequential([layers.Conv2D(32, 5), layers.MaxPooling2D(), layers.Flatten(),
...                     layers.Dense(10)], input_shape=(H, W, C))
>>> spec = to_spec(model)
>>> spec["dims"], spec["inputs"]
(['C', 'H', 'W'], [{'shape': ['H', 'W', 'C']}])
>>> spec["layers"][0]["type"], spec["layers"][0]["args"]["kernel_size"]
('layers.Conv2D', [5, 5])
>>> load_spec(spec).params == model.params
True

A spec is untrusted input: every field is checked, formulas are read by
:func:`symparams.parse` (never ``eval`` or ``sympify``), and anything outside the
schema raises :class:`~symparams.errors.SpecError` (a ``ValueError``) naming the
field; layers check their own arguments (:class:`~symparams.errors.ArgumentError`).

The schema (version 1)::

    version  1 (required)
    kind     "sequential" or "graph" (required)
    name     the model's name (optional; an identifier)
    dims     names of the dimension symbols the formulas use (identifiers)
    inputs   sequential: [{"shape": [size, ...]}]
             graph: [{"name": id, "shape": [size, ...], "batched": bool}, ...]
             (batched false: a Keras ``Input``, batch left out; true: a PyTorch ``Tensor``)
    layers   [{"type": "layers.Dense" | "nn.Linear" | "Repeat" | "Nested",
               "name": id, "args": {argument: value, ...}}, ...]
    calls    graph only, in call order: [{"layer": id, "inputs": [ref, ...],
                                          "options": {...}}, ...]
    outputs  graph only: [ref, ...]

A ``ref`` names a tensor: an input's name, or ``layer`` (its first call's first
output) or ``layer[i][j]`` (output ``j`` of call ``i``), as Keras's "connected
to". A ``size`` is an integer or a formula string. Argument values are JSON
values: integers, finite floats, booleans, null, lists (tuples), and strings;
a string is a dimension if it is a declared dim's name, a formula (read by
:func:`~symparams.parse`) if it is made only of digits, names, spaces and
``+ - * / ( ) ,`` and is not a bare name, and otherwise stays a string (an
activation's name, an einsum equation) for the layer to check. An argument
holding a layer is ``{"layer": {type, name, args}}``, one holding a model is
``{"model": spec}``.
"""

from __future__ import annotations

import json
import math
import os
import re

import sympy

from . import layers as _layers
from . import nn as _nn
from .dims import dims as _make_dims
from .errors import (
    MissingDependencyError, ModelError, ParseError, SpecError, SymparamsError, UnknownArgumentError,
)
from .parsing import MAX_BITS, formula_text, parse

__all__ = ["SPEC_VERSION", "load_spec", "to_spec"]

SPEC_VERSION = 1
#: Bounds on what a spec may hold, so that hostile input fails fast.
MAX_FILE_BYTES = 10_000_000
MAX_VALUES = 1_000_000
MAX_NESTING = 20
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FORMULA = re.compile(r"[0-9A-Za-z_+\-*/(), \t]+\Z")
_REF = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\]\[([0-9]+)\])?\Z")
_TOP_KEYS = {"sequential": {"version", "kind", "name", "dims", "inputs", "layers"},
             "graph": {"version", "kind", "name", "dims", "inputs", "layers", "calls",
                       "outputs"}}
_NOT_LAYERS = {"Layer", "BoundLayer", "Module", "Sequential"}


# -- writing --------------------------------------------------------------------------------

def to_spec(model) -> dict:
    """``model`` as a JSON-compatible dict; :func:`load_spec` gives an equal model back.

    Raises :class:`~symparams.errors.ModelError` for what the schema cannot hold
    (a private layer class of a zoo builder, a formula outside the grammar).
    """
    from .graph import Model
    from .model import Sequential

    if isinstance(model, Sequential):
        spec = {"version": SPEC_VERSION, "kind": "sequential", "name": model.name}
        spec["dims"] = _dim_names(model)
        spec["inputs"] = [{"shape": [_write_value(s) for s in model.input_shape]}]
        spec["layers"] = [_write_layer(b.layer, b.name) for b in model.layers]
        return spec
    if isinstance(model, Model):
        return _write_graph(model)
    raise ModelError(f"to_spec: expected a Sequential or Model. Received: {model!r}")


def _dim_names(model) -> list:
    for symbol in model.free_symbols:
        _writable_name(symbol.name, "dimension")
        if symbol != _make_dims(symbol.name):
            raise ModelError(f"to_spec: the symbol {symbol.name} is not a dimension made by "
                             "symparams.dims (a positive integer), which is what a spec "
                             "reads back")
    return sorted(s.name for s in model.free_symbols)


def _writable_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ModelError(f"to_spec: the {what} name {name!r} is not an identifier "
                         "([A-Za-z_][A-Za-z0-9_]*), which specs require")
    return name


def _write_graph(model) -> dict:
    names = {b.layer: b.name for b in model.layers}
    refs, calls_made, calls = {}, {}, []
    inputs = []
    for i, tensor in enumerate(model.inputs):
        name = tensor.name or ("input_layer" if i == 0 else f"input_layer_{i}")
        refs[tensor] = name
        inputs.append({"name": _writable_name(name, "input"), "shape": [_write_value(s) for s in tensor.shape],
                       "batched": tensor.batched})
    for node in model._nodes:
        name = names[node.layer]
        index = calls_made.get(name, 0)
        calls_made[name] = index + 1
        call = {"layer": name, "inputs": [refs[t] for t in node.inputs]}
        if node.kwargs:
            call["options"] = {k: _write_value(v) for k, v in node.kwargs.items()}
        calls.append(call)
        for j, tensor in enumerate(node.outputs):
            refs[tensor] = name if index == j == 0 else f"{name}[{index}][{j}]"
    return {"version": SPEC_VERSION, "kind": "graph", "name": model.name,
            "dims": _dim_names(model), "inputs": inputs,
            "layers": [_write_layer(b.layer, b.name) for b in model.layers],
            "calls": calls, "outputs": [refs[t] for t in model.outputs]}


def _write_layer(layer, name: str) -> dict:
    from .repeat import Nested, Repeat

    cls = type(layer)
    if cls is Repeat or cls is Nested:
        type_name = cls.__name__
    elif getattr(_layers, cls.__name__, None) is cls and cls.__name__ in _layers.__all__:
        type_name = f"layers.{cls.__name__}"
    elif getattr(_nn, cls.__name__, None) is cls and cls.__name__ in _nn.__all__:
        type_name = f"nn.{cls.__name__}"
    else:
        raise ModelError(f"to_spec: layer '{name}' is a {cls.__name__}, which specs cannot "
                         "describe (only classes of symparams.layers and symparams.nn, Repeat "
                         "and nested models)")
    args = {k: _write_value(v) for k, v in layer.get_config().items() if k != "name"}
    return {"type": type_name, "name": _writable_name(name, "layer"), "args": args}


def _write_value(value):
    from .layers.base import Layer
    from .model import BaseModel

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, (tuple, list)):
        return [_write_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _write_value(v) for k, v in value.items()}
    if isinstance(value, sympy.Integer):
        return int(value)
    if isinstance(value, sympy.Float):
        return float(value)
    if isinstance(value, sympy.Expr):
        return _write_formula(value)
    if isinstance(value, BaseModel):
        return {"model": to_spec(value)}
    if isinstance(value, Layer):
        return {"layer": _write_layer(value, value.name or "layer")}
    raise ModelError(f"to_spec: cannot write the value {value!r} ({type(value).__name__})")


def _write_formula(expr: sympy.Expr) -> str:
    text = formula_text(expr)
    try:
        again = parse(text, dims=sorted(expr.free_symbols, key=lambda s: s.name))
    except ParseError as err:
        raise ModelError(f"to_spec: the formula {expr} cannot be written in the spec "
                         f"grammar ({err.message})") from None
    if again != expr:
        raise ModelError(f"to_spec: the formula {expr} does not read back the same "
                         f"(it reads {again})")
    return text


# -- reading --------------------------------------------------------------------------------

def load_spec(source):
    """A model from a spec: a dict, or the path of a ``.json``, ``.toml``, ``.yaml``/``.yml`` file.

    >>> from symparams import load_spec
    >>> model = load_spec({"version": 1, "kind": "sequential", "dims": ["d"],
    ...                    "inputs": [{"shape": ["d"]}],
    ...                    "layers": [{"type": "layers.Dense", "name": "up",
    ...                                "args": {"units": "4*d"}}]})
    >>> model.params
    4*d*(d + 1)
    >>> load_spec({"version": 1, "kind": "sequential", "dims": ["d"], "inputs": [],
    ...            "layers": [], "extra": 1})
    Traceback (most recent call last):
    ...
    symparams.errors.SpecError: spec (top level): unknown key 'extra'; allowed: dims, inputs, kind, layers, name, version
    """
    if isinstance(source, dict):
        return _Reader().model(source, "")
    if isinstance(source, (str, os.PathLike)):
        return _Reader().model(read_spec_file(source), "")
    raise SpecError(f"load_spec takes a dict or a file path. Received: {type(source).__name__}")


def read_spec_file(path) -> dict:
    """The dict in a JSON, TOML or YAML spec file (chosen by its extension)."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".json", ".toml", ".yaml", ".yml"):
        raise SpecError(f"a spec file must end in .json, .toml, .yaml or .yml. "
                        f"Received: {path!r}")
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise SpecError(f"the spec file {path!r} is larger than {MAX_FILE_BYTES} bytes")
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as err:
        raise SpecError(f"cannot read {path!r}: {err.strerror}") from None
    try:
        text = raw.decode("utf-8")
        if suffix == ".json":
            data = json.loads(text, parse_constant=_no_constant)
        elif suffix == ".toml":
            import tomllib  # only TOML specs need it (it costs a few ms to import)

            data = tomllib.loads(text)
        else:
            data = _yaml_load(text)
    except SpecError:
        raise
    except (ValueError, RecursionError) as err:  # JSONDecodeError, TOMLDecodeError, Unicode
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise SpecError(f"{path!r} is not valid {suffix[1:].upper()}: {first}") from None
    if not isinstance(data, dict):
        raise SpecError(f"{path!r} must hold a table (a mapping) at the top level")
    return data


def _no_constant(name):
    raise SpecError(f"{name} is not a number a spec may hold")


def _yaml_load(text: str):
    try:
        import yaml
    except ImportError:
        raise MissingDependencyError("reading YAML specs needs PyYAML: pip install "
                                     "symparams[yaml]") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ValueError(str(err)) from None


class _Reader:
    """One load: the declared dims, and the checks of every field."""

    def __init__(self, symbols: dict | None = None, depth: int = 0, budget: list | None = None):
        self.symbols = dict(symbols or {})
        self.depth = depth  # of values, layers and models within each other
        self.budget = budget if budget is not None else [MAX_VALUES]

    def deeper(self, where: str) -> int:
        if self.depth >= MAX_NESTING:
            raise SpecError(f"values, layers and models nest deeper than {MAX_NESTING} levels",
                            where=where)
        return self.depth + 1

    def spend(self, where: str) -> None:
        """Count one value read; a spec may hold :data:`MAX_VALUES` (YAML aliases included)."""
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise SpecError(f"the spec holds more than {MAX_VALUES} values", where=where)

    def model(self, spec, where: str):
        from .model import Sequential

        self.mapping(spec, where)
        kind = spec.get("kind")
        if not isinstance(kind, str) or kind not in _TOP_KEYS:
            raise SpecError(f"`kind` must be 'sequential' or 'graph'. Received: {kind!r}",
                            where=_at(where, "kind"))
        self.keys(spec, _TOP_KEYS[kind], where, required=_TOP_KEYS[kind] - {"name"})
        if type(spec["version"]) is not int or spec["version"] != SPEC_VERSION:
            raise SpecError(f"this symparams reads spec version {SPEC_VERSION}. Received: "
                            f"{spec['version']!r}", where=_at(where, "version"))
        name = self.name(spec["name"], _at(where, "name")) if "name" in spec else None
        self.declare(spec["dims"], _at(where, "dims"))
        entries = self.list(spec["layers"], _at(where, "layers"))
        built = [self.layer(entry, f"{_at(where, 'layers')}[{i}]")
                 for i, entry in enumerate(entries)]
        if len(dict(built)) != len(built):
            raise SpecError("two layers have the same name", where=_at(where, "layers"))
        if kind == "graph":
            return self.graph(spec, dict(built), name, where)
        inputs = self.list(spec["inputs"], _at(where, "inputs"))
        if len(inputs) != 1:
            raise SpecError("a sequential model has exactly one input",
                            where=_at(where, "inputs"))
        self.keys(inputs[0], {"shape"}, _at(where, "inputs[0]"), required={"shape"})
        shape = self.shape(inputs[0]["shape"], _at(where, "inputs[0].shape"))
        return Sequential([layer for _, layer in built], input_shape=shape, name=name)

    def graph(self, spec, layers: dict, name, where: str):
        from .graph import Model, Tensor, apply

        tensors = {}
        inputs = []
        for i, entry in enumerate(self.list(spec["inputs"], _at(where, "inputs"))):
            here = f"{_at(where, 'inputs')}[{i}]"
            self.keys(entry, {"name", "shape", "batched"}, here, required={"name", "shape"})
            input_name = self.name(entry["name"], here + ".name")
            batched = entry.get("batched", False)
            if not isinstance(batched, bool):
                raise SpecError(f"must be true or false. Received: {batched!r}",
                                where=here + ".batched")
            if input_name in tensors or input_name in layers:
                raise SpecError(f"the name {input_name!r} is taken", where=here + ".name")
            tensor = Tensor(self.shape(entry["shape"], here + ".shape"), name=input_name,
                            batched=batched)
            tensors[input_name] = tensor
            inputs.append(tensor)
        made: dict[str, int] = {}
        for i, call in enumerate(self.list(spec["calls"], _at(where, "calls"))):
            here = f"{_at(where, 'calls')}[{i}]"
            self.keys(call, {"layer", "inputs", "options"}, here, required={"layer", "inputs"})
            layer_name = self.name(call["layer"], here + ".layer")
            if layer_name not in layers:
                raise SpecError(f"no layer is named {layer_name!r}", where=here + ".layer")
            sources = [self.ref(r, tensors, f"{here}.inputs[{j}]")
                       for j, r in enumerate(self.list(call["inputs"], here + ".inputs"))]
            if not sources:
                raise SpecError("a call needs at least one input", where=here + ".inputs")
            options = self.arguments(call.get("options", {}), here + ".options")
            try:
                result = apply(layers[layer_name], sources, **options)
            except TypeError as err:  # an option bind() does not take
                raise SpecError(f"options the layer does not take ({err})",
                                where=here + ".options") from None
            index = made.get(layer_name, 0)
            made[layer_name] = index + 1
            outputs = result if isinstance(result, list) else [result]
            for j, tensor in enumerate(outputs):
                tensors[f"{layer_name}[{index}][{j}]"] = tensor
        outputs = [self.ref(r, tensors, f"{_at(where, 'outputs')}[{j}]")
                   for j, r in enumerate(self.list(spec["outputs"], _at(where, "outputs")))]
        if not outputs:
            raise SpecError("a graph model needs at least one output",
                            where=_at(where, "outputs"))
        return Model(inputs, outputs[0] if len(outputs) == 1 else outputs, name=name)

    def ref(self, value, tensors: dict, where: str):
        match = _REF.match(value) if isinstance(value, str) else None
        if match is None:
            raise SpecError(f"a tensor is named `layer`, `layer[call][output]` or an input's "
                            f"name. Received: {value!r}", where=where)
        key = value if match.group(2) is None and value in tensors else \
            f"{match.group(1)}[{match.group(2) or 0}][{match.group(3) or 0}]"
        if key not in tensors:
            raise SpecError(f"no tensor {value!r} has been made by this point", where=where)
        return tensors[key]

    def layer(self, entry, where: str):
        from .repeat import Nested, Repeat

        self.keys(entry, {"type", "name", "args"}, where, required={"type", "name"})
        type_name = entry["type"]
        cls = None
        if isinstance(type_name, str):
            module, _, cls_name = type_name.rpartition(".")
            namespace = {"layers": _layers, "nn": _nn}.get(module)
            if namespace is not None and cls_name in namespace.__all__ \
                    and cls_name not in _NOT_LAYERS and isinstance(getattr(namespace, cls_name),
                                                                   type):
                cls = getattr(namespace, cls_name)
            elif type_name in ("Repeat", "Nested"):
                cls = Repeat if type_name == "Repeat" else Nested
        if cls is None:
            raise SpecError(f"unknown layer type {type_name!r}; a type is 'layers.<Name>' or "
                            "'nn.<Name>' for a layer of symparams.layers or symparams.nn, "
                            "'Repeat' or 'Nested'", where=where + ".type")
        name = self.name(entry["name"], where + ".name")
        args = self.arguments(entry.get("args", {}), where + ".args")
        if "name" in args:
            raise SpecError("the layer's name is the entry's `name`, not an argument",
                            where=where + ".args.name")
        try:
            try:
                return name, cls(name=name, **args)
            except UnknownArgumentError as err:
                if err.argument != "name":
                    raise
            # a few nn modules take no name (as in torch); the model names them as before
            return name, cls(**args)
        except SymparamsError:  # the layer's own check of its arguments
            raise
        except TypeError as err:  # a positional argument missing
            raise SpecError(f"{type_name}: {err}", where=where + ".args") from None

    def arguments(self, args, where: str) -> dict:
        self.mapping(args, where)
        result = {}
        for key, value in args.items():
            self.name(key, f"{where} key")
            result[key] = self.value(value, f"{where}.{key}")
        return result

    def value(self, value, where: str):
        self.spend(where)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS:
                raise SpecError(f"the integer is too large (more than {MAX_BITS} bits)",
                                where=where)
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise SpecError(f"a number must be finite. Received: {value!r}", where=where)
            return value
        if isinstance(value, str):
            return self.text(value, where)
        if isinstance(value, list):
            inner = _Reader(self.symbols, self.deeper(where), self.budget)
            return tuple(inner.value(v, f"{where}[{i}]") for i, v in enumerate(value))
        if isinstance(value, dict):
            if set(value) == {"model"}:
                inner = _Reader(self.symbols, self.deeper(where), self.budget)
                return inner.model(value["model"], where + ".model")
            inner = _Reader(self.symbols, self.deeper(where), self.budget)
            if set(value) == {"layer"}:
                return inner.layer(value["layer"], where + ".layer")[1]
            return {self.name(k, f"{where} key"): inner.value(v, f"{where}.{k}")
                    for k, v in value.items()}
        raise SpecError(f"a value must be a number, string, boolean, null, list or table. "
                        f"Received: {type(value).__name__}", where=where)

    def text(self, value: str, where: str):
        if len(value) > 1000:
            raise SpecError("a string may have at most 1000 characters", where=where)
        if _NAME.match(value):
            return self.symbols.get(value, value)
        if _FORMULA.match(value):
            return self.formula(value, where)
        return value

    def formula(self, value, where: str) -> sympy.Expr:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise SpecError(f"a size is an integer or a formula string. Received: {value!r}",
                            where=where)
        if isinstance(value, int):
            return self.value(value, where)
        try:
            return parse(value, dims=list(self.symbols.values()))
        except ParseError as err:
            raise SpecError(str(err), where=where) from None

    def shape(self, value, where: str) -> tuple:
        return tuple(self.formula(v, f"{where}[{i}]")
                     for i, v in enumerate(self.list(value, where)))

    def declare(self, names, where: str) -> None:
        for i, name in enumerate(self.list(names, where)):
            name = self.name(name, f"{where}[{i}]")
            symbol = _make_dims(name)
            if self.symbols.get(name, symbol) != symbol:
                raise SpecError(f"the dim {name!r} is declared twice", where=where)
            self.symbols[name] = symbol

    # -- field checks -----------------------------------------------------------------------

    @staticmethod
    def mapping(value, where: str) -> None:
        if not isinstance(value, dict):
            raise SpecError(f"must be a table (a mapping). Received: {type(value).__name__}",
                            where=where or "(top level)")

    def keys(self, value, allowed: set, where: str, required: set = frozenset()) -> None:
        self.mapping(value, where)
        for key in value:
            if key not in allowed:
                shown = repr(key) if isinstance(key, str) else type(key).__name__
                raise SpecError(f"unknown key {shown}; allowed: {', '.join(sorted(allowed))}",
                                where=where or "(top level)")
        missing = sorted(required - set(value))
        if missing:
            raise SpecError(f"missing key {missing[0]!r}", where=where or "(top level)")

    @staticmethod
    def list(value, where: str) -> list:
        if not isinstance(value, list):
            raise SpecError(f"must be a list. Received: {type(value).__name__}", where=where)
        return value

    @staticmethod
    def name(value, where: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            shown = repr(value) if isinstance(value, str) and len(value) <= 60 else \
                type(value).__name__
            raise SpecError(f"a name must match [A-Za-z_][A-Za-z0-9_]*. Received: {shown}",
                            where=where)
        return value


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
