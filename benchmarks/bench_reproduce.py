"""Benchmark: a full ``powermodel reproduce`` (every figure, CSV, values.tex and the paper PDF).

Target: under 30 s on a 2-core machine. The baseline, measured in the same
run, is the floor matplotlib alone sets: drawing and saving (PDF + PNG) one
trivial one-column figure per registered figure, with the same style. The
table shows each stage of a full reproduce and its ratio to that baseline.

Usage::

    python benchmarks/bench_reproduce.py [--repeat R] [--no-pdf]

Prints a table; exits 1 if the median full reproduce exceeds the target.
"""

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0


def _baseline(n_figures):
    """Save n trivial styled figures as PDF and PNG into memory."""
    from matplotlib.figure import Figure

    from powermodel import plotting

    t = time.perf_counter()
    with plotting.style():
        for _ in range(n_figures):
            fig = Figure(figsize=(3.4, 2.5))
            ax = fig.subplots()
            ax.plot([1, 2, 3], [1, 4, 9], label="y")
            ax.set_xlabel("x (bits)")
            ax.legend()
            for fmt in ("pdf", "png"):
                fig.savefig(io.BytesIO(), format=fmt)
    return time.perf_counter() - t


def _stages(out, build_pdf):
    """Time compute+draw, then a full reproduce (which also writes files and builds the PDF)."""
    import powermodel as pm

    t = time.perf_counter()
    for fn in pm.FIGURES.values():
        fn(None)
    compute = time.perf_counter() - t
    t = time.perf_counter()
    r = pm.reproduce(out, build_pdf=build_pdf)
    full = time.perf_counter() - t
    return compute, full, r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="full reproduces to time (median)")
    ap.add_argument("--no-pdf", action="store_true", help="skip the latexmk build")
    args = ap.parse_args(argv)
    import powermodel as pm

    build_pdf = False if args.no_pdf else (shutil.which("latexmk") is not None)
    n = len(pm.FIGURES)
    _baseline(1)  # warm up fonts and caches
    base = _baseline(n)
    computes, fulls = [], []
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory() as d:
            c, f, r = _stages(Path(d), build_pdf)
            computes.append(c)
            fulls.append(f)
            files = len(r.files)
    c, f = statistics.median(computes), statistics.median(fulls)
    rows = [
        ("baseline: matplotlib floor", f"{n} trivial figures, PDF+PNG", base),
        ("compute + draw (no files)", f"{n} figures", c),
        ("full reproduce", f"{files} files, PDF {'built' if build_pdf else 'skipped'}", f),
    ]
    print(f"{'stage':30s} {'what':32s} {'seconds':>8s} {'x baseline':>10s}")
    for name, what, s in rows:
        print(f"{name:30s} {what:32s} {s:8.2f} {s / base:10.1f}")
    ok = f < TARGET_S
    print(f"target: full reproduce < {TARGET_S:.0f} s -> {'OK' if ok else 'MISSED'} ({f:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
