"""Memory formulas against the frameworks: bytes of weights, gradients, optimizer state,
activations and the KV cache, measured on real modules.

Every expected number is measured here: ``numel() * element_size()`` of torch's
parameters, buffers, gradients and ``optimizer.state`` after one step; every
tensor a forward hook sees; Keras optimizer variables and layer outputs;
``past_key_values`` of a transformers decoder run with ``use_cache=True``.
"""

from __future__ import annotations

import math

import keras
import numpy
import pytest
import sympy
import torch
from hypothesis import given, settings, strategies as st

import symparams
from symparams import Input, Model, Repeat, Sequential, Tensor, dims, layers, memory, nn
from symparams.dtypes import element_bytes
from symparams.errors import ArgumentError, ArgumentTypeError
from symparams.memory import OPTIMIZER_STATES

FLOAT_TYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)


def both(name, *args, **kwargs):
    """The same module in symparams.nn and in torch.nn."""
    return getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


def tensor_bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def number(expr) -> int:
    value = sympy.Integer(expr) if isinstance(expr, int) else expr
    assert not value.free_symbols, value
    return int(value)


# -- a small convolutional network and a small sequence network, on both sides -------------


def conv_net(channels: int, filters: int, size: int, classes: int):
    """Conv → BatchNorm → ReLU → MaxPool → Flatten → Linear, as a symparams Model and torch."""
    parts = [both("Conv2d", channels, filters, 3), both("BatchNorm2d", filters), both("ReLU"),
             both("MaxPool2d", 2), both("Flatten")]
    flat = filters * ((size - 2) // 2) ** 2
    parts.append(both("Linear", flat, classes))
    x = Tensor((2, channels, size, size))
    y = x
    for ours, _ in parts:
        y = ours(y)
    return Model(x, y), torch.nn.Sequential(*(theirs for _, theirs in parts)), \
        torch.zeros(2, channels, size, size)


def sequence_net(d: int, heads: int, length: int, vocab: int):
    """Embedding → LayerNorm → attention (with its weights) → LSTM → Linear."""
    embed, embed_t = both("Embedding", vocab, d)
    norm, norm_t = both("LayerNorm", d)
    attend, attend_t = both("MultiheadAttention", d, heads, batch_first=True)
    lstm, lstm_t = both("LSTM", d, d, batch_first=True)
    head, head_t = both("Linear", d, vocab)
    ids = Tensor((3, length))
    h = norm(embed(ids))
    mixed, _ = attend(h, h, h)
    out, _ = lstm(mixed)
    model = Model(ids, head(out))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed, self.norm, self.attend, self.lstm, self.head = \
                embed_t, norm_t, attend_t, lstm_t, head_t

        def forward(self, x):
            h = self.norm(self.embed(x))
            mixed, _ = self.attend(h, h, h)
            out, _ = self.lstm(mixed)
            return self.head(out)

    return model, Net(), torch.zeros(3, length, dtype=torch.long)


NETS = {"conv": lambda: conv_net(3, 4, 10, 5), "sequence": lambda: sequence_net(8, 2, 6, 11)}


# -- weights, gradients, optimizer state --------------------------------------------------------


@pytest.mark.parametrize("net", NETS)
@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
def test_weights_are_the_bytes_of_parameters_and_buffers(net, dtype):
    model, module, _ = NETS[net]()
    module.to(dtype)
    expected = tensor_bytes(module.parameters()) + tensor_bytes(module.buffers())
    assert number(memory(model, dtype).weights) == expected
    assert number(memory(model, str(dtype).removeprefix("torch.")).weights) == expected


def test_integer_buffers_keep_their_type():
    """BatchNorm's num_batches_tracked stays int64 when the model is cast to float16."""
    norm, norm_t = both("BatchNorm1d", 5)
    model = Model(x := Tensor((4, 5)), norm(x))
    norm_t.half()
    assert norm_t.num_batches_tracked.dtype == torch.int64
    assert number(memory(model, "float16").weights) == \
        tensor_bytes(norm_t.parameters()) + tensor_bytes(norm_t.buffers())


def one_step(module, example, optimizer):
    module.train()
    out = module(example)
    out.float().square().mean().backward()
    optimizer.step()


TORCH_OPTIMIZERS = [
    ("sgd", "SGD", {}), ("momentum", "SGD", {"momentum": 0.9}),
    ("nesterov", "SGD", {"momentum": 0.9, "nesterov": True}), ("adam", "Adam", {}),
    ("adamw", "AdamW", {}), ("amsgrad", "Adam", {"amsgrad": True}), ("adagrad", "Adagrad", {}),
    ("rmsprop", "RMSprop", {}), ("adadelta", "Adadelta", {}), ("adamax", "Adamax", {}),
    ("nadam", "NAdam", {}), ("radam", "RAdam", {}), ("asgd", "ASGD", {}), ("rprop", "Rprop", {}),
]


def state_bytes(optimizer):
    """Per-element states (shaped like their parameter), and the scalars beside them."""
    per_element, scalars = 0, set()
    for parameter, state in optimizer.state.items():
        for key, value in state.items():
            if torch.is_tensor(value) and value.shape == parameter.shape:
                per_element += value.numel() * value.element_size()
            else:
                assert torch.is_tensor(value) and value.dim() == 0, (key, value)
                scalars.add(key)
    return per_element, scalars


@pytest.mark.parametrize("ours, name, options", TORCH_OPTIMIZERS, ids=[o[0] for o in
                                                                        TORCH_OPTIMIZERS])
def test_gradients_and_optimizer_state_after_one_step(ours, name, options):
    model, module, example = NETS["conv"]()
    optimizer = getattr(torch.optim, name)(module.parameters(), lr=1e-3, **options)
    one_step(module, example, optimizer)
    usage = memory(model, "float32", optimizer=ours)
    assert number(usage.gradients) == tensor_bytes(p.grad for p in module.parameters())
    per_element, scalars = state_bytes(optimizer)
    assert number(usage.optimizer_state) == per_element
    assert scalars <= {"step", "mu_product", "eta", "mu"}  # per tensor, not modelled
    assert number(usage.optimizer_state) == \
        OPTIMIZER_STATES[ours] * 4 * number(model.trainable_params)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64], ids=str)
