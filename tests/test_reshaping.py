"""Up-sampling, zero padding, cropping, Permute and RepeatVector against plain Python."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at

D, H, W, C, T, n, P, S = dims("D H W C T n P S")
SPATIAL = {1: (W,), 2: (H, W), 3: (D, H, W)}
FORMATS = st.sampled_from(["channels_last", "channels_first"])


def join(spatial, channels, data_format):
    if data_format == "channels_last":
        return (*spatial, channels)
    return (channels, *spatial)


def sides(value, rank):
    """Keras's reading of a padding or cropping argument: ``rank`` (before, after) pairs."""
    if rank == 1:
        return [value if isinstance(value, tuple) else (value, value)]
    if isinstance(value, int):
        return [(value, value)] * rank
    return [v if isinstance(v, tuple) else (v, v) for v in value]


def padding_values(rank, low=0, high=3):
    side = st.integers(low, high)
    pair = st.tuples(side, side)
    if rank == 1:
        return side | pair
    return side | st.tuples(*[side | pair] * rank)


@given(rank=st.integers(1, 3), data_format=FORMATS, data=st.data())
def test_up_sampling_at_integer_points(rank, data_format, data):
    if rank == 1:
        size = data.draw(st.integers(1, 4))
        layer, factors, data_format = layers.UpSampling1D(size), (size,), "channels_last"
    else:
        factors = tuple(data.draw(st.integers(1, 4)) for _ in range(rank))
        cls = layers.UpSampling2D if rank == 2 else layers.UpSampling3D
        layer = cls(factors, data_format=data_format)
    spatial = SPATIAL[rank]
    out = layer.compute_output_shape(join(spatial, C, data_format))
    sizes = {s: data.draw(st.integers(1, 20)) for s in (*spatial, C)}
    want = join([sizes[s] * f for s, f in zip(spatial, factors)], sizes[C], data_format)
    assert tuple(at(o, sizes) for o in out) == want
    assert layer.count_params(join(spatial, C, data_format)) == 0


@given(rank=st.integers(1, 3), data_format=FORMATS, data=st.data())
def test_zero_padding_at_integer_points(rank, data_format, data):
    padding = data.draw(padding_values(rank))
    layer = getattr(layers, f"ZeroPadding{rank}D")(padding, data_format=data_format)
    spatial = SPATIAL[rank]
    out = layer.compute_output_shape(join(spatial, C, data_format))
    sizes = {s: data.draw(st.integers(1, 20)) for s in (*spatial, C)}
    want = join([sizes[s] + a + b for s, (a, b) in zip(spatial, sides(padding, rank))],
                sizes[C], data_format)
    assert tuple(at(o, sizes) for o in out) == want


@given(rank=st.integers(1, 3), data_format=FORMATS, data=st.data())
def test_cropping_at_integer_points(rank, data_format, data):
    cropping = data.draw(padding_values(rank))
    if rank == 1:
        layer, data_format = layers.Cropping1D(cropping), "channels_last"
    else:
        layer = getattr(layers, f"Cropping{rank}D")(cropping, data_format=data_format)
    spatial = SPATIAL[rank]
    out = layer.compute_output_shape(join(spatial, C, data_format))
    pairs = sides(cropping, rank)
    sizes = {s: a + b + data.draw(st.integers(1, 10)) for s, (a, b) in zip(spatial, pairs)}
    sizes[C] = data.draw(st.integers(1, 5))
    want = join([sizes[s] - a - b for s, (a, b) in zip(spatial, pairs)], sizes[C], data_format)
    assert tuple(at(o, sizes) for o in out) == want
    # One more entry cropped than the axis has: Keras refuses.
    axis = data.draw(st.integers(0, rank - 1))
    short = dict(zip(spatial, [sizes[s] for s in spatial]))
    short[spatial[axis]] = sum(pairs[axis]) - data.draw(st.integers(0, sum(pairs[axis])))
    if short[spatial[axis]] >= 1:
        with pytest.raises(ShapeError, match=r"`cropping` must leave at least one entry"):
            layer.bind(join([short[s] for s in spatial], sizes[C], data_format))


@given(data=st.data())
def test_permute_at_integer_points(data):
    rank = data.draw(st.integers(1, 4))
    dims_ = tuple(data.draw(st.permutations(range(1, rank + 1))))
    shape = tuple(data.draw(st.integers(1, 9)) for _ in range(rank))
    assert layers.Permute(dims_).compute_output_shape(shape) == \
        tuple(shape[d - 1] for d in dims_)


