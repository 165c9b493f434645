"""Benchmark: Sobol' indices with 6 inputs and 2^14 base samples, bootstrap intervals included.

Target: ``powermodel.sobol`` with 6 inputs, n = 2^14 (8 x 2^14 = 131072 model
solutions) and 999 bootstrap resamples in under 3 s on the 2-core reference
machine. Baseline measured in the same run: the bare
``scipy.stats.sobol_indices`` call on the closed-form x* of the same model
(NumPy formula, no solver, no intervals), so the table shows what the solver,
the checks and the intervals cost on top of SciPy.

Intervals are percentile bootstrap intervals (scipy.stats.bootstrap, each
resample re-estimated by scipy.stats.sobol_indices). SciPy's own
``SobolResult.bootstrap`` uses BCa, whose jackknife re-estimates the indices
n = 16384 times (about 30 s here); ``--scipy-bca`` adds that row.

Run:  python benchmarks/bench_sensitivity.py [--repeat 3] [--scipy-bca]
"""

import argparse
import time

import numpy as np

import powermodel as pm

DISTS = {
    "N": ("loguniform", 10, 1e6),
    "P": ("loguniform", 1e6, 1e12),
    "c": ("loguniform", 0.1, 10),
    "k": ("uniform", 1.5, 3.0),
    "overlap": ("uniform", 0.0, 0.01),
    "runtime_penalty": ("uniform", 0.0, 0.5),
}
N_BASE = 2**14
TARGET = 3.0


def closed_form_log_x(X):
    """log x* of c x^k with overlap and speed prior, budget included (the analytic baseline)."""
    N, P, c, k, rho, lam = X
    n = N * (1 - lam) / (1 + rho * (N - 1))
    interior = (np.log(n) - np.log(c * k)) / (k - 1)
    budget = (np.log(P) - np.log(c)) / k
    return np.minimum(interior, budget)


def scipy_baseline():
    from scipy import stats

    dists = [stats.loguniform(10, 1e6), stats.loguniform(1e6, 1e12), stats.loguniform(0.1, 10),
             stats.uniform(1.5, 1.5), stats.uniform(0.0, 0.01), stats.uniform(0.0, 0.5)]
    return stats.sobol_indices(func=closed_form_log_x, n=N_BASE, dists=dists,
                               rng=np.random.default_rng(0))


def best_of(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), float(np.median(times)), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scipy-bca", action="store_true",
                    help="also time SciPy's own BCa bootstrap (about 30 s: its jackknife "
                         "re-estimates the indices n times)")
    args = ap.parse_args()
    m = pm.Model("power")
    out = lambda s: np.log(s.x)  # noqa: E731
    import scipy.stats  # noqa: F401  (import time is not part of any row)

    rows = []
    t, med, base = best_of(scipy_baseline, args.repeat)
    rows.append(("baseline: scipy.stats.sobol_indices, closed form, no intervals",
                 8 * N_BASE, t, med, ""))
    t, med, r0 = best_of(lambda: pm.sobol(m, DISTS, output=out, n=N_BASE, seed=0,
                                          n_resamples=0), args.repeat)
    rows.append(("powermodel.sobol, no intervals", 8 * N_BASE, t, med, ""))
    t, med, r = best_of(lambda: pm.sobol(m, DISTS, output=out, n=N_BASE, seed=0,
                                         n_resamples=999), args.repeat)
    rows.append(("powermodel.sobol, 999 bootstrap resamples", 8 * N_BASE, t, med,
                 f"< {TARGET:g} s: {'met' if med < TARGET else 'MISSED'}"))
    od = {"N": ("loguniform", 10, 1e6), "P": ("loguniform", 1e6, 1e12),
          "F": ("loguniform", 1, 1e4), "s": ("loguniform", 0.1, 10),
          "c": ("loguniform", 0.1, 10), "k": ("uniform", 1.5, 3.0)}
    t, med, _ = best_of(lambda: pm.sobol(pm.Model("overhead"), od, output="learned_share",
                                         n=N_BASE, seed=0, n_resamples=999), args.repeat)
    rows.append(("powermodel.sobol, overhead cost (numeric solver), 999 resamples",
                 8 * N_BASE, t, med, f"< {TARGET:g} s: {'met' if med < TARGET else 'MISSED'}"))
    if args.scipy_bca:
        def bca():
            return base.bootstrap(n_resamples=99)
        t, med, _ = best_of(bca, 1)
        rows.append(("reference: SciPy SobolResult.bootstrap (BCa, jackknife), 99 resamples",
                     0, t, med, ""))
    t, med, _ = best_of(lambda: pm.morris(m, DISTS, output=out, trajectories=1000, seed=0),
                        args.repeat)
    rows.append(("powermodel.morris, 1000 trajectories, 999 resamples", 7 * 1000, t, med, ""))
    t, med, _ = best_of(lambda: pm.monte_carlo(m, {k: v for k, v in DISTS.items() if k != "N"},
                                               n=2000, seed=0), args.repeat)
    rows.append(("powermodel.monte_carlo, 2000 draws x 61 N", 2000 * 61, t, med, ""))

    w = max(len(r[0]) for r in rows)
    print(f"Sobol' benchmark: 6 inputs, n = 2^14 base samples ({args.repeat} runs each)")
    print(f"{'case':<{w}}  {'points':>8}  {'best s':>7}  {'median s':>8}  target")
    for name, pts, t, med, note in rows:
        print(f"{name:<{w}}  {pts:>8}  {t:>7.3f}  {med:>8.3f}  {note}")
    names = list(DISTS)
    diff = max(max(abs(r.first_order[k] - base.first_order[i]),
                   abs(r.total_order[k] - base.total_order[i])) for i, k in enumerate(names))
    print(f"\nsanity: max |index difference| powermodel vs closed-form baseline = {diff:.3f} "
          f"(independent samples)")
    print("first order: " + ", ".join(f"{k} {r.first_order[k]:.3f} "
                                      f"[{r.first_order_interval[k][0]:.3f}, "
                                      f"{r.first_order_interval[k][1]:.3f}]" for k in names))
    print("total order: " + ", ".join(f"{k} {r.total_order[k]:.3f}" for k in names))


if __name__ == "__main__":
    main()