@pytest.mark.parametrize("ours, name", [("momentum", "SGD"), ("adam", "Adam"),
                                        ("adamw", "AdamW")])
def test_states_are_kept_in_the_weights_type(dtype, ours, name):
    model, module, example = NETS["sequence"]()
    module.to(dtype)
    options = {"momentum": 0.9} if name == "SGD" else {}
    optimizer = getattr(torch.optim, name)(module.parameters(), lr=1e-3, **options)
    one_step(module, example, optimizer)
    usage = memory(model, dtype, optimizer=ours)
    assert number(usage.gradients) == tensor_bytes(p.grad for p in module.parameters())
    assert number(usage.optimizer_state) == state_bytes(optimizer)[0]


def test_frozen_layers_have_no_gradients_nor_state():
    model, module, example = NETS["sequence"]()
    module.embed.requires_grad_(False)
    module.lstm.requires_grad_(False)
    optimizer = torch.optim.AdamW([p for p in module.parameters() if p.requires_grad])
    one_step(module, example, optimizer)
    names = [b.name for b in model.layers]
    frozen = [names[0], next(n for n in names if n.startswith("lstm"))]
    usage = memory(model, optimizer="adamw", frozen=frozen)
    assert number(usage.gradients) == tensor_bytes(p.grad for p in module.parameters()
                                                   if p.grad is not None)
    assert number(usage.optimizer_state) == state_bytes(optimizer)[0]
    assert number(usage.weights) == tensor_bytes(module.parameters())


def test_mixed_precision_is_sixteen_bytes_per_parameter():
    """ZeRO §3.1: fp16 weights and gradients, fp32 master weights, momentum and variance."""
    d, L = dims("d L")
    block = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
    x = Tensor((1, d))
    model = Model(x, Repeat(block, L)(x))
    usage = memory(model, "float16", optimizer="adam", master_dtype="float32")
    parts = usage.weights + usage.gradients + usage.master_weights + usage.optimizer_state
    assert sympy.expand(parts - 16 * model.params) == 0
    assert sympy.expand(usage.master_weights + usage.optimizer_state - 12 * model.params) == 0
    megatron = memory(model, "bfloat16", optimizer="adam", master_dtype="float32",
                      gradient_dtype="float32")
    assert sympy.expand(megatron.total - megatron.activations - 18 * model.params) == 0


