"""The expression engine: compiled f, f', f'' and their interval enclosures.

Independent answers: closed-form derivatives written by hand, NumPy evaluated
directly, limits at 0, and (for the enclosures) the point values themselves
at many points of every box.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from powermodel.errors import ExpressionError, InputError
from powermodel.expressions import FUNCTIONS, compile_expression

# ---------------------------------------------------------------------------
# Point values and exact derivatives against hand-written closed forms
# ---------------------------------------------------------------------------

X = np.concatenate([[0.0, 1e-300, 1e-8, 0.5, 1.0], np.linspace(0.1, 7.3, 23), [50.0, 1e5]])

# text, f, f', f''  (as functions of x and the parameters c = 1.3, a = 0.7)
CLOSED = [
    ("c*x**3 + a*x", lambda x: 1.3 * x**3 + 0.7 * x, lambda x: 3.9 * x**2 + 0.7,
     lambda x: 7.8 * x),
    ("exp(a*x) - 1", lambda x: np.exp(0.7 * x) - 1, lambda x: 0.7 * np.exp(0.7 * x),
     lambda x: 0.49 * np.exp(0.7 * x)),
    ("c*expm1(a*x)", lambda x: 1.3 * np.expm1(0.7 * x), lambda x: 0.91 * np.exp(0.7 * x),
     lambda x: 0.637 * np.exp(0.7 * x)),
    ("log(1 + x)*x", lambda x: np.log(1 + x) * x, lambda x: np.log(1 + x) + x / (1 + x),
     lambda x: 1 / (1 + x) + 1 / (1 + x) ** 2),
    ("log1p(x**2)", lambda x: np.log1p(x**2), lambda x: 2 * x / (1 + x**2),
     lambda x: (2 - 2 * x**2) / (1 + x**2) ** 2),
    ("sqrt(x + 1)*c", lambda x: 1.3 * np.sqrt(x + 1), lambda x: 0.65 / np.sqrt(x + 1),
     lambda x: -0.325 * (x + 1) ** -1.5),
    ("x/(x + c)", lambda x: x / (x + 1.3), lambda x: 1.3 / (x + 1.3) ** 2,
     lambda x: -2.6 / (x + 1.3) ** 3),
    ("(x + 1)**a", lambda x: (x + 1) ** 0.7, lambda x: 0.7 * (x + 1) ** -0.3,
     lambda x: -0.21 * (x + 1) ** -1.3),
    ("2**x", lambda x: 2.0**x, lambda x: math.log(2) * 2.0**x,
     lambda x: math.log(2) ** 2 * 2.0**x),
    ("(x + 1)**(a*x)", lambda x: (x + 1) ** (0.7 * x),
     lambda x: (x + 1) ** (0.7 * x) * (0.7 * np.log(x + 1) + 0.7 * x / (x + 1)),
     lambda x: (x + 1) ** (0.7 * x) * ((0.7 * np.log(x + 1) + 0.7 * x / (x + 1)) ** 2
                                       + 0.7 / (x + 1) + 0.7 / (x + 1) ** 2)),
    ("-x**2 + c*abs(x - 2)", lambda x: -x**2 + 1.3 * np.abs(x - 2),
     lambda x: -2 * x + 1.3 * np.sign(x - 2), lambda x: -2 + 0 * x),
    ("min(x, 3) + max(x**2, 2*x)", lambda x: np.minimum(x, 3) + np.maximum(x**2, 2 * x),
     lambda x: (x <= 3) + np.where(x**2 >= 2 * x, 2 * x, 2.0),
     lambda x: np.where(x**2 >= 2 * x, 2.0, 0.0)),
    # x' = 1 negated and doubled: -1.0 and 2.0 reach the arithmetic as Python floats
    ("exp(-x) + sin(x + x)", lambda x: np.exp(-x) + np.sin(2 * x),
     lambda x: -np.exp(-x) + 2 * np.cos(2 * x), lambda x: np.exp(-x) - 4 * np.sin(2 * x)),
    ("x**4.5 - x**3", lambda x: x**4.5 - x**3, lambda x: 4.5 * x**3.5 - 3 * x**2,
     lambda x: 15.75 * x**2.5 - 6 * x),
    # abs of a curved argument: f'' = sign(u) u'' (0 at the kink x = 1, as abs'(0) = 0)
    ("abs(1 - x**3)", lambda x: np.abs(1 - x**3), lambda x: -3 * x**2 * np.sign(1 - x**3),
     lambda x: -6 * x * np.sign(1 - x**3)),
]


@pytest.mark.parametrize("text, f, df, d2f", CLOSED, ids=[c[0] for c in CLOSED])
def test_values_and_derivatives_match_closed_forms(text, f, df, d2f):
    E = compile_expression(text)
    p = {"c": np.float64(1.3), "a": np.float64(0.7)}
    p = {k: v for k, v in p.items() if k in E.names}
    v, d1, d2 = E.derivatives(X, p)
    with np.errstate(all="ignore"):
        # (1e-10: forward mode cancels where the closed form does not, e.g. the
        # quotient rule 1/(x + c) - x/(x + c)**2 at x = 1e5)
        for got, want in ((v, f(X)), (d1, df(X)), (d2, d2f(X))):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300)
    np.testing.assert_array_equal(E.f(X, p), v)
    np.testing.assert_array_equal(E.df(X, p), d1)
    np.testing.assert_array_equal(E.d2f(X, p), d2)


@pytest.mark.parametrize("text", [c[0] for c in CLOSED] + [
    "c*x**3 + a*x*atan(x)", "x**a*exp(c*x) + sqrt(x)*log1p(x)", "x**6.5/(1 + x) + cbrt(x)"])
@pytest.mark.parametrize("per_point", [False, True])
def test_first_order_pass_gives_the_same_values_and_slopes(text, per_point):
    # derivatives(order=1) (used by the budget's Newton and the piece ends) skips f'' but
    # computes f and f' by the very same operations as the full pass: bit for bit equal,
    # with scalar parameters (x**k by v/u) and per-point ones, at 0, subnormals and inf
    E = compile_expression(text)
    rng = np.random.default_rng(3)
    x = np.concatenate([[0.0, 5e-324, 1e-300, 1e300, np.inf], X, 10 ** rng.uniform(-9, 9, 300)])
    p = {k: (rng.uniform(0.5, 2.0, x.size) if per_point else np.float64(v))
         for k, v in (("c", 1.3), ("a", 0.7)) if k in E.names}
    v2, d2, _ = E.derivatives(x, p)
    v1, d1 = E.derivatives(x, p, order=1)
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(d1, d2)


@pytest.mark.parametrize("text", [
    "c*x**3 + a*x*atan(x)", "x**4 - x**3 + exp(x) + log1p(x)", "x**a + x**2.5*c + sqrt(x)",
    "tanh(x) + asinh(x)*c + x**(-3) + (x - 2)**6"])
def test_point_box_enclosure_is_the_same_computed_once(text):
    # the interval pass on point boxes [x, x] given as one array (the plain path's check
    # of f(x*)) computes each monotone function and power once instead of at both ends:
    # the enclosures are the same bit for bit as with two equal arrays, and hold f(x)
    E = compile_expression(text)
    rng = np.random.default_rng(5)
    x = np.concatenate([[0.0, 5e-324, 1e-300, 1.0, 1e300, np.inf], 10 ** rng.uniform(-6, 6, 500)])
    p = {k: np.float64(v) for k, v in (("c", 1.3), ("a", 0.7)) if k in E.names}
    once = E.interval(x, x, p)
    twice = E.interval(x, x.copy(), p)
    np.testing.assert_array_equal(once[0], twice[0])
    np.testing.assert_array_equal(once[1], twice[1])
    with np.errstate(all="ignore"):
        v = E.f(x, p)
    ok = ~np.isnan(v)
    assert np.all((once[0][ok] <= v[ok]) & (v[ok] <= once[1][ok]))


@pytest.mark.parametrize("k", [1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("literal", [True, False])
def test_powers_at_zero_and_tiny_x(k, literal):
    # f = c x^k: f'(0) = c for k = 1, else 0; f''(0) = +inf (1 < k < 2), 2c (k = 2), 0 (k = 1, 3)
    text = f"c*x**{k!r}" if literal else "c*x**k"
    E = compile_expression(text)
    c = 2.5
    p = {"c": np.float64(c)} if literal else {"c": np.float64(c), "k": np.float64(k)}
    x = np.array([0.0, 1e-300, 1e-200, 1e-20])
    v, d1, d2 = E.derivatives(x, p)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(v, c * x**k, rtol=1e-14, atol=0)
        np.testing.assert_allclose(d1[1:], c * k * x[1:] ** (k - 1), rtol=1e-14)
        np.testing.assert_allclose(d2[1:], c * k * (k - 1) * x[1:] ** (k - 2), rtol=1e-14)
    assert d1[0] == (c if k == 1 else 0.0)
    assert d2[0] == {1.0: 0.0, 1.5: math.inf, 2.0: 2 * c, 3.0: 0.0}[k]


@pytest.mark.parametrize("k", [-2.5, -1.0, 0.5, 1.0, 1.2, 1.9, 2.5, 3.7, 6.0, 40.0, 350.0,
                               math.inf, -math.inf])
def test_power_derivatives_at_every_magnitude(k):
    # x**k with one scalar k (a sweep): f' = k x^(k-1) and f'' = k (k-1) x^(k-2) to 4 ulps,
    # and the same zeros, infinities and NaNs as NumPy's power, from 0 and subnormals
    # through overflow of x**k (where x**(k-1) is still finite) to inf, NaN and x < 0
    E = compile_expression("x**k")
    x = np.concatenate([[0.0, 5e-324, 1e-310, 2.3e-308, 1e-160, 1e-5, 0.7, 1.0, 3.0, 1e5,
                         1e150, 1e300, 1.7e308, np.inf, np.nan, -2.0, -1.0, -0.0],
                        np.geomspace(1e-300, 1e300, 200)])
    v, d1, d2 = E.derivatives(x, {"k": np.float64(k)})
    with np.errstate(all="ignore"):
        e1 = k * np.power(x, k - 1)
        e2 = k * (k - 1) * np.power(x, k - 2) if k != 1 else np.zeros_like(x)  # (0, not 0 * inf)
    e1[np.isnan(x)] = e2[np.isnan(x)] = np.nan  # (where NumPy says nan ** 0 = 1)
    for got, want in ((d1, e1), (d2, e2)):
        fin = np.isfinite(want) & (np.abs(want) >= np.finfo(float).tiny)
        np.testing.assert_allclose(got[fin], want[fin], rtol=4 * np.finfo(float).eps, atol=0)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(got[~fin & ~np.isnan(want)], want[~fin & ~np.isnan(want)])


def test_small_integer_powers_have_exact_derivatives():
    # x**2: f' = 2x and f'' = 2 are floats, returned exactly; x**3: f'' = 6x correctly
    # rounded (one IEEE product), not the few-ulp quotients of the general power rule
    x = np.concatenate([np.random.default_rng(3).uniform(0, 10, 2000),
                        np.geomspace(1e-150, 1e150, 500)])
    _, d1, d2 = compile_expression("x**2").derivatives(x, {})
    np.testing.assert_array_equal(d1, 2 * x)
    np.testing.assert_array_equal(d2, np.full_like(x, 2.0))
    d2 = compile_expression("x**3").derivatives(x, {})[2]
    np.testing.assert_array_equal(d2, 6 * x)


def test_powers_of_one_base_are_merged_as_sympy_does():
    # c*x**k/x**2 = c*x**(k - 2) and x*sqrt(x) = x**1.5: no 0 * inf at x = 0
    E = compile_expression("c*x**k/x**2")
    v, d1, d2 = E.derivatives(np.array([0.0, 1e-300, 4.0]), {"c": 2.0, "k": 3.0})
    assert v.tolist() == [0.0, 2e-300, 8.0] and d1.tolist() == [2.0, 2.0, 2.0]
    assert d2.tolist() == [0.0, 0.0, 0.0]
    v, d1, d2 = compile_expression("x*sqrt(x)").derivatives(np.array([0.0, 4.0]), {})
    assert v.tolist() == [0.0, 8.0] and d1.tolist() == [0.0, 3.0]
    assert d2.tolist() == [math.inf, 0.375]
    assert compile_expression("x*x").interval(-1.0, 1.0, {})[0] <= 0.0  # a square: >= 0
    assert compile_expression("x*x").interval(-1.0, 1.0, {})[0] > -1e-300


def test_parameter_exponent_per_point():
    E = compile_expression("x**k")
    k = np.array([1.0, 2.0, 0.0, 3.0])
    v, d1, d2 = E.derivatives(np.zeros(4), {"k": k})
    assert v.tolist() == [0.0, 0.0, 1.0, 0.0]          # 0**0 = 1
    assert d1.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert d2.tolist() == [0.0, 2.0, 0.0, 0.0]


def test_numpy_semantics_nan_inf_and_broadcasting():
    E = compile_expression("log(x - a) + exp(x)")
    x = np.array([0.0, 2.0, 800.0])
    v = E.f(x, {"a": np.float64(1.0)})
    assert math.isnan(v[0]) and v[1] == pytest.approx(math.exp(2)) and v[2] == math.inf
    # no derivative where f is not defined
    _, d1, d2 = E.derivatives(x, {"a": np.float64(1.0)})
    assert math.isnan(d1[0]) and math.isnan(d2[0])
    # results take the broadcast shape of x and the parameters
    a = np.array([[0.0], [1.0]])
    assert E.f(np.array([2.0, 3.0, 4.0]), {"a": a}).shape == (2, 3)
    assert E.f(np.float64(2.0), {"a": np.float64(1.0)}).shape == ()
    # ... of every value in p, used or not (the solver passes them all)
    assert E.derivatives(2.0, {"a": 1.0, "N": np.ones(5)})[2].shape == (5,)
    assert E.interval_derivatives(2.0, 3.0, {"a": 1.0, "N": np.ones(4)})[5].shape == (4,)
    assert compile_expression("cbrt(x - 9)").f(1.0, {}) == -2.0  # the real cube root
    assert math.isnan(compile_expression("x**0.5").f(-1.0, {}))


def test_names_parameters_and_errors():
    E = compile_expression("c*x**k + b*N")
    assert E.names == ("c", "x", "k", "b", "N")
    assert E.parameters == ("c", "k", "b") and E.depends_on_N
    assert not compile_expression("x**2").depends_on_N
    with pytest.raises(InputError, match="`k`"):
        E.f(1.0, {"c": 1.0, "b": 1.0, "N": 1.0})
    with pytest.raises(ExpressionError):
        compile_expression("x + os.system")
    assert compile_expression("c*x**k + b*N") is E  # cached


def test_switches_are_the_kinks():
    E = compile_expression("abs(x - 2) + min(x, 2*x - 1) + max(c, x**2) + abs(c - 1)*x")
    assert E.nonsmooth
    assert [s.text for s in E.switches] == ["x - 2", "(x) - (2*x - 1)", "(c) - (x**2)"]
    x = np.array([2.0, 1.0, 3.0 ** 0.5])
    p = {"c": np.float64(3.0)}
    zeros = [s.f(x, p) for s in E.switches]
    assert zeros[0][0] == 0 and zeros[1][1] == 0 and abs(zeros[2][2]) < 1e-15
    # a switch has the same API
    s = E.switches[2]
    assert s.parameters == ("c",)
    assert s.derivatives(np.array([1.0]), p)[1].tolist() == [-2.0]
    smooth = compile_expression("x**2 + abs(c)")
    assert smooth.switches == () and not smooth.nonsmooth


# ---------------------------------------------------------------------------
# Interval enclosures
# ---------------------------------------------------------------------------

def assert_encloses(E, xlo, xhi, p, points=9, rng=None):
    """Every defined point value of f, f', f'' in each box lies in its enclosure."""
    rng = rng or np.random.default_rng(0)
    enc = E.interval_derivatives(xlo, xhi, p)
    f_only = E.interval(xlo, xhi, p)
    for bound in (*enc, *f_only):
        assert not np.any(np.isnan(bound))
    np.testing.assert_array_equal(f_only[0], enc[0])
    np.testing.assert_array_equal(f_only[1], enc[1])
    n = np.broadcast(xlo, xhi).shape
    fractions = [np.zeros(n), np.ones(n), np.full(n, 0.5)] + [rng.random(n) for _ in range(points)]
    for t in fractions:
        x = np.minimum(xlo + t * (xhi - xlo), xhi)
        for j, v in enumerate(E.derivatives(x, p)):
            lo, hi = enc[2 * j], enc[2 * j + 1]
            bad = ~np.isnan(v) & ~((lo <= v) & (v <= hi))
            assert not np.any(bad), (E.text, j, np.asarray(x)[bad][:3], v[bad][:3],
                                     lo[bad][:3], hi[bad][:3])


