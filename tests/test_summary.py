"""Summaries: the printed table, Markdown, LaTeX and the Jupyter hooks."""

from symparams import Sequential, dims, latex, layers
from symparams.examples import reference_cnn

from .golden_files import check_golden

H, W, C = dims("H W C")


def test_text_tables():
    check_golden("reference_summary.txt", str(reference_cnn().summary()))
    check_golden("reference_summary_28x28x1.txt",
                 str(reference_cnn().subs(H=28, W=28, C=1).summary()))


def test_markdown_and_latex():
    summary = reference_cnn().summary()
    check_golden("reference_summary.md", summary.to_markdown())
    check_golden("reference_summary.tex", summary.to_latex())
    assert latex(summary) == summary.to_latex()


def test_jupyter_hooks():
    summary = reference_cnn().summary()
    assert summary._repr_latex_().startswith("$$\\begin{array}{llr}")
    html = summary._repr_html_()
    assert "<table>" in html and "conv2d_1 (Conv2D)" in html and "⌊H/4⌋" in html


def test_non_trainable_totals_and_bytes():
    model = Sequential([layers.Dense(10), layers.BatchNormalization()], input_shape=(20,))
    text = str(model.summary())
    assert " Total params: 250 (1000.00 B)" in text
    assert " Trainable params: 230 (920.00 B)" in text
    assert " Non-trainable params: 20 (80.00 B)" in text


def test_latex_printer_settings_reach_the_table():
    summary = Sequential([layers.Dense(4)], input_shape=(H,)).summary()
    assert r"4 \left(\eta + 1\right)" in latex(summary, symbol_names={H: r"\eta"})


def test_every_format_shows_a_layer_with_several_outputs():
    from symparams import Model, Tensor, nn
    T, N = dims("T N")
    x = Tensor((T, N, 16))
    out, _ = nn.MultiheadAttention(16, 2)(x, x, x)
    summary = Model(x, out).summary()
    for shown in (str(summary), summary.to_latex(), summary.to_markdown(),
                  summary._repr_html_(), summary._repr_latex_()):
        assert "MultiheadAttention" in shown
    assert "((T, N, 16), (N, T, T))" in str(summary)
