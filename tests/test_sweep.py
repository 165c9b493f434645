"""Sweeps, grids and phase diagrams against closed forms and brute force."""

import csv
import json
import sys

import numpy as np
import pytest

import powermodel as pm
from powermodel.sweeps import DEFAULT_N, SweepResult


def test_default_axis_and_closed_form():
    r = pm.sweep(pm.Model("power", c=2.0, k=2.0), P=1e14)
    np.testing.assert_array_equal(r.axes["N"], np.geomspace(1, 1e6, 61))
    np.testing.assert_allclose(r.solution.x, DEFAULT_N / 4.0, rtol=1e-13)  # x* = N/(2c)
    assert (r.solution.regime == "interior").all()
    assert r.fixed == {"P": 1e14, "c": 2.0, "k": 2.0}
    assert r.shape == (61,)


def test_grid_order_and_values():
    N = np.array([10.0, 100.0, 1000.0])
    k = np.array([1.5, 2.0, 3.0, 4.0])
    r = pm.grid(pm.Model("power", c=0.5), {"N": N, "k": k}, P=1e30)
    assert list(r.axes) == ["N", "k"] and r.solution.x.shape == (3, 4)
    expected = (N[:, None] / (0.5 * k[None, :])) ** (1 / (k[None, :] - 1))
    np.testing.assert_allclose(r.solution.x, expected, rtol=1e-12)
    # the other order transposes
    r2 = pm.grid(pm.Model("power", c=0.5), {"k": k, "N": N}, P=1e30)
    np.testing.assert_allclose(r2.solution.x, expected.T, rtol=1e-12)


def test_sweep_array_inputs_become_axes():
    r = pm.sweep(pm.Model("power", c=1.0), N=[4.0, 8.0], P=[1.0, 1e9], k=2.0)
    assert list(r.axes) == ["N", "P"] and r.shape == (2, 2)
    # P = 1: budget x <= 1 binds; P = 1e9: interior x* = N/2
    np.testing.assert_allclose(r.solution.x, [[1.0, 2.0], [1.0, 4.0]])
    assert r.solution.regime.tolist() == [["budget", "interior"], ["budget", "interior"]]


def test_sweep_with_fixed_N():
    r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=100.0, P=[10.0, 1e6])
    assert list(r.axes) == ["P"] and r.fixed["N"] == 100.0
    np.testing.assert_allclose(r.solution.x, [10**0.5, 50.0])
    with pytest.raises(pm.InputError, match="at least one 1-D array"):
        pm.sweep(pm.Model("power", c=1.0, k=2.0), N=100.0, P=1.0)


def test_single_point_axes_keep_grid_shape():
    r = pm.grid(pm.Model("linear", c=1.0), {"N": [3.0]}, P=5.0)
    assert r.solution.x.shape == (1,) and r.solution.x[0] == 5.0


def test_phase_diagram_linear_switch():
    # linear cost: x* = 0 for N <= c, x* = P/c (budget) for N > c
    N = np.geomspace(1, 1000, 13)
    c = np.array([2.0, 20.0, 200.0])
    r = pm.phase_diagram(pm.Model("linear"), ("N", N), ("c", c), P=1e3)
    assert list(r.axes) == ["N", "c"] and r.solution.regime.shape == (13, 3)
    want = np.where(N[:, None] > c[None, :], "budget", "none")
    np.testing.assert_array_equal(r.solution.regime, want)
    np.testing.assert_array_equal(r.solution.learned_share, np.where(want == "budget", 1.0, 0.0))


def test_monotone_in_N_for_a_nonconvex_cost():
    # Topkis: for a cost not depending on N, the least maximiser is non-decreasing in N.
    r = pm.sweep(pm.Model("overhead", F=50.0, s=1.0, c=0.1, k=2.0), N=np.geomspace(1, 1e4, 200),
                 P=1e8)
    assert np.all(np.diff(r.solution.x) >= 0)
    # brute force at a few points: maximise h(x) = x - f(x)/N on a fine grid
    xs = np.linspace(0, 4e4, 800001)
    f = 50 * (1 - np.exp(-xs)) + 0.1 * xs**2
    h_feasible = np.where(f <= 1e8, 0.0, -np.inf)
    for i in (0, 60, 120, 199):
        N = r.axes["N"][i]
        best = xs[np.argmax(xs - f / N + h_feasible)]
        assert abs(r.solution.x[i] - best) <= 0.06


def test_errors_nan_keeps_the_rest():
    r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[10.0, -1.0, 100.0], P=1e6, errors="nan")
    assert np.isnan(r.solution.x[1]) and "N" in r.solution.status[1]
    np.testing.assert_allclose(r.solution.x[[0, 2]], [5.0, 50.0])
    with pytest.raises(pm.InputError, match="`N` must be positive"):
        pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[10.0, -1.0], P=1e6)


