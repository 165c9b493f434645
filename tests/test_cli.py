"""The command line's contract: exit codes, one-line messages, --debug, --json.

0 success; 2 bad input (exactly one line on stderr, starting with ``error:``);
1 internal failure (one line with a hint to rerun with ``--debug``), and
``--debug`` shows the traceback.
"""

import io
import json
import math
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

import powermodel as pm
import powermodel.model
from powermodel.cli import main
from powermodel.result import Solution

SOLVE = ["solve", "power", "--param", "c=1", "--param", "k=2", "--N", "100", "--P", "1e6"]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def one_error_line(err):
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def test_success_exit_0():
    code, out, err = run(SOLVE)
    assert code == 0 and err == ""
    table = dict(line.split() for line in out.splitlines())
    # f = x**2: f'(x) = N gives x* = 50, g* = (P - 2500)/N + 50
    assert float(table["x"]) == 50.0
    assert float(table["value"]) == pytest.approx((1e6 - 2500) / 100 + 50, rel=1e-12)
    assert table["regime"] == "interior"


@pytest.mark.parametrize("argv, needle", [
    (["solve", "power", "--param", "c=1", "--param", "k=2", "--N", "-3", "--P", "1"], "`N`"),
    (["solve", "power", "--param", "c=1", "--param", "k=2", "--N", "nan", "--P", "1"], "`N`"),
    (["solve", "power", "--param", "c=-1", "--param", "k=2", "--N", "3", "--P", "1"], "`c`"),
    (["solve", "power", "--param", "c=1", "--N", "3", "--P", "1"], "`k`"),
    (["solve", "power", "--param", "c=1", "--param", "k=2", "--param", "q=2", "--N", "3",
      "--P", "1"], "`q`"),
    (["solve", "power", "--param", "c=1", "--param", "c=2", "--param", "k=2", "--N", "3",
      "--P", "1"], "twice"),
    (["solve", "x + 5", "--N", "3", "--P", "1"], "f(0)"),
    (["solve", "nosuchfamily", "--N", "3", "--P", "1"], "nosuchfamily"),
    (["solve", "__import__('os')", "--N", "3", "--P", "1"], "__import__"),
    (["solve", "power", "--N", "x", "--P", "1"], "expected a number"),
    (["solve", "power", "--P", "1"], "--N"),
    (["solve", "power", "--N", "1", "--P", "1", "--bogus"], "--bogus"),
    (["nosuchcommand"], "nosuchcommand"),
    ([], "no command"),
    (["solve", "power", "--param", "c", "--N", "1", "--P", "1"], "NAME=VALUE"),
])
def test_bad_input_exit_2_with_one_line(argv, needle):
    code, out, err = run(argv)
    assert code == 2
    assert needle in one_error_line(err)
    assert out == ""


def test_bad_input_with_debug_is_still_one_line():
    code, out, err = run(SOLVE[:-4] + ["--N", "-1", "--P", "1", "--debug"])
    assert code == 2 and "`N`" in one_error_line(err)


def _boom(*a, **k):
    raise RuntimeError("kaboom\nsecond line")


def test_internal_failure_exit_1(monkeypatch):
    monkeypatch.setattr(powermodel.model, "_solve", _boom)
    code, out, err = run(SOLVE)
    assert code == 1
    line = one_error_line(err)
    assert "internal failure" in line and "RuntimeError: kaboom" in line
    assert "--debug" in line and "second line" not in line
    assert "Traceback" not in err


def test_debug_raises_the_original_exception(monkeypatch):
    monkeypatch.setattr(powermodel.model, "_solve", _boom)
    with pytest.raises(RuntimeError, match="kaboom"):
        main(SOLVE + ["--debug"])
    with pytest.raises(RuntimeError, match="kaboom"):
        main(["--debug"] + SOLVE)


PRELUDE = ("import sys, powermodel.model as m\n"
           "def boom(*a, **k): raise RuntimeError('kaboom')\n"
           "m._solve = boom\n"
           "from powermodel.cli import main\n")


def _subprocess(code, *args):
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120)


