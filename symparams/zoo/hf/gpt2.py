"""GPT-2 (Radford et al., 2019) as ``transformers`` builds it: GPT2Model and GPT2LMHeadModel.

>>> import sympy
>>> from symparams import dims
>>> from symparams.zoo import hf
>>> V, T, L, d = dims("V T L d")
>>> model = hf.GPT2LMHeadModel(n_layer=L, n_embd=d, vocab_size=V, n_positions=T)
>>> model.params
L*(12*d**2 + 13*d) + T*d + V*d + 2*d
>>> model.output_shape
(B, T, V)
>>> hf.GPT2LMHeadModel().params
124439808
"""

from __future__ import annotations

from ... import arguments, nn
from ...conditions import Condition
from ...graph import Model
from ...layers.merging import Add
from ...repeat import Repeat
from ._decoder import check_config, lm_head, sizes
from ._encoder import _Step, token_ids

__all__ = ["GPT2LMHeadModel", "GPT2Model"]

# GPT2Config's arguments that change no count (activations, dropout, epsilons, ids, ...).
_NO_COUNT = frozenset({
    "activation_function", "resid_pdrop", "embd_pdrop", "attn_pdrop", "layer_norm_epsilon",
    "initializer_range", "summary_type", "summary_use_proj", "summary_activation",
    "summary_proj_to_labels", "summary_first_dropout", "scale_attn_weights", "use_cache",
    "bos_token_id", "eos_token_id", "pad_token_id", "scale_attn_by_inverse_layer_idx",
    "reorder_and_upcast_attn",
})
# GPT2Config.attribute_map: the common names of its fields.
_ALIASES = {"hidden_size": "n_embd", "max_position_embeddings": "n_positions",
            "num_attention_heads": "n_head", "num_hidden_layers": "n_layer"}


class _PositionIds(_Step):
    """``arange(seq_length)``, shape ``(1, seq_length)``: GPT-2 looks positions up in ``wpe``."""

    no_weights_reason = "it counts positions 0, 1, ...: no weights, 0 parameters"
    no_macs_reason = "it counts positions: 0 MACs"

    def __init__(self, n_positions, **kwargs):
        super().__init__(**kwargs)
        self._store(n_positions=arguments.size(n_positions, owner="GPT2Model",
                                               argument="n_positions"))

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 2, what="(batch, sequence) token ids")
        return (Condition.less(input_shape[-1], self.n_positions + 1,
                               "the sequence must fit in the n_positions position embeddings"),)

    def compute_output_shape(self, input_shape):
        return (1, input_shape[-1])


def _gpt2(owner, head, values, add_cross_attention, tie_word_embeddings, shapes, config):
    batch_size, seq_length, encoder_seq_length = shapes
    config = dict(config)
    for alias, field in _ALIASES.items():  # GPT2Config(hidden_size=...) sets n_embd
        if alias in config:
            values[field] = config.pop(alias)
    check_config(owner, config, _NO_COUNT)
    d = sizes(owner, n_embd=values["n_embd"])["n_embd"]
    given = sizes(owner, vocab_size=values["vocab_size"], n_positions=values["n_positions"],
                  n_layer=values["n_layer"], n_head=values["n_head"],
                  n_inner=4 * d if values["n_inner"] is None else values["n_inner"])
    cross = arguments.flag(add_cross_attention, owner=owner, argument="add_cross_attention")
    ids = token_ids(owner, batch_size, seq_length)
    batch, length = ids.shape
    wte = nn.Embedding(given["vocab_size"], d, name="wte")
    positions = _PositionIds(given["n_positions"], name="position_ids")(ids)
    x = Add(name="embeddings")([wte(ids),
                                nn.Embedding(given["n_positions"], d, name="wpe")(positions)])
    block = nn.pre_norm_block(
        nn.GroupedQueryAttention(d, given["n_head"], causal=True, name="attn"),
        nn.FeedForward(d, given["n_inner"], activation="gelu_new", name="mlp"),
        cross_attention=nn.GroupedQueryAttention(d, given["n_head"], name="crossattention")
        if cross else None,
        norm_names=("ln_1", "ln_cross_attn", "ln_2") if cross else ("ln_1", "ln_2"),
        batch_size=batch, seq_length=length, encoder_seq_length=encoder_seq_length,
        name="GPT2Block")
    if cross:  # every block also reads the encoder's output
        memory = block.inputs[1]
        inputs, x = [ids, memory], Repeat(block, given["n_layer"], name="h")(x, memory)
    else:
        inputs, x = ids, Repeat(block, given["n_layer"], name="h")(x)
    x = nn.LayerNorm(d, name="ln_f")(x)
    if head:
        x = lm_head(owner, x, d, given["vocab_size"], tie_word_embeddings, wte)
    return Model(inputs, x, name=owner)


