"""Embedding: a table of ``num_embeddings`` vectors of ``embedding_dim``.

>>> from symparams import Tensor, dims, nn
>>> B, T, V, d = dims("B T V d")
>>> emb = nn.Embedding(V, d)
>>> emb.params
V*d
>>> emb(Tensor((B, T))).shape
(B, T, d)
"""

from __future__ import annotations

import numbers

from .. import arguments
from ..errors import ArgumentError
from ..weights import Axis, Weight, label
from .base import Module


class Embedding(Module):
    """Looks up each index of the input: output shape is the input's plus ``embedding_dim``."""

    ignored_arguments = frozenset({"max_norm", "norm_type", "scale_grad_by_freq", "sparse",
                                   "_weight", "_freeze"})

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, **kwargs):
        super().__init__(**kwargs)
        num = arguments.size(num_embeddings, owner="Embedding", argument="num_embeddings")
        if padding_idx is not None:
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, numbers.Integral):
                raise ArgumentError(f"Embedding: padding_idx must be an int. Received: "
                                    f"padding_idx={padding_idx!r}", argument="padding_idx",
                                    value=padding_idx)
            outside = (num - padding_idx).is_positive is False if padding_idx >= 0 else \
                (num + padding_idx).is_negative
            if outside:
                raise ArgumentError("Embedding: padding_idx must be within num_embeddings. "
                                    f"Received: padding_idx={padding_idx}",
                                    argument="padding_idx", value=padding_idx)
        self._store(num_embeddings=num,
                    embedding_dim=arguments.size(embedding_dim, owner="Embedding",
                                                 argument="embedding_dim"),
                    padding_idx=padding_idx)

    def module_weights(self):
        return (Weight("weight", (Axis(label("num_embeddings"), self.num_embeddings),
                                  Axis(label("embedding_dim"), self.embedding_dim)),
                       note="one vector of embedding_dim per index", embedding=True,
                       role="lookup"),)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.embedding_dim)
