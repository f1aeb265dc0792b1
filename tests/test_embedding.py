"""Embedding: an (input_dim, output_dim) table; the output appends output_dim."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, dims, layers

from .helpers import at

V, d, T, B, r = dims("V d T B r")


@given(input_dim=st.integers(1, 1000), output_dim=st.integers(1, 64),
       shape=st.lists(st.integers(1, 9), min_size=1, max_size=3),
       lora=st.none() | st.integers(1, 8))
def test_embedding_at_integer_points(input_dim, output_dim, shape, lora):
    layer = layers.Embedding(V, d, lora_rank=None if lora is None else r)
    symbols = dims(" ".join(f"n{i}" for i in range(len(shape))))
    symbols = symbols if isinstance(symbols, tuple) else (symbols,)
    values = {V: input_dim, d: output_dim, **dict(zip(symbols, shape))}
    if lora is not None:
        values[r] = lora
    bound = layer.bind(symbols)
    assert tuple(at(s, values) for s in bound.output_shape) == (*shape, output_dim)
    table = input_dim * output_dim
    lora_entries = 0 if lora is None else lora * (input_dim + output_dim)
    assert at(bound.trainable_params, values) == (table if lora is None else lora_entries)
    assert at(bound.non_trainable_params, values) == (0 if lora is None else table)


def test_weights_and_formula():
    bound = layers.Embedding(V, d).bind((T,))
    assert bound.output_shape == (T, d) and bound.params == V * d
    assert [(w.name, w.shape) for w in bound.weights] == [("embeddings", (V, d))]
    lora = layers.Embedding(100, 8, lora_rank=2).bind((B, T))
    assert [(w.name, w.shape, w.trainable) for w in lora.weights] == [
        ("embeddings", (100, 8), False), ("lora_embeddings_a", (100, 2), True),
        ("lora_embeddings_b", (2, 8), True)]


def test_keras_arguments_that_change_nothing():
    layer = layers.Embedding(10, 3, mask_zero=True, embeddings_initializer="uniform",
                             input_length=5, weights=None, lora_alpha=None)
    assert layer.mask_zero is True and layer.count_params((4,)) == 30


def test_errors_name_the_argument_and_value():
    with pytest.raises(ArgumentError, match=r"^Embedding: `input_dim` must be a positive "
                                            r"integer. Received: input_dim=0$"):
        layers.Embedding(0, 3)
    with pytest.raises(ArgumentError, match=r"^Embedding: `output_dim` must be a positive "
                                            r"integer. Received: output_dim=-3$"):
        layers.Embedding(10, -3)
    with pytest.raises(ArgumentError, match=r"^Embedding: LoRA is incompatible with embedding "
                                            r"constraints"):
        layers.Embedding(10, 3, lora_rank=2, embeddings_constraint="non_neg")
    with pytest.raises(ArgumentError, match=r"^Embedding: quantized layers are not modelled"):
        layers.Embedding(10, 3, quantization_config="int8")
    with pytest.raises(TypeError, match=r"positional"):
        layers.Embedding(10, 3, "uniform")  # Keras's third argument is an initializer
