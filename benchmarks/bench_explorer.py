"""How long one slider move of ``pm.explore`` takes, against the bare solve (issue 21).

    python benchmarks/bench_explorer.py [--repeat 7] [--wall]

Target: a slider move (``Slider.set_val``: validate, re-solve the 400-point N
grid, update the curves, bands and limits in place, redraw the canvas) takes
<= 0.15 s. Baseline, measured in the same run: the bare solve of the same 400
points (``Model.solve(N=grid, ...)`` at the same values), what the move
cannot avoid; and the canvas redraw alone (``canvas.draw()``), what any
interactive matplotlib figure of this size costs.

Headless (Agg), where ``draw_idle`` renders at once, so a move's time includes
its one redraw (the script checks that each move draws exactly once). Best of
several moves after a warm-up, in wall-clock and CPU time of the process. As
in ``run.py``, the target is judged on CPU time: the work is single-threaded,
so on an idle machine the two agree, while on the shared machine the wall
clock also counts the time other processes hold the core (``--wall`` judges
the wall clock instead).
"""

import argparse
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import powermodel as pm  # noqa: E402

POINTS = 400
TARGET = 0.15

MODELS = [
    ("power (family, closed form)", pm.Model("power", c=1.0, k=2.0), "c"),
    ("overhead (family, non-convex)", pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0), "F"),
    ("c*x**2 + b*log(1 + x) (expression)", pm.Model("c*x**2 + b*log(1 + x)", c=1.0, b=5.0),
     "b"),
]


def best(fn, args, repeat):
    """Best wall-clock and best CPU time of ``fn(a)`` over ``args`` (the first one a warm-up)."""
    fn(args[0])
    wall, cpu = [], []
    for a in args[1:repeat + 1]:
        w, c = time.perf_counter(), time.process_time()
        fn(a)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def measure(model, param, repeat):
    e = pm.explore(model, N=(1, 1e6), P=1e6, points=POINTS)
    draws = []
    e.figure.canvas.mpl_connect("draw_event", draws.append)
    e.figure.canvas.draw()
    rows = {}
    # P moves across its slider (and through the regimes); a cost parameter likewise
    P_values = np.geomspace(2e5, 5e6, repeat + 1)
    rows["move P"] = best(e.sliders["P"].set_val, P_values, repeat)
    s = e.sliders[param]
    p_values = np.linspace(s.valmin + 0.1 * (s.valmax - s.valmin), s.valmax, repeat + 1)
    rows[f"move {param}"] = best(s.set_val, p_values, repeat)
    moves = 2 * (repeat + 1)
    assert len(draws) == moves + 1, f"{len(draws)} draws for {moves} moves"
    values = dict(e.values)
    params = {k: v for k, v in values.items() if k not in ("P", "overlap", "runtime_penalty")}
    rows["bare solve"] = best(
        lambda P: model.solve(N=e.N, P=P, overlap=values["overlap"],
                              runtime_penalty=values["runtime_penalty"], **params),
        P_values, repeat)
    rows["redraw alone"] = best(lambda _: e.figure.canvas.draw(), P_values, repeat)
    e.close()
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--wall", action="store_true", help="judge the target on wall-clock time")
    args = ap.parse_args(argv)
    judged = 0 if args.wall else 1
    print(f"pm.explore, {POINTS} points, best of {args.repeat} (ms; wall / CPU); "
          f"target: a move <= {TARGET * 1e3:.0f} ms {'wall' if args.wall else 'CPU'}")
    print(f"{'model':<36} {'row':<14} {'wall':>8} {'CPU':>8} {'x solve':>8} {'met':>5}")
    ok = True
    for name, model, param in MODELS:
        rows = measure(model, param, args.repeat)
        solve = rows["bare solve"][judged]
        for row, times in rows.items():
            met = ""
            if row.startswith("move"):
                met = "yes" if times[judged] <= TARGET else "no"
                ok &= times[judged] <= TARGET
            print(f"{name:<36} {row:<14} {times[0] * 1e3:>8.1f} {times[1] * 1e3:>8.1f} "
                  f"{times[judged] / solve:>8.1f} {met:>5}")
            name = ""
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
