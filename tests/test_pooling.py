"""Pooling formulas against an independent integer computation of Keras's rules."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at, raw_length

H, W, D, C = dims("H W D C")
SPATIAL = {1: (W,), 2: (H, W), 3: (D, H, W)}
POOLS = {("max", 1): layers.MaxPooling1D, ("max", 2): layers.MaxPooling2D,
         ("max", 3): layers.MaxPooling3D, ("avg", 1): layers.AveragePooling1D,
         ("avg", 2): layers.AveragePooling2D, ("avg", 3): layers.AveragePooling3D}
GLOBAL = {("max", 1): layers.GlobalMaxPooling1D, ("max", 2): layers.GlobalMaxPooling2D,
          ("max", 3): layers.GlobalMaxPooling3D, ("avg", 1): layers.GlobalAveragePooling1D,
          ("avg", 2): layers.GlobalAveragePooling2D, ("avg", 3): layers.GlobalAveragePooling3D}


def shape_of(spatial, channels, fmt):
    return (*spatial, channels) if fmt == "channels_last" else (channels, *spatial)


@given(st.sampled_from(sorted(POOLS)), st.data())
def test_window_pools_at_integer_points(key, data):
    rank = key[1]
    pool = tuple(data.draw(st.integers(1, 4)) for _ in range(rank))
    strides = data.draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 4)] * rank)))
    padding = data.draw(st.sampled_from(["valid", "same"]))
    fmt = data.draw(st.sampled_from(["channels_last", "channels_first"]))
    layer = POOLS[key](pool, strides=strides, padding=padding, data_format=fmt)
    out = layer.compute_output_shape(shape_of(SPATIAL[rank], C, fmt))
    assert layer.count_params(shape_of(SPATIAL[rank], C, fmt)) == 0
    for _ in range(5):
        sizes = {s: data.draw(st.integers(1, 30)) for s in (*SPATIAL[rank], C)}
        want = [raw_length(sizes[s], k, st_, 1, padding)
                for s, k, st_ in zip(SPATIAL[rank], pool, strides or pool)]
        assert tuple(at(o, sizes) for o in out) == shape_of(want, sizes[C], fmt)


@pytest.mark.parametrize("key", sorted(GLOBAL))
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pools(key, fmt, keepdims):
    layer = GLOBAL[key](data_format=fmt, keepdims=keepdims)
    out = layer.compute_output_shape(shape_of(SPATIAL[key[1]], C, fmt))
    assert out == (shape_of((1,) * key[1], C, fmt) if keepdims else (C,))


def test_aliases_and_defaults():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    pool = layers.MaxPooling3D()
    assert pool.pool_size == pool.strides == (2, 2, 2)


def test_errors():
    with pytest.raises(ArgumentError, match=r"^MaxPooling2D: `pool_size` must be a positive "
                                            r"integer. Received: pool_size=0$"):
        layers.MaxPooling2D(0)
    with pytest.raises(ShapeError, match=r"output dimension 0 would be 0, below 1"):
        layers.MaxPooling2D(3).bind((2, 5, 1))
    with pytest.raises(ShapeError, match=r"expects an input of rank 3 \(channels, height, width\)"):
        layers.AveragePooling2D(data_format="channels_first").bind((4, 4))
