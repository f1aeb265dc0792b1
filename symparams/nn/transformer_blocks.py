"""Transformer building blocks: grouped-query attention, feed-forward MLPs, residual blocks.

Shapes are batch first, features last, as in Hugging Face models: ``(B, T, embed_dim)``.

>>> from symparams import Repeat, Tensor, dims, nn
>>> B, T, d, h, L = dims("B T d h L")
>>> nn.GroupedQueryAttention(d, h).params
4*d*(d + 1)
>>> block = nn.pre_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, 4 * d))
>>> Repeat(block, L).count_params(block.input_shape)
L*(12*d**2 + 13*d)
>>> Repeat(block, L)(Tensor((B, T, d))).shape
(B, T, d)

``num_kv_heads`` key/value heads serve ``num_heads`` query heads (1: multi-query
attention), so the key and value projections shrink:

>>> attention = nn.GroupedQueryAttention(4096, 32, num_kv_heads=8, bias=False)
>>> attention.params
41943040
"""

from __future__ import annotations

import inspect

import sympy

from .. import arguments
from ..compute import attention_products, positions
from ..conditions import Condition, divides
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..graph import Model, Tensor, apply
from ..layers.base import Layer
from ..layers.merging import Add
from ..model import BaseModel
from ..weights import Axis, Weight, count, label
from .base import Module
from .normalization import LayerNorm

__all__ = ["FeedForward", "GroupedQueryAttention", "SwiGLU", "post_norm_block",
           "pre_norm_block"]


def _by_projection(weights) -> sympy.Expr:
    """Each projection's count, then their sum: ``d*(d + 1) + ...``, as a person adds them."""
    groups: dict[str, list[Weight]] = {}
    for weight in weights:
        groups.setdefault(weight.name.split(".")[0], []).append(weight)
    return sympy.Add(*(count(group) for group in groups.values()))


def _projection(name: str, out: Axis, into: Axis, bias: bool, what: str) -> list[Weight]:
    """A ``Linear`` submodule's weights as ``named_parameters()`` names them."""
    weights = [Weight(f"{name}.weight", (out, into), note=f"the {what}", role="product")]
    if bias:
        weights.append(Weight(f"{name}.bias", (out,), note=f"the {what}'s bias", role="bias"))
    return weights


