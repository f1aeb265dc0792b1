"""symparams.zoo.hf encoders (BERT, RoBERTa, DistilBERT, T5, ViT) against transformers.

Each model is built by transformers from the same configuration on the meta device (no
memory, no initialization): its ``num_parameters()``, with and without embeddings and
trainable only, and its buffers are compared with ours. A tiny model per family runs
forward on CPU to compare the output shapes.
"""

import pytest
import sympy
import torch
import transformers  # conftest makes torchvision (which transformers imports) importable

from symparams import dims
from symparams.errors import ArgumentError, ShapeError, UnknownArgumentError
from symparams.zoo import hf

B, T = dims("B T")


def theirs(class_name, config_name, config, **options):
    """Counts of the transformers model built from ``config`` on the meta device."""
    model_class = getattr(transformers, class_name)  # resolve the lazy import off meta
    settings = getattr(transformers, config_name)(**config)
    with torch.device("meta"):
        model = model_class(settings, **options)
    return (model.num_parameters(), model.num_parameters(exclude_embeddings=True),
            model.num_parameters(only_trainable=True),
            sum(b.numel() for b in model.buffers()))


def ours(model):
    return (int(model.params), int(model.non_embedding_params), int(model.trainable_params),
            int(model.buffers))


BERT_CONFIGS = {
    "bert-base-uncased": {},
    "bert-large": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                       intermediate_size=4096),
    "odd": dict(vocab_size=97, hidden_size=12, num_hidden_layers=3, num_attention_heads=3,
                intermediate_size=37, max_position_embeddings=19, type_vocab_size=1,
                pad_token_id=None, hidden_act="relu", layer_norm_eps=1e-5),
    "untied": dict(vocab_size=101, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                   intermediate_size=5, tie_word_embeddings=False),
    "cross-attention": dict(vocab_size=41, hidden_size=6, num_hidden_layers=2,
                            num_attention_heads=2, intermediate_size=7, is_decoder=True,
                            add_cross_attention=True),
}


@pytest.mark.parametrize("config", BERT_CONFIGS.values(), ids=BERT_CONFIGS)
@pytest.mark.parametrize("name, options", [
    ("BertModel", {}), ("BertModel", {"add_pooling_layer": False}), ("BertForMaskedLM", {}),
    ("BertForPreTraining", {}),
])
def test_bert_counts_match_transformers(name, options, config):
    assert ours(getattr(hf, name)(**options, **config)) == \
        theirs(name, "BertConfig", config, **options)


ROBERTA_CONFIGS = {
    "roberta-base": dict(max_position_embeddings=514, type_vocab_size=1),
    "defaults": {},
    "odd": dict(vocab_size=53, hidden_size=10, num_hidden_layers=2, num_attention_heads=5,
                intermediate_size=11, max_position_embeddings=23, pad_token_id=4),
    "cross-attention": dict(hidden_size=8, num_hidden_layers=3, num_attention_heads=4,
                            intermediate_size=9, is_decoder=True, add_cross_attention=True),
}


@pytest.mark.parametrize("config", ROBERTA_CONFIGS.values(), ids=ROBERTA_CONFIGS)
@pytest.mark.parametrize("pooling", [True, False])
def test_roberta_counts_match_transformers(pooling, config):
    assert ours(hf.RobertaModel(add_pooling_layer=pooling, **config)) == \
        theirs("RobertaModel", "RobertaConfig", config, add_pooling_layer=pooling)


DISTILBERT_CONFIGS = {
    "distilbert-base": {},
    "odd": dict(vocab_size=61, dim=16, n_heads=4, n_layers=2, hidden_dim=40,
                max_position_embeddings=33, sinusoidal_pos_embds=True),
    "aliases": dict(hidden_size=12, num_attention_heads=3, num_hidden_layers=1),
}


@pytest.mark.parametrize("config", DISTILBERT_CONFIGS.values(), ids=DISTILBERT_CONFIGS)
def test_distilbert_counts_match_transformers(config):
    assert ours(hf.DistilBertModel(**config)) == \
        theirs("DistilBertModel", "DistilBertConfig", config)


