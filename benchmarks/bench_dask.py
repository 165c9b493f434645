"""Dask on one machine and on a cluster, and Sobol' at scale (issue 20, item 5).

Usage::

    python benchmarks/bench_dask.py                 # the full table (a few minutes)
    python benchmarks/bench_dask.py --quick         # smaller sizes (a smoke run)
    python benchmarks/bench_dask.py --only threads,cluster,sobol

One table; every baseline is measured in the same run, right next to ours
(the two are timed in turn, best of ``--repeat`` after a warm-up), on the
CPU clock of this process and on the wall clock. Each row gives the 1-minute
load average when it was measured: the machine is shared, so read the
ratios, not the seconds.

Rows:

* ``threads``: ``solve`` of 4e6 points given as a Dask array (4 and 2
  chunks, the threaded scheduler, ``.x`` computed) against the same solve on
  the NumPy array; ``pm.grid(..., chunks=)`` of 2000 x 2000 points against
  ``pm.grid`` without Dask (``.x`` read), in 4 and 2 blocks. Target: wall
  time <= 1.0x NumPy. A control row gives the speed-up the machine offered two
  threads of plain NumPy work at that moment.
  Results are checked to be identical.
* ``cluster``: ``pm.sobol(..., chunks=)`` on a ``dask.distributed``
  LocalCluster of 1 and of 2 worker processes (one thread each), for a
  closed-form cost (transfer-bound) and for the general solver
  (compute-bound); the speed-up of 2 workers over 1, and the cores the
  workers obtained (their CPU seconds / wall seconds). Results are checked
  to equal the call without Dask. Each with distributed's default worker
  environment and with ``MALLOC_TRIM_THRESHOLD_`` unset, and a control row
  (4 tasks of plain NumPy work) for each.
* ``sobol``: Sobol' indices with 6 inputs at n = 2^20 (8.4e6 solves) in a
  fresh process, without and with ``chunks=``: peak RSS (``VmHWM`` of
  ``/proc/self/status``) and time; target <= 1.5 GB. And at n = 2^14:
  ``pm.sobol`` against SALib's sample + solve + analyze (its default
  bootstrap of 100 resamples); target: >= 20x faster.
"""

import argparse
import math
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import powermodel as pm  # noqa: E402

ROWS = []

#: Six inputs of the power family: bench_sensitivity.py's.
from bench_sensitivity import DISTS as DISTS6  # noqa: E402
#: An expression (the general solver) and five inputs.
EXPR = "c*x**k + b*log(1 + x)"
DISTS5 = {"N": ("loguniform", 10, 1e6), "P": ("loguniform", 1e6, 1e12),
          "c": ("loguniform", 0.1, 10), "k": ("uniform", 1.5, 3.0), "b": ("uniform", 0.0, 5.0)}


def load():
    return f"{os.getloadavg()[0]:.1f}"


def clocks():
    return time.process_time(), time.perf_counter()


def pair(ours, base, repeat):
    """Best (cpu, wall) of ``ours`` and of ``base`` (if any), timed in turn after a warm-up
    of each."""
    fns = [(0, ours)] + ([(1, base)] if base is not None else [])
    for _, fn in fns:
        fn()
    best = {0: [math.inf, math.inf], 1: [math.inf, math.inf]}
    for _ in range(repeat):
        for i, fn in fns:
            c, w = clocks()
            fn()
            c2, w2 = clocks()
            best[i] = [min(best[i][0], c2 - c), min(best[i][1], w2 - w)]
    return tuple(best[0]), tuple(best[1])


def ms(t):
    return f"{t[0] * 1e3:.0f} / {t[1] * 1e3:.0f} ms"


def add(what, ours, base, ratio, goal, met, note=""):
    ROWS.append((what, ours, base, ratio, goal, met, load(), note))


# ---------------------------------------------------------------------------
# (a) the threaded scheduler against NumPy
# ---------------------------------------------------------------------------