class GroupedQueryAttention(Module):
    """Attention with ``num_heads`` query heads sharing ``num_kv_heads`` key/value heads.

    Separate ``q_proj``, ``k_proj``, ``v_proj`` and ``o_proj`` linear maps, as
    Llama and Mistral have them. ``num_kv_heads`` defaults to ``num_heads``
    (standard multi-head attention, GPT-2's fused ``c_attn`` counts the same);
    ``head_dim`` to ``embed_dim // num_heads``, when ``embed_dim`` must be
    divisible by ``num_heads``. ``bias`` sets every projection's bias;
    ``qkv_bias`` and ``out_bias`` override it for the input projections (Qwen:
    ``qkv_bias=True, out_bias=False``) and for the output projection.

    Called as ``attention(x)`` it attends over ``x`` itself; as
    ``attention(x, context)`` (or ``attention(query, key, value)``) keys and
    values come from another tensor, whose last axis is ``kdim`` (``vdim``).
    Inputs are ``(..., T, embed_dim)``; the output has the query's shape.
    ``num_kv_heads`` must divide ``num_heads``: an error when it provably does
    not, a condition on the model when it depends on symbols. ``causal=True``
    (a symparams addition) says each query attends only to earlier positions,
    as in a decoder: it changes no count, and FLOPs halve the attention
    products by default (see :mod:`symparams.compute`).

    >>> from symparams import Tensor, dims, nn
    >>> B, T, S, d, h, c = dims("B T S d h c")
    >>> cross = nn.GroupedQueryAttention(d, h, kdim=c, vdim=c)
    >>> cross(Tensor((B, T, d)), Tensor((B, S, c))).shape
    (B, T, d)
    >>> cross.params
    2*d*(c + 1) + 2*d*(d + 1)
    """

    multiple_inputs = True
    ignored_arguments = frozenset({"dropout"})

    def __init__(self, embed_dim, num_heads, num_kv_heads=None, head_dim=None, bias=True,
                 qkv_bias=None, out_bias=None, kdim=None, vdim=None, dropout=0.0, causal=False,
                 **kwargs):
        super().__init__(dropout=dropout, **kwargs)
        owner = "GroupedQueryAttention"

        def size(value, argument):
            return None if value is None else arguments.size(value, owner=owner,
                                                             argument=argument)

        def switch(value, argument):
            return None if value is None else arguments.flag(value, owner=owner,
                                                             argument=argument)

        embed_dim = arguments.size(embed_dim, owner=owner, argument="embed_dim")
        num_heads = arguments.size(num_heads, owner=owner, argument="num_heads")
        given = dict(num_kv_heads=size(num_kv_heads, "num_kv_heads"),
                     head_dim=size(head_dim, "head_dim"), qkv_bias=switch(qkv_bias, "qkv_bias"),
                     out_bias=switch(out_bias, "out_bias"), kdim=size(kdim, "kdim"),
                     vdim=size(vdim, "vdim"))
        self._store(embed_dim=embed_dim, num_heads=num_heads,
                    bias=arguments.flag(bias, owner=owner, argument="bias"),
                    causal=arguments.flag(causal, owner=owner, argument="causal"), **given)
        # What the defaults resolve to: attributes, not arguments (replace() resolves again).
        defaults = dict(num_kv_heads=num_heads, head_dim=embed_dim / num_heads,
                        qkv_bias=self.bias, out_bias=self.bias, kdim=embed_dim, vdim=embed_dim)
        for key, default in defaults.items():
            object.__setattr__(self, key, default if given[key] is None else given[key])
        for divisor, value, names, what in self._divisions():
            if divides(divisor, value) is False:
                raise ArgumentError(f"{owner}: {what}. Received: {names[0]}={divisor}, "
                                    f"{names[1]}={value}", argument=names[0], value=divisor)

    def _divisions(self):
        """``(divisor, value, their argument names, what)`` for each divisibility needed."""
        checks = [(self.num_kv_heads, self.num_heads, ("num_kv_heads", "num_heads"),
                   "num_kv_heads must divide num_heads (each key/value head serves a whole "
                   "group of query heads)")]
        if self._config["head_dim"] is None:
            checks.append((self.num_heads, self.embed_dim, ("num_heads", "embed_dim"),
                           "embed_dim must be divisible by num_heads (head_dim defaults to "
                           "embed_dim // num_heads)"))
        return checks

    def module_weights(self):
        embed = Axis(label("embed_dim"), self.embed_dim)
        heads = Axis(label("num_heads") * label("head_dim"), self.num_heads * self.head_dim)
        kv = Axis(label("num_kv_heads") * label("head_dim"), self.num_kv_heads * self.head_dim)
        key_in = Axis(label("kdim"), self.kdim) if self._config["kdim"] is not None else embed
        value_in = Axis(label("vdim"), self.vdim) if self._config["vdim"] is not None else embed
        return tuple(
            _projection("q_proj", heads, embed, self.qkv_bias, "query projection")
            + _projection("k_proj", kv, key_in, self.qkv_bias, "key projection")
            + _projection("v_proj", kv, value_in, self.qkv_bias, "value projection")
            + _projection("o_proj", embed, heads, self.out_bias, "output projection"))

    @property
    def params(self) -> sympy.Expr:
        """The four projections' counts, added."""
        return _by_projection(self.module_weights())

    def input_conditions(self, input_shapes):
        self._expect_inputs(input_shapes, 3)
        query, key, value = input_shapes
        if len(query) < 2 or len(key) != len(query) or len(value) != len(query):
            raise ShapeError("query, key and value must have the same rank, at least 2 "
                             f"(..., sequence, features); received ranks {len(query)}, "
                             f"{len(key)}, {len(value)}")
        conditions = [
            Condition.equal(self.embed_dim, query[-1], "the query's last axis must be embed_dim"),
            Condition.equal(self.kdim, key[-1], "the key's last axis must be kdim"),
            Condition.equal(self.vdim, value[-1], "the value's last axis must be vdim"),
            Condition.equal(key[-2], value[-2], "keys and values must have the same length")]
        conditions += [Condition.equal(a, b, "query, key and value must agree on the leading "
                                             "(batch) axes")
                       for other in (key, value) for a, b in zip(query[:-2], other[:-2])]
        conditions += [Condition.divides(divisor, value, what)
                       for divisor, value, _, what in self._divisions()]
        return tuple(conditions)

    def compute_output_shape(self, input_shapes):
        return (*input_shapes[0][:-1], self.embed_dim)

    def weight_uses(self, weight, input_shapes, output_shape, **options):
        """Each projection at the positions of what it reads: ``o_proj`` at the queries'."""
        index = {"k": 1, "v": 2}.get(weight.name[0], 0)
        return positions(input_shapes[index])

    def declare_products(self, input_shapes, output_shape, **options):
        """QKᵀ and AV in every query head (shared key/value heads change no product)."""
        query, key, _ = input_shapes
        width = self.num_heads * self.head_dim
        return attention_products(query[-2], key[-2], width, width,
                                  batch=sympy.Mul(*query[:-2]), causal=self.causal)

    def kv_cache_elements(self, input_shapes):
        """Keys and values, ``num_kv_heads`` heads of ``head_dim``, over the key positions."""
        _, key, value = input_shapes
        return (sympy.Mul(*key[:-1]) + sympy.Mul(*value[:-1])) * self.num_kv_heads * \
            self.head_dim

    def __call__(self, query, key=None, value=None):
        """Self-attention over ``query``, or attention over ``key`` (``value`` defaults to it)."""
        key = query if key is None else key
        return apply(self, (query, key, key if value is None else value))


