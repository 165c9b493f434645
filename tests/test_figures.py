"""The paper's figures, their data, the macro file, ``reproduce`` and the paper build.

Each figure is checked through its data against an independent answer (closed
forms of the model, hand-derived thresholds); the committed CSVs in figures/
and the macros of paper/generated/values.tex are compared with freshly
regenerated ones so the committed outputs cannot go stale. One full
``reproduce`` runs per session (a module fixture); figure-level tests use
reduced resolutions.
"""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import powermodel as pm
from powermodel import figures as F
from powermodel.figures import registry
from powermodel.cli import main

REPO = Path(__file__).resolve().parent.parent
P = 1e6
RANDOM_FIGURES = ("sobol", "morris", "monte_carlo")
#: Compared file by file between a serial and the parallel reproduce.
SERIAL_CHECK = (*RANDOM_FIGURES, "overlap", "overlap_phase", "phase")


def _series(r, panel, series):
    d = r.data
    sel = (d["panel"] == panel) & (d["series"] == series)
    return d["x"][sel], d["y"][sel]


# ---------------------------------------------------------------------------
# figure data against independent answers
# ---------------------------------------------------------------------------

def test_registry_and_ax_free_results():
    assert set(pm.FIGURES) >= {"landscape", "optimum", "decomposition", "phase", "multiplier",
                               "jumps", "overlap", "speed_prior", "cost_depends_on_N",
                               "nested_novel", "sobol", "morris", "tornado", "monte_carlo",
                               "overlap_phase"}
    assert pm.reproduce is F.reproduce and pm.FIGURES is F.FIGURES
    r = pm.FIGURES["landscape"](resolution=50)
    assert r.files == () and r.figure.axes
    with pytest.raises(AttributeError):
        r.name = "x"


def test_landscape_optima():
    r = pm.FIGURES["landscape"](resolution=50)
    for n, key in zip((25, 50, 100, 400), "ABCD"):
        x, y = _series(r, "optimum", f"N={n}")
        xs = min(n / 2, 100.0)                       # P = 1e4: budget sqrt(P) = 100
        assert x[0] == pytest.approx(xs) and y[0] == pytest.approx(xs - xs ** 2 / n)
        assert r.numbers[f"landscapeXStar{key}"] == pytest.approx(xs)


def test_optimum_thresholds():
    r = pm.FIGURES["optimum"](resolution=60)
    n = r.numbers
    assert n["optimumBoundaryPowerTwoA"] == pytest.approx(2 * np.sqrt(P), rel=1e-9)
    assert n["optimumBoundaryPowerThreeA"] == pytest.approx(3 * P ** (2 / 3), rel=1e-9)
    assert n["optimumBoundaryExponentialA"] == pytest.approx(0.05 * (P + 1), rel=1e-9)
    assert n["optimumBoundaryLinearA"] == pytest.approx(50.0, rel=1e-9)
    assert n["optimumBoundaryOverheadA"] == pytest.approx(2 * np.sqrt(1000), rel=1e-9)
    assert n["optimumXPowerThreeAtHundred"] == pytest.approx(np.sqrt(100 / 3))
    assert n["optimumXExponentialAtTen"] == pytest.approx(np.log(10 / 0.05) / 0.05)
    x, y = _series(r, "x_star", "x² (power, k=2)")
    assert np.allclose(y, np.minimum(x / 2, 1000.0))
    # x* never falls with N for these N-independent costs (Topkis)
    for label in F.OPTIMUM_MODELS:
        assert np.all(np.diff(_series(r, "x_star", label)[1]) >= 0)


def test_decomposition_dominance_and_multiplier():
    r = pm.FIGURES["decomposition"](resolution=40)
    assert r.numbers["dominanceN"] == pytest.approx(np.sqrt(4 * P / 3), rel=1e-10)
    x, base = _series(r, "decomposition", "base")
    inside = x < 2000
    assert np.allclose(base[inside], (P - (x / 2) ** 2)[inside] / x[inside])
    m = pm.FIGURES["multiplier"](resolution=40).numbers
    assert m["multiplierAtThousand"] == pytest.approx(1 + 1e6 / (4 * P))
    assert m["multiplierAtMillion"] == pytest.approx(1e6 * 1000 / P)   # budget: g* = sqrt(P)
    for key in "AB":
        rho = m[f"multiplierOverlap{key}Rho"]
        assert m[f"multiplierOverlap{key}Limit"] == pytest.approx(1 + 1 / (4 * rho ** 2 * P),
                                                                   rel=1e-12)
        # the counterfactual P'/P = (f(0) + N_eff g*)/P, here f(0) = 0, at N = 1e6
        s = F.BASE.solve(N=1e6, P=P, overlap=rho)
        neff = 1e6 / (1 + rho * (1e6 - 1))
        assert m[f"multiplierOverlap{key}AtMillion"] == pytest.approx(neff * s.value / P,
                                                                       rel=1e-12)
        assert m[f"multiplierOverlap{key}AtMillion"] < m[f"multiplierOverlap{key}Limit"]


