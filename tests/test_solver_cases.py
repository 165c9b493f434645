"""Pinned hard cases for the global solver, plain and certified, against a
50-digit brute force.

Every case reaches the interior of a non-convex cost: kinks (abs, min, max,
including an optimum on the kink itself), a step far narrower than any fixed
grid, S-shaped costs whose optimum is a root on an inner convex piece, and the
cubic. The brute force is independent of the solver: the objective
h(x) = x - f(x)/N is tabulated in floats on a grid (made dense where the case
has a feature), every local maximum of the table is refined by golden-section
search in 50-digit mpmath, and the candidates 0, the budget (found by mpmath
root finding) and the kinks (known exactly) are added.
"""

import mpmath
import numpy as np
import pytest
import sympy as sp

import powermodel as pm
from powermodel.expressions import parse

mpmath.mp.dps = 50

# (expression, params, N, P, expected x* (a hand computation where one exists, else None),
#  extra grid: (centre, half-width) dense windows for the brute force, exact kinks)
CASES = [
    # Kinks. x > 5: f = 15 + 0.1 x^2, so f' = 0.2 x = N: x* = 5 N (12.5 and 15).
    ("1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2", {}, 2.5, 1e3, 12.5, [], [5.0]),
    ("1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2", {}, 3.0, 1e3, 15.0, [], [5.0]),
    # The optimum on the kink: f' jumps from 0.5 + 0.02 x < 2 to 3.5 + 0.02 x > 2 at 7.
    ("2*x + 1.5*abs(x - 7) + 0.01*x**2", {}, 2.0, 1e3, 7.0, [], [7.0]),
    # max: f' jumps from 1 + 0.002 x to 3 + 0.002 x at 10; with N = 2, x* = 10 on the kink.
    ("max(x, 3*x - 20) + 0.001*x**2", {}, 2.0, 1e4, 10.0, [], [10.0]),
    # min: f' = 0.1 x + 3 below 4, 0.1 x + 1 above: with N = 3 the root x = 20 on the
    # inner piece beats x = 0 (h = 4 > 0).
    ("0.05*x**2 + min(3*x, x + 8)", {}, 3.0, 1e4, 20.0, [], [4.0]),
    # min with a parameter: min(4x, x + 3a) has f' = 4 then 1 at x = a (a concave kink:
    # h has a local minimum there); with N = 4 the optimum is the root of 1 + 0.2 x = N
    # on the outer piece, x = 5 (N - 1) = 15, where h = 4.125 > h(0) = 0.
    ("min(4*x, x + 3*a) + 0.1*x**2", {"a": 2.0}, 4.0, 1e4, 15.0, [], [2.0]),
    # A step of height 5 and width 1e-7 at x = 30 on 0.1 x^2: the unconstrained
    # optimum 5 N = 32.5 is beyond the step, but paying the step does not pay:
    # x* sits just below it (where 0.2 x + step' = N).
    ("0.1*x**2 + 2.5*(1 + tanh((x - 30)/w))", {"w": 1e-7}, 6.5, 1e4, None, [(30.0, 3e-6)], []),
    # The same step with a larger N: now it pays, x* = 5 N = 50 beyond the step.
    ("0.1*x**2 + 2.5*(1 + tanh((x - 30)/w))", {"w": 1e-7}, 10.0, 1e4, 50.0, [(30.0, 3e-6)], []),
    # S-shaped costs: the global optimum is a root on the inner convex piece. With the cap
    # at 20 (the end of that piece), f'(x) = 5 where sigma (1 - sigma) = 0.196, i.e.
    # x = 20 + 2 ln(s/(1 - s)), s = (1 - sqrt(1 - 0.784))/2: x* = 17.98..., not 20.
    ("c*x + F/(1 + exp(-(x - m)/w))", {"c": 0.1, "F": 50.0, "m": 20.0, "w": 2.0}, 5.0, 103.0,
     20 + 2 * np.log((1 - np.sqrt(0.216)) / (1 + np.sqrt(0.216))), [], [], 20.0),
    ("c*x + F*(1 + tanh((x - m)/w))", {"c": 0.2, "F": 10.0, "m": 40.0, "w": 3.0}, 4.0, 1e4,
     None, [], []),
    # The cubic: f' = 3 (x - 2)^2 + 3 > 0, an inflection at 2; with N = 10 the roots of
    # f' = N are 2 -+ sqrt(7/3); the larger one is the maximum of h.
    ("x**3 - 6*x**2 + 15*x", {}, 10.0, 1e4, 2 + np.sqrt(7 / 3), [], []),
    # The cubic with a parameter and the budget binding.
    ("c*x**3 - 6*x**2 + 15*x", {"c": 1.0}, 40.0, 60.0, None, [], []),
]


