"""Models as the ecosystems' own builders make them, as symparams models.

``symparams.zoo.keras`` mirrors ``keras.applications`` (names and arguments; weights are
irrelevant and ignored). ``symparams.zoo.hf`` mirrors Hugging Face ``transformers`` models
(class names; their configuration fields as arguments, with the same defaults). Sizes may
be symbols.
"""

from . import hf, keras

__all__ = ["hf", "keras"]
