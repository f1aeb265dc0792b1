"""The question symparams was born from, end to end, from formulas."""

import sympy
from sympy import floor

from symparams import Sequential, dims, explain, layers
from symparams.examples import reference_cnn

H, W, C = dims("H W C")


def test_first_conv_is_25c_plus_1_times_32():
    model = reference_cnn()
    first = model.layers[0]
    assert sympy.expand(first.params - (5 * 5 * C + 1) * 32) == 0
    assert first.params.subs(C, 1) == 832


def test_second_conv_is_51264_whatever_the_input():
    model = reference_cnn()
    second = model.layers[3]
    assert (second.name, second.class_name) == ("conv2d_1", "Conv2D")
    assert second.params == (5 * 5 * 32 + 1) * 64 == 51264


def test_dropout_has_no_parameters():
    model = reference_cnn()
    dropouts = [b for b in model.layers if b.class_name == "Dropout"]
    assert len(dropouts) == 2
    assert all(b.params == 0 and b.output_shape == b.input_shape for b in dropouts)


def test_dense_counts_the_flattened_map():
    model = reference_cnn()
    h, w = floor(H / 4) - 3, floor(W / 4) - 3
    dense = model.layers[8]
    assert model.layers[5].output_shape == (h, w, 64)
    assert sympy.expand(dense.params - (64 * h * w + 1) * 100) == 0


def test_total_at_28x28x1():
    numeric = reference_cnn().subs(H=28, W=28, C=1)
    assert numeric.params == 154798
    assert isinstance(numeric.params, sympy.Integer)
    assert numeric.output_shape == (2,)


def test_formula_total_is_the_sum_of_its_layers_at_many_sizes():
    model = reference_cnn()
    for h, w, c in [(16, 16, 1), (28, 28, 1), (32, 48, 3), (224, 224, 3), (17, 29, 5)]:
        numeric = model.subs(H=h, W=w, C=c)
        assert model.params.subs({H: h, W: w, C: c}) == numeric.params
        assert sum(b.params for b in numeric.layers) == numeric.params


def test_keras_1_and_keras_3_spellings_agree():
    keras3 = Sequential([
        layers.Conv2D(32, (5, 5)), layers.Activation("relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (5, 5)), layers.Activation("relu"), layers.MaxPooling2D((2, 2)),
        layers.Dropout(0.25), layers.Flatten(), layers.Dense(100), layers.Activation("relu"),
        layers.Dropout(0.5), layers.Dense(2), layers.Activation("softmax"),
    ], input_shape=(H, W, C))
    assert keras3.params == reference_cnn().params
    assert [b.name for b in keras3.layers] == [b.name for b in reference_cnn().layers]


def test_explain_answers_both_questions():
    model = reference_cnn()
    conv = str(explain(model.layers[3]))
    assert "(kernel_h·kernel_w·in_channels + 1)·filters" in conv
    assert "(5·5·32 + 1)·64" in conv
    assert "= 51264" in conv
    assert "one bias per filter, not one shared by all filters" in conv
    dropout = str(explain(model.layers[6]))
    assert "params = 0" in dropout and "only masks activations during training" in dropout
    first = str(explain(model, H=28, W=28, C=1))
    assert "(5·5·1 + 1)·32" in first and "= 832" in first
    assert first.rstrip().endswith("= 154798")


def test_12x12_input_fails_at_the_second_conv():
    import pytest
    from symparams import ShapeError

    with pytest.raises(ShapeError) as info:
        reference_cnn().subs(H=12, W=12, C=1)
    assert info.value.layer == "'conv2d_1' (Conv2D)"
    assert str(info.value) == (
        "Layer 'conv2d_1' (Conv2D): output dimension 0 must be at least 1: "
        "floor(H/2) - 6 >= 1 fails at H=12 (0 < 1)")
