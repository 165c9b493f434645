"""Plotting functions, checked through the data they draw (never pixels).

Independent answers: for f = c x^2 the optimum is x* = N/(2c) until the
budget sqrt(P/c) binds, g* - g(0) = N/(4c) in the interior, the learned share
is 1/2 at N = sqrt(4cP/3) and the compute multiplier is 1 + N^2/(4cP); a
linear cost c x switches from 0 to the budget at N = c; the fixed-overhead
cost F(1 - e^-x) + x^2 jumps at N = 2 sqrt(F) (the exponential term is
negligible there).
"""

import types

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.figure import Figure

import powermodel as pm
from powermodel import plotting as pl

P = 1e6
SQ = pm.Model("power", c=1.0, k=2.0)


@pytest.fixture
def ax():
    return Figure().subplots()


def _lines(ax, gid=None):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def test_style_restores_rcparams_and_import_changes_nothing():
    import importlib

    before = dict(matplotlib.rcParams)
    importlib.reload(pl)
    assert dict(matplotlib.rcParams) == before
    with pl.style(**{"font.size": 11}):
        assert matplotlib.rcParams["font.size"] == 11
        assert matplotlib.rcParams["figure.figsize"] == [3.4, 2.5]
    assert dict(matplotlib.rcParams) == before


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                 "#000000"}
    assert set(pl.PALETTE) == okabe_ito


def test_ax_none_makes_a_new_figure():
    import matplotlib.pyplot as plt

    a = pl.optimum_vs_N(SQ, N=[1.0, 10.0, 100.0], P=P, mark=False)
    try:
        assert a.figure is not None and len(a.lines) == 1
    finally:
        plt.close(a.figure)


def test_landscape_marks_the_optimum(ax):
    Ns = (20.0, 100.0, 4000.0)          # the last one is budget-bound: x* = sqrt(P) = 1000
    x = np.linspace(0, 1200, 601)
    out = pl.landscape(SQ, N=Ns, P=P, x=x, ax=ax)
    assert out is ax
    curves, marks = _lines(ax, None), _lines(ax, "optimum")
    assert len(curves) == len(marks) == 3
    for n, c, m in zip(Ns, curves, marks):
        xs = min(n / 2, 1000.0)
        assert m.get_xdata()[0] == pytest.approx(xs)
        assert m.get_ydata()[0] == pytest.approx(xs - xs ** 2 / n)   # g(x*) - g(0)
        y = np.asarray(c.get_ydata(), dtype=float)
        assert np.allclose(y[x <= 1000], (x - x ** 2 / n)[x <= 1000])
        assert np.all(np.isnan(y[x > 1000]))      # infeasible: f(x) > P
        assert np.nanmax(y) <= m.get_ydata()[0] + 1e-9   # the marked point is the maximum
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["N = 20", "N = 100",
                                                                 "N = 4000"]
    assert "bits" in ax.get_xlabel() and "bits" in ax.get_ylabel()


def test_landscape_with_parameter_override(ax):
    x = np.linspace(0, 10, 101)
    pl.landscape(SQ, N=(30.0,), P=P, x=x, k=3.0, ax=ax)          # f = x^3: x* = sqrt(N/3)
    (curve,), (mark,) = _lines(ax, None), _lines(ax, "optimum")
    assert np.allclose(curve.get_ydata(), x - x ** 3 / 30)
    assert mark.get_xdata()[0] == pytest.approx(np.sqrt(10.0))


def test_optimum_vs_N_values_and_boundaries(ax):
    N = np.logspace(0, 5, 51)
    models = {"sq": SQ, "lin": pm.Model("linear", c=50.0),
              "ovh": pm.Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0)}
    pl.optimum_vs_N(models, N=N, P=P, ax=ax)
    main = [ln for ln in ax.lines if ln.get_gid() is None]
    assert [ln.get_label() for ln in main] == ["sq", "lin", "ovh"]
    assert np.allclose(main[0].get_ydata(), np.minimum(N / 2, 1000.0))
    lin = np.asarray(main[1].get_ydata(), dtype=float)
    assert np.all(np.isnan(lin[N < 50])) and np.allclose(lin[N > 50], P / 50)
    bounds = sorted(ln.get_xdata()[0] for ln in _lines(ax, "boundary"))
    expected = sorted([2000.0, 50.0, 2 * np.sqrt(1000.0), 2 * np.sqrt(1e6 - 1000.0)])
    assert np.allclose(bounds, expected, rtol=1e-4)
    jumps = _lines(ax, "jump")                   # only the overhead cost jumps between x* > 0
    assert len(jumps) == 0                       # ... it jumps from 0: not drawable on log y
    assert ax.get_xscale() == ax.get_yscale() == "log"


