"""Explanations: named formula, numbers put in, value, and one line per weight."""

import pytest

from symparams import ArgumentError, Sequential, dims, explain, layers
from symparams.examples import reference_cnn

from .golden_files import check_golden

H, W, C = dims("H W C")


def test_model_explanation_golden():
    check_golden("reference_explain_28x28x1.txt", str(explain(reference_cnn(), H=28, W=28, C=1)))
    check_golden("reference_explain.tex", explain(reference_cnn()).to_latex())


def test_layer_in_a_model_and_methods():
    model = reference_cnn()
    assert str(model.layers[3].explain()) == str(explain(model.layers[3]))
    assert str(model.explain(H=28, W=28, C=1)) == str(explain(model, H=28, W=28, C=1))
    symbolic = str(explain(model.layers[0]))
    assert "(5·5·C + 1)·32" in symbolic and "32·(25·C + 1)" in symbolic
    assert "(5·5·1 + 1)·32" in str(explain(model.layers[0], C=1))


def test_unbound_layers():
    assert "params = 0: Dropout only masks activations" in str(explain(layers.Dropout(0.5)))
    dense = str(explain(layers.Dense(10)))
    assert "(in_features + 1)·units" in dense and "(n_1 + 1)·10" in dense
    assert "(3 + 1)·10" in str(explain(layers.Dense(10), input_shape=(3,)))


def test_batchnorm_split():
    text = str(explain(layers.BatchNormalization(), input_shape=(8, 8, 16)))
    assert "params = 4·channels" in text and "= 4·16" in text and "= 64" in text
    assert "moving_mean: channels = 16 (a running statistic per channel" in text
    assert "trainable 32, non-trainable 32" in text


def test_torch_buffers_are_listed_not_counted():
    from symparams import Model, Tensor, nn

    x = Tensor((2, 3, 4, 4))
    text = str(Model(x, nn.BatchNorm2d(3)(x)).explain())
    assert "params = 2·num_features\n         = 2·3\n         = 6" in text
    assert "running_mean: num_features = 3" in text
    frozen = str(Model(x, nn.BatchNorm2d(3, affine=False)(x)).explain())
    assert "params = 0\n" in frozen and "running_var: num_features = 3" in frozen


def test_latex_of_a_layer():
    tex = explain(reference_cnn().layers[3]).to_latex()
    assert r"\left(5 \cdot 5 \cdot 32 + 1\right) \cdot 64" in tex
    assert tex.startswith(r"\begin{alignat*}{3}")


def test_errors():
    with pytest.raises(TypeError, match=r"explain\(\) takes a model or a layer"):
        explain(3)
    with pytest.raises(ArgumentError, match=r"has no symbol named 'X'"):
        explain(Sequential([layers.Dense(2)], input_shape=(H,)), X=3)


def test_explain_adds_the_memory_table_when_asked():
    import pytest

    from symparams import explain
    from symparams.errors import ArgumentTypeError
    from symparams.examples import reference_cnn

    model = reference_cnn().subs(H=28, W=28, C=1)
    explained = explain(model, memory=dict(optimizer="adam"))
    assert explained.memory.optimizer_state == model.memory(optimizer="adam").optimizer_state
    assert str(explained).endswith(str(explained.memory))
    assert explain(model).memory is None
    with pytest.raises(ArgumentTypeError, match="memory"):
        explain(model, memory="adam")
