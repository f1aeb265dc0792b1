"""Models as the ecosystems' own builders make them, as symparams models.

``symparams.zoo.keras`` mirrors ``keras.applications`` and ``symparams.zoo.torchvision``
mirrors ``torchvision.models`` (names and arguments; weights are irrelevant and ignored).
Input sizes may be symbols.
"""

from . import keras, torchvision

__all__ = ["keras", "torchvision"]
