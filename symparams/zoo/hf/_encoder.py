"""What the encoder families share: configuration checks, inputs, weightless steps, stacks.

The weightless steps are private modules that exist so the graph has the shapes Hugging
Face's ``forward`` has: the attention product, the first token, position and token-type
ids (with the ``position_ids`` and ``token_type_ids`` buffers their embeddings keep), an
activation by name. Blocks that also read tensors besides the hidden states (T5's
position bias and encoder output) repeat with :class:`~symparams.Repeat`'s side inputs.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy

from ... import arguments
from ...compute import attention_products
from ...conditions import Condition
from ...dims import dims
from ...errors import ArgumentError, ArgumentTypeError, ShapeError, UnknownArgumentError
from ...graph import Model, Tensor, apply
from ...layers import Add
from ...nn import Linear
from ...nn.base import Module
from ...repeat import Repeat
from ...weights import Axis, Weight, label

#: What every ``PretrainedConfig`` accepts besides its model's own fields (generation
#: settings included, which it sets aside); none changes a count.
GENERIC_CONFIG = frozenset({
    "architectures", "attn_implementation", "chunk_size_feed_forward", "decoder_start_token_id",
    "dtype", "experts_implementation", "id2label", "is_encoder_decoder", "label2id",
    "model_type", "name_or_path", "num_labels", "output_attentions", "output_hidden_states",
    "problem_type", "return_dict", "task_specific_params", "torch_dtype", "transformers_version",
    # generation settings
    "bad_words_ids", "begin_suppress_tokens", "diversity_penalty", "do_sample", "early_stopping",
    "encoder_no_repeat_ngram_size", "encoder_repetition_penalty", "forced_bos_token_id",
    "forced_eos_token_id", "length_penalty", "max_length", "min_length",
    "no_repeat_ngram_size", "num_beam_groups", "num_beams", "num_return_sequences",
    "output_scores", "remove_invalid_values", "repetition_penalty", "return_dict_in_generate",
    "suppress_tokens", "temperature", "top_k", "top_p", "typical_p",
})


def read_config(owner: str, defaults: dict, given: dict,
                aliases: dict | None = None) -> SimpleNamespace:
    """The configuration: ``defaults`` (the config class's fields) updated by ``given``.

    ``aliases`` are the config's ``attribute_map`` (``hidden_size`` for DistilBERT's
    ``dim``). Generic ``PretrainedConfig`` arguments are accepted too; anything else is
    refused.
    """
    given = {(aliases or {}).get(key, key): value for key, value in given.items()}
    unknown = sorted(set(given) - set(defaults) - GENERIC_CONFIG)
    if unknown:
        received = ", ".join(f"{key}={given[key]!r}" for key in unknown)
        raise UnknownArgumentError(
            f"{owner}: unknown configuration arguments {unknown}: neither fields of its "
            f"configuration nor PretrainedConfig's. Received: {received}", argument=unknown[0],
            value=given[unknown[0]])
    return SimpleNamespace(**{**defaults, **given})


def size(owner: str, config: SimpleNamespace, name: str):
    """The configuration field ``name`` checked as a size (an int or a symbol)."""
    return arguments.size(getattr(config, name), owner=owner, argument=name)


def flag(owner: str, config: SimpleNamespace, name: str) -> bool:
    return arguments.flag(getattr(config, name), owner=owner, argument=name)


def head_size(owner: str, hidden, heads, hidden_name: str, heads_name: str):
    """``hidden / heads``, refused when provably not a whole number (as the models refuse it)."""
    size = hidden / heads
    if size.is_integer is False:
        raise ArgumentError(f"{owner}: {hidden_name} must be a multiple of {heads_name}. "
                            f"Received: {hidden_name}={hidden}, {heads_name}={heads}",
                            argument=heads_name, value=heads)
    return size


def token_ids(owner: str, batch_size, seq_length, name: str = "input_ids",
              default_length: str = "T", length_argument: str = "seq_length") -> Tensor:
    """Token ids of shape ``(batch_size, seq_length)``; symbols ``B`` and ``T`` by default."""
    batch = dims("B") if batch_size is None else \
        arguments.size(batch_size, owner=owner, argument="batch_size")
    length = dims(default_length) if seq_length is None else \
        arguments.size(seq_length, owner=owner, argument=length_argument)
    return Tensor((batch, length), name=name)


def padding_index(owner: str, config: SimpleNamespace, name: str = "pad_token_id"):
    """A token id used as an embedding's ``padding_idx``: None or an int."""
    value = getattr(config, name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ArgumentTypeError(f"{owner}: `{name}` must be an int or None. "
                                f"Received: {name}={value!r}", argument=name, value=value)
    return value


# -- weightless steps ---------------------------------------------------------------------


class _Step(Module):
    """A private module of these models; summaries show its name without the underscore."""

    @property
    def display_type(self) -> str:
        return type(self).__name__.lstrip("_")


class _Activation(Module):
    """An activation function by its Hugging Face name (``"gelu"``, ``"relu"``, ...)."""

    no_weights_reason = "it applies a fixed function to each entry: no weights, 0 parameters"
    no_macs_reason = "elementwise work: 0 MACs by the default convention"

    def __init__(self, function, **kwargs):
        super().__init__(**kwargs)
        self._store(function=function if isinstance(function, str) else
                    getattr(function, "__name__", type(function).__name__))

    @property
    def display_type(self) -> str:
        return self.function

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class _DotProductAttention(_Step):
    """``softmax(q kᵀ + bias) v`` over ``num_heads`` heads: no weights, the queries' length.

    Inputs: queries ``(B, Tq, heads·k)``, keys ``(B, Tk, heads·k)``, values
    ``(B, Tk, heads·v)`` and, optionally, a position bias ``(Tq, Tk, heads)``.
    ``causal`` marks a decoder's self-attention (compute halves its products).
    """

    multiple_inputs = True
    no_weights_reason = "it mixes the values by query-key similarity: no weights, 0 parameters"

    def __init__(self, num_heads, causal=False, **kwargs):
        super().__init__(**kwargs)
        self._store(num_heads=arguments.size(num_heads, owner="DotProductAttention",
                                             argument="num_heads"),
                    causal=arguments.flag(causal, owner="DotProductAttention",
                                          argument="causal"))

    def input_conditions(self, shapes):
        if len(shapes) not in (3, 4) or any(len(s) != 3 for s in shapes[:3]):
            raise ShapeError("expects queries, keys and values of rank 3 (and a position "
                             f"bias); received shapes {list(shapes)}")
        query, key, value = shapes[:3]
        heads = self.num_heads
        conditions = [
            Condition.equal(query[0], key[0], "queries and keys must have the same batch"),
            Condition.equal(key[0], value[0], "keys and values must have the same batch"),
            Condition.equal(query[2], key[2], "queries and keys must have the same width"),
            Condition.equal(key[1], value[1], "keys and values must have the same length"),
            Condition.divides(heads, query[2], "the heads must split the query width"),
            Condition.divides(heads, value[2], "the heads must split the value width")]
        if len(shapes) == 4:
            bias = shapes[3]
            if len(bias) != 3:
                raise ShapeError(f"the position bias must have rank 3; received {bias}")
            conditions += [Condition.equal(bias[0], query[1], "the bias must have a row per "
                                                              "query"),
                           Condition.equal(bias[1], key[1], "the bias must have a column per "
                                                            "key"),
                           Condition.equal(bias[2], heads, "the bias must have one entry per "
                                                           "head")]
        return tuple(conditions)

    def compute_output_shape(self, shapes):
        query, _, value = shapes[:3]
        return (query[0], query[1], value[2])

    def declare_products(self, shapes, output_shape, **options):
        """QKᵀ and AV over every head (the position bias is an elementwise add)."""
        query, key, value = shapes[:3]
        return attention_products(query[1], key[1], query[2], value[2], batch=query[0],
                                  causal=self.causal)

    def kv_cache_elements(self, shapes):
        """The keys and values it reads, which a decoder caches (:mod:`symparams.memory`)."""
        return sympy.Mul(*shapes[1]) + sympy.Mul(*shapes[2])

    def __call__(self, query, key, value, position_bias=None):
        inputs = (query, key, value) if position_bias is None else \
            (query, key, value, position_bias)
        return apply(self, inputs)


class _FirstToken(_Step):
    """``hidden_states[:, 0]``: the first position of every sequence."""

    no_weights_reason = "it selects the first position: no weights, 0 parameters"
    no_macs_reason = "it only selects entries: 0 MACs"

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 3, what="(batch, sequence, features)")
        return ()

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


