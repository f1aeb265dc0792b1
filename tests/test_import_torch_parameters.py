"""from_torch on modules that use bare nn.Parameter (and buffer) attributes in forward: a ViT's
class token and position embedding, layer scales, tokens used twice; every parameter counted
exactly once, against the real module built here."""

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn as tnn
from torch.nn import functional as F

from symparams import ModelError, dims, flops, from_torch

from .test_compute_oracle_torch import counted
from .test_import_torch import check, counts, ours

N, C, H, W, K = dims("N C H W K")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class TinyViT(tnn.Module):
    """A ViT as torchvision writes one: patches by a strided convolution, a class token
    concatenated in front, a position embedding added, encoder layers, a head on the token."""

    def __init__(self, image=16, patch=4, width=16, heads=2, depth=2, classes=5, channels=3,
                 distill=False):
        super().__init__()
        self.conv_proj = tnn.Conv2d(channels, width, patch, stride=patch)
        self.class_token = tnn.Parameter(torch.zeros(1, 1, width))
        self.dist_token = tnn.Parameter(torch.zeros(1, 1, width)) if distill else None
        tokens = (image // patch) ** 2 + 1 + distill
        self.pos_embedding = tnn.Parameter(torch.randn(1, tokens, width))
        self.layers = tnn.ModuleList(
            tnn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, batch_first=True)
            for _ in range(depth))
        self.ln = tnn.LayerNorm(width)
        self.head = tnn.Linear(width, classes)

    def forward(self, x):
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        n = x.shape[0]
        tokens = [self.class_token.expand(n, -1, -1)]
        if self.dist_token is not None:
            tokens.append(self.dist_token.expand(n, -1, -1))
        x = torch.cat([*tokens, x], dim=1)
        x = x + self.pos_embedding
        for layer in self.layers:
            x = layer(x)
        return self.head(self.ln(x)[:, 0])


@settings(max_examples=6, deadline=None)
@given(patch=st.sampled_from([2, 4]), side=st.integers(2, 4), width=st.sampled_from([8, 16]),
       depth=st.integers(1, 2), distill=st.booleans(), batch=st.integers(1, 2))
def test_vit_counts_and_shapes_as_torch(patch, side, width, depth, distill, batch):
    image = patch * side
    vit = TinyViT(image, patch, width, heads=2, depth=depth, distill=distill)
    model = from_torch(vit, (3, H, W))
    check(vit, model, {N: batch, H: image, W: image}, batch, 3, image, image)
    renamed = from_torch(vit, (3, image, image), dims={width: K})
    assert K in renamed.free_symbols
    check(vit, renamed, {N: batch, K: width}, batch, 3, image, image)


