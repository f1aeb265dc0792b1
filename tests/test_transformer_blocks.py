"""nn.GroupedQueryAttention, FeedForward, SwiGLU and the residual blocks against torch modules."""

from functools import partial

import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from symparams import ArgumentError, Repeat, ShapeError, Tensor, dims, nn
from symparams.errors import ArgumentTypeError, UnknownArgumentError

from .helpers import same

B, T, S, d, h, k, f, L = dims("B T S d h k f L")


def torch_params(module) -> int:
    return sum(p.numel() for p in module.parameters())


class TorchGQA(torch.nn.Module):
    """Grouped-query attention as Llama's modeling code computes it, from torch parts."""

    def __init__(self, embed_dim, num_heads, num_kv_heads, head_dim, qkv_bias, out_bias,
                 kdim=None, vdim=None):
        super().__init__()
        self.shape = num_heads, num_kv_heads, head_dim
        self.q_proj = torch.nn.Linear(embed_dim, num_heads * head_dim, bias=qkv_bias)
        self.k_proj = torch.nn.Linear(kdim or embed_dim, num_kv_heads * head_dim, bias=qkv_bias)
        self.v_proj = torch.nn.Linear(vdim or embed_dim, num_kv_heads * head_dim, bias=qkv_bias)
        self.o_proj = torch.nn.Linear(num_heads * head_dim, embed_dim, bias=out_bias)

    def forward(self, query, key=None, value=None):
        key = query if key is None else key
        value = key if value is None else value
        heads, kv_heads, head_dim = self.shape

        def split(x, n):
            return x.unflatten(-1, (n, head_dim)).transpose(-2, -3)

        out = torch.nn.functional.scaled_dot_product_attention(
            split(self.q_proj(query), heads), split(self.k_proj(key), kv_heads),
            split(self.v_proj(value), kv_heads), enable_gqa=True)
        return self.o_proj(out.transpose(-2, -3).flatten(-2))


class TorchSwiGLU(torch.nn.Module):
    def __init__(self, embed_dim, hidden_dim, bias):
        super().__init__()
        self.gate_proj = torch.nn.Linear(embed_dim, hidden_dim, bias=bias)
        self.up_proj = torch.nn.Linear(embed_dim, hidden_dim, bias=bias)
        self.down_proj = torch.nn.Linear(hidden_dim, embed_dim, bias=bias)

    def forward(self, x):
        return self.down_proj(torch.nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class TorchPreNormBlock(torch.nn.Module):
    def __init__(self, attention, mlp, norm1, norm2):
        super().__init__()
        self.attention, self.mlp, self.norm1, self.norm2 = attention, mlp, norm1, norm2

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def forward_shape(ours, module, *shapes):
    """Our output shape and torch's, for a real forward pass at ``shapes``."""
    outputs = ours(*(Tensor(shape) for shape in shapes))
    with torch.no_grad():
        theirs = module(*(torch.randn(*shape) for shape in shapes))
    return tuple(int(s) for s in outputs.shape), tuple(theirs.shape)


attention_sizes = st.fixed_dictionaries({
    "num_kv_heads": st.integers(1, 3), "group": st.integers(1, 3),
    "head_dim": st.integers(1, 6), "embed_dim": st.one_of(st.none(), st.integers(1, 24)),
    "qkv_bias": st.booleans(), "out_bias": st.booleans(), "batch": st.integers(1, 2),
    "length": st.integers(1, 4)})


@given(attention_sizes)
def test_grouped_query_attention_matches_torch(sizes):
    kv, head_dim = sizes["num_kv_heads"], sizes["head_dim"]
    heads = kv * sizes["group"]
    embed = sizes["embed_dim"] or heads * head_dim  # explicit head_dim, or the default
    explicit = sizes["embed_dim"] is not None
    ours = nn.GroupedQueryAttention(embed, heads, num_kv_heads=kv,
                                    head_dim=head_dim if explicit else None, bias=False,
                                    qkv_bias=sizes["qkv_bias"], out_bias=sizes["out_bias"])
    theirs = TorchGQA(embed, heads, kv, head_dim, sizes["qkv_bias"], sizes["out_bias"])
    assert ours.params == torch_params(theirs)
    shape = (sizes["batch"], sizes["length"], embed)
    ours_shape, theirs_shape = forward_shape(ours, theirs, shape)
    assert ours_shape == theirs_shape


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 9),
       st.integers(1, 9), st.integers(1, 5))
def test_cross_attention_matches_torch(kv, group, head_dim, kdim, vdim, source_length):
    heads, embed = kv * group, kv * group * head_dim
    ours = nn.GroupedQueryAttention(embed, heads, num_kv_heads=kv, kdim=kdim, vdim=vdim)
    theirs = TorchGQA(embed, heads, kv, head_dim, True, True, kdim=kdim, vdim=vdim)
    assert ours.params == torch_params(theirs)
    shapes = (2, 3, embed), (2, source_length, kdim), (2, source_length, vdim)
    ours_shape, theirs_shape = forward_shape(ours, theirs, *shapes)
    assert ours_shape == theirs_shape


