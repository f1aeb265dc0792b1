"""The ``symparams`` command.

``symparams demo`` builds the reference CNN (the Keras 1 model symparams was
born from) with symbolic input ``(H, W, C)`` and prints its summary, the same
at 28×28×1, and the explanations that answer its user's two questions.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .errors import SymparamsError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="symparams",
        description="Neural-network architectures as closed-form SymPy formulas.")
    parser.add_argument("--version", action="version", version=f"symparams {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="the reference CNN: formulas, numbers, explanations")
    demo.add_argument("--latex", action="store_true", help="also print the LaTeX table")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _demo(latex=args.latex)
    except SymparamsError as err:
        print(f"symparams: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
