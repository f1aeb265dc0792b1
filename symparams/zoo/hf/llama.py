"""Llama (Touvron et al., 2023) as ``transformers`` builds it: LlamaModel and LlamaForCausalLM.

>>> from symparams import dims
>>> from symparams.zoo import hf
>>> V, L, d, f, h = dims("V L d f h")
>>> model = hf.LlamaForCausalLM(vocab_size=V, hidden_size=d, intermediate_size=f,
...                             num_hidden_layers=L, num_attention_heads=h)
>>> model.params
L*(4*d**2 + 3*d*f + 2*d) + 2*V*d + d
>>> hf.LlamaForCausalLM().params
6738415616
"""

from __future__ import annotations

from ... import arguments, nn
from ...conditions import Condition, divides
from ...errors import ArgumentError
from ...graph import Model
from ...repeat import Repeat
from ...weights import Axis, Weight, label
from ._decoder import check_config, lm_head, sizes
from ._encoder import _Step, token_ids

__all__ = ["LlamaForCausalLM", "LlamaModel"]

# LlamaConfig's arguments that change no count (activation, epsilon, RoPE, ids, ...).
NO_COUNT = frozenset({
    "hidden_act", "max_position_embeddings", "initializer_range", "rms_norm_eps", "use_cache",
    "bos_token_id", "eos_token_id", "pretraining_tp", "rope_parameters", "rope_theta",
    "rope_scaling", "attention_dropout",
})


