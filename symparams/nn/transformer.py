"""TransformerEncoderLayer and TransformerDecoderLayer, built from the modules they hold.

>>> from symparams import Tensor, dims, nn
>>> T, N, d, f = dims("T N d f")
>>> layer = nn.TransformerEncoderLayer(d, 8, dim_feedforward=f)
>>> layer.params
4*d*(d + 1) + d*(f + 1) + 4*d + f*(d + 1)
>>> layer(Tensor((T, N, d))).shape
(T, N, d)
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ArgumentError, ShapeError
from ..graph import apply
from .attention import MultiheadAttention, prefixed
from .base import Module
from .linear import Linear
from .normalization import LayerNorm


class _TransformerLayer(Module):
    """What both layers share: attention blocks, a feed-forward pair, layer norms."""

    attention_blocks: ClassVar[tuple[str, ...]]
    norms: ClassVar[int]
    multiple_inputs = True
    ignored_arguments = frozenset({"dropout", "activation", "layer_norm_eps"})

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, **kwargs):
        super().__init__(dropout=dropout, activation=activation, layer_norm_eps=layer_norm_eps,
                         **kwargs)
        owner = type(self).__name__
        if isinstance(activation, str) and activation not in ("relu", "gelu"):
            raise ArgumentError(f"{owner}: activation should be relu/gelu, not {activation}",
                                argument="activation", value=activation)
        self._store(d_model=arguments.size(d_model, owner=owner, argument="d_model"),
                    nhead=arguments.size(nhead, owner=owner, argument="nhead"),
                    dim_feedforward=arguments.size(dim_feedforward, owner=owner,
                                                   argument="dim_feedforward"),
                    batch_first=arguments.flag(batch_first, owner=owner, argument="batch_first"),
                    norm_first=arguments.flag(norm_first, owner=owner, argument="norm_first"),
                    bias=arguments.flag(bias, owner=owner, argument="bias"))
        MultiheadAttention(self.d_model, self.nhead)  # the same divisibility check

    def submodules(self) -> tuple[tuple[str, Module], ...]:
        """The modules the layer holds, in ``named_parameters()`` order."""
        d, bias = self.d_model, self.bias
        blocks = [(name, MultiheadAttention(d, self.nhead, bias=bias,
                                            batch_first=self.batch_first))
                  for name in self.attention_blocks]
        blocks += [("linear1", Linear(d, self.dim_feedforward, bias=bias)),
                   ("linear2", Linear(self.dim_feedforward, d, bias=bias))]
        blocks += [(f"norm{i}", LayerNorm(d, bias=bias)) for i in range(1, self.norms + 1)]
        return tuple(blocks)

    def module_weights(self):
        return tuple(w for name, module in self.submodules()
                     for w in prefixed(name, module.module_weights()))

    @property
    def params(self):
        return sympy.Add(*(module.params for _, module in self.submodules()))

    def input_conditions(self, input_shapes):
        for shape in input_shapes:
            self._expect_rank_in(shape, (2, 3), f"to {type(self).__name__}")
        return (Condition.divides(self.nhead, self.d_model, "d_model must be divisible by "
                                                           "nhead"),) + \
            tuple(Condition.equal(self.d_model, shape[-1], "the input's last axis must be d_model")
                  for shape in input_shapes)

    def compute_output_shape(self, input_shapes):
        return tuple(input_shapes[0])

    def compute_terms(self, input_shapes, output_shape, weights, *, input_grad=True,
                      is_causal=False, tgt_is_causal=False, memory_is_causal=False, **options):
        """The held modules' terms, each bound to the shape it sees in ``forward``."""
        from ..compute import layer_terms, with_input_grad
        x = tuple(input_shapes[0])
        memory = tuple(input_shapes[-1])
        modules = dict(self.submodules())
        calls = [("self_attn", (x, x, x), dict(is_causal=is_causal or tgt_is_causal))]
        if "multihead_attn" in modules:
            calls.append(("multihead_attn", (x, memory, memory),
                          dict(is_causal=memory_is_causal)))
        calls += [("linear1", x, {}), ("linear2", (*x[:-1], self.dim_feedforward), {})]
        calls += [(f"norm{i}", x, {}) for i in range(1, self.norms + 1)]
        terms = []
        for i, (name, shape, call) in enumerate(calls):
            options = {k: v for k, v in call.items() if v}
            bound = modules[name].bind(shape, need_weights=False, **options) if \
                name.endswith("attn") else modules[name].bind(shape)
            reads_input = i == 0 or name == "multihead_attn"
            terms += [with_input_grad(t.prefixed(name), True) if not reads_input else
                      t.prefixed(name) for t in layer_terms(bound, input_grad)]
        return tuple(terms)

    def kv_cache_elements(self, input_shapes):
        """Each attention block's keys and values: self-attention over the target, then
        (a decoder's) attention over the memory; ``d_model`` wide."""
        return 2 * self.d_model * sympy.Add(*(sympy.Mul(*shape[:-1]) for shape in input_shapes))


class TransformerEncoderLayer(_TransformerLayer):
    """Self-attention and a feed-forward block, each with a residual and a LayerNorm."""

    attention_blocks = ("self_attn",)
    norms = 2
    compute_options = frozenset({"is_causal"})

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        return apply(self, (src,), **({"is_causal": True} if is_causal else {}))


class TransformerDecoderLayer(_TransformerLayer):
    """Self-attention, attention over the encoder's memory, and a feed-forward block."""

    attention_blocks = ("self_attn", "multihead_attn")
    norms = 3
    compute_options = frozenset({"tgt_is_causal", "memory_is_causal"})

    def input_conditions(self, input_shapes):
        self._expect_inputs(input_shapes, 2)
        shared = super().input_conditions(input_shapes)
        target, memory = input_shapes
        if len(target) != len(memory):
            raise ShapeError("the target and the memory must both be batched or both unbatched")
        batch = () if len(target) == 2 else (Condition.equal(
            target[0 if self.batch_first else 1], memory[0 if self.batch_first else 1],
            "the target and the memory must have the same batch size"),)
        return shared + batch

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        options = {k: True for k, v in (("tgt_is_causal", tgt_is_causal),
                                        ("memory_is_causal", memory_is_causal)) if v}
        return apply(self, (tgt, memory), **options)