@settings(max_examples=30)
@given(channels=st.integers(1, 3), filters=st.integers(1, 4), kernel=st.integers(1, 3),
       bias=st.booleans(), affine=st.booleans(), classes=st.integers(1, 4),
       dtype=st.sampled_from([torch.float32, torch.float64, torch.bfloat16]),
       optimizer=st.sampled_from(TORCH_OPTIMIZERS[:5]))
def test_drawn_networks_after_one_step(channels, filters, kernel, bias, affine, classes, dtype,
                                       optimizer):
    """Weights, gradients and states of drawn conv networks, in drawn types, after a step."""
    ours_name, name, options = optimizer
    size = 5
    parts = [both("Conv2d", channels, filters, kernel, bias=bias),
             both("BatchNorm2d", filters, affine=affine), both("Flatten"),
             both("Linear", filters * (size - kernel + 1) ** 2, classes, bias=bias)]
    x = Tensor((2, channels, size, size))
    y = x
    for ours, _ in parts:
        y = ours(y)
    module = torch.nn.Sequential(*(theirs for _, theirs in parts)).to(dtype)
    step = getattr(torch.optim, name)(module.parameters(), lr=1e-3, **options)
    one_step(module, torch.zeros(2, channels, size, size, dtype=dtype), step)
    usage = memory(Model(x, y), dtype, optimizer=ours_name)
    assert number(usage.weights) == tensor_bytes(module.parameters()) + \
        tensor_bytes(module.buffers())
    assert number(usage.gradients) == tensor_bytes(p.grad for p in module.parameters())
    assert number(usage.optimizer_state) == state_bytes(step)[0]


def test_keras_lora_trains_only_its_low_rank_weights():
    built = keras.Sequential([keras.Input((7,)), keras.layers.Dense(5, lora_rank=2)])
    ours = Sequential([layers.Dense(5, lora_rank=2)], input_shape=(7,))
    optimizer = keras.optimizers.Adam()
    optimizer.build(built.trainable_variables)
    usage = memory(ours, optimizer="adam")
    assert number(usage.optimizer_state) == \
        sum(math.prod(v.shape) * 4 for v in optimizer.variables if len(v.shape))
    assert number(usage.gradients) == sum(math.prod(v.shape) * 4
                                          for v in built.trainable_variables)


def test_dtype_names_and_objects():
    for dtype in (torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int8,
                  torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool,
                  torch.complex64, torch.complex128, torch.float8_e4m3fn, torch.float8_e5m2):
        name = str(dtype).removeprefix("torch.")
        assert element_bytes(dtype) == element_bytes(name) == dtype.itemsize
        if hasattr(numpy, name):
            assert element_bytes(getattr(numpy, name)) == element_bytes(numpy.dtype(name)) == \
                numpy.dtype(name).itemsize
    assert element_bytes("half") == 2 and element_bytes("double") == 8


def test_keras_optimizer_variables():
    """Keras keeps states for trainable variables only (not batch norm's moving statistics,
    nor Normalization's statistics and its int32 count)."""
    built = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Normalization(),
                              keras.layers.Conv2D(3, 3), keras.layers.BatchNormalization(),
                              keras.layers.Flatten(), keras.layers.Dense(4, trainable=False),
                              keras.layers.Dense(2)])
    ours = Sequential([layers.Normalization(), layers.Conv2D(3, 3), layers.BatchNormalization(),
                       layers.Flatten(), layers.Dense(4, trainable=False), layers.Dense(2)],
                      input_shape=(6, 6, 2))
    for name, optimizer in [("sgd", keras.optimizers.SGD()),
                            ("momentum", keras.optimizers.SGD(momentum=0.9)),
                            ("adam", keras.optimizers.Adam()), ("adamw", keras.optimizers.AdamW()),
                            ("amsgrad", keras.optimizers.Adam(amsgrad=True)),
                            ("lion", keras.optimizers.Lion()), ("nadam", keras.optimizers.Nadam()),
                            ("ftrl", keras.optimizers.Ftrl()), ("lamb", keras.optimizers.Lamb())]:
        optimizer.build(built.trainable_variables)
        states = sum(math.prod(v.shape) * 4 for v in optimizer.variables if len(v.shape))
        assert number(memory(ours, optimizer=name).optimizer_state) == states, name
    assert number(memory(ours).weights) == \
        sum(math.prod(v.shape) * element_bytes(v.dtype) for v in built.weights)


