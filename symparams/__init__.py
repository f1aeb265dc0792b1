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

import importlib
import sys
import types

from .dims import dims
from .errors import ArgumentError, ModelError, ParseError, ShapeError, SpecError, SymparamsError

__version__ = "0.1.0"

# Everything else is imported on first use, so that ``import symparams`` costs little beyond SymPy:
# public name -> the submodule that defines it (a subpackage when the name is the submodule itself).
_SUBPACKAGES = {"layers", "nn", "zoo"}
_LAZY = {
    "layers": ".layers", "nn": ".nn", "zoo": ".zoo",
    "leading_term": ".analysis", "scaling_exponent": ".analysis", "sensitivity": ".analysis",
    "solve_budget": ".analysis", "compare": ".compare", "flops": ".compute", "sweep": ".evaluation",
    "explain": ".explain", "Input": ".graph", "Model": ".graph", "Tensor": ".graph",
    "from_keras": ".importers", "from_torch": ".importers", "memory": ".memory",
    "Sequential": ".model", "parse": ".parsing", "plot": ".plot", "latex": ".printing",
    "Repeat": ".repeat", "load_spec": ".spec",
}

__all__ = [
    "ArgumentError", "Input", "Model", "ModelError", "ParseError", "Repeat", "Sequential",
    "ShapeError", "SpecError", "SymparamsError", "Tensor", "compare", "dims", "explain", "flops",
    "from_keras", "from_torch", "latex", "layers", "leading_term", "load_spec", "memory", "nn",
    "parse", "plot", "scaling_exponent", "sensitivity", "solve_budget", "sweep", "zoo",
]


def __getattr__(name):
    """Import the submodule behind a public name on first use and keep the name here."""
    if name not in _LAZY:
        raise AttributeError(f"module 'symparams' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name], __name__)
    value = module if name in _SUBPACKAGES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Importing the submodule ``symparams.memory`` must not replace the function
    ``symparams.memory`` (nor ``explain``, ``compare``, ``plot``): Python's import sets a
    submodule as an attribute of its package."""

    def __setattr__(self, name, value):
        if not (name in _LAZY and name not in _SUBPACKAGES and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
