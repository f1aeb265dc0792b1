"""A restricted parser for size formulas written as text (spec files, the command line).

>>> from symparams import dims, parse
>>> T, d = dims("T d")
>>> parse("4*d", dims=[d])
4*d
>>> parse("ceil(T/2) - 1", dims=[T, d]), parse("max(d, 64)", dims=[T, d])
(ceiling(T/2) - 1, Max(64, d))
>>> parse("__import__('os')", dims=[d])
Traceback (most recent call last):
...
symparams.errors.ParseError: unknown function '__import__' (the functions are floor, ceil, min, max) at position 0 in "__import__('os')"

Text is untrusted: it is never given to ``eval``, ``exec`` or ``sympy.sympify``
(which evaluates Python). A hand-written tokenizer and precedence-climbing
parser build SymPy objects directly from this grammar::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/" | "//") unary)*
    unary  := ("+" | "-") unary | power
    power  := atom ("**" unary)?             (right-associative, as in Python)
    atom   := INTEGER | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"

``INTEGER`` is ASCII decimal digits (no sign, point, exponent, underscore or
leading zero); ``NAME`` is an ASCII identifier naming one of the declared
dimensions (matched by name); ``FUNC`` is ``floor``, ``ceil`` (one argument),
``min`` or ``max`` (two to four). ``/`` is exact (``H/2`` is the rational
``H/2``, not a float; where a size is required the layer rejects a value that
is not provably an integer), ``//`` is floor division.

Every hostile string fails fast with :class:`~symparams.errors.ParseError`
(a ``ValueError``) naming the position and the offending text; the bounds that
keep the work small are module constants:

* :data:`MAX_LENGTH` characters of input (1000);
* :data:`MAX_DEPTH` levels of nesting: parentheses, calls, signs, powers (50);
* :data:`MAX_EXPONENT`: a numeric exponent is an integer of absolute value at
  most 64, written or reached by multiplying (so ``9**9**9**9`` is refused at
  ``9**9``, and ``(H+1)**64 * (H+1)`` too);
* :data:`MAX_ARGUMENTS`: ``min`` and ``max`` take at most 4 arguments;
* :data:`MAX_CALLS`: at most 8 uses of ``floor``, ``ceil``, ``min``, ``max`` and
  ``//`` in one formula (SymPy's rules for nested roundings and extrema are
  costly; no real size formula needs more);
* :data:`MAX_BITS`: every integer, literal or computed, in the result and along
  the way has at most 256 bits (about 77 decimal digits).
"""

from __future__ import annotations

import re

import sympy
from sympy.printing.str import StrPrinter

from .errors import ArgumentTypeError, ParseError
from .intmath import floor_div

__all__ = ["formula_text", "parse", "MAX_ARGUMENTS", "MAX_CALLS", "MAX_BITS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH"]

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_EXPONENT = 64
MAX_BITS = 256

_TOKEN = re.compile(r"""
    (?P<space>[ \t]+)
  | (?P<int>[0-9]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|//|[-+*/(),])
""", re.VERBOSE)
MAX_ARGUMENTS = 4
MAX_CALLS = 8
_FUNCTIONS = {"floor": (1, 1), "ceil": (1, 1), "min": (2, MAX_ARGUMENTS),
              "max": (2, MAX_ARGUMENTS)}


def parse(text, dims=()) -> sympy.Expr:
    """The SymPy expression ``text`` denotes, over the dimension symbols ``dims``.

    Names in ``text`` must be names of symbols in ``dims``; the result uses
    those very symbols (with their assumptions).

    >>> from symparams import dims
    >>> H = dims("H")
    >>> parse("(H - 1) // 2 + 1", dims=[H])
    ceiling(H/2)
    >>> parse("2**10 * 3")
    3072
    >>> parse("1.5")
    Traceback (most recent call last):
    ...
    symparams.errors.ParseError: a number must be a plain integer (no point, exponent, underscore or letters) at position 0 in "1.5"
    """
    if not isinstance(text, str):
        raise ParseError(f"a formula must be a string. Received: {text!r}", text=None)
    return _Parser(text, _names(dims)).run()


def formula_text(expr: sympy.Expr) -> str:
    """``expr`` written in the grammar :func:`parse` reads (``ceil``, ``min``, ``max``).

    >>> from symparams import dims
    >>> H, W = dims("H W")
    >>> import sympy
    >>> formula_text(sympy.ceiling(H / 2)), formula_text(sympy.Max(H, W))
    ('ceil(H/2)', 'max(H, W)')

    A formula using anything else (``Mod``, say) prints as SymPy prints it,
    which :func:`parse` refuses.
    """
    return _GrammarPrinter().doprint(expr)