def _mp_cost(expr, params):
    e = parse(expr).to_sympy()
    x = sp.Symbol("x", real=True)
    subs = {sp.Symbol(k, real=True): sp.Float(v, 30) if not float(v).is_integer() else
            sp.Integer(int(v)) for k, v in params.items()}
    return sp.lambdify(x, e.subs(subs), modules="mpmath")


def _golden(h, a, b, tol=mpmath.mpf("1e-35")):
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    g = (mpmath.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    hc, hd = h(c), h(d)
    while b - a > tol * (1 + abs(a)):
        if hc >= hd:
            b, d, hd = d, c, hc
            c = b - g * (b - a)
            hc = h(c)
        else:
            a, c, hc = c, d, hd
            d = a + g * (b - a)
            hd = h(d)
    x = (a + b) / 2
    return x, h(x)


def brute_force(expr, params, N, P, windows, kinks, cap=None):
    """(x*, h*) of h(x) = x - f(x)/N on {f <= P, x <= cap}, at 50 digits."""
    fm = _mp_cost(expr, params)
    N_, P_ = mpmath.mpf(N), mpmath.mpf(P)
    # The budget: f is non-decreasing; bracket f = P by doubling, then bisect.
    hi = mpmath.mpf(1)
    while fm(hi) <= P_:
        hi *= 2
    lo = mpmath.mpf(0)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fm(mid) <= P_ else (lo, mid)
    U = lo if cap is None else min(lo, mpmath.mpf(cap))

    def h(x):
        x = min(max(mpmath.mpf(x), mpmath.mpf(0)), U)
        return x - fm(x) / N_

    Uf = float(U)
    grid = [np.linspace(0, Uf, 200001)]
    for c, w in windows:
        grid.append(np.linspace(max(0.0, c - w), min(Uf, c + w), 200001))
    xs = np.unique(np.concatenate(grid))
    fnum = sp.lambdify(sp.Symbol("x", real=True), parse(expr).to_sympy().subs(
        {sp.Symbol(k, real=True): v for k, v in params.items()}), modules="numpy")
    with np.errstate(all="ignore"):
        hs = xs - np.broadcast_to(fnum(xs), xs.shape) / N
    cands = [(mpmath.mpf(0), h(0)), (U, h(U))]
    cands += [(mpmath.mpf(k), h(k)) for k in kinks if 0 <= k <= Uf]
    peak = np.flatnonzero((hs[1:-1] >= hs[:-2]) & (hs[1:-1] >= hs[2:])) + 1
    top = peak[np.argsort(hs[peak])[::-1][:20]]
    for i in top:
        cands.append(_golden(h, xs[i - 1], xs[i + 1]))
    return max(cands, key=lambda t: t[1])


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0][:30]}-N{c[2]}" for c in CASES])
@pytest.mark.parametrize("certify", [False, True])
def test_hard_cases_match_50_digit_brute_force(case, certify):
    expr, params, N, P, expected, windows, kinks, *cap = case
    cap = cap[0] if cap else None
    xb, hb = brute_force(expr, params, N, P, windows, kinks, cap)
    if expected is not None:  # the hand computation and the brute force agree
        assert abs(float(xb) - expected) <= 1e-12 * max(1.0, expected)
    s = pm.Model(expr, **params).solve(N=N, P=P, x_cap=cap, certify=certify)
    scale = max(1.0, abs(float(xb)))
    assert abs(s.x - float(xb)) <= 1e-9 * scale, (s.x, float(xb))
    # The objective at the returned point is the optimum (to 1e-9 of its size).
    fm = _mp_cost(expr, params)
    h_s = mpmath.mpf(s.x) - fm(mpmath.mpf(s.x)) / N
    assert h_s >= hb - mpmath.mpf(1e-9) * (abs(hb) + scale)
    assert s.status == "ok"
    g_true = mpmath.mpf(P) / N + hb
    if certify:
        assert s.gap >= 0
        assert mpmath.mpf(s.bound) >= g_true  # a rigorous bound is never below the optimum
        assert s.gap <= 1e-9 * abs(s.value)
    else:
        assert np.isnan(s.bound) and np.isnan(s.gap)


def test_steep_step_is_found_on_the_right_side():
    """The step case: the optimum sits within a few widths below the step, not at 5N."""
    s = pm.Model("0.1*x**2 + 2.5*(1 + tanh((x - 30)/w))", w=1e-7).solve(N=6.5, P=1e4)
    assert 30 - 1e-5 < s.x < 30
    assert s.regime == "interior"


