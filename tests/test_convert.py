"""Every result converts (to_pandas, to_xarray) and plots (.plot(ax=None)).

Each conversion is checked against the result's own fields (the arrays and
dicts, never through the result's table) and, where the numbers have a closed
form, against it: for f = c x^2, x* = min(N / 2c, sqrt(P / c)) and the large-N
limit with overlap rho is x = 1 / (2 c rho). Each plot is checked through the
data it draws (line data, bar heights, error-bar extents, the vertices of the
shaded bands), and ``ax=`` is the Axes drawn on and returned.
"""

import pickle
import sys

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import powermodel as pm

SQ = pm.Model("power", c=1.0, k=2.0)
FIELDS = pm.Solution._fields


def _x_star(N, P, c=1.0):
    return np.minimum(np.asarray(N, dtype=float) / (2 * c), np.sqrt(np.asarray(P) / c))


def _ax():
    return Figure().subplots()


# ---------------------------------------------------------------------------
# Solution: its inputs, to_pandas, to_xarray, plot
# ---------------------------------------------------------------------------

def test_a_solution_keeps_its_inputs_as_given_and_read_only():
    N = np.array([10.0, 100.0, 1e4])
    s = SQ.solve(N=N, P=1e6, x_cap=[1e3])
    assert set(s.inputs) == {"N", "P", "x_cap", "overlap", "runtime_penalty", "c", "k"}
    np.testing.assert_array_equal(s.inputs["N"], N)
    assert s.inputs["x_cap"].shape == (1,) and s.inputs["P"] == 1e6 and s.inputs["c"] == 1.0
    with pytest.raises(ValueError):
        s.inputs["N"][0] = 3.0
    with pytest.raises(TypeError):
        s.inputs["N"] = N
    N[:] = 1e9          # the caller's array is copied: neither the inputs nor a field move
    np.testing.assert_array_equal(s.inputs["N"], [10.0, 100.0, 1e4])
    x = _x_star([10.0, 100.0, 1e4], 1e6)
    np.testing.assert_array_equal(s.x, x)
    np.testing.assert_allclose(s.value, (1e6 - x**2) / np.array([10.0, 100.0, 1e4]) + x,
                               rtol=1e-12)   # derived after the caller's write
    assert SQ.solve(N=10, P=1e6).inputs["N"] == 10.0
    assert dict(pm.Solution(**{f: getattr(s, f) for f in FIELDS}).inputs) == {}
    back = pickle.loads(pickle.dumps(s))
    assert back == s and set(back.inputs) == set(s.inputs)
    np.testing.assert_array_equal(back.inputs["N"], s.inputs["N"])
    assert not back.inputs["N"].flags.writeable
    # a point refused with errors="nan" keeps its input as given
    bad = SQ.solve(N=[10.0, -1.0], P=1e6, errors="nan")
    assert bad.inputs["N"].tolist() == [10.0, -1.0]


def test_solution_to_pandas_has_the_varying_inputs_then_every_field():
    pytest.importorskip("pandas")
    N, P = np.array([[10.0], [100.0]]), np.array([1e6, 100.0])
    s = SQ.solve(N=N, P=P)
    df = s.to_pandas()
    assert list(df.columns) == ["N", "P", *FIELDS] and len(df) == 4
    Nb, Pb = np.broadcast_arrays(N, P)
    np.testing.assert_array_equal(df["N"], Nb.ravel())
    np.testing.assert_array_equal(df["P"], Pb.ravel())
    np.testing.assert_array_equal(df["x"], _x_star(Nb, Pb).ravel())
    for f in FIELDS:
        np.testing.assert_array_equal(df[f].to_numpy(), np.asarray(getattr(s, f)).ravel())
    assert df.attrs == {"overlap": 0.0, "runtime_penalty": 0.0, "c": 1.0, "k": 2.0}
    one = SQ.solve(N=10, P=1e6).to_pandas()
    assert list(one.columns) == list(FIELDS) and one["x"].tolist() == [5.0]
    assert one.attrs["N"] == 10.0


