"""MultiheadAttention, as ``torch.nn`` counts and shapes it.

>>> from symparams import Tensor, dims, nn
>>> L, N, E = dims("L N E")
>>> attention = nn.MultiheadAttention(E, 8)
>>> attention.params
4*E*(E + 1)
>>> out, weights = attention(Tensor((L, N, E)), Tensor((L, N, E)), Tensor((L, N, E)))
>>> out.shape, weights.shape
((L, N, E), (N, L, L))
"""

from __future__ import annotations

import sympy

from .. import arguments
from ..compute import Term, attention_products, positions
from ..conditions import Condition
from ..errors import ArgumentError
from ..graph import apply
from ..weights import Axis, Weight, count, label
from .base import Module


def prefixed(prefix: str, weights) -> list[Weight]:
    """A submodule's weights named as ``named_parameters()`` names them (``out_proj.weight``)."""
    return [w.prefixed(prefix) for w in weights]


class MultiheadAttention(Module):
    """Multi-head attention over ``(L, N, E)`` (or ``(N, L, E)`` with ``batch_first``)."""

    multiple_inputs = True
    ignored_arguments = frozenset({"dropout"})
    compute_options = frozenset({"is_causal"})

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, **kwargs):
        super().__init__(dropout=dropout, **kwargs)
        owner = "MultiheadAttention"
        embed_dim = arguments.size(embed_dim, owner=owner, argument="embed_dim")
        num_heads = arguments.size(num_heads, owner=owner, argument="num_heads")
        if (embed_dim / num_heads).is_integer is False:
            raise ArgumentError(f"{owner}: embed_dim must be divisible by num_heads. "
                                f"Received: embed_dim={embed_dim}, num_heads={num_heads}",
                                argument="num_heads", value=num_heads)
        self._store(
            embed_dim=embed_dim, num_heads=num_heads,
            bias=arguments.flag(bias, owner=owner, argument="bias"),
            add_bias_kv=arguments.flag(add_bias_kv, owner=owner, argument="add_bias_kv"),
            add_zero_attn=arguments.flag(add_zero_attn, owner=owner, argument="add_zero_attn"),
            kdim=embed_dim if kdim is None else arguments.size(kdim, owner=owner,
                                                               argument="kdim"),
            vdim=embed_dim if vdim is None else arguments.size(vdim, owner=owner,
                                                               argument="vdim"),
            batch_first=arguments.flag(batch_first, owner=owner, argument="batch_first"))

    def module_weights(self):
        E = Axis(label("embed_dim"), self.embed_dim)
        if self.kdim == self.embed_dim and self.vdim == self.embed_dim:
            weights = [Weight("in_proj_weight",
                              (Axis(3 * label("embed_dim"), 3 * self.embed_dim), E),
                              note="the query, key and value projections, stacked", role="product")]
        else:
            weights = [
                Weight("q_proj_weight", (E, E), note="the query projection", role="product"),
                Weight("k_proj_weight", (E, Axis(label("kdim"), self.kdim)),
                       note="the key projection", role="product"),
                Weight("v_proj_weight", (E, Axis(label("vdim"), self.vdim)),
                       note="the value projection", role="product")]
        if self.bias:
            weights.append(Weight("in_proj_bias", (Axis(3 * label("embed_dim"),
                                                        3 * self.embed_dim),),
                                  note="biases of the query, key and value projections",
                                  role="bias"))
        if self.add_bias_kv:
            one = Axis(1, 1)
            weights += [Weight("bias_k", (one, one, E), note="a learned key appended to the keys",
                               role="lookup"),
                        Weight("bias_v", (one, one, E),
                               note="a learned value appended to the values", role="lookup")]
        weights.append(Weight("out_proj.weight", (E, E), note="the output projection",
                              role="product"))
        if self.bias:
            weights.append(Weight("out_proj.bias", (E,), note="the output projection's bias",
                                  role="bias"))
        return tuple(weights)

    @property
    def params(self):
        """The input projections' count plus the output projection's (SymPy adds like terms)."""
        weights = self.module_weights()
        inner = [w for w in weights if not w.name.startswith("out_proj.")]
        return count(inner) + count(w for w in weights if w.name.startswith("out_proj."))

    def kv_cache_elements(self, input_shapes):
        """Projected keys and values, ``embed_dim`` wide, over the key positions."""
        _, key, value = input_shapes
        return (sympy.Mul(*key[:-1]) + sympy.Mul(*value[:-1])) * self.embed_dim

    def input_conditions(self, input_shapes):
        self._expect_inputs(input_shapes, 3)
        query, key, value = input_shapes
        for shape in input_shapes:
            self._expect_rank_in(shape, (2, 3), "to MultiheadAttention")
        if len({len(shape) for shape in input_shapes}) > 1:
            from ..errors import ShapeError
            raise ShapeError("query, key and value must all be batched or all unbatched")
        batch = () if len(query) == 2 else tuple(
            Condition.equal(self._batch(query), self._batch(shape),
                            "query, key and value must have the same batch size")
            for shape in (key, value))
        return batch + (
            Condition.divides(self.num_heads, self.embed_dim,
                              "embed_dim must be divisible by num_heads"),
            Condition.equal(self.embed_dim, query[-1], "the query's last axis must be embed_dim"),
            Condition.equal(self.kdim, key[-1], "the key's last axis must be kdim"),
            Condition.equal(self.vdim, value[-1], "the value's last axis must be vdim"),
            Condition.equal(self._length(key), self._length(value),
                            "keys and values must have the same sequence length"),
        )

    def _batch(self, shape):
        return shape[0] if self.batch_first else shape[1]

    def _length(self, shape):
        return shape[1] if self.batch_first and len(shape) == 3 else shape[0]

    def compute_terms(self, input_shapes, output_shapes, weights, *, input_grad=True,
                      is_causal=False, **options):
        """Projections of the query, key and value at their own positions; QKᵀ and AV."""
        query, key, value = input_shapes
        uses = {"q": positions(query), "k": positions(key), "v": positions(value)}
        widths = {"q": self.embed_dim, "k": self.kdim, "v": self.vdim}
        terms = []
        for w in weights:
            if w.name in ("in_proj_weight", "in_proj_bias"):  # stacked: each part at its own
                for part in "qkv":
                    entries = self.embed_dim * (widths[part] if w.role == "product" else 1)
                    terms.append(Term(f"{w.name}[{part}]", w.role, entries, uses[part],
                                      w.note, trainable=w.trainable))
            elif w.role in ("product", "bias"):
                inner = w.name.startswith("out_proj")
                part = "q" if inner else w.name[0]
                terms.append(Term(w.name, w.role, w.size, uses[part], w.note,
                                  trainable=w.trainable, from_input=not inner))
            else:
                terms.append(Term(w.name, w.role, w.size, sympy.Integer(0), w.note))
        keys = self._length(key) + int(self.add_bias_kv) + int(self.add_zero_attn)
        batch = 1 if len(query) == 2 else self._batch(query)
        return tuple(terms) + attention_products(self._length(query), keys, self.embed_dim,
                                                 self.embed_dim, batch=batch, causal=is_causal)

    def compute_output_shape(self, input_shapes, need_weights=True, average_attn_weights=True):
        query, key, _ = input_shapes
        out = (*query[:-1], self.embed_dim)
        if not need_weights:
            return [out]
        target = self._length(query)
        source = self._length(key) + int(self.add_bias_kv) + int(self.add_zero_attn)
        heads = () if average_attn_weights else (self.num_heads,)
        if len(query) == 2:
            return [out, (*heads, target, source)]
        return [out, (self._batch(query), *heads, target, source)]

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True,
                 attn_mask=None, average_attn_weights=True, is_causal=False):
        options = dict(need_weights=bool(need_weights),
                       average_attn_weights=bool(average_attn_weights))
        if is_causal:
            options["is_causal"] = True
        return apply(self, (query, key, value), lambda t: (t[0], t[1] if len(t) > 1 else None),
                     **options)
