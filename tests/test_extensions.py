"""Extensions: shared structure, speed prior, N-dependent costs, nested levels,
novel instances; each against limits with known answers and brute force."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

import powermodel as pm
from powermodel.costs import make_cost

logu = st.floats(-2, 2).map(lambda e: 10.0 ** e)
COSTS = [("power", dict(c=1.3, k=2.5)), ("exponential", dict(c=0.7, a=0.4)),
         ("quadratic", dict(c=0.5, b=2.0)), ("overhead", dict(F=40.0, s=0.2, c=1.0, k=2.0)),
         ("c*x**k + b*x", dict(c=1.0, k=1.7, b=0.5)), ("c*x*atan(x)", dict(c=2.0))]


@pytest.mark.filterwarnings(  # (x*atan(x): loose f'' enclosures, split by sampling too)
    "ignore:the interval enclosures of f'':powermodel.errors.AccuracyWarning")
@pytest.mark.parametrize("cost,params", COSTS)
def test_zero_overlap_and_penalty_is_the_paper_model(cost, params):
    m = pm.Model(cost, **params)
    N = np.geomspace(0.1, 1e5, 60)
    a = m.solve(N=N, P=1e4)
    b = m.solve(N=N, P=1e4, overlap=0.0, runtime_penalty=0.0)
    assert a == b
    # and the paper's objective, by hand
    f = m.cost_value(a.x)
    np.testing.assert_allclose(a.value, (1e4 - f) / N + a.x, rtol=1e-12)


@pytest.mark.parametrize("cost,params", COSTS[:5])
def test_full_overlap_collapses_to_one_instance(cost, params):
    m = pm.Model(cost, **params)
    N = np.geomspace(2, 1e5, 30)
    s = m.solve(N=N, P=1e4, overlap=1.0)
    one = m.solve(N=1.0, P=1e4)
    np.testing.assert_allclose(s.x, one.x, rtol=1e-12)
    if one.regime == "interior":
        assert make_cost(cost).df(np.array(one.x), params) == pytest.approx(1.0, rel=1e-9)
    # every instance gets all the base tuning: value = P - f(x) + x
    np.testing.assert_allclose(s.value, 1e4 - m.cost_value(one.x) + one.x, rtol=1e-12)


@given(rho=st.floats(0.01, 0.9), c=logu, k=st.floats(1.5, 3))
def test_large_N_limit_with_overlap(rho, c, k):
    m = pm.Model("power", c=c, k=k)
    lim = pm.large_N_limit(m, P=1e300, overlap=rho)
    # f'(x) = 1/rho  <=>  c k x^(k-1) = 1/rho
    ref = (1 / (rho * c * k)) ** (1 / (k - 1))
    assert lim.x == pytest.approx(ref, rel=1e-12)
    far = m.solve(N=1e14, P=1e300, overlap=rho)
    assert far.x == pytest.approx(ref, rel=1e-6)
    # bounded: x* never exceeds the limit (x* is increasing in N toward it)
    xs = m.solve(N=np.geomspace(1, 1e12, 50), P=1e300, overlap=rho).x
    assert np.all(xs <= ref * (1 + 1e-9)) and np.all(np.diff(xs) >= -1e-12 * xs[1:])


def test_large_N_limit_with_penalty_and_N_dependent_cost():
    m = pm.Model("power", c=1.0, k=2.0)
    # f'(x) = 2x = (1 - 0.2)/0.1 = 8
    assert pm.large_N_limit(m, P=1e6, overlap=0.1, runtime_penalty=0.2).x == pytest.approx(4.0)
    with pytest.raises(pm.InputError, match="depends on N"):
        pm.large_N_limit(pm.Model("power-logN", c=1.0, k=2.0, beta=1.0), P=1e6, overlap=0.1)
    with pytest.raises(pm.InputError, match="`overlap` must be positive, got 0"):
        pm.large_N_limit(m, P=1e6, overlap=0)


@given(N=logu.map(lambda v: v * 10), lam=st.floats(0, 0.95), c=logu, k=st.floats(1.2, 3))
def test_speed_prior_power_closed_form(N, lam, c, k):
    s = pm.Model("power", c=c, k=k).solve(N=N, P=1e300, runtime_penalty=lam)
    # maximise (1-lam) x - f(x)/N  ->  c k x^(k-1) = N (1 - lam)
    assert s.x == pytest.approx((N * (1 - lam) / (c * k)) ** (1 / (k - 1)), rel=1e-12)
    assert s.learned_share == pytest.approx((1 - lam) * s.x / s.value, rel=1e-12)


def brute_g(cost, params, N, P, rho, lam):
    """Dense grid on g itself, refined by brentq on g'(x) = 0 (no effective-n shortcut)."""
    c = make_cost(cost)
    carry = (1 + rho * (N - 1)) / N
    f = lambda x: c.f(np.asarray(x, float), params)  # noqa: E731
    df = lambda x: c.df(np.asarray(x, float), params)  # noqa: E731
    hi = 1.0
    while f(hi) <= P:
        hi *= 2
    U = brentq(lambda t: f(t) - P, 0, hi, xtol=1e-300, rtol=1e-15)
    grid = np.linspace(0, U, 40001)
    gp = -df(grid) * carry + (1 - lam)
    cands = [0.0, U] + [brentq(lambda t: -df(t) * carry + (1 - lam), grid[i], grid[i + 1],
                               xtol=1e-300, rtol=1e-15)
                        for i in np.flatnonzero((gp[:-1] > 0) & (gp[1:] < 0))]
    cands = np.array(cands)
    g = (P - f(cands)) * carry + (1 - lam) * cands
    return cands[np.argmax(g)], g.max()


