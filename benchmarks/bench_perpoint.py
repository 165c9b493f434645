"""Per-point parameters, certificates, shared parameters and Dask (issue 20).

Usage::

    python benchmarks/bench_perpoint.py            # the full table (a minute or two)
    python benchmarks/bench_perpoint.py --quick    # smaller sizes (a smoke run)
    python benchmarks/bench_perpoint.py --only power,certify   # some sections only

One table; every baseline is measured in the same run, right next to ours.
Each time is the best of several runs after a warm-up, on the CPU clock of
the process and on the wall clock (the rows' code is single-threaded, except
Dask, which is judged on wall time). The machine is shared: ratios mean more
than seconds.

Rows:

* power family, per-point N, P, c, k (1e6 points): ``solve(...).x`` and every
  field, against ``np.minimum((N/(c*k))**(1/(k-1)), (P/c)**(1/k))``; and with
  only N varying;
* ``c*x**3 + b*x*atan(x)`` with per-point c, b, N (1e5 points), against
  ``scipy.optimize.elementwise.find_root`` on f'(x) = N (handed the budget and
  the convexity) and a per-point ``minimize_scalar`` loop (extrapolated);
* ``certify=True`` against the plain solve with every field read (power family
  with per-point parameters; the expression above);
* an expression with scalar parameters (a sweep over N), every field read;
* Dask on the threaded scheduler against NumPy, 4e6 points.
"""

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import powermodel as pm  # noqa: E402
from _perpoint_case import EXPR, draw, minimize_loop, scipy_root  # noqa: E402
from _timing import print_table  # noqa: E402

FIELDS = ("x", "value", "regime", "base_per_instance", "learned_share", "budget_share",
          "compute_multiplier", "novel_value", "novel_ratio", "x_budget", "status")


def timed(fn, repeat=3):
    """(best CPU seconds, best wall seconds) of ``repeat`` calls after a warm-up."""
    fn()
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall)


def read_all(s):
    for f in FIELDS:
        np.asarray(getattr(s, f))


ROWS = []


def row(target, ours, base, base_label, goal, ok_fn, unit="s", ratio_on=0):
    """One table row; ``ours``/``base`` are (cpu, wall); the ratio on CPU (0) or wall (1)."""
    r = ours[ratio_on] / base[ratio_on]
    ROWS.append((target, f"{ours[0]:.3g} / {ours[1]:.3g} {unit}",
                 f"{base_label}: {base[0]:.3g} / {base[1]:.3g} {unit}",
                 f"{r:.2f}x ({'CPU' if ratio_on == 0 else 'wall'})", goal,
                 "yes" if ok_fn(r) else "NO"))


def power_rows(n):
    rng = np.random.default_rng(0)
    N = 10 ** rng.uniform(0, 4, n)
    P = 10 ** rng.uniform(3, 7, n)
    c = rng.uniform(0.5, 2.0, n)
    k = rng.uniform(1.5, 3.0, n)
    m = pm.Model("power")

    def bare():
        return np.minimum((N / (c * k)) ** (1 / (k - 1)), (P / c) ** (1 / k))

    x_ref = bare()
    s = m.solve(N=N, P=P, c=c, k=k)
    err = float(np.max(np.abs(s.x - x_ref) / x_ref))
    at_b = float(np.mean(s.regime == "budget"))
    t_bare = timed(bare)
    t_x = timed(lambda: m.solve(N=N, P=P, c=c, k=k).x)
    t_all = timed(lambda: read_all(m.solve(N=N, P=P, c=c, k=k)))
    row(f"power, per-point N,P,c,k, {n:.0e} pts, .x (max rel diff to bare {err:.1g}; "
        f"{at_b:.0%} at the budget)", t_x, t_bare, "bare NumPy", "<= 1.5x", lambda r: r <= 1.5)
    row(f"power, per-point N,P,c,k, {n:.0e} pts, every field", t_all, t_bare, "bare NumPy",
        "<= 3x", lambda r: r <= 3)
    Ps, cs, ks = 1e6, 1.0, 2.5

    def bare_n():
        return np.minimum((N / (cs * ks)) ** (1 / (ks - 1)), (Ps / cs) ** (1 / ks))

    t_bn = timed(bare_n)
    t_n = timed(lambda: m.solve(N=N, P=Ps, c=cs, k=ks).x)
    row(f"power, N only, {n:.0e} pts, .x", t_n, t_bn, "bare NumPy", "<= 1.5x",
        lambda r: r <= 1.5)


