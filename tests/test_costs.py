"""Cost families: formulas, derivatives, closed-form optima and budgets against
independent expressions (model.md), and parameter checks."""

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import powermodel as pm
from powermodel.costs import FAMILIES, make_cost

logu = st.floats(-3, 3).map(lambda e: 10.0 ** e)
kexp = st.floats(1.05, 5.0)

FAMILY_PARAMS = {
    "power": {"c": 1.7, "k": 2.6},
    "exponential": {"c": 0.8, "a": 0.3},
    "linear": {"c": 2.5},
    "quadratic": {"c": 0.6, "b": 1.5},
    "overhead": {"F": 20.0, "s": 0.4, "c": 0.9, "k": 2.2},
    "power-logN": {"c": 1.2, "k": 2.0, "beta": 0.5, "N": 30.0},
}
FORMULAS = {
    "power": lambda x, c, k: c * x**k,
    "exponential": lambda x, c, a: c * (np.exp(a * x) - 1),
    "linear": lambda x, c: c * x,
    "quadratic": lambda x, c, b: c * x**2 + b * x,
    "overhead": lambda x, F, s, c, k: F * (1 - np.exp(-x / s)) + c * x**k,
    "power-logN": lambda x, c, k, beta, N: c * x**k * (1 + beta * np.log(N)),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_family_value_and_derivatives(name):
    cost = make_cost(name)
    p = FAMILY_PARAMS[name]
    x = np.linspace(0.05, 5, 41)
    f = FORMULAS[name]
    np.testing.assert_allclose(cost.f(x, p), f(x, **p), rtol=1e-12)
    h = 1e-5
    np.testing.assert_allclose(cost.df(x, p), (f(x + h, **p) - f(x - h, **p)) / (2 * h), rtol=1e-7)
    np.testing.assert_allclose(cost.d2f(x, p), (cost.df(x + h, p) - cost.df(x - h, p)) / (2 * h),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_family_formula_matches_numpy(name):
    """The expression string (used by the symbolic engine) is the same function."""
    fam = make_cost(name)
    expr = make_cost(fam.formula)
    p = FAMILY_PARAMS[name]
    x = np.geomspace(1e-3, 10, 25)
    np.testing.assert_allclose(expr.f(x, p), fam.f(x, p), rtol=1e-12)
    np.testing.assert_allclose(expr.df(x, p), fam.df(x, p), rtol=1e-12)


def _ref_optimum(xint, xbudget, cap):
    """Independent convex rule: clip the interior root to [0, min(budget, cap)]."""
    return np.clip(xint, 0, min(xbudget, cap))


@given(N=logu, P=logu.map(lambda v: v * 100), c=logu, k=kexp,
       cap=st.one_of(st.none(), logu))
def test_power_closed_form(N, P, c, k, cap):
    s = pm.Model("power", c=c, k=k).solve(N=N, P=P, x_cap=cap)
    xint = (N / (c * k)) ** (1 / (k - 1))
    ref = _ref_optimum(xint, (P / c) ** (1 / k), np.inf if cap is None else cap)
    assert s.x == pytest.approx(ref, rel=1e-12)
    assert s.value == pytest.approx((P - c * ref**k) / N + ref, rel=1e-9, abs=1e-12 * P / N)


@pytest.mark.filterwarnings(  # (N within 1e-6 of c*a: said, and x* still checked)
    "ignore:N is so close to c\\*a:powermodel.errors.AccuracyWarning")
@given(N=logu, P=logu, c=logu, a=logu, cap=st.one_of(st.none(), logu))
def test_exponential_closed_form(N, P, c, a, cap):
    s = pm.Model("exponential", c=c, a=a).solve(N=N, P=P, x_cap=cap)
    # (log1p: log(1 + P/c) loses the digits of a small P/c, 6.5e-12 at P/c = 1e-5)
    ref = _ref_optimum(np.log(N / (c * a)) / a, np.log1p(P / c) / a,
                       np.inf if cap is None else cap)
    assert s.x == pytest.approx(ref, rel=1e-12, abs=1e-300)
    assert (s.regime == "none") == (N <= c * a or ref == 0)


@given(N=logu, P=logu, c=logu, b=st.one_of(st.just(0.0), logu), cap=st.one_of(st.none(), logu))
def test_quadratic_closed_form(N, P, c, b, cap):
    s = pm.Model("quadratic", c=c, b=b).solve(N=N, P=P, x_cap=cap)
    budget = (-b + np.sqrt(b * b + 4 * c * P)) / (2 * c)
    ref = _ref_optimum((N - b) / (2 * c), budget, np.inf if cap is None else cap)
    assert s.x == pytest.approx(ref, rel=1e-9, abs=1e-300)


@given(N=logu, P=logu, c=logu)
def test_linear_bang_bang(N, P, c):
    s = pm.Model("linear", c=c).solve(N=N, P=P)
    if N > c:
        assert s.x == pytest.approx(P / c, rel=1e-15) and s.regime == "budget"
    else:
        assert s.x == 0 and s.regime == "none"


def test_linear_tie_goes_to_smallest_x():
    assert pm.Model("linear", c=2.0).solve(N=2.0, P=10).x == 0.0
    assert pm.Model("c*x", c=2.0).solve(N=2.0, P=10).x == 0.0


@given(N=st.floats(1.5, 1e6), c=logu, beta=st.floats(0, 3))
def test_power_logN_is_power_with_scaled_c(N, c, beta):
    s = pm.Model("power-logN", c=c, k=2.0, beta=beta).solve(N=N, P=1e300)
    ceff = c * (1 + beta * np.log(N))
    assert s.x == pytest.approx(N / (2 * ceff), rel=1e-12)


def test_overhead_breakpoints_are_inflection_points():
    cost = make_cost("overhead")
    for k in (1.5, 2.0, 3.0):
        p = {"F": 50.0, "s": 0.5, "c": 1.0, "k": k}
        bps = cost.breakpoints(p)[0]
        bps = bps[~np.isnan(bps)]
        assert bps.size >= 1
        for b in bps:
            assert abs(cost.d2f(np.array(b), p)) <= 1e-8 * cost.df(np.array(b), p) / b
            lo, hi = cost.d2f(np.array(b * (1 - 1e-6)), p), cost.d2f(np.array(b * (1 + 1e-6)), p)
            assert np.sign(lo) != np.sign(hi)


@pytest.mark.parametrize("F,s,c,k", [
    (50.0, 0.5, 1.0, 1.5), (50.0, 0.5, 1.0, 1.05), (50.0, 0.5, 1.0, 1.95), (1e3, 2.0, 0.1, 1.3),
    (1e-3, 1.0, 1.0, 1.5),   # 1 < k < 2, tiny overhead: f'' > 0 everywhere, no inflection
    (1.0, 2.0, 0.1924, 1.5),  # two inflections close to psi's minimum at (2 - k) s = 1
    (50.0, 0.5, 1.0, 2.0), (50.0, 0.5, 1.0, 3.0), (1e-6, 1.0, 1.0, 2.0), (5.0, 3.0, 2.0, 7.0),
])
def test_overhead_breakpoints_are_every_sign_change_of_f2(F, s, c, k):
    # Brute force: the sign changes of f'' on a dense log grid are the breakpoints, no
    # more and no fewer (two for 1 < k < 2 when the overhead is large enough, else none)
    cost = make_cost("overhead")
    p = {"F": F, "s": s, "c": c, "k": k}
    x = np.geomspace(1e-300, 1e4, 2_000_001)  # (steps of 3.5e-4 relative)
    d2 = cost.d2f(x, p)
    flips = x[:-1][np.sign(d2[:-1]) != np.sign(d2[1:])]
    bps = np.sort(cost.breakpoints(p)[0])
    bps = bps[~np.isnan(bps)]
    assert bps.size == flips.size
    np.testing.assert_allclose(bps, flips, rtol=1e-3)


@pytest.mark.parametrize("f,df,d2f", [
    (lambda x, c: c * x**3 + 2 * x, lambda x: 3 * 0.7 * x**2 + 2, lambda x: 6 * 0.7 * x),
    (lambda x, c: np.expm1(c * x), lambda x: 0.7 * np.exp(0.7 * x),
     lambda x: 0.49 * np.exp(0.7 * x)),
    (lambda x, c: c * x * np.log1p(x), lambda x: 0.7 * (np.log1p(x) + x / (1 + x)),
     lambda x: 0.7 * (1 / (1 + x) + 1 / (1 + x) ** 2)),
])
def test_callable_finite_differences_match_the_derivatives(f, df, d2f):
    # Without df/d2f a callable's derivatives are finite differences: f' to 1e-10 relative
    # (fourth-order central; second-order forward for x < 2e-6, next to 0, where the
    # error is h^2 f'''/3 with h = 1e-6: within 1e-11 f''), and f'' (used
    # for Newton slopes and the convexity scan only) to 1e-4 of f''(x) + f'(x)/x, from
    # x = 0 up (the truncation grows as (x f^(5)/f')^4, so x <= 5 here)
    cost = pm.CallableCost(f)
    p = {"c": 0.7}
    x = np.concatenate([[0.0, 1e-9, 1e-7, 1.5e-6, 3e-6], np.geomspace(1e-5, 5.0, 60)])
    scale = np.abs(df(x)) + np.abs(f(x, 0.7)) / np.maximum(x, 1e-3)
    np.testing.assert_array_less(np.abs(cost.df(x, p) - df(x)),
                                 1e-10 * scale + 1e-11 * np.abs(d2f(x)))
    y = x[1:]
    np.testing.assert_array_less(np.abs(cost.d2f(y, p) - d2f(y)),
                                 1e-4 * (np.abs(d2f(y)) + np.abs(df(y)) / np.maximum(y, 1e-3)))


@pytest.mark.parametrize("name,params,msg", [
    ("power", {"c": 1.0, "k": 0.5}, "`k` must be >= 1, got 0.5"),
    ("power", {"c": -1.0, "k": 2.0}, "`c` must be positive, got -1.0"),
    ("exponential", {"c": 1.0, "a": 0.0}, "`a` must be positive, got 0.0"),
    ("quadratic", {"c": 1.0, "b": -1.0}, "`b` must be non-negative, got -1.0"),
    ("overhead", {"F": -1.0, "s": 1.0, "c": 1.0, "k": 2.0}, "`F` must be non-negative"),
])
def test_family_parameter_ranges(name, params, msg):
    with pytest.raises(pm.InputError, match=msg.replace("(", r"\(")):
        pm.Model(name, **params)


def test_unknown_family_and_parameter():
    with pytest.raises(pm.InputError, match="unknown cost family `powr`"):
        pm.Model("powr")
    with pytest.raises(pm.InputError, match="unknown parameter `q`"):
        pm.Model("power", c=1.0, k=2.0, q=3.0)
    with pytest.raises(pm.InputError, match="missing parameter `k`"):
        pm.Model("power", c=1.0).solve(N=1, P=1)


def test_every_family_documents_itself():
    for cls in set(FAMILIES.values()):
        assert cls.__doc__ and cls.formula and cls.parameters
        assert cls.convexity in ("convex", "linear", "non-convex")


def test_power_logN_refuses_a_zero_scale_exactly_at_the_limit():
    # c (1 + beta ln N) must be > 0: at N = exp(-1/beta) it is 0 exactly (f = 0, no cost
    # at all), which is refused like the values below it, not solved as free optimization
    with pytest.raises(pm.InputError, match="N >= exp"):
        pm.Model("power-logN", c=1.0, k=2.0, beta=1.0).solve(N=np.exp(-1.0), P=10.0)
    assert pm.Model("power-logN", c=1.0, k=2.0, beta=1.0).solve(
        N=np.nextafter(np.exp(-1.0), 1.0), P=10.0).regime == "budget"


@pytest.mark.parametrize("typo,family", [("powr", "power"), ("exponental", "exponential"),
                                         ("quadratc", "quadratic")])
def test_a_misspelt_family_gets_a_suggestion(typo, family):
    with pytest.raises(pm.ExpressionError, match=f"did you mean `{family}`"):
        pm.Model(typo)


def test_an_overflow_below_the_budget_is_said_below_x_equal_1():
    # c (exp(a x) - 1) with c = 1e-300, a = 1000: exp(a x) overflows at x = 0.7098, long
    # before f reaches P = 1e10 (at x = 0.7328): the budget found is that overflow
    with pytest.warns(pm.AccuracyWarning, match="f overflows float64 near x = 0.7097"):
        pm.Model("c*(exp(a*x) - 1)").solve(N=10.0, P=1e10, c=1e-300, a=1000.0)


# ---------------------------------------------------------------------------
# Callables that misbehave: an InputError naming the cost, never a raw exception
# ---------------------------------------------------------------------------

def _boom(x):
    raise RuntimeError("boom")


@pytest.mark.parametrize("func, match", [
    (_boom, r"the cost '_boom' raised RuntimeError: boom"),
    (lambda x: 1.0 / 0, r"raised ZeroDivisionError: (float )?division by zero"),
    (lambda x: np.asarray(x, dtype=object) ** 1000.0, r"raised OverflowError"),
    (lambda x: np.ones(3) * x, r"must return one value per x \(shape \(\)\), got shape \(3,\)"),
    (lambda x: np.ones((2, 1)), r"must return one value per x"),
])
def test_callable_that_raises_or_misshapes_is_an_input_error(func, match):
    with pytest.raises(pm.InputError, match=match) as info:
        pm.Model(func).solve(N=10.0, P=1e6)
    if "raised" in match:  # the callable's own traceback is kept as the cause
        assert info.value.__cause__ is not None


def test_callable_cannot_write_into_the_solvers_arrays():
    def f(x):
        if isinstance(x, np.ndarray):
            x[...] = 0.0  # would corrupt the solver's grid
        return x**2

    with pytest.raises(pm.InputError, match="read-only"):
        pm.Model(f).solve(N=np.array([10.0, 20.0]), P=1e6)


def test_callable_returning_a_list_is_taken():
    sol = pm.Model(lambda x: list(np.atleast_1d(x) ** 2) if np.ndim(x) else x**2).solve(
        N=np.array([10.0, 20.0]), P=1e6)
    np.testing.assert_allclose(sol.x, [5.0, 10.0])


def test_family_names_in_any_case_and_low_precision_callables():
    assert pm.Model("power-logn", c=1.0, k=2.0, beta=0.0).cost.name == "power-logN"
    # beta = 0: x* = N/(2c), as the power family
    assert pm.Model("POWER-LOGN", c=1.0, k=2.0, beta=0.0).solve(N=100, P=1e6).x == 50.0
    m = pm.Model(lambda x, c: np.asarray(c * x**2, dtype=np.float32), c=1.0)
    with pytest.raises(pm.InputError, match="returned float32 values.*return float64"):
        m.solve(N=100, P=1e6)


def test_a_callable_cannot_write_into_an_array_it_is_given():
    # every array a callable gets is a read-only view: writing into x is refused, and the
    # caller's array (the solver's grid) is left as it was
    def f(x):
        x[0] = 99.0
        return x**2

    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(pm.InputError, match="read-only"):
        pm.CallableCost(f).f(x, {})
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_a_callable_returning_too_few_values_is_refused():
    # 3 values for 5 points do not broadcast at all: an InputError that says so, not
    # NumPy's broadcasting error from deep inside
    f = lambda x: np.atleast_1d(x)[:3] ** 2  # noqa: E731
    with pytest.raises(pm.InputError, match=r"one value per x \(shape \(5,\)\), got shape \(3,\)"):
        pm.CallableCost(f).f(np.arange(5.0), {})
    with pytest.raises(pm.InputError, match="one value per x"):
        pm.Model(f).solve(N=10.0, P=1e6)


def test_a_callable_whose_first_parameter_is_N_gets_N():
    # f = c x^2 / N: f' = 2 c x / N = N at x* = N^2 / (2 c) (interior: f(x*) = N^3/(4c) <= P)
    cost = pm.CallableCost(lambda x, N, c: c * x**2 / N)
    assert cost.parameters == ("c",) and cost.depends_on_N
    sol = pm.Model(cost, c=2.0).solve(N=np.array([4.0, 10.0]), P=np.full(2, 1e6))
    np.testing.assert_allclose(sol.x, [4.0, 25.0], rtol=1e-9)


def test_an_interval_that_is_not_a_pair_is_refused():
    cost = pm.CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo**2, hi**2, hi),
                           dinterval=lambda lo, hi: (2 * lo, 2 * hi))
    with pytest.raises(pm.InputError, match=r"`interval` of cost .* must return \(lo, hi\)"):
        pm.Model(cost).solve(N=10.0, P=1e6, certify=True)