def threads_rows(n, repeat):
    import dask
    import dask.array as da

    N = 10 ** np.random.default_rng(3).uniform(0, 4, n)
    m = pm.Model("power", c=1.0, k=2.5)
    x_np = m.solve(N=N, P=1e6).x

    def numpy():
        return np.asarray(m.solve(N=N, P=1e6).x)

    for parts in (4, 2):
        Nd = da.from_array(N, chunks=-(-n // parts))

        def dasked():
            return m.solve(N=Nd, P=1e6).x.compute(scheduler="threads")

        same = np.array_equal(dasked(), x_np)
        t_da, t_np = pair(dasked, numpy, repeat)
        r = t_da[1] / t_np[1]
        add(f"solve, {n:.0e} pts as a Dask array of {parts} chunks, threads, `.x`", ms(t_da),
            f"NumPy solve {ms(t_np)}", f"{r:.2f}x wall ({t_da[0] / t_np[0]:.2f}x CPU)",
            "<= 1.0x", "yes" if r <= 1.0 and same else "NO",
            f"identical: {same}; Dask used {t_da[0] / t_da[1]:.2f} cores")

    side = math.isqrt(n)
    axes = {"N": np.geomspace(1, 1e4, side), "P": np.geomspace(1e3, 1e9, side)}
    x_grid = pm.grid(m, axes).solution.x
    for parts in (4, 2):
        chunk = side * side // parts

        def grid_dask():
            with dask.config.set(scheduler="threads"):
                return pm.grid(m, axes, chunks=chunk).solution.x

        same = np.array_equal(grid_dask(), x_grid)
        t_da, t_np = pair(grid_dask, lambda: pm.grid(m, axes).solution.x, repeat)
        r = t_da[1] / t_np[1]
        add(f"grid {side} x {side} (N, P), chunks={chunk} ({parts} blocks), threads, `.x`",
            ms(t_da), f"grid without Dask {ms(t_np)}",
            f"{r:.2f}x wall ({t_da[0] / t_np[0]:.2f}x CPU)", "<= 1.0x",
            "yes" if r <= 1.0 and same else "NO",
            f"identical: {same}; Dask used {t_da[0] / t_da[1]:.2f} cores")


# ---------------------------------------------------------------------------
# (b) a LocalCluster of 1 and of 2 workers
# ---------------------------------------------------------------------------

def _worker_cpu(client):
    return sum(client.run(time.process_time).values())


def _burn(n):
    """Plain NumPy work that releases the GIL: the control of the parallel rows (what
    the machine gives two threads or processes at that moment)."""
    a = np.linspace(1.0, 2.0, n)
    for _ in range(20):
        a = np.sqrt(a * 1.5 + 0.5)
    return float(a[0])


CONTROL = [2**20] * 4


def control_threads(repeat):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as ex:
        t2, t1 = pair(lambda: list(ex.map(_burn, CONTROL)), lambda: [_burn(n) for n in CONTROL],
                      repeat)
    add("control: 4 blocks of plain NumPy work (GIL released), 2 threads vs 1", ms(t2),
        f"1 thread {ms(t1)}", f"{t1[1] / t2[1]:.2f}x faster (wall)", "-", "-",
        f"2 threads used {t2[0] / t2[1]:.2f} cores")


#: Worker environments: distributed's default (``MALLOC_TRIM_THRESHOLD_=65536`` set in
#: every worker by ``distributed.nanny.pre-spawn-environ``) and that variable unset.
ENVS = ("distributed's default", "MALLOC_TRIM_THRESHOLD_ unset")


def cluster_rows(quick, repeat):
    import warnings

    import dask
    import distributed

    cases = [
        (f"pm.sobol, power family, 6 inputs, n = 2^{14 if quick else 18}", pm.Model("power"),
         DISTS6, 2**14 if quick else 2**18, 2**16 if quick else 2**18),
        (f"pm.sobol, `{EXPR}` (general solver), 5 inputs, n = 2^{10 if quick else 14}",
         pm.Model(EXPR), DISTS5, 2**10 if quick else 2**14, 2**12 if quick else 2**14),
    ]
    local = [pm.sobol(m, d, n=n, seed=0, output="log(x)") for _, m, d, n, _ in cases]
    t_local = [pair(lambda m=m, d=d, n=n: pm.sobol(m, d, n=n, seed=0, output="log(x)"),
                    None, repeat)[0] for _, m, d, n, _ in cases]
    saved = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    results = {}
    try:
        for env in ENVS:
            for workers in (1, 2):
                # (the nanny writes its pre-spawn environment into this process's os.environ)
                os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
                cfg = {} if env == ENVS[0] else \
                    {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
                with warnings.catch_warnings(), dask.config.set(cfg):
                    warnings.simplefilter("ignore")  # (port and memory notices)
                    lc = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                  processes=True, dashboard_address=None)
                with lc, distributed.Client(lc) as client:
                    best = math.inf
                    for _ in range(repeat + 1):
                        w0 = time.perf_counter()
                        client.gather(client.map(_burn, CONTROL, pure=False))
                        best = min(best, time.perf_counter() - w0)
                    results[env, workers, "control"] = (best, None, True)
                    for i, (_, m, d, n, chunk) in enumerate(cases):
                        def run(m=m, d=d, n=n, chunk=chunk):
                            return pm.sobol(m, d, n=n, seed=0, output="log(x)", chunks=chunk)

                        same = run() == local[i]
                        best = (math.inf, 0.0)
                        for _ in range(repeat):
                            c0, w0 = _worker_cpu(client), time.perf_counter()
                            run()
                            w = time.perf_counter() - w0
                            if w < best[0]:
                                best = (w, (_worker_cpu(client) - c0) / w)
                        results[env, workers, i] = (*best, same)
    finally:
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        if saved is not None:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = saved
    for env in ENVS:
        w1, w2 = results[env, 1, "control"][0], results[env, 2, "control"][0]
        add(f"control: 4 tasks of plain NumPy work on the cluster, 2 workers vs 1 ({env})",
            f"2 workers {w2:.2f} s wall", f"1 worker {w1:.2f} s wall", f"{w1 / w2:.2f}x faster",
            "-", "-")
        for i, (label, _, d, n, chunk) in enumerate(cases):
            (w1, cores1, same1), (w2, cores2, same2) = results[env, 1, i], results[env, 2, i]
            speedup = w1 / w2
            add(f"{label} ({n * (len(d) + 2):.2g} solves), chunks={chunk}: 2 workers vs 1 "
                f"({env})", f"2 workers {w2:.2f} s wall (workers used {cores2:.2f} cores)",
                f"1 worker {w1:.2f} s ({cores1:.2f} cores); no Dask {t_local[i][1]:.2f} s",
                f"{speedup:.2f}x faster", "> 1x (scales)", "yes" if speedup > 1.0 else "NO",
                f"identical to no Dask: {same1 and same2}")


# ---------------------------------------------------------------------------
# (c) Sobol' at n = 2^20 (fresh process) and against SALib at 2^14
# ---------------------------------------------------------------------------

SCALE = r"""
import sys, time
sys.path.insert(0, {root!r})
import numpy as np
import powermodel as pm

def peak():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

c, w = time.process_time(), time.perf_counter()
r = pm.sobol("power", {dists!r}, n={n}, seed=0, output="log(x)", chunks={chunks!r})
print(time.process_time() - c, time.perf_counter() - w, peak())
"""


def scale_rows(log2n):
    n = 2**log2n
    d = len(DISTS6)
    own = n * (2 * d + d + 2) * 8   # the design and the outputs
    for chunks in (None, 2**18):
        code = SCALE.format(root=ROOT, dists=DISTS6, n=n, chunks=chunks)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split()
        cpu, wall, rss = float(out[0]), float(out[1]), int(out[2])
        how = "no Dask" if chunks is None else f"chunks={chunks}, threads"
        add(f"pm.sobol, 6 inputs, n = 2^{log2n} ({n * (d + 2):.3g} solves), fresh process, "
            f"{how}", f"peak RSS {rss / 2**30:.2f} GB; {cpu:.1f} / {wall:.1f} s",
            f"design + outputs {own / 2**30:.2f} GB", f"{rss / own:.1f}x the design",
            "<= 1.5 GB", "yes" if rss <= 1.5 * 2**30 else "NO")


def salib_rows(log2n, repeat):
    try:
        from SALib.analyze import sobol as sa
        from SALib.sample import sobol as ss
    except ImportError:
        add("SALib comparison", "-", "SALib not installed", "-", ">= 20x", "-")
        return
    from scipy import stats

    n = 2**log2n
    names = list(DISTS6)
    dists = [stats.loguniform(10, 1e6), stats.loguniform(1e6, 1e12),
             stats.loguniform(0.1, 10), stats.uniform(1.5, 1.5), stats.uniform(0.0, 0.01),
             stats.uniform(0.0, 0.5)]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    model = pm.Model("power")

    def salib(solve):
        X = ss.sample(problem, n, calc_second_order=False, seed=0)
        values = [dist.ppf(X[:, j]) for j, dist in enumerate(dists)]
        return sa.analyze(problem, solve(values), calc_second_order=False, seed=0)

    def with_pm(values):
        return np.log(model.solve(**dict(zip(names, values))).x)

    def bare(values):  # log x* of c x^k with overlap and speed prior, budget included
        N, P, c, k, rho, lam = values
        eff = N * (1 - lam) / (1 + rho * (N - 1))
        return np.minimum((np.log(eff) - np.log(c * k)) / (k - 1), (np.log(P) - np.log(c)) / k)

    def ours():
        return pm.sobol(model, DISTS6, n=n, seed=0, output="log(x)")

    r, si = ours(), salib(with_pm)
    t_ours, t_sa = pair(ours, lambda: salib(with_pm), repeat)
    ratio = t_sa[1] / t_ours[1]
    add(f"Sobol' 6 inputs, n = 2^{log2n} ({n * 8} solves): pm.sobol vs SALib sample + "
        "pm.solve + analyze", f"pm.sobol {ms(t_ours)}", f"SALib {ms(t_sa)}",
        f"{ratio:.0f}x faster (wall)", ">= 20x", "yes" if ratio >= 20 else "NO",
        f"ST(k): ours {r.total_order['k']:.3f}, SALib {si['ST'][3]:.3f}")
    t_ours, t_bare = pair(ours, lambda: salib(bare), repeat)
    ratio = t_bare[1] / t_ours[1]
    add("the same, SALib solving by the bare NumPy formula of x*", f"pm.sobol {ms(t_ours)}",
        f"SALib {ms(t_bare)}", f"{ratio:.0f}x faster (wall)", ">= 20x",
        "yes" if ratio >= 20 else "NO")


# ---------------------------------------------------------------------------

def table():
    head = ("row", "ours (CPU / wall)", "baseline, same run", "ratio", "target", "met",
            "load", "notes")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in ROWS:
        print("| " + " | ".join(str(v) for v in r) + " |")


SECTIONS = ("threads", "cluster", "sobol")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(SECTIONS))
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    only = set(a.only.split(","))
    q = a.quick
    print(f"powermodel {pm.__version__} ({os.path.dirname(pm.__file__)}), numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, "
          f"load average at start {load()}", flush=True)
    if "sobol" in only:  # first: a fresh process, before this one has grown
        scale_rows(16 if q else 20)
    if "threads" in only:
        control_threads(a.repeat)
        threads_rows(4 * 10**5 if q else 4 * 10**6, a.repeat)
    if "cluster" in only:
        cluster_rows(q, min(a.repeat, 3))
    if "sobol" in only:
        salib_rows(10 if q else 14, min(a.repeat, 3))
    table()
    return 0 if all(r[5] != "NO" for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
