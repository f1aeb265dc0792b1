"""Embedding: a learned vector of ``output_dim`` entries for each of ``input_dim`` indices.

>>> from symparams import dims, layers
>>> V, d, T = dims("V d T")
>>> emb = layers.Embedding(V, d)
>>> emb.compute_output_shape((T,))
(T, d)
>>> emb.count_params((T,))
V*d

The input holds indices, any shape; the output appends ``output_dim``.
"""

from __future__ import annotations

import dataclasses

import sympy

from .. import arguments
from ..errors import ArgumentError
from ..weights import Axis, Weight, label
from .base import Layer


class Embedding(Layer):
    """Looks up a row of an ``(input_dim, output_dim)`` table for each index of its input.

    ``mask_zero`` only masks later layers; with ``lora_rank`` the table is
    frozen and two low-rank factors are trained instead, as in Keras. Keras's
    third to fifth positional arguments are initializer, regularizer and
    constraint, which change nothing here: ``mask_zero`` and ``lora_rank`` are
    keyword-only, so a positional call can never be misread.
    """

    ignored_arguments = frozenset({
        "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "weights",
        "lora_alpha", "input_length", "quantization_config",
    })

    def __init__(self, input_dim, output_dim, *, mask_zero=False, lora_rank=None, **kwargs):
        if kwargs.get("quantization_config") is not None:
            raise ArgumentError(
                "Embedding: quantized layers are not modelled yet. "
                f"Received: quantization_config={kwargs['quantization_config']!r}",
                argument="quantization_config", value=kwargs["quantization_config"])
        if lora_rank is not None and kwargs.get("embeddings_constraint") is not None:
            raise ArgumentError(
                "Embedding: LoRA is incompatible with embedding constraints; remove the "
                "`embeddings_constraint` argument to use `lora_rank`. "
                f"Received: lora_rank={lora_rank!r}, "
                f"embeddings_constraint={kwargs['embeddings_constraint']!r}",
                argument="embeddings_constraint", value=kwargs["embeddings_constraint"])
        super().__init__(**kwargs)
        self._store(
            input_dim=arguments.size(input_dim, owner="Embedding", argument="input_dim"),
            output_dim=arguments.size(output_dim, owner="Embedding", argument="output_dim"),
            mask_zero=arguments.flag(mask_zero, owner="Embedding", argument="mask_zero"),
            lora_rank=None if lora_rank is None else
            arguments.size(lora_rank, owner="Embedding", argument="lora_rank"),
        )

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """LoRA's factor B multiplies the looked-up rows of A once per index."""
        return sympy.Mul(*input_shape)

    def declare_weights(self, input_shape):
        rows = Axis(label("input_dim"), self.input_dim)
        columns = Axis(label("output_dim"), self.output_dim)
        table = Weight("embeddings", (rows, columns),
                       note="one vector of output_dim entries per index", embedding=True,
                       role="lookup")
        if self.lora_rank is None:
            return (table,)
        rank = Axis(label("lora_rank"), self.lora_rank)
        return (
            dataclasses.replace(table, trainable=False, note=table.note + "; frozen by LoRA"),
            Weight("lora_embeddings_a", (rows, rank),
                   note="low-rank factor A of the table update", role="lookup"),
            Weight("lora_embeddings_b", (rank, columns),
                   note="low-rank factor B of the table update", role="product"),
        )
