"""Numerical extremes: every family against an mpmath reference at 50 digits.

N from 1e-12 to 1e300, P from 0 to 1e300, parameters over hundreds of orders
of magnitude. The reference is independent of the package: closed forms in
mpmath for the convex families; for the others, h(x) = x - f(x)/N evaluated
in mpmath at 0, at the budget and at every root of f'(x) = N found by a dense
log-spaced scan refined by bisection.

Each point must match the reference to 1e-9 relative in x* and g*, with the
same regime. A warning (pm.AccuracyWarning) excuses a mismatch only where the
documented ill-conditioning applies (docs/guarantees.md): k within 1e-5 of 1
(power families), N within 1e-5 relative of c*a (exponential), or a cost that
overflows float64 below the budget (general solver); anywhere else a warned
mismatch is a failure. Results
below the float range (x* < 1e-300) may be 0; nothing is NaN, and nothing is
infinite except in the unbounded regime or under a warning.
"""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest

import powermodel as pm
import powermodel._numeric

mp.mp.dps = 50
M = mp.mpf
FMAX = M("1.7976931348623157e308")
RTOL = 1e-9
HUGE = M(pm._numeric.HUGE)  # the general solver's largest finite x


def _loguniform(rng, lo, hi, size):
    return 10.0 ** rng.uniform(lo, hi, size)


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------

def ref_convex(family, N, P, p):
    """(x*, g*, regime) in closed form, in mpmath."""
    N, P = M(N), M(P)
    q = {k: M(v) for k, v in p.items()}
    if family == "power-logN":
        family = "power"
        q = {"c": q["c"] * (1 + q["beta"] * mp.log(N)), "k": q["k"]}
    if family == "power":
        c, k = q["c"], q["k"]
        f = lambda x: c * x ** k  # noqa: E731
        U = (P / c) ** (1 / k)
        xi = (U if N > c else M(0)) if k == 1 else (N / (c * k)) ** (1 / (k - 1))
    elif family == "exponential":
        c, a = q["c"], q["a"]
        f = lambda x: c * mp.expm1(a * x)  # noqa: E731
        U = mp.log1p(P / c) / a
        xi = mp.log(N / (c * a)) / a if N > c * a else M(0)
    elif family == "linear":
        c = q["c"]
        f = lambda x: c * x  # noqa: E731
        U = P / c
        xi = U if N > c else M(0)
    elif family == "quadratic":
        c, b = q["c"], q["b"]
        f = lambda x: c * x * x + b * x  # noqa: E731
        U = 2 * P / (b + mp.sqrt(b * b + 4 * c * P)) if P > 0 else M(0)
        xi = (N - b) / (2 * c) if N > b else M(0)
    x = min(xi, U)
    regime = "none" if x == 0 else ("budget" if xi >= U else "interior")
    return x, (P - f(x)) / N + x, regime


def _bisect(g, lo, hi, iters=300):
    """Root of an increasing-through-zero g on [lo, hi] (g(lo) < 0 <= g(hi)), in log x."""
    glo = g(lo)
    for _ in range(iters):
        mid = mp.sqrt(lo * hi) if hi > 2 * lo and lo > 0 else (lo + hi) / 2
        if (g(mid) < 0) == (glo < 0):
            lo = mid
        else:
            hi = mid
        if hi - lo <= hi * M(10) ** (-30):
            break
    return (lo + hi) / 2


def ref_general(f, df, N, P, *, xmin=M(10) ** -320, xmax=M(10) ** 320, grid=300):
    """(x*, g*, regime, h) for a non-decreasing f by candidates, in mpmath."""
    N, P = M(N), M(P)
    if f(xmax) <= P:
        return mp.inf, mp.inf, "unbounded", None
    U = M(0) if f(xmin) > P else _bisect(lambda x: f(x) - P, xmin, xmax)
    h = lambda x: x - f(x) / N  # noqa: E731
    cands = [M(0), U]
    if U > 0:
        xs = [U * M(10) ** (-40 * (1 - M(i) / grid)) for i in range(grid + 1)]
        xs = [xmin] + [x for x in xs if x > xmin]
        vals = [df(x) - N for x in xs]
        for a, b, va, vb in zip(xs, xs[1:], vals, vals[1:]):
            if va < 0 <= vb:  # f' rises through N: a local maximum of h... or its start
                cands.append(_bisect(lambda x: df(x) - N, a, b))
    hs = [h(x) for x in cands]
    best = max(hs)
    # ties within 1e-12 relative go to the smaller x (as documented by the solver)
    x = min(c for c, hv in zip(cands, hs)
            if hv >= best - M("1e-12") * (abs(best) + abs(c) + abs(f(c) / N)))
    regime = "none" if x == 0 else ("budget" if x == U else "interior")
    return x, (P - f(x)) / N + x, regime, h