def test_solution_to_xarray_names_its_axes_after_the_inputs():
    pytest.importorskip("xarray")
    N, P = np.array([[10.0], [100.0], [1e4]]), np.array([1e6, 100.0])
    s = SQ.solve(N=N, P=P)
    ds = s.to_xarray()
    assert ds["x"].dims == ("N", "P")
    np.testing.assert_array_equal(ds["N"], N.ravel())
    np.testing.assert_array_equal(ds["P"], P)
    for f in FIELDS:
        np.testing.assert_array_equal(ds[f].values, np.broadcast_to(getattr(s, f), (3, 2)))
    assert float(ds["x"].sel(N=1e4, P=1e6)) == 1e3            # the budget sqrt(P)
    assert float(ds["x"].sel(N=100.0, P=100.0)) == 10.0
    assert ds.attrs == {"overlap": 0.0, "runtime_penalty": 0.0, "c": 1.0, "k": 2.0}
    # two inputs varying together: one axis, both its coordinates
    m = pm.Model("power", k=2.0)
    pair = m.solve(N=[10.0, 100.0], c=[1.0, 5.0], P=1e6).to_xarray()
    assert pair["x"].dims == ("dim_0",)
    assert pair["N"].values.tolist() == [10.0, 100.0] and pair["c"].values.tolist() == [1.0, 5.0]
    assert pair["x"].values.tolist() == [5.0, 10.0]            # N / 2c
    scalar = SQ.solve(N=10, P=1e6).to_xarray()
    assert scalar["x"].dims == () and float(scalar["x"]) == 5.0 and scalar.attrs["N"] == 10.0
    # a cost parameter named like a field keeps both
    own = pm.Model("value*x**2").solve(N=[10.0, 20.0], P=1e6, value=[1.0, 2.0]).to_xarray()
    assert own["value_input"].values.tolist() == [1.0, 2.0]
    np.testing.assert_allclose(own["x"], [5.0, 5.0], rtol=1e-12)   # N / (2 value)


def test_solution_plot_draws_the_field_against_the_input_that_varies():
    s = SQ.solve(N=[100.0, 1.0, 10.0], P=1e6)
    ax = _ax()
    assert s.plot(ax=ax) is ax
    (line,) = ax.lines
    assert line.get_xdata().tolist() == [1.0, 10.0, 100.0]        # in increasing order
    assert line.get_ydata().tolist() == [0.5, 5.0, 50.0]          # x* = N / 2c
    assert ax.get_xscale() == "log"
    ax = s.plot(ax=_ax(), field="learned_share")
    x = np.array([0.5, 5.0, 50.0])
    N = np.array([1.0, 10.0, 100.0])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), x / ((1e6 - x**2) / N + x), rtol=1e-12)
    # a grid: a line per value of the other input, labelled with it
    g = pm.Model("power", c=1.0).solve(N=[[10.0], [100.0]], P=1e6, k=[2.0, 3.0])
    ax = g.plot(ax=_ax(), against="N", color="k")
    assert [ln.get_label() for ln in ax.lines] == ["k = 2", "k = 3"]
    assert ax.lines[0].get_ydata().tolist() == [5.0, 50.0]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.sqrt(np.array([10.0, 100.0]) / 3),
                               rtol=1e-12)                     # f' = 3x^2 = N
    assert ax.lines[1].get_color() == "k"                      # keywords reach Axes.plot
    ax = g.plot(ax=_ax(), against="k")
    assert [ln.get_label() for ln in ax.lines] == ["N = 10", "N = 100"]
    assert ax.lines[1].get_xdata().tolist() == [2.0, 3.0]
    import matplotlib.pyplot as plt

    made = s.plot()                                            # ax=None: a new figure
    try:
        assert made.lines[0].get_ydata().tolist() == [0.5, 5.0, 50.0]
    finally:
        plt.close(made.figure)


@pytest.mark.parametrize("make, kw, message", [
    (lambda: SQ.solve(N=10, P=1e6), {}, "a Solution of one point"),
    (lambda: pm.Model("power", k=2.0).solve(N=[1.0, 2.0], c=[1.0, 2.0], P=1e6), {},
     r"`against` must name the input .* \(varying: `N`, `c`\)"),
    (lambda: SQ.solve(N=[1.0, 2.0], P=1e6), {"against": "P"},
     r"`against` must name an input that varies \(`N`\), got 'P'"),
    (lambda: SQ.solve(N=np.ones((2, 2)), P=1e6), {},
     r"`N` varies along 2 \(shape \(2, 2\)\)"),
    (lambda: SQ.solve(N=[1.0, 2.0], P=1e6), {"field": "regime"}, "`field` must be one of"),
    (lambda: pm.Solution(**{f: getattr(SQ.solve(N=[1.0, 2.0], P=1e6), f) for f in FIELDS}), {},
     "does not record its inputs"),
])
def test_solution_plot_refuses_what_it_cannot_draw(make, kw, message):
    s = make()
    with pytest.raises(pm.InputError, match=message):
        s.plot(ax=_ax(), **kw)