# ---------------------------------------------------------------------------
# numeric_budget: sup{x >= 0 : f(x) <= P} for the costs without closed forms
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("expr,P,budget", [
    ("max(x - 1, 0)**2", 0.0, 1.0),            # f = 0 exactly on [0, 1], > 0 beyond
    ("max(x - 1, 0)**2", 1.0, 2.0),
    ("max(x - 0.25, 0)**2", 0.0, 0.25),
    ("max(x - 1e-150, 0)", 0.0, 1e-150),       # a flat start that ends at 1e-150 exactly
    ("max(x - 1.2e-150, 0)", 0.0, 1.2e-150),
    ("x**2", 0.0, 0.0),                        # rises from 0: budget 0, though x**2
    ("x**4", 0.0, 0.0),                        # underflows to 0 up to 1e-162 (x**4: 1e-81)
    ("1 - exp(-x)", 1.0, np.inf),              # f < 1 = P at every finite x (f(XMAX)
    ("x/(1 + x)", 1.0, np.inf),                # rounds to P): no budget
    ("1e200*sqrt(x)", 1.0, 0.0),               # f(x) <= 1 only for x <= 1e-400: x = 0
])
def test_numeric_budget_is_exact_at_flat_starts_and_saturating_costs(expr, P, budget):
    from powermodel.costs import numeric_budget

    assert numeric_budget(make_cost(expr), np.array([P]), {})[0] == budget


