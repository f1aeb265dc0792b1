"""ViT (Dosovitskiy et al., 2021) as ``transformers`` builds it: ViTModel and the image classifier.

>>> from symparams import dims
>>> from symparams.zoo.hf import ViTForImageClassification, ViTModel
>>> model = ViTModel()  # vit-base-patch16-224
>>> model.params
86389248
>>> model.output_shape
[(B, 197, 768), (B, 768)]
>>> S = dims("S")
>>> embeddings = ViTModel(image_size=S).layers[3]
>>> embeddings.name, embeddings.params
('embeddings', 768*(floor(S/16)**2 + 2))
>>> ViTForImageClassification(num_labels=1000).output_shape
(B, 1000)

The patches are embedded by a convolution (``kernel_size = stride = patch_size``); the
``[CLS]`` token and the position embeddings (one per patch and one for the token) are
plain parameters, not embedding tables, so ``non_embedding_params`` keeps them, as
``num_parameters(exclude_embeddings=True)`` does. The arguments are ``ViTConfig``'s
fields with its defaults (``image_size`` and ``patch_size`` an int or a pair; a
``head_dim`` field, which ``ViTAttention`` reads when present, overrides
``hidden_size // num_attention_heads``). The input is ``pixel_values`` of shape
``(batch_size, num_channels, *image_size)``; ``batch_size`` (symparams-only) is the
symbol ``B`` by default.
"""

from __future__ import annotations

from ... import arguments
from ...conditions import Condition
from ...dims import dims
from ...graph import Model, Tensor
from ...intmath import floor_div
from ...layers import Add, Permute
from ...nn import Conv2d, Flatten, Identity, LayerNorm, Linear
from ...weights import Axis, Weight, label
from ...repeat import Repeat
from ._encoder import (
    _Activation, _FirstToken, _Step, attention, feed_forward, read_config, size,
)

__all__ = ["ViTForImageClassification", "ViTModel"]

#: ``ViTConfig``'s fields and defaults (``head_dim`` is read when given).
VIT_DEFAULTS = dict(
    hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
    hidden_act="gelu", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    initializer_range=0.02, layer_norm_eps=1e-12, image_size=224, patch_size=16,
    num_channels=3, qkv_bias=True, encoder_stride=16, pooler_output_size=None,
    pooler_act="tanh", head_dim=None)


def ViTModel(add_pooling_layer=True, use_mask_token=False, *, batch_size=None, **config):
    """``transformers.ViTModel(ViTConfig(**config), add_pooling_layer, use_mask_token)``.

    Outputs ``last_hidden_state`` ``(B, num_patches + 1, hidden_size)`` and, with the
    pooling layer, ``pooler_output`` ``(B, pooler_output_size)``.
    """
    owner = "ViTModel"
    pooling = arguments.flag(add_pooling_layer, owner=owner, argument="add_pooling_layer")
    pixels, hidden, cfg = _vit(owner, config, batch_size, use_mask_token)
    if not pooling:
        return Model(pixels, hidden, name=owner)
    d = size(owner, cfg, "hidden_size")
    out = d if cfg.pooler_output_size is None else size(owner, cfg, "pooler_output_size")
    first = _FirstToken(name="pooler_first_token")(hidden)
    pooled = _Activation(cfg.pooler_act, name="pooler_activation")(
        Linear(d, out, name="pooler_dense")(first))
    return Model(pixels, [hidden, pooled], name=owner)


def ViTForImageClassification(*, batch_size=None, **config):
    """``transformers.ViTForImageClassification``: a linear classifier on the ``[CLS]`` token.

    ``num_labels`` (or ``len(id2label)``; 2 by default) classes; with none, the
    classifier is an identity. Output: ``logits`` ``(B, num_labels)``.
    """
    owner = "ViTForImageClassification"
    pixels, hidden, cfg = _vit(owner, config, batch_size, False)
    labels = _num_labels(owner, cfg)
    first = _FirstToken(name="cls_token_output")(hidden)
    d = size(owner, cfg, "hidden_size")
    classifier = Identity(name="classifier") if labels is None else \
        Linear(d, labels, name="classifier")
    return Model(pixels, classifier(first), name=owner)


