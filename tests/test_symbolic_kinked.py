"""Kinked costs (abs, min, max) in the symbolic engine: piece by piece, exact, or refused.

Every threshold is checked against the numeric solver (just below and just above it,
and on a dense grid of N for jumps nobody reported) and, where one exists, against a
hand computation. Costs are small so that SymPy stays fast.
"""

import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import sympy as sp

import powermodel as pm
from powermodel.cli import main

P_ = sp.Symbol("P", positive=True)
N_ = sp.Symbol("N", positive=True)


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def straddle(m, N, P, **kw):
    """The numeric solutions at N just below and just above a threshold N."""
    return m.solve(N=N * (1 - 1e-9), P=P, **kw), m.solve(N=N * (1 + 1e-9), P=P, **kw)


def numeric_jumps(m, P, lo, hi, step, **kw):
    """Where the numeric x*(N) leaps by more than ``step`` between neighbours of a dense grid."""
    N = np.geomspace(lo, hi, 20001)
    x = m.solve(N=N, P=P, **kw).x
    i = np.flatnonzero(np.diff(x) > step)
    return N[i], N[i + 1]


def check_against_solver(m, th, P, **kw):
    """Each threshold against the numeric solver just below and just above it: the regime,
    x* or the share changes there, and x* leaps exactly where a jump is reported."""
    jumps = {float(v) for k, v in th.items() if k.startswith("jump")}
    for name, v in th.items():
        v = float(v)
        if not np.isfinite(v) or v == 0:
            continue
        lo, hi = straddle(m, v, P, **kw)
        leap = hi.x - lo.x > 1e-6 * (1 + hi.x)
        assert leap == (v in jumps), (name, v, lo.x, hi.x)
        if name == "onset":
            assert lo.x == 0 < hi.x
        elif name in ("budget", "cap"):
            assert lo.regime != name and hi.regime == name
        elif name == "dominance":
            assert lo.learned_share < 0.5 <= hi.learned_share


# ---------------------------------------------------------------------------
# derive on the command line: max(x, 2x - 5)
# ---------------------------------------------------------------------------

def test_derive_of_max_exits_0_with_exact_pieces_and_statics():
    code, out, err = run(["derive", "max(x, 2*x - 5)"])
    assert code == 0 and err == ""
    assert "DiracDelta" not in out and "Heaviside" not in out
    assert "pieces       f(x) = Piecewise((x, x <= 5), (2*x - 5, True))" in out
    assert "kink         x = 5: f'(x-) = 1, f'(x+) = 2" in out
    assert "depends on the parameter values" not in out
    # by hand, f = x up to 5 and 2x - 5 beyond: x* = 0 for N <= 1, then min(5, P) up to
    # N = 2, then the budget (P + 5)/2; dx*/dP = 1 on the first piece's budget, 1/2 on the
    # second's, 0 at 0 and at the kink
    d = pm.Model("max(x, 2*x - 5)").symbolic.derive()
    dxdP = sp.lambdify([N_, P_], d.statics.x["P"])
    for N, P, want in [(0.5, 100, 0), (1.5, 3, 1), (1.5, 100, 0), (3.0, 100, 0.5), (3.0, 4, 1)]:
        assert dxdP(N, P) == want, (N, P)
    x = sp.lambdify([N_, P_], d.optimum)
    for N, P, want in [(0.5, 100, 0), (1.5, 3, 3), (1.5, 100, 5), (3.0, 100, 52.5)]:
        assert x(N, P) == want
    assert d.convexity == "kinked-convex" and d.kinks == ((5, 1, 2),)


def test_derive_text_and_latex_of_kinked_costs_have_no_dirac_delta():
    for cost in ("abs(x - 5) + 2*x", "min(2*x, x + 5)"):
        d = pm.Model(cost).symbolic.derive()
        text, tex = d.text(), d.latex()
        for bad in ("DiracDelta", "Heaviside", "sign("):
            assert bad not in text and bad not in tex
        assert d.optimum is not None and d.thresholds is not None


