"""Models as the ecosystems' own builders make them, as symparams models.

``symparams.zoo.keras`` mirrors ``keras.applications`` and ``symparams.zoo.torchvision``
mirrors ``torchvision.models`` (names and arguments; weights are irrelevant and ignored).
``symparams.zoo.hf`` mirrors Hugging Face ``transformers`` models (class names; their
configuration fields as arguments). Sizes may be symbols.
"""

from . import hf, keras, torchvision

__all__ = ["hf", "keras", "torchvision"]
