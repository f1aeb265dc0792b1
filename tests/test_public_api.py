"""The public surface: what is exported, documented, and what importing costs."""

import subprocess
import sys

import pytest

import symparams
from symparams import layers, nn
from symparams.layers.base import Layer
from symparams.repeat import Nested


def test_top_level_names():
    for name in ["dims", "layers", "nn", "Input", "Tensor", "Model", "Sequential", "explain", "latex", "ShapeError",
                 "ArgumentError", "ModelError", "SymparamsError"]:
        assert name in symparams.__all__ and hasattr(symparams, name)


@pytest.mark.parametrize("module, name", [(layers, n) for n in layers.__all__] +
                         [(nn, n) for n in nn.__all__])
def test_every_layer_is_exported_and_documented(module, name):
    obj = getattr(module, name)
    assert obj.__doc__ and obj.__doc__.strip()


def test_every_layer_class_in_the_package_is_exported():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    public = {c for c in subclasses(Layer) if not c.__name__.startswith(("Base", "_"))}
    exported = ({getattr(layers, n) for n in layers.__all__} | {getattr(nn, n) for n in nn.__all__}
                | {symparams.Repeat, Nested})  # Nested: what calling a model makes
    assert public <= exported, public - exported


def test_import_is_light():
    code = ("import sys, symparams; heavy = [m for m in ('numpy', 'torch', 'keras', "
            "'matplotlib') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_names_resolve_and_functions_keep_their_names():
    # In a fresh process: submodules named like their function (memory, explain, compare, plot)
    # are imported by other modules first; the package attribute must stay the function.
    code = ("import symparams, symparams.explain, symparams.memory; "
            "assert all(hasattr(symparams, n) for n in symparams.__all__); "
            "assert set(symparams.__all__) <= set(dir(symparams)); "
            "from symparams import memory; "
            "names = ('memory', 'explain', 'compare', 'plot'); "
            "print([callable(getattr(symparams, n)) for n in names], "
            "memory is symparams.memory, type(symparams.layers).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[True, True, True, True] True module"