def test_keras_application_weights_with_an_int32_count():
    """EfficientNetB0 starts with a Normalization layer, whose count Keras keeps as int32."""
    from symparams.zoo import keras as zoo

    options = dict(include_top=False, weights=None, input_shape=(32, 32, 3))
    theirs, ours = keras.applications.EfficientNetB0(**options), zoo.EfficientNetB0(**options)
    for dtype in ("float32", "bfloat16"):
        expected = sum(math.prod(v.shape) * (element_bytes(v.dtype) if v.dtype == "int32" else
                                             element_bytes(dtype)) for v in theirs.weights)
        assert number(memory(ours, dtype).weights) == expected


# -- activations ------------------------------------------------------------------------------


def hooked_outputs(module, example) -> int:
    """Elements of every leaf module's outputs in one forward pass (tuples: every tensor)."""
    seen = []

    def hook(_, __, output):
        stack = [output]
        while stack:
            item = stack.pop()
            if torch.is_tensor(item):
                seen.append(item.numel())
            elif isinstance(item, (tuple, list)):
                stack.extend(item)

    handles = [m.register_forward_hook(hook) for m in module.modules()
               if not list(m.children()) or isinstance(m, torch.nn.MultiheadAttention)]
    with torch.no_grad():
        module.eval()(example)
    for handle in handles:
        handle.remove()
    return sum(seen)


@pytest.mark.parametrize("net", NETS)
def test_activations_are_every_layer_output(net):
    model, module, example = NETS[net]()
    usage = memory(model, "bfloat16", optimizer="sgd")
    assert number(usage.activation_elements) == hooked_outputs(module, example)
    assert number(usage.activations) == 2 * hooked_outputs(module, example)


@given(batch=st.integers(1, 4), d=st.integers(1, 6), depth=st.integers(1, 3),
       length=st.integers(1, 5))
def test_activations_of_repeated_and_shared_modules(batch, d, depth, length):
    """Repeat(nn.Sequential) counts each copy's layers; a module called twice counts twice."""
    B, T, D, L = dims("B T D L")
    shared = nn.Linear(D, D)
    x = Tensor((B, T, D))
    block = nn.Sequential(nn.Linear(D, 2 * D), nn.ReLU(), nn.Linear(2 * D, D))
    model = Model(x, shared(Repeat(block, L)(shared(x))))
    usage = memory(model).subs(B=batch, T=length, D=d, L=depth)

    shared_t = torch.nn.Linear(d, d)
    stack = torch.nn.Sequential(*(torch.nn.Sequential(
        torch.nn.Linear(d, 2 * d), torch.nn.ReLU(), torch.nn.Linear(2 * d, d))
        for _ in range(depth)))
    module = torch.nn.Sequential(shared_t, stack, shared_t)
    example = torch.zeros(batch, length, d)
    assert number(usage.activation_elements) == hooked_outputs(module, example)
    assert number(usage.weights) == tensor_bytes(shared_t.parameters()) + \
        tensor_bytes(stack.parameters())


@given(batch=st.integers(1, 3), length=st.integers(1, 4), d=st.integers(1, 5))
def test_keras_model_inside_a_pytorch_style_model(batch, length, d):
    """A Keras-style model (per example) called on whole tensors counts once per example."""
    T, D, B = dims("T D B")
    x = Input((T, D))
    inner = Model(x, layers.Dense(D)(layers.Dense(2 * D, activation="relu")(x)), name="mlp")
    whole = Tensor((B, T, D))
    outer = Model(whole, nn.LayerNorm(D)(inner(whole)))
    usage = memory(outer).subs(B=batch, T=length, D=d)
    hidden = torch.nn.Sequential(torch.nn.Linear(d, 2 * d), torch.nn.ReLU())
    module = torch.nn.Sequential(hidden[0], torch.nn.Linear(2 * d, d), torch.nn.LayerNorm(d))
    # Keras's Dense(activation="relu") is one layer: one output for the linear map and relu
    assert number(usage.activation_elements) == hooked_outputs(module, torch.zeros(
        batch, length, d))
    assert [row.name for row in usage.layers] == ["mlp", "layer_norm"]
    alone = memory(outer.layers[0]).subs(B=batch, T=length, D=d)  # the bound layer by itself
    assert alone.activation_elements == usage.layers[0].activation_elements


