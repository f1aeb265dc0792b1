"""The benchmarks of issue 7: symparams against each peer at its own job, in fresh processes.

    python benchmarks/run.py             # 5 runs of every measurement (about 10 minutes)
    python benchmarks/run.py --quick     # 3 runs (7 for imports)
    python benchmarks/run.py --smoke     # 1 run at tiny sizes: checks the harness, not speed
    python benchmarks/run.py --only 2 5  # some of the six benchmarks

Every measurement is a fresh Python process running one task of ``tasks.py``: the task's
first call is timed inside it, after its imports, and the whole process's wall time
(interpreter start and imports included) is taken around it. Medians over the runs; the
sides of a comparison alternate within each run. Prints the report (Markdown) and writes it
to ``benchmarks/RESULTS.md`` (``--results PATH`` elsewhere; ``--smoke`` writes only there).
Exits with 1 when symparams and a peer disagree on a count. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata, util
from pathlib import Path
from time import perf_counter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = {"keras": "keras", "torchinfo": "torchinfo", "transformers": "transformers"}
PACKAGES = ("symparams", "sympy", "numpy", "torch", "keras", "transformers", "torchinfo")
MODES = {  # runs per measurement, import runs, sweep axes, GPT depth, stack depths
    "full": dict(runs=5, import_runs=15, sweep=(100, 100, 10, 10), n_layer=96,
                 depths=(10, 100, 1000, 5000)),
    "quick": dict(runs=3, import_runs=7, sweep=(100, 100, 10, 10), n_layer=96,
                  depths=(10, 100, 1000, 5000)),
    "smoke": dict(runs=1, import_runs=1, sweep=(4, 3, 2, 2), n_layer=2, depths=(4, 8)),
}


def environment():
    """The children's environment: bytecode caches read and written, as an installed package has.

    (With ``PYTHONDONTWRITEBYTECODE`` set and a source checkout, every child would compile
    symparams anew while its peers load their installed bytecode.)
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("KERAS_BACKEND", "torch")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def fresh(task, options):
    """Run ``task`` in a new process: its laps and outcome, and ``whole``, the process's time."""
    command = [sys.executable, str(HERE / "tasks.py"), task, json.dumps(options)]
    start = perf_counter()
    done = subprocess.run(command, cwd=HERE, env=environment(), capture_output=True, text=True)
    whole = perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"task {task} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return {**json.loads(lines[-1][len("RESULT "):]), "whole": whole}


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.3g} µs"


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(str(cell) for cell in row) + " |"
                              for row in rows])


class Side:
    """One side of a comparison: a task run ``runs`` times, and its statistics."""

    def __init__(self, label, task, options=None, needs=None):
        self.label, self.task, self.options = label, task, options or {}
        self.results = []
        self.skipped = needs and util.find_spec(needs) is None and \
            f"{needs} is not installed (pip install -e '.[bench]')"

    def times(self, stage):
        """A stage's seconds in every run (a stage repeated in a run counts each time)."""
        return [t for result in self.results for t in result["laps"].get(stage, [])]

    def lap(self, stage="first call"):
        """The median of :meth:`times`; None if there are none (skipped, or not run)."""
        times = self.times(stage)
        return statistics.median(times) if times else None

    def spread(self, stage="first call"):
        times = self.times(stage)
        return f"{fmt(min(times))} – {fmt(max(times))}" if len(times) > 1 else ""

    @property
    def whole(self):
        times = [r["whole"] for r in self.results if r.get("whole") is not None]
        return statistics.median(times) if times else None

    @property
    def outcome(self):
        return None if self.skipped else self.results[0]["outcome"]

    def row(self, shown=""):
        if self.skipped:
            return [self.label, f"skipped: {self.skipped}", "", "", "", ""]
        return [self.label, fmt(self.lap()), self.spread(), fmt(self.lap("imports")),
                fmt(self.whole), shown]


