"""What the ``keras.applications`` builders share: argument checks, the pooling options, the classifier top and the MobileNets' channel rounding."""

from __future__ import annotations

import sympy

from ... import layers
from ...errors import ArgumentError, UnknownArgumentError
from ...graph import Input

_IGNORED = ("weights", "input_tensor", "name")


def _start(name, input_shape, pooling, kwargs, size=224):
    """The model's input: ``input_shape``, else ``(size, size, 3)``; arguments checked."""
    unknown = set(kwargs) - set(_IGNORED)
    if unknown:
        raise UnknownArgumentError(f"{name}: unexpected arguments {sorted(unknown)}",
                            argument=sorted(unknown)[0], value=kwargs)
    if pooling not in (None, "avg", "max"):
        raise ArgumentError(f"{name}: `pooling` must be None, 'avg' or 'max'. "
                            f"Received: pooling={pooling!r}", argument="pooling", value=pooling)
    return Input(input_shape or (size, size, 3))


def _pool(x, pooling):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def _head(x, include_top, pooling, classes, classifier_activation):
    """The usual top: global average pooling and a Dense classifier; else ``pooling``."""
    if not include_top:
        return _pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def _make_divisible(v, divisor=8):
    """Keras's channel rounding for MobileNets: nearest multiple of 8, not below 90% of v."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _correct_pad(shape, kernel=3):
    """Keras's correct_pad: one less on the leading side of an even-sized axis."""
    return tuple((kernel // 2 - (1 - sympy.Mod(n, 2)), kernel // 2) for n in shape[:2])