def general_rows(n, loop_points):
    c, b, N, P, _ = draw(n)
    m = pm.Model(EXPR)
    U = m.solve(N=N, P=P, c=c, b=b).x_budget

    t_root = timed(lambda: scipy_root(c, b, N, U))
    t_ours = timed(lambda: m.solve(N=N, P=P, c=c, b=b).x)
    row(f"{EXPR}, per-point c,b,N, {n:.0e} pts, .x", t_ours, t_root, "find_root",
        "<= 1.0x", lambda r: r <= 1.0)
    k = min(n, loop_points)
    t_loop = tuple(v * n / k for v in timed(lambda: minimize_loop(c, b, N, U, k), repeat=1))
    r = t_loop[0] / t_ours[0]
    ROWS.append((f"{EXPR}, per-point, vs minimize_scalar loop",
                 f"{t_ours[0]:.3g} / {t_ours[1]:.3g} s",
                 f"loop (from {k} pts): {t_loop[0]:.3g} / {t_loop[1]:.3g} s",
                 f"{r:.0f}x faster (CPU)", ">= 100x", "yes" if r >= 100 else "NO"))


def certify_rows(n):
    rng = np.random.default_rng(1)
    N = 10 ** rng.uniform(0, 3, n)
    c = rng.uniform(0.5, 2.0, n)
    k = rng.uniform(1.5, 3.0, n)
    b = rng.uniform(0.5, 2.0, n)
    P = 10 ** rng.uniform(2, 4, n)
    for label, model, kw, goal in (
            ("power family, per-point N,P,c,k", pm.Model("power"), dict(c=c, k=k), 3),
            (EXPR + ", per-point", pm.Model(EXPR), dict(c=c, b=b), 5)):
        t_plain = timed(lambda: read_all(model.solve(N=N, P=P, **kw)))
        t_cert = timed(lambda: model.solve(N=N, P=P, certify=True, **kw), repeat=2)
        s = model.solve(N=N, P=P, certify=True, **kw)
        ok = float(np.mean(s.status == "ok"))
        row(f"certify=True, {label}, {n:.0e} pts ({ok:.0%} certified)", t_cert, t_plain,
            "plain, every field", f"<= {goal}x", lambda r, g=goal: r <= g and ok == 1.0)


def shared_rows(n):
    m = pm.Model(EXPR, c=1.0, b=1.0)
    N = 10 ** np.random.default_rng(2).uniform(0, 4, n)
    t = timed(lambda: read_all(m.solve(N=N, P=1e6)))
    rate = n / t[0]
    ROWS.append((f"{EXPR}, scalar parameters, N sweep of {n:.0e}, every field",
                 f"{rate:.3g} pts/s (CPU), {n / t[1]:.3g} (wall)", "-", "-", ">= 7e6 pts/s",
                 "yes" if rate >= 7e6 else "NO"))


def dask_rows(n):
    import dask
    import dask.array as da

    N = 10 ** np.random.default_rng(3).uniform(0, 4, n)
    m = pm.Model("power", c=1.0, k=2.5)
    Nd = da.from_array(N, chunks=n // 4)

    def numpy():
        np.asarray(m.solve(N=N, P=1e6).x)

    def dasked():
        with dask.config.set(scheduler="threads"):
            np.asarray(m.solve(N=Nd, P=1e6).x.compute())

    t_np = timed(numpy)
    t_da = timed(dasked)
    row(f"Dask threads ({os.cpu_count()} cores), {n:.0e} pts, .x", t_da, t_np, "NumPy",
        "<= 1.0x", lambda r: r <= 1.0, ratio_on=1)


def table():
    print_table(("row", "ours (CPU / wall)", "baseline, same run (CPU / wall)", "ratio",
                 "target", "met"), ROWS)


SECTIONS = ("power", "general", "certify", "shared", "dask")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(SECTIONS))
    a = ap.parse_args(argv)
    only = set(a.only.split(","))
    q = a.quick
    if "power" in only:
        power_rows(10**5 if q else 10**6)
    if "general" in only:
        general_rows(10**4 if q else 10**5, 100 if q else 300)
    if "certify" in only:
        certify_rows(10**4 if q else 10**5)
    if "shared" in only:
        shared_rows(10**5 if q else 10**6)
    if "dask" in only:
        dask_rows(4 * 10**5 if q else 4 * 10**6)
    table()
    return 0 if all(r[-1] != "NO" for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
