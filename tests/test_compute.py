"""Compute: every layer declares it, conventions switch it, papers and frameworks agree.

* Every public layer and module (the examples of docs/make_reference.py, which cover
  ``symparams.layers.__all__`` and ``symparams.nn.__all__``) and every zoo model's private
  layer computes MACs, or is an explicit elementwise 0; a new layer class without a
  declaration, or a weight without a role, is an error naming its type.
* Conventions: bias adds, causal attention (as called, forced, never on cross-attention),
  backward as a factor, Keras-style per example and PyTorch-style for whole shapes.
* Kaplan et al. 2020, Table 1, on GPT-2 built from symparams: forward FLOPs per token are
  2N + 2·n_layer·n_ctx·d_attn plus exactly the terms its total leaves out.
* ResNet-50 at 224: zoo.torchvision against FlopCounterMode on torchvision's own resnet50,
  and zoo.keras against FlopCounterMode on keras.applications.ResNet50 (torch backend):
  exact equality of convolution and linear FLOPs.
"""

from __future__ import annotations

import importlib.util
import inspect
import pkgutil
from pathlib import Path

import pytest
import sympy
import torch
from torch.utils.flop_counter import FlopCounterMode

import symparams
from symparams import Input, Model, Repeat, Sequential, Tensor, dims, flops, layers, nn
from symparams.compute import layer_terms
from symparams.errors import ArgumentError, ArgumentTypeError, ModelError
from symparams.layers.base import Layer
from symparams.weights import Axis, Weight, label

pytestmark = pytest.mark.filterwarnings("ignore")

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "make_reference.py"


def _reference():
    spec = importlib.util.spec_from_file_location("make_reference_for_compute", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _reference()


@pytest.mark.parametrize("call, layer, shape, options",
                         REFERENCE.KERAS + REFERENCE.TORCH, ids=lambda v: v
                         if isinstance(v, str) else "")
def test_every_public_layer_computes(call, layer, shape, options):
    """A formula (a SymPy expression) or an explicit 0 with a reason: never unknown."""
    bound = layer.bind(shape, **options)
    terms = layer_terms(bound)
    assert isinstance(bound.macs, sympy.Expr)
    if not terms:
        assert layer.no_macs_reason, call
    for term in terms:
        assert term.kind in ("product", "bias", "elementwise", "lookup", "state", "attention",
                             "activation product"), term


def test_every_public_class_declares_compute():
    """Classes without an example above (a family's other members) declare it on the class."""
    covered = {type(layer) for _, layer, _, _ in REFERENCE.KERAS + REFERENCE.TORCH}
    public = {getattr(layers, n) for n in layers.__all__} | {getattr(nn, n) for n in nn.__all__}
    public = {c for c in public if inspect.isclass(c) and issubclass(c, Layer)
              and c not in (Layer, nn.Module)}
    undeclared = [c.__name__ for c in public - covered
                  if not (c.no_macs_reason or c.compute_terms is not Layer.compute_terms)]
    assert undeclared == []


def _zoo_layer_classes():
    found = set()
    for info in pkgutil.walk_packages(symparams.zoo.__path__, "symparams.zoo."):
        module = importlib.import_module(info.name)
        for _, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Layer) and \
                    value.__module__ == module.__name__:
                found.add(value)
    return found


def _declares_compute(cls) -> bool:
    """A class-level declaration: a reason for 0, products, its own terms, or weight roles."""
    overridden = any(getattr(cls, name) is not getattr(Layer, name)
                     for name in ("declare_products", "compute_terms", "weight_uses"))
    return bool(cls.__dict__.get("no_macs_reason") or getattr(cls, "no_macs_reason", "")) or \
        overridden or "module_weights" in vars(cls) or "declare_weights" in vars(cls)


