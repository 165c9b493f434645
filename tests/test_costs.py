"""Cost families: formulas, derivatives, closed-form optima and budgets against
independent expressions (model.md), and parameter checks."""

import math
import warnings

import mpmath as mp


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
    (1e-6, 1.0, 1.0, 2.5),  # 2 < k <= 3 with psi's constant > 0: still one inflection
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


@pytest.mark.parametrize("s", [1e-200, 1e-170, 1e200])
def test_overhead_with_an_extreme_scale_finds_its_interior_optimum(s):
    # F (1 - exp(-x/s)) + c x^k with s = 1e-200: the step is over long before x* (f' = c k
    # x^(k-1) beyond it), so x* = (N/(c k))^(1/(k-1)) = 5 by hand; with s = 1e200 the
    # step is linear, F x/s ~ 0, and x* = 5 too. (s*s underflowed in the breakpoints, which
    # then said f'' never changes sign, and the solver returned x = 0 with status ok.)
    N, P, F, c, k = 10.0, 1e6, 1.0, 1.0, 2.0
    sol = pm.solve("overhead", N=N, P=P, F=F, s=s, c=c, k=k)
    assert abs(sol.x - 5.0) < 1e-9 * 5 and sol.status == "ok"
    assert abs(sol.value - ((P - F * (1 - math.exp(-5.0 / s)) - 25.0) / N + 5.0)) < 1e-9 * 1e5


# ---------------------------------------------------------------------------
# The closed forms at their edges: mpmath references (50 digits), exact shapes and
# the documented parameter bounds
# ---------------------------------------------------------------------------

def _mp_power(N, P, c, k):
    """(x*, g*) of c x^k in mpmath: the interior root clipped to the budget (k > 1)."""
    N, P, c, k = (mp.mpf(v) for v in (N, P, c, k))
    x = min((N / (c * k)) ** (1 / (k - 1)), (P / c) ** (1 / k))
    return x, (P - c * x**k) / N + x


def test_power_f_where_x_to_the_k_under_or_overflows():
    # x**k leaves the float range although c*x**k need not (the log path), and where
    # c*x**k itself exceeds the float range the value is inf (x = 2**512, k = 2, c = 1:
    # 2**1024 > 1.8e308, although exp(2 log x) rounds to a finite 1.7976931348622732e308)
    cost = make_cost("power")
    mp.mp.dps = 50
    for c, x, k in ((1e300, 1e-200, 2.0), (1e-300, 1e200, 2.0), (1e250, 1e-150, 2.5),
                    (1e-280, 1e100, 5.5)):
        ref = mp.mpf(c) * mp.mpf(x) ** mp.mpf(k)
        assert float(cost.f(np.array([x]), {"c": c, "k": k})[0]) == pytest.approx(
            float(ref), rel=1e-12, abs=0), (c, x, k)
    assert cost.f(np.array([2.0**512]), {"c": 1.0, "k": 2.0})[0] == np.inf