@pytest.mark.parametrize("expr,F,P", [
    ("exp(x) - 1 - x", lambda t: mpmath.exp(t) - 1 - t, 1e-8),
    ("x - sin(x)", lambda t: t - mpmath.sin(t), 1e-9),
    ("x - sin(x)", lambda t: t - mpmath.sin(t), 1.0),
    ("x*log(1 + x)", lambda t: t * mpmath.log(1 + t), 1e5),
])
def test_numeric_budget_matches_the_crossing_in_mpmath(expr, F, P):
    # (the first two cancel: f is evaluated to ~1e-8 of itself there, so x to ~1e-8)
    from powermodel.costs import numeric_budget

    cost = make_cost(expr)
    x = numeric_budget(cost, np.array([P]), {})[0]
    lo, hi = mpmath.mpf(1e-6), mpmath.mpf(1e6)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if F(mid) <= P else (lo, mid)
    assert abs(x - float(lo)) <= 1e-6 * float(lo)
    assert cost.f(np.array([x]), {})[0] <= P


# ---------------------------------------------------------------------------
# The sampling scan of f'' for callables
# ---------------------------------------------------------------------------

def test_the_scan_grid_is_40_points_a_decade_from_1e_8_to_1e8():
    # (CallableCost's docstring); outside, coarser but never more than half a decade
    # a cell, from x = 0 and TINY up to HUGE, strictly increasing
    from powermodel._numeric import HUGE, TINY
    from powermodel.costs import SCAN_GRID as G

    assert G[0] == 0.0 and G[1] == TINY and G[-1] == HUGE
    assert np.all(np.diff(G) > 0)
    step = np.diff(np.log10(G[1:]))
    inner = (G[1:-1] >= 1e-8) & (G[2:] <= 1e8)
    assert G[1:][np.argmin(np.abs(G[1:] - 1e-8))] == pytest.approx(1e-8, rel=1e-12)
    assert G[1:][np.argmin(np.abs(G[1:] - 1e8))] == pytest.approx(1e8, rel=1e-12)
    assert np.all(step[inner] <= 1 / 40 + 1e-12)
    assert np.all(step <= 0.5)


