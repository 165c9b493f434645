"""certify=True: a rigorous bound at every point, against brute force and closed forms.

Invariants checked at every solved point: f(x*) <= P, budget_share <= 1,
gap >= 0, bound >= value, and bound >= the optimum found by an independent
brute force (a fine grid of h, refined by golden-section search).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import powermodel as pm
from powermodel.costs import CallableCost


def grid_optimum(f, N, U, n=200001):
    """max of g over [0, U] by a grid refined around its best cells (floats)."""
    xs = np.linspace(0.0, U, n)
    hs = xs - f(xs) / N
    i = int(np.argmax(hs))
    lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, n - 1)]
    for _ in range(3):
        xs = np.linspace(lo, hi, 2001)
        hs = xs - f(xs) / N
        i = int(np.argmax(hs))
        lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, 2000)]
    return float(hs[i])


COSTS = {
    "power": ("c*x**2", lambda x: x**2, {"c": 1.0}),
    "kink": ("1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2",
             lambda x: 1.5 * x + 7.5 - 1.5 * np.abs(x - 5) + 0.1 * x**2, {}),
    "s-shaped": ("0.1*x + 50/(1 + exp(-(x - 20)/2))",
                 lambda x: 0.1 * x + 50 / (1 + np.exp(-(x - 20) / 2)), {}),
    "cubic": ("x**3 - 6*x**2 + 15*x", lambda x: x**3 - 6 * x**2 + 15 * x, {}),
    "max": ("max(x, 3*x - 20) + 0.001*x**2", lambda x: np.maximum(x, 3 * x - 20) + 0.001 * x**2,
            {}),
}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(COSTS)), N=st.floats(0.5, 200), P=st.floats(1.0, 1e4),
       cap=st.one_of(st.none(), st.floats(0.5, 200)))
def test_bound_is_never_below_the_brute_force_optimum(name, N, P, cap):
    expr, f, params = COSTS[name]
    if f(np.array([0.0]))[0] > P:
        return
    s = pm.Model(expr, **params).solve(N=N, P=P, x_cap=cap, certify=True)
    assert s.gap >= 0 and s.bound >= s.value
    fx = f(np.array([s.x]))[0]
    assert fx <= P and s.budget_share <= 1
    U = min(s.x_budget, np.inf if cap is None else cap)
    h_bf = grid_optimum(f, N, U)
    g_bf = P / N + h_bf
    assert s.bound >= g_bf - 1e-12 * abs(g_bf)
    if s.status == "ok":  # certified: the value is within the tolerance of the optimum
        assert s.value >= g_bf - 2e-9 * abs(g_bf)


def test_certify_reaches_every_regime():
    m = pm.Model("x**3 - 6*x**2 + 15*x")
    s = m.solve(N=[1.0, 10.0, 40.0, 40.0], P=[1e4, 1e4, 60.0, 1e4], x_cap=[np.inf, np.inf,
                                                                          np.inf, 3.0],
                certify=True)
    assert list(s.regime) == ["none", "interior", "budget", "cap"]
    assert (s.status == "ok").all() and (s.gap >= 0).all()
    assert (s.gap <= 1e-9 * np.abs(s.value)).all()


def test_certify_finds_a_better_point_than_a_wrong_incumbent():
    """The branch and bound does not trust the fast path: given a wrong x0, it finds
    the optimum (here the root on the inner piece of an S-shaped cost)."""
    from powermodel.certify import certify_points
    from powermodel.costs import make_cost

    cost = make_cost("0.1*x + 50/(1 + exp(-(x - 20)/2))")
    n, P, U, cap = (np.array([v]) for v in (5.0, 103.0, 20.0, 20.0))
    x0 = np.array([20.0])  # the piece end: wrong
    x, bound, lower, ok = certify_points(cost, {}, n, P, U, cap, x0, np.array([1e-9]),
                                         scalar=True)
    assert ok[0] and abs(x[0] - 17.9865) < 1e-3
    h = lambda v: v - (0.1 * v + 50 / (1 + np.exp(-(v - 20) / 2))) / 5  # noqa: E731
    assert lower[0] <= h(x[0]) <= bound[0] and bound[0] - lower[0] <= 1e-9


def test_unbounded_points_have_an_infinite_bound():
    s = pm.Model("c*log(1 + x)", c=1.0).solve(N=10.0, P=1e6, certify=True)
    # f stays below P for x < e^1e6 - 1, beyond the floats: x* = inf, g* = inf.
    assert s.regime == "unbounded" and s.bound == np.inf and s.gap == 0


def test_a_callable_without_intervals_is_refused():
    m = pm.Model(lambda x, c: c * x**2, c=1.0)
    with pytest.raises(pm.InputError, match="interval extension"):
        m.solve(N=10, P=100, certify=True)


def test_a_callable_with_interval_functions_is_certified():
    cost = CallableCost(lambda x, c: c * x**2, df=lambda x, c: 2 * c * x,
                        interval=lambda lo, hi, c: (c * lo**2 * (1 - 1e-15),
                                                    c * hi**2 * (1 + 1e-15)),
                        dinterval=lambda lo, hi, c: (2 * c * lo * (1 - 1e-15),
                                                     2 * c * hi * (1 + 1e-15)))
    s = pm.Model(cost, c=1.0).solve(N=[10.0, 100.0, 1e4], P=1e6, certify=True)
    # x* = N/2 (f = x^2) unless the budget 1000 binds: g* = (P - x*^2)/N + x*.
    g = np.array([1e6 / 10 + 5 - 25 / 10, 1e6 / 100 + 50 - 2500 / 100, 1000.0])
    np.testing.assert_allclose(s.value, g, rtol=1e-12)
    assert (s.status == "ok").all() and (s.bound >= g).all()


def test_certify_options_are_checked():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="`certify` must be True or False"):
        m.solve(N=10, P=100, certify="yes")
    with pytest.raises(pm.InputError, match="`certify_rtol` must be positive"):
        m.solve(N=10, P=100, certify=True, certify_rtol=0)


def test_uncertifiable_points_say_so():
    """A tolerance below what floats can resolve cannot be met: the status says so and
    the bound is still an upper bound."""
    m = pm.Model("x**3 - 6*x**2 + 15*x")
    s = m.solve(N=10.0, P=1e4, certify=True, certify_rtol=1e-30)
    assert s.status.startswith("not certified")
    assert s.bound >= s.value


REGIME_COSTS = dict(COSTS, **{
    "exp": ("c*(exp(a*x) - 1)", lambda x: 0.5 * np.expm1(0.2 * x), {"c": 0.5, "a": 0.2}),
    "overhead": ("F*(1 - exp(-x/s)) + c*x**2", lambda x: 30 * -np.expm1(-x / 0.5) + 0.2 * x**2,
                 {"F": 30.0, "s": 0.5, "c": 0.2}),
})


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(REGIME_COSTS)), N=st.floats(0.3, 300),
       target=st.sampled_from(["free", "budget", "cap"]), frac=st.floats(0.2, 0.95),
       certify=st.booleans())
def test_every_regime_against_brute_force(name, N, target, frac, certify):
    """Inputs built to reach every regime: the unconstrained optimum x_u (P huge) is
    found first, then the budget (P = f(frac x_u)) or the cap (frac x_u) cuts it.
    The solver's optimum must equal the brute force's, plain and certified; the
    regime mix reached is reported by hypothesis (--hypothesis-show-statistics)."""
    from hypothesis import event

    expr, f, params = REGIME_COSTS[name]
    m = pm.Model(expr, **params)
    x_u = m.solve(N=N, P=1e12).x
    P, cap = 1e12, None
    if target == "budget" and x_u > 0:
        P = float(max(f(np.array([frac * x_u]))[0], f(np.array([0.0]))[0]))
    elif target == "cap" and x_u > 0:
        cap = frac * x_u
    s = m.solve(N=N, P=P, x_cap=cap, certify=certify)
    event(f"regime {s.regime}")
    U = min(s.x_budget, np.inf if cap is None else cap)
    h_bf = grid_optimum(f, N, min(U, 1e4))
    h_s = s.x - f(np.array([s.x]))[0] / N
    assert h_s >= h_bf - 1e-9 * (abs(h_bf) + 1)
    assert f(np.array([s.x]))[0] <= P and s.budget_share <= 1
    if certify:
        assert s.gap >= 0 and s.bound >= P / N + h_bf - 1e-12 * (P / N + abs(h_bf))


def test_bound_on_h_is_above_the_exact_optimum_at_large_magnitudes():
    """certify_points' bound on h = x - f(x)/n, before any slack the solver adds, is
    never below the exact optimum, also where rounding is largest (h* ~ 1e9):
    f = c x^2 has h* = n/(4c) at x* = n/(2c), computed here in 50-digit arithmetic."""
    import mpmath

    from powermodel.certify import certify_points
    from powermodel.costs import make_cost

    mpmath.mp.dps = 50
    cost = make_cost("c*x**2")
    n = np.geomspace(1e3, 1e9, 300) * (1 + np.random.default_rng(0).uniform(0, 1e-3, 300))
    c = 1.0 / 3.0
    x0 = n / (2 * c)
    U = np.full(n.size, np.inf)
    U = x0 * 4
    x, bound, lower, ok = certify_points(cost, {"c": np.float64(c)}, n, U**2 * c * 2, U,
                                         np.full(n.size, np.inf), x0, 1e-9 * n, scalar=True)
    for i in range(n.size):
        exact = mpmath.mpf(n[i]) / (4 * mpmath.mpf(c))
        assert mpmath.mpf(bound[i]) >= exact, i
        # and the proved lower value at the returned x is below h there, exactly
        hx = mpmath.mpf(x[i]) - mpmath.mpf(c) * mpmath.mpf(x[i]) ** 2 / mpmath.mpf(n[i])
        assert mpmath.mpf(lower[i]) <= hx <= exact, i


@settings(max_examples=15, deadline=None)
@given(N=st.lists(st.floats(0.2, 1.0), min_size=30, max_size=30), P=st.floats(1.0, 50.0))
def test_bound_with_fewer_than_one_instance_worth_of_n(N, P):
    """n < 1 (a speed prior or overlap makes n small): the mean-value bound uses
    f'/n, and the bound must still hold against the brute force at every point."""
    expr, f, params = COSTS["s-shaped"]
    N = np.array(N)
    s = pm.Model(expr, **params).solve(N=N, P=max(P, 51.0), certify=True)
    for i in range(N.size):
        h_bf = grid_optimum(f, N[i], s.x_budget[i], n=20001)
        assert s.bound[i] >= max(P, 51.0) / N[i] + h_bf - 1e-12 * s.bound[i]


