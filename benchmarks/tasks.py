"""The measured tasks, each run by ``run.py`` in a fresh process: ``python tasks.py NAME OPTIONS``.

A task imports what a user would import, then does the job once (its first call), marking
each stage with ``clock.lap(stage)``: the time since the previous mark (the first mark
counts from the start of this script, so "imports" holds every import the task made). The
task returns what it computed (a count, a digest of an array), which ``run.py`` compares
across libraries. The process prints one line, ``RESULT {json}``, last.

Imports here are the standard library's only: everything else is imported, and timed,
inside the tasks.
"""

import gc
import json
import sys
from time import perf_counter

START = perf_counter()
LLAMA_2_7B = dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008,
                  num_hidden_layers=32, num_attention_heads=32)
TASKS = {}


class Clock:
    """Stage name -> list of seconds; ``lap`` closes the stage that ends now."""

    def __init__(self):
        self.laps = {}
        self._last = START

    def lap(self, stage):
        now = perf_counter()
        self.laps.setdefault(stage, []).append(now - self._last)
        self._last = now
        if stage == "imports":  # imports leave garbage: collect it now, untimed, on every side
            gc.collect()
            self._last = perf_counter()


def task(name):
    def register(function):
        TASKS[name] = function
        return function
    return register


# -- 1. ResNet-50's numeric summary at 224x224x3 ------------------------------------------

def resnet50_summary(options, clock, build):
    """``route`` "symbolic": built with symbols H, W, then substituted; "numeric": built at 224.

    ``build(numeric)`` makes the model (sizes as numbers or the builder's symbols).
    """
    model = build(True) if options["route"] == "numeric" else build(False).subs(H=224, W=224)
    text = str(model.summary())
    clock.lap("first call")
    return {"params": int(model.params), "lines": text.count("\n")}


@task("resnet50/symparams-keras")
def _(options, clock):
    from symparams import dims
    from symparams.zoo import keras as applications
    clock.lap("imports")
    return resnet50_summary(options, clock, lambda numeric: applications.ResNet50(
        input_shape=(224, 224, 3) if numeric else (*dims("H W"), 3)))


@task("resnet50/symparams-torchvision")
def _(options, clock):
    from symparams import dims
    from symparams.zoo import torchvision
    clock.lap("imports")
    return resnet50_summary(options, clock, lambda numeric: torchvision.resnet50(
        input_shape=(1, 3, *((224, 224) if numeric else dims("H W")))))


@task("resnet50/keras")
def _(options, clock):
    import keras
    clock.lap("imports")
    model = keras.applications.ResNet50(weights=None)
    params = model.count_params()
    clock.lap("first call")
    return {"params": params}


@task("resnet50/torchinfo")
def _(options, clock):
    import torchinfo
    from torch_resnet import ResNet50  # plain torch; imports torch
    clock.lap("imports")
    statistics = torchinfo.summary(ResNet50(), input_size=(1, 3, 224, 224), verbose=0)
    text = str(statistics)
    clock.lap("first call")
    return {"params": statistics.total_params, "lines": text.count("\n")}


# -- 2. Llama-2-7B's parameter count -------------------------------------------------------

@task("llama/symparams")
def _(options, clock):
    from symparams.zoo import hf
    clock.lap("imports")
    params = hf.LlamaForCausalLM(**LLAMA_2_7B).params
    clock.lap("first call")
    return {"params": int(params)}


@task("llama/transformers-meta")
def _(options, clock):
    import torch
    _make_torchvision_importable(torch)
    from transformers import LlamaConfig, LlamaForCausalLM
    clock.lap("imports")
    with torch.device("meta"):
        model = LlamaForCausalLM(LlamaConfig(**LLAMA_2_7B))
    params = sum(p.numel() for p in model.parameters())
    clock.lap("first call")
    return {"params": params}


def _make_torchvision_importable(torch):
    """transformers imports torchvision when installed; declare the two operators it misses.

    torchvision's wheel cannot load its compiled operators beside the CPU build of torch
    here, and its import then fails on "operator torchvision::nms does not exist".
    """
    from importlib import import_module, util
    if util.find_spec("torchvision") is None:
        return
    try:
        import_module("torchvision")
    except RuntimeError as error:
        if "torchvision::nms" not in str(error):
            raise
        library = torch.library.Library("torchvision", "DEF")
        for operator in ("nms", "qnms"):
            library.define(f"{operator}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _make_torchvision_importable.library = library  # the definitions live as long as it
        import_module("torchvision")


# -- 3. A sweep of GPT configurations ------------------------------------------------------

def sweep_values(np, options):
    """{name: array}: ``options["size"]`` = (layers, widths, vocabularies, contexts) counts.

    ``layout`` "grid" gives arrays that broadcast to the grid; "flat" spells out every
    configuration (four arrays as long as the grid has points).
    """
    n_layer, n_embd, n_vocab, n_ctx = options["size"]
    axes = {"L": np.arange(1, n_layer + 1),
            "d": 192 * np.arange(1, n_embd + 1),  # multiples of 12 heads' 16
            "V": np.linspace(32000, 256000, n_vocab).astype(np.int64),
            "T": 256 * np.arange(1, n_ctx + 1)}
    grid = np.meshgrid(*axes.values(), indexing="ij", sparse=options["layout"] == "grid")
    if options["layout"] == "flat":
        grid = [axis.ravel() for axis in grid]
    return dict(zip(axes, grid))


def digest(np, array):
    import hashlib
    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.int64).tobytes()).hexdigest()