def _real_bps(bps, upto):
    return [np.sort(r[np.isfinite(r) & (r < upto)]) for r in np.atleast_2d(bps)]


@pytest.mark.filterwarnings("error::powermodel.errors.AccuracyWarning")  # smooth: no kink
def test_scan_breakpoints_of_smooth_callables_are_their_inflection_points():
    from scipy.optimize import brentq

    from powermodel.costs import scan_breakpoints

    # x + a sin(x): f'' = -a sin(x) changes sign at k pi; every parameter a scalar: one row
    # (also with f', f'' given), else one row a point
    wave = pm.CallableCost(lambda x, a: x + a * np.sin(x))
    exact = pm.CallableCost(lambda x, a: x + a * np.sin(x), df=lambda x, a: 1 + a * np.cos(x),
                            d2f=lambda x, a: -a * np.sin(x))
    for cost, a in ((wave, 0.5), (exact, 0.5), (wave, np.array([0.5, 0.9]))):
        bps, min_rel, _ = scan_breakpoints(cost, {"a": a}, 2, xmax=20.0)
        assert bps.shape[0] == np.size(a) and np.all(min_rel >= 0)
        for row in _real_bps(bps, 19.5):
            np.testing.assert_allclose(row, np.pi * np.arange(1, 7), atol=1e-7)
    # x^3 - 3a x^2 + 3.1 a^2 x (f' = 3(x - a)^2 + 0.1 a^2 > 0): f'' = 6(x - a) changes sign
    # at a; one row a point, 450 points (more than one block of the scan), a from 1e-4 to 1e6
    a = np.geomspace(1e-4, 1e6, 450)
    cubic_a = pm.CallableCost(lambda x, a: x**3 - 3 * a * x**2 + 3.1 * a**2 * x)
    bps, min_rel, _ = scan_breakpoints(cubic_a, {"a": a}, a.size)
    assert bps.shape[0] == a.size and np.all(min_rel >= 0)
    # (finite-difference noise of f'' can add breakpoints where 3.1 a^2 x swamps it, which
    # only splits a piece more; a missing one could hide x*)
    for ai, row in zip(a, _real_bps(bps, np.inf)):
        assert np.min(np.abs(row - ai)) <= 1e-7 * ai
    # x + 1e-15 (x - 1e4)^3 (f', f'' given): f'' = 6e-15 (x - 1e4) is small next to f' = 1
    # but changes sign at 1e4, a breakpoint
    slight = pm.CallableCost(lambda x: x + 1e-15 * (x - 1e4)**3,
                             df=lambda x: 1 + 3e-15 * (x - 1e4)**2, d2f=lambda x: 6e-15 * (x - 1e4))
    np.testing.assert_allclose(_real_bps(scan_breakpoints(slight, {}, 1)[0], np.inf)[0], [1e4],
                               rtol=1e-9)
    # c x^2 with c = 1e-290 (f' = 2 c x and f/x = c x both below 1e-300 for x < 3e-11):
    # its slope is never negative
    assert scan_breakpoints(pm.CallableCost(lambda x: 1e-290 * x**2), {}, 1)[1][0] >= 0
    # x^3 - 3x^2 + 3.1x: f'' = 6x - 6; x^2: f'' = 2 never changes sign
    cubic = pm.CallableCost(lambda x: x**3 - 3 * x**2 + 3.1 * x)
    np.testing.assert_allclose(_real_bps(scan_breakpoints(cubic, {}, 1)[0], np.inf)[0], [1.0],
                               atol=1e-7)
    square = pm.CallableCost(lambda x: x**2)
    assert _real_bps(scan_breakpoints(square, {}, 1)[0], np.inf)[0].size == 0
    # the overhead cost F(1 - exp(-x/s)) + c x^k: one inflection, f''(x) = 0 by brentq
    F, s_, c, k = 20.0, 0.4, 0.9, 2.2
    ovh = pm.CallableCost(lambda x: F * (1 - np.exp(-x / s_)) + c * x**k)
    root = brentq(lambda x: -F / s_**2 * np.exp(-x / s_) + c * k * (k - 1) * x ** (k - 2),
                  0.1, 10.0, xtol=1e-14)
    np.testing.assert_allclose(_real_bps(scan_breakpoints(ovh, {}, 1)[0], np.inf)[0], [root],
                               rtol=1e-7)


