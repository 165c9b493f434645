"""Sensitivity analyses against known answers (closed forms, hand computations)."""

import math

import numpy as np
import pytest

import powermodel as pm
from powermodel.sensitivity import _morris_design, parse_distribution


def _inside(value, interval):
    lo, hi = interval
    return lo <= value <= hi


# ---------------------------------------------------------------------------
# Sobol'
# ---------------------------------------------------------------------------

def test_sobol_known_answer_equal_log_ranges():
    # f = c x^2, interior x* = N / (2c): log x* = log N - log c - log 2 is additive in
    # log N and log c, which are uniform over equally wide ranges (log 100 each):
    # S1(N) = S1(c) = 1/2 = ST(N) = ST(c). P ranges where the budget never binds
    # (f(x*) = N^2 / (4c) <= 2.5e6 < 1e12), so it does not reach x*: ST(P) = 0.
    m = pm.Model("power", k=2.0)
    res = pm.sobol(m, {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10),
                       "P": ("loguniform", 1e12, 1e14)},
                   output=lambda s: np.log(s.x), n=2**12, seed=0)
    assert res.names == ("N", "c", "P")
    for k in ("N", "c"):
        assert _inside(0.5, res.first_order_interval[k])
        assert _inside(0.5, res.total_order_interval[k])
        assert abs(res.first_order[k] - 0.5) < 0.02
    assert _inside(0.0, res.total_order_interval["P"])
    assert _inside(0.0, res.first_order_interval["P"])
    assert res.total_order["P"] == 0.0
    assert res.n == 2**12 and res.seed == 0 and res.confidence_level == 0.95


def test_sobol_contract_and_unequal_ranges():
    # log-widths 3 ln 10 (N) and ln 10 (c): variances in ratio 9 : 1 -> S = 0.9, 0.1
    res = pm.sobol(pm.Model("power", k=3.0), {"N": ("loguniform", 10, 10000),
                                              "c": ("loguniform", 1, 10)},
                   output=lambda s: np.log(s.x), n=2**12, seed=0, P=1e12)
    assert isinstance(res.first_order["N"], float) and isinstance(res.total_order["c"], float)
    assert _inside(0.9, res.first_order_interval["N"]) and _inside(0.1, res.first_order_interval["c"])
    assert _inside(0.9, res.total_order_interval["N"]) and _inside(0.1, res.total_order_interval["c"])
    lo, hi = res.first_order_interval["N"]
    assert hi - lo < 0.1


def test_sobol_same_seed_same_bytes(tmp_path):
    m = pm.Model("power", c=1.0)
    d = {"N": ("loguniform", 10, 1e4), "k": ("uniform", 1.5, 3.0)}
    r1 = pm.sobol(m, d, n=2**8, seed=5, P=1e20, n_resamples=99)
    r2 = pm.sobol(m, d, n=2**8, seed=5, P=1e20, n_resamples=99)
    r3 = pm.sobol(m, d, n=2**8, seed=6, P=1e20, n_resamples=99)
    assert r1 == r2 and r1 != r3
    assert (r1.to_json(tmp_path / "1.json").read_bytes()
            == r2.to_json(tmp_path / "2.json").read_bytes())
    assert (r1.to_csv(tmp_path / "1.csv").read_bytes()
            == r2.to_csv(tmp_path / "2.csv").read_bytes())
    header = (tmp_path / "1.csv").read_text().splitlines()[0]
    assert header == ("parameter,first_order,first_order_low,first_order_high,total_order,"
                      "total_order_low,total_order_high")


def test_sobol_seed_none_is_recorded_and_reproducible():
    m = pm.Model("linear")
    d = {"c": ("uniform", 1, 100), "N": ("uniform", 1, 100)}
    r = pm.sobol(m, d, n=2**6, P=10.0, interval="none")
    assert isinstance(r.seed, int)
    again = pm.sobol(m, d, n=2**6, P=10.0, interval="none", seed=r.seed)
    assert again.first_order == r.first_order and again.total_order == r.total_order
    assert all(math.isnan(v) for v in r.first_order_interval["c"])


def test_sobol_progress_and_single_input():
    calls = []
    r = pm.sobol(pm.Model("power", c=1.0, k=2.0), {"N": ("uniform", 1, 2)}, n=2**10, seed=1,
                 P=1e9, progress=lambda done, total: calls.append((done, total)))
    assert r.first_order["N"] == pytest.approx(1.0, abs=0.01)   # the only input explains all
    assert r.total_order["N"] == pytest.approx(1.0, abs=0.01)
    assert calls == [(0, 1), (1, 1)]    # 3 * 2**10 points: one block, no bootstrap
    calls.clear()
    b = pm.sobol(pm.Model("power", c=1.0, k=2.0), {"N": ("uniform", 1, 2)}, n=2**10, seed=1,
                 P=1e9, sampler="random", n_resamples=20,
                 progress=lambda done, total: calls.append((done, total)))
    assert b.interval == "bootstrap" and b.replicates == 1
    assert b.first_order["N"] == pytest.approx(1.0, abs=0.05)
    assert calls == [(0, 2), (1, 2), (2, 2)]  # one block, then the 20 resamples in one batch


@pytest.mark.parametrize("dists, kw, match", [
    ({"N": ("uniform", 1, 2)}, {"n": 1000}, "power of 2"),
    ({"q": ("uniform", 1, 2)}, {}, "unknown input `q`"),
    ({"N": ("uniform", 1, 2)}, {"N": 3.0}, "both a distribution and a fixed"),
    ({"N": ("fixed", 3.0)}, {}, "at least one input"),
    ({"N": ("beta", 1, 2)}, {}, "unknown distribution `beta`"),
    ({"N": ("uniform", 1)}, {}, "takes 2 numbers"),
    ({"N": ("uniform", 2, 1)}, {}, "low < high"),
    ({"N": ("loguniform", 0, 1)}, {}, "0 < low < high"),
    ({"N": ("normal", 5, 0)}, {}, "sd > 0"),
    ({"N": ("lognormal", 5, -1)}, {}, "sigma > 0"),
    ({"N": ("triangular", 1, 3, 2)}, {}, "low <= mode <= high"),
    ({"N": "uniform"}, {}, "must be a tuple"),
    ({"N": ("uniform", "a", 2)}, {}, "N.low"),
    ({"c": ("normal", 1, 0.1)}, {}, "`c` must be positive.*lognormal"),
    ({"c": ("uniform", 0, 1)}, {}, "`c` must be positive"),
    ({"overlap": ("uniform", 0, 2)}, {}, "`overlap` must be <= 1"),
    ({"N": ("uniform", 1, 2)}, {"output": "regime"}, "`output`"),
    ({"N": ("uniform", 1, 2)}, {"seed": -1}, "`seed`"),
    ({"N": ("uniform", 1, 2)}, {"confidence_level": 1.5}, "confidence_level"),
])
def test_sobol_bad_input(dists, kw, match):
    kw = {"P": 1e6, "n": 2**4, **kw}
    with pytest.raises(pm.InputError, match=match):
        pm.sobol(pm.Model("power", c=1.0, k=2.0), dists, **kw)


