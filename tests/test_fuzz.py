"""Hostile input: the injection corpus, and hypothesis fuzzing of the public entry points.

The only acceptable outcomes are a correct result or the documented error
(an :class:`~powermodel.InputError` subclass; exit code 2 with one ``error:``
line on the command line). Example counts come from the hypothesis profile in
``conftest.py`` (``ci``: bounded; ``HYPOTHESIS_PROFILE=long`` for a long run).
"""

import ast
import io
import math
import os
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import powermodel as pm
from powermodel import expressions
from powermodel.cli import main

CORPUS_FILE = Path(__file__).with_name("injection_corpus.txt")

# Fuzzing draws parameters over hundreds of orders of magnitude, where the documented
# AccuracyWarnings (overflow of an intermediate, g* beyond the float range, ...) are the
# expected answer; what is checked here is robustness and consistency, not accuracy
# (tests/test_extremes.py checks the warnings against mpmath).
pytestmark = pytest.mark.filterwarnings("ignore::powermodel.errors.AccuracyWarning")


def _literal(node):
    # The corpus is data: string literals, `"s" * n` and `a + b`, nothing else.
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        a, b = _literal(node.left), _literal(node.right)
        if isinstance(node.op, ast.Mult):
            assert isinstance(b, int) and b <= 10**6
        return a + b if isinstance(node.op, ast.Add) else a * b
    raise ValueError(f"corpus line is not a string literal: {ast.unparse(node)}")


def load_corpus(sentinel):
    out = []
    for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        entry = _literal(ast.parse(line, mode="eval").body)
        out.append(entry.replace("SENTINEL", str(sentinel)))
    return out


CORPUS = load_corpus("SENTINEL")


def _pwned(sentinel):
    return (sentinel.exists() or "PM_PWNED" in sys.modules or "PM_PWNED" in os.environ)


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def assert_input_error_exit(code, err):
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------
# The injection corpus
# ---------------------------------------------------------------------------

def test_corpus_is_substantial():
    assert len(CORPUS) >= 100
    assert len(set(CORPUS)) == len(CORPUS)
    assert any(len(c) >= 100000 for c in CORPUS) and any("\x00" in c for c in CORPUS)


def test_no_corpus_entry_runs_code_or_is_accepted(tmp_path):
    sentinel = tmp_path / "pwned"
    # The sentinel works: evaluating the first entry with eval would create it.
    entries = load_corpus(sentinel)
    assert not _pwned(sentinel)
    for entry in entries:
        with pytest.raises(pm.ExpressionError):
            try:
                m = pm.Model(entry)
            except pm.ExpressionError:
                raise
            else:  # not rejected: try hard to make it run, then fail
                m.solve(N=10.0, P=100.0, **{k: 1.0 for k in m.parameters})
        with pytest.raises(pm.ExpressionError):
            pm.solve(entry, N=10.0, P=100.0)
        assert not _pwned(sentinel), entry[:80]


def test_the_sentinel_would_fire(tmp_path):
    # Guard against a vacuous test: the corpus really contains live payloads.
    sentinel = tmp_path / "pwned"
    entry = load_corpus(sentinel)[0]
    eval(entry, {"__builtins__": __builtins__})  # noqa: S307 - deliberately, in the test only
    assert _pwned(sentinel)


def test_corpus_through_the_cli(tmp_path):
    sentinel = tmp_path / "pwned"
    for entry in load_corpus(sentinel):
        code, out, err = run_cli(["solve", "--N", "10", "--P", "100", "--", entry])
        assert_input_error_exit(code, err)
        assert out == ""
        assert len(err) < 400, err[:400]  # the message names the token, not the whole input
    assert not _pwned(sentinel)