@given(st.sampled_from(COSTS[:5]), logu.map(lambda v: v * 10), st.floats(0, 1), st.floats(0, 0.9),
       st.floats(1, 4).map(lambda e: 10.0 ** e))
def test_extensions_against_brute_force(cp, N, rho, lam, P):
    cost, params = cp
    s = pm.Model(cost, **params).solve(N=N, P=P, overlap=rho, runtime_penalty=lam)
    x_ref, g_ref = brute_g(cost, params, N, P, rho, lam)
    assert s.value >= g_ref - 1e-9 * abs(g_ref)
    assert s.value == pytest.approx(g_ref, rel=1e-9)


def test_novel_instances():
    m = pm.Model("power", c=1.0, k=2.0)
    s = m.solve(N=100, P=1e6, overlap=0.3, runtime_penalty=0.1)
    f = s.x**2
    assert s.novel_value == pytest.approx(0.9 * s.x + 0.3 * (1e6 - f))
    assert s.novel_ratio == pytest.approx(s.novel_value / s.value)
    s0 = m.solve(N=100, P=1e6)
    assert s0.novel_value == s0.x  # without shared structure only the learned algorithm transfers


def test_N_dependent_cost_can_break_monotonicity():
    N = np.geomspace(1, 1e4, 50)
    # c x^k N^g: x* = (N^(1-g)/(c k))^(1/(k-1)), falling in N for g > 1
    falling = pm.Model("c*x**k*N**g", c=1.0, k=2.0, g=1.5).solve(N=N, P=1e300).x
    np.testing.assert_allclose(falling, (N ** -0.5 / 2), rtol=1e-9)
    assert np.all(np.diff(falling) < 0)
    # c x^k (1 + beta ln N): still rising, more slowly than without the log
    rising = pm.Model("power-logN", c=1.0, k=2.0, beta=1.0).solve(N=N, P=1e300).x
    assert np.all(np.diff(rising) > 0) and np.all(rising <= N / 2 * (1 + 1e-12))


def test_chain_of_one_level_is_the_core_model():
    m = pm.Model("overhead", F=50.0, s=0.3, c=1.0, k=2.0)
    N = np.geomspace(1, 1e4, 40)
    r = pm.nested([(m, N)], P=1e5)
    assert r.levels[0] == m.solve(N=N, P=1e5)


