"""Timing benchmark for symparams' core steps, with Keras 3 as a peer.

    python benchmarks/bench_core.py            # full run
    python benchmarks/bench_core.py --quick    # fewer repetitions

Prints tables; asserts nothing about timings. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata
from time import perf_counter

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported, here or in children

from sympy.core.cache import clear_cache  # noqa: E402
from symparams import Sequential, dims, layers  # noqa: E402
from symparams.examples import reference_cnn  # noqa: E402

H, W, C = dims("H W C")
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))  # (filters, convolutions)
DEPTHS = (10, 100, 1000)


# -- the models, written once for any Keras-style `layers` module --------------------------

def reference_cnn_keras3(L):
    """The reference CNN in Keras 3 spelling, for Keras itself (symparams uses reference_cnn)."""
    return [L.Conv2D(32, 5), L.Activation("relu"), L.MaxPooling2D((2, 2)),
            L.Conv2D(64, 5), L.Activation("relu"), L.MaxPooling2D((2, 2)), L.Dropout(0.25),
            L.Flatten(), L.Dense(100), L.Activation("relu"), L.Dropout(0.5),
            L.Dense(2), L.Activation("softmax")]


def vgg16(L):
    stack = []
    for filters, convolutions in VGG16_BLOCKS:
        stack += [L.Conv2D(filters, 3, padding="same", activation="relu")
                  for _ in range(convolutions)]
        stack.append(L.MaxPooling2D(2))
    return stack + [L.Flatten(), L.Dense(4096), L.Dense(4096), L.Dense(1000)]


def conv_stack(depth):
    return Sequential([layer for _ in range(depth)
                       for layer in (layers.Conv2D(8, 3, padding="same"), layers.ReLU())],
                      input_shape=(H, W, C))


# model name -> (symparams build, Keras layer stack, numeric size {H, W, C})
MODELS = {
    "reference_cnn": (reference_cnn, reference_cnn_keras3, {"H": 28, "W": 28, "C": 1}),
    "vgg16": (lambda: Sequential(vgg16(layers), input_shape=(H, W, C)), vgg16,
              {"H": 224, "W": 224, "C": 3}),
}


def symparams_steps(model):
    """step -> (setup, timed): each repetition times ``timed(*setup())``."""
    build, _, size = MODELS[model]
    built = lambda: (build(),)  # noqa: E731  (a fresh model for every repetition)
    return {
        "build": (tuple, build),
        "summarize": (built, lambda m: str(m.summary())),
        "substitute": (built, lambda m: m.subs(**size).params),
        "latex": (built, lambda m: m.summary().to_latex()),
    }


def keras_steps(model):
    import keras

    _, stack, size = MODELS[model]

    def build():
        net = keras.Sequential([keras.Input((size["H"], size["W"], size["C"])),
                                *stack(keras.layers)])
        net.count_params()
        return net

    def summary(net):
        lines = []
        net.summary(print_fn=lambda text, **_: lines.append(text))
        return "\n".join(lines)

    return {"build+count_params": (tuple, build), "summary": (lambda: (build(),), summary)}


LIBRARIES = {"symparams": symparams_steps, "keras": keras_steps}
# symparams step -> the Keras step it is compared with
PEER_STEP = {"build": "build+count_params", "summarize": "summary"}


# -- timing -------------------------------------------------------------------------------

def measure(timed, setup=tuple, repeat=1, cold=False):
    """Seconds taken by ``timed(*setup())``, once per repetition (setup not timed).

    ``cold`` empties SymPy's global cache before each timed call; without it, repetitions
    after the first mostly replay cached SymPy results.
    """
    times = []
    for _ in range(repeat):
        args = setup()
        if cold:
            clear_cache()
        gc.collect()
        start = perf_counter()
        timed(*args)
        times.append(perf_counter() - start)
    return times


def run_seconds(argv):
    """Wall time of a fresh Python process running ``argv``, interpreter start included."""
    start = perf_counter()
    subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL)
    return perf_counter() - start


def first_call(library, model, step):
    """The step's first call in a fresh process (imports and setup not timed)."""
    out = subprocess.run([sys.executable, __file__, "--first-call", library, model, step],
                         check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.3g} µs"


def table(headers, rows):
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(  # noqa: E731  (first column left, the rest right)
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print()


# -- sections -----------------------------------------------------------------------------

def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"CPU:      {cpu}, {os.cpu_count()} logical cores ({usable} usable)")
    print(f"Python:   {platform.python_version()} ({platform.python_implementation()}) "
          f"on {platform.system()} {platform.release()}")
    print("Packages: " + ", ".join(f"{p} {version(p)}" for p in
                                   ("symparams", "sympy", "numpy", "keras", "torch")))
    print(f"KERAS_BACKEND={os.environ['KERAS_BACKEND']}\n")


def imports(runs=5):
    print(f"== Import time (fresh process, wall clock, median of {runs}) ==")
    medians = {label: statistics.median(run_seconds(["-c", code]) for _ in range(runs))
               for label, code in (("python -c pass", "pass"), ("import sympy", "import sympy"),
                                   ("import symparams", "import symparams"))}
    base = medians["python -c pass"]
    table(["command", "median", "minus interpreter start"],
          [[label, fmt(t), fmt(t - base)] for label, t in medians.items()])
    ratio = medians["import symparams"] / medians["import sympy"]
    net = (medians["import symparams"] - base) / (medians["import sympy"] - base)
    print(f"import symparams / import sympy: {ratio:.2f}x "
          f"({net:.2f}x without interpreter start)\n")