def test_per_point_parameters_in_the_unbounded_regime():
    """A cost that stays below P (c*log(1 + x) with P huge) has x* = inf: with the
    parameters given per point too, and certified (bound = g* = inf, gap 0)."""
    c = np.array([0.5, 1.0, 2.0])
    s = pm.Model("c*log(1 + x)").solve(N=10.0, P=1e6, c=c)
    assert (s.regime == "unbounded").all() and np.isinf(s.x).all()
    s = pm.Model("c*log(1 + x) + x", c=1.0).solve(N=np.array([0.5, 2.0]), P=1e3,
                                                  c=np.array([1.0, 1.0]), certify=True)
    # f' = 1/(1 + x) + 1: above N = 0.5 everywhere (x* = 0), below N = 2 for x > 0 (h rises
    # to the budget, where log(1 + x) + x = 1000).
    assert s.x[0] == 0 and s.regime[1] == "budget"
    assert np.log1p(s.x[1]) + s.x[1] == pytest.approx(1e3, rel=1e-12)
    assert (s.status == "ok").all() and (s.gap <= 1e-9 * np.abs(s.value)).all()


# The bound of one box (certify.box_bound) against h on a dense grid of the box.
BOX_COSTS = ["c*x**2 + x", "c*log1p(x) + x", "c*x*atan(x)", "c*(exp(x) - 1)", "3*x + c*abs(x - 1)",
             "c*x + tanh(10*(x - 1))"]


@pytest.mark.parametrize("text", BOX_COSTS)
@pytest.mark.parametrize("n", [0.3, 1.0, 2.5, 40.0])
def test_box_bound_is_above_h_on_the_box(text, n):
    from powermodel.certify import _Evaluator, box_bound

    cost = pm.make_cost(text)
    p = {"c": 0.8} if "c" in text else {}
    ev = _Evaluator(cost, p, True)
    rng = np.random.default_rng(7)
    a = np.concatenate([[0.0, 0.5, 1.0 - 1e-9], rng.uniform(0, 3, 30)])
    b = a + np.concatenate([[2.0, 1.0, 2e-9], rng.uniform(1e-6, 2.0, 30)])
    c = 0.5 * (a + b)
    rows = np.zeros(a.size, dtype=int)
    nr = np.full(a.size, n)
    flo, _, dlo, dhi, _, _ = ev.box(rows, a, b)
    _, hc_hi, _, _ = ev.h_point(rows, c, nr)
    ub = box_bound(a, b, c, flo, dlo, dhi, hc_hi, nr)
    t = np.linspace(0, 1, 20_001)[:, None]
    x = a + t * (b - a)
    h = x - cost.f(x, p) / n
    hmax = h.max(axis=0)
    assert np.all(ub >= hmax - 4e-16 * (np.abs(x).max(axis=0) + np.abs(hmax)))


