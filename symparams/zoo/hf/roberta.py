"""RoBERTa (Liu et al., 2019) as ``transformers`` builds it: BERT's body, positions after padding.

>>> from symparams.zoo.hf import RobertaModel
>>> model = RobertaModel(max_position_embeddings=514, type_vocab_size=1)  # roberta-base
>>> model.params
124645632
>>> model.conditions[0][1]
Condition(T + 1 < 514: the positions must fit in max_position_embeddings)

Positions are numbered from ``pad_token_id + 1`` (``transformers``'
``create_position_ids_from_input_ids``), so a sequence may hold
``max_position_embeddings - pad_token_id - 1`` tokens: 512 for roberta-base, whose
published config has ``max_position_embeddings=514`` (``RobertaConfig``'s own default
is 512, as here). Arguments as for :func:`~symparams.zoo.hf.BertModel`, with
``RobertaConfig``'s defaults.
"""

from __future__ import annotations

from ._encoder import BERT_DEFAULTS
from .bert import _base

__all__ = ["RobertaModel"]

#: ``RobertaConfig``'s fields and defaults.
ROBERTA_DEFAULTS = {**BERT_DEFAULTS, "vocab_size": 50265, "pad_token_id": 1, "bos_token_id": 0,
                    "eos_token_id": 2}


def RobertaModel(add_pooling_layer=True, *, batch_size=None, seq_length=None,
                 encoder_seq_length=None, **config):
    """``transformers.RobertaModel(RobertaConfig(**config), add_pooling_layer)``.

    Outputs ``last_hidden_state`` ``(B, T, hidden_size)`` and, with the pooling
    layer, ``pooler_output`` ``(B, hidden_size)``.
    """
    return _base("RobertaModel", ROBERTA_DEFAULTS, add_pooling_layer, config,
                 (batch_size, seq_length, encoder_seq_length), numbered_after_padding=True)
