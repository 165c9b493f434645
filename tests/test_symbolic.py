"""Tests of powermodel.symbolic: closed forms against the numeric solver and by hand."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import powermodel as pm
from powermodel import symbolic as S
from powermodel.cli import main

FAMILIES = ("power", "exponential", "linear", "quadratic", "power-logN")
OPTIONS = ({}, {"x_cap": True}, {"overlap": True, "runtime_penalty": True})


def draw(family, n, rng):
    """Random parameters inside each family's domain (vectorised)."""
    if family in ("power", "power-logN"):
        d = {"c": np.exp(rng.uniform(-2, 2, n)), "k": rng.uniform(1.2, 4.0, n)}
        if family == "power-logN":
            d["beta"] = rng.uniform(0.0, 2.0, n)
        return d
    if family == "exponential":
        return {"c": np.exp(rng.uniform(-2, 2, n)), "a": np.exp(rng.uniform(-3, 1, n))}
    if family == "linear":
        return {"c": np.exp(rng.uniform(-2, 4, n))}
    return {"c": np.exp(rng.uniform(-2, 2, n)), "b": np.exp(rng.uniform(-2, 4, n))}


def inputs(opts, n, rng):
    kw = {"N": np.exp(rng.uniform(0, 9, n)), "P": np.exp(rng.uniform(0, 14, n))}
    if opts.get("x_cap"):
        kw["x_cap"] = np.exp(rng.uniform(-2, 5, n))
    if opts.get("overlap"):
        kw["overlap"] = rng.uniform(0, 0.3, n)
        kw["runtime_penalty"] = rng.uniform(0, 0.5, n)
    return kw


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    with np.errstate(all="ignore"):
        return np.where(a == b, 0.0, np.abs(a - b) / np.abs(b))


# ---------------------------------------------------------------------------
# Light import, contract, assumptions
# ---------------------------------------------------------------------------

