"""The families' analytic certificates against exact arithmetic (mpmath, 60 digits).

For each family the exact optimum of g over the feasible set is computed from the
closed form in mpmath (the exact budget, the interior root, the cap), and every
certified point must satisfy: f(x*) <= P exactly, lower <= g(x*) exactly, and
g* (exact) <= bound.
"""

import mpmath as mp
import numpy as np
import pytest

import powermodel as pm
from powermodel.costs import Power
from powermodel.family_certify import family_certificate, has_certificate

mp.mp.dps = 60


def _exact(family, p, N, P, cap):
    """(f as an mpmath function, the exact g* = max over the feasible set)."""
    m = {k: mp.mpf(float(v)) for k, v in p.items()}
    N, P = mp.mpf(float(N)), mp.mpf(float(P))
    if family == "power":
        c, k = m["c"], m["k"]
        f = lambda x: c * x**k  # noqa: E731
        B = (P / c) ** (1 / k)
        xi = (N / (c * k)) ** (1 / (k - 1)) if k > 1 else (mp.inf if N > c else mp.mpf(0))
    elif family == "exponential":
        c, a = m["c"], m["a"]
        f = lambda x: c * (mp.exp(a * x) - 1)  # noqa: E731
        B = mp.log(1 + P / c) / a
        xi = max(mp.log(N / (c * a)) / a, mp.mpf(0))
    elif family == "linear":
        c = m["c"]
        f = lambda x: c * x  # noqa: E731
        B = P / c
        xi = mp.inf if N > c else mp.mpf(0)
    else:
        c, b = m["c"], m["b"]
        f = lambda x: c * x**2 + b * x  # noqa: E731
        B = (-b + mp.sqrt(b * b + 4 * c * P)) / (2 * c)
        xi = max((N - b) / (2 * c), mp.mpf(0))
    U = min(B, mp.mpf(float(cap))) if np.isfinite(cap) else B
    x = min(xi, U)
    return f, (P - f(x)) / N + x


CASES = [
    ("power", {"c": 1.0, "k": 2.0}), ("power", {"c": 0.3, "k": 1.7}),
    ("power", {"c": 2.5, "k": 3.9}), ("power", {"c": 1.0, "k": 1.0}),
    ("exponential", {"c": 1.0, "a": 0.5}), ("exponential", {"c": 0.01, "a": 2.0}),
    ("linear", {"c": 3.0}), ("quadratic", {"c": 1.0, "b": 4.0}),
    ("quadratic", {"c": 1e-3, "b": 0.0}),
]


@pytest.mark.parametrize("family,p", CASES)
def test_certificate_against_exact_arithmetic(family, p):
    rng = np.random.default_rng(7)
    N = 10 ** rng.uniform(-1, 4, 40)
    P = 10 ** rng.uniform(-2, 6, 40)
    cap = np.where(rng.uniform(size=40) < 0.3, 10 ** rng.uniform(-1, 2, 40), np.inf)
    s = pm.Model(family, **p).solve(N=N, P=P, x_cap=cap, certify=True)
    assert has_certificate(pm.costs.make_cost(family))
    for i in range(N.size):
        f, g_star = _exact(family, p, N[i], P[i], cap[i])
        x = mp.mpf(float(s.x[i]))
        assert f(x) <= mp.mpf(float(P[i])), i                 # feasible, exactly
        g_x = (mp.mpf(float(P[i])) - f(x)) / mp.mpf(float(N[i])) + x
        assert mp.mpf(float(s.lower[i])) <= g_x, i            # lower bound on g(x*)
        assert g_star <= mp.mpf(float(s.bound[i])), i         # upper bound on g*
        if s.status[i] == "ok":
            assert s.gap[i] <= 1e-9 * abs(s.bound[i]) + 1e-300


def test_certificate_is_analytic_and_sound_unit():
    """family_certificate alone: certified points bracket the exact h*, and a
    wrong x (far from the optimum) is not certified."""
    n = np.array([100.0, 100.0, 3.0])
    P = np.array([1e6, 1e6, 1e6])
    x = np.array([50.0, 40.0, 1.5])
    xb = np.array([1e3, 1e3, 1e3])
    xs, b, lo, ok = family_certificate(Power(), {"c": 1.0, "k": 2.0}, n, P,
                                       np.full(3, np.inf), x, xb, np.full(3, 1e-6))
    assert ok[0] and not ok[1] and ok[2]
    for i in (0, 2):
        h_star = mp.mpf(float(n[i])) / 4  # max of x - x^2/n at x = n/2
        assert mp.mpf(float(lo[i])) <= h_star <= mp.mpf(float(b[i]))


def test_analytic_and_branch_and_bound_agree():
    """The analytic certificate and the generic branch and bound (an expression of the
    same cost) prove bounds that overlap: each lower is below the other's bound."""
    rng = np.random.default_rng(3)
    N = 10 ** rng.uniform(0, 3, 200)
    P = 10 ** rng.uniform(1, 5, 200)
    a = pm.Model("power", c=1.3, k=2.4).solve(N=N, P=P, certify=True)
    b = pm.Model("c*x**k", c=1.3, k=2.4).solve(N=N, P=P, certify=True)
    assert (a.status == "ok").all() and (b.status == "ok").all()
    assert (a.lower <= b.bound).all() and (b.lower <= a.bound).all()
    np.testing.assert_allclose(a.x, b.x, rtol=1e-12)
