"""Importers: a PyTorch module or a Keras model as a symbolic symparams model.

The frameworks are optional: each importer imports its framework only when called.
"""

from .keras import from_keras
from .torch import from_torch

__all__ = ["from_keras", "from_torch"]
