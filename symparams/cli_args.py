"""Builder arguments written on the command line: ``--dims NAME ...`` and ``--arg NAME=VALUE``.

``symparams summary zoo:hf.GPT2Model --dims L d --arg n_layer=L n_embd=d`` calls
``hf.GPT2Model(n_layer=L, n_embd=d)`` with ``L`` and ``d`` made by
:func:`symparams.dims` (positive integers). A value is read, in this order, as:

* ``true``, ``false``, ``none`` (or ``True``, ``False``, ``None``, ``null``): a
  boolean or ``None``;
* several items separated by commas outside parentheses (``224,224,3``,
  ``H,W,3``, ``none,none,3``; one item and a trailing comma, ``8,``): a tuple of
  items, each read by these rules except that names must be declared dimensions;
* a decimal number with a point or an exponent (``0.75``, ``1e-5``): a float;
* a name that is not a declared dimension (``avg``, ``gelu_new``): that string;
* anything else: a formula read by :func:`symparams.parse` over the declared
  dimensions (``12``, ``L``, ``4*d``, ``d//h``); an integer becomes a Python int.

Text is never given to ``eval`` or ``sympy.sympify``. Malformed text raises
:class:`UsageError` naming the argument.

>>> from symparams.cli_args import builder_arguments
>>> builder_arguments(["n_layer=L", "n_inner=4*d", "tie_word_embeddings=false"], ["L", "d"])
{'n_layer': L, 'n_inner': 4*d, 'tie_word_embeddings': False}
>>> builder_arguments(["input_shape=224,224,3", "pooling=avg", "alpha=0.75", "weights=none"])
{'input_shape': (224, 224, 3), 'pooling': 'avg', 'alpha': 0.75, 'weights': None}
>>> builder_arguments(["n_embd=4*d"])
Traceback (most recent call last):
...
symparams.cli_args.UsageError: --arg n_embd: unknown name 'd' (declared: none) at position 2 in "4*d"; declare dimensions with --dims
"""

from __future__ import annotations

import inspect
import math
import re

from .errors import ModelError, ParseError, SymparamsError, UnknownArgumentError

__all__ = ["UsageError", "builder_arguments", "call_builder", "declared_dims"]

#: A Python identifier, ASCII only: the names of arguments, dimensions and variables.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][+-]?\d+)?\Z")
_CONSTANTS = {"true": True, "false": False, "none": None, "null": None}


class UsageError(Exception):
    """A command line that asks for something malformed (exit code 2)."""


def declared_dims(names) -> list:
    """The symbols ``--dims`` declares, in order; each name once, an identifier, not a constant.

    >>> declared_dims(["L", "d_model"])
    [L, d_model]
    >>> declared_dims(["true"])
    Traceback (most recent call last):
    ...
    symparams.cli_args.UsageError: --dims: 'true' is a constant of --arg values, not a dimension name
    """
    from .dims import dims

    symbols = []
    for name in names:
        if not IDENTIFIER.match(name):
            raise UsageError(f"--dims takes names such as L d_model. Received: {name!r}")
        if name.lower() in _CONSTANTS:
            raise UsageError(f"--dims: {name!r} is a constant of --arg values, not a dimension "
                             f"name")
        if name in (s.name for s in symbols):
            raise UsageError(f"--dims: {name!r} is declared twice")
        symbols.append(dims(name))
    return symbols


def builder_arguments(items, dims=()) -> dict:
    """Keyword arguments from ``NAME=VALUE`` items, over the dimensions named in ``dims``."""
    symbols = declared_dims(dims)
    arguments = {}
    for item in items:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not IDENTIFIER.match(name):
            raise UsageError(f"--arg takes NAME=VALUE (n_layer=L, include_top=false, "
                             f"input_shape=224,224,3). Received: {item!r}")
        if name in arguments:
            raise UsageError(f"--arg {name} is given twice")
        arguments[name] = _value(name, text.strip(), symbols)
    return arguments


def _value(name: str, text: str, symbols):
    items = _split(text)
    if items is not None:
        return tuple(_item(name, item, symbols, strings=False) for item in items)
    return _item(name, text, symbols, strings=True)


def _split(text: str):
    """The comma-separated items of a tuple (None when there is no top-level comma)."""
    items, depth, start = [], 0, 0
    for position, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            items.append(text[start:position].strip())
            start = position + 1
    if not items:
        return None
    last = text[start:].strip()
    return items + [last] if last else items


def _item(name: str, text: str, symbols, strings: bool):
    if text.lower() in _CONSTANTS:
        return _CONSTANTS[text.lower()]
    if _FLOAT.match(text):
        number = float(text)
        if not math.isfinite(number):
            raise UsageError(f"--arg {name}: {text} is beyond the range of a float")
        return number
    if strings and IDENTIFIER.match(text) and text not in {s.name for s in symbols}:
        return text
    from .parsing import parse

    try:
        value = parse(text, dims=symbols)
    except ParseError as err:
        hint = "; declare dimensions with --dims" if "unknown name" in str(err) else ""
        raise UsageError(f"--arg {name}: {err}{hint}") from None
    return int(value) if value.is_Integer else value


def call_builder(label: str, builder, arguments: dict):
    """``builder(**arguments)``; an argument it does not take is a :class:`UsageError`.

    Errors of the builder itself (a value it refuses) leave as symparams errors, one
    line each on the command line; ``label`` (``zoo:hf.GPT2Model``) names the builder.
    """
    parameters = inspect.signature(builder).parameters.values()
    defaults = {p.name: p.default for p in parameters
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
    for name, value in arguments.items():
        if name not in defaults and not takes_any:
            raise UsageError(f"--arg {name}: {label} takes no argument {name!r}")
        if isinstance(value, str) and _is_size(defaults.get(name)):
            raise UsageError(f"--arg {name}: {value!r} is not a declared dimension; declare it "
                             f"with --dims {value}")
    try:
        return builder(**arguments)
    except UnknownArgumentError as err:
        if err.argument in arguments:
            raise UsageError(f"--arg {err.argument}: {label} takes no argument "
                             f"{err.argument!r}") from None
        raise
    except SymparamsError:
        raise
    except (TypeError, ValueError, ArithmeticError) as err:
        raise ModelError(f"{label}: {err}") from None


def _is_size(default) -> bool:
    return isinstance(default, int) and not isinstance(default, bool)
