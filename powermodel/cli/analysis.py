"""``powermodel sweep`` and ``powermodel sensitivity``: run a scenario file, write CSV or JSON.

Both take a scenario (a TOML file, or the name of a bundled scenario such as
``nsweep-power``), run its analysis, write the result atomically to
``--out`` (``.csv`` or ``.json``; default ``<scenario>.csv``) and print what
they wrote. Analyses that take longer than about a second show their
progress on stderr unless ``--quiet``.
"""

import sys
import threading
import time

from ._core import _seed, command

__all__ = []

#: Seconds before the progress indication appears.
PROGRESS_DELAY = 1.0


class _Progress:
    """Elapsed time and the current stage on stderr, once a run passes PROGRESS_DELAY."""

    def __init__(self, label, *, enabled=True, stream=None, delay=PROGRESS_DELAY):
        self.label, self.enabled, self.delay = label, enabled, delay
        self.stream = stream if stream is not None else sys.stderr
        self.message = "loading"
        self.shown = False
        self._last = None
        self._stop = threading.Event()
        self._thread = None
        self._t0 = None
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, message):
        self.message = message

    def _line(self):
        return f"{self.label}: {self.message} ({time.perf_counter() - self._t0:.1f} s)"

    def _tick(self):
        if self._stop.wait(self.delay):
            return
        while True:
            text = self._line()
            if self._tty:
                self.stream.write("\r" + text.ljust(72))
            elif self.message != self._last:
                self.stream.write(text + "\n")
            self._last = self.message
            self.shown = True
            self.stream.flush()
            if self._stop.wait(0.25):
                return

    def __enter__(self):
        self._t0 = time.perf_counter()
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.shown:
            done = f"{self.label}: {'done' if exc[0] is None else 'stopped'} in " \
                   f"{time.perf_counter() - self._t0:.1f} s"
            self.stream.write(("\r" + done.ljust(72) if self._tty else done) + "\n")
            self.stream.flush()
        return False


def _describe(result):
    name = type(result).__name__
    if name == "SweepResult":
        dims = " x ".join(f"{len(v)} {k}" for k, v in result.axes.items())
        return f"sweep over {dims}"
    if name == "SobolResult":
        return f"Sobol' indices of {len(result.names)} inputs (n = {result.n}, seed {result.seed})"
    if name == "MorrisResult":
        return (f"Morris effects of {len(result.names)} inputs ({result.trajectories} "
                f"trajectories, seed {result.seed})")
    if name == "OATResult":
        return f"one-at-a-time swings of {len(result.names)} inputs"
    if name == "MonteCarloResult":
        return f"Monte Carlo bands over {len(result.N)} values of N ({result.n} draws, seed {result.seed})"
    if name == "LocalSensitivity":
        return f"elasticities of {len(result.elasticities)} outputs"
    return name  # pragma: no cover


def _common(p, *, seed):
    p.add_argument("scenario", help="scenario TOML file, or a bundled scenario name")
    p.add_argument("--out", default=None, metavar="FILE.csv|FILE.json",
                   help="where to write the result (default: <scenario>.csv)")
    if seed:
        p.add_argument("--seed", type=_seed, default=None,
                       help="override the scenario's seed (random analyses)")
    p.add_argument("--quiet", action="store_true", help="no progress indication on stderr")


def _run(args, cmd):
    from ..scenario import run_scenario

    with _Progress(f"powermodel {cmd}", enabled=not args.quiet) as prog:
        path, result, sc = run_scenario(args.scenario, args.out, command=cmd, progress=prog,
                                        seed=getattr(args, "seed", None))
    return f"wrote {_describe(result)} to {path}"


@command("sweep", "run a sweep, grid, phase-diagram or nested scenario; write CSV or JSON")
def _sweep(args):
    return _run(args, "sweep")


_sweep.arguments = lambda p: _common(p, seed=False)


@command("sensitivity", "run a sensitivity scenario (oat, sobol, morris, montecarlo, local); "
                        "write CSV or JSON")
def _sensitivity(args):
    return _run(args, "sensitivity")


_sensitivity.arguments = lambda p: _common(p, seed=True)
