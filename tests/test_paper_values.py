"""The paper's numbers: sampled numbers cover a 16x reference run, the regime thresholds
of the review (rho_b, rho_c with a speed prior, the gamma family) match brute force."""

import inspect
import json
import pathlib
import re

import numpy as np
import pytest

import powermodel as pm
from powermodel import figures as F
from powermodel.figures import sensitivities as S
from powermodel.symbolic.limits import overlap_budget_threshold, power_of_N_thresholds

ROOT = pathlib.Path(__file__).resolve().parent.parent
VALUES = ROOT / "paper" / "generated" / "values.tex"
REFERENCE = ROOT / "tests" / "data" / "sampled_reference.json"
_SAMPLED = re.compile(r"(sobol(First|Total)|morrisMuStar|mcP)[A-Za-z]+")


def _values():
    text = VALUES.read_text(encoding="utf-8")
    return dict(re.findall(r"\\newcommand\{\\pmv([A-Za-z]+)\}\{(.*)\}", text))


def _num(tex):
    """A number of values.tex back as a float (plain decimals or 10^k forms)."""
    m = re.fullmatch(r"\\ensuremath\{(?:([-0-9.]+)\\times)?10\^\{(-?\d+)\}\}", tex)
    if m:
        return float(m.group(1) or 1) * 10.0 ** int(m.group(2))
    return float(tex)


def test_every_sampled_number_has_an_interval_covering_the_16x_reference():
    vals = _values()
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    # the reference was made with 16x the figures' current samples, same inputs
    st = ref["settings"]
    assert st["factor"] == 16
    def default(fig, name):  # a figure's default, as its signature shows it
        return inspect.signature(fig).parameters[name].default

    assert st["sobol_n"] == 16 * default(F.sobol, "n")
    assert st["morris_trajectories"] == 16 * default(F.morris, "trajectories")
    assert st["mc_n"] == 16 * default(F.monte_carlo, "n")
    assert st["distributions"] == {k: list(v) for k, v in F.SENS_DISTRIBUTIONS.items()}
    sampled = sorted(k for k in vals if _SAMPLED.fullmatch(k) and not k.endswith(("Low", "High"))
                     and not k.endswith("Order"))
    assert len(sampled) == S.SAMPLED == len(ref["values"])
    assert set(sampled) == set(ref["values"])
    for k in sampled:
        lo, est, hi = _num(vals[k + "Low"]), _num(vals[k]), _num(vals[k + "High"])
        assert lo <= hi, k
        assert lo <= ref["values"][k] <= hi, (k, lo, ref["values"][k], hi)
        # the quoted estimate (2 significant digits) sits in its own interval
        assert lo - 0.005 <= est <= hi + 0.005, (k, lo, est, hi)


def test_orderings_claim_only_separated_intervals():
    vals = _values()
    names = {"F": "F", "c": "C", "k": "K", "P": "P", r"\rho": "Overlap", r"\lambda": "Penalty"}
    for order, prefix in (("sobolTotalOrder", "sobolTotal"), ("sobolFirstOrder", "sobolFirst"),
                          ("morrisOrder", "morrisMuStar")):
        parts = re.split(r"~\$(>|\\approx)\$~", vals[order])
        items, seps = parts[0::2], parts[1::2]
        keys = [names[i.strip("$")] for i in items]
        for a, b, sep in zip(keys, keys[1:], seps):
            lo_a, hi_b = _num(vals[f"{prefix}{a}Low"]), _num(vals[f"{prefix}{b}High"])
            assert (sep == ">") == (lo_a > hi_b), (order, a, b)


def test_wilson_interval_against_exact_binomial_coverage():
    from scipy.stats import binom

    n, p = 400, 0.3
    ks = np.arange(n + 1)
    cover = sum(binom.pmf(k, n, p) for k in ks
                if S._wilson(k / n, n, level=0.95)[0] <= p <= S._wilson(k / n, n, level=0.95)[1])
    assert 0.93 < cover < 0.97


@pytest.mark.parametrize("lam", [0.0, 0.5])
def test_overlap_budget_threshold_against_the_numeric_limit(lam):
    P = 1e6
    m = pm.Model("power", c=2.0, k=2.0)
    rho_b = float(overlap_budget_threshold(m.symbolic, runtime_penalty=lam)
                  .subs(m.symbolic.symbols["P"], int(P)))
    assert rho_b == pytest.approx((1 - lam) / (2 * np.sqrt(2.0 * P)), rel=1e-12)
    xb = np.sqrt(P / 2.0)
    for rho, bound in ((0.9 * rho_b, True), (1.1 * rho_b, False)):
        lim = pm.large_N_limit(m, P=P, overlap=rho, runtime_penalty=lam)
        if bound:
            assert lim.x == pytest.approx(xb, rel=1e-9)
        else:
            assert lim.x == pytest.approx((1 - lam) / (2 * 2.0 * rho), rel=1e-9) and lim.x < xb
    # brute force at a huge N: the finite-N optimum approaches the same limit
    s = m.solve(N=1e12, P=P, overlap=0.5 * rho_b, runtime_penalty=lam)
    assert s.x == pytest.approx(xb, rel=1e-6) and s.learned_share == pytest.approx(1, rel=1e-5)


