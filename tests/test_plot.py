"""symparams.plot: curves from the formulas, drawn and saved as non-blank PNG files."""

import sys

import numpy as np
import pytest
import sympy
from sympy import floor

import symparams
from symparams import Sequential, dims, layers, plot, sweep
from symparams.errors import ArgumentError, ArgumentTypeError, MissingDependencyError
from symparams.examples import gpt2, reference_cnn

pytest.importorskip("matplotlib")

H, W, d, L = dims("H W d L")


def assert_picture(path):
    """The file is a PNG of real size with more than a background in it."""
    from matplotlib.image import imread
    assert path.exists() and path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
    colours = np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)
    assert len(colours) > 20  # text, lines and antialiasing, not one flat colour
    ink = (pixels[..., :3] < 0.5).any(axis=2).mean()
    assert 0.002 < ink < 0.5


def test_several_models_on_one_log_log_axis(tmp_path):
    path = tmp_path / "gpt.png"
    model = gpt2()
    deeper = model.subs(L=24)
    figure = plot([model, deeper], over="d", values=range(32, 4097, 32), path=path,
                  labels=["12 layers", "24 layers"], V=50257, T=1024, L=12)
    assert_picture(path)
    axes = figure.axes[0]
    assert (axes.get_xscale(), axes.get_yscale()) == ("log", "log")
    lines = axes.get_lines()
    assert [line.get_label() for line in lines] == ["12 layers", "24 layers"]
    widths = np.arange(32, 4097, 32)
    assert lines[0].get_ydata().tolist() == \
        sweep(model.params, V=50257, T=1024, L=12, d=widths).astype(float).tolist()
    assert lines[1].get_ydata().tolist() == \
        sweep(deeper.params, V=50257, T=1024, d=widths).astype(float).tolist()
    assert axes.get_ylabel() == "parameters"


def test_a_floor_formula_on_linear_axes(tmp_path):
    path = tmp_path / "cnn.png"
    figure = plot(reference_cnn(), over=H, values=range(16, 120), path=str(path), W=64, C=3)
    assert_picture(path)
    axes = figure.axes[0]
    assert axes.get_xscale() == "linear"
    assert axes.get_lines()[0].get_label() == "sequential"


def test_log_log_on_request_and_default_values(tmp_path):
    figure = plot(12 * L * d**2, over=d, values=[1, 2, 4, 8], loglog=True, L=12)
    assert figure.axes[0].get_xscale() == "log"
    figure = plot(d**2 + 1, over=d)
    xs = figure.axes[0].get_lines()[0].get_xdata()
    assert xs[0] == 1 and xs[-1] == 4096 and figure.axes[0].get_xscale() == "log"
    assert figure.axes[0].get_ylabel() == "value"
    assert figure.axes[0].get_lines()[0].get_label() == "d**2 + 1"
    path = tmp_path / "figure.png"
    figure.savefig(path)
    assert_picture(path)


def test_formulas_with_different_symbols_and_huge_values():
    figure = plot([H * W, H + floor(W / 2), sympy.Integer(5) * H**30], over=H,
                  values=[1, 10, 100], W=4)
    lines = figure.axes[0].get_lines()
    assert lines[0].get_ydata().tolist() == [4.0, 40.0, 400.0]
    assert lines[1].get_ydata().tolist() == [3.0, 12.0, 102.0]
    assert lines[2].get_ydata()[-1] == float(5 * 100**30)
    constant = plot([H, W + 1], over=H, values=[1, 2], W=3).axes[0].get_lines()[1]
    assert constant.get_ydata().tolist() == [4.0, 4.0]


def test_plot_errors():
    model = Sequential([layers.Dense(d)], input_shape=(H,))
    with pytest.raises(ArgumentError, match=r"plot: the formulas have no symbol\(s\) named 'X'"):
        plot(model, over="X", values=[1, 2])
    with pytest.raises(ArgumentError, match="sweep: no value given for d"):
        plot(model, over="H", values=[1, 2])
    with pytest.raises(ArgumentError, match="no formula has a symbol named 'C'"):
        plot(model, over="H", values=[1, 2], d=3, C=3)
    with pytest.raises(ArgumentError, match="H is the symbol plotted over"):
        plot(model, over="H", values=[1, 2], d=3, H=3)
    with pytest.raises(ArgumentTypeError, match=r"fixed sizes must be numbers. Received: d=\[3\]"):
        plot(model, over="H", values=[1, 2], d=[3])
    with pytest.raises(ArgumentError, match=r"1 curve\(s\) but 2 label\(s\)"):
        plot(model, over="H", values=[1, 2], d=3, labels=["a", "b"])
    with pytest.raises(ArgumentError, match="log-log axes need positive values of H"):
        plot(model, over="H", values=[0, 1], d=3, loglog=True)
    with pytest.raises(ArgumentTypeError, match="`values` must be a range, a list or a 1-D"):
        plot(model, over="H", values="1..10", d=3)
    with pytest.raises(ArgumentTypeError, match="text is never parsed"):
        plot("H**2", over="H")
    with pytest.raises(ArgumentError, match="nothing to plot"):
        plot([], over="H")


def test_the_figure_shows_itself_in_jupyter():
    png = plot(d**2, over=d, values=[1, 2, 3])._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'symparams\[plot\]'") as info:
        plot(d**2, over=d, values=[1, 2])
    assert isinstance(info.value, ImportError)


def test_plot_is_exported():
    assert symparams.plot is plot and "plot" in symparams.__all__


def test_the_picture_check_rejects_a_blank_figure(tmp_path):
    from matplotlib.figure import Figure
    path = tmp_path / "blank.png"
    Figure().savefig(path)
    with pytest.raises(AssertionError):
        assert_picture(path)
