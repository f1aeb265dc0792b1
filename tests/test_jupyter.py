"""What Jupyter shows for each object a user meets in a notebook: IPython's own formatter
picks the mime types, and every formula in them is SymPy's LaTeX printer output."""

import pytest
import sympy
from IPython.core.formatters import format_display_data

from symparams import Sequential, compare, dims, explain, layers, memory
from symparams.examples import reference_cnn
from symparams.printing import latex

H, W, C, F = dims("H W C F")


def shown(obj) -> dict:
    """The mime bundle IPython makes for ``obj`` (as a notebook cell's last line)."""
    return format_display_data(obj)[0]


@pytest.fixture(scope="module")
def model():
    return reference_cnn()


def test_a_model_shows_its_summary_table(model):
    bundle = shown(model)
    assert bundle["text/html"] == model.summary()._repr_html_()
    assert "<table>" in bundle["text/html"] and "conv2d_1 (Conv2D)" in bundle["text/html"]


def test_a_summary_shows_html_and_latex(model):
    bundle = shown(model.summary())
    assert {"text/html", "text/latex"} <= set(bundle)
    assert latex(model.params) in bundle["text/latex"]


def test_a_bound_layer_shows_its_derivation(model):
    bundle = shown(model.layers[3])
    assert r"\begin{alignat*}" in bundle["text/latex"]
    assert latex(model.layers[3].params) in bundle["text/latex"]


def test_a_layer_explanation_shows_latex_and_markdown(model):
    explanation = explain(model.layers[3], flops=True, H=28, W=28)
    bundle = shown(explanation)
    assert bundle["text/latex"].count("$$") == 4  # parameters, then FLOPs
    assert explanation.compute.to_latex() in bundle["text/latex"]
    markdown = bundle["text/markdown"]
    assert markdown.startswith("**Parameters**") and "**FLOPs** (FLOPs = 2·MACs" in markdown
    assert "51264" in markdown


def test_a_model_explanation_with_flops_and_memory(model):
    explanation = explain(model, flops=dict(bias=True), memory=dict(optimizer="adam"),
                          H=28, W=28, C=1)
    markdown = shown(explanation)["text/markdown"]
    assert explanation.to_latex() in markdown
    assert "bias adds counted" in markdown
    assert explanation.memory.to_markdown() in markdown
    assert '**Memory of "sequential"** (training with adam), in bytes' in markdown


def test_a_flops_explanation_with_the_backward_pass(model):
    compute = explain(model, flops=dict(backward="exact")).compute
    bundle = shown(compute)
    assert bundle["text/latex"] == f"$${compute.to_latex()}$$"
    assert f"With the backward pass: ${latex(compute.with_backward)}$" in \
        bundle["text/markdown"]


def test_memory_shows_a_markdown_table(model):
    result = memory(model, "bfloat16")
    markdown = shown(result)["text/markdown"]
    assert markdown.startswith('**Memory of "sequential"** (inference), in bytes')
    assert f"${latex(result.total)}$" in markdown


def test_a_comparison_shows_a_markdown_table():
    small = Sequential([layers.Conv2D(8, 3), layers.Flatten()], input_shape=(H, H, 3))
    big = Sequential([layers.Conv2D(F, 3), layers.Flatten()], input_shape=(H, H, 3))
    change = compare(small, big)
    markdown = shown(change)["text/markdown"]
    assert f"| params | ${latex(change.params)}$ | ${latex(change.positive['params'])}$ |" \
        in markdown
    assert "| output_elements |" in markdown and "not decided" in markdown


def test_a_condition_shows_its_relation_and_meaning():
    model = Sequential([layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(4)],
                       input_shape=(H, W, C))
    conditions = [c for _, c in model._open_conditions()]
    assert conditions
    condition = conditions[0]
    tex = shown(condition)["text/latex"]
    assert tex.startswith("$" + latex(condition.as_relation()))
    assert r"\text{(" in tex


def test_latex_of_a_condition_goes_through_the_printer():
    condition = reference_cnn()._open_conditions()[0][1]
    names = {symbol: r"\eta" for symbol in condition.free_symbols}
    assert r"\eta" in latex(condition, symbol_names=names)
    assert isinstance(condition.as_relation(), sympy.Basic)


def test_plain_text_is_the_readable_derivation(model):
    """What a console (or a notebook's text/plain) shows: the text, as for summaries."""
    explanation = explain(model, flops=True, memory=True)
    for obj in (explanation, explanation.layers[3], explanation.compute, explanation.memory,
                model.summary()):
        assert shown(obj)["text/plain"] == str(obj)


def test_a_model_not_yet_built_falls_back_to_its_repr():
    from symparams import Sequential, layers
    assert Sequential([layers.Dense(3)])._repr_html_() is None  # Jupyter then shows repr()