@task("sweep/symparams")
def _(options, clock):
    import numpy as np
    from symparams import dims, sweep
    from symparams.zoo import hf
    clock.lap("imports")
    values = sweep_values(np, options)
    clock.lap("inputs")
    L, d, V, T = dims("L d V T")
    model = hf.GPT2LMHeadModel(n_layer=L, n_embd=d, vocab_size=V, n_positions=T,
                               batch_size=1, seq_length=T)
    params, flops = model.params, model.flops
    clock.lap("formulas")
    for stage in ("first call", *["again"] * options["again"]):
        counts, work = sweep(params, **values), sweep(flops, **values)
        clock.lap(stage)
    return {"params": digest(np, counts), "flops": digest(np, work),
            "dtypes": f"{counts.dtype}, {work.dtype}", "formulas": f"{params}; {flops}"}


@task("sweep/numpy")
def _(options, clock):
    import numpy as np
    clock.lap("imports")
    values = sweep_values(np, options)
    clock.lap("inputs")
    L, d, V, T = (values[name] for name in "LdVT")
    for stage in ("first call", *["again"] * options["again"]):
        counts = L * (12 * d**2 + 13 * d) + T * d + V * d + 2 * d
        work = 2 * L * T**2 * d + 24 * L * T * d**2 + 2 * T * V * d
        clock.lap(stage)
    return {"params": digest(np, counts), "flops": digest(np, work),
            "dtypes": f"{counts.dtype}, {work.dtype}"}


# -- 4. Symbolic build, simplification and LaTeX -------------------------------------------

def symbolic(model, clock):
    """The model's totals and shapes, the total's LaTeX and the summary table's."""
    from symparams import latex
    params, shape = model.params, model.output_shape
    latex(params)
    model.summary().to_latex()
    clock.lap("first call")
    import sympy
    return {"params": str(sympy.expand(params)), "output": str(shape)}


@task("symbolic/ResNet152")
def _(options, clock):
    from symparams import dims
    from symparams.zoo import keras as applications
    clock.lap("imports")
    H, W = dims("H W")
    return symbolic(applications.ResNet152(input_shape=(H, W, 3)), clock)


@task("symbolic/EfficientNetB7")
def _(options, clock):
    from symparams import dims
    from symparams.zoo import keras as applications
    clock.lap("imports")
    H, W = dims("H W")
    return symbolic(applications.EfficientNetB7(input_shape=(H, W, 3)), clock)


@task("symbolic/GPT-unrolled")
def _(options, clock):
    from symparams import Model, Tensor, dims, layers, nn
    clock.lap("imports")
    d, V, T, B = dims("d V T B")
    ids, positions = Tensor((B, T), name="input_ids"), Tensor((1, T), name="position_ids")
    wte = nn.Embedding(V, d, name="wte")
    x = layers.Add()([wte(ids), nn.Embedding(T, d, name="wpe")(positions)])
    for index in range(options["n_layer"]):
        attention = nn.GroupedQueryAttention(d, 12, causal=True, name=f"h.{index}.attn")
        x = layers.Add()([x, attention(nn.LayerNorm(d, name=f"h.{index}.ln_1")(x))])
        mlp = nn.FeedForward(d, 4 * d, activation="gelu_new", name=f"h.{index}.mlp")
        x = layers.Add()([x, mlp(nn.LayerNorm(d, name=f"h.{index}.ln_2")(x))])
    x = nn.LayerNorm(d, name="ln_f")(x)
    logits = nn.Linear(d, V, bias=False, name="lm_head").tie("weight", wte)(x)
    return symbolic(Model([ids, positions], logits, name="gpt"), clock)


@task("symbolic/GPT-Repeat")
def _(options, clock):
    from symparams import dims
    from symparams.zoo import hf
    clock.lap("imports")
    d, V, T, L = dims("d V T L")
    n_layer = options["n_layer"] or L
    return symbolic(hf.GPT2LMHeadModel(n_layer=n_layer, n_embd=d, vocab_size=V, n_positions=T),
                    clock)


# -- 6. Build time against depth -----------------------------------------------------------

@task("scaling/Conv2D-same")
def _(options, clock):
    from symparams import Sequential, dims, layers
    clock.lap("imports")
    H, W, C = dims("H W C")
    stack = [layer for _ in range(options["layers"] // 2)
             for layer in (layers.Conv2D(8, 3, padding="same"), layers.ReLU())]
    return built(Sequential(stack, input_shape=(H, W, C)), clock)


@task("scaling/Conv1D-valid")
def _(options, clock):
    from symparams import Sequential, dims, layers
    clock.lap("imports")
    T, C = dims("T C")
    stack = [layers.Conv1D(8, 3) for _ in range(options["layers"])]
    return built(Sequential(stack, input_shape=(T, C)), clock)


@task("scaling/Linear-graph")
def _(options, clock):
    from symparams import Model, Tensor, dims, nn
    clock.lap("imports")
    B, T, d = dims("B T d")
    x = inputs = Tensor((B, T, d))
    for index in range(options["layers"]):
        x = (nn.Linear(d, d) if index % 2 == 0 else nn.GELU())(x)
    return built(Model(inputs, x), clock)


def built(model, clock):
    params, shape = model.params, model.output_shape
    clock.lap("first call")
    return {"params": str(params), "output": str(shape)}


def main(name, options):
    clock = Clock()
    outcome = TASKS[name](options, clock)
    print("RESULT " + json.dumps({"laps": clock.laps, "outcome": outcome}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
