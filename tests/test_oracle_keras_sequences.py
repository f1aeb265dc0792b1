"""Keras as the oracle for recurrent layers, MultiHeadAttention, TimeDistributed and PReLU.

Hypothesis draws configurations and sizes; Keras (torch backend) runs a real
forward pass; trainable/non-trainable weight sizes and every output shape
(batch dropped) must equal symparams'. Under the ``ci`` profile: 60 recurrent
configurations (SimpleRNN, LSTM, GRU with both ``reset_after``, alone or in
Bidirectional with every merge mode) and 60 attention configurations.
"""

from __future__ import annotations

import keras
import numpy as np
from hypothesis import given, settings, strategies as st

from symparams import ArgumentError, ShapeError, layers


def keras_result(layer, *inputs, **call):
    out = layer(*[np.zeros((2, *shape), "float32") for shape in inputs], **call)
    outputs = out if isinstance(out, (list, tuple)) else [out]
    shapes = [tuple(int(v) for v in o.shape[1:]) for o in outputs]
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    return shapes, trainable, frozen


def symparams_result(layer, shape, **options):
    bound = layer.bind(shape, **options)
    outputs = bound.output_shape if isinstance(bound.output_shape, list) else \
        [bound.output_shape]
    return ([tuple(int(v) for v in s) for s in outputs], int(bound.trainable_params),
            int(bound.non_trainable_params))


@settings(max_examples=60)
@given(kind=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]), units=st.integers(1, 5),
       use_bias=st.booleans(), sequences=st.booleans(), state=st.booleans(),
       reset_after=st.booleans(), merge=st.sampled_from([0, "concat", "sum", "mul", "ave", None]),
       steps=st.integers(1, 4), features=st.integers(1, 5))
def test_recurrent_layers_match_keras(kind, units, use_bias, sequences, state, reset_after,
                                      merge, steps, features):
    extra = {"reset_after": reset_after} if kind == "GRU" else {}
    args = dict(use_bias=use_bias, return_sequences=sequences, return_state=state, **extra)
    ours, theirs = getattr(layers, kind)(units, **args), getattr(keras.layers, kind)(units, **args)
    if merge != 0:
        ours = layers.Bidirectional(ours, merge_mode=merge)
        theirs = keras.layers.Bidirectional(theirs, merge_mode=merge)
    assert symparams_result(ours, (steps, features)) == keras_result(theirs, (steps, features))


@settings(max_examples=60)
@given(heads=st.integers(1, 3), key_dim=st.integers(1, 4),
       value_dim=st.one_of(st.none(), st.integers(1, 4)), use_bias=st.booleans(),
       output_shape=st.one_of(st.none(), st.integers(1, 4), st.tuples(st.integers(1, 3),
                                                                       st.integers(1, 3))),
       gate=st.booleans(), rank=st.sampled_from([2, 3]), q_dim=st.integers(1, 5),
       v_dim=st.integers(1, 5), k_dim=st.one_of(st.none(), st.integers(1, 5)),
       scores=st.booleans())
def test_multi_head_attention_matches_keras(heads, key_dim, value_dim, use_bias, output_shape,
                                            gate, rank, q_dim, v_dim, k_dim, scores):
    args = dict(value_dim=value_dim, use_bias=use_bias, output_shape=output_shape,
                use_gate=gate)
    ours = layers.MultiHeadAttention(heads, key_dim, **args)
    theirs = keras.layers.MultiHeadAttention(heads, key_dim, **args)
    lead_q, lead_v = ((3,), (4,)) if rank == 2 else ((3, 2), (4, 2))
    query, value = (*lead_q, q_dim), (*lead_v, v_dim)
    key = value if k_dim is None else (*lead_v, k_dim)
    inputs = (query, value) if k_dim is None else (query, value, key)
    options = {"return_attention_scores": True} if scores else {}
    assert symparams_result(ours, (query, value, key), **options) == \
        keras_result(theirs, *inputs, **options)


@settings(max_examples=60)
@given(inner=st.sampled_from(["Dense", "Conv1D", "LSTM"]), units=st.integers(1, 4),
       steps=st.integers(1, 4), length=st.integers(3, 6), features=st.integers(1, 4))
def test_time_distributed_matches_keras(inner, units, steps, length, features):
    args = {"Dense": (units,), "Conv1D": (units, 3), "LSTM": (units,)}[inner]
    ours = layers.TimeDistributed(getattr(layers, inner)(*args))
    theirs = keras.layers.TimeDistributed(getattr(keras.layers, inner)(*args))
    shape = (steps, length, features) if inner != "Dense" else (steps, features)
    assert symparams_result(ours, shape) == keras_result(theirs, shape)


@settings(max_examples=60)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_prelu_matches_keras(shape, data):
    shared = data.draw(st.one_of(st.none(), st.lists(st.integers(1, len(shape)), min_size=1,
                                                     max_size=len(shape), unique=True)))
    ours, theirs = layers.PReLU(shared_axes=shared), keras.layers.PReLU(shared_axes=shared)
    assert symparams_result(ours, tuple(shape)) == keras_result(theirs, tuple(shape))


MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]


@settings(max_examples=60)
@given(kind=st.sampled_from(MERGES + ["Concatenate", "Dot"]), data=st.data())
def test_merge_layers_match_keras(kind, data):
    rank = data.draw(st.integers(1, 3))
    first = tuple(data.draw(st.integers(1, 4)) for _ in range(rank))
    count = 2 if kind in ("Subtract", "Dot") else data.draw(st.integers(2, 3))
    shapes = [first]
    for _ in range(count - 1):  # same shape, or 1 where a broadcast or mismatch is drawn
        shapes.append(tuple(data.draw(st.sampled_from([n, 1, n + 1])) for n in first))
    kwargs = {}
    if kind == "Concatenate":
        kwargs["axis"] = data.draw(st.integers(1, rank))
    if kind == "Dot":
        kwargs["axes"] = data.draw(st.integers(1, rank))
    try:
        out = getattr(keras.layers, kind)(**kwargs)([np.zeros((2, *s), "float32")
                                                    for s in shapes])
        theirs = tuple(int(v) for v in out.shape[1:])
    except Exception:  # noqa: BLE001 - Keras rejects: so must symparams
        theirs = None
    try:
        ours = tuple(int(v) for v in getattr(layers, kind)(**kwargs).bind(tuple(shapes))
                     .output_shape)
    except (ArgumentError, ShapeError):
        ours = None
    assert ours == theirs, (kind, shapes, kwargs)
