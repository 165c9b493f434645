"""Warnings once per public call, attributed to the caller (powermodel/_warnings.py)."""

import warnings

import numpy as np
import pytest

import powermodel as pm
from powermodel._warnings import once_per_call

# a cost whose f'' enclosures are too loose: the solver warns (AccuracyWarning) on every solve
LOOSE = "c*x + x*atan(x)"


def _record(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return caught


def _assert_once_here(caught):
    assert caught, "expected a warning"
    texts = [str(w.message) for w in caught]
    assert len(texts) == len(set(texts)), texts  # each distinct message once
    assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]


def test_thresholds_warns_once_at_the_callers_line():
    # issue 21: printed 7 times (once per inner solve) and attributed to solver.py
    caught = _record(lambda: pm.Model(LOOSE, c=1).symbolic.thresholds(P=1e4))
    _assert_once_here(caught)
    assert any(issubclass(w.category, pm.AccuracyWarning) for w in caught)


def test_model_solve_warns_at_the_callers_line():
    caught = _record(lambda: pm.Model(LOOSE, c=1).solve(N=np.geomspace(1, 1e6, 20), P=1e4))
    _assert_once_here(caught)


def test_once_per_call_nests_and_dedupes():
    @once_per_call
    def inner():
        for _ in range(3):
            warnings.warn("inner", UserWarning)
        return 1

    @once_per_call
    def outer():
        warnings.warn("outer", UserWarning)
        return inner() + inner()

    caught = _record(outer)
    assert sorted(str(w.message) for w in caught) == ["inner", "outer"]
    assert all(w.filename == __file__ for w in caught)
    # the caller's filters still apply: an error filter raises at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="inner"):
            inner()
    # an exception inside still leaves the warnings issued and the state reset
    @once_per_call
    def fails():
        warnings.warn("before", UserWarning)
        raise ValueError("boom")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError):
            fails()
    assert [str(w.message) for w in caught] == ["before"]
    assert [str(w.message) for w in _record(inner)] == ["inner"]


@pytest.mark.parametrize("call", [
    lambda: pm.sweep(pm.Model(LOOSE, c=1), N=np.geomspace(1, 1e6, 20), P=1e4,
                     progress=lambda done, total: None),
    # Dask tasks (threads), one solve per block of 5 points: still once, at this line
    lambda: pm.grid(pm.Model(LOOSE, c=1), {"N": np.geomspace(1, 1e6, 20)}, P=1e4, chunks=5),
    lambda: pm.sobol(pm.Model(LOOSE, c=1), {"N": ("loguniform", 1, 1e6)}, n=64, seed=0,
                     P=1e4, chunks=30),
    lambda: pm.morris(pm.Model(LOOSE, c=1), {"N": ("loguniform", 1, 1e6)}, seed=0, P=1e4,
                      n_resamples=0, chunks=5),
], ids=["sweep", "grid-chunks", "sobol-chunks", "morris-chunks"])
def test_sweeps_and_analyses_warn_once_at_the_callers_line(call):
    caught = _record(call)
    _assert_once_here(caught)
    assert any(issubclass(w.category, pm.AccuracyWarning) for w in caught)
