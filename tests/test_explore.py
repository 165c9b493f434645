"""pm.explore: the interactive figure, driven headless through its sliders."""

import math

import matplotlib
import numpy as np
import pytest

import powermodel as pm

matplotlib.use("agg")


@pytest.fixture
def close():
    opened = []

    def keep(e, *, draw=False):
        # Most tests read the artists' data, not pixels: no canvas redraw per move
        # (Slider.drawon is matplotlib's own switch); the draw itself is tested below.
        if not draw:
            for s in e.sliders.values():
                s.drawon = False
        opened.append(e)
        return e

    yield keep
    for e in opened:
        e.close()


def _masked(a):
    return np.asarray(a, dtype=float)


def _state(e):
    """Everything a move may change: values, slider values, solution, curves, bands."""
    return (dict(e.values), {k: s.val for k, s in e.sliders.items()}, e.solution,
            {k: np.array(l.get_ydata(), dtype=float) for k, l in e.lines.items()},
            list(e.spans), {k: a.get_ylim() for k, a in e.axes.items()})


def _assert_same_state(before, after):
    assert before[0] == after[0] and before[1] == after[1]
    assert before[2] is after[2]
    for k in before[3]:
        np.testing.assert_array_equal(before[3][k], after[3][k])
    assert before[4] == after[4] and before[5] == after[5]


def test_contract_and_initial_curve_matches_closed_form(close):
    # f = c x^2: x* = min(N/(2c), sqrt(P/c)) (interior, then the budget binds)
    e = close(pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e5), P=1e4))
    assert set(e.sliders) == {"P", "c", "k", "overlap", "runtime_penalty"}
    assert e.sliders["rho"] is e.sliders["overlap"]
    assert e.sliders["lambda"] is e.sliders["runtime_penalty"]
    assert {"x", "learned_share", "compute_multiplier"} <= set(e.lines)
    assert e.figure is e.lines["x"].figure
    N = _masked(e.lines["x"].get_xdata())
    assert N[0] == pytest.approx(1) and N[-1] == pytest.approx(1e5)
    np.testing.assert_allclose(e.lines["x"].get_ydata(), np.minimum(N / 2, 100.0), rtol=1e-12)


@pytest.mark.parametrize("model, moves", [
    (pm.Model("power", c=1.0, k=2.0),
     [("P", 3e4), ("c", 2.5), ("k", 3.0), ("overlap", 0.01), ("runtime_penalty", 0.3)]),
    (pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0),   # non-convex: x* jumps
     [("P", 5e5), ("F", 300.0), ("s", 0.5), ("overlap", 0.002)]),
    (pm.Model("c*x**1.5 + b*log(1 + x)", c=2.0, b=3.0),     # an expression
     [("b", 10.0), ("c", 0.5), ("runtime_penalty", 0.5), ("P", 2e5)]),
])
def test_after_each_move_the_curves_are_the_models_solution(close, model, moves):
    e = close(pm.explore(model, N=(1, 1e5), P=1e5))
    current = dict(model.params, P=1e5, overlap=0.0, runtime_penalty=0.0)
    for name, value in moves:
        e.sliders[name].set_val(value)
        current[name] = value
        assert e.values == current
        N = _masked(e.lines["x"].get_xdata())
        ref = model.solve(N=N, **current)     # the plotted data, not pixels
        for field in ("x", "learned_share", "compute_multiplier"):
            np.testing.assert_allclose(e.lines[field].get_ydata(), getattr(ref, field),
                                       rtol=1e-12, atol=0)
        assert [r for r, _, _ in e.spans] == [str(r) for i, r in enumerate(ref.regime)
                                              if i == 0 or r != ref.regime[i - 1]]


def test_P_slider_against_hand_computation(close):
    e = close(pm.explore(pm.Model("linear", c=10.0), N=(1, 100), P=50.0, points=5))
    # linear cost c x: x* = 0 for N < c, the whole budget P/c above it
    e.sliders["P"].set_val(200.0)
    N = _masked(e.lines["x"].get_xdata())
    np.testing.assert_allclose(e.lines["x"].get_ydata(), np.where(N > 10, 20.0, 0.0))


