"""Isolation of the pieces on which f' is monotone (powermodel.pieces)."""

import numpy as np
import pytest

from powermodel.costs import make_cost
from powermodel.pieces import REL_WIDTH, isolate, split_point


def pieces(expr, U, n=(1.0, 1.0), **params):
    cost = make_cost(expr)
    p = {k: np.float64(v) for k, v in params.items()}
    bps, flagged, dec = isolate(cost, p, 1, np.array([U]), np.array([n[0]]), np.array([n[1]]))
    return cost, p, bps[0][np.isfinite(bps[0])], flagged[0], dec[0]


def test_kinks_are_breakpoints_exactly():
    for expr, kink in (("2*x + 1.5*abs(x - 7) + 0.01*x**2", 7.0),
                       ("max(x, 3*x - 20) + 0.001*x**2", 10.0),
                       ("0.05*x**2 + min(3*x, x + 8)", 4.0),
                       ("x + abs(x - 1/3)", 1 / 3)):
        _, _, b, flagged, _ = pieces(expr, 100.0, n=(0.5, 50.0))
        assert not flagged
        assert np.min(np.abs(b - kink)) <= 4e-16 * kink, (expr, b)


def test_narrow_inflections_are_found():
    """A tanh step of width 1e-9 at 30 has two inflections within a few widths of 30:
    no grid would see them; the subdivision does."""
    cost, p, b, flagged, _ = pieces("0.1*x**2 + 2.5*(1 + tanh((x - 30)/w))", 1000.0,
                                    n=(1.0, 100.0), w=1e-9)
    assert not flagged
    assert np.any(np.abs(b - 30) < 1e-8)


def test_f_prime_is_monotone_on_every_piece():
    """Between consecutive breakpoints f'' keeps one sign (checked on a dense grid)."""
    expr = "c*x + F/(1 + exp(-(x - m)/w)) + 0.5*sin(x)"
    cost, p, b, flagged, _ = pieces(expr, 40.0, n=(0.0, 1e9), c=2.0, F=5.0, m=20.0, w=1.5)
    assert not flagged
    edges = np.concatenate([[0.0], b, [40.0]])
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi - lo <= 10 * REL_WIDTH * hi:
            continue
        xs = np.linspace(lo, hi, 2001)[1:-1]
        d2 = cost.d2f(xs, p)
        assert (d2 >= -1e-9).all() or (d2 <= 1e-9).all(), (lo, hi)


def test_a_decreasing_cost_is_detected():
    """f' < 0 proved on a box (here f' = -1 + 0.1 cos x < 0 everywhere) is reported where it
    starts; the solver then refuses the cost."""
    *_, dec = pieces("10 - x + 0.1*sin(x)", 10.0, n=(0.0, 10.0))
    assert dec == 0.0
    import powermodel as pm
    with pytest.raises(pm.InputError, match="non-decreasing"):
        pm.Model("x - 0.5*x**2").solve(N=1.0, P=1e3)


def test_boxes_where_f_prime_misses_every_target_are_not_split():
    """With f' in [1, 2] everywhere and targets n in [5, 6], no box needs splitting,
    however wiggly f'' is."""
    _, _, b, flagged, _ = pieces("1.5*x + 0.5*sin(x)/1", 1000.0, n=(5.0, 6.0))
    assert b.size == 0 and not flagged


def test_split_point_reaches_small_scales_quickly():
    a, b = np.array([0.0]), np.array([1e6])
    assert split_point(a, b)[0] == pytest.approx(1e-2)  # 1e-8 b
    assert split_point(np.array([1.0]), np.array([2.0]))[0] == 1.5


def test_parameter_ranges_enclose_every_parameter_value():
    """The interval passes with parameter ranges (lo, hi) enclose f, f', f'' for every
    parameter value in them: what lets one subdivision serve all points of a block."""
    from powermodel.expressions import compile_expression

    E = compile_expression("c*x**3 + b*x*atan(x) + abs(x - a)")
    ranges = {"c": (0.5, 2.0), "b": (0.5, 2.0), "a": (1.0, 3.0)}
    assert E.accepts_ranges(ranges)
    assert not compile_expression("c*x**k").accepts_ranges({"c": 1.0, "k": (1.0, 2.0)})
    # the costs pass it on: families and expressions take ranges, callables do not
    from powermodel.costs import CallableCost
    assert make_cost("power").accepts_ranges({"c": (1.0, 2.0), "k": 2.0})
    assert not CallableCost(lambda x, c: c * x).accepts_ranges({"c": (1.0, 2.0)})
    # a point exponent is fine, whatever else is a range
    assert compile_expression("c*x**k").accepts_ranges({"c": (1.0, 2.0), "k": 2.0})
    rng = np.random.default_rng(0)
    lo = rng.uniform(0, 5, 200)
    hi = lo + rng.uniform(0, 2, 200)
    enc = E.interval_derivatives(lo, hi, ranges)
    for _ in range(20):
        p = {k: rng.uniform(*v) for k, v in ranges.items()}
        x = lo + rng.uniform(0, 1, 200) * (hi - lo)
        f, d1, d2 = E.derivatives(x, p)
        near_kink = np.abs(x - p["a"]) < 1e-9  # (one-sided derivatives there)
        for v, (l, h) in zip((f, d1, d2), ((enc[0], enc[1]), (enc[2], enc[3]),
                                           (enc[4], enc[5]))):
            assert ((l <= v) & (v <= h) | near_kink).all()