def keras_outputs(model, example) -> int:
    """Elements of every layer's output for one example."""
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers])
    return sum(math.prod(out.shape) for out in probe(example))


@settings(max_examples=12)  # a Keras build per size: a few sizes, every batch
@given(size=st.integers(5, 8), filters=st.integers(1, 3), batch=st.integers(1, 3))
def test_keras_activations_per_example_and_per_batch(size, filters, batch):
    H, F = dims("H F")
    ours = Sequential([layers.Conv2D(F, 3), layers.BatchNormalization(), layers.ReLU(),
                       layers.MaxPooling2D(), layers.Flatten(), layers.Dense(3)],
                      input_shape=(H, H, 2))
    built = _keras_conv(size, filters)
    example = keras.ops.zeros((1, size, size, 2))
    per_example = memory(ours).subs(H=size, F=filters)
    assert number(per_example.activation_elements) == keras_outputs(built, example)
    batched = memory(ours, "float16", batch=batch).subs(H=size, F=filters)
    assert number(batched.activations) == 2 * batch * keras_outputs(built, example)


_KERAS = {}


def _keras_conv(size, filters):
    """Keras's model for these sizes (built once per size: a build costs time)."""
    if (size, filters) not in _KERAS:
        _KERAS[size, filters] = keras.Sequential([
            keras.Input((size, size, 2)), keras.layers.Conv2D(filters, 3),
            keras.layers.BatchNormalization(), keras.layers.ReLU(), keras.layers.MaxPooling2D(),
            keras.layers.Flatten(), keras.layers.Dense(3)])
    return _KERAS[size, filters]


@given(length=st.integers(1, 5), d=st.integers(1, 4), batch=st.integers(1, 3))
def test_keras_shared_layer_counts_every_call(length, d, batch):
    T, D = dims("T D")
    x = Input((T, D))
    shared = layers.Dense(D)
    once = shared(x)
    model = Model(x, layers.Add()([once, shared(once)]))
    usage = memory(model, batch=batch).subs(T=length, D=d)
    inputs = keras.Input((length, d))
    dense = keras.layers.Dense(d)
    first = dense(inputs)
    second = dense(first)
    probe = keras.Model(inputs, [first, second, keras.layers.Add()([first, second])])
    outputs = probe(keras.ops.zeros((batch, length, d)))
    assert number(usage.activation_elements) == sum(math.prod(t.shape) for t in outputs)


def test_keras_graph_with_several_outputs_counts_each():
    T, d = dims("T d")
    x = Input((T, d))
    out, h, c = layers.LSTM(5, return_state=True, return_sequences=True)(x)
    model = Model(x, [layers.Dense(2)(out), layers.Concatenate()([h, c])])
    usage = memory(model).subs(T=4, d=3)
    # LSTM: sequence 4*5, h 5, c 5; Dense 4*2; Concatenate 10
    inputs = keras.Input((4, 3))
    o, hk, ck = keras.layers.LSTM(5, return_state=True, return_sequences=True)(inputs)
    dense, concat = keras.layers.Dense(2)(o), keras.layers.Concatenate()([hk, ck])
    probe = keras.Model(inputs, [o, hk, ck, dense, concat])
    assert number(usage.activation_elements) == \
        sum(math.prod(t.shape) for t in probe(keras.ops.zeros((1, 4, 3))))


# -- KV cache ---------------------------------------------------------------------------------


def torch_keys_and_values(attention, key, value) -> int:
    """Elements of the keys and values torch's MultiheadAttention projects (its in-projection)."""
    _, k, v = torch.nn.functional._in_projection_packed(key, key, value, attention.in_proj_weight,
                                                        attention.in_proj_bias)
    return k.numel() + v.numel()


@given(batch=st.integers(1, 3), target=st.integers(1, 6), source=st.integers(1, 6),
       heads=st.integers(1, 3), width=st.integers(1, 3))
