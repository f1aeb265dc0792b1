"""Specs: model.to_spec() and load_spec() round-trip; every field of an untrusted spec is checked."""

import copy
import json
import sys
import time

import pytest

from symparams import (
    ArgumentError, Input, Model, ModelError, Repeat, SpecError, Tensor, dims, layers, load_spec,
    nn,
)
from symparams.errors import MissingDependencyError, SymparamsError
from symparams.examples import reference_cnn
from symparams.spec import SPEC_VERSION

H, W, C, T, d, L, V, B = dims("H W C T d L V B")


def assert_same(model, loaded):
    assert type(loaded) is type(model)
    assert loaded.name == model.name
    assert loaded.params == model.params
    assert loaded.trainable_params == model.trainable_params
    assert loaded.input_shape == model.input_shape
    assert loaded.output_shape == model.output_shape
    assert [b.name for b in loaded.layers] == [b.name for b in model.layers]
    assert [b.class_name for b in loaded.layers] == [b.class_name for b in model.layers]
    assert [b.output_shape for b in loaded.layers] == [b.output_shape for b in model.layers]
    assert [b.params for b in loaded.layers] == [b.params for b in model.layers]
    assert getattr(loaded, "connections", None) == getattr(model, "connections", None)


def round_trip(model):
    spec = model.to_spec()
    loaded = load_spec(json.loads(json.dumps(spec)))  # JSON-compatible, and equal again
    assert_same(model, loaded)
    assert loaded.to_spec() == spec
    return spec