def GPT2Model(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12,
              n_inner=None, add_cross_attention=False, tie_word_embeddings=True, *,
              batch_size=None, seq_length=None, encoder_seq_length=None, **config):
    """``transformers.GPT2Model``: embeddings, ``n_layer`` pre-norm blocks, a final LayerNorm.

    Arguments are ``GPT2Config``'s, with its defaults (GPT-2 small); any size may
    be a :func:`~symparams.dims` symbol, ``n_layer`` too (the blocks are one
    :class:`~symparams.Repeat`). Config arguments that change no count
    (``activation_function``, dropouts, ``layer_norm_epsilon``, token ids, ...)
    are accepted and ignored, and so are the common names ``hidden_size``,
    ``num_hidden_layers``, ``num_attention_heads`` and ``max_position_embeddings``
    (``GPT2Config.attribute_map``); others raise
    :class:`~symparams.errors.UnknownArgumentError`. The input is ``input_ids``
    of shape ``(batch_size, seq_length)``, symbols ``B`` and ``T`` unless given (a
    symparams addition); the output is ``last_hidden_state``,
    ``(batch_size, seq_length, n_embd)``. The sequence must fit in ``n_positions``
    (a condition on the model while it depends on symbols). With
    ``add_cross_attention=True`` every block also attends over a second input,
    ``encoder_hidden_states`` ``(batch_size, encoder_seq_length, n_embd)``,
    ``encoder_seq_length`` (symparams-only) the symbol ``S`` unless given.

    >>> from symparams.zoo import hf
    >>> model = hf.GPT2Model()
    >>> model.params, model.non_embedding_params
    (124439808, 85056000)
    >>> model.conditions[0][1]
    Condition(T < 1025: the sequence must fit in the n_positions position embeddings)
    """
    values = dict(vocab_size=vocab_size, n_positions=n_positions, n_embd=n_embd,
                  n_layer=n_layer, n_head=n_head, n_inner=n_inner)
    return _gpt2("GPT2Model", False, values, add_cross_attention, tie_word_embeddings,
                 (batch_size, seq_length, encoder_seq_length), config)


def GPT2LMHeadModel(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12,
                    n_inner=None, add_cross_attention=False, tie_word_embeddings=True, *,
                    batch_size=None, seq_length=None, encoder_seq_length=None, **config):
    """``transformers.GPT2LMHeadModel``: :func:`GPT2Model` and an ``lm_head`` to the vocabulary.

    The head's weight is the token embedding's (``tie_word_embeddings=True``, the
    default), counted once; the output is the logits, ``(batch_size, seq_length,
    vocab_size)``.

    >>> from symparams import dims
    >>> from symparams.zoo import hf
    >>> L = dims("L")
    >>> hf.GPT2LMHeadModel(n_layer=L).params
    7087872*L + 39385344
    >>> hf.GPT2LMHeadModel(n_layer=24, n_embd=1024, n_head=16).params
    354823168
    """
    values = dict(vocab_size=vocab_size, n_positions=n_positions, n_embd=n_embd,
                  n_layer=n_layer, n_head=n_head, n_inner=n_inner)
    return _gpt2("GPT2LMHeadModel", True, values, add_cross_attention, tie_word_embeddings,
                 (batch_size, seq_length, encoder_seq_length), config)