def test_sobol_non_finite_output_is_an_error():
    # linear cost with c > N gives x* = 0, log x* = -inf
    with pytest.raises(pm.InputError, match="finite output"):
        pm.sobol(pm.Model("linear"), {"c": ("uniform", 1, 100)}, N=50, P=10.0,
                 output=lambda s: np.log(s.x), n=2**6, seed=0)


def test_distribution_ppf_against_scipy():
    from scipy import stats

    u = np.linspace(0.01, 0.99, 9)
    cases = [(("uniform", 2, 5), stats.uniform(2, 3)),
             (("loguniform", 1, 100), stats.loguniform(1, 100)),
             (("normal", 1, 2), stats.norm(1, 2)),
             (("lognormal", 0.5, 0.3), stats.lognorm(0.3, scale=math.exp(0.5))),
             (("triangular", 1, 2, 5), stats.triang(0.25, loc=1, scale=4))]
    for spec, ref in cases:
        np.testing.assert_allclose(parse_distribution("p", spec).ppf(u), ref.ppf(u), rtol=1e-12)
    assert parse_distribution("p", ("fixed", 3)).ppf(u).tolist() == [3.0] * 9


# ---------------------------------------------------------------------------
# Morris
# ---------------------------------------------------------------------------

def test_morris_design_moves_each_input_once():
    rng = np.random.default_rng(0)
    T, order, sign, delta = _morris_design(rng, 30, 5, 4)
    assert delta == pytest.approx(2 / 3)
    levels = np.arange(4) / 3
    assert np.all(np.min(np.abs(T[..., None] - levels), axis=-1) < 1e-12)
    steps = np.diff(T, axis=1)                        # (r, d, d)
    moved = np.abs(steps) > 1e-12
    assert np.all(moved.sum(axis=2) == 1) and np.all(moved.sum(axis=1) == 1)
    np.testing.assert_allclose(np.abs(steps[moved]), delta)


def test_morris_unreachable_input_and_exact_effects():
    # log x* = log N - log c - log 2 (k = 2): with log-uniform inputs the elementary effect
    # in probability units is exactly +log(100) for N and -log(100) for c on every trajectory;
    # P (the budget never binds) does not reach x*: mu* = sigma = 0.
    m = pm.Model("power", k=2.0)
    r = pm.morris(m, {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10),
                      "P": ("loguniform", 1e12, 1e14)},
                  output=lambda s: np.log(s.x), trajectories=25, seed=3)
    assert r.mu_star["P"] == 0.0 and r.sigma["P"] == 0.0 and r.mu["P"] == 0.0
    assert r.mu_star_interval["P"] == (0.0, 0.0)
    assert r.mu["N"] == pytest.approx(math.log(100), rel=1e-12)
    assert r.mu["c"] == pytest.approx(-math.log(100), rel=1e-12)
    assert r.mu_star["c"] == pytest.approx(math.log(100), rel=1e-12)
    assert r.sigma["N"] == pytest.approx(0.0, abs=1e-10)
    assert _inside(r.mu_star["N"], r.mu_star_interval["N"])
    assert r.trajectories == 25 and r.levels == 4 and r.seed == 3


def test_morris_interaction_gives_sigma_and_reproducible():
    m = pm.Model("power", c=1.0)
    d = {"N": ("loguniform", 10, 1e4), "k": ("uniform", 1.5, 3.0), "P": ("fixed", 1e30)}
    a = pm.morris(m, d, output=lambda s: np.log(s.x), seed=2, levels=6)
    b = pm.morris(m, d, output=lambda s: np.log(s.x), seed=2, levels=6)
    assert a == b and a.names == ("N", "k")
    # log x* = log(N / k) / (k - 1): the effect of N depends on k
    assert a.sigma["N"] > 0.01 and a.mu_star["k"] > 0


def test_morris_bad_input():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="`levels` must be even"):
        pm.morris(m, {"N": ("uniform", 1, 2)}, levels=3, P=1.0)
    with pytest.raises(pm.InputError, match="`trajectories`"):
        pm.morris(m, {"N": ("uniform", 1, 2)}, trajectories=1, P=1.0)


def test_morris_unbounded_distribution_is_truncated():
    r = pm.morris(pm.Model("power", k=2.0), {"c": ("lognormal", 0.0, 1.0)}, N=10, P=1e9,
                  output=lambda s: np.log(s.x), trajectories=10, seed=0)
    # log x* = log 5 - log c and log c = sigma z: the effect spans the central 99% of z
    from scipy.special import ndtri
    assert np.isfinite(r.mu_star["c"]) and r.mu_star["c"] > 0
    assert r.mu_star["c"] < (ndtri(0.995) - ndtri(0.005)) / (2 / 3) * 1.0 + 1e-9


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------

def test_monte_carlo_probability_linear_by_hand():
    # linear cost: x* > 0 iff c < N (ties give 0). c ~ uniform(a, b): P(x* > 0) = (N - a)/(b - a)
    a, b = 10.0, 1010.0
    N = np.array([1.0, 10.0, 60.0, 260.0, 510.0, 1010.0, 5000.0])
    want = np.clip((N - a) / (b - a), 0, 1)
    # A scrambled Sobol' sample of 2^m points has exactly one point in every interval
    # [j, j + 1) / 2^m, so the estimate is exact up to one point.
    r = pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", a, b)}, N=N, P=100.0,
                       n=2**12, seed=0, sampler="sobol")
    np.testing.assert_allclose(r.p_mesa, want, atol=1.01 / 2**12)
    # with the budget binding (x* = P/c) the learned share is 1 whenever x* > 0
    np.testing.assert_array_equal(r.p_dominant, r.p_mesa)
    # independent random draws: within 5 binomial standard errors
    rr = pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", a, b)}, N=N, P=100.0,
                        n=20000, seed=1)
    se = np.sqrt(want * (1 - want) / 20000)
    assert np.all(np.abs(rr.p_mesa - want) <= 5 * se + 1e-12)