def test_regime_bands_follow_the_regimes(close):
    e = close(pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e5), P=(1e3, 1e9, 1e4)))
    # one interior run then one budget run (switch at N = 2 sqrt(P) = 200)
    assert [r for r, _, _ in e.spans] == ["interior", "budget"]
    assert 150 < e.spans[0][2] == e.spans[1][1] < 250
    assert e.spans[0][1] == pytest.approx(1) and e.spans[-1][2] == pytest.approx(1e5)
    for band in e.bands.values():  # one polygon per span, on each of the 3 axes
        assert len(band.get_paths()) == 2
    e.sliders["P"].set_val(1e8)  # switch at N = 2e4
    [(_, _, hi)] = [s for s in e.spans if s[0] == "interior"]
    assert 1.5e4 < hi < 2.5e4


def test_a_move_draws_once_with_the_new_curves(close):
    e = close(pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=1e4), draw=True)
    seen = []
    e.figure.canvas.mpl_connect("draw_event",
                                lambda ev: seen.append(e.lines["x"].get_ydata()[-1]))
    e.sliders["P"].set_val(4e4)          # x*(1e4) = sqrt(P) = 200
    assert seen == [200.0]


def test_a_move_solves_once(close, monkeypatch):
    e = close(pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=1e4, points=20))
    calls = []
    solve = pm.Model.solve
    monkeypatch.setattr(pm.Model, "solve", lambda self, **kw: calls.append(kw) or solve(self, **kw))
    e.sliders["k"].set_val(3.0)     # the solve that validates the value is the one drawn
    assert len(calls) == 1 and calls[0]["k"] == 3.0