class _GrammarPrinter(StrPrinter):
    def _print_ceiling(self, expr):
        return f"ceil({self._print(expr.args[0])})"

    def _print_floor(self, expr):
        return f"floor({self._print(expr.args[0])})"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"


def _names(dims) -> dict:
    if isinstance(dims, sympy.Symbol) or not hasattr(dims, "__iter__") or isinstance(dims, str):
        raise ArgumentTypeError(f"parse: `dims` must be a list of symbols (from "
                                f"symparams.dims). Received: dims={dims!r}", argument="dims",
                                value=dims)
    names = {}
    for symbol in dims:
        if not isinstance(symbol, sympy.Symbol):
            raise ArgumentTypeError(f"parse: `dims` must hold SymPy symbols. Received: "
                                    f"{symbol!r}", argument="dims", value=symbol)
        names[symbol.name] = symbol
    return names


class _Parser:
    """One parse: tokens, a cursor, and the depth of nesting reached."""

    def __init__(self, text: str, names: dict):
        self.text, self.names = text, names
        if len(text) > MAX_LENGTH:
            self.fail(f"a formula may have at most {MAX_LENGTH} characters; this one has "
                      f"{len(text)}", 0)
        self.tokens = self.tokenize()
        self.index = 0
        self.depth = 0
        self.calls = 0

    def fail(self, message: str, position: int):
        raise ParseError(message, text=self.text, position=position)

    def tokenize(self) -> list:
        """The tokens up to the first character that cannot start one (a ``bad`` token there).

        The parser fails on a ``bad`` token only when it reaches it, so the first
        problem in reading order is the one reported.
        """
        tokens, position = [], 0
        while position < len(self.text):
            match = _TOKEN.match(self.text, position)
            problem = None
            if match is None:
                problem = f"unexpected character {self.text[position]!r}"
            elif match.lastgroup == "int":
                after = match.end()
                if after < len(self.text) and (self.text[after].isalnum()
                                               or self.text[after] in "._"):
                    problem = ("a number must be a plain integer (no point, exponent, "
                               "underscore or letters)")
                elif len(match.group()) > 1 and match.group()[0] == "0":
                    problem = "an integer must not start with 0"
            if problem is not None:
                tokens.append(("bad", problem, position))
                break
            if match.lastgroup != "space":
                tokens.append((match.lastgroup, match.group(), position))
            position = match.end()
        tokens.append(("end", "", len(self.text)))
        return tokens

    # -- cursor -------------------------------------------------------------------------------

    def peek(self) -> tuple:
        token = self.tokens[self.index]
        if token[0] == "bad":
            self.fail(token[1], token[2])
        return token

    def take(self) -> tuple:
        token = self.peek()
        self.index += 1
        return token

    def expect(self, value: str) -> None:
        kind, text, position = self.take()
        if text != value or kind != "op":
            found = f"{text!r}" if kind != "end" else "the end"
            self.fail(f"expected {value!r}, found {found}", position)

    def count_call(self, what: str, position: int) -> None:
        self.calls += 1
        if self.calls > MAX_CALLS:
            self.fail(f"a formula may use floor, ceil, min, max and // at most {MAX_CALLS} "
                      f"times in all; this {what} is one more", position)

    def enter(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"the formula nests deeper than {MAX_DEPTH} levels", position)

    # -- grammar ------------------------------------------------------------------------------

    def run(self) -> sympy.Expr:
        if self.peek()[0] == "end":
            self.fail("the formula is empty", 0)
        result = self.expr()
        kind, text, position = self.peek()
        if kind != "end":
            self.fail(f"unexpected {text!r}", position)
        return result

    def expr(self) -> sympy.Expr:
        result = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            _, op, position = self.take()
            right = self.term()
            result = self.checked(result + right if op == "+" else result - right, position)
        return result

    def term(self) -> sympy.Expr:
        result = self.unary()
        while self.peek()[1] in ("*", "/", "//") and self.peek()[0] == "op":
            _, op, position = self.take()
            if op == "//":
                self.count_call("//", position)
            right = self.unary()
            if op == "*":
                result = self.checked(result * right, position)
                continue
            if right.is_zero:
                self.fail("division by zero", position)
            if op == "/":
                result = self.checked(result / right, position)
            elif right.is_Integer and right > 0 and result.is_integer:
                result = self.checked(floor_div(result, right), position)
            else:
                result = self.checked(sympy.floor(result / right), position)
        return result

    def unary(self) -> sympy.Expr:
        kind, text, position = self.peek()
        if kind == "op" and text in ("+", "-"):
            self.take()
            self.enter(position)
            operand = self.unary()
            self.depth -= 1
            return operand if text == "+" else self.checked(-operand, position)
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        kind, text, position = self.peek()
        if kind != "op" or text != "**":
            return base
        self.take()
        self.enter(position)
        exponent = self.unary()
        self.depth -= 1
        return self.checked(self.raise_to(base, exponent, position), position)

    def raise_to(self, base, exponent, position: int) -> sympy.Expr:
        if exponent.is_number:
            if not exponent.is_Integer:
                self.fail(f"an exponent must be an integer; received {exponent}", position)
            if abs(int(exponent)) > MAX_EXPONENT:
                self.fail(f"the exponent {_short(exponent)} is too large (at most "
                          f"{MAX_EXPONENT} in absolute value)", position)
            if base.is_zero and exponent < 0:
                self.fail("division by zero (0 to a negative power)", position)
            if base.is_Rational:
                bits = max(abs(base.p).bit_length(), base.q.bit_length()) * abs(int(exponent))
                if bits > MAX_BITS:
                    self.fail(f"the power is too large (more than {MAX_BITS} bits)", position)
        elif base.is_number and abs(base) != 1 and not (base.is_Integer and base > 0):
            self.fail("a symbolic exponent needs a positive integer base", position)
        return base ** exponent

    def atom(self) -> sympy.Expr:
        kind, text, position = self.take()
        if kind == "int":
            value = int(text) if len(text) <= 80 else None
            if value is None or value.bit_length() > MAX_BITS:
                self.fail(f"the integer is too large (more than {MAX_BITS} bits)", position)
            return sympy.Integer(value)
        if kind == "name":
            nxt = self.peek()
            if nxt[0] == "op" and nxt[1] == "(" and text in _FUNCTIONS:
                return self.call(text, position)
            if text in self.names:
                return self.names[text]
            if nxt[0] == "op" and nxt[1] == "(":
                self.fail(f"unknown function {text!r} (the functions are floor, ceil, min, "
                          "max)", position)
            declared = ", ".join(self.names) or "none"
            self.fail(f"unknown name {text!r} (declared: {declared})", position)
        if kind == "op" and text == "(":
            self.enter(position)
            inner = self.expr()
            self.expect(")")
            self.depth -= 1
            return inner
        found = "the end of the formula" if kind == "end" else repr(text)
        self.fail(f"expected a number, a name or '(', found {found}", position)

    def call(self, name: str, position: int) -> sympy.Expr:
        self.count_call(f"{name}()", position)
        self.take()  # "("
        self.enter(position)
        args = [self.expr()]
        while self.peek()[1] == "," and self.peek()[0] == "op":
            self.take()
            args.append(self.expr())
        self.expect(")")
        self.depth -= 1
        low, high = _FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"{low}" if low == high else f"{low} to {high}"
            self.fail(f"{name}() takes {wanted} argument{'s' if low > 1 else ''}; "
                      f"received {len(args)}", position)
        function = {"floor": sympy.floor, "ceil": sympy.ceiling, "min": sympy.Min,
                    "max": sympy.Max}[name]
        return self.checked(function(*args), position)

    def checked(self, result: sympy.Expr, position: int) -> sympy.Expr:
        """``result`` if every number in it fits in :data:`MAX_BITS` bits; else a ParseError."""
        for number in result.atoms(sympy.Rational):
            if max(abs(number.p).bit_length(), number.q.bit_length()) > MAX_BITS:
                self.fail(f"a number in the result is too large (more than {MAX_BITS} bits)",
                          position)
        for power in result.atoms(sympy.Pow):
            if power.exp.is_number and abs(power.exp) > MAX_EXPONENT:
                self.fail(f"a power in the result has an exponent above {MAX_EXPONENT} "
                          f"({_short(power.exp)})", position)
        if result.has(sympy.zoo, sympy.oo, sympy.nan, sympy.I):
            self.fail("the formula is not a finite real number", position)
        return result


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:17] + "..."
