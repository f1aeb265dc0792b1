"""Compute: MACs and FLOPs as formulas, read from the declarations parameter counts come from.

>>> from symparams import Input, Model, dims, flops, layers
>>> T, d = dims("T d")
>>> x = Input((T, d))
>>> model = Model(x, layers.Dense(d)(layers.Dense(4 * d, activation="relu")(x)))
>>> model.macs
8*T*d**2
>>> model.flops
16*T*d**2
>>> flops(model, bias=True)
16*T*d**2 + 5*T*d

Each weight declares how a forward pass uses it (its ``role`` and ``uses``,
see :class:`symparams.weights.Weight`); products that are not weights
(attention's QKᵀ and AV, ``Dot``) are declared by the layer
(:meth:`symparams.layers.Layer.declare_products`). The default convention
(docs/conventions.md): MACs are the multiply-accumulates of products; FLOPs
are 2·MACs; bias adds, elementwise work (activations, normalization, pooling,
softmax, residual adds) and lookups are 0. :func:`flops` switches the
convention: ``bias=True`` adds one FLOP per bias element per position;
``causal`` halves attention products (``None``: as each layer was called);
``backward`` adds the backward pass, exactly (``"exact"``) or as a multiple of
the forward pass. A layer without a compute declaration raises
:class:`~symparams.errors.ModelError` naming its type: never a silent 0.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Integer, Mul, Rational

from .errors import ArgumentError, ArgumentTypeError, ModelError

__all__ = ["Convention", "Term", "flops", "macs"]

#: Kinds of terms that are products (multiply-accumulates).
PRODUCTS = ("product", "attention", "activation product")


@dataclass(frozen=True)
class Term:
    """One source of work in a layer call: ``entries`` used at ``uses`` positions.

    ``kind`` is a weight role (``"product"``, ``"bias"``, ``"elementwise"``,
    ``"lookup"``, ``"state"``) or ``"attention"`` / ``"activation product"``
    for a product of two activations (no weight). For products, ``entries``
    multiply-accumulates happen at each use; for a bias, ``entries`` adds.
    ``trainable`` products also have a weight gradient; ``from_input`` says the
    product reads the layer's input, so its input gradient exists only when
    that input requires one. ``square`` attention (as many keys as queries)
    is the kind a causal mask halves; ``causal`` says the layer was called
    with one. ``grad_uses`` counts the uses of a ``from_input`` term whose input
    gradient is needed anyway (copies 2 to ``L`` of a repeated block); with
    ``fixed_grad`` they are exactly the uses whose input gradient is computed,
    whatever the layer's input (a recurrent kernel: every step but the first,
    whose zero initial state requires no gradient).
    ``shown`` writes ``entries`` as declared (``5·5·32·64``), for explanations.
    """

    name: str
    kind: str
    entries: sympy.Expr
    uses: sympy.Expr
    note: str = ""
    trainable: bool = False
    from_input: bool = True
    square: bool = False
    causal: bool = False
    grad_uses: sympy.Expr = Integer(0)
    fixed_grad: bool = False
    shown: sympy.Expr | None = None

    @property
    def amount(self) -> sympy.Expr:
        """MACs for a product, adds for a bias, 0 otherwise."""
        return self.entries * self.uses

    def scaled(self, factor) -> "Term":
        """The term repeated ``factor`` times (a batch, ``L`` copies of a block)."""
        return dataclasses.replace(self, uses=self.uses * factor,
                                   grad_uses=self.grad_uses * factor)

    def prefixed(self, prefix: str) -> "Term":
        return dataclasses.replace(self, name=f"{prefix}.{self.name}")


@dataclass(frozen=True)
class Convention:
    """How terms become FLOPs: bias adds in or out, causal attention, the backward pass."""

    bias: bool = False
    causal: bool | None = None
    backward: object = None

    def __post_init__(self):
        if not isinstance(self.bias, bool):
            raise ArgumentTypeError(f"flops: `bias` must be True or False. "
                                    f"Received: bias={self.bias!r}", argument="bias",
                                    value=self.bias)
        if self.causal not in (None, True, False):
            raise ArgumentTypeError("flops: `causal` must be None (as each layer was called), "
                                    f"True or False. Received: causal={self.causal!r}",
                                    argument="causal", value=self.causal)
        backward = self.backward
        if backward is None or backward == "exact" and isinstance(backward, str):
            return
        if isinstance(backward, bool) or not isinstance(backward, (numbers.Real, sympy.Expr)):
            raise ArgumentTypeError(
                "flops: `backward` must be None (forward only), 'exact', or a number (the "
                f"backward pass as a multiple of the forward pass). Received: "
                f"backward={backward!r}", argument="backward", value=backward)
        if isinstance(backward, sympy.Expr) and (backward.is_nonnegative is not True or
                                                 backward.is_finite is not True) or \
                not isinstance(backward, sympy.Expr) and not 0 <= backward < math.inf:
            raise ArgumentError(f"flops: `backward` must not be negative, infinite or NaN. "
                                f"Received: backward={backward!r}", argument="backward",
                                value=backward)

    def factor(self, term: Term) -> sympy.Expr:
        """1, or 1/2 for attention a causal mask halves under this convention."""
        if term.kind != "attention":
            return Integer(1)
        halved = term.causal if self.causal is None else (self.causal and term.square)
        return Rational(1, 2) if halved else Integer(1)

    def forward(self, term: Term) -> sympy.Expr:
        """FLOPs of ``term`` in the forward pass."""
        if term.kind in PRODUCTS:
            return 2 * self.factor(term) * term.amount
        if term.kind == "bias" and self.bias:
            return term.amount
        return Integer(0)

    def backward_exact(self, term: Term, input_grad: bool) -> sympy.Expr:
        """FLOPs of ``term``'s gradients: the weight's and the input's (when either is needed)."""
        if term.fixed_grad:
            input_uses = term.grad_uses
        elif input_grad or not term.from_input:
            input_uses = term.uses
        else:
            input_uses = term.grad_uses
        if term.kind == "product":
            return 2 * term.entries * (term.uses * int(term.trainable) + input_uses)
        if term.kind in ("attention", "activation product"):
            return 2 * self.factor(term) * 2 * term.entries * input_uses
        if term.kind == "bias" and self.bias and term.trainable:
            return term.amount
        return Integer(0)