def test_error_names_the_offending_token():
    cases = {
        "__import__('os').system('ls')": "__import__",
        "x.__class__": "__class__",
        "open('f')": "open",
        "exec('1')": "exec",
        "lambda: 1": "lambda",
        "x + 10**10**10": "10 ** 10 ** 10",
        "c*\uff58": "U+FF58",
        "x % 2": "%",
        "f'{x}'": "f-string",
        "x * 'a'": "'a'",
        "(y := x)": ":=",
    }
    for text, token in cases.items():
        with pytest.raises(pm.ExpressionError) as ei:
            pm.Model(text)
        assert token in str(ei.value), (text, str(ei.value))


def test_huge_powers_do_not_hang():
    # Decided from float magnitudes at parse time, never by exact integer arithmetic.
    import time

    t = time.perf_counter()
    for text in ["x + 10**10**10", "x * 9**9**9**9", "x + 2**(2**(2**(2**20)))",
                 "x*(1 + 10**-300)**(10**9)"]:
        try:
            m = pm.Model(text)
            m.solve(N=10.0, P=1e6)
        except pm.ExpressionError:
            pass
    assert time.perf_counter() - t < 5


def test_big_constants_are_evaluated_as_floats():
    # (1 + 10**-300)**(10**9) is 1 in floats; exact arithmetic would need 10**11 digits.
    s = pm.Model("x**2*(1 + 10**-300)**(10**9)").solve(N=100.0, P=1e6)
    assert s.x == pytest.approx(50.0, rel=1e-12)
    # a constant beyond 2**53 inside a function: NumPy gets a float, not a Python int.
    s = pm.Model("x**2 + sqrt(10**29 + 7)").solve(N=100.0, P=1e300)
    assert s.x == pytest.approx(50.0, rel=1e-12)


@pytest.mark.parametrize("text", ["sqrt(-x)", "x/(x - x)", "x + (x - x)**-1"])
def test_expressions_that_are_not_real_are_rejected_when_solved(text):
    m = pm.Model(text)  # syntactically fine, but f is NaN or infinite at (or just above) 0
    with pytest.raises(pm.InputError, match="not real-valued and finite at x = 0"):
        m.solve(N=10.0, P=100.0)


def _bundled_scenario():
    from powermodel import scenario
    folder = Path(scenario.__file__).with_name("scenarios")
    for path in sorted(folder.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        lines = [i for i, line in enumerate(text.splitlines()) if line.startswith("cost = ")]
        if lines:
            return scenario, text.splitlines(), lines[0]
    pytest.skip("no bundled scenario with a top-level cost line")


def _toml_string(value):
    # A TOML basic string with every non-printable or non-ASCII character escaped.
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08X}" if ord(ch) > 0xFFFF else f"\\u{ord(ch):04X}")
    return '"' + "".join(out) + '"'


def test_scenario_with_an_injection_cost_is_rejected(tmp_path):
    # A bundled, valid scenario with its cost replaced by each corpus entry.
    scenario, lines, at = _bundled_scenario()
    sentinel = tmp_path / "pwned"
    path = tmp_path / "evil.toml"
    ok = "\n".join(lines[:at] + ["cost = " + _toml_string("power")] + lines[at + 1:]) + "\n"
    path.write_text(ok, encoding="utf-8")
    scenario.load_scenario(path)  # the template itself is valid
    tried = 0
    for entry in load_corpus(sentinel):
        if len(entry) > 5000:
            continue
        text = lines[:at] + ["cost = " + _toml_string(entry)] + lines[at + 1:]
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        with pytest.raises(pm.ExpressionError) as direct:
            pm.Model(entry)
        with pytest.raises(pm.InputError) as ei:
            scenario.load_scenario(path).run()
        assert str(direct.value) in str(ei.value)  # rejected for the cost, not for something else
        tried += 1
    assert tried > 100
    assert not _pwned(sentinel)


# ---------------------------------------------------------------------------
# Random expressions from the grammar and random junk
# ---------------------------------------------------------------------------