def test_import_powermodel_loads_no_sympy():
    code = ("import sys, powermodel as pm\n"
            "pm.Model('power', c=1.0, k=2.0).solve(N=10, P=100)\n"
            "assert 'sympy' not in sys.modules, 'sympy loaded by import powermodel'\n"
            "pm.Model('power', c=1.0, k=2.0).symbolic.optimum()\n"
            "assert 'sympy' in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_contract_power_by_hand():
    # f = x^2: f'(x) = 2x = N gives x* = N/2 (model.md); budget sqrt(P) binds at N = 2 sqrt(P).
    m = pm.Model("power", c=1.0, k=2.0)
    assert isinstance(m.symbolic, pm.SymbolicModel)  # the lazy export
    opt = m.symbolic.optimum()
    assert isinstance(opt, sp.Expr)
    assert opt.free_symbols == {S.N, S.P}
    N, P = S.N, S.P
    assert sp.simplify(opt - sp.Piecewise((sp.sqrt(P), N >= 2 * sp.sqrt(P)), (N / 2, True))) == 0
    th = m.symbolic.thresholds()
    assert {"onset", "budget", "cap", "dominance"} <= set(th)
    assert th["onset"] == 0
    assert sp.simplify(th["budget"] - 2 * sp.sqrt(P)) == 0
    # dominance: x = (P - x^2)/N with N = 2x  ->  3x^2 = P, N = 2 sqrt(P/3)
    assert sp.simplify(th["dominance"] - 2 * sp.sqrt(P / 3)) == 0


def test_symbolic_parameters_stay_symbols_and_assumptions():
    sm = pm.Model("quadratic", c=2.0).symbolic
    syms = sm.symbols
    assert syms["x"].is_nonnegative and syms["N"].is_positive and syms["P"].is_positive
    assert syms["c"].is_positive and syms["b"].is_nonnegative and not syms["b"].is_positive
    assert sm.cost() == 2 * S.x ** 2 + syms["b"] * S.x  # c substituted exactly, b symbolic
    assert sm.optimum().free_symbols == {S.N, S.P, syms["b"]}


def test_paper_closed_forms_by_hand():
    N, P = S.N, S.P
    sp_ = pm.Model("power").symbolic
    c, k = sp_.symbols["c"], sp_.symbols["k"]
    interior = sp_.regimes()["interior"][0]
    assert sp.simplify(interior - (N / (c * k)) ** (1 / (k - 1))) == 0
    se = pm.Model("exponential").symbolic
    c, a = se.symbols["c"], se.symbols["a"]
    assert sp.simplify(se.regimes()["interior"][0] - sp.log(N / (c * a)) / a) == 0
    assert se.thresholds()["onset"] == a * c
    sl = pm.Model("linear").symbolic
    c = sl.symbols["c"]
    assert sl.thresholds()["onset"] == c  # switches from 0 to the budget at N = c
    assert sl.optimum().subs({N: c / 2}) == 0 and sl.optimum().subs({N: 2 * c}) == P / c


def test_power_with_k_one_is_linear():
    sm = pm.Model("power", c=3.0, k=1.0).symbolic
    assert sm.optimum() == sp.Piecewise((0, S.N <= 3), (S.P / 3, True))


# ---------------------------------------------------------------------------
# Lambdified closed forms against the numeric solver
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("opts", OPTIONS, ids=("paper", "cap", "extensions"))
def test_lambdified_outputs_agree_with_solver(family, opts):
    rng = np.random.default_rng(sum(map(ord, family)) + len(opts))
    n = 600
    d, kw = draw(family, n, rng), inputs(opts, n, rng)
    s = pm.solve(family, **kw, **d)
    sm = pm.Model(family).symbolic
    for what in ("x", "value", "learned_share", "compute_multiplier", "x_budget"):
        got = sm.lambdify(what, **opts)(**kw, **d)
        assert np.all(rel(got, getattr(s, what)) <= 1e-9), what
    if opts.get("x_cap"):
        assert {"cap", "budget"} <= set(s.regime.tolist())


def test_lambdify_is_cached_and_uses_cse(monkeypatch):
    sm = pm.Model("exponential", c=1.5).symbolic
    f1 = sm.lambdify("value")
    calls = []
    real = sp.lambdify
    monkeypatch.setattr(sp, "lambdify", lambda *a, **k: calls.append(k) or real(*a, **k))
    f2 = pm.Model("exponential", c=1.5).symbolic.lambdify("value")
    assert f1._func is f2._func and calls == []
    S._compiled.cache_clear()
    pm.Model("exponential", c=1.5).symbolic.lambdify("value")
    assert calls and calls[0].get("cse") is True


# ---------------------------------------------------------------------------
# Thresholds against the numeric solver
# ---------------------------------------------------------------------------

def _straddle(family, N_t, pred, kw, d, eps=1e-9):
    """pred is False just below N_t and True just above (relative eps)."""
    lo = pm.solve(family, N=N_t * (1 - eps), **kw, **d)
    hi = pm.solve(family, N=N_t * (1 + eps), **kw, **d)
    return ~pred(lo) & pred(hi)


PREDICATES = {
    "onset": lambda s: s.x > 0,
    "budget": lambda s: s.regime == "budget",
    "cap": lambda s: s.regime == "cap",
    "dominance": lambda s: s.learned_share >= 0.5,
}


@pytest.mark.filterwarnings("ignore::powermodel.AccuracyWarning")  # N within 1e-9 of c*a
@pytest.mark.parametrize("family", ("power", "exponential", "linear", "quadratic"))
@pytest.mark.parametrize("opts", OPTIONS, ids=("paper", "cap", "extensions"))
def test_closed_form_thresholds_agree_with_solver(family, opts):
    rng = np.random.default_rng(7 + len(family) + 3 * len(opts))
    n = 300
    d, kw = draw(family, n, rng), inputs(opts, n, rng)
    kw.pop("N")
    th = pm.Model(family).symbolic.thresholds(**opts)
    funcs = th.functions()
    checked = 0
    for name, pred in PREDICATES.items():
        N_t = np.broadcast_to(funcs[name](**kw, **d), (n,))
        live = np.isfinite(N_t) & (N_t > 0)
        if name == "onset" and family == "power":
            assert np.all(N_t == 0)  # f'(0) = 0: x* > 0 for every N
            continue
        if name == "cap" and not opts.get("x_cap"):
            assert np.all(np.isinf(N_t))
            continue
        if not live.any():
            continue
        sub = {k: v[live] for k, v in {**kw, **d}.items()}
        ok = _straddle(family, N_t[live], pred, {k: sub[k] for k in kw},
                       {k: sub[k] for k in d})
        assert ok.all(), (name, np.flatnonzero(~ok)[:3])
        checked += live.sum()
    assert checked > 100


def test_never_reached_thresholds_are_infinite():
    # with overlap rho, n = N/(1 + rho (N - 1)) < 1/rho: a threshold above 1/rho is never reached
    th = pm.Model("linear", c=5.0).symbolic.thresholds(overlap=0.5)
    assert th["onset"] == sp.oo
    assert pm.Model("linear", c=5.0).solve(N=1e12, P=10.0, overlap=0.5).x == 0.0
    th = pm.Model("linear", c=1.5).symbolic.thresholds(overlap=0.5)
    assert th["onset"] == 3  # n = 2N/(N + 1) = 1.5 at N = 3


def test_power_logN_thresholds_numeric():
    m = pm.Model("power-logN", c=1.0, k=2.0, beta=0.5)
    th = m.symbolic.thresholds(P=1e6)
    Nb = float(th["budget"])
    # independent check: at the budget threshold f'(X_budget; N) = N, X_budget = sqrt(P / c')
    cprime = 1.0 * (1 + 0.5 * np.log(Nb))
    assert rel(2 * cprime * np.sqrt(1e6 / cprime), Nb) < 1e-9
    for name in ("budget", "dominance"):
        assert _straddle("power-logN", float(th[name]), PREDICATES[name], {"P": 1e6},
                         {"c": 1.0, "k": 2.0, "beta": 0.5})
    # without numbers the budget threshold is the (implicit) solution set of an equation
    assert isinstance(pm.Model("power-logN").symbolic.thresholds()["budget"], sp.ConditionSet)


def test_overhead_jump_point():
    F, s, c, k, P = 100.0, 0.1, 1.0, 2.0, 1e6
    m = pm.Model("overhead", F=F, s=s, c=c, k=k)
    with pytest.raises(pm.UnsolvableError, match="not convex"):
        m.symbolic.optimum()
    with pytest.raises(pm.UnsolvableError, match="numerically"):
        m.symbolic.thresholds()
    th = m.symbolic.thresholds(P=P)
    Nj = float(th["jump"])
    assert th["onset"] == th["jump"]
    # by hand: at the jump h(x1) = h(0) with f'(x1) = N: x^2 + F(1 - e^{-x/s}) = N x, 2x ~ N
    # (e^{-x/s} negligible) -> x1 = sqrt(F) = 10, N_j = 20, far below the local onset F/s.
    assert rel(Nj, 20.0) < 1e-9
    lo, hi = m.solve(N=Nj * (1 - 1e-9), P=P), m.solve(N=Nj * (1 + 1e-9), P=P)
    assert lo.x == 0.0 and hi.x > 9.0  # a leap, not a continuous rise
    for name in ("budget", "dominance"):
        assert _straddle("overhead", float(th[name]), PREDICATES[name], {"P": P},
                         {"F": F, "s": s, "c": c, "k": k})


# ---------------------------------------------------------------------------
# Statics and elasticities against finite differences of the numeric solver
# ---------------------------------------------------------------------------

def _central(family, name, kw, d, h=1e-5):
    """Central differences of x* and g* in one input, and whether the regime is constant."""
    allv = {**kw, **d}
    name = {"rho": "overlap", "lambda": "runtime_penalty"}.get(name, name)
    out = []
    for sgn in (-1, 1):
        v = dict(allv)
        v[name] = allv[name] * (1 + sgn * h)
        out.append(pm.solve(family, **v))
    mid = pm.solve(family, **allv)
    step = 2 * h * allv[name]
    same = (out[0].regime == mid.regime) & (out[1].regime == mid.regime)
    return ((out[1].x - out[0].x) / step, (out[1].value - out[0].value) / step, same, mid)


STATICS_CASES = [(f, o) for f in FAMILIES for o in OPTIONS[:2]] + [
    ("power", OPTIONS[2]), ("quadratic", OPTIONS[2]), ("linear", OPTIONS[2])]


@pytest.mark.parametrize("family,opts", STATICS_CASES)
def test_statics_agree_with_finite_differences(family, opts):
    rng = np.random.default_rng(11 + len(family) + len(opts))
    n = 200
    d, kw = draw(family, n, rng), inputs(opts, n, rng)
    st = pm.Model(family).symbolic.statics(**opts)
    sm = pm.Model(family).symbolic
    for name in st.x:
        fx, fg = sm.lambdify(st.x[name], **opts), sm.lambdify(st.value[name], **opts)
        ddx, ddg, same, mid = _central(family, name, kw, d)
        ax, ag = np.broadcast_to(fx(**kw, **d), (n,)), np.broadcast_to(fg(**kw, **d), (n,))
        theta = {**kw, **d}[{"rho": "overlap", "lambda": "runtime_penalty"}.get(name, name)]
        # honest tolerance: 1e-6 of the derivative's natural scale y/theta
        tol_x = 1e-6 * (np.abs(ax) + np.abs(mid.x) / theta)
        tol_g = 1e-6 * (np.abs(ag) + np.abs(mid.value) / theta)
        assert same.mean() > 0.9
        assert np.all(np.abs(ddx - ax)[same] <= tol_x[same]), (name, "x")
        assert np.all(np.abs(ddg - ag)[same] <= tol_g[same]), (name, "value")


def test_statics_interior_forms_from_the_paper():
    # model.md: dx*/dN = 1/f''(x*), dx*/dP = 0, dg*/dP = 1/N, dg*/dN = -(P - f(x*))/N^2
    for family in ("power", "exponential", "quadratic"):
        sm = pm.Model(family).symbolic
        f = sm.cost()
        imp = sm.statics().implicit["interior"]
        assert sp.simplify(imp["x"]["N"] - 1 / sp.diff(f, S.x, 2)) == 0
        assert imp["x"]["P"] == 0 and sp.simplify(imp["value"]["P"] - 1 / S.N) == 0
        assert sp.simplify(imp["value"]["N"] + (S.P - f) / S.N ** 2) == 0
        bud = sm.statics().implicit["budget"]
        assert sp.simplify(bud["x"]["P"] - 1 / sp.diff(f, S.x)) == 0


def test_elasticities_closed_form_power():
    # x* = (N/(c k))^(1/(k-1)): elasticity 1/(k-1) in N, -1/(k-1) in c
    el = pm.Model("power", k=3.0).symbolic.elasticities()
    interior = el.x["N"].args[-1][0]
    assert interior == sp.Rational(1, 2)
    assert el.x["c"].args[-1][0] == -sp.Rational(1, 2)


@pytest.mark.parametrize("family,params", [
    ("power", {"c": 0.7, "k": 2.5}),
    ("exponential", {"c": 2.0, "a": 0.3}),
    ("quadratic", {"c": 0.5, "b": 3.0}),
    ("overhead", {"F": 100.0, "s": 0.1, "c": 1.0, "k": 2.0}),   # no closed-form x*
    ("c*x**3 + exp(x)", {"c": 1.0}),                            # SymPy cannot solve
    ("power-logN", {"c": 1.0, "k": 2.0, "beta": 0.5}),
])
@pytest.mark.parametrize("N,P,cap", [(300.0, 1e6, None), (300.0, 2e3, None), (300.0, 1e6, 20.0)])
def test_elasticity_values_against_log_differences(family, params, N, P, cap):
    m = pm.Model(family, **params)
    e = m.symbolic.elasticity_values(N=N, P=P, x_cap=cap)
    h = 1e-6
    base = {"N": N, "P": P, "x_cap": cap, **params}
    s0 = m.solve(N=N, P=P, x_cap=cap)
    assert set(e) == {"x", "value", "learned_share"}
    assert set(e["x"]) == set(k for k, v in base.items() if v is not None)
    for name, v in base.items():
        if v is None:
            continue
        sols = [m.solve(**{**base, name: v * np.exp(t)}) for t in (-h, h)]
        if any(s.regime != s0.regime for s in sols):
            continue
        for out in ("x", "value", "learned_share"):
            y = [getattr(s, out) for s in sols]
            fd = (np.log(y[1]) - np.log(y[0])) / (2 * h)
            assert abs(fd - e[out][name]) <= 1e-6 * (1 + abs(fd)), (name, out, fd, e[out][name])


def test_elasticity_values_with_extensions():
    m = pm.Model("power", c=1.0, k=2.0)
    point = {"N": 300.0, "P": 1e6, "overlap": 0.1, "runtime_penalty": 0.2}
    e = m.symbolic.elasticity_values(**point)
    h = 1e-6
    for name in point:
        y = [m.solve(**{**point, name: point[name] * np.exp(t)}).x for t in (-h, h)]
        fd = (np.log(y[1]) - np.log(y[0])) / (2 * h)
        assert abs(fd - e["x"][name]) <= 1e-6 * (1 + abs(fd)), name
    # the sensitivity module uses it: symbolic and finite differences agree
    ls = pm.local_sensitivity(m, point)
    assert ls.method["x"] == "symbolic"
    fd = pm.local_sensitivity(m, point, method="finite-difference")
    for name in point:
        assert abs(ls.elasticities["x"][name] - fd.elasticities["x"][name]) < 1e-6


def test_elasticity_values_none_regime_and_errors():
    e = pm.Model("exponential", c=1.0, a=1.0).symbolic.elasticity_values(N=0.5, P=10.0)
    assert np.isnan(e["x"]["N"]) and np.isnan(e["learned_share"]["P"])
    assert e["value"]["P"] == pytest.approx(1.0)  # g* = P/N at x* = 0
    with pytest.raises(pm.InputError, match="scalar"):
        pm.Model("power", c=1.0, k=2.0).symbolic.elasticity_values(N=[1.0, 2.0], P=10.0)
    with pytest.raises(pm.InputError, match="`N` must be positive"):
        pm.Model("power", c=1.0, k=2.0).symbolic.elasticity_values(N=-1.0, P=10.0)


# ---------------------------------------------------------------------------
# User expressions
# ---------------------------------------------------------------------------

def test_user_expression_solvable_matches_solver():
    m = pm.Model("c*x**3", c=2.0)
    opt = m.symbolic.optimum()
    # by hand: 6 x^2 = N -> x* = sqrt(N/6); budget (P/2)^(1/3)
    assert sp.simplify(opt.args[-1][0] - sp.sqrt(S.N / 6)) == 0
    f = m.symbolic.lambdify("x")
    N = np.geomspace(0.1, 1e6, 50)
    assert np.all(rel(f(N=N, P=1e6), m.solve(N=N, P=1e6).x) <= 1e-9)


def test_user_expression_with_lambert_w_matches_solver():
    # f'(x) = c a e^{a x} + b; the budget c (e^{a x} - 1) + b x = P needs Lambert's W
    m = pm.Model("c*exp(a*x) - c + b*x", a=0.5, b=1.0, c=2.0)
    assert m.symbolic.budget().has(sp.LambertW)
    assert m.symbolic.thresholds()["onset"] == 2  # f'(0) = c a + b
    N = np.geomspace(0.1, 1e4, 40)
    for P in (1.0, 30.0, 1e3):
        s = m.solve(N=N, P=P)
        assert {"none", "budget"} <= set(s.regime.tolist())
        assert np.all(rel(m.symbolic.lambdify("x")(N=N, P=P), s.x) <= 1e-9)


def test_user_expression_sympy_cannot_solve():
    m = pm.Model("c*x**3 + exp(x)", c=1.0)
    with pytest.raises(pm.UnsolvableError, match="SymPy cannot solve"):
        m.symbolic.optimum()
    with pytest.raises(pm.UnsolvableError):
        m.symbolic.thresholds()
    # the numeric solver still answers: check the first-order condition 3x^2 + e^x = N by hand
    s = m.solve(N=1e3, P=1e8)
    assert s.regime == "interior"
    assert rel(3 * s.x ** 2 + np.exp(s.x), 1e3) < 1e-12
    # and thresholds are found numerically when P is given: onset f'(0) = 1
    assert rel(float(m.symbolic.thresholds(P=1e4)["onset"]), 1.0) < 1e-9


@pytest.mark.parametrize("expr", ["c*sqrt(x)", "c*log(1 + x)", "c*x + d*sqrt(x)"])
@pytest.mark.parametrize("cap", [False, True])
def test_concave_user_costs_jump_to_the_end_point(expr, cap):
    # concave f: h(x) = x - f(x)/N is convex, so x* is 0 or U = min(x_cap, X_budget)
    rng = np.random.default_rng(5)
    n = 80
    sm = pm.Model(expr).symbolic
    names = pm.Model(expr).parameters
    d = {k: np.exp(rng.uniform(-1, 1, n)) for k in names}
    kw = {"N": np.exp(rng.uniform(-3, 4, n)), "P": np.exp(rng.uniform(-1, 2.5, n))}
    if cap:
        kw["x_cap"] = np.exp(rng.uniform(-2, 3, n))
    s = pm.solve(expr, **kw, **d)
    got = sm.lambdify("x", x_cap=cap or None)(**kw, **d)
    assert np.all(rel(got, s.x) <= 1e-9)
    assert {"none", "budget"} <= set(s.regime.tolist()) and "interior" not in s.regime
    on = sm.thresholds(x_cap=cap or None).functions()["onset"]
    kw.pop("N")
    N_t = np.broadcast_to(on(**kw, **d), (n,))
    assert np.all(_straddle(expr, N_t, PREDICATES["onset"], kw, d))


def test_bounded_concave_cost_is_reported():
    with pytest.raises(pm.UnsolvableError, match="without bound"):
        pm.Model("c*(1 - exp(-x))", c=1.0).symbolic.optimum()
    assert pm.Model("c*(1 - exp(-x))", c=1.0).solve(N=10.0, P=5.0).regime == "unbounded"


def test_unknown_convexity_and_callables_are_reported():
    with pytest.raises(pm.UnsolvableError, match="convexity"):
        pm.Model("c*x**k").symbolic.optimum()  # c x^k may be concave for k < 1
    with pytest.raises(pm.UnsolvableError, match="callable"):
        pm.Model(lambda x, c: c * x ** 2, c=1.0).symbolic


def test_unverified_solution_is_rejected():
    # sympy.solve's candidates are checked by substitution; a wrong one is never returned
    core = pm.Model("quadratic").symbolic._core()
    good = core.invert(core.f, "f(x) = t")
    assert sp.simplify(core.f.subs(S.x, good) - S._T) == 0
    bad = good.subs(S._T, 2 * S._T).subs(S.x, S._XP)
    assert not core._verify(bad, core.f.subs(S.x, S._XP))


def test_number_literals_are_exact_rationals():
    # 0.5 x^2: x* = N (f' = x), X_budget = sqrt(2 P); a Float left in f would put every
    # inversion 15 digits off and the substitution check would reject it
    sm = pm.Model("0.5*x**2").symbolic
    assert sm.cost() == S.x ** 2 / 2
    P = sp.Symbol("P", positive=True)
    assert sm.optimum() == sp.Piecewise((sp.sqrt(2) * sp.sqrt(P), S.N >= sp.sqrt(2) * sp.sqrt(P)),
                                        (S.N, True))


def test_numeric_function_evaluates_roots_of_polynomials():
    # a kinked cost's thresholds can be CRootOf numbers, which NumPy cannot evaluate:
    # the real root of x^5 - x - 1 is 1.1673039782614187
    r = sp.CRootOf(S.x ** 5 - S.x - 1, 0)
    assert S.NumericFunction(r * S.N)(N=2.0) == pytest.approx(2 * 1.1673039782614187, rel=1e-15)


# ---------------------------------------------------------------------------
# Output: LaTeX, results, CLI
# ---------------------------------------------------------------------------

def test_latex_and_results():
    sm = pm.Model("quadratic", c=1.0, b=2.0).symbolic
    assert r"\begin{cases}" in sm.latex(sm.optimum())
    th = sm.thresholds()
    assert isinstance(th, dict) and th._repr_latex_().startswith("$")
    assert r"N_{\mathrm{budget}} &= 2 \sqrt{P + 1}" in th.latex()
    st = sm.statics()
    assert r"\frac{\partial x^*}{\partial N}" in st.latex() and st._repr_latex_().startswith("$")
    with pytest.raises(AttributeError):
        st.x = {}
    el = sm.elasticities()
    assert r"\varepsilon" in el.latex()
    d = sm.derive()
    assert "N/2 - 1" in d.text() and r"x^* &=" in d.latex()
    assert sm.lambdify("x")._repr_latex_().startswith("$")


def test_options_are_validated():
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    with pytest.raises(pm.InputError, match="`overlap` must be <= 1"):
        sm.optimum(overlap=2.0)
    with pytest.raises(pm.InputError, match="`x_cap` must be positive"):
        sm.optimum(x_cap=-1.0)
    with pytest.raises(pm.InputError, match="unknown output"):
        sm.lambdify("nope")
    with pytest.raises(pm.InputError, match="missing argument `P`"):
        sm.lambdify("x")(N=3.0)


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_derive_with_a_timeout_beyond_the_timers_range_is_no_limit(where, run_in):
    # setitimer and subprocess timeouts overflow past about 1e9 s
    out = {}

    def run():
        try:
            out["text"] = pm.Model("power", c=1.0, k=2.0).symbolic.derive(timeout=1e30).text()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            out["text"] = repr(exc)

    run_in(where, run)
    assert out["text"].startswith("cost         f(x) = x**2"), out["text"]


def test_derive_of_a_cost_with_kinks_works_piece_by_piece():
    # max(x, min(x^2, x^3)) is x up to 1 and x^2 beyond (tests/test_symbolic_kinked.py):
    # derived piece by piece, without the DiracDelta terms of f'' of max/min
    d = pm.Model("max(x, min(x**2, x**3))").symbolic.derive(timeout=60)
    assert d.convexity == "kinked-convex" and d.kinks == ((1, 1, 2),) and d.notes == ()
    assert "DiracDelta" not in d.text()


def test_cli_derive(capsys):
    assert main(["derive", "power", "--param", "c=1", "--param", "k=2"]) == 0
    out = capsys.readouterr().out
    assert "x* = Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/2, True))" in out
    assert "budget     2*sqrt(P)" in out and "dx*/dN" in out
    assert main(["derive", "exponential", "--latex"]) == 0
    assert r"\begin{aligned}" in capsys.readouterr().out
    assert main(["derive", "c*x**3 + exp(x)", "--param", "c=1"]) == 0
    assert "SymPy cannot solve" in capsys.readouterr().out
    assert main(["derive", "power", "--param", "q=1"]) == 2
    assert "unknown parameter `q`" in capsys.readouterr().err


def test_symbolic_model_takes_a_model_and_names_anything_else():
    # the engine is built from a Model; a bare cost gets an InputError naming it
    with pytest.raises(pm.InputError, match=r"`model` must be a powermodel.Model, got 'power'"):
        pm.SymbolicModel("power")
    assert pm.SymbolicModel(pm.Model("power", c=1.0, k=2.0)).optimum() == \
        pm.Model("power", c=1.0, k=2.0).symbolic.optimum()


def test_numeric_thresholds_of_a_regime_present_from_the_start_are_zero():
    # f = x^2 + 10 (1 - e^{-x^2}) is non-convex (f'' < 0 near x = 1) with f'(0) = 0: x* > 0
    # for every N > 0, so the onset is at N = 0, not at some grid point; x* rises from 0
    # there (x* ~ N/22), so no jump from 0 is reported; the budget threshold is found
    # by refinement: f'(X_budget) = N there
    m = pm.Model("x**2 + 10*(1 - exp(-x**2))")
    th = m.symbolic.thresholds(P=1e4)
    assert th["onset"] == 0 and "jump" not in th
    assert 0 < m.solve(N=1e-6, P=1e4).x < 1e-6
    xb = float(m.solve(N=1.0, P=1e4).x_budget)
    assert rel(float(th["budget"]), 2 * xb + 20 * xb * np.exp(-xb**2)) < 1e-9


# ---------------------------------------------------------------------------
# time limits without side effects; pickling
# ---------------------------------------------------------------------------

SLOW = "log1p(log1p(log1p(log1p(x)))) + x**2"   # SymPy takes minutes on its optimum


def test_a_time_limit_leaves_the_callers_alarm_and_handler_alone():
    import signal

    if not hasattr(signal, "setitimer"):
        pytest.skip("no interval timers here")
    fired = []

    def handler(signum, frame):
        fired.append(signum)

    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 120)
        m = pm.Model("power", c=1.0)
        d = m.symbolic.derive()                       # runs in a worker process
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert signal.getsignal(signal.SIGALRM) is handler
        assert 0 < left <= 120 and not fired          # the caller's alarm is still pending
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        assert d.text() == m.symbolic.derive().text()   # same as with the timer of its own
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("method", ["optimum", "thresholds", "statics"])
def test_the_symbolic_methods_have_a_time_limit(method):
    with pytest.raises(pm.UnsolvableError, match=rf"symbolic {method}\(\) did not finish "
                                                 r"within the time limit of 0.5 s"):
        getattr(pm.Model(SLOW).symbolic, method)(timeout=0.5)
    with pytest.raises(pm.InputError, match="`timeout`"):
        getattr(pm.Model("power").symbolic, method)(timeout=-1)