def graph_with_everything():
    x = Input((T, d), name="tokens")
    inner_x = Input((T, d))
    block = Model(inner_x, layers.Dense(d)(layers.Dense(4 * d, activation="relu")(inner_x)),
                  name="mlp")
    shared = layers.Dense(d, name="shared")
    h = Repeat(block, L)(x)
    a, b = shared(h), shared(x)  # one layer, two calls
    out = layers.Add()([a, b, block(h)])
    return Model(x, [out, layers.Dense(T // 2 + 1)(out)], name="everything")


def test_sequential_round_trip():
    spec = round_trip(reference_cnn())
    assert spec["version"] == SPEC_VERSION and spec["kind"] == "sequential"
    assert spec["inputs"] == [{"shape": ["H", "W", "C"]}]


def test_graph_round_trip_with_shared_layers_repeat_nested_and_formulas():
    spec = round_trip(graph_with_everything())
    assert spec["calls"][1]["layer"] == "shared" and spec["calls"][2]["inputs"] == ["tokens"]
    assert spec["calls"][4]["inputs"] == ["shared", "shared[1][0]", "mlp"]
    assert spec["layers"][-1]["args"]["units"] == "floor(T/2) + 1"


def test_tied_weights_round_trip():
    tokens = Input((T,))
    wte = layers.Embedding(V, d, name="wte")
    head = layers.Dense(V, use_bias=False, name="head").tie("kernel", wte, "embeddings")
    round_trip(Model(tokens, head(wte(tokens))))


def test_pytorch_modules_with_call_options_and_several_outputs():
    t = Tensor((B, T, d))
    h = nn.GELU()(nn.Linear(d, 4 * d)(t))
    out, weights = nn.MultiheadAttention(4 * d, 4)(h, h, h)
    spec = round_trip(Model(t, [out, weights]))
    assert spec["inputs"][0]["batched"] is True
    assert spec["calls"][-1]["options"] == {"need_weights": True, "average_attn_weights": True}


def test_zoo_models_round_trip():
    from symparams.zoo import keras, torchvision
    round_trip(keras.ResNet50(include_top=False, input_shape=(H, W, 3), pooling="avg"))
    round_trip(keras.MobileNetV3Small())
    round_trip(torchvision.resnet18())


def test_zoo_models_with_private_layers_are_refused_by_name():
    from symparams.zoo import hf
    with pytest.raises(ModelError, match="'position_ids' is a _PositionIds, which specs "
                                         "cannot describe"):
        hf.GPT2Model().to_spec()


def test_what_a_spec_cannot_hold_is_refused_when_writing():
    import sympy
    from symparams import Sequential
    with pytest.raises(ModelError, match="the layer name 'block1/conv' is not an identifier"):
        Sequential([layers.Dense(4, name="block1/conv")], input_shape=(d,)).to_spec()
    with pytest.raises(ModelError, match="the input name 'input ids' is not an identifier"):
        x = Input((T,), name="input ids")
        Model(x, layers.Embedding(V, d)(x)).to_spec()
    n = sympy.Symbol("n", integer=True, positive=True, even=True)  # reads back without `even`
    with pytest.raises(ModelError, match="the symbol n is not a dimension made by"):
        Sequential([layers.Dense(4)], input_shape=(n,)).to_spec()
    with pytest.raises(ModelError, match="expected a Sequential or Model"):
        from symparams.spec import to_spec
        to_spec(layers.Dense(4))


# -- files ---------------------------------------------------------------------------------

HAND_WRITTEN = {
    "version": 1, "kind": "sequential", "name": "mlp", "dims": ["d_model", "T"],
    "inputs": [{"shape": ["T", "d_model"]}],
    "layers": [
        {"type": "layers.Dense", "name": "up", "args": {"units": "4*d_model",
                                                        "activation": "gelu"}},
        {"type": "layers.Dense", "name": "down", "args": {"units": "d_model"}},
        {"type": "layers.Dropout", "name": "drop", "args": {"rate": 0.1}},
    ],
}
TOML = """
version = 1
kind = "sequential"
name = "mlp"
dims = ["d_model", "T"]

[[inputs]]
shape = ["T", "d_model"]

[[layers]]
type = "layers.Dense"
name = "up"
args = { units = "4*d_model", activation = "gelu" }

[[layers]]
type = "layers.Dense"
name = "down"
args = { units = "d_model" }

[[layers]]
type = "layers.Dropout"
name = "drop"
args = { rate = 0.1 }
"""
YAML = """
version: 1
kind: sequential
name: mlp
dims: [d_model, T]
inputs:
  - shape: [T, d_model]
layers:
  - {type: layers.Dense, name: up, args: {units: 4*d_model, activation: gelu}}
  - {type: layers.Dense, name: down, args: {units: d_model}}
  - {type: layers.Dropout, name: drop, args: {rate: 0.1}}
"""


def test_json_toml_and_yaml_files_give_the_same_model(tmp_path):
    expected = load_spec(HAND_WRITTEN)
    d_model = dims("d_model")
    assert (expected.params - (8 * d_model ** 2 + 5 * d_model)).expand() == 0
    (tmp_path / "m.json").write_text(json.dumps(HAND_WRITTEN))
    (tmp_path / "m.toml").write_text(TOML)
    (tmp_path / "m.yaml").write_text(YAML)
    for name in ("m.json", "m.toml", "m.yaml"):
        assert_same(expected, load_spec(tmp_path / name))
        assert_same(expected, load_spec(str(tmp_path / name)))


def test_yaml_without_pyyaml_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "m.yml").write_text(YAML)
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(MissingDependencyError, match=r"PyYAML: pip install symparams\[yaml\]"):
        load_spec(tmp_path / "m.yml")


@pytest.mark.parametrize("name, content, message", [
    ("m.txt", "{}", "must end in .json, .toml, .yaml or .yml"),
    ("m.json", "{not json", "is not valid JSON"),
    ("m.json", '{"version": NaN}', "NaN is not a number a spec may hold"),
    ("m.json", "[1, 2]", "must hold a table"),
    ("m.json", "[" * 100000 + "]" * 100000, "is not valid JSON"),
    ("m.json", '{"version": ' + "9" * 5000 + "}", "is not valid JSON"),
    ("m.toml", "version = ", "is not valid TOML"),
    ("m.yaml", "version: [", "is not valid YAML"),
    ("m.yaml", "!!python/object/apply:os.system ['echo pwned']", "is not valid YAML"),
    ("m.json", b"\xff\xfe", "is not valid JSON"),
])
def test_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    with pytest.raises(SpecError, match=message):
        load_spec(path)


def test_missing_file_and_wrong_source_type(tmp_path):
    with pytest.raises(SpecError, match="cannot read"):
        load_spec(tmp_path / "absent.json")
    with pytest.raises(SpecError, match="takes a dict or a file path"):
        load_spec(42)


# -- validation: every field ---------------------------------------------------------------

GRAPH = graph_with_everything().to_spec()


def mutated(spec, path, value, delete=False):
    spec = copy.deepcopy(spec)
    target = spec
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


INVALID = [
    # top level
    (HAND_WRITTEN, ["extra"], 1, "unknown key 'extra'"),
    (HAND_WRITTEN, ["version"], None, "missing key 'version'", True),
    (HAND_WRITTEN, ["version"], 2, "reads spec version 1. Received: 2"),
    (HAND_WRITTEN, ["version"], True, "reads spec version 1. Received: True"),
    (HAND_WRITTEN, ["version"], "1", "reads spec version 1"),
    (HAND_WRITTEN, ["kind"], "functional", "`kind` must be 'sequential' or 'graph'"),
    (HAND_WRITTEN, ["kind"], None, "`kind` must be", True),
    (HAND_WRITTEN, ["name"], "my model", "a name must match"),
    (HAND_WRITTEN, ["name"], 3, "a name must match"),
    (HAND_WRITTEN, ["calls"], [], "unknown key 'calls'"),
    # dims
    (HAND_WRITTEN, ["dims"], "d_model T", "must be a list"),
    (HAND_WRITTEN, ["dims", 0], "1d", "a name must match"),
    (HAND_WRITTEN, ["dims", 0], "__import__('os')", "a name must match"),
    (HAND_WRITTEN, ["dims", 0], "dé", "a name must match"),
    (HAND_WRITTEN, ["dims", 0], None, "a name must match"),
    # inputs
    (HAND_WRITTEN, ["inputs"], {"shape": ["T"]}, "must be a list"),
    (HAND_WRITTEN, ["inputs"], [], "exactly one input"),
    (HAND_WRITTEN, ["inputs", 0, "name"], "x", "unknown key 'name'"),
    (HAND_WRITTEN, ["inputs", 0, "shape"], "T", "must be a list"),
    (HAND_WRITTEN, ["inputs", 0, "shape", 0], "S", "unknown name 'S'"),
    (HAND_WRITTEN, ["inputs", 0, "shape", 0], "T.real", "unexpected character '.' at position 1"),
    (HAND_WRITTEN, ["inputs", 0, "shape", 0], 1.5, "a size is an integer or a formula"),
    (HAND_WRITTEN, ["inputs", 0, "shape", 0], True, "a size is an integer or a formula"),
    (HAND_WRITTEN, ["inputs", 0, "shape", 0], "9**9**9**9", "exponent 387420489 is too large"),
    (GRAPH, ["inputs", 0, "batched"], "no", "must be true or false"),
    (GRAPH, ["inputs", 0, "name"], "tok ens", "a name must match"),
    (GRAPH, ["inputs", 0, "dtype"], "float32", "unknown key 'dtype'"),
    # layers
    (HAND_WRITTEN, ["layers"], {}, "must be a list"),
    (HAND_WRITTEN, ["layers", 0], "Dense", "must be a table"),
    (HAND_WRITTEN, ["layers", 0, "type"], "layers.Foo", "unknown layer type 'layers.Foo'"),
    (HAND_WRITTEN, ["layers", 0, "type"], "Dense", "unknown layer type 'Dense'"),
    (HAND_WRITTEN, ["layers", 0, "type"], "os.system", "unknown layer type 'os.system'"),
    (HAND_WRITTEN, ["layers", 0, "type"], "layers.Layer", "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "type"], "layers.BoundLayer", "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "type"], "layers.__class__", "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "type"], "nn.pre_norm_block", "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "type"], ["layers.Dense"], "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "name"], "up-projection", "a name must match"),
    (HAND_WRITTEN, ["layers", 1, "name"], "up", "two layers have the same name"),
    (HAND_WRITTEN, ["layers", 0, "weights"], [], "unknown key 'weights'"),
    (HAND_WRITTEN, ["layers", 0, "args"], [], "must be a table"),
    (HAND_WRITTEN, ["layers", 0, "args", "name"], "x", "the entry's `name`"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], "4*e", "unknown name 'e'"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], "4*d_model**99", "exponent 99 is too large"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], float("nan"), "must be finite"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], 10 ** 100, "too large"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], {"model": {}}, "`kind` must be"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], {"layer": {"type": "layers.Foo"}},
     "missing key 'name'"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], {"layer": {"type": "layers.Foo", "name": "f"}},
     "unknown layer type"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], {"bad key": 1}, "a name must match"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], object(), "a value must be"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], "x" * 2000, "at most 1000 characters"),
    (HAND_WRITTEN, ["layers", 0, "args", "units"], [[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]],
     "nest deeper than 20 levels"),
    (HAND_WRITTEN, ["layers", 0, "args", "bad-key"], 1, "a name must match"),
    # calls and outputs
    (GRAPH, ["calls", 0, "layer"], "nope", "no layer is named 'nope'"),
    (GRAPH, ["calls", 0, "inputs"], [], "at least one input"),
    (GRAPH, ["calls", 0, "inputs", 0], "tokens.__class__", "a tensor is named"),
    (GRAPH, ["calls", 0, "inputs", 0], "shared", "no tensor 'shared' has been made"),
    (GRAPH, ["calls", 0, "inputs", 0], "tokens[5][0]", "no tensor 'tokens[5][0]'"),
    (GRAPH, ["calls", 0, "options"], {"bogus": True}, "options the layer does not take"),
    (GRAPH, ["calls", 0, "extra"], 1, "unknown key 'extra'"),
    (GRAPH, ["outputs"], [], "at least one output"),
    (GRAPH, ["outputs", 0], "missing", "no tensor 'missing'"),
    (GRAPH, ["outputs"], "add", "must be a list"),
]


