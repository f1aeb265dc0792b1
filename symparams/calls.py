"""Every call of every layer in a model, through containers: what it outputs and caches.

Memory counts activations and KV caches per call: a layer called twice makes
two outputs. Containers (a model used as a layer, :class:`~symparams.Repeat`,
``nn.Sequential``) are walked into, each of a Repeat's copies counted.

>>> from symparams import Input, Model, dims, layers
>>> from symparams.calls import call_usage, layer_calls
>>> T, d = dims("T d")
>>> x = Input((T, d))
>>> dense = layers.Dense(d)
>>> model = Model(x, dense(dense(x)))
>>> [(name, call_usage(bound, outer)) for name, bound, outer in layer_calls(model)]
[('dense', (T*d, 0)), ('dense', (T*d, 0))]
"""

from __future__ import annotations

import sympy

from .model import BaseModel
from .nn.container import Sequential as TorchSequential
from .repeat import Nested, Repeat

__all__ = ["call_usage", "layer_calls"]


def layer_calls(model):
    """``(layer name, bound, batch factor)`` for every call of a layer in ``model``.

    The factor is the batch size where a Keras layer (shapes without the batch)
    was called on PyTorch-style tensors: its inner layers see shapes per example.
    """
    if not isinstance(model, BaseModel):
        return [(model.name, model, _outer_batch(model))]
    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # a Sequential: each layer called once
        return [(bound.name, bound, 1) for bound in model.layers]
    names = {bound.layer: bound.name for bound in model.layers}
    return [(names[node.layer], node.bound, 1 if node.bound.batch is None else node.bound.batch)
            for node in nodes]


def _outer_batch(bound):
    """The batch of a bound Keras-style container whose shapes gained a batch axis, else 1.

    A model calls it with its own tensors' shapes; a bound layer alone shows it
    in its rank: one axis more than the model inside expects.
    """
    inner = getattr(bound.layer, "model", None) or getattr(bound.layer, "block", None)
    if not (bound.layer.batch_excluded and isinstance(inner, BaseModel)):
        return 1
    shape = bound.input_shape[0] if bound.layer.multiple_inputs else bound.input_shape
    expected = inner.input_shape[0] if isinstance(inner.input_shape, list) else inner.input_shape
    return shape[0] if len(shape) == len(expected) + 1 else 1


def _model_usage(model):
    elements, kv = sympy.Integer(0), sympy.Integer(0)
    for _, bound, outer in layer_calls(model):
        e, k = call_usage(bound, outer)
        elements, kv = elements + e, kv + k
    return elements, kv


def call_usage(bound, outer=1):
    """``(activation elements, KV-cache elements)`` of one call of a layer."""
    inner = _container_usage(bound, outer)
    if inner is not None:
        return inner
    outputs = bound.output_shape if isinstance(bound.output_shape, list) else \
        [bound.output_shape]
    elements = sympy.Add(*(sympy.Mul(*shape) for shape in outputs))
    cache = getattr(bound.layer, "kv_cache_elements", None)
    return elements, (cache(bound.input_shape) if cache else sympy.Integer(0))


def _container_usage(bound, outer):
    """A container's usage from the layers inside it, or None for a plain layer."""
    layer = bound.layer
    if not isinstance(layer, (Nested, Repeat, TorchSequential)):
        return None
    shape = bound.input_shape
    if outer != 1:  # the layer sees shapes per example
        shape = tuple(s[1:] for s in shape) if layer.multiple_inputs else shape[1:]
    if isinstance(layer, Nested):
        elements, kv = _model_usage(layer.model)
    elif isinstance(layer, Repeat):
        block = layer.block
        elements, kv = _model_usage(block) if isinstance(block, BaseModel) else \
            call_usage(block.bind(shape))
        elements, kv = layer.L * elements, layer.L * kv
    else:
        elements, kv = sympy.Integer(0), sympy.Integer(0)
        for module in layer.modules:
            inner = module.bind(shape)
            e, k = call_usage(inner)
            elements, kv, shape = elements + e, kv + k, inner.output_shape
    return outer * elements, outer * kv