def test_kv_cache_of_torch_attention_layers(batch, target, source, heads, width):
    """Self-attention over the target and (a decoder layer's) cross-attention over the memory."""
    B, T, S, h, e = dims("B T S h e")
    d = h * e
    x, context = Tensor((T, B, d)), Tensor((S, B, d))
    ours = memory(Model([x, context], nn.TransformerDecoderLayer(d, h)(x, context)), "float16")
    encoder = memory(Model(y := Tensor((B, T, d)), nn.TransformerEncoderLayer(
        d, h, batch_first=True)(y)))
    sizes = dict(B=batch, T=target, S=source, h=heads, e=width)

    layer = torch.nn.TransformerDecoderLayer(heads * width, heads)
    tgt = torch.zeros(target, batch, heads * width)
    memory_t = torch.zeros(source, batch, heads * width)
    with torch.no_grad():
        elements = torch_keys_and_values(layer.self_attn, tgt, tgt) + \
            torch_keys_and_values(layer.multihead_attn, memory_t, memory_t)
        self_only = torch_keys_and_values(layer.self_attn, tgt, tgt)
    assert number(ours.subs(**sizes).kv_cache) == 2 * elements
    del sizes["S"]
    assert number(encoder.subs(**sizes).kv_cache_elements) == self_only


@pytest.mark.parametrize("key_dim, value_dim, heads", [(8, 4, 2), (3, None, 5)])
def test_kv_cache_of_keras_attention(key_dim, value_dim, heads):
    """The tensors Keras's own key and value projections make, per example."""
    q, source = Input((4, 6)), Input((7, 5))
    ours = Model([q, source], layers.MultiHeadAttention(heads, key_dim, value_dim)(q, source))
    theirs = keras.layers.MultiHeadAttention(heads, key_dim, value_dim)
    query_t, source_t = keras.ops.zeros((3, 4, 6)), keras.ops.zeros((3, 7, 5))
    theirs(query_t, source_t)
    projected = theirs._key_dense(source_t), theirs._value_dense(source_t)
    assert number(memory(ours, batch=3).kv_cache_elements) == \
        sum(math.prod(t.shape) for t in projected)


def cache_tensors(output):
    """Every key and value tensor of a transformers cache (an encoder-decoder's: both parts)."""
    cache = getattr(output, "cache", None) or output.past_key_values
    parts = [cache.self_attention_cache, cache.cross_attention_cache] \
        if hasattr(cache, "cross_attention_cache") else [cache]
    return [t for part in parts for layer in part.layers for t in (layer.keys, layer.values)]


T5_CACHES = [dict(num_layers=2, num_decoder_layers=3, d_model=16, d_kv=4, num_heads=2, d_ff=32),
             dict(num_layers=1, num_decoder_layers=2, d_model=12, d_kv=5, num_heads=3, d_ff=8)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=str)
@pytest.mark.parametrize("config", T5_CACHES, ids=["2+3 layers", "1+2 layers"])
def test_t5_decoder_cache_against_transformers(config, dtype):
    """The decoder's self-attention over T_dec and cross-attention over T_enc, every layer."""
    import transformers

    from symparams.zoo import hf

    theirs = transformers.T5ForConditionalGeneration(
        transformers.T5Config(vocab_size=40, **config)).eval().to(dtype)
    with torch.no_grad():
        output = theirs(input_ids=torch.zeros(2, 7, dtype=torch.long),
                        decoder_input_ids=torch.zeros(2, 3, dtype=torch.long), use_cache=True)
    usage = memory(hf.T5ForConditionalGeneration(vocab_size=40, **config), dtype,
                   cached=["decoder_block"]).subs(B=2, T_enc=7, T_dec=3)
    assert number(usage.kv_cache) == tensor_bytes(cache_tensors(output))


DECODERS = [
    ("GPT2LMHeadModel", "GPT2Config", dict(n_layer=3, n_embd=16, n_head=2, vocab_size=50,
                                           n_positions=32)),
    ("GPT2LMHeadModel", "GPT2Config", dict(n_layer=2, n_embd=12, n_head=3, vocab_size=30,
                                           n_positions=16, add_cross_attention=True)),
    ("LlamaForCausalLM", "LlamaConfig", dict(num_hidden_layers=2, hidden_size=32,
                                             num_attention_heads=4, num_key_value_heads=2,
                                             intermediate_size=64, vocab_size=100)),
    ("LlamaForCausalLM", "LlamaConfig", dict(num_hidden_layers=3, hidden_size=24,
                                             num_attention_heads=4, num_key_value_heads=1,
                                             head_dim=10, intermediate_size=40, vocab_size=60)),
    ("MistralForCausalLM", "MistralConfig", dict(num_hidden_layers=2, hidden_size=48,
                                                 num_attention_heads=6, num_key_value_heads=3,
                                                 intermediate_size=20, vocab_size=70)),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=str)
