"""``powermodel sweep`` and ``powermodel sensitivity``: run a scenario file, write CSV or JSON.

Both take a scenario (a TOML file, or the name of a bundled scenario such as
``nsweep-power``), run its analysis, write the result atomically to
``--out`` (``.csv`` or ``.json``; default ``<scenario>.csv``) and print what
they wrote. On a terminal, a progress bar on stderr follows the analysis
(``progress=True``, see :mod:`powermodel._progress`); piped or redirected,
or with ``--quiet``, no progress is shown.
"""

import sys

from ._core import _seed, command, is_terminal

__all__ = []


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
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar on stderr (there is none when stderr is not a terminal)")


def _run(args, cmd):
    from ..scenario import run_scenario

    path, result, sc = run_scenario(args.scenario, args.out, command=cmd,
                                    progress=not args.quiet and is_terminal(sys.stderr),
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