def test_debug_shows_the_traceback_in_a_process():
    p = _subprocess(PRELUDE + "sys.exit(main(sys.argv[1:]))", *SOLVE, "--debug")
    assert p.returncode == 1
    assert "Traceback (most recent call last)" in p.stderr
    assert "RuntimeError: kaboom" in p.stderr
    p = _subprocess(PRELUDE + "sys.exit(main(sys.argv[1:]))", *SOLVE)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert len(p.stderr.splitlines()) == 1 and "--debug" in p.stderr


def test_python_m_json_output():
    p = subprocess.run([sys.executable, "-m", "powermodel", *SOLVE, "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    d = json.loads(p.stdout)  # one JSON object
    assert set(d) == set(Solution._fields)
    assert d["x"] == 50.0 and d["regime"] == "interior" and d["status"] == "ok"
    assert d["value"] == pytest.approx((1e6 - 2500) / 100 + 50, rel=1e-12)
    assert d["x_budget"] == pytest.approx(1000.0, rel=1e-12)
    assert d["budget_share"] == pytest.approx(2500 / 1e6, rel=1e-12)
    assert all(isinstance(d[k], float) for k in Solution._fields
               if k not in ("regime", "status", "bound", "lower", "gap"))
    # NaN (not certified) is null in JSON
    assert d["bound"] is None and d["lower"] is None and d["gap"] is None


def test_certify_flag_gives_a_bound_at_least_the_optimum():
    p = subprocess.run([sys.executable, "-m", "powermodel", *SOLVE, "--json", "--certify"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    g_star = (1e6 - 2500) / 100 + 50  # f = x^2, N = 100: x* = 50
    assert d["bound"] >= g_star and 0 <= d["gap"] <= 1e-9 * g_star
    assert d["lower"] <= g_star and d["gap"] == d["bound"] - d["lower"]


def test_python_m_bad_input_exit_2():
    p = subprocess.run([sys.executable, "-m", "powermodel", "solve", "power", "--N", "-1",
                        "--P", "1", "--param", "c=1", "--param", "k=2"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == ""
    assert one_error_line(p.stderr) == "error: `N` must be positive, got -1.0"


def test_warnings_are_one_line_each():
    # P/N overflows a float: the solver warns; the CLI prints one line per warning.
    code, out, err = run(["solve", "power", "--param", "c=1", "--param", "k=2",
                          "--N", "1e-300", "--P", "1e300"])
    assert code == 0
    lines = err.splitlines()
    assert lines and all(line.startswith("warning: ") for line in lines)


def test_help_and_version_exit_0():
    with pytest.raises(SystemExit) as ei:
        run(["--version"])
    assert ei.value.code == 0
    code = subprocess.run([sys.executable, "-m", "powermodel", "--help"], capture_output=True,
                          text=True, timeout=120).returncode
    assert code == 0


def test_json_matches_the_library():
    code, out, err = run(SOLVE + ["--json"])
    d = json.loads(out)
    s = pm.solve("power", N=100, P=1e6, c=1.0, k=2.0)
    for k in Solution._fields:
        v = getattr(s, k)
        assert d[k] == v or (isinstance(v, float) and math.isnan(v) and d[k] is None)


def test_json_is_strict_for_the_unbounded_regime(capsys):
    import json as _json

    from powermodel.cli import main as _main
    assert _main(["solve", "F*(1 - exp(-x))", "--param", "F=1", "--N", "10", "--P", "100",
                  "--json"]) == 0
    d = _json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))
    assert d["regime"] == "unbounded" and d["x"] is None and d["learned_share"] == 1.0


# ---------------------------------------------------------------------------
# Hardening round 2: seeds, derive, interrupted and lost output, strict JSON
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("option, text, expected", [
    ("--N", "\u0661\u0660", "expected a number in ASCII digits"),     # Arabic-Indic 10
    ("--N", "\uff11\uff10", "expected a number in ASCII digits"),     # fullwidth 10
    ("--P", "1e999", "is beyond the float range"),                    # was read as inf
    ("--x-cap", "1e999", "is beyond the float range"),                # was "no cap"
    ("--N", "1e-400", "is too small for a float"),                    # was read as 0
    ("--P", "-1e-400", "is too small for a float"),
])
def test_numbers_beyond_the_float_range_or_in_other_digits_exit_2(option, text, expected):
    argv = ["solve", "power", "--param", "c=1", "--param", "k=2", "--N", "10", "--P", "1e6"]
    code, out, err = run([*argv, f"{option}={text}"])
    line = one_error_line(err)
    assert code == 2 and f"argument {option}: " in line and expected in line
    assert repr(text) in line


@pytest.mark.parametrize("argv", [
    ["derive", "power", "--digits", "\u0663"],
    ["sensitivity", "sobol-power", "--seed", "\u0663", "--out", "{tmp}/x.csv"],
    ["reproduce", "--no-pdf", "--figure", "optimum", "--jobs", "\u0663", "--out", "{tmp}/x"],
])
def test_whole_numbers_in_other_digits_exit_2(argv, tmp_path):
    code, out, err = run([a.format(tmp=tmp_path) for a in argv])
    assert code == 2 and "'\u0663'" in one_error_line(err)


@pytest.mark.parametrize("text", ["0", "-0", "0e-400", "inf", "-Infinity", "1_000", "4.9e-324"])
def test_numbers_python_reads_exactly_are_taken(text):
    from powermodel.cli import _number

    assert _number(text) == float(text)


@pytest.mark.parametrize("seed", ["inf", "-inf", "nan", "1e30", "-1", "1.5", "x",
                                  str(2**128), "9" * 40])
def test_bad_seeds_exit_2_naming_the_option(seed):
    code, out, err = run(["sensitivity", "sobol-power", f"--seed={seed}", "--out", "x.csv"])
    line = one_error_line(err)
    assert code == 2 and "--seed" in line and repr(seed) in line
    assert "_seed" not in line  # no internal name


@pytest.mark.parametrize("text, value", [("0", 0), ("12", 12), ("1e3", 1000),
                                         (str(2**63), 2**63),
                                         (str(2**128 - 1), 2**128 - 1)])
def test_good_seeds_are_the_integers_they_name(text, value):
    from powermodel.cli import _seed

    assert _seed(text) == value and type(_seed(text)) is int


def test_reproduce_seed_uses_the_same_rule():
    code, out, err = run(["reproduce", "--seed", "1e30", "--no-pdf", "--figure", "optimum"])
    assert code == 2 and "--seed" in one_error_line(err)


def test_repeated_figure_is_made_once(monkeypatch, tmp_path):
    import powermodel.figures as F

    seen = {}

    def fake_reproduce(out, *, seed, build_pdf, figures, jobs=None, progress=None):
        seen["figures"], seen["progress"] = figures, progress
        return type("R", (), dict(files=(), figures=(), numbers={}, pdf=None,
                                  pdf_note="no PDF"))()

    monkeypatch.setattr(F, "reproduce", fake_reproduce)
    code, out, err = run(["reproduce", "--out", str(tmp_path), "--no-pdf"]
                         + ["--figure", "tornado"] * 500 + ["--figure", "optimum"])
    assert code == 0
    assert seen["figures"] == ["tornado", "optimum"]
    assert seen["progress"] is False  # stderr is not a terminal here: no progress bar


def test_ctrl_c_exits_130_with_one_line(monkeypatch):
    def interrupted(self, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(powermodel.model.Model, "solve", interrupted)
    code, out, err = run(SOLVE)
    assert code == 130 and out == ""
    assert one_error_line(err) == "error: interrupted"


def test_broken_pipe_in_a_process_exits_141_silently():
    # the reader goes away at once: writing the table gets EPIPE
    p = subprocess.Popen([sys.executable, "-m", "powermodel", "nested", "--P", "1e6"]
                         + ["--level", "power; N=10; c=1; k=2"] * 2000,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=120) == 141
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_broken_pipe_in_process_exits_141(monkeypatch):
    import powermodel.cli as C

    def broken(text):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(C, "_emit", broken)
    monkeypatch.setattr(C, "_silence_stdout", lambda: None)
    code, out, err = run(SOLVE)
    assert code == 141 and err == ""


@pytest.mark.parametrize("stdout", ["closed", "full"])
def test_lost_output_is_not_success(stdout):
    # `>&-` (stdout closed) and a full disk (/dev/full): exit 1 and say so on stderr
    cmd = [sys.executable, "-m", "powermodel", *SOLVE]
    if stdout == "closed":
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           close_fds=True, preexec_fn=lambda: os.close(1), timeout=120)
    else:
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full here")
        with open("/dev/full", "w") as full:
            r = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "standard output" in lines[0]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["solve", "--help"]])
def test_lost_help_is_not_success(argv):
    # argparse ignores a failed write: --help to a full disk exited 0 with nothing shown
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "powermodel", *argv], stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write to standard output")


def test_derive_of_erf_cost_exits_0():
    # erf is not in NumPy: the convexity scan must take it from SciPy
    code, out, err = run(["derive", "x**2*erf(x)"])
    assert code == 0, err
    assert "f(x) = x**2*erf(x)" in out


def test_derive_time_limit_exits_2_naming_it():
    code, out, err = run(["derive", "log1p(log1p(log1p(log1p(x)))) + x**2", "--timeout", "1"])
    line = one_error_line(err)
    assert code == 2 and "time limit of 1 s" in line


def test_derive_timeout_beyond_the_timers_range_exits_0():
    # 1e30 s overflowed setitimer: exit 1 with an OverflowError
    code, out, err = run(["derive", "power", "--param", "c=1", "--param", "k=2",
                          "--timeout", "1e30"])
    assert code == 0, err
    assert "f(x) = x**2" in out


@pytest.mark.parametrize("name", ["x_cap", "rho", "pm_maximum", "overlap"])
def test_reserved_parameter_names_exit_2(name):
    code, out, err = run(["solve", f"max(x, {name})*x**2", "--param", f"{name}=1",
                          "--N", "10", "--P", "100"])
    assert code == 2 and f"`{name}`" in one_error_line(err)


def _strict(text):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")
    return json.loads(text, parse_constant=refuse)


def test_nested_json_is_strict(capsys):
    # a bounded cost that never reaches P at the last level: x* = inf there
    code = main(["nested", "--P", "1e6", "--level", "power; N=10; c=1; k=2", "--level",
                 "F*(1 - exp(-x)); N=10; F=1", "--json"])
    out = capsys.readouterr().out
    if code == 0:
        levels = _strict(out)
        assert levels[-1]["regime"] == "unbounded" and levels[-1]["x"] is None
    else:  # refused: an unbounded level is an error, not JSON with Infinity
        assert code == 2 and "Infinity" not in out


def test_sweep_json_is_strict_for_the_unbounded_regime(tmp_path):
    sc = tmp_path / "unb.toml"
    sc.write_text('cost = "F*(1 - exp(-x))"\n[params]\nF = 1.0\nP = 100.0\n'
                  '[analysis]\ntype = "sweep"\nN = [1.0, 10.0]\n', encoding="utf-8")
    out = tmp_path / "u.json"
    code, _, err = run(["sweep", str(sc), "--out", str(out), "--quiet"])
    assert code == 0, err
    d = _strict(out.read_text(encoding="utf-8"))
    # sup f = F = 1 < P: x is unconstrained and g grows without bound
    assert d["solution"]["regime"] == ["unbounded", "unbounded"]
    assert d["solution"]["x"] == [None, None] and d["solution"]["value"] == [None, None]


@pytest.mark.parametrize("drop", ["--N", "--P"])
def test_solve_needs_N_and_P(drop):
    # both are required: leaving one out is exit 2 with one line naming it (no default)
    argv = list(SOLVE)
    i = argv.index(drop)
    del argv[i:i + 2]
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert drop in one_error_line(err)


# ---------------------------------------------------------------------------
# round 3: seeds round-trip, the environment, terminal safety, full disks
# ---------------------------------------------------------------------------

def test_the_seed_an_unseeded_analysis_prints_is_taken_back():
    from powermodel.cli import _seed

    m = pm.Model("power", c=1.0, k=2.0)
    dists = {"N": ("loguniform", 10, 1e3), "P": ("loguniform", 1e6, 1e8)}
    first = pm.sobol(m, dists, n=2**6)                     # a fresh 128-bit seed
    assert first.seed >= 0
    again = pm.sobol(m, dists, n=2**6, seed=_seed(str(first.seed)))
    assert again.first_order == first.first_order and again.total_order == first.total_order


@pytest.mark.parametrize("value", ["1e308P", "1e400", "1e-300", "0", "\u0661\u0660G", "lots"])
def test_a_bad_memory_budget_exits_2_naming_the_variable_even_for_a_scalar_solve(
        monkeypatch, value):
    monkeypatch.setenv("POWERMODEL_MEMORY", value)
    code, out, err = run(SOLVE)
    assert code == 2 and "`POWERMODEL_MEMORY`" in one_error_line(err) and out == ""


def _powermodel(args, env, cwd):
    env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "powermodel", *args], capture_output=True,
                          env=env, cwd=cwd, timeout=120, text=True, errors="replace")