class _PositionIds(_Step):
    """Position ids for token ids ``(B, T)``, kept in the ``position_ids`` buffer ``(1, P)``.

    Without ``padding_idx`` (BERT, DistilBERT) they are the buffer's first ``T``
    entries, of shape ``(1, T)``; with it (RoBERTa) every sequence numbers its
    tokens after ``padding_idx``, shape ``(B, T)``. Either way they must stay
    below ``max_position_embeddings``.
    """

    def __init__(self, max_position_embeddings, padding_idx=None, **kwargs):
        super().__init__(**kwargs)
        self._store(max_position_embeddings=arguments.size(
            max_position_embeddings, owner="PositionIds", argument="max_position_embeddings"),
            padding_idx=padding_idx)

    def module_weights(self):
        return _id_buffer("position_ids", self.max_position_embeddings)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 2, what="(batch, sequence) token ids")
        last = input_shape[1] if self.padding_idx is None else \
            input_shape[1] + self.padding_idx + 1
        return (Condition.less(last - 1, self.max_position_embeddings,
                               "the positions must fit in max_position_embeddings"),)

    def compute_output_shape(self, input_shape):
        return (1 if self.padding_idx is None else input_shape[0], input_shape[1])


class _TokenTypeIds(_Step):
    """All-zero token-type ids ``(B, T)``, from the ``token_type_ids`` buffer ``(1, P)``.

    ``transformers`` gathers them at the position ids, which already must fit in ``P``.
    """

    def __init__(self, max_position_embeddings, **kwargs):
        super().__init__(**kwargs)
        self._store(max_position_embeddings=arguments.size(
            max_position_embeddings, owner="TokenTypeIds", argument="max_position_embeddings"))

    def module_weights(self):
        return _id_buffer("token_type_ids", self.max_position_embeddings)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 2, what="(batch, sequence) token ids")
        return ()

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _id_buffer(name: str, positions) -> tuple[Weight, ...]:
    return (Weight(name, (Axis(1, 1), Axis(label("max_position_embeddings"), positions)),
                   note="an index per position (a buffer, not a parameter)", buffer=True,
                   role="state", dtype="int64"),)


