"""DistilBERT (Sanh et al., 2019) as ``transformers`` builds it.

>>> from symparams.zoo.hf import DistilBertModel
>>> model = DistilBertModel()
>>> model.params, model.non_embedding_params
(66362880, 42528768)
>>> model.output_shape
(B, T, 768)

BERT's layers without token types or pooler, with DistilBERT's names. The arguments are
``DistilBertConfig``'s fields with its defaults (``hidden_size``,
``num_attention_heads`` and ``num_hidden_layers`` name ``dim``, ``n_heads`` and
``n_layers``, as in its ``attribute_map``). ``sinusoidal_pos_embds`` changes no count:
the sinusoids only initialize the position table, which stays a parameter. Input ids
``(batch_size, seq_length)``: symbols ``B`` and ``T`` by default.
"""

from __future__ import annotations

from ...graph import Model
from ...layers import Add
from ...nn import Embedding, LayerNorm
from ...repeat import Repeat
from ._encoder import (
    _PositionIds, head_size, padding_index, post_norm_layer, read_config, size, token_ids,
)

__all__ = ["DistilBertModel"]

#: ``DistilBertConfig``'s fields and defaults, and its ``attribute_map``.
DISTILBERT_DEFAULTS = dict(
    vocab_size=30522, max_position_embeddings=512, sinusoidal_pos_embds=False, n_layers=6,
    n_heads=12, dim=768, hidden_dim=4 * 768, dropout=0.1, attention_dropout=0.1,
    activation="gelu", initializer_range=0.02, qa_dropout=0.1, seq_classif_dropout=0.2,
    pad_token_id=0, eos_token_id=None, bos_token_id=None, tie_word_embeddings=True)
DISTILBERT_ALIASES = {"hidden_size": "dim", "num_attention_heads": "n_heads",
                      "num_hidden_layers": "n_layers"}

_LAYER = dict(attention="attention_", projections=("q_lin", "k_lin", "v_lin", "out_lin"),
              attention_norm="sa_layer_norm",
              feed_forward=("ffn_lin1", "ffn_activation", "ffn_lin2"),
              output_norm="output_layer_norm")


def DistilBertModel(*, batch_size=None, seq_length=None, **config):
    """``transformers.DistilBertModel(DistilBertConfig(**config))``: ``last_hidden_state``."""
    owner = "DistilBertModel"
    cfg = read_config(owner, DISTILBERT_DEFAULTS, config, DISTILBERT_ALIASES)
    V, P, L, heads, d, inner = (size(owner, cfg, name) for name in (
        "vocab_size", "max_position_embeddings", "n_layers", "n_heads", "dim", "hidden_dim"))
    head_size(owner, d, heads, "dim", "n_heads")
    ids = token_ids(owner, batch_size, seq_length)
    words = Embedding(V, d, padding_idx=padding_index(owner, cfg), name="word_embeddings")
    positions = Embedding(P, d, name="position_embeddings")(
        _PositionIds(P, name="position_ids")(ids))
    x = LayerNorm(d, name="embeddings_LayerNorm")(
        Add(name="embeddings_sum")([words(ids), positions]))
    block = post_norm_layer(x.shape, hidden=d, heads=heads, intermediate=inner,
                            activation=cfg.activation, names=_LAYER,
                            name="TransformerBlock")
    return Model(ids, Repeat(block, L, name="transformer_layer")(x), name=owner)
