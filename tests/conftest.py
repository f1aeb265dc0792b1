"""Test configuration: hypothesis profiles and the framework oracles' environment.

Profiles: ``ci`` (deterministic, bounded: the default under CI=true) and
``explore`` (many more random examples, for local runs:
``HYPOTHESIS_PROFILE=explore pytest``). A failure found while exploring
becomes an explicit ``@example`` in its test.
"""

import os

# Keras must pick its backend before it is first imported.
os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "explore", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Deterministic unless asked otherwise: the README's test command is CI's, with or without CI set.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _make_torchvision_importable() -> None:
    """Let torchvision's pure-Python models import beside torch's CPU build.

    PyPI's torchvision wheel cannot load its compiled operators next to the CPU build of
    torch installed here; its import then fails registering fake kernels for two detection
    operators that were never defined ("operator torchvision::nms does not exist"). Declaring
    those two schemas lets the import finish. No test touches a detection operator. Both the
    torchvision oracle and transformers (which imports torchvision when it is installed)
    need this, so it is done once, before either is imported.
    """
    import torch

    try:
        import torchvision  # noqa: F401
    except ModuleNotFoundError:
        return
    except RuntimeError as err:
        if "torchvision::nms" not in str(err):
            raise
        library = torch.library.Library("torchvision", "DEF")
        for op in ("nms", "qnms"):
            library.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _make_torchvision_importable.library = library  # the definitions live with it
        import torchvision  # noqa: F401


_make_torchvision_importable()


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small torch forward passes run fastest on one thread (and don't fight other processes)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def pytest_terminal_summary(terminalreporter):
    """How many hostile cases the robustness suite tried, and how they ended."""
    import sys

    hostile = sys.modules.get("tests.hostile")
    if hostile is None or not hostile.TRIED:
        return
    tried = hostile.TRIED
    errors = ", ".join(f"{name} {n}" for name, n in tried.most_common() if name != "result")
    terminalreporter.write_line(
        f"robustness: {sum(tried.values())} hostile cases tried: {tried['result']} gave a "
        f"checked result, the rest a documented error ({errors})")
