"""A small CNN for the command line: ``symparams summary examples/cnn.py:model``.

A Python file is the user's own code; ``symparams summary FILE.py:NAME`` runs it
and takes ``NAME``: a model, or a function returning one (``examples/cnn.py:build``).
"""

from symparams import Sequential, dims, layers

H, W, C = dims("H W C")


def build(filters=32, classes=10):
    return Sequential([
        layers.Conv2D(filters, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(2 * filters, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(classes),
    ], input_shape=(H, W, C), name="cnn")


model = build()
