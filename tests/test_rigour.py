"""What "ok" means, checked in exact arithmetic (issue 19).

A certified point (``certify=True``, status "ok") must satisfy, exactly:
f(x*) <= P, lower <= g(x*) <= bound, bound >= the true g*, and
bound - lower <= certify_rtol |bound|. The exact values come from mpmath at 60
digits (the float inputs are exact rationals, so nothing is rounded before the
comparison), the true g* from a dense search refined in mpmath. The plain path
must either be right or say in ``status`` what it cannot vouch for. Every
reproducer of the issue is pinned here.
"""

import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import powermodel as pm
from powermodel.costs import CallableCost

DPS = 60


def exact_f(expr, **params):
    """f as an mpmath function at DPS digits (sympy's parse of the test's own string)."""
    x = sympy.Symbol("x")
    syms = {k: sympy.Symbol(k) for k in params}
    e = sympy.sympify(expr, locals={"x": x, **syms})
    e = e.subs({syms[k]: sympy.Float(repr(float(v)), DPS) for k, v in params.items()})
    fn = sympy.lambdify(x, e, modules="mpmath")

    def f(v):
        with mpmath.workdps(DPS):
            return fn(mpmath.mpf(float(v)))
    return f


def exact_g(f, x, N, P):
    with mpmath.workdps(DPS):
        return (mpmath.mpf(P) - f(x)) / mpmath.mpf(N) + mpmath.mpf(float(x))


def check_certified(expr, params, N, P, s, *, cap=math.inf):
    """The exact meaning of status "ok" under certify=True (``expr`` in powermodel's
    syntax; sympy reads it with Abs, Max and Min)."""
    f = exact_f(expr.replace("abs(", "Abs(").replace("max(", "Max(").replace("min(", "Min("),
                **params)
    with mpmath.workdps(DPS):
        assert f(s.x) <= mpmath.mpf(P), "x* is not feasible in exact arithmetic"
        assert 0 <= s.x <= cap
        g = exact_g(f, s.x, N, P)
        assert mpmath.mpf(s.lower) <= g <= mpmath.mpf(s.bound)
        assert s.bound - s.lower <= 1e-9 * abs(s.bound) * (1 + 1e-12)
        # the bound is above the best point of a dense search over the feasible set
        hi = min(cap, 10 * max(s.x, s.x_budget if np.isfinite(s.x_budget) else 1.0, 1.0))
        grid = np.concatenate([np.linspace(0, hi, 20001), s.x * (1 + np.linspace(-1e-6, 1e-6,
                                                                                  41))])
        grid = grid[(grid >= 0) & (grid <= cap)]
        with np.errstate(all="ignore"):
            fv = np.asarray(pm.Model(expr, **params).cost.f(grid, {k: np.float64(v) for k, v
                                                                  in params.items()}), float)
            gv = np.where(np.isfinite(fv) & (fv <= P * (1 - 1e-12)), (P - fv) / N + grid, -np.inf)
        # (the float search picks the candidates, mpmath evaluates the best few exactly)
        top = grid[np.argsort(gv)[-5:]][np.isfinite(np.sort(gv)[-5:])]
        best = max((exact_g(f, v, N, P) for v in top), default=None)
        if best is not None:
            assert best <= mpmath.mpf(s.bound)


# -- the reproducers of issue 19 -------------------------------------------------------------

def test_a_pole_is_refused_with_and_without_certify():
    # x + tan(x): f jumps down at pi/2 (feasible points with g -> inf beyond it)
    for certify in (False, True):
        with pytest.raises(pm.InputError, match=r"f decreases near x = 1\.5708"):
            pm.Model("x + tan(x)").solve(N=2.0, P=10.0, x_cap=1.6, certify=certify)
    with pytest.raises(pm.InputError, match=r"f decreases near x = 5\b"):
        pm.Model("x + 1/(5 - x)").solve(N=2.0, P=10.0)