def steps(libraries, repeat):
    """Time every step of every library on both models; returns {(lib, model, step): stats}."""
    results = {}
    for library in libraries:
        for model in MODELS:
            for step, (setup, timed) in LIBRARIES[library](model).items():
                times = measure(timed, setup, repeat)
                cold = measure(timed, setup, repeat, cold=True) if library == "symparams" \
                    else times  # SymPy's cache plays no part in Keras
                results[library, model, step] = (statistics.median(times), min(times),
                                                 statistics.median(cold),
                                                 first_call(library, model, step))
    print(f"== Steps: {', '.join(libraries)} (in process: median and min of {repeat} "
          "repetitions, each on a fresh model; first call: once, in a fresh process) ==")
    rows = []
    for (library, model, step), (median, best, cold, first) in results.items():
        shape = "x".join(str(v) for v in MODELS[model][2].values())
        where = "symbolic" if library == "symparams" else shape
        rows.append([f"{library} {model} ({where})", step, fmt(median), fmt(best),
                     fmt(cold) if library == "symparams" else "-", fmt(first)])
    table(["model", "step", "median", "min", "median, SymPy cache cleared", "first call"], rows)
    return results


def ratios(results):
    print("== symparams / Keras (time ratio; < 1 means symparams is faster) ==")
    rows = []
    for model in MODELS:
        for step, peer in PEER_STEP.items():
            ours, theirs = results["symparams", model, step], results["keras", model, peer]
            rows.append([model, f"{step} / {peer}",
                         *(f"{ours[i] / theirs[i]:.3g}x" for i in (0, 2, 3))])
    table(["model", "symparams step / keras step", "median", "SymPy cache cleared",
           "first call"], rows)


def param_check(keras_available):
    """The two libraries' parameter counts at the numeric size, side by side (no assert)."""
    print("== Parameter counts at the numeric size ==")
    rows = []
    for model, (build, _, size) in MODELS.items():
        ours = int(build().subs(**size).params)
        theirs = keras_steps(model)["build+count_params"][1]().count_params() \
            if keras_available else None
        note = "" if theirs is None else ("agree" if ours == theirs else "MISMATCH")
        rows.append([model, f"{ours:,}", "-" if theirs is None else f"{theirs:,}", note])
    table(["model", "symparams", "keras", ""], rows)


def depth_scaling(repeat):
    print(f"== Depth scaling: build Conv2D(8, 3, padding='same') + ReLU, repeated, "
          f"symbolic input (median of {repeat}) ==")
    medians = [statistics.median(measure(conv_stack, lambda d=depth: (d,), repeat))
               for depth in DEPTHS]
    table(["depth", "layers", "median", "per layer"],
          [[d, 2 * d, fmt(t), fmt(t / (2 * d))] for d, t in zip(DEPTHS, medians)])
    xs, ys = [math.log(d) for d in DEPTHS], [math.log(t) for t in medians]
    slope = statistics.linear_regression(xs, ys).slope
    steps_ = ", ".join(f"{a}->{b}: {(y2 - y1) / (x2 - x1):.2f}" for a, b, x1, x2, y1, y2 in
                       zip(DEPTHS, DEPTHS[1:], xs, xs[1:], ys, ys[1:]))
    print(f"log-log slope of time vs depth: {slope:.2f} (least squares); "
          f"between neighbours {steps_}  (1 = linear)\n")


def keras_importable():
    try:
        import keras  # noqa: F401
    except Exception as err:  # ImportError, or a backend that fails to load
        print(f"Keras peers skipped: cannot import keras ({type(err).__name__}: {err})\n")
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 10")
    parser.add_argument("--repeat", type=int, help="repetitions per step (overrides --quick)")
    parser.add_argument("--first-call", nargs=3, metavar=("LIBRARY", "MODEL", "STEP"),
                        help=argparse.SUPPRESS)  # internal: run by first_call() in a child
    args = parser.parse_args()
    if args.first_call:
        library, model, step = args.first_call
        setup, timed = LIBRARIES[library](model)[step]
        print(measure(timed, setup)[0])
        return
    repeat = args.repeat or (3 if args.quick else 10)

    print("symparams core benchmark\n")
    machine()
    imports()
    print("Steps: build = construct layers + Sequential (symbolic H, W, C); summarize = "
          "str(model.summary());\n       substitute = model.subs(numeric size).params; "
          "latex = model.summary().to_latex().\n       Keras: build+count_params = "
          "keras.Sequential with keras.Input at the numeric size; summary = model.summary().\n")
    # symparams is timed before keras (and torch) are imported into this process.
    results = steps(["symparams"], repeat)
    keras_available = keras_importable()
    if keras_available:
        results |= steps(["keras"], repeat)
        ratios(results)
    param_check(keras_available)
    depth_scaling(repeat)


if __name__ == "__main__":
    main()