# ---------------------------------------------------------------------------
# sweeps and grids
# ---------------------------------------------------------------------------

def test_grid_to_xarray_and_to_pandas_hold_the_axes_fixed_inputs_and_fields():
    pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    r = pm.grid(SQ, {"N": [10.0, 1e4], "P": [100.0, 1e6]})
    ds = r.to_xarray()
    assert ds["x"].dims == ("N", "P") and ds.attrs == {"c": 1.0, "k": 2.0}
    np.testing.assert_array_equal(ds["N"], [10.0, 1e4])
    np.testing.assert_array_equal(ds["x"], _x_star([[10.0], [1e4]], [100.0, 1e6]))
    for f in FIELDS:
        np.testing.assert_array_equal(ds[f].values, getattr(r.solution, f))
    df = r.to_pandas()
    assert list(df.columns) == ["N", "P", "c", "k", *FIELDS]
    np.testing.assert_array_equal(df["x"], _x_star([10.0, 10.0, 1e4, 1e4],
                                                   [100.0, 1e6, 100.0, 1e6]))
    # an input named like a field: both are kept
    v = pm.sweep(pm.Model("value*x**2"), N=[10.0, 20.0], P=1e6, value=[1.0, 2.0])
    assert list(v.to_pandas().columns[:3]) == ["N", "value_input", "P"]
    assert v.to_xarray()["x"].dims == ("N", "value_input")
    np.testing.assert_allclose(v.to_xarray()["x"], [[5.0, 2.5], [10.0, 5.0]], rtol=1e-12)


def test_sweep_plots_honour_ax():
    r = pm.sweep(SQ, N=[1.0, 10.0], P=1e6)
    ax = _ax()
    assert r.plot(ax=ax) is ax and ax.lines[0].get_ydata().tolist() == [0.5, 5.0]
    ph = pm.phase_diagram(pm.Model("linear"), ("N", [1, 100]), ("c", [10.0]), P=1e3)
    ax = _ax()
    assert ph.plot(ax=ax) is ax and len(ax.collections) == 1


# ---------------------------------------------------------------------------
# sensitivity results
# ---------------------------------------------------------------------------

def _expected(r):
    """Column -> {row key: value}, built from the result's fields."""
    if isinstance(r, pm.sensitivity.SobolResult):
        return {"first_order": r.first_order, "total_order": r.total_order,
                "first_order_low": {k: v[0] for k, v in r.first_order_interval.items()},
                "first_order_high": {k: v[1] for k, v in r.first_order_interval.items()},
                "total_order_low": {k: v[0] for k, v in r.total_order_interval.items()},
                "total_order_high": {k: v[1] for k, v in r.total_order_interval.items()}}
    if isinstance(r, pm.sensitivity.MorrisResult):
        return {"mu": r.mu, "mu_star": r.mu_star, "sigma": r.sigma,
                "mu_star_low": {k: v[0] for k, v in r.mu_star_interval.items()},
                "mu_star_high": {k: v[1] for k, v in r.mu_star_interval.items()}}
    return {"low_value": r.low_value, "high_value": r.high_value, "low_output": r.low_output,
            "high_output": r.high_output, "base_output": {k: r.base_output for k in r.names},
            "swing": {k: abs(r.high_output[k] - r.low_output[k]) for k in r.names}}


@pytest.mark.parametrize("name", ["sobol", "morris", "oat"])
def test_sensitivity_tables_hold_every_field(sensitivity_results, name):
    pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    r = sensitivity_results[name]
    want = _expected(r)
    df, ds = r.to_pandas(), r.to_xarray()
    assert sorted(df.columns) == sorted(want) and list(df.index) == list(r.names)
    assert sorted(ds.data_vars) == sorted(want) and list(ds["parameter"].values) == list(r.names)
    for col, by_name in want.items():
        for k in r.names:
            assert df.loc[k, col] == by_name[k]
            assert float(ds[col].sel(parameter=k)) == by_name[k]