class _RotaryEmbedding(_Step):
    """The rotary tables (cos, sin) by which every layer turns its queries and keys.

    No parameters: its inverse frequencies are buffers, ``inv_freq`` and the copy
    dynamic RoPE keeps, ``original_inv_freq``, ``head_dim / 2`` each. It reads the
    hidden states (for their dtype) and its tables go to every layer; in the graph it
    passes the hidden states on.
    """

    def __init__(self, head_dim, **kwargs):
        super().__init__(**kwargs)
        self._store(head_dim=arguments.size(head_dim, owner="RotaryEmbedding",
                                            argument="head_dim"))

    def module_weights(self):
        half = Axis(label("head_dim") / 2, self.head_dim / 2)
        note = "an inverse frequency per pair of dimensions (a buffer, not a parameter)"
        return (Weight("inv_freq", (half,), note=note, buffer=True, role="state"),
                Weight("original_inv_freq", (half,), note=note, buffer=True, role="state"))

    def input_conditions(self, input_shape):
        return (Condition.divides(2, self.head_dim, "RoPE turns pairs of dimensions: head_dim "
                                                    "must be even"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _rotary_factor(owner, config) -> None:
    """Refuse a partial rotary factor: it changes the rotary buffers, not modelled yet."""
    rope = config.get("rope_parameters") or {}
    factor = rope.get("partial_rotary_factor", 1.0) if isinstance(rope, dict) else 1.0
    if factor != 1.0:
        raise ArgumentError(f"{owner}: a partial_rotary_factor in rope_parameters is not "
                            f"modelled yet. Received: rope_parameters={rope!r}",
                            argument="rope_parameters", value=rope)


def decoder(family, owner, head, values, tie_word_embeddings, pad_token_id, batch_size,
            seq_length, config, no_count, *, divisible_heads):
    """Llama's architecture (Mistral's too): RMSNorm pre-norm blocks of GQA and SwiGLU.

    ``values`` holds the sizes and bias switches under their config names.
    ``divisible_heads``: the config refuses a ``hidden_size`` that is not a
    multiple of ``num_attention_heads`` (Llama), else ``head_dim`` defaults to
    the floor of their quotient (Mistral).
    """
    check_config(owner, config, no_count)
    _rotary_factor(owner, config)
    optional = ("num_key_value_heads", "head_dim")  # None: derived from the others
    given = sizes(owner, **{k: v for k, v in values.items()
                            if k not in ("attention_bias", "mlp_bias")
                            and (v is not None or k not in optional)})
    d, heads = given["hidden_size"], given["num_attention_heads"]
    if divisible_heads and divides(heads, d) is False:
        raise ArgumentError(f"{owner}: The hidden size ({d}) is not a multiple of the number of "
                            f"attention heads ({heads}). Received: hidden_size={d}, "
                            f"num_attention_heads={heads}", argument="hidden_size", value=d)
    head_dim = given.get("head_dim")
    if head_dim is None and d.is_number and heads.is_number:
        head_dim = d // heads  # the config's default; with symbols, the module's (a condition)
    ids = token_ids(owner, batch_size, seq_length)
    batch, length = ids.shape
    try:
        embed = nn.Embedding(given["vocab_size"], d, padding_idx=pad_token_id,
                             name="embed_tokens")
    except ArgumentError:
        raise ArgumentError(f"{owner}: pad_token_id must be an index of the vocabulary. "
                            f"Received: pad_token_id={pad_token_id!r}, "
                            f"vocab_size={given['vocab_size']}", argument="pad_token_id",
                            value=pad_token_id) from None
    attention = nn.GroupedQueryAttention(
        d, heads, num_kv_heads=given.get("num_key_value_heads"), head_dim=head_dim,
        bias=arguments.flag(values["attention_bias"], owner=owner, argument="attention_bias"),
        causal=True, name="self_attn")
    mlp = nn.SwiGLU(d, given["intermediate_size"], name="mlp",
                    bias=arguments.flag(values["mlp_bias"], owner=owner, argument="mlp_bias"))
    block = nn.pre_norm_block(attention, mlp, norm_layer=nn.RMSNorm,
                              norm_names=("input_layernorm", "post_attention_layernorm"),
                              batch_size=batch, seq_length=length,
                              name=f"{family}DecoderLayer")
    x = _RotaryEmbedding(attention.head_dim, name="rotary_emb")(embed(ids))
    x = Repeat(block, given["num_hidden_layers"], name="layers")(x)
    x = nn.RMSNorm(d, name="norm")(x)
    if head:
        x = lm_head(owner, x, d, given["vocab_size"], tie_word_embeddings, embed)
    return Model(ids, x, name=owner)


def _llama(owner, head, vocab_size, hidden_size, intermediate_size, num_hidden_layers,
           num_attention_heads, num_key_value_heads, head_dim, attention_bias, mlp_bias,
           tie_word_embeddings, pad_token_id, batch_size, seq_length, config):
    values = dict(vocab_size=vocab_size, hidden_size=hidden_size,
                  intermediate_size=intermediate_size, num_hidden_layers=num_hidden_layers,
                  num_attention_heads=num_attention_heads,
                  num_key_value_heads=num_key_value_heads, head_dim=head_dim,
                  attention_bias=attention_bias, mlp_bias=mlp_bias)
    return decoder("Llama", owner, head, values, tie_word_embeddings, pad_token_id, batch_size,
                   seq_length, config, NO_COUNT, divisible_heads=True)


def LlamaModel(vocab_size=32000, hidden_size=4096, intermediate_size=11008,
               num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=None,
               head_dim=None, attention_bias=False, mlp_bias=False, tie_word_embeddings=False,
               pad_token_id=None, *, batch_size=None, seq_length=None, **config):
    """``transformers.LlamaModel``: token embeddings, decoder layers, a final RMSNorm.

    Arguments are ``LlamaConfig``'s, with its defaults (Llama-2-7B); any size may
    be a :func:`~symparams.dims` symbol, ``num_hidden_layers`` too (the layers
    are one :class:`~symparams.Repeat`). Each layer is RMSNorm, grouped-query
    attention (``num_key_value_heads`` heads for keys and values, ``head_dim``
    per head: ``hidden_size // num_attention_heads`` unless given), RMSNorm and
    a SwiGLU MLP of ``intermediate_size``; ``attention_bias`` and ``mlp_bias``
    add biases. Rotary position embeddings hold no parameters, only
    ``head_dim`` buffer entries (:attr:`~symparams.model.BaseModel.buffers`). Config arguments
    that change no count (``hidden_act``, ``rms_norm_eps``, ``rope_parameters``,
    token ids, ...) are accepted and ignored, others raise
    :class:`~symparams.errors.UnknownArgumentError`. The input is ``input_ids``
    of shape ``(batch_size, seq_length)``, symbols ``B`` and ``T`` unless given (a
    symparams addition); the output is ``last_hidden_state``.

    >>> from symparams.zoo import hf
    >>> model = hf.LlamaModel()
    >>> model.params, model.non_embedding_params
    (6607343616, 6476271616)
    >>> model.output_shape, model.buffers
    ((B, T, 4096), 128)
    """
    return _llama("LlamaModel", False, vocab_size, hidden_size, intermediate_size,
                  num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim,
                  attention_bias, mlp_bias, tie_word_embeddings, pad_token_id, batch_size,
                  seq_length, config)


def LlamaForCausalLM(vocab_size=32000, hidden_size=4096, intermediate_size=11008,
                     num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=None,
                     head_dim=None, attention_bias=False, mlp_bias=False,
                     tie_word_embeddings=False, pad_token_id=None, *, batch_size=None,
                     seq_length=None, **config):
    """``transformers.LlamaForCausalLM``: :func:`LlamaModel` and an ``lm_head`` to the vocabulary.

    The head has its own weight unless ``tie_word_embeddings=True`` (then it is
    the token embedding's, counted once); the output is the logits.

    >>> from symparams.zoo import hf
    >>> hf.LlamaForCausalLM(tie_word_embeddings=True).params
    6607343616
    >>> hf.LlamaForCausalLM(num_key_value_heads=8, vocab_size=128256, intermediate_size=14336,
    ...                     tie_word_embeddings=False).params
    8030261248
    """
    return _llama("LlamaForCausalLM", True, vocab_size, hidden_size, intermediate_size,
                  num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim,
                  attention_bias, mlp_bias, tie_word_embeddings, pad_token_id, batch_size,
                  seq_length, config)