def test_a_bogus_backend_exits_2_naming_it(tmp_path):
    # a command that draws refuses it at once; a solve draws nothing and never reads it
    r = _powermodel(["reproduce", "--out", str(tmp_path / "o"), "--no-pdf", "--figure",
                     "decomposition"], {"MPLBACKEND": "bogus"}, tmp_path)
    assert r.returncode == 2 and r.stderr.splitlines() == [
        "error: `MPLBACKEND` is not a matplotlib backend: 'bogus' (unset it, or set it to agg)"]
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    assert _powermodel(SOLVE, {"MPLBACKEND": "bogus"}, tmp_path).returncode == 0


def test_usetex_in_matplotlibrc_and_an_ascii_terminal_still_reproduce(tmp_path):
    # a user's rc with text.usetex: True (LaTeX for every label) and PYTHONIOENCODING=ascii
    # with a non-ASCII output folder: both ended in exit 1
    (tmp_path / "mpl").mkdir()
    (tmp_path / "mpl" / "matplotlibrc").write_text("text.usetex: True\n")
    out = tmp_path / "r\u00e9sultats"
    r = _powermodel(["reproduce", "--out", str(out), "--no-pdf", "--figure", "decomposition"],
                    {"MPLCONFIGDIR": str(tmp_path / "mpl"), "PYTHONIOENCODING": "ascii"},
                    tmp_path)
    assert r.returncode == 0, r.stderr
    assert "r\\xe9sultats" in r.stdout                # escaped, not an encoding error
    assert (out / "decomposition.png").is_file()


def test_echoed_names_and_paths_are_escaped(tmp_path):
    code, out, err = run(["solve", "power", "--N", "10", "--P", "1e6",
                          "--param", "c\u202e\x1b[2J=1"])
    line = one_error_line(err)
    assert code == 2 and "\x1b" not in line and "\u202e" not in line
    assert "c\\u202e\\x1b[2J" in line
    code, out, err = run(["sweep", "nsweep-power", "--out", str(tmp_path / "a\x1b]0;x\x07b.csv")])
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "a\\x1b]0;x\\x07b" in out


def test_a_full_disk_is_reported_as_such(tmp_path, monkeypatch):
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = run(["sweep", "nsweep-power", "--out", str(tmp_path / "s.csv")])
    line = one_error_line(err)
    assert code == 2 and "No space left on device" in line and "internal" not in line
    assert list(tmp_path.iterdir()) == []                 # no temporary file left


def test_a_name_repeated_in_a_nested_level_is_refused():
    code, out, err = run(["nested", "--level", "power; N=10; c=1; k=2; c=3",
                          "--level", "power; N=5; c=1; k=2"])
    assert code == 2 and "`c` given twice in level" in one_error_line(err)
