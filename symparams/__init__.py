"""symparams: neural-network architectures as closed-form SymPy formulas.

>>> from symparams import Sequential, dims, layers
>>> H, W, C = dims("H W C")
>>> model = Sequential([layers.Conv2D(32, 5), layers.MaxPooling2D(), layers.Flatten(),
...                     layers.Dense(10)], input_shape=(H, W, C))
>>> model.layers[0].params
32*(25*C + 1)
>>> model.output_shape
(10,)
>>> model.subs(H=28, W=28, C=1).params
46922
"""

from . import layers, nn
from .analysis import leading_term, scaling_exponent, sensitivity, solve_budget
from .compare import compare
from .compute import flops
from .dims import dims
from .errors import ArgumentError, ModelError, ParseError, ShapeError, SpecError, SymparamsError
from .evaluation import sweep
from .explain import explain
from .graph import Input, Model, Tensor
from .importers import from_keras, from_torch
from .memory import memory
from .model import Sequential
from .parsing import parse
from .plot import plot
from .printing import latex
from .repeat import Repeat
from .spec import load_spec

__version__ = "0.1.0"

__all__ = [
    "ArgumentError", "Input", "Model", "ModelError", "ParseError", "Repeat", "Sequential",
    "ShapeError", "SpecError", "SymparamsError", "Tensor", "compare", "dims", "explain", "flops",
    "from_keras", "from_torch", "latex", "layers", "leading_term", "load_spec", "memory", "nn",
    "parse", "plot", "scaling_exponent", "sensitivity", "solve_budget", "sweep", "zoo",
]


def __getattr__(name):
    """``symparams.zoo`` is imported on first use: ``import symparams`` stays light."""
    if name == "zoo":
        import importlib

        return importlib.import_module(".zoo", __name__)
    raise AttributeError(f"module 'symparams' has no attribute {name!r}")
