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
from ..compute import attention_products, positions
from ..conditions import Condition
from ..errors import ShapeError
from ..weights import Axis, Weight, label
from .base import Layer, format_shape

_OPTIONS = frozenset({
    "dropout", "sliding_window", "flash_attention", "kernel_initializer",
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
    compute_options = frozenset({"use_causal_mask"})

    def __init__(self, num_heads, key_dim, value_dim=None, use_bias=True, output_shape=None,
                 use_gate=False, attention_axes=None, **kwargs):
        super().__init__(**kwargs)
        owner = "MultiHeadAttention"
        if attention_axes is not None:  # kept only when given: it changes compute, not counts
            axes = attention_axes if isinstance(attention_axes, (tuple, list)) else \
                (attention_axes,)
            self._store(attention_axes=tuple(arguments.axis(a, owner=owner,
                                                            argument="attention_axes")
                                             for a in axes))
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
            uses = positions(source)
            weights = [Weight(f"{name}.kernel", (Axis(label(f"{name}_features"), source[-1]),
                                                 heads, size),
                              note=f"projects the {what} into each head", role="product",
                              uses=uses)]
            if self.use_bias:
                weights.append(Weight(f"{name}.bias", (heads, size),
                                      note=f"a bias per head and {what} feature", role="bias",
                                      uses=uses))
            return weights

        weights = (projection("query", query, key_dim, "query")
                   + projection("key", key, key_dim, "key"))
        if self.use_gate:
            weights += projection("gate", query, value_dim, "gate")
        weights += projection("value", value, value_dim, "value")
        out = tuple(Axis(label("output_dim"), s) for s in self._out(query))
        weights.append(Weight("attention_output.kernel", (heads, value_dim, *out),
                              note="projects the heads' values back out", role="product",
                              uses=positions(query)))
        if self.use_bias:
            weights.append(Weight("attention_output.bias", out, note="the output's bias",
                                  role="bias", uses=positions(query)))
        return tuple(weights)

    def declare_products(self, input_shapes, output_shape, use_causal_mask=False, **options):
        """QKᵀ and AV: every query position against every key position, in every head."""
        query, _, key = input_shapes
        axes = range(len(query) - 1)
        if getattr(self, "attention_axes", None) is not None:  # Keras numbering, batch is 0
            axes = sorted({a % (len(query) + 1) - 1 for a in self.attention_axes})
            if any(not 0 <= a < len(query) - 1 for a in axes):
                raise ShapeError(f"attention_axes={self.attention_axes} must name axes of "
                                 f"the query between the batch and the features; received "
                                 f"a query of shape {query}")
        others = sympy.Mul(*(s for i, s in enumerate(query[:-1]) if i not in axes))
        return attention_products(sympy.Mul(*(query[a] for a in axes)),
                                  sympy.Mul(*(key[a] for a in axes)),
                                  self.num_heads * self.key_dim,
                                  self.num_heads * self.value_dim, batch=others,
                                  causal=use_causal_mask)

    def kv_cache_elements(self, input_shapes):
        """Keys and values over the key positions, ``num_heads`` heads (:mod:`symparams.memory`)."""
        _, value, key = input_shapes
        return (sympy.Mul(*key[:-1]) * self.key_dim
                + sympy.Mul(*value[:-1]) * self.value_dim) * self.num_heads

    def input_conditions(self, input_shapes):
        self._expect_inputs(input_shapes, 3)
        query, value, key = input_shapes
        for shape, what in zip(input_shapes, ("query", "value", "key")):
            self._expect_rank(shape, min_rank=2, what=what)
        if len(value) != len(key) or len(value) != len(query):
            raise ShapeError("query, value and key must have the same rank; received "
                             + ", ".join(format_shape(s) for s in input_shapes))
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
        if kwargs.get("use_causal_mask"):
            options["use_causal_mask"] = True
        return apply(self, (query, value, key if key is not None else value), tuple, **options)