@pytest.mark.parametrize("name, config_name, config", DECODERS,
                         ids=[f"{d[0]}-{i}" for i, d in enumerate(DECODERS)])
def test_decoder_cache_and_weights_against_transformers(name, config_name, config, dtype):
    """``past_key_values`` after a forward pass with ``use_cache=True``: 2·L·kv_heads·head_dim·B·T.

    GPT-2 with cross-attention also caches keys and values over the encoder's S positions.
    """
    import transformers

    from symparams.zoo import hf

    theirs = getattr(transformers, name)(getattr(transformers, config_name)(**config))
    theirs = theirs.eval().to(dtype)
    inputs = {"input_ids": torch.zeros(2, 5, dtype=torch.long)}
    sizes = dict(B=2, T=5)
    if config.get("add_cross_attention"):
        inputs["encoder_hidden_states"] = torch.zeros(2, 7, config["n_embd"], dtype=dtype)
        sizes["S"] = 7
    with torch.no_grad():
        output = theirs(**inputs, use_cache=True)
    usage = memory(getattr(hf, name)(**config), dtype).subs(**sizes)
    assert number(usage.kv_cache) == tensor_bytes(cache_tensors(output))
    assert number(usage.weights) == tensor_bytes(theirs.parameters()) + \
        tensor_bytes(theirs.buffers())


ENCODERS = [
    ("BertModel", "BertConfig", dict(vocab_size=40, hidden_size=8, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=12,
                                     max_position_embeddings=20)),
    ("RobertaModel", "RobertaConfig", dict(vocab_size=53, hidden_size=10, num_hidden_layers=2,
                                           num_attention_heads=5, intermediate_size=11,
                                           max_position_embeddings=23, pad_token_id=4)),
    ("DistilBertModel", "DistilBertConfig", dict(vocab_size=61, dim=16, n_heads=4, n_layers=2,
                                                 hidden_dim=40, max_position_embeddings=33)),
    ("T5Model", "T5Config", dict(vocab_size=50, d_model=10, d_kv=7, num_heads=3, d_ff=13,
                                 num_layers=2, num_decoder_layers=3)),
    ("ViTModel", "ViTConfig", dict(hidden_size=12, num_hidden_layers=2, num_attention_heads=3,
                                   intermediate_size=20, image_size=32, patch_size=8)),
]


@pytest.mark.parametrize("dtype", [torch.float16, torch.float64], ids=str)
@pytest.mark.parametrize("name, config_name, config", ENCODERS, ids=[e[0] for e in ENCODERS])
def test_encoder_weights_against_transformers(name, config_name, config, dtype):
    """Parameters and buffers after ``.to(dtype)``: integer id buffers stay int64 (meta device)."""
    import transformers

    from symparams.zoo import hf

    with torch.device("meta"):
        theirs = getattr(transformers, name)(getattr(transformers, config_name)(**config))
    theirs = theirs.to(dtype)
    expected = tensor_bytes(theirs.parameters()) + tensor_bytes(theirs.buffers())
    assert number(memory(getattr(hf, name)(**config), dtype).weights) == expected


# -- arguments ----------------------------------------------------------------------------------


def test_arguments_are_checked():
    model, _, _ = NETS["conv"]()
    with pytest.raises(ArgumentError, match="spell the width"):
        memory(model, "float")
    with pytest.raises(ArgumentError, match="unknown dtype"):
        memory(model, "float12")
    with pytest.raises(ArgumentError, match="optimizer"):
        memory(model, optimizer="adamm")
    with pytest.raises(ArgumentError, match="batch axis"):
        memory(model, batch=4)
    with pytest.raises(ArgumentError, match="not both"):
        memory(model, "float16", bytes_per_element=2)
    with pytest.raises(ArgumentError, match="frozen"):
        memory(model, optimizer="adam", frozen=["nothing"])
    with pytest.raises(ArgumentTypeError, match="Tensor"):
        memory(nn.Linear(3, 4))
    half = sympy.Rational(1, 2)
    float_buffers = model.buffers - 1  # num_batches_tracked stays int64: 8 bytes
    assert memory(model, bytes_per_element=half).weights == \
        half * (model.params + float_buffers) + 8
    assert symparams.memory is memory
