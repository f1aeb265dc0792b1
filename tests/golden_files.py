"""Golden files for printed output: compare, or rewrite with SYMPARAMS_REGENERATE_GOLDEN=1."""

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SYMPARAMS_REGENERATE_GOLDEN") == "1":
        path.write_text(actual + "\n", encoding="utf-8")
    expected = path.read_text(encoding="utf-8").rstrip("\n")
    assert actual == expected, f"{name} differs; rerun with SYMPARAMS_REGENERATE_GOLDEN=1 and review"
