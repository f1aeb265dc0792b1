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
