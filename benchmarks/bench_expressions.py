"""Benchmark: the expression engine (compile time and evaluation throughput).

Ours: :func:`powermodel.expressions.compile_expression` (a tape compiled from
the checked syntax tree; forward-mode derivatives; interval enclosures).
Baseline, measured in the same run on the same points: the SymPy path that
``powermodel.costs`` used before, ``powermodel.costs._lambdified`` (``diff``,
``powsimp``, ``lambdify(cse=True)``).

Rows:

* compile time of a 2,000-character expression (a long sum of terms) and of a
  nested one (a dozen nested ``log1p``/``atan``/``tanh``/``sin``), parse
  included, cache cleared; the baseline runs in a subprocess with a timeout
  (it can run for minutes on nested input);
* evaluation throughput (points per second) of f, of (f, f', f'') and of the
  interval enclosures of (f, f', f'') on boxes, for a few costs, with scalar
  parameters and with per-point parameter arrays. The baseline has no interval
  extension; its row is f, f', f'' at the points.

Timings are CPU time (``time.process_time``: the reference machine's 2 cores
are shared with other work), best of ``--repeat`` runs after a warm-up.

Run:  python benchmarks/bench_expressions.py [--points 1048576] [--repeat 5] [--timeout 60]
"""

import argparse
import functools
import os
import subprocess
import sys
import time

import numpy as np

from _timing import best
from powermodel.expressions import compile_expression, parse
from powermodel.expressions import compile as engine

COSTS = [
    "c*x**3 + b*x*atan(x)",
    "c*x**k + b*x",
    "F/(1 + exp(-(x - m)/w)) + c*x",
    "1.5*x + 7.5 - 1.5*abs(x - 5) + c*x**2",
    "log1p(atan(tanh(sin(x))))*c + x",
]
PARAMS = {"c": 0.1, "b": 0.5, "k": 2.5, "F": 50.0, "m": 20.0, "w": 2.0}


# The numeric path before the expression engine (powermodel 0.1.0, costs.py), kept
# here as the baseline: SymPy diff + powsimp + lambdify(cse=True).
#: Element-wise NumPy versions of Max, Min and Heaviside (see :func:`_elementwise`).
_UFUNCS = {"pm_maximum": np.maximum, "pm_minimum": np.minimum,
           "pm_heaviside": lambda z: np.heaviside(z, 0.5)}


def _elementwise(e, sp):
    """Max, Min, Heaviside and DiracDelta in forms that broadcast element-wise.

    SymPy's NumPy printer turns Max(a, b, c) into ``amax((a, b, c))`` (which fails
    when a is an array and b a scalar) and Heaviside(x - Max(...)) into nested
    ``select`` calls (which fail on scalar conditions). DiracDelta, zero almost
    everywhere, becomes 0.
    """
    e = e.replace(sp.DiracDelta, lambda *a: sp.S.Zero)
    e = e.replace(sp.Heaviside, lambda *a: sp.Function("pm_heaviside")(a[0]))
    e = e.replace(sp.Max, lambda *a: functools.reduce(sp.Function("pm_maximum"), a))
    return e.replace(sp.Min, lambda *a: functools.reduce(sp.Function("pm_minimum"), a))


@functools.lru_cache(maxsize=128)
def _lambdified(text):
    """f, f', f'' of an expression as cached NumPy functions (lambdify, cse=True)."""
    import sympy as sp

    from powermodel.expressions import parse

    parsed = parse(text)
    x = sp.Symbol("x", nonnegative=True)
    syms = {n: sp.Symbol(n, real=True) for n in parsed.names}
    syms["x"] = x
    expr = parsed.to_sympy(syms)
    # Integers beyond float precision become floats (NumPy has no ufuncs for big ints).
    expr = expr.xreplace({i: sp.Float(i, 17) for i in expr.atoms(sp.Integer)
                          if abs(i) > 2**53})
    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ValueError(f"cost expression {text[:60]!r} is not real-valued and finite "
                              f"(it simplifies to {str(expr)[:60]})")
    args = [x] + [syms[n] for n in parsed.names if n != "x"]
    # powsimp: x**k/x**2 -> x**(k - 2), which does not underflow to 0/0 at small x
    d1 = sp.powsimp(sp.diff(expr, x))
    d2 = sp.powsimp(sp.diff(d1, x))
    from sympy.codegen.rewriting import optimize, optims_c99

    # exp(y) - 1 -> expm1(y), log(1 + y) -> log1p(y): accurate for small y.
    exprs = [_elementwise(optimize(e, optims_c99), sp) for e in (expr, d1, d2)]
    if any(e.has(sp.Derivative) for e in exprs):  # e.g. abs(acos(x)): SymPy gives up
        raise ValueError(f"cost expression {text[:60]!r} cannot be differentiated "
                              "symbolically; write it without abs/min/max of that term")
    # erf is not in NumPy: take it from scipy.special
    modules = [_UFUNCS] + (["scipy", "numpy"] if expr.has(sp.erf) else ["numpy"])
    try:
        funcs = tuple(sp.lambdify(args, e, modules=modules, cse=True) for e in exprs)
    except NotImplementedError as exc:  # a function the NumPy printer does not know
        raise ValueError(f"cost expression {text[:60]!r} cannot be compiled: "
                              f"{str(exc).splitlines()[0][:80]}") from None
    return funcs, tuple(n for n in parsed.names if n != "x")


