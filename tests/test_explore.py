"""pm.explore: the interactive figure, driven headless through its sliders."""

import numpy as np
import pytest

import powermodel as pm


@pytest.fixture
def close():
    opened = []
    yield opened.append
    for e in opened:
        e.close()


def _masked(a):
    return np.asarray(a, dtype=float)


def test_contract_and_initial_curve_matches_closed_form(close):
    # f = c x^2: x* = min(N/(2c), sqrt(P/c)) (interior, then the budget binds)
    e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e5), P=1e4)
    close(e)
    assert set(e.sliders) == {"P", "c", "k", "overlap", "runtime_penalty"}
    assert e.sliders["rho"] is e.sliders["overlap"]
    assert e.sliders["lambda"] is e.sliders["runtime_penalty"]
    assert {"x", "learned_share", "compute_multiplier"} <= set(e.lines)
    assert e.figure is e.lines["x"].figure
    N = _masked(e.lines["x"].get_xdata())
    assert N[0] == pytest.approx(1) and N[-1] == pytest.approx(1e5)
    np.testing.assert_allclose(e.lines["x"].get_ydata(), np.minimum(N / 2, 100.0), rtol=1e-12)


def test_each_slider_resolves_live(close):
    m = pm.Model("power", c=1.0, k=2.0)
    e = pm.explore(m, N=(1, 1e5), P=1e4)
    close(e)
    moves = [("P", 3e4), ("c", 2.5), ("k", 3.0), ("overlap", 0.01), ("runtime_penalty", 0.3)]
    current = dict(P=1e4, c=1.0, k=2.0, overlap=0.0, runtime_penalty=0.0)
    for name, value in moves:
        e.sliders[name].set_val(value)
        current[name] = value
        N = _masked(e.lines["x"].get_xdata())
        ref = m.solve(N=N, **current)
        np.testing.assert_allclose(e.lines["x"].get_ydata(), ref.x, rtol=1e-12)
        np.testing.assert_allclose(e.lines["learned_share"].get_ydata(), ref.learned_share,
                                   rtol=1e-12)
        np.testing.assert_allclose(e.lines["compute_multiplier"].get_ydata(),
                                   ref.compute_multiplier, rtol=1e-12)


def test_P_slider_against_hand_computation(close):
    e = pm.explore(pm.Model("linear", c=10.0), N=(1, 100), P=50.0, points=5)
    close(e)
    # linear cost c x: x* = 0 for N < c, the whole budget P/c above it
    e.sliders["P"].set_val(200.0)
    N = _masked(e.lines["x"].get_xdata())
    np.testing.assert_allclose(e.lines["x"].get_ydata(), np.where(N > 10, 20.0, 0.0))


def test_regime_bands_follow_the_regimes(close):
    e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e5), P=1e4)
    close(e)
    # one interior run then one budget run (switch at N = 2 sqrt(P) = 200), on each of 3 axes
    assert sorted(b.get_gid() for b in e.bands) == ["budget"] * 3 + ["interior"] * 3
    e.sliders["P"].set_val(1e8)  # switch at N = 2e4
    [(_, _, hi)] = [s for s in e.spans if s[0] == "interior"]
    assert 1.5e4 < hi < 2.5e4


def test_invalid_slider_value_shows_status_not_traceback(close):
    e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e3), P=1e4, k=(0.5, 4.0, 2.0))
    close(e)
    e.sliders["k"].set_val(0.5)  # below the family's bound k >= 1
    assert np.isnan(e.lines["x"].get_ydata()).all()
    assert "`k`" in e._status.get_text()


def test_unknown_name_suggests():
    with pytest.raises(pm.InputError, match="did you mean `runtime_penalty`"):
        pm.explore(pm.Model("power", c=1.0, k=2.0), P=1e4, runtime_penality=0.1)


@pytest.mark.parametrize("kw, match", [
    (dict(N=(10, 1)), "lo < hi"),
    (dict(N=5), "pair"),
    (dict(c=(2.0, 1.0)), "lo < hi"),
    (dict(c=(1.0, 2.0, 5.0)), "range"),
])
def test_bad_ranges(kw, match):
    with pytest.raises(pm.InputError, match=match):
        pm.explore(pm.Model("power", c=1.0, k=2.0), P=1e4, **kw)


@pytest.mark.parametrize("points, match", [
    (10**12, "explore with 1,000,000,000,000 points needs about .* more than the budget"),
    (2.5, "`points` must be an integer >= 2, got 2.5"),
    (np.array([3, 4]), "`points` must be an integer >= 2, got array"),
])
def test_bad_points_refused_before_allocating(points, match):
    with pytest.raises(pm.InputError, match=match):
        pm.explore(pm.Model("power", c=1.0, k=2.0), P=1e4, points=points)


def test_parameter_without_value():
    with pytest.raises(pm.InputError, match="`c` has no value"):
        pm.explore(pm.Model("power", k=2.0), P=1e4)


def test_extreme_ranges_end_in_a_figure_or_an_input_error():
    import matplotlib

    matplotlib.use("agg")
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match=r"`N` must be >= 1e-100, got 1e-300"):
        pm.explore(m, N=(1e-300, 1e300), P=1e5)
    with pytest.raises(pm.InputError, match=r"`P` must be >= 0, got -1e\+308"):
        pm.explore(m, N=(1, 1e6), P=-1e308)
    for P in (1e308, 5e-324):     # a slider to 10 P would overflow: it stops at the max
        e = pm.explore(m, N=(1, 1e6), P=P)   # (the sliders' limits were NaN or inf)
        slider = e.sliders["P"]
        assert np.isfinite(slider.valmin) and np.isfinite(slider.valmax)
        assert slider.valmin <= P <= slider.valmax
