"""The symparams command."""

import subprocess
import sys

from symparams.cli import main


def test_demo_prints_the_reference_numbers(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "154,798" in out and "51264" in out and "(5·5·32 + 1)·64" in out
    assert "only masks activations during training" in out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "symparams.cli", "demo", "--latex"],
                         capture_output=True, text=True, check=True).stdout
    assert r"\begin{tabular}{llr}" in out


# -- symparams summary MODEL ----------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from symparams.cli import JSON_SCHEMA  # noqa: E402
from symparams.examples import reference_cnn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CNN = f"{ROOT / 'examples' / 'cnn.py'}"


def run(capsys, *argv):
    code = main(["summary", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def spec_files(tmp_path):
    spec = reference_cnn().to_spec()
    (tmp_path / "cnn.json").write_text(json.dumps(spec))
    (tmp_path / "cnn.yaml").write_text(json.dumps(spec))  # JSON is YAML
    (tmp_path / "mlp.toml").write_text(
        'version = 1\nkind = "sequential"\ndims = ["d"]\n[[inputs]]\nshape = ["d"]\n'
        '[[layers]]\ntype = "layers.Dense"\nname = "up"\nargs = { units = "4*d" }\n')
    return tmp_path


def test_every_kind_of_model(capsys, spec_files):
    for model, expected in [
        ("zoo:keras.ResNet50", "25,636,712"),
        ("zoo:hf.GPT2Model", "124,439,808"),
        ("zoo:torchvision.resnet18", "11,689,512"),
        (f"{CNN}:model", 'Model: "cnn"'),
        (f"{CNN}:build", 'Model: "cnn"'),
        (str(spec_files / "cnn.json"), "32·(25·C + 1)"),
        (str(spec_files / "cnn.yaml"), "32·(25·C + 1)"),
        (str(spec_files / "mlp.toml"), "4·d·(d + 1)"),
    ]:
        code, out, err = run(capsys, model)
        assert (code, err) == (0, ""), model
        assert expected in out, model


def test_set_takes_formulas_and_matches_subs(capsys, spec_files):
    code, out, _ = run(capsys, str(spec_files / "cnn.json"), "--set", "H=28", "W=4*7",
                       "--set", "C=1", "--format", "json")
    assert code == 0
    document = json.loads(out)
    numeric = reference_cnn().subs(H=28, W=28, C=1)
    assert document["totals"]["params"]["value"] == numeric.params
    assert [r["params"]["value"] for r in document["layers"]] == \
        [b.params for b in numeric.layers]
    assert document["set"]["W"] == {"formula": "28", "latex": "28", "value": 28}


def test_json_schema(capsys, spec_files):
    code, out, _ = run(capsys, str(spec_files / "cnn.json"), "--format", "json")
    document = json.loads(out)
    model = reference_cnn()
    assert document["schema"] == JSON_SCHEMA and document["model"] == model.name
    assert document["dims"] == ["C", "H", "W"]
    first = document["layers"][0]
    assert first["name"] == "conv2d" and first["type"] == "Conv2D"
    assert first["params"] == {"formula": "32*(25*C + 1)", "latex": r"32 \left(25 C + 1\right)",
                               "value": None}
    assert [q["formula"] for q in first["output_shape"]] == ["H - 4", "W - 4", "32"]
    assert first["output_shape"][2]["value"] == 32
    from symparams import parse
    again = parse(document["totals"]["params"]["formula"], dims=model.free_symbols)
    assert (again - model.params).expand() == 0  # equal (SymPy may distribute a factor)
    assert set(document["totals"]) == {"params", "trainable_params", "non_trainable_params"}


def test_graph_json_has_connections(capsys):
    code, out, _ = run(capsys, "zoo:hf.GPT2Model", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["layers"][3]["connected_to"] == ["wte[0][0]", "wpe[0][0]"]


@pytest.mark.parametrize("fmt, marker", [("text", "┏"), ("markdown", "| Layer (type) |"),
                                         ("latex", r"\begin{tabular}"), ("json", '"schema"')])
def test_formats(capsys, fmt, marker):
    code, out, _ = run(capsys, f"{CNN}:model", "--format", fmt)
    assert code == 0 and marker in out


def test_explain(capsys):
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", "--explain", "conv2d")
    assert code == 0 and "params = (kernel_h·kernel_w·in_channels + 1)·filters" in out
    code, out, _ = run(capsys, f"{CNN}:model", "--explain", "conv2d", "--format", "json")
    assert json.loads(out)["explain"]["layer"] == "conv2d"


def test_flops_prints_the_models_count(capsys):
    from symparams.cli import load_model
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", "H=28", "W=28", "--flops")
    model = load_model(f"{CNN}:model").subs(C=1, H=28, W=28)
    assert code == 0 and f"FLOPs: {int(model.flops)}" in out


@pytest.mark.parametrize("flag, label", [("--flops", "FLOPs"), ("--memory", "Memory")])
def test_flops_and_memory_when_the_model_has_them(capsys, monkeypatch, flag, label):
    from symparams import Sequential
    monkeypatch.setattr(Sequential, flag[2:], property(lambda self: 2 * self.params),
                        raising=False)
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", flag)
    assert code == 0 and f"{label}: 38932" in out
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", flag, "--format", "json")
    assert json.loads(out)[flag[2:]]["value"] == 2 * 19466


def test_memory_prints_the_models_breakdown(capsys):
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", "H=28", "W=28", "--memory")
    assert code == 0 and 'Memory of "cnn" (inference), in bytes' in out
    code, out, _ = run(capsys, f"{CNN}:model", "--set", "C=1", "H=28", "W=28", "--memory",
                       "--format", "json")
    memory = json.loads(out)["memory"]
    from symparams.cli import load_model
    expected = load_model(f"{CNN}:model").subs(C=1, H=28, W=28).memory()
    assert memory["total"]["value"] == expected.total
    assert memory["weights"]["value"] == expected.weights == 4 * 19466


@pytest.mark.parametrize("argv, code, message", [
    (["zoo:keras.NoSuchNet"], 2, "unknown zoo model 'keras.NoSuchNet'"),
    (["zoo:os.system"], 2, "unknown zoo model 'os.system'"),
    (["model.xml"], 2, "MODEL must be zoo:FAMILY.NAME"),
    (["missing.json"], 2, "no such file: missing.json"),
    (["missing.py:model"], 2, "no such file: missing.py"),
    ([f"{CNN}:nothing"], 2, "defines no 'nothing'"),
    ([f"{CNN}:H"], 2, "is not a symparams model (a Symbol)"),
    ([f"{CNN}:model", "--set", "H"], 2, "--set takes NAME=VALUE"),
    ([f"{CNN}:model", "--set", "H=1.5"], 2, "--set H: a number must be a plain integer"),
    ([f"{CNN}:model", "--set", "H=__import__('os')"], 2, "unknown function '__import__'"),
    ([f"{CNN}:model", "--set", "Q=1"], 2, "the model has no dimension 'Q'"),
    ([f"{CNN}:model", "--format", "xml"], 2, "invalid choice: 'xml'"),
    ([f"{CNN}:model", "--bogus"], 2, "unrecognized arguments: --bogus"),
    ([], 2, "the following arguments are required: MODEL"),
    ([f"{CNN}:model", "--set", "H=2"], 1, "output dimension 0 must be at least 1: H - 2 >= 1 fails at H=2"),
    ([f"{CNN}:model", "--explain", "nope"], 1, "model 'cnn' has no layer 'nope'"),
    ([f"{CNN}:model", "--set", "H=H-H"], 1, ""),
])
def test_errors_are_one_line_with_exit_codes(capsys, argv, code, message):
    got, out, err = run(capsys, *argv)
    assert got == code
    assert err.startswith("symparams: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_bad_spec_file_is_a_model_error(capsys, tmp_path):
    (tmp_path / "bad.json").write_text('{"version": 1, "kind": "sequential", "dims": [], '
                                       '"inputs": [{"shape": [4]}], "layers": [], "x": 1}')
    code, _, err = run(capsys, str(tmp_path / "bad.json"))
    assert code == 1 and "unknown key 'x'" in err


def test_summary_subprocess():
    result = subprocess.run([sys.executable, "-m", "symparams.cli", "summary", f"{CNN}:model",
                             "--set", "H=W=1"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("symparams: usage error: --set H:")


# -- builder arguments: --dims and --arg ------------------------------------------------------

import sympy  # noqa: E402

from symparams import dims, leading_term, parse  # noqa: E402
from symparams.cli_args import UsageError, builder_arguments  # noqa: E402


def json_summary(capsys, *argv):
    code, out, err = run(capsys, *argv, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def formula(quantity, symbols):
    return parse(quantity["formula"], dims=symbols)


def test_gpt2_with_symbolic_depth_and_width_is_the_papers_formula(capsys):
    from symparams.zoo import hf
    L, d = dims("L d")
    document = json_summary(capsys, "zoo:hf.GPT2Model", "--dims", "L", "d",
                            "--arg", "n_layer=L", "--arg", "n_embd=d")
    params = formula(document["totals"]["params"], [L, d])
    assert sympy.expand(params - hf.GPT2Model(n_layer=L, n_embd=d).params) == 0
    assert leading_term(params, "d") == 12 * L * d**2  # Kaplan et al.: N = 12·n_layer·d²
    assert {"L", "d"} <= set(document["dims"])


def test_set_substitutes_a_declared_dimension(capsys):
    from symparams.zoo import hf
    document = json_summary(capsys, "zoo:hf.GPT2Model", "--dims", "L", "--arg", "n_layer=L",
                            "--set", "L=2")
    assert document["totals"]["params"]["value"] == hf.GPT2Model(n_layer=2).params


def test_keras_resnet50_without_top_on_a_symbolic_input(capsys):
    from symparams.zoo import keras as applications
    H, W = dims("H W")
    document = json_summary(capsys, "zoo:keras.ResNet50", "--dims", "H", "W", "--arg",
                            "include_top=false", "input_shape=H,W,3", "pooling=avg")
    model = applications.ResNet50(include_top=False, input_shape=(H, W, 3), pooling="avg")
    assert document["totals"]["params"]["value"] == model.params
    assert [q["value"] for q in document["output_shape"]] == [2048]
    assert [q["formula"] for q in document["layers"][-2]["output_shape"]] == \
        ["ceil(H/32)", "ceil(W/32)", "2048"]


def test_a_function_in_a_python_file_takes_arguments(capsys):
    import runpy
    F = dims("F")
    document = json_summary(capsys, f"{CNN}:build", "--dims", "F", "--arg", "filters=F",
                            "classes=5")
    model = runpy.run_path(CNN)["build"](filters=F, classes=5)
    params = formula(document["totals"]["params"], sorted(model.free_symbols, key=str))
    assert sympy.expand(params - model.params) == 0


def test_float_arguments_reach_the_builder(capsys):
    from symparams.zoo import keras as applications
    document = json_summary(capsys, "zoo:keras.MobileNet", "--arg", "alpha=0.5",
                            "include_top=False")
    model = applications.MobileNet(alpha=0.5, include_top=False)
    assert document["totals"]["params"]["value"] == model.params


def test_values_are_read_by_the_documented_rules():
    H, d = dims("H d")
    assert builder_arguments(
        ["a=none,none,3", "b=8,", "c=max(H, 64),H//2", "d=-1", "e=1e-5", "f=True", "g=null",
         "h=gelu_new", "i=d", "j= 4 * d ", "k=nan"], ["H", "d"]) == {
        "a": (None, None, 3), "b": (8,), "c": (sympy.Max(H, 64), sympy.floor(H / 2)),
        "d": -1, "e": 1e-5, "f": True, "g": None, "h": "gelu_new", "i": d, "j": 4 * d,
        "k": "nan"}  # a name is a string: the builder decides
    assert type(builder_arguments(["n=12"])["n"]) is int


@pytest.mark.parametrize("argv, message", [
    (["n_layer"], "--arg takes NAME=VALUE"),
    (["1x=2"], "--arg takes NAME=VALUE"),
    (["n=1", "n=2"], "--arg n is given twice"),
    (["shape=H,W"], "--arg shape: unknown name 'H' (declared: none)"),
    (["n=__import__('os')"], "--arg n: unknown function '__import__'"),
    (["n=9**9**9**9"], "--arg n: the exponent 387420489 is too large"),
    (["n=1.5.2"], "--arg n: a number must be a plain integer"),
    (["n=inf,1"], "--arg n: unknown name 'inf'"),
    (["x=1e999"], "--arg x: 1e999 is beyond the range of a float"),
])
def test_malformed_values_are_usage_errors(argv, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        builder_arguments(argv)


@pytest.mark.parametrize("argv, code, message", [
    (["zoo:keras.ResNet50", "--arg", "foo=1"], 2,
     "usage error: --arg foo: zoo:keras.ResNet50 takes no argument 'foo'"),
    (["zoo:hf.GPT2Model", "--arg", "n_layers=2"], 2,
     "usage error: --arg n_layers: zoo:hf.GPT2Model takes no argument 'n_layers'"),
    (["zoo:torchvision.resnet18", "--arg", "width=2"], 2,
     "--arg width: zoo:torchvision.resnet18 takes no argument 'width'"),
    ([f"{CNN}:build", "--arg", "units=2"], 2, f"{CNN}:build takes no argument 'units'"),
    (["zoo:hf.GPT2Model", "--arg", "n_layer=L"], 2,
     "--arg n_layer: 'L' is not a declared dimension; declare it with --dims L"),
    (["zoo:hf.GPT2Model", "--dims", "L", "L"], 2, "--dims: 'L' is declared twice"),
    (["zoo:hf.GPT2Model", "--dims", "none"], 2, "--dims: 'none' is a constant"),
    (["zoo:hf.GPT2Model", "--dims", "d-1"], 2, "--dims takes names such as L d_model"),
    ([f"{CNN}:model", "--arg", "filters=8"], 2, "is not a function"),
    (["zoo:keras.ResNet50", "--arg", "pooling=sum"], 1,
     "resnet50: `pooling` must be None, 'avg' or 'max'. Received: pooling='sum'"),
    (["zoo:hf.GPT2Model", "--arg", "n_layer=none"], 1, "n_layer"),
    (["zoo:hf.GPT2Model", "--dims", "d", "--arg", "n_embd=d", "n_head=5", "--set", "d=12"], 1,
     "divisible"),
])
def test_builder_argument_errors_are_one_line(capsys, argv, code, message):
    got, _, err = run(capsys, *argv)
    assert got == code, err
    assert err.startswith("symparams: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_arguments_need_a_builder(capsys, spec_files):
    code, _, err = run(capsys, str(spec_files / "cnn.json"), "--arg", "n=1")
    assert code == 2 and "is not one" in err


from hypothesis import given, strategies as st  # noqa: E402


_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,4}", fullmatch=True) | st.text(max_size=6)
_VALUES = st.text(alphabet=" 0123456789+-*/(),.eEHLdnaoutrfl_", max_size=30) | st.text()


@given(st.lists(st.tuples(_NAMES, _VALUES).map("=".join) | st.text(), max_size=4),
       st.lists(_NAMES, max_size=3))
def test_any_text_is_read_or_refused_with_a_usage_error(items, names):
    try:
        arguments = builder_arguments(items, names)
    except UsageError:  # the only error: main prints it on one line, exit code 2
        return
    assert len(arguments) == len(items)