def test_phase_matches_analytic_regions():
    r = pm.FIGURES["phase"](resolution=25)
    N, code = _series(r, "regime", "code")
    _, Pv = _series(r, "regime", "P")
    names = np.array(pm.result.REGIMES)[code.astype(int)]
    xb = (-10 + np.sqrt(100 + 4 * Pv)) / 2
    xi = (N - 10) / 2
    want = np.where(N <= 10, "none", np.where(xi < np.minimum(xb, 300), "interior",
                                              np.where(xb <= 300, "budget", "cap")))
    assert np.array_equal(names, want)
    assert r.numbers["phaseCapP"] == 300 ** 2 + 10 * 300
    ax = r.figure.axes[0]
    assert any(ln.get_gid() == "analytic" and ln.get_xdata()[0] == 10 for ln in ax.lines)


def test_jump_threshold():
    r = pm.FIGURES["jumps"](resolution=40)
    assert r.numbers["jumpN"] == pytest.approx(2 * np.sqrt(1000), rel=1e-9)
    assert r.numbers["jumpXBelow"] == 0
    assert r.numbers["jumpXAbove"] == pytest.approx(np.sqrt(1000), rel=1e-6)
    a1 = r.figure.axes[0]
    assert [ln.get_xdata()[0] for ln in a1.lines if ln.get_gid() == "boundary"] == \
        pytest.approx([2 * np.sqrt(1000)], rel=1e-9)


def test_overlap_limits_speed_prior_and_logN():
    r = pm.FIGURES["overlap"](resolution=40)
    rho_c = np.sqrt(3 / (4 * P))
    assert r.numbers["overlapRhoC"] == pytest.approx(rho_c, rel=1e-12)
    for key, rho in zip("ABCD", (0.0008, 0.001, 0.01, 0.1)):
        assert r.numbers[f"overlap{key}Rho"] == rho
        assert r.numbers[f"overlap{key}Limit"] == pytest.approx(1 / (2 * rho), rel=1e-12)
        share = 2 / (1 + 4 * rho ** 2 * P)
        assert r.numbers[f"overlap{key}ShareLimit"] == pytest.approx(share, rel=1e-12)
        # the share rises towards its limit: every grid value lies below it
        _, s = _series(r, "b", f"ρ = {rho:g}")
        assert np.all(s <= share * (1 + 1e-12)) and (share > 0.5) == (rho < rho_c)
    asym = [ln.get_ydata()[0] for ln in r.figure.axes[0].lines if ln.get_gid() == "asymptote"]
    assert asym == pytest.approx([625.0, 500.0, 50.0, 5.0])
    s = pm.FIGURES["speed_prior"](resolution=40).numbers
    for key in "ABC":
        lam = s[f"speed{key}Lambda"]
        assert s[f"speed{key}DominanceN"] == pytest.approx(np.sqrt(4 * P / 3) / (1 - lam),
                                                           rel=1e-9)
    c = pm.FIGURES["cost_depends_on_N"](resolution=60)
    n = c.numbers
    assert n["logNCMinN"] == pytest.approx(np.exp(1 - 1 / 5), rel=1e-15)
    assert "logNAMinN" not in n and "logNBMinN" not in n     # no interior minimum for beta <= 1
    # brute force: x* on a fine N grid around the minimum is smallest there
    Nf = np.linspace(1.5, 3.5, 2001)
    xf = F.LOGN_MODEL.with_params(beta=5.0).solve(N=Nf, P=P).x
    assert Nf[np.argmin(xf)] == pytest.approx(np.exp(0.8), abs=1e-3)
    for key, g in zip("ABCD", (0.0, 0.5, 1.0, 1.5)):
        assert n[f"gamma{key}XAtThousand"] == pytest.approx(min(1e3 ** (1 - g) / 2,
                                                                np.sqrt(P / 1e3 ** g)), rel=1e-9)
    Nb, xb = _series(c, "b", "γ = 1.5")
    assert np.all(np.diff(xb) < 0)                     # gamma > 1: x* falls at every N


def test_overlap_threshold_symbolic_against_brute_force():
    """rho_c of the symbolic engine against a brute-force maximisation over an x grid."""
    for c, Pv in ((1.0, 1e6), (0.5, 1e4), (3.0, 1e8)):
        m = pm.Model("power", c=c, k=2.0)
        rho_c = float(m.symbolic.lambdify(m.symbolic.overlap_threshold())(P=Pv))
        assert rho_c == pytest.approx(np.sqrt(3 / (4 * c * Pv)), rel=1e-12)

        def brute_share(rho, N=1e12):
            xb = np.sqrt(Pv / c)
            xs = np.linspace(0, xb, 200_001)
            g = (Pv - c * xs ** 2) * (1 + rho * (N - 1)) / N + xs
            i = int(np.argmax(g))
            lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, xs.size - 1)]
            xf = np.linspace(lo, hi, 20_001)             # refine around the grid maximum
            gf = (Pv - c * xf ** 2) * (1 + rho * (N - 1)) / N + xf
            j = int(np.argmax(gf))
            return xf[j] / gf[j]

        assert brute_share(rho_c * 0.999) > 0.5 > brute_share(rho_c * 1.001)
        lim = m.symbolic.limiting_learned_share(overlap=2 * rho_c)
        want = 2 / (1 + 4 * c * (2 * rho_c) ** 2 * Pv)
        assert float(lim.subs(m.symbolic.symbols["P"], Pv)) == pytest.approx(want, rel=1e-12)
        assert brute_share(2 * rho_c) == pytest.approx(want, rel=1e-6)
    # with a speed prior the threshold scales by (1 - lambda)
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    assert float(sm.lambdify(sm.overlap_threshold(runtime_penalty=0.5))(P=1e6)) == \
        pytest.approx(0.5 * np.sqrt(3 / 4e6), rel=1e-12)
    with pytest.raises(pm.UnsolvableError):
        pm.Model("power-logN", c=1.0, k=2.0, beta=1.0).symbolic.overlap_threshold()


