"""Benchmark: Sobol' indices, their intervals, and their scale (issue 13).

Rows, each with a baseline measured in the same run:

1. **Interval calibration** on the known-answer problem x* = N/(2c), N ~
   loguniform(10, 1e4), c ~ loguniform(0.1, 10) (exact S1 and ST in
   tests/test_sensitivity.py), n = 2^12, over 40 seeds: coverage of the 95%
   intervals (target >= 0.8) and mean width / observed RMSE (target <= 10),
   for powermodel (replicated scrambled Sobol' points, Student t), SciPy's
   ``sobol_indices`` + its ``bootstrap()`` (BCa; fewer seeds, it is slow) and
   SALib's ``sobol.analyze`` (bootstrap), all at equal evaluations
   n (d + 2); and the former percentile bootstrap of Sobol' points.
2. **Time and accuracy** with 6 inputs at n = 2^14: ``pm.sobol`` (solver,
   checks, intervals) against the bare ``scipy.stats.sobol_indices`` and
   SALib on the closed-form x* (NumPy formula, no solver). Target < 3 s.
3. **Scale**: 6 inputs at n = 2^20 (8.4 million solves) in a fresh process:
   wall time and peak RSS (``resource.getrusage``). Targets <= 1.5 GB and a
   couple of minutes on 2 cores. Baseline: the size of the design and the
   outputs themselves.

Run:  python benchmarks/bench_sensitivity.py [--quick] [--skip-scale]
"""

import argparse
import math
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import powermodel as pm  # noqa: E402

DISTS = {
    "N": ("loguniform", 10, 1e6),
    "P": ("loguniform", 1e6, 1e12),
    "c": ("loguniform", 0.1, 10),
    "k": ("uniform", 1.5, 3.0),
    "overlap": ("uniform", 0.0, 0.01),
    "runtime_penalty": ("uniform", 0.0, 0.5),
}
PRODUCT = {"N": ("loguniform", 10, 1e4), "c": ("loguniform", 0.1, 10)}


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def product_truth(a=10.0, b=1e4, p=0.1, q=10.0):
    """Exact S1 and ST of x* = N/(2c) (derivation: tests/test_sensitivity.py)."""
    L1, L2 = math.log(b / a), math.log(q / p)
    EU, EU2 = (b - a) / L1, (b * b - a * a) / (2 * L1)
    EW, EW2 = (1 / p - 1 / q) / L2 / 2, (1 / p**2 - 1 / q**2) / (2 * L2) / 4
    V = EU2 * EW2 - EU**2 * EW**2
    VN, Vc = (EU2 - EU**2) * EW**2, EU**2 * (EW2 - EW**2)
    return np.array([VN / V, Vc / V, 1 - Vc / V, 1 - VN / V])   # S1 N, S1 c, ST N, ST c


def _score(est, lo, hi, truth):
    est, lo, hi = (np.array(v) for v in (est, lo, hi))
    cover = np.mean((lo <= truth) & (truth <= hi))
    rmse = np.sqrt(np.mean((est - truth) ** 2, axis=0))
    ratio = np.mean(hi - lo, axis=0) / rmse
    return cover, ratio, rmse