def test_zoo_private_layers_declare_compute():
    """Every private layer of the zoo says how it computes (its weights' roles: below)."""
    classes = _zoo_layer_classes()
    bases = {base for c in classes for base in c.__mro__[1:]}  # shared bases: never built
    assert len(classes - bases) >= 10
    assert [c.__name__ for c in classes - bases if not _declares_compute(c)] == []


ZOO_MODELS = [
    ("torchvision.vit_b_16", lambda: symparams.zoo.torchvision.vit_b_16()),
    ("torchvision.convnext_tiny", lambda: symparams.zoo.torchvision.convnext_tiny()),
    ("keras.ConvNeXtTiny", lambda: symparams.zoo.keras.ConvNeXtTiny()),
    ("keras.InceptionResNetV2", lambda: symparams.zoo.keras.InceptionResNetV2()),
    ("keras.NASNetMobile", lambda: symparams.zoo.keras.NASNetMobile()),
    ("hf.BertForMaskedLM", lambda: symparams.zoo.hf.BertForMaskedLM()),
    ("hf.T5ForConditionalGeneration", lambda: symparams.zoo.hf.T5ForConditionalGeneration()),
    ("hf.ViTForImageClassification", lambda: symparams.zoo.hf.ViTForImageClassification()),
]


@pytest.mark.parametrize("name, build", ZOO_MODELS, ids=[n for n, _ in ZOO_MODELS])
def test_zoo_models_compute(name, build):
    """Models using every private zoo layer: every weight has a role, every call a formula."""
    model = build()
    assert isinstance(model.flops, sympy.Expr) and model.flops != 0


def test_unknown_layer_is_an_error_not_zero():
    class Shuffle(Layer):
        def compute_output_shape(self, input_shape):
            return tuple(input_shape)

    class Scaled(Layer):
        def compute_output_shape(self, input_shape):
            return tuple(input_shape)

        def declare_weights(self, input_shape):
            return (Weight("scale", (Axis(label("n"), input_shape[-1]),)),)

    n = dims("n")
    with pytest.raises(ModelError, match="Shuffle has no compute formula"):
        Sequential([Shuffle()], input_shape=(n,)).flops
    with pytest.raises(ModelError, match="Scaled has no compute formula: its weight 'scale' "
                                         "declares no role"):
        Sequential([Scaled()], input_shape=(n,)).macs


# -- conventions --------------------------------------------------------------------------


def test_default_convention_and_bias():
    T, d, f = dims("T d f")
    model = Sequential([layers.Dense(f), layers.Dense(d, use_bias=False)], input_shape=(T, d))
    assert model.macs == 2 * T * d * f
    assert model.flops == 2 * model.macs
    assert flops(model, bias=True) - model.flops == T * f
    assert model.layers[0].flops == 2 * T * d * f


def test_keras_layers_per_example_torch_modules_whole_shapes():
    B, T, d = dims("B T d")
    keras_style = Model(x := Input((T, d)), layers.Dense(d)(x))
    torch_style = Model(t := Tensor((B, T, d)), nn.Linear(d, d)(t))
    keras_on_tensor = Model(u := Tensor((B, T, d)), layers.Dense(d)(u))
    assert keras_style.flops == 2 * T * d ** 2
    assert torch_style.flops == keras_on_tensor.flops == 2 * B * T * d ** 2


def test_causal_attention_as_called_forced_and_cross():
    T, S, d = dims("T S d")
    attention = layers.MultiHeadAttention(4, d / 4, use_bias=False)
    x = Input((T, d))
    plain = Model(x, attention(x, x))
    causal = Model(x, attention(x, x, use_causal_mask=True))
    products = 4 * T ** 2 * d  # QKᵀ and AV: T·T·d MACs each, 2 FLOPs per MAC
    assert plain.flops - flops(plain, causal=True) == products / 2
    assert plain.flops - causal.flops == products / 2
    assert flops(causal, causal=False) == plain.flops
    memory = Input((S, d))
    cross = Model([x, memory], attention(x, memory))
    assert flops(cross, causal=True) == cross.flops  # never halved: not a square score matrix
    t = Tensor((T, 2, d))
    encoder = nn.TransformerEncoderLayer(d, 4, dim_feedforward=4 * d)
    full, masked = Model(t, encoder(t)), Model(t, encoder(t, is_causal=True))
    assert full.flops - masked.flops == 2 * 2 * T ** 2 * d
    assert sympy.expand(masked.subs(T=5).flops - masked.flops.subs(T, 5)) == 0  # kept by subs
    assert causal.subs(T=3).flops == causal.flops.subs(T, 3)


