r"""Exact integer arithmetic for sizes: floor and ceiling division written as a person would.

Output sizes of convolutions and pools are floors and ceilings of quotients.
Composed naively they nest (``floor(floor(H/2)/2)``); here they are kept in
paper form while they are built, using rules valid for integer numerators and
positive-integer divisors:

* ``floor(floor(x/a)/b) = floor(x/(a*b))`` (and likewise with ceilings);
* ``floor((n - 1)/s) + 1 = ceiling(n/s)``: of the floor and ceiling forms the
  shorter is kept;
* terms that divide exactly, and whole multiples of a numeric divisor, move
  out of the bracket: ``floor((H - 4)/2) = floor(H/2) - 2``.

>>> from symparams import dims
>>> from symparams.intmath import floor_div, ceil_div, conv_output_length
>>> H, S = dims("H S")
>>> floor_div(floor_div(H, 2), 2)
floor(H/4)
>>> ceil_div(ceil_div(H, S), S)
ceiling(H/S**2)
>>> conv_output_length(H, kernel=3, stride=2, padding="valid")
ceiling(H/2) - 1

Nothing here knows about layers; conv and pooling both call
:func:`conv_output_length`. No rule calls ``sympy.simplify``.
"""

from __future__ import annotations

from functools import lru_cache

import sympy
from sympy import Add, Integer, Mul, ceiling, count_ops, floor

from .dims import is_size_symbol

__all__ = ["as_expr", "add", "kept_product", "floor_div", "ceil_div", "conv_output_length",
           "simplify_floors", "conv_transpose_output_length", "integer_valued"]


def as_expr(value) -> sympy.Expr:
    """An int or a SymPy expression as an expression; anything else (text above all) refused.

    Unlike ``sympy.sympify``, this never parses or evaluates a string.

    >>> as_expr(3), as_expr(sympy.Symbol("n") + 1)
    (3, n + 1)
    """
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, int):
        return Integer(value)
    raise TypeError(f"expected an int or a SymPy expression, received {value!r}")


def add(terms) -> sympy.Expr:
    """``sympy.Add(*terms)``; numbers alone are summed directly (no ``Add`` is formed).

    >>> add([Integer(2), Integer(3)]), add([Integer(2), sympy.Symbol("x")])
    (5, x + 2)
    """
    terms = list(terms)
    if all(t.is_Number for t in terms):
        return sum(terms, Integer(0))
    return Add(*terms)


def kept_product(factors) -> sympy.Expr:
    """``sympy.Mul(*factors)`` with a number kept outside a sum: ``32*(25*C + 1)``, not
    ``800*C + 32``.

    What ``sympy.core.parameters.distribute(False)`` gives, without that switch, which
    clears SymPy's whole cache each time it is turned.

    >>> C = sympy.Symbol("C")
    >>> kept_product([Integer(32), 25*C + 1]), kept_product([Integer(2), C, C + 1])
    (32*(25*C + 1), 2*C*(C + 1))
    """
    factors = [as_expr(f) for f in factors]
    number = Mul(*(f for f in factors if f.is_Number))
    coefficient, rest = Mul(*(f for f in factors if not f.is_Number)).as_coeff_Mul()
    coefficient *= number
    if rest.is_Add and coefficient.is_finite and coefficient not in (0, 1):
        return Mul(coefficient, rest, evaluate=False)
    return coefficient * rest