def test_symbolic_forms():
    assert layers.UpSampling2D((2, S)).compute_output_shape((H, W, C)) == (2 * H, S * W, C)
    assert layers.ZeroPadding1D((P, 1)).compute_output_shape((T, C)) == (T + P + 1, C)
    assert layers.Cropping3D(P, data_format="channels_first").compute_output_shape(
        (C, D, H, W)) == (C, D - 2 * P, H - 2 * P, W - 2 * P)
    assert layers.RepeatVector(T).compute_output_shape((n,)) == (T, n)
    assert layers.Permute((3, 1, 2)).compute_output_shape((H, W, C)) == (C, H, W)


def test_keras_defaults():
    assert layers.ZeroPadding2D().padding == ((1, 1), (1, 1))
    assert layers.ZeroPadding3D().padding == ((1, 1),) * 3
    assert layers.Cropping1D().cropping == (1, 1)
    assert layers.Cropping2D().cropping == ((0, 0), (0, 0))
    assert layers.Cropping3D().cropping == ((1, 1),) * 3
    assert layers.UpSampling3D().size == (2, 2, 2)
    assert layers.UpSampling2D(interpolation="BILINEAR").interpolation == "bilinear"


def test_no_weights_and_reasons():
    for layer, shape in [(layers.UpSampling1D(), (T, C)), (layers.ZeroPadding2D(), (H, W, C)),
                         (layers.Cropping2D(), (H, W, C)), (layers.Permute((1,)), (T,)),
                         (layers.RepeatVector(3), (n,))]:
        bound = layer.bind(shape)
        assert bound.params == 0 and "no weights" in type(layer).no_weights_reason


def test_errors_name_the_argument_and_value():
    with pytest.raises(ArgumentError, match=r"^ZeroPadding1D: `padding` must be a non-negative "
                                            r"integer. Received: padding=-1$"):
        layers.ZeroPadding1D(-1)
    with pytest.raises(ArgumentError, match=r"^ZeroPadding2D: `padding` must be a non-negative "
                                            r"integer. Received: padding=-1$"):
        layers.ZeroPadding2D(-1)
    with pytest.raises(ArgumentError, match=r"^ZeroPadding2D: `padding` must be an integer, a "
                                            r"tuple of 2 integers, or a tuple of 2 pairs "
                                            r"\(before, after\). Received: padding=\(1, 2, 3\)$"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ArgumentError, match=r"^Cropping3D: `cropping` must be a non-negative "
                                            r"integer or a pair of them \(before, after\). "
                                            r"Received: cropping=\(1, 2, 3\)$"):
        layers.Cropping3D(((1, 2, 3), 1, 1))
    with pytest.raises(ShapeError, match=r"`cropping` must leave at least one entry of each "
                                         r"axis: cropping 1 \+ 2 of an axis of length 3. "
                                         r"Received: input_shape=\(3, 2\), cropping=\(1, 2\)"):
        layers.Cropping1D((1, 2)).bind((3, 2))
    with pytest.raises(ArgumentError, match=r"^UpSampling2D: `size` must be a positive integer. "
                                            r"Received: size=0$"):
        layers.UpSampling2D((2, 0))
    with pytest.raises(TypeError, match=r"^UpSampling1D: `size` must be a positive integer or "
                                        r"a symbolic dimension"):
        layers.UpSampling1D((2,))
    with pytest.raises(ArgumentError, match=r"^UpSampling2D: `interpolation` must be one of "
                                            r"'bicubic', 'bilinear', 'lanczos3', 'lanczos5', "
                                            r"'nearest'. Received: interpolation='area'$"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(TypeError, match=r"^Unrecognized keyword arguments passed to "
                                        r"UpSampling3D: \{'interpolation': 'nearest'\}$"):
        layers.UpSampling3D(interpolation="nearest")
    with pytest.raises(ArgumentError, match=r"^Permute: the set of indices in `dims` must be "
                                            r"consecutive and start from 1. "
                                            r"Received: dims=\(0, 1\)$"):
        layers.Permute((0, 1))
    with pytest.raises(ShapeError, match=r"expects an input of rank 2"):
        layers.Permute((2, 1)).bind((3, 4, 5))
    with pytest.raises(ArgumentError, match=r"^RepeatVector: `n` must be a positive integer. "
                                            r"Received: n=0$"):
        layers.RepeatVector(0)
    with pytest.raises(ShapeError, match=r"expects an input of rank 1 \(features\)"):
        layers.RepeatVector(3).bind((4, 2))
