"""Scenario files, the bundled scenarios and the sweep/sensitivity commands."""

import io
import json
import re
import time

import numpy as np
import pytest

import powermodel as pm
from powermodel.cli import main
from powermodel.scenario import bundled_scenarios, run_scenario

HEAD = 'cost = "power"\n[params]\nc = 1.0\nk = 2.0\nP = 1e6\n'


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------

def test_sweep_scenario_matches_closed_form(tmp_path):
    p = write(tmp_path, HEAD + '[analysis]\ntype = "sweep"\n'
                              'N = {start = 2, stop = 2000, num = 4}\n')
    sc = pm.load_scenario(p)
    assert (sc.name, sc.analysis, sc.command, sc.cost) == ("s", "sweep", "sweep", "power")
    assert sc.model == pm.Model("power", c=1.0, k=2.0) and sc.fixed == {"P": 1e6}
    r = sc.run()
    np.testing.assert_allclose(r.axes["N"], [2, 20, 200, 2000])
    np.testing.assert_allclose(r.solution.x, [1, 10, 100, 1000])       # x* = N/2 (budget 1000)
    assert r.solution.regime.tolist() == ["interior"] * 3 + ["budget"]


def test_grid_phase_and_linear_axes(tmp_path):
    g = pm.load_scenario(write(tmp_path, HEAD + '[analysis]\ntype = "grid"\n'
                               'axes.N = [10, 100]\naxes.k = {start = 2, stop = 3, num = 3, '
                               'scale = "linear"}\n')).run()
    np.testing.assert_allclose(g.axes["k"], [2.0, 2.5, 3.0])
    np.testing.assert_allclose(g.solution.x[:, 0], [5.0, 50.0])
    ph = pm.load_scenario(write(tmp_path, 'cost = "linear"\n[params]\nP = 10\n[analysis]\n'
                                'type = "phase"\nx = {name = "N", values = [1, 100]}\n'
                                'y = {name = "c", start = 10, stop = 1000, num = 3}\n')).run()
    assert list(ph.axes) == ["N", "c"]
    assert ph.solution.regime.tolist() == [["none"] * 3, ["budget", "none", "none"]]


def test_sensitivity_scenarios_and_log_output(tmp_path):
    sob = pm.load_scenario(write(tmp_path, 'cost = "power"\n[params]\nk = 2.0\nP = 1e12\n'
                                 '[analysis]\ntype = "sobol"\noutput = "log(x)"\nn = 1024\n'
                                 'seed = 0\ndistributions.N = ["loguniform", 10, 1000]\n'
                                 'distributions.c = ["loguniform", 0.1, 10]\n')).run()
    assert abs(sob.first_order["N"] - 0.5) < 0.03 and abs(sob.first_order["c"] - 0.5) < 0.03
    oat = pm.load_scenario(write(tmp_path, HEAD + 'N = 100\n[analysis]\ntype = "tornado"\n'
                                 'ranges.c = [0.5, 2]\nranges.N = [90, 110]\n')).run()
    assert oat.names == ("c", "N") and oat.base_output == 50.0
    mc = pm.load_scenario(write(tmp_path, 'cost = "linear"\n[params]\nP = 1\nN = 5\n'
                                '[analysis]\ntype = "montecarlo"\nN = [11, 21]\nn = 1024\n'
                                'sampler = "sobol"\nseed = 1\n'
                                'distributions.c = ["uniform", 1, 41]\n')).run()
    np.testing.assert_allclose(mc.p_mesa, [0.25, 0.5], atol=1 / 1024)   # P(c < N)
    loc = pm.load_scenario(write(tmp_path, HEAD + 'N = 100\n[analysis]\ntype = "local"\n'
                                 'outputs = "x"\nmethod = "finite-difference"\n')).run()
    assert loc.elasticities["x"]["N"] == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("name", bundled_scenarios())
def test_bundled_scenarios_run(name):
    sc = pm.load_scenario(name)
    assert sc.description and sc.path.name == f"{name}.toml"
    opts = dict(sc.options)
    r = sc.run()
    assert type(r).__name__ in {"SweepResult", "SobolResult", "MorrisResult", "OATResult",
                                "MonteCarloResult", "LocalSensitivity", "NestedResult"}
    if sc.analysis == "sobol":
        assert r.n == opts["n"]


def test_bundled_list():
    assert len(bundled_scenarios()) >= 5
    assert {"nsweep-power", "sobol-power", "montecarlo-power"} <= set(bundled_scenarios())


