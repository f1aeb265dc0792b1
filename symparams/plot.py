"""Pictures of formulas: one or several against one dimension, saved to PNG.

>>> import symparams
>>> from symparams.examples import gpt2
>>> figure = symparams.plot(gpt2(), over="d", values=range(32, 4097, 32),
...                         V=50257, T=1024, L=12)
>>> axes = figure.axes[0]
>>> axes.get_xlabel(), axes.get_ylabel(), axes.get_xscale()
('d', 'parameters', 'log')

matplotlib is an optional extra (``pip install symparams[plot]``), imported
only when a plot is made. Figures are drawn on matplotlib's Agg canvas without
pyplot: no window, no display needed, and pyplot's global state is untouched;
in Jupyter the returned figure shows itself as a PNG.
"""

from __future__ import annotations

import functools
import io
import numbers
import os

import sympy

from .errors import ArgumentError, ArgumentTypeError, MissingDependencyError
from .evaluation import sweep
from .formula import as_formula, names

__all__ = ["plot"]

_LONGEST_LABEL = 40


def plot(what, /, over, values=None, *, path=None, loglog=None, labels=None, **fixed):
    """Plot formulas or models against the dimension ``over``; returns the matplotlib Figure.

    ``what`` is a formula, a model (its ``params`` are plotted) or a list of
    them, drawn on one axis. ``over`` is a symbol or its name; ``values`` its
    values (a range, list or array; by default integers spread evenly on a log
    scale from 1 to 4096). Every other symbol is fixed by keyword (a fixed
    symbol need only appear in some of the formulas). ``loglog`` is chosen
    automatically: logarithmic axes when ``values`` span two decades or more.
    ``labels`` name the curves (models' names and short formulas by default).
    With ``path``, the figure is also saved there (PNG for a ``.png`` name).

    >>> from symparams import dims
    >>> d, L = dims("d L")
    >>> figure = plot([12 * L * d**2, 13 * L * d], over=d, values=[1, 2, 3], L=12,
    ...               labels=["matrices", "biases"])
    >>> [line.get_label() for line in figure.axes[0].get_lines()]
    ['matrices', 'biases']
    >>> figure.axes[0].get_lines()[0].get_ydata().tolist()
    [144.0, 576.0, 1296.0]
    """
    items = list(what) if isinstance(what, (list, tuple)) else [what]
    if not items:
        raise ArgumentError("plot: nothing to plot. Received: an empty list", argument="what",
                            value=what)
    formulas = [_formula(item) for item in items]
    labels = _labels(items, formulas, labels)
    symbol = _over(formulas, over)
    import numpy as np

    xs = _values(np, values)
    if loglog is None:
        loglog = bool(xs.size) and xs.min() > 0 and xs.max() >= 100 * xs.min()
    elif loglog and xs.size and xs.min() <= 0:
        raise ArgumentError(f"plot: log-log axes need positive values of {symbol}. "
                            f"Received: a smallest value of {xs.min()}", argument="values",
                            value=values)
    _check_fixed(formulas, symbol, fixed)
    curves = [_curve(np, formula, symbol, xs, fixed) for formula in formulas]
    figure = _figure()
    axes = figure.add_subplot()
    for ys, label in zip(curves, labels):
        axes.plot(xs.astype(float), ys, label=label, marker="o" if xs.size <= 30 else None)
    if loglog:
        axes.set_xscale("log")
        axes.set_yscale("log")
    axes.set_xlabel(str(symbol))
    axes.set_ylabel("parameters" if all(hasattr(i, "params") for i in items) else "value")
    axes.grid(True, which="both", alpha=0.3)
    if len(items) > 1 or any(label is not None for label in labels):
        axes.legend()
    if path is not None:
        figure.savefig(_path(path), dpi=100)
    return figure


def _path(path):
    """Where to save: a file name (a ``str`` or ``os.PathLike``), or an open binary file."""
    if not isinstance(path, (str, os.PathLike)) and not hasattr(path, "write"):
        raise ArgumentTypeError(f"plot: `path` must be a file name. Received: path={path!r}",
                                argument="path", value=path)
    return path