def test_the_figure_does_not_accumulate_artists(close):
    e = close(pm.explore(pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0),
                         N=(1, 1e6), P=(1e3, 1e7, 1e5), points=60))

    def count():
        return (len(e.figure.axes), len(e.figure.texts),
                [(len(a.lines), len(a.collections), len(a.patches), len(a.texts),
                  len(a.artists), a.get_legend() is not None) for a in e.axes.values()])

    start = count()
    legends = set()
    moves = [("P", 1e4), ("F", 900.0), ("F", 100.0), ("P", 1e6), ("overlap", 0.5),
             ("runtime_penalty", 0.9), ("overlap", 0.0), ("k", 10.0), ("k", 2.0),
             ("runtime_penalty", 0.0), ("s", 0.9), ("c", 9.0), ("s", 0.1), ("c", 1.0)]
    for i in range(40):   # across regimes: none, interior, budget, and back
        name, value = moves[i % len(moves)]
        e.sliders[name].set_val(value * (1 + 0.01 * (i // len(moves))))
        legends.add(tuple(t.get_text() for t in e.axes["x"].get_legend().get_texts()))
        assert count() == start
    assert len(legends) > 1   # the legend did change, and was replaced, not added


# -- refusals ---------------------------------------------------------------

@pytest.mark.parametrize("kw, match", [
    (dict(P=-1), "`P` must be positive, got -1"),
    (dict(P=0), "`P` must be positive, got 0"),
    (dict(P=float("nan")), "`P` must be a number, got nan"),
    (dict(P=(0, 10)), r"`P` range must lie in the valid domain 0 < P, got \(0, 10\)"),
    (dict(P=(1, float("inf"))), "`P` must be finite, got inf"),
    (dict(overlap=-1), "`overlap` must be non-negative, got -1"),
    (dict(overlap=1), "`overlap` must be < 1, got 1"),
    (dict(overlap=(0, 1)), r"`overlap` range must lie in the valid domain 0 <= overlap < 1"),
    (dict(runtime_penalty=(0.5, 1.0)), "`runtime_penalty` range must lie in the valid domain"),
    (dict(runtime_penalty=1.5), "`runtime_penalty` must be < 1, got 1.5"),
    (dict(c=(0, 2)), r"`c` range must lie in the valid domain 0 < c, got \(0, 2\)"),
    (dict(c=-1.0), "`c` must be positive, got -1.0"),
    (dict(k=(0.5, 4.0, 2.0)), r"`k` range must lie in the valid domain 1 <= k"),
    (dict(k=0.5), "`k` must be >= 1, got 0.5"),
    (dict(k="2"), "`k` must be a real number, got '2'"),
    (dict(c=np.array([1.0, 2.0])), "`c` must be a scalar here, got an array"),
    (dict(N=(10, 1)), "lo < hi"),
    (dict(N=5), "`N` must be a \\(lo, hi\\) pair, got 5"),
    (dict(N=(0, 10)), "`N` must be >= 1e-100, got 0"),
    (dict(N=(1, float("inf"))), "`N` must be finite, got inf"),
    (dict(c=(2.0, 1.0)), "`c` range must have lo < hi"),
    (dict(c=(1.0, 2.0, 5.0)), "`c` value must lie in its range"),
])
def test_bad_constructor_arguments_name_the_parameter(kw, match):
    args = {"P": 1e4, **kw}
    with pytest.raises(pm.InputError, match=match):
        pm.explore(pm.Model("power", c=1.0, k=2.0), **args)


def test_initial_values_the_model_refuses_raise():
    # c x^2 + b x decreases near 0 for b < 0: no figure of a refused model
    with pytest.raises(pm.InputError, match="decreases near x = 0"):
        pm.explore(pm.Model("c*x**2 + b*x", c=1.0, b=-1.0), P=1e4)


def test_unknown_name_suggests():
    with pytest.raises(pm.InputError, match="did you mean `runtime_penalty`"):
        pm.explore(pm.Model("power", c=1.0, k=2.0), P=1e4, runtime_penality=0.1)


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


@pytest.fixture(scope="module")
def drawn():
    """One explorer, moved once, shared by tests that must leave it unchanged."""
    e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=1e4, points=50)
    e.sliders["P"].set_val(2e4)
    yield e
    e.close()


@pytest.mark.parametrize("name, value, shown", [
    ("overlap", -1, "-1"),             # the case: it drew empty axes
    ("overlap", 0.995, "0.995"),       # beyond the slider's end (0.99), still < 1
    ("P", 0.0, "0.0"),
    ("P", 1e9, "1000000000.0"),
    ("k", 0.9, "0.9"),
    ("runtime_penalty", 1.0, "1.0"),
    ("c", float("nan"), "nan"),
    ("c", float("inf"), "inf"),
    ("c", "2", "'2'"),
    ("c", [1.0, 2.0], "shape"),
])
def test_set_val_out_of_range_raises_and_changes_nothing(drawn, name, value, shown):
    e = drawn
    before = _state(e)
    draws = []
    e.figure.canvas.mpl_connect("draw_event", draws.append)
    with pytest.raises(pm.InputError) as err:
        e.sliders[name].set_val(value)
    assert f"`{name}`" in str(err.value) and shown in str(err.value)
    _assert_same_state(before, _state(e))
    assert draws == []


def test_set_val_the_model_refuses_raises_and_changes_nothing(close):
    # an expression's parameter has no declared bound: b < 0 makes f decrease near 0
    e = close(pm.explore(pm.Model("c*x**2 + b*x", c=1.0, b=0.5), N=(1, 1e3), P=1e4,
                         b=(-1.0, 1.0, 0.5)))
    before = _state(e)
    with pytest.raises(pm.InputError, match=r"slider `b` = -0.5 is refused: .*decreases near"):
        e.sliders["b"].set_val(-0.5)
    _assert_same_state(before, _state(e))
    e.sliders["b"].set_val(0.0)           # the boundary itself is fine: f = c x^2
    np.testing.assert_allclose(e.lines["x"].get_ydata(), np.minimum(e.N / 2, 100.0),
                               rtol=1e-12)


def _drag(slider, to):
    """Press on the slider's handle and drag to the fraction ``to`` of its width."""
    from matplotlib.backend_bases import MouseEvent

    canvas = slider.ax.figure.canvas
    start = min(max((slider.val - slider.valmin) / (slider.valmax - slider.valmin), 0.01), 0.99)
    for kind, frac in (("button_press_event", start), ("motion_notify_event", to),
                       ("button_release_event", to)):
        x, y = slider.ax.transAxes.transform((frac, 0.5))
        canvas.callbacks.process(kind, MouseEvent(kind, canvas, x, y, button=1))


def test_a_mouse_drag_cannot_leave_the_range(close):
    e = close(pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e3), P=1e4))
    for name, to in (("overlap", 1.8), ("overlap", -0.7), ("k", -3.0), ("P", 5.0)):
        s = e.sliders[name]
        _drag(s, to)
        assert s.val == (s.valmax if to > 1 else s.valmin) == e.values[name]
    assert e.values["overlap"] == 0.0 and e.values["k"] == 1.0 and e.values["P"] == 1e5