def test_monte_carlo_dominance_by_hand():
    # f = x^2 (c = 1), P ~ uniform(100, 10000). Interior x* = N/2, g* = P/N + N/4, so
    # learned share > 1/2 iff P < 3 N^2 / 4 (also when the budget binds, share = 1).
    N = np.array([10.0, 20.0, 40.0, 80.0, 120.0])
    want = np.clip((0.75 * N**2 - 100) / 9900, 0, 1)
    r = pm.monte_carlo(pm.Model("power", c=1.0, k=2.0), {"P": ("uniform", 100, 10000)}, N=N,
                       n=2**13, seed=3, sampler="sobol")
    np.testing.assert_allclose(r.p_dominant, want, atol=1.01 / 2**13)
    np.testing.assert_array_equal(r.p_mesa, 1.0)


def test_monte_carlo_quantile_bands():
    # x* = N / (2c) with c log-uniform on [0.1, 10]: the q-quantile of x* is
    # N / (2 c_{1-q}), c_p = 0.1 * 100^p.
    q = (0.1, 0.5, 0.9)
    N = np.array([1.0, 100.0])
    r = pm.monte_carlo(pm.Model("power", k=2.0), {"c": ("loguniform", 0.1, 10)}, N=N, P=1e12,
                       n=2**14, seed=0, sampler="sobol", quantiles=q)
    want = N[None, :] / (2 * 0.1 * 100 ** (1 - np.array(q))[:, None])
    np.testing.assert_allclose(r.bands, want, rtol=2e-3)
    assert r.bands.shape == (3, 2) and r.quantiles == q and r.n == 2**14


def test_monte_carlo_lhs_default_axis_and_repro(tmp_path):
    d = {"c": ("loguniform", 0.1, 10), "k": ("triangular", 1.5, 2, 3)}
    a = pm.monte_carlo("power", d, n=200, seed=4, sampler="lhs", P=1e8)
    b = pm.monte_carlo("power", d, n=200, seed=4, sampler="lhs", P=1e8)
    assert a.N.size == 61 and a.bands.shape == (5, 61)
    assert a.to_csv(tmp_path / "a.csv").read_bytes() == b.to_csv(tmp_path / "b.csv").read_bytes()
    # x* is non-decreasing in N for every draw, so every quantile is too
    assert np.all(np.diff(a.bands, axis=1) >= -1e-9 * a.bands[:, 1:])
    assert np.all(np.diff(a.p_mesa) >= 0)


def test_monte_carlo_bad_input():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="`N` is the axis"):
        pm.monte_carlo(m, {"N": ("uniform", 1, 2)}, P=1.0)
    with pytest.raises(pm.InputError, match="`quantiles`"):
        pm.monte_carlo(m, {"P": ("uniform", 1, 2)}, quantiles=(0.5, 1.5))
    with pytest.raises(pm.InputError, match="`sampler`"):
        pm.monte_carlo(m, {"P": ("uniform", 1, 2)}, sampler="halton")


# ---------------------------------------------------------------------------
# one at a time
# ---------------------------------------------------------------------------

def test_tornado_closed_form():
    assert pm.tornado is pm.one_at_a_time
    m = pm.Model("power", c=1.0, k=2.0)
    r = pm.tornado(m, {"P": (1e5, 1e7), "N": (50, 400), "c": (0.5, 2.0)}, N=100, P=1e6)
    assert r.names == ("N", "c", "P")                 # swings 175, 75, 0
    assert r.base_output == 50.0
    assert (r.low_output["N"], r.high_output["N"]) == (25.0, 200.0)
    assert (r.low_output["c"], r.high_output["c"]) == (100.0, 25.0)
    assert r.low_output["P"] == r.high_output["P"] == 50.0
    assert r.low_value == {"N": 50.0, "c": 0.5, "P": 1e5}


def test_tornado_output_and_errors():
    m = pm.Model("power", c=1.0, k=2.0)
    r = pm.one_at_a_time(m, {"P": (1e4, 1e6)}, output="value", N=100, P=1e5)
    # g* = P/N + N/(4c) in the interior
    assert r.low_output["P"] == pytest.approx(1e4 / 100 + 25)
    with pytest.raises(pm.InputError, match="no base value"):
        pm.one_at_a_time(pm.Model("power", k=2.0), {"c": (1, 2)}, N=1, P=1)
    with pytest.raises(pm.InputError, match=r"\(low, high\)"):
        pm.one_at_a_time(m, {"N": (1, 2, 3)}, N=1, P=1)
    with pytest.raises(pm.InputError, match="`N` must be positive"):
        pm.one_at_a_time(m, {"N": (-1, 2)}, N=1, P=1)


# ---------------------------------------------------------------------------
# local elasticities
# ---------------------------------------------------------------------------

def test_local_finite_difference_closed_forms():
    # f = c x^k interior: ln x* = (ln N - ln c - ln k)/(k - 1)
    N, P, c, k = 300.0, 1e9, 2.0, 3.0
    e = pm.local_sensitivity(pm.Model("power", c=c, k=k), {"N": N, "P": P},
                             method="finite-difference")
    ex = e.elasticities["x"]
    L = math.log(N / (c * k))
    assert ex["N"] == pytest.approx(1 / (k - 1), abs=1e-8)
    assert ex["c"] == pytest.approx(-1 / (k - 1), abs=1e-8)
    assert ex["k"] == pytest.approx(k * (-1 / (k * (k - 1)) - L / (k - 1) ** 2), rel=1e-6)
    assert ex["P"] == 0.0
    x = (N / (c * k)) ** 0.5
    g = (P - c * x**k) / N + x
    assert e.elasticities["value"]["P"] == pytest.approx(P / N / g, rel=1e-7)
    # learned share x*/g*: elasticity = eps_x - eps_g
    assert e.elasticities["learned_share"]["N"] == pytest.approx(
        ex["N"] - e.elasticities["value"]["N"], rel=1e-7)
    assert set(e.method.values()) == {"finite-difference"}
    assert e.point == {"c": 2.0, "k": 3.0, "N": 300.0, "P": 1e9}