def test_backward_factor_and_exact():
    n = dims("n")
    model = Sequential([layers.Dense(n), layers.Dense(n)], input_shape=(n,))
    assert flops(model, backward=2) == 3 * model.flops
    assert flops(model, backward=0.5) == sympy.Rational(3, 2) * model.flops
    # first layer: weight gradient only; second: weight and input gradients
    assert flops(model, backward="exact") == model.flops + 3 * 2 * n ** 2
    frozen = Sequential([layers.Dense(n, trainable=False), layers.Dense(n)], input_shape=(n,))
    # nothing before the second layer requires a gradient: its weight gradient only
    assert flops(frozen, backward="exact") == model.flops + 2 * n ** 2


def test_convention_arguments_are_checked():
    n = dims("n")
    model = Sequential([layers.Dense(n)], input_shape=(n,))
    with pytest.raises(ArgumentTypeError, match="backward"):
        flops(model, backward="twice")
    with pytest.raises(ArgumentError, match="must not be negative"):
        flops(model, backward=-1)
    with pytest.raises(ArgumentTypeError, match="causal"):
        flops(model, causal="yes")
    with pytest.raises(ArgumentTypeError, match="bias"):
        flops(model, bias=1)
    with pytest.raises(ArgumentTypeError, match="a model or a bound layer"):
        flops(layers.Dense(n))


def test_shared_layer_counts_every_call_and_repeat_counts_L_copies():
    T, d, L = dims("T d L")
    dense = layers.Dense(d)
    x = Input((T, d))
    twice = Model(x, dense(dense(x)))
    assert twice.params == d * (d + 1)
    assert twice.flops == 2 * 2 * T * d ** 2
    block = Model(y := Input((T, d)), layers.Dense(d)(y), name="block")
    deep = Model(z := Input((T, d)), Repeat(block, L)(z))
    assert deep.flops == L * 2 * T * d ** 2
    inner = Model(w := Input((T, d)), block(w))
    assert inner.flops == 2 * T * d ** 2


def test_lstm_scales_with_sequence_length():
    T, N, d, h = dims("T N d h")
    lstm = nn.LSTM(d, h)
    model = Model(t := Tensor((T, N, d)), lstm(t)[0])
    assert sympy.expand(model.flops - 2 * T * N * 4 * h * (d + h)) == 0


# -- Kaplan et al. 2020, Table 1 ------------------------------------------------------------


def test_kaplan_table_1_on_gpt2():
    """C_forward per token = 2N + 2·n_layer·n_ctx·d_attn, with causal attention halved.

    Kaplan's N is 2·d_model·n_layer·(2·d_attn + d_ff) = 12·L·d² here (d_attn = d,
    d_ff = 4d): weight matrices only. Its total leaves out the de-embedding (the
    LM head, 2·d·V per token, a row of the table but not of the total) and counts
    no bias adds (our default too). Against our non-embedding parameter count,
    which includes biases and norms (13·d per block and the final norm's 2·d),
    the difference is the head minus twice those.
    """
    from symparams.examples import gpt2
    V, T, L, d = dims("V T L d")
    model = gpt2()
    per_token = flops(model, causal=True) / T
    kaplan_N = 2 * d * L * (2 * d + 4 * d)
    assert sympy.expand(per_token - (2 * kaplan_N + 2 * L * T * d)) == 2 * d * V
    difference = per_token - (2 * model.non_embedding_params + 2 * L * T * d)
    assert sympy.expand(difference - (2 * d * V - 2 * (13 * d * L + 2 * d))) == 0
    assert sympy.expand(flops(model) / T - per_token) == 2 * L * T * d  # not causal as called