@pytest.mark.parametrize("case", INVALID, ids=lambda c: ".".join(map(str, c[1])))
def test_invalid_specs_are_refused_naming_the_field(case):
    base, path, value, message, *delete = case
    spec = mutated(base, path, value, delete=bool(delete))
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("args, error", [
    ({"units": 0}, ArgumentError),
    ({"units": "d_model - d_model"}, ArgumentError),
    ({"units": "5/2"}, ArgumentError),            # a size must be an integer
    ({"units": "-d_model"}, ArgumentError),       # and positive
    ({"units": 4, "activation": "no_such"}, ArgumentError),
    ({"units": 4, "kernel_size": 3}, TypeError),  # UnknownArgumentError
    ({}, SpecError),                              # units missing
])
def test_layers_check_their_own_arguments(args, error):
    spec = mutated(HAND_WRITTEN, ["layers", 0, "args"], args)
    with pytest.raises(error) as info:
        load_spec(spec)
    assert isinstance(info.value, SymparamsError)


def test_models_nested_without_end_fail_fast():
    spec = copy.deepcopy(HAND_WRITTEN)
    for _ in range(100):
        spec = mutated(HAND_WRITTEN, ["layers", 0, "args", "units"], {"model": spec})
    with pytest.raises(SpecError, match="nest deeper than 20 levels"):
        load_spec(spec)