@pytest.mark.parametrize("kink,curve,xmax", [(1.234, 0.0, 1e300), (1.234, 1.0, 1e300),
                                             (0.0103, 0.0, 1e300), (0.012, 0.0, 1e300),
                                             (0.99, 0.0, 1.0)])
def test_scan_breakpoints_flags_a_kink_and_brackets_it(kink, curve, xmax):
    # f' jumps by 5 at the kink (from x >= 1e-2 up, where finite differences are reliable):
    # the scan warns, and both ends of the grid cell holding the kink are breakpoints (also
    # when the scan stops at xmax = 1, the end of that cell)
    from powermodel.costs import SCAN_GRID, scan_breakpoints

    cost = pm.CallableCost(lambda x: x + curve * x**2 + 5 * np.maximum(x - kink, 0))
    with pytest.warns(pm.AccuracyWarning, match="changes faster than the sampling grid"):
        bps, min_rel, _ = scan_breakpoints(cost, {}, 1, xmax=xmax)
    i = np.searchsorted(SCAN_GRID, kink)
    assert SCAN_GRID[i - 1] in bps[0] and SCAN_GRID[i] in bps[0]
    assert min_rel[0] >= 0


def test_a_callable_falling_near_0_is_refused():
    # a callable falling near 0 (x^2 - x) is refused
    with pytest.raises(pm.InputError, match="non-decreasing"):
        pm.Model(lambda x: x**2 - x).solve(N=1.0, P=10.0)


