"""BatchNormalization as Keras counts it."""

import pytest

from symparams import ShapeError, dims, layers

H, W, C = dims("H W C")


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