NUMBERS = st.one_of(st.integers(0, 10**6).map(str),
                    st.floats(0, 1e300, allow_nan=False, allow_infinity=False).map(repr),
                    st.sampled_from(["1e-300", "1e300", "0", "2", "0.5", "10**300", "pi", "E"]))
LEAVES = st.one_of(st.just("x"), st.just("x"), st.just("N"), st.sampled_from("abc"), NUMBERS)
FUNCS = sorted(expressions.FUNCTIONS)


def _combine(children):
    binop = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    unary = children.map(lambda c: f"-{c}")
    call1 = st.tuples(st.sampled_from([f for f in FUNCS if expressions.FUNCTIONS[f] == 1]),
                      children).map(lambda t: f"{t[0]}({t[1]})")
    call2 = st.tuples(st.sampled_from(["min", "max"]), children, children).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})")
    return st.one_of(binop, unary, call1, call2)


GRAMMAR = st.recursive(LEAVES, _combine, max_leaves=12)
PARAM = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from([0.0, -1.0, 1e-300, 1e300, 1.0, 2.0, math.inf, math.nan]))


def _check_solution(s):
    """Sanity of a scalar solution; the solver's own contract."""
    assert s.regime in ("none", "interior", "budget", "cap", "unbounded")
    assert s.status == "ok"
    if s.regime == "unbounded":
        assert s.x == math.inf
    else:
        assert 0 <= s.x <= s.x_budget * (1 + 1e-12) or s.x <= 1e-300
        assert math.isfinite(s.x) and not math.isnan(s.value)


#: Mostly valid values (so that most examples reach a solution), some hostile ones.
GOOD_PARAM = st.one_of(st.floats(0.01, 100), st.floats(0.01, 100), st.floats(0.01, 100), PARAM)
GOOD_N = st.one_of(st.floats(0.1, 1e4), st.floats(0.1, 1e4), st.floats(0.1, 1e4),
                   st.sampled_from([1e-12, 1e300, -1.0, 0.0, math.nan, math.inf]))
GOOD_P = st.one_of(st.floats(1.0, 1e6), st.floats(1.0, 1e6), st.floats(1.0, 1e6),
                   st.sampled_from([0.0, 1e300, -1.0, math.nan, math.inf]))


def _grid_optimality(f, s, N, P, cap=None):
    """x* is at least as good as every feasible point of a dense grid (brute force).

    h(x) = x - f(x)/N is the objective up to the constant P/N; the grid covers
    [0, the first x where f > P] (or the cap), log-spaced and linear.
    """
    if s.regime == "unbounded":
        return
    hi = 1.0
    with np.errstate(all="ignore"):
        while hi < 1e12 and f(np.array([hi]))[0] <= P:
            hi *= 2
    if cap is not None:
        hi = min(hi, cap)
    xs = np.unique(np.concatenate([np.linspace(0.0, hi, 4001), np.geomspace(1e-9, hi, 2001)]))
    with np.errstate(all="ignore"):
        fx = f(xs)
        fs = float(f(np.array([s.x]))[0])
    ok = np.isfinite(fx) & (fx <= P)
    if not ok.any():
        return
    h = xs[ok] - fx[ok] / N
    hs = s.x - fs / N
    assert fs <= P * (1 + 1e-12) + 1e-300, (s.x, fs, P)  # feasible
    assert hs >= h.max() - 1e-9 * (abs(h.max()) + abs(hs) + 1), (s.x, xs[ok][np.argmax(h)])


@given(GRAMMAR, st.dictionaries(st.sampled_from("abc"), GOOD_PARAM), GOOD_N, GOOD_P)
def test_grammar_expressions(text, params, N, P):
    from hypothesis import event

    try:
        m = pm.Model(text)
    except pm.ExpressionError:
        event("rejected: expression")
        return
    params = {k: params.get(k, 1.0) for k in m.parameters}
    try:
        s = m.solve(N=N, P=P, **params)
    except pm.InputError:
        event("rejected: values or cost")
        return
    event(f"solved: {s.regime}")
    _check_solution(s)


