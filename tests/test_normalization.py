"""Normalization layers as Keras counts them."""

import pytest
from hypothesis import given, strategies as st

from symparams import ArgumentError, ShapeError, dims, layers

from .helpers import at

H, W, C = dims("H W C")
N1, N2, N3, G = dims("N1 N2 N3 G")


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("renorm", [True, False])
def test_counts(center, scale, renorm):
    bound = layers.BatchNormalization(center=center, scale=scale, renorm=renorm).bind((H, W, C))
    assert bound.trainable_params == (center + scale) * C
    assert bound.non_trainable_params == (2 + 3 * renorm) * C
    assert bound.output_shape == (H, W, C)


def test_axis_uses_keras_numbering():
    assert layers.BatchNormalization(axis=1).count_params((C, H, W)) == 4 * C
    assert layers.BatchNormalization(axis=-2).count_params((H, W, C)) == 4 * W
    with pytest.raises(ShapeError, match=r"axis=0 is the batch axis"):
        layers.BatchNormalization(axis=0).bind((H, W, C))
    with pytest.raises(ShapeError, match=r"axis=4 is out of range for an input of rank 4 "
                                         r"\(batch included\): \(H, W, C\)"):
        layers.BatchNormalization(axis=4).bind((H, W, C))


def test_ignored_options():
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, gamma_initializer="ones")
    assert layer.count_params((8,)) == 32


# -- LayerNormalization, GroupNormalization, UnitNormalization ----------------------------------


@st.composite
def layer_norm_axes(draw, rank):
    """Distinct non-batch axes (Keras numbering), each written positive or negative."""
    chosen = draw(st.lists(st.integers(1, rank), min_size=1, max_size=rank, unique=True))
    written = [a - (rank + 1) if draw(st.booleans()) else a for a in chosen]
    return written[0] if len(written) == 1 and draw(st.booleans()) else written


@given(data=st.data())
def test_layer_normalization_at_integer_points(data):
    rank = data.draw(st.integers(1, 3))
    symbols = (N1, N2, N3)[:rank]
    axis = data.draw(layer_norm_axes(rank))
    center, scale, rms = (data.draw(st.booleans()) for _ in range(3))
    bound = layers.LayerNormalization(axis=axis, center=center, scale=scale,
                                      rms_scaling=rms).bind(symbols)
    assert bound.output_shape == symbols
    sizes = {s: data.draw(st.integers(1, 9)) for s in symbols}
    axes = [axis] if isinstance(axis, int) else axis
    per_vector = 1
    for a in axes:
        per_vector *= sizes[symbols[a % (rank + 1) - 1]]
    vectors = (scale or rms) + (center and not rms)
    assert at(bound.params, sizes) == at(bound.trainable_params, sizes) == vectors * per_vector
    # Keras builds the weights in the order of the sorted axes, as written.
    want = tuple(sizes[symbols[a % (rank + 1) - 1]] for a in sorted(axes))
    assert all(tuple(at(s, sizes) for s in w.shape) == want for w in bound.weights)


def test_layer_normalization_axes():
    assert layers.LayerNormalization().count_params((H, W, C)) == 2 * C
    assert layers.LayerNormalization(axis=(1, -1)).count_params((H, W, C)) == 2 * H * C
    bound = layers.LayerNormalization(axis=[-1, 1], center=False).bind((H, W, C))
    assert [(w.name, w.shape) for w in bound.weights] == [("gamma", (C, H))]
    assert layers.LayerNormalization(rms_scaling=True, scale=False).count_params((H, C)) == C
    with pytest.raises(ShapeError, match=r"axis=\(0,\) includes the batch axis"):
        layers.LayerNormalization(axis=[0]).bind((H, W))
    with pytest.raises(ShapeError, match=r"axis=\(-1, 3\) names the same axis twice"):
        layers.LayerNormalization(axis=(-1, 3)).bind((H, W, C))
    with pytest.raises(ShapeError, match=r"axis=3 is out of range for an input of rank 3"):
        layers.LayerNormalization(axis=3).bind((H, W))
    with pytest.raises(ArgumentError, match=r"^LayerNormalization: `axis` must name at least one "
                                            r"axis. Received: axis=\(\)$"):
        layers.LayerNormalization(axis=[])
    with pytest.raises(TypeError, match=r"^LayerNormalization: `axis` must be an int or a "
                                        r"list/tuple of ints. Received: axis='x'$"):
        layers.LayerNormalization(axis="x")
    with pytest.raises(TypeError, match=r"positional"):
        layers.LayerNormalization(-1, 1e-5)  # Keras's second argument is epsilon
    assert layers.LayerNormalization(epsilon=1e-5, gamma_initializer="ones").count_params(
        (4,)) == 8


@given(data=st.data())
def test_group_normalization_at_integer_points(data):
    rank = data.draw(st.integers(1, 3))
    symbols = (N1, N2, N3)[:rank]
    axis = data.draw(st.integers(1, rank) | st.integers(-rank, -1))
    groups = data.draw(st.integers(1, 4) | st.just(-1))
    center, scale = data.draw(st.booleans()), data.draw(st.booleans())
    layer = layers.GroupNormalization(groups, axis=axis, center=center, scale=scale)
    sizes = {s: data.draw(st.integers(1, 12)) for s in symbols}
    channels = sizes[symbols[axis % (rank + 1) - 1]]
    numeric = tuple(sizes[s] for s in symbols)
    if groups != -1 and channels % groups:
        with pytest.raises(ShapeError):
            layer.bind(numeric)
        return
    bound = layer.bind(symbols)
    assert at(bound.trainable_params, sizes) == (center + scale) * channels
    assert layer.bind(numeric).params == (center + scale) * channels


def test_group_normalization_checks():
    bound = layers.GroupNormalization(G).bind((H, W, C))
    assert bound.params == 2 * C and len(bound.conditions) == 1
    assert layers.GroupNormalization(4, axis=1).bind((8, H, W)).conditions == ()
    with pytest.raises(ShapeError, match=r"the number of groups \(16\) cannot be more than the "
                                         r"number of channels \(8\)"):
        layers.GroupNormalization(16).bind((4, 8))
    with pytest.raises(ShapeError, match=r"the number of channels \(8\) must be a multiple of "
                                         r"the number of groups \(3\)"):
        layers.GroupNormalization(3).bind((4, 8))
    with pytest.raises(ShapeError, match=r"axis=0 is the batch axis"):
        layers.GroupNormalization(1, axis=0).bind((4, 8))
    with pytest.raises(ArgumentError, match=r"^GroupNormalization: `groups` must be a positive "
                                            r"integer \(or -1 for instance normalization\). "
                                            r"Received: groups=0$"):
        layers.GroupNormalization(0)
    with pytest.raises(TypeError, match=r"^GroupNormalization: `axis` must be an integer axis"):
        layers.GroupNormalization(2, axis=[1])


def test_unit_normalization():
    bound = layers.UnitNormalization(axis=[1, -1]).bind((H, W, C))
    assert bound.params == 0 and bound.output_shape == (H, W, C)
    assert layers.UnitNormalization(axis=0).bind((H,)).output_shape == (H,)
    assert layers.UnitNormalization(axis=[]).bind((H,)).output_shape == (H,)
    assert "no weights" in layers.UnitNormalization.no_weights_reason
    with pytest.raises(ShapeError, match=r"axis=3 is out of range"):
        layers.UnitNormalization(axis=3).bind((H, W))
    with pytest.raises(ShapeError, match=r"names the same axis twice"):
        layers.UnitNormalization(axis=[1, 1]).bind((H, W))
