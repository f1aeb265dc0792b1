"""from_keras against Keras 3 models built here: trainable and non-trainable counts and output
shapes, numerically and after substituting symbolic sizes back."""

import keras
import pytest
from hypothesis import given, strategies as st

from symparams import ModelError, dims, from_keras
from symparams.errors import ArgumentError, ArgumentTypeError

from .helpers import keras_counts, our_counts, same

H, W, T, d, F, K = dims("H W T d F K")


def check(theirs, model, values=None):
    numeric = model.subs(values) if values else model
    assert our_counts(numeric) == keras_counts(theirs)


def test_sequential_cnn():
    net = keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.BatchNormalization(), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(16, 3, padding="same"), keras.layers.Flatten(),
        keras.layers.Dropout(0.2), keras.layers.Dense(10)])
    check(net, from_keras(net))
    model = from_keras(net, input_shape=(H, W, 1), dims={8: F})
    assert same(model.layers[0].params, F * 10)
    check(net, model, {H: 28, W: 28, F: 8})


def test_functional_residual_with_a_shared_layer():
    x = keras.Input((None, 16), name="tokens")
    shared = keras.layers.Dense(16, name="shared")
    h = shared(keras.layers.LayerNormalization()(x))
    h = shared(keras.layers.Dense(16, activation="gelu")(h))  # called twice: one weight
    y = keras.layers.Add()([x, h])
    y = keras.layers.Concatenate()([y, keras.layers.Dense(4)(y)])
    net = keras.Model(x, keras.layers.GlobalAveragePooling1D()(y))
    model = from_keras(net, input_shape=(T, 16), dims={16: d})
    assert model.output_shape == (d + 4,)
    assert [b.name for b in model.layers].count("shared") == 1
    check(net, model, {T: 5, d: 16})
    assert keras_counts(net)[2] == (20,)


def test_nested_models_are_taken_apart():
    inner_in = keras.Input((8,))
    inner = keras.Model(inner_in, keras.layers.Dense(8, activation="relu", name="fc")(inner_in),
                        name="block")
    x = keras.Input((8,))
    net = keras.Model(x, keras.layers.Dense(2)(inner(inner(x))))
    model = from_keras(net)
    assert "block.fc" in [b.name for b in model.layers]
    check(net, model)
    stack = keras.Sequential([keras.Input((8,)), inner, keras.layers.Dense(3)])
    check(stack, from_keras(stack))


def test_frozen_layers_are_non_trainable():
    net = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4),
                            keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    net.layers[0].trainable = False
    check(net, from_keras(net, input_shape=(K,)), {K: 6})


def test_multi_input_model_and_attention():
    q, v = keras.Input((5, 8)), keras.Input((7, 8))
    attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    net = keras.Model([q, v], attention(q, v))
    model = from_keras(net, input_shape=[(T, 8), (K, 8)])
    assert model.output_shape == (T, 8)
    check(net, model, {T: 5, K: 7})


@pytest.mark.parametrize("name, size", [("MobileNetV2", (96, 96, 3)), ("ResNet50", (64, 64, 3))])
def test_keras_applications(name, size):
    with keras.device("meta"):
        net = getattr(keras.applications, name)(weights=None, input_shape=size, classes=10)
    model = from_keras(net, input_shape=(H, W, 3))
    assert model.output_shape == (10,)
    check(net, model, {H: size[0], W: size[1]})


def test_unknown_layers_and_bad_arguments():
    class Custom(keras.layers.Layer):
        def call(self, x):
            return x

    net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), Custom(name="mine")])
    with pytest.raises(ModelError, match="'mine' is a .*Custom, which symparams does not"):
        from_keras(net)
    with pytest.raises(ModelError, match="unknown sizes"):
        from_keras(keras.Sequential([keras.Input((None, 4)), keras.layers.Dense(3)]))
    with pytest.raises(ModelError, match="no input yet"):
        from_keras(keras.Sequential([keras.layers.Dense(3)]))

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(ModelError, match="subclassed Subclassed with its own call"):
        from_keras(Subclassed(), input_shape=(3,))
    with pytest.raises(ArgumentTypeError, match="must be a keras.Model"):
        from_keras(keras.layers.Dense(3))
    with pytest.raises(ArgumentError, match="matched no argument"):
        from_keras(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]),
                   dims={"filters": F})


_KINDS = st.sampled_from(["dense", "relu", "norm", "batchnorm", "dropout"])


@given(kinds=st.lists(_KINDS, min_size=1, max_size=5),
       units=st.lists(st.integers(1, 10), min_size=1, max_size=3), first=st.integers(1, 8))
def test_random_sequential_stacks(kinds, units, first):
    stack = [keras.Input((first,))]
    for index, kind in enumerate(kinds):
        stack.append({
            "dense": lambda: keras.layers.Dense(units[index % len(units)],
                                                use_bias=index % 2 == 0),
            "relu": lambda: keras.layers.Activation("relu"),
            "norm": keras.layers.LayerNormalization,
            "batchnorm": keras.layers.BatchNormalization,
            "dropout": lambda: keras.layers.Dropout(0.5)}[kind]())
    net = keras.Sequential(stack)
    check(net, from_keras(net, input_shape=(d,)), {d: first})


def test_recurrent_layers_and_wrappers():
    net = keras.Sequential([
        keras.Input((10,)), keras.layers.Embedding(100, 8),
        keras.layers.Bidirectional(keras.layers.LSTM(16, return_sequences=True)),
        keras.layers.TimeDistributed(keras.layers.Dense(3)), keras.layers.GRU(4)])
    model = from_keras(net, input_shape=(T,), dims={8: d})
    assert model.output_shape == (4,)
    check(net, model, {T: 10, d: 8})


def test_operations_on_keras_tensors():
    x = keras.Input((4,))
    y = keras.layers.Dense(4)(x)
    net = keras.Model(x, x + y * 2)
    check(net, from_keras(net))
    with pytest.raises(ModelError, match="operation 'sum' is a keras.src.ops.numpy.Sum"):
        from_keras(keras.Model(x, keras.ops.sum(y, axis=1)))


def test_widths_by_argument_name_and_by_layer():
    net = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, name="hidden"),
                            keras.layers.Dense(8, name="out")])
    every = from_keras(net, dims={"units": d})
    assert same(every.params, d * 7 + d * (d + 1))
    one = from_keras(net, dims={"out.units": K, 6: F})
    assert one.input_shape == (F,) and one.output_shape == (K,)
    check(net, one, {K: 8, F: 6})


def test_a_missing_keras_is_a_clear_error(monkeypatch):
    from symparams.errors import MissingDependencyError
    monkeypatch.setitem(__import__("sys").modules, "keras", None)
    with pytest.raises(MissingDependencyError, match="from_keras needs Keras 3"):
        from_keras(object())