@given(st.text(max_size=60))
def test_junk_strings(text):
    try:
        pm.Model(text)
    except pm.InputError:
        pass


@given(st.text(alphabet="x+-*/() .0123456789eNabcexplogsqrt_,[]:'\"=<>%~@!^&|;\\\n\t",
               max_size=40))
def test_near_grammar_junk(text):
    try:
        m = pm.Model(text)
    except pm.InputError:
        return
    try:
        s = m.solve(N=10.0, P=100.0, **{k: 1.0 for k in m.parameters})
    except pm.InputError:
        return
    _check_solution(s)


# A grammar closed under "non-decreasing on x >= 0 with f(0) = 0": every expression it
# makes is a valid cost, so every example reaches the solver and its optimality is checked.
INCREASING = ["sqrt", "log1p", "expm1", "tanh", "atan", "asinh", "sinh"]
COEF = st.floats(0.05, 20).map(lambda v: repr(round(v, 3)))


def _combine_increasing(children):
    return st.one_of(
        st.tuples(children, children).map(lambda t: f"({t[0]} + {t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]} * {t[1]})"),
        st.tuples(COEF, children).map(lambda t: f"{t[0]}*{t[1]}"),
        st.tuples(st.sampled_from(INCREASING), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, st.sampled_from(["1.5", "2", "3"])).map(
            lambda t: f"{t[0]}**{t[1]}"),
        st.tuples(st.sampled_from(["max", "min"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"))


INCREASING_GRAMMAR = st.recursive(st.sampled_from(["x", "x", "c*x", "x**2"]),
                                  _combine_increasing, max_leaves=4)


# half the profile's examples: each new expression is compiled by SymPy (about 1 s)
@settings(max_examples=max(1, settings.default.max_examples // 2))
@given(INCREASING_GRAMMAR, st.floats(0.1, 10), st.floats(-1.0, 3.0), st.floats(0.0, 4.0))
def test_increasing_grammar_against_brute_force(text, c, logN, logP):
    m = pm.Model(text, **({"c": c} if "c" in text else {}))
    N, P = 10.0 ** logN, 10.0 ** logP
    # budgets beyond the float range (f(1e300) <= P, e.g. log1p(x) with P = 1000) are the
    # documented "unbounded" territory, checked against mpmath in test_extremes.py
    with np.errstate(all="ignore"):
        top = float(m.cost.f(np.array([1e300]), dict(m.params))[0])
    assume(not (math.isfinite(top) and top <= P))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)
        s = m.solve(N=N, P=P)
    _check_solution(s)
    p = dict(m.params)
    _grid_optimality(lambda x: m.cost.f(x, p), s, N, P)


# A monotone sub-grammar where the answer can be checked by brute force.
MONO_TERMS = st.sampled_from(["x", "x**2", "x**3", "sqrt(x)", "(exp(x) - 1)", "log(1 + x)",
                              "x**1.5", "tanh(x)", "expm1(x/3)", "x*log1p(x)"])
MONO = st.lists(st.tuples(st.floats(0.01, 100), MONO_TERMS), min_size=1, max_size=3).map(
    lambda ts: " + ".join(f"{c!r}*{t}" for c, t in ts))


@given(MONO, st.floats(0.5, 1e3), st.floats(1.0, 1e4))
def test_monotone_expressions_against_brute_force(text, N, P):
    m = pm.Model(text)
    s = m.solve(N=N, P=P)
    f = m.cost.f
    if s.regime == "unbounded":  # documented: a budget beyond 1e300 counts as unbounded
        assert f(np.array([1e300]), {})[0] <= P
        return
    hi = s.x_budget if math.isfinite(s.x_budget) else 1e6
    xs = np.concatenate([np.linspace(0, hi, 20001), [s.x_budget] if math.isfinite(hi) else []])
    fx = f(xs, {})
    ok = fx <= P
    h = xs[ok] - fx[ok] / N
    hx = s.x - float(f(np.array([s.x]), {})[0]) / N
    assert hx >= h.max() - 1e-9 * (abs(h.max()) + 1)
    _check_solution(s)


# ---------------------------------------------------------------------------
# Random parameter values thrown at the families
# ---------------------------------------------------------------------------

FAMILY_PARAMS = {name: pm.make_cost(name).parameters
                 for name in ("power", "exponential", "linear", "quadratic", "overhead",
                              "power-logN")}


@given(st.sampled_from(sorted(FAMILY_PARAMS)), st.data(), PARAM, PARAM, PARAM)
def test_random_parameter_values(name, data, N, P, cap):
    params = {k: data.draw(PARAM, label=k) for k in FAMILY_PARAMS[name]}
    try:
        s = pm.solve(name, N=N, P=P, x_cap=cap, **params)
    except pm.InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    _check_solution(s)
    assert s.x <= cap


def _valid(low, strict):
    """Values inside a parameter's domain: low + 10^u (u in [-2, 2]), k-like ones near 1 too."""
    spread = st.floats(-2.0, 2.0).map(lambda u: 10.0 ** u)
    if low == 1:
        return st.one_of(spread.map(lambda v: 1.0 + v), st.just(1.0), st.floats(1.0, 1.5))
    return spread if strict else st.one_of(spread, st.just(0.0))


@given(st.sampled_from(sorted(FAMILY_PARAMS)), st.data(), st.floats(-1.0, 4.0),
       st.floats(0.0, 6.0), st.one_of(st.none(), st.floats(-1.0, 3.0)))
def test_valid_family_parameters_against_brute_force(name, data, logN, logP, logcap):
    """Every draw is inside the domain (no rejection): x* beats a dense feasible grid."""
    cost = pm.make_cost(name)
    params = {k: data.draw(_valid(*cost.bounds[k]), label=k) for k in cost.parameters}
    N, P = 10.0 ** logN, 10.0 ** logP
    cap = None if logcap is None else 10.0 ** logcap
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pm.AccuracyWarning)  # k within 1e-6 of 1: see extremes
        s = pm.solve(name, N=N, P=P, x_cap=cap, **params)
    _check_solution(s)
    if cap is not None:
        assert s.x <= cap
    p = {**params, "N": N}
    _grid_optimality(lambda x: cost.f(x, p), s, N, P, cap)


@given(st.sampled_from(sorted(FAMILY_PARAMS)), st.data())
def test_random_parameter_arrays_with_errors_nan(name, data):
    size = 6
    arr = st.lists(PARAM, min_size=size, max_size=size).map(np.array)
    params = {k: data.draw(arr, label=k) for k in FAMILY_PARAMS[name]}
    N, P = data.draw(arr, label="N"), data.draw(arr, label="P")
    s = pm.solve(name, N=N, P=P, errors="nan", **params)
    # (a valid point may carry a note in its status, e.g. "beyond float range: ...":
    # only invalid input is NaN)
    bad = s.regime == "invalid"
    assert np.all(np.isnan(s.x[bad])) and not np.any(s.status[bad] == "ok")
    assert not np.any(np.isnan(s.x[~bad]))
    # every good point equals the same point solved alone, status included
    for i in np.flatnonzero(~bad):
        one = pm.solve(name, N=N[i], P=P[i], **{k: v[i] for k, v in params.items()})
        assert one.x == s.x[i] or (one.x == pytest.approx(s.x[i], rel=1e-12))
        # (the same kind of status: an enclosure quoted in it may differ in its
        # last digits between a scalar and a per-point parameter)
        assert one.status.split(":")[0] == str(s.status[i]).split(":")[0]
    # every bad point is really bad
    for i in np.flatnonzero(bad):
        with pytest.raises(pm.InputError):
            pm.solve(name, N=N[i], P=P[i], **{k: v[i] for k, v in params.items()})


# ---------------------------------------------------------------------------
# Random command lines
# ---------------------------------------------------------------------------

TOKENS = st.one_of(
    st.sampled_from(["solve", "solve", "--N", "--P", "--x-cap", "--overlap", "--runtime-penalty",
                     "--param", "--json", "--debug", "power", "linear", "exponential",
                     "quadratic", "overhead", "power-logN", "c*x**k", "x", "c=1", "k=2",
                     "c=-1", "k=nan", "c", "=", "--", "-", "10", "1e300", "-5", "nan",
                     "inf", "0", "1e-300", "__import__('os')", "bogus", "--bogus", ""]),
    st.text(max_size=8),
    st.floats().map(repr))


@given(st.lists(TOKENS, max_size=9))
def test_random_command_lines(argv):
    assume("--help" not in argv and "-h" not in argv)
    code, out, err = run_cli(argv)
    assert code in (0, 2), (argv, err)
    assert "Traceback" not in err
    if code == 2:
        assert_input_error_exit(code, err)


@given(st.sampled_from(sorted(FAMILY_PARAMS)), st.data(),
       st.sampled_from(["10", "1e-12", "1e300", "-1", "0", "nan", "inf", "abc"]),
       st.sampled_from(["0", "100", "1e300", "-1", "nan", "inf", "1e-300"]))
def test_random_solve_command_lines(name, data, N, P):
    vals = st.sampled_from(["1", "2", "0", "-1", "1e300", "1e-300", "nan", "inf", "x"])
    argv = ["solve", name, "--N", N, "--P", P]
    for k in FAMILY_PARAMS[name]:
        argv += ["--param", f"{k}={data.draw(vals, label=k)}"]
    code, out, err = run_cli(argv)
    assert code in (0, 2), (argv, err)
    if code == 2:
        assert_input_error_exit(code, err)
    else:  # success: warnings (if any) one line each
        assert all(line.startswith("warning: ") for line in err.splitlines()), err
        assert "regime" in out


# ---------------------------------------------------------------------------
# Inputs that are not real numbers: refused by name, never a raw exception
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, match", [
    ([], r"`N` is empty"),
    (np.zeros((0, 3)), r"`N` is empty \(shape \(0, 3\)\)"),
    (10**400, "`N` is too large for a float: an integer of 401 digits"),
    ([1, 10**400], "too large for a float"),
    ([True, False], "array of booleans"),
    (np.array([1, 0], dtype=bool), "array of booleans"),
    (np.bool_(True), "must be a real number"),
    (["1", "2"], "array of strings"),
    (np.array("5"), "got a string"),
    (np.array([b"1"]), "array of byte strings"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "array of datetime64 values"),
    (np.array([1, 2], dtype="timedelta64[s]"), "array of timedelta64 values"),
    ([1 + 0j], "array of complex numbers"),
    (np.array([1.0, None], dtype=object), "got None"),
    (np.array([1.0, "a"], dtype=object), "got 'a'"),
    (np.ma.masked_array([1.0, 2.0], mask=[False, True]), "masked values"),
    ([[1], [2, 3]], "must be a real number or an array"),
])
def test_inputs_that_are_not_real_numbers_are_refused(value, match):
    for kw in (dict(N=value, P=1e6), dict(N=10.0, P=1e6, c=value)):
        with pytest.raises(pm.InputError, match=match.replace("`N`", f"`{next(iter(kw)) if kw['N'] is value else 'c'}`")):
            pm.solve("power", k=2.0, **{"c": 1.0, **kw})


def test_masked_array_without_masked_values_is_its_data():
    N = np.ma.masked_array([10.0, 100.0], mask=[False, False])
    np.testing.assert_array_equal(pm.solve("power", N=N, P=1e6, c=1.0, k=2.0).x, [5.0, 50.0])


def test_object_array_of_real_numbers_is_accepted():
    from fractions import Fraction

    N = np.array([10, 100.0, Fraction(1000)], dtype=object)
    np.testing.assert_array_equal(pm.solve("power", N=N, P=1e6, c=1.0, k=2.0).x,
                                  [5.0, 50.0, 500.0])


# ---------------------------------------------------------------------------
# Parameter names never collide with internal names
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pm_maximum", "pm_minimum", "pm_heaviside", "pm_x", "x_cap",
                                  "overlap", "runtime_penalty", "errors", "rho"])