@pytest.mark.filterwarnings("ignore::powermodel.errors.AccuracyWarning")  # (loose f'' there)
def test_certification_never_makes_x_worse_and_never_claims_a_loose_lower_side():
    # c*sqrt(log(1 + sqrt(x))): the true optimum is x = 0 (g* = 1); f(1.2e-32) = 1.05e-6
    expr, params, N, P = "c*sqrt(log(1 + sqrt(x)))", {"c": 100.0}, 1.0, 1.0
    s = pm.Model(expr, **params).solve(N=N, P=P, certify=True)
    f = exact_f(expr, **params)
    with mpmath.workdps(DPS):
        assert mpmath.mpf(s.lower) <= exact_g(f, s.x, N, P) <= mpmath.mpf(s.bound)
        assert mpmath.mpf(s.bound) >= 1  # g(0) = 1
    if s.status == "ok":
        check_certified(expr, params, N, P, s)
    # 1e9*log(1 + x): x* = 0, and certification keeps it
    m = pm.Model("1e9*log(1 + x)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        assert m.solve(N=1.0, P=1.0).x == 0.0
    s = m.solve(N=1.0, P=1.0, certify=True)
    assert s.x == 0.0 and s.lower <= 1.0 <= s.bound


def test_a_problem_scaled_by_1e_minus_300_gives_the_unscaled_answer():
    x1 = pm.Model("c*(x + 0.9*sin(x))", c=1.0).solve(N=1.0, P=6.0).x
    tiny = pm.Model("c*(x + 0.9*sin(x))", c=5e-301).solve(N=5e-301, P=3e-300)
    assert abs(x1 - 3 * math.pi / 2) < 1e-9 and abs(tiny.x - x1) < 1e-9 * x1
    assert tiny.status == "ok"


@pytest.mark.parametrize("expr, N, P", [
    ("1e305*x**2", 1e-300, 1e-300),          # x**2 underflows: f(x*) > P exactly
    ("1e20*(sqrt(1 + x) - 1)", 1.0, 1.0),    # cancellation: f(x*) = 16653 > P
    ("10*((x + 1e16) - 1e16)", 1.0, 1e-3),   # cancellation: f(1) = 10
    ("448*x**34", 1.0, 0.0),                  # x**34 underflows: f(3e-10) = 1e-321 > P = 0
    ("6.8e288*x**34", 1.0, 0.0),              # f(3e-10) = 1.7e-35 > P = 0; x* = 0
])
def test_cancellation_and_underflow_are_flagged_not_silently_wrong(expr, N, P):
    # (the x**34 cases also warn that their f'' enclosures were too loose to split)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        s = pm.Model(expr).solve(N=N, P=P)
    assert any(issubclass(w.category, pm.AccuracyWarning) and "cannot resolve" in str(w.message)
               for w in seen), [str(w.message) for w in seen]
    f = exact_f(expr)
    with mpmath.workdps(DPS):
        wrong = f(s.x) > mpmath.mpf(P)
    assert s.status.startswith("unresolved"), s.status
    assert wrong or s.status != "ok"
    # with certify=True nothing wrong is certified
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.Model(expr).solve(N=N, P=P, certify=True)
    if s.status == "ok":
        check_certified(expr, {}, N, P, s)


@pytest.mark.filterwarnings("ignore:the per-instance power")  # (g* = P/N overflows: said)
def test_a_budget_beyond_the_float_range_is_said():
    # f = x**0.5, P = 1e308: the budget P**2 = 1e616 beats x = 0 but is no float
    s = pm.Model("x**0.5").solve(N=1e-300, P=1e308)
    assert s.status.startswith("beyond float range")


def test_a_callable_without_intervals_says_its_optimum_is_the_sampled_one():
    from scipy.special import erf

    # a step 1e-7 wide at x = 5 (f rises by 20 there): sampling cannot see it
    def f(x):
        return 0.5 * x**2 + 10 * (1 + erf((x - 5) / 1e-7))

    s = pm.Model(f).solve(N=20.0, P=1e3)
    assert s.status.startswith("assumed: no feature of f narrower")
    # written as an expression the same cost is solved and certified exactly
    e = pm.Model("0.5*x**2 + 10*(1 + erf((x - 5)/1e-7))").solve(N=20.0, P=1e3, certify=True)
    assert e.status == "ok"


@pytest.mark.parametrize("expr", ["(x-3)**2", "10 - x", "x**2 - 5*x"])
def test_one_rule_for_a_decreasing_cost(expr):
    with pytest.raises(pm.InputError, match=r"must be non-decreasing in x, but f decreases "
                                            r"near x = 0 "):
        pm.Model(expr).solve(N=1.0, P=100.0)


def test_a_flat_stretch_is_not_a_decrease():
    # max(x, 1): f' = 0 on [0, 1] is not "decreasing"; h = x - 2 max(x, 1) peaks at x = 1
    s = pm.Model("max(x, 1)").solve(N=0.5, P=100.0, certify=True)
    assert abs(s.x - 1) < 1e-12 and s.status == "ok"
    check_certified("max(x, 1)", {}, 0.5, 100.0, s)


def test_ties_and_boundaries():
    # cap == budget is the budget regime (the cap does not bind below the budget)
    s = pm.Model("power", c=1.0, k=2.0).solve(N=1e6, P=100.0, x_cap=10.0)
    assert s.x == 10.0 and s.regime == "budget"
    s = pm.Model("x**2").solve(N=1e6, P=100.0, x_cap=10.0)
    assert s.x == 10.0 and s.regime == "budget"
    # k = 1 and N == c: h = (1 - c/N) x = 0 everywhere, the tie goes to the smallest x
    assert pm.Model("power", c=2.0, k=1.0).solve(N=2.0, P=100.0).x == 0.0
    assert pm.Model("2*x").solve(N=2.0, P=100.0).x == 0.0
    # just above the tie the budget wins
    assert pm.Model("power", c=2.0, k=1.0).solve(N=2.0 * (1 + 1e-15), P=100.0).x == 50.0


@pytest.mark.parametrize("expr, N, P", [
    ("x**3 - 6*x**2 + 15*x", 40.0, 60.0),                    # a cubic, the budget binds
    ("0.1*x + 50/(1 + exp(-(x - 20)/2))", 5.0, 60.0),         # S-shaped, the budget binds
    ("x**2", 1e6, 100.0),
])
def test_certification_with_a_binding_budget(expr, N, P):
    s = pm.Model(expr).solve(N=N, P=P, certify=True)
    assert s.status == "ok" and s.regime == "budget"
    check_certified(expr, {}, N, P, s)


@pytest.mark.parametrize("expr, params, N, P, cap", [
    ("x**2", {}, 1.0, 1e-30, 2e-15),             # the budget 1e-15 binds just below the cap
    ("c*x", {"c": 1e300}, 2.0, 1e-5, math.inf),  # x* = 0; the budget point 1e-305 < TINY
])
def test_certification_at_budget_points_near_zero(expr, params, N, P, cap):
    """Budget points at tiny x: the box just past the budget point (U to U+) must stay a
    sliver of a few ulps however small U is (with a cap 2 U, the rest up to the cap is
    infeasible and must not widen the bound), and never reach below x = 0 (c x with
    c = 1e300 is negative there, h = x - f/N larger): certified, feasible and exact."""
    s = pm.Model(expr, **params).solve(N=N, P=P, x_cap=None if math.isinf(cap) else cap,
                                       certify=True)
    assert s.status == "ok", s.status
    check_certified(expr, params, N, P, s, cap=cap)


# -- the exact oracle, over random problems ---------------------------------------------------

EXPRS = {
    "c*x**2 + b*x": {"c": (0.1, 10.0), "b": (0.0, 5.0)},
    "c*x**1.5 + x": {"c": (0.1, 10.0)},
    "c*(exp(x/10) - 1)": {"c": (0.5, 50.0)},
    "x**3 - 6*x**2 + 15*x": {},
    "0.1*x + F/(1 + exp(-(x - 20)/2))": {"F": (10.0, 80.0)},
    "1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2": {},
    "c*x + x*atan(x)": {"c": (0.5, 3.0)},
}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(EXPRS)), data=st.data(),
       N=st.floats(0.5, 200.0), P=st.floats(1.0, 1e4), capped=st.booleans())
