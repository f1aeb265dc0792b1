r"""Printing formulas for people: one-line Unicode text and LaTeX with readable names.

Both printers extend SymPy's own, so anything that prints through SymPy
(including symparams objects with a ``_latex`` method) gets the same settings.

>>> from sympy import ceiling, floor
>>> from symparams import dims
>>> from symparams.printing import latex, text
>>> H, C, d_model = dims("H C d_model")
>>> text(32*C**2 + floor((H + 1)/4))
'32·C² + ⌊(H + 1)/4⌋'
>>> latex(4*d_model**2)
'4 d_{\\mathrm{model}}^{2}'
>>> latex(floor((H + 3)/4))
'\\left\\lfloor{\\frac{H + 3}{4}}\\right\\rfloor'
"""

from __future__ import annotations

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from .errors import ArgumentError, UnknownArgumentError

__all__ = ["latex", "markdown_math", "text", "symbol_latex"]

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega".split())


def text(expr, **settings) -> str:
    """One line of Unicode: ``·`` for products, ``⌊⌋``/``⌈⌉`` for floors and ceilings."""
    return TextPrinter(settings).doprint(expr)


def latex(expr, **settings) -> str:
    r"""LaTeX for an expression, a shape, or a symparams object (a summary, an explanation).

    Symbol names are made readable: ``d_model`` becomes ``d_{\mathrm{model}}``,
    a multi-letter name such as ``units`` becomes ``\mathrm{units}``.
    """
    if not settings:
        return SymparamsLatexPrinter().doprint(expr)
    unknown = sorted(map(str, set(settings) - set(SymparamsLatexPrinter._default_settings)))
    if unknown:
        raise UnknownArgumentError(f"latex: SymPy's LaTeX printer has no setting {unknown[0]!r}",
                                   argument=unknown[0], value=settings)
    try:
        return SymparamsLatexPrinter(settings).doprint(expr)
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        raise ArgumentError(f"latex: SymPy's LaTeX printer refused the settings {settings!r} "
                            f"({type(err).__name__}: {err})", argument="settings",
                            value=settings) from None


def markdown_math(expr) -> str:
    r"""Inline math for Markdown (a table cell, say): ``$...$``, with ``|`` escaped.

    >>> from symparams import dims
    >>> markdown_math(dims("d_model") ** 2)
    '$d_{\\mathrm{model}}^{2}$'
    """
    return "$" + latex(expr).replace("|", r"\|") + "$"


def symbol_latex(name: str) -> str:
    r"""LaTeX for a symbol name.

    >>> symbol_latex("d_model"), symbol_latex("H"), symbol_latex("in_channels")
    ('d_{\\mathrm{model}}', 'H', '\\mathrm{in\\_channels}')
    """
    base, _, sub = name.partition("_")
    if not sub:
        return _word(base)
    if len(base) == 1 or base.lower() in _GREEK:
        return f"{_word(base)}_{{{_word(sub)}}}"
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _word(word: str) -> str:
    if len(word) == 1 or word.isdigit():
        return word
    if word.lower() in _GREEK:
        return "\\" + word
    return r"\mathrm{" + word.replace("_", r"\_") + "}"


def _as_written(printer, expr) -> bool:
    """Print ``expr`` as written? Only unevaluated nodes, and only under ``order='none'``.

    A derivation such as ``(5*5*32 + 1)*64`` is built unevaluated; the sizes
    inside it are ordinary expressions and print in SymPy's usual order.
    """
    return printer._settings.get("order") == "none" and expr.func(*expr.args) != expr


class _Ordered:
    """Print one node in SymPy's usual order, whatever the printer's ``order``."""

    def __init__(self, printer):
        self.printer, self.saved = printer, printer._settings.get("order")

    def __enter__(self):
        self.printer._settings["order"] = None

    def __exit__(self, *exc):
        self.printer._settings["order"] = self.saved


def _together(arg):
    """``H/4 + 3/4`` as ``(H + 3)/4``: the form a person writes inside a floor."""
    return sympy.together(arg) if arg.is_Add else arg