class Report:
    """The Markdown sections, the target rows, and any disagreement between libraries."""

    def __init__(self, mode, run):
        self.mode, self.settings, self.run = mode, MODES[mode], run
        self.sections, self.targets, self.problems = [], [], []

    def measure(self, *sides):
        """Each side once per run, the order reversed every other run (drift hits both)."""
        for index in range(self.settings["runs"]):
            for side in (sides if index % 2 == 0 else sides[::-1]):
                if not side.skipped:
                    print(f"  {side.task} {json.dumps(side.options)} run {index + 1}",
                          file=sys.stderr, flush=True)
                    side.results.append(self.run(side.task, side.options))
        return sides

    def target(self, benchmark, what, value, goal, unit="×"):
        """``goal``: (">=", "<=" or "<", bound); ``value`` None: not measured (a peer missing).

        A missed target of time says how many times faster symparams must become.
        """
        op, bound = goal
        shown = {"×": "{:.2f}×", "slope": "{:.2f}"}.get(unit)
        show = shown.format if shown else fmt
        verdict, gap = "n/a", ""
        if value is not None:
            met = {">=": value >= bound, "<=": value <= bound, "<": value < bound}[op]
            verdict = "PASS" if met else "MISS"
            if not met and unit != "slope":
                gap = f"{value / bound if op.startswith('<') else bound / value:.2f}× faster"
        self.targets.append([benchmark, what, "-" if value is None else show(value),
                             f"{op} {show(bound)}", verdict, gap])

    def agree(self, what, ours, theirs):
        """'agree' or 'DISAGREE' (remembered); '-' when a side was skipped."""
        if ours is None or theirs is None:
            return "-"
        if ours == theirs:
            return "agree"
        self.problems.append(f"{what}: symparams {ours} != peer {theirs}")
        return "DISAGREE"

    def section(self, title, text):
        self.sections.append(f"## {title}\n\n_Load average at start: {load()}_\n\n{text}\n")
        print(self.sections[-1], flush=True)


def ratio(numerator, denominator):
    return None if numerator is None or denominator is None else numerator / denominator


SIDE_HEADERS = ["side", "first call (median)", "range", "imports", "whole process", "result"]


ROUTES = {"symbolic": "symbolic H, W, then `subs`", "numeric": "224 × 224 given to the builder"}


def resnet50(report):
    ours = {(family, route): Side(f"symparams `zoo.{family}` ({ROUTES[route]})",
                                  f"resnet50/symparams-{family.split('.')[0]}", {"route": route})
            for family in ("keras.ResNet50", "torchvision.resnet50") for route in ROUTES}
    keras = Side("Keras `ResNet50(weights=None)` + `count_params()`", "resnet50/keras",
                 needs="keras")
    torchinfo = Side("torchinfo `summary` of a plain-torch ResNet-50", "resnet50/torchinfo",
                     needs="torchinfo")
    report.measure(*ours.values(), keras, torchinfo)
    rows, speedups = [], []
    for family, peer, what, goal in (("keras.ResNet50", keras, "Keras", 10),
                                     ("torchvision.resnet50", torchinfo, "torchinfo", 20)):
        counts = set()
        for route in ROUTES:
            side = ours[family, route]
            counts.add(report.agree(f"ResNet-50 ({route}), {what}", side.outcome["params"],
                                    peer.outcome and peer.outcome["params"]))
            rows.append(side.row(f"{side.outcome['params']:,} params"))
            first, whole = ratio(peer.lap(), side.lap()), ratio(peer.whole, side.whole)
            speedups.append((peer, side, first, whole))
            report.target("1", f"ResNet-50, {route}: {what} / symparams, first call", first,
                          (">=", goal))
        rows.append(peer.row(counts.pop() if len(counts) == 1 else "DISAGREE"))
    report.section("1. ResNet-50 numeric summary at 224×224×3", "\n".join([
        "Timed (first call): symparams builds the zoo model, either with symbolic H, W (batch 1 "
        "for torchvision's) then substituting 224, 224, or with the numbers given to "
        "the builder (the same formulas evaluated as it goes), and renders the whole summary "
        "to a string; Keras builds `keras.applications.ResNet50(weights=None)` (KERAS_BACKEND="
        "torch) and calls `count_params()`; torchinfo builds the plain-torch ResNet-50 of "
        "`benchmarks/torch_resnet.py` (torchvision's architecture) and runs "
        "`str(torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0))`. Each "
        "symparams flavour is compared with its framework (Keras counts differ from "
        "torchvision's: biases in convolutions, BatchNorm's moving statistics).", "",
        table(SIDE_HEADERS, rows), "",
        *(f"- {peer.label} / {ours.label}: first call {fmt_ratio(first)}, whole process "
          f"{fmt_ratio(whole)}" for peer, ours, first, whole in speedups)]))


def fmt_ratio(value):
    return "-" if value is None else f"{value:.2f}×"