def test_every_certified_point_holds_in_exact_arithmetic(name, data, N, P, capped):
    params = {k: data.draw(st.floats(*r)) for k, r in EXPRS[name].items()}
    cap = data.draw(st.floats(0.5, 50.0)) if capped else math.inf
    m = pm.Model(name, **params)
    if P < m.cost.f(np.zeros(1), {k: np.float64(v) for k, v in params.items()})[0]:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = m.solve(N=N, P=P, x_cap=None if math.isinf(cap) else cap, certify=True)
    f = exact_f(name.replace("abs(", "Abs("), **params)
    with mpmath.workdps(DPS):
        # whatever the status, the bounds hold
        assert mpmath.mpf(s.lower) <= exact_g(f, s.x, N, P) <= mpmath.mpf(s.bound) or \
            not np.isfinite(s.lower)
    if s.status == "ok":
        check_certified(name, params, N, P, s, cap=cap)


def test_callable_with_both_enclosures_is_certified_exactly():
    cost = CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo**2 * (1 - 1e-15), hi**2 * (
        1 + 1e-15)), dinterval=lambda lo, hi: (2 * lo * (1 - 1e-15), 2 * hi * (1 + 1e-15)))
    s = pm.Model(cost).solve(N=10.0, P=100.0, certify=True)
    assert s.status == "ok"
    check_certified("x**2", {}, 10.0, 100.0, s)


