"""Every zoo model's summary goes through the LaTeX printer, row by row, with symbolic sizes.

`tests/test_latex_compiles.py` compiles a few of these tables with a real engine; here every
builder's table is printed and checked for what would break a compile.
"""

from __future__ import annotations

import pytest

from symparams import dims
from symparams.zoo import hf, keras, torchvision

H, W = dims("H W")

BUILDERS = ([("keras", name) for name in keras.__all__] +
            [("torchvision", name) for name in torchvision.__all__] +
            [("hf", name) for name in hf.__all__])


def build(family: str, name: str):
    if family == "keras":
        return getattr(keras, name)(include_top=False, input_shape=(H, W, 3))
    return getattr({"torchvision": torchvision, "hf": hf}[family], name)()


def balanced(text: str) -> bool:
    depth = 0
    for i, char in enumerate(text):
        if char in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("family, name", BUILDERS, ids=[f"{f}.{n}" for f, n in BUILDERS])
def test_every_row_prints_as_latex(family, name):
    table = build(family, name).summary().to_latex()
    body = table.split(r"\midrule")[1]
    rows = [row for row in body.strip().split("\n") if row]
    assert rows and all(row.endswith(r"\\") and row.count("&") == 2 for row in rows)
    assert balanced(table)
    for raw in ("Mod(", "Piecewise", "**", "_{}", "nan"):
        assert raw not in table, raw
