"""What convolutions and pools share: data formats and splitting a shape into space and channels.

>>> from symparams.layers._spatial import split_channels, join_channels
>>> split_channels((28, 28, 3), "channels_last")
((28, 28), 3)
>>> join_channels((14, 14), 64, "channels_first")
(64, 14, 14)
"""

from __future__ import annotations

from .. import arguments

DATA_FORMATS = ("channels_last", "channels_first")


def data_format(value, *, owner: str) -> str:
    """``channels_last`` (Keras's default) or ``channels_first``."""
    if value is None:
        return "channels_last"
    return arguments.choice(value, DATA_FORMATS, owner=owner, argument="data_format")


def split_channels(shape: tuple, fmt: str) -> tuple[tuple, object]:
    """``(spatial sizes, channels)`` of a batchless shape."""
    if fmt == "channels_last":
        return tuple(shape[:-1]), shape[-1]
    return tuple(shape[1:]), shape[0]


def split_input(layer, input_shape: tuple) -> tuple[tuple, object]:
    """Check that ``input_shape`` has ``layer.rank`` spatial axes plus channels, and split it."""
    if len(input_shape) != layer.rank + 1:
        layer._expect_rank(input_shape, layer.rank + 1,
                           what=describe_input(layer.rank, layer.data_format))
    return split_channels(input_shape, layer.data_format)


def join_channels(spatial: tuple, channels, fmt: str) -> tuple:
    """The inverse of :func:`split_channels`."""
    if fmt == "channels_last":
        return (*spatial, channels)
    return (channels, *spatial)


def describe_input(rank: int, fmt: str) -> str:
    """``(height, width, channels)``: what a rank-``rank`` layer expects."""
    spatial = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}[rank]
    return ", ".join(join_channels(spatial, "channels", fmt))
