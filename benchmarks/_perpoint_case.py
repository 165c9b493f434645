"""The per-point case that bench_solver.py and bench_perpoint.py both time, and its
two baselines: ``c*x**3 + b*x*atan(x)`` with every point's own c, b and N.

* :func:`scipy_root`: SciPy's vectorised ``find_root`` on f'(x) = N, handed the
  convexity (f' increasing) that powermodel does not assume;
* :func:`minimize_loop`: a per-point ``minimize_scalar`` loop, what a user without
  a vectorised solver writes.
"""

import numpy as np

EXPR = "c*x**3 + b*x*atan(x)"


def draw(n, P=1e6, seed=0):
    """``(c, b, N, P, rng)``: n points, c and b uniform on [0.5, 2], N log-uniform on
    [1, 1e4], and the generator that drew them (for any further draw)."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.5, 2.0, n)
    b = rng.uniform(0.5, 2.0, n)
    N = 10 ** rng.uniform(0, 4, n)
    return c, b, N, P, rng


def _df(x, c, b, N):
    return 3 * c * x**2 + b * np.arctan(x) + b * x / (1 + x * x) - N


def scipy_root(c, b, N, U):
    """x* by ``find_root`` on [0, U] (f'(0) = 0 < N: the bracket holds the root unless
    the budget binds, where U is x*)."""
    from scipy.optimize.elementwise import find_root

    res = find_root(_df, (np.zeros(N.size), U), args=(c, b, N))
    return np.where(res.success, res.x, U)


def minimize_loop(c, b, N, U, k):
    """x* at the first ``k`` points, one ``minimize_scalar`` call each."""
    from scipy.optimize import minimize_scalar

    out = np.empty(k)
    for i in range(k):
        def neg_h(x, i=i):
            return -(x - (c[i] * x**3 + b[i] * x * np.arctan(x)) / N[i])
        out[i] = minimize_scalar(neg_h, bounds=(0, U[i]), method="bounded",
                                 options={"xatol": 1e-12}).x
    return out
