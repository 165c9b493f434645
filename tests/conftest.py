"""Shared test configuration: a deterministic hypothesis profile."""

import os
import threading

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", derandomize=True, max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "long", derandomize=False, max_examples=5000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def run_in():
    """``run_in(where, fn)``: call ``fn()`` in the main thread, or in another thread
    (``where`` anything else), which must end within 120 s."""
    def run(where, fn):
        if where == "main thread":
            fn()
            return
        t = threading.Thread(target=fn)
        t.start()
        t.join(120)
        assert not t.is_alive(), "still running after 120 s"
    return run