def long_expression(length=2000):
    terms, i = [], 0
    funcs = ["exp", "log1p", "atan", "sqrt", "tanh"]
    while True:
        t = f"{i % 7 + 1}*{funcs[i % 5]}(x/{i + 1})"
        if len(" + ".join(terms + [t])) > length:
            return " + ".join(terms)
        terms.append(t)
        i += 1


def nested_expression(depth=12):
    text = "x"
    for i in range(depth):
        text = f"{['log1p', 'atan', 'tanh', 'sin'][i % 4]}({text})"
    return text


def best_of(fn, repeat):
    return best(fn, repeat, clock=time.process_time)


def compile_ours(text, repeat):
    def run():
        parse.cache_clear()
        engine._compile.cache_clear()
        compile_expression(text)
    return best_of(run, repeat)


def compile_baseline(text, timeout):
    """Seconds for the SymPy path in a fresh process (after the SymPy import), or None."""
    code = ("import time, sympy\nfrom bench_expressions import _lambdified\n"
            f"t = time.process_time(); _lambdified({text!r}); print(time.process_time() - t)")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, check=True, cwd=os.path.dirname(__file__) or ".")
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=2**20)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    rows = []
    for label, text in (("compile, 2,000-character sum", long_expression()),
                        ("compile, 12 nested log1p/atan/tanh/sin", nested_expression())):
        ours = compile_ours(text, args.repeat)
        base = compile_baseline(text, args.timeout)
        rows.append((f"{label} ({len(text)} chars)", f"{ours * 1e3:.1f} ms",
                     "timed out" if base is None else f"{base * 1e3:.0f} ms",
                     f"> {args.timeout / ours:.0f}x" if base is None else f"{base / ours:.0f}x"))

    n = args.points
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, n)
    width = rng.uniform(0, 1, n)
    for text in COSTS:
        E = compile_expression(text)
        (f0, f1, f2), names = _lambdified(text)
        for per_point in (False, True):
            p = {k: (PARAMS[k] * rng.uniform(0.5, 1.5, n) if per_point else np.float64(PARAMS[k]))
                 for k in E.parameters}
            args_old = [p[k] for k in names]

            def old_f():
                with np.errstate(all="ignore"):
                    return f0(x, *args_old)

            def old_all():
                with np.errstate(all="ignore"):
                    return f0(x, *args_old), f1(x, *args_old), f2(x, *args_old)

            t_f = best_of(lambda: E.f(x, p), args.repeat)
            t_d = best_of(lambda: E.derivatives(x, p), args.repeat)
            t_i = best_of(lambda: E.interval_derivatives(x, x + width, p), args.repeat)
            b_f = best_of(old_f, args.repeat)
            b_d = best_of(old_all, args.repeat)
            kind = "per-point params" if per_point else "scalar params"
            rate = lambda t: f"{n / t / 1e6:.1f} M/s"  # noqa: E731
            rows.append((f"f: {text} ({kind})", rate(t_f), rate(b_f), f"{b_f / t_f:.2f}x"))
            rows.append((f"f, f', f'': {text} ({kind})", rate(t_d), rate(b_d), f"{b_d / t_d:.2f}x"))
            rows.append((f"enclosures of f, f', f'' on boxes: {text} ({kind})", rate(t_i),
                         rate(b_d) + " (points, no enclosure)", f"{b_d / t_i:.2f}x"))

    print(f"numpy {np.__version__}, {n} points, CPU time, best of {args.repeat}; baseline: "
          "powermodel.costs._lambdified (SymPy diff + lambdify), same run\n")
    print("| row | ours | baseline (same run) | speed-up |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