def test_transitions_and_crossing_against_closed_forms():
    t = pl.transitions(pm.Model("overhead", F=400.0, s=1.0, c=1.0, k=2.0), [10, 100], P=P)
    assert len(t) == 1 and (t[0]["from"], t[0]["to"]) == ("none", "interior")
    assert t[0]["N"] == pytest.approx(40.0, rel=1e-7)   # 2 sqrt(F), up to F e^(-20) terms
    assert t[0]["x_below"] == 0 and t[0]["x_above"] == pytest.approx(20.0, rel=1e-6)
    assert pl.crossing(SQ, [1, 1e5], "learned_share", 0.5, P=P) == pytest.approx(
        np.sqrt(4 * P / 3), rel=1e-12)
    assert np.isnan(pl.crossing(SQ, [1, 10], "learned_share", 0.5, P=P))
    with pytest.raises(pm.InputError, match="`N`"):
        pl.transitions(SQ, [10, 1], P=P)


def test_decomposition_lines_and_dominance(ax):
    N = np.logspace(0, 3.2, 33)                # below the budget (N = 2000)
    pl.decomposition(SQ, N=N, P=P, ax=ax)
    base, learned, total = _lines(ax, None)
    assert np.allclose(base.get_ydata(), P / N - N / 4)
    assert np.allclose(learned.get_ydata(), N / 2)
    assert np.allclose(total.get_ydata(), P / N + N / 4)
    (dom,) = _lines(ax, "dominance")
    assert dom.get_xdata()[0] == pytest.approx(np.sqrt(4 * P / 3), rel=1e-9)


def test_learned_share_and_multiplier(ax):
    N = np.logspace(0, 3.2, 33)
    pl.learned_share({"a": SQ, "b": (SQ, {"runtime_penalty": 0.5})}, N=N, P=P, ax=ax)
    a, b = _lines(ax, None)
    g = P / N + N / 4
    assert np.allclose(a.get_ydata(), (N / 2) / g)
    assert _lines(ax, "half")[0].get_ydata()[0] == 0.5
    assert len(_lines(ax, "dominance")) == 1           # lam = 0.5 crosses 1/2 only at N = 2309
    # the share counts the learned contribution (1 - lambda) x*, and the label says so
    sb = 0.5 * (0.5 * N / 2) / (P / N + 0.5 * (0.5 * N / 2) - (0.5 * N / 2) ** 2 / N)
    assert np.allclose(b.get_ydata(), sb)
    assert ax.get_ylabel() == "learned share (1−λ)x*/g*"
    assert a.get_linestyle() != b.get_linestyle()      # overlapping curves stay visible
    ax3 = Figure().subplots()
    pl.learned_share(SQ, N=N, P=P, ax=ax3)
    assert ax3.get_ylabel().startswith("learned share x*/g*")
    ax2 = Figure().subplots()
    pl.compute_multiplier(SQ, N=N, P=P, ax=ax2)
    assert np.allclose(_lines(ax2, None)[0].get_ydata(), 1 + N ** 2 / (4 * P))
    assert _lines(ax2, "unity")[0].get_ydata()[0] == 1.0
    assert ax2.get_ylabel() == "compute multiplier M = P′/P"


def test_phase_diagram_regimes(ax):
    Ns, Ps = np.logspace(0, 4, 41), np.logspace(2, 7, 31)
    r = pm.phase_diagram(pm.Model("quadratic", c=1.0, b=10.0), ("N", Ns), ("P", Ps), x_cap=300.0)
    pl.phase_diagram(r, ax=ax)
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    codes = np.asarray(mesh.get_array()).reshape(Ps.size, Ns.size)   # rows follow P
    names = np.array(pm.result.REGIMES)[codes.astype(int)]
    NN, PP = np.meshgrid(Ns, Ps)
    xb = (-10 + np.sqrt(100 + 4 * PP)) / 2
    xi = (NN - 10) / 2
    expected = np.where(NN <= 10, "none", np.where(xi < np.minimum(xb, 300), "interior",
                                                   np.where(xb <= 300, "budget", "cap")))
    assert (names == expected).mean() > 0.99       # boundary cells may differ by rounding
    assert (names[NN < 9] == "none").all() and (names[(NN > 700) & (PP > 2e5)] == "cap").all()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["none", "interior", "budget", "cap"]
    bad = types.SimpleNamespace(axes={"N": Ns}, solution=r.solution)
    with pytest.raises(pm.InputError, match="two parameters"):
        pl.phase_diagram(bad, ax=ax)


