"""Dask arrays passed to solve() stay lazy and are solved block by block (powermodel/_dask.py)."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import powermodel as pm  # noqa: E402
from powermodel._dask import compute  # noqa: E402

FLOAT_FIELDS = [f for f in pm.Solution._fields if f not in ("regime", "status")]


def assert_same(lazy, eager):
    """A computed lazy Solution equals the NumPy one, field by field (NaN equal to NaN)."""
    for f in pm.Solution._fields:
        a, b = np.asarray(getattr(lazy, f)), np.asarray(getattr(eager, f))
        assert a.shape == b.shape, f
        if f in FLOAT_FIELDS:
            np.testing.assert_array_equal(a, b, err_msg=f)
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), f


def test_power_family_matches_numpy_and_closed_form():
    N = np.geomspace(0.5, 1e7, 1000)
    P = np.array([1e2, 1e6])[:, None]
    model = pm.Model("power", c=2.0, k=3.0)
    lazy = model.solve(N=da.from_array(N, chunks=128), P=P)
    assert all(isinstance(getattr(lazy, f), da.Array) for f in pm.Solution._fields)
    assert lazy.x.shape == (2, 1000)
    got = compute(lazy, scheduler="synchronous")
    assert_same(got, model.solve(N=N, P=P))
    # independent answer: x* = min((N / (c k))^(1/(k - 1)), (P/c)^(1/k))
    expected = np.minimum(np.sqrt(N / 6.0), (P / 2.0) ** (1 / 3))
    np.testing.assert_allclose(got.x, expected, rtol=1e-12)


def test_general_solver_with_lazy_parameters_and_mixed_chunks():
    rng = np.random.default_rng(1)
    N = np.geomspace(1, 1e5, 600)
    F = rng.uniform(0, 200, 600)
    model = pm.Model("overhead", s=0.1, c=1.0, k=2.0)
    lazy = model.solve(N=da.from_array(N, chunks=100), F=da.from_array(F, chunks=250), P=1e6,
                       overlap=0.01)
    got = compute(lazy, scheduler="threads")
    assert_same(got, model.solve(N=N, F=F, P=1e6, overlap=0.01))
    assert {"none", "interior"} <= set(got.regime.tolist())  # the non-convex jump is there


def test_expression_and_callable_costs():
    N = da.from_array(np.geomspace(1, 1e4, 300), chunks=70)
    for cost, params in (("x**3 - 3*x**2 + 3.1*x", {}),
                         (lambda x, c: c * x**2 + np.log1p(x), {"c": 1.0})):
        lazy = pm.solve(cost, N=N, P=1e5, **params)
        got = lazy.x.compute(scheduler="synchronous")
        np.testing.assert_array_equal(got, pm.solve(cost, N=N.compute(), P=1e5, **params).x)


def test_nothing_is_solved_until_computed():
    calls = []

    def cost(x, c):
        calls.append(1)
        return c * x**2

    lazy = pm.solve(cost, N=da.from_array(np.array([1.0, 10.0]), chunks=1), P=1e6, c=1.0)
    assert calls == []
    assert lazy.x.compute(scheduler="synchronous").tolist() == pytest.approx([0.5, 5.0],
                                                                            rel=1e-9)
    assert calls


def test_errors_nan_marks_points_per_block():
    N = np.array([1.0, -1.0, 10.0, np.nan, 100.0, 1e3])
    lazy = pm.solve("power", N=da.from_array(N, chunks=2), P=1e6, c=1.0, k=2.0, errors="nan")
    got = compute(lazy, scheduler="synchronous")
    assert_same(got, pm.solve("power", N=N, P=1e6, c=1.0, k=2.0, errors="nan"))
    assert got.status.tolist()[:2] == ["ok", "`N` must be positive"]
    assert np.isnan(got.x[1]) and got.x[2] == 5.0


def test_errors_raise_when_the_bad_block_is_computed():
    N = da.from_array(np.array([1.0, 10.0, -3.0]), chunks=2)
    lazy = pm.solve("power", N=N, P=1e6, c=1.0, k=2.0)  # lazy: no error yet
    np.testing.assert_array_equal(lazy.x[:2].compute(scheduler="synchronous"), [0.5, 5.0])
    with pytest.raises(pm.InputError, match=r"`N` must be positive, got -3"):
        lazy.x.compute(scheduler="synchronous")


def test_eager_checks_of_the_inputs_that_are_not_lazy():
    N = da.from_array(np.array([1.0, 10.0]), chunks=1)
    with pytest.raises(pm.InputError, match=r"`P` must be non-negative, got -1"):
        pm.solve("power", N=N, P=-1.0, c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="unknown parameter `q`"):
        pm.solve("power", N=N, P=1.0, c=1.0, k=2.0, q=1.0)
    with pytest.raises(pm.InputError, match="missing parameter `k`"):
        pm.solve("power", N=N, P=1.0, c=1.0)
    with pytest.raises(pm.InputError, match="do not broadcast"):
        pm.solve("power", N=N, P=np.ones(3), c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="must be a real number"):
        pm.solve("power", N=da.from_array(np.array(["a", "b"])), P=1.0, c=1.0, k=2.0)


def test_fields_are_plain_arrays_and_regime_codes():
    lazy = pm.solve("linear", N=da.from_array(np.array([5.0, 20.0]), chunks=1), P=100.0, c=10.0)
    assert lazy.x.dtype == float and lazy.regime_code.dtype == np.int8
    got = compute(lazy, scheduler="synchronous")
    assert got.regime.tolist() == ["none", "budget"] and got.regime_code.tolist() == [0, 2]
    assert lazy.regime.compute(scheduler="synchronous").tolist() == ["none", "budget"]


def test_fields_computed_together_solve_each_block_once(monkeypatch):
    import powermodel._dask as pd

    calls = []

    def counting(*blocks, **kw):
        calls.append(blocks[0].shape)
        return solve_block(*blocks, **kw)

    solve_block = pd._solve_block
    monkeypatch.setattr(pd, "_solve_block", counting)
    N = np.geomspace(1, 1e5, 50)
    lazy = pm.solve("power", N=da.from_array(N, chunks=20), P=1e6, c=1.0, k=2.0)
    got = compute(lazy, scheduler="synchronous")
    assert sorted(calls) == [(10,), (20,), (20,)]       # 3 blocks, each solved once
    assert_same(got, pm.solve("power", N=N, P=1e6, c=1.0, k=2.0))
    monkeypatch.undo()
    # the same inputs give the same graph keys (Dask can share and cache them)
    a, b = (pm.solve("power", N=da.from_array(N, chunks=20), P=1e6, c=1.0, k=2.0)
            for _ in range(2))
    assert a.x.name == b.x.name and a.status.name == b.status.name != a.x.name


def test_a_grid_in_several_blocks_equals_the_numpy_grid_field_by_field():
    import pickle

    from powermodel._dask import _Rows

    m = pm.Model("overhead", s=0.1, c=1.0, k=2.0)
    axes = {"N": np.geomspace(1, 1e5, 7), "F": np.array([-1.0, 20.0, 150.0]), "P": [1e3, 1e6]}
    for chunks in (6, 12, 10**6):  # blocks of 1 row, of 2 rows, one block
        got = pm.grid(m, axes, chunks=chunks, errors="nan").solution
        want = pm.grid(m, axes, errors="nan").solution
        assert got.x.shape == (7, 3, 2)
        assert_same(got, want)
    # F = -1 is refused in every block: the status is not one value over the grid
    assert set(got.status[:, 0].ravel()) == {"`F` must be non-negative"}
    assert set(got.status[:, 1:].ravel()) == {"ok"}
    # a block as a cluster's worker sends it back: every field, the regime as one-byte
    # codes and the fields with one value (status "ok", x_budget, bound, ...) as that value
    s = m.solve(N=np.geomspace(1, 1e5, 5000)[:, None], F=np.array([20.0, 150.0]), P=1e6)
    wire = pickle.dumps(_Rows(s))
    assert_same(pickle.loads(wire).solution, s)
    assert len(wire) < 9 * 8 * s.x.size + s.x.size + 4000  # 9 float fields vary, 1-byte codes


def _analyses(chunks):
    m = pm.Model("power", k=2.0)
    d = {"N": ("loguniform", 10, 1e4), "c": ("loguniform", 0.1, 10)}
    return (pm.sobol(m, d, n=2**9, seed=1, P=1e12, chunks=chunks),
            pm.morris(m, d, seed=1, P=1e12, chunks=chunks),
            pm.monte_carlo(m, {"c": ("loguniform", 0.1, 10)}, N=[1.0, 100.0], n=300, seed=1,
                           P=1e12, chunks=chunks),
            pm.grid(m, {"N": [1.0, 10.0, 100.0], "c": [0.5, 1.0]}, P=1e12, chunks=chunks),
            pm.sweep(m, N=[1.0, -1.0, 100.0], P=1e12, c=1.0, errors="nan", chunks=chunks))


def _same_results(a, b):
    for x, y in zip(a, b):
        if isinstance(x, pm.SweepResult):
            assert x.axes.keys() == y.axes.keys()
            for f in pm.Solution._fields:
                np.testing.assert_array_equal(np.asarray(getattr(x.solution, f)),
                                              np.asarray(getattr(y.solution, f)), err_msg=f)
        else:
            assert x == y, type(x).__name__


def test_analyses_with_chunks_equal_the_numpy_path():
    _same_results(_analyses(chunks=100), _analyses(chunks=None))
    with pytest.raises(pm.InputError, match="`chunks`"):
        pm.grid(pm.Model("power", k=2.0, c=1.0), {"N": [1.0]}, P=1.0, chunks=0)


def test_analyses_on_a_distributed_cluster_with_worker_processes(monkeypatch):
    import powermodel._dask

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = _analyses(chunks=200)
        assert len(client.scheduler_info()["workers"]) == 2
        # progress: one step per completed block (n = 2**9 base points, 200 // 4 = 50 a
        # block: 11 blocks; a grid of 3 x 2 points in blocks of one row: 3 blocks of 2)
        m, seen = pm.Model("power", k=2.0), []
        d = {"N": ("loguniform", 10, 1e4), "c": ("loguniform", 0.1, 10)}
        with_progress = pm.sobol(m, d, n=2**9, seed=1, P=1e12, chunks=200,
                                 progress=lambda done, total: seen.append((done, total)))
        assert seen == [(i, 11) for i in range(12)] and with_progress == on_cluster[0]
        seen.clear()
        pm.grid(m, {"N": [1.0, 10.0, 100.0], "c": [0.5, 1.0]}, P=1e12, chunks=2,
                progress=lambda done, total: seen.append((done, total)))
        assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
        lazy = pm.solve("overhead", N=da.from_array(np.geomspace(1, 1e5, 400), chunks=100),
                        P=1e6, F=50.0, s=0.1, c=1.0, k=2.0)
        got = compute(lazy)
        # every NumPy argument of a block sent to the workers apart from the graph
        monkeypatch.setattr(powermodel._dask, "SCATTER_BYTES", 0)
        scattered = _analyses(chunks=200)
    _same_results(on_cluster, _analyses(chunks=None))
    _same_results(scattered, on_cluster)
    assert_same(got, pm.solve("overhead", N=np.geomspace(1, 1e5, 400), P=1e6, F=50.0, s=0.1,
                              c=1.0, k=2.0))