T5_CONFIGS = {
    "t5-small": {},
    "t5-base": dict(d_model=768, d_ff=3072, num_heads=12, num_layers=12),
    "flan-t5-base": dict(d_model=768, d_ff=2048, num_heads=12, num_layers=12,
                         feed_forward_proj="gated-gelu", tie_word_embeddings=False),
    "odd": dict(vocab_size=50, d_model=10, d_kv=7, num_heads=3, d_ff=13, num_layers=2,
                num_decoder_layers=3, relative_attention_num_buckets=5,
                feed_forward_proj="gated-silu"),
    "one-layer": dict(vocab_size=20, d_model=6, d_kv=2, num_heads=2, d_ff=4, num_layers=1),
}


@pytest.mark.parametrize("config", T5_CONFIGS.values(), ids=T5_CONFIGS)
@pytest.mark.parametrize("name", ["T5Model", "T5ForConditionalGeneration"])
def test_t5_counts_match_transformers(name, config):
    assert ours(getattr(hf, name)(**config)) == theirs(name, "T5Config", config)


VIT_CONFIGS = {
    "vit-base-patch16-224": {},
    "odd": dict(hidden_size=12, num_attention_heads=5, num_hidden_layers=2,
                intermediate_size=20, image_size=30, patch_size=7, num_channels=1,
                qkv_bias=False, pooler_output_size=9, num_labels=7),
    "pairs": dict(hidden_size=8, num_attention_heads=2, num_hidden_layers=1,
                  intermediate_size=4, image_size=(32, 48), patch_size=(8, 16), head_dim=3,
                  id2label={0: "cat", 1: "dog", 2: "emu"}),
    "no-labels": dict(hidden_size=8, num_attention_heads=2, num_hidden_layers=1,
                      intermediate_size=4, image_size=16, patch_size=4, num_labels=0),
}


@pytest.mark.parametrize("config", VIT_CONFIGS.values(), ids=VIT_CONFIGS)
@pytest.mark.parametrize("name, options", [
    ("ViTModel", {}), ("ViTModel", {"add_pooling_layer": False, "use_mask_token": True}),
    ("ViTForImageClassification", {}),
])
def test_vit_counts_match_transformers(name, options, config):
    assert ours(getattr(hf, name)(**options, **config)) == \
        theirs(name, "ViTConfig", config, **options)


def test_vit_classifier_sizes_published():
    assert ours(hf.ViTForImageClassification(num_labels=1000)) == \
        theirs("ViTForImageClassification", "ViTConfig", {"num_labels": 1000})


# -- symbolic sizes -------------------------------------------------------------------------

V, d, L, f, P, h = dims("V d L f P h")


@pytest.mark.parametrize("build, values", [
    (lambda: hf.BertForPreTraining(vocab_size=V, hidden_size=d, num_hidden_layers=L,
                                   intermediate_size=f, max_position_embeddings=P,
                                   num_attention_heads=h),
     dict(V=97, d=12, L=3, f=37, P=19, h=3)),
    (lambda: hf.T5ForConditionalGeneration(vocab_size=V, d_model=d, num_layers=L, d_ff=f,
                                           num_heads=h, feed_forward_proj="gated-gelu"),
     dict(V=50, d=10, L=1, f=13, h=3)),
    (lambda: hf.ViTForImageClassification(hidden_size=d, num_hidden_layers=L,
                                          intermediate_size=f, image_size=P, patch_size=4,
                                          num_labels=V, num_attention_heads=h),
     dict(V=5, d=12, L=2, f=20, P=30, h=5)),
])
def test_symbolic_models_substitute_to_the_numeric_ones(build, values):
    symbolic = build()
    numeric = symbolic.subs(**values)
    assert int(numeric.params) == symbolic.params.subs(
        {sympy.Symbol(k, integer=True, positive=True): v for k, v in values.items()})
    assert numeric.params.is_Integer and numeric.non_embedding_params.is_Integer


def test_symbolic_counts_match_transformers_after_substitution():
    model = hf.T5Model(vocab_size=V, d_model=d, num_layers=L, d_ff=f, num_heads=h, d_kv=2)
    values = dict(vocab_size=40, d_model=6, num_layers=3, d_ff=5, num_heads=4, d_kv=2)
    numeric = model.subs(V=40, d=6, L=3, f=5, h=4)
    assert ours(numeric) == theirs("T5Model", "T5Config", values)