def _brute_x(f, N, Pv, cap=np.inf, n=400_001):
    """argmax of (P - f(x))/N + x over a fine grid of the feasible x (brute force)."""
    hi = 1.0
    while f(hi) <= Pv and hi < cap:
        hi *= 2
    xs = np.linspace(0, min(hi, cap), n)
    g = np.where(f(xs) <= Pv, (Pv - f(xs)) / N + xs, -np.inf)
    return xs[int(np.argmax(g))], xs[1] - xs[0]


def test_conditions_table_thresholds_against_brute_force():
    """Each threshold of the paper's table 'When does the claim hold?' by brute force."""
    Pv = 1e6
    # f'(0) against N: f = x^2 + 10x builds a learned optimizer iff N > b = 10
    quad = lambda x: x ** 2 + 10 * x                      # noqa: E731
    assert _brute_x(quad, 9.9, Pv)[0] == 0 and _brute_x(quad, 10.1, Pv)[0] > 0
    # budget from N = 2 sqrt(cP) = 2000 (f = x^2): x* reaches the budget sqrt(P)
    sq = lambda x: x ** 2                                 # noqa: E731
    x1, h = _brute_x(sq, 1990, Pv)
    x2, _ = _brute_x(sq, 2010, Pv)
    assert x1 < 1000 - 2 * h and x2 == pytest.approx(1000, abs=2 * h)
    # cap binds before the budget for P > c x_cap^2 + b x_cap, from N = 2 c x_cap + b = 610
    assert _brute_x(quad, 600, 1e7, cap=300)[0] < 299 and \
        _brute_x(quad, 620, 1e7, cap=300)[0] == pytest.approx(300)
    # dominance at N = sqrt(4cP/3); speed prior: at N_dom/(1 - lambda)
    nd = np.sqrt(4 * Pv / 3)
    for lam in (0.0, 0.5):
        for N, above in ((nd / (1 - lam) * 0.99, False), (nd / (1 - lam) * 1.01, True)):
            # g / (1 - lam) = (P/(1-lam) - x^2/(1-lam))/N + x: the paper's form
            x, _ = _brute_x(lambda v: sq(v) / (1 - lam), N, Pv / (1 - lam))
            share = (1 - lam) * x / ((Pv - x ** 2) / N + (1 - lam) * x)
            assert (share > 0.5) == above
    # f = x^2 N^gamma: x* falls with N for gamma > 1, rises for gamma < 1
    for gamma, sign in ((1.5, -1), (0.5, 1)):
        xs = [_brute_x(lambda v: v ** 2 * N ** gamma, N, Pv)[0] for N in (10.0, 100.0, 1000.0)]
        assert np.all(sign * np.diff(xs) > 0)
    # non-convex overhead: x* jumps from 0 near N = 2 sqrt(F)
    ov = lambda x: 1000 * (1 - np.exp(-x)) + x ** 2       # noqa: E731
    nj = pm.FIGURES["jumps"](resolution=40).numbers["jumpN"]
    assert _brute_x(ov, nj * 0.999, Pv)[0] == 0 and _brute_x(ov, nj * 1.001, Pv)[0] > 30
    # the symbolic engine gives the same thresholds as closed forms
    sm = pm.Model("quadratic", c=1.0, b=10.0).symbolic
    th = sm.thresholds(x_cap=300.0)
    assert th["onset"] == 10 and float(th["cap"].subs(sm.symbols["P"], Pv)) == 610
    sq_sym = pm.Model("power", c=1.0, k=2.0).symbolic
    assert float(sq_sym.thresholds()["budget"].subs(sq_sym.symbols["P"], Pv)) == 2000


def test_nested_and_novel():
    r = pm.FIGURES["nested_novel"](resolution=40)
    # inner level (10 instances, f = x^2) leaves its budget sqrt(x1) when x1 = N/2 = 25
    assert r.numbers["nestedInnerBoundaryA"] == pytest.approx(50.0, rel=1e-9)
    N, x2 = _series(r, "a", "inner x*")
    assert N[0] == 2.0                  # below N = 2 the inner level would exceed its budget
    assert np.allclose(x2, np.minimum(np.sqrt(np.minimum(N / 2, 1000)), 5.0))
    N, ratio = _series(r, "b", "ρ = 0 (paper)")
    share = pm.Model("power", c=1.0, k=2.0).solve(N=N, P=P).learned_share
    assert np.allclose(ratio, share)                     # rho = 0: novel power is x* alone