@pytest.mark.parametrize("call, match", [
    (lambda m: pm.grid(m, {"q": [1, 2]}, P=1.0), "unknown input `q`"),
    (lambda m: pm.grid(m, {"N": [1, 2]}, P=1.0, N=3.0), "both as an axis"),
    (lambda m: pm.grid(m, {"N": []}, P=1.0), "axis `N`"),
    (lambda m: pm.grid(m, {"N": [[1, 2]]}, P=1.0), "axis `N`"),
    (lambda m: pm.grid(m, {}, P=1.0), "`axes`"),
    (lambda m: pm.grid(m, {"N": [1, 2]}), "`P` must be given"),
    (lambda m: pm.grid(m, {"N": [1, 2]}, P=[1.0, 2.0]), "fixed input `P`"),
    (lambda m: pm.sweep(m, P=np.ones((2, 2))), "1-D"),
    (lambda m: pm.phase_diagram(m, ("N", [1, 2]), ("N", [1, 2]), P=1.0), "must differ"),
    (lambda m: pm.phase_diagram(m, "N", ("c", [1, 2]), P=1.0), "`x_axis`"),
    (lambda m: pm.grid(m, {"N": [1, 2]}, P=1.0, errors="skip"), "`errors`"),
])
def test_bad_input(call, match):
    with pytest.raises(pm.InputError, match=match):
        call(pm.Model("power", c=1.0, k=2.0))


def test_string_model_and_module_import():
    import powermodel.sweeps  # noqa: F401  (importing the module leaves pm.sweep the function)

    r = pm.sweep("power", N=[2.0], P=1e6, c=1.0, k=2.0)
    assert r.solution.x[0] == 1.0
    with pytest.raises(pm.InputError, match="`model`"):
        pm.sweep(3, P=1.0)


def test_csv_roundtrip(tmp_path):
    r = pm.grid(pm.Model("power", c=1.0), {"N": [10.0, 1e3], "k": [2.0, 3.0]}, P=1e6)
    path = r.to_csv(tmp_path / "g.csv")
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert list(rows[0])[:4] == ["N", "k", "P", "c"]
    for row, (i, j) in zip(rows, np.ndindex(2, 2)):
        assert float(row["N"]) == r.axes["N"][i] and float(row["k"]) == r.axes["k"][j]
        assert float(row["x"]) == r.solution.x[i, j]      # shortest repr round-trips exactly
        assert row["regime"] == r.solution.regime[i, j]
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"]  # no temporary file left


def test_json_roundtrip_and_determinism(tmp_path):
    m = pm.Model("power", c=1.0, k=2.0)
    r = pm.sweep(m, N=[1.0, 1e3, -1.0], P=1e4, errors="nan")
    a = r.to_json(tmp_path / "a.json")
    b = pm.sweep(m, N=[1.0, 1e3, -1.0], P=1e4, errors="nan").to_json(tmp_path / "b.json")
    assert a.read_bytes() == b.read_bytes()
    d = json.loads(a.read_text())
    assert d["axes"]["N"] == [1.0, 1e3, -1.0] and d["fixed"] == {"P": 1e4, "c": 1.0, "k": 2.0}
    assert d["solution"]["x"][:2] == [0.5, 100.0] and d["solution"]["x"][2] is None  # NaN -> null
    assert d["solution"]["regime"] == ["interior", "budget", "invalid"]


def test_pandas_export():
    pytest.importorskip("pandas")
    r = pm.grid(pm.Model("power", c=1.0, k=2.0), {"N": [1.0, 2.0, 3.0], "P": [1e6, 1e7]})
    df = r.to_pandas()
    assert df.shape == (6, 2 + 1 + 1 + len(pm.Solution._fields))
    np.testing.assert_allclose(df["x"].to_numpy(), r.solution.x.ravel())


def test_missing_extras_are_named(monkeypatch):
    r = pm.grid(pm.Model("power", c=1.0, k=2.0), {"N": [1.0, 2.0, 3.0], "P": [1e6, 1e7]})
    monkeypatch.setitem(sys.modules, "xarray", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"powermodel\[xarray\]"):
        r.to_xarray()
    with pytest.raises(ImportError, match=r"powermodel\[pandas\]"):
        r.to_pandas()