def test_inner_root_of_s_shaped_cost_is_the_answer():
    """The root on the inner piece (17.99), not the piece end 20 (the cap), and without
    the cap the budget 530 (h grows with slope 1 - 0.1/5 beyond the step)."""
    m = pm.Model("c*x + F/(1 + exp(-(x - m)/w))", c=0.1, F=50.0, m=20.0, w=2.0)
    assert abs(m.solve(N=5, P=103, x_cap=20).x - 17.9865) < 1e-4
    assert m.solve(N=5, P=103).x == pytest.approx((103 - 50 * (1 - 1e-16)) / 0.1, rel=1e-9)


def test_kinked_cost_over_an_array_of_N_matches_closed_form():
    """For the abs case every N in (1.2, 6) has x* = 5 N on the outer piece, or 0."""
    N = np.linspace(1.2, 6, 49)
    s = pm.Model("1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2").solve(N=N, P=1e3)
    # h(5N) = 5N - (15 + 2.5 N^2)/N = 2.5 N - 15/N > h(0) = 0  iff  N^2 > 6
    # (and for N <= 1 the inner piece has f' = 3 + 0.2 x > N: h falls from 0).
    np.testing.assert_allclose(s.x, np.where(N**2 > 6, 5 * N, 0.0), rtol=1e-12)