def llama(report):
    ours = Side("symparams `zoo.hf.LlamaForCausalLM(...).params`", "llama/symparams")
    meta = Side("transformers `LlamaForCausalLM(config)` on the meta device + numel",
                "llama/transformers-meta", needs="transformers")
    report.measure(ours, meta)
    count = report.agree("Llama-2-7B", ours.outcome["params"],
                         meta.outcome and meta.outcome["params"])
    first, whole = ratio(meta.lap(), ours.lap()), ratio(meta.whole, ours.whole)
    report.target("2", "Llama-2-7B: meta device / symparams, first call", first, (">=", 10))
    report.target("2", "Llama-2-7B: meta device / symparams, whole process", whole, (">=", 5))
    report.section("2. Llama-2-7B parameter count", "\n".join([
        "vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, "
        "num_attention_heads=32. Timed (first call): symparams builds the model and reads "
        "`.params`; transformers makes the `LlamaConfig`, instantiates the model under "
        "`with torch.device('meta')` and sums `numel()` over `parameters()`. Its imports "
        "include torchvision (transformers imports it when installed; the harness declares "
        "the two operators torchvision's wheel misses beside this CPU torch).", "",
        table(SIDE_HEADERS, [ours.row(f"{ours.outcome['params']:,} params"), meta.row(count)]),
        "", f"- meta device / symparams: first call {fmt_ratio(first)}, whole process "
        f"{fmt_ratio(whole)}"]))


def sweep(report):
    axes = report.settings["sweep"]
    points = math.prod(axes)
    again = 0 if report.mode == "smoke" else 4
    sides = {layout: (Side(f"`symparams.sweep`, {layout}", "sweep/symparams",
                           dict(size=axes, layout=layout, again=again)),
                      Side(f"hand-written numpy, {layout}", "sweep/numpy",
                           dict(size=axes, layout=layout, again=again)))
             for layout in ("flat", "grid")}
    report.measure(*(side for pair in sides.values() for side in pair))
    rows, notes = [], []
    for layout, (ours, floor) in sides.items():
        same = report.agree(f"sweep ({layout})", ours.outcome["params"] + ours.outcome["flops"],
                            floor.outcome["params"] + floor.outcome["flops"])
        rows += [ours.row(ours.outcome["dtypes"]),
                 floor.row(f"{floor.outcome['dtypes']}; arrays "
                           f"{'identical' if same == 'agree' else same}")]
        first = ratio(ours.lap(), floor.lap())
        report.target("3", f"sweep / numpy, {layout}, first call", first, ("<=", 1.5))
        with_formulas = ratio(ours.lap("formulas") + ours.lap(), floor.lap())
        notes.append(
            f"- {layout}: sweep / numpy first call {fmt_ratio(first)}; again in the same "
            f"process (median) {fmt_ratio(ratio(ours.lap('again'), floor.lap('again')))} "
            f"({fmt(ours.lap('again'))} vs {fmt(floor.lap('again'))}); building the formulas "
            f"takes {fmt(ours.lap('formulas'))} more, {fmt_ratio(with_formulas)} with it")
    report.section("3. Sweep of GPT configurations", "\n".join([
        f"{points:,} configurations: n_layer 1..{axes[0]}, n_embd 192·(1..{axes[1]}), "
        f"{axes[2]} vocabulary sizes 32000..256000, n_positions 256·(1..{axes[3]}); both the "
        "parameter count and the forward FLOPs of one sequence of n_positions tokens "
        "(batch 1). Formulas: `" + ours.outcome["formulas"] + "` (from "
        "`zoo.hf.GPT2LMHeadModel` with symbolic sizes and `model.flops`). Timed (first call): "
        "`sweep(params, ...)` and `sweep(flops, ...)` on ready arrays, against the same two "
        "formulas written in numpy; building the symbolic formulas is timed apart (the "
        "`formulas` stage), outside the ratio. `flat`: four arrays of every configuration "
        "spelled out; `grid`: four axes that broadcast to the grid (numpy then computes "
        "partial terms on the small axes). The whole process also holds the formulas' "
        "build and the calls made again.", "", table(SIDE_HEADERS, rows), "", *notes]))


