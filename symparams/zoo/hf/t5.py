"""T5 (Raffel et al., 2020) as ``transformers`` builds it: T5Model and T5ForConditionalGeneration.

>>> import sympy
>>> from symparams import dims
>>> from symparams.zoo.hf import T5ForConditionalGeneration, T5Model
>>> T5ForConditionalGeneration().params  # t5-small
60506624
>>> T5Model().output_shape
[(B, T_dec, 512), (B, T_enc, 512)]
>>> V, d, L, f = dims("V d L f")
>>> gated = T5Model(vocab_size=V, d_model=d, d_ff=f, num_layers=L, num_heads=8, d_kv=64,
...                 feed_forward_proj="gated-gelu")
>>> sympy.expand(gated.non_embedding_params)
6*L*d*f + 6149*L*d + 2*d

One embedding table, ``shared``, embeds the encoder's and the decoder's tokens (it is
counted once). Every attention projects ``d_model`` to ``num_heads·d_kv`` and back,
without biases (``d_kv`` need not be ``d_model / num_heads``). Only the first layer of
each stack owns a ``relative_attention_bias`` table (``relative_attention_num_buckets``
by ``num_heads``); ``transformers`` hands the bias it computes to every later layer, and
so does this graph. ``feed_forward_proj`` ``"relu"`` gives the feed-forward ``wi``, ``wo``;
``"gated-gelu"`` (T5 v1.1, Flan-T5) gives ``wi_0``, ``wi_1``, ``wo``.

The arguments are ``T5Config``'s fields with its defaults (``hidden_size``,
``num_attention_heads``, ``num_hidden_layers`` and ``head_dim`` name ``d_model``,
``num_heads``, ``num_layers`` and ``d_kv``); ``num_decoder_layers`` defaults to
``num_layers``. ``transformers`` 5 always ties ``lm_head`` to ``shared`` in a model built
from a config: ``tie_word_embeddings=False`` (as in T5 v1.1 and Flan-T5 configs) only
stops it scaling the decoder's output, so it changes no count. (``from_pretrained``
unties them when a checkpoint holds two different tables; that model has
``vocab_size·d_model`` more parameters.) symparams-only keywords: ``batch_size``,
``seq_length`` and ``decoder_seq_length``, the shapes of ``input_ids`` and
``decoder_input_ids`` (symbols ``B``, ``T_enc`` and ``T_dec`` by default).
"""

from __future__ import annotations

from ... import arguments
from ...errors import ArgumentError
from ...graph import Model, Tensor
from ...layers import Add, Multiply
from ...nn import Embedding, Linear, RMSNorm
from ...repeat import Repeat
from ._encoder import _Activation, _Step, attention, read_config, size, token_ids

__all__ = ["T5ForConditionalGeneration", "T5Model"]

#: ``T5Config``'s fields and defaults, and its ``attribute_map``.
T5_DEFAULTS = dict(
    vocab_size=32128, d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_decoder_layers=None,
    num_heads=8, relative_attention_num_buckets=32, relative_attention_max_distance=128,
    dropout_rate=0.1, layer_norm_epsilon=1e-6, initializer_factor=1.0, feed_forward_proj="relu",
    is_encoder_decoder=True, use_cache=True, pad_token_id=0, eos_token_id=1,
    classifier_dropout=0.0, is_decoder=False, tie_word_embeddings=True)
T5_ALIASES = {"hidden_size": "d_model", "num_attention_heads": "num_heads",
              "num_hidden_layers": "num_layers", "head_dim": "d_kv"}


def T5Model(*, batch_size=None, seq_length=None, decoder_seq_length=None, **config):
    """``transformers.T5Model(T5Config(**config))``.

    Inputs ``input_ids`` and ``decoder_input_ids``; outputs ``last_hidden_state`` (the
    decoder's, ``(B, T_dec, d_model)``) and ``encoder_last_hidden_state``.
    """
    owner = "T5Model"
    t5 = _T5(owner, config, batch_size, seq_length, decoder_seq_length)
    return Model(t5.inputs, [t5.decoded, t5.encoded], name=owner)


def T5ForConditionalGeneration(*, batch_size=None, seq_length=None, decoder_seq_length=None,
                               **config):
    """``transformers.T5ForConditionalGeneration``: T5 and ``lm_head``, tied to ``shared``.

    Outputs ``logits`` ``(B, T_dec, vocab_size)`` and ``encoder_last_hidden_state``.
    """
    owner = "T5ForConditionalGeneration"
    t5 = _T5(owner, config, batch_size, seq_length, decoder_seq_length)
    head = Linear(t5.d_model, t5.vocab_size, bias=False, name="lm_head")
    return Model(t5.inputs, [head.tie("weight", t5.shared)(t5.decoded), t5.encoded],
                 name=owner)


class _RelativePositionBuckets(_Step):
    """Which of ``num_buckets`` relative-distance buckets each (query, key) pair falls in.

    Hidden states ``(B, T, d)`` give bucket ids ``(T, T)``; the stack's
    ``relative_attention_bias`` table turns them into a bias ``(T, T, num_heads)``.
    """

    no_macs_reason = "it computes integer bucket ids: 0 MACs"

    no_weights_reason = "it computes bucket ids from positions: no weights, 0 parameters"

    def __init__(self, num_buckets, max_distance, bidirectional=True, **kwargs):
        super().__init__(**kwargs)
        owner = "RelativePositionBuckets"
        self._store(num_buckets=arguments.size(num_buckets, owner=owner, argument="num_buckets"),
                    max_distance=arguments.size(max_distance, owner=owner,
                                                argument="max_distance"),
                    bidirectional=arguments.flag(bidirectional, owner=owner,
                                                 argument="bidirectional"))

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, 3, what="(batch, sequence, features)")
        return ()

    def compute_output_shape(self, input_shape):
        return (input_shape[1], input_shape[1])