def test_power_with_k_equal_1_among_other_k_in_one_call():
    # k = 1 is bang-bang (x* = 0 for N <= c, ties to the smaller x, else the budget
    # P/c); k > 1 in the same call keeps its interior root (N/(c k))^(1/(k-1))
    c, P = 2.0, 100.0
    k = np.array([1.0, 2.0, 1.0, 1.0, 3.0])
    N = np.array([2.0, 10.0, 5.0, 1.0, 10.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", pm.AccuracyWarning)
        s = pm.solve("power", N=N, P=P, c=c, k=k)
    ref = [0.0, 10.0 / 4.0, P / c, 0.0, (10.0 / 6.0) ** 0.5]
    np.testing.assert_allclose(s.x, ref, rtol=1e-14)
    assert list(s.regime) == ["none", "interior", "budget", "none", "interior"]


@pytest.mark.parametrize("family,N,P,params", [
    # n/(c k) = 1e317 overflows, x* = 10**(317/999) = 2.08 < U = 10**0.6 (interior)
    ("power", 1e20, 1e300, {"c": 1e-300, "k": 1000.0}),
    # a = 1e-10: x* = ln(1e10)/a = 2.3e11, far from N = c a (no ill-conditioning)
    ("exponential", 1.0, 1e300, {"c": 1.0, "a": 1e-10}),
])
def test_closed_forms_at_extreme_scales_are_right_and_silent(family, N, P, params):
    mp.mp.dps = 50
    with warnings.catch_warnings():
        warnings.simplefilter("error", pm.AccuracyWarning)
        s = pm.solve(family, N=N, P=P, **params)
    if family == "power":
        x, g = _mp_power(N, P, params["c"], params["k"])
    else:
        c, a, n = mp.mpf(params["c"]), mp.mpf(params["a"]), mp.mpf(N)
        x = mp.log(n / (c * a)) / a
        g = (mp.mpf(P) - c * mp.expm1(a * x)) / n + x
    assert s.regime == "interior"
    assert s.x == pytest.approx(float(x), rel=1e-12, abs=0)
    assert s.value == pytest.approx(float(g), rel=1e-12, abs=0)


def test_power_near_k_1_warns_whatever_else_is_in_the_call():
    # k within 1e-12 of 1: x* = (N/(c k))^(1/(k-1)) amplifies the rounding of N/(c k)
    # by 1e12 (documented: an AccuracyWarning), for x* above and below 1, and also when
    # another point of the same call has an n/(c k) that overflows
    for N in (1 + 2e-12, 1 - 2e-12):  # x* ~ e and ~ e^-3
        with pytest.warns(pm.AccuracyWarning, match="close to 1"):
            pm.solve("power", N=N, P=1e300, c=1.0, k=1 + 1e-12)
    with pytest.warns(pm.AccuracyWarning, match="close to 1"):
        s = pm.solve("power", N=[1 + 2e-12, 1e20], P=1e300, c=[1.0, 1e-300],
                     k=[1 + 1e-12, 1000.0])
    x1 = float(_mp_power(1e20, 1e300, 1e-300, 1000.0)[0])
    assert s.x[1] == pytest.approx(x1, rel=1e-12, abs=0)


def test_exponential_x_star_never_exceeds_the_cap():
    # x* = min(ln(N/(c a))/a, U): with ln N == U in floats and a cap U whose exp(log(U))
    # rounds to an ulp above U, x* must still be the cap itself, not that float above it
    rng = np.random.default_rng(3)
    for U in rng.uniform(1.0, 50.0, 1000):
        N = np.exp(U)
        if np.log(N) == U and np.exp(np.log(U)) > U:
            break
    else:  # (no such U with this platform's libm)
        pytest.skip("no cap U with exp(log(U)) > U found")
    s = pm.solve("exponential", N=N, P=1e300, c=1.0, a=1.0, x_cap=U)
    assert s.x <= U and s.regime == "cap"
    mp.mp.dps = 50
    assert s.x == pytest.approx(float(min(mp.log(mp.mpf(N)), mp.mpf(U))), rel=1e-15, abs=0)


def test_exponential_f_and_budget_at_extreme_scales():
    # a x below the normal range (c huge), e^(a x) beyond it (c tiny), c (e^(a x) - 1)
    # beyond it (inf), and P/c below it (the budget through logs; P/(c a) a normal float)
    cost = make_cost("exponential")
    mp.mp.dps = 50
    for c, a, x in ((1e300, 1e-300, 1e-10), (1e250, 1e-200, 3e-120), (1e-300, 1.0, 800.0),
                    (1e-300, 2.0, 400.0), (1.0, 1.0, 0.5)):
        ref = mp.mpf(c) * mp.expm1(mp.mpf(a) * mp.mpf(x))
        assert float(cost.f(np.array([x]), {"c": c, "a": a})[0]) == pytest.approx(
            float(ref), rel=1e-12, abs=0), (c, a, x)
    assert cost.f(np.array([1.5]), {"c": 1e308, "a": 1.0})[0] == np.inf  # 3.5e308
    for P, c, a in ((1e-300, 1e10, 1e-20), (1e-290, 1e30, 1e-30), (1.0, 3.0, 2.0)):
        ref = mp.log1p(mp.mpf(P) / mp.mpf(c)) / mp.mpf(a)
        assert float(cost.budget(np.array([P]), {"c": c, "a": a})[0]) == pytest.approx(
            float(ref), rel=1e-12, abs=0), (P, c, a)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_values_and_derivatives_have_the_broadcast_shape(name):
    # f, f', f'' take x and the parameters as NumPy broadcasting does: an array x with
    # scalar parameters, and a scalar x with array parameters, give arrays of that shape
    cost = make_cost(name)
    p = FAMILY_PARAMS[name]
    x = np.linspace(0.5, 2.0, 5)
    q = dict(p, c=np.array([0.5, 1.0, 2.0]))
    for fun in (cost.f, cost.df, cost.d2f):
        assert np.shape(fun(x, p)) == (5,)
        out = fun(0.7, q)
        assert np.shape(out) == (3,)
        for i in range(3):  # (each entry that of the scalar parameters)
            assert out[i] == pytest.approx(float(fun(0.7, dict(p, c=q["c"][i]))), rel=1e-15, abs=0)


def test_second_derivative_at_k_equal_1():
    # k = 1: c x^k is linear (f'' = 0) and the overhead's f'' is -F/s^2 e^(-x/s)
    x = np.array([1e-300, 0.3, 2.0, 50.0])
    np.testing.assert_array_equal(make_cost("power").d2f(x, {"c": 2.0, "k": 1.0}), 0.0)
    np.testing.assert_array_equal(
        make_cost("power-logN").d2f(x, {"c": 2.0, "k": 1.0, "beta": 0.5, "N": 30.0}), 0.0)
    F, s = 3.0, 0.7
    np.testing.assert_allclose(
        make_cost("overhead").d2f(x, {"F": F, "s": s, "c": 2.0, "k": 1.0}),
        -F / s**2 * np.exp(-x / s), rtol=1e-14)


# The bounds of the module docstring's table: (family, parameter, bound, strict).
BOUNDS = [("power", "c", 0.0, True), ("power", "k", 1.0, False),
          ("exponential", "c", 0.0, True), ("exponential", "a", 0.0, True),
          ("linear", "c", 0.0, True),
          ("quadratic", "c", 0.0, True), ("quadratic", "b", 0.0, False),
          ("overhead", "F", 0.0, False), ("overhead", "s", 0.0, True),
          ("overhead", "c", 0.0, True), ("overhead", "k", 1.0, False),
          ("power-logN", "c", 0.0, True), ("power-logN", "k", 1.0, False),
          ("power-logN", "beta", 0.0, False)]


@pytest.mark.parametrize("family,name,bound,strict", BOUNDS)
def test_every_documented_parameter_bound(family, name, bound, strict):
    p = {k: v for k, v in FAMILY_PARAMS[family].items() if k != "N"}
    below = np.nextafter(bound, -1.0)
    with pytest.raises(pm.InputError, match=f"`{name}` must be"):
        pm.Model(family, **dict(p, **{name: below}))
    if strict:
        with pytest.raises(pm.InputError, match=f"`{name}` must be positive, got 0.0"):
            pm.Model(family, **dict(p, **{name: bound}))
    else:  # the bound itself is allowed, and solved
        s = pm.Model(family, **dict(p, **{name: bound})).solve(N=30.0, P=1e3)
        assert s.status == "ok" and np.isfinite(s.x)


def test_calling_a_cost_that_depends_on_N():
    # cost(x, **params) evaluates f; power-logN needs N > 0 (N < 1 is fine while
    # c (1 + beta ln N) > 0)
    cost = make_cost("power-logN")
    assert cost(2.0, c=1.5, k=2.0, beta=0.5, N=0.9) == pytest.approx(
        1.5 * 4.0 * (1 + 0.5 * np.log(0.9)), rel=1e-15, abs=0)
    with pytest.raises(pm.InputError, match="`N` must be positive, got 0"):
        cost(2.0, c=1.5, k=2.0, beta=0.5, N=0.0)
    with pytest.raises(pm.InputError, match="depends on `N`"):
        cost(2.0, c=1.5, k=2.0, beta=0.5)


@pytest.mark.parametrize("F,s,c,k", [
    (2.0, 1.0, 1.0, 2.0),   # f'' = 2 (1 - e^-x) >= 0: psi's constant is exactly 0
    (1.0, 1.0, 1.0, 2.0),   # f'' = 2 - e^-x > 0: psi = ln 2 + x > 0
    (1.06, 1.0, 1.0, 1.5),  # 1 < k < 2 with min psi = psi(0.5) = 0.52 > 0
])
def test_overhead_has_no_breakpoint_where_f2_keeps_its_sign(F, s, c, k):
    # f'' >= 0 on (0, inf) (by hand above; the minimum of psi checked in mpmath): no
    # inflection, so no breakpoint
    mp.mp.dps = 30
    F_, s_, c_, k_ = (mp.mpf(v) for v in (F, s, c, k))
    if k < 2:
        xm = (2 - k_) * s_
        assert mp.log(c_ * k_ * (k_ - 1) * s_**2 / F_) + (k_ - 2) * mp.log(xm) + xm / s_ > 0
    bps = make_cost("overhead").breakpoints({"F": F, "s": s, "c": c, "k": k})
    assert np.isnan(bps).all()


def test_power_budget_where_p_over_c_leaves_the_float_range():
    # (P/c)^(1/k) with P/c = 1e600 (overflows) or 1e-320 (subnormal) in an array call
    # whose other points are ordinary
    mp.mp.dps = 50
    cost = make_cost("power")
    for P, c in ((np.array([1e300, 1.0]), 1e-300), (np.array([1e-300, 1.0]), 1e20)):
        for k in (2.0, 3.5):
            ref = [float((mp.mpf(v) / mp.mpf(c)) ** (1 / mp.mpf(k))) for v in P]
            np.testing.assert_allclose(cost.budget(P, {"c": c, "k": k}), ref, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_closed_form_says_whether_optimum_gives_x_star(name):
    # Cost.closed_form is documented as "whether optimum gives x* in closed form": the
    # convex families do (their optimum is the clipped interior root), the overhead not
    cost = make_cost(name)
    p = FAMILY_PARAMS[name]
    x = cost.optimum(np.array([30.0]), np.array([1e3]), p)
    assert cost.closed_form == (x is not None)
    if name == "linear":  # bang-bang: N = 30 > c, so the bound U
        assert float(np.asarray(x)[0]) == 1e3
    elif x is not None:  # interior here: where f'(x) = N
        dfx = float(cost.df(np.asarray(x, dtype=float), p)[0])
        assert dfx == pytest.approx(30.0, rel=1e-12, abs=0)


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


@pytest.mark.parametrize("f, N, x_star", [
    (lambda x: x ** 3, 3.0, 1.0),                  # f' = 3x^2 = 3 at 1
    (lambda x: x ** 4, 4.0, 1.0),                  # f' = 4x^3
    (lambda x: np.expm1(x) - x, math.e - 1, 1.0),  # f' = e^x - 1
    (lambda x: x ** 3 + x ** 2, 5.0, 1.0),         # f' = 3x^2 + 2x
])
def test_a_callable_with_a_flat_start_is_not_read_as_decreasing(f, N, x_star):
    # f'(0) = 0 < f''': the forward difference at 0 is slightly negative (-2 h^2 for x^3),
    # but f itself never falls: accepted, and x* solves f'(x) = N (by hand)
    s = pm.Model(f).solve(N=N, P=1e6)
    assert abs(s.x - x_star) < 1e-9 and s.regime == "interior"
    with pytest.raises(pm.InputError, match="decreases"):
        pm.Model(lambda x: f(x) - 0.5 * x).solve(N=N, P=1e6)  # f' = -0.5 at 0: a real fall


def test_a_callable_with_per_point_parameters_and_a_scalar_P():
    # c x^2 with c = [1, 2], N = 10: x* = N / (2 c) = [5, 2.5]; N as a parameter the same way
    s = pm.Model(lambda x, c: c * x ** 2).solve(N=10.0, P=1e6, c=np.array([1.0, 2.0]))
    np.testing.assert_allclose(s.x, [5.0, 2.5], rtol=1e-9)
    s = pm.Model(lambda x, N: x ** 2 + 0 * N).solve(N=np.array([10.0, 20.0]), P=1e6)
    np.testing.assert_allclose(s.x, [5.0, 10.0], rtol=1e-9)


def test_exponential_f_overflows_to_inf_where_its_value_is_beyond_the_float_range():
    # c expm1(a x) with c = 1.5e308: at a x = 0.9 and 1 the value (2.19e308, 2.58e308, by
    # mpmath) is beyond 1.8e308, so inf, not c a x = 1.35e308 and 1.5e308; where it is
    # finite the logs give it to a few ulps (c = 1e-300 at a x = 710, 720; a x underflowing)
    E = make_cost("exponential")
    cases = [(1.5e308, 1.0, 0.9), (1.5e308, 1.0, 1.0), (1.5e308, 1.0, 1e-310),
             (1e-300, 1.0, 710.0), (1e-300, 1.0, 720.0), (2.0, 1e-20, 1e-300)]
    for c, a, x in cases:
        got = float(E.f(np.array([x]), {"c": np.float64(c), "a": np.float64(a)})[0])
        with mp.workdps(40):
            exact = mp.mpf(c) * mp.expm1(mp.mpf(a) * mp.mpf(x))
        if exact > mp.mpf(np.finfo(float).max):
            assert got == math.inf, (c, a, x, got)
        else:
            assert abs(got - float(exact)) <= 1e-13 * float(exact), (c, a, x, got)


@pytest.mark.parametrize("P, budget", [(1.0, 4.0), (1.0 + 1e-7, 4.0 + 1e-7), (1.0 - 1e-7, 1.0 - 1e-7)])
def test_numeric_budget_is_the_right_end_of_a_flat_stretch_at_P(P, budget):
    # f = min(x, 1) + max(x - 4, 0) is flat at 1 on [1, 4]: at P = 1 exactly every x <= 4
    # is feasible, so sup{f <= P} = 4, not the left end 1 (where f first reaches P); just
    # above and below P = 1 the budget is 4 + (P - 1) and P, by hand
    cost = make_cost("min(x, 1) + max(x - 4, 0)")
    got = float(pm.costs.numeric_budget(cost, np.array([P]), {})[0])
    assert abs(got - budget) <= 1e-12 * budget
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.Model(cost).solve(N=10.0, P=P)  # h = x - f/10 rises on [0, budget]
    assert abs(s.x - budget) <= 1e-12 * budget and (s.status == "ok" or P == 1.0)