def symbolic(report):
    n_layer = report.settings["n_layer"]
    models = {  # target's name -> (side, its bound)
        "ResNet-152": (Side("ResNet-152, `zoo.keras.ResNet152(input_shape=(H, W, 3))`",
                            "symbolic/ResNet152"), 1.0),
        "EfficientNetB7": (Side("EfficientNetB7, `zoo.keras.EfficientNetB7(input_shape=(H, "
                                "W, 3))`", "symbolic/EfficientNetB7"), 1.0),
        f"GPT-{n_layer} unrolled": (Side(f"GPT, {n_layer} layers unrolled (explicit layers)",
                                         "symbolic/GPT-unrolled", dict(n_layer=n_layer)), 1.0),
        f"GPT-{n_layer} Repeat": (Side(f"GPT via `Repeat`: `GPT2LMHeadModel(n_layer={n_layer})`",
                                       "symbolic/GPT-Repeat", dict(n_layer=n_layer)), 0.05),
        "GPT-L Repeat": (Side("GPT via `Repeat`: `GPT2LMHeadModel(n_layer=L)`",
                              "symbolic/GPT-Repeat", dict(n_layer=None)), 0.05),
    }
    sides = report.measure(*(side for side, _ in models.values()))
    same = report.agree(f"GPT {n_layer} layers, unrolled vs Repeat",
                        sides[2].outcome["params"], sides[3].outcome["params"])
    for name, (side, bound) in models.items():
        report.target("4", f"{name}: first call", side.lap(), ("<", bound), unit="s")
    rows = [side.row(f"params {side.outcome['params']}" if "GPT" in side.task else
                     f"{int(side.outcome['params']):,} params") for side in sides]
    report.section("4. Symbolic build, simplification and LaTeX", "\n".join([
        "Timed (first call): build the model with symbolic sizes (d, V, T for the GPTs: "
        "n_embd, vocab_size, n_positions; 12 heads), read `model.params` and "
        "`model.output_shape` (simplified as shapes propagate), then `latex(model.params)` "
        "and `model.summary().to_latex()` (the whole table).", "",
        table(SIDE_HEADERS, rows), "",
        f"- unrolled and `Repeat` GPTs ({n_layer} layers): parameter formulas {same}"]))


def imports(report):
    runs = report.settings["import_runs"]
    commands = {"python -c pass": "pass", "import sympy": "import sympy",
                "import symparams": "import symparams"}
    times = {label: [] for label in commands}
    for index in range(runs):
        order = list(commands)[index % 3:] + list(commands)[:index % 3]
        for label in order:
            start = perf_counter()
            subprocess.run([sys.executable, "-c", commands[label]], cwd=ROOT, env=environment(),
                           check=True)
            times[label].append(perf_counter() - start)
    median = {label: statistics.median(t) for label, t in times.items()}
    base = median["python -c pass"]
    whole = median["import symparams"] / median["import sympy"]
    net = (median["import symparams"] - base) / (median["import sympy"] - base)
    report.target("5", "import symparams / import sympy, whole process", whole, ("<=", 1.2))
    rows = [[label, fmt(median[label]), f"{fmt(min(times[label]))} – {fmt(max(times[label]))}",
             fmt(median[label] - base)] for label in commands]
    report.section("5. Import time", "\n".join([
        f"Each command in a fresh process, {runs} runs interleaved (the order rotates), wall "
        "time.", "", table(["command", "median", "range", "minus interpreter start"], rows), "",
        f"- import symparams / import sympy: {whole:.2f}× whole process, {net:.2f}× without "
        "the interpreter's start", "", import_offenders()]))