class _T5:
    """What T5Model and T5ForConditionalGeneration share: inputs, ``shared``, both stacks."""

    def __init__(self, owner, config, batch_size, seq_length, decoder_seq_length):
        cfg = read_config(owner, T5_DEFAULTS, config, T5_ALIASES)
        self.vocab_size, self.d_model, self.d_kv, self.d_ff, self.num_heads = (
            size(owner, cfg, name) for name in ("vocab_size", "d_model", "d_kv", "d_ff",
                                                "num_heads"))
        self.buckets, self.max_distance, self.num_layers = (
            size(owner, cfg, name) for name in ("relative_attention_num_buckets",
                                                "relative_attention_max_distance",
                                                "num_layers"))
        self.num_decoder_layers = self.num_layers if cfg.num_decoder_layers is None else \
            size(owner, cfg, "num_decoder_layers")
        self.gated, self.activation = _feed_forward_kind(owner, cfg.feed_forward_proj)
        ids = token_ids(owner, batch_size, seq_length, default_length="T_enc")
        decoder_ids = token_ids(owner, ids.shape[0], decoder_seq_length,
                                name="decoder_input_ids", default_length="T_dec",
                                length_argument="decoder_seq_length")
        self.inputs = [ids, decoder_ids]
        self.shared = Embedding(self.vocab_size, self.d_model, name="shared")
        self.encoded = self.stack("encoder", self.shared(ids), self.num_layers)
        self.decoded = self.stack("decoder", self.shared(decoder_ids), self.num_decoder_layers,
                                  memory=self.encoded)

    def stack(self, prefix: str, x, layers, memory=None):
        """Position bias, ``layers`` blocks, and the final RMS norm."""
        decoder = memory is not None
        buckets = _RelativePositionBuckets(self.buckets, self.max_distance,
                                          bidirectional=not decoder,
                                          name=f"{prefix}_relative_position_bucket")(x)
        bias = Embedding(self.buckets, self.num_heads,
                         name=f"{prefix}_relative_attention_bias")(buckets)
        side = (bias,) if memory is None else (bias, memory)
        block = self.block(x.shape, [t.shape for t in side])
        hidden = Repeat(block, layers, name=f"{prefix}_block")(x, *side)
        return RMSNorm(self.d_model, name=f"{prefix}_final_layer_norm")(hidden)

    def block(self, shape, side_shapes) -> Model:
        """``T5Block``: self-attention, cross-attention (decoder), feed-forward; pre-norm."""
        x = Tensor(shape, name="hidden_states")
        side = [Tensor(s, name=n) for s, n in zip(side_shapes, ("position_bias",
                                                                "encoder_hidden_states"))]
        decoder = len(side) > 1  # its self-attention sees only earlier positions
        h = self._residual(x, "SelfAttention", lambda n: self._attention(
            n, n, "SelfAttention_", side[0], causal=decoder))
        if len(side) > 1:
            h = self._residual(h, "EncDecAttention", lambda n: self._attention(
                n, side[1], "EncDecAttention_"))
        h = self._residual(h, "DenseReluDense", self._feed_forward)
        return Model([x, *side], h, name="T5Block")

    def _residual(self, x, name, inner):
        normed = RMSNorm(self.d_model, name=f"{name}_layer_norm")(x)
        return Add(name=f"{name}_residual")([x, inner(normed)])

    def _attention(self, x, source, prefix, position_bias=None, causal=False):
        return attention(x, source, hidden=self.d_model, heads=self.num_heads,
                         head_dim=self.d_kv, prefix=prefix, names=("q", "k", "v", "o"),
                         qkv_bias=False, out_bias=False, position_bias=position_bias,
                         causal=causal)

    def _feed_forward(self, x):
        d, f = self.d_model, self.d_ff
        act = _Activation(self.activation, name="DenseReluDense_act")
        if self.gated:
            gate = act(Linear(d, f, bias=False, name="DenseReluDense_wi_0")(x))
            linear = Linear(d, f, bias=False, name="DenseReluDense_wi_1")(x)
            hidden = Multiply(name="DenseReluDense_gate")([gate, linear])
        else:
            hidden = act(Linear(d, f, bias=False, name="DenseReluDense_wi")(x))
        return Linear(f, d, bias=False, name="DenseReluDense_wo")(hidden)


def _feed_forward_kind(owner, proj):
    """``(gated, activation)`` from ``feed_forward_proj``: ``"relu"`` or ``"gated-gelu"``."""
    pieces = proj.split("-") if isinstance(proj, str) else []
    if not pieces or (len(pieces) > 1 and pieces[0] != "gated") or len(pieces) > 2:
        raise ArgumentError(f"{owner}: `feed_forward_proj` must be an activation name or "
                            f"'gated-' and one ('relu', 'gated-gelu'). "
                            f"Received: feed_forward_proj={proj!r}",
                            argument="feed_forward_proj", value=proj)
    gated = pieces[0] == "gated"
    return gated, "gelu_new" if proj == "gated-gelu" else pieces[-1]  # as T5Config maps it