@pytest.mark.parametrize("edge", [20.0, 10.0 * (1 + 1.25e-12)])
def test_a_callable_defined_just_past_its_budget_gets_no_nan_note(edge):
    # f = x^2 up to the edge of its domain, NaN beyond: with P = 100 the budget is x = 10
    # (f = P there), not the edge, however near the edge is; the status says nothing of NaN
    m = pm.Model(lambda x: np.where(x < edge, x**2, np.nan))
    s = m.solve(N=1e3, P=100.0)
    assert s.x == pytest.approx(10.0, rel=1e-12) and s.regime == "budget"
    assert s.status.startswith("assumed:")


def test_check_expression_names_names_the_missing_parameter():
    from powermodel.costs import check_expression_names

    cost = make_cost("c*x**k")
    check_expression_names(cost, {"c": 1.0, "k": 2.0})  # every parameter given: no error
    with pytest.raises(pm.InputError, match="missing parameter `k`"):
        check_expression_names(cost, {"c": 1.0})


@pytest.mark.filterwarnings("error::powermodel.errors.AccuracyWarning")
def test_a_cost_that_reaches_P_before_it_overflows_gets_no_overflow_warning():
    # exp(x) - 1 = 1e200 at x = ln(1e200 + 1) = 460.517...; exp overflows only at 709.78
    s = pm.Model("exp(x) - 1").solve(N=1e300, P=1e200)  # (f' = 1e200 < N at the budget)
    assert s.regime == "budget"
    assert s.x == pytest.approx(float(mpmath.log(mpmath.mpf(1e200) + 1)), rel=1e-14)