def test_result_is_immutable():
    r = pm.sweep(pm.Model("linear", c=1.0), N=[2.0], P=1.0)
    assert isinstance(r, SweepResult)
    with pytest.raises(AttributeError):
        r.axes = {}
    with pytest.raises(ValueError):
        r.solution.x[0] = 3.0
    with pytest.raises(ValueError):
        r.axes["N"][0] = 3.0
    mine = np.array([1.0, 2.0])
    pm.sweep(pm.Model("linear", c=1.0), N=mine, P=1.0)
    mine[0] = 5.0                         # the caller's array is neither frozen nor shared


# ---------------------------------------------------------------------------
# the writers stream: their memory does not grow with the number of points
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("axes", [
    {"N": [1.0, 1e3, -1.0, 1e300]},                               # NaN, inf, invalid
    {"N": [10.0, 1e3], "k": [2.0, 3.0], "P": [1.0, 1e6, np.inf]},  # three axes
    {"N": [5.0], "k": [2.0]},                                     # length-one axes
])
def test_json_writer_gives_the_bytes_of_json_dumps_block_by_block(tmp_path, monkeypatch, axes):
    from powermodel import sweeps

    monkeypatch.setattr(sweeps, "WRITE_BLOCK", 2)              # many blocks on a tiny grid
    fixed = {k: v for k, v in {"P": 1e4, "k": 2.0}.items() if k not in axes}
    r = pm.grid(pm.Model("power", c=1.0), axes, errors="nan", **fixed)
    path = r.to_json(tmp_path / "a.json")
    whole = {"axes": r.axes, "fixed": r.fixed, "solution": r.solution}
    expected = json.dumps(sweeps.jsonable(whole), indent=1, allow_nan=False) + "\n"
    assert path.read_text() == expected


def test_csv_writer_gives_the_rows_of_the_grid_block_by_block(tmp_path, monkeypatch):
    from powermodel import sweeps

    monkeypatch.setattr(sweeps, "WRITE_BLOCK", 3)
    r = pm.grid(pm.Model("power", c=1.0), {"N": [10.0, -1.0], "k": [2.0, 3.0, 4.0]}, P=1e6,
                errors="nan")
    with open(r.to_csv(tmp_path / "g.csv"), newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["N", "k", "P", "c", *pm.Solution._fields]
    for row, (i, j) in zip(rows[1:], np.ndindex(2, 3)):   # C order, every field by repr
        want = [r.axes["N"][i], r.axes["k"][j], 1e6, 1.0,
                *(getattr(r.solution, f)[i, j] for f in pm.Solution._fields)]
        assert row == [repr(float(v)) if isinstance(v, float) else str(v) for v in want]
    assert len(rows) == 1 + 6


def test_writers_memory_does_not_grow_with_the_points(tmp_path, monkeypatch):
    import tracemalloc

    from powermodel import sweeps

    monkeypatch.setattr(sweeps, "WRITE_BLOCK", 256)
    peaks = {}
    for n in (2000, 16000):
        r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=np.geomspace(1, 1e6, n), P=1e6)
        for f in pm.Solution._fields:            # the Solution derives fields on first use
            getattr(r.solution, f)
        for kind in ("csv", "json"):
            tracemalloc.start()
            getattr(r, f"to_{kind}")(tmp_path / f"a.{kind}")
            peaks[n, kind] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    for kind in ("csv", "json"):
        # 8x the points: the whole table as Python objects would be 8x (> 1 MB) larger
        assert peaks[16000, kind] < peaks[2000, kind] + 200_000, peaks


def test_table_exports_are_sized_against_the_memory_budget(monkeypatch):
    pytest.importorskip("pandas")
    r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=np.geomspace(1, 1e6, 1000), P=1e6)
    monkeypatch.setenv("POWERMODEL_MEMORY", "10K")
    with pytest.raises(pm.InputError, match="to_pandas of 1,000 points needs about"):
        r.to_pandas()


def test_chunks_take_any_integer_type_and_a_huge_one_is_one_block():
    pytest.importorskip("dask")
    m = pm.Model("power", c=1.0, k=2.0)
    want = np.array([0.5, 1.0])                                  # x* = N/2
    for chunks in (np.int64(1), 2**80):
        np.testing.assert_array_equal(pm.sweep(m, N=[1.0, 2.0], P=1e6, chunks=chunks).solution.x,
                                      want)
    with pytest.raises(pm.InputError, match="`chunks` must be an integer >= 1"):
        pm.sweep(m, N=[1.0, 2.0], P=1e6, chunks=2.0)


def test_more_dimensions_than_numpy_supports_are_refused_by_name():
    with pytest.raises(pm.InputError, match="`N` has 40 dimensions; at most 32"):
        pm.grid(pm.Model("power", c=1.0, k=2.0), {"N": np.ones((1,) * 40)}, P=1.0)
