"""from_torch against real torch.nn modules built here: parameters, buffers, trainable split and
output shapes, numerically and after substituting symbolic sizes back."""

import pytest
import torch
import torchvision  # conftest makes it importable beside torch's CPU build
from hypothesis import given, strategies as st
from torch import nn as tnn
from torch.nn import functional as F

from symparams import ModelError, dims, from_torch
from symparams.errors import ArgumentError, ArgumentTypeError

from .helpers import same

N, C, H, W, T, d, V, K = dims("N C H W T d V K")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def counts(module):
    """torch's parameters, trainable parameters and buffers."""
    return (sum(p.numel() for p in module.parameters()),
            sum(p.numel() for p in module.parameters() if p.requires_grad),
            sum(b.numel() for b in module.buffers()))


def ours(model):
    return (int(model.params), int(model.trainable_params), int(model.buffers))


def output_shape(module, *shape, dtype=torch.float32):
    module.eval()
    with torch.no_grad():
        if dtype is torch.long:
            out = module(torch.zeros(*shape, dtype=dtype))
        else:
            out = module(torch.zeros(*shape))
    return tuple((out[0] if isinstance(out, tuple) else out).shape)


def check(module, symbolic, values, *shape, dtype=torch.float32):
    """The import with symbolic sizes, substituted: counts and output shape as torch's."""
    numeric = symbolic.subs(values)
    assert ours(numeric) == counts(module)
    assert tuple(numeric.output_shape) == output_shape(module, *shape, dtype=dtype)


def small_cnn():
    return tnn.Sequential(
        tnn.Conv2d(3, 16, 3, padding=1), tnn.BatchNorm2d(16), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(16, 32, 3, stride=2), tnn.GELU(), tnn.Dropout(0.1),
        tnn.AdaptiveAvgPool2d((1, 1)), tnn.Flatten(), tnn.Linear(32, 10))


def test_mlp_with_a_symbolic_width():
    mlp = tnn.Sequential(tnn.Linear(20, 64), tnn.ReLU(), tnn.LayerNorm(64), tnn.Linear(64, 5))
    model = from_torch(mlp, (d,))
    assert model.input_shape == (N, d)
    assert same(model.params, 64 * (d + 1) + 128 + 5 * 65)
    check(mlp, model, {N: 3, d: 20}, 3, 20)


@pytest.mark.parametrize("size", [(32, 32), (29, 41)])
def test_small_cnn_counts_and_shapes(size):
    cnn = small_cnn()
    model = from_torch(cnn, (C, H, W))
    check(cnn, model, {N: 2, C: 3, H: size[0], W: size[1]}, 2, 3, *size)


def test_widths_by_value_become_symbols_and_substitute_back():
    cnn = small_cnn()
    model = from_torch(cnn, (3, H, W), dims={16: K})
    assert K in model.free_symbols
    assert model.layers[0].output_shape == (N, K, H, W)
    assert same(model.layers[0].params, K * (27 + 1))
    assert same(model.layers[4].params, 32 * (9 * K + 1))  # in_channels follows its input
    check(cnn, model, {N: 1, K: 16, H: 20, W: 20}, 1, 3, 20, 20)
    bigger = tnn.Sequential(tnn.Conv2d(3, 24, 3, padding=1), tnn.BatchNorm2d(24), tnn.ReLU(),
                            tnn.MaxPool2d(2), tnn.Conv2d(24, 32, 3, stride=2), tnn.GELU(),
                            tnn.Dropout(0.1), tnn.AdaptiveAvgPool2d((1, 1)), tnn.Flatten(),
                            tnn.Linear(32, 10))
    check(bigger, model, {N: 1, K: 24, H: 20, W: 20}, 1, 3, 20, 20)


def test_widths_by_argument_name_and_by_module():
    mlp = tnn.Sequential(tnn.Linear(8, 8), tnn.ReLU(), tnn.Linear(8, 8))
    every = from_torch(mlp, (8,), dims={"out_features": d})
    assert every.output_shape == (N, d) and same(every.layers[2].params, d * (d + 1))
    one = from_torch(mlp, (8,), dims={"2.out_features": K})
    assert one.output_shape == (N, K) and one.layers[0].output_shape == (N, 8)
    with pytest.raises(ArgumentError, match="dims\\[12\\] matched no argument"):
        from_torch(mlp, (8,), dims={12: K})
    with pytest.raises(ArgumentError, match="dims"):
        from_torch(mlp, (8,), dims={2.5: K})