@pytest.mark.parametrize("text, match", [
    ('cost = "power"\ncolour = 1\n[analysis]\ntype = "sweep"\n', "unknown key `colour`"),
    ('cost = "power"\n[params]\nq = 1\n[analysis]\ntype = "sweep"\n', "unknown key `params.q`"),
    (HEAD + '[analysis]\ntype = "sweep"\nbins = 3\n', "unknown key `analysis.bins`"),
    (HEAD + '[analysis]\ntype = "sobol"\ndistributions.N = ["uniform", 1, 2]\nlevels = 4\n',
     "unknown key `analysis.levels`"),
    (HEAD + '[analysis]\ntype = "bayes"\n', "unknown analysis type 'bayes'"),
    (HEAD + '[analysis]\nN = [1]\n', "missing `analysis.type`"),
    ('[analysis]\ntype = "sweep"\n', "missing `cost`"),
    (HEAD, "missing `analysis`"),
    (HEAD + '[analysis]\ntype = "sobol"\ndistributions.N = ["uniform", 2, 1]\n',
     r"`distributions.N`.*low < high"),
    (HEAD + '[analysis]\ntype = "sobol"\ndistributions.q = ["uniform", 1, 2]\n',
     "unknown input `distributions.q`"),
    (HEAD + '[analysis]\ntype = "sobol"\n', "needs `distributions`"),
    (HEAD + '[analysis]\ntype = "sweep"\nN = {start = 0, stop = 10, num = 3}\n',
     "log axis `N`"),
    (HEAD + '[analysis]\ntype = "sweep"\nN = {start = 1, stop = 10}\n', "needs `num`"),
    (HEAD + '[analysis]\ntype = "sweep"\nN = {start = 1, stop = 10, num = 3, step = 2}\n',
     "unknown key `N.step`"),
    (HEAD + '[analysis]\ntype = "sweep"\nN = ["a"]\n', r"`N\[0\]` must be a number"),
    (HEAD + '[analysis]\ntype = "oat"\nranges.c = [1]\n', r"`ranges.c` must be \[low, high\]"),
    (HEAD + '[analysis]\ntype = "oat"\nranges.c = [1, 2]\noutput = "regime"\n', "`output`"),
    (HEAD + '[analysis]\ntype = "phase"\nx = {name = "N", values = [1]}\n',
     "needs `x` and `y`"),
    (HEAD + '[analysis]\ntype = "sobol"\nn = "many"\ndistributions.N = ["uniform", 1, 2]\n',
     "`n` must be an integer"),
    ('cost = "__import__(\'os\')"\n[analysis]\ntype = "sweep"\n', "`cost`"),
    ('cost = "power"\n[params]\nc = -1\n[analysis]\ntype = "sweep"\n', "`c` must be positive"),
    ('cost = "power\n', "not valid TOML"),
])
def test_bad_scenarios_name_the_key(tmp_path, text, match):
    with pytest.raises(pm.ScenarioError, match=match):
        pm.load_scenario(write(tmp_path, text))


def test_missing_file_and_run_errors(tmp_path):
    with pytest.raises(pm.InputError, match="not found"):
        pm.load_scenario(tmp_path / "nope.toml")
    sc = pm.load_scenario(write(tmp_path, HEAD + '[analysis]\ntype = "sweep"\n'))
    with pytest.raises(pm.InputError, match="not random"):
        sc.run(seed=3)
    with pytest.raises(pm.InputError, match=r"\.csv or \.json"):
        sc.write(tmp_path / "out.txt")
    with pytest.raises(AttributeError):
        sc.name = "x"


# ---------------------------------------------------------------------------
# writing and the command line
# ---------------------------------------------------------------------------

def test_same_seed_byte_identical_files(tmp_path):
    text = ('cost = "quadratic"\n[params]\nP = 1e8\n[analysis]\ntype = "montecarlo"\n'
            'N = {start = 1, stop = 1e4, num = 9}\nn = 500\nseed = 11\n'
            'distributions.c = ["loguniform", 0.01, 10]\ndistributions.b = ["lognormal", 2, 1]\n')
    p = write(tmp_path, text)
    a = run_scenario(p, tmp_path / "a.json")[0].read_bytes()
    b = run_scenario(p, tmp_path / "b.json")[0].read_bytes()
    c = run_scenario(p, tmp_path / "c.json", seed=12)[0].read_bytes()
    assert a == b and a != c
    d = json.loads(a)
    assert d["result"] == "MonteCarloResult" and d["seed"] == 11 and len(d["p_mesa"]) == 9