@pytest.mark.parametrize("alpha,n", [(3.0, 2.0), (3.0, 0.25), (0.5, 2.0), (0.1, 0.25), (2.0, 2.0)])
def test_box_bound_is_exact_for_a_linear_cost(alpha, n):
    # f = alpha x: h = (1 - alpha/n) x is linear, so the mean-value bound is max(h(a), h(b))
    # to a few ulps, on either side of alpha = n and with n < 1
    from powermodel.certify import box_bound

    a, b = np.array([0.0, 1.0, 10.0]), np.array([1.0, 4.0, 10.5])
    c = np.array([0.25, 3.0, 10.1])  # (any point inside)
    h = lambda x: x - alpha * x / n  # noqa: E731
    ub = box_bound(a, b, c, alpha * a, np.full(3, alpha), np.full(3, alpha), h(c), np.full(3, n))
    want = np.maximum(h(a), h(b))
    assert np.all(ub >= want)
    assert np.all(ub - want <= 1e-13 * (1 + np.abs(b) * (1 + alpha / n))), ub - want


def test_box_bound_without_derivative_enclosures_is_b_minus_flo_over_n():
    # A callable with interval= but no dinterval: F' = (-inf, inf), so the mean-value bound
    # is infinite and the bound is b - F_lo/n (valid: h <= b - f(a)/n for f non-decreasing)
    from powermodel.certify import box_bound

    a, b, c = np.array([0.0, 2.0]), np.array([1.0, 3.0]), np.array([0.5, 2.5])
    flo = a**2
    inf = np.full(2, np.inf)
    ub = box_bound(a, b, c, flo, -inf, inf, c - c**2 / 2.0, np.full(2, 2.0))
    np.testing.assert_allclose(ub, b - flo / 2.0, rtol=1e-14)


@pytest.mark.parametrize("name", sorted(REGIME_COSTS) + ["family-power", "family-overhead"])
def test_every_point_of_a_well_behaved_cost_is_certified(name):
    # Certification must succeed, not only stay valid: on a sweep across every regime
    # (N, P and the cap over decades) each point is within certify_rtol, its bound above
    # its value, and the work stays inside the budget per point
    if name.startswith("family-"):
        fam = name.split("-")[1]
        m = pm.Model(fam, **({"c": 0.5, "k": 2.5} if fam == "power"
                             else {"F": 30.0, "s": 0.5, "c": 0.2, "k": 2.0}))
    else:
        expr, _, params = REGIME_COSTS[name]
        m = pm.Model(expr, **params)
    N, P, cap = np.meshgrid(np.geomspace(0.3, 300, 9), np.geomspace(60, 1e5, 5),
                            [np.inf, 0.7, 12.0, 80.0], indexing="ij")
    P = np.maximum(P, 1.01 * m.cost_value(0.0))  # (P >= f(0))
    s = m.solve(N=N.ravel(), P=P.ravel(), x_cap=cap.ravel(), certify=True)
    assert (s.status == "ok").all(), s.status[s.status != "ok"][:3]
    assert (s.gap >= 0).all() and (s.gap <= 1e-9 * np.abs(s.value)).all()
    assert len(set(s.regime)) >= 3


def test_an_interval_extension_that_says_nothing_certifies_nothing():
    # NaN enclosures say nothing about f: no bound is finite and nothing is certified
    cost = CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo * np.nan, hi * np.nan),
                        dinterval=lambda lo, hi: (lo * np.nan, hi * np.nan))
    s = pm.Model(cost).solve(N=[10.0, 100.0], P=1e4, certify=True)
    assert all(st_.startswith("not certified") for st_ in s.status)
    assert (s.bound == np.inf).all()


def test_a_callable_with_interval_but_no_dinterval_is_refused_by_certify():
    # interval= alone gives a first-order bound near x* that cannot reach certify_rtol
    # (issue 19: it said "not certified: gap 0.0267" even at certify_rtol=1e-3)
    cost = CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo**2, hi**2))
    with pytest.raises(pm.InputError, match="dinterval"):
        pm.Model(cost).solve(N=10, P=100, certify=True)
    ok = CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo**2 * (1 - 1e-15), hi**2 * (
        1 + 1e-15)), dinterval=lambda lo, hi: (2 * lo * (1 - 1e-15), 2 * hi * (1 + 1e-15)))
    s = pm.Model(ok).solve(N=10, P=100, certify=True)
    # f = x^2, N = 10: x* = 5, g* = (100 - 25)/10 + 5 = 12.5
    assert s.status == "ok" and s.lower <= 12.5 <= s.bound and abs(s.x - 5) < 1e-6


def test_a_pole_is_never_certified_even_when_the_solver_is_bypassed():
    # certify_points on x + tan(x) over [0, 1.6] with the incumbent 1.5: f jumps down at
    # pi/2 (f -> -inf beyond it, so g is unbounded above on the feasible set). The
    # enclosure of f on a box holding the pole is unbounded, so no rule that needs
    # continuity applies there: the bound stays infinite and nothing is certified.
    from powermodel.certify import certify_points
    from powermodel.costs import make_cost

    cost = make_cost("x + tan(x)")
    one = lambda v: np.array([v])  # noqa: E731
    x, bound, lower, ok = certify_points(cost, {}, one(2.0), one(10.0), one(1.6), one(1.6),
                                         one(1.5), one(1e-9), scalar=True)
    assert not ok[0] and bound[0] == np.inf
    # the proved lower value is real: h(x) = x - f(x)/2 at the returned x, exactly
    assert lower[0] <= x[0] - (x[0] + math.tan(x[0])) / 2 + 1e-9 * abs(lower[0])


# -- the rounding of the bounds, against exact rational arithmetic ----------------------------

def _random_floats(rng, size, lo_exp=-310, hi_exp=12):
    """Floats of either sign across the scales from subnormal to 1e12."""
    return rng.choice([-1.0, 1.0], size) * 10.0 ** rng.uniform(lo_exp, hi_exp, size)