# ---------------------------------------------------------------------------
# The example: convex pieces, a convex kink, no jump
# ---------------------------------------------------------------------------

def test_thresholds_of_max_plus_quadratic_are_exact_without_a_jump():
    m = pm.Model("max(x, 2*x - 5) + 0.01*x**2")
    th = m.symbolic.thresholds(P=1e4)
    assert th["onset"] == 1 and isinstance(th["onset"], sp.Integer)   # f'(0) = 1, exactly
    # budget on the second piece: 2x - 5 + x^2/100 = 10^4 -> x = 10 sqrt(10105) - 100,
    # N = f'(x) = 2 + x/50 = sqrt(10105)/5
    assert sp.simplify(th["budget"] - sp.sqrt(10105) / 5) == 0
    assert "jump" not in th
    check_against_solver(m, th, 1e4)
    # x* is continuous: the numeric solver never leaps on a dense grid (slope 1/f'' = 50)
    assert numeric_jumps(m, 1e4, 0.5, 30.0, 1.0)[0].size == 0
    # it sits at the kink x = 5 for 1.1 < N <= 2.1 (f'(5-) = 1.1, f'(5+) = 2.1)
    assert m.solve(N=[1.2, 2.0], P=1e4).x == pytest.approx([5.0, 5.0], rel=1e-12)
    x = m.symbolic.lambdify(m.symbolic.optimum(P=1e4))
    N = np.geomspace(0.5, 30, 301)
    assert np.allclose(x(N=N), m.solve(N=N, P=1e4).x, rtol=1e-12, atol=1e-12)


def test_thresholds_with_a_cap_and_the_extensions_agree_with_the_solver():
    m = pm.Model("max(x, 2*x - 5) + 0.01*x**2")
    th = m.symbolic.thresholds(P=1e4, x_cap=30.0)
    assert th["cap"] == sp.Rational(13, 5) and th["budget"] == sp.oo   # f'(30) = 2 + 30/50
    check_against_solver(m, th, 1e4, x_cap=30.0)
    kw = dict(overlap=0.01, runtime_penalty=0.2)
    th = m.symbolic.thresholds(P=1e4, **kw)
    # n = N (1 - lam)/(1 + rho (N - 1)) reaches f'(0) = 1 at N = 0.99/0.79
    assert th["onset"] == sp.Rational(99, 79)
    check_against_solver(m, th, 1e4, **kw)


# ---------------------------------------------------------------------------
# abs and min
# ---------------------------------------------------------------------------

def test_abs_with_linear_pieces_jumps_across_each_piece():
    # f = 5 + x up to 5, 3x - 5 beyond: x* = 0 for N <= 1, leaps to 5, stays there up to
    # N = 3, then leaps to the budget (P + 5)/3 (P = 100: 35)
    m = pm.Model("abs(x - 5) + 2*x")
    th = m.symbolic.thresholds(P=100.0)
    assert (th["onset"], th["jump"], th["jump_2"], th["budget"]) == (1, 1, 3, 3)
    check_against_solver(m, th, 100.0)
    lo, hi = straddle(m, 3.0, 100.0)
    assert (lo.x, hi.x) == pytest.approx((5.0, 35.0), rel=1e-12)
    a, b = numeric_jumps(m, 100.0, 0.1, 100.0, 1.0)
    assert a.size == 2 and np.all((a <= [1, 3]) & ([1, 3] <= b))
    # with P symbolic: the second jump happens only when the budget reaches past the kink
    th = m.symbolic.thresholds()
    assert th["jump_2"] == sp.Piecewise((3, P_ > 10), (sp.oo, True))
    assert th["budget"] == sp.Piecewise((1, P_ <= 10), (3, True))


