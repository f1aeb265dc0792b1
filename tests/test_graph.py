"""Symbolic tensors, layer calls and graph models."""

import pytest

from symparams import (
    ArgumentError, Input, Model, ModelError, ShapeError, Tensor, dims, explain, layers,
)

from .helpers import same

B, T, d, H, W, C = dims("B T d H W C")


def test_functional_chain_matches_sequential_counts():
    x = Input((H, W, C))
    y = layers.Conv2D(8, 3)(x)
    z = layers.Dense(5)(layers.Flatten()(y))
    model = Model(x, z)
    assert [b.name for b in model.layers] == ["conv2d", "flatten", "dense"]
    assert model.input_shape == (H, W, C) and model.output_shape == (5,)
    assert same(model.params, 8 * (9 * C + 1) + 5 * (8 * (H - 2) * (W - 2) + 1))
    numeric = model.subs(H=10, W=10, C=3)
    assert numeric.params == 8 * 28 + 5 * (8 * 64 + 1)
    assert [b.name for b in numeric.layers] == ["conv2d", "flatten", "dense"]


def test_a_layer_called_twice_is_counted_once():
    x = Input((T, d))
    dense = layers.Dense(d)
    model = Model(x, dense(dense(x)))
    assert len(model.layers) == 1
    assert model.params == d * (d + 1)


def test_several_inputs_and_outputs():
    a, b = Input((T, d), name="a"), Input((T, 2 * d), name="b")
    ya, yb = layers.Dense(3)(a), layers.Dense(4)(b)
    model = Model([a, b], [ya, yb])
    assert model.input_shape == [(T, d), (T, 2 * d)]
    assert model.output_shape == [(T, 3), (T, 4)]
    assert same(model.params, 3 * (d + 1) + 4 * (2 * d + 1))
    assert model.subs(d=2, T=5).output_shape == [(5, 3), (5, 4)]


def test_keras_layers_on_a_batched_tensor_keep_the_batch_axis():
    t = Tensor((B, T, d))
    assert layers.Dense(7)(t).shape == (B, T, 7)
    assert layers.Flatten()(t).shape == (B, T * d)


def test_errors():
    x = Input((T, d))
    with pytest.raises(ModelError, match=r"not among the model's inputs"):
        Model(Input((T, d)), layers.Dense(2)(x))
    with pytest.raises(TypeError, match=r"Dense must be called on a symparams Tensor"):
        layers.Dense(2)((T, d))
    with pytest.raises(TypeError, match=r"Unrecognized call arguments passed to Dense: \['foo'\]"):
        layers.Dense(2)(x, foo=1)
    with pytest.raises(ShapeError, match=r"Layer 'conv2d' \(Conv2D\): expects an input of rank 3"):
        layers.Conv2D(2, 3)(x)
    with pytest.raises(ArgumentError, match=r"has no symbol named 'X'"):
        Model(x, layers.Dense(2)(x)).subs(X=1)


def test_summary_and_explain_work_on_graphs():
    x = Input((T, d))
    model = Model(x, layers.Dense(3)(x), name="tiny")
    assert 'Model: "tiny"' in str(model.summary())
    assert "(in_features + 1)·units" in str(explain(model))


def test_substitution_replays_attention_without_weights():
    from symparams import nn
    x = Tensor((B, T, d))
    out, weights = nn.MultiheadAttention(d, 2, batch_first=True)(x, x, x, need_weights=False)
    assert weights is None
    model = Model(x, out).subs(B=2, T=5, d=8)
    assert model.output_shape == (2, 5, 8)
    assert model.params == 4 * 8 * 9


def test_a_private_layer_class_is_named_like_a_public_one():
    from symparams import nn

    class _Scale(nn.Identity):
        pass

    x = Tensor((B, d))
    model = Model(x, _Scale()(_Scale()(x)))
    assert [b.name for b in model.layers] == ["scale", "scale_1"]