def test_local_one_sided_at_a_bound_and_zero_inputs():
    # k = 1 is the lower bound of k: forward difference. N > c -> the budget binds,
    # x* = (P/c)^(1/k) near k = 1, so d ln x / d ln k = -ln(P/c)/k.
    e = pm.local_sensitivity(pm.Model("power", c=1.0, k=1.0),
                             {"N": 10.0, "P": 1e6, "overlap": 0.0}, outputs="x",
                             method="finite-difference")
    assert e.elasticities["x"]["k"] == pytest.approx(-math.log(1e6), rel=1e-3)
    assert e.elasticities["x"]["P"] == pytest.approx(1.0, abs=1e-8)
    assert e.elasticities["x"]["overlap"] == 0.0          # an input at 0
    # x* = 0 and stays 0 nearby: elasticity 0
    e0 = pm.local_sensitivity(pm.Model("linear", c=10.0), {"N": 2.0, "P": 5.0}, outputs=["x"],
                              method="finite-difference")
    assert e0.elasticities["x"] == {"c": 0.0, "N": 0.0, "P": 0.0}


def test_local_uses_symbolic_when_available(monkeypatch):
    calls = []

    class FakeSymbolic:
        def elasticity_values(self, **point):
            calls.append(point)
            return {"x": {k: 42.0 for k in point}}

    monkeypatch.setattr(pm.Model, "symbolic", property(lambda self: FakeSymbolic()))
    e = pm.local_sensitivity(pm.Model("power", c=1.0, k=2.0), {"N": 10.0, "P": 1e6})
    assert e.method == {"x": "symbolic", "value": "finite-difference",
                        "learned_share": "finite-difference"}
    assert e.elasticities["x"]["N"] == 42.0 and calls

    class Broken:
        def elasticity_values(self, **point):
            raise pm.UnsolvableError("no")

    monkeypatch.setattr(pm.Model, "symbolic", property(lambda self: Broken()))
    e = pm.local_sensitivity(pm.Model("power", c=1.0, k=2.0), {"N": 10.0, "P": 1e6})
    assert set(e.method.values()) == {"finite-difference"}
    with pytest.raises(pm.UnsolvableError):
        pm.local_sensitivity(pm.Model("power", c=1.0, k=2.0), {"N": 10.0, "P": 1e6},
                             method="symbolic")


def test_local_auto_agrees_with_closed_form():
    # whichever method 'auto' picks, the numbers are the closed-form ones
    e = pm.local_sensitivity(pm.Model("power", c=1.0, k=2.0), {"N": 100.0, "P": 1e8})
    assert e.elasticities["x"]["N"] == pytest.approx(1.0, abs=1e-7)
    assert e.elasticities["x"]["c"] == pytest.approx(-1.0, abs=1e-7)
    assert e.elasticities["x"]["P"] == pytest.approx(0.0, abs=1e-7)


def test_local_bad_input():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match="must give `P`"):
        pm.local_sensitivity(m, {"N": 1.0})
    with pytest.raises(pm.InputError, match="`outputs`"):
        pm.local_sensitivity(m, {"N": 1.0, "P": 1.0}, outputs=("regime",))
    with pytest.raises(pm.InputError, match="unknown input `q`"):
        pm.local_sensitivity(m, {"N": 1.0, "P": 1.0, "q": 2.0})
    with pytest.raises(pm.InputError, match="`method`"):
        pm.local_sensitivity(m, {"N": 1.0, "P": 1.0}, method="magic")


def test_morris_salib_backend_agrees():
    pytest.importorskip("SALib")
    m = pm.Model("power", k=2.0)
    d = {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10),
         "P": ("loguniform", 1e12, 1e14)}
    r = pm.morris(m, d, output=lambda s: np.log(s.x), trajectories=20, seed=3, backend="salib")
    # the same exact effects as the builtin design (see test_morris_unreachable_input...)
    assert r.mu["N"] == pytest.approx(math.log(100), rel=1e-9)
    assert r.mu_star["c"] == pytest.approx(math.log(100), rel=1e-9)
    assert r.mu_star["P"] == 0.0


def test_morris_salib_interval_is_centred_on_mu_star():
    # SALib's bootstrap gives mu*_conf, a half-width: the interval is mu* -+ conf (here the
    # effects differ, so conf > 0), and with n_resamples=0 there is none
    pytest.importorskip("SALib")
    m = pm.Model("power", k=2.0)
    d = {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10),
         "P": ("loguniform", 1e12, 1e14)}
    r = pm.morris(m, d, output="x", trajectories=20, seed=3, backend="salib")
    for k in ("N", "c"):
        lo, hi = r.mu_star_interval[k]
        assert hi > lo
        assert 0.5 * (lo + hi) == pytest.approx(r.mu_star[k], rel=1e-12)
    r0 = pm.morris(m, d, output="x", trajectories=20, seed=3, backend="salib", n_resamples=0)
    assert all(math.isnan(v) for k in ("N", "c") for v in r0.mu_star_interval[k])


def test_morris_salib_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "SALib", None)
    with pytest.raises(ImportError, match="SALib"):
        pm.morris(pm.Model("power", c=1.0, k=2.0), {"N": ("uniform", 1, 2)}, P=1.0,
                  backend="salib")


# ---------------------------------------------------------------------------
# known answers with interactions, interval calibration, bounded memory
# ---------------------------------------------------------------------------

def _product_indices(a, b, p, q):
    r"""Exact Sobol' indices of x* = N / (2c), N ~ loguniform(a, b), c ~ loguniform(p, q).

    With f = c x^2 and a budget that never binds, x* = N/(2c) = U W, U = N and
    W = 1/(2c) independent. For X ~ loguniform(a, b), L = ln(b/a):
    E[X] = (b - a)/L and E[X^2] = (b^2 - a^2)/(2L); 1/c is loguniform(1/q, 1/p).
    For a product of independent factors,

        V = E[U^2] E[W^2] - E[U]^2 E[W]^2,
        V_N = Var(U) E[W]^2          (the variance of E[Y | N] = U E[W]),
        V_c = E[U]^2 Var(W),
        V_Nc = Var(U) Var(W) = V - V_N - V_c > 0   (the interaction),

    so S1(N) = V_N / V, S1(c) = V_c / V, ST(N) = 1 - S1(c), ST(c) = 1 - S1(N),
    and ST - S1 = V_Nc / V for both: first and total order differ.
    """
    L1, L2 = math.log(b / a), math.log(q / p)
    EU, EU2 = (b - a) / L1, (b * b - a * a) / (2 * L1)
    EW, EW2 = (1 / p - 1 / q) / L2 / 2, (1 / p**2 - 1 / q**2) / (2 * L2) / 4
    V = EU2 * EW2 - EU**2 * EW**2
    VN, Vc = (EU2 - EU**2) * EW**2, EU**2 * (EW2 - EW**2)
    return {("first", "N"): VN / V, ("first", "c"): Vc / V,
            ("total", "N"): 1 - Vc / V, ("total", "c"): 1 - VN / V}