def test_review_counterexamples():
    m = pm.Model("power", c=1.0, k=2.0)
    P = 1e6
    # item 1: rho below sqrt(3/(4cP)) but above (1 - lambda) sqrt(3/(4cP)): x does not dominate
    s = m.solve(N=1e9, P=P, overlap=6e-4, runtime_penalty=0.5)
    assert s.learned_share == pytest.approx(0.296, abs=1e-3)
    rc = float(m.symbolic.overlap_threshold(runtime_penalty=0.5).subs(m.symbolic.symbols["P"], P))
    assert rc == pytest.approx(0.5 * np.sqrt(3 / (4 * P)))
    # item 2: at rho = 1e-4 the budget binds: x* = 1000, M = 10, share 1
    s = m.solve(N=1e10, P=P, overlap=1e-4)
    assert s.x == pytest.approx(1000, rel=1e-9)
    assert s.compute_multiplier == pytest.approx(10, rel=1e-4)
    assert s.learned_share == pytest.approx(1, rel=1e-9)


def test_power_of_N_thresholds_against_brute_force():
    sm = pm.Model("c*x**2*N**gamma").symbolic
    th = power_of_N_thresholds(sm, "gamma")
    assert (th["gamma_x_interior"], th["gamma_multiplier_interior"],
            th["gamma_x_budget"], th["gamma_multiplier_budget"]) == (1, 2, 0, 2)
    syms = sm.symbols
    P, c = 1e6, 1.5
    for gamma in (0.5, 1.5, 2.5):
        m = pm.Model("c*x**2*N**gamma", c=c, gamma=gamma)
        at = {syms["P"]: P, syms["c"]: c, syms["gamma"]: gamma}
        nb, nd = float(th["budget_N"].subs(at)), float(th["dominance_N"].subs(at))
        N = np.logspace(0, 16, 4001)
        s = m.solve(N=N, P=P)
        budget = np.asarray(s.regime) == "budget"
        if gamma < 2:
            assert nb == pytest.approx((4 * c * P) ** (1 / (2 - gamma)), rel=1e-9)
            first = N[np.argmax(budget)]
            assert budget.any() and first == pytest.approx(nb, rel=0.01)
            share = np.asarray(s.learned_share)
            assert N[np.argmax(share > 0.5)] == pytest.approx(nd, rel=0.01)
        else:
            assert not budget.any()
        x, M = np.asarray(s.x), np.asarray(s.compute_multiplier)
        dx, dM = np.diff(np.log(x)), np.diff(M)
        interior = ~budget[1:] & ~budget[:-1]
        assert np.all(np.sign(dx[interior]) == np.sign(1 - gamma))
        assert np.all(dx[budget[1:] & budget[:-1]] < 0)
        ok = interior & (M[1:] - 1 > 1e-11)         # where M - 1 is resolved in floats
        assert ok.sum() > 100 and np.all((dM[ok] > 0) == (gamma < 2))


def test_logN_budget_threshold_quoted():
    vals = _values()
    beta, nb = _num(vals["logNCBeta"]), _num(vals["logNCBudgetN"])
    # the budget binds where N^2 = 4cP(1 + beta ln N) (c = 1, P = 10^6)
    assert nb ** 2 == pytest.approx(4e6 * (1 + beta * np.log(nb)), rel=1e-3)


def test_figure_modules_are_small_and_many_models_work():
    for path in (ROOT / "powermodel" / "figures").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
    models = {f"m{i}": pm.Model("power", c=1.0 + i, k=2.0) for i in range(11)}
    r = pm.FIGURES["optimum"](models=models, resolution=16)
    assert "optimumXCostKAtTen" in r.numbers
    assert r.numbers["optimumXCostKAtTen"] == pytest.approx(10 / (2 * 11.0))


def test_author_line_names_package_and_version():
    vals = _values()
    assert vals["PackageVersion"] == pm.__version__
    src = F.paper_source().joinpath("paper.tex").read_text(encoding="utf-8")
    author = re.search(r"\\author\{(.*?)\\thanks", src, re.S).group(1)
    assert "powermodel" in author and r"\pmvPackageVersion" in author
