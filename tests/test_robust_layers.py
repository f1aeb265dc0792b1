"""Every public layer and module under hostile arguments and hostile inputs.

Each case starts from a valid construction (the formula reference's example, or one below),
changes one argument, or a few, to a hostile value (:mod:`tests.hostile`), and requires a
documented error or a layer whose counts, shapes, summary and LaTeX all make sense. The
valid layers are then called on inputs of any rank and on things that are not tensors.
``HYPOTHESIS_PROFILE=explore`` runs many more cases; ``tests/conftest.py`` prints the count.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest
import sympy
from hypothesis import example, given, settings, strategies as st

from symparams import Input, Model, Tensor, dims, layers, nn
from tests.hostile import N, attempt, check_bound, check_model, hostile, shapes
from tests.test_reference import load

B, T, C, H, W, D, F, K, P = dims("B T C H W D F K P")

#: Cases per class and test: the profile's budget spread over some 190 classes.
PER_CLASS = max(5, settings.default.max_examples // 12)


@dataclass
class Case:
    """A valid construction: ``cls(*args, **kwargs)`` bound to ``shape`` with ``options``."""

    cls: type
    args: tuple
    kwargs: dict
    shape: tuple
    options: dict

    @property
    def arguments(self) -> list[str]:
        """Every argument name worth fuzzing: the signature's, the stored ones, the shared ones."""
        names = [n for n, p in inspect.signature(self.cls.__init__).parameters.items()
                 if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        names += list(self.kwargs) + list(getattr(self.cls, "arg_names", ()))
        names += sorted(getattr(self.cls, "ignored_arguments", ()))
        if isinstance(self.cls, type) and issubclass(self.cls, nn.Module):
            names += ["name", "trainable", "tied", "device", "dtype"]
        else:
            names += ["name", "trainable", "tied", "dtype", "input_shape", "input_dim",
                      "batch_input_shape", "not_an_argument"]
        return list(dict.fromkeys(names))


def _pads():
    ranks = {"1d": (B, C, T), "2d": (B, C, H, W), "3d": (B, C, D, H, W)}
    for kind in ("ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad", "ConstantPad"):
        for suffix, shape in ranks.items():
            cls = getattr(nn, kind + suffix)
            yield cls, ((P, 0.0) if kind == "ConstantPad" else (P,)), shape


def _extra_torch():
    yield from _pads()
    yield nn.Dropout1d, (0.1,), (B, C, T)
    yield nn.Dropout2d, (0.1,), (B, C, H, W)
    yield nn.Dropout3d, (0.1,), (B, C, D, H, W)
    yield nn.AlphaDropout, (0.1,), (B, C)
    yield nn.FeatureAlphaDropout, (0.1,), (B, C, T)
    for name in ("CELU", "ELU", "SELU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
                 "LeakyReLU", "LogSigmoid", "Mish", "ReLU", "ReLU6", "Sigmoid", "SiLU",
                 "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink"):
        yield getattr(nn, name), (), (B, C)
    yield nn.Threshold, (0.1, 0.0), (B, C)
    yield nn.LogSoftmax, (-1,), (B, C)
    yield nn.Softmin, (-1,), (B, C)
    yield nn.Softmax2d, (), (B, C, H, W)


def _extra_keras():
    yield layers.Convolution1D, (F, K), (T, C)
    yield layers.Convolution2D, (F, 3, 3), (H, W, C)
    yield layers.Convolution3D, (F, 3, 3, 3), (D, H, W, C)


def _cases() -> dict[str, Case]:
    reference = load()
    cases = {}
    for _, layer, shape, options in reference.KERAS + reference.TORCH:
        cls = type(layer)
        cases.setdefault(f"{cls.__module__.split('.')[1]}.{cls.__name__}",
                         Case(cls, (), layer.get_config(), shape, options))
    for cls, args, shape in _extra_torch():
        cases[f"nn.{cls.__name__}"] = Case(cls, (), _as_keywords(cls, args), shape, {})
    for cls, args, shape in _extra_keras():  # legacy Keras 1 functions: positional arguments
        cases[f"layers.{cls.__name__}"] = Case(cls, args, {}, shape, {})
    return cases


def _as_keywords(cls, args) -> dict:
    """Positional arguments by name, so that each can be replaced by a keyword."""
    if hasattr(cls, "arg_names"):
        return dict(zip(cls.arg_names, args))
    return dict(inspect.signature(cls).bind_partial(*args).arguments)


CASES = _cases()
#: Public names that are not constructed here, and why.
NOT_CONSTRUCTED = {
    "layers.Layer": "the abstract base users subclass; it has no formulas of its own",
    "layers.BoundLayer": "made by models when they bind a layer, never by users",
    "nn.Module": "the abstract base users subclass; it has no formulas of its own",
    "nn.Sequential": "a container of modules: fuzzed in test_robust_functions",
    "nn.pre_norm_block": "a function building a model: fuzzed in test_robust_functions",
    "nn.post_norm_block": "a function building a model: fuzzed in test_robust_functions",
}


def covered_layer_names() -> set[str]:
    """``layers.X`` / ``nn.X`` for every public name this module constructs or excludes."""
    classes = {case.cls for case in CASES.values()}
    names = set(NOT_CONSTRUCTED)
    for module, prefix in ((layers, "layers"), (nn, "nn")):
        names |= {f"{prefix}.{n}" for n in module.__all__ if getattr(module, n) in classes}
    return names


def build(case: Case, changes: dict):
    kwargs = {**case.kwargs, **changes}
    return attempt(case.cls, *case.args, **kwargs)


def model_of(layer, case: Case):
    """The layer called on a tensor of the case's shape, as a one-layer model."""
    x = Input(case.shape) if layer.batch_excluded else Tensor(case.shape)
    y = layer(x)
    return Model(x, list(y) if isinstance(y, (tuple, list)) else y)


def check_layer(layer, case: Case):
    """A layer that was accepted: it prints, binds, counts and summarises, or says why not."""
    repr(layer)
    layer.get_config()
    bound = attempt(layer.bind, case.shape, **case.options)
    if bound is not None:
        check_bound(bound)
    if not layer.multiple_inputs and not case.options:
        model = attempt(model_of, layer, case)
        if model is not None:
            check_model(model)


def case_ids():
    return sorted(CASES)


@pytest.mark.parametrize("key", case_ids())
@settings(max_examples=PER_CLASS)
@given(data=st.data())
def test_one_hostile_argument(key, data):
    case = CASES[key]
    name = data.draw(st.sampled_from(case.arguments), label="argument")
    value = data.draw(hostile, label="value")
    layer = build(case, {name: value})
    if layer is not None:
        check_layer(layer, case)


@pytest.mark.parametrize("key", case_ids())
@settings(max_examples=PER_CLASS)
@given(data=st.data())
def test_several_hostile_arguments(key, data):
    case = CASES[key]
    names = data.draw(st.lists(st.sampled_from(case.arguments), min_size=2, max_size=4,
                               unique=True), label="arguments")
    changes = {name: data.draw(hostile, label=name) for name in names}
    layer = build(case, changes)
    if layer is not None:
        check_layer(layer, case)


def _valid(case: Case):
    return case.cls(*case.args, **case.kwargs)


def _positional(layer) -> int:
    """How many tensors a call takes positionally (a PyTorch attention: query, key, value)."""
    parameters = inspect.signature(layer.__call__).parameters.values()
    return sum(p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)


def call(layer, inputs: list):
    """``layer`` called on ``inputs`` as its call takes them: one, a list, or positionally."""
    if _positional(layer) > 1:
        return layer(*inputs)
    return layer(inputs if layer.multiple_inputs else inputs[0])


@pytest.mark.parametrize("key", case_ids())
@settings(max_examples=PER_CLASS)
@given(data=st.data())
def test_inputs_of_any_rank(key, data):
    case = CASES[key]
    layer = _valid(case)
    count = _positional(layer)
    if count > 1:
        drawn = data.draw(st.lists(shapes, min_size=count, max_size=count), label="shapes")
    elif layer.multiple_inputs:
        drawn = data.draw(st.lists(shapes, min_size=0, max_size=4), label="shapes")
    else:
        drawn = [data.draw(shapes, label="shape")]
    shape = tuple(drawn) if layer.multiple_inputs else drawn[0]
    bound = attempt(layer.bind, shape, **case.options)
    if bound is not None:
        check_bound(bound)
    tensors = attempt(lambda: [Input(s) if layer.batch_excluded else Tensor(s) for s in drawn])
    if tensors:
        out = attempt(call, layer, tensors)
        if out is not None:
            model = attempt(Model, tensors, list(out) if isinstance(out, (tuple, list)) else out)
            if model is not None:
                check_model(model)


@pytest.mark.parametrize("key", case_ids())
@settings(max_examples=PER_CLASS)
@given(value=hostile)
@example(value=None)
@example(value=[None])
@example(value=(N, 3))
@example(value=sympy.Symbol("x"))
def test_inputs_that_are_not_tensors(key, value):
    layer = _valid(CASES[key])
    count = max(_positional(layer), 1)
    attempt(call, layer, [value] * count)
    attempt(call, layer, [[value, value]] * count)
    bound = attempt(layer.bind, value)
    if bound is not None:
        check_bound(bound)