def test_bert_formula_and_sequence_conditions():
    model = hf.BertModel(vocab_size=V, hidden_size=d, num_hidden_layers=L,
                         intermediate_size=f, max_position_embeddings=P,
                         num_attention_heads=4, type_vocab_size=2)
    layer = 4 * d * (d + 1) + 2 * d * f + f + d + 4 * d
    expected = V * d + 2 * d + P * d + 2 * d + L * layer + d * (d + 1)
    assert sympy.expand(model.params - expected) == 0
    assert sympy.expand(model.non_embedding_params - (2 * d + L * layer + d * (d + 1))) == 0
    assert model.output_shape == [(B, T, d), (B, d)]
    # the position table must be long enough; the heads must split d evenly (as
    # BertConfig requires of hidden_size and num_attention_heads)
    assert {str(c.as_relation()) for _, c in model.conditions} == {"T - 1 < P",
                                                                   "Eq(Mod(d, 4), 0)"}
    with pytest.raises(ShapeError, match="max_position_embeddings"):
        hf.BertModel(seq_length=513)


def test_roberta_sequences_end_before_the_last_position():
    model = hf.RobertaModel(max_position_embeddings=514, seq_length=T)
    assert model.subs(T=512).params == model.params
    with pytest.raises(ShapeError, match="positions must fit"):
        model.subs(T=513)


def test_t5_shared_table_and_relative_bias_once_per_stack():
    model = hf.T5ForConditionalGeneration(num_layers=L, num_decoder_layers=3)
    names = [layer.name for layer in model.layers]
    assert names.count("shared") == 1
    assert [n for n in names if "relative_attention_bias" in n] == [
        "encoder_relative_attention_bias", "decoder_relative_attention_bias"]
    head = model.layers[names.index("lm_head")]
    assert head.params == 0 and head.weights[0].tied_to == "shared.weight"
    assert model.output_shape == [(B, dims("T_dec"), 32128), (B, dims("T_enc"), 512)]


def test_t5_gated_feed_forward_has_three_matrices():
    relu = hf.T5Model(d_model=d, d_ff=f, d_kv=3, num_heads=h, num_layers=1)
    gated = hf.T5Model(d_model=d, d_ff=f, d_kv=3, num_heads=h, num_layers=1,
                       feed_forward_proj="gated-gelu")
    assert sympy.expand(gated.params - relu.params) == 2 * d * f  # one more, in each stack


def test_summaries_and_explanations_say_what_is_tied():
    summary = str(hf.BertForMaskedLM().summary())
    assert "predictions_decoder (Linear, weight tied to word_embeddings.weight, bias tied to " \
        "predictions_bias.bias)" in summary
    assert "encoder_layer (BertLayer × 12)" in summary
    explanation = str(hf.T5ForConditionalGeneration(num_layers=L).explain())
    assert "tied to shared.weight" in explanation and "decoder_block" in explanation


# -- forward passes ---------------------------------------------------------------------------


def _run(name, config_name, config, inputs, **options):
    model = getattr(transformers, name)(getattr(transformers, config_name)(**config), **options)
    with torch.no_grad():
        return model.eval()(**inputs)


def _shapes(model):
    shapes = model.output_shape if isinstance(model.output_shape, list) else \
        [model.output_shape]
    return [tuple(int(s) for s in shape) for shape in shapes]


TINY_BERT = dict(vocab_size=31, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=6, max_position_embeddings=16)


@pytest.mark.parametrize("name, fields, config, options", [
    ("BertModel", ("last_hidden_state", "pooler_output"), TINY_BERT, {}),
    ("BertForPreTraining", ("prediction_logits", "seq_relationship_logits"), TINY_BERT, {}),
    ("BertForMaskedLM", ("logits",), TINY_BERT, {}),
    ("RobertaModel", ("last_hidden_state", "pooler_output"), TINY_BERT, {}),
    ("DistilBertModel", ("last_hidden_state",),
     dict(vocab_size=31, dim=8, n_layers=2, n_heads=2, hidden_dim=6), {}),
])
def test_forward_shapes_of_the_text_encoders(name, fields, config, options):
    output = _run(name, name.replace("ForPreTraining", "").replace("ForMaskedLM", "")
                  .replace("Model", "") + "Config", config,
                  {"input_ids": torch.randint(2, 31, (3, 7))}, **options)
    ours_ = getattr(hf, name)(batch_size=3, seq_length=7, **options, **config)
    assert _shapes(ours_) == [tuple(getattr(output, field).shape) for field in fields]


