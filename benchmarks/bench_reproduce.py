"""Benchmark: ``powermodel reproduce`` against the matplotlib floor of the same figures.

The floor, measured in the same run, is what matplotlib alone needs to save
the very figures the paper uses: every registered figure is computed and drawn
first (untimed), then only its ``savefig`` as PDF and PNG is timed, one after
the other in this process. A full reproduce (compute, draw, save, CSVs,
values.tex) must take at most ``TARGET_RATIO`` times that floor; it gets there
by rendering figures in parallel worker processes (``jobs``). The table also
shows the serial reproduce (``jobs=1``), and checks that both give
byte-identical files. The LaTeX build is timed separately (it is not
matplotlib's work).

Usage::

    python benchmarks/bench_reproduce.py [--repeat R] [--jobs J] [--no-pdf]

Prints a table; exits 1 if the median parallel reproduce exceeds the target
ratio or the files differ.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 2.0


def _floor():
    """Seconds matplotlib needs to save every paper figure (already drawn) as PDF and PNG."""
    import powermodel as pm
    from powermodel import plotting

    figs = [fn(None).figure for fn in pm.FIGURES.values()]
    t = time.perf_counter()
    with plotting.style():
        for fig in figs:
            for fmt in ("pdf", "png"):
                fig.savefig(io.BytesIO(), format=fmt)
    return time.perf_counter() - t


def _reproduce(out, jobs):
    import powermodel as pm

    t = time.perf_counter()
    r = pm.reproduce(out, build_pdf=False, jobs=jobs)
    return time.perf_counter() - t, r


def _same_files(a, b):
    names = sorted(p.name for p in Path(a).iterdir())
    return names == sorted(p.name for p in Path(b).iterdir()) and all(
        (Path(a) / n).read_bytes() == (Path(b) / n).read_bytes() for n in names)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="reproduces to time (median)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    ap.add_argument("--no-pdf", action="store_true", help="skip timing the latexmk build")
    args = ap.parse_args(argv)
    import powermodel as pm
    from powermodel import figures as F

    jobs = args.jobs or min(len(pm.FIGURES), os.cpu_count() or 1)
    _floor()  # warm up fonts, caches and imports
    floors, pars, sers = [], [], []
    same = True
    latex = None
    for _ in range(max(1, args.repeat)):
        floors.append(_floor())
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            tp, r = _reproduce(d1, jobs)
            ts, _ = _reproduce(d2, 1)
            pars.append(tp)
            sers.append(ts)
            same = same and _same_files(d1, d2)
            files = len(r.files)
            if not args.no_pdf and shutil.which("latexmk") and latex is None:
                t = time.perf_counter()
                F.build_paper(Path(d1), Path(d1) / "values.tex", dest=Path(d1) / "paper.pdf")
                latex = time.perf_counter() - t
    floor, par, ser = (statistics.median(v) for v in (floors, pars, sers))
    rows = [
        ("matplotlib floor", f"savefig PDF+PNG of the {len(pm.FIGURES)} figures", floor),
        ("reproduce, serial", f"jobs=1, {files} files", ser),
        ("reproduce, parallel", f"jobs={jobs}, {files} files", par),
    ]
    if latex is not None:
        rows.append(("paper PDF (latexmk)", "private temporary folder", latex))
    print(f"{'stage':24s} {'what':40s} {'seconds':>8s} {'x floor':>8s}")
    for name, what, s in rows:
        print(f"{name:24s} {what:40s} {s:8.2f} {s / floor:8.2f}")
    ok = par <= TARGET_RATIO * floor
    print(f"files byte-identical (parallel vs serial): {'yes' if same else 'NO'}")
    print(f"target: parallel reproduce <= {TARGET_RATIO:g} x floor -> "
          f"{'OK' if ok else 'MISSED'} ({par / floor:.2f} x)")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