def _sobol_like():
    return types.SimpleNamespace(
        names=("a", "overlap"), first_order={"a": 0.6, "overlap": 0.1},
        total_order={"a": 0.8, "overlap": 0.3},
        first_order_interval={"a": (0.5, 0.7), "overlap": (0.0, 0.25)},
        total_order_interval={"a": (0.7, 0.85), "overlap": (0.2, 0.5)}, confidence_level=0.95)


def test_sobol_bars(ax):
    pl.sobol_bars(_sobol_like(), ax=ax)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [0.6, 0.1, 0.8, 0.3]
    from matplotlib.collections import LineCollection

    segs = [seg for c in ax.collections if isinstance(c, LineCollection)
            for seg in c.get_segments()]
    got = sorted((round(min(sg[0][1], sg[1][1]), 12), round(max(sg[0][1], sg[1][1]), 12))
                 for sg in segs)
    assert got == sorted([(0.5, 0.7), (0.0, 0.25), (0.7, 0.85), (0.2, 0.5)])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "ρ"]


def test_morris_and_tornado(ax):
    res = types.SimpleNamespace(names=("a", "b"), mu_star={"a": 2.0, "b": 0.5},
                                sigma={"a": 1.0, "b": 0.1},
                                mu_star_interval={"a": (1.5, 2.5), "b": (0.4, 0.6)})
    pl.morris_bars(res, ax=ax)
    assert [p.get_height() for p in ax.patches] == [2.0, 0.5]
    assert list(_lines(ax, "sigma")[0].get_ydata()) == [1.0, 0.1]
    ax2 = Figure().subplots()
    oat = types.SimpleNamespace(names=("big", "small"), base_output=1.0,
                                low_output={"big": 0.2, "small": 0.9},
                                high_output={"big": 3.0, "small": 1.2})
    pl.tornado(oat, ax=ax2)
    lows, highs = ax2.patches[:2], ax2.patches[2:]
    assert np.allclose([(p.get_x(), p.get_x() + p.get_width()) for p in lows],
                       [(1.0, 0.2), (1.0, 0.9)])
    assert np.allclose([(p.get_x(), p.get_x() + p.get_width()) for p in highs],
                       [(1.0, 3.0), (1.0, 1.2)])
    assert lows[0].get_y() > lows[1].get_y()            # most influential on top
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["big", "small"]


def test_monte_carlo_plots(ax):
    N = np.array([1.0, 10.0, 100.0])
    bands = np.array([[0, 1, 2], [0, 2, 4], [1, 3, 6], [2, 4, 8], [3, 5, 10]], dtype=float)
    res = types.SimpleNamespace(N=N, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95), bands=bands,
                                p_mesa=np.array([0.1, 0.5, 0.9]),
                                p_dominant=np.array([0.0, 0.2, 0.6]))
    pl.quantile_bands(res, ax=ax)
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(polys) == 2
    outer = polys[0].get_paths()[0].vertices
    assert set(np.round(outer[:, 1], 9)) >= {0, 1, 2, 3, 5, 10}
    assert list(_lines(ax, "median")[0].get_ydata()) == [1, 3, 6]
    ax2 = Figure().subplots()
    pl.mesa_probability(res, label="run", ax=ax2)
    a, b = ax2.lines
    assert list(a.get_ydata()) == [0.1, 0.5, 0.9] and list(b.get_ydata()) == [0.0, 0.2, 0.6]
    assert a.get_label().startswith("run: ")


def test_bad_models_argument(ax):
    with pytest.raises(pm.InputError, match="`models`"):
        pl.optimum_vs_N(42, P=P, ax=ax)