SAME_KEYWORDS = ["optimum", "regimes", "value", "learned_share", "compute_multiplier",
                 "thresholds", "statics", "elasticities", "derive"]


@pytest.mark.parametrize("method", SAME_KEYWORDS)
def test_the_symbolic_methods_take_the_same_keywords(method):
    # issue 21: optimum(P=...) raised TypeError while thresholds(P=...) took it
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    opts = dict(P=1e6, x_cap=None, overlap=0.0, runtime_penalty=0.0, timeout=60)
    out = getattr(sm, method)(**opts)
    assert out is not None
    with pytest.raises(pm.InputError, match="`P`"):
        getattr(sm, method)(P=-1.0)


def test_symbolic_results_at_a_given_budget():
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    # closed form for c x^2: x* = min(N/2, sqrt(P)) = Piecewise((1000, N >= 2000), (N/2, True))
    opt = sm.optimum(P=1e6)
    assert opt.free_symbols == {S.N}
    assert opt.subs(S.N, 100) == 50 and opt.subs(S.N, 10**4) == 1000
    assert opt.subs(S.N, 1999) == sp.Rational(1999, 2)
    th = sm.thresholds(P=1e6)  # 2 sqrt(P), 2 sqrt(P/3): numbers, no symbol P
    assert th["budget"] == 2000 and sp.simplify(th["dominance"] - 2000 / sp.sqrt(3)) == 0
    # g* = N/4 + P/N below the budget threshold, sqrt(P) above; dx*/dP = 1/(2 sqrt(P)) above
    assert sm.value(P=1e6).subs(S.N, 100) == 25 + 10**4
    st = sm.statics(P=1e6)
    assert st.x["P"].subs(S.N, 10**4) == sp.Rational(1, 2000)
    assert st.x["N"].subs(S.N, 100) == sp.Rational(1, 2)
    assert sm.elasticities(P=1e6).x["N"].subs(S.N, 100) == 1
    assert sm.regimes(P=1e6)["budget"][0] == 1000
    # P left out: the symbol P stays
    assert S.P in sm.optimum().free_symbols