PRODUCT = {"N": ("loguniform", 10, 1e4), "c": ("loguniform", 0.1, 10)}


def test_sobol_with_interactions_known_answer():
    truth = _product_indices(10, 1e4, 0.1, 10)
    assert truth[("total", "N")] - truth[("first", "N")] > 0.4   # a swap would be caught
    r = pm.sobol(pm.Model("power", k=2.0), PRODUCT, n=2**14, seed=0, P=1e12)
    for (kind, name), want in truth.items():
        got = getattr(r, f"{kind}_order")[name]
        lo, hi = getattr(r, f"{kind}_order_interval")[name]
        assert got == pytest.approx(want, abs=0.01), (kind, name)
        assert lo <= want <= hi and hi - lo < 0.04, (kind, name)
    assert r.sampler == "sobol" and r.interval == "replicates" and r.replicates == 4


def test_sobol_replicate_intervals_are_calibrated():
    # 40 seeds: the 95% intervals cover the exact indices at least 80% of the time, and
    # are at most 10 times as wide as the observed error (a bootstrap of Sobol' points
    # was 40 to 100 times as wide).
    truth = _product_indices(10, 1e4, 0.1, 10)
    est, width, cover = {k: [] for k in truth}, {k: [] for k in truth}, 0
    for seed in range(40):
        r = pm.sobol(pm.Model("power", k=2.0), PRODUCT, n=2**12, seed=seed, P=1e12)
        for (kind, name), want in truth.items():
            lo, hi = getattr(r, f"{kind}_order_interval")[name]
            est[(kind, name)].append(getattr(r, f"{kind}_order")[name])
            width[(kind, name)].append(hi - lo)
            cover += lo <= want <= hi
    assert cover / (40 * len(truth)) >= 0.8
    for k, want in truth.items():
        rmse = math.sqrt(np.mean((np.array(est[k]) - want) ** 2))
        assert np.mean(width[k]) <= 10 * rmse, k


def test_sobol_interval_options():
    m, d = pm.Model("power", k=2.0), PRODUCT
    with pytest.raises(pm.InputError, match="independent draws"):
        pm.sobol(m, d, n=2**8, P=1e12, interval="bootstrap")
    with pytest.raises(pm.InputError, match="`replicates`"):
        pm.sobol(m, d, n=2**8, P=1e12, replicates=3)
    with pytest.raises(pm.InputError, match="`replicates`"):
        pm.sobol(m, d, n=2**4, P=1e12, replicates=16)
    with pytest.raises(pm.InputError, match="`sampler`"):
        pm.sobol(m, d, n=2**8, P=1e12, sampler="halton")
    # plain Monte Carlo: bootstrap (default there) or replicates, both near the truth
    truth = _product_indices(10, 1e4, 0.1, 10)
    for interval in ("bootstrap", "replicates"):
        r = pm.sobol(m, d, n=2**13, P=1e12, seed=2, sampler="random", interval=interval,
                     n_resamples=200)
        assert r.interval == interval
        lo, hi = r.total_order_interval["N"]
        assert lo < hi and abs(r.total_order["N"] - truth[("total", "N")]) < 0.06
    # n need not be a power of 2 for random draws
    assert pm.sobol(m, d, n=1000, P=1e12, seed=2, sampler="random").n == 1000


def test_morris_sign_changing_effect_sigma_by_hand():
    # x* = N/2 (c = 1, k = 2), N ~ uniform(2, 8), output y = (x* - 2.5)^2. Four levels:
    # u in {0, 1/3, 2/3, 1} gives x* in {1, 2, 3, 4} and y in {2.25, 0.25, 0.25, 2.25};
    # delta = 2/3, so a trajectory based at u = 0 has EE = (0.25 - 2.25)/(2/3) = -3 and
    # one based at u = 1/3 has EE = (2.25 - 0.25)/(2/3) = +3. Hence mu* = 3 exactly, and
    # with mu the mean of r values +-3, sigma^2 = r/(r - 1) (9 - mu^2) > 0.
    r = pm.morris(pm.Model("power", c=1.0, k=2.0), {"N": ("uniform", 2, 8)}, P=1e9,
                  output=lambda s: (s.x - 2.5) ** 2, trajectories=40, seed=4)
    mu = r.mu["N"]
    assert r.mu_star["N"] == pytest.approx(3.0, rel=1e-12)
    assert abs(mu) < 3 - 1e-9                       # both signs occur
    assert r.sigma["N"] == pytest.approx(math.sqrt(40 / 39 * (9 - mu**2)), rel=1e-12)
    assert r.sigma["N"] > 1.0


def test_monte_carlo_errors_nan_counts_valid_draws_only():
    # f = c x + d with d = 1: P < f(0) = 1 is invalid, so about half the draws of
    # P ~ uniform(0, 2) are. Among valid draws x* > 0 iff c < N (h = x - (c x + d)/N),
    # so P(x* > 0) = (N - 1)/100 for c ~ uniform(1, 101), whatever P: dividing by
    # every draw would give about half of that.
    N = np.array([11.0, 51.0, 91.0])
    r = pm.monte_carlo(pm.Model("c*x + d", d=1.0), {"c": ("uniform", 1, 101),
                                                   "P": ("uniform", 0, 2)},
                       N=N, n=20000, seed=0, errors="nan")
    want = (N - 1) / 100
    se = np.sqrt(want * (1 - want) / 10000)
    assert np.all(np.abs(r.p_mesa - want) <= 5 * se)
    with pytest.raises(pm.InputError, match="at least f\\(0\\)"):
        pm.monte_carlo(pm.Model("c*x + d", d=1.0), {"c": ("uniform", 1, 101),
                                                   "P": ("uniform", 0, 2)}, N=N, n=100, seed=0)


