"""Element sizes of data types, by the names numpy and torch give them.

>>> from symparams.dtypes import element_bytes
>>> element_bytes("float32"), element_bytes("bfloat16"), element_bytes("int8")
(4, 2, 1)
>>> element_bytes("half"), element_bytes("double")
(2, 8)

A torch or numpy dtype object works too (``torch.float16``, ``numpy.float64``,
``numpy.dtype("int8")``). Names whose width differs between the two libraries
(``"float"`` is 4 bytes in torch and 8 in numpy) are refused: spell the width.
"""

from __future__ import annotations

import sympy

from .errors import ArgumentError, ArgumentTypeError

__all__ = ["element_bytes", "resolve_bytes"]

_BYTES = {
    "float64": 8, "double": 8, "float32": 4, "float16": 2, "half": 2, "bfloat16": 2,
    "float8_e4m3fn": 1, "float8_e4m3fnuz": 1, "float8_e5m2": 1, "float8_e5m2fnuz": 1,
    "float8_e8m0fnu": 1,
    "complex128": 16, "cdouble": 16, "complex64": 8, "cfloat": 8, "complex32": 4, "chalf": 4,
    "int64": 8, "int32": 4, "int16": 2, "short": 2, "int8": 1, "uint64": 8, "uint32": 4,
    "uint16": 2, "uint8": 1, "bool": 1,
}
# Names whose width differs between torch and numpy, or depends on the platform.
_AMBIGUOUS = {"float": ("float32", "float64"), "int": ("int32", "int64"),
              "long": ("int64", "int32"), "complex": ("complex64", "complex128")}


def _name_of(dtype) -> str:
    """A dtype's name: a string as given, ``torch.float16`` -> ``float16``, numpy's name."""
    if isinstance(dtype, str):
        return dtype
    if isinstance(dtype, type):  # numpy scalar types: numpy.float32
        return dtype.__name__
    text = str(dtype)
    return text.removeprefix("torch.") if text.startswith("torch.") else \
        getattr(dtype, "name", text)


def element_bytes(dtype, *, owner: str = "memory", argument: str = "dtype") -> int:
    """Bytes per element of ``dtype`` (a name, or a torch or numpy dtype)."""
    if dtype is None or isinstance(dtype, (bool, int, float)):
        raise ArgumentTypeError(f"{owner}: `{argument}` must be a dtype name such as "
                                f"'float32' (or a torch or numpy dtype). "
                                f"Received: {argument}={dtype!r}", argument=argument, value=dtype)
    name = _name_of(dtype)
    if name in _AMBIGUOUS:
        options = " or ".join(repr(n) for n in _AMBIGUOUS[name])
        raise ArgumentError(f"{owner}: `{argument}={name!r}` means different widths in torch "
                            f"and numpy; spell the width: {options}", argument=argument,
                            value=dtype)
    if name not in _BYTES:
        raise ArgumentError(f"{owner}: unknown dtype. Known: {', '.join(sorted(_BYTES))}. "
                            f"Received: {argument}={dtype!r}", argument=argument, value=dtype)
    return _BYTES[name]


def resolve_bytes(dtype, bytes_per_element, *, owner: str, argument: str) -> sympy.Expr:
    """Bytes per element from ``dtype`` or an explicit ``bytes_per_element``, not both.

    ``bytes_per_element`` may be a positive number (``sympy.Rational(1, 2)`` for
    4-bit weights) or a :func:`~symparams.dims` symbol.

    >>> import sympy
    >>> resolve_bytes("float16", None, owner="memory", argument="dtype")
    2
    >>> resolve_bytes(None, sympy.Rational(1, 2), owner="memory", argument="dtype")
    1/2
    """
    if bytes_per_element is None:
        return sympy.Integer(element_bytes(dtype, owner=owner, argument=argument))
    if dtype is not None:
        raise ArgumentError(f"{owner}: give `{argument}` or its bytes per element, not both. "
                            f"Received: {argument}={dtype!r} and bytes={bytes_per_element!r}",
                            argument=argument, value=dtype)
    value = bytes_per_element
    if isinstance(value, int) and not isinstance(value, bool):
        value = sympy.Integer(value)
    if not isinstance(value, sympy.Expr) or value.is_positive is not True:
        raise ArgumentError(f"{owner}: bytes per element must be a positive int, a SymPy "
                            f"rational or a dims symbol. Received: {bytes_per_element!r}",
                            argument="bytes_per_element", value=bytes_per_element)
    return value