def test_box_bound_is_rigorous_in_exact_arithmetic():
    """box_bound(a, b, c, F_lo, F'_lo, F'_hi, h_hi(c), n) must be at least the smaller of
    the two bounds computed exactly (rationals) from its float inputs: the slack has to
    cover every rounding, at every scale (1e-310 to 1e12) and with n below 1."""
    from fractions import Fraction as Q

    from powermodel.certify import box_bound

    rng = np.random.default_rng(19)
    k = 4000
    a = np.abs(_random_floats(rng, k, -310, 10))
    b = a + np.abs(_random_floats(rng, k, -310, 10))
    c = a + rng.uniform(0, 1, k) * (b - a)
    n = 10.0 ** rng.uniform(-3, 4, k)
    flo = _random_floats(rng, k, -310, 12)
    flo[::3] = (b * n)[::3] * (1 + rng.uniform(-1e-9, 1e-9, k))[::3]  # b - F/n cancels
    dlo = _random_floats(rng, k, -5, 5)
    dhi = dlo + np.abs(_random_floats(rng, k, -5, 5))
    hc = _random_floats(rng, k, -310, 10)
    # every third box: h(c) + the mean-value term cancels, and b - F/n is far above it
    with np.errstate(all="ignore"):
        t2 = np.maximum(np.maximum(0.0, 1 - dlo / n) * (b - c), np.maximum(0.0, dhi / n - 1)
                        * (c - a))
    hc[1::3] = (-t2 * (1 + rng.uniform(-1e-12, 1e-12, k)))[1::3]
    flo[1::3] = (-1e3 * n * (np.abs(b) + np.abs(t2)))[1::3]
    ub = box_bound(a, b, c, flo, dlo, dhi, hc, n)
    for i in range(k):
        A, B, C, Nn = Q(a[i]), Q(b[i]), Q(c[i]), Q(n[i])
        e1 = B - Q(flo[i]) / Nn
        sp = max(Q(0), 1 - Q(dlo[i]) / Nn)
        sm = max(Q(0), Q(dhi[i]) / Nn - 1)
        e2 = Q(hc[i]) + max(sp * (B - C), sm * (C - A))
        assert Q(ub[i]) >= min(e1, e2), i


def test_h_at_a_point_is_enclosed_in_exact_arithmetic():
    """h_point's [lo, hi] encloses x - f(x)/n exactly for every f in its own enclosure
    [F_lo, F_hi] (so lo <= x - F_hi/n and hi >= x - F_lo/n, as rationals), at every scale,
    also where x and f(x)/n nearly cancel and where f(x)/n is subnormal."""
    from fractions import Fraction as Q

    from powermodel.certify import _Evaluator

    rng = np.random.default_rng(20)
    k = 3000
    x = np.abs(_random_floats(rng, k, -310, 10))
    n = 10.0 ** rng.uniform(-3, 4, k)
    c = 10.0 ** rng.uniform(-20, 5, k)
    with np.errstate(all="ignore"):  # h(x) = x - c x^2/n ~ 0 at every other point
        c[::2] = (n / x)[::2] * (1 + rng.uniform(-1e-12, 1e-12, k))[::2]
    c = np.where(np.isfinite(c) & (c > 0), c, 1.0)
    ev = _Evaluator(pm.make_cost("c*x**2"), {"c": c}, False)
    hlo, hhi, flo, fhi = ev.h_point(np.arange(k), x, n)
    for i in range(k):
        X, Nn = Q(x[i]), Q(n[i])
        if np.isfinite(fhi[i]):
            assert Q(hlo[i]) <= X - Q(fhi[i]) / Nn, i
        if np.isfinite(flo[i]):
            assert Q(hhi[i]) >= X - Q(flo[i]) / Nn, i
        # and the enclosure of f itself holds: c x^2 exactly
        f = Q(c[i]) * X * X
        assert Q(flo[i]) <= f <= Q(fhi[i]) or not np.isfinite(fhi[i]), i


@pytest.mark.parametrize("nan_at", ["f lower", "f upper", "f' lower", "f' upper"])
def test_a_nan_end_of_an_enclosure_says_nothing(nan_at):
    """f = x^2 with correct enclosures except that one end (of f or of f') is NaN: that
    end says nothing (-inf for a lower end, +inf for an upper one), so the bound is still
    above the exact optimum g* = P/N + N/4 (x* = N/2) and nothing wrong is certified."""
    e = 1e-15

    def interval(lo, hi):
        out = [lo**2 * (1 - e), hi**2 * (1 + e)]
        if nan_at.startswith("f "):
            out[nan_at.endswith("upper")] = lo * np.nan
        return tuple(out)

    def dinterval(lo, hi):
        out = [2 * lo * (1 - e), 2 * hi * (1 + e)]
        if nan_at.startswith("f'"):
            out[nan_at.endswith("upper")] = lo * np.nan
        return tuple(out)

    cost = CallableCost(lambda x: x**2, interval=interval, dinterval=dinterval)
    N, P = np.array([4.0, 10.0, 30.0]), 1e4
    s = pm.Model(cost).solve(N=N, P=P, certify=True)
    g = P / N + N / 4
    assert (s.bound >= g).all(), (s.bound, g)
    ok = s.status == "ok"
    assert (s.lower[ok] <= g[ok]).all() and (s.bound[ok] - s.lower[ok] <= 1e-9 * g[ok]).all()
    if nan_at == "f lower":  # no box has a finite bound: nothing is certified
        assert not ok.any() and (s.bound == np.inf).all()
    # the same from a wrong incumbent x0 = 0 (h = x - x^2/n, h* = n/4 at n/2): the search
    # itself must not be misled by the NaN end
    from powermodel.certify import certify_points

    n = N.copy()
    U = np.full(3, 100.0)
    x, bound, lower, cert = certify_points(cost, {}, n, np.full(3, P), U, np.full(3, np.inf),
                                           np.zeros(3), 1e-9 * n, scalar=True)
    assert (bound >= n / 4).all(), bound
    assert (lower <= x - x**2 / n).all()