def _rel(a, b):
    a = M(float(a))
    if b == 0:
        return float(abs(a))
    return float(abs(a - b) / abs(b))


def ill_conditioned(family, N, P, p):
    """Whether the documented ill-conditioning of the closed forms applies at this point
    (the only place where an AccuracyWarning may excuse a mismatch)."""
    if family in ("power", "power-logN"):
        return abs(p["k"] - 1) < 1e-5
    if family == "exponential":
        return abs(N / (p["c"] * p["a"]) - 1) < 1e-5
    return False


def overflows_below_budget(cost, params, N, P, ref):
    """The documented case of the general solver: f (or an intermediate of it) is not
    finite in float64 at a point below the budget where the reference is finite."""
    m = pm.Model(cost, **params)
    x = float(min(ref[0], M(pm._numeric.HUGE))) if ref[0] == ref[0] else 0.0
    U = float(min(mp.mpf(x) * 4 + 1, M(pm._numeric.HUGE)))
    xs = np.geomspace(1e-300, max(U, 1e-299), 400)
    with np.errstate(all="ignore"):
        fx = m.cost.f(xs, dict(m.params))
    return not np.all(np.isfinite(fx))


def check_point(s_x, s_value, s_regime, ref, *, warned, what, excusable=False):
    """Compare one solved point with its reference; returns a message or None.

    ``warned`` excuses results beyond the float range (documented: inf with a
    warning); a mismatch within the float range is excused only when
    ``excusable`` (the documented ill-conditioning applies) and the solver warned.
    """
    x, g, regime = ref[:3]
    if math.isnan(s_x) or math.isnan(s_value):
        return f"{what}: NaN"
    if regime == "unbounded":
        return None if (s_regime == "unbounded" and s_x == math.inf) else \
            f"{what}: expected unbounded, got {s_regime} x={s_x}"
    if x > FMAX:  # x* itself beyond the float range
        return None if (s_x == math.inf and warned) else f"{what}: x*={mp.nstr(x, 5)} silently {s_x}"
    if s_x == math.inf:
        return f"{what}: x* = inf but the reference is {mp.nstr(x, 8)}"
    bad = []
    if x < M("1e-300"):
        if s_x > 1e-300:
            bad.append(f"x {s_x} vs {mp.nstr(x, 8)}")
    else:
        if _rel(s_x, x) > RTOL:
            bad.append(f"x {s_x!r} vs {mp.nstr(x, 17)} (rel {_rel(s_x, x):.2g})")
        if s_regime != regime:
            bad.append(f"regime {s_regime} vs {regime}")
    if g > FMAX:
        if not (s_value == math.inf and warned):
            bad.append(f"g* = {mp.nstr(g, 5)} beyond float: got {s_value} (warned={warned})")
    elif abs(g) >= M("1e-300") and _rel(s_value, g) > RTOL:
        bad.append(f"g* {s_value!r} vs {mp.nstr(g, 17)} (rel {_rel(s_value, g):.2g})")
    if math.isinf(s_value) and g <= FMAX:
        bad.append("g* = inf")
    if bad and not (warned and excusable):
        return f"{what}: " + "; ".join(bad) + (" (warned, but not where documented)"
                                               if warned else "")
    return None


