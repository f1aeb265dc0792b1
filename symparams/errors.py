"""Every error symparams raises, under one base class.

Each class mixes the project base with the matching builtin, so callers can
catch ``ValueError`` as they would with Keras, or ``SymparamsError`` to catch
only ours:

>>> from symparams.errors import ArgumentError, ShapeError, SymparamsError
>>> issubclass(ArgumentError, ValueError), issubclass(ShapeError, SymparamsError)
(True, True)

Inner code raises short facts; models add which layer they happened in, once,
at the boundary (see :meth:`SymparamsError.in_layer`).
"""

from __future__ import annotations


class SymparamsError(Exception):
    """Base class of every error raised by symparams."""

    def __init__(self, message: str, *, layer: str | None = None):
        super().__init__(message)
        self.message = message
        self.layer = layer

    def in_layer(self, layer: str) -> "SymparamsError":
        """Return a copy of this error whose text names ``layer`` (once)."""
        if self.layer is not None:
            return self
        clone = _copy(self)
        clone.layer = layer
        return clone

    def renamed(self, layer: str) -> "SymparamsError":
        """A copy naming ``layer`` instead (a model knows its layers' names)."""
        clone = _copy(self)
        clone.layer = layer
        return clone

    def __str__(self) -> str:
        if self.layer is None:
            return self.message
        return f"Layer {self.layer}: {self.message}"


def _copy(err: SymparamsError) -> SymparamsError:
    clone = type(err).__new__(type(err))
    clone.__dict__.update(err.__dict__)
    clone.args = err.args
    return clone


class ArgumentError(SymparamsError, ValueError):
    """A layer or function argument has an invalid value.

    Keeps ``argument`` and ``value`` for programs that want them.
    """

    def __init__(self, message: str, *, argument: str | None = None, value=None,
                 layer: str | None = None):
        super().__init__(message, layer=layer)
        self.argument = argument
        self.value = value


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument has a type symparams cannot take (a string for a size, say)."""


class UnknownArgumentError(ArgumentError, TypeError):
    """A keyword argument the layer does not know (Keras raises ValueError, Python TypeError)."""


class ShapeError(SymparamsError, ValueError):
    """A shape a layer cannot take, or a dimension that would fall below 1."""


class ModelError(SymparamsError, ValueError):
    """A model that cannot be evaluated as asked (no input shape, duplicate names, ...)."""


class MissingDependencyError(SymparamsError, ImportError):
    """An optional package a feature needs is not installed (matplotlib for plots)."""


class UnavailableError(SymparamsError, AttributeError):
    """A quantity an object does not provide (a comparison's FLOPs when a model has none)."""


class ParseError(SymparamsError, ValueError):
    """A formula written as text that :func:`symparams.parse` does not accept.

    Keeps ``text`` and ``position`` (the index of the offending character).

    >>> from symparams import parse
    >>> try:
    ...     parse("2 +* 3")
    ... except ParseError as err:
    ...     print(err.position, err.message)
    3 expected a number, a name or '(', found '*'
    """

    def __init__(self, message: str, *, text: str | None, position: int | None = None):
        super().__init__(message)
        self.text = text
        self.position = position

    def __str__(self) -> str:
        if self.text is None:
            return self.message
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"{self.message} at position {self.position} in {_quoted(shown)}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class SpecError(SymparamsError, ValueError):
    """A spec (a model described as JSON, TOML, YAML or a dict) that does not fit the schema.

    ``where`` is the path of the offending field (``layers[2].args.units``).
    """

    def __init__(self, message: str, *, where: str = ""):
        super().__init__(message)
        self.where = where

    def __str__(self) -> str:
        return f"spec {self.where}: {self.message}" if self.where else f"spec: {self.message}"