def test_vit_position_embedding_follows_the_image_size():
    vit = TinyViT(16, 4, 16)
    model = from_torch(vit, (C, H, W), dims={16: K})
    position = next(b for b in model.layers if b.name == "pos_embedding")
    tokens = (H // 4) * (W // 4) + 1
    assert position.params == K * tokens
    assert next(b for b in model.layers if b.name == "class_token").params == K
    assert model.output_shape == (N, 5)
    check(TinyViT(24, 4, 16, channels=2), model, {N: 1, C: 2, H: 24, W: 24, K: 16},
          1, 2, 24, 24)
    flops(model)  # every layer has a compute declaration


def test_frozen_parameter_is_non_trainable():
    vit = TinyViT()
    vit.pos_embedding.requires_grad_(False)
    model = from_torch(vit, (3, 16, 16))
    assert ours(model) == counts(vit)
    assert int(model.non_trainable_params) == vit.pos_embedding.numel()


class TwiceAndScaled(tnn.Module):
    """One parameter used twice, a layer scale multiplied, a buffer subtracted."""

    def __init__(self, width=12):
        super().__init__()
        self.linear = tnn.Linear(width, width)
        self.bias = tnn.Parameter(torch.zeros(width))
        self.gamma = tnn.Parameter(torch.ones(width))
        self.register_buffer("center", torch.zeros(1, width))

    def forward(self, x):
        x = self.linear(x + self.bias) - self.center
        x = self.gamma * x
        return self.bias + x


def test_a_parameter_used_twice_is_counted_once():
    net = TwiceAndScaled()
    model = from_torch(net, (7, 12))
    assert ours(model) == counts(net)
    assert [b.name for b in model.layers if "bias" in b.name] == ["bias", "bias_1"]
    check(net, model, {N: 3}, 3, 7, 12)
    wide = from_torch(net, (7, 12), dims={12: K})
    check(TwiceAndScaled(5), wide, {N: 2, K: 5}, 2, 7, 5)


class Misused(tnn.Module):
    def __init__(self, use):
        super().__init__()
        self.use = use
        self.weight = tnn.Parameter(torch.zeros(4, 4))
        self.norm = tnn.LayerNorm(4)
        self.plain = torch.zeros(4)

    def forward(self, x):
        if self.use == "linear":
            return F.linear(x, self.weight)
        if self.use == "module":
            return x + self.norm(self.weight)
        if self.use == "scalar":
            return x * (self.weight * 2)
        if self.use == "returned":
            return self.weight
        if self.use == "plain":
            return x + self.plain
        if self.use == "too big":
            return x[:, 0] + self.weight
        return x + self.weight.sum()


@pytest.mark.parametrize("use", ["linear", "module", "scalar", "returned", "reduced", "too big"])
def test_unsupported_uses_raise_naming_the_parameter(use):
    with pytest.raises(ModelError, match="'weight'"):
        from_torch(Misused(use), (4, 4))


def test_a_plain_tensor_attribute_raises():
    with pytest.raises(ModelError, match="neither a parameter nor a buffer"):
        from_torch(Misused("plain"), (4,))


def test_a_token_not_expanded_over_the_batch_raises():
    class Unexpanded(TinyViT):
        def forward(self, x):
            x = self.conv_proj(x).flatten(2).transpose(1, 2)
            return torch.cat([self.class_token, x], dim=1)

    with pytest.raises(ModelError, match="class_token.*expand it"):
        from_torch(Unexpanded(), (3, 16, 16))


@pytest.mark.filterwarnings("ignore")
def test_vit_flops_as_torch_counts_them():
    vit = TinyViT(16, 4, 16)
    model = from_torch(vit, (3, H, W))
    assert model.subs(N=2, H=16, W=16).flops == counted(vit, torch.zeros(2, 3, 16, 16))


class Encoder(tnn.Module):
    """As torchvision's ViT keeps it: the position embedding inside the encoder module."""

    def __init__(self, tokens, width):
        super().__init__()
        self.pos_embedding = tnn.Parameter(torch.zeros(1, tokens, width))
        self.ln = tnn.LayerNorm(width)

    def forward(self, x):
        return self.ln(x + self.pos_embedding)


class NestedViT(TinyViT):
    def __init__(self, image=16, patch=4, width=16):
        super().__init__(image, patch, width, depth=0)
        del self.pos_embedding
        self.encoder = Encoder((image // patch) ** 2 + 1, width)

    def forward(self, x):
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_token.expand(x.size(0), -1, -1), x], dim=1)
        return self.head(self.ln(self.encoder(x))[:, 0])


@pytest.mark.parametrize("image, patch", [(16, 4), (12, 3)])
def test_a_parameter_of_a_custom_submodule(image, patch):
    vit = NestedViT(image, patch)
    model = from_torch(vit, (3, H, W))
    assert "encoder.pos_embedding" in [b.name for b in model.layers]
    check(vit, model, {N: 2, H: image, W: image}, 2, 3, image, image)


class SharedWithAModule(tnn.Module):
    """A parameter read in forward that a module also holds (its norm's bias)."""

    def __init__(self, module_first, width=8):
        super().__init__()
        self.module_first = module_first
        self.embed = tnn.Embedding(10, width)
        self.shift = tnn.Parameter(torch.zeros(width))
        self.norm = tnn.LayerNorm(width)
        self.norm.bias = self.shift

    def forward(self, tokens):
        if self.module_first:
            return self.norm(self.embed(tokens)) + self.shift
        return self.norm(self.embed(tokens) + self.shift)


@pytest.mark.parametrize("module_first", [False, True])
def test_a_parameter_a_module_also_holds_is_counted_once(module_first):
    net = SharedWithAModule(module_first)
    model = from_torch(net, (5,))
    assert ours(model) == counts(net)
    check(net, model, {N: 2}, 2, 5, dtype=torch.long)