def test_callables_kinks_warn_and_smooth_callables_do_not():
    """A callable has no interval extension: its kinks are seen by sampling, which warns
    and still finds the root beyond the kink (x* = 5 N = 12.5); a smooth callable solves
    silently."""
    import warnings

    kinked = pm.Model(lambda x: 1.5 * x + 7.5 - 1.5 * np.abs(x - 5) + 0.1 * x**2)
    with pytest.warns(pm.AccuracyWarning, match="changes faster than the sampling grid"):
        s = kinked.solve(N=2.5, P=1e3)
    assert s.x == pytest.approx(12.5, rel=1e-9)
    smooth = pm.Model(lambda x, c: c * x**2 + x * np.arctan(x), c=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = smooth.solve(N=[2.5, 30.0], P=1e3)
    assert (s.regime == "interior").all()


def test_a_callable_that_turns_nan_says_so():
    """f is NaN beyond x = 10: the budget search stops at the edge of the cost's domain,
    and the status says so (instead of reporting an overflow)."""
    m = pm.Model(lambda x, c: np.where(x < 10, c * x**2, np.nan), c=1.0)
    s = m.solve(N=[1e3, 10.0], P=1e6)
    assert s.status[0].startswith("f is undefined (NaN) beyond x = 10")
    # (a callable's optimum is the sampled one: its status says so, not "ok")
    assert s.status[1].startswith("assumed:") and s.x[1] == pytest.approx(5.0, rel=1e-9)


def test_sampled_pieces_of_a_cost_the_intervals_cannot_split():
    """(1+x) atan(x) is too loose in interval arithmetic to split f' = atan x + 4 + 3 cos x
    + (1+x)/(1+x^2) into monotone pieces over N in [3, 30]: its pieces come from the
    sampling scan as well (a warning says so), and the answers match the brute force: an
    interior root at N = 5.5, the budget at N = 30 (f' <= 8.6 < N)."""
    expr = "(1+x)*atan(x) + 4*x + 3*sin(x)"
    import warnings

    N = np.array([3.0, 5.5, 30.0])
    with warnings.catch_warnings(record=True) as caught:  # (and the kink-like wiggles of f')
        warnings.simplefilter("always")
        s = pm.Model(expr).solve(N=N, P=1e4)
    said = [str(w.message) for w in caught]
    assert any("too loose to split" in m for m in said)
    # (the rows were completed by sampling: not also "x* may be missed" from the subdivision)
    assert not any("changes sign too often" in m for m in said)
    for i in (1, 2):
        xb, _ = brute_force(expr, {}, N[i], 1e4, [], [])
        assert abs(s.x[i] - float(xb)) <= 1e-9 * max(1.0, float(xb)), (N[i], s.x[i], xb)
    assert 0 < s.x[1] < 10 and s.regime[2] == "budget"


# The three ways the general solver gathers candidates: scalar parameters and P (the
# shared pass), per-point P (one row of pieces for all points), and per-point parameters
# whose pieces differ by point (an exponent that varies: every point split on its own).
def _three_paths(model, N, P, cap, k):
    """The solve of ``model`` through each path (``k``: the exponent parameter)."""
    cap = np.asarray(cap, dtype=float)
    return {"shared": model.solve(N=N, P=P, x_cap=cap, k=k).x,
            "per-point P": model.solve(N=N, P=P + np.arange(cap.size), x_cap=cap, k=k).x,
            "per-point pieces": model.solve(N=N, P=P, x_cap=cap, k=np.full(cap.size, k)).x}


def test_a_kink_beyond_the_cap_is_not_a_candidate():
    # f = 2x + 1.5|x - 7| + 0.01 x^2 with N = 2: f' = 0.5 + 0.02x < 2 below the kink at 7,
    # 3.5 + 0.02x > 2 above it, so h rises to 7 and falls after: x* = min(cap, 7)
    m = pm.Model("2*x + 1.5*abs(x - 7) + 0.01*x**k")
    caps = np.array([0.5, 5.0, 6.5, 7.0, 10.0, 100.0])
    for path, x in _three_paths(m, 2.0, 1e3, caps, 2.0).items():
        np.testing.assert_allclose(x, np.minimum(caps, 7.0), rtol=1e-12, err_msg=path)
    for cap in (5.0, 10.0):  # a scalar cap
        assert m.solve(N=2.0, P=1e3, x_cap=cap, k=2.0).x == pytest.approx(min(cap, 7.0),
                                                                           rel=1e-12)


@pytest.mark.filterwarnings("ignore:the per-instance power")  # (g* = P/N overflows: said)
def test_a_bounded_h_beyond_the_float_range_is_not_unbounded():
    # f = c x + c |x - 1| with c = N/2 = 5e-11: f' = 0 below 1 and exactly N above, so
    # h = x - 1/2 up to 1 and h = 1/2 from there on: bounded, its maximum on [1, inf) and
    # the tie goes to x = 1; the budget (P = 1e300, f = 1e-10 x) lies beyond the floats
    m = pm.Model("c*x**k + c*abs(x - 1)", c=5e-11)
    for path, x in _three_paths(m, 1e-10, 1e300, [np.inf, np.inf], 1.0).items():
        np.testing.assert_allclose(x, [1.0, 1.0], rtol=1e-12, err_msg=path)


def test_a_large_fixed_cost_does_not_break_a_tie():
    # f = F + c x - (c/2) min(x, 1) with N = c: h = x/2 - F/c below 1 and h = 1/2 - F/c
    # (constant) from 1 to the cap: every x in [1, cap] is optimal and the tie goes to
    # x = 1. h near F/c = 3.3e6 carries rounding of that size, which must not pick the cap
    F, c = 1e6, 0.3
    m = pm.Model("F + c*x**k - a*min(x, 1)", F=F, c=c, a=c / 2)
    caps = 1 + np.linspace(0.1, 3.0, 30)
    for path, x in _three_paths(m, c, F + 1e3, caps, 1.0).items():
        np.testing.assert_allclose(x, np.ones(caps.size), rtol=1e-12, err_msg=path)


def test_equal_maxima_under_a_large_fixed_cost_go_to_the_smallest_x():
    # f = F + c x - A sin x with N = c: h = -F/c + (A/c) sin x, whose maxima at
    # pi/2 + 2 pi k (roots of f' = c - A cos x = N) are all equal: the tie goes to pi/2.
    # h near F/c = 2.4e8 carries rounding of that size, which must not pick a later root
    F, c = 3.1e7, 0.13
    m = pm.Model("F + c*x**k - A*sin(x)", F=F, c=c, A=0.05)
    caps = np.linspace(20.0, 80.0, 25)
    for path, x in _three_paths(m, c, F + 1e3, caps, 1.0).items():
        np.testing.assert_allclose(x, np.full(caps.size, np.pi / 2), rtol=1e-12, err_msg=path)


def test_a_root_below_one_beyond_a_concave_kink():
    # f = min(4x, x + 3a) + c x^2 with a = 0.05, c = 10, N = 4: f' = 4 + 20x > N below the
    # kink at a (h falls from 0), 1 + 20x above it: the root 0.15 of 1 + 20x = N, where
    # h = 0.15 - 0.525/4 > 0. x* = 0 for a cap below a, the cap up to 0.15, else 0.15
    m = pm.Model("min(4*x, x + 3*a) + c*x**k", a=0.05, c=10.0)
    caps = np.array([0.02, 0.1, 0.3, 1e3])
    want = np.array([0.0, 0.1, 0.15, 0.15])
    paths = _three_paths(m, 4.0, 1e4, caps, 2.0)
    # (and per-point parameters whose pieces the parameter ranges give for every point)
    paths["shared pieces"] = pm.Model("min(4*x, x + 3*a) + c*x**2").solve(
        N=4.0, P=1e4, x_cap=caps, a=0.05, c=np.full(caps.size, 10.0)).x
    for path, x in paths.items():
        np.testing.assert_allclose(x, want, rtol=1e-12, err_msg=path)