def test_kaplan_table_1_on_hf_gpt2():
    """The same on zoo.hf.GPT2LMHeadModel, whose attention is causal as built: per token
    (batch and sequence divided out), 2N + 2·n_layer·n_ctx·d_attn + the head's 2·d·V."""
    B, T, V, L, d, h = dims("B T V L d h")
    model = symparams.zoo.hf.GPT2LMHeadModel(vocab_size=V, n_layer=L, n_embd=d, n_head=h,
                                             batch_size=B, seq_length=T)
    per_token = model.flops / (B * T)
    kaplan_N = 12 * L * d ** 2
    assert sympy.expand(per_token - (2 * kaplan_N + 2 * L * T * d)) == 2 * d * V


@pytest.mark.parametrize("name, config, length", [
    ("GPT2LMHeadModel", dict(vocab_size=50, n_positions=16, n_embd=12, n_layer=2, n_head=3), 7),
    # grouped-query attention, SwiGLU
    ("LlamaForCausalLM", dict(vocab_size=40, hidden_size=16, intermediate_size=24,
                              num_hidden_layers=2, num_attention_heads=4,
                              num_key_value_heads=2), 5),
])
def test_hf_decoders_against_flop_counter(name, config, length):
    """zoo.hf decoders against FlopCounterMode on transformers' models."""
    import transformers
    from torch.nn.attention import SDPBackend, sdpa_kernel
    configuration = getattr(transformers, name.replace("LMHeadModel", "Config")
                            .replace("ForCausalLM", "Config"))
    model = getattr(transformers, name)(configuration(**config)).eval()
    ids = torch.zeros(2, length, dtype=torch.long)
    with sdpa_kernel(SDPBackend.MATH), torch.no_grad(), FlopCounterMode(display=False) as f:
        model(ids)
    ours = getattr(symparams.zoo.hf, name)(**config, batch_size=2, seq_length=length)
    assert flops(ours, causal=False) == f.get_total_flops()


def test_hf_encoders_against_flop_counter():
    """zoo.hf BertModel and T5Model (decoder self-attention causal as built) against
    transformers', attention counted whole (``causal=False``) as torch computes it."""
    import transformers
    bert = dict(vocab_size=30, hidden_size=12, num_hidden_layers=2, num_attention_heads=3,
                intermediate_size=20, max_position_embeddings=16)
    t5 = dict(vocab_size=30, d_model=12, d_kv=4, d_ff=20, num_layers=2, num_heads=3)
    ids = torch.zeros(2, 5, dtype=torch.long)
    cases = [
        (transformers.BertModel(transformers.BertConfig(**bert)), dict(input_ids=ids),
         symparams.zoo.hf.BertModel(**bert, batch_size=2, seq_length=5)),
        (transformers.T5Model(transformers.T5Config(**t5)),
         dict(input_ids=ids, decoder_input_ids=ids[:, :3]),
         symparams.zoo.hf.T5Model(**t5, batch_size=2, seq_length=5, decoder_seq_length=3)),
    ]
    from torch.nn.attention import SDPBackend, sdpa_kernel
    for theirs, inputs, ours in cases:
        with sdpa_kernel(SDPBackend.MATH), torch.no_grad(), FlopCounterMode(display=False) as f:
            theirs.eval()(**inputs)
        assert flops(ours, causal=False) == f.get_total_flops(), type(theirs).__name__
    # half of QKᵀ and AV in the decoder's self-attention: layers·B·T_dec²·(heads·d_kv)·2·2 / 2
    assert flops(cases[1][2], causal=False) - cases[1][2].flops == 2 * 2 * 3 ** 2 * 12 * 2


