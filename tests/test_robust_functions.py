"""The public functions, model builders and model methods under hostile arguments.

Each function is called with valid arguments, one or two of them replaced by hostile values
(:mod:`tests.hostile`); the call must return something sane or raise a documented error.
``test_the_whole_public_surface_is_fuzzed`` fails when a public name appears that no test
here or in ``test_robust_layers`` fuzzes, so coverage cannot silently rot.
"""

from __future__ import annotations

import inspect
import sys

import pytest
import sympy
from hypothesis import example, given, settings, strategies as st

import symparams
from symparams import (
    Input, Model, Repeat, Sequential, Tensor, compare, dims, explain, flops, from_keras,
    from_torch, latex, layers, leading_term, load_spec, memory, nn, parse, plot,
    scaling_exponent, sensitivity, solve_budget, sweep,
)
from symparams.model import BaseModel
from symparams.repeat import Nested
from symparams.zoo import hf, keras as keras_zoo, torchvision as torchvision_zoo
from tests.hostile import (
    FIXED_HOSTILE, attempt, check_bound, check_expr, check_model, hostile,
)
from tests.test_robust_layers import covered_layer_names

H, W, C, F, T, d, L, V = dims("H W C F T d L V")
PER_FUNCTION = max(10, settings.default.max_examples // 3)
#: Zoo builds cost up to a second; a few hostile cases each (explore: many more).
PER_BUILDER = max(2, settings.default.max_examples // 30)


def keras_model():
    return Sequential([layers.Conv2D(F, 3), layers.Flatten(), layers.Dense(10)],
                      input_shape=(H, W, C))


def graph_model():
    x = Input((T, d))
    return Model(x, layers.Dense(V)(layers.LayerNormalization()(x)))


FORMULA = L * (12 * d**2 + 13 * d) + V * d


def check_any(result):
    """Whatever came back prints (text, repr, LaTeX, HTML) without raising."""
    if isinstance(result, BaseModel):
        check_model(result)
    elif isinstance(result, sympy.Basic):
        latex(result)
    str(result)
    repr(result)
    for method in ("_repr_latex_", "_repr_html_", "_repr_markdown_"):
        if hasattr(result, method):
            attempt(getattr(result, method))
    return result


def fuzz(data, function, args=(), kwargs=None, *, extra=(), skip=()):
    """``function(*args, **kwargs)`` with one or two arguments hostile: a result or our error.

    ``extra`` names keywords a ``**kwargs`` function takes besides its signature's;
    ``skip`` names arguments left alone.
    """
    kwargs = dict(kwargs or {})
    signature = inspect.signature(function).parameters.values()
    parameters = [p for p in signature if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    names = [p.name for p in parameters if p.name not in skip]
    if any(p.kind is p.VAR_KEYWORD for p in signature):  # else Python's own TypeError
        names += list(extra) + ["not_an_argument"]
    if any(p.kind is p.VAR_POSITIONAL for p in signature):
        names.append("*args")
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True),
                       label="arguments") if names else []
    args = list(args)
    for name in chosen:
        value = data.draw(hostile, label=name)
        if name == "*args":  # one more positional argument, or one replaced
            index = data.draw(st.integers(0, len(args)), label="position")
            args[index:index + 1] = [value]
            continue
        index = next((i for i, p in enumerate(parameters) if p.name == name), None)
        if index is not None and parameters[index].kind is not parameters[index].KEYWORD_ONLY \
                and index < len(args):
            args[index] = value
        elif index is not None and parameters[index].kind is parameters[index].POSITIONAL_ONLY:
            continue  # an optional positional-only argument left out: nothing to replace
        else:
            kwargs[name] = value
    result = attempt(function, *args, **kwargs)
    if result is not None:
        check_any(result)
    return result


# name: (function, valid positional arguments, valid keywords, extra keyword names)
FUNCTIONS = {
    "dims": (dims, ("H W",), {}, ()),
    "parse": (parse, ("12*L*d**2 + V*d",), {}, ()),
    "latex": (latex, (FORMULA,), {}, ("mul_symbol", "fold_short_frac")),
    "sweep": (sweep, (FORMULA,), {"L": [1, 2], "d": 4, "V": 10}, ("L", "d", "V", "zz")),
    "solve_budget": (solve_budget, (FORMULA, 10**9, L), {"d": 768, "V": 50257}, ("d", "V")),
    "leading_term": (leading_term, (FORMULA, d), {}, ()),
    "scaling_exponent": (scaling_exponent, (FORMULA, d), {}, ()),
    "sensitivity": (sensitivity, (FORMULA, d), {}, ()),
    "compare": (compare, (keras_model(), graph_model()), {}, ()),
    "flops": (flops, (keras_model(),), {}, ()),
    "memory": (memory, (graph_model(),), {"dtype": "float32"}, ()),
    "explain": (explain, (keras_model(),), {}, ("H", "W", "F")),
    "Input": (Input, ((T, d),), {}, ()),
    "Tensor": (Tensor, ((T, d),), {}, ()),
    "Sequential": (Sequential, ([layers.Dense(4)],), {"input_shape": (d,)}, ()),
    "Repeat": (Repeat, (keras_model(), L), {}, ("name",)),
    "Nested": (Nested, (graph_model(),), {}, ("name",)),
    "load_spec": (load_spec, ({"input_shape": ["T", "d"], "layers": [
        {"type": "Dense", "args": {"units": 4}}]},), {}, ()),
    "from_torch": (from_torch, ("not a module", (T, d)), {}, ()),
    "from_keras": (from_keras, ("not a model",), {}, ()),
    "nn.Sequential": (nn.Sequential, (nn.Linear(d, 4), nn.ReLU()), {}, ()),
    "nn.pre_norm_block": (nn.pre_norm_block, (nn.GroupedQueryAttention(d, 4),
                                              nn.FeedForward(d, 4 * d)), {}, ()),
    "nn.post_norm_block": (nn.post_norm_block, (nn.GroupedQueryAttention(d, 4),
                                                nn.FeedForward(d, 4 * d)), {}, ()),
    "plot": (plot, (FORMULA,), {"over": "d", "values": [1, 2, 4], "L": 2, "V": 10},
             ("L", "V")),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=PER_FUNCTION)
@given(data=st.data())
def test_function_with_hostile_arguments(name, data):
    function, args, kwargs, extra = FUNCTIONS[name]
    if name == "plot":
        pytest.importorskip("matplotlib")
    # plot's `path` is where a figure is written: hostile names would litter the disk.
    fuzz(data, function, args, kwargs, extra=extra, skip=("path",))
    if name == "plot":
        import matplotlib.pyplot as pyplot
        pyplot.close("all")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_with_every_fixed_hostile_value(name):
    """Each fixed hostile value in each argument position, one at a time."""
    function, args, kwargs, _ = FUNCTIONS[name]
    if name == "plot":
        pytest.skip("covered by the random cases; drawing every figure is slow")
    parameters = [p for p in inspect.signature(function).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    for index in range(len(args)):
        for value in FIXED_HOSTILE:
            changed = list(args)
            changed[index] = value
            result = attempt(function, *changed, **kwargs)
            if result is not None:
                check_any(result)
    for p in parameters[len(args):]:
        if p.kind is p.POSITIONAL_ONLY:
            continue
        for value in FIXED_HOSTILE:
            result = attempt(function, *args, **{**kwargs, p.name: value})
            if result is not None:
                check_any(result)


# -- models and their methods -----------------------------------------------------------------

def _models():
    return {"keras": keras_model(), "graph": graph_model(),
            "torch": nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))}


