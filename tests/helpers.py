"""Shared test helpers: exact evaluation of formulas at integer points, framework counts."""

import numpy as np
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


def keras_counts(model):
    """A built Keras model's trainable and non-trainable weight entries and output shape."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen, tuple(model.output_shape[1:])


def our_counts(model):
    """The same three for a symparams model with numeric sizes, as Python ints."""
    return (int(model.trainable_params), int(model.non_trainable_params),
            tuple(int(s) for s in model.output_shape))
