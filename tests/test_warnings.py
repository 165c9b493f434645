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
def test_sweeps_and_analyses_warn_once_at_the_callers_line(call, request):
    if "chunks" in request.node.callspec.id:
        pytest.importorskip("dask", reason="chunks= needs the dask extra")
    caught = _record(call)
    _assert_once_here(caught)
    assert any(issubclass(w.category, pm.AccuracyWarning) for w in caught)


def test_threads_recording_at_once_and_closing_out_of_order_keep_every_warning():
    # Dask solves blocks in threads: thread a opens, b opens, a closes, then b warns and
    # closes. With warnings.catch_warnings (one global state swapped and restored) a's
    # warning went to b's list, and b restored a's dead list, losing b's warning.
    import threading

    from powermodel._warnings import recording

    a_open, b_open, a_closed, main_warned = (threading.Event() for _ in range(4))
    logs = {}

    def a():
        with recording() as log:
            a_open.set()
            b_open.wait(10)
            warnings.warn("from a", UserWarning)
        logs["a"] = log
        a_closed.set()

    def b():
        a_open.wait(10)
        with recording() as log:
            b_open.set()
            a_closed.wait(10)
            main_warned.wait(10)
            warnings.warn("from b", UserWarning)
        logs["b"] = log

    with warnings.catch_warnings(record=True) as outer:
        warnings.simplefilter("always")
        state = (warnings.showwarning, list(warnings.filters))
        threads = [threading.Thread(target=f) for f in (a, b)]
        for t in threads:
            t.start()
        a_closed.wait(10)
        warnings.warn("from main", UserWarning)  # this thread records nothing: as before
        main_warned.set()
        for t in threads:
            t.join(10)
        assert (warnings.showwarning, list(warnings.filters)) == state
    assert [str(w.message) for w in logs["a"]] == ["from a"]
    assert [str(w.message) for w in logs["b"]] == ["from b"]
    assert [str(w.message) for w in outer] == ["from main"]
