"""symparams.zoo.hf decoders against transformers models built from the same config.

Models are built on the meta device (no memory for weights), so published sizes are cheap;
one tiny model per family runs a real forward pass on the CPU for the output shape.
"""

import pytest
import sympy
import torch
import transformers  # slow to import: once per module (conftest makes torchvision importable)
from transformers import (  # model classes load outside the meta device
    GPT2LMHeadModel, GPT2Model, LlamaForCausalLM, LlamaModel, MistralForCausalLM, MistralModel,
)

from symparams import ArgumentError, ShapeError, dims
from symparams.errors import UnknownArgumentError
from symparams.printing import text
from symparams.zoo import hf

transformers.logging.set_verbosity_error()

CONFIGS = {"gpt2": transformers.GPT2Config, "llama": transformers.LlamaConfig,
           "mistral": transformers.MistralConfig}
CLASSES = {"gpt2": (GPT2Model, GPT2LMHeadModel), "llama": (LlamaModel, LlamaForCausalLM),
           "mistral": (MistralModel, MistralForCausalLM)}

LLAMA_3_8B = dict(vocab_size=128256, hidden_size=4096, intermediate_size=14336,
                  num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                  rope_theta=500000.0, max_position_embeddings=8192)

CASES = [
    ("gpt2", {}),  # GPT-2 small
    ("gpt2", dict(n_layer=24, n_embd=1024, n_head=16)),  # GPT-2 medium
    ("gpt2", dict(n_layer=3, n_embd=64, n_head=4, vocab_size=101, n_positions=40, n_inner=100,
                  tie_word_embeddings=False, activation_function="relu", resid_pdrop=0.0)),
    ("gpt2", dict(num_hidden_layers=2, hidden_size=48, num_attention_heads=3,
                  max_position_embeddings=16, vocab_size=77)),
    ("gpt2", dict(n_layer=2, n_embd=32, n_head=2, vocab_size=60, add_cross_attention=True)),
    ("llama", {}),  # Llama-2-7B
    ("llama", LLAMA_3_8B),
    ("llama", dict(LLAMA_3_8B, tie_word_embeddings=True)),
    ("llama", dict(vocab_size=1000, hidden_size=256, intermediate_size=600,
                   num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
                   head_dim=48, attention_bias=True, mlp_bias=True, pad_token_id=0,
                   rope_parameters={"rope_type": "linear", "rope_theta": 1e4, "factor": 2.0})),
    ("mistral", {}),  # Mistral-7B
    ("mistral", dict(tie_word_embeddings=True, sliding_window=None)),
    ("mistral", dict(vocab_size=500, hidden_size=96, intermediate_size=200,
                     num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=1,
                     head_dim=32, rms_norm_eps=1e-5)),
]


def theirs_on_meta(cls, config, buffers=False):
    """Parameters and non-embedding parameters (and buffer entries) of ``cls(config)``."""
    with torch.device("meta"):
        model = cls(config)
    counts = model.num_parameters(), model.num_parameters(exclude_embeddings=True)
    return (*counts, sum(b.numel() for b in model.buffers())) if buffers else counts


@pytest.mark.parametrize("family, kwargs", CASES)
def test_counts_match_transformers(family, kwargs):
    config = CONFIGS[family](**kwargs)
    for ours_builder, theirs_class in zip(
            (getattr(hf, c.__name__) for c in CLASSES[family]), CLASSES[family]):
        ours = ours_builder(**kwargs)
        assert (ours.params, ours.non_embedding_params, ours.buffers) == \
            theirs_on_meta(theirs_class, config, buffers=True), theirs_class.__name__


