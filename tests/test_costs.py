"""Cost families: formulas, derivatives, closed-form optima and budgets against
independent expressions (model.md), and parameter checks."""

import math
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