def calibration(seeds, n, scipy_seeds):
    from scipy import stats

    truth = product_truth()
    d = 2
    print(f"\n### Interval calibration: x* = N/(2c), n = {n}, 95% intervals, "
          f"{n * (d + 2)} evaluations per run\n")
    row("method", "seeds", "coverage", "width / RMSE (per index)", "RMSE (mean)",
        "width (mean)", "time per run", "goal", "result")
    row(*["---"] * 9)

    def ours(seed, **kw):
        r = pm.sobol(pm.Model("power", k=2.0), PRODUCT, n=n, seed=seed, P=1e12, **kw)
        est = [r.first_order["N"], r.first_order["c"], r.total_order["N"], r.total_order["c"]]
        iv = [r.first_order_interval["N"], r.first_order_interval["c"],
              r.total_order_interval["N"], r.total_order_interval["c"]]
        return est, [a for a, _ in iv], [b for _, b in iv]

    def run(label, fun, nseeds, goal=None):
        t = time.perf_counter()
        res = [fun(s) for s in range(nseeds)]
        dt = (time.perf_counter() - t) / nseeds
        cover, ratio, rmse = _score(*zip(*res), truth)
        ok = "-" if goal is None else ("pass" if cover >= 0.8 and ratio.max() <= 10 else "FAIL")
        row(label, nseeds, f"{cover:.3f}", ", ".join(f"{v:.1f}" for v in ratio),
            f"{rmse.mean():.4f}", f"{np.mean(ratio * rmse):.3f}", f"{dt:.3f} s", goal or "-", ok)
        return ok

    verdict = run(f"powermodel: {pm.sensitivity.REPLICATES} scrambled replicates, Student t", ours, seeds,
                  goal="coverage >= 0.8, width <= 10 RMSE")
    run("powermodel: Sobol' points, former percentile bootstrap (999)",
        lambda s: _former_bootstrap(s, n), max(4, seeds // 4))
    run("powermodel: random draws, percentile bootstrap (999)",
        lambda s: ours(s, sampler="random"), seeds)

    lu = [stats.loguniform(10, 1e4), stats.loguniform(0.1, 10)]

    def func(X):
        return X[0] / (2 * X[1])

    def scipy_run(seed):
        r = stats.sobol_indices(func=func, n=n, dists=lu, rng=np.random.default_rng(seed))
        b = r.bootstrap(confidence_level=0.95, n_resamples=999)
        est = [*r.first_order, *r.total_order]
        lo = [*b.first_order.confidence_interval.low, *b.total_order.confidence_interval.low]
        hi = [*b.first_order.confidence_interval.high, *b.total_order.confidence_interval.high]
        return est, lo, hi

    run("SciPy sobol_indices + bootstrap() (BCa, 999)", scipy_run, scipy_seeds)
    try:
        from SALib.analyze import sobol as sa
        from SALib.sample import sobol as ss
    except ImportError:
        row("SALib", "-", "not installed", "-", "-", "-", "-", "-", "-")
        return verdict
    problem = {"num_vars": 2, "names": ["N", "c"], "bounds": [[0, 1], [0, 1]]}

    def salib_run(seed):
        X = ss.sample(problem, n, calc_second_order=False, seed=seed)
        N, c = (stats.loguniform(10, 1e4).ppf(X[:, 0]), stats.loguniform(0.1, 10).ppf(X[:, 1]))
        si = sa.analyze(problem, N / (2 * c), calc_second_order=False, num_resamples=100,
                        seed=seed)
        est = [*si["S1"], *si["ST"]]
        lo = [*(si["S1"] - si["S1_conf"]), *(si["ST"] - si["ST_conf"])]
        hi = [*(si["S1"] + si["S1_conf"]), *(si["ST"] + si["ST_conf"])]
        return est, lo, hi

    run("SALib sobol.analyze (bootstrap, 100)", salib_run, seeds)
    return verdict


def _former_bootstrap(seed, n):
    """The former intervals: one scrambled Sobol' design, percentile bootstrap of base points."""
    from scipy import stats

    from powermodel.sensitivity import _bootstrap_sobol, _saltelli

    rng = np.random.default_rng(seed)
    u = stats.qmc.Sobol(d=4, scramble=True, rng=rng).random(n)
    N = 10 * 1e3 ** np.column_stack([u[:, 0], u[:, 2], u[:, 2], u[:, 0]])   # A, B, AB_N, AB_c
    c = 0.1 * 1e2 ** np.column_stack([u[:, 1], u[:, 3], u[:, 1], u[:, 3]])
    Y = (N / (2 * c)).T
    est = _saltelli(Y[0], Y[1], Y[2:])
    lo, hi = _bootstrap_sobol(Y, 999, 0.95, rng, None)
    return list(est), list(lo), list(hi)


def closed_form_log_x(X):
    """log x* of c x^k with overlap and speed prior, budget included (the analytic baseline)."""
    N, P, c, k, rho, lam = X
    n = N * (1 - lam) / (1 + rho * (N - 1))
    interior = (np.log(n) - np.log(c * k)) / (k - 1)
    budget = (np.log(P) - np.log(c)) / k
    return np.minimum(interior, budget)


def best_of(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def six_inputs(n, repeat):
    from scipy import stats

    print(f"\n### Six inputs, n = {n} ({8 * n} evaluations): time at equal evaluations\n")
    row("method", "time (best of %d)" % repeat, "S1 of k (closed form answer: see ST)",
        "ST of k", "goal", "result")
    row(*["---"] * 6)
    model = pm.Model("power")
    t_ours, r = best_of(lambda: pm.sobol(model, DISTS, n=n, seed=0,
                                         output=lambda s: np.log(s.x)), repeat)
    ok = "pass" if t_ours < 3.0 else "FAIL"
    row("pm.sobol (solver, checks, replicate intervals)", f"{t_ours:.2f} s",
        f"{r.first_order['k']:.4f} [{r.first_order_interval['k'][0]:.4f}, "
        f"{r.first_order_interval['k'][1]:.4f}]", f"{r.total_order['k']:.4f}", "< 3 s", ok)
    dists = [stats.loguniform(10, 1e6), stats.loguniform(1e6, 1e12), stats.loguniform(0.1, 10),
             stats.uniform(1.5, 1.5), stats.uniform(0.0, 0.01), stats.uniform(0.0, 0.5)]
    t_sp, rs = best_of(lambda: stats.sobol_indices(func=closed_form_log_x, n=n, dists=dists,
                                                   rng=np.random.default_rng(0)), repeat)
    row("scipy.stats.sobol_indices on the NumPy formula (no intervals)", f"{t_sp:.2f} s",
        f"{rs.first_order[3]:.4f}", f"{rs.total_order[3]:.4f}", "-", "-")
    try:
        from SALib.analyze import sobol as sa
        from SALib.sample import sobol as ss
    except ImportError:
        return ok
    problem = {"num_vars": 6, "names": list(DISTS), "bounds": [[0, 1]] * 6}

    def salib():
        X = ss.sample(problem, n, calc_second_order=False, seed=0)
        cols = [d.ppf(X[:, j]) for j, d in enumerate(dists)]
        return sa.analyze(problem, closed_form_log_x(cols), calc_second_order=False,
                          num_resamples=100, seed=0)

    t_sa, si = best_of(salib, repeat)
    row("SALib sample + analyze on the NumPy formula (bootstrap 100)", f"{t_sa:.2f} s",
        f"{si['S1'][3]:.4f} +- {si['S1_conf'][3]:.4f}", f"{si['ST'][3]:.4f}", "-", "-")
    return ok


SCALE = r"""
import resource, sys, time, numpy as np
sys.path.insert(0, {root!r})
import powermodel as pm
D = {dists!r}
t = time.perf_counter()
r = pm.sobol("power", D, n={n}, seed=0, output=lambda s: np.log(s.x))
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def scale(log2n):
    n = 2**log2n
    d = len(DISTS)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    code = SCALE.format(root=root, dists=DISTS, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    seconds, rss = float(out[0]), int(out[1])
    own = n * (2 * d + d + 2) * 8
    print(f"\n### Scale: 6 inputs, n = 2^{log2n} ({n * (d + 2):,} solves), fresh process\n")
    row("measure", "measured", "baseline", "goal", "result")
    row(*["---"] * 5)
    ok_rss = rss <= 1.5 * 2**30
    ok_t = seconds <= 150
    row("peak RSS", f"{rss / 2**30:.2f} GB", f"design + outputs {own / 2**30:.2f} GB", "<= 1.5 GB",
        "pass" if ok_rss else "FAIL")
    row("wall time", f"{seconds:.1f} s", f"{n * (d + 2) / seconds:.3g} solves/s",
        "a couple of minutes (<= 150 s)", "pass" if ok_t else "FAIL")
    return "pass" if ok_rss and ok_t else "FAIL"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer seeds, smaller sizes")
    ap.add_argument("--skip-scale", action="store_true", help="leave out the 2^20 run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    q = args.quick
    print(f"powermodel {pm.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    results = []
    if not args.skip_scale:  # first: a child's ru_maxrss starts from its parent's at fork
        results.append(scale(16 if q else 20))
    results += [calibration(seeds=10 if q else 40, n=2**12, scipy_seeds=3 if q else 10),
                six_inputs(2**10 if q else 2**14, 1 if q else args.repeat)]
    return 0 if all(r != "FAIL" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
