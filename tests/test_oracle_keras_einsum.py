"""Keras as the oracle for EinsumDense on the common equations, at hypothesis-drawn sizes.

Each equation form (plain, ``...`` on the left, ``...`` on the right, bias axes or none,
output sizes given or left None) is run with 20 drawn input sizes under ``ci``: Keras's
forward pass and weights against symparams' output shape and count; rejected by both or
by neither.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symparams import ArgumentError, ShapeError, layers

# (equation, output shape, bias axes, input rank without batch)
FORMS = [
    ("ab,bc->ac", (5,), "c", 1),
    ("abc,cd->abd", (None, 6), "d", 2),
    ("abc,cde->abde", (None, 2, 3), "de", 2),
    ("abc,cde->abde", (None, 2, 3), None, 2),
    ("abcd,cde->abe", (4, 7), "e", 3),
    ("abc,dc->abd", (4, 9), "d", 2),
    ("abcd,dce->abe", (3, 8), "be", 3),
    ("abc,bcd->ad", (5,), "d", 2),
    ("abc,cd->abd", (4, 6), "bd", 2),
    ("...b,bc->...c", (6,), "c", 3),
    ("...b,bc->...c", (6,), "c", 1),
    ("...bc,cd->...bd", (4, 7), "bd", 4),
    ("...bc,cd->...bd", (None, 7), "d", 3),
    ("ab...,bc->ac...", (6,), "c", 3),
]


def outcome(build, shape, errors=(Exception,)):
    try:
        return build(shape)
    except errors as error:
        return ("rejected", type(error).__name__)


def keras_side(form, shape):
    equation, output_shape, bias_axes, _ = form
    layer = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    out = layer(np.zeros((2, *shape), "float32"))
    return tuple(int(v) for v in out.shape[1:]), sum(int(np.prod(w.shape)) for w in layer.weights)


def symparams_side(form, shape):
    equation, output_shape, bias_axes, _ = form
    bound = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes).bind(shape)
    return tuple(int(v) for v in bound.output_shape), int(bound.params)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f[0]}|{f[2]}")
@settings(max_examples=20)
@given(data=st.data())
def test_einsum_dense_matches_keras(form, data):
    shape = tuple(data.draw(st.integers(1, 5)) for _ in range(form[3]))
    theirs = outcome(lambda s: keras_side(form, s), shape)
    ours = outcome(lambda s: symparams_side(form, s), shape, (ArgumentError, ShapeError))
    if theirs[0] == "rejected":
        assert ours[0] == "rejected", (form, shape, ours)
        return
    assert ours == theirs, (form, shape)


def test_einsum_dense_errors():
    with pytest.raises(ArgumentError, match=r"Invalid einsum equation 'ab->b'"):
        layers.EinsumDense("ab->b", 3)
    with pytest.raises(ShapeError, match=r"shared dimension 'b'"):
        layers.EinsumDense("abc,cd->abd", (4, 6)).bind((3, 2))
