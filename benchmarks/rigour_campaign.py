"""Random certified solves checked in exact arithmetic (mpmath at 60 digits).

Usage, from the repository root::

    python benchmarks/rigour_campaign.py SEED COUNT

draws COUNT problems (a cost from EXPRS with random parameters, N, P and a cap),
solves each with ``certify=True`` and checks, exactly: lower <= g(x*) <= bound
whatever the status; and for status "ok" that f(x*) <= P and that no point of a
dense feasible search beats ``bound``. Prints every violation (none expected),
the points not certified ("NC"), and the count of each status. Not a test: a
campaign to run after a change to the certifier (issue 19 ran 1,700 problems).
"""
import math
import pathlib
import sys
import warnings

import mpmath
import numpy as np

import powermodel as pm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from test_rigour import exact_f, exact_g  # noqa: E402

warnings.simplefilter("ignore")
EXPRS = {
    "c*x**2 + b*x": {"c": (0.01, 100.0), "b": (0.0, 50.0)},
    "c*x**1.5 + x": {"c": (0.01, 10.0)},
    "c*(exp(x/10) - 1)": {"c": (0.5, 50.0)},
    "x**3 - 6*x**2 + 15*x": {},
    "0.1*x + F/(1 + exp(-(x - 20)/2))": {"F": (10.0, 80.0)},
    "1.5*x + 7.5 - 1.5*abs(x - 5) + 0.1*x**2": {},
    "c*x + x*atan(x)": {"c": (0.5, 3.0)},
    "c*log(1 + x) + x**2/100": {"c": (0.1, 1000.0)},
    "c*sqrt(x) + x": {"c": (0.1, 10.0)},
    "max(x, 2*x - 5) + 0.01*x**2": {},
    "c*(x + 0.9*sin(x))": {"c": (0.1, 10.0)},
    "F*(1 - exp(-x/s)) + c*x**2": {"F": (1.0, 1000.0), "s": (0.01, 10.0), "c": (0.1, 10.0)},
    "c*x**4 - x**3 + x**2 + x": {"c": (0.3, 3.0)},
    "x + 10*erf((x - 5)/w) + 10*erf(5/w)": {"w": (0.001, 2.0)},
    "c*x**3 - 6*x**2 + 15*x": {"c": (0.5, 2.0)},
    "c*sqrt(log(1 + sqrt(x)))": {"c": (1.0, 1000.0)},
    "1e9*log(1 + x) + c*x": {"c": (0.0, 1.0)},
    "x + F*tanh((x - m)/w) + F*tanh(m/w)": {"F": (1.0, 100.0), "m": (0.5, 50.0), "w": (1e-6, 1.0)},
    "c*x**k": {"c": (1e-3, 1e3), "k": (1.0, 4.0)},
    "c*(cosh(x) - 1)": {"c": (0.01, 10.0)},
    "x*(2 + sin(x))": {},
}
rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
bad = stats = 0
counts = {}
for it in range(int(sys.argv[2]) if len(sys.argv) > 2 else 300):
    name = list(EXPRS)[rng.integers(len(EXPRS))]
    params = {k: float(np.exp(rng.uniform(np.log(a), np.log(b))) if a > 0 else rng.uniform(a, b)) for k, (a, b) in EXPRS[name].items()}
    N = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e7))))
    P = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e9))))
    cap = float(np.exp(rng.uniform(np.log(0.5), np.log(100)))) if rng.random() < 0.3 else None
    try:
        s = pm.Model(name, **params).solve(N=N, P=P, x_cap=cap, certify=True)
    except pm.InputError as e:
        counts["refused"] = counts.get("refused", 0) + 1
        continue
    st = s.status.split(":")[0]
    if st != "ok": print("NC", name, {k: round(v, 4) for k, v in params.items()}, "N=%.3g P=%.3g cap=%s" % (N, P, cap), s.status[:90])
    counts[st] = counts.get(st, 0) + 1
    f = exact_f(name.replace("abs(", "Abs(").replace("max(", "Max("), **params)
    with mpmath.workdps(60):
        if not math.isfinite(s.x):
            continue
        g = exact_g(f, s.x, N, P)
        ok_bounds = (not math.isfinite(s.lower)) or (mpmath.mpf(s.lower) <= g <= mpmath.mpf(s.bound))
        if not ok_bounds:
            bad += 1; print("BOUNDS", name, params, N, P, cap, s.x, s.lower, float(g), s.bound, s.status)
        if s.status == "ok":
            if f(s.x) > mpmath.mpf(P) or s.x > (cap or math.inf):
                bad += 1; print("INFEASIBLE", name, params, N, P, cap, s.x)
            # dense search for a better feasible point
            hi = min(cap or math.inf, 10 * max(s.x, s.x_budget if math.isfinite(s.x_budget) else 1.0, 1.0))
            grid = np.linspace(0, hi, 200001)
            with np.errstate(all="ignore"):
                fv = np.asarray(pm.Model(name, **params).cost.f(grid, {k: np.float64(v) for k, v in params.items()}), float)
                gv = np.where(np.isfinite(fv) & (fv <= P * (1 - 1e-12)), (P - fv) / N + grid, -np.inf)
            for v in grid[np.argsort(gv)[-3:]]:
                if exact_g(f, v, N, P) > mpmath.mpf(s.bound) and f(v) <= P:
                    bad += 1; print("BOUND BELOW OPTIMUM", name, params, N, P, cap, s.x, v, s.bound); break
print("done", counts, "bad", bad)
