r"""Model summaries: Keras's table, with formulas where Keras prints numbers.

>>> from symparams import Sequential, dims, layers
>>> H, W, C = dims("H W C")
>>> model = Sequential([layers.Conv2D(32, 5), layers.MaxPooling2D()], input_shape=(H, W, C))
>>> print(model.summary())
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                   ┃ Output Shape                   ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                │ (H - 4, W - 4, 32)             │ 32·(25·C + 1) │
├────────────────────────────────┼────────────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)   │ (⌊H/2⌋ - 2, ⌊W/2⌋ - 2, 32)     │             0 │
└────────────────────────────────┴────────────────────────────────┴───────────────┘
 Total params: 32·(25·C + 1)
 Trainable params: 32·(25·C + 1)
 Non-trainable params: 0 (0.00 B)

Shapes exclude the batch axis. ``to_latex()`` gives a booktabs table for a
paper; every formula in it goes through SymPy's LaTeX printer.
"""

from __future__ import annotations

import sympy

from .printing import latex as _latex_of, text

_HEADERS = ("Layer (type)", "Output Shape", "Param #")
_TOTALS = ("Total params", "Trainable params", "Non-trainable params")
_MIN_WIDTHS = (30, 30, 13)


class Summary:
    """A model's layers with their output shapes and parameter counts, and the totals."""

    def __init__(self, model):
        self.name = model.name
        self.rows = tuple((layer.name, _kind(layer), layer.output_shape, layer.params)
                          for layer in model.layers)
        self.totals = (model.params, model.trainable_params, model.non_trainable_params)
        #: For graph models, what feeds each layer (Keras's "Connected to" column).
        self.connections = getattr(model, "connections", None)

    # -- text -------------------------------------------------------------------------------

    def __str__(self) -> str:
        headers, minimum = _HEADERS, _MIN_WIDTHS
        show = _remembered(text)
        cells = [(f"{name} ({kind})", _shape_text(shape, show), _count_text(params, show=show))
                 for name, kind, shape, params in self.rows]
        if self.connections is not None:
            headers, minimum = headers + ("Connected to",), minimum + (16,)
            cells = [cell + (", ".join(self.connections.get(row[0], ())) or "-",)
                     for cell, row in zip(cells, self.rows)]
        widths = [max([m, len(h)] + [len(row[i]) for row in cells])
                  for i, (h, m) in enumerate(zip(headers, minimum))]

        def line(left, fill, mid, right):
            return left + mid.join(fill * (w + 2) for w in widths) + right

        def row(values, edge):
            padded = [f" {v:>{w}} " if i == 2 else f" {v:<{w}} "
                      for i, (v, w) in enumerate(zip(values, widths))]
            return edge + edge.join(padded) + edge

        out = [f'Model: "{self.name}"', line("┏", "━", "┳", "┓"), row(headers, "┃"),
               line("┡", "━", "╇", "┩")]
        for i, values in enumerate(cells):
            if i:
                out.append(line("├", "─", "┼", "┤"))
            out.append(row(values, "│"))
        out.append(line("└", "─", "┴", "┘"))
        out += [f" {label}: {_count_text(value, with_bytes=True)}"
                for label, value in zip(_TOTALS, self.totals)]
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        """A Markdown table; formulas as inline math (``$...$``)."""
        @_remembered
        def math(expr):
            return "$" + _latex_of(expr).replace("|", r"\|") + "$"

        out = ["| " + " | ".join(_HEADERS) + " |", "| :-- | :-- | --: |"]
        out += [f"| `{name}` ({kind}) | {math(shape)} | {math(params)} |"
                for name, kind, shape, params in self.rows]
        out += [f"| **{label}** | | {math(value)} |" for label, value in zip(_TOTALS, self.totals)]
        return "\n".join(out)

    # -- LaTeX and HTML -------------------------------------------------------------------

    def to_latex(self) -> str:
        r"""A booktabs ``tabular`` (needs ``\usepackage{booktabs}``) to ``\input`` in a paper."""
        return _latex_of(self)

    def _latex(self, printer) -> str:
        return self._table(printer, "tabular")

    def _repr_latex_(self) -> str:
        # MathJax renders arrays, not tabulars.
        return "$$" + self._table(_printer(), "array") + "$$"

    def _table(self, printer, environment: str) -> str:
        if environment == "tabular":
            rules = (r"\toprule", r"\midrule", r"\midrule", r"\bottomrule")
            words = _tabular_text
        else:
            rules = (r"\hline", r"\hline", r"\hline", r"\hline")
            words = _array_text

        @_remembered
        def cell(expr):
            formula = printer._print(expr)
            return f"${formula}$" if environment == "tabular" else formula

        rows = [rf"{words('Layer (type)')} & {words('Output shape')} & {words('Parameters')} \\"]
        body = [rf"{words(f'{name} ({kind})')} & {cell(shape)} & {cell(params)} \\"
                for name, kind, shape, params in self.rows]
        totals = [rf"{words(label)} & & {cell(value)} \\"
                  for label, value in zip(_TOTALS, self.totals)]
        lines = [rf"\begin{{{environment}}}{{llr}}", rules[0], *rows, rules[1], *body,
                 rules[2], *totals, rules[3], rf"\end{{{environment}}}"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html  # only notebooks need it

        def td(value, align="left"):
            return f'<td style="text-align:{align}">{html.escape(value)}</td>'

        show = _remembered(text)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in _HEADERS)
        body = "".join(
            "<tr>" + td(f"{name} ({kind})") + td(_shape_text(shape, show)) +
            td(_count_text(params, show=show), "right") + "</tr>"
            for name, kind, shape, params in self.rows)
        foot = "".join(
            f'<tr><td colspan="2"><b>{html.escape(label)}</b></td>' +
            td(_count_text(value, with_bytes=True), "right") + "</tr>"
            for label, value in zip(_TOTALS, self.totals))
        return (f"<p>Model: <b>{html.escape(self.name)}</b></p><table><thead><tr>{head}</tr>"
                f"</thead><tbody>{body}</tbody><tfoot>{foot}</tfoot></table>")


def _kind(bound) -> str:
    """The layer's type, and which of its weights are tied to another layer's."""
    ties = [f"{w.name} tied to {w.tied_to}" for w in bound.weights if w.tied_to]
    return ", ".join([bound.layer.display_type] + ties)


def _printer():
    from .printing import SymparamsLatexPrinter
    return SymparamsLatexPrinter()


def _remembered(show):
    """``show`` remembering what it printed, for one table: its rows repeat the same sizes."""
    shown = {}

    def remembered(expr):
        if isinstance(expr, list):  # the shapes of several outputs
            return show(expr)
        if expr not in shown:
            shown[expr] = show(expr)
        return shown[expr]
    return remembered


def _shape_text(shape, show=text) -> str:
    inner = ", ".join(show(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _count_text(value, with_bytes: bool = False, show=text) -> str:
    """``51,264`` for a number (with its float32 size, as Keras shows); the formula otherwise."""
    if isinstance(value, sympy.Integer):
        shown = f"{int(value):,}"
        return f"{shown} ({_bytes(int(value) * 4)})" if with_bytes else shown
    return show(value)


def _bytes(size: int) -> str:
    """Keras's ``readable_memory_size``: powers of 1024, two decimals."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.2f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


_LATEX_SPECIAL = str.maketrans({"_": r"\_", "&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$",
                                "{": r"\{", "}": r"\}"})


def _tabular_text(words: str) -> str:
    return words.translate(_LATEX_SPECIAL)


def _array_text(words: str) -> str:
    return r"\text{" + words.translate(_LATEX_SPECIAL) + "}"
