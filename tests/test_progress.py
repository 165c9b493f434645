"""The ``progress`` argument (powermodel/_progress.py) on every long-running entry point,
and the CLI's progress bar (on a terminal only)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import powermodel as pm
from powermodel import _progress
from powermodel.solver import BLOCK

POWER = pm.Model("power", c=1.0, k=2.0)


class Calls(list):
    """A progress callable that records its calls."""

    def __call__(self, done, total):
        self.append((done, total))


def check(calls, total):
    """The contract: (0, total) first, integers, done rising, (total, total) once and last."""
    assert calls, "progress was never called"
    assert all(type(d) is int and t == total and type(t) is int for d, t in calls), calls
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == total
    assert all(a < b for a, b in zip(done, done[1:])), done
    return done


# ---------------------------------------------------------------------------
# (done, total) from each entry point, with totals counted by hand
# ---------------------------------------------------------------------------

def test_sweep_counts_the_points_block_by_block():
    n = 2 * BLOCK + 5      # three blocks of the solver (a cost without a closed form)
    calls = Calls()
    r = pm.sweep(pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0),
                 N=np.geomspace(1, 1e6, n), P=1e6, progress=calls)
    assert check(calls, n) == [0, BLOCK, 2 * BLOCK, n]
    assert r.solution.x.shape == (n,)


def test_grid_counts_the_points_with_chunks_and_without():
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    axes = {"N": np.geomspace(1, 1e4, 10), "k": [1.5, 2.0, 3.0]}
    calls = Calls()
    pm.grid(pm.Model("power", c=1.0), axes, P=1e6, progress=calls)
    assert calls == [(0, 30), (30, 30)]   # 30 points, one block
    calls = Calls()
    # chunks=6: blocks of 2 rows of 3 points, each reported as it completes
    pm.grid(pm.Model("power", c=1.0), axes, P=1e6, chunks=6, progress=calls)
    assert check(calls, 30) == [0, 6, 12, 18, 24, 30]


def test_phase_diagram_counts_the_points():
    calls = Calls()
    pm.phase_diagram(pm.Model("linear"), ("N", [1, 10, 100]), ("c", [1.0, 10.0]), P=1e3,
                     progress=calls)
    assert calls == [(0, 6), (6, 6)]


def test_sobol_counts_blocks_then_bootstrap_batches():
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    d = {"N": ("uniform", 1, 2), "c": ("uniform", 1, 2)}
    calls = Calls()
    # chunks=40 points: 40 // (d + 2) = 10 base points a block, 64 base points -> 7 blocks
    pm.sobol(POWER, d, n=64, seed=0, P=1e9, chunks=40, progress=calls)
    check(calls, 7)
    assert len(calls) == 8
    calls = Calls()
    # random draws with a bootstrap: one block, then the 30 resamples in one batch
    pm.sobol(POWER, d, n=64, seed=0, P=1e9, sampler="random", n_resamples=30, progress=calls)
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_morris_counts_blocks_then_the_bootstrap():
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    d = {"N": ("uniform", 1, 2), "c": ("uniform", 1, 2)}
    calls = Calls()
    # 4 trajectories x (2 + 1) points = 12 points in blocks of 5 -> 3 blocks, + the bootstrap
    pm.morris(POWER, d, trajectories=4, seed=0, P=1e9, n_resamples=10, chunks=5,
              progress=calls)
    check(calls, 4)
    assert len(calls) == 5
    calls = Calls()
    pm.morris(POWER, d, trajectories=4, seed=0, P=1e9, n_resamples=0, progress=calls)
    assert calls == [(0, 1), (1, 1)]    # one block, no bootstrap


def test_morris_salib_counts_blocks_then_the_analysis():
    pytest.importorskip("SALib")
    calls = Calls()
    pm.morris(POWER, {"c": ("uniform", 1, 2)}, trajectories=4, seed=0, N=10, P=1e9,
              backend="salib", n_resamples=10, progress=calls)
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_monte_carlo_counts_blocks_of_draws():
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    calls = Calls()
    # chunks=4 points over 2 values of N: 2 draws a block, 10 draws -> 5 blocks
    pm.monte_carlo(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2)}, N=[1.0, 10.0], n=10,
                   seed=0, P=1e6, chunks=4, progress=calls)
    check(calls, 5)
    assert len(calls) == 6


def test_scenario_run_passes_progress_on():
    calls = Calls()
    r = pm.load_scenario("nsweep-power").run(progress=calls)
    assert calls == [(0, r.solution.x.size), (r.solution.x.size, r.solution.x.size)]
    calls = Calls()
    pm.load_scenario("tornado-exponential").run(progress=calls)   # oat: one step
    assert calls == [(0, 1), (1, 1)]


def test_reproduce_counts_the_figures(tmp_path):
    calls = Calls()
    r = pm.reproduce(tmp_path, figures=["tornado", "decomposition"], build_pdf=False, jobs=1,
                     progress=calls)
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert r.pdf is None


def test_an_exception_in_progress_stops_the_call():
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    def stop(done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pm.sobol(POWER, {"N": ("uniform", 1, 2)}, n=64, seed=0, P=1e9, chunks=30,
                 progress=stop)


# ---------------------------------------------------------------------------
# progress=True: tqdm when installed, else one line on stderr
# ---------------------------------------------------------------------------

def test_true_without_tqdm_rewrites_one_line_on_stderr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)      # import tqdm now fails
    pm.sweep(POWER, N=[1, 10, 100], P=1e6, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    # every draw returns to the start of the line; only the end of the bar ends it
    assert err.startswith("\rgrid: 0/3 points (0%)") and err.endswith("\n")
    assert err.count("\n") == 1
    last = err.rstrip("\n").rsplit("\r", 1)[1]
    assert last.startswith("grid: 3/3 points (100%), ") and last.rstrip().endswith(" s")


def test_the_line_is_closed_when_the_call_fails(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(pm.InputError, match="`output`"):
        pm.sobol(POWER, {"N": ("uniform", 1, 2)}, n=64, seed=0, P=1e9, progress=True,
                 output=lambda s: 1 / 0)
    err = capsys.readouterr().err
    assert err.startswith("\rsobol: 0/1 steps") and err.endswith("\n")


def test_true_with_tqdm_draws_a_tqdm_bar(capsys):
    pytest.importorskip("tqdm")
    pm.sweep(POWER, N=[1, 10, 100], P=1e6, progress=True)
    err = capsys.readouterr().err
    assert "grid: 100%|" in err and "3/3" in err   # tqdm's layout, not the plain line's


def test_import_and_silent_calls_do_not_load_tqdm():
    code = ("import sys, powermodel as pm\n"
            "pm.sweep(pm.Model('power', c=1.0, k=2.0), N=[1, 10], P=1e6,\n"
            "         progress=lambda done, total: None)\n"
            "print('tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------------------
# bad values; results do not depend on progress
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad, shown", [
    ("yes", "'yes'"), (1, "1"), (0, "0"), ([], r"\[\]"),
    (lambda message: None, r"<function .* with the signature \(message\)"),
])
def test_bad_progress_is_refused_naming_it(bad, shown):
    with pytest.raises(pm.InputError, match=r"`progress` must be .*got " + shown):
        pm.sweep(POWER, N=[1, 10], P=1e6, progress=bad)


@pytest.mark.parametrize("call", [
    lambda p: pm.grid(POWER, {"N": [1, 10]}, P=1e6, progress=p),
    lambda p: pm.phase_diagram(POWER, ("N", [1]), ("P", [1e6]), progress=p),
    lambda p: pm.sobol(POWER, {"N": ("uniform", 1, 2)}, n=64, P=1e6, progress=p),
    lambda p: pm.morris(POWER, {"N": ("uniform", 1, 2)}, P=1e6, progress=p),
    lambda p: pm.monte_carlo(POWER, {"P": ("uniform", 1, 2)}, progress=p),
    lambda p: pm.load_scenario("local-power").run(progress=p),
], ids=["grid", "phase_diagram", "sobol", "morris", "monte_carlo", "scenario"])
def test_every_entry_point_refuses_bad_progress(call):
    with pytest.raises(pm.InputError, match="`progress` must be"):
        call("bar")


def test_reproduce_refuses_bad_progress_before_writing(tmp_path):
    with pytest.raises(pm.InputError, match="`progress` must be"):
        pm.reproduce(tmp_path / "out", figures=["tornado"], progress="bar")
    assert not (tmp_path / "out").exists()


def test_same_seed_same_numbers_with_and_without_progress(monkeypatch):
    pytest.importorskip("dask", reason="chunks= needs the dask extra")
    monkeypatch.setitem(sys.modules, "tqdm", None)
    d = {"N": ("loguniform", 1, 100), "c": ("uniform", 1, 2)}
    for chunks in (None, 50):
        runs = [(pm.sobol(POWER, d, n=64, seed=3, P=1e9, sampler="random", n_resamples=20,
                          chunks=chunks, progress=p),
                 pm.morris(POWER, d, trajectories=6, seed=3, P=1e9, n_resamples=20,
                           chunks=chunks, progress=p),
                 pm.monte_carlo(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2)},
                                N=[1.0, 100.0], n=40, seed=3, P=1e9, chunks=chunks, progress=p))
                for p in (None, True, Calls())]
        assert runs[0] == runs[1] == runs[2]
        grids = [pm.sweep(pm.Model("overhead", F=50.0, s=0.1, c=1.0, k=2.0),
                          N=np.geomspace(1, 1e5, 40), P=[1e3, 1e6], chunks=chunks and 20,
                          progress=p).solution for p in (None, Calls())]
        for f in pm.Solution._fields:
            np.testing.assert_array_equal(np.asarray(getattr(grids[0], f)),
                                          np.asarray(getattr(grids[1], f)), err_msg=f)


# ---------------------------------------------------------------------------
# the reporter itself
# ---------------------------------------------------------------------------

def test_reporter_clamps_and_ignores_steps_back():
    calls = Calls()
    with _progress.reporter(calls, 3, label="x", unit="steps") as rep:
        rep.update_to(2)
        rep.update_to(1)      # a step back: ignored
        rep.advance(0)        # nothing new: not reported
        rep.advance(5)        # past the end: clamped
        rep.advance()
    assert calls == [(0, 3), (2, 3), (3, 3)]


def test_the_line_survives_a_closed_stderr(monkeypatch):
    import io

    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    r = pm.sweep(POWER, N=[1, 10], P=1e6, progress=True)   # the work goes on
    assert r.solution.x.tolist() == [0.5, 5.0]


# ---------------------------------------------------------------------------
# the CLI: a bar on a terminal, silence in a pipe
# ---------------------------------------------------------------------------

def _cli(args, tmp_path):
    return [sys.executable, "-m", "powermodel", *args, "--out", str(tmp_path / "r.csv")]


def test_cli_is_silent_when_stderr_is_a_pipe(tmp_path):
    p = subprocess.run(_cli(["sweep", "nsweep-power"], tmp_path), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert p.stdout.startswith("wrote sweep over 61 N x 3 k")


def _on_a_terminal(argv, size=None):
    """Run ``argv`` with stderr on a pseudo-terminal (of ``size`` (rows, columns), or one
    that reports none); returns (exit code, what it showed)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        if size is not None:
            import fcntl
            import struct
            import termios

            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    finally:
        os.close(slave)
    shown = b""
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # (Linux: EIO once the child's end is closed)
                break
            if not chunk:
                break
            shown += chunk
        p.communicate(timeout=120)
    finally:
        os.close(master)
        if p.poll() is None:  # pragma: no cover
            p.kill()
            p.wait()
    return p.returncode, shown.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_cli_shows_progress_on_a_terminal(tmp_path):
    # (a terminal that reports no size: tqdm would draw nothing there unless given one)
    code, shown = _on_a_terminal(_cli(["sweep", "nsweep-power"], tmp_path))
    assert code == 0, shown
    assert "183/183" in shown            # 61 x 3 points solved (tqdm's bar or the line)
    code, shown = _on_a_terminal(_cli(["sweep", "nsweep-power", "--quiet"], tmp_path))
    assert code == 0 and shown == ""


def test_cli_reproduce_asks_for_progress_on_a_terminal_only(monkeypatch, tmp_path):
    import io

    import powermodel.figures as F
    from powermodel.cli import main

    asked = []

    def fake_reproduce(out, *, progress=None, **kw):
        asked.append(progress)
        return type("R", (), dict(files=(), figures=(), numbers={}, pdf=None, pdf_note=""))()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(F, "reproduce", fake_reproduce)
    for stderr, quiet in ((Terminal(), []), (Terminal(), ["--quiet"]), (io.StringIO(), [])):
        monkeypatch.setattr(sys, "stderr", stderr)
        assert main(["reproduce", "--out", str(tmp_path), "--no-pdf", *quiet]) == 0
    assert asked == [True, False, False]