@given(st.integers(1, 6), st.integers(1, 6), st.booleans())
def test_standard_multi_head_case_counts_as_torch_multihead_attention(heads, head_dim, bias):
    embed = heads * head_dim
    theirs = torch.nn.MultiheadAttention(embed, heads, bias=bias, batch_first=True)
    assert nn.GroupedQueryAttention(embed, heads, bias=bias).params == torch_params(theirs)


def test_symbolic_counts():
    assert same(nn.GroupedQueryAttention(d, h, num_kv_heads=k, head_dim=f, bias=False).params,
                2 * d * h * f + 2 * d * k * f)
    assert nn.GroupedQueryAttention(d, h, num_kv_heads=1).params == \
        2 * d * (d + 1) + 2 * (d / h) * (d + 1)
    assert same(nn.GroupedQueryAttention(d, h, bias=False, qkv_bias=True).params,
                4 * d**2 + 3 * d)


@given(st.integers(1, 12), st.integers(1, 12), st.booleans(), st.integers(1, 3))
def test_feed_forward_matches_torch(embed, hidden, bias, length):
    ours = nn.FeedForward(embed, hidden, bias=bias)
    theirs = torch.nn.Sequential(torch.nn.Linear(embed, hidden, bias=bias), torch.nn.GELU(),
                                 torch.nn.Linear(hidden, embed, bias=bias))
    assert ours.params == torch_params(theirs)
    assert forward_shape(ours, theirs, (2, length, embed))[0] == (2, length, embed)


@given(st.integers(1, 12), st.integers(1, 12), st.booleans())
def test_swiglu_matches_torch(embed, hidden, bias):
    ours = nn.SwiGLU(embed, hidden, bias=bias)
    theirs = TorchSwiGLU(embed, hidden, bias)
    assert ours.params == torch_params(theirs)
    ours_shape, theirs_shape = forward_shape(ours, theirs, (3, 2, embed))
    assert ours_shape == theirs_shape


@settings(max_examples=20)  # building torch blocks costs; 20 cover the switches
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 16), st.booleans(),
       st.booleans())
def test_layer_norm_blocks_count_as_torch_transformer_encoder_layer(heads, head_dim, hidden,
                                                                    bias, pre):
    embed = heads * head_dim
    build = nn.pre_norm_block if pre else nn.post_norm_block
    ours = build(nn.GroupedQueryAttention(embed, heads, bias=bias),
                 nn.FeedForward(embed, hidden, bias=bias),
                 norm_layer=partial(nn.LayerNorm, bias=bias), batch_size=2, seq_length=3)
    theirs = torch.nn.TransformerEncoderLayer(embed, heads, hidden, batch_first=True,
                                              norm_first=pre, bias=bias, dropout=0.0)
    assert ours.params == torch_params(theirs)
    with torch.no_grad():
        assert tuple(theirs(torch.randn(2, 3, embed)).shape) == ours.output_shape


@settings(max_examples=20)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 16), st.booleans(),
       st.integers(1, 4))
def test_cross_attention_blocks_count_as_torch_transformer_decoder_layer(heads, head_dim,
                                                                         hidden, pre, source):
    embed = heads * head_dim
    build = nn.pre_norm_block if pre else nn.post_norm_block
    ours = build(nn.GroupedQueryAttention(embed, heads), nn.FeedForward(embed, hidden),
                 cross_attention=nn.GroupedQueryAttention(embed, heads), batch_size=2,
                 seq_length=3, encoder_seq_length=source)
    theirs = torch.nn.TransformerDecoderLayer(embed, heads, hidden, batch_first=True,
                                              norm_first=pre, dropout=0.0)
    assert ours.params == torch_params(theirs)
    with torch.no_grad():
        out = theirs(torch.randn(2, 3, embed), torch.randn(2, source, embed))
    assert tuple(out.shape) == ours.output_shape
    assert [t.shape for t in ours.inputs] == [(2, 3, embed), (2, source, embed)]


@settings(max_examples=20)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 16),
       st.integers(1, 3))
def test_llama_style_block_matches_torch_and_repeats(kv, group, head_dim, hidden, depth):
    heads = kv * group
    embed = heads * head_dim
    block = nn.pre_norm_block(nn.GroupedQueryAttention(embed, heads, num_kv_heads=kv,
                                                       bias=False),
                              nn.SwiGLU(embed, hidden), norm_layer=nn.RMSNorm, seq_length=5)
    layer = TorchPreNormBlock(TorchGQA(embed, heads, kv, head_dim, False, False),
                              TorchSwiGLU(embed, hidden, False), torch.nn.RMSNorm(embed),
                              torch.nn.RMSNorm(embed))
    assert block.params == torch_params(layer)
    stack = torch.nn.Sequential(*(TorchPreNormBlock(
        TorchGQA(embed, heads, kv, head_dim, False, False), TorchSwiGLU(embed, hidden, False),
        torch.nn.RMSNorm(embed), torch.nn.RMSNorm(embed)) for _ in range(depth)))
    repeated = Repeat(block, L)
    x = Tensor((B, 5, embed))
    assert repeated(x).shape == (B, 5, embed)
    assert repeated.count_params(x.shape).subs(L, depth) == torch_params(stack)
    with torch.no_grad():
        assert tuple(stack(torch.randn(2, 5, embed)).shape) == (2, 5, embed)