def test_reserved_parameter_names_are_refused(name):
    with pytest.raises(pm.InputError, match=f"parameter named `{name}`, a reserved name"):
        pm.Model(f"max(x, {name})*x**2", **{name: 1.0})
    with pytest.raises(pm.InputError, match=f"`{name}`"):
        pm.Model(eval(f"lambda x, {name}: x**2"))  # a callable's parameter, same rule


@pytest.mark.parametrize("name", ["numpy", "scipy", "LambertW", "math", "builtins", "x0",
                                  "exp_", "Dummy"])
def test_parameters_named_like_namespace_names_solve_correctly(name):
    # f = x**2 + p*exp(x) - p (p = 1): x* solves 2x + exp(x) = N; in both engines
    from scipy.optimize import brentq

    m = pm.Model(f"x**2 + {name}*exp(x) - {name}", **{name: 1.0})
    ref = brentq(lambda x: 2 * x + math.exp(x) - 10.0, 0.0, 10.0, xtol=1e-14)
    assert m.solve(N=10.0, P=1e6).x == pytest.approx(ref, rel=1e-9)
    e = pm.Model(f"{name}*x**2", **{name: 1.0}).symbolic.elasticity_values(N=10.0, P=1e6)
    assert e["x"]["N"] == pytest.approx(1.0, rel=1e-12)  # x* = N/(2p): elasticity 1
    fx = pm.Model(f"{name}*x**2").symbolic.lambdify("x")
    assert fx(N=10.0, P=1e6, **{name: 2.0}) == pytest.approx(2.5, rel=1e-14)