def test_block_size_does_not_change_results(monkeypatch):
    import powermodel.sensitivity._common as S

    m = pm.Model("power", k=2.0)
    a = pm.sobol(m, PRODUCT, n=2**10, seed=3, P=1e12)
    mo = pm.morris(m, PRODUCT, seed=3, P=1e12, trajectories=50)
    mc = pm.monte_carlo(m, {"c": ("loguniform", 0.1, 10)}, N=[1.0, 10.0], n=500, seed=3,
                        P=1e12)
    monkeypatch.setattr(S, "BLOCK_POINTS", 37)
    assert pm.sobol(m, PRODUCT, n=2**10, seed=3, P=1e12) == a
    assert pm.morris(m, PRODUCT, seed=3, P=1e12, trajectories=50) == mo
    assert pm.monte_carlo(m, {"c": ("loguniform", 0.1, 10)}, N=[1.0, 10.0], n=500, seed=3,
                          P=1e12) == mc


@pytest.mark.parametrize("call", [
    lambda m: pm.sobol(m, PRODUCT, n=2**40, P=1e12),
    lambda m: pm.morris(m, PRODUCT, trajectories=2**40, P=1e12),
    lambda m: pm.monte_carlo(m, {"c": ("uniform", 1, 2)}, n=2**40, P=1e12),
    lambda m: pm.grid(m, {"N": np.ones(1000), "P": np.ones(1000), "c": np.ones(1000)}),
    lambda m: pm.solve("power", N=np.ones((10**5, 1)), P=np.ones(10**5), c=1.0, k=2.0),
])
def test_huge_requests_are_refused_at_once_with_their_size(call):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(pm.InputError, match=r"needs about [\d.]+ [KMGTPE]?B of memory, more "
                                            r"than the budget"):
        call(pm.Model("power", k=2.0))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB


@pytest.mark.parametrize("call, match", [
    (lambda m: pm.morris(m, PRODUCT, n_resamples=10**12, P=1e12), "morris's bootstrap with "
     "n_resamples = 1,000,000,000,000"),
    (lambda m: pm.sobol(m, PRODUCT, n=2**10, sampler="random", n_resamples=10**12, P=1e12),
     "sobol's bootstrap with n_resamples = 1,000,000,000,000"),
])
def test_huge_bootstrap_is_refused_at_once_with_its_size(call, match):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(pm.InputError, match=match + ".* needs about .* more than the budget"):
        call(pm.Model("power", k=2.0))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB


def test_morris_with_a_huge_number_of_levels_builds_no_grid():
    import resource

    m = pm.Model("power", k=2.0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = pm.morris(m, PRODUCT, levels=2**40, seed=1, P=1e12, n_resamples=0)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB
    assert r.levels == 2**40 and r.mu_star["c"] > 0
    with pytest.raises(pm.InputError, match=r"`levels` must be at most 2\*\*53.*got "
                                            f"{2**54}"):
        pm.morris(m, PRODUCT, levels=2**54, P=1e12)


def test_morris_design_draws_the_same_bases_as_before():
    # the bases k / (p - 1), k < p / 2, drawn as rng.choice of the grid used to draw them
    rng = np.random.default_rng(7)
    T, order, sign, delta = _morris_design(rng, 50, 3, 6)
    grid = np.arange(6) / 5
    expected = np.random.default_rng(7).choice(grid[grid <= 1 - delta + 1e-12], size=(50, 3))
    np.testing.assert_allclose(np.where(sign > 0, T[:, 0], T[:, 0] - delta), expected,
                               rtol=0, atol=1e-15)


def test_monte_carlo_with_many_quantiles_is_refused_with_its_size(monkeypatch):
    monkeypatch.setenv("POWERMODEL_MEMORY", "64M")
    with pytest.raises(pm.InputError, match="monte_carlo's bands at 1,000,000 quantiles and "
                                            "10 N values needs about"):
        pm.monte_carlo(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2)}, n=10,
                       N=np.arange(1.0, 11.0), quantiles=np.linspace(0.01, 0.99, 10**6), P=1e6)


def test_memory_budget_is_configurable(monkeypatch):
    from powermodel import _memory

    monkeypatch.setenv("POWERMODEL_MEMORY", "1M")
    assert _memory.budget() == 2**20
    with pytest.raises(pm.InputError, match="budget of 1 MB"):
        pm.solve("power", N=np.ones(10**5), P=1.0, c=1.0, k=2.0)
    monkeypatch.setenv("POWERMODEL_MEMORY", "0.25")
    assert _memory.budget() == int(0.25 * _memory.physical_memory())
    monkeypatch.setenv("POWERMODEL_MEMORY", "lots")
    with pytest.raises(pm.InputError, match="POWERMODEL_MEMORY"):
        _memory.budget()


@pytest.mark.parametrize("analysis", [
    'type = "sobol"\nn = 1099511627776\ndistributions.N = ["loguniform", 10, 1e6]',
    'type = "morris"\ntrajectories = 1099511627776\ndistributions.N = ["loguniform", 10, 1e6]',
    'type = "montecarlo"\nn = 1099511627776\ndistributions.c = ["loguniform", 0.1, 10]',
    'type = "sweep"\nN = {start = 1, stop = 1e6, num = 1099511627776}',
])
def test_scenario_with_2_to_the_40_is_refused_at_once(tmp_path, analysis):
    path = tmp_path / "huge.toml"
    params = 'c = 1.0\nk = 2.0\nP = 1e12\n' + ('' if "sweep" in analysis or "montecarlo"
                                                in analysis else 'N = 100.0\n')
    path.write_text(f'cost = "power"\n[params]\n{params}[analysis]\n{analysis}\n')
    with pytest.raises(pm.InputError, match="more than the budget"):
        pm.load_scenario(path).run()


def test_scenario_axis_too_long_to_solve_over_is_refused_before_it_is_built(tmp_path,
                                                                            monkeypatch):
    # 20 million N values fit in 160 MB, but solving over them (here 10 times) does not
    import resource

    monkeypatch.setenv("POWERMODEL_MEMORY", "1G")
    path = tmp_path / "axis.toml"
    path.write_text('cost = "power"\n[params]\nk = 2.0\nP = 1e12\n[analysis]\n'
                    'type = "montecarlo"\nn = 10\nN = {start = 1, stop = 1e3, num = 20000000}\n'
                    'distributions.c = ["loguniform", 0.1, 10]\n')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(pm.InputError, match=r"axis `N` of 20,000,000 points \(solved at each\) "
                                            "needs about .* more than the budget of 1 GB"):
        pm.load_scenario(path).run()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB


def _bad_output(sol):
    return 1 / 0


def test_output_function_that_raises_is_an_input_error():
    with pytest.raises(pm.InputError, match="`output` '_bad_output' raised ZeroDivisionError: "
                                            "division by zero") as info:
        pm.sobol(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2)}, N=10.0, P=1e6,
                 output=_bad_output, n=64)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


# ---------------------------------------------------------------------------
# no silent NaN: outputs near the float limit, constant outputs
# ---------------------------------------------------------------------------

def test_sobol_of_an_output_near_the_float_limit_equals_that_of_the_scaled_output():
    # value = P/N + N/4 with P up to 1e300: its squares overflow. Indices do not depend
    # on the output's scale, so they must equal those of value / 1e300 (no overflow).
    import warnings

    m = pm.Model("power", c=1.0, k=2.0)
    dists = {"N": ("loguniform", 10, 1e3), "P": ("loguniform", 1e200, 1e300)}

    def scaled(s):
        return s.value / 1e300

    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # not even an overflow warning
        big = pm.sobol(m, dists, output="value", n=2**8, seed=3)
        small = pm.sobol(m, dists, output=scaled, n=2**8, seed=3)
    for a, b in ((big.first_order, small.first_order), (big.total_order, small.total_order)):
        for k in dists:
            assert np.isfinite(a[k]) and a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-12)


def test_morris_of_an_output_near_the_float_limit_is_finite_and_scales():
    m = pm.Model("power", c=1.0, k=2.0)
    dists = {"N": ("loguniform", 10, 1e3), "P": ("loguniform", 1e200, 1e308)}

    def scaled(s):
        return s.value / 1e300

    big = pm.morris(m, dists, output="value", seed=1, n_resamples=0)
    small = pm.morris(m, dists, output=scaled, seed=1, n_resamples=0)
    for k in dists:   # the effects are linear in the output
        for f in ("mu", "mu_star", "sigma"):
            assert np.isfinite(getattr(big, f)[k])
            assert getattr(big, f)[k] == pytest.approx(getattr(small, f)[k] * 1e300, rel=1e-9)


def test_sobol_of_a_constant_output_is_refused_by_name(tmp_path, capsys):
    from powermodel.cli import main

    m = pm.Model("power", c=1.0, k=2.0)
    # x_budget = (P/c)**(1/k) does not depend on N
    with pytest.raises(pm.InputError, match=r"output `x_budget` is constant \(1000 at all 768"):
        pm.sobol(m, {"N": ("loguniform", 10, 1e3)}, output="x_budget", P=1e6, n=2**8, seed=1)
    sc = tmp_path / "c.toml"
    sc.write_text('cost = "power"\nparams = {c = 1.0, k = 2.0, P = 1e6}\n'
                  '[analysis]\ntype = "sobol"\noutput = "x_budget"\nn = 256\nseed = 1\n'
                  'distributions.N = ["loguniform", 10, 1000]\n')
    assert main(["sensitivity", str(sc), "--out", str(tmp_path / "o.csv")]) == 2
    assert "output `x_budget` is constant" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_a_distribution_bound_given_as_a_list_is_refused_before_the_work():
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match=r"`N.low` must be a number, got \[10\]"):
        pm.sobol(m, {"N": ("loguniform", [10], 1000)}, P=1e6, n=2**6, seed=1)


# ---------------------------------------------------------------------------
# conversions: to_pandas / to_df / to_xarray, checked against the result's fields
# ---------------------------------------------------------------------------

def test_sensitivity_results_to_pandas_hold_their_fields(sensitivity_results):
    pytest.importorskip("pandas")
    r = sensitivity_results
    s = r["sobol"]
    df = s.to_pandas()
    assert list(df.index) == list(s.names) and df.index.name == "parameter"
    for k in s.names:
        assert df.loc[k, "first_order"] == s.first_order[k]
        assert df.loc[k, "total_order"] == s.total_order[k]
        assert (df.loc[k, "first_order_low"], df.loc[k, "first_order_high"]) == \
            s.first_order_interval[k]
        assert (df.loc[k, "total_order_low"], df.loc[k, "total_order_high"]) == \
            s.total_order_interval[k]
    assert df.attrs["seed"] == 3 and df.attrs["n"] == 64
    assert s.to_df().equals(df)
    m = r["morris"].to_pandas()
    for k in r["morris"].names:
        assert m.loc[k, "mu_star"] == r["morris"].mu_star[k]
        assert m.loc[k, "sigma"] == r["morris"].sigma[k]
        assert (m.loc[k, "mu_star_low"], m.loc[k, "mu_star_high"]) == \
            r["morris"].mu_star_interval[k]
    o = r["oat"].to_pandas()
    assert tuple(o.index) == r["oat"].names == ("c", "N")          # x* = N / 2c
    assert o.loc["c", "low_output"] == 200.0 and o.loc["c", "high_output"] == 25.0
    assert o.loc["N", "swing"] == abs(100.0 - 25.0)
    mc = r["mc"]
    d = mc.to_pandas()
    np.testing.assert_array_equal(d.index.to_numpy(), mc.N)
    np.testing.assert_array_equal(d["p_mesa"].to_numpy(), mc.p_mesa)
    np.testing.assert_array_equal(d["x_q0.5"].to_numpy(), mc.bands[mc.quantiles.index(0.5)])
    loc = r["local"].to_pandas()
    assert loc.loc[("x", "N"), "elasticity"] == r["local"].elasticities["x"]["N"]
    assert loc.loc[("x", "N"), "method"] == "finite-difference"
    assert len(loc) == 3 * 4                                      # outputs x (c, k, N, P)


def test_sensitivity_results_to_xarray_hold_their_fields(sensitivity_results):
    pytest.importorskip("xarray")
    r = sensitivity_results
    s = r["sobol"].to_xarray()
    for k in r["sobol"].names:
        assert float(s["first_order"].sel(parameter=k)) == r["sobol"].first_order[k]
        assert float(s["total_order_high"].sel(parameter=k)) == \
            r["sobol"].total_order_interval[k][1]
    mc = r["mc"]
    x = mc.to_xarray()
    np.testing.assert_array_equal(x["bands"].values, mc.bands)
    assert list(x["quantile"].values) == list(mc.quantiles)
    np.testing.assert_array_equal(x["p_dominant"].values, mc.p_dominant)
    e = r["local"].to_xarray()
    assert float(e["elasticity"].sel(output="x", parameter="N")) == \
        r["local"].elasticities["x"]["N"]
    assert float(r["oat"].to_xarray()["low_value"].sel(parameter="c")) == 0.25