def test_symbolic_depth_transformer_in_closed_form():
    block = nn.pre_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, 4 * d))
    repeated = Repeat(block, L)
    assert repeated(Tensor((B, T, d))).shape == (B, T, d)
    assert repeated.count_params((B, T, d)) == L * (12 * d**2 + 13 * d)
    assert [b.name for b in block.layers] == ["norm1", "self_attn", "add", "norm2", "mlp",
                                              "add_1"]


def test_block_names_follow_the_modules():
    block = nn.pre_norm_block(nn.GroupedQueryAttention(d, h, name="attn"),
                              nn.FeedForward(d, f, name="ffn"), norm_names=("ln_1", "ln_2"),
                              name="GPT2Block")
    assert [b.name for b in block.layers if b.params != 0] == ["ln_1", "attn", "ln_2", "ffn"]
    assert block.name == "GPT2Block"


def test_divisibility_is_an_error_when_decided_and_a_condition_when_not():
    with pytest.raises(ArgumentError, match="num_kv_heads must divide num_heads.*"
                                            "Received: num_kv_heads=3, num_heads=8"):
        nn.GroupedQueryAttention(64, 8, num_kv_heads=3)
    with pytest.raises(ArgumentError, match="embed_dim must be divisible by num_heads"):
        nn.GroupedQueryAttention(100, 3)
    nn.GroupedQueryAttention(100, 3, head_dim=32)  # an explicit head_dim needs no division
    out = nn.GroupedQueryAttention(d, h, num_kv_heads=k)(Tensor((B, T, d)))
    assert {(c.kind, c.lhs, c.rhs) for c in out.node.bound.conditions} == \
        {("divides", k, h), ("divides", h, d)}
    with pytest.raises(ArgumentError, match="num_kv_heads must divide num_heads"):
        nn.GroupedQueryAttention(d, h, num_kv_heads=k).subs({h: 8, k: 3})


def test_shape_errors():
    attention = nn.GroupedQueryAttention(d, h)
    with pytest.raises(ShapeError, match="the query's last axis must be embed_dim"):
        attention(Tensor((B, T, d + 1)))
    with pytest.raises(ShapeError, match="leading"):
        attention(Tensor((2, T, d)), Tensor((3, S, d)))
    with pytest.raises(ShapeError, match="same rank"):
        attention(Tensor((B, T, d)), Tensor((S, d)))
    with pytest.raises(ShapeError, match="embed_dim"):
        nn.SwiGLU(d, f)(Tensor((B, T, f + d)))


def test_argument_errors():
    with pytest.raises(UnknownArgumentError, match="num_key_value_heads"):
        nn.GroupedQueryAttention(d, h, num_key_value_heads=2)
    with pytest.raises(ArgumentError, match="head_dim"):
        nn.GroupedQueryAttention(d, h, head_dim=0)
    with pytest.raises(ArgumentTypeError, match="attention"):
        nn.pre_norm_block(nn.MultiheadAttention(d, h), nn.FeedForward(d, f))
    with pytest.raises(ArgumentTypeError, match="norm_names.*3 names"):
        nn.pre_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, f),
                          cross_attention=nn.GroupedQueryAttention(d, h),
                          norm_names=("ln_1", "ln_2"))
    with pytest.raises(ArgumentTypeError, match="cross_attention"):
        nn.post_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, f),
                           cross_attention=nn.MultiheadAttention(d, h))
    with pytest.raises(ArgumentTypeError, match="norm_layer"):
        nn.pre_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, f),
                          norm_layer="layer_norm")
    with pytest.raises(ArgumentTypeError, match="activation"):
        nn.FeedForward(d, f, activation=3)


def test_replace_resolves_defaults_again():
    attention = nn.GroupedQueryAttention(d, h)
    assert attention.replace(num_heads=2 * h).head_dim == d / (2 * h)
    assert attention.subs({d: 64, h: 8}).head_dim == 8
    assert sympy.Integer(attention.subs({d: 64, h: 8}).params) == 4 * 64 * 65


def test_a_repeated_block_reports_its_attention_conditions():
    from symparams import Model

    block = nn.pre_norm_block(nn.GroupedQueryAttention(d, h, num_kv_heads=k),
                              nn.SwiGLU(d, f), norm_layer=nn.RMSNorm)
    x = Tensor((B, T, d))
    conditions = Model(x, Repeat(block, L, name="layers")(x)).conditions
    assert {(name, c.lhs, c.rhs) for name, c in conditions} == {("layers", k, h),
                                                                ("layers", h, d)}
    assert "'self_attn': num_kv_heads must divide num_heads" in conditions[0][1].meaning
