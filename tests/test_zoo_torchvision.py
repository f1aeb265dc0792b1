"""symparams.zoo.torchvision against torchvision.models built without weights.

Each builder is pinned to the real model: parameters (``parameters()``), buffers,
the output of a forward pass and the spatial size of the last feature map, at one
or two small input sizes. The largest models are counted on the meta device and
not run.
"""

import pytest
import torch
import torchvision  # conftest makes it importable beside torch's CPU build

from symparams import ArgumentError, ShapeError, dims, nn
from symparams.errors import UnknownArgumentError
from symparams.zoo import torchvision as zoo


N, H, W = dims("N H W")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def torch_counts(model):
    return (sum(p.numel() for p in model.parameters()),
            sum(b.numel() for b in model.buffers()))


def torch_shapes(model, size):
    """The output shape and the spatial size of the last feature map, for a batch of 2."""
    seen = {}

    def remember(module, inputs, output):
        seen["features"] = output.shape

    stem = model.features if hasattr(model, "features") else model.layer4
    hook = stem.register_forward_hook(remember)
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(2, 3, *size))
    hook.remove()
    return tuple(out.shape), tuple(seen["features"][-2:])


def our_shapes(model, size):
    """Output shape and last feature map, from the input of the last adaptive pool."""
    numeric = model.subs(N=2, H=size[0], W=size[1])
    pool = [b for b in numeric.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
    return tuple(numeric.output_shape), tuple(pool.input_shape[-2:])


def check(name, sizes, *, device="cpu", **kwargs):
    """Counts, and shapes at each size; on the meta device torch runs only its shape rules
    (the first size alone: a real forward pass of the same blocks covers the others)."""
    ours = getattr(zoo, name)(**kwargs)
    with torch.device(device):
        theirs = getattr(torchvision.models, name)(weights=None, **kwargs)
        assert (ours.params, ours.buffers) == torch_counts(theirs)
        assert ours.output_shape == (N, kwargs.get("num_classes", 1000))
        for size in sizes if device == "cpu" else sizes[:1]:
            assert our_shapes(ours, size) == torch_shapes(theirs, size)


@pytest.mark.parametrize("name, device", [
    ("resnet18", "cpu"), ("resnet34", "meta"), ("resnet50", "cpu"), ("resnet101", "meta"),
    ("resnet152", "meta"), ("resnext50_32x4d", "cpu"), ("resnext101_32x8d", "meta"),
    ("resnext101_64x4d", "meta"), ("wide_resnet50_2", "cpu"), ("wide_resnet101_2", "meta"),
])
def test_resnets_match_torchvision(name, device):
    check(name, [(64, 64), (33, 47)], device=device, num_classes=10)


@pytest.mark.parametrize("kwargs", [
    dict(replace_stride_with_dilation=[False, True, True]), dict(groups=2, width_per_group=16),
])
def test_resnet_options_match_torchvision(kwargs):
    check("resnet50", [(64, 64), (37, 50)], **kwargs)


@pytest.mark.parametrize("name, device", [
    ("vgg11", "cpu"), ("vgg11_bn", "meta"), ("vgg13", "meta"), ("vgg13_bn", "meta"),
    ("vgg16", "meta"), ("vgg16_bn", "meta"), ("vgg19", "meta"), ("vgg19_bn", "meta"),
])
def test_vggs_match_torchvision(name, device):
    check(name, [(32, 32), (70, 45)], device=device, num_classes=10)


def test_alexnet_matches_torchvision():
    check("alexnet", [(63, 63), (224, 224), (100, 130)])


def test_resnet50_symbolic_shapes_and_substitution():
    model = zoo.resnet50()
    assert model.input_shape == (N, 3, H, W) and model.output_shape == (N, 1000)
    pool = [b for b in model.layers if b.class_name == "AdaptiveAvgPool2d"][-1]
    assert str(pool.input_shape) == "(N, 2048, ceiling(H/32), ceiling(W/32))"
    numeric = zoo.resnet50(input_shape=(2, 3, 64, 80))
    substituted = model.subs(N=2, H=64, W=80)
    assert substituted.params == numeric.params and substituted.buffers == numeric.buffers
    assert [b.output_shape for b in substituted.layers] == \
        [b.output_shape for b in numeric.layers]


@pytest.mark.parametrize("kwargs", [
    dict(), dict(width_mult=0.35, num_classes=7), dict(width_mult=1.4, round_nearest=4),
])
def test_mobilenet_v2_matches_torchvision(kwargs):
    check("mobilenet_v2", [(64, 64), (33, 47)], **kwargs)


@pytest.mark.parametrize("name, device, kwargs", [
    ("vit_b_16", "cpu", dict(image_size=32, num_classes=10)),
    ("vit_b_32", "cpu", dict(image_size=64, representation_size=100)),
    ("vit_l_16", "meta", dict()), ("vit_l_32", "meta", dict(image_size=96)),
    ("vit_h_14", "meta", dict()),
])
def test_vision_transformers_match_torchvision(name, device, kwargs):
    ours = getattr(zoo, name)(**kwargs)
    size = kwargs.get("image_size", 224)
    assert ours.input_shape == (N, 3, size, size)
    with torch.device(device):
        theirs = getattr(torchvision.models, name)(weights=None, **kwargs)
        assert (ours.params, ours.buffers) == torch_counts(theirs)
        seen = {}
        hook = theirs.encoder.register_forward_hook(
            lambda module, inputs, output: seen.update(encoded=tuple(output.shape)))
        theirs.eval()
        with torch.no_grad():
            out = theirs(torch.zeros(2, 3, size, size))
        hook.remove()
    numeric = ours.subs(N=2)
    last = [b for b in numeric.layers if b.name == "class_token_output"][0]
    assert (numeric.output_shape, last.input_shape) == (tuple(out.shape), seen["encoded"])


def test_vision_transformer_image_size_is_checked_like_torchvision():
    with pytest.raises(AssertionError, match="Wrong image height"):
        torchvision.models.vit_b_32(image_size=64)(torch.zeros(1, 3, 65, 64, device="meta"))
    with pytest.raises(ShapeError, match=r"the image height must equal image_size: 64 != 65"):
        zoo.vit_b_32(image_size=64, input_shape=(1, 3, 65, 64))
    with pytest.raises(AssertionError, match="indivisible by patch size"):
        torchvision.models.vit_b_32(image_size=70)
    with pytest.raises(ArgumentError, match=r"indivisible by patch size.*image_size=70"):
        zoo.vit_b_32(image_size=70)


def test_vision_transformer_with_a_symbolic_image_size():
    S = dims("S")
    model = zoo.vit_b_16(image_size=S)
    assert model.input_shape == (N, 3, S, S)
    token = [b for b in model.layers if b.name == "position_embedding"][0]
    assert str(token.params) == "768*floor(S/16)**2 + 768"
    numeric = zoo.vit_b_16(image_size=48)
    assert model.subs(S=48).params == numeric.params
    assert [str(c.as_relation()) for _, c in model.conditions] == ["Eq(Mod(S, 16), 0)", "S >= 16"]
    with pytest.raises(ShapeError, match=r"'image_size_check'.*divisible by the patch size: "
                                         r"16 divides S fails at S=50"):
        model.subs(S=50)


@pytest.mark.parametrize("name, device, kwargs", [
    ("densenet121", "cpu", dict(num_classes=10)),
    ("densenet161", "meta", dict(drop_rate=0.1, bn_size=2)),
    ("densenet169", "meta", dict()), ("densenet201", "meta", dict()),
])
def test_densenets_match_torchvision(name, device, kwargs):
    check(name, [(64, 64), (33, 47)], device=device, **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("mobilenet_v3_large", dict()), ("mobilenet_v3_small", dict(num_classes=10)),
    ("mobilenet_v3_large", dict(reduced_tail=True, dilated=True, width_mult=0.75)),
    ("mobilenet_v3_small", dict(reduced_tail=True, width_mult=1.3)),
    ("mobilenet_v3_small", dict(dilated=True)),
])
def test_mobilenet_v3_matches_torchvision(name, kwargs):
    check(name, [(64, 64), (33, 47)], **kwargs)


