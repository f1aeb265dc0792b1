"""Tied weights: counted once, where they are made, checked by the model, shown in summaries."""

from __future__ import annotations

import keras
import pytest
import torch

from symparams import Input, Model, ModelError, ShapeError, Tensor, dims, layers, nn
from symparams.errors import ArgumentError, ArgumentTypeError

V, T, d, B, U = dims("V T d B U")


def tied_lm(vocab=V, head_out=V, bias=False):
    x = Tensor((B, T))
    wte = nn.Embedding(vocab, d, name="wte")
    head = nn.Linear(d, head_out, bias=bias, name="lm_head").tie("weight", wte)
    return Model(x, head(wte(x)))


def test_a_tied_weight_is_counted_once_as_torch_counts_it():
    model = tied_lm(bias=True)
    theirs_embedding = torch.nn.Embedding(50, 8)
    theirs_head = torch.nn.Linear(8, 50)
    theirs_head.weight = theirs_embedding.weight
    theirs = torch.nn.ModuleDict({"wte": theirs_embedding, "lm_head": theirs_head})
    assert model.subs(V=50, d=8).params == sum(p.numel() for p in theirs.parameters())
    assert model.params == V * d + V


def test_keras_dense_tied_to_an_embedding_transposed():
    tokens = Input((T,))
    wte = layers.Embedding(V, d, name="wte")
    head = layers.Dense(V, use_bias=False, name="head").tie("kernel", wte, "embeddings")
    model = Model(tokens, head(wte(tokens)))
    assert model.params == V * d
    assert model.non_embedding_params == 0


def test_summary_and_explanation_say_what_is_tied():
    model = tied_lm()
    assert "lm_head (Linear, weight tied to wte.weight)" in str(model.summary())
    assert "tied to wte.weight" in model.summary().to_latex()
    assert "weight: 0 (tied to wte.weight: its V·d entries are counted there)" in \
        str(model.explain())


def test_sizes_must_agree_decided_on_substitution():
    model = tied_lm(head_out=U)
    assert [name for name, _ in model.conditions] == ["lm_head"]
    assert model.subs(U=7, V=7).params == 7 * d
    with pytest.raises(ShapeError, match="'lm_head'.*tied to 'wte.weight'.*7\\*d != 8\\*d"):
        model.subs(U=7, V=8)
    with pytest.raises(ShapeError, match="lm_head"):
        tied_lm(head_out=V + 1)


def test_the_source_must_be_in_the_model_and_named():
    x = Tensor((B, T))
    wte = nn.Embedding(V, d, name="wte")
    head = nn.Linear(d, V, bias=False).tie("weight", wte)
    with pytest.raises(ModelError, match="tied to 'wte.weight', which is not a weight"):
        Model(x, head(nn.Embedding(V, d)(x)))
    with pytest.raises(ArgumentError, match="must have a name"):
        nn.Linear(d, V).tie("weight", nn.Embedding(V, d))
    with pytest.raises(ArgumentTypeError, match="source"):
        nn.Linear(d, V).tie("weight", "wte")
    with pytest.raises(ArgumentError, match="no weight 'kernel'"):
        Model(x, nn.Linear(d, V).tie("kernel", wte)(wte(x)))


def test_ties_inside_a_nested_model_resolve_there():
    x = Tensor((B, T))
    wte = nn.Embedding(V, d, name="wte")
    inner = Model(x, nn.Linear(d, V, bias=False, name="head").tie("weight", wte)(wte(x)),
                  name="lm")
    y = Tensor((B, T))
    outer = Model(y, inner(y))
    assert outer.params == V * d


def test_keras_example_matches_keras_shared_variable_count():
    """Keras counts a shared variable once too (a layer reusing another's variable)."""
    assert keras.__version__.startswith("3.")
    tokens = Input((T,))
    wte = layers.Embedding(V, d, name="wte")
    head = layers.Dense(V, name="head").tie("kernel", wte, "embeddings")
    assert Model(tokens, head(wte(tokens))).subs(V=11, d=3).params == 11 * 3 + 11