def test_batch_symbol_fixed_or_given_whole():
    mlp = tnn.Linear(4, 3)
    assert from_torch(mlp, (4,)).output_shape == (N, 3)
    assert from_torch(mlp, (4,), batch=7).output_shape == (7, 3)
    assert from_torch(mlp, (2, T, 4), batch=None).output_shape == (2, T, 3)


class Residual(tnn.Module):
    """A custom forward: a shared convolution twice, a residual add, functional ops."""

    def __init__(self, channels=8):
        super().__init__()
        self.stem = tnn.Conv2d(3, channels, 3, padding=1)
        self.conv = tnn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.norm = tnn.BatchNorm2d(channels)
        self.head = tnn.Linear(2 * channels, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        y = self.norm(self.conv(torch.relu(self.conv(x))))
        y = y + x
        y = torch.cat([y, x], dim=1)
        z = torch.mean(y, (2, 3))
        y = F.adaptive_avg_pool2d(y, 1)
        y = y.view(y.size(0), -1)
        return self.head(F.gelu(y) * z)


def test_a_custom_forward_traced_with_fx():
    net = Residual()
    model = from_torch(net, (3, H, W))
    assert [b.class_name for b in model.layers].count("Conv2d") == 2  # shared: one layer
    check(net, model, {N: 2, H: 12, W: 9}, 2, 3, 12, 9)
    wide = from_torch(net, (3, H, W), dims={8: K})
    assert wide.output_shape == (N, 10)
    check(Residual(5), wide, {N: 1, H: 7, W: 7, K: 5}, 1, 3, 7, 7)


class Tokens(tnn.Module):
    """A tiny transformer: embedding, encoder, permute and flatten to a classifier."""

    def __init__(self, vocab=50, width=16, length=6):
        super().__init__()
        self.embed = tnn.Embedding(vocab, width)
        layer = tnn.TransformerEncoderLayer(width, 2, 4 * width, batch_first=True)
        self.encoder = tnn.TransformerEncoder(layer, 2, norm=tnn.LayerNorm(width),
                                              enable_nested_tensor=False)
        self.attention = tnn.MultiheadAttention(width, 4, batch_first=True)
        self.classify = tnn.Linear(width * length, 3)
        self.pool = tnn.Linear(width, 3)

    def forward(self, tokens):
        x = self.encoder(self.embed(tokens))
        y, _ = self.attention(x, x, x, need_weights=False)
        y = (x + y).transpose(1, 2).permute(0, 2, 1).contiguous()
        return self.classify(torch.flatten(y, 1)) + self.pool(y.mean(dim=1))


def test_a_tiny_transformer():
    net = Tokens()
    model = from_torch(net, (T,), dims={16: d, 50: V})
    assert same(model.layers[0].params, V * d)
    check(net, model, {N: 2, T: 6, d: 16, V: 50}, 2, 6, dtype=torch.long)
    assert model.subs(T=6).output_shape == (N, 3)


class EncoderDecoder(tnn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.encoder = tnn.TransformerEncoder(
            tnn.TransformerEncoderLayer(width, 2, 32, batch_first=True), 2,
            enable_nested_tensor=False)
        self.decoder = tnn.TransformerDecoder(
            tnn.TransformerDecoderLayer(width, 2, 32, batch_first=True), 2,
            norm=tnn.LayerNorm(width))

    def forward(self, source, target):
        return self.decoder(target, self.encoder(source))


def test_an_encoder_decoder():
    net = EncoderDecoder()
    model = from_torch(net, [(K, 16), (T, 16)], dims={16: d})
    assert model.output_shape == (N, T, d)
    numeric = model.subs(N=2, K=7, T=5, d=16)
    assert ours(numeric) == counts(net)
    with torch.no_grad():
        net.eval()
        assert numeric.output_shape == tuple(net(torch.zeros(2, 7, 16),
                                                 torch.zeros(2, 5, 16)).shape)


def test_an_encoder_layer_on_its_own():
    layer = tnn.TransformerEncoderLayer(32, 4, 64, norm_first=True, activation="gelu")
    model = from_torch(layer, (T, 32), batch=None, dims={32: d})
    assert model.output_shape == (T, d)
    check(layer, model, {T: 5, d: 32}, 5, 32)


class TiedLM(tnn.Module):
    def __init__(self, vocab=40, width=8):
        super().__init__()
        self.wte = tnn.Embedding(vocab, width)
        self.block = tnn.Sequential(tnn.LayerNorm(width), tnn.Linear(width, width), tnn.GELU())
        self.lm_head = tnn.Linear(width, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, tokens):
        return self.lm_head(self.block(self.wte(tokens)))


def test_tied_embedding_counted_once():
    lm = TiedLM()
    model = from_torch(lm, (T,), dims={40: V, 8: d})
    assert same(model.params, V * d + 2 * d + d * (d + 1))
    assert "lm_head (Linear, weight tied to wte.weight)" in str(model.summary())
    check(lm, model, {N: 2, T: 5, V: 40, d: 8}, 2, 5, dtype=torch.long)


def test_frozen_modules_are_non_trainable():
    cnn = small_cnn()
    for p in cnn[0].parameters():
        p.requires_grad = False
    model = from_torch(cnn, (3, H, W))
    assert model.non_trainable_params == 16 * 28
    check(cnn, model, {N: 1, H: 16, W: 16}, 1, 3, 16, 16)
    cnn[4].bias.requires_grad = False
    with pytest.raises(ModelError, match="'4' \\(Conv2d\\) has some parameters frozen"):
        from_torch(cnn, (3, H, W))


@pytest.mark.parametrize("name, size", [("resnet18", (64, 48)), ("mobilenet_v2", (40, 40))])
def test_torchvision_models(name, size):
    net = getattr(torchvision.models, name)(weights=None, num_classes=10)
    model = from_torch(net, (3, H, W))
    assert model.output_shape == (N, 10)
    check(net, model, {N: 1, H: size[0], W: size[1]}, 1, 3, *size)


def test_unsupported_modules_and_functions_are_named():
    with pytest.raises(ModelError, match="'1' is a torch.nn.modules.*ChannelShuffle"):
        from_torch(tnn.Sequential(tnn.Conv2d(4, 4, 1), tnn.ChannelShuffle(2)), (4, H, W))

    class Summing(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc = tnn.Linear(4, 4)

        def forward(self, x):
            return torch.sum(self.fc(x), dim=1)

    with pytest.raises(ModelError, match="function torch.sum"):
        from_torch(Summing(), (4,))

    class Direct(tnn.Module):
        def __init__(self):
            super().__init__()
            self.scale = tnn.Parameter(torch.ones(4))

        def forward(self, x):
            return torch.matmul(x, self.scale)

    with pytest.raises(ModelError, match="parameter 'scale' is used by .*matmul"):
        from_torch(Direct(), (4,))

    class Unused(tnn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.spare = tnn.Linear(4, 4), tnn.Linear(4, 4)

        def forward(self, x):
            return self.used(x)

    with pytest.raises(ModelError, match="'spare.weight' is not used"):
        from_torch(Unused(), (4,))

    class Branching(tnn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(ModelError, match="torch.fx could not trace Branching.forward"):
        from_torch(Branching(), (4,))
    with pytest.raises(ArgumentTypeError, match="must be a torch.nn.Module"):
        from_torch("resnet", (4,))
    with pytest.raises(ModelError, match="truediv of two tensors is not supported"):
        from_torch(_Lambda(lambda x: x / x), (4,))
    with pytest.raises(ModelError, match="a mean of .* over dim=2"):
        from_torch(_Lambda(lambda x: x.mean(2)), (T, 4))
    with pytest.raises(ArgumentError, match="describes 2 inputs, but _Lambda.forward takes 1"):
        from_torch(_Lambda(lambda x: x), [(4,), (4,)])


_LAYERS = st.sampled_from(["linear", "relu", "norm", "batchnorm", "dropout", "gelu", "tanh"])


@given(widths=st.lists(st.integers(1, 12), min_size=1, max_size=4),
       extras=st.lists(_LAYERS, min_size=1, max_size=6), first=st.integers(1, 9))
def test_random_sequential_stacks(widths, extras, first):
    """Random stacks of torch layers: the import counts and shapes what torch does."""
    modules, width = [], first
    for index, kind in enumerate(extras):
        if kind == "linear":
            new = widths[index % len(widths)]
            modules.append(tnn.Linear(width, new, bias=index % 2 == 0))
            width = new
        else:
            modules.append({"relu": tnn.ReLU, "gelu": tnn.GELU, "tanh": tnn.Tanh,
                            "dropout": tnn.Dropout}.get(kind, lambda: None)()
                           or (tnn.LayerNorm(width) if kind == "norm"
                               else tnn.BatchNorm1d(width)))
    stack = tnn.Sequential(*modules)
    model = from_torch(stack, (d,))
    check(stack, model, {N: 2, d: first}, 2, first)


class Recurrent(tnn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = tnn.LSTM(8, 16, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = tnn.Linear(32, 2)

    def forward(self, x):
        out, (h, c) = self.rnn(x)
        return self.fc(out)


def test_recurrent_outputs_unpacked():
    net = Recurrent()
    model = from_torch(net, (T, 8), dims={16: d})
    assert model.output_shape == (N, T, 2)
    check(net, model, {N: 2, T: 5, d: 16}, 2, 5, 8)


class Containers(tnn.Module):
    """ModuleList in a loop, a ModuleDict, one module under two names, two inputs, indexing,
    shape reads and several outputs."""

    def __init__(self):
        super().__init__()
        self.layers = tnn.ModuleList([tnn.Linear(8, 8) for _ in range(3)])
        self.heads = tnn.ModuleDict({"a": tnn.Linear(8, 2)})
        self.alias = self.layers[0]

    def forward(self, x, y):
        for layer in self.layers:
            x = layer(x)
        x = self.alias(x)
        z = x[:, 0] + y.squeeze(1)
        w = x[..., :4].unsqueeze(1)
        return self.heads["a"](z), w, x.reshape(x.shape[0], -1)


def test_containers_several_inputs_and_indexing():
    net = Containers()
    model = from_torch(net, [(T, 8), (1, 8)])
    assert int(model.params) == counts(net)[0]
    assert [b.name for b in model.layers].count("layers.0") == 1
    numeric = model.subs(N=2, T=5)
    with torch.no_grad():
        theirs = net(torch.zeros(2, 5, 8), torch.zeros(2, 1, 8))
    assert [tuple(s) for s in numeric.output_shape] == [tuple(t.shape) for t in theirs]
    with pytest.raises(ModelError, match="slicing axis 1 of size T"):
        from_torch(_Lambda(lambda x: x[:, 1:3]), (T, 8))


class _Lambda(tnn.Module):
    def __init__(self, function):
        super().__init__()
        self.function = function

    def forward(self, x):
        return self.function(x)


_CONV = st.tuples(st.sampled_from(["conv", "pool", "norm", "relu"]), st.integers(1, 3),
                  st.integers(1, 2), st.integers(0, 1), st.integers(1, 6))


@given(blocks=st.lists(_CONV, min_size=1, max_size=4), size=st.tuples(st.integers(16, 24),
                                                                       st.integers(16, 24)))
def test_random_convolution_stacks(blocks, size):
    """Random convolution stacks over a symbolic image: shapes and counts substitute back."""
    modules, channels = [], 3
    for kind, kernel, stride, padding, width in blocks:
        if kind == "conv":
            modules.append(tnn.Conv2d(channels, width, kernel, stride=stride,
                                      padding=min(padding, kernel // 2)))
            channels = width
        elif kind == "pool":
            modules.append(tnn.MaxPool2d(kernel, stride=stride, ceil_mode=padding == 1))
        else:
            modules.append(tnn.BatchNorm2d(channels) if kind == "norm" else tnn.ReLU())
    stack = tnn.Sequential(*modules)
    model = from_torch(stack, (3, H, W))
    check(stack, model, {N: 1, H: size[0], W: size[1]}, 1, 3, *size)


def test_a_missing_torch_is_a_clear_error(monkeypatch):
    from symparams.errors import MissingDependencyError
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    with pytest.raises(MissingDependencyError, match="from_torch needs PyTorch"):
        from_torch(object(), (3,))