def test_sensitivity_figures():
    t = pm.FIGURES["tornado"]()
    m = F.SENS_MODEL
    base = dict(F.SENS_BASE, N=F.SENS_N)
    for name in ("P", "k"):
        x, y = _series(t, "low", name)
        direct = m.solve(**{**base, name: x[0]}).learned_share
        assert y[0] == pytest.approx(direct)
    mc = pm.FIGURES["monte_carlo"](n=200, resolution=15)
    _, p = _series(mc, "probability Paper", "p_mesa")
    assert np.all(np.diff(p) >= 0)          # same draws at every N: x* > 0 persists (Topkis)
    _, ps = _series(mc, "probability Shared", "p_mesa")
    assert ps[-1] < 1                        # with shared structure some draws never mesa-optimize
    s = pm.FIGURES["sobol"](n=256)
    assert set(s.values) >= {"sobolRankA", "sobolTotalK"}
    with pytest.raises(pm.InputError):
        pm.FIGURES["tornado"](ranges={"k": (1.5, 3.0)}, base={"F": 1.0})


def test_user_cost_in_a_few_lines(tmp_path):
    r = pm.FIGURES["optimum"](models={"mine": pm.Model("c*x**1.5 + 3*x", c=2.0)}, P=1e5,
                              resolution=30, out=tmp_path)
    assert sorted(p.name for p in r.files) == ["optimum.csv", "optimum.pdf", "optimum.png"]
    x, y = _series(r, "x_star", "mine")
    # f = 2 x^1.5 + 3x: f'(x) = 3 sqrt(x) + 3 = N  ->  x* = ((N - 3)/3)^2 for N > 3
    budget = pm.Model("c*x**1.5 + 3*x", c=2.0).solve(N=x, P=1e5).x_budget
    inside = (x > 3) & (y < np.asarray(budget))
    assert np.allclose(y[inside], ((x[inside] - 3) / 3) ** 2, rtol=1e-8)
    assert np.all(y[x <= 3] == 0)


def test_optimum_y_range_follows_a_custom_models_data():
    # issue 21: kept the paper's 0.3..3e7 although this x* peaks near 1.3e3
    from scipy.optimize import brentq

    r = pm.FIGURES["optimum"](models={"mine": pm.Model("c*x**1.5 + 3*x", c=2.0)}, P=1e5,
                              resolution=60)
    ax = r.figure.axes[0]
    # the largest x* on N <= 1e5 is the budget's: 2 x^1.5 + 3 x = P (the interior
    # ((N - 3)/3)^2 exceeds it there)
    peak = brentq(lambda v: 2 * v ** 1.5 + 3 * v - 1e5, 1.0, 1e5, xtol=1e-12)
    ys = np.concatenate([np.asarray(ln.get_ydata(), float) for ln in ax.lines
                         if ln.get_transform() == ax.transData])
    assert np.nanmax(ys) == pytest.approx(peak, rel=1e-9)
    lo, hi = ax.get_ylim()
    assert np.nanmax(ys) < hi < 10 * np.nanmax(ys)
    positive = ys[np.isfinite(ys) & (ys > 0)]
    assert lo <= positive.min()
    # the paper's figure keeps its range (and its files stay byte-identical)
    assert pm.FIGURES["optimum"](resolution=60).figure.axes[0].get_ylim() == (0.3, 3e7)


def _recipe_tree(name):
    import ast
    import inspect
    import textwrap

    fn = pm.FIGURES[name].recipe
    (node,) = ast.parse(textwrap.dedent(inspect.getsource(fn))).body
    return fn, node


@pytest.mark.parametrize("name", sorted(pm.FIGURES))
def test_each_figure_is_a_recipe_over_the_public_api(name):
    import ast

    fn, node = _recipe_tree(name)
    assert fn.__name__ == name and pm.FIGURES[name].figure_name == name
    # the body calls no private helper (the plumbing lives in the @_figure wrapper)
    names = ({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
             | {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)})
    decorator = {n.id for d in node.decorator_list for n in ast.walk(d) if isinstance(n, ast.Name)}
    private = sorted(n for n in names - decorator if n.startswith("_"))
    assert private == [], f"{name}: the recipe uses {private}"
    assert len(ast.unparse(node).splitlines()) <= 50, f"{name}: not a short recipe"


def test_paper_figures_page_shows_each_recipe_and_writes_no_tracked_file():
    import inspect

    text = (REPO / "docs" / "paper_figures.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    assert set(sections) == set(pm.FIGURES)
    for name, body in sections.items():
        (inc,) = re.findall(r"```\{literalinclude\} \.\./(\S+)\n:language: python\n"
                            r":pyobject: (\w+)\n```", body)
        source = Path(inspect.getsourcefile(pm.FIGURES[name].recipe))
        assert REPO / inc[0] == source and inc[1] == name, name
        assert f"![{name}](../figures/{name}.png)" in body
    for internal in ("_check_resolution", "_new_figure", "_finish", "_Table"):
        assert internal not in text
    # a snippet writes into a temporary folder, never over the tracked figures/
    docs = [p for p in (REPO / "docs").rglob("*.md") if "_build" not in p.parts]
    for doc in [REPO / "README.md", *docs]:
        assert not re.search(r"""out=["']figures""", doc.read_text(encoding="utf-8")), doc


def test_tex_number_and_bad_input(tmp_path, monkeypatch):
    assert F.tex_number(1154.7) == "1155" and F.tex_number(0.0) == "0"
    assert F.tex_number(float("nan")) == "n/a"
    with pytest.raises(pm.InputError, match="figure"):
        pm.reproduce(tmp_path, figures=["nope"])
    with pytest.raises(pm.InputError, match="seed"):
        pm.reproduce(tmp_path, seed=-1)
    (tmp_path / "file").write_text("x")
    with pytest.raises(pm.InputError, match="folder"):
        pm.reproduce(tmp_path / "file")
    # refused before any figure is rendered (a long name was a raw OSError)
    with pytest.raises(pm.InputError, match="`out` cannot be used as a folder .*File name too long"):
        pm.reproduce(tmp_path / ("a" * 300))
    with pytest.raises(pm.InputError, match="`out` cannot be used as a folder .* is a file, not a"):
        pm.reproduce(tmp_path / "file" / "sub")
    with pytest.raises(pm.InputError, match="`out` must be a folder name, got ''"):
        pm.reproduce("")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pm.InputError, match="--out"):
        pm.reproduce()
    with pytest.raises(pm.InputError, match="resolution"):
        pm.FIGURES["optimum"](resolution=2)