# -- ResNet-50 at 224 -----------------------------------------------------------------------


def _counted(module, x) -> int:
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops()


def test_resnet50_torchvision():
    import torchvision
    expected = _counted(torchvision.models.resnet50().eval(), torch.zeros(1, 3, 224, 224))
    ours = symparams.zoo.torchvision.resnet50().subs(N=1, H=224, W=224).flops
    assert ours == expected


def test_resnet50_keras():
    import keras
    application = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    expected = _counted(application, torch.zeros(1, 224, 224, 3))
    ours = symparams.zoo.keras.ResNet50(input_shape=(224, 224, 3)).flops
    assert ours == expected


def test_every_weight_declaration_has_a_role():
    """Statically: every ``Weight(...)`` written in symparams names its role."""
    import ast
    root = Path(symparams.__file__).parent
    missing = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Weight" and \
                    not any(k.arg == "role" for k in node.keywords):
                missing.append(f"{path.relative_to(root)}:{node.lineno}")
    assert missing == []


# -- explanations ---------------------------------------------------------------------------


def test_explain_shows_flops_per_call_with_the_convention():
    T, d = dims("T d")
    dense = layers.Dense(d, name="shared")
    x = Input((T, d))
    model = Model(x, layers.MultiHeadAttention(2, d / 2, name="attn")(dense(dense(x)),
                                                                     dense(x)))
    text = str(symparams.explain(model, flops=dict(causal=True, backward="exact")))
    assert text.startswith(f"Model 'functional': {symparams.printing.text(model.params)}")
    assert "FLOPs (FLOPs = 2·MACs; bias adds not counted; elementwise work 0; causal " \
           "self-attention halved; backward counted exactly)" in text
    assert "shared (Dense): flops = 2·d·d·T" in text
    assert "shared[1] (Dense): flops" in text and "shared[2] (Dense): flops" in text
    assert "QKᵀ: attention: d entries × T² uses = T²·d MACs (halved: causal)" in text
    assert "with the backward pass: " in text
    assert "FLOPs" not in str(symparams.explain(model))
    bound = model.layers[0]
    assert "bias: d adds × T uses, not counted (bias=False)" in str(
        symparams.explain(bound, flops=True))
    with pytest.raises(ArgumentError, match="flops` takes bias, causal and backward"):
        symparams.explain(model, flops=dict(convention="x"))
    with pytest.raises(ArgumentTypeError, match="flops` must be True, False or a dict"):
        symparams.explain(model, flops="yes")


def test_explain_flops_of_a_weightless_layer_gives_its_reason():
    text = str(symparams.explain(layers.MaxPooling2D(), input_shape=(8, 8, 3), flops=True))
    assert "max_pooling2d (MaxPooling2D): flops = 0: pooling is elementwise work" in text


def test_flops_explanation_as_latex():
    from symparams.examples import reference_cnn
    tex = symparams.explain(reference_cnn(), flops=True, H=28, W=28, C=1).compute.to_latex()
    assert tex.startswith("\\begin{alignat*}{3}") and tex.endswith("\\end{alignat*}")
    assert r"\text{conv2d\_1 (Conv2D)}: && 2 \cdot 5 \cdot 5 \cdot 32 \cdot 64 \cdot 64 = " \
           r"6553600 \\" in tex
    assert r"\text{total}: && 7680400" in tex


def test_imported_torch_model_against_flop_counter():
    """A model read from a live torch module (symparams.from_torch) has its FLOPs too."""
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, groups=1), torch.nn.ReLU(),
                              torch.nn.Conv2d(8, 8, 3, groups=4), torch.nn.Flatten(),
                              torch.nn.Linear(8 * 28 * 28, 10))
    with torch.no_grad(), FlopCounterMode(display=False) as f:
        net(torch.zeros(2, 3, 32, 32))
    assert symparams.from_torch(net, (3, 32, 32)).subs(N=2).flops == f.get_total_flops()