def _backward_factor(value) -> sympy.Expr:
    if isinstance(value, sympy.Expr):
        return value
    if isinstance(value, numbers.Integral):
        return Integer(value)
    fraction = Fraction(str(value))
    return Rational(fraction.numerator, fraction.denominator)


def layer_terms(bound, input_grad: bool = True) -> tuple[Term, ...]:
    """Every term of one layer call (a bound layer), for the whole shapes it was bound to.

    ``input_grad`` says whether its input requires a gradient (for the
    backward pass; recorded on the terms of nested models).
    """
    layer = bound.layer
    inputs, outputs = bound.input_shape, bound.output_shape
    batch = bound.batch
    if batch is not None:  # a Keras layer called on a PyTorch-style tensor: per example x batch
        inputs = tuple(s[1:] for s in inputs) if layer.multiple_inputs else inputs[1:]
        outputs = [s[1:] for s in outputs] if isinstance(outputs, list) else outputs[1:]
    terms = layer.compute_terms(inputs, outputs, bound.weights, input_grad=input_grad,
                                **bound.options)
    if batch is not None:
        terms = tuple(t.scaled(batch) for t in terms)
    return terms


def weight_terms(layer, input_shape, output_shape, weights, **options) -> tuple[Term, ...]:
    """The terms of a layer's declared weights; a weight without a role is an error."""
    owner = type(layer).__name__.lstrip("_")
    terms = []
    for weight in weights:
        if weight.role == "":
            raise ModelError(f"{owner} has no compute formula: its weight {weight.name!r} "
                             "declares no role (product, bias, elementwise, lookup, state)")
        if weight.role in ("product", "bias"):
            count = weight.uses
            if count is None:
                count = layer.weight_uses(weight, input_shape, output_shape, **options)
            terms.append(Term(weight.name, weight.role, weight.size, count, weight.note,
                              trainable=weight.trainable, shown=_written(weight)))
        else:
            terms.append(Term(weight.name, weight.role, weight.size, Integer(0), weight.note,
                              shown=_written(weight)))
    return tuple(terms)


def _written(weight) -> sympy.Expr:
    """The weight's entries as declared (a tied weight is multiplied where it is used too)."""
    from .weights import count
    return count([dataclasses.replace(weight, tied_to="")], evaluate=False)


def unknown(layer, what: str = "") -> ModelError:
    """The error for a layer whose compute symparams does not know."""
    owner = type(layer).__name__.lstrip("_")
    detail = f": {what}" if what else ""
    return ModelError(f"{owner} has no compute formula{detail}; symparams never counts an "
                      "unknown layer as 0")


# -- models -------------------------------------------------------------------------------


def calls(obj, input_grad: bool = False):
    """``(name, terms, input_grad)`` for every layer call of a model, or of one bound layer."""
    from .layers.base import BoundLayer
    from .model import BaseModel

    if isinstance(obj, BoundLayer):
        return [(obj.name, layer_terms(obj, True), True)]
    if not isinstance(obj, BaseModel):
        raise ArgumentTypeError(f"flops: expected a model or a bound layer "
                                f"(model.layers[i]). Received: {obj!r}", argument="model",
                                value=obj)
    return obj._compute_calls(input_grad)


def total(obj, convention: Convention, *, input_grad: bool = False) -> sympy.Expr:
    """FLOPs of a model or bound layer under ``convention`` (forward, plus backward if asked)."""
    found = calls(obj, input_grad)
    forward = sympy.Add(*(convention.forward(t) for _, terms, _ in found for t in terms))
    if convention.backward is None:
        return forward
    if convention.backward == "exact":
        backward = sympy.Add(*(convention.backward_exact(t, grad)
                               for _, terms, grad in found for t in terms))
    else:
        backward = _backward_factor(convention.backward) * forward
    return forward + backward