def test_symbolic_models_pickle_and_copy():
    import copy
    import pickle

    s = pm.Model("power", c=1.0).symbolic
    for t in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), copy.copy(s)):
        assert str(t.optimum()) == str(s.optimum()) and repr(t) == repr(s)


def test_latex_never_evaluates_a_string(tmp_path):
    # a string given to latex() is refused, not run through sympify (which evals it)
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    marker = tmp_path / "ran"
    payload = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    with pytest.raises(pm.InputError, match="`obj` must be a SymPy expression"):
        sm.latex(payload)
    with pytest.raises(pm.InputError):
        sm.latex([payload])
    assert not marker.exists()
    assert sm.latex(2.5) == "2.5" and sm.latex((sm.foc().lhs, 1)) == r"\left( 2 x, \  1\right)"


def test_numeric_function_never_evaluates_a_string(tmp_path):
    from powermodel.symbolic.numeric import NumericFunction

    marker = tmp_path / "ran"
    with pytest.raises(pm.InputError, match="`expr` must be a SymPy expression"):
        NumericFunction(f"__import__('pathlib').Path({str(marker)!r}).write_text('x')")
    assert not marker.exists()
    N = sp.Symbol("N", positive=True)
    assert NumericFunction(N / 2)(N=3.0) == 1.5


