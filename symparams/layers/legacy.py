"""Keras 1 signatures, so old model code runs with only its imports changed.

``Convolution2D(nb_filter, nb_row, nb_col)`` is Keras 1's spelling of
``Conv2D(nb_filter, (nb_row, nb_col))``. Beware: Keras 3 keeps the name
``Convolution2D`` as a plain alias of ``Conv2D``, so there
``Convolution2D(32, 5, 5)`` means ``strides=5``. symparams reads three
positional sizes the Keras 1 way, as the code that uses them was written;
``Convolution2D(32, (5, 5))`` or ``Convolution2D(32, 5)`` read as Keras 3.

>>> from symparams import layers
>>> conv = layers.Convolution2D(32, 5, 5, border_mode="same", subsample=(2, 2))
>>> conv
Conv2D(filters=32, kernel_size=(5, 5), strides=(2, 2), padding='same', ...)
"""

from __future__ import annotations

from ..errors import ArgumentError
from .conv import Conv1D, Conv2D, Conv3D

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}
# Keras 1 arguments that change neither shape nor count.
_IGNORED = ("init", "weights", "W_regularizer", "b_regularizer", "W_constraint",
            "b_constraint", "activity_regularizer")


def Convolution1D(nb_filter, filter_length=None, *args, border_mode="valid",
                  subsample_length=1, bias=True, input_dim=None, input_length=None, **kwargs):
    """Keras 1 ``Convolution1D(nb_filter, filter_length, ...)`` as a :class:`Conv1D`."""
    if args or "kernel_size" in kwargs:
        return Conv1D(nb_filter, *_given(filter_length), *args, **kwargs)
    _drop_ignored(kwargs)
    if input_dim is not None and "input_shape" not in kwargs:
        kwargs["input_shape"] = (input_length, input_dim) if input_length else None
        if kwargs["input_shape"] is None:
            raise ArgumentError(
                "Convolution1D: give `input_length` with `input_dim` (symparams needs every "
                f"size). Received: input_dim={input_dim!r}, input_length=None",
                argument="input_length", value=None)
    return Conv1D(nb_filter, filter_length, strides=subsample_length, padding=border_mode,
                  use_bias=bias, **kwargs)


def Convolution2D(nb_filter, nb_row=None, nb_col=None, *args, border_mode="valid",
                  subsample=(1, 1), dim_ordering="default", bias=True, **kwargs):
    """Keras 1 ``Convolution2D(nb_filter, nb_row, nb_col, ...)`` as a :class:`Conv2D`."""
    if nb_col is None or isinstance(nb_row, (tuple, list)) or "kernel_size" in kwargs:
        return Conv2D(nb_filter, *_given(nb_row, nb_col), *args, **kwargs)
    _drop_ignored(kwargs)
    return Conv2D(nb_filter, (nb_row, nb_col), *args, strides=subsample, padding=border_mode,
                  data_format=_data_format(dim_ordering, "Convolution2D"), use_bias=bias,
                  **kwargs)


def Convolution3D(nb_filter, kernel_dim1=None, kernel_dim2=None, kernel_dim3=None, *args,
                  border_mode="valid", subsample=(1, 1, 1), dim_ordering="default", bias=True,
                  **kwargs):
    """Keras 1 ``Convolution3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3, ...)``."""
    if kernel_dim3 is None or isinstance(kernel_dim1, (tuple, list)) or "kernel_size" in kwargs:
        return Conv3D(nb_filter, *_given(kernel_dim1, kernel_dim2, kernel_dim3), *args, **kwargs)
    _drop_ignored(kwargs)
    return Conv3D(nb_filter, (kernel_dim1, kernel_dim2, kernel_dim3), *args, strides=subsample,
                  padding=border_mode, data_format=_data_format(dim_ordering, "Convolution3D"),
                  use_bias=bias, **kwargs)


def _given(*values) -> tuple:
    """The leading positional values that were given (Keras 3 spellings pass fewer)."""
    given = []
    for value in values:
        if value is None:
            break
        given.append(value)
    return tuple(given)


def _drop_ignored(kwargs) -> None:
    for key in _IGNORED:
        kwargs.pop(key, None)


def _data_format(dim_ordering, owner: str):
    if dim_ordering not in _DIM_ORDERING:
        raise ArgumentError(
            f"{owner}: `dim_ordering` must be 'tf', 'th' or 'default'. "
            f"Received: dim_ordering={dim_ordering!r}", argument="dim_ordering",
            value=dim_ordering)
    return _DIM_ORDERING[dim_ordering]