def test_gpt2_in_closed_form():
    V, T, L, d = dims("V T L d")
    model = hf.GPT2LMHeadModel(n_layer=L, n_embd=d, vocab_size=V, n_positions=T)
    assert sympy.expand(model.params - (V*d + T*d + L*(12*d**2 + 13*d) + 2*d)) == 0
    assert text(model.params) == "L·(12·d² + 13·d) + T·d + V·d + 2·d"
    assert sympy.expand(model.non_embedding_params - (L*(12*d**2 + 13*d) + 2*d)) == 0
    small = model.subs(V=50257, T=1024, L=12, d=768)
    assert small.params == 124439808
    assert small.params == theirs_on_meta(GPT2LMHeadModel, transformers.GPT2Config())[0]
    assert model.output_shape == (dims("B"), T, V)
    # The sequence is n_positions long, so it fits; the heads must split d.
    assert [(name, c.kind, c.lhs, c.rhs) for name, c in model.conditions] == \
        [("h", "divides", 12, d)]


@pytest.mark.parametrize("family", ["llama", "mistral"])
def test_symbolic_llama_and_mistral_substitute_to_transformers(family):
    V, d, f, L, h, k = dims("V d f L h k")
    builder = hf.LlamaForCausalLM if family == "llama" else hf.MistralForCausalLM
    model = builder(vocab_size=V, hidden_size=d, intermediate_size=f, num_hidden_layers=L,
                    num_attention_heads=h, num_key_value_heads=k)
    assert sympy.expand(model.params - (2*V*d + d + L*(2*d**2 + 2*d*k*d/h + 3*d*f + 2*d))) == 0
    assert {(name, c.kind, c.lhs, c.rhs) for name, c in model.conditions} == \
        {("layers", "divides", k, h), ("layers", "divides", h, d),  # recorded from self_attn
         ("rotary_emb", "divides", 2, d / h)}  # RoPE turns pairs: an even head_dim
    sizes = dict(vocab_size=1000, hidden_size=128, intermediate_size=300, num_hidden_layers=3,
                 num_attention_heads=8, num_key_value_heads=2)
    ours = model.subs(V=1000, d=128, f=300, L=3, h=8, k=2)
    theirs = theirs_on_meta(CLASSES[family][1], CONFIGS[family](**sizes))
    assert (ours.params, ours.non_embedding_params) == theirs


def test_symbolic_head_dim_and_depth():
    L, a = dims("L a")
    model = hf.LlamaModel(num_hidden_layers=L, head_dim=a, num_key_value_heads=8)
    assert sympy.expand(model.params - (32000*4096 + 4096
                                        + L*(2*4096*32*a + 2*4096*8*a + 3*4096*11008
                                             + 2*4096))) == 0
    sizes = dict(num_hidden_layers=2, head_dim=96, num_key_value_heads=8)
    assert model.subs(L=2, a=96).params == \
        theirs_on_meta(LlamaModel, transformers.LlamaConfig(**sizes))[0]


@pytest.mark.parametrize("family, kwargs", [
    ("gpt2", dict(n_layer=2, n_embd=32, n_head=4, vocab_size=50, n_positions=16)),
    ("llama", dict(vocab_size=50, hidden_size=32, intermediate_size=40, num_hidden_layers=2,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=16)),
    ("mistral", dict(vocab_size=50, hidden_size=32, intermediate_size=40, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=1)),
])
def test_forward_pass_shapes_match(family, kwargs):
    config = CONFIGS[family](**kwargs)
    ids = torch.randint(0, kwargs["vocab_size"], (2, 7))
    base_class, head_class = CLASSES[family]
    with torch.no_grad():
        hidden = base_class(config).eval()(input_ids=ids).last_hidden_state.shape
        logits = head_class(config).eval()(input_ids=ids).logits.shape
    base = getattr(hf, base_class.__name__)(batch_size=2, seq_length=7, **kwargs)
    head = getattr(hf, head_class.__name__)(batch_size=2, seq_length=7, **kwargs)
    assert base.output_shape == tuple(hidden)
    assert head.output_shape == tuple(logits)