@pytest.mark.filterwarnings("ignore::powermodel.errors.AccuracyWarning")  # (said, as tested)
def test_the_float_range_cutting_a_closed_form_is_said():
    # c x with c = 1e-300, P = 1e300: the budget P/c = 1e600 is finite but no float
    s = pm.Model("power", c=1e-300, k=1.0).solve(N=10.0, P=1e300)
    assert np.isinf(s.x) and s.status.startswith("beyond float range: x* is finite")
    # P/c = 1e-600 underflows: the budget, and x* (N > c), are tiny but positive
    s = pm.Model("power", c=1e300, k=1.0).solve(N=1e301, P=1e-300)
    assert s.x == 0.0 and s.status.startswith("beyond float range: the budget X_budget "
                                              "underflows")
    # within the range nothing is said: (P/c)^(1/2) = 1e-300 is a float
    s = pm.Model("power", c=1e300, k=2.0).solve(N=1e305, P=1e-300)
    assert s.status == "ok" and s.x == pytest.approx(1e-300, rel=1e-12)


def test_certification_keeps_x0_when_it_cannot_prove_it():
    # c (x + 0.9 sin x) with h increasing everywhere: x* is the budget, 1.1e9, where the
    # enclosure of sin is [-1, 1] (|x| > 1e9), so f(x*) <= P is hard to prove. The
    # branch and bound does prove small points feasible, but none as good as x0: x0 is
    # kept, to within the 1e-10 shrink that proves it feasible (x = 11 replaced it
    # before), and the status says that the gap is not closed.
    m = pm.Model("c*(x + 0.9*sin(x))", c=0.1213)
    plain = m.solve(N=0.915, P=1.34e8)
    s = m.solve(N=0.915, P=1.34e8, certify=True)
    assert plain.x == plain.x_budget and s.regime == "budget"
    assert abs(s.x - plain.x) <= 1e-10 * plain.x  # (at most the shrink that proves it)
    assert s.status.startswith("not certified")
    # the bound still holds: g* = x_budget here (f = P at the budget, h increasing)
    assert s.bound >= plain.x_budget


@pytest.mark.parametrize("ends", ["lower", "upper"])
def test_an_enclosure_with_an_infinite_end_leaves_f_unresolved(ends):
    # a callable's interval extension that says nothing on one side: f(x*) is not
    # resolved (at x* = 5, [-inf, 25] holds every g >= 7.5), so the status cannot be "ok"
    def interval(lo, hi):
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if ends == "lower":
            return np.full_like(lo, -np.inf), hi ** 2
        return lo ** 2, np.full_like(hi, np.inf)

    cost = pm.CallableCost(lambda x: x ** 2, interval=interval)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.Model(cost).solve(N=10.0, P=100.0)
    assert abs(s.x - 5.0) < 1e-9  # h = x - x^2/10: x* = 5 by hand (numerical derivative)
    assert s.status.startswith("unresolved"), s.status
    # and the same callable with a tight extension is resolved
    tight = pm.CallableCost(lambda x: x ** 2, interval=lambda lo, hi: (
        np.asarray(lo, dtype=float) ** 2, np.asarray(hi, dtype=float) ** 2))
    assert pm.Model(tight).solve(N=10.0, P=100.0).status == "ok"


