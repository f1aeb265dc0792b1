"""Each failure the robustness suite found, as an explicit case: the documented error it raises now.

Before, each of these raised a raw Python or SymPy error (or, for the LSTM, tried to list
10**30 layers of weights). The message must name the owner and the argument or value.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy

from symparams import (
    Input, Model, Sequential, Tensor, dims, explain, flops, latex, layers, memory, nn, plot,
    sweep,
)
from symparams.errors import (
    ArgumentError, ArgumentTypeError, ShapeError, SymparamsError, UnknownArgumentError,
)
from symparams.zoo import hf, keras as keras_zoo, torchvision as torchvision_zoo

N, M, T, d, L = dims("N M T d L")


def _model():
    return Sequential([layers.Dense(4, name="dense")], input_shape=(T, d))


def _block(**kwargs):
    return nn.pre_norm_block(nn.GroupedQueryAttention(d, 4), nn.FeedForward(d, 4 * d), **kwargs)


CASES = [
    ("unhashable dtype", lambda: layers.Dense(3, dtype=[]), ArgumentError, "dtype"),
    ("batch_input_shape not a tuple", lambda: layers.Dense(3, batch_input_shape=0),
     ArgumentTypeError, "batch_input_shape"),
    ("tied not a dict", lambda: layers.Dense(3, tied="3"), ArgumentTypeError, "tied"),
    ("units=nan", lambda: layers.Dense(sympy.nan), ArgumentError, "units"),
    ("noise_shape not a tuple", lambda: layers.Dropout(0.5, noise_shape=0), ArgumentTypeError,
     "noise_shape"),
    ("Bidirectional(None)", lambda: layers.Bidirectional(None), ArgumentTypeError, "layer"),
    ("GQA embed_dim=None", lambda: nn.GroupedQueryAttention(None, 4), ArgumentTypeError,
     "embed_dim"),
    ("Softshrink lambd=[]", lambda: nn.Softshrink(lambd=[]), ArgumentTypeError, "lambd"),
    ("Hardtanh min_val={}", lambda: nn.Hardtanh(min_val={}), ArgumentTypeError, "min_val"),
    ("Softmax dim symbolic", lambda: nn.Softmax(dim=N * M), ArgumentTypeError, "dim"),
    ("GLU dim=None", lambda: nn.GLU(dim=None), ArgumentTypeError, "dim"),
    ("LeakyReLU slope=nan", lambda: nn.LeakyReLU(math.nan), ArgumentTypeError,
     "negative_slope"),
    ("bind on a symbol", lambda: nn.ReLU().bind(sympy.Symbol("x")), ShapeError, "ReLU"),
    ("bind on an int", lambda: layers.Dense(3).bind(5), ShapeError, "Dense"),
    ("bind on a float size", lambda: nn.LayerNorm(4).bind((sympy.Float(2.0),)), ArgumentError,
     "2.0"),
    ("GRU on no inputs", lambda: nn.GRU(4, 4).bind(()), ShapeError, "GRU"),
    ("Bilinear on a scalar", lambda: nn.Bilinear(2, 3, 4).bind(((2,), ())), ShapeError,
     "feature axis"),
    ("MultiheadAttention on one input",
     lambda: nn.MultiheadAttention(d, 4).bind(((T, 2, d),)), ShapeError, "3 inputs"),
    ("Keras MHA on mixed ranks",
     lambda: layers.MultiHeadAttention(2, 4).bind(((1, 1, 1), (1,), (1,))), ShapeError,
     "rank"),
    ("unknown call option", lambda: layers.Dense(4).bind((T, d), not_an_option=[]),
     UnknownArgumentError, "not_an_option"),
    ("count_params(None)", lambda: nn.Linear(d, 4).count_params(None), ShapeError, "Linear"),
    ("layer subs with a list", lambda: layers.Dense(d).subs([]), ArgumentTypeError, "mapping"),
    ("model subs with a string", lambda: _model().subs("ab"), ArgumentTypeError, "mapping"),
    ("sweep mapping a string", lambda: sweep(T * d, "ab"), ArgumentTypeError, "mapping"),
    ("Tensor batched=Eq", lambda: Tensor((T, d), batched=sympy.Eq(N, 2)), ArgumentTypeError,
     "batched"),
    ("latex unknown setting", lambda: latex(T, foo=1), UnknownArgumentError, "foo"),
    ("latex bad setting", lambda: latex(T, mul_symbol=5), ArgumentError, "mul_symbol"),
    ("flops backward=nan", lambda: flops(_model(), backward=math.nan), ArgumentError,
     "backward"),
    ("memory frozen=None", lambda: memory(_model(), frozen=None), ArgumentTypeError, "frozen"),
    ("memory frozen=[[]]", lambda: memory(_model(), frozen=[[]]), ArgumentError, "frozen"),
    ("model.memory unknown option", lambda: _model().memory(not_an_option=1),
     UnknownArgumentError, "not_an_option"),
    ("explain memory option ''", lambda: explain(_model(), memory={"": 1}),
     UnknownArgumentError, "''"),
    ("norm_layer=len", lambda: _block(norm_layer=len), ArgumentTypeError, "norm_layer"),
    ("norm_names=Eq", lambda: _block(norm_names=sympy.Eq(N, 2)), ArgumentTypeError,
     "norm_names"),
    ("Llama vocab_size=None", lambda: hf.LlamaModel(vocab_size=None), ArgumentTypeError,
     "vocab_size"),
    ("MobileNetV3 alpha='3'", lambda: keras_zoo.MobileNetV3Small(alpha="3"), ArgumentError,
     "alpha"),
    ("mobilenet_v2 width_mult=None", lambda: torchvision_zoo.mobilenet_v2(width_mult=None),
     ArgumentError, "width_mult"),
    ("EinsumDense output_shape=[]",
     lambda: layers.EinsumDense("abc,cde->abde", []).bind((T, d)), ShapeError, "output_shape"),
    ("Dot axes=[0]", lambda: layers.Dot(axes=[0]), ArgumentError, "axes"),
    ("nn.Dropout inplace=Eq", lambda: nn.Dropout(0.1, inplace=sympy.Eq(N, 2)),
     ArgumentTypeError, "inplace"),
    ("sweep on clashing shapes", lambda: sweep(L * d, L=[1, 2], d=[]), ArgumentError,
     "broadcast"),
    ("mobilenet_v2 10**30 blocks",
     lambda: torchvision_zoo.mobilenet_v2(inverted_residual_setting=[[1, 16, 10**30, 1]]),
     ArgumentError, "inverted_residual_setting"),
]


@pytest.mark.parametrize("call, error, named", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_found_by_the_robustness_suite(call, error, named):
    with pytest.raises(SymparamsError) as caught:
        call()
    assert isinstance(caught.value, error), repr(caught.value)
    assert named in str(caught.value)


def test_plot_refuses_labels_and_values_it_cannot_draw():
    pytest.importorskip("matplotlib")
    with pytest.raises(ArgumentTypeError, match="labels"):
        plot(T * d, over="d", values=[1, 2], T=3, labels=True)
    with pytest.raises(ArgumentTypeError, match="values"):
        plot(T * d, over="d", values=[None, []], T=3)
    with pytest.raises(ArgumentTypeError, match="labels"):
        plot(T * d, over="d", values=[1, 2], T=3, labels=[[]])


def test_a_deep_stack_is_counted_without_listing_its_layers():
    """num_layers=10**30 used to unroll 10**30 layers of weights (and exhaust memory)."""
    deep = nn.LSTM(4, 8, num_layers=10**30)
    assert deep.params == nn.LSTM(4, 8, num_layers=L).params.subs(L, 10**30)
    assert nn.LSTM(4, 8, num_layers=3).params == nn.LSTM(4, 8, num_layers=L).params.subs(L, 3)


def test_latex_of_a_fraction():
    assert latex(Fraction(1, 2)) == latex(sympy.Rational(1, 2))
    assert latex([Fraction(1, 2)]) == latex([sympy.Rational(1, 2)])


def test_a_model_of_the_fixed_layers_still_counts():
    x = Input((T, d))
    assert Model(x, layers.Dropout(0.5, noise_shape=(None, 1, d))(x)).params == 0