@pytest.mark.parametrize("loose", [False, True])
@pytest.mark.parametrize("U", [10.0 * (1 - 1e-12), 5.0, 0.0])
def test_the_bound_does_not_trust_the_solvers_budget_point(U, loose):
    """certify_points searches beyond the U it is given (the boxes [U, U+] and [U+, cap]):
    f = x^2, P = 100, n = 1e6: h = x - x^2/n rises up to the true budget point 10, so
    h* = 10 - 100/1e6 exactly; given a U below 10 (by 1e-12, by half, or 0), the bound
    must still be at least h* (compared as rationals) and the incumbent is moved up.
    ``loose``: the enclosure of f' is valid but loose below (2x - 100), so that the sliver
    [U, U+] is not proved monotone and has to be searched as a box."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    e = 1e-15
    cost = pm.make_cost("x**2") if not loose else CallableCost(
        lambda x: x**2, interval=lambda lo, hi: (lo**2 * (1 - e), hi**2 * (1 + e)),
        dinterval=lambda lo, hi: (2 * lo - 100, 2 * hi * (1 + e)))
    one = np.ones(1)
    x, bound, lower, ok = certify_points(cost, {}, 1e6 * one, 100.0 * one, U * one,
                                         np.inf * one, U * one, 1e-9 * 10 * one, scalar=True)
    h_star = Q(10) - Q(100) / Q(10**6)
    assert Q(float(bound[0])) >= h_star, bound
    assert x[0] ** 2 <= 100.0 and Q(float(lower[0])) <= Q(float(x[0])) - Q(float(x[0])) ** 2 / 10**6
    assert ok[0] and x[0] > 10 * (1 - 1e-9)


@pytest.mark.parametrize("U", [10.0, 5.0])
def test_no_box_beyond_the_budget_point_is_dropped_unless_f_above_p_is_proved_there(U):
    """The boxes beyond U+ where f cannot be evaluated are dropped only once f(U+) > P is
    proved (the model's f is non-decreasing). Here f = min(x^2, 100) + max(x - 20, 0) with
    P = 100 stays exactly at P on [10, 20], the solver's U is given as 10 (f(U+) = P, not
    > P) or 5 (f(U+) < P), and the enclosure of f says nothing below (NaN lower end) on
    boxes starting past 10.001: the feasible set is [0, 20] and h* = 20 - 100/n exactly,
    so no bound below it may be returned, and nothing short of it certified."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    e, T = 1e-15, 10.001

    def interval(lo, hi):
        flo = np.minimum(lo**2 * (1 - e), 100.0) + np.maximum(lo - 20.0, 0.0) * (1 - e)
        fhi = np.minimum(hi**2 * (1 + e), 100.0) + np.maximum(hi - 20.0, 0.0) * (1 + e)
        return np.where(lo > T, np.nan, flo), fhi

    def dinterval(lo, hi):  # f' is 2x below 10, 0 on [10, 20], 1 beyond
        dlo = np.where(hi <= 10.0, 2 * lo * (1 - e), np.where(lo < 20.0, 0.0, 1.0))
        dhi = np.where(hi <= 10.0, 2 * hi * (1 + e), 20.0 * (1 + e))
        return np.where(lo > T, np.nan, dlo), dhi

    cost = CallableCost(lambda x: np.minimum(x**2, 100.0) + np.maximum(x - 20.0, 0.0),
                        interval=interval, dinterval=dinterval)
    one, n = np.ones(1), 1e6
    x, bound, lower, ok = certify_points(cost, {}, n * one, 100.0 * one, U * one,
                                         np.inf * one, U * one, 1e-8 * one, scalar=True)
    h_star = Q(20) - Q(100) / Q(10**6)
    assert bound[0] == np.inf or Q(float(bound[0])) >= h_star, bound
    assert not ok[0] or Q(float(lower[0])) >= h_star - Q(1e-8), (x, lower)


@pytest.mark.parametrize("rel", [2e-10, 3e-9])
def test_an_unproved_incumbent_is_replaced_only_by_a_point_within_tol_of_it(rel):
    """x0 = 10 (1 + rel) is just past the budget point of f = x^2 (P = 100, n = 1e6, so
    h = x - x^2/n rises to h* = 10 - 1e-4 at x = 10): its feasibility cannot be proved,
    even shrunk by 1e-10. The enclosure of f' is valid but loose above (+1e7), so the
    search splits [0, U] and proves points near 10. With tol = 1e-8, a proved point replaces
    x0 only if its h is at least h(x0) - tol: for rel = 2e-10 such points exist (h* is
    above h(x0) - tol), the answer is certified with x feasible and h(x) within tol of h*;
    for rel = 3e-9 none does (h(x0) - tol > h*), so x0 is kept and nothing is certified.
    Checked as rationals."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    e = 1e-15
    cost = CallableCost(lambda x: x**2, interval=lambda lo, hi: (lo**2 * (1 - e), hi**2 * (
        1 + e)), dinterval=lambda lo, hi: (2 * lo * (1 - e), 2 * hi * (1 + e) + 1e7))
    one, n, tol = np.ones(1), 1e6, 1e-8
    x0 = 10 * (1 + rel)
    x, bound, lower, ok = certify_points(cost, {}, n * one, 100.0 * one, 10.0 * one,
                                         np.inf * one, x0 * one, tol * one, scalar=True)

    def h(v):
        return Q(float(v)) - Q(float(v)) ** 2 / Q(n)

    h_star = h(10.0)
    assert Q(float(bound[0])) >= h_star
    assert h(x[0]) >= h(x0) - Q(tol)  # never a point worse than x0 by more than tol
    if rel < 1e-9:
        assert ok[0] and x[0] <= 10.0 and h_star - Q(tol) <= Q(float(lower[0])) <= h(x[0])
    else:
        assert not ok[0] and x[0] == x0


def test_a_feasible_x_star_at_zero_is_proved_feasible_even_where_the_gap_is_too_wide():
    """f = 1 + 10x, N = 2, P = 1 + 1e-7: h = x - f/2 falls, so x* = 0 and g* = (P - 1)/2
    = 5e-8 (exact, as rationals). f(0) = 1 < P is provable at x = 0 itself, so `lower` is
    a finite rigorous lower bound of g(0) and `bound` is above it; the gap (a few ulps of
    f/N = 0.5) is above certify_rtol |g*|, and the status says so, not that feasibility
    could not be proved."""
    from fractions import Fraction as Q

    P = 1 + 1e-7
    s = pm.Model("1 + 10*x").solve(N=2.0, P=P, certify=True)
    g = (Q(P) - 1) / 2
    assert s.x == 0.0
    assert np.isfinite(s.lower) and Q(float(s.lower)) <= g <= Q(float(s.bound))
    assert s.status.startswith("not certified: gap"), s.status


def test_a_domain_of_one_point_is_bounded_by_h_there():
    """cap = U = 0 (certify_points called directly: the feasible set is {0}): the box
    [0, 0] is searched like any other, so the bound is at least h(0) = -f(0)/n exactly
    (0 for f = x^2, -1/2 for f = 1 + x^2 at n = 2), never the rounded-down lower value."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    one = np.ones(1)
    for expr, h0 in (("x**2", Q(0)), ("1 + x**2", Q(-1, 2))):
        x, bound, lower, ok = certify_points(pm.make_cost(expr), {}, 2.0 * one, 100.0 * one,
                                             0.0 * one, 0.0 * one, 0.0 * one, 1e-9 * one,
                                             scalar=True)
        assert x[0] == 0.0 and Q(float(lower[0])) <= h0 <= Q(float(bound[0])), (expr, bound)


