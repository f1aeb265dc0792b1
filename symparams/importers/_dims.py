"""Turning chosen hyperparameters of an imported model into symbols (both importers).

``dims`` maps what to replace to a size (a symbol from :func:`symparams.dims`,
an expression, or an int):

- an ``int`` key: every *width* argument equal to it (channels, features,
  units, filters, embedding and hidden sizes; never kernel sizes, strides or
  head counts), and every input axis of that size;
- a ``str`` key ``"argument"``: that argument in every layer that has it;
- a ``str`` key ``"layer.argument"``: that argument of the named layer only
  (``"fc.out_features"``, ``"dense_1.units"``).

The most specific key wins. A key that matches nothing is an error (a typo
would otherwise import the model unchanged).

>>> from symparams import dims
>>> F = dims("F")
>>> rules = Renames({64: F, "fc.out_features": 10}, widths={"out_features"})
>>> rules.value("fc1", "out_features", 64), rules.value("fc", "out_features", 64)
(F, 10)
>>> rules.value("fc1", "kernel_size", 64)
64
"""

from __future__ import annotations

import numbers

from .. import arguments
from ..errors import ArgumentError, ArgumentTypeError


class Renames:
    """The replacements ``dims`` asks for, and which of them were used."""

    def __init__(self, dims, *, widths, owner: str = "import"):
        if dims is None:
            dims = {}
        if not isinstance(dims, dict):
            raise ArgumentTypeError(f"{owner}: `dims` must be a dict (a width, an argument name "
                                    f"or 'layer.argument' -> a size). Received: dims={dims!r}",
                                    argument="dims", value=dims)
        self.by_value, self.by_name, self.by_path = {}, {}, {}
        for key, size in dims.items():
            size = arguments.size(size, owner=owner, argument=f"dims[{key!r}]")
            if isinstance(key, numbers.Integral) and not isinstance(key, bool) and key > 0:
                self.by_value[int(key)] = size
            elif isinstance(key, str) and key:
                table = self.by_path if "." in key else self.by_name
                table[key] = size
            else:
                raise ArgumentError(f"{owner}: a `dims` key must be a positive int (a width) or "
                                    f"an argument name ('units' or 'layer.units'). "
                                    f"Received: {key!r}", argument="dims", value=key)
        self.widths = frozenset(widths)
        self.owner = owner
        self.used: set = set()

    def value(self, layer: str, argument: str, value):
        """What ``layer``'s ``argument`` becomes (``value`` itself when nothing asks)."""
        path = f"{layer}.{argument}"
        if path in self.by_path:
            self.used.add(path)
            return self.by_path[path]
        if argument in self.by_name:
            self.used.add(argument)
            return self.by_name[argument]
        if argument in self.widths:
            return self.size(value)
        return value

    def size(self, value):
        """A width or an input axis: replaced when ``dims`` has its value as a key."""
        if isinstance(value, numbers.Integral) and not isinstance(value, bool) \
                and int(value) in self.by_value:
            self.used.add(int(value))
            return self.by_value[int(value)]
        if isinstance(value, tuple):
            return tuple(self.size(v) for v in value)
        return value

    def check_all_used(self) -> None:
        """Raise for a key that replaced nothing."""
        keys = [*self.by_value, *self.by_name, *self.by_path]
        unused = [k for k in keys if k not in self.used]
        if unused:
            raise ArgumentError(f"{self.owner}: dims[{unused[0]!r}] matched no argument of the "
                                f"model", argument="dims", value=unused[0])