def _figure():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError:
        raise MissingDependencyError(
            "plot: symparams.plot needs matplotlib, which is not installed; install it with "
            "pip install 'symparams[plot]'") from None
    figure = _figure_class()(figsize=(6.4, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


@functools.cache
def _figure_class():
    from matplotlib.figure import Figure

    class PlotFigure(Figure):
        """A matplotlib Figure that Jupyter shows as a PNG (pyplot never manages it)."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    return PlotFigure


def _formula(item):
    if hasattr(item, "params"):
        return as_formula(item.params, owner="plot", argument="what")
    return as_formula(item, owner="plot", argument="what")


def _labels(items, formulas, labels):
    if labels is None:
        return [_label(item, formula) for item, formula in zip(items, formulas)]
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, (list, tuple)) or \
            not all(label is None or isinstance(label, str) for label in labels):
        raise ArgumentTypeError(f"plot: `labels` must be a list of names, one per curve. "
                                f"Received: labels={labels!r}", argument="labels", value=labels)
    labels = list(labels)
    if len(labels) != len(items):
        raise ArgumentError(f"plot: {len(items)} curve(s) but {len(labels)} label(s). "
                            f"Received: labels={labels!r}", argument="labels", value=labels)
    return labels


def _label(item, formula):
    if hasattr(item, "params"):
        return getattr(item, "name", None) or type(item).__name__
    text = str(formula)
    return text if len(text) <= _LONGEST_LABEL else None


def _over(formulas, over):
    """The symbol named by ``over`` (a symbol, or a name found in some formula)."""
    if isinstance(over, sympy.Symbol):
        return over
    if not isinstance(over, str):
        raise ArgumentTypeError(f"plot: `over` must be a SymPy symbol or its name. "
                                f"Received: over={over!r}", argument="over", value=over)
    symbols = set().union(*(f.free_symbols for f in formulas))
    found = {s for s in symbols if s.name == over}
    if len(found) != 1:
        problem = "no" if not found else "several"
        raise ArgumentError(f"plot: the formulas have {problem} symbol(s) named {over!r} (their "
                            f"symbols: {names(symbols)})", argument="over", value=over)
    return found.pop()


def _values(np, values):
    if values is None:
        return np.unique(np.geomspace(1, 4096, 100).round().astype(np.int64))
    if isinstance(values, range):
        values = np.arange(values.start, values.stop, values.step)
    elif isinstance(values, (list, tuple)) or hasattr(values, "__array__"):
        try:
            values = np.asarray(values)
        except (TypeError, ValueError):  # ragged or mixed: not a 1-D array of numbers
            values = None
    else:
        values = None
    if values is None or values.ndim != 1 or values.dtype.kind not in "iuf":
        raise ArgumentTypeError("plot: `values` must be a range, a list or a 1-D array of "
                                "numbers", argument="values", value=values)
    return values


def _check_fixed(formulas, symbol, fixed) -> None:
    symbols = set().union(*(f.free_symbols for f in formulas))
    known = {s.name for s in symbols}
    for name, value in fixed.items():
        if name not in known:
            raise ArgumentError(f"plot: no formula has a symbol named {name!r} (their symbols: "
                                f"{names(symbols)})", argument=name, value=value)
        if name == symbol.name:
            raise ArgumentError(f"plot: {name} is the symbol plotted over; give its values as "
                                f"`values`", argument=name, value=value)
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, sympy.Number)):
            raise ArgumentTypeError(f"plot: fixed sizes must be numbers. Received: "
                                    f"{name}={value!r}", argument=name, value=value)


def _curve(np, formula, symbol, xs, fixed):
    mine = {s.name for s in formula.free_symbols}
    given = {name: value for name, value in fixed.items() if name in mine}
    if symbol in formula.free_symbols:
        given[symbol] = xs
    ys = sweep(formula, given)
    ys = np.broadcast_to(ys, xs.shape)
    return np.array([float(y) for y in ys.flat]) if ys.dtype == object else ys.astype(float)