class _PaperOrder:
    """Terms as a paper writes them: positive terms, then negative ones, then the constant.

    ``W - K + 1`` rather than SymPy's ``-K + W + 1``; as written under ``order='none'``.
    """

    def _as_ordered_terms(self, expr, order=None):
        terms = super()._as_ordered_terms(expr, order=order)
        if (order or self._settings.get("order")) in ("none", "old"):
            return terms
        numbers = [t for t in terms if t.is_Number]
        rest = [t for t in terms if not t.is_Number]
        negative = [t for t in rest if t.could_extract_minus_sign()]
        positive = [t for t in rest if not t.could_extract_minus_sign()]
        return positive + negative + numbers


class TextPrinter(_PaperOrder, StrPrinter):
    """SymPy's string printer with Unicode products, powers, floors and ceilings."""

    printmethod = "_symparams_text"

    def _print_floor(self, expr):
        return f"⌊{self._print(_together(expr.args[0]))}⌋"

    def _print_ceiling(self, expr):
        return f"⌈{self._print(_together(expr.args[0]))}⌉"

    def _print_Pow(self, expr, rational=False):
        exp = expr.exp
        if exp.is_Integer and exp > 1:
            base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=True)
            return base + str(exp).translate(_SUPERSCRIPTS)
        return super()._print_Pow(expr, rational=rational)

    def _print_Add(self, expr, order=None):
        if self.order == "none" and not _as_written(self, expr):
            with _Ordered(self):
                return super()._print_Add(expr)
        return super()._print_Add(expr, order=order)

    def _print_Mul(self, expr):
        if self.order == "none" and not _as_written(self, expr):
            with _Ordered(self):
                return self._print_Mul(expr)
        as_written = self.order in ("old", "none")
        factors = list(expr.args) if as_written else list(expr.as_ordered_factors())
        sign = ""
        if not as_written and factors[0].is_Number and factors[0].is_negative:
            sign = "-"
            factors[0] = -factors[0]
            if factors[0] == 1:
                factors = factors[1:]
        numerator, denominator = [], []
        for factor in factors:
            if not as_written and factor.is_Rational and not factor.is_Integer:
                if factor.p != 1:
                    numerator.append(sympy.Integer(factor.p))
                denominator.append(sympy.Integer(factor.q))
            elif factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative:
                denominator.append(sympy.Pow(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        top = "·".join(self.parenthesize(f, PRECEDENCE["Mul"]) for f in numerator) or "1"
        if not denominator:
            return sign + top
        bottom = "·".join(self.parenthesize(f, PRECEDENCE["Mul"]) for f in denominator)
        if len(denominator) > 1:
            bottom = f"({bottom})"
        return f"{sign}{top}/{bottom}"


class SymparamsLatexPrinter(_PaperOrder, LatexPrinter):
    """SymPy's LaTeX printer with readable symbol names and floors in paper form."""

    printmethod = "_latex"

    def _print_Fraction(self, expr):
        """A Python ``Fraction`` as the rational it is (SymPy's printer expects its own)."""
        return self._print(sympy.Rational(expr.numerator, expr.denominator))

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._settings["symbol_names"]:
            return self._settings["symbol_names"][expr]
        return symbol_latex(expr.name)

    def _print_Add(self, expr, order=None):
        if self._settings.get("order") == "none" and not _as_written(self, expr):
            with _Ordered(self):
                return super()._print_Add(expr)
        return super()._print_Add(expr, order=order)

    def _print_Mul(self, expr):
        if self._settings.get("order") == "none" and not _as_written(self, expr):
            with _Ordered(self):
                return super()._print_Mul(expr)
        return super()._print_Mul(expr)

    def _print_floor(self, expr, exp=None):
        return super()._print_floor(expr.func(_together(expr.args[0]), evaluate=False), exp)

    def _print_ceiling(self, expr, exp=None):
        return super()._print_ceiling(expr.func(_together(expr.args[0]), evaluate=False), exp)