def test_yaml_alias_bomb_fails_fast(tmp_path):
    levels = ["&a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("version: 1\nkind: sequential\ndims: []\ninputs: [{shape: [4]}]\n"
                    "layers: [{type: layers.Dense, name: d, args: {units: [" +
                    ", ".join(levels) + "]}}]\n")  # 10**9 values once the aliases unfold
    start = time.perf_counter()
    with pytest.raises(SpecError, match="more than 1000000 values"):
        load_spec(path)
    assert time.perf_counter() - start < 10


def test_hostile_strings_in_arguments_never_run(tmp_path):
    sentinel = tmp_path / "pwned"
    attack = f"__import__('os').system('touch {sentinel}')"
    for path in (["layers", 0, "args", "units"], ["layers", 0, "args", "activation"],
                 ["inputs", 0, "shape", 0], ["name"], ["dims", 0], ["layers", 0, "type"]):
        with pytest.raises(SymparamsError):
            load_spec(mutated(HAND_WRITTEN, path, attack))
    assert not sentinel.exists()


# -- hypothesis: any JSON value at any place is a result or one of our errors ----------------

from hypothesis import given, settings, strategies as st  # noqa: E402


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, prefix + (i,))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) |
    st.sampled_from(["4*d_model", "T", "9**9**9**9", "__import__('os')", "layers.Dense",
                     "relu", "same", "d_model[0][0]", "up", "add[0][0]", "tokens"]),
    lambda children: st.lists(children, max_size=4) |
    st.dictionaries(st.text(max_size=8) | st.sampled_from(["model", "layer", "shape", "type"]),
                    children, max_size=3),
    max_leaves=8)
_SPECS = [HAND_WRITTEN, GRAPH]
_PATHS = [(i, p) for i, spec in enumerate(_SPECS) for p in paths(spec) if p]


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(_PATHS), _json)
def test_any_value_anywhere_is_a_model_or_our_error(where, value):
    index, path = where
    spec = mutated(_SPECS[index], list(path), value)
    try:
        load_spec(spec)
    except SymparamsError:
        pass