# ---------------------------------------------------------------------------
# Odd arguments: an InputError naming the argument, never a raw exception
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("plot, result, match", [
    (pl.tornado, None, "`result` must be an OATResult .* got NoneType without `names`"),
    (pl.sobol_bars, {"names": ["c"]}, "`result` must be a SobolResult .* got dict"),
    (pl.morris_bars, "x", "`result` must be a MorrisResult"),
    (pl.quantile_bands, 3, "`result` must be a MonteCarloResult .* without `N`"),
    (pl.mesa_probability, [], "`result` must be a MonteCarloResult"),
    (pl.phase_diagram, None, "`result` must be a SweepResult .* without `axes`"),
])
def test_result_plots_refuse_other_objects(ax, plot, result, match):
    with pytest.raises(pm.InputError, match=match):
        plot(result, ax=ax)


def test_result_plots_keep_duck_typing(ax):
    r = types.SimpleNamespace(names=("c",), base_output=1.0, low_output={"c": 0.5},
                              high_output={"c": 2.0})
    assert pl.tornado(r, ax=ax) is ax


@pytest.mark.parametrize("call, match", [
    (lambda ax: pl.landscape(SQ, N=("a",), P=P, ax=ax), "`N` must be real numbers"),
    (lambda ax: pl.landscape(SQ, N=(), P=P, ax=ax), "`N` is empty"),
    (lambda ax: pl.landscape(SQ, P=P, x=["a"], ax=ax), "`x` must be real numbers"),
    (lambda ax: pl.landscape("power", P=P, ax=ax), "`model` must be a powermodel.Model"),
    (lambda ax: pl.landscape(SQ, P=P, ax=3), "`ax` must be a matplotlib Axes or None, got int"),
    (lambda ax: pl.optimum_vs_N(SQ, N=["a", "b"], P=P, ax=ax), "`N` must be real numbers"),
    (lambda ax: pl.optimum_vs_N(["power"], P=P, ax=ax), r"`models\[0\]` must be a powermodel"),
    (lambda ax: pl.optimum_vs_N({"a": (SQ,)}, P=P, ax=ax),
     r"`models\['a'\]` must be a Model or a \(Model, dict of solve arguments\) pair"),
    (lambda ax: pl.compute_multiplier(SQ, N=np.array([1, "a"], dtype=object), P=P, ax=ax),
     "`N` must be real numbers, got 'a'"),
    (lambda ax: pl.crossing(SQ, [1.0, 1e5], "nope", 0.5, P=P), "`field` must be a numeric"),
    (lambda ax: pl.crossing(SQ, [1.0, 1e5], "regime", 0.5, P=P), "`field` must be a numeric"),
    (lambda ax: pl.crossing(SQ, [1.0, 1e5], "x", float("nan"), P=P), "`level` must be a number"),
    (lambda ax: pl.crossing(SQ, [1.0, 1e5], "x", "a", P=P), "`level` must be a real number"),
    (lambda ax: pl.transitions(SQ, [1.0, 1e5], P=P, iterations=2.5),
     "`iterations` must be an integer >= 0, got 2.5"),
    (lambda ax: pl.transitions(SQ, ["a", "b"], P=P), "`N` must be real numbers"),
])
def test_odd_plot_arguments_are_input_errors(ax, call, match):
    with pytest.raises(pm.InputError, match=match):
        call(ax)


def test_bisection_stops_when_converged():
    # 10**7 iterations ran for minutes; the bracket stops shrinking after about 60
    import time

    m = pm.Model("linear", c=50.0)
    t0 = time.perf_counter()
    t = pl.transitions(m, [1, 10, 100, 1000], P=1e4, iterations=10**7)
    c = pl.crossing(SQ, [1, 1e5], "learned_share", 0.5, P=P, iterations=10**7)
    assert time.perf_counter() - t0 < 20
    assert t == pl.transitions(m, [1, 10, 100, 1000], P=1e4)
    assert c == pl.crossing(SQ, [1, 1e5], "learned_share", 0.5, P=P)


@pytest.mark.parametrize("overrides, match", [
    ({"nonsense": 1}, "unknown style override `nonsense` \\(not a matplotlib rcParam\\)"),
    ({"font.sise": 9}, "did you mean `font.size`"),
    ({"font.size": "big"}, "bad style override: Key font.size"),
])
def test_bad_style_overrides_are_input_errors(overrides, match):
    before = dict(matplotlib.rcParams)
    with pytest.raises(pm.InputError, match=match):
        with pl.style(**overrides):
            pass
    assert dict(matplotlib.rcParams) == before


