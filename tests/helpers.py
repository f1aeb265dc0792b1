"""Shared test helpers: exact evaluation of formulas at integer points."""

import sympy


def at(expr, values: dict):
    """``expr`` evaluated exactly with ``{symbol: int}`` (never through floats)."""
    return expr.xreplace({k: sympy.Integer(v) for k, v in values.items()})


def same(a, b) -> bool:
    """Equal as formulas (SymPy's == compares structure: 8*(H - 2) is not 8*H - 16)."""
    return sympy.expand(a - b) == 0


def raw_length(n, kernel, stride, dilation, padding):
    """Keras's documented output-length rule, in plain Python integers."""
    if padding == "valid":
        return (n - dilation * (kernel - 1) - 1) // stride + 1
    return (n - 1) // stride + 1