def test_sensitivity_conversions_name_the_missing_extra(monkeypatch):
    import sys

    res = pm.one_at_a_time(pm.Model("power", k=2.0), {"c": (0.5, 2.0)}, N=100, c=1.0, P=1e6)
    monkeypatch.setitem(sys.modules, "xarray", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"powermodel\[xarray\]"):
        res.to_xarray()
    with pytest.raises(ImportError, match=r"powermodel\[pandas\]"):
        res.to_df()


# ---------------------------------------------------------------------------
# ecosystem inputs: frozen scipy.stats distributions, SALib problem dicts, output strings
# ---------------------------------------------------------------------------

def _three_forms():
    from scipy import stats

    tuples = {"N": ("loguniform", 10, 1000), "c": ("triangular", 1, 1.5, 3),
              "P": ("lognormal", math.log(1e12), 0.5)}
    frozen = {"N": stats.loguniform(10, 1000), "c": stats.triang(0.25, loc=1, scale=2),
              "P": stats.lognorm(0.5, scale=1e12)}
    salib = {"num_vars": 3, "names": ["N", "c", "P"],
             "bounds": [[10, 1000], [1, 3, 0.25], [math.log(1e12), 0.5]],
             "dists": ["logunif", "triang", "lognorm"]}
    return tuples, frozen, salib


def test_scipy_and_salib_distributions_give_the_tuple_results():
    tuples, frozen, salib = _three_forms()
    m = pm.Model("power", k=2.0)
    for run in (lambda d: pm.sobol(m, d, n=2**6, seed=5),
                lambda d: pm.morris(m, d, trajectories=5, n_resamples=20, seed=5),
                lambda d: pm.monte_carlo(m, {k: v for k, v in d.items() if k != "N"}
                                         if "names" not in d else
                                         {"names": ["c", "P"], "bounds": d["bounds"][1:],
                                          "dists": d["dists"][1:]},
                                         N=[10, 100], n=32, seed=5)):
        a, b, c = run(tuples), run(frozen), run(salib)
        assert a == b == c
    # the uniform of scipy is (loc, scale): uniform(1, 1) is ("uniform", 1, 2); SALib's default
    from scipy import stats

    u = pm.sobol(m, {"c": ("uniform", 1, 2), "N": ("uniform", 10, 20)}, n=2**5, seed=1, P=1e9)
    assert u == pm.sobol(m, {"c": stats.uniform(1, 1), "N": stats.uniform(10, 10)}, n=2**5,
                         seed=1, P=1e9)
    assert u == pm.sobol(m, {"names": ["c", "N"], "bounds": [[1, 2], [10, 20]]}, n=2**5,
                         seed=1, P=1e9)


def test_other_scipy_distributions_sample_through_their_ppf():
    from scipy import stats

    # A gamma is no tuple kind: its own ppf serves. x* = N / (2c) decreases in c, so
    # the q-quantile of x* is N / (2 c_{1-q}) (the gamma's quantiles, from scipy).
    g = stats.gamma(4.0, loc=1.0, scale=0.5)
    r = pm.monte_carlo(pm.Model("power", k=2.0), {"c": g}, N=[100.0], n=2**12, seed=0,
                       sampler="sobol", quantiles=(0.1, 0.5, 0.9), P=1e12)
    exact = 100.0 / (2 * g.ppf([0.9, 0.5, 0.1]))
    np.testing.assert_allclose(r.bands[:, 0], exact, rtol=5e-3)


def test_ecosystem_inputs_are_checked():
    from scipy import stats

    m = pm.Model("power", k=2.0)
    with pytest.raises(pm.InputError, match="`c` must be positive.*'normal', 1, 1"):
        pm.sobol(m, {"c": stats.norm(1, 1)}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="`c` must be a continuous scipy.stats"):
        pm.sobol(m, {"c": stats.poisson(1)}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="needs scale > 0, got scale=-1"):
        pm.sobol(m, {"c": stats.uniform(1, -1)}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="`c` must be positive.*scipy.stats.beta"):
        pm.sobol(m, {"c": stats.beta(2, 2)}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="unknown dist 'weibull' of `c`"):
        pm.sobol(m, {"names": ["c"], "bounds": [[1, 2]], "dists": ["weibull"]}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="`num_vars` is 2 but `names` has 1"):
        pm.sobol(m, {"num_vars": 2, "names": ["c"], "bounds": [[1, 2]]}, N=10, P=1e6)
    with pytest.raises(pm.InputError, match="`N` is the axis of monte_carlo"):
        pm.monte_carlo(m, {"names": ["N"], "bounds": [[1, 2]]}, N=[10], c=1.0, P=1e6)


def test_output_takes_the_scenario_strings():
    m = pm.Model("power", k=2.0)
    d = {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10)}
    a = pm.sobol(m, d, output="log(x)", n=2**6, seed=4, P=1e12)
    assert a == pm.sobol(m, d, output=lambda s: np.log(s.x), n=2**6, seed=4, P=1e12)
    b = pm.morris(m, d, output=" log( value ) ", trajectories=4, n_resamples=0, seed=4, P=1e12)
    assert b == pm.morris(m, d, output=lambda s: np.log(s.value), trajectories=4,
                          n_resamples=0, seed=4, P=1e12)
    with pytest.raises(pm.InputError, match="`output` must be one of .*got 'nope'"):
        pm.sobol(m, d, output="log(nope)", P=1e12)
    with pytest.raises(pm.InputError, match=r"output `log\(x\)`"):
        pm.sobol(m, {"N": ("uniform", 1, 2)}, output="log(x)", c=1.0, P=1e-300, n=2**5)


def test_sensitivity_tables_are_sized_against_the_memory_budget(monkeypatch):
    pytest.importorskip("pandas")
    r = pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", 1, 101)},
                       N=np.geomspace(1, 1e3, 500), P=1e3, n=4, seed=0)
    monkeypatch.setenv("POWERMODEL_MEMORY", "10K")
    with pytest.raises(pm.InputError, match=r"the table of a MonteCarloResult \(500 rows\)"):
        r.to_pandas()