def test_the_bound_of_the_sliver_past_the_budget_point_covers_its_rounding():
    """f = 1 + 1000 max(x - X, 0) with P = 1: feasible up to X = 1 + 1e-11 - 2e-13, just
    below the point U+ = U (1 + 1e-11) where f > P is first proved when the solver's U is
    given as 1; on [U, U+] f is flat (f' >= 0 is proved) and the sliver is closed at once
    at U+ - F/n. With n ~ 1/4300 ... 1/5000, F/n ~ 5000 is rounded and h* = X - 1/n
    exceeds h(U) by more than the margin of [0, U]: the sliver's bound alone must cover
    h*, its rounding included (compared as rationals). The enclosures are exact where f = 1
    and rounded outward beyond."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    X, k = 1 + 1e-11 - 2e-13, 1e3

    def interval(lo, hi):
        dl, dh = k * np.maximum(lo - X, 0.0), k * np.maximum(hi - X, 0.0)
        return (np.where(dl > 0, np.nextafter(np.nextafter(dl, -np.inf) + 1.0, -np.inf), 1.0),
                np.where(dh > 0, np.nextafter(np.nextafter(dh, np.inf) + 1.0, np.inf), 1.0))

    cost = CallableCost(lambda x: 1.0 + k * np.maximum(x - X, 0.0), interval=interval,
                        dinterval=lambda lo, hi: (np.where(lo < X, 0.0, k),
                                                  np.where(hi <= X, 0.0, k)))
    n = 1 / np.array([4300.0, 4800.0, 5000.0])
    one = np.ones(3)
    x, bound, lower, ok = certify_points(cost, {}, n, one, one, np.inf * one, one,
                                         1e-6 * one, scalar=True)
    for i in range(3):
        h_star = Q(X) - 1 / Q(float(n[i]))
        assert Q(float(bound[i])) >= h_star, (i, float(Q(float(bound[i])) - h_star))
        assert Q(float(lower[i])) <= Q(float(x[i])) - 1 / Q(float(n[i])) and x[i] <= X


def test_the_sliver_bound_covers_the_rounding_of_f_over_n_where_h_cancels():
    """As the test above, with h* ~ 0: f = 1 + 1e6 max(x - X, 0), P = 1, X = c/2867 with
    c = 2867.00000002867, a rational 3e-19 below U+ = 1 + 1e-11 (U given 1), and 1/n ~ U+,
    for three n whose 1/n is rounded up by more than 5e-17. h = U+ - F/n nearly cancels, so
    the rounding of F/n itself, not of the difference, is what the slack must cover. The
    enclosures are computed exactly (rationals) and rounded outward."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    X, K, XM = Q(2867.00000002867) / 2867, Q(10**6), np.finfo(float).max
    ns = np.array([0.9804815537004845, 0.9824842704170057, 0.9849431736937438])
    assert all(Q(1 / v) - 1 / Q(v) > Q(5e-17) for v in ns)

    def exact(v):  # f at a float, exactly
        return Q(10) ** 400 if not np.isfinite(v) else 1 + K * max(Q(v) - X, 0)

    def out(q, side):  # q rounded outward to a float
        if q > Q(XM):
            return XM if side < 0 else np.inf
        v = float(q)
        return v if (Q(v) - q) * side >= 0 else float(np.nextafter(v, side * np.inf))

    def interval(lo, hi):
        lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
        return (np.array([out(exact(v), -1) for v in lo.ravel()]).reshape(lo.shape),
                np.array([out(exact(v), 1) for v in hi.ravel()]).reshape(hi.shape))

    def dinterval(lo, hi):
        return np.where(np.vectorize(lambda v: Q(v) < X)(lo), 0.0, float(K)), \
            np.where(np.vectorize(lambda v: Q(v) <= X)(hi), 0.0, float(K))

    cost = CallableCost(lambda x: 1.0 + float(K) * np.maximum(x - float(X), 0.0),
                        interval=interval, dinterval=dinterval)
    one = np.ones(3)
    x, bound, lower, ok = certify_points(cost, {}, ns, one, one, np.inf * one, one,
                                         1e-9 * one, scalar=True)
    for i in range(3):
        h_star = X - 1 / Q(float(ns[i]))
        assert Q(float(bound[i])) >= h_star, (i, float(Q(float(bound[i])) - h_star))
        assert Q(float(lower[i])) <= Q(float(x[i])) - 1 / Q(float(ns[i])) and x[i] <= X


def test_a_fixed_overhead_with_a_negative_h_star_is_certified():
    """f = F + c x^2 with F > 0: h* = x* - f(x*)/N (x* = N/(2c)) is negative for small N,
    positive for large N; certification must reach certify_rtol on both sides of 0, with
    the closed form g* = (P - F - c x*^2)/N + x* between lower and bound."""
    F, c, P = 100.0, 1.0, 1e4
    N = np.array([2.0, 10.0, 15.0, 40.0, 150.0])  # h* = N/4 - F/N: < 0 for N < 20
    s = pm.Model("F + c*x**2", F=F, c=c).solve(N=N, P=P, certify=True)
    x = N / (2 * c)
    g = (P - F - c * x**2) / N + x
    assert (s.status == "ok").all(), s.status
    assert (s.lower <= g * (1 + 1e-15)).all() and (s.bound >= g * (1 - 1e-15)).all()
    assert (s.gap <= 1e-9 * np.abs(s.value)).all()
    np.testing.assert_allclose(s.x, x, rtol=1e-7)


def test_tangent_bound_is_rigorous_in_exact_arithmetic():
    """On boxes where h = x - c x^2/n is concave, the tangent bound must be at least
    max h over the box, computed exactly (rationals: the maximum is at n/(2c) clipped to
    the box), at scales from 1e-300 to 1e10 and with h* near 0 (cancellation); the lower
    value it proves is at most that maximum."""
    from fractions import Fraction as Q

    from powermodel.certify import _Evaluator, _Incumbent, _tangent_bound

    rng = np.random.default_rng(21)
    k = 1500
    a = 10.0 ** rng.uniform(-300, 10, k)
    b = a * (1 + 10.0 ** rng.uniform(-12, 1, k))
    n = 10.0 ** rng.uniform(-3, 4, k)
    # the root n/(2c) inside the box for most rows, at either end for some
    root = a + rng.uniform(-0.2, 1.2, k) * (b - a)
    c = np.where(root > 0, n / (2 * np.abs(root)), 1.0)
    # every third row: the root just left of the box, where h(a) = a - c a^2/n ~ 0 (the
    # bound is taken at a, and x and f(x)/n cancel)
    c[::3] = (n / a)[::3] * (1 + rng.uniform(-1e-12, 1e-12, k))[::3]
    ok = np.isfinite(c) & (c > 0) & np.isfinite(b)
    a, b, n, c = a[ok], b[ok], n[ok], c[ok]
    k = a.size
    cost = pm.make_cost("c*x**2")
    ev = _Evaluator(cost, {"c": c}, False)
    inc = _Incumbent(0.5 * (a + b), np.full(k, -np.inf), np.zeros(k))
    lb = np.full(k, -np.inf)
    rows = np.arange(k)
    out = _tangent_bound(cost, ev, rows, a, b, n, np.full(k, np.inf), inc, lb)
    for i in range(k):
        A, B, C, Nn = Q(a[i]), Q(b[i]), Q(c[i]), Q(n[i])
        xr = min(max(Nn / (2 * C), A), B)
        hmax = xr - C * xr * xr / Nn
        assert Q(out[i]) >= hmax, i
        # the proved lower value is h at a point of the box: never above its maximum
        assert not np.isfinite(lb[i]) or Q(lb[i]) <= hmax, i


