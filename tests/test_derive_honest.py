"""An honest derivation: the second-order condition as a condition, CLI syntax, sensible digits."""

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest

import powermodel as pm
from powermodel.cli import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_latex_without_argument_is_the_whole_derivation():
    sm = pm.Model("power", c=1.0, k=2.0).symbolic
    tex = sm.latex()
    assert tex == sm.derive().latex()
    assert r"x^* &=" in tex and r"N_{\mathrm{budget}}" in tex
    assert sm.latex(sm.foc()) == "2 x = N"  # with an argument: as before


@pytest.mark.parametrize("cost, convexity, verdict", [
    ("power", "convex", "holds for every x > 0"),         # c k (k-1) x^(k-2) > 0 for k > 1
    ("log(1 + x)", "concave", "fails for every x > 0"),   # f'' = -1/(1+x)^2 < 0
    ("linear", "linear", "fails (f'' = 0)"),
    ("x**3 - 3*x**2 + 4*x", "nonconvex", "holds only where f'' > 0"),  # f'' = 6x - 6
])
def test_second_order_condition_is_judged(cost, convexity, verdict):
    d = pm.Model(cost).symbolic.derive()
    assert d.convexity == convexity
    text = d.text()
    line = next(i for i, ln in enumerate(text.splitlines()) if ln.startswith("second order"))
    assert "needed for an interior maximum" in text.splitlines()[line]
    assert text.splitlines()[line + 1].strip().startswith(verdict)


def test_concave_cost_is_not_stated_as_a_fact():
    code, out, _ = run(["derive", "log(1 + x)"])
    assert code == 0
    soc = [ln for ln in out.splitlines() if ln.startswith("second order")][0]
    assert soc.rstrip().endswith("(needed for an interior maximum)")
    assert "concave" in out and "fails" in out


def test_cli_notes_use_cli_syntax():
    code, out, _ = run(["derive", "overhead"])
    assert code == 0
    notes = [ln for ln in out.splitlines() if ln.startswith("note:")]
    assert notes
    for ln in notes:
        assert "thresholds(" not in ln and "Model.solve" not in ln
    assert any("--P VALUE" in ln for ln in notes)


def _thresholds(out):
    lines = out.splitlines()
    i = lines.index("thresholds (values of N)")
    rows = {}
    for ln in lines[i + 1:]:
        if not ln.startswith("  "):
            break
        k, v = ln.split()
        rows[k] = v
    return rows


OVERHEAD = ["derive", "overhead", "--param", "F=100", "--param", "s=0.1", "--param", "c=1",
            "--param", "k=2", "--P", "1e6"]


def test_digits_default_6_significant():
    code, out, _ = run(OVERHEAD)
    assert code == 0
    rows = _thresholds(out)
    # the budget binds where x* = f^-1(P) ~ sqrt(P - F) and f'(x*) = N: N ~ 2 sqrt(1e6 - 100)
    assert float(rows["budget"]) == pytest.approx(2 * (1e6 - 100) ** 0.5, rel=1e-5)
    for v in (rows["onset"], rows["budget"], rows["dominance"]):
        assert len(re.sub(r"[^0-9]", "", v).lstrip("0")) == 6, v


def test_digits_option():
    code, out, _ = run([*OVERHEAD, "--digits", "3"])
    assert code == 0
    rows = _thresholds(out)
    assert float(rows["budget"]) == 2000.0 and float(rows["onset"]) == 20.0
    code, _, err = run([*OVERHEAD, "--digits", "0"])
    assert code == 2 and "--digits" in err