def test_cli_sweep_and_sensitivity(tmp_path, capsys):
    p = write(tmp_path, HEAD + '[analysis]\ntype = "sweep"\nN = [2, 4]\n')
    out = tmp_path / "r.csv"
    assert main(["sweep", str(p), "--out", str(out), "--quiet"]) == 0
    said = capsys.readouterr()
    assert f"to {out}" in said.out and said.err == ""
    lines = out.read_text().splitlines()
    assert lines[0].startswith("N,P,c,k,x,") and len(lines) == 3
    assert lines[1].split(",")[4] == "1.0"
    # the wrong command, a bad suffix, a bad file: exit 2 with one line
    assert main(["sensitivity", str(p), "--out", str(tmp_path / "x.csv")]) == 2
    assert "powermodel sweep" in capsys.readouterr().err
    assert main(["sweep", str(p), "--out", str(tmp_path / "x.txt")]) == 2
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    s = write(tmp_path, 'cost = "power"\n[params]\nc = 1\nP = 1e9\n[analysis]\n'
                        'type = "morris"\nseed = 1\ntrajectories = 5\n'
                        'distributions.N = ["loguniform", 1, 100]\n'
                        'distributions.k = ["uniform", 1.5, 2.5]\n', "m.toml")
    js = tmp_path / "m.json"
    assert main(["sensitivity", str(s), "--out", str(js), "--seed", "4"]) == 0
    assert "Morris" in capsys.readouterr().out
    assert json.loads(js.read_text())["seed"] == 4


def test_cli_default_output_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["sensitivity", "local-power"]) == 0
    assert (tmp_path / "local-power.csv").exists()
    assert "local-power.csv" in capsys.readouterr().out


def test_nested_scenario_matches_the_library(tmp_path):
    """A nested analysis in a scenario file is pm.nested on the same levels."""
    f = tmp_path / "n.toml"
    f.write_text('cost = "power"\n[params]\nc = 1.0\nk = 2.0\nN = 1000\nP = 1e4\n'
                 '[analysis]\ntype = "nested"\n'
                 'levels = [{cost = "power", N = 10, c = 1.0, k = 2.0, x_cap = 3.0}]\n')
    r = pm.load_scenario(f).run()
    m = pm.Model("power", c=1.0, k=2.0)
    ref = pm.nested([(m, 1000), {"model": m, "N": 10, "x_cap": 3.0}], P=1e4)
    assert r == ref and r.x == (100.0, 3.0)
    out = pm.load_scenario(f).write(tmp_path / "n.csv")
    assert out.read_text().splitlines()[2].startswith("2,10.0,100.0,3.0,")


def test_nested_scenario_errors(tmp_path):
    f = tmp_path / "n.toml"
    f.write_text('cost = "power"\n[params]\nc = 1.0\nk = 2.0\nN = 10\nP = 1e4\n'
                 '[analysis]\ntype = "nested"\nlevels = [{cost = "power", N = 10, q = 1}]\n')
    with pytest.raises(pm.ScenarioError, match=r"unknown key `levels\[0\]\.q`"):
        pm.load_scenario(f)
    f.write_text('cost = "power"\n[params]\nc = 1.0\nk = 2.0\nP = 1e4\n'
                 '[analysis]\ntype = "nested"\nlevels = []\n')
    with pytest.raises(pm.ScenarioError, match=r"needs `params.N`"):
        pm.load_scenario(f)


# ---------------------------------------------------------------------------
# hostile scenario files: refused with exit 2 and one line, never read without limit
# ---------------------------------------------------------------------------

def _cli_error(argv):
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    lines = err.getvalue().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err.getvalue()
    return lines[0]


def test_scenario_that_is_not_utf8(tmp_path):
    p = tmp_path / "latin1.toml"
    p.write_bytes('cost = "power"\nname = "café"\n'.encode("latin-1"))
    with pytest.raises(pm.ScenarioError, match=r"not UTF-8 text \(byte 0xe9"):
        pm.load_scenario(p)
    assert "not UTF-8" in _cli_error(["sweep", str(p), "--out", str(tmp_path / "o.csv")])


def test_scenario_with_a_byte_order_mark_is_read(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + (HEAD + '[analysis]\ntype = "sweep"\nN = [10.0]\n').encode())
    assert float(pm.load_scenario(p).run().solution.x.ravel()[0]) == 5.0  # N/(2c)