def test_the_curvature_allowance_of_the_concave_rule_covers_a_negative_f2():
    """The concave rule closes a box with the tangent bound plus the allowance
    max(0, -F''_lo) w^2/(2n) where f'' may be negative (up to tol/10). Here f' starts
    just above n and falls (f'' = -K n/U on most of [0, U]), then f'' turns large and
    positive near U: h rises from h(0) = 0 to a peak at 0.9 U (above h at 0, U/2 and U,
    the points the search evaluates) and the first box [0, U] is closed at once by that
    rule with the tangent at 0 (flat) plus the allowance. The bound must be at least h
    at 0.9 U, computed exactly (rationals), for n from 0.05 to 3 and U from 0.1 to 20."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    n = np.array([0.05, 1.0, 1.0, 3.0, 0.3])
    U = np.array([1.0, 20.0, 0.1, 1.0, 7.0])
    K, tp = 1e-3, 0.9
    beta = 21 / tp**20  # h' = 0 near 0.9 U
    p = {"a1": n * (1 + K * 1e-6), "a2": -n * K / (2 * U),
         "a3": n * K * beta / (21 * 22 * U**21)}
    cost = pm.make_cost("a1*x + a2*x**2 + a3*x**22")
    m = n.size
    tol = 5.005 * K * U  # the allowance K U/2 is just within tol/10
    x, bound, lower, ok = certify_points(cost, p, n, np.full(m, 1e6), U, U.copy(),
                                         np.zeros(m), tol, scalar=False)

    def h(i, v):  # exactly, from the float coefficients
        A1, A2, A3 = (Q(float(p[k][i])) for k in ("a1", "a2", "a3"))
        v = Q(float(v))
        return v - (A1 * v + A2 * v**2 + A3 * v**22) / Q(n[i])

    for i in range(m):
        assert Q(float(bound[i])) >= h(i, tp * U[i]), (i, bound[i])
        assert Q(float(lower[i])) <= h(i, x[i]), i
        assert not ok[i] or bound[i] - lower[i] <= tol[i], i


@pytest.mark.parametrize("U", [1.0, 0.5, 3.0])
def test_a_stretch_where_f_equals_the_budget_exactly_is_feasible(U):
    """f = min(x, 1) with exact enclosures, P = 1, cap 10: f = P on all of [1, 10], which
    is feasible (f <= P), so h = x - 1/n rises to its maximum 10 - 1/n at the cap. Given
    a U below 10 (the solver's budget point, not trusted), a box on which the lower end
    of f, or f at its left end with f' >= 0, equals P exactly must stay in the search:
    only f > P proves a box infeasible, and a point where f = P is feasible. The bound is
    compared with 10 - 1/n exactly."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    cost = CallableCost(lambda x: np.minimum(x, 1.0),
                        interval=lambda lo, hi: (np.minimum(lo, 1.0), np.minimum(hi, 1.0)),
                        dinterval=lambda lo, hi: (np.where(hi < 1, 1.0, 0.0),
                                                  np.where(lo >= 1, 0.0, 1.0)))
    n = np.array([1.0, 2.0, 0.5, 100.0])
    one = np.ones(n.size)
    x, bound, lower, ok = certify_points(cost, {}, n, one, U * one, 10 * one, U * one,
                                         1e-9 * one, scalar=True)
    for i in range(n.size):
        assert Q(float(bound[i])) >= Q(10) - Q(1) / Q(n[i]), (i, bound[i])
        X = Q(float(x[i]))  # the proved lower value is at most h(x) exactly
        assert 0 <= X <= 10 and Q(float(lower[i])) <= X - min(X, Q(1)) / Q(n[i]), i
    # and the incumbent moves to the maximiser, x = 10 where f(x) = P (proved: the
    # enclosure there is exactly [1, 1]), which is certified
    assert (x == 10).all() and ok.all(), (x, ok)


class _RootHintOff:
    """c x^2 with the engine's rigorous enclosures, but point derivatives of (1 + s) c x^2:
    the root of f' = n that the tangent bound starts from is off by a factor 1/(1 + s)."""

    def __init__(self):
        self.base = pm.make_cost("c*x**2")

    def interval_derivatives(self, a, b, p):
        return self.base.interval_derivatives(a, b, {"c": p["c"]})

    def interval(self, a, b, p):
        return self.base.interval(a, b, {"c": p["c"]})

    def df(self, x, p):
        return 2 * p["c"] * (1 + p["s"]) * x

    def d2f(self, x, p):
        return 2 * p["c"] * (1 + p["s"]) + 0 * x

    def df_d2f(self, x, p):
        return self.df(x, p), self.d2f(x, p)


def test_tangent_bound_holds_for_a_root_that_is_off():
    """The root of f' = n only picks the tangent point: h(xr) plus the slope covers
    (1 - F'_lo(xr)/n)^+ (b - xr) and (F'_hi(xr)/n - 1)^+ (xr - a) bound h on the box for
    any xr in it. With the root off by a relative 1e-6 to 1e-1 on either side, the bound
    must still be at least the exact maximum of h = x - c x^2/n on the box (at the true
    root n/(2c) inside it; rationals), and the lower value it proves at most that."""
    from fractions import Fraction as Q

    from powermodel.certify import _Evaluator, _Incumbent, _tangent_bound

    rng = np.random.default_rng(5)
    k = 400
    a = 10.0 ** rng.uniform(-5, 5, k)
    b = a * (1 + 10.0 ** rng.uniform(-3, 1, k))
    n = 10.0 ** rng.uniform(-3, 3, k)
    c = n / (2 * (a + rng.uniform(0.05, 0.95, k) * (b - a)))
    s = rng.choice([-1.0, 1.0], k) * 10.0 ** rng.uniform(-6, -1, k)
    cost = _RootHintOff()
    ev = _Evaluator(cost, {"c": c, "s": s}, False)
    inc = _Incumbent(0.5 * (a + b), np.full(k, -np.inf), np.zeros(k))
    lb = np.full(k, -np.inf)
    out = _tangent_bound(cost, ev, np.arange(k), a, b, n, np.full(k, np.inf), inc, lb)
    for i in range(k):
        A, B, C, Nn = Q(a[i]), Q(b[i]), Q(c[i]), Q(n[i])
        xr = min(max(Nn / (2 * C), A), B)
        hmax = xr - C * xr * xr / Nn
        assert not np.isnan(out[i]) and Q(out[i]) >= hmax, (i, out[i], float(hmax))
        assert not np.isfinite(lb[i]) or Q(lb[i]) <= hmax, i