def test_a_mouse_drag_to_a_refused_value_shows_it_and_changes_nothing(close):
    e = close(pm.explore(pm.Model("c*x**2 + b*x", c=1.0, b=0.5), N=(1, 1e3), P=1e4,
                         b=(-1.0, 1.0, 0.5)))
    before = _state(e)
    _drag(e.sliders["b"], 0.1)           # b = -0.8: refused, no traceback from the loop
    _assert_same_state(before, _state(e))
    assert e.status_line.get_text().startswith("refused: slider `b`")
    _drag(e.sliders["b"], 0.8)            # b = 0.6: drawn, the status line back
    assert e.values["b"] == pytest.approx(0.6) and "refused" not in e.status_line.get_text()


# Each family's documented bounds (README, costs' docstrings) and the explorer's own
# domains (issue 21): P > 0, 0 <= rho < 1, 0 <= lambda < 1.
_DOMAINS = {"P": lambda v: v > 0, "overlap": lambda v: 0 <= v < 1,
            "runtime_penalty": lambda v: 0 <= v < 1,
            "c": lambda v: v > 0, "k": lambda v: v >= 1, "a": lambda v: v > 0,
            "b": lambda v: v >= 0, "F": lambda v: v >= 0, "s": lambda v: v > 0,
            "beta": lambda v: v >= 0}


@pytest.mark.parametrize("model, P", [
    (pm.Model("power", c=1.0, k=1.0), 1e4),            # k at its bound
    (pm.Model("power", c=1e-300, k=1.5), 5e-324),      # tenth of the value underflows
    (pm.Model("exponential", c=2.0, a=0.5), 1e308),    # ten times overflows
    (pm.Model("linear", c=3.0), 10.0),
    (pm.Model("quadratic", c=1.0, b=0.0), 1e3),         # b at its bound
    (pm.Model("overhead", F=0.0, s=0.1, c=1.0, k=2.0), 1e5),
    (pm.Model("power-logN", c=1.0, k=2.0, beta=0.0), 1e4),
])
def test_slider_ranges_lie_inside_the_valid_domains(close, model, P):
    e = close(pm.explore(model, N=(1, 1e4), P=P, points=20))
    assert set(e.sliders) == {"P", "overlap", "runtime_penalty", *model.params}
    for name, s in e.sliders.items():
        assert math.isfinite(s.valmin) and math.isfinite(s.valmax) and s.valmin < s.valmax
        assert _DOMAINS[name](s.valmin) and _DOMAINS[name](s.valmax), (name, s.valmin, s.valmax)
        assert s.valmin <= e.values[name] <= s.valmax
    values = dict(e.values)
    for name, s in e.sliders.items():   # the model solves at both ends of every slider
        for end in (s.valmin, s.valmax):
            assert model.solve(N=e.N, **{**values, name: end}).x.shape == e.N.shape


def test_extreme_ranges_end_in_a_figure_or_an_input_error(close):
    m = pm.Model("power", c=1.0, k=2.0)
    with pytest.raises(pm.InputError, match=r"`N` must be >= 1e-100, got 1e-300"):
        pm.explore(m, N=(1e-300, 1e300), P=1e5)
    with pytest.raises(pm.InputError, match=r"`P` must be positive, got -1e\+308"):
        pm.explore(m, N=(1, 1e6), P=-1e308)
    for P in (1e308, 5e-324):     # a slider to 10 P would overflow: it stops at the max
        e = close(pm.explore(m, N=(1, 1e6), P=P, points=20))
        slider = e.sliders["P"]
        assert np.isfinite(slider.valmin) and np.isfinite(slider.valmax)
        assert 0 < slider.valmin <= P <= slider.valmax
