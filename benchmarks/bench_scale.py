"""Benchmark: light Solution, Dask against NumPy, a distributed cluster against local (issue 13).

Rows, each against a baseline measured in the same run (best of several runs):

1. **Closed form solve + .x** of 1e6 points against the bare NumPy expression
   of x* (``np.minimum((N/(c*k))**(1/(k-1)), (P/c)**(1/k))``). Target <= 3x.
   Also every field (first access derives them) against the former cost.
2. **Dask against NumPy**: ``solve`` on a dask array of 1e7 N values (chunks
   of 1e6, the threaded scheduler, 2 cores) against the same solve on a NumPy
   array in one process; ``.x`` alone and every field (``pm.compute``).
   Target: at least as fast (ratio >= 1), goal 1.5x.
3. **Distributed against local**: ``pm.sobol(..., chunks=...)`` on a
   ``dask.distributed.LocalCluster`` with 2 worker processes against the same
   call without Dask in one process (results identical).

Run:  python benchmarks/bench_scale.py [--quick] [--skip-cluster]
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import _timing  # noqa: E402
import powermodel as pm  # noqa: E402


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def best(fn, repeat):
    return _timing.best(fn, repeat, clock=time.perf_counter, warmup=False)


def closed_form(size, repeat):
    print(f"\n### Closed form solve + .x, {size:.0e} points\n")
    row("case", "ours", "bare NumPy x*", "ratio", "goal", "result")
    row(*["---"] * 6)
    N = np.geomspace(1, 1e7, size)
    verdict = "pass"
    for label, model, bare in (
        ("power k=2", pm.Model("power", c=1.0, k=2.0),
         lambda: np.minimum((N / 2.0) ** (1 / 1.0), (1e6 / 1.0) ** (1 / 2.0))),
        ("power k=2.5", pm.Model("power", c=1.0, k=2.5),
         lambda: np.minimum((N / 2.5) ** (1 / 1.5), (1e6 / 1.0) ** (1 / 2.5))),
        ("exponential a=1e-3", pm.Model("exponential", c=1.0, a=1e-3),
         lambda: np.clip(np.log(N / 1e-3) / 1e-3, 0, np.log1p(1e6) / 1e-3)),
    ):
        t_ours = best(lambda: model.solve(N=N, P=1e6).x, repeat)
        t_bare = best(bare, repeat)
        ok = t_ours <= 3 * t_bare
        verdict = verdict if ok else "FAIL"
        row(f"{label}: Model.solve(...).x", f"{t_ours * 1e3:.1f} ms", f"{t_bare * 1e3:.1f} ms",
            f"{t_ours / t_bare:.2f}x", "<= 3x", "pass" if ok else "FAIL")
    model = pm.Model("power", c=1.0, k=2.0)

    def every():
        s = model.solve(N=N, P=1e6)
        return [getattr(s, f) for f in pm.Solution._fields]

    t_all = best(every, repeat)
    t_x = best(lambda: model.solve(N=N, P=1e6).x, repeat)
    row("power k=2: every field (derived on first access)", f"{t_all * 1e3:.1f} ms",
        f"solve + .x {t_x * 1e3:.1f} ms", f"{t_all / t_x:.2f}x", "-", "-")
    return verdict


def dask_vs_numpy(size, repeat):
    import dask.array as da

    print(f"\n### Dask (threads, {os.cpu_count()} cores) against NumPy in one process, "
          f"{size:.0e} points\n")
    row("what", "NumPy", "Dask", "speed-up", "goal", "result")
    row(*["---"] * 6)
    N = np.geomspace(1, 1e7, size)
    Nd = da.from_array(N, chunks=size // 10)
    verdict = "pass"
    for label, model in (("power k=2.5", pm.Model("power", c=1.0, k=2.5)),
                         ("overhead (general solver)",
                          pm.Model("overhead", F=50.0, s=0.1, c=1.0, k=2.0))):
        t_np = best(lambda: model.solve(N=N, P=1e6).x, repeat)
        t_da = best(lambda: model.solve(N=Nd, P=1e6).x.compute(scheduler="threads"), repeat)
        ok = t_np / t_da >= 1.0
        verdict = verdict if ok else "FAIL"
        row(f"{label}: .x", f"{t_np:.2f} s", f"{t_da:.2f} s", f"{t_np / t_da:.2f}x",
            ">= 1x (goal 1.5x)", "pass" if ok else "FAIL")

        def np_all():
            s = model.solve(N=N, P=1e6)
            return [getattr(s, f) for f in pm.Solution._fields]

        t_np = best(np_all, repeat)
        t_da = best(lambda: pm.compute(model.solve(N=Nd, P=1e6), scheduler="threads"), repeat)
        ok = t_np / t_da >= 1.0
        verdict = verdict if ok else "FAIL"
        row(f"{label}: every field (pm.compute)", f"{t_np:.2f} s", f"{t_da:.2f} s",
            f"{t_np / t_da:.2f}x", ">= 1x (goal 1.5x)", "pass" if ok else "FAIL")
    return verdict


def cluster(n, repeat):
    import distributed

    print(f"\n### pm.sobol on a LocalCluster (2 worker processes) against one process, n = {n}\n")
    row("what", "one process, no Dask", "cluster", "speed-up", "same results")
    row(*["---"] * 5)
    D = {"N": ("loguniform", 10, 1e6), "P": ("loguniform", 1e6, 1e12),
         "c": ("loguniform", 0.1, 10), "k": ("uniform", 1.5, 3.0)}
    model = pm.Model("power")
    local = pm.sobol(model, D, n=n, seed=0)
    t_local = best(lambda: pm.sobol(model, D, n=n, seed=0), repeat)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as lc, distributed.Client(lc):
        chunk = 2**17
        remote = pm.sobol(model, D, n=n, seed=0, chunks=chunk)
        t_cluster = best(lambda: pm.sobol(model, D, n=n, seed=0, chunks=chunk), repeat)
    row(f"sobol, 4 inputs, {n * 6:,} solves (chunks of {chunk})", f"{t_local:.2f} s",
        f"{t_cluster:.2f} s", f"{t_local / t_cluster:.2f}x", str(remote == local))
    return "pass" if remote == local else "FAIL"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-cluster", action="store_true")
    args = ap.parse_args(argv)
    q = args.quick
    print(f"powermodel {pm.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    results = [closed_form(10**5 if q else 10**6, 3 if q else 9),
               dask_vs_numpy(10**6 if q else 10**7, 1 if q else 3)]
    if not args.skip_cluster:
        results.append(cluster(2**14 if q else 2**18, 1 if q else 2))
    return 0 if all(r != "FAIL" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
