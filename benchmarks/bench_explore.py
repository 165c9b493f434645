"""How long one slider move of ``pm.explore`` takes (re-solve + redraw), headless.

    python benchmarks/bench_explore.py

Baseline, measured in the same run: redrawing a plain matplotlib figure with
the same three log axes and one 400-point line each (what any interactive
plot of these curves costs). Best of several moves, after a warm-up.
"""

import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _timing  # noqa: E402
import powermodel as pm  # noqa: E402

REPEAT = 7


def best(fn):
    return _timing.best(fn, REPEAT, clock=time.perf_counter)


def main():
    N = np.geomspace(1, 1e6, 400)
    fig, axs = plt.subplots(3, 1, sharex=True)
    for a in axs:
        a.plot(N, N)
        a.set_xscale("log")
        a.set_yscale("log")
    base = best(fig.canvas.draw)
    plt.close(fig)
    rows = [("baseline: redraw 3 log axes", base, None, 1.0)]
    for name, m in [("power (closed form)", pm.Model("power", c=1.0, k=2.0)),
                    ("overhead (non-convex)", pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0)),
                    ("expression", pm.Model("c*x**2 + log(1 + x)", c=1.0))]:
        e = pm.explore(m, N=(1, 1e6), P=1e6)
        vals = iter(np.geomspace(2e5, 5e6, REPEAT + 1))
        move = best(lambda: e.sliders["P"].set_val(next(vals)))
        solve = best(lambda: m.solve(N=e.N, P=1e6))
        e.close()
        rows.append((f"slider move: {name}", move, solve, move / base))
    print(f"{'row':<36} {'time (ms)':>10} {'solve (ms)':>11} {'x baseline':>11}")
    for name, t, s, r in rows:
        print(f"{name:<36} {t * 1e3:>10.0f} {'' if s is None else f'{s * 1e3:.1f}':>11} "
              f"{r:>11.2f}")


if __name__ == "__main__":
    main()