@pytest.mark.parametrize("depth", [17, 200, 5000])
def test_scenario_nested_too_deeply(tmp_path, depth):
    p = write(tmp_path, HEAD + '[analysis]\ntype = "sweep"\nN = ' + "[" * depth + "1"
              + "]" * depth + "\n")
    with pytest.raises(pm.ScenarioError, match="nested deeper than 16 levels"):
        pm.load_scenario(p)
    assert "nested deeper" in _cli_error(["sweep", str(p), "--out", str(tmp_path / "o.csv")])


def test_scenario_nested_at_the_limit_is_read(tmp_path):
    # 16 levels is legal TOML nesting: refused for its content (N is not a list of numbers)
    p = write(tmp_path, HEAD + '[analysis]\ntype = "sweep"\nN = ' + "[" * 14 + "1"
              + "]" * 14 + "\n")
    with pytest.raises(pm.ScenarioError, match=r"`N\[0\]` must be a number"):
        pm.load_scenario(p)


def test_scenario_too_large(tmp_path):
    from powermodel.scenario import MAX_SCENARIO_BYTES

    p = write(tmp_path, HEAD + "#" * MAX_SCENARIO_BYTES + "\n")
    with pytest.raises(pm.ScenarioError, match="larger than"):
        pm.load_scenario(p)


@pytest.mark.parametrize("what", ["folder", "devzero", "fifo"])
def test_scenario_path_that_is_not_a_regular_file(tmp_path, what):
    import os

    if what == "folder":
        path = tmp_path
    elif what == "devzero":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero")
        path = "/dev/zero"
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)
    t0 = time.perf_counter()
    line = _cli_error(["sweep", str(path), "--out", str(tmp_path / "o.csv")])
    assert "not a regular file" in line and str(path) in line
    assert time.perf_counter() - t0 < 30  # neither blocks (FIFO) nor reads forever (/dev/zero)


@pytest.mark.parametrize("what", ["long name", "link loop", "empty", "under a file"])
def test_scenario_path_that_cannot_be_used_exits_2(tmp_path, what):
    import os

    if what == "long name":  # ENAMETOOLONG was an internal failure (exit 1)
        path, expected = str(tmp_path / ("a" * 300 + ".toml")), "File name too long"
    elif what == "link loop":
        os.symlink(tmp_path / "b.toml", tmp_path / "a.toml")
        os.symlink(tmp_path / "a.toml", tmp_path / "b.toml")
        path, expected = str(tmp_path / "a.toml"), "broken symbolic link (or a loop of them)"
    elif what == "empty":  # was taken as the current folder
        path, expected = "", "scenario must be a TOML file or a bundled scenario name, got ''"
    else:
        (tmp_path / "f").write_text("x")
        path, expected = str(tmp_path / "f" / "s.toml"), "not found"
    assert expected in _cli_error(["sweep", path, "--out", str(tmp_path / "o.csv")])


@pytest.mark.parametrize("path", [None, 3, b"nsweep-power"])
def test_scenario_path_of_another_type_is_an_input_error(path):
    with pytest.raises(pm.InputError, match="scenario must be a TOML file or a bundled "
                                            f"scenario name, got {re.escape(repr(path))}"):
        pm.load_scenario(path)


def test_huge_integers_in_a_scenario(tmp_path):
    p = write(tmp_path, HEAD + f'[analysis]\ntype = "sweep"\nN = [1, {10**400}]\n')
    with pytest.raises(pm.ScenarioError, match=r"`N\[1\]` is too large for a float: an "
                                               "integer of 401 digits"):
        pm.load_scenario(p)
    p = write(tmp_path, 'cost = "power"\n[params]\nc = ' + "9" * 400 +
              '\n[analysis]\ntype = "sweep"\n')
    with pytest.raises(pm.ScenarioError, match=r"`params.c` is too large"):
        pm.load_scenario(p)


def test_a_loaded_scenario_pickles_and_copies():
    import copy
    import pickle

    sc = pm.load_scenario("sobol-power")
    for twin in (pickle.loads(pickle.dumps(sc)), copy.deepcopy(sc), copy.copy(sc)):
        assert (twin.name, twin.cost, twin.params, repr(twin.model)) == \
            (sc.name, sc.cost, sc.params, repr(sc.model))
        assert twin.analysis == sc.analysis
