"""The benchmark harness (benchmarks/run.py) runs, and symparams agrees with every peer.

Timings are never checked here (they depend on the machine): only that each benchmark
runs at tiny sizes and that the counts, arrays and formulas of both sides are equal.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(f"symparams_benchmarks_{name}",
                                                  BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def harness():
    sys.path.insert(0, str(BENCHMARKS))  # tasks.py imports torch_resnet
    yield load("run"), load("tasks")
    sys.path.remove(str(BENCHMARKS))


def test_every_benchmark_runs_and_the_peers_agree(harness, tmp_path, one_torch_thread):
    """All six benchmarks at smoke sizes, the tasks run in this process (the frameworks are
    imported once); import times are still measured in fresh processes."""
    run, tasks = harness

    def in_process(task, options):
        clock = tasks.Clock()
        outcome = tasks.TASKS[task](options, clock)
        return {"laps": clock.laps, "outcome": outcome, "whole": None}

    results = tmp_path / "RESULTS.md"
    assert run.main(["--smoke", "--results", str(results)], run=in_process) == 0
    text = results.read_text()
    peers = [name for name in ("keras", "torchinfo", "transformers")
             if importlib.util.find_spec(name)]
    assert text.count("| agree |") == len(peers)
    assert text.count("arrays identical") == 2
    assert "parameter formulas agree" in text
    assert "DISAGREE" not in text
    for benchmark in range(1, 7):
        assert f"\n| {benchmark} | " in text  # a row of targets for each
    assert "25,557,032 params" in text and "6,738,415,616 params" in text


def test_the_command_runs_tasks_in_fresh_processes(tmp_path):
    results = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--smoke", "--only", "3",
                           "--results", str(results)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    text = results.read_text()
    assert "## Machine" in text and "Load average" in text
    assert text.count("arrays identical") == 2
    assert "| 3 | sweep / numpy, flat, first call |" in text
