"""Test configuration: hypothesis profiles and the framework oracles' environment.

Profiles: ``ci`` (deterministic, bounded: the default under CI=true) and
``explore`` (many more random examples, for local runs:
``HYPOTHESIS_PROFILE=explore pytest``). A failure found while exploring
becomes an explicit ``@example`` in its test.
"""

import os

# Keras must pick its backend before it is first imported.
os.environ.setdefault("KERAS_BACKEND", "torch")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "explore", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
