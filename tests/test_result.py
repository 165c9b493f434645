"""The light Solution: derived fields on first access, regimes as codes, same public behaviour."""

import pickle

import numpy as np
import pytest

import powermodel as pm
from powermodel.result import REGIMES, Solution


def _eager(s):
    return Solution(**{f: np.array(getattr(s, f)) for f in Solution._fields})


def test_fields_are_derived_once_on_first_access():
    calls = []

    def derive():
        calls.append(1)
        return {"value": np.array([3.0, 4.0]), "regime": np.array([1, -1], dtype=np.int8)}

    others = {f: np.zeros(2) for f in Solution._fields
              if f not in ("value", "regime", "status", "bound", "gap")}
    s = Solution._lazy({**others, "status": np.array(["ok", "bad"])}, derive)
    assert calls == [] and s.x.tolist() == [0.0, 0.0]
    assert s.value.tolist() == [3.0, 4.0] and calls == [1]
    assert s.regime.tolist() == ["interior", "invalid"] and calls == [1]
    assert s.regime_code.dtype == np.int8
    assert np.isnan(s.bound).all() and np.isnan(s.gap).all()   # not certified


def test_lazy_solution_behaves_like_the_eager_one():
    m = pm.Model("overhead", F=50.0, s=0.1, c=1.0, k=2.0)
    N = np.geomspace(1, 1e4, 50)
    s = m.solve(N=N, P=1e6)
    e = _eager(m.solve(N=N, P=1e6))
    assert s == e and repr(s) == repr(e)
    assert Solution(**{k: np.array(v) for k, v in s.to_dict().items()}) == e
    assert pickle.loads(pickle.dumps(m.solve(N=N, P=1e6))) == e
    assert list(s.to_dict()) == list(Solution._fields)
    with pytest.raises(AttributeError):
        s.x = 1.0
    with pytest.raises(AttributeError):
        s._derive = None
    with pytest.raises(ValueError):
        s.value[0] = 1.0                       # read-only, derived fields too
    # regimes: names from one-byte codes, and the codes index REGIMES
    assert s.regime_code.dtype == np.int8
    assert [REGIMES[c] for c in s.regime_code] == s.regime.tolist()
    assert {"none", "interior"} <= set(s.regime.tolist())


def test_regime_and_fields_match_the_formulas_after_lazy_access():
    # f = x^2, P = 100: x* = min(N/2, 10), g* = (P - x*^2)/N + x*
    N = np.array([4.0, 40.0])
    s = pm.solve("power", N=N, P=100.0, c=1.0, k=2.0)
    assert s.regime.tolist() == ["interior", "budget"]
    x = np.minimum(N / 2, 10.0)
    np.testing.assert_allclose(s.value, (100 - x**2) / N + x, rtol=1e-15)
    np.testing.assert_allclose(s.budget_share, x**2 / 100, rtol=1e-15)


def test_errors_nan_marks_lazy_fields():
    s = pm.solve("power", N=[10.0, -1.0], P=1e6, c=1.0, k=2.0, errors="nan")
    assert s.regime.tolist() == ["interior", "invalid"] and s.regime_code.tolist() == [1, -1]
    assert np.isnan(s.value[1]) and s.value[0] == pytest.approx((1e6 - 25) / 10 + 5, rel=1e-12)
    assert s.status.tolist() == ["ok", "`N` must be positive"]


def test_overflow_warning_still_comes_from_solve():
    with pytest.warns(pm.AccuracyWarning, match="exceeds the float64 range"):
        pm.solve("power", N=np.array([1e-300, 1.0]), P=1e300, c=1.0, k=2.0)


def test_repr_of_a_long_array_shows_its_shape_without_scanning_it():
    from powermodel import result

    v = np.zeros(result.REPR_SUMMARY_LIMIT + 1, dtype="U9")      # np.unique would sort it
    assert result._short(v) == f"array(shape={v.shape}, dtype=<U9)"
    assert result._short(np.arange(7.0)) == "array(shape=(7,), min=0, max=6)"


def test_success_and_message_follow_status_as_in_scipy():
    s = pm.solve("power", N=100.0, P=1e6, c=1.0, k=2.0)
    assert s.success is True and s.message == "ok"
    # an invalid point (errors="nan") and a callable's sampled optimum are not successes
    s = pm.solve("power", N=[100.0, -1.0], P=1e6, c=1.0, k=2.0, errors="nan")
    assert s.success.tolist() == [True, False]
    assert s.message[1] == s.status[1] and "N" in s.message[1]
    c = pm.Model(lambda x: x**2).solve(N=[10.0, 100.0], P=1e6)
    assert not c.success.any() and all(m.startswith("assumed:") for m in c.message)
    # x* = N/2 for f = x^2 all the same
    assert c.x.tolist() == pytest.approx([5.0, 50.0], rel=1e-9)


def test_repr_of_a_large_solution_derives_nothing():
    # 12.5 s for 1e7 points before: the repr derived every field, then formatted it
    N = np.geomspace(1.0, 1e6, result_module().REPR_SUMMARY_LIMIT + 1)
    s = pm.solve("power", N=N, P=1e6, c=1.0, k=2.0)
    text = repr(s)
    assert s._derive is not None  # nothing was derived for it
    assert f"value = array(shape=({N.size},), dtype=float64)" in text
    assert s.value[0] == pytest.approx((1e6 - 0.25) / 1.0 + 0.5)  # x* = N/2 at N = 1
    assert repr(s).count("shape=") == len(Solution._fields)


def result_module():
    from powermodel import result

    return result


def test_solution_to_pandas_is_one_row_per_point():
    pytest.importorskip("pandas")
    s = pm.Model("power", c=1.0, k=2.0).solve(N=np.array([[10.0], [100.0]]), P=[1e6, 100.0])
    df = s.to_pandas()
    assert list(df.columns) == ["N", "P", *pm.Solution._fields] and len(df) == 4
    # x* = min(N / 2, sqrt(P)), C order over the (2, 2) grid
    assert df["x"].tolist() == [5.0, 5.0, 50.0, 10.0]
    assert df["regime"].tolist() == ["interior", "interior", "interior", "budget"]
    np.testing.assert_array_equal(df["value"].to_numpy(), s.value.ravel())
    one = pm.Model("power", c=1.0, k=2.0).solve(N=10, P=1e6).to_pandas()
    assert len(one) == 1 and one["x"].tolist() == [5.0]


def test_solution_to_pandas_is_sized_against_the_memory_budget(monkeypatch):
    pytest.importorskip("pandas")
    s = pm.Model("power", c=1.0, k=2.0).solve(N=np.geomspace(1, 1e6, 1000), P=1e6)
    monkeypatch.setenv("POWERMODEL_MEMORY", "10K")
    with pytest.raises(pm.InputError, match="to_pandas of Solution of 1,000 points"):
        s.to_pandas()