def test_monte_carlo_and_elasticity_tables_hold_every_field(sensitivity_results):
    pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    mc = sensitivity_results["mc"]
    df = mc.to_pandas()
    for i, q in enumerate(mc.quantiles):
        np.testing.assert_array_equal(df[f"x_q{q:g}"], mc.bands[i])
    np.testing.assert_array_equal(df["p_dominant"], mc.p_dominant)
    ds = mc.to_xarray()
    np.testing.assert_array_equal(ds["bands"].sel(quantile=0.05), mc.bands[0])
    np.testing.assert_array_equal(ds["N"], mc.N)
    loc = sensitivity_results["local"]
    d, x = loc.to_pandas(), loc.to_xarray()
    for o, by in loc.elasticities.items():
        for p, e in by.items():
            assert d.loc[(o, p), "elasticity"] == e
            assert float(x["elasticity"].sel(output=o, parameter=p)) == e


def _bars_and_extents(ax):
    """Per bar container: (heights, (low ends, high ends) of its error bars)."""
    out = []
    for c in (c for c in ax.containers if isinstance(c, BarContainer)):
        segs = c.errorbar.lines[2][0].get_segments()
        out.append(([p.get_height() for p in c.patches],
                    ([s[0][1] for s in segs], [s[1][1] for s in segs])))
    return out


def test_sobol_plot_bars_and_intervals(sensitivity_results):
    r = sensitivity_results["sobol"]
    ax = _ax()
    assert r.plot(ax=ax) is ax
    (first, first_ext), (total, total_ext) = _bars_and_extents(ax)
    assert first == [r.first_order[k] for k in r.names]
    assert total == [r.total_order[k] for k in r.names]
    for est, iv, (lo, hi) in ((r.first_order, r.first_order_interval, first_ext),
                              (r.total_order, r.total_order_interval, total_ext)):
        # an interval that leaves out its estimate is drawn from the estimate
        np.testing.assert_allclose(lo, [min(iv[k][0], est[k]) for k in r.names], rtol=1e-12)
        np.testing.assert_allclose(hi, [max(iv[k][1], est[k]) for k in r.names], rtol=1e-12)


def test_morris_plots_bars_and_the_mu_star_sigma_plane(sensitivity_results):
    r = sensitivity_results["morris"]
    ax = _ax()
    assert r.plot(ax=ax) is ax
    ((heights, (lo, hi)),) = _bars_and_extents(ax)
    assert heights == [r.mu_star[k] for k in r.names]
    np.testing.assert_allclose(lo, [min(r.mu_star_interval[k][0], r.mu_star[k])
                                    for k in r.names], rtol=1e-12)
    np.testing.assert_allclose(hi, [max(r.mu_star_interval[k][1], r.mu_star[k])
                                    for k in r.names], rtol=1e-12)
    ax = _ax()
    assert r.plot(ax=ax, kind="plane") is ax
    (points,) = ax.containers
    data, _, (bars,) = points.lines
    assert data.get_xdata().tolist() == [r.mu_star[k] for k in r.names]
    assert data.get_ydata().tolist() == [r.sigma[k] for k in r.names]
    segs = bars.get_segments()   # horizontal: the interval of mu* at the height sigma
    for k, s in zip(r.names, segs):
        (x0, y0), (x1, y1) = s
        assert y0 == y1 == r.sigma[k]
        assert x0 == pytest.approx(min(r.mu_star_interval[k][0], r.mu_star[k]), rel=1e-12)
        assert x1 == pytest.approx(max(r.mu_star_interval[k][1], r.mu_star[k]), rel=1e-12)
    assert [t.get_text() for t in ax.texts] == list(r.names)
    (diag,) = [ln for ln in ax.lines if ln.get_gid() == "diagonal"]
    assert list(diag.get_xdata()) == list(diag.get_ydata())
    with pytest.raises(pm.InputError, match="`kind` must be one of 'bars', 'plane'"):
        r.plot(ax=_ax(), kind="pie")


def test_monte_carlo_bands_are_filled_between_the_quantiles(sensitivity_results):
    mc = sensitivity_results["mc"]
    ax = _ax()
    assert mc.plot(ax=ax) is ax
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(polys) == 2          # (5 %, 95 %) then (25 %, 75 %)
    for poly, (i, j) in zip(polys, [(0, 4), (1, 3)]):
        v = poly.get_paths()[0].vertices
        want = {(n, b) for n, b in zip(mc.N, mc.bands[i])} | \
            {(n, b) for n, b in zip(mc.N, mc.bands[j])}
        assert {(float(a), float(b)) for a, b in v} == want
    med = [ln for ln in ax.lines if ln.get_gid() == "median"][0]
    assert med.get_ydata().tolist() == mc.bands[2].tolist()
    ax = _ax()
    assert mc.plot(ax=ax, kind="probability") is ax
    assert ax.lines[0].get_ydata().tolist() == mc.p_mesa.tolist()
    assert ax.lines[1].get_ydata().tolist() == mc.p_dominant.tolist()


