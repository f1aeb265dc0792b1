"""Weight declarations, and the one function that turns them into counts.

A layer declares its weights; every count (total, trainable, non-trainable)
and every explanation is derived from these declarations by :func:`count`.
Each axis of a weight carries a *label* (what the axis is, as a symbol such
as ``filters``) and a *size* (its value for this layer and input).

>>> from symparams.weights import Axis, Weight, count, label
>>> kernel = Weight("kernel", (Axis(label("kernel_h"), 5), Axis(label("kernel_w"), 5),
...                            Axis(label("in_channels"), 32), Axis(label("filters"), 64)))
>>> bias = Weight("bias", (Axis(label("filters"), 64),))
>>> count([kernel, bias])
51264
>>> from sympy import sstr
>>> sstr(count([kernel, bias], of="label", evaluate=False), order="none")
'(kernel_h*kernel_w*in_channels + 1)*filters'
>>> count([kernel, bias], of="label")
filters*(in_channels*kernel_h*kernel_w + 1)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import sympy
from sympy import Add, Integer, Mul

from .intmath import kept_product

__all__ = ["Axis", "ROLES", "Weight", "count", "label", "per_group", "window_axes", "window_text"]

#: How a forward pass can use a weight (see :class:`Weight`).
ROLES = ("product", "bias", "elementwise", "lookup", "state")


@lru_cache(maxsize=None)
def label(name: str) -> sympy.Symbol:
    """The symbol naming an axis role in formulas (``filters``, ``kernel_h``, ...).

    Labels are positive integers like every dimension, but they only appear in
    explanations: counts and shapes are always in the user's own symbols.
    """
    return sympy.Symbol(name, integer=True, positive=True)


@dataclass(frozen=True)
class Axis:
    """One axis of a weight: what it is (``label``) and how long it is (``size``)."""

    label: sympy.Expr
    size: sympy.Expr


@dataclass(frozen=True)
class Weight:
    """A weight tensor a layer creates: its name, axes, and whether training updates it.

    ``note`` says in a few words what one entry is for, for explanations.
    ``buffer`` marks PyTorch buffers (running statistics): state that is not a
    parameter, counted apart. Keras has none: its statistics are non-trainable
    weights. ``embedding`` marks embedding tables, which "non-embedding"
    counts (Kaplan et al.'s N) leave out. ``tied_to`` names the weight this one
    is (``"wte.weight"``): a tied weight is counted once, where it is made, and
    adds no entries here.

    ``role`` says how a forward pass uses each entry, for compute (see
    :mod:`symparams.compute`): ``"product"`` (multiply-accumulated once per
    position it serves: a Dense kernel on a ``(T, d)`` input is used ``T``
    times, a convolution kernel once per output position, a transposed
    convolution's once per input position), ``"bias"`` (added once per
    position), ``"elementwise"`` (norm scales and offsets, PReLU slopes: 0 MACs),
    ``"lookup"`` (embedding tables: 0 MACs) or ``"state"`` (running statistics:
    0 MACs). ``uses`` is that number of positions; None leaves it to the layer
    (:meth:`~symparams.layers.Layer.weight_uses`). A weight without a role
    makes its layer's compute unknown, never 0.

    ``dtype`` is a fixed element type (``"int64"``, as torch keeps
    ``num_batches_tracked``); empty means the model's own dtype, whatever it is
    cast to (see :mod:`symparams.memory`).
    """

    name: str
    axes: tuple[Axis, ...]
    trainable: bool = True
    note: str = ""
    buffer: bool = False
    embedding: bool = False
    tied_to: str = ""
    role: str = ""
    uses: sympy.Expr | None = None
    dtype: str = ""

    def prefixed(self, prefix: str) -> "Weight":
        """The same weight named inside a container: ``block.kernel``."""
        return replace(self, name=f"{prefix}.{self.name}")

    @property
    def shape(self) -> tuple[sympy.Expr, ...]:
        return tuple(axis.size for axis in self.axes)

    @property
    def size(self) -> sympy.Expr:
        """Number of entries: the product of the shape."""
        return Mul(*self.shape)


def count(weights, *, of: str = "size", evaluate: bool = True) -> sympy.Expr:
    """Total entries of ``weights``, factored the way a person writes it.

    Axes that appear in every weight, same label and same size (``filters`` in
    a kernel and its bias), are pulled out as a common factor: ``(k_h*k_w*c_in + 1)*filters``
    rather than ``k_h*k_w*c_in*filters + filters``.

    ``of="label"`` writes the formula in the axis labels, ``of="size"`` in the
    actual sizes. ``evaluate=False`` keeps every product and sum as written
    (``(5*5*32 + 1)*64``), for showing a derivation; print it with
    ``order="none"``. Tied weights (``tied_to``) add nothing: they are counted
    where they are made.
    """
    weights = [w for w in weights if not w.tied_to]
    if not weights:
        return Integer(0)
    sizes = [a.size for w in weights for a in w.axes]
    if evaluate and of == "size" and all(isinstance(s, (int, Integer)) for s in sizes):
        # Numbers only: the same total without forming a Mul or an Add (a first Add costs SymPy
        # a lazy import of ~50 ms).
        return Integer(sum(math.prod(int(a.size) for a in w.axes) for w in weights))
    pick = (lambda axis: axis.label) if of == "label" else (lambda axis: axis.size)
    common = _common_axes(weights)

    def product(factors):
        factors = list(factors)
        if not factors:
            return Integer(1)
        if len(factors) == 1:
            return factors[0]
        return Mul(*factors, evaluate=evaluate)

    cofactors = [product(pick(a) for a in _split_common(w.axes, common)[1]) for w in weights]
    shared = [pick(a) for a in _split_common(weights[0].axes, common)[0]]
    if not shared:
        return cofactors[0] if len(cofactors) == 1 else Add(*cofactors, evaluate=evaluate)
    if all(c == 1 for c in cofactors):
        inner = Integer(len(cofactors))
    elif len(cofactors) == 1:
        inner = cofactors[0]
    else:
        inner = Add(*cofactors, evaluate=evaluate)
    factors = ([] if inner == 1 else [inner]) + shared
    return kept_product(factors) if evaluate else product(factors)


_WINDOW_NAMES = {1: ("kernel_size",), 2: ("kernel_h", "kernel_w"),
                 3: ("kernel_d", "kernel_h", "kernel_w")}


def window_axes(kernel_size) -> tuple[Axis, ...]:
    """A convolution window's axes: ``kernel_size`` (1D), ``kernel_h``, ``kernel_w`` (2D), ...

    Both front ends declare their kernels with these, in their own axis order.
    """
    return tuple(Axis(label(name), k)
                 for name, k in zip(_WINDOW_NAMES[len(kernel_size)], kernel_size))


def window_text(kernel_size) -> str:
    """``3 x 3``: a window's size as notes about weights say it.

    >>> window_text((Integer(3), Integer(3)))
    '3 x 3'
    """
    # str() of a SymPy integer runs its printer; that adds up over a network's many kernels.
    return " x ".join(str(int(k)) if isinstance(k, Integer) else str(k) for k in kernel_size)


def per_group(name: str, channels, groups) -> Axis:
    """``channels`` split over ``groups``: labelled ``name/groups`` unless there is one group."""
    if groups == 1:
        return Axis(label(name), channels)
    return Axis(label(name) / label("groups"), channels / groups)


def _common_axes(weights) -> Counter:
    """Axes (label and size) of every weight, with how many times each is common."""
    if len(weights) < 2:
        return Counter()
    counters = [Counter(w.axes) for w in weights]
    common = counters[0]
    for counter in counters[1:]:
        common &= counter
    return common


def _split_common(axes, common: Counter) -> tuple[list, list]:
    """``axes`` split into the first occurrences of the common axes and the rest."""
    left = Counter(common)
    shared, kept = [], []
    for axis in axes:
        if left[axis] > 0:
            left[axis] -= 1
            shared.append(axis)
        else:
            kept.append(axis)
    return shared, kept
