"""Mistral (Jiang et al., 2023) as ``transformers`` builds it: MistralModel, MistralForCausalLM.

Llama's architecture with Mistral's defaults (Mistral-7B: 8 key/value heads, an
MLP of 14336) and no bias switches; the sliding window changes no count.

>>> from symparams.zoo import hf
>>> hf.MistralForCausalLM().params
7241732096
"""

from __future__ import annotations

from .llama import NO_COUNT, decoder

__all__ = ["MistralForCausalLM", "MistralModel"]

# MistralConfig's arguments that change no count: Llama's, a sliding window for pretraining_tp.
_NO_COUNT = NO_COUNT - {"pretraining_tp"} | {"sliding_window"}


def _mistral(owner, head, vocab_size, hidden_size, intermediate_size, num_hidden_layers,
             num_attention_heads, num_key_value_heads, head_dim, tie_word_embeddings,
             pad_token_id, batch_size, seq_length, config):
    values = dict(vocab_size=vocab_size, hidden_size=hidden_size,
                  intermediate_size=intermediate_size, num_hidden_layers=num_hidden_layers,
                  num_attention_heads=num_attention_heads,
                  num_key_value_heads=num_key_value_heads, head_dim=head_dim,
                  attention_bias=False, mlp_bias=False)
    return decoder("Mistral", owner, head, values, tie_word_embeddings, pad_token_id,
                   batch_size, seq_length, config, _NO_COUNT, divisible_heads=False)


def MistralModel(vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                 num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                 head_dim=None, tie_word_embeddings=False, pad_token_id=None, *,
                 batch_size=None, seq_length=None, **config):
    """``transformers.MistralModel``: as :func:`~symparams.zoo.hf.LlamaModel`, without biases.

    Arguments are ``MistralConfig``'s, with its defaults; any size may be a
    symbol. ``head_dim`` defaults to ``hidden_size // num_attention_heads``.

    >>> from symparams.zoo import hf
    >>> hf.MistralModel().params
    7110660096
    """
    return _mistral("MistralModel", False, vocab_size, hidden_size, intermediate_size,
                    num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim,
                    tie_word_embeddings, pad_token_id, batch_size, seq_length, config)


def MistralForCausalLM(vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                       num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                       head_dim=None, tie_word_embeddings=False, pad_token_id=None, *,
                       batch_size=None, seq_length=None, **config):
    """``transformers.MistralForCausalLM``: :func:`MistralModel` and an ``lm_head``.

    The head has its own weight unless ``tie_word_embeddings=True``.

    >>> from symparams.zoo import hf
    >>> hf.MistralForCausalLM(tie_word_embeddings=True).non_embedding_params
    6979588096
    """
    return _mistral("MistralForCausalLM", True, vocab_size, hidden_size, intermediate_size,
                    num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim,
                    tie_word_embeddings, pad_token_id, batch_size, seq_length, config)