class _ClassTokenAndPositions(_Step):
    """``ViTEmbeddings``' own parameters: prepends the ``[CLS]`` token, adds positions.

    Patch embeddings ``(B, num_patches, d)`` become ``(B, num_patches + 1, d)``.
    """

    def __init__(self, hidden_size, num_patches, use_mask_token=False, **kwargs):
        super().__init__(**kwargs)
        owner = "ClassTokenAndPositions"
        self._store(hidden_size=arguments.size(hidden_size, owner=owner,
                                               argument="hidden_size"),
                    num_patches=arguments.size(num_patches, owner=owner,
                                               argument="num_patches"),
                    use_mask_token=arguments.flag(use_mask_token, owner=owner,
                                                  argument="use_mask_token"))

    def module_weights(self):
        one, d = Axis(1, 1), Axis(label("hidden_size"), self.hidden_size)
        weights = [Weight("cls_token", (one, one, d), note="the [CLS] token's embedding",
                          role="lookup")]
        if self.use_mask_token:
            weights.append(Weight("mask_token", (one, one, d),
                                  note="the embedding that replaces masked patches",
                                  role="lookup"))
        weights.append(Weight("position_embeddings",
                              (one, Axis(label("num_patches") + 1, self.num_patches + 1), d),
                              note="a learned position vector per patch and for [CLS]",
                              role="elementwise"))
        return tuple(weights)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 3, what="(batch, patches, hidden_size)")
        return (Condition.equal(self.num_patches, input_shape[1],
                                "the image must have the configured number of patches"),
                Condition.equal(self.hidden_size, input_shape[2],
                                "the patch embeddings must have hidden_size features"))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + 1, input_shape[2])


def _vit(owner, config, batch_size, use_mask_token):
    """Pixel values, the encoder's final (layer-normed) hidden states, and the config."""
    cfg = read_config(owner, VIT_DEFAULTS, config)
    d, L, heads, inner, channels = (size(owner, cfg, name) for name in (
        "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "num_channels"))
    head_dim = floor_div(d, heads) if cfg.head_dim is None else size(owner, cfg, "head_dim")
    image, patch = _pair(owner, cfg, "image_size"), _pair(owner, cfg, "patch_size")
    batch = dims("B") if batch_size is None else \
        arguments.size(batch_size, owner=owner, argument="batch_size")
    pixels = Tensor((batch, channels, *image), name="pixel_values")
    x = Conv2d(channels, d, kernel_size=patch, stride=patch,
               name="patch_embeddings_projection")(pixels)
    x = Permute((2, 1), name="patch_embeddings_transpose")(
        Flatten(2, name="patch_embeddings_flatten")(x))
    num_patches = floor_div(image[0], patch[0]) * floor_div(image[1], patch[1])
    x = _ClassTokenAndPositions(d, num_patches, use_mask_token, name="embeddings")(x)
    block = _layer(owner, x.shape, d, heads, head_dim, inner, cfg)
    hidden = Repeat(block, L, name="encoder_layer")(x)
    return pixels, LayerNorm(d, name="layernorm")(hidden), cfg


def _layer(owner, shape, d, heads, head_dim, inner, cfg) -> Model:
    """``ViTLayer``: pre-norm self-attention and MLP, each with a residual."""
    x = Tensor(shape, name="hidden_states")
    normed = LayerNorm(d, name="layernorm_before")(x)
    mixed = attention(normed, normed, hidden=d, heads=heads, head_dim=head_dim,
                      prefix="attention_", names=("q_proj", "k_proj", "v_proj", "o_proj"),
                      qkv_bias=arguments.flag(cfg.qkv_bias, owner=owner, argument="qkv_bias"))
    h = Add(name="attention_residual")([mixed, x])
    y = feed_forward(LayerNorm(d, name="layernorm_after")(h), hidden=d, intermediate=inner,
                     activation=cfg.hidden_act, names=("mlp_fc1", "mlp_activation", "mlp_fc2"))
    return Model(x, Add(name="mlp_residual")([y, h]), name="ViTLayer")


def _pair(owner, cfg, name):
    value = getattr(cfg, name)
    if isinstance(value, (tuple, list)):
        return arguments.size_tuple(value, 2, owner=owner, argument=name)
    single = size(owner, cfg, name)
    return (single, single)


def _num_labels(owner, cfg):
    """``num_labels`` as ``PretrainedConfig`` reads it (``id2label`` first); None for none."""
    labels = getattr(cfg, "id2label", None)
    count = len(labels) if labels is not None else getattr(cfg, "num_labels", 2)
    if isinstance(count, int) and not isinstance(count, bool) and count <= 0:
        return None
    return arguments.size(count, owner=owner, argument="num_labels")