def flops(model, *, bias: bool = False, causal: bool | None = None, backward=None):
    """FLOPs of ``model`` (a model or a bound layer) under a named convention.

    ``bias=True`` adds one FLOP per bias element per position. ``causal=True``
    halves every attention product whose score matrix is square (self-attention;
    never cross-attention over another length), ``False`` counts them whole,
    ``None`` as each layer was called. ``backward="exact"`` adds the gradients'
    products: each trainable weight's gradient, and each input gradient that is
    needed (none for a layer reading the model's input, which requires no
    gradient, as PyTorch does); a number adds that multiple of the forward pass
    (``backward=2`` for the usual "backward = 2 x forward").

    >>> from symparams import Sequential, dims, flops, layers
    >>> n = dims("n")
    >>> model = Sequential([layers.Dense(n), layers.Dense(n)], input_shape=(n,))
    >>> flops(model), flops(model, bias=True)
    (4*n**2, 4*n**2 + 2*n)
    >>> flops(model, backward="exact")  # the first layer's input gradient is not needed
    10*n**2
    >>> flops(model, backward=2)
    12*n**2
    """
    return total(model, Convention(bias=bias, causal=causal, backward=backward))


def macs(model, *, causal: bool | None = None) -> sympy.Expr:
    """Multiply-accumulates of ``model``'s forward pass (``causal`` as in :func:`flops`)."""
    return flops(model, causal=causal) / 2


def sequence_calls(bound_layers, input_grad: bool):
    """``(name, terms, input_grad)`` for layers applied one after another."""
    found, flowing = [], input_grad
    for bound in bound_layers:
        found.append((bound.name, layer_terms(bound, flowing), flowing))
        flowing = flowing or makes_grad(bound)
    return found


def makes_grad(bound) -> bool:
    """Whether a layer's output requires a gradient regardless of its input: a trainable weight."""
    return any(w.trainable and not w.buffer for w in bound.weights)


def nested_terms(model, input_grad: bool) -> tuple[Term, ...]:
    """A model's terms used as one layer: every call's, named ``layer.term``."""
    terms = []
    for name, found, grad in model._compute_calls(input_grad):
        terms += [with_input_grad(t.prefixed(name), grad) for t in found]
    return tuple(terms)


def with_input_grad(term: Term, input_grad: bool) -> Term:
    """A nested term whose input gradient is settled: needed (internal), or as the outer input's."""
    if term.fixed_grad:
        return term
    return dataclasses.replace(term, from_input=not (input_grad or not term.from_input))


def repeated(terms_first, terms_rest, L) -> tuple[Term, ...]:
    """``L`` copies of a block: the first copy's terms (its input's gradient as the block's
    input's), the other ``L - 1`` copies' terms (every input gradient needed)."""
    combined = []
    for first, rest in zip(terms_first, terms_rest):
        term = rest.scaled(L)
        if first != rest:  # the first copy reads the block's input
            term = dataclasses.replace(term, from_input=True,
                                       grad_uses=first.grad_uses + (L - 1) * rest.uses)
        combined.append(term)
    return tuple(combined)


def recurrent_terms(terms, steps, reads) -> tuple[Term, ...]:
    """A recurrent layer's terms with their input gradients as autograd computes them.

    ``reads(name)`` says what a kernel reads: ``"hidden"`` (the hidden state: its
    gradient exists at every step but the first, whose zero initial state
    requires none), ``"inner"`` (another layer's output inside the module, a
    deeper layer or a projection: always needed) or ``"input"``.
    """
    adjusted = []
    for term in terms:
        source = reads(term.name.split(".")[-1]) if term.kind == "product" else "input"
        if source == "hidden":
            term = dataclasses.replace(term, fixed_grad=True,
                                       grad_uses=term.uses * (steps - 1) / steps)
        elif source == "inner":
            term = dataclasses.replace(term, from_input=False)
        adjusted.append(term)
    return tuple(adjusted)


def positions(shape, keep_last: int = 1) -> sympy.Expr:
    """Positions of a shape whose last ``keep_last`` axes are features: the product of the rest."""
    return Mul(*shape[:len(shape) - keep_last])


def attention_products(queries, keys, score_width, value_width, *, batch=1,
                       causal: bool = False) -> tuple[Term, Term]:
    """QKᵀ and AV of ``batch`` sequences: ``queries`` query positions against ``keys`` keys.

    ``score_width`` is the query width summed in each score (heads x key size),
    ``value_width`` the value width mixed (heads x value size). A layer called
    with a causal mask (``causal``) has both halved under ``causal=None``;
    ``causal=True`` halves them whenever the score matrix is square.
    """
    square = sympy.expand(queries - keys) == 0
    uses = batch * queries * keys
    return (
        Term("QKᵀ", "attention", score_width, uses,
             note="a score per query and key position, summed over the key width",
             from_input=False, square=square, causal=bool(causal)),
        Term("AV", "attention", value_width, uses,
             note="each query's output mixes the values of every key position",
             from_input=False, square=square, causal=bool(causal)))
