"""Result._repr_html_: compact tables with units, arrays truncated, text escaped."""

import re

import numpy as np

import powermodel as pm
from powermodel.result import Result


def _cells(html):
    return [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


def test_solution_table_fields_values_units():
    s = pm.Model("power", c=1.0, k=2.0).solve(N=100, P=1e6)
    html = s._repr_html_()
    cells = _cells(html)
    rows = {cells[i]: (cells[i + 1], cells[i + 2]) for i in range(0, len(cells), 3)}
    assert list(rows) == list(pm.Solution._fields)
    # x* = N/(2c) = 50, g* = (P - x*^2)/N + x* = 10025
    assert rows["x"] == ("50", "bits")
    assert rows["value"] == ("10025", "bits")
    assert rows["regime"][0] == "interior"
    assert rows["learned_share"][1] == "share of g*"


def test_large_arrays_are_truncated_like_numpy():
    N = np.logspace(0, 6, 10_000)
    html = pm.Model("power", c=1.0, k=2.0).solve(N=N, P=1e6)._repr_html_()
    assert len(html) < 8000
    assert "..." in html and "shape=(10000,)" in html
    # the first and last values are shown: x*(1) = 0.5, x*(1e6) = sqrt(P) = 1000
    assert "5.000000e-01" in html and "1.000000e+03" in html
    assert "counts {budget:" in html


def test_small_arrays_shown_whole():
    html = pm.Model("power", c=1.0, k=2.0).solve(N=[10, 100, 1000], P=1e4)._repr_html_()
    assert "[  5.,  50., 100.]" in html


def test_sweep_nests_the_solution():
    r = pm.sweep(pm.Model("linear", c=10.0), N=[5, 20], P=100.0)
    html = r._repr_html_()
    assert html.count("<table") == 2
    assert "SweepResult" in html and "Solution" in html


def test_sensitivity_results_show_their_table():
    res = pm.tornado(pm.Model("power", c=1.0, k=2.0), {"c": (0.5, 2.0), "k": (1.5, 3.0)},
                     N=100, P=1e6)
    header, rows = res.table()
    html = res._repr_html_()
    for h in header:
        assert f">{h}<" in html
    assert len(re.findall("<tr>", html)) >= len(rows)


def test_long_tables_cut_in_the_middle():
    res = pm.monte_carlo(pm.Model("power", k=2.0), {"c": ("loguniform", 0.1, 10)},
                         N=np.logspace(0, 4, 50), P=1e6, n=64, seed=0)
    html = res._repr_html_()
    assert "(50 rows)" in html and "…" in html
    assert len(re.findall("<tr>", html)) < 20


class _Named(Result):
    __slots__ = ("label", "values")
    _fields = __slots__


def test_text_is_escaped():
    html = _Named(label="<script>alert(1)</script>", values={"a&b": 1.5})._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "a&amp;b: 1.5" in html


def test_symbolic_results_keep_latex():
    d = pm.Model("power", c=1.0, k=2.0).symbolic.derive()
    assert d._repr_html_() is None
    assert d._repr_latex_().startswith("$")
