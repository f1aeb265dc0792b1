"""The PyTorch-style front end: counts, shapes, buffers and symbolic input checks."""

import pytest
from sympy import ceiling

from symparams import ArgumentError, Model, ShapeError, Tensor, dims, nn

from .helpers import same

N, C, H, W, d = dims("N C H W d")


def test_parameters_and_buffers_are_apart():
    bn = nn.BatchNorm2d(C)
    assert (bn.params, bn.buffers) == (2 * C, 2 * C + 1)
    assert (nn.BatchNorm1d(C, affine=False, track_running_stats=False).params,
            nn.BatchNorm1d(C, affine=False, track_running_stats=False).buffers) == (0, 0)


def test_in_features_is_checked_three_valued():
    t = Tensor((N, 64))
    assert nn.Linear(64, 10)(t).shape == (N, 10)
    with pytest.raises(ShapeError, match=r"^Layer 'linear' \(Linear\): in_features must equal the "
                                         r"size of the input's last axis: 32 != 64$"):
        nn.Linear(32, 10)(t)
    x = Tensor((N, 3, H, W))
    features = nn.Flatten()(nn.MaxPool2d(4)(nn.Conv2d(3, 64, 3, padding=1)(x)))
    out = nn.Linear(64 * 7 * 7, 10)(features)
    model = Model(x, out)
    assert [(name, str(c)) for name, c in model.conditions] == [
        ("max_pool2d", "H >= 4"), ("max_pool2d", "W >= 4"),
        ("linear", "3136 = 64*floor(H/4)*floor(W/4)")]
    assert "in_features" in model.conditions[2][1].meaning
    assert model.subs(H=28, W=28).output_shape == (N, 10)
    with pytest.raises(ShapeError, match=r"Layer 'linear' \(Linear\): in_features must equal .*"
                                         r"3136 != 4096"):
        model.subs(H=32, W=32)


def test_conv_and_pool_shapes():
    x = Tensor((N, C, H, W))
    y = nn.Conv2d(C, 8, 3, stride=2, padding=1)(x)
    assert y.shape == (N, 8, ceiling(H / 2), ceiling(W / 2))
    assert nn.Conv2d(C, 8, 3, padding="same")(x).shape == (N, 8, H, W)
    pooled, indices = nn.MaxPool2d(2, return_indices=True)(x)
    assert pooled.shape == indices.shape
    with pytest.raises(ArgumentError, match=r"padding='same' is not supported for strided"):
        nn.Conv2d(3, 8, 3, stride=2, padding="same")
    with pytest.raises(ArgumentError, match=r"in_channels must be divisible by groups"):
        nn.Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ArgumentError, match=r"pad should be at most half of kernel size"):
        nn.MaxPool2d(2, padding=2)


def test_unexpected_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"Linear.__init__\(\) got an unexpected keyword "
                                        r"argument 'units'"):
        nn.Linear(3, 4, units=4)
    nn.Conv2d(3, 4, 3, padding_mode="reflect", device="cpu", dtype=None)


def test_sequential_container():
    mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
    assert same(mlp.params, 8 * d**2 + 5 * d)
    x = Tensor((N, d))
    model = Model(x, mlp(x))
    assert [b.name for b in model.layers] == ["linear", "gelu", "linear_1"]
    assert same(model.params, mlp.params)
    shared = nn.Linear(d, d)
    assert nn.Sequential(shared, shared).params == d * (d + 1)
