"""The base of the PyTorch-style modules: ``torch.nn`` names and arguments, whole shapes.

A module's parameters do not depend on its input, so they are known at once:

>>> from symparams import Tensor, dims, nn
>>> B, T, d = dims("B T d")
>>> linear = nn.Linear(d, 4 * d)
>>> linear.params
4*d*(d + 1)
>>> linear(Tensor((B, T, d))).shape
(B, T, 4*d)

Shapes are whole tensor shapes, batch included, exactly as ``forward`` sees
them; unbatched inputs work where torch accepts them. Parameters (what
``sum(p.numel() for p in m.parameters())`` gives) and buffers (running
statistics) are counted apart.
"""

from __future__ import annotations

from typing import ClassVar

import sympy

from .. import arguments
from ..errors import ArgumentTypeError, UnknownArgumentError
from ..layers.base import Layer
from ..weights import Weight, count

# Every module accepts these; they change neither shapes nor counts.
_FACTORY_ARGUMENTS = frozenset({"device", "dtype"})


class Module(Layer):
    """Base of ``symparams.nn`` modules; subclasses declare :meth:`module_weights`."""

    batch_excluded: ClassVar[bool] = False
    call_arguments: ClassVar[frozenset] = frozenset()

    def __init__(self, *, name=None, tied=None, trainable=True, **kwargs):
        unknown = set(kwargs) - _FACTORY_ARGUMENTS - self.ignored_arguments
        if unknown:
            name = sorted(unknown)[0]
            raise UnknownArgumentError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument '{name}'",
                argument=name, value=kwargs[name])
        object.__setattr__(self, "_config", {})
        for key, value in (("trainable", True), ("input_shape", None)):
            object.__setattr__(self, key, value)
        if trainable is not True:  # frozen (requires_grad=False): kept through subs and replace
            self._store(trainable=arguments.flag(trainable, owner=type(self).__name__,
                                                 argument="trainable"))
        if name is not None:  # a symparams addition: torch names modules by attribute
            if not isinstance(name, str):
                raise ArgumentTypeError(f"{type(self).__name__}: `name` must be a string. "
                                        f"Received: name={name!r}", argument="name", value=name)
            self._store(name=name)
        else:
            object.__setattr__(self, "name", None)
        self._store_ties(tied)

    def __call__(self, input):
        """``forward(input)``: several outputs come back as a tuple, as torch returns them."""
        from ..graph import apply
        return apply(self, (input,), tuple)

    def module_weights(self) -> tuple[Weight, ...]:
        """Parameters and buffers, as ``named_parameters()`` and ``named_buffers()`` list them."""
        return ()

    def declare_weights(self, input_shape):
        return self.module_weights()

    @property
    def params(self) -> sympy.Expr:
        """``sum(p.numel() for p in module.parameters())``."""
        return count(w for w in self.module_weights() if not w.buffer)

    @property
    def buffers(self) -> sympy.Expr:
        """``sum(b.numel() for b in module.buffers())``."""
        return count(w for w in self.module_weights() if w.buffer)

    def _expect_rank_in(self, input_shape, ranks: tuple[int, ...], what: str) -> None:
        if len(input_shape) not in ranks:
            from ..errors import ShapeError
            from ..layers.base import format_shape
            wanted = " or ".join(f"{r}D" for r in ranks)
            raise ShapeError(f"expected {wanted} input {what}; received an input of shape "
                             f"{format_shape(input_shape)}")