# ---------------------------------------------------------------------------
# derive: a time limit in any thread
# ---------------------------------------------------------------------------

SLOW_DERIVE = "log1p(log1p(log1p(log1p(x)))) + x**2"


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_derive_time_limit_in_any_thread(where, run_in):
    import time

    out = {}

    def run():
        t0 = time.perf_counter()
        try:
            pm.Model(SLOW_DERIVE).symbolic.derive(timeout=1.0)
            out["result"] = "finished"
        except pm.UnsolvableError as exc:
            out["result"] = str(exc)
        out["seconds"] = time.perf_counter() - t0

    run_in(where, run)
    assert "time limit of 1 s" in out["result"]
    # the worker process of the other thread adds an interpreter start-up
    assert out["seconds"] < (10 if where == "main thread" else 60)


def test_derive_in_a_thread_gives_the_same_derivation():
    import threading

    out = {}
    t = threading.Thread(target=lambda: out.update(
        d=pm.Model("power", c=1.0, k=2.0).symbolic.derive(P=100.0, timeout=120)))
    t.start()
    t.join(180)
    here = pm.Model("power", c=1.0, k=2.0).symbolic.derive(P=100.0)
    assert out["d"].text() == here.text()
    assert "x* = Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/2, True))" in here.text()


def test_derive_of_a_cost_using_erf():
    d = pm.Model("x**2*erf(x)").symbolic.derive()
    # f'' = 2 erf(x) + 8x e^(-x^2)/sqrt(pi) - 4x^3 e^(-x^2)/sqrt(pi) ... > 0 on x > 0: convex
    assert str(d.cost) == "x**2*erf(x)"


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), "1", [1.0, 2.0]])
def test_derive_timeout_must_be_positive_seconds(timeout):
    with pytest.raises(pm.InputError, match="`timeout`"):
        pm.Model("power").symbolic.derive(timeout=timeout)
