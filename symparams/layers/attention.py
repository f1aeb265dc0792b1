"""MultiHeadAttention as Keras 3 builds it: four einsum projections.

>>> from symparams import Input, dims, layers
>>> T, S, d = dims("T S d")
>>> attention = layers.MultiHeadAttention(num_heads=8, key_dim=64)
>>> out, scores = attention(Input((T, d)), Input((S, d)), return_attention_scores=True)
>>> out.shape, scores.shape
((T, d), (8, T, S))
>>> attention.count_params(((T, d), (S, d), (S, d)))
2049*d + 1536
"""

from __future__ import annotations

import sympy

from .. import arguments
from ..conditions import Condition
from ..errors import ShapeError
from ..weights import Axis, Weight, label
from .base import Layer

_OPTIONS = frozenset({
    "dropout", "attention_axes", "sliding_window", "flash_attention", "kernel_initializer",
    "bias_initializer", "kernel_regularizer", "bias_regularizer", "kernel_constraint",
    "bias_constraint", "seed",
})


class MultiHeadAttention(Layer):
    """``query`` attends to ``value`` (and ``key``, ``value`` by default) with ``num_heads`` heads.

    Called as Keras calls it: ``layer(query, value, key=None,
    return_attention_scores=False)``; input shapes exclude the batch axis.
    """

    multiple_inputs = True
    ignored_arguments = _OPTIONS

    def __init__(self, num_heads, key_dim, value_dim=None, use_bias=True, output_shape=None,
                 use_gate=False, **kwargs):
        super().__init__(**kwargs)
        owner = "MultiHeadAttention"
        key_dim = arguments.size(key_dim, owner=owner, argument="key_dim")
        if output_shape is not None:
            output_shape = tuple(arguments.size(s, owner=owner, argument="output_shape")
                                 for s in (output_shape if isinstance(output_shape, (tuple, list))
                                           else (output_shape,)))
        self._store(num_heads=arguments.size(num_heads, owner=owner, argument="num_heads"),
                    key_dim=key_dim,
                    value_dim=key_dim if value_dim is None else
                    arguments.size(value_dim, owner=owner, argument="value_dim"),
                    use_bias=arguments.flag(use_bias, owner=owner, argument="use_bias"),
                    output_shape=output_shape,
                    use_gate=arguments.flag(use_gate, owner=owner, argument="use_gate"))

    def _out(self, query):
        return self.output_shape if self.output_shape is not None else (query[-1],)

    def declare_weights(self, input_shapes):
        query, value, key = input_shapes
        heads = Axis(label("num_heads"), self.num_heads)
        key_dim = Axis(label("key_dim"), self.key_dim)
        value_dim = Axis(label("value_dim"), self.value_dim)

        def projection(name, source, size, what):
            weights = [Weight(f"{name}.kernel", (Axis(label(f"{name}_features"), source[-1]),
                                                 heads, size),
                              note=f"projects the {what} into each head")]
            if self.use_bias:
                weights.append(Weight(f"{name}.bias", (heads, size),
                                      note=f"a bias per head and {what} feature"))
            return weights

        weights = (projection("query", query, key_dim, "query")
                   + projection("key", key, key_dim, "key"))
        if self.use_gate:
            weights += projection("gate", query, value_dim, "gate")
        weights += projection("value", value, value_dim, "value")
        out = tuple(Axis(label("output_dim"), s) for s in self._out(query))
        weights.append(Weight("attention_output.kernel", (heads, value_dim, *out),
                              note="projects the heads' values back out"))
        if self.use_bias:
            weights.append(Weight("attention_output.bias", out, note="the output's bias"))
        return tuple(weights)

    def kv_cache_elements(self, input_shapes):
        """Keys and values over the key positions, ``num_heads`` heads (:mod:`symparams.memory`)."""
        _, value, key = input_shapes
        return (sympy.Mul(*key[:-1]) * self.key_dim
                + sympy.Mul(*value[:-1]) * self.value_dim) * self.num_heads

    def input_conditions(self, input_shapes):
        query, value, key = input_shapes
        if len(value) != len(key):
            raise ShapeError("value and key must have the same rank")
        return tuple(Condition.equal(v, k, "all dimensions of value and key, except the last "
                                           "one, must be equal")
                     for v, k in zip(value[:-1], key[:-1]))

    def compute_output_shape(self, input_shapes, return_attention_scores=False):
        query, value, _ = input_shapes
        output = (*query[:-1], *self._out(query))
        if not return_attention_scores:
            return output
        return [output, (self.num_heads, *query[:-1], *value[:-1])]

    def __call__(self, query, value, key=None, return_attention_scores=False, **kwargs):
        from ..graph import apply

        unknown = set(kwargs) - {"query_mask", "value_mask", "key_mask", "attention_mask",
                                 "training", "use_causal_mask"}
        if unknown:
            from ..errors import UnknownArgumentError
            raise UnknownArgumentError(f"Unrecognized call arguments passed to "
                                       f"MultiHeadAttention: {sorted(unknown)}",
                                       argument=sorted(unknown)[0], value=kwargs)
        options = {"return_attention_scores": True} if return_attention_scores else {}
        return apply(self, (query, value, key if key is not None else value), tuple, **options)
