"""``nn.Sequential``: modules applied in order, their parameters counted once each.

>>> from symparams import Tensor, dims, nn
>>> N, d = dims("N d")
>>> mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
>>> mlp.params
4*d*(d + 1) + d*(4*d + 1)
>>> mlp(Tensor((N, d))).shape
(N, d)
"""

from __future__ import annotations

from collections import OrderedDict

import sympy

from ..errors import ArgumentTypeError
from .base import Module


class Sequential(Module):
    """``torch.nn.Sequential(*modules)`` or ``Sequential(OrderedDict(name=module, ...))``."""

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            named = tuple(args[0].items())
        else:
            named = tuple((str(i), m) for i, m in enumerate(args))
        for key, module in named:
            if not isinstance(module, Module):
                raise ArgumentTypeError(
                    f"Sequential: {module!r} is not a symparams.nn module (entry {key})",
                    argument=key, value=module)
        object.__setattr__(self, "named_modules", named)
        object.__setattr__(self, "_config", {})

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for _, m in self.named_modules)

    def __len__(self) -> int:
        return len(self.named_modules)

    def __getitem__(self, index):
        return self.modules[index]

    def replace(self, **changes):  # noqa: D102 - a container has no arguments of its own
        raise ArgumentTypeError("Sequential has no arguments to replace", argument="changes",
                                value=changes)

    def subs(self, mapping) -> "Sequential":
        """The container with every module's symbols replaced (shared modules stay shared)."""
        done = {}
        items = OrderedDict((k, done.setdefault(id(m), m.subs(mapping)))
                            for k, m in self.named_modules)
        return Sequential(items)

    @property
    def free_symbols(self) -> set:
        return set().union(*(m.free_symbols for m in self.modules)) if self.modules else set()

    @property
    def params(self):
        """The modules' own counts, summed (a module used twice counts once)."""
        return sympy.Add(*(m.params for m in self._distinct()))

    @property
    def buffers(self):
        return sympy.Add(*(m.buffers for m in self._distinct()))

    def _distinct(self) -> list[Module]:
        seen, modules = set(), []
        for module in self.modules:
            if id(module) not in seen:
                seen.add(id(module))
                modules.append(module)
        return modules

    def module_weights(self):
        """Every module's weights, named as ``named_parameters()`` names them; shared once."""
        seen, weights = set(), []
        for key, module in self.named_modules:
            if id(module) in seen:
                continue
            seen.add(id(module))
            weights += [w.prefixed(key) for w in module.module_weights()]
        return tuple(weights)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for module in self.modules:
            shape = module.bind(shape).output_shape
        return shape

    def compute_terms(self, input_shape, output_shape, weights, *, input_grad=True, **options):
        """Every module's terms at the shape it receives, named by its key."""
        from ..compute import sequence_calls, with_input_grad
        bound, shape = [], tuple(input_shape)
        for key, module in self.named_modules:
            bound.append(module.bind(shape, key))
            shape = bound[-1].output_shape
        return tuple(with_input_grad(t.prefixed(name), grad)
                     for name, terms, grad in sequence_calls(bound, input_grad) for t in terms)

    def __call__(self, inputs):
        for module in self.modules:
            inputs = module(inputs)
        return inputs

    def __repr__(self) -> str:
        inner = ", ".join(repr(m) for m in self.modules)
        return f"Sequential({inner})"
