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
from powermodel.cli import main

REPO = Path(__file__).resolve().parent.parent
P = 1e6
RANDOM_FIGURES = ("sobol", "morris", "monte_carlo")


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
                               "nested_novel", "sobol", "morris", "tornado", "monte_carlo"}
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
                                                                   rel=1e-6)


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
    for key, rho in zip("ABC", (0.001, 0.01, 0.1)):
        assert r.numbers[f"overlap{key}Limit"] == pytest.approx(1 / (2 * rho), rel=1e-9)
    asym = [ln.get_ydata()[0] for ln in r.figure.axes[0].lines if ln.get_gid() == "asymptote"]
    assert asym == pytest.approx([500.0, 50.0, 5.0])
    assert r.numbers["overlapAShareMax"] < 0.5         # with shared structure x never dominates
    s = pm.FIGURES["speed_prior"](resolution=40).numbers
    for key in "ABC":
        lam = s[f"speed{key}Lambda"]
        assert s[f"speed{key}DominanceN"] == pytest.approx(np.sqrt(4 * P / 3) / (1 - lam),
                                                           rel=1e-9)
    c = pm.FIGURES["cost_depends_on_N"](resolution=400).numbers
    assert c["logNCMinN"] == pytest.approx(np.exp(1 - 1 / 5), rel=0.02)   # grid resolution
    assert c["logNAMinN"] == 1.0


def test_nested_and_novel():
    r = pm.FIGURES["nested_novel"](resolution=40)
    # inner level (10 instances, f = x^2) leaves its budget sqrt(x1) when x1 = N/2 = 25
    assert r.numbers["nestedInnerBoundaryA"] == pytest.approx(50.0, rel=1e-9)
    N, x2 = _series(r, "a", "inner x*")
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
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pm.InputError, match="--out"):
        pm.reproduce()
    with pytest.raises(pm.InputError, match="resolution"):
        pm.FIGURES["optimum"](resolution=2)


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
    return out, pm.reproduce(out, seed=0, build_pdf=False)


def test_reproduce_contract(full):
    out, r = full
    names = {p.name for p in out.iterdir()}
    for fig in pm.FIGURES:
        assert {f"{fig}.pdf", f"{fig}.png", f"{fig}.csv"} <= names
    assert "values.tex" in names and r.values_file == out / "values.tex" and r.pdf is None
    assert {p.name for p in r.files} == names
    assert (out / "optimum.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "optimum.png").read_bytes().startswith(b"\x89PNG")


def test_committed_csvs_are_fresh(full):
    out, _ = full
    for fig in pm.FIGURES:
        committed = REPO / "figures" / f"{fig}.csv"
        assert committed.is_file(), f"figures/{fig}.csv is missing: run `powermodel reproduce`"
        a, b = F.read_csv(out / f"{fig}.csv"), F.read_csv(committed)
        same = np.array_equal(a["panel"], b["panel"]) and np.array_equal(a["series"], b["series"])
        assert same, f"figures/{fig}.csv is stale: run `powermodel reproduce`"
        for col in ("x", "y"):
            assert np.allclose(a[col], b[col], rtol=1e-6, atol=1e-12, equal_nan=True), \
                f"figures/{fig}.csv column {col} is stale: run `powermodel reproduce`"
        assert (REPO / "figures" / f"{fig}.png").is_file()
        assert (REPO / "figures" / f"{fig}.pdf").is_file()


def test_committed_values_are_fresh_and_cover_the_paper(full):
    out, _ = full
    fresh = (out / "values.tex").read_text()
    committed = (REPO / "paper" / "generated" / "values.tex").read_text()
    assert fresh == committed, "paper/generated/values.tex is stale: run `powermodel reproduce`"
    defined = set(re.findall(r"\\newcommand\{\\(pmv[A-Za-z]+)\}", fresh))
    used = set(re.findall(r"\\(pmv[A-Za-z]+)", (REPO / "paper" / "paper.tex").read_text()))
    assert used and used <= defined, f"undefined macros: {sorted(used - defined)}"


def test_same_seed_same_files(full, tmp_path):
    out, _ = full
    r = pm.reproduce(tmp_path, seed=0, build_pdf=False, figures=RANDOM_FIGURES)
    for p in r.files:
        if p.name != "values.tex":
            assert p.read_bytes() == (out / p.name).read_bytes(), p.name
    lines = set((tmp_path / "values.tex").read_text().splitlines()[1:])
    assert lines <= set((out / "values.tex").read_text().splitlines())
    other = pm.FIGURES["sobol"](seed=1, n=1024)
    assert not np.allclose(other.data["y"], F.read_csv(out / "sobol.csv")["y"])


def test_cli_reproduce(tmp_path, capsys):
    assert main(["reproduce", "--out", str(tmp_path), "--figure", "decomposition",
                 "--no-pdf"]) == 0
    text = capsys.readouterr().out
    assert "decomposition.csv" in text and "values.tex" in text
    assert (tmp_path / "decomposition.png").is_file()
    assert main(["reproduce", "--out", str(tmp_path), "--figure", "nope"]) == 2


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk not installed")
def test_paper_builds(full, tmp_path):
    out, _ = full
    pdf = F.build_paper(out, out / "values.tex", repo_layout=False, out=out)
    assert pdf == out / "paper.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert not (out / "build").exists() and not (out / "paper.tex").exists()
    # warning-free: no undefined macro or reference, nothing sticking out of the page
    (tmp_path / "paper.tex").write_text(F._wrapper(out, out / "values.tex", F.paper_source()))
    log = F._latexmk(tmp_path, "paper.tex", "build")
    for bad in ("Undefined control sequence", "LaTeX Warning: Reference", "Overfull",
                "Float too large", "Citation"):
        assert bad not in log, bad
