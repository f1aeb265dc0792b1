"""Models as the ecosystems' own builders make them, as symparams models.

``symparams.zoo.keras`` mirrors ``keras.applications`` (names and arguments; weights are
irrelevant and ignored). Input sizes may be symbols.
"""

from . import keras

__all__ = ["keras"]