#: Public model methods and properties, fuzzed here: (valid positional arguments, extras).
METHODS = {
    "subs": ((), ("H", "W", "C", "F", "T", "d", "V", "zz")),
    "summary": ((), ()),
    "min_input_size": ((), ()),
    "count_params": ((), ()),
    "explain": ((), ("H", "d")),
    "memory": ((), ()),
    "as_layer": ((), ()),
    "to_spec": ((), ()),
}
PROPERTIES = ("params", "trainable_params", "non_trainable_params", "buffers", "macs", "flops",
              "output_shape", "input_shape", "layers", "conditions", "free_symbols",
              "non_embedding_params", "inputs", "outputs", "connections")
#: Public model attributes not fuzzed, and why.
NOT_FUZZED_METHODS = {
    "add": "Sequential.add: fuzzed through Sequential([...]) above, which calls it",
    "modules": "nn.Sequential's list of modules, a plain attribute",
}


@pytest.mark.parametrize("kind", ["keras", "graph", "torch"])
@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=PER_FUNCTION)
@given(data=st.data())
def test_model_method_with_hostile_arguments(kind, method, data):
    model = _models()[kind]
    target = getattr(model, method, None)
    if target is None:
        pytest.skip(f"a {kind} model has no {method}")
    args, extra = METHODS[method]
    fuzz(data, target, args, extra=extra)


@pytest.mark.parametrize("kind", ["keras", "graph", "torch"])
def test_model_properties(kind):
    model = _models()[kind]
    for name in PROPERTIES:
        if hasattr(type(model), name):
            check_any(attempt(getattr, model, name))


@given(mapping=st.dictionaries(st.one_of(st.sampled_from(["H", "W", "C", "F", "zz", ""]),
                                         st.sampled_from([H, W, sympy.Symbol("H")])),
                               hostile, max_size=3))
@settings(max_examples=PER_FUNCTION)
@example(mapping={"H": 2})
@example(mapping={H: sympy.Symbol("x")})
def test_subs_with_a_hostile_mapping(mapping):
    result = attempt(keras_model().subs, mapping)
    if result is not None:
        check_any(result)


