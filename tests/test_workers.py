"""powermodel._workers: workers die with their parent, stops are fast, no leftovers.

The signal tests run ``powermodel reproduce`` in a subprocess with its own
process group (``start_new_session``), bounded by timeouts; the group is killed
in a ``finally`` clause, so a failing test leaves no process behind.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from powermodel import _io, _workers
from powermodel.errors import InputError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the process group")

#: Cheap figures (about a second each), enough of them that the run lasts a few seconds.
FIGS = ("landscape", "decomposition", "multiplier", "tornado", "jumps", "optimum", "morris",
        "speed_prior")


def _group(pgid):
    """Process ids in process group ``pgid`` (zombies excluded)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(d.name))
    return out


def _files(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def _start(out, jobs=2):
    cmd = [sys.executable, "-m", "powermodel", "reproduce", "--out", str(out), "--no-pdf",
           "--jobs", str(jobs)]
    for f in FIGS:
        cmd += ["--figure", f]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_first_file(proc, out, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.is_dir() and any(not n.startswith(".") for n in _files(out)):
            return
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.02)
    pytest.fail("no file was written in time")


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def _complete(folder):
    """Every file is whole: PNG and PDF trailers, CSV ending in a newline."""
    for p in Path(folder).iterdir():
        data = p.read_bytes()
        if p.suffix == ".png":
            assert data.endswith(b"IEND\xaeB`\x82"), p
        elif p.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), p
        else:
            assert data.endswith(b"\n"), p


def test_workers_die_with_a_killed_parent_and_write_nothing_more(tmp_path):
    out = tmp_path / "out"
    proc = _start(out)
    try:
        _wait_first_file(proc, out)
        assert len(_group(proc.pid)) == 3            # the parent and two workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _group(proc.pid) == [], "workers outlived their parent"
        before = _files(out)
        time.sleep(0.5)
        assert _files(out) == before                 # nothing more written
        assert not [n for n in before if n.endswith(".tmp")]
        _complete(out)
    finally:
        _kill_group(proc)


@pytest.mark.parametrize("sig, code, line", [(signal.SIGINT, 130, "error: interrupted"),
                                             (signal.SIGTERM, 143, "error: terminated")])
def test_ctrl_c_and_sigterm_stop_the_run_at_once(tmp_path, sig, code, line):
    out = tmp_path / "out"
    proc = _start(out)
    try:
        _wait_first_file(proc, out)
        t0 = time.monotonic()
        # Ctrl-C reaches the whole foreground group; `kill` reaches the parent alone
        (os.killpg if sig == signal.SIGINT else os.kill)(proc.pid, sig)
        proc.wait(10)
        # (bounded by the grace period plus the interpreter's exit, not timed precisely)
        assert time.monotonic() - t0 < 2 + 2 * _workers.GRACE
        assert proc.returncode == code
        assert proc.stderr.read().decode().splitlines() == [line]
        time.sleep(0.3)
        assert _group(proc.pid) == []
        names = _files(out)
        assert not [n for n in names if n.endswith(".tmp")]
        assert len(names) < 3 * len(FIGS)            # stopped, not run to the end
        _complete(out)
    finally:
        _kill_group(proc)


def test_stale_temporaries_of_dead_writers_are_removed_at_the_next_run(tmp_path):
    # a writer killed by SIGKILL cannot clean up: its pid names it dead
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".landscape.csv.pm{dead.pid}.abcd_123.tmp"
    live = tmp_path / f".other.csv.pm{os.getppid()}.abcd_123.tmp"  # a live writer's
    foreign = tmp_path / ".notes.tmp"                               # not ours
    for p in (stale, live, foreign):
        p.write_text("half")
    _workers.run(len, [("ab",)], jobs=1, folder=tmp_path)
    assert not stale.exists() and live.exists() and foreign.exists()
    # atomic_write sweeps the temporaries of its own destination
    stale.write_text("half")
    _io.write_text(tmp_path / "landscape.csv", "x\n")
    assert not stale.exists()


def test_jobs_are_at_most_the_cpus_and_the_tasks(tmp_path):
    from powermodel.cli import main

    cpus = _workers.cpu_count()
    with pytest.raises(InputError, match=rf"at most the number of CPUs \({cpus}\), got 300"):
        _workers.check_jobs(300, 2)
    assert _workers.check_jobs(cpus, 1) == 1
    assert _workers.check_jobs(None, 10**6) == cpus
    assert main(["reproduce", "--out", str(tmp_path), "--no-pdf", "--jobs", "300",
                 "--figure", "decomposition"]) == 2
    assert _files(tmp_path) == []                    # refused before any work


def _sleep_or_fail(seconds):
    if seconds < 0:
        raise ZeroDivisionError("a failing task")
    time.sleep(seconds)


def test_an_error_in_one_task_stops_the_others_at_once():
    t0 = time.monotonic()
    with pytest.raises(ZeroDivisionError, match="a failing task"):
        _workers.run(_sleep_or_fail, [(60,), (-1,), (60,), (60,)], jobs=2)
    assert time.monotonic() - t0 < 30                # not the 60 s of the sleeping task


@pytest.mark.parametrize("jobs", [1, 2])
def test_done_is_called_once_per_task_as_it_finishes(jobs):
    seen = []
    out = _workers.run(_sleep_or_fail, [(0.2,), (0,), (0,)], jobs=jobs, done=seen.append)
    assert out == [None, None, None]
    assert sorted(seen) == [0, 1, 2]
    seen.clear()
    with pytest.raises(ZeroDivisionError):
        _workers.run(_sleep_or_fail, [(0,), (-1,)], jobs=1, done=seen.append)
    assert seen == [0]                               # a failed task is not reported