def test_tornado_plot_honours_ax(sensitivity_results):
    r = sensitivity_results["oat"]
    ax = _ax()
    assert r.plot(ax=ax) is ax
    ends = [p.get_x() + p.get_width() for p in ax.patches]
    assert ends == [r.low_output[k] for k in r.names] + [r.high_output[k] for k in r.names]


# ---------------------------------------------------------------------------
# nested levels, the large-N limit, a paper figure
# ---------------------------------------------------------------------------

def test_nested_results_convert_with_scalar_and_array_levels():
    pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    r = pm.nested([(SQ, 1000), {"model": SQ, "N": 10, "x_cap": 3.0}], P=1e4)
    df = r.to_pandas()                   # by hand: x = 100 (the budget), then 3 (the cap)
    assert df.index.tolist() == [1, 2] and df["x"].tolist() == [100.0, 3.0]
    ds = r.to_xarray()
    assert ds["x"].dims == ("level",) and ds["level"].values.tolist() == [1, 2]
    assert ds["budget"].values.tolist() == [1e4, 100.0]
    assert ds["regime"].values.tolist() == ["budget", "cap"]
    N = np.array([10.0, 100.0, 1e4])
    a = pm.nested([(SQ, N), (SQ, 10.0)], P=1e4)
    x1 = _x_star(N, 1e4)                 # 5, 50, 100
    x2 = _x_star(10.0, x1)               # the first level's x* is the second's budget
    df = a.to_pandas()
    assert df.index.names == ["level", "point"] and len(df) == 6
    np.testing.assert_array_equal(df.loc[1, "x"], x1)
    np.testing.assert_allclose(df.loc[2, "x"], x2, rtol=1e-12)
    np.testing.assert_array_equal(df.loc[2, "budget"], x1)
    np.testing.assert_array_equal(df.loc[2, "N"], [10.0] * 3)
    ds = a.to_xarray()
    assert ds["x"].dims == ("level", "dim_0")
    for i, s in enumerate(a.levels):
        for f in FIELDS:
            np.testing.assert_array_equal(ds[f].values[i], getattr(s, f))


def test_large_N_limit_converts():
    pytest.importorskip("xarray")
    rho = np.array([0.1, 0.5, 0.01])
    lim = pm.large_N_limit(SQ, P=1e6, overlap=rho)
    ds = lim.to_xarray()
    np.testing.assert_allclose(ds["x"], 1 / (2 * rho), rtol=1e-12)   # f'(x) = 2x = 1/rho
    for f in lim._fields:
        np.testing.assert_array_equal(ds[f].values, getattr(lim, f))
    one = pm.large_N_limit(SQ, P=1e6, overlap=0.1).to_xarray()
    assert one["x"].dims == () and float(one["x"]) == 5.0


def test_a_figure_result_converts_its_data():
    pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    r = pm.FIGURES["tornado"]()
    df, ds = r.to_pandas(), r.to_xarray()
    assert list(df.columns) == ["panel", "series", "x", "y"]
    for k, v in r.data.items():
        np.testing.assert_array_equal(df[k].to_numpy(), v)
        np.testing.assert_array_equal(ds[k].values, v)
    assert df.attrs == r.numbers == ds.attrs


def test_every_conversion_names_its_missing_extra(monkeypatch):
    s = SQ.solve(N=[1.0, 2.0], P=1e6)
    nested = pm.nested([(SQ, [10.0, 20.0])], P=1e4)
    lim = pm.large_N_limit(SQ, P=1e6, overlap=0.1)
    fig = pm.FIGURES["tornado"]()
    monkeypatch.setitem(sys.modules, "xarray", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    for r in (s, nested, lim, fig):
        with pytest.raises(ImportError, match=r"pip install powermodel\[xarray\]"):
            r.to_xarray()
        with pytest.raises(ImportError, match=r"pip install powermodel\[pandas\]"):
            r.to_pandas()