@pytest.mark.parametrize("P", [8.0, 30.0])
def test_concave_min_jumps_from_zero_to_the_budget(P):
    # concave pieces and kink: x* is 0 or U; U = P/2 (P <= 10) or P - 5, and x* leaps
    # to it at N = (f(U) - f(0))/U
    m = pm.Model("min(2*x, x + 5)")
    th = m.symbolic.thresholds()
    assert th["jump"] == sp.Piecewise((2, P_ <= 10), (P_ / (P_ - 5), True))
    thP = m.symbolic.thresholds(P=P)
    want = 2 if P <= 10 else sp.Rational(int(P), int(P) - 5)
    assert thP["jump"] == thP["onset"] == thP["budget"] == want
    check_against_solver(m, thP, P)
    lo, hi = straddle(m, float(want), P)
    assert lo.x == 0 and hi.x == pytest.approx(P / 2 if P <= 10 else P - 5, rel=1e-12)


def test_a_concave_kink_between_convex_pieces_gives_a_real_jump():
    # f = 2x + x^2/100 up to 5, x + 5 + x^2/100 beyond: f' falls from 2.1 to 1.1 at the
    # kink. x* leaps from 0 to the second piece where the tangent from (0, f(0)) touches
    # it: f(x) = x f'(x) -> 5 = x^2/100 -> x = 10 sqrt(5), at N = f'(x) = 1 + sqrt(5)/5
    m = pm.Model("min(2*x, x + 5) + 0.01*x**2")
    th = m.symbolic.thresholds(P=1e4)
    assert th["jump"] == th["onset"] == 1 + sp.sqrt(5) / 5
    assert "jump_2" not in th
    check_against_solver(m, th, 1e4)
    lo, hi = straddle(m, float(th["jump"]), 1e4)
    assert lo.x == 0 and hi.x == pytest.approx(10 * np.sqrt(5), rel=1e-7)
    # brute force: the only leap of the numeric x* on a dense grid brackets it
    a, b = numeric_jumps(m, 1e4, 0.5, 30.0, 5.0)
    assert a.size == 1 and a[0] <= float(th["jump"]) <= b[0]
    x = m.symbolic.lambdify(m.symbolic.optimum(P=1e4))
    N = np.geomspace(0.5, 30, 301)
    assert np.allclose(x(N=N), m.solve(N=N, P=1e4).x, rtol=1e-12, atol=1e-12)
    # without P (or a value of every parameter) the jump is not derived: a clear refusal
    with pytest.raises(pm.UnsolvableError, match=r"give every cost parameter a numeric value "
                                                 r"and P \(thresholds\(P=\.\.\.\)\)"):
        m.symbolic.thresholds()


def test_nested_kinks_split_into_pieces():
    # max(x, min(x^2, x^3)) is x up to 1 and x^2 beyond: x* = 0 (N <= 1), 1 (1 < N <= 2),
    # N/2 up to the budget sqrt(P)
    sm = pm.Model("max(x, min(x**2, x**3))").symbolic
    d = sm.derive()
    assert d.pieces == sp.Piecewise((sm.symbols["x"], sm.symbols["x"] <= 1),
                                    (sm.symbols["x"] ** 2, True))
    x = sp.lambdify([N_, P_], d.optimum)
    for N, want in [(0.5, 0), (1.5, 1), (2.0, 1), (4.0, 2), (30.0, 10)]:
        assert x(N, 100) == want
    assert d.thresholds["budget"] == sp.Piecewise((1, P_ <= 1), (2 * sp.sqrt(P_), True))


# ---------------------------------------------------------------------------
# Symbolic parameters, statics, elasticities
# ---------------------------------------------------------------------------

