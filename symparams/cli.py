"""The ``symparams`` command.

``symparams demo`` builds the reference CNN (the Keras 1 model symparams was
born from) with symbolic input ``(H, W, C)`` and prints its summary, the same
at 28×28×1, and the explanations that answer its user's two questions.

``symparams summary MODEL`` prints any model's summary (text, Markdown, LaTeX
or JSON), after ``--set`` substitutions, and explains a layer on request; see
``docs/cli.md``. MODEL is a zoo name (``zoo:keras.ResNet50``), a Python file
and the variable or function in it (``examples/cnn.py:model``), or a spec file
(``.json``, ``.toml``, ``.yaml``). A builder (a zoo name or a function) takes
arguments with ``--arg NAME=VALUE`` over dimensions declared with ``--dims``
(``symparams.cli_args``).

Exit codes: 0 success, 2 usage error, 1 model error; errors are one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__
from .cli_args import IDENTIFIER, UsageError, builder_arguments, call_builder
from .errors import SymparamsError

FORMATS = ("text", "markdown", "latex", "json")
#: The ``schema`` field of ``--format json`` output; bumped on incompatible changes.
JSON_SCHEMA = "symparams.summary/1"
_SPEC_SUFFIXES = (".json", ".toml", ".yaml", ".yml")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: one line, exit code 2
        raise UsageError(message)


def main(argv=None) -> int:
    parser = _Parser(
        prog="symparams",
        description="Neural-network architectures as closed-form SymPy formulas.")
    parser.add_argument("--version", action="version", version=f"symparams {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = commands.add_parser("demo", help="the reference CNN: formulas, numbers, explanations")
    demo.add_argument("--latex", action="store_true", help="also print the LaTeX table")
    summary = commands.add_parser(
        "summary", help="a model's summary: zoo:FAMILY.NAME, FILE.py:NAME or a spec file")
    summary.add_argument("model", metavar="MODEL",
                         help="zoo:keras.ResNet50, examples/cnn.py:model, or model.json/.toml/.yaml")
    summary.add_argument("--dims", nargs="+", action="extend", default=[], metavar="NAME",
                         help="dimension symbols (positive integers) for --arg values")
    summary.add_argument("--arg", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                         dest="arguments", help="a builder argument (n_layer=L, "
                         "include_top=false, input_shape=224,224,3)")
    summary.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                         dest="values", help="substitute values (formulas: d=4*64)")
    summary.add_argument("--format", choices=FORMATS, default="text")
    summary.add_argument("--explain", metavar="LAYER", help="explain one layer's count")
    summary.add_argument("--flops", action="store_true", help="print the FLOPs formula")
    summary.add_argument("--memory", action="store_true", help="print the memory formula")
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        if args.command == "demo":
            return _demo(latex=args.latex)
        return _summary(args)
    except UsageError as err:
        print(f"symparams: usage error: {err}", file=sys.stderr)
        return 2
    except SymparamsError as err:
        print(f"symparams: {_one_line(err)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _one_line(err) -> str:
    return " ".join(str(err).split())


def _demo(latex: bool) -> int:
    from .examples import reference_cnn
    from .explain import explain

    model = reference_cnn()
    numeric = model.subs(H=28, W=28, C=1)
    conv, second_conv, dropout = model.layers[0], numeric.layers[3], numeric.layers[6]
    print("The reference CNN (Keras 1 code) with input (H, W, C), channels last:\n")
    print(model.summary())
    print("\nAt H = W = 28, C = 1:\n")
    print(numeric.summary())
    print("\nThe first convolution, for any number of input channels C (832 at C = 1):\n")
    print(explain(conv))
    print("\nWhy 51264 and not (5·5+1)·64 = 1664? Each filter spans all 32 input channels:\n")
    print(explain(second_conv))
    print("\nWhy does Dropout change nothing?\n")
    print(explain(dropout))
    if latex:
        print("\n" + model.summary().to_latex())
    return 0


# -- summary ----------------------------------------------------------------------------------

def _summary(args) -> int:
    model = load_model(args.model, builder_arguments(args.arguments, args.dims))
    substitutions = _substitutions(args.values, model)
    if substitutions:
        model = model.subs(substitutions)
    extras = {}
    for flag, attribute in (("flops", "flops"), ("memory", "memory")):
        if getattr(args, flag):
            extras[attribute] = _extra(model, attribute)
    explained = _find_layer(model, args.explain) if args.explain else None
    if args.format == "json":
        document = summary_json(model, substitutions)
        document.update({k: _json_value(v) for k, v in extras.items()})
        if explained is not None:
            document["explain"] = {"layer": explained.name, "text": str(explained.explain())}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    summary = model.summary()
    print({"text": str, "markdown": lambda s: s.to_markdown(),
           "latex": lambda s: s.to_latex()}[args.format](summary))
    for name, value in extras.items():
        label = {"flops": "FLOPs", "memory": "Memory"}[name]
        shown = _latex_or_text(value) if args.format == "latex" else _text(value)
        print(f"\n{shown}" if "\n" in shown else f"{label}: {shown}")
    if explained is not None:
        explanation = explained.explain()
        print("\n" + (explanation.to_latex() if args.format == "latex" else str(explanation)))
    return 0


def load_model(source: str, arguments=None):
    """The model MODEL names: ``zoo:FAMILY.NAME``, ``FILE.py[:NAME]`` or a spec file.

    ``arguments`` (a dict) go to the builder: the zoo's, or a function in the file.
    """
    arguments = arguments or {}
    if source.startswith("zoo:"):
        return _zoo_model(source[4:], arguments)
    path, _, attribute = source.partition(".py:") if ".py:" in source else (source, "", "")
    if attribute or source.endswith(".py"):
        return _python_model(path + ".py" if attribute else source, attribute or "model",
                             arguments)
    if arguments:
        raise UsageError("--arg passes arguments to a builder (zoo:FAMILY.NAME or a function "
                         f"in FILE.py); {source} is not one")
    if source.lower().endswith(_SPEC_SUFFIXES):
        from .spec import load_spec
        if not os.path.isfile(source):
            raise UsageError(f"no such file: {source}")
        return load_spec(source)
    raise UsageError(f"MODEL must be zoo:FAMILY.NAME, FILE.py:NAME or a .json, .toml, .yaml "
                     f"spec file. Received: {source!r}")


def _zoo_model(name: str, arguments: dict):
    from . import zoo

    family, _, builder = name.partition(".")
    module = getattr(zoo, family, None) if family in zoo.__all__ else None
    if module is None or builder not in getattr(module, "__all__", ()):
        families = ", ".join(zoo.__all__)
        raise UsageError(f"unknown zoo model {name!r}; names are FAMILY.NAME with FAMILY one "
                         f"of {families} (e.g. zoo:keras.ResNet50)")
    return call_builder(f"zoo:{name}", getattr(module, builder), arguments)


def _python_model(path: str, attribute: str, arguments: dict):
    import runpy

    from .model import BaseModel

    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    if not IDENTIFIER.match(attribute):
        raise UsageError(f"{attribute!r} is not a Python name")
    namespace = runpy.run_path(path, run_name="__symparams__")  # the user's own code
    if attribute not in namespace:
        raise UsageError(f"{path} defines no {attribute!r}")
    value = namespace[attribute]
    if callable(value) and not isinstance(value, BaseModel):
        value = call_builder(f"{path}:{attribute}", value, arguments)
    elif arguments:
        raise UsageError(f"--arg passes arguments to a builder; {path}:{attribute} is not a "
                         f"function")
    if not isinstance(value, BaseModel):
        raise UsageError(f"{path}:{attribute} is not a symparams model "
                         f"(a {type(value).__name__})")
    return value


def _substitutions(items, model) -> dict:
    from .errors import ParseError
    from .parsing import parse

    symbols = sorted(model.free_symbols, key=lambda s: s.name)
    by_name = {s.name: s for s in symbols}
    values = {}
    for item in items:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not IDENTIFIER.match(name):
            raise UsageError(f"--set takes NAME=VALUE (H=224, d=4*64). Received: {item!r}")
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise UsageError(f"--set {name}: the model has no dimension {name!r} "
                             f"(its dimensions: {known})")
        try:
            values[by_name[name]] = parse(text, dims=symbols)
        except ParseError as err:
            raise UsageError(f"--set {name}: {err}") from None
    return values


def _find_layer(model, name: str):
    for bound in model.layers:
        if bound.name == name:
            return bound
    from .errors import ModelError
    raise ModelError(f"model '{model.name}' has no layer {name!r}")


def _extra(model, attribute: str):
    value = getattr(model, attribute, None)
    if value is None:
        raise UsageError(f"--{attribute} is not available in this version of symparams")
    return value() if callable(value) else value


# -- JSON -------------------------------------------------------------------------------------

def summary_json(model, substitutions=None) -> dict:
    """The ``--format json`` document (schema :data:`JSON_SCHEMA`, described in docs/cli.md)."""
    connections = getattr(model, "connections", None)
    rows = []
    for bound in model.layers:
        row = {"name": bound.name, "type": bound.class_name,
               "output_shape": _shape(bound.output_shape),
               "params": _quantity(bound.params)}
        if connections is not None:
            row["connected_to"] = list(connections.get(bound.name, ()))
        rows.append(row)
    input_shape = model.input_shape
    return {
        "schema": JSON_SCHEMA,
        "model": model.name,
        "dims": sorted(s.name for s in model.free_symbols),
        "set": {str(k): _quantity(v) for k, v in (substitutions or {}).items()},
        "input_shape": _shape(input_shape),
        "output_shape": _shape(model.output_shape),
        "layers": rows,
        "totals": {"params": _quantity(model.params),
                   "trainable_params": _quantity(model.trainable_params),
                   "non_trainable_params": _quantity(model.non_trainable_params)},
    }


def _json_value(value):
    """A formula as a quantity; an object of formulas (a memory breakdown) as a table of them."""
    import dataclasses

    import sympy

    if isinstance(value, sympy.Basic) or not dataclasses.is_dataclass(value):
        return _quantity(value)
    return {f.name: _quantity(getattr(value, f.name)) for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), sympy.Expr)}


def _shape(shape):
    if isinstance(shape, list):  # several tensors
        return [_shape(s) for s in shape]
    return [_quantity(s) for s in shape]


def _quantity(value) -> dict:
    """``{"formula", "latex", "value"}``: value is the integer when the formula is one."""
    import sympy

    from .parsing import formula_text
    from .printing import latex

    if not isinstance(value, sympy.Basic):
        return {"formula": str(value), "latex": str(value), "value": None}
    number = int(value) if value.is_Integer else None
    return {"formula": formula_text(value), "latex": latex(value),
            "value": number}


def _text(value) -> str:
    import sympy

    from .printing import text
    return text(value) if isinstance(value, sympy.Basic) else str(value)


def _latex_or_text(value) -> str:
    import sympy

    from .printing import latex
    return f"${latex(value)}$" if isinstance(value, sympy.Basic) else str(value)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