@pytest.mark.parametrize("expr, params, leaps", [
    ("overhead", dict(F=100.0, s=0.1, c=1.0, k=2.0), True),            # 0 -> 10 at N = 20
    ("x + x**2 + 0.3*sin(3*x)", {}, False),   # non-convex, but convex at 0: x* rises from 0
])
def test_a_numeric_jump_is_reported_only_where_x_leaps(expr, params, leaps):
    m = pm.Model(expr, **params)
    th = m.symbolic.thresholds(P=1e4)
    n0 = float(th["onset"])
    below, above = (m.solve(N=n0 * (1 + d), P=1e4).x for d in (-1e-9, 1e-9))
    assert below == 0.0
    assert ("jump" in th) == leaps == (above > 1e-3)
    if leaps:
        assert th["jump"] == th["onset"]


@pytest.mark.parametrize("expr", ["cbrt(x) + x**2", "x**(1/3) + x**2"])
def test_curvature_huge_near_zero_does_not_hide_a_change_of_sign(expr):
    # f'' = 2 - 2/(9 x^(5/3)): about -1e13 at x = 1e-8 (the largest |f''| sampled), +2 for
    # large x, zero at x0 = 9^(-3/5). A rounding allowance scaled by the largest value
    # (1e-12 * 1e13 = 10 > 2) called this cost concave and solved it as a jump from 0 to U.
    x0 = 9.0 ** -0.6
    d2 = lambda t: 2 - 2 / (9 * t ** (5 / 3))  # noqa: E731
    assert d2(x0 / 2) < 0 < d2(2 * x0)
    core = pm.Model(expr).symbolic._core()
    assert core.kind == "nonconvex"
    with pytest.raises(pm.UnsolvableError, match="not convex"):
        pm.Model(expr).symbolic.optimum()
    # the numeric solver's x* is interior here (h'(x*) = 0), not an end point as for a concave cost
    s = pm.Model(expr).solve(N=10.0, P=100.0)
    assert s.regime == "interior"
    assert abs((s.x ** (-2 / 3) / 3 + 2 * s.x) - 10.0) < 1e-9