@pytest.mark.parametrize("name, resolution, points", [
    ("optimum", 10**9, "1,000,000,000"),   # built a 8 GB grid first (61 s)
    ("phase", 10**5, "10,000,000,000"),    # two axes: resolution squared
])
def test_huge_resolution_is_refused_before_any_grid(name, resolution, points):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(pm.InputError, match=f"a figure at resolution .* \\({points} points\\) "
                                            "needs about .* more than the budget"):
        pm.FIGURES[name](resolution=resolution)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB


def test_interrupted_write_leaves_old_file(tmp_path, monkeypatch):
    pm.reproduce(tmp_path, figures=["multiplier"], build_pdf=False)
    old = (tmp_path / "multiplier.png").read_bytes()

    def boom(*a, **k):
        raise KeyboardInterrupt

    import matplotlib.figure

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", boom)
    with pytest.raises(KeyboardInterrupt):
        pm.reproduce(tmp_path, figures=["multiplier"], build_pdf=False)
    assert (tmp_path / "multiplier.png").read_bytes() == old
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------
# one full reproduce: contract, freshness of committed outputs, determinism, PDF
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    return out, pm.reproduce(out, seed=0, build_pdf=False, jobs=2)


def test_reproduce_contract(full):
    out, r = full
    names = {p.name for p in out.iterdir()}
    for fig in pm.FIGURES:
        assert {f"{fig}.pdf", f"{fig}.png", f"{fig}.csv"} <= names
    assert "values.tex" in names and r.values_file == out / "values.tex" and r.pdf is None
    assert r.pdf_note == "paper PDF not built: not requested"
    assert {p.name for p in r.files} == names
    assert (out / "optimum.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "optimum.png").read_bytes().startswith(b"\x89PNG")


#: Exact numbers of values.tex: macro -> closed form (f = x^2, c = 1, P = 1e6 unless noted).
EXACT = {
    "dominanceN": np.sqrt(4 * P / 3),
    "shareAtTen": 2 * 10.0 ** 2 / (4 * P + 10.0 ** 2),
    "shareAtHundred": 2 * 100.0 ** 2 / (4 * P + 100.0 ** 2),
    "shareAtThousand": 2 * 1e3 ** 2 / (4 * P + 1e3 ** 2),
    "shareAtTenThousand": 1.0,                           # budget: f(x*) = P, base part 0
    "multiplierAtThousand": 1 + 1e3 ** 2 / (4 * P),
    "multiplierAtTenThousand": 1e4 * np.sqrt(P) / P,     # budget: g* = sqrt(P)
    "multiplierAtMillion": 1e6 * np.sqrt(P) / P,
    "multiplierOverlapALimit": 1 + 1 / (4 * 0.001 ** 2 * P),
    "multiplierOverlapBLimit": 1 + 1 / (4 * 0.01 ** 2 * P),
    "multiplierSpeedAtMillion": 1e6 * 0.5 * np.sqrt(P) / P,
    "optimumBoundaryPowerTwoA": 2 * np.sqrt(P),
    "optimumBoundaryPowerThreeA": 3 * P ** (2 / 3),
    "optimumBoundaryExponentialA": 0.05 * (P + 1),
    "optimumBoundaryLinearA": 50.0,
    "optimumXPowerTwoAtTen": 5.0, "optimumXPowerTwoAtHundred": 50.0,
    "optimumXPowerTwoAtThousand": 500.0,
    "optimumXPowerThreeAtTen": np.sqrt(10 / 3), "optimumXPowerThreeAtHundred": np.sqrt(100 / 3),
    "optimumXPowerThreeAtThousand": np.sqrt(1000 / 3),
    "optimumXExponentialAtTen": np.log(10 / 0.05) / 0.05,
    "optimumXExponentialAtHundred": np.log(100 / 0.05) / 0.05,
    "optimumXExponentialAtThousand": np.log(1000 / 0.05) / 0.05,
    "landscapeXStarA": 12.5, "landscapeXStarB": 25.0, "landscapeXStarC": 50.0,
    "landscapeXStarD": 100.0,                            # P = 1e4: budget sqrt(P)
    "phaseCapP": 300.0 ** 2 + 10 * 300.0, "phaseCapN": 2 * 300.0 + 10,
    "overlapRhoC": np.sqrt(3 / (4 * P)),
    **{f"overlap{k}Limit": 1 / (2 * r) for k, r in zip("ABCD", (0.0008, 0.001, 0.01, 0.1))},
    **{f"overlap{k}ShareLimit": 2 / (1 + 4 * r ** 2 * P)
       for k, r in zip("ABCD", (0.0008, 0.001, 0.01, 0.1))},
    **{f"speed{k}DominanceN": np.sqrt(4 * P / 3) / (1 - lam)
       for k, lam in zip("ABC", (0.0, 0.5, 0.8))},
    "logNCMinN": np.exp(1 - 1 / 5),
    "logNCMinX": np.exp(0.8) / (2 * (1 + 5 * 0.8)),
    "logNAXAtThousand": 500.0,
    "logNBXAtThousand": 1e3 / (2 * (1 + np.log(1e3))),
    "logNCXAtThousand": 1e3 / (2 * (1 + 5 * np.log(1e3))),
    **{f"gamma{k}XAtThousand": min(1e3 ** (1 - g) / 2, np.sqrt(P / 1e3 ** g))
       for k, g in zip("ABCD", (0.0, 0.5, 1.0, 1.5))},
    **{f"gamma{k}XAtHundredThousand": min(1e5 ** (1 - g) / 2, np.sqrt(P / 1e5 ** g))
       for k, g in zip("ABCD", (0.0, 0.5, 1.0, 1.5))},
    "nestedInnerBoundaryA": 50.0, "nestedInnerXMax": 5.0,
    "novelARatioAtThousand": 2 * 1e3 ** 2 / (4 * P + 1e3 ** 2),
}
#: Numbers found by bisection or an expression cost's numeric solver: a looser tolerance.
NUMERIC = {"dominanceN", "optimumBoundaryPowerTwoA", "optimumBoundaryPowerThreeA",
           "optimumBoundaryExponentialA", "optimumBoundaryLinearA", "speedADominanceN",
           "speedBDominanceN", "speedCDominanceN", "nestedInnerBoundaryA",
           *[f"gamma{k}XAt{w}" for k in "ABCD" for w in ("Thousand", "HundredThousand")]}


def test_exact_values_against_closed_forms(full):
    """Every number the paper calls exact (or computes from a closed form) matches it."""
    _, r = full
    for k, want in EXACT.items():
        rel = 1e-9 if k in NUMERIC else 1e-12
        assert r.numbers[k] == pytest.approx(want, rel=rel, abs=0), k
    text = (REPO / "paper" / "generated" / "values.tex").read_text()
    assert r"\newcommand{\pmvlogNCMinN}{2.2255}" in text          # e^(4/5), not a grid point
    assert r"\newcommand{\pmvoverlapRhoC}{\ensuremath{8.66\times10^{-4}}}" in text


#: CSV series computed from closed forms by the figure code itself (not by the solver).
CLOSED_FORM_SERIES = {("phase", "analytic"), ("overlap_phase", "rho_c")}


def test_committed_csvs_are_fresh(full):
    """Committed CSVs against fresh ones: grids and closed forms at 1e-12, solver output 1e-9."""
    out, _ = full
    for fig in pm.FIGURES:
        committed = REPO / "figures" / f"{fig}.csv"
        assert committed.is_file(), f"figures/{fig}.csv is missing: run `powermodel reproduce`"
        a, b = F.read_csv(out / f"{fig}.csv"), F.read_csv(committed)
        same = np.array_equal(a["panel"], b["panel"]) and np.array_equal(a["series"], b["series"])
        assert same, f"figures/{fig}.csv is stale: run `powermodel reproduce`"
        tight = np.array([(fig, p) in CLOSED_FORM_SERIES for p in a["panel"]])
        assert np.allclose(a["x"], b["x"], rtol=1e-12, atol=0, equal_nan=True), \
            f"figures/{fig}.csv column x is stale: run `powermodel reproduce`"
        for sel, rtol in ((tight, 1e-12), (~tight, 1e-9)):
            assert np.allclose(a["y"][sel], b["y"][sel], rtol=rtol, atol=1e-300,
                               equal_nan=True), \
                f"figures/{fig}.csv column y is stale: run `powermodel reproduce`"
        assert (REPO / "figures" / f"{fig}.png").is_file()
        assert (REPO / "figures" / f"{fig}.pdf").is_file()


def _committed(fig, panel, series):
    d = F.read_csv(REPO / "figures" / f"{fig}.csv")
    sel = (d["panel"] == panel) & (d["series"] == series)
    return d["x"][sel], d["y"][sel]


def test_committed_csvs_against_closed_forms():
    """The committed data, read back, against closed forms: a lost digit is seen."""
    N, x = _committed("optimum", "x_star", "x² (power, k=2)")
    assert np.allclose(x, np.minimum(N / 2, 1000.0), rtol=1e-12, atol=0)
    N, x = _committed("optimum", "x_star", "x³ (power, k=3)")
    assert np.allclose(x, np.minimum(np.sqrt(N / 3), 100.0), rtol=1e-12, atol=0)
    N, m = _committed("multiplier", "multiplier", "ρ = 0 (paper)")
    xs = np.minimum(N / 2, 1000.0)
    assert np.allclose(m, N * ((P - xs ** 2) / N + xs) / P, rtol=1e-12, atol=0)
    for rho in (0.001, 0.01):
        _, lim = _committed("multiplier", "limit", f"ρ = {rho:g}")
        assert lim[0] == pytest.approx(1 + 1 / (4 * rho ** 2 * P), rel=1e-12)
    for rho in (0.0008, 0.001, 0.01, 0.1):
        N, s = _committed("overlap", "b", f"ρ = {rho:g}")
        n = N / (1 + rho * (N - 1))
        xs = np.minimum(n / 2, 1000.0)
        assert np.allclose(s, xs / ((P - xs ** 2) / n + xs), rtol=1e-9, atol=0)
        _, lim = _committed("overlap", "b", f"ρ = {rho:g} limit")
        assert lim[0] == pytest.approx(2 / (1 + 4 * rho ** 2 * P), rel=1e-12)
    rho, share = _committed("overlap_phase", "limit", "share")
    _, Pc = _committed("overlap_phase", "limit", "P")
    xs = np.minimum(1 / (2 * rho), np.sqrt(Pc))
    assert np.allclose(share, xs / ((Pc - xs ** 2) * rho + xs), rtol=1e-9, atol=0)
    Pl, rc = _committed("overlap_phase", "rho_c", "rho_c")
    assert np.allclose(rc, np.sqrt(3 / (4 * Pl)), rtol=1e-12, atol=0)
    # every cell agrees with the threshold: x dominates in the limit iff rho < rho_c
    assert np.array_equal(share > 0.5, rho < np.sqrt(3 / (4 * Pc)))
    N, x = _committed("cost_depends_on_N", "b", "γ = 1.5")
    assert np.allclose(x, np.minimum(N ** -0.5 / 2, np.sqrt(P / N ** 1.5)), rtol=1e-9, atol=0)
    N, s = _committed("speed_prior", "share", "λ = 0.5")
    xs = np.minimum(0.5 * N / 2, 1000.0)
    assert np.allclose(s, 0.5 * xs / ((P - xs ** 2) / N + 0.5 * xs), rtol=1e-9, atol=0)
    N, _ = _committed("monte_carlo", "probability Paper", "p_mesa")
    assert {1e2, 1e4, 1e7} <= set(N.tolist())           # the quoted N are grid points


def test_committed_values_are_fresh_and_cover_the_paper(full):
    out, _ = full
    fresh = (out / "values.tex").read_text()
    committed = (REPO / "paper" / "generated" / "values.tex").read_text()
    assert fresh == committed, "paper/generated/values.tex is stale: run `powermodel reproduce`"
    defined = set(re.findall(r"\\newcommand\{\\(pmv[A-Za-z]+)\}", fresh))
    used = set(re.findall(r"\\(pmv[A-Za-z]+)", F.paper_source().joinpath("paper.tex").read_text()))
    assert used and used <= defined, f"undefined macros: {sorted(used - defined)}"


def test_claims_of_the_sensitivity_section(full):
    """The text's sensitivity claims hold on the regenerated numbers."""
    out, r = full
    n = r.numbers
    order = re.search(r"\\newcommand\{\\pmvmorrisOrder\}\{(.*)\}",
                      (out / "values.tex").read_text())
    keys = ("F", "C", "K", "P", "Overlap", "Penalty")
    top = sorted(keys, key=lambda k: -n[f"morrisMuStar{k}"])[:2]
    assert set(top) == {"K", "P"}
    sob = sorted(keys, key=lambda k: -n[f"sobolTotal{k}"])[:2]
    assert set(sob) == {"K", "P"}                      # Morris agrees on the top two
    # the text orders k above P (morrisOrder says ">") only because the intervals separate,
    # and both lie above the rest
    assert (n["morrisMuStarKLow"] > n["morrisMuStarPHigh"]) == \
        order.group(1).startswith("$k$~$>$~$P$")
    rest = max(n[f"morrisMuStar{k}High"] for k in keys if k not in ("K", "P"))
    assert rest < min(n["morrisMuStarKLow"], n["morrisMuStarPLow"])


def test_same_seed_same_files_and_parallel_is_byte_identical(full, tmp_path):
    out, _ = full
    r = pm.reproduce(tmp_path, seed=0, build_pdf=False, figures=SERIAL_CHECK, jobs=1)
    for p in r.files:
        if p.name != "values.tex":
            assert p.read_bytes() == (out / p.name).read_bytes(), p.name
    lines = set((tmp_path / "values.tex").read_text().splitlines()[1:])
    assert lines <= set((out / "values.tex").read_text().splitlines())
    other = pm.FIGURES["sobol"](seed=1, n=1024)
    assert not np.allclose(other.data["y"], F.read_csv(out / "sobol.csv")["y"])
    with pytest.raises(pm.InputError, match="jobs"):
        pm.reproduce(tmp_path, figures=["landscape"], jobs=0)


def test_cli_reproduce(tmp_path, capsys):
    assert main(["reproduce", "--out", str(tmp_path), "--figure", "decomposition",
                 "--no-pdf"]) == 0
    text = capsys.readouterr().out
    assert "decomposition.csv" in text and "values.tex" in text and "--no-pdf" in text
    assert (tmp_path / "decomposition.png").is_file()
    assert main(["reproduce", "--out", str(tmp_path), "--figure", "nope"]) == 2


#: Folder names that must never reach TeX: spaces, comment and parameter characters,
#: braces, backslashes and a TeX command.
WEIRD = ("a b", "50% off", "#1 {x}", "back\\slash", "}\\pdfinfo{/Author (pwned)}\\x{")


def test_cli_reproduce_any_folder_name(tmp_path, capsys):
    for name in WEIRD:
        d = tmp_path / name / "out"
        assert main(["reproduce", "--out", str(d), "--figure", "multiplier", "--no-pdf"]) == 0
        assert (d / "multiplier.pdf").is_file() and (d / "values.tex").is_file()
    capsys.readouterr()


def test_pdf_note_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "paper_source", lambda: None)
    assert "paper source" in registry._pdf_unavailable()
    with pytest.raises(pm.InputError, match="source"):
        pm.reproduce(tmp_path, figures=["landscape"], build_pdf=True)
    monkeypatch.undo()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "latexmk" in registry._pdf_unavailable()
    with pytest.raises(pm.InputError, match="latexmk"):
        pm.reproduce(tmp_path, figures=["landscape"], build_pdf=True)


