"""Symbolic depth (Repeat) and merge layers in graphs."""

import pytest

from symparams import Input, Model, Repeat, Sequential, ShapeError, dims, layers

from .helpers import same

T, d, L, H, W, C = dims("T d L H W C")


def residual_block():
    x = Input((T, d))
    h = layers.Dense(4 * d, activation="relu")(x)
    return Model(x, layers.Add()([x, layers.Dense(d)(h)]), name="block")


def test_repeat_counts_l_copies_and_substitutes():
    model = Sequential([Repeat(residual_block(), L), layers.Dense(3)], input_shape=(T, d))
    assert same(model.params, L * (8 * d**2 + 5 * d) + 3 * (d + 1))
    numeric = model.subs(L=12, d=8)
    assert numeric.params == 12 * (8 * 64 + 40) + 27
    assert "block × L" in str(model.summary())


def test_repeat_of_a_layer_and_unrolled_agree():
    block = layers.Conv2D(C, 3, padding="same")
    repeated = Sequential([Repeat(block, 4)], input_shape=(H, W, C))
    unrolled = Sequential([layers.Conv2D(C, 3, padding="same") for _ in range(4)],
                          input_shape=(H, W, C))
    assert same(repeated.params, unrolled.params)
    assert repeated.output_shape == unrolled.output_shape == (H, W, C)


def test_repeat_rejects_shape_changing_blocks():
    with pytest.raises(ShapeError, match=r"output shape must equal its input shape: 8 != 4"):
        Sequential([Repeat(layers.Dense(4), L)], input_shape=(T, 8))
    model = Sequential([Repeat(layers.Dense(d), L)], input_shape=(T, C))
    assert model.conditions  # d = C cannot be decided: recorded
    with pytest.raises(ShapeError):
        model.subs(d=3, C=4)


def test_merges_in_a_graph():
    x = Input((H, W, C))
    y = layers.Conv2D(C, 3, padding="same")(x)
    z = layers.Concatenate()([x, layers.Add()([x, y])])
    model = Model(x, z)
    assert model.output_shape == (H, W, 2 * C)
    with pytest.raises(ShapeError, match=r"inputs 0 and 1 must have compatible shapes"):
        layers.Add()([Input((3, 4)), Input((3, 5))])
    a, b = Input((T, d)), Input((T, 2 * d))
    with pytest.raises(ShapeError):
        layers.Subtract()([a, b])
    assert layers.Dot(axes=2)([Input((3, 4)), Input((5, 4))]).shape == (3, 5)


def test_a_model_used_as_a_layer_is_counted_once():
    x = Input((T, d))
    inner = Model(x, layers.Dense(d)(x), name="inner")
    y = Input((T, d))
    outer = Model(y, layers.Dense(2)(inner(inner(y))))
    assert [b.name for b in outer.layers] == ["inner", "dense"]
    assert same(outer.params, d * (d + 1) + 2 * (d + 1))
    assert outer.subs(d=4, T=3).params == 30
    assert outer.connections == {"inner": ("input_layer[0][0]", "inner[0][0]"),
                                 "dense": ("inner[1][0]",)}
    text = str(outer.summary())
    assert "Connected to" in text and "inner (Model)" in text
    with pytest.raises(ShapeError, match=r"input must have model 'inner''s input shape"):
        inner(Input((T, 2 * d)))


def test_gpt2_non_embedding_params():
    from symparams.examples import gpt2

    model = gpt2()
    V, T, L, d = dims("V T L d")
    assert same(model.non_embedding_params, L * (12 * d**2 + 13 * d) + 2 * d)
    assert same(model.params - model.non_embedding_params, V * d + T * d)


def test_gpt2_prints_as_a_polynomial_grouped_by_depth():
    """Paper form: the repeated block's count appears once, multiplied by L."""
    from symparams import latex
    from symparams.examples import gpt2
    from symparams.printing import text

    model = gpt2()
    assert text(model.params) == "L·(12·d² + 13·d) + T·d + V·d + 2·d"
    assert latex(model.params) == r"L \left(12 d^{2} + 13 d\right) + T d + V d + 2 d"
    assert "h (block × L)" in str(model.summary())


def test_repeat_of_a_layer_taking_several_inputs():
    """A transformer layer (which takes an optional mask) repeated L times, as torch stacks it."""
    import torch

    from symparams import Model, Repeat, Tensor, dims, nn

    B, T, d, L = dims("B T d L")
    x = Tensor((B, T, d))
    layer = nn.TransformerEncoderLayer(d, 2, 4 * d, batch_first=True)
    model = Model(x, Repeat(layer, L)(x))
    assert model.output_shape == (B, T, d)
    assert same(model.params, L * layer.params)
    assert same(model.flops, L * Model(x, layer(x)).flops)
    stack = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 32),
                                        3, enable_nested_tensor=False)
    assert model.subs(d=8, L=3).params == sum(p.numel() for p in stack.parameters())


def test_repeat_passes_side_inputs_to_every_copy():
    from symparams import Tensor, nn
    B, T, S, d, L = dims("B T S d L")
    x, memory = Tensor((B, T, d)), Tensor((B, S, d))
    block = Model([x, memory], nn.MultiheadAttention(d, 1)(x, memory, memory)[0], name="cross")
    stack = Repeat(block, L)
    out = stack(Tensor((B, T, d)), Tensor((B, S, d)))
    assert out.shape == (B, T, d)
    assert Model([out.node.inputs[0], out.node.inputs[1]], out).params == L * block.params
    with pytest.raises(ShapeError, match="takes inputs of shapes"):
        stack(Tensor((B, T, d)))
    with pytest.raises(ShapeError, match="takes one input"):
        Repeat(nn.Linear(d, d), L)(Tensor((B, T, d)), Tensor((B, S, d)))