@pytest.mark.parametrize("sc", [1.0, 1e-6, 1e-12, 1e-30, 1e6])
def test_a_cost_with_an_inflection_is_certified_at_every_scale(sc):
    """f(x) = sc g(x/sc) with g(t) = t^3 - t^2 + t (g'' changes sign at 1/3, so the first
    boxes are neither monotone, convex nor concave and are split), N = 2, P = 6 sc (the
    budget is 2 sc): x* = sc (where g'(t) = 2: 3t^2 - 2t - 1 = 0) and g* = (P - sc)/2 + sc
    = 3.5 sc. Certification must reach certify_rtol at every scale: the search's stopping
    rules (e.g. the width at which a box is too narrow to split) are relative to x."""
    s = pm.Model("a*x**3 + b*x**2 + x", a=1 / sc**2, b=-1 / sc).solve(N=2.0, P=6 * sc,
                                                                        certify=True)
    assert s.status == "ok", s.status
    assert abs(s.x / sc - 1) <= 1e-6
    assert s.lower <= 3.5 * sc * (1 + 1e-12) and s.bound >= 3.5 * sc * (1 - 1e-12)
    assert abs(s.value / (3.5 * sc) - 1) <= 1e-9


@pytest.mark.parametrize("cap", [100.0, np.inf])
def test_a_single_point_moves_from_a_wrong_incumbent(cap):
    """One point alone (the search's offers then hold a single row): f = x^2, n = 4, from
    a wrong incumbent x0 = 0, the search must move x to the exact optimum x* = n/2 = 2
    (h* = 1, found by the tangent rule on the first box) and certify it."""
    from powermodel.certify import certify_points

    one = np.ones(1)
    x, bound, lower, ok = certify_points(pm.make_cost("x**2"), {}, 4 * one, 1e4 * one,
                                         100 * one, cap * one, 0 * one, 1e-9 * one,
                                         scalar=True)
    assert x[0] == 2.0 and ok[0], (x, ok)
    assert lower[0] <= 1.0 <= bound[0] and bound[0] - lower[0] <= 1e-9


class _ConvexHWithLooseEnclosures:
    """f = n x - k x^2/2 on [0, b] (f'' = -k exactly, f' from n down to n - k b > 0), with
    valid enclosures: F'' = [-k, 1] (exact below, loose above, so that h = x - f/n, which
    is convex here, is not recognised as such) and F'_hi = n (1 + 1e-9) (loose, so that h
    is not seen non-decreasing); f and F'_lo are widened by two ulps."""

    @staticmethod
    def _dn(v):
        return np.nextafter(np.nextafter(v, -np.inf), -np.inf)

    @staticmethod
    def _up(v):
        return np.nextafter(np.nextafter(v, np.inf), np.inf)

    def f(self, x, p):
        return p["n"] * x - p["k"] * x * x / 2

    def interval(self, a, b, p):  # f is increasing on [0, b]
        return self._dn(self.f(a, p)), self._up(self.f(b, p))

    def interval_derivatives(self, a, b, p):
        flo, fhi = self.interval(a, b, p)
        n, k = p["n"], p["k"]
        dlo = np.where(b > 0, self._dn(n - k * b), n)  # f'(0) = n exactly
        return flo, fhi, dlo, n * (1 + 1e-9) + 0 * a, -k + 0 * a, 1.0 + 0 * a

    def df(self, x, p):
        return p["n"] - p["k"] * x

    def d2f(self, x, p):
        return -p["k"] + 0 * x

    def df_d2f(self, x, p):
        return self.df(x, p), self.d2f(x, p)


def test_the_curvature_allowance_is_rounded_up():
    """The one box [0, b] is closed by the concave rule (F''_lo = -k, allowance k b^2/(2n)
    within tol/10) with the tangent at 0, where f'(0) = n exactly (flat): the bound is
    h(0) = 0 plus the allowance, and here h = k x^2/(2n) rises to exactly that allowance
    at b. The computed allowance (three roundings) must be rounded up: the bound must be
    at least k b^2/(2n) in exact arithmetic (400 random n, b, k)."""
    from fractions import Fraction as Q

    from powermodel.certify import certify_points

    rng = np.random.default_rng(1)
    m = 400
    n = 10.0 ** rng.uniform(-2, 2, m)
    b = 10.0 ** rng.uniform(-2, 2, m)
    k = n / b * 10.0 ** rng.uniform(-6, -3, m)
    x, bound, lower, ok = certify_points(_ConvexHWithLooseEnclosures(), {"n": n, "k": k}, n,
                                         np.full(m, 1e300), b, b.copy(), np.zeros(m),
                                         10.5 * k * b * b / (2 * n), scalar=False)
    for i in range(m):
        h_max = Q(k[i]) * Q(b[i]) ** 2 / (2 * Q(n[i]))  # h(b) = b - f(b)/n, exactly
        assert Q(float(bound[i])) >= h_max, (i, bound[i], float(h_max))
        X = Q(float(x[i]))
        assert Q(float(lower[i])) <= Q(k[i]) * X * X / (2 * Q(n[i])), i


def test_box_bound_holds_where_the_slope_of_f_is_close_to_n():
    # f = c x (exact enclosures: F = [c a, c b] lower end 0 at a = 0, F' = [c, c]) with c/n
    # within a few ulps of 1: 1 - c/n cancels, and its rounding must not put the bound below
    # max h = max(h(0), h(b)) = max(0, b - c b/n), checked as rationals
    from fractions import Fraction as Q

    from powermodel.certify import box_bound
    rng = np.random.default_rng(7)
    for _ in range(2000):
        n = float(rng.uniform(0.5, 5.0))
        c = n * (1 + float(rng.uniform(-2e-3, 2e-3)))
        b = float(rng.uniform(1e-3, 1.0))
        m = b / 2
        hc_hi = np.nextafter(float(Q(m) - Q(c) * Q(m) / Q(n)), np.inf)  # an upper bound of h(m)
        ub = float(box_bound(0.0, b, m, 0.0, c, c, hc_hi, n))
        assert Q(ub) >= max(Q(0), Q(b) - Q(c) * Q(b) / Q(n)), (c, n, b, ub)