def test_two_level_chain_by_hand():
    m = pm.Model("power", c=1.0, k=2.0)
    r = pm.nested([(m, 1000), {"model": m, "N": 10, "x_cap": 3.0}], P=1e4)
    # level 1: x = min(1000/2, sqrt(1e4)) = 100 (budget); level 2: budget 100, x = min(5, 10, cap 3)
    assert r.x == (100.0, 3.0) and r.budgets == (1e4, 100.0)
    assert [s.regime for s in r.levels] == ["budget", "cap"]


def test_nested_level_as_cost_and_dict():
    # issue 21: ("power", {N, c, k}) used to say "missing parameter `c`"
    r = pm.nested([("power", dict(N=100, c=1, k=2))], P=1e6)
    # closed form for c x^2: x* = min(N/(2c), sqrt(P/c)) = min(50, 1000)
    assert r.x == (50.0,) == (pm.Model("power", c=1, k=2).solve(N=100, P=1e6).x,)
    r2 = pm.nested([("power", dict(N=1000, c=1.0, k=2.0)),
                    (pm.Model("power", c=1.0, k=2.0), {"N": 10, "x_cap": 3.0})], P=1e4)
    assert r2.x == (100.0, 3.0) and r2.budgets == (1e4, 100.0)
    with pytest.raises(pm.InputError, match="level 1.*'N'"):
        pm.nested([("power", dict(c=1, k=2))], P=1e6)
    with pytest.raises(pm.InputError, match="level 1"):
        pm.nested([(dict(N=1), "power")], P=1e6)


def test_nested_errors():
    with pytest.raises(pm.InputError, match="non-empty"):
        pm.nested([], P=1)
    with pytest.raises(pm.InputError, match="unbounded"):
        pm.nested([(pm.Model("F*(1 - exp(-x))", F=1.0), 10)], P=100)
    with pytest.raises(pm.InputError, match="level 1"):
        pm.nested([pm.Model("power", c=1.0, k=2.0)], P=1)


def test_nested_cli(capsys):
    from powermodel.cli import main
    assert main(["nested", "--P", "1e4", "--level", "power; N=1000; c=1; k=2",
                 "--level", "power; N=10; c=1; k=2; x_cap=3", "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert [o["x"] for o in out] == [100.0, 3.0]
    assert main(["nested", "--P", "1e4", "--level", "power; N=10; c=1"]) == 2
    assert "missing parameter `k`" in capsys.readouterr().err


def test_overlap_and_penalty_on_cli(capsys):
    from powermodel.cli import main
    assert main(["solve", "power", "--param", "c=1", "--param", "k=2", "--N", "1e6", "--P", "1e9",
                 "--overlap", "0.5", "--runtime-penalty", "0.2", "--json"]) == 0
    import json
    d = json.loads(capsys.readouterr().out)
    n = 1e6 * 0.8 / (1 + 0.5 * (1e6 - 1))
    assert d["x"] == pytest.approx(n / 2, rel=1e-12)


def test_nested_and_large_N_results_to_pandas():
    pytest.importorskip("pandas")
    m = pm.Model("power", c=1.0, k=2.0)
    r = pm.nested([(m, 1000), {"model": m, "N": 10, "x_cap": 3.0}], P=1e4)
    df = r.to_pandas()                      # by hand: x = 100 (budget), then 3 (cap)
    assert df.index.tolist() == [1, 2] and df["x"].tolist() == [100.0, 3.0]
    assert df["budget"].tolist() == [1e4, 100.0] and df["regime"].tolist() == ["budget", "cap"]
    assert df["N"].tolist() == [1000, 10]
    arr = pm.nested([(m, [10.0, 100.0])], P=1e4).to_pandas()   # a row per level and point
    assert arr.index.tolist() == [(1, 0), (1, 1)] and arr["x"].tolist() == [5.0, 50.0]
    lim = pm.large_N_limit(m, P=1e6, overlap=np.array([0.1, 0.5])).to_pandas()
    assert lim["x"].tolist() == [5.0, 1.0]              # f'(x) = 2x = 1/rho
    np.testing.assert_allclose(lim["n_limit"], [10.0, 2.0])
    assert lim.shape == (2, 4)