def import_times(code):
    """{module: (self µs, cumulative µs)} from ``python -X importtime -c code``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT,
                          env=environment(), capture_output=True, text=True, check=True)
    found = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(\S+)", line)
        if match:
            found[match[3]] = (int(match[1]), int(match[2]))
    return found


def import_offenders(top=12):
    """What ``import symparams`` imports beyond ``import sympy``, by self time."""
    ours, floor = import_times("import symparams"), import_times("import sympy")
    extra = {module: t for module, t in ours.items() if module not in floor}
    packages = {}
    for module, (own, _) in extra.items():
        packages[module.split(".")[0]] = packages.get(module.split(".")[0], 0) + own
    ranked = sorted(extra.items(), key=lambda item: -item[1][0])[:top]
    return "\n".join([
        f"`python -X importtime -c 'import symparams'`, once: {len(extra)} modules beyond "
        f"those of `import sympy`, {fmt(sum(t[0] for t in extra.values()) / 1e6)} of self time "
        "(importtime's own overhead inflates it). By top-level package: " +
        ", ".join(f"{name} {fmt(own / 1e6)}" for name, own in
                  sorted(packages.items(), key=lambda item: -item[1])) + ".", "",
        table(["module (beyond sympy's)", "self", "cumulative"],
              [[f"`{module}`", fmt(own / 1e6), fmt(total / 1e6)]
               for module, (own, total) in ranked])])


STACKS = {
    "Conv2D-same": "Keras `Sequential` of `Conv2D(8, 3, padding='same')` and `ReLU` pairs "
                   "on (H, W, C): the shape stays (H, W, 8)",
    "Conv1D-valid": "Keras `Sequential` of `Conv1D(8, 3)` on (T, C): the length shrinks "
                    "to T − 2·depth, one condition per layer",
    "Linear-graph": "a graph `Model` of `nn.Linear(d, d)` and `nn.GELU` calls on "
                    "`Tensor((B, T, d))`, symbolic width d",
}


def scaling(report):
    depths = report.settings["depths"]
    sides = {kind: [Side(f"{kind}, {depth} layers", f"scaling/{kind}", dict(layers=depth))
                    for depth in depths] for kind in STACKS}
    rows = []
    for kind, stack in sides.items():
        report.measure(*stack)
        logs = [(math.log(depth), math.log(side.lap())) for depth, side in zip(depths, stack)]
        slope = statistics.linear_regression(*zip(*logs)).slope
        steps = [(y2 - y1) / (x2 - x1) for (x1, y1), (x2, y2) in zip(logs, logs[1:])]
        report.target("6", f"{kind}: log-log slope, least squares", slope, ("<=", 1.1),
                      unit="slope")
        report.target("6", f"{kind}: log-log slope, {depths[-2]} to {depths[-1]} layers",
                      steps[-1], ("<=", 1.1), unit="slope")
        rows.append([kind, *(fmt(side.lap()) for side in stack), f"{slope:.2f}",
                     ", ".join(f"{step:.2f}" for step in steps)])
    report.section("6. Build time against depth", "\n".join([
        "Timed (first call): make the layers, the model, and read `model.params` and "
        "`model.output_shape`, with symbolic input sizes. Slope: of log(time) against "
        "log(depth), 1.0 being linear; by least squares over all depths, and between "
        "neighbouring depths. The fixed cost of a first call (SymPy's first "
        "simplifications) weighs on the small depths and flattens the least-squares fit; "
        "the slope between the two largest depths shows the growth.", "",
        *(f"- {kind}: {text}" for kind, text in STACKS.items()), "",
        table(["stack", *(f"{d} layers" for d in depths), "slope (least squares)",
               "between neighbours"], rows)]))


BENCHMARKS = {"1": resnet50, "2": llama, "3": sweep, "4": symbolic, "5": imports, "6": scaling}


def load():
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine():
    cpu, memory = platform.processor() or "unknown CPU", "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
        kib = next(int(line.split()[1]) for line in open("/proc/meminfo")
                   if line.startswith("MemTotal"))
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return "\n".join([
        f"- CPU: {cpu}, {os.cpu_count()} logical cores ({usable} usable); RAM {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        "- " + ", ".join(f"{p} {version(p)}" for p in PACKAGES) + f"; symparams at commit "
        f"{commit}", f"- KERAS_BACKEND={environment()['KERAS_BACKEND']}",
        f"- Load average (1, 5, 15 min) at start: {load()}"])


def summary(report):
    return "\n".join([
        "| benchmark | measure | measured | target | | missed by: symparams needs to be |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in report.targets)])


def main(argv=None, run=fresh):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="3 runs, 7 import runs")
    mode.add_argument("--smoke", action="store_true", help="1 run at tiny sizes (no timing)")
    parser.add_argument("--runs", type=int, help="runs per measurement (overrides the mode)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="benchmarks to run")
    parser.add_argument("--results", type=Path, help="where to write the report "
                        "(default benchmarks/RESULTS.md; --smoke writes only when given)")
    args = parser.parse_args(argv)
    report = Report("smoke" if args.smoke else "quick" if args.quick else "full", run)
    if args.runs:
        report.settings = {**report.settings, "runs": args.runs, "import_runs": args.runs}
    chosen = args.only or list(BENCHMARKS)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "symparams"), str(HERE)],
                   env=environment(), check=True)  # as pip compiles an installed package
    command = "python benchmarks/run.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = "\n".join([
        "# symparams benchmarks (issue 7)", "",
        f"Generated by `{command}` on {started} ({report.mode} mode: "
        f"{report.settings['runs']} runs per measurement, {report.settings['import_runs']} "
        "for imports); regenerate it with that command rather than editing it.", "",
        "Ratios compare medians. \"First call\": inside a fresh process, after its imports; "
        "\"whole process\": the process's wall time, interpreter start and imports included. "
        "Other jobs share the machine: read the load averages.", "", "## Machine", "",
        machine(), ""])
    print(head, flush=True)
    for key in chosen:
        BENCHMARKS[key](report)
    text = "\n".join([head, "## Targets", "", summary(report), "",
                      f"_Load average at the end: {load()}_", "", *report.sections])
    if report.problems:
        text += "\n## Disagreements\n\n" + "\n".join(f"- {p}" for p in report.problems) + "\n"
    print("## Targets\n\n" + summary(report) + "\n")
    for problem in report.problems:
        print(f"DISAGREE: {problem}")
    destination = args.results or (None if args.smoke else HERE / "RESULTS.md")
    if destination:
        destination.write_text(text)
        print(f"written to {destination}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