STAGE1 = ["exp", "log", "log1p", "expm1", "sqrt", "abs"]
FUNCS1 = sorted(f for f in FUNCTIONS if FUNCTIONS[f] == 1)
LEAF = st.sampled_from(["x", "x", "x", "c", "k", "2", "0.5", "3", "1e-3", "pi", "1e3"])


def _grammar(funcs):
    def combine(children):
        binop = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})")
        call1 = st.tuples(st.sampled_from(funcs), children).map(lambda t: f"{t[0]}({t[1]})")
        call2 = st.tuples(st.sampled_from(["min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})")
        return st.one_of(binop, children.map(lambda c: f"-{c}"), call1, call2)
    return st.recursive(LEAF, combine, max_leaves=10)


def _check_random_expression(text, seed):
    """Every point value of a grammar-drawn expression lies in its enclosures (expressions
    the parser refuses are skipped: the grammar can draw them)."""
    try:
        E = compile_expression(text)
    except ExpressionError:
        return
    xlo, xhi, p, rng = _boxes(seed)
    assert_encloses(E, xlo, xhi, {n: p[n] for n in E.names if n in p}, rng=rng)


def _boxes(seed, n=64):
    rng = np.random.default_rng(seed)
    lo = np.where(rng.random(n) < 0.5, rng.uniform(-4, 6, n),
                  rng.lognormal(0, 5, n) * rng.choice([-1, 1], n))
    lo[:6] = [0.0, 0.0, 1.0, -1.0, 0.0, 2.0]
    width = np.choose(rng.integers(0, 4, n), [np.zeros(n), rng.uniform(0, 1e-6, n),
                                               rng.uniform(0, 3, n), rng.lognormal(2, 6, n)])
    width[:6] = [0.0, 1e300, 0.0, 2.0, 1e-300, 1e-9]
    p = {"c": rng.choice([0.5, 2.0, -1.0, 3.0, 1.0, 0.0, 1e-310, -1e300], n),
         "k": rng.choice([1.0, 1.5, 2.0, 3.0, -1.0, 0.0, -2.0, 2.0000000001], n)}
    return lo, lo + width, p, rng


@given(_grammar(STAGE1), st.integers(0, 2**32 - 1))
@example("x**k*c", 0)
@example("abs(x - 1)*c + min(x**2, 2 - x)", 1)
@example("c*x**1.5 + sqrt(x)*x", 2)
@example("log(x - 1) + 1/(x - 2)", 3)
@example("exp(x**2)*(x - 1000)", 4)
def test_enclosures_contain_every_point_value_stage1(text, seed):
    _check_random_expression(text, seed)


def test_kink_boxes_enclose_one_sided_derivatives():
    E = compile_expression("abs(x - 1) + max(x, 3 - x)")
    flo, fhi, dlo, dhi, d2lo, d2hi = E.interval_derivatives(np.array([0.5, 1.4]),
                                                            np.array([1.2, 1.6]), {})
    # box 1 holds the abs kink at 1: f' in {-1 - 1, 1 - 1, 0 - 1} -> [-2, 0]; f'' unbounded
    assert dlo[0] <= -2 and dhi[0] >= 0 and d2lo[0] == -math.inf and d2hi[0] == math.inf
    # box 2 holds the max kink at 1.5: f' in {1 - 1, 1 + 1}
    assert dlo[1] <= 0 and dhi[1] >= 2 and d2lo[1] == -math.inf and d2hi[1] == math.inf
    smooth = compile_expression("abs(x - 1)").interval_derivatives(2.0, 3.0, {})
    assert smooth[2:] == (1.0, 1.0, 0.0, 0.0)


def test_abs_encloses_on_either_side_of_its_kink_and_across_it():
    # u = 1 - x**3 has u' = -3x**2 and u'' = -6x, neither constant: on [0.1, 0.5]
    # (u > 0), [2, 3] (u < 0) and [0.5, 1.5] (the kink at 1, |u'| largest at 1.5)
    E = compile_expression("abs(1 - x**3)")
    assert_encloses(E, np.array([0.1, 2.0, 0.5]), np.array([0.5, 3.0, 1.5]), {})


def test_min_max_enclosures_at_ties_and_on_constant_branches():
    # min(x, 1) is x on [0, 1] (the tie at 1 goes to x, as in the point pass) and 1 on
    # [2, 3]: f' and f'' there are exact numbers, 1 and 0, or 0 and 0
    mn, mx = compile_expression("min(x, 1)"), compile_expression("max(x, 1)")
    assert mn.interval_derivatives(0.0, 1.0, {})[2:] == (1.0, 1.0, 0.0, 0.0)
    assert mx.interval_derivatives(1.0, 2.0, {})[2:] == (1.0, 1.0, 0.0, 0.0)
    assert mn.interval_derivatives(2.0, 3.0, {})[2:] == (0.0, 0.0, 0.0, 0.0)
    assert mx.interval_derivatives(-1.0, 0.0, {})[2:] == (0.0, 0.0, 0.0, 0.0)
    # on [1, 2] (min) and [0, 1] (max) the point pass's f'(1) = 1 (the tie) is enclosed
    assert_encloses(mn, np.array([1.0]), np.array([2.0]), {})
    assert_encloses(mx, np.array([0.0]), np.array([1.0]), {})
    # a min of parameters only (c a range) is constant in x: x*min(c, 2) has f'' = 0
    enc = compile_expression("x*min(c, 2)").interval_derivatives(1.0, 2.0, {"c": (1.0, 3.0)})
    assert enc[2] <= 1.0 and enc[3] >= 2.0 and enc[4:] == (0.0, 0.0)


def test_degenerate_and_huge_boxes():
    E = compile_expression("c*x**2 + exp(-x)")
    lo, hi = E.interval(np.array([2.0, 0.0]), np.array([2.0, 1e300]), {"c": np.float64(1.0)})
    want = 4 + math.exp(-2)
    assert lo[0] < want < hi[0] and (hi[0] - lo[0]) < 1e-13  # a few dozen ulps
    assert lo[1] <= 1.0 and hi[1] == math.inf
    # outside the domain everywhere: the whole line, never NaN
    assert compile_expression("log(x - 10)").interval(0.0, 1.0, {}) == (-math.inf, math.inf)


def test_interval_is_outward_rounded():
    # 0.1*x on [3, 3]: the exact product of the float 0.1 and 3, and its rounding, are inside
    from fractions import Fraction

    lo, hi = compile_expression("0.1*x").interval(3.0, 3.0, {})
    assert Fraction(float(lo)) < Fraction(0.1) * 3 < Fraction(0.1 * 3) < Fraction(float(hi))
    lo, hi = compile_expression("exp(x)").interval(1.0, 1.0, {})
    assert lo < math.e < hi and np.nextafter(lo, 3) < math.e


def test_division_by_an_interval_containing_zero():
    lo, hi = compile_expression("1/(x - 1)").interval(0.0, 2.0, {})
    assert (lo, hi) == (-math.inf, math.inf)


# ---------------------------------------------------------------------------
# Compile cost and imports
# ---------------------------------------------------------------------------

def test_long_and_nested_expressions_compile_without_recursion():
    long_sum = " + ".join(f"{i}*x**{i % 5}" for i in range(1, 160))[:1990].rsplit(" + ", 1)[0]
    E = compile_expression(long_sum)
    x = np.array([0.5, 2.0])
    want = sum(i * x ** (i % 5) for i in range(1, long_sum.count("+") + 2))
    np.testing.assert_allclose(E.f(x, {}), want, rtol=1e-13)
    nested = "x"
    for f in ["log1p", "atan", "tanh", "sin"] * 3:
        nested = f"{f}({nested})"
    v, d1, _ = compile_expression(nested).derivatives(np.array([0.0, 0.3]), {})
    assert v[0] == 0.0 and d1[0] == 1.0  # every function is x + O(x^2) at 0


def test_compiling_imports_no_sympy():
    code = ("import sys, numpy as np\n"
            "from powermodel.expressions import compile_expression\n"
            "E = compile_expression('c*x**k + b*x*atan(x) + erf(x)')\n"
            "E.interval_derivatives(0.0, 1.0, {'c': 1.0, 'k': 2.0, 'b': 1.0})\n"
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------------------
# Every function: derivatives against SymPy's, evaluated by mpmath at 30 digits
# ---------------------------------------------------------------------------

MP_EXPRESSIONS = [
    "c*x**k + b*x", "c*(exp(a*x) - 1)", "log(1 + x)*x**2", "ln(x + 2)*c", "log1p(a*x)/x",
    "expm1(a*x)*c - x", "sqrt(x**2 + 1)*x", "cbrt(x + 1)*x**2", "sin(x)*x + cos(a*x)",
    "tan(x/4)*x", "asin(x/(x + 1))", "acos(x/(x + 2))*x", "atan(x)*x**2", "arctan(a*x) + x",
    "sinh(x/2)*c", "cosh(x/3) - 1", "tanh(x - 1)*x", "asinh(x**2)", "acosh(x + 1.5)",
    "atanh(x/(x + 1))", "erf(x - 1)*x", "abs(x - 2)*x", "min(x**2, 2*x + 1)",
    "max(c*x, x**2/3)", "x**x", "(x + 1)**(a*x)", "F/(1 + exp(-(x - m)/w)) + c*x",
    "c*x**3 - b*x**2 + x", "x*log(x)", "log1p(atan(tanh(sin(x))))", "N*x**2 + x*log1p(N)",
    "E**x*pi - x**-2", "(x**2 + 1)**(a*x)",
]
MP_PARAMS = {"c": 1.3, "k": 2.5, "b": 0.7, "a": 0.45, "F": 50.0, "m": 2.0, "w": 0.5, "N": 3.0}


def test_every_function_is_covered_by_the_mpmath_cases():
    used = {f for f in FUNCTIONS if any(f"{f}(" in t for t in MP_EXPRESSIONS)}
    assert used == set(FUNCTIONS)


@pytest.mark.parametrize("text", MP_EXPRESSIONS)
def test_derivatives_match_sympy_at_30_digits(text):
    mpmath = pytest.importorskip("mpmath")
    import sympy as sp

    from powermodel.expressions import parse

    E = compile_expression(text)
    x = sp.Symbol("x", real=True)
    e = parse(text).to_sympy({"x": x})
    d1 = sp.diff(e, x)
    d2 = sp.diff(d1, x)

    def away_from_kinks(g):  # the points below are not on a kink
        return g.replace(sp.DiracDelta, lambda *a: sp.S.Zero).replace(
            sp.Heaviside, lambda *a: (sp.sign(a[0]) + 1) / 2)

    names = [n for n in E.names if n != "x"]
    syms = [sp.Symbol(n, real=True) for n in names]
    refs = [sp.lambdify([x] + syms, away_from_kinks(g), "mpmath") for g in (e, d1, d2)]
    xs = np.random.default_rng(len(text)).uniform(0.05, 4.0, 15)
    got = E.derivatives(xs, {n: np.float64(MP_PARAMS[n]) for n in names})
    with mpmath.workdps(30):
        for i, xv in enumerate(xs):
            args = [mpmath.mpf(float(xv))] + [mpmath.mpf(MP_PARAMS[n]) for n in names]
            for j in range(3):
                want = float(mpmath.re(refs[j](*args)))
                assert got[j][i] == pytest.approx(want, rel=1e-11, abs=1e-300), (j, xv)


@given(_grammar(FUNCS1), st.integers(0, 2**32 - 1))
@example("tan(x)*sin(x) + cos(x**2)", 5)
@example("asin(x/3) + acos(x - 1) + atanh(x/4)", 6)
@example("acosh(x) + asinh(x) + cosh(x) + sinh(x) + tanh(x)", 7)
@example("erf(x - 2)*cbrt(x - 1) + arctan(x)*log1p(x)", 8)
@example("-(ln(x)**(1e-3 + 2))", 9)
@example("x**x + (x + 1)**(k*x)", 10)
@example("cbrt(acosh(c)*(x - 1e-3))/((cosh(x)*pi**x)**acos(c*0.5))", 11)  # 1**NaN = 1
@example("min(c/x, pi**x)*x", 12)                                       # [-inf, 1] * [0, 0]
@example("(2**k)*x + k**x", 13)
@example("log(x)**(1e-300/(0.5*c))", 14)                                # exponent inf
@example("sinh(erf(1e-3)/exp(1e-3))**(x**-(c/1e-310 - 0.5))", 15)
@example("x/(1e-300*1e-300) + x**2/(1e-300*1e-300)", 16)                # divisor 0.0
@example("(0*x)**x + (x - x)**(x*c)", 17)                                 # 0/0 in (u**v)'
def test_enclosures_contain_every_point_value_all_functions(text, seed):
    _check_random_expression(text, seed)


@pytest.mark.parametrize("name", FUNCS1)
def test_each_function_encloses_on_narrow_and_wide_boxes(name):
    E = compile_expression(f"{name}(x)*c + {name}(c*x - 1)")
    rng = np.random.default_rng(7)
    lo = np.concatenate([rng.uniform(-3, 3, 300), rng.normal(0, 30, 100), [0.0, -1.0, 1.0]])
    for width in (0.0, 1e-12, 1e-3, 0.7, 5.0, 1e3):
        c = rng.choice([0.5, 1.0, 2.0, -1.5], lo.size)
        assert_encloses(E, lo, lo + width, {"c": c}, points=5, rng=rng)


def test_trig_enclosures_reach_the_extrema():
    lo, hi = compile_expression("sin(x)").interval(np.array([1.0, 4.0, 0.0]),
                                                   np.array([2.0, 5.0, 100.0]), {})
    assert hi[0] == 1.0 and lo[0] <= math.sin(1.0)   # pi/2 inside
    assert lo[1] == -1.0 and hi[1] >= math.sin(5.0)  # 3 pi/2 inside
    assert (lo[2], hi[2]) == (-1.0, 1.0)
    lo, hi = compile_expression("tan(x)").interval(np.array([0.0, 1.0]), np.array([1.0, 2.0]), {})
    assert lo[0] <= 0 and 1.5574077246549 < hi[0] < 1.5574077246550
    assert (lo[1], hi[1]) == (-math.inf, math.inf)   # the pole at pi/2


# ---------------------------------------------------------------------------
# Parsing: chains are not nesting; nothing ever raises RecursionError
# ---------------------------------------------------------------------------

def test_long_chains_are_accepted_and_built():
    from powermodel.expressions import MAX_DEPTH, MAX_LENGTH, parse

    terms = [f"{i}*x" for i in range(1, 81)]
    p = parse(" + ".join(terms))                      # an 80-term sum
    assert p.names == ("x",)
    assert str(p.to_sympy()) == "3240*x"
    longest = "x + " * ((MAX_LENGTH - 1) // 4) + "x"   # ~500 terms, about MAX_LENGTH characters
    assert parse(longest).to_sympy().coeff(parse("x").to_sympy()) == longest.count("x")
    prod = "x*" * 999 + "x"
    assert str(parse(prod).to_sympy()) == "x**1000"
    mixed = "x - 1/x*2/x + " * 100 + "x"
    assert compile_expression(mixed).f(2.0, {}) == pytest.approx(101 * 2 - 100 * 0.5)
    assert parse(mixed).to_sympy().subs(parse("x").to_sympy(), 2) == 101 * 2 - 100 * sp_half()
    assert MAX_DEPTH == 60


def sp_half():
    import sympy as sp

    return sp.Rational(1, 2)


@pytest.mark.parametrize("text", [
    "-" * 1999 + "x", "x" + "**x" * 600, "(" * 61 + "x" + ")" * 61, "exp(" * 61 + "x" + ")" * 61,
    "x" + "**(x + 1" * 70 + ")" * 70, "-(" * 61 + "x" + ")" * 61,
])
def test_too_deep_is_an_expression_error_naming_the_limit(text):
    with pytest.raises(ExpressionError, match="nested deeper than 60 levels"):
        compile_expression(text)


def test_depth_just_below_the_limit_is_accepted_everywhere():
    from powermodel.expressions import parse

    calls = "x"
    for i in range(59):  # x sits at level 60
        calls = f"{['log1p', 'atan', 'tanh', 'sin'][i % 4]}({calls})"
    mixed = "x"
    for i in range(29):  # two levels a layer: the call, and the chain inside it
        mixed = f"log1p({mixed} + x*2)" if i % 2 else f"atan({mixed})*x"
    for text in (calls, mixed):
        assert np.isfinite(compile_expression(text).f(0.5, {}))
        parse(text).to_sympy()  # recursion stays bounded by the depth limit
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse(f"exp({calls})")


def test_constant_chain_errors_name_the_token():
    with pytest.raises(ExpressionError, match="too large a number"):
        compile_expression("x + " + "1e300*" * 300 + "1")