def solve_one(cost, N, P, params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = pm.solve(cost, N=N, P=P, **params)
    warned = any(issubclass(w.category, pm.AccuracyWarning) for w in caught)
    return s, warned


# ---------------------------------------------------------------------------
# Convex families: closed forms in mpmath
# ---------------------------------------------------------------------------

def _draw(family, rng, size):
    N = _loguniform(rng, -12, 300, size)
    P = _loguniform(rng, -300, 300, size)
    P[::17] = 0.0
    P[5::17] = 1e300
    N[3::19] = 1e-12
    N[7::19] = 1e300
    big = lambda: _loguniform(rng, -300, 300, size)  # noqa: E731
    k = 1 + 10.0 ** rng.uniform(-5, 2, size)
    k[::11] = 1.0
    params = {
        "power": {"c": big(), "k": k},
        "exponential": {"c": big(), "a": big()},
        "linear": {"c": big()},
        "quadratic": {"c": big(), "b": np.where(rng.random(size) < 0.1, 0.0, big())},
        "power-logN": {"c": big(), "k": k, "beta": _loguniform(rng, -6, 3, size)},
    }[family]
    return N, P, params


CONVEX = ["power", "exponential", "linear", "quadratic", "power-logN"]


@pytest.mark.parametrize("family", CONVEX)
def test_convex_family_at_extremes(family):
    rng = np.random.default_rng(sum(map(ord, family)))
    N, P, params = _draw(family, rng, 400)
    # One vectorised call (errors="nan" skips invalid combinations, e.g. power-logN with
    # c (1 + beta ln N) <= 0); points that disagree are re-solved alone and must warn.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.solve(family, N=N, P=P, errors="nan", **params)
    problems = []
    checked = 0
    for i in range(N.size):
        if s.status[i] != "ok":
            continue
        p = {k: float(v[i]) for k, v in params.items()}
        ref = ref_convex(family, N[i], P[i], p)
        checked += 1
        what = f"{family} N={N[i]!r} P={P[i]!r} {p}"
        if check_point(float(s.x[i]), float(s.value[i]), str(s.regime[i]), ref,
                       warned=False, what=what) is None:
            continue
        one, warned = solve_one(family, N[i], P[i], p)
        assert one.x == s.x[i] or (np.isnan(one.x) and np.isnan(s.x[i]))
        msg = check_point(one.x, one.value, one.regime, ref, warned=warned, what=what,
                          excusable=ill_conditioned(family, N[i], P[i], p))
        if msg:
            problems.append(msg)
    assert checked > 300
    assert problems == [], "\n".join(problems[:10])


@pytest.mark.parametrize("family, N, P, params, x", [
    # exact closed forms at the corners, written out by hand
    ("power", 1e300, 1e300, {"c": 1e-300, "k": 2.0}, "budget"),
    ("power", 1e-12, 1e300, {"c": 1e-300, "k": 3.0}, "interior"),  # g* = 1e312: inf, warned
    ("power", 2e-300, 1e-299, {"c": 1e-300, "k": 2.0}, "interior"),  # x* = 1, U = 3.16
    ("power", 1e200, 1e-280, {"c": 1e100, "k": 60.0}, "budget"),  # P/c underflows
    ("exponential", 1e300, 1e300, {"c": 1e-300, "a": 1e-300}, "budget"),
    ("exponential", 1e-12, 1e-300, {"c": 1e-300, "a": 1e-10}, "budget"),
    ("exponential", 1e10, 1e-150, {"c": 1e-300, "a": 1e200}, "interior"),
    ("exponential", 1e10, 1e300, {"c": 1e-300, "a": 1e300}, "interior"),  # P/c overflows
    ("linear", 1e300, 1e-300, {"c": 1e-300}, "budget"),
    ("quadratic", 1e300, 1e300, {"c": 1e300, "b": 1e-300}, "interior"),
    ("power-logN", 1e300, 1e300, {"c": 1e-300, "k": 2.0, "beta": 1e3}, "budget"),
])
def test_hand_picked_corners(family, N, P, params, x):
    s, warned = solve_one(family, N, P, params)
    ref = ref_convex(family, N, P, params)
    assert ref[2] == x
    assert check_point(s.x, s.value, s.regime, ref, warned=warned, what=family) is None
    assert warned == (ref[1] > FMAX)  # only the overflow of g* itself warns


def test_x_beyond_the_float_range_warns():
    # x* = ln(N/(c a))/a with a = 1e-310 is ~1e312: beyond floats, so inf with a warning.
    with pytest.warns(pm.AccuracyWarning, match="float64 range"):
        s = pm.solve("exponential", N=1e10, P=1e300, c=1e-300, a=1e-310)
    assert s.x == math.inf and s.value == math.inf


def test_ill_conditioned_closed_forms_warn():
    # N within 1e-12 of c*a: x* = ln(N/(c a))/a amplifies rounding by 1e12.
    with pytest.warns(pm.AccuracyWarning, match="ill-conditioned"):
        pm.solve("exponential", N=1.0 + 2**-40, P=1e6, c=1.0, a=1.0)
    with pytest.warns(pm.AccuracyWarning, match="close to 1"):
        pm.solve("power", N=1 + 2e-12, P=1e300, c=1.0, k=1 + 1e-12)
    # and away from those, silence
    with warnings.catch_warnings():
        warnings.simplefilter("error", pm.AccuracyWarning)
        pm.solve("exponential", N=2.0, P=1e6, c=1.0, a=1.0)
        pm.solve("power", N=1.5, P=1e300, c=1.0, k=1.5)


# ---------------------------------------------------------------------------
# Non-convex family and expressions: candidates in mpmath
# ---------------------------------------------------------------------------

def _overhead(p):
    F, s, c, k = (M(p[n]) for n in ("F", "s", "c", "k"))
    f = lambda x: -F * mp.expm1(-x / s) + c * x ** k  # noqa: E731
    df = lambda x: F / s * mp.exp(-x / s) + c * k * x ** (k - 1)  # noqa: E731
    return f, df


EXPRESSIONS = {
    # text: (mpmath f, f', parameter sampler)
    "c*x**k + b*x": (
        lambda p: (lambda x: M(p["c"]) * x ** M(p["k"]) + M(p["b"]) * x),
        lambda p: (lambda x: M(p["c"]) * M(p["k"]) * x ** (M(p["k"]) - 1) + M(p["b"])),
        lambda rng: {"c": float(10 ** rng.uniform(-100, 100)), "k": float(rng.uniform(1.1, 5)),
                     "b": float(10 ** rng.uniform(-100, 100))}),
    "c*x + F*(tanh((x - m)/w) + tanh(m/w))": (
        lambda p: (lambda x: M(p["c"]) * x + M(p["F"]) * (mp.tanh((x - M(p["m"])) / M(p["w"]))
                                                          + mp.tanh(M(p["m"]) / M(p["w"])))),
        lambda p: (lambda x: M(p["c"]) + M(p["F"]) / M(p["w"])
                   * mp.sech((x - M(p["m"])) / M(p["w"])) ** 2),
        lambda rng: {"c": float(10 ** rng.uniform(-3, 3)), "F": float(10 ** rng.uniform(-3, 6)),
                     "m": float(10 ** rng.uniform(-2, 3)), "w": float(10 ** rng.uniform(-1, 2))}),
    "c*exp(a*x)": (
        lambda p: (lambda x: M(p["c"]) * mp.exp(M(p["a"]) * x)),
        lambda p: (lambda x: M(p["c"]) * M(p["a"]) * mp.exp(M(p["a"]) * x)),
        lambda rng: {"c": float(10 ** rng.uniform(-200, 200)),
                     "a": float(10 ** rng.uniform(-200, 200))}),
}


def _general_cases():
    rng = np.random.default_rng(7)
    cases = []
    for i in range(7):
        p = {"F": float(10 ** rng.uniform(-3, 12)), "s": float(10 ** rng.uniform(-6, 6)),
             "c": float(10 ** rng.uniform(-6, 6)), "k": float(rng.uniform(1, 4))}
        cases.append(("overhead", p, _overhead(p)))
    for text, (mf, mdf, sampler) in EXPRESSIONS.items():
        for i in range(4):
            p = sampler(rng)
            cases.append((text, p, (mf(p), mdf(p))))
    return cases


@pytest.mark.parametrize("cost, params, fdf", _general_cases(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_general_solver_at_extremes(cost, params, fdf):
    f, df = fdf
    rng = np.random.default_rng(len(cost) + int(sum(params.values())) % 1000)
    Ns = list(10 ** rng.uniform(-12, 300, 2)) + list(10 ** rng.uniform(-1, 5, 2)) + [1e-12, 1e300]
    Ps = list(10 ** rng.uniform(-100, 300, 2)) + [0.0, 1e300]
    problems = []
    for N in Ns:
        for P in Ps:
            N, P = float(N), float(P)
            if f(M(0)) > P:
                with pytest.raises(pm.InputError):
                    pm.solve(cost, N=N, P=P, **params)
                continue
            s, warned = solve_one(cost, N, P, params)
            ref = ref_general(f, df, N, P)
            if ref[0] > HUGE and s.regime == "unbounded":
                continue  # documented: the general solver takes x > 1e300 as unbounded
            msg = check_point(s.x, s.value, s.regime, ref, warned=warned,
                              what=f"{cost} N={N!r} P={P!r} {params}",
                              excusable=warned and overflows_below_budget(cost, params, N, P,
                                                                          ref))
            if msg and ref[3] is not None and math.isfinite(s.x):
                # a near tie between two local maxima: accept any x* whose h is as good
                hx, hbest = ref[3](M(s.x)), ref[3](ref[0])
                if hx >= hbest - M("1e-12") * (abs(hbest) + M(s.x) + abs(f(M(s.x)) / N)):
                    msg = None
            if msg:
                problems.append(msg)
    assert problems == [], "\n".join(problems[:10])


# ---------------------------------------------------------------------------
# Sweeps with errors="nan": one bad point never spoils the others
# ---------------------------------------------------------------------------

BAD_POINTS = [
    # (input, value, status fragment)
    ("N", np.nan, "`N` must be a number"),
    ("N", -3.0, "`N` must be positive"),
    ("N", 0.0, "`N` must be positive"),
    ("N", np.inf, "`N` must be finite"),
    ("P", -1.0, "`P` must be non-negative"),
    ("P", np.nan, "`P` must be a number"),
    ("c", -1.0, "`c` must be positive"),
    ("k", 0.5, "`k` must be >= 1"),
    ("x_cap", 0.0, "`x_cap` must be positive"),
    ("overlap", 1.5, "`overlap` must be <= 1"),
    ("runtime_penalty", 1.0, "`runtime_penalty` must be < 1"),
]


@pytest.mark.parametrize("name, bad, message", BAD_POINTS)
def test_one_bad_point_in_a_sweep(name, bad, message):
    n = 2001
    N = np.geomspace(1e-3, 1e6, n)
    inputs = {"N": N, "P": np.full(n, 1e9), "c": np.full(n, 1.0), "k": np.full(n, 2.0),
              "x_cap": np.full(n, np.inf), "overlap": np.zeros(n),
              "runtime_penalty": np.zeros(n)}
    i = 777
    inputs[name] = inputs[name].copy()
    inputs[name][i] = bad
    s = pm.solve("power", errors="nan", **inputs)
    assert message in s.status[i]
    assert np.isnan(s.x[i]) and np.isnan(s.value[i]) and s.regime[i] == "invalid"
    ok = np.arange(n) != i
    assert np.all(s.status[ok] == "ok")
    # the others: exactly the closed form x* = N/2 (c = 1, k = 2; the budget sqrt(P) binds
    # above N = 2 sqrt(P)) and exactly what errors="raise" gives without the bad point
    x = np.minimum(N / 2, np.sqrt(1e9))
    np.testing.assert_allclose(s.x[ok], x[ok], rtol=1e-15)
    good = pm.solve("power", **{k: v[ok] for k, v in inputs.items()})
    np.testing.assert_array_equal(s.x[ok], good.x)
    np.testing.assert_array_equal(s.value[ok], good.value)
    np.testing.assert_array_equal(s.regime[ok], good.regime)


def test_bad_points_from_the_cost_itself():
    # f(0) > P at one point and a power-logN scale c (1 + beta ln N) <= 0 at another.
    N = np.geomspace(0.5, 1e4, 101)
    P = np.full(101, 1e6)
    d = np.full(101, 1.0)
    d[10] = 2e6  # f(0) = d > P
    s = pm.solve("x**2 + d", N=N, P=P, d=d, errors="nan")
    assert "f(0)" in s.status[10] and np.isnan(s.x[10])
    ok = np.arange(101) != 10
    assert np.all(s.status[ok] == "ok")
    np.testing.assert_allclose(s.x[ok], np.minimum(N[ok] / 2, np.sqrt(1e6 - 1)), rtol=1e-9)
    # beta = 1.5: 1 + 1.5 ln N < 0 at N = 0.5 (the first point) only
    s = pm.solve("power-logN", N=N, P=1e6, c=1.0, k=2.0, beta=1.5, errors="nan")
    assert "power-logN" in s.status[0] and np.isnan(s.x[0])
    assert np.all(s.status[1:] == "ok")
    scale = 1 + 1.5 * np.log(N[1:])
    np.testing.assert_allclose(s.x[1:], np.minimum(N[1:] / (2 * scale), np.sqrt(1e6 / scale)),
                               rtol=1e-12)
    with pytest.raises(pm.InputError, match="power-logN"):
        pm.solve("power-logN", N=N, P=1e6, c=1.0, k=2.0, beta=1.5)


def test_all_points_bad():
    s = pm.solve("power", N=[-1.0, np.nan], P=1.0, c=1.0, k=2.0, errors="nan")
    assert np.all(np.isnan(s.x)) and list(s.regime) == ["invalid", "invalid"]


XMAX = np.finfo(float).max


@pytest.mark.parametrize("N", [1.0, 0.05, np.array([1.0, 0.05])])
def test_a_feature_above_1e300_is_not_missed(N):
    # f = min(x, 5e306) + 1e-300 x with P = 1e307: f(1.8e308) <= P, so every float is
    # feasible and the general solver searches [0, 1e300], where h = x - f/N decreases
    # (x* = 0 there, h = 0). Above the kink h = x - (5e306 + 1e-300 x)/N rises: by hand,
    # h(1.7e308) >= 1.7e308 - (5e306 + 1.7e8)/0.05 > 0. So x* lies above 1e300, which
    # the general solver reports as unbounded (the documented convention), never x = 0.
    for n in np.atleast_1d(N):
        assert 1.7e308 - (5e306 + 1.7e8) / n > 0
    s = pm.Model("min(x, 5e306) + 1e-300*x").solve(N=N, P=1e307)
    assert np.all(np.isinf(s.x)) and np.all(s.regime == "unbounded")
    # a point whose own parameters put the kink's budget inside the float range is solved
    # there: f = min(x, 5e306) + 2 x = 3 x reaches P = 1e307 at x = 1e307/3
    s = pm.Model("min(x, 5e306) + c*x").solve(N=1.0, P=1e307, c=np.array([1e-300, 2.0]))
    assert np.isinf(s.x[0]) and abs(s.x[1] - 1e307 / 3) <= 1e-12 * s.x[1]


def test_nothing_above_1e300_beats_a_decreasing_h():
    # f = (1 + 1e-300) x at N = 1: h = -1e-300 x < 0 for every x > 0, so x* = 0 even though
    # every float is feasible (P = 1.8e308 >= f(1.8e308))
    s = pm.Model("x + 1e-300*x").solve(N=1.0, P=XMAX)
    assert s.x == 0.0 and s.regime == "none"
    # f = x + 5 at N = 1: h = -5 for every x, a tie that goes to the smallest x, 0; in floats
    # h(1.8e308) = 1.8e308 - 1.8e308 = 0, a rounding of the terms, not a better point
    s = pm.Model("x + 5").solve(N=1.0, P=XMAX)
    assert s.x == 0.0 and s.regime == "none"
    # min(x, 5e306) + 1e-300 x at N = 0.01: above the kink h = x - 100 (5e306 + 1e-300 x)
    # < 1.8e308 - 5e308 < 0 = h(0), and below it h = -100 (1 + 1e-300) x + x < 0: x* = 0
    with warnings.catch_warnings():  # (g* = P/N = 1e309 is beyond the float range)
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.Model("min(x, 5e306) + 1e-300*x").solve(N=0.01, P=1e307)
    assert s.x == 0.0 and s.regime == "none"


def test_fields_at_x_inf_are_the_limits_of_f():
    # 5 tanh(x/1e305) <= 5 < P = 10: h = x - f/10 rises for ever, x* = inf. The fields are
    # the limits: f -> 5, so (P - f)/N -> 0.5 and f/P -> 0.5 (at x = 1e300, f = 5e-5).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.Model("5*tanh(x/1e305)").solve(N=10.0, P=10.0)
    assert s.x == math.inf and s.regime == "unbounded"
    assert abs(s.base_per_instance - 0.5) < 1e-12 and abs(s.budget_share - 0.5) < 1e-12


def test_a_subnormal_N_gives_the_finite_value():
    # g* = P/N at x* = 0 (f'(0) = 0 < N but the budget 1e-150 gives g = (P - f)/N + x with
    # P/N = 1e-300/5e-324 = 2.02e23: finite, although carry/N = 1/5e-324 overflows)
    P, N = 1e-300, 5e-324
    exact = mp.mpf(P) / mp.mpf(N)
    s = pm.solve("power", N=N, P=P, c=1.0, k=2.0)
    assert abs(s.value - float(exact)) <= 1e-12 * float(exact)
    assert abs(s.base_per_instance - float((mp.mpf(P) - mp.mpf(s.x) ** 2) / mp.mpf(N))) \
        <= 1e-12 * float(exact)


def test_an_effective_N_that_underflows_is_refused():
    # N (1 - lambda) = 5e-324 * 0.1 underflows to 0: the solver would read f as free
    with pytest.raises(pm.InputError, match=r"underflows to 0 at `N` = 4.94066e-324, "
                                            r"`runtime_penalty` = 0.9"):
        pm.solve("c*x**k", N=5e-324, P=1e-300, c=1.0, k=2.0, runtime_penalty=0.9)
    s = pm.solve("c*x**k", N=[5e-324, 5e-324], P=1e-300, c=1.0, k=2.0,
                 runtime_penalty=[0.9, 0.0], errors="nan")
    assert s.regime[0] == "invalid" and "underflows" in s.status[0]
    assert s.regime[1] != "invalid" and np.isfinite(s.x[1])


def test_the_budget_of_a_power_with_k_near_1_is_feasible_as_evaluated():
    # (P/c)^(1/k) with k near 1 and P/c large rounds several ulps above the true budget
    # (the exponent 1/k is rounded, and ln(P/c) ~ 27 amplifies it): f(x*) <= P must still
    # hold as f is evaluated (the plain path's promise; the exact value may lie an ulp
    # above: "x* to a few ulps"), and exactly within 2 ulps of P. This one was 1 ulp above P.
    cases = [(1e30, 625339865.0598704, 0.00103855858725885, 1.202595204449528)]
    rng = np.random.default_rng(3)
    n = 400
    N, P = 10 ** rng.uniform(10, 30, n), 10 ** rng.uniform(0, 10, n)
    c, k = 10 ** rng.uniform(-3, 1, n), rng.uniform(1.0001, 1.5, n)
    cases += list(zip(N, P, c, k))
    N, P, c, k = (np.array(v) for v in zip(*cases))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = pm.solve("power", N=N, P=P, c=c, k=k)
    ok = np.flatnonzero(s.status == "ok")
    f = pm.Model("power").cost.f(s.x[ok], {"c": c[ok], "k": k[ok]})
    assert np.all(f <= P[ok])
    with mp.workdps(50):
        for i in ok:
            assert mp.mpf(c[i]) * mp.mpf(s.x[i]) ** mp.mpf(k[i]) <= mp.mpf(P[i]) * (1 + 4.5e-16)
    assert np.mean(s.regime == "budget") > 0.9  # (the budget binds: N is large)


def test_a_budget_that_underflows_says_so_and_only_there():
    # power with k = 1: X_budget = P/c = 5e-324/1e308 = 5e-632, below the smallest float
    # (by hand), so it is returned as 0 and the status says so; P = 1 gives 1e-308, a
    # (subnormal) float
    s = pm.solve("power", N=1.0, P=np.array([5e-324, 1.0]), c=1e308, k=1.0)
    assert s.x_budget[0] == 0.0 and s.status[0].startswith("beyond float range: the budget")
    assert abs(s.x_budget[1] - 1e-308) <= 1e-12 * 1e-308 and s.status[1] == "ok"
    # and a solve with nothing to say says nothing (the two-reduction shortcut)
    s = pm.solve("power", N=np.array([1.0, 10.0]), P=1e6, c=1.0, k=2.5)
    assert list(s.status) == ["ok", "ok"]