class _MLP(Module):
    """Linear maps on the last axis, ``embed_dim`` to ``hidden_dim`` and back."""

    def __init__(self, embed_dim, hidden_dim, bias, activation, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if not (isinstance(activation, str) or callable(activation)):
            raise ArgumentTypeError(f"{owner}: `activation` must be a name or a callable. "
                                    f"Received: activation={activation!r}",
                                    argument="activation", value=activation)
        self._store(embed_dim=arguments.size(embed_dim, owner=owner, argument="embed_dim"),
                    hidden_dim=arguments.size(hidden_dim, owner=owner, argument="hidden_dim"),
                    bias=arguments.flag(bias, owner=owner, argument="bias"),
                    activation=activation)

    @property
    def params(self) -> sympy.Expr:
        """The projections' counts, added."""
        return _by_projection(self.module_weights())

    def _axes(self):
        return Axis(label("embed_dim"), self.embed_dim), Axis(label("hidden_dim"),
                                                              self.hidden_dim)

    def input_conditions(self, input_shape):
        self._expect_rank(input_shape, min_rank=1)
        return (Condition.equal(self.embed_dim, input_shape[-1],
                                "the input's last axis must be embed_dim"),)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def weight_uses(self, weight, input_shape, output_shape, **options):
        """Every projection at every position (SwiGLU's gating product is elementwise)."""
        return positions(input_shape)


class FeedForward(_MLP):
    """``fc2(activation(fc1(x)))``: ``embed_dim -> hidden_dim -> embed_dim``, with biases.

    >>> from symparams import dims, nn
    >>> d, f = dims("d f")
    >>> nn.FeedForward(d, f).params
    d*(f + 1) + f*(d + 1)
    >>> nn.FeedForward(d, f, bias=False).params
    2*d*f
    """

    def __init__(self, embed_dim, hidden_dim, bias=True, activation="gelu", **kwargs):
        super().__init__(embed_dim, hidden_dim, bias, activation, **kwargs)

    def module_weights(self):
        embed, hidden = self._axes()
        return tuple(_projection("fc1", hidden, embed, self.bias, "expansion")
                     + _projection("fc2", embed, hidden, self.bias, "contraction"))


class SwiGLU(_MLP):
    """``down_proj(activation(gate_proj(x)) * up_proj(x))``, Llama's gated MLP (no biases).

    ``activation`` is SiLU by default (SwiGLU); GELU makes it GeGLU, with the same counts.

    >>> from symparams import dims, nn
    >>> d, f = dims("d f")
    >>> nn.SwiGLU(d, f).params
    3*d*f
    """

    def __init__(self, embed_dim, hidden_dim, bias=False, activation="silu", **kwargs):
        super().__init__(embed_dim, hidden_dim, bias, activation, **kwargs)

    def module_weights(self):
        embed, hidden = self._axes()
        return tuple(_projection("gate_proj", hidden, embed, self.bias, "gate projection")
                     + _projection("up_proj", hidden, embed, self.bias, "up projection")
                     + _projection("down_proj", embed, hidden, self.bias, "down projection"))


def pre_norm_block(attention, mlp, norm_layer=LayerNorm, *, cross_attention=None,
                   norm_names=None, batch_size=None, seq_length=None,
                   encoder_seq_length=None, name="block") -> Model:
    """``x + attention(norm1(x))``, then ``+ mlp(norm2(·))``: a GPT-2/Llama block model.

    ``attention`` is a :class:`GroupedQueryAttention` (named ``self_attn``
    unless it has a name), ``mlp`` a :class:`FeedForward`, :class:`SwiGLU`, or
    any module or model keeping the shape (named ``mlp``). ``norm_layer`` makes
    each norm from ``embed_dim`` and a name (``nn.LayerNorm``, ``nn.RMSNorm``,
    or ``functools.partial(nn.LayerNorm, bias=False)``), named by
    ``norm_names`` (``norm1``, ``norm2``, ...). The block's input is
    ``(batch_size, seq_length, embed_dim)``, symbols ``B`` and ``T`` by default,
    and :class:`~symparams.Repeat` stacks it.

    With ``cross_attention`` (a :class:`GroupedQueryAttention`, named
    ``cross_attn``) a third residual step attends over a second input,
    ``encoder_hidden_states`` of shape ``(batch_size, encoder_seq_length, kdim)``
    (``S`` by default), between the two: a decoder block.

    >>> from symparams import dims, nn
    >>> d, h, f = dims("d h f")
    >>> block = nn.pre_norm_block(nn.GroupedQueryAttention(d, h, bias=False),
    ...                           nn.SwiGLU(d, f), norm_layer=nn.RMSNorm)
    >>> block.params
    4*d**2 + 3*d*f + 2*d
    >>> [layer.name for layer in block.layers]
    ['norm1', 'self_attn', 'add', 'norm2', 'mlp', 'add_1']
    >>> decoder = nn.pre_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, f),
    ...                             cross_attention=nn.GroupedQueryAttention(d, h))
    >>> [tensor.shape for tensor in decoder.inputs]
    [(B, T, d), (B, S, d)]
    """
    return _block(True, attention, mlp, norm_layer, cross_attention, norm_names,
                  (batch_size, seq_length, encoder_seq_length), name)


def post_norm_block(attention, mlp, norm_layer=LayerNorm, *, cross_attention=None,
                    norm_names=None, batch_size=None, seq_length=None,
                    encoder_seq_length=None, name="block") -> Model:
    """``norm1(x + attention(x))``, then ``norm2(· + mlp(·))``: the original/BERT block.

    Arguments as :func:`pre_norm_block`; the same weights, in another order.

    >>> from symparams import dims, nn
    >>> d, h = dims("d h")
    >>> block = nn.post_norm_block(nn.GroupedQueryAttention(d, h), nn.FeedForward(d, 4 * d))
    >>> block.params
    12*d**2 + 13*d
    """
    return _block(False, attention, mlp, norm_layer, cross_attention, norm_names,
                  (batch_size, seq_length, encoder_seq_length), name)


def _block(pre, attention, mlp, norm_layer, cross_attention, norm_names, lengths,
           name) -> Model:
    """The residual steps in order: self-attention, cross-attention if any, the MLP."""
    from ..dims import dims

    owner = "pre_norm_block" if pre else "post_norm_block"
    for argument, value, optional in (("attention", attention, False),
                                      ("cross_attention", cross_attention, True)):
        if not (isinstance(value, GroupedQueryAttention) or optional and value is None):
            raise ArgumentTypeError(f"{owner}: `{argument}` must be a GroupedQueryAttention. "
                                    f"Received: {argument}={value!r}", argument=argument,
                                    value=value)
    if not isinstance(mlp, (Layer, BaseModel)):
        raise ArgumentTypeError(f"{owner}: `mlp` must be a module or a model. "
                                f"Received: mlp={mlp!r}", argument="mlp", value=mlp)
    steps = 2 if cross_attention is None else 3
    names = tuple(f"norm{i}" for i in range(1, steps + 1)) if norm_names is None else norm_names
    if (not isinstance(names, (tuple, list)) or len(names) != steps
            or not all(isinstance(n, str) for n in names)):
        raise ArgumentTypeError(f"{owner}: `norm_names` must be {steps} names (one per "
                                f"residual step). Received: norm_names={norm_names!r}",
                                argument="norm_names", value=norm_names)
    d = attention.embed_dim
    norms = [_norm(norm_layer, d, n, owner) for n in names]
    batch, length, source = (default if value is None else value for value, default in
                             zip(lengths, (dims("B"), dims("T"), dims("S"))))
    x = Tensor((batch, length, d), name="hidden_states")
    inputs, sublayers = [x], [_named(attention, "self_attn")]
    if cross_attention is not None:
        memory = Tensor((batch, source, cross_attention.kdim), name="encoder_hidden_states")
        inputs.append(memory)
        cross = _named(cross_attention, "cross_attn")
        sublayers.append(lambda t: cross(t, memory))
    sublayers.append(_named(mlp, "mlp"))
    h = x
    for norm, sublayer in zip(norms, sublayers):
        h = Add()([h, sublayer(norm(h))]) if pre else norm(Add()([h, sublayer(h)]))
    return Model(inputs if len(inputs) > 1 else x, h, name=name)


def _named(module, default):
    """``module`` under its own name, else under ``default`` (a model keeps its own)."""
    if isinstance(module, Layer) and not module.name:
        return module.replace(name=default)
    return module


def _norm(norm_layer, embed_dim, name, owner):
    # A layer class, or a factory of the user's (a function, a partial); not a builtin or a
    # class that makes something else.
    if not callable(norm_layer) or inspect.isbuiltin(norm_layer) or \
            isinstance(norm_layer, type) and not issubclass(norm_layer, Layer):
        raise ArgumentTypeError(f"{owner}: `norm_layer` must make a norm from embed_dim "
                                f"(nn.LayerNorm, nn.RMSNorm). Received: "
                                f"norm_layer={norm_layer!r}", argument="norm_layer",
                                value=norm_layer)
    norm = norm_layer(embed_dim, name=name)
    if not isinstance(norm, Layer):
        raise ArgumentTypeError(f"{owner}: `norm_layer` must make a module. Received: "
                                f"norm_layer({embed_dim}) = {norm!r}", argument="norm_layer",
                                value=norm_layer)
    return norm
