"""BERT (Devlin et al., 2019) as ``transformers`` builds it: BertModel and two pre-training heads.

>>> import sympy
>>> from symparams import dims
>>> from symparams.zoo.hf import BertModel
>>> model = BertModel()
>>> model.params
109482240
>>> model.output_shape
[(B, T, 768), (B, 768)]
>>> V, d, L, f = dims("V d L f")
>>> small = BertModel(vocab_size=V, hidden_size=d, num_hidden_layers=L, intermediate_size=f,
...                   num_attention_heads=4, add_pooling_layer=False)
>>> sympy.expand(small.non_embedding_params)
4*L*d**2 + 2*L*d*f + 9*L*d + L*f + 2*d

The arguments are ``BertConfig``'s fields, with its defaults; sizes may be symbols.
Arguments that change no count (activations, dropout rates, epsilons, token ids, ...)
are accepted and ignored; unknown ones raise
:class:`~symparams.errors.UnknownArgumentError`. Two symparams-only keywords give the
input ids' shape, ``(batch_size, seq_length)``: symbols ``B`` and ``T`` by default. A
decoder with cross-attention (``is_decoder=True, add_cross_attention=True``) takes
``encoder_hidden_states`` ``(B, S, hidden_size)`` as a second input;
``encoder_seq_length`` (symparams-only) is its length, the symbol ``S`` by default.
"""

from __future__ import annotations

from ... import arguments
from ...graph import Model
from ...nn import LayerNorm, Linear
from ._encoder import BERT_DEFAULTS, _Activation, _Bias, bert_body, flag, pooler, read_config

__all__ = ["BertForMaskedLM", "BertForPreTraining", "BertModel"]


def BertModel(add_pooling_layer=True, *, batch_size=None, seq_length=None,
              encoder_seq_length=None, **config):
    """``transformers.BertModel(BertConfig(**config), add_pooling_layer)``.

    Outputs ``last_hidden_state`` ``(B, T, hidden_size)`` and, with the pooling
    layer, ``pooler_output`` ``(B, hidden_size)``.
    """
    return _base("BertModel", BERT_DEFAULTS, add_pooling_layer, config,
                 (batch_size, seq_length, encoder_seq_length))


def BertForMaskedLM(*, batch_size=None, seq_length=None, encoder_seq_length=None, **config):
    """``transformers.BertForMaskedLM``: BERT without pooler, and the masked-LM head.

    The decoder to the vocabulary is tied to the word embeddings and its bias to
    ``cls.predictions.bias`` when ``tie_word_embeddings`` (the default); untied, both
    are its own, and ``cls.predictions.bias`` stays a parameter. Output: ``logits``
    ``(B, T, vocab_size)``.

    >>> BertForMaskedLM().params - BertModel(add_pooling_layer=False).params
    622650
    """
    owner = "BertForMaskedLM"
    cfg, body = _body(owner, BERT_DEFAULTS, config, (batch_size, seq_length, encoder_seq_length))
    return Model(body.inputs, _predictions(owner, cfg, body), name=owner)


def BertForPreTraining(*, batch_size=None, seq_length=None, encoder_seq_length=None, **config):
    """``transformers.BertForPreTraining``: BERT with pooler, the masked-LM and next-sentence heads.

    Outputs ``prediction_logits`` ``(B, T, vocab_size)`` and ``seq_relationship_logits``
    ``(B, 2)``. The decoder is tied as in :func:`BertForMaskedLM`.
    """
    owner = "BertForPreTraining"
    cfg, body = _body(owner, BERT_DEFAULTS, config, (batch_size, seq_length, encoder_seq_length))
    pooled = pooler(body.hidden, body.size)
    logits = _predictions(owner, cfg, body)
    relationship = Linear(body.size, 2, name="seq_relationship")(pooled)
    return Model(body.inputs, [logits, relationship], name=owner)


def _body(owner, defaults, config, shapes, **options):
    """The configuration and the BERT-like body; ``shapes`` are the symparams-only keywords."""
    cfg = read_config(owner, defaults, config)
    names = ("batch_size", "seq_length", "encoder_seq_length")
    return cfg, bert_body(owner, cfg, dict(zip(names, shapes)), **options)


def _base(owner, defaults, add_pooling_layer, config, shapes, **options):
    """A BERT-like base model: the body, and the pooler if asked (BertModel, RobertaModel)."""
    pooling = arguments.flag(add_pooling_layer, owner=owner, argument="add_pooling_layer")
    _, body = _body(owner, defaults, config, shapes, **options)
    if not pooling:
        return Model(body.inputs, body.hidden, name=owner)
    return Model(body.inputs, [body.hidden, pooler(body.hidden, body.size)], name=owner)


def _predictions(owner, cfg, body):
    """``cls.predictions``: transform (dense, activation, LayerNorm), decoder, output bias."""
    d, V = body.size, body.vocab
    x = Linear(d, d, name="predictions_transform_dense")(body.hidden)
    x = _Activation(cfg.hidden_act, name="predictions_transform_act_fn")(x)
    x = LayerNorm(d, name="predictions_transform_LayerNorm")(x)
    bias = _Bias(V, name="predictions_bias")
    decoder = Linear(d, V, name="predictions_decoder")
    if flag(owner, cfg, "tie_word_embeddings"):
        decoder = decoder.tie("weight", body.words).tie("bias", bias)
    return bias(decoder(x))