needs_latex = pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk not installed")


@pytest.fixture(scope="module")
def built(full):
    out, _ = full
    pdf, log = F.build_paper(out, out / "values.tex", dest=out / "paper.pdf", log=True)
    return out, pdf, log


@needs_latex
def test_paper_builds_warning_free(built):
    out, pdf, log = built
    assert pdf == out / "paper.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert not (out / "build").exists() and not (out / "paper.tex").exists()
    # warning-free: no undefined macro, reference or citation, nothing sticking out
    for bad in ("Undefined control sequence", "LaTeX Warning: Reference", "Overfull",
                "Float too large", "Citation", "undefined"):
        assert bad not in log, bad
    # every bibliography entry is cited
    src = F.paper_source().joinpath("paper.tex").read_text()
    cited = set(",".join(re.findall(r"\\cite\{([^}]*)\}", src)).split(","))
    assert set(re.findall(r"\\bibitem\{([^}]*)\}", src)) == cited


@needs_latex
def test_pdf_bytes_do_not_depend_on_the_folder(built, tmp_path):
    """Same bytes in any folder, built twice; no path and no injected TeX in the PDF."""
    out, pdf, _ = built
    ref = pdf.read_bytes()
    assert b"PTEX.FileName" not in ref and str(out).encode() not in ref
    for name in WEIRD[-2:]:
        dest = tmp_path / name / "paper.pdf"
        F.build_paper(out, out / "values.tex", dest=dest)
        data = dest.read_bytes()
        assert data == ref, name
        assert b"pwned" not in data and str(tmp_path).encode() not in data