def test_symbolic_parameters_where_the_order_of_the_pieces_is_decided():
    # the kink x = a lies inside x > 0 for every a > 0, and is convex (f' jumps by 1)
    m = pm.Model("max(x, 2*x - a) + 0.01*x**2")
    sm = m.symbolic
    th = sm.thresholds()
    assert th["onset"] == 1 and "jump" not in th
    a = sm.symbols["a"]
    # budget on the second piece: 2x - a + x^2/100 = P -> f'(x) = sqrt(P + a + 100)/5
    assert sp.simplify(th["budget"].args[-1][0] - sp.sqrt(P_ + a + 100) / 5) == 0
    for P in (20.0, 1e3):
        th5 = {k: v.subs({a: 5, P_: sp.Float(P)}) for k, v in th.items()}
        check_against_solver(pm.Model("max(x, 2*x - a) + 0.01*x**2", a=5.0), th5, P)
    st = sm.statics()
    dx = {k: sm.lambdify(v) for k, v in st.x.items()}
    dg = {k: sm.lambdify(v) for k, v in st.value.items()}
    # against central differences of the numeric solver: interior on each piece, at the
    # kink, at the budget on each piece
    base = dict(N=np.array([1.05, 1.5, 5.0, 30.0, 1.5]), P=np.array([1e3, 1e3, 1e3, 1e3, 3.0]),
                a=5.0)
    for name in ("N", "P", "a"):
        h = 1e-6 * base[name]
        up, dn = dict(base), dict(base)
        up[name] = base[name] + h
        dn[name] = base[name] - h
        su, sd = m.solve(**up), m.solve(**dn)
        assert dx[name](**base) == pytest.approx((su.x - sd.x) / (2 * h), rel=1e-5, abs=1e-5)
        assert dg[name](**base) == pytest.approx((su.value - sd.value) / (2 * h), rel=1e-5,
                                                 abs=1e-5)


def test_elasticities_at_a_kink_move_with_the_kink():
    # at N = 1.5 x* sits at the kink x = a/c: elasticity -1 in c, 1 in a, 0 in N
    e = pm.Model("max(c*x, 2*c*x - a) + b*x**2", c=1.0, a=5.0, b=0.01).symbolic \
        .elasticity_values(N=1.5, P=1e3)
    assert e["x"]["c"] == pytest.approx(-1.0, rel=1e-12)
    assert e["x"]["a"] == pytest.approx(1.0, rel=1e-12)
    assert e["x"]["N"] == 0.0


# ---------------------------------------------------------------------------
# Refusals: clear, exit 2 on the command line, never nonsense with exit 0
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cost, needle", [
    ("3*x + abs(x - a) + abs(x - b)", "depends on the parameter values"),   # kink order
    ("max(x, x*exp(x) - 3)", "cannot find every x where"),                    # unsolvable kink
])
def test_costs_the_engine_cannot_split_are_refused(cost, needle):
    with pytest.raises(pm.UnsolvableError, match=needle):
        pm.Model(cost).symbolic.derive()
    with pytest.raises(pm.UnsolvableError, match=needle):
        pm.Model(cost).symbolic.thresholds()
    code, out, err = run(["derive", cost])
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith("error: the kinked cost") and needle in line
    assert "Model.solve" not in line and "powermodel solve" in line


def test_a_decreasing_kinked_cost_and_a_budget_below_f0_are_input_errors():
    with pytest.raises(pm.InputError, match="f decreases near x = 0"):
        pm.Model("abs(x - 3) + 0.5*x").symbolic.optimum()
    with pytest.raises(pm.InputError, match=r"`P` must be at least f\(0\) = 5, got 2"):
        pm.Model("abs(x - 5) + 2*x").symbolic.thresholds(P=2.0)
    code, _, err = run(["derive", "abs(x - 3) + 0.5*x"])
    assert code == 2 and "f decreases near x = 0" in err


def test_cli_derive_of_a_jumping_kinked_cost_needs_P():
    code, out, _ = run(["derive", "min(2*x, x + 5) + 0.01*x**2"])
    assert code == 0 and "DiracDelta" not in out
    notes = [ln for ln in out.splitlines() if ln.startswith("note:")]
    assert notes and all("--P VALUE" in ln for ln in notes)
    code, out, _ = run(["derive", "min(2*x, x + 5) + 0.01*x**2", "--P", "1e4"])
    assert code == 0
    assert "  jump       sqrt(5)/5 + 1" in out and "  onset      sqrt(5)/5 + 1" in out