def test_labels_are_length_checked():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match=r"`label` must be at most 200 characters, got 100,000"):
        pl.optimum_vs_N({"x" * 100_000: m}, P=1e6)
    long = pm.Model("x**2" + " + x" * 100)                   # a label made from a long cost
    ax = pl.optimum_vs_N(long, P=1e6, mark=False)
    assert len(ax.lines[0].get_label()) == pl.MAX_LABEL


# ---------------------------------------------------------------------------
# plots beyond the base case (plotting/relaxations.py)
# ---------------------------------------------------------------------------

F_JUMP = 1000.0
JUMP = pm.Model("overhead", F=F_JUMP, s=1.0, c=1.0, k=2.0)


def test_optimum_jump_marks_the_jump_at_two_sqrt_F(ax):
    N = np.geomspace(10, 1000, 60)
    pl.optimum_jump(JUMP, N=N, P=P, ax=ax)
    x = ax.lines[0].get_ydata()
    # below 2 sqrt(F) nothing is worth the overhead; above it x* = N/2 (e^-x is negligible)
    nj = 2 * np.sqrt(F_JUMP)
    assert np.all(x[N < 0.99 * nj] == 0)
    assert np.allclose(x[N > 1.01 * nj], N[N > 1.01 * nj] / 2, rtol=1e-9)
    (b,) = _lines(ax, "boundary")
    assert b.get_xdata()[0] == pytest.approx(nj, rel=1e-9)
    (note,) = ax.texts
    assert note.get_text() == f"jump at N ≈ {b.get_xdata()[0]:.4g}"
    convex = Figure().subplots()
    pl.optimum_jump(SQ, N=N, P=P, ax=convex)          # x* = N/2 is continuous: nothing marked
    assert _lines(convex, "boundary") == [] and len(convex.texts) == 0


def test_jump_landscapes_two_equal_maxima_at_the_threshold(ax):
    pl.jump_landscapes(JUMP, N=np.geomspace(10, 1000, 60), P=P, points=201, ax=ax)
    nj = 2 * np.sqrt(F_JUMP)
    curves = [ln for ln in ax.lines if ln.get_gid() not in ("optimum", "twin_maxima")]
    assert [ln.get_label() for ln in curves] == [f"N = {n:.4g}" for n in (0.85 * nj, nj, 1.2 * nj)]
    for n, ln in zip((0.85 * nj, nj, 1.2 * nj), curves):
        x, y = ln.get_xdata(), ln.get_ydata()
        assert x.size == 201 and x[0] == 0
        # g(x) - g(0) = x - f(x)/N by hand (f(0) = 0)
        assert np.allclose(y, x - (F_JUMP * (1 - np.exp(-x)) + x ** 2) / n, rtol=1e-9, atol=1e-9)
    (twin,) = _lines(ax, "twin_maxima")
    assert twin.get_xdata()[0] == 0 and twin.get_xdata()[1] == pytest.approx(nj / 2, rel=1e-6)
    assert np.allclose(twin.get_ydata(), 0, atol=1e-6)
    empty = Figure().subplots()
    assert len(pl.jump_landscapes(SQ, N=[10, 100], P=P, ax=empty).lines) == 0


def test_dominance_regions_marks_share_above_one_half(ax):
    rho, Ps = np.geomspace(1e-4, 0.1, 7), np.geomspace(1e3, 1e8, 5)
    R, PP = np.meshgrid(rho, Ps, indexing="ij")
    share = SQ.solve(N=1 / R, P=PP).learned_share
    rho_c = np.sqrt(3 / (4 * Ps))                      # closed form for f = x^2
    pl.dominance_regions(rho, Ps, share, rho_c=rho_c, marks=[(1e-3, 1e6)], ax=ax)
    mesh = ax.collections[0]
    assert isinstance(mesh, QuadMesh)
    # as N -> inf with overlap rho: x* = 1/(2 rho) (interior), g* = (P - x*^2) rho + x*
    xs = 1 / (2 * R)
    expect = xs / ((PP - xs ** 2) * R + xs) > 0.5
    assert np.array_equal(np.asarray(mesh.get_array()).reshape(Ps.size, rho.size), expect.T)
    # and the closed form rho_c separates them: dominance iff rho < rho_c(P)
    assert np.array_equal(expect, R < np.sqrt(3 / (4 * PP)))
    (line,) = _lines(ax, "rho_c")
    assert np.array_equal(line.get_xdata(), rho_c) and np.array_equal(line.get_ydata(), Ps)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "ρ_c(P)"
    with pytest.raises(pm.InputError, match="`share` must have shape"):
        pl.dominance_regions(rho, Ps, share.T, ax=Figure().subplots())