def _installed_copy(tmp):
    """A non-editable ``pip install`` of this source tree into a fresh venv."""
    import subprocess
    import sys

    src = tmp / "src"
    src.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "powermodel", src / "powermodel",
                    ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, capture_output=True)
    py = venv / "bin" / "python"
    # see this interpreter's packages (numpy, matplotlib, ...) after the venv's own
    import sysconfig

    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "_parent_env.pth").write_text(sysconfig.get_path("purelib") + "\n")
    p = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(src)],
                       capture_output=True, text=True, cwd=tmp)
    if p.returncode and ("No matching distribution" in p.stderr
                         or "Could not find a version" in p.stderr):
        pytest.skip("pip cannot fetch the build backend (setuptools, wheel): no network")
    assert p.returncode == 0, p.stdout + p.stderr
    return py


@needs_latex
def test_reproduce_from_an_ordinary_install(built, tmp_path):
    """pip install . (not -e): the paper source ships, and its PDF has the same bytes.

    Slow (a venv and a wheel build, ~20-40 s) but always run.
    """
    import subprocess

    out, pdf, _ = built
    py = _installed_copy(tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = ("import sys, pathlib, powermodel.figures as F\n"
            "src = F.paper_source()\n"
            "assert src is not None and 'site-packages' in str(src), src\n"
            "out = pathlib.Path(sys.argv[1])\n"
            "F.build_paper(out, out / 'values.tex', dest=pathlib.Path(sys.argv[2]))\n")
    dest = tmp_path / WEIRD[-1] / "paper.pdf"
    p = subprocess.run([str(py), "-c", code, str(out), str(dest)], capture_output=True,
                       text=True, cwd=work, env={**__import__("os").environ, "PYTHONPATH": ""})
    assert p.returncode == 0, p.stderr
    assert dest.read_bytes() == pdf.read_bytes()
    # the console script from the install: a subset reproduce into an odd folder
    exe = py.parent / "powermodel"
    p = subprocess.run([str(exe), "reproduce", "--out", str(tmp_path / "a b%#{}"),
                        "--figure", "decomposition"], capture_output=True, text=True, cwd=work,
                       env={**__import__("os").environ, "PYTHONPATH": ""})
    assert p.returncode == 0, p.stderr
    assert "only some figures" in p.stdout


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk is not installed")
def test_latexmk_runs_without_home_and_keeps_the_reason(tmp_path, monkeypatch):
    # HOME unset made latexmk stop with exit 12 and no word ("latexmk failed (exit 12):")
    from powermodel.figures import registry

    monkeypatch.delenv("HOME", raising=False)
    (tmp_path / "ok.tex").write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    registry._latexmk(tmp_path, "ok.tex", "build")
    assert (tmp_path / "build" / "ok.pdf").is_file()
    (tmp_path / "bad.tex").write_text("\\documentclass{article}\\begin{document}\\nosuchmacro"
                                      "\\end{document}\n")
    with pytest.raises(RuntimeError, match="Undefined control sequence"):
        registry._latexmk(tmp_path, "bad.tex", "build")