@pytest.mark.parametrize("name, sizes, kwargs", [
    ("squeezenet1_0", [(64, 64), (33, 47), (21, 21)], dict()),
    ("squeezenet1_1", [(64, 64), (33, 47), (17, 17)], dict(num_classes=10)),
])
def test_squeezenets_match_torchvision(name, sizes, kwargs):
    check(name, sizes, **kwargs)


@pytest.mark.parametrize("name, device", [
    ("efficientnet_b0", "cpu"), ("efficientnet_b1", "meta"), ("efficientnet_b2", "meta"),
    ("efficientnet_b3", "meta"), ("efficientnet_b4", "meta"), ("efficientnet_b5", "meta"),
    ("efficientnet_b6", "meta"), ("efficientnet_b7", "meta"), ("efficientnet_v2_s", "cpu"),
    ("efficientnet_v2_m", "meta"), ("efficientnet_v2_l", "meta"),
])
def test_efficientnets_match_torchvision(name, device):
    check(name, [(64, 64), (33, 47)], device=device, num_classes=10)


def test_efficientnet_norm_layer_is_fixed_where_torchvision_fixes_it():
    with pytest.raises(TypeError, match="multiple values for keyword argument 'norm_layer'"):
        torchvision.models.efficientnet_b5(norm_layer=torch.nn.BatchNorm2d)
    with pytest.raises(TypeError, match="multiple values for keyword argument 'norm_layer'"):
        zoo.efficientnet_b5(norm_layer=nn.BatchNorm2d)


