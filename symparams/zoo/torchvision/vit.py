"""Vision Transformers (Dosovitskiy et al., 2021), as ``torchvision.models`` builds them.

The input is ``(N, 3, image_size, image_size)``: torchvision checks both sides against
``image_size`` (224 by default, or a symbol), and the position embedding has one entry
per patch plus the class token:

>>> from symparams import dims
>>> from symparams.zoo import torchvision
>>> torchvision.vit_b_16().params
86567656
>>> S = dims("S")
>>> model = torchvision.vit_b_16(image_size=S)
>>> model.input_shape, model.output_shape
((N, 3, S, S), (N, 1000))
>>> [b.output_shape for b in model.layers if b.name == "class_token"]
[(N, floor(S/16)**2 + 1, 768)]
>>> model.subs(S=384).params
86859496
"""

from __future__ import annotations

from ... import arguments, layers, nn
from ...conditions import Condition
from ...dims import dims
from ...errors import ArgumentError
from ...graph import Model, Tensor
from ...intmath import floor_div
from ...weights import Axis, Weight, label
from ._common import _no_more, _norm_factory

__all__ = ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]


class _ImageSizeCheck(nn.Module):
    """torchvision's check that the image is ``image_size`` square (no weights)."""

    no_weights_reason = "it only checks the image size: no weights, 0 parameters"

    def __init__(self, image_size, patch_size):
        super().__init__()
        owner = "VisionTransformer"
        image_size = arguments.size(image_size, owner=owner, argument="image_size")
        patch_size = arguments.size(patch_size, owner=owner, argument="patch_size")
        if (image_size / patch_size).is_integer is False:
            raise ArgumentError(f"{owner}: input shape indivisible by patch size. Received: "
                                f"image_size={image_size}, patch_size={patch_size}",
                                argument="image_size", value=image_size)
        self._store(image_size=image_size, patch_size=patch_size)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (4,), "(N, C, H, W) to a VisionTransformer")
        return (Condition.divides(self.patch_size, self.image_size,
                                  "image_size must be divisible by the patch size"),
                Condition.equal(self.image_size, input_shape[2],
                                "the image height must equal image_size"),
                Condition.equal(self.image_size, input_shape[3],
                                "the image width must equal image_size"))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class _TokenWeight(nn.Module):
    """A learned weight over ``(N, tokens, hidden_dim)`` tokens; checks their hidden size."""

    def __init__(self, hidden_dim, **sizes):
        super().__init__()
        owner = type(self).__name__.lstrip("_")
        self._store(**{name: arguments.size(value, owner=owner, argument=name)
                       for name, value in sizes.items()},
                    hidden_dim=arguments.size(hidden_dim, owner=owner, argument="hidden_dim"))

    def _hidden(self):
        return Axis(label("hidden_dim"), self.hidden_dim)

    def input_conditions(self, input_shape):
        self._expect_rank_in(input_shape, (3,), f"(N, tokens, hidden_dim) to "
                                                f"{type(self).__name__.lstrip('_')}")
        return (Condition.equal(self.hidden_dim, input_shape[2],
                                "the tokens' last axis must be hidden_dim"),)


class _ClassToken(_TokenWeight):
    """A learned ``class_token`` of ``(1, 1, hidden_dim)`` put before the patch tokens."""

    def __init__(self, hidden_dim):
        super().__init__(hidden_dim)

    def module_weights(self):
        one = Axis(1, 1)
        return (Weight("class_token", (one, one, self._hidden()),
                       note="the learned class token, one entry per hidden feature"),)

    def compute_output_shape(self, input_shape):
        n, tokens, hidden = input_shape
        return (n, tokens + 1, hidden)


