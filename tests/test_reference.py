"""docs/reference.md is generated from the layers, current, and covers every public layer."""

import importlib.util
from pathlib import Path

from symparams import layers, nn

SCRIPT = Path(__file__).parent.parent / "docs" / "make_reference.py"


def load():
    spec = importlib.util.spec_from_file_location("make_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_is_current():
    reference = load()
    assert reference.PAGE.read_text(encoding="utf-8") == reference.render(), \
        "docs/reference.md is stale: run python docs/make_reference.py"


def test_every_public_layer_has_an_entry():
    public = set(layers.__all__) | set(nn.__all__) - {"Module", "Sequential"}
    missing = public - load().covered()
    assert not missing, f"no example in docs/make_reference.py for {sorted(missing)}"