def test_summaries_name_the_hugging_face_modules():
    model = hf.LlamaForCausalLM(tie_word_embeddings=True)
    assert [b.name for b in model.layers] == ["embed_tokens", "rotary_emb", "layers", "norm",
                                              "lm_head"]
    assert "lm_head (Linear, weight tied to embed_tokens.weight)" in str(model.summary())
    block = model.layers[2].block
    assert [b.name for b in block.layers if b.params != 0] == [
        "input_layernorm", "self_attn", "post_attention_layernorm", "mlp"]
    assert "GPT2Block × 12" in str(hf.GPT2Model().summary())


def test_unknown_config_arguments_are_named():
    with pytest.raises(UnknownArgumentError, match=r"GPT2Model: unknown configuration arguments "
                                                   r"\['hidden_layers', 'n_heads'\]"):
        hf.GPT2Model(n_heads=12, hidden_layers=3)
    with pytest.raises(UnknownArgumentError, match="attention_bias"):
        hf.MistralForCausalLM(attention_bias=True)  # MistralConfig has no such field
    with pytest.raises(UnknownArgumentError, match="sliding_window"):
        hf.LlamaModel(sliding_window=4096)


def test_invalid_configurations():
    with pytest.raises(ArgumentError, match="hidden size \\(100\\) is not a multiple"):
        hf.LlamaModel(hidden_size=100, num_attention_heads=3, head_dim=32)
    with pytest.raises(ArgumentError, match="num_kv_heads must divide num_heads"):
        hf.MistralModel(num_key_value_heads=5)
    with pytest.raises(ArgumentError, match="n_embd"):
        hf.GPT2Model(n_embd=0)
    with pytest.raises(ShapeError, match="position_ids.*n_positions"):
        hf.GPT2Model(n_positions=8, seq_length=9)
    with pytest.raises(ShapeError, match="rotary_emb.*head_dim must be even: 2 does not "
                                         "divide 33"):
        hf.MistralModel(hidden_size=99, num_attention_heads=3, num_key_value_heads=1)
    with pytest.raises(ArgumentError, match="pad_token_id=10, vocab_size=10"):
        hf.LlamaModel(vocab_size=10, pad_token_id=10)


def test_mistral_head_dim_floors_as_its_config():
    sizes = dict(vocab_size=100, hidden_size=98, intermediate_size=64, num_hidden_layers=1,
                 num_attention_heads=3, num_key_value_heads=3)  # head_dim 98 // 3 = 32
    assert hf.MistralModel(**sizes).params == \
        theirs_on_meta(MistralModel, transformers.MistralConfig(**sizes))[0]


def test_a_partial_rotary_factor_is_refused():
    with pytest.raises(ArgumentError, match="partial_rotary_factor"):
        hf.LlamaModel(rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                       "partial_rotary_factor": 0.5})
    hf.LlamaModel(rope_parameters={"rope_type": "linear", "rope_theta": 10000.0, "factor": 2.0})


def test_gpt2_with_cross_attention_reads_encoder_hidden_states():
    L, S = dims("L S")
    kwargs = dict(n_layer=2, n_embd=32, n_head=4, vocab_size=50, n_positions=16,
                  add_cross_attention=True)
    config = transformers.GPT2Config(**kwargs)
    ids, memory = torch.randint(0, 50, (2, 7)), torch.randn(2, 5, 32)
    with torch.no_grad():
        logits = GPT2LMHeadModel(config).eval()(input_ids=ids,
                                                encoder_hidden_states=memory).logits.shape
    ours = hf.GPT2LMHeadModel(batch_size=2, seq_length=7, encoder_seq_length=5, **kwargs)
    assert ours.input_shape == [(2, 7), (2, 5, 32)]
    assert ours.output_shape == tuple(logits)
    deep = hf.GPT2Model(n_layer=L, add_cross_attention=True)
    assert deep.input_shape[1] == (dims("B"), S, 768)
    assert deep.subs(L=3).params == theirs_on_meta(
        GPT2Model, transformers.GPT2Config(n_layer=3, add_cross_attention=True))[0]