def test_per_point_parameters_give_the_per_row_answer():
    """Pieces found once over the parameters' ranges give, at every point, the optimum
    that each point's own scalar solve gives."""
    import powermodel as pm

    rng = np.random.default_rng(3)
    c, b, N = rng.uniform(0.5, 2, 40), rng.uniform(0.5, 2, 40), 10 ** rng.uniform(0, 3, 40)
    m = pm.Model("c*x**3 + b*x*atan(x) + 0.5*abs(x - 2) + x")
    s = m.solve(N=N, P=1e4, c=c, b=b)
    for i in range(40):
        assert s.x[i] == pytest.approx(m.solve(N=N[i], P=1e4, c=c[i], b=b[i]).x, rel=1e-12)


def test_a_kink_is_found_on_a_domain_shorter_than_one():
    """[0, U] with U < 1 (a small budget): the kink of abs at 1/4 is still a breakpoint."""
    for U in (0.5, 1e-3 * 0.5):
        kink = U / 2
        _, _, b, flagged, dec = pieces(f"x + abs(x - {kink!r})", U, n=(0.5, 50.0))
        assert not flagged and np.isnan(dec)
        assert b.size and np.min(np.abs(b - kink)) <= 4e-16 * kink, (U, b)


def test_per_row_parameters_give_each_row_its_own_kink():
    """One row per point (an exponent that varies: no shared hull): each row's
    breakpoints hold that row's kink of abs(x - a), and no other row's (f' >= 1); a row
    whose kink is beyond U (a = 20) has none, and one whose targets n <= 50 are all below
    f' > 3*16 + 1 near its kink at 7 (x > 4) does not need it. Rows are sorted and NaN
    padded at the end."""
    cost = make_cost("x**k + 2*x + abs(x - a)")
    k = np.array([1.5, 2.0, 2.5, 3.0, 2.0, 3.0])
    a = np.array([1.0, 2.0, 3.0, 7.0, 20.0, 7.0])
    # (targets n up to 1e3: f' near each kink, at most 3*49 + 3, is inside their range)
    n_hi = np.array([1e3, 1e3, 1e3, 1e3, 1e3, 50.0])
    bps, flagged, dec = isolate(cost, {"k": k, "a": a}, 6, np.full(6, 10.0), np.full(6, 0.5),
                                n_hi)
    assert not flagged.any() and np.isnan(dec).all()
    for i in range(6):
        fin = np.isfinite(bps[i])
        assert not (fin[1:] & ~fin[:-1]).any(), bps[i]  # sorted, NaN padded at the end
        b = bps[i][fin]
        assert (np.diff(b) > 0).all()
        if i == 4:
            assert b.size == 0, b
            continue
        if i == 5:
            assert b.size and np.min(np.abs(b - 7.0)) > 1e-3, b
            continue
        assert np.min(np.abs(b - a[i])) <= 4e-16 * a[i], (i, b)
        others = a[a != a[i]]
        assert np.min(np.abs(b[:, None] - others[None, :])) > 1e-3, (i, b)


def test_a_switch_that_never_changes_sign_adds_no_breakpoint():
    """abs(x + 1) does not switch on [0, U]: adding it to a cubic (inflection at 2, which
    is split down to a sliver) leaves the breakpoints as they are: f' changes only by 1."""
    _, _, b0, fl0, _ = pieces("x**3 - 6*x**2 + 15*x + x", 10.0, n=(1.0, 1e3))
    _, _, b1, fl1, _ = pieces("x**3 - 6*x**2 + 15*x + abs(x + 1)", 10.0, n=(1.0, 1e3))
    assert not fl0 and not fl1
    assert np.min(np.abs(b1 - 2.0)) <= 2 * REL_WIDTH * 2  # (the sliver holding 2)
    np.testing.assert_array_equal(b0, b1)


def test_a_row_with_too_many_pieces_is_flagged_and_warned():
    """f = x + 0.5 sin(x) on [0, 1e5] with targets n in [0.5, 1.6]: f' = 1 + 0.5 cos(x) stays
    inside the targets' range and f'' changes sign every pi, some 32000 times: more than
    MAX_PIECES boxes, so the row is flagged and isolate says so (unless warn=False)."""
    from powermodel.errors import AccuracyWarning
    from powermodel.pieces import MAX_PIECES

    assert 1e5 / np.pi > MAX_PIECES
    cost = make_cost("x + 0.5*sin(x)")
    args = (cost, {}, 1, np.array([1e5]), np.array([0.5]), np.array([1.6]))
    with pytest.warns(AccuracyWarning, match="changes sign too often"):
        _, flagged, dec = isolate(*args)
    assert flagged[0] and np.isnan(dec[0])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isolate(*args, warn=False)[1][0]