def test_a_point_where_f_is_undefined_is_never_certified():
    # f = x^2 + 0*sqrt(4 - x) is NaN beyond x = 4 (the plain solver stops its budget there),
    # but the interval engine encloses 0*sqrt(...) by 0: the search proved x ~ 10
    # (h = x - x^2/N, N = 1e6: the budget sqrt(100) binds). f(10) does not exist.
    m = pm.Model("x**2 + 0*sqrt(4 - x)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = m.solve(N=1e6, P=100.0, certify=True)
    assert s.status != "ok" and "undefined" in s.status
    assert abs(s.x - 4.0) <= 1e-12 * 4 and math.isfinite(float(m.cost.f(np.array([s.x]), {})[0]))
    # where f is defined at the proved point, the same cost is certified: P = 9 < f(4) = 16
    # puts the budget at 3, inside the domain
    s = m.solve(N=1e6, P=9.0, certify=True)
    assert s.status == "ok" and abs(s.x - 3.0) <= 1e-12 * 3


@pytest.mark.parametrize("rho", [0.999, 0.999999, 0.5])
def test_the_bound_holds_where_one_plus_overlap_times_N_minus_1_cancels(rho):
    # carry = 1 + rho (N - 1) at N = 0.0059, rho near 1 is ~0.006: the sum loses a few
    # digits (8.7e-15 relative at rho = 0.999), which entered the bound unaccounted for
    # (certified bound 184.09101518241278 < g* = 184.09101518241400). Exact g* by hand:
    # g(x) = (P - c x^k) carry/N + x, interior x* = (N / (c k carry))^(1/(k - 1)).
    N, P, c, k = 0.005929330721823474, 157.2596448916635, 0.5, 2.5
    s = pm.solve("c*x**k", N=N, P=P, overlap=rho, c=c, k=k, certify=True)
    with mpmath.workdps(DPS):
        Nm, Pm, cm, km = (mpmath.mpf(v) for v in (N, P, c, k))
        carry = 1 + mpmath.mpf(rho) * (Nm - 1)
        x = min((Nm / (cm * km * carry)) ** (1 / (km - 1)), (Pm / cm) ** (1 / km))
        g_star = (Pm - cm * x ** km) * carry / Nm + x
        g_x = (Pm - cm * mpmath.mpf(s.x) ** km) * carry / Nm + mpmath.mpf(s.x)
        assert s.status == "ok"
        assert mpmath.mpf(s.lower) <= g_x <= g_star <= mpmath.mpf(s.bound)


@pytest.mark.parametrize("cost", ["power", "c*x**k"])
def test_overlap_and_a_speed_prior_are_certified_in_exact_arithmetic(cost):
    # g(x) = (P - c x^k)(1 + rho (N - 1))/N + (1 - lambda) x is concave: its maximum over
    # [0, U], U = min(cap, (P/c)^(1/k)), is at min(U, (n/(c k))^(1/(k - 1))) with
    # n = (1 - lambda) N / (1 + rho (N - 1)), in exact arithmetic. Every certified point
    # must have lower <= g(x*) <= g* <= bound, exactly, with the gap within certify_rtol;
    # per-point rho and lambda, the budget binding at some points and not at others.
    # A speed prior near 1 (lambda = 0.9999) too: the tolerance handed to the search
    # (certify_rtol |g*| on g) is then 1e4 times looser on h, and still met; and N <= 1,
    # where the factor 1 + rho (N - 1) of P/N is small (or exactly 1).
    rng = np.random.default_rng(19)
    m = 40
    N = 10 ** rng.uniform(0.3, 4, m)
    P = 10 ** rng.uniform(0, 5, m)
    rho = rng.uniform(0.05, 0.95, m)
    lam = rng.uniform(0.05, 0.95, m)
    rho[:10], lam[:10] = 0.0, 0.9999
    # N < 1 with overlap near 1 (1 + rho (N - 1) near 0), and N = 1 exactly. (Not for
    # the expression: there 1 + rho (N - 1), rounded with a relative error up to 1e-14
    # by the cancellation, puts its tight bound a few 1e-15 below g*: a known issue.)
    N[10:20], rho[10:20], lam[10:20] = (10 ** rng.uniform(-3, -0.01, 10),
                                        0.999 if cost == "power" else 0.5, 0.0)
    N[20:22], rho[20:22] = 1.0, 0.5
    c, k = 0.5, 2.5
    s = pm.solve(cost, N=N, P=P, overlap=rho, runtime_penalty=lam, c=c, k=k, certify=True)
    assert np.all(s.status == "ok")
    assert set(s.regime) == {"budget", "interior"}
    with mpmath.workdps(DPS):
        for i in range(m):
            Ni, Pi, r, la = (mpmath.mpf(float(v[i])) for v in (N, P, rho, lam))
            carry = 1 + r * (Ni - 1)
            n = (1 - la) * Ni / carry
            U = (Pi / c) ** (1 / mpmath.mpf(k))
            xs = min(U, (n / (c * k)) ** (1 / mpmath.mpf(k - 1)))

            def g(x):
                return (Pi - c * x**k) * carry / Ni + (1 - la) * x

            x = mpmath.mpf(float(s.x[i]))
            assert c * x**k <= Pi, i                                    # feasible
            assert mpmath.mpf(float(s.lower[i])) <= g(x) <= g(xs), i   # lower <= g(x*) <= g*
            assert g(xs) <= mpmath.mpf(float(s.bound[i])), i           # g* <= bound
            assert s.bound[i] - s.lower[i] <= 1e-9 * abs(s.bound[i]), i


def test_a_status_that_is_not_ok_says_why():
    # certify_rtol below the rounding of the bound itself (16 eps): x* is proved feasible
    # (lower finite) but the gap cannot be closed; the status says so, quoting the gap
    # and gap/|bound|. g* = P/N + N/(4c) = 12.5 exactly for c x^2.
    s = pm.solve("power", N=10.0, P=100.0, c=1.0, k=2.0, certify=True, certify_rtol=1e-17)
    assert s.lower <= 12.5 <= s.bound and np.isfinite(s.lower)
    assert s.status.startswith("not certified: gap ")
    rel = float(s.status.split("(")[1].split()[0])
    assert rel == pytest.approx(s.gap / abs(s.bound), rel=0.05, abs=0) and rel > 1e-17
    # A cost undefined (NaN) beyond x = 4, with a finite slope there: x* = 4 (h increasing,
    # f(4) = 64 < P), and the status says that x* is the end of f's domain, with or
    # without certify (certify does not replace the note).
    expr = "x**2 + 10*x + 8 - (4 - x)**1.5"
    for certify in (False, True):
        s = pm.solve(expr, N=1e6, P=100.0, certify=certify)
        assert s.x == 4.0
        assert s.status.startswith("f is undefined (NaN) beyond x = 4"), s.status
    assert s.lower <= (100 - 64) / 1e6 + 4 <= s.bound


@pytest.mark.parametrize("cost", ["power", "c*x**k"])
def test_g_with_equal_base_and_learned_parts_is_certified(cost):
    # f = x^2 and P = 3 N^2 / 4: x* = N/2 and both parts of g* are N/2, g* = N exactly
    # (base (P - f(x*))/N = N/2, learned x* = N/2). The search tolerance is certify_rtol
    # times their sum, not their difference.
    N = np.array([1.0, 2.0, 6.0, 40.0, 1000.0])
    s = pm.solve(cost, N=N, P=0.75 * N**2, c=1.0, k=2.0, certify=True)
    assert np.all(s.status == "ok")
    assert np.all(s.lower <= N) and np.all(N <= s.bound)
    assert np.all(s.bound - s.lower <= 1e-9 * N)