def floor_div(x, s) -> sympy.Expr:
    """``floor(x/s)`` in its simplest exact form.

    >>> from symparams import dims
    >>> H = dims("H")
    >>> floor_div(H - 6, 2) + 1
    floor(H/2) - 2
    >>> floor_div(4*H + 3, 2)
    2*H + 1
    """
    x, s = as_expr(x), as_expr(s)
    if x.is_Integer and s.is_Integer and s.is_positive:
        return Integer(int(x) // int(s))
    return _floor_div(x, s, Integer(0))


@lru_cache(maxsize=4096)
def _floor_div(x, s, offset) -> sympy.Expr:
    """``offset + floor(x/s)``; the form chosen is the shortest of the whole sum.

    Cached: the layers of a network divide the same few sizes again and again.
    """
    if x.has(sympy.Mod):
        x = _without_parity(x)
    if not _applies(x, s):
        return offset + floor(x / s)
    exact, rest = _split(x, s, up=False)
    merged = _merge_nested(rest)
    if merged is not None:
        numerator, denominator = merged
        return _floor_div(numerator, denominator * s, offset + exact)
    exact_c, rest_c = _split(x - s + 1, s, up=True)
    # Cost the two forms on their parts: building a floor runs SymPy's own (slow) rules.
    if _cost(offset + exact_c, rest_c, s) < _cost(offset + exact, rest, s):
        return offset + exact_c + _round(ceiling, rest_c / s)
    return offset + exact + _round(floor, rest / s)


def _cost(whole, rest, s) -> int:
    return count_ops(whole) + count_ops(rest / s) + 1


def _round(func, arg):
    """``func(arg)``; SymPy's evaluation is skipped when ``arg`` has no whole part left to take."""
    if arg.free_symbols:
        return func(arg, evaluate=False)
    return func(arg)


def ceil_div(x, s) -> sympy.Expr:
    """``ceiling(x/s)`` in its simplest exact form (for integer ``x``: ``floor((x+s-1)/s)``).

    >>> from symparams import dims
    >>> H = dims("H")
    >>> ceil_div(ceil_div(H, 2), 2)
    ceiling(H/4)
    """
    x, s = as_expr(x), as_expr(s)
    if x.is_Integer and s.is_Integer and s.is_positive:
        return Integer(-(-int(x) // int(s)))
    if not _applies(x, s):
        return ceiling(x / s)
    return floor_div(x + s - 1, s)


def conv_output_length(n, kernel, stride=1, dilation=1, padding="valid",
                       ceil_mode: bool = False) -> sympy.Expr:
    """Length of a convolution or pooling output along one axis.

    ``padding`` is Keras's ``'valid'`` (no padding) or ``'same'``/``'causal'``
    (``ceiling(n/stride)``), or explicit padding as PyTorch gives it: one size
    for both sides, or a pair ``(left, right)``. Then the length is
    ``floor((n + left + right - dilation*(kernel-1) - 1)/stride) + 1``, and with
    ``ceil_mode`` (PyTorch's pools) the ceiling, less the last window when it
    would start in the right padding.

    >>> from symparams import dims
    >>> H, K, S = dims("H K S")
    >>> conv_output_length(H, K, S)
    floor((H - K)/S) + 1
    >>> conv_output_length(H, 5)
    H - 4
    >>> conv_output_length(H, K, S, padding="same")
    ceiling(H/S)
    >>> conv_output_length(H, 3, 2, padding=1)
    ceiling(H/2)
    >>> conv_output_length(H, 2, 2, ceil_mode=True)
    ceiling(H/2)
    """
    if isinstance(padding, tuple):
        padding = tuple(as_expr(p) for p in padding)
    return _conv_output_length(as_expr(n), as_expr(kernel), as_expr(stride), as_expr(dilation),
                               padding, bool(ceil_mode))


@lru_cache(maxsize=4096)
def _conv_output_length(n, kernel, stride, dilation, padding, ceil_mode):
    """:func:`conv_output_length` of expressions; cached (a network repeats its layers)."""
    if padding in ("same", "causal"):
        return ceil_div(n, stride)
    if padding == "valid":
        left = right = Integer(0)
    elif isinstance(padding, tuple):
        left, right = padding
    else:
        left = right = padding
    left, right = as_expr(left), as_expr(right)
    span = n + left + right - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return floor_div(span + stride, stride)
    last = ceil_div(span, stride)
    # PyTorch drops a last window that would start in the right padding; that can only
    # happen when right + stride - 2 >= dilation*(kernel - 1).
    if (right + stride - 2 - dilation * (kernel - 1)).is_negative:
        return last + 1
    return sympy.Min(last, floor_div(n + left - 1, stride)) + 1


def simplify_floors(expr) -> sympy.Expr:
    """Rewrite every floor and ceiling in ``expr`` by the rules above, innermost first.

    >>> from sympy import floor
    >>> from symparams import dims
    >>> H = dims("H")
    >>> simplify_floors(floor((floor((H - 4)/2) - 6)/2) + 1)
    floor(H/4) - 3
    """
    return _simplify(as_expr(expr))


def _simplify(expr):
    if not expr.args:
        return expr
    args = [_simplify(a) for a in expr.args]
    if isinstance(expr, (floor, ceiling)):
        # Rewrite from the argument: building the floor first would let SymPy split it.
        numerator, denominator = sympy.fraction(sympy.together(args[0]))
        if _applies(numerator, denominator):
            division = floor_div if isinstance(expr, floor) else ceil_div
            return division(numerator, denominator)
    return expr.func(*args)


def _without_parity(x):
    """``Mod(n, 2)`` of an integer as ``2*ceiling(n/2) - n``: then ``n + Mod(n, 2)`` divides.

    (Keras pads an even axis by one less before a stride-2 window: ``n + Mod(n, 2)``.)
    """
    return x.replace(lambda e: isinstance(e, sympy.Mod) and e.args[1] == 2 and
                     e.args[0].is_integer,
                     lambda e: 2 * ceil_div(e.args[0], 2) - e.args[0])


def _applies(x, s) -> bool:
    return bool(s.is_integer and s.is_positive and integer_valued(x))


def integer_valued(e) -> bool:
    """Whether the expression ``e`` is provably an integer (SymPy's ``is_integer`` is True).

    Sums, products and positive powers of integers, integer symbols, floors and ceilings
    (what shapes are made of) are decided by their structure; SymPy's assumption system
    takes a fraction of a millisecond for each new expression. Anything else asks SymPy.

    >>> from symparams import dims
    >>> H = dims("H")
    >>> integer_valued(floor(H/2) - 3), integer_valued(H/2)
    (True, False)
    """
    if e.is_Integer or isinstance(e, (floor, ceiling)):
        return True
    if e.is_Symbol:
        return bool(e.is_integer)
    if (e.is_Add or e.is_Mul) and all(integer_valued(a) for a in e.args):
        return True
    if e.is_Pow and e.exp.is_Integer and e.exp.is_nonnegative and integer_valued(e.base):
        return True
    return bool(e.is_integer)


def _split(x, s, *, up: bool):
    """Split ``x`` into ``s*exact + rest`` with ``exact`` pulled out of the bracket.

    Terms divisible by ``s`` go to ``exact``; for a numeric ``s`` the constant
    term is reduced to ``[0, s)`` (``(-s, 0]`` when rounding ``up``).
    """
    exact, rest = [], []
    for term in Add.make_args(sympy.expand_mul(x)):
        if _divides(s, term):
            exact.append(term / s)
        else:
            rest.append(term)
    remainder = Add(*rest)
    if s.is_Integer:
        constant, remainder = remainder.as_coeff_Add()
        if constant.is_Integer:
            whole = -(-int(constant) // int(s)) if up else int(constant) // int(s)
            exact.append(Integer(whole))
            remainder += constant - whole * s
        else:
            remainder += constant
    return Add(*exact), remainder


def _divides(s, term) -> bool:
    """Whether ``term/s`` is provably an integer, as SymPy's ``is_integer`` proves it.

    A number times size symbols and floors (what shapes are made of) is decided by the
    number alone, without SymPy's assumption system (milliseconds per new expression):
    such a product's other factors can take any positive integer value.
    """
    if s.is_Integer and s.is_positive:
        coefficient, factors = term.as_coeff_Mul()
        if coefficient.is_Integer and all(_free_integer(f) for f in Mul.make_args(factors)):
            return int(coefficient) % int(s) == 0
    return bool((term / s).is_integer)


def _free_integer(factor) -> bool:
    """A factor whose parity and residues nothing fixes: 1, a size symbol, a floor or a
    ceiling, or a positive power of one."""
    if factor.is_Pow and factor.exp.is_Integer and factor.exp.is_positive:
        factor = factor.base
    return factor is Integer(1) or is_size_symbol(factor) or isinstance(factor, (floor, ceiling))


def _merge_nested(rest):
    """For ``rest = floor(y/d) + c`` (or a ceiling) with integer ``c``: ``(y + c*d, d)``.

    ``floor((floor(y/d) + c)/s) = floor((y + c*d)/(d*s))`` for positive integers
    ``d``, ``s``; a ceiling of integer ``y`` is first ``floor((y + d - 1)/d)``.
    """
    atoms = [t for t in Add.make_args(rest) if isinstance(t, (floor, ceiling))]
    if len(atoms) != 1:
        return None
    atom = atoms[0]
    other = rest - atom
    if not other.is_integer:
        return None
    y, d = sympy.fraction(sympy.together(atom.args[0]))
    if not (d.is_integer and d.is_positive):
        return None
    if isinstance(atom, ceiling):
        if not y.is_integer:
            return None
        y = y + d - 1
    return y + other * d, d


def conv_transpose_output_length(n, kernel, stride=1, dilation=1, padding="valid",
                                 output_padding=None) -> sympy.Expr:
    """Length of a transposed convolution's output along one axis.

    With ``k = dilation*(kernel - 1) + 1``, the reach of the kernel, and
    ``p = output_padding`` (``None`` for the framework's default):

    * Keras ``'valid'``: ``(n - 1)*stride + k + p``; by default
      ``(n - 1)*stride + max(k, stride)``;
    * Keras ``'same'``: ``(n - 1)*stride + (k mod 2) + p``; by default
      ``n*stride``;
    * explicit padding, as PyTorch gives it (one size for both sides, or a pair
      ``(left, right)`` as in :func:`conv_output_length`):
      ``(n - 1)*stride - left - right + k + p``, with ``p = 0`` by default.
      PyTorch's ``(n - 1)*s - 2*padding + dilation*(kernel - 1) +
      output_padding + 1`` is the symmetric case.

    ``k mod 2`` is written ``k - 2*floor(k/2)`` when ``k`` is symbolic.

    >>> from symparams import dims
    >>> H, K, S = dims("H K S")
    >>> conv_transpose_output_length(H, 3, 2)
    2*H + 1
    >>> conv_transpose_output_length(H, 3, 2, padding="same")
    2*H
    >>> conv_transpose_output_length(H, K, S)
    S*(H - 1) + Max(K, S)
    >>> conv_transpose_output_length(H, 4, 2, padding="same", output_padding=1)
    2*H - 1
    >>> conv_transpose_output_length(H, K, S, padding="same", output_padding=0)
    K + S*(H - 1) - 2*floor(K/2)
    >>> conv_transpose_output_length(H, 4, 2, padding=1)
    2*H
    """
    n, kernel, stride, dilation = (as_expr(v) for v in (n, kernel, stride, dilation))
    reach = dilation * (kernel - 1) + 1
    if padding == "same":
        if output_padding is None:
            return n * stride
        parity = reach - 2 * floor_div(reach, 2)
        return (n - 1) * stride + parity + output_padding
    if padding == "valid":
        if output_padding is None:
            return (n - 1) * stride + sympy.Max(reach, stride)
        return (n - 1) * stride + reach + output_padding
    left, right = padding if isinstance(padding, tuple) else (padding, padding)
    extra = 0 if output_padding is None else output_padding
    return (n - 1) * stride - left - right + reach + extra