class _PositionEmbedding(_TokenWeight):
    """A learned ``pos_embedding`` of ``(1, seq_length, hidden_dim)`` added to the tokens."""

    def __init__(self, seq_length, hidden_dim):
        super().__init__(hidden_dim, seq_length=seq_length)

    def module_weights(self):
        return (Weight("pos_embedding", (Axis(1, 1), Axis(label("seq_length"), self.seq_length),
                                         self._hidden()),
                       note="a learned embedding per position and hidden feature"),)

    def input_conditions(self, input_shape):
        return super().input_conditions(input_shape) + (
            Condition.equal(self.seq_length, input_shape[1],
                            "the sequence must have seq_length tokens"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class _ClassTokenOutput(nn.Module):
    """``x[:, 0]``: the class token's features, ``(N, tokens, hidden)`` to ``(N, hidden)``."""

    no_weights_reason = "it selects the first token: no weights, 0 parameters"

    def compute_output_shape(self, input_shape):
        self._expect_rank_in(input_shape, (3,), "(N, tokens, hidden_dim) to ClassTokenOutput")
        return (input_shape[0], input_shape[2])


def _encoder_block(x, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm):
    """Pre-norm self-attention and a GELU MLP, each with a residual add."""
    y = norm(hidden_dim)(x)
    y, _ = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout,
                                 batch_first=True)(y, y, y, need_weights=False)
    x = layers.Add()([nn.Dropout(dropout)(y), x])
    y = nn.Linear(hidden_dim, mlp_dim)(norm(hidden_dim)(x))
    y = nn.Dropout(dropout)(nn.GELU()(y))
    y = nn.Dropout(dropout)(nn.Linear(mlp_dim, hidden_dim)(y))
    return layers.Add()([x, y])


def _layer_norm(hidden_dim):
    return nn.LayerNorm(hidden_dim, eps=1e-6)


def _vision_transformer(builder, patch_size, num_layers, num_heads, hidden_dim, mlp_dim,
                        num_classes, input_shape, *, image_size=224, dropout=0.0,
                        attention_dropout=0.0, representation_size=None, norm_layer=None,
                        **kwargs):
    _no_more(builder, kwargs)
    check = _ImageSizeCheck(image_size, patch_size)
    norm = _layer_norm if norm_layer is None else _norm_factory(builder, norm_layer)
    if input_shape is None:
        image = Tensor((dims("N"), 3, check.image_size, check.image_size))
    else:
        image = Tensor(input_shape)
    x = nn.Conv2d(3, hidden_dim, patch_size, stride=patch_size)(check(image))
    x = layers.Permute((2, 1))(nn.Flatten(2)(x))
    x = _ClassToken(hidden_dim)(x)
    seq_length = floor_div(check.image_size, patch_size) ** 2 + 1
    x = nn.Dropout(dropout)(_PositionEmbedding(seq_length, hidden_dim)(x))
    for _ in range(num_layers):
        x = _encoder_block(x, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm)
    x = _ClassTokenOutput()(norm(hidden_dim)(x))
    if representation_size is not None:
        x = nn.Tanh()(nn.Linear(hidden_dim, representation_size)(x))
        hidden_dim = representation_size
    return Model(image, nn.Linear(hidden_dim, num_classes)(x), name=builder)


def vit_b_16(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ViT-B/16: 12 layers, 12 heads, hidden 768, MLP 3072, 16x16 patches.

    Keyword arguments are torchvision's (``image_size``, ``dropout``,
    ``attention_dropout``, ``representation_size``, ``norm_layer``) and ``input_shape``,
    the whole input shape (``(N, 3, image_size, image_size)`` by default).
    ``conv_stem_configs`` (torch modules) is refused.
    """
    return _vision_transformer("vit_b_16", 16, 12, 12, 768, 3072, num_classes, input_shape,
                               **kwargs)


def vit_b_32(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ViT-B/32: 12 layers, 12 heads, hidden 768, MLP 3072, 32x32 patches."""
    return _vision_transformer("vit_b_32", 32, 12, 12, 768, 3072, num_classes, input_shape,
                               **kwargs)


def vit_l_16(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ViT-L/16: 24 layers, 16 heads, hidden 1024, MLP 4096, 16x16 patches."""
    return _vision_transformer("vit_l_16", 16, 24, 16, 1024, 4096, num_classes, input_shape,
                               **kwargs)


def vit_l_32(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ViT-L/32: 24 layers, 16 heads, hidden 1024, MLP 4096, 32x32 patches."""
    return _vision_transformer("vit_l_32", 32, 24, 16, 1024, 4096, num_classes, input_shape,
                               **kwargs)


def vit_h_14(*, weights=None, progress=True, num_classes=1000, input_shape=None, **kwargs):
    """ViT-H/14: 32 layers, 16 heads, hidden 1280, MLP 5120, 14x14 patches."""
    return _vision_transformer("vit_h_14", 14, 32, 16, 1280, 5120, num_classes, input_shape,
                               **kwargs)