def test_nested_levels_and_their_inner_boundary(ax):
    N = np.geomspace(2, 1e4, 50)
    pl.nested_levels(SQ, SQ, N=N, N_inner=10.0, P=P, ax=ax)
    outer, inner = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
    # f = x^2 at both levels: x*_1 = min(N/2, sqrt(P)); the inner level (10 instances,
    # budget x*_1) buys min(10/2, sqrt(x*_1)): its budget binds until N/2 = 25
    x1 = np.minimum(N / 2, np.sqrt(P))
    assert np.allclose(outer, x1, rtol=1e-12)
    assert np.allclose(inner, np.minimum(5.0, np.sqrt(x1)), rtol=1e-9)
    (b,) = _lines(ax, "boundary")
    assert b.get_xdata()[0] == pytest.approx(50.0, rel=1e-9)


def test_novel_ratio_by_hand(ax):
    N = np.geomspace(1, 1e5, 30)
    pl.novel_ratio({"ρ = 0": (SQ, {"overlap": 0.0}), "ρ = 0.01": (SQ, {"overlap": 0.01})},
                   N=N, P=P, ax=ax)
    assert [ln.get_label() for ln in ax.lines] == ["ρ = 0", "ρ = 0.01"]
    for rho, ln in zip((0.0, 0.01), ax.lines):
        n_eff = N / (1 + rho * (N - 1))
        x = np.minimum(n_eff / 2, np.sqrt(P))          # interior N_eff/2 until the budget
        g = (P - x ** 2) * (1 + rho * (N - 1)) / N + x
        assert np.allclose(ln.get_ydata(), (x + rho * (P - x ** 2)) / g, rtol=1e-9)


def test_result_plot_methods_draw_the_result():
    dists = {"N": ("loguniform", 10, 1000), "c": ("uniform", 1, 2)}
    sq = pm.Model("power", k=2.0)
    s = pm.sobol(sq, dists, n=2**6, seed=1, P=1e12)
    ax = s.plot(ax=Figure().subplots())
    assert [p.get_height() for p in ax.patches] == \
        [s.first_order[k] for k in s.names] + [s.total_order[k] for k in s.names]
    m = pm.morris(sq, dists, trajectories=5, n_resamples=0, seed=1, P=1e12)
    ax = m.plot(ax=Figure().subplots())
    assert [p.get_height() for p in ax.patches] == [m.mu_star[k] for k in m.names]
    assert list(_lines(ax, "sigma")[0].get_ydata()) == [m.sigma[k] for k in m.names]
    o = pm.one_at_a_time(sq, {"c": (0.5, 2.0)}, N=100, c=1.0, P=1e6)  # x* = N / 2c
    ax = o.plot(ax=Figure().subplots())
    assert [p.get_x() + p.get_width() for p in ax.patches] == [100.0, 25.0]
    mc = pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", 1, 101)}, N=[26, 51], P=1e3,
                        n=32, seed=1)
    ax = mc.plot(ax=Figure().subplots())
    assert list(_lines(ax, "median")[0].get_ydata()) == list(mc.bands[2])
    ax = mc.plot(ax=Figure().subplots(), kind="probability", label="lin")
    assert list(ax.lines[0].get_ydata()) == list(mc.p_mesa)
    assert ax.lines[0].get_label() == "lin: P(x* > 0)"
    with pytest.raises(pm.InputError, match="`kind`"):
        mc.plot(ax=Figure().subplots(), kind="pie")


def test_sweep_plot_draws_the_field_or_the_regimes():
    r = pm.sweep(SQ, N=[1.0, 10.0, 100.0], P=P)
    ax = r.plot(ax=Figure().subplots())
    assert ax.lines[0].get_ydata().tolist() == [0.5, 5.0, 50.0]         # x* = N / 2c
    ax = r.plot(ax=Figure().subplots(), field="learned_share")
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), r.solution.learned_share)
    ph = pm.phase_diagram(pm.Model("linear"), ("N", [1, 100]), ("c", [10.0]), P=1e3)
    ax = ph.plot(ax=Figure().subplots())
    codes = ax.collections[0].get_array()
    assert [pm.result.REGIMES[int(c)] for c in np.ravel(codes)] == ["none", "budget"]
    with pytest.raises(pm.InputError, match="`field`"):
        r.plot(ax=Figure().subplots(), field="nope")