LAYERS = {"Dense": lambda: layers.Dense(d), "Conv2D": lambda: layers.Conv2D(F, 3),
          "nn.Linear": lambda: nn.Linear(d, 4), "nn.LSTM": lambda: nn.LSTM(d, 4, num_layers=L)}
#: A layer's public methods: (valid positional arguments, extra keyword names). Not here:
#: ``compute_output_shape`` and the other formula hooks subclasses define, which ``bind``
#: calls once it has checked the shape (fuzzed through ``bind``).
LAYER_METHODS = {
    "bind": (((T, d),), ()), "count_params": (((T, d),), ()),
    "replace": ((), ("name", "units", "filters")),
    "subs": (({d: 3},), ()), "tie": (("kernel", layers.Dense(d, name="source")), ()),
    "get_config": ((), ()),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("method", sorted(LAYER_METHODS))
@settings(max_examples=PER_FUNCTION // 2)
@given(data=st.data())
def test_layer_method_with_hostile_arguments(kind, method, data):
    args, extra = LAYER_METHODS[method]
    result = fuzz(data, getattr(LAYERS[kind](), method), args, extra=extra)
    if method == "bind" and result is not None:
        check_bound(result)


# -- the zoo ----------------------------------------------------------------------------------

GPT2_FIELDS = ("vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "n_inner")
LLAMA_FIELDS = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "head_dim",
                "max_position_embeddings", "tie_word_embeddings", "attention_bias", "mlp_bias")


def _config_fields(builder) -> tuple[str, ...]:
    """The configuration fields a Hugging Face builder takes as keywords."""
    namespace = vars(sys.modules[builder.__module__])
    for key, value in namespace.items():
        if key.endswith("DEFAULTS") and isinstance(value, dict) and key != "BERT_DEFAULTS" \
                or key == "BERT_DEFAULTS" and builder.__module__.endswith("bert"):
            return tuple(value)
    return GPT2_FIELDS if "GPT2" in builder.__name__ else LLAMA_FIELDS


BUILDERS = {f"{module.__name__.split('.')[-1]}.{name}": getattr(module, name)
            for module in (keras_zoo, torchvision_zoo, hf) for name in module.__all__}


@pytest.mark.parametrize("name", sorted(BUILDERS))
@settings(max_examples=PER_BUILDER)
@given(data=st.data())
def test_zoo_builder_with_hostile_arguments(name, data):
    builder = BUILDERS[name]
    extra = _config_fields(builder) if name.startswith("hf.") else ()
    signature = inspect.signature(builder).parameters.values()
    names = [p.name for p in signature if p.kind is not p.VAR_KEYWORD] + list(extra)
    if any(p.kind is p.VAR_KEYWORD for p in signature):
        names.append("not_an_argument")
    argument = data.draw(st.sampled_from(names), label="argument")
    value = data.draw(hostile, label="value")
    model = attempt(builder, **{argument: value})
    if model is not None:  # a whole summary of a zoo model is slow: counts and shapes only
        for field in ("params", "trainable_params", "non_trainable_params"):
            check_expr(getattr(model, field), field)
        str(model.output_shape)


# -- coverage ---------------------------------------------------------------------------------

#: Top-level names that are not called with hostile values, and why.
NOT_FUZZED = {
    "ArgumentError": "an exception class", "ModelError": "an exception class",
    "ParseError": "an exception class", "ShapeError": "an exception class",
    "SpecError": "an exception class", "SymparamsError": "an exception class",
    "layers": "a module: its layers are fuzzed in test_robust_layers",
    "nn": "a module: its modules are fuzzed in test_robust_layers",
    "zoo": "a package: its builders are fuzzed in test_zoo_builder_with_hostile_arguments",
    "Model": "fuzzed through every layer's one-layer model and test_inputs_of_any_rank",
}


def test_the_whole_public_surface_is_fuzzed():
    top = set(symparams.__all__) - set(FUNCTIONS) - set(NOT_FUZZED)
    assert not top, f"public names no robustness test fuzzes: {sorted(top)}"
    public = {f"layers.{n}" for n in layers.__all__} | {f"nn.{n}" for n in nn.__all__}
    missing = public - covered_layer_names() - {n for n in FUNCTIONS if n.startswith("nn.")}
    assert not missing, f"layers no robustness test constructs: {sorted(missing)}"
    zoo = {f"{m.__name__.split('.')[-1]}.{n}" for m in (keras_zoo, torchvision_zoo, hf)
           for n in m.__all__}
    assert zoo == set(BUILDERS)
    for model in (keras_model(), graph_model()):
        names = {n for n in dir(model) if not n.startswith("_")}
        loose = names - set(METHODS) - set(PROPERTIES) - set(NOT_FUZZED_METHODS) - {"name"}
        assert not loose, f"model methods no robustness test fuzzes: {sorted(loose)}"
