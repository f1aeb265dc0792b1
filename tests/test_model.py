"""Sequential models: building, naming, totals, substitution, and their errors."""

import pytest
import sympy

from symparams import ArgumentError, ModelError, Sequential, ShapeError, dims, layers

H, W, C, F, K = dims("H W C F K")


def same(a, b):
    """Equal as formulas (SymPy's == compares structure: 8*(H - 2) is not 8*H - 16)."""
    return sympy.expand(a - b) == 0


def small_cnn(**kwargs):
    return Sequential([layers.Conv2D(F, K), layers.BatchNormalization(), layers.ReLU(),
                       layers.GlobalAveragePooling2D(), layers.Dense(10)], **kwargs)


def test_keras_style_building_with_input_shape_on_the_first_layer():
    model = Sequential()
    model.add(layers.Conv2D(8, 3, input_shape=(H, W, 3)))
    model.add(layers.Flatten())
    assert model.input_shape == (H, W, 3)
    assert same(model.output_shape[0], 8 * (H - 2) * (W - 2))
    assert model.params == 8 * (9 * 3 + 1)


def test_names_are_unique_and_keras_like():
    model = Sequential([layers.Dense(4, name="dense"), layers.Dense(4), layers.Dense(4),
                        layers.Conv1D(2, 1), layers.MaxPooling1D(1)], input_shape=(6, 3))
    assert [b.name for b in model.layers] == [
        "dense", "dense_1", "dense_2", "conv1d", "max_pooling1d"]


def test_duplicate_given_names_raise():
    with pytest.raises(ModelError, match="unique names. Name 'x' is already"):
        Sequential([layers.Dense(2, name="x"), layers.Dense(2, name="x")], input_shape=(3,))


def test_the_same_layer_instance_twice_raises():
    dense = layers.Dense(3)
    with pytest.raises(ModelError, match="already in model 'sequential'"):
        Sequential([dense, dense], input_shape=(3,))


def test_totals_split_trainable_and_not():
    model = small_cnn(input_shape=(H, W, C))
    assert same(model.params, F * (K * K * C + 1) + 4 * F + 10 * (F + 1))
    assert model.non_trainable_params == 2 * F
    assert same(model.trainable_params + model.non_trainable_params, model.params)


def test_bound_layers_expose_shapes_counts_and_arguments():
    model = small_cnn(input_shape=(H, W, C))
    conv = model.layers[0]
    assert conv.input_shape == (H, W, C)
    assert conv.output_shape == (H - K + 1, W - K + 1, F)
    assert conv.filters == F and conv.kernel_size == (K, K)
    assert [w.name for w in conv.weights] == ["kernel", "bias"]
    assert conv.weights[0].shape == (K, K, C, F)


def test_formulas_are_plain_sympy():
    model = small_cnn(input_shape=(H, W, C))
    assert sympy.diff(model.params, C) == F * K**2
    f = sympy.lambdify((C, F, K), model.params)
    assert f(3, 16, 3) == model.subs(C=3, F=16, K=3).params


def test_subs_accepts_names_symbols_and_mappings():
    model = small_cnn(input_shape=(H, W, C))
    by_name = model.subs(H=32, W=32, C=3, F=16, K=3)
    by_symbol = model.subs({H: 32, W: 32, C: 3, F: 16, K: 3})
    mixed = model.subs({"H": 32, W: 32}, C=3, F=16, K=3)
    assert by_name.params == by_symbol.params == mixed.params == 16 * 28 + 64 + 170
    assert by_name.layers[0].output_shape == (30, 30, 16)
    partial = model.subs(F=16)
    assert same(partial.layers[0].params, 16 * (K**2 * C + 1))
    assert [b.name for b in by_name.layers] == [b.name for b in model.layers]


def test_subs_rejects_unknown_names_and_bad_values():
    model = small_cnn(input_shape=(H, W, C))
    with pytest.raises(ArgumentError, match=r"has no symbol named 'X' \(its symbols: C, F, H, K, W\)"):
        model.subs(X=3)
    with pytest.raises(ArgumentError, match="`H` must be a positive integer. Received: H=0"):
        model.subs(H=0)
    with pytest.raises(TypeError, match="Received: H='28'"):
        model.subs(H="28")


def test_substitution_below_one_names_the_first_layer():
    model = Sequential([layers.Conv2D(4, 3), layers.Conv2D(4, 3)], input_shape=(H, H, 1))
    with pytest.raises(ShapeError, match=r"Layer 'conv2d_1' \(Conv2D\): output dimension 0 must be at least 1: "
                                         r"H - 4 >= 1 fails at H=3 \(-1 < 1\)$"):
        model.subs(H=3)


def test_conv_after_flatten_names_both_layers():
    with pytest.raises(ShapeError) as info:
        Sequential([layers.Flatten(), layers.Conv2D(3, 3)], input_shape=(H, W, C))
    assert str(info.value) == (
        "Layer 'conv2d' (Conv2D): expects an input of rank 3 (height, width, channels), "
        "batch excluded; received an input of rank 1: (C*H*W,); its input is the output of "
        "'flatten' (Flatten)")


def test_a_model_without_input_shape_says_so():
    model = Sequential([layers.Dense(3)])
    with pytest.raises(ModelError, match="has no input shape: pass input_shape="):
        model.params


def test_frozen_layers_count_as_non_trainable():
    model = Sequential([layers.Dense(4, trainable=False), layers.Dense(2)], input_shape=(3,))
    assert model.trainable_params == 10
    assert model.non_trainable_params == 16


def test_layers_are_immutable_values():
    dense = layers.Dense(4)
    with pytest.raises(AttributeError, match="immutable"):
        dense.units = 5
    assert dense.replace(units=5).units == 5 and dense.units == 4


def test_deep_stacks_build():
    model = Sequential([layers.Conv2D(8, 3, padding="same") for _ in range(200)],
                       input_shape=(H, W, C))
    assert model.output_shape == (H, W, 8)
    assert same(model.params, 8 * (9 * C + 1) + 199 * 8 * (72 + 1))

