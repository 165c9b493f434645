"""Solver benchmarks of issue 11: per-point parameters, certification, first solve, compile.

Usage::

    python benchmarks/bench_solver.py            # the full table (a minute or two)
    python benchmarks/bench_solver.py --quick    # smaller sizes

Rows (each with its baseline measured in the same run):

* per-point parameters: ``Model.solve`` with arrays of cost parameters, against
  SciPy's vectorised ``scipy.optimize.elementwise.find_root`` solving
  f'(x) = N on [0, U] (handed U, and the convexity that makes that root the
  optimum), and against a per-point ``minimize_scalar`` loop; target: at least
  half the speed of find_root (ratio <= 2) and >= 100x the loop; and, on a
  sample, an objective never below a 20,001-point brute force;
* ``certify=True`` against the plain solve of the same points (target <= 10x);
* the first expression solve in a fresh process against the first family
  solve (target: within 0.1 s);
* compiling a 2,000-character expression (target: well under a second).

CPU time of this process (the code timed is single-threaded), best of
several runs after a warm-up.
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import powermodel as pm  # noqa: E402
from _timing import best, print_table  # noqa: E402

CLOCK = time.process_time


def table(rows):
    print_table(("target", "measured", "baseline", "ratio", "goal", "met"), rows)


def per_point(rows, n):
    from _perpoint_case import EXPR, draw, minimize_loop, scipy_root

    c, b, N, P, rng = draw(n)
    m = pm.Model(EXPR)
    s = m.solve(N=N, P=P, c=c, b=b)
    U = s.x_budget

    def ours():
        m.solve(N=N, P=P, c=c, b=b)

    t_ours = best(ours)
    t_root = best(lambda: scipy_root(c, b, N, U))
    ratio = t_ours / t_root
    rows.append((f"per-point params, {n} pts", f"{n / t_ours:.3g} pts/s",
                 f"find_root {n / t_root:.3g} pts/s", f"{ratio:.2f}x time",
                 "<= 2x find_root's time", "yes" if ratio <= 2 else "no"))
    k = min(n, 300)
    t_loop = best(lambda: minimize_loop(c, b, N, U, k), repeat=1) * n / k
    rows.append((f"per-point params vs loop", f"{t_ours:.3g} s", f"minimize_scalar loop "
                 f"{t_loop:.3g} s (from {k} pts)", f"{t_loop / t_ours:.0f}x faster", ">= 100x",
                 "yes" if t_loop / t_ours >= 100 else "no"))
    # Optimality against a brute force on a sample.
    idx = rng.choice(n, size=min(n, 200), replace=False)
    worst = np.inf
    for i in idx:
        xs = np.linspace(0, U[i], 20001)
        hs = xs - (c[i] * xs**3 + b[i] * xs * np.arctan(xs)) / N[i]
        xi = s.x[i]
        hi_ = xi - (c[i] * xi**3 + b[i] * xi * np.arctan(xi)) / N[i]
        worst = min(worst, (hi_ - hs.max()) / max(1.0, abs(hs.max())))
    rows.append(("objective vs brute force", f"min (h - h_bf)/|h| = {worst:.2g}", "20,001-point grid",
                 "-", ">= -1e-12", "yes" if worst >= -1e-12 else "no"))
    return s


def certify_cost(rows, n):
    rng = np.random.default_rng(1)
    for label, model, kw in (
            ("power family", pm.Model("power", c=1.0, k=2.0), {}),
            ("expression c*x**3 + b*x*atan(x)", pm.Model("c*x**3 + b*x*atan(x)", c=1.0, b=1.0), {}),
            ("S-shaped cost", pm.Model("c*x + F/(1 + exp(-(x - m)/w))", c=0.1, F=50.0, m=20.0,
                                       w=2.0), {"x_cap": 20.0}),
            ("kinked cost", pm.Model("1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2"), {})):
        N = 10 ** rng.uniform(0, 3, n)
        # (the plain solve with its fields read: Solution derives them on first access,
        # and certify=True computes them all)
        t_plain = best(lambda: model.solve(N=N, P=1e3, **kw).value)
        t_cert = best(lambda: model.solve(N=N, P=1e3, certify=True, **kw), repeat=1)
        s = model.solve(N=N, P=1e3, certify=True, **kw)
        ok = np.mean(s.status == "ok")
        r = t_cert / t_plain
        rows.append((f"certify=True, {label}", f"{t_cert:.3g} s ({ok:.0%} certified)",
                     f"plain {t_plain:.3g} s", f"{r:.1f}x", "<= 10x", "yes" if r <= 10 else "no"))


def first_solve(rows):
    code = ("import time; t = time.process_time(); import powermodel as pm; "
            "pm.Model({cost!r}, **{params}).solve(N=100, P=1e6); "
            "print(time.process_time() - t)")
    env = {**os.environ, "PYTHONPATH": ROOT}

    def run(cost, params):
        out = []
        for _ in range(5):
            p = subprocess.run([sys.executable, "-c", code.format(cost=cost, params=params)],
                               capture_output=True, text=True, env=env, check=True)
            out.append(float(p.stdout))
        return min(out)

    t_fam = run("power", {"c": 1.0, "k": 2.0})
    t_expr = run("c*x**3 + b*x*atan(x)", {"c": 1.0, "b": 1.0})
    d = t_expr - t_fam
    rows.append(("first expression solve (fresh process)", f"{t_expr:.3f} s",
                 f"first family solve {t_fam:.3f} s", f"+{d:.3f} s", "<= +0.1 s",
                 "yes" if d <= 0.1 else "no"))


def compile_time(rows):
    from powermodel.expressions import compile_expression

    terms = []
    i = 0
    while len(" + ".join(terms)) < 1950:
        terms.append(f"c{i % 7}*x**{1 + i % 4}*atan(x/{i + 1})")
        i += 1
    text = " + ".join(terms)[:2000]
    text = text[:text.rfind(" + ")]
    params = {f"c{j}": 1.0 for j in range(7)}
    t = CLOCK()
    from powermodel.expressions import compile as _c
    _c._compile.cache_clear()
    compile_expression(text)
    t_compile = CLOCK() - t
    t0 = CLOCK()
    pm.Model(text, **params).solve(N=[10.0, 100.0, 1000.0], P=1e6)
    t_solve = CLOCK() - t0
    rows.append((f"compile a {len(text)}-char expression", f"{t_compile:.3f} s",
                 f"then a 3-point solve {t_solve:.3f} s", "-", "< 1 s",
                 "yes" if t_compile < 1 else "no"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 20_000 if args.quick else 200_000
    rows = []
    per_point(rows, n)
    certify_cost(rows, 2_000 if args.quick else 20_000)
    first_solve(rows)
    compile_time(rows)
    table(rows)


if __name__ == "__main__":
    main()