def test_forward_shapes_of_a_bert_decoder_with_cross_attention():
    config = dict(TINY_BERT, is_decoder=True, add_cross_attention=True)
    output = _run("BertModel", "BertConfig", config,
                  {"input_ids": torch.randint(2, 31, (3, 7)),
                   "encoder_hidden_states": torch.rand(3, 5, 8)})
    model = hf.BertModel(batch_size=3, seq_length=7, encoder_seq_length=5, **config)
    assert [tuple(int(s) for s in shape) for shape in model.input_shape] == [(3, 7), (3, 5, 8)]
    assert _shapes(model) == [tuple(output.last_hidden_state.shape),
                              tuple(output.pooler_output.shape)]
    assert hf.BertModel(**config).input_shape == [(B, T), (B, dims("S"), 8)]


@pytest.mark.parametrize("name, fields", [
    ("T5Model", ("last_hidden_state", "encoder_last_hidden_state")),
    ("T5ForConditionalGeneration", ("logits", "encoder_last_hidden_state")),
])
def test_forward_shapes_of_t5(name, fields):
    config = dict(vocab_size=29, d_model=8, d_kv=3, num_heads=2, d_ff=5, num_layers=2,
                  num_decoder_layers=1, feed_forward_proj="gated-gelu")
    output = _run(name, "T5Config", config, {"input_ids": torch.randint(0, 29, (2, 9)),
                                             "decoder_input_ids": torch.randint(0, 29, (2, 4))})
    model = getattr(hf, name)(batch_size=2, seq_length=9, decoder_seq_length=4, **config)
    assert _shapes(model) == [tuple(getattr(output, field).shape) for field in fields]


@pytest.mark.parametrize("name, fields, options", [
    ("ViTModel", ("last_hidden_state", "pooler_output"), {}),
    ("ViTForImageClassification", ("logits",), {}),
])
def test_forward_shapes_of_vit(name, fields, options):
    config = dict(hidden_size=8, num_attention_heads=2, num_hidden_layers=1,
                  intermediate_size=4, image_size=(20, 12), patch_size=4, num_channels=2,
                  pooler_output_size=5, num_labels=3)
    output = _run(name, "ViTConfig", config, {"pixel_values": torch.rand(2, 2, 20, 12)},
                  **options)
    model = getattr(hf, name)(batch_size=2, **options, **config)
    assert _shapes(model) == [tuple(getattr(output, field).shape) for field in fields]


# -- arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize("build, argument", [
    (lambda: hf.BertModel(hiden_size=8), "hiden_size"),
    (lambda: hf.T5Model(n_layers=2), "n_layers"),
    (lambda: hf.ViTModel(image_sizes=32), "image_sizes"),
    (lambda: hf.DistilBertModel(hidden_act="gelu"), "hidden_act"),
])
def test_unknown_arguments_are_refused_by_name(build, argument):
    with pytest.raises(UnknownArgumentError, match=argument) as err:
        build()
    assert err.value.argument == argument


def test_arguments_that_change_no_count_are_accepted():
    base = hf.BertModel().params
    assert hf.BertModel(hidden_act="relu", hidden_dropout_prob=0.3, layer_norm_eps=1e-6,
                        initializer_range=0.1, is_decoder=True, bos_token_id=3,
                        output_hidden_states=True, torch_dtype="float16",
                        architectures=["BertModel"]).params == base


@pytest.mark.parametrize("build, match", [
    (lambda: hf.BertModel(hidden_size=10, num_attention_heads=3), "multiple of"),
    (lambda: hf.DistilBertModel(dim=10, n_heads=4), "multiple of"),
    (lambda: hf.BertModel(add_cross_attention=True), "is_decoder=True"),
    (lambda: hf.T5Model(feed_forward_proj="gelu-gated"), "feed_forward_proj"),
    (lambda: hf.RobertaModel(pad_token_id=None), "pad_token_id"),
    (lambda: hf.BertModel(hidden_size=0), "hidden_size"),
])
def test_invalid_configurations_are_refused(build, match):
    with pytest.raises(ArgumentError, match=match):
        build()