@pytest.mark.parametrize("name, device", [
    ("convnext_tiny", "cpu"), ("convnext_small", "meta"), ("convnext_base", "meta"),
    ("convnext_large", "meta"),
])
def test_convnexts_match_torchvision(name, device):
    check(name, [(64, 64), (33, 47)], device=device, num_classes=10)


def test_every_builder_is_a_torchvision_classification_builder():
    assert set(zoo.__all__) <= set(torchvision.models.list_models(module=torchvision.models))


def test_norm_layer_may_make_symparams_modules():
    ours = zoo.resnet18(norm_layer=lambda channels: nn.GroupNorm(32, channels))
    theirs = torchvision.models.resnet18(
        norm_layer=lambda channels: torch.nn.GroupNorm(32, channels))
    assert (ours.params, ours.buffers) == torch_counts(theirs)
    with pytest.raises(TypeError, match=r"resnet18: `norm_layer` must return a symparams.nn "
                                        r"module"):
        zoo.resnet18(norm_layer=torch.nn.BatchNorm2d)


def test_symbolic_number_of_classes():
    K = dims("K")
    model = zoo.resnet18(num_classes=K)
    assert model.output_shape == (N, K)
    assert model.subs(K=10).params == zoo.resnet18(num_classes=10).params


@pytest.mark.parametrize("name, kwargs, error, message", [
    ("resnet50", dict(foo=1), TypeError, "got an unexpected keyword argument 'foo'"),
    ("resnext50_32x4d", dict(groups=8), ValueError,
     "parameter 'groups' expected value 32 but got 8"),
    ("resnet18", dict(groups=2), ValueError, "BasicBlock only supports groups=1"),
    ("resnet50", dict(replace_stride_with_dilation=[True]), ValueError,
     "replace_stride_with_dilation should be None or a 3-element tuple"),
])
def test_argument_errors_match_torchvision(name, kwargs, error, message):
    with pytest.raises(error, match=message):
        getattr(torchvision.models, name)(**kwargs)
    with pytest.raises(error, match=message):
        getattr(zoo, name)(**kwargs)


def test_torch_module_arguments_are_refused():
    with pytest.raises(UnknownArgumentError, match="mobilenet_v2\\(\\) got an unexpected "
                                                   "keyword argument 'block'"):
        zoo.mobilenet_v2(block=object)
    with pytest.raises(UnknownArgumentError, match="'conv_stem_configs'"):
        zoo.vit_b_16(conv_stem_configs=[])