class _Bias(_Step):
    """A bias vector of ``size`` on the last axis, held apart (BERT's ``cls.predictions.bias``).

    The decoder that projects to the vocabulary uses it as its own bias (a tie), so
    this module passes its input through unchanged.
    """

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self._store(size=arguments.size(size, owner="Bias", argument="size"))

    def module_weights(self):
        return (Weight("bias", (Axis(label("vocab_size"), self.size),),
                       note="an output-only bias per vocabulary entry; the decoder adds it, "
                            "as its tied bias", role="bias", uses=sympy.Integer(0)),)

    def input_conditions(self, input_shape):
        return (Condition.equal(self.size, input_shape[-1], "the last axis must be the "
                                                            "bias's size"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


# -- blocks -------------------------------------------------------------------------------


def attention(x, source, *, hidden, heads, head_dim, prefix: str, names, qkv_bias=True,
              out_bias=True, position_bias=None, causal=False):
    """Queries from ``x``, keys and values from ``source``, heads mixed, projected back.

    ``names`` are the query, key, value and output projections' names (after ``prefix``);
    ``causal`` marks a decoder's self-attention.
    """
    inner = heads * head_dim
    q, k, v, o = (f"{prefix}{name}" for name in names)
    query = Linear(hidden, inner, bias=qkv_bias, name=q)(x)
    key = Linear(hidden, inner, bias=qkv_bias, name=k)(source)
    value = Linear(hidden, inner, bias=qkv_bias, name=v)(source)
    mixed = _DotProductAttention(heads, causal=causal, name=f"{prefix}dot_product")(
        query, key, value, position_bias)
    return Linear(inner, hidden, bias=out_bias, name=o)(mixed)


def feed_forward(x, *, hidden, intermediate, activation, names, bias=True):
    """``names`` = (in, activation, out): ``Linear(hidden, intermediate)``, act, back."""
    first, act, second = names
    y = _Activation(activation, name=act)(Linear(hidden, intermediate, bias=bias, name=first)(x))
    return Linear(intermediate, hidden, bias=bias, name=second)(y)


def post_norm_layer(shape, *, hidden, heads, intermediate, activation, names: dict,
                    name: str, memory_shape=None) -> Model:
    """A post-norm encoder layer (BERT, RoBERTa, DistilBERT), as a model of ``shape``.

    ``names`` gives the modules' names: ``attention`` (prefix), ``projections`` (q, k, v,
    o), ``attention_norm``, ``feed_forward`` (in, activation, out) and ``output_norm``;
    with ``memory_shape`` (the encoder's hidden states), a cross-attention follows the
    self-attention, named by ``cross_attention`` (prefix) and ``cross_attention_norm``.
    """
    from ...nn import LayerNorm

    def attend(h, source, kind):
        mixed = attention(h, source, hidden=hidden, heads=heads, head_dim=hidden / heads,
                          prefix=names[kind], names=names["projections"])
        return LayerNorm(hidden, name=names[f"{kind}_norm"])(Add()([mixed, h]))

    x = Tensor(shape, name="hidden_states")
    h = attend(x, x, "attention")
    inputs = [x]
    if memory_shape is not None:
        inputs.append(Tensor(memory_shape, name="encoder_hidden_states"))
        h = attend(h, inputs[1], "cross_attention")
    y = feed_forward(h, hidden=hidden, intermediate=intermediate, activation=activation,
                     names=names["feed_forward"])
    return Model(inputs, LayerNorm(hidden, name=names["output_norm"])(Add()([y, h])),
                 name=name)


# -- BERT and RoBERTa ---------------------------------------------------------------------

#: ``BertConfig``'s fields and defaults (RoBERTa changes a few).
BERT_DEFAULTS = dict(
    vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
    intermediate_size=3072, hidden_act="gelu", hidden_dropout_prob=0.1,
    attention_probs_dropout_prob=0.1, max_position_embeddings=512, type_vocab_size=2,
    initializer_range=0.02, layer_norm_eps=1e-12, pad_token_id=0, use_cache=True,
    classifier_dropout=None, is_decoder=False, add_cross_attention=False, bos_token_id=None,
    eos_token_id=None, tie_word_embeddings=True)

_BERT_LAYER = dict(attention="attention_", cross_attention="crossattention_",
                   projections=("self_query", "self_key", "self_value", "output_dense"),
                   attention_norm="attention_output_LayerNorm",
                   cross_attention_norm="crossattention_output_LayerNorm",
                   feed_forward=("intermediate_dense", "intermediate_act_fn", "output_dense"),
                   output_norm="output_LayerNorm")


class BertParts(SimpleNamespace):
    """What a BERT-like body hands to its heads: inputs, hidden states, the word table."""


def bert_body(owner: str, config: SimpleNamespace, shapes: dict,
              numbered_after_padding: bool = False) -> BertParts:
    """Embeddings (word, position, token type; LayerNorm) and ``num_hidden_layers`` layers.

    ``shapes`` holds the symparams-only keywords ``batch_size``, ``seq_length`` and
    ``encoder_seq_length``. RoBERTa numbers positions after the padding id
    (``numbered_after_padding``), and its position table has that padding index too.
    With ``add_cross_attention`` (a decoder's), every layer also attends to
    ``encoder_hidden_states`` ``(B, S, hidden_size)``, a second input.
    """
    from ...nn import Embedding, LayerNorm

    cross = flag(owner, config, "add_cross_attention")
    if cross and not flag(owner, config, "is_decoder"):
        raise ArgumentError(f"{owner}: cross-attention layers are for a decoder; set "
                            "is_decoder=True with add_cross_attention=True",
                            argument="add_cross_attention", value=True)
    V, d, L, heads, inner, P, types = (size(owner, config, name) for name in (
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
        "intermediate_size", "max_position_embeddings", "type_vocab_size"))
    head_size(owner, d, heads, "hidden_size", "num_attention_heads")
    pad = padding_index(owner, config)
    if numbered_after_padding and pad is None:
        raise ArgumentError(f"{owner}: positions are numbered after pad_token_id, which must "
                            "be an int. Received: pad_token_id=None", argument="pad_token_id",
                            value=None)
    ids = token_ids(owner, shapes["batch_size"], shapes["seq_length"])
    words = Embedding(V, d, padding_idx=pad, name="word_embeddings")
    positions = _PositionIds(P, padding_idx=pad if numbered_after_padding else None,
                            name="position_ids")(ids)
    summed = Add(name="embeddings_sum")([
        words(ids), Embedding(types, d, name="token_type_embeddings")(
            _TokenTypeIds(P, name="token_type_ids")(ids)),
        Embedding(P, d, padding_idx=pad if numbered_after_padding else None,
                  name="position_embeddings")(positions)])
    x = LayerNorm(d, name="embeddings_LayerNorm")(summed)
    memory = []
    if cross:
        length = token_ids(owner, ids.shape[0], shapes["encoder_seq_length"],
                           default_length="S", length_argument="encoder_seq_length").shape[1]
        memory = [Tensor((ids.shape[0], length, d), name="encoder_hidden_states")]
    block = post_norm_layer(x.shape, hidden=d, heads=heads, intermediate=inner,
                            activation=config.hidden_act, names=_BERT_LAYER, name="BertLayer",
                            memory_shape=memory[0].shape if memory else None)
    hidden = Repeat(block, L, name="encoder_layer")(x, *memory)
    return BertParts(inputs=[ids, *memory], hidden=hidden, words=words, size=d, vocab=V)


def pooler(hidden, size, out=None, activation="tanh"):
    """The first token's hidden state through ``Linear(size, out)`` and ``activation``."""
    first = _FirstToken(name="pooler_first_token")(hidden)
    dense = Linear(size, size if out is None else out, name="pooler_dense")(first)
    return _Activation(activation, name="pooler_activation")(dense)
