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


@pytest.fixture(scope="session")
def sensitivity_results():
    """One small result of each sensitivity analysis (Sobol', Morris, one at a time,
    Monte Carlo, local), for the tests of their conversions and plots."""
    import powermodel as pm

    sq = pm.Model("power", k=2.0)
    dists = {"N": ("loguniform", 10, 1000), "c": ("uniform", 1, 2)}
    return {
        "sobol": pm.sobol(sq, dists, n=2**6, seed=3, P=1e12),
        "morris": pm.morris(sq, dists, trajectories=6, n_resamples=50, seed=3, P=1e12),
        "oat": pm.one_at_a_time(sq, {"N": (50, 200), "c": (0.25, 2.0)}, N=100, c=1.0, P=1e6),
        "mc": pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", 1, 101)}, N=[26, 51, 76],
                             P=1e3, n=64, seed=3),
        "local": pm.local_sensitivity(pm.Model("power", c=1.0, k=3.0), {"N": 300, "P": 1e9},
                                      method="finite-difference"),
    }
