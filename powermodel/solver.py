r"""The global, vectorised solver for the allocation model.

The base optimizer picks

.. math::

    x^* = \arg\max_{0 \le x \le U} g(x), \qquad
    g(x) = \frac{(P - f(x))\,(1 + \rho (N - 1))}{N} + (1 - \lambda)\,x,

with :math:`U = \min(x_{cap}, X_{budget})` and
:math:`X_{budget} = \sup\{x \ge 0 : f(x) \le P\}`. Dividing by
:math:`1 - \lambda` shows that x* maximises :math:`h(x) = x - f(x)/n` with the
*effective diversity* :math:`n = N (1 - \lambda) / (1 + \rho (N - 1))`; the
paper's model is :math:`\rho = \lambda = 0`, :math:`n = N`. Candidates are
compared by :math:`h`, never by :math:`g`, so a huge ``P`` cannot swamp them.

How x* is found:

* families with closed forms (power, exponential, linear, quadratic,
  power-logN) evaluate them directly;
* every other cost is split at the points where f'' changes sign (exact for
  the fixed-overhead family, a fine log-spaced scan refined by bisection for
  expressions and callables), so f' is monotone on each piece. On each piece
  where f' rises through n a safeguarded Newton iteration in log x solves
  f'(x) = n; the roots, the piece ends, 0 and U are the candidates, and the
  one with the largest h wins; ties (within 1e-12 relative) go to the smallest x.

Everything is vectorised over points: the only Python loops run over
iterations and pieces, never over points.
"""

import warnings

import numpy as np

from . import _validation as V
from ._numeric import HUGE, TINY, increasing_root, take
from .costs import make_cost, scan_breakpoints
from .errors import AccuracyWarning, InputError
from .result import Solution

__all__ = ["solve", "objective", "TIE_RTOL"]

#: Candidates whose h differs by less than this (relative) tie; the smaller x wins.
TIE_RTOL = 1e-12

_MODEL_INPUTS = ("N", "P", "x_cap", "overlap", "runtime_penalty")


def _rules(cost):
    rules = {
        "N": dict(low=0, low_open=True),
        "P": dict(low=0),
        "x_cap": dict(low=0, low_open=True, allow_inf=True),
        "overlap": dict(low=0, high=1),
        "runtime_penalty": dict(low=0, high=1, high_open=True),
    }
    for k in cost.parameters:
        b = cost.bounds.get(k)
        rules[k] = dict(low=b[0], low_open=b[1]) if b else {}
    return rules


def prepare(cost, params, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0,
            errors="raise"):
    """Validate and broadcast the inputs.

    Returns ``(cost, inputs, shape, status)``: ``inputs`` maps every input name
    to a scalar float or a flat array of ``prod(shape)`` points; ``status`` is
    None (all valid) or a flat array of messages (``errors="nan"``).
    """
    cost = make_cost(cost)
    V.choice("errors", errors, ("raise", "nan"))
    V.reject_unknown("parameter", params, cost.parameters)
    missing = [k for k in cost.parameters if k not in params]
    if missing:
        raise InputError(f"missing parameter `{missing[0]}` for cost {cost.name!r} "
                         f"(parameters: {', '.join(cost.parameters)})")
    raw = {"N": N, "P": P, "x_cap": np.inf if x_cap is None else x_cap,
           "overlap": overlap, "runtime_penalty": runtime_penalty, **params}
    rules = _rules(cost)
    vals = {}
    for k, v in raw.items():
        if errors == "raise":
            vals[k] = V.real(k, v, **rules[k])
        else:
            vals[k] = V.real(k, v, allow_nan=True, allow_inf=True)
    try:
        shape = np.broadcast_shapes(*(np.shape(v) for v in vals.values()))
    except ValueError:
        shapes = ", ".join(f"{k}{np.shape(v)}" for k, v in vals.items() if np.ndim(v))
        raise InputError(f"input arrays do not broadcast together: {shapes}") from None
    size = int(np.prod(shape)) if shape else 1
    flat = {k: (v if np.ndim(v) == 0 else np.ascontiguousarray(np.broadcast_to(v, shape)).ravel())
            for k, v in vals.items()}
    status = None
    if errors == "nan":
        status = np.full(size, "ok", dtype=object)
        for k, v in flat.items():
            for mask, msg in V.bad_points(k, np.broadcast_to(v, (size,)), **rules[k]):
                status[mask & (status == "ok")] = msg
        bad = status != "ok"
        if bad.any():
            good = np.flatnonzero(~bad)
            # Replace invalid points by a valid one so the vectorised solve runs.
            for k, v in flat.items():
                arr = np.array(np.broadcast_to(v, (size,)), dtype=float)
                arr[bad] = arr[good[0]] if good.size else _benign(k, cost)
                flat[k] = arr
    return cost, flat, shape, status


def _benign(name, cost):
    return {"N": 1.0, "P": 1.0, "x_cap": np.inf, "overlap": 0.0, "runtime_penalty": 0.0}.get(
        name, max(1.0, (cost.bounds.get(name) or (0,))[0] + 1.0))


def _cost_params(cost, inp):
    p = {k: inp[k] for k in cost.parameters}
    if cost.depends_on_N:
        p["N"] = inp["N"]
    return p


def _check_cost(cost, p, P, status):
    """f(0) within [0, P] and cost-specific constraints."""
    if hasattr(cost, "check_with_N"):
        cost.check_with_N(p)
    with np.errstate(all="ignore"):
        f0 = np.asarray(cost.f(np.zeros(np.shape(P) or ()), p), dtype=float)
    bad_neg = ~(f0 >= 0)
    bad_p = f0 > P
    for bad, msg in ((bad_neg, "the cost must be non-negative at x = 0"),
                     (bad_p, "`P` must be at least f(0)")):
        if np.any(bad):
            if status is None:
                i = np.flatnonzero(np.broadcast_to(bad, np.shape(P) or (1,)).ravel())[0]
                fv = np.broadcast_to(f0, np.shape(P) or (1,)).ravel()[i]
                pv = np.broadcast_to(P, np.shape(P) or (1,)).ravel()[i]
                if msg.startswith("`P`"):
                    raise InputError(f"`P` must be at least f(0) = {fv:g}, got {pv:g}")
                raise InputError(f"the cost must be non-negative at x = 0, got f(0) = {fv:g}")
            b = np.broadcast_to(bad, status.shape)
            status[b & (status == "ok")] = msg
    return f0


def _effective_n(N, rho, lam):
    n_eff = N / (1 + rho * (N - 1))
    return n_eff, n_eff * (1 - lam)


def _general_optimum(cost, p, n, U, size):
    """Global argmax of h(x) = x - f(x)/n on [0, U] for any non-decreasing f."""
    n = np.broadcast_to(n, (size,)).astype(float)
    U = np.broadcast_to(U, (size,)).astype(float)
    pp = {k: (v if np.ndim(v) == 0 else np.broadcast_to(v, (size,))) for k, v in p.items()}
    bps = cost.breakpoints(pp)
    if bps is None:
        finite = U[np.isfinite(U)]
        xmax = float(finite.max()) if finite.size == size else HUGE
        bps, min_rel, at = scan_breakpoints(cost, pp, size, xmax=xmax)
        if np.any(min_rel < -1e-8):
            i = int(np.argmax(min_rel < -1e-8))
            raise InputError(f"cost {cost.name!r} must be non-decreasing in x, but "
                             f"f'({at[i]:.6g}) < 0 for these parameters")
    bps = np.broadcast_to(bps, (size, bps.shape[1]))
    # Piece edges: 0, breakpoints inside (0, U), U; sorted with NaN last.
    inside = np.where((bps > 0) & (bps < U[:, None]), bps, np.nan)
    edges = np.sort(np.concatenate([np.zeros((size, 1)), inside, U[:, None]], axis=1), axis=1)
    a, b = edges[:, :-1], edges[:, 1:]
    valid = ~np.isnan(a) & ~np.isnan(b) & (b > a)
    rows, cols = np.nonzero(valid)
    a_v, b_v = a[rows, cols], b[rows, cols]
    b_eff = np.where(np.isinf(b_v), HUGE, b_v)
    a_eff = np.maximum(a_v, TINY)
    q = take(pp, rows)
    n_v = n[rows]
    with np.errstate(all="ignore"):
        da = np.nan_to_num(np.asarray(cost.df(a_eff, q), dtype=float), nan=np.inf)
        db = np.nan_to_num(np.asarray(cost.df(b_eff, q), dtype=float), nan=np.inf)
    unbounded_piece = np.isinf(b_v) & (db < n_v)
    unbounded = np.zeros(size, dtype=bool)
    unbounded[rows[unbounded_piece]] = True
    bracket = (da < n_v) & (db > n_v) & (a_eff < b_eff)
    roots = np.full(rows.size, np.nan)
    converged = True
    if bracket.any():
        i = np.flatnonzero(bracket)
        r, ok = increasing_root(cost.df, cost.d2f, n_v[i], a_eff[i], b_eff[i], take(q, i))
        roots[i] = r
        converged = ok.all()
    root_mat = np.full(a.shape, np.nan)
    root_mat[rows, cols] = roots
    cand = np.concatenate([edges, root_mat], axis=1)
    cand = np.where(np.isinf(cand), np.nan, cand)  # the unbounded case is handled by the flag
    # Evaluate h at every candidate.
    cr, cc = np.nonzero(~np.isnan(cand))
    xs = cand[cr, cc]
    with np.errstate(all="ignore"):
        fx = np.nan_to_num(np.asarray(cost.f(xs, take(pp, cr)), dtype=float), nan=np.inf)
    fn = fx / n[cr]
    h = np.full(cand.shape, -np.inf)
    scale = np.full(cand.shape, np.inf)
    h[cr, cc] = xs - fn
    scale[cr, cc] = np.abs(xs) + np.abs(fn)
    best = np.argmax(h, axis=1)
    ar = np.arange(size)
    hb, sb = h[ar, best], scale[ar, best]
    near = h >= hb[:, None] - TIE_RTOL * (scale + sb[:, None])
    near &= np.isfinite(h)
    xsel = np.where(near, np.nan_to_num(cand, nan=np.inf), np.inf).min(axis=1)
    x = np.where(unbounded, np.inf, xsel)
    x = np.where(U <= 0, 0.0, x)
    if not converged:
        warnings.warn("the root finder did not converge at some points; x* may be off by more "
                      "than 1e-9 relative", AccuracyWarning, stacklevel=4)
    return x


def solve_flat(cost, inp, size):
    """Solve on validated flat inputs; returns a dict of flat arrays (see :class:`Solution`)."""
    N, P, cap = inp["N"], inp["P"], inp["x_cap"]
    rho, lam = inp["overlap"], inp["runtime_penalty"]
    p = _cost_params(cost, inp)
    n_eff, n = _effective_n(N, rho, lam)
    with np.errstate(all="ignore"):
        if cost.closed_form:
            x_budget = np.asarray(cost.budget(P, p), dtype=float)
        else:
            # X_budget depends on P and the cost's parameters only: solve it once
            # when those are scalars (the usual sweep over N).
            if np.ndim(P) == 0 and all(np.ndim(v) == 0 for v in p.values()):
                x_budget = float(cost.budget(np.array([P], dtype=float), p)[0])
            else:
                x_budget = cost.budget(np.broadcast_to(P, (size,)).astype(float), p)
        U = np.minimum(cap, x_budget)
        if cost.closed_form:
            x = np.asarray(cost.optimum(n, U, p), dtype=float)
        else:
            x = _general_optimum(cost, p, n, U, size)
    x = np.broadcast_to(x, (size,)).astype(float)
    x_budget = np.broadcast_to(x_budget, (size,)).astype(float)
    U = np.broadcast_to(U, (size,))
    capv = np.broadcast_to(cap, (size,))
    regime = np.select(
        [x == 0, np.isinf(x), (x >= U) & (capv < x_budget), x >= U],
        ["none", "unbounded", "cap", "budget"], "interior")
    with np.errstate(all="ignore"):
        fx = np.asarray(cost.f(np.where(np.isinf(x), HUGE, x), p), dtype=float)
        fx = np.broadcast_to(fx, (size,))
        f0 = np.broadcast_to(np.asarray(cost.f(np.zeros(size), p), dtype=float), (size,))
        carry = 1 + rho * (N - 1)
        base = (P - fx) * (carry / N)
        learned = (1 - lam) * x
        value = base + learned
        learned_share = np.where(np.isinf(x), 1.0, learned / value)
        learned_share = np.where(value == 0, 0.0, learned_share)
        budget_share = np.where(P == 0, 0.0, fx / P)
        mult = np.where(P == 0, 1.0, f0 / P + n_eff * (value / P))
        novel = learned + rho * (P - fx)
        novel_ratio = np.where(np.isinf(x), 1.0, novel / value)
        novel_ratio = np.where(value == 0, np.where(novel == 0, 1.0, np.inf), novel_ratio)
    overflow = np.isinf(value) & np.isfinite(x)
    if np.any(overflow):
        warnings.warn("the per-instance power g* = (P - f(x*))/N + x* exceeds the float64 range "
                      "at some points (P/N > 1.8e308) and is returned as inf",
                      AccuracyWarning, stacklevel=3)
    return {"x": x, "value": np.broadcast_to(value, (size,)), "regime": regime,
            "base_per_instance": np.broadcast_to(base, (size,)),
            "learned_share": np.broadcast_to(learned_share, (size,)),
            "budget_share": np.broadcast_to(budget_share, (size,)),
            "compute_multiplier": np.broadcast_to(mult, (size,)), "x_budget": x_budget,
            "novel_value": np.broadcast_to(novel, (size,)),
            "novel_ratio": np.broadcast_to(novel_ratio, (size,))}


def solve(cost, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0, errors="raise",
          **params):
    r"""Solve the allocation model for x* and everything derived from it.

    Parameters
    ----------
    cost : str, callable or Cost
        A family name (``"power"``, ...), an expression in ``x``, or a callable.
    N : float or array_like
        Number of distinct instances, ``N > 0``.
    P : float or array_like
        Base optimization power in bits, ``P >= 0``.
    x_cap : float or array_like, optional
        Compute cap on x, ``> 0`` (``None``: no cap).
    overlap : float or array_like
        Shared structure rho in [0, 1] (0: the paper's model).
    runtime_penalty : float or array_like
        Speed prior lambda in [0, 1) (0: the paper's model).
    errors : {"raise", "nan"}
        With ``"nan"``, invalid points give NaN and a message in ``status``.
    **params
        The cost's parameters (scalars or arrays; all inputs broadcast).

    Returns
    -------
    Solution

    Examples
    --------
    >>> s = solve("power", N=100, P=1e6, c=1.0, k=2.0)
    >>> s.x, s.value, s.regime
    (50.0, 10025.0, 'interior')
    >>> solve("power", N=[1, 10, 100], P=1e6, c=1.0, k=2.0).x
    array([ 0.5,  5. , 50. ])
    """
    if any(hasattr(v, "__dask_graph__") for v in (N, P, x_cap, overlap, runtime_penalty,
                                                  *params.values())):
        from ._dask import solve_dask
        return solve_dask(cost, N=N, P=P, x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty, errors=errors, **params)
    cost, inp, shape, status = prepare(cost, params, N=N, P=P, x_cap=x_cap, overlap=overlap,
                                       runtime_penalty=runtime_penalty, errors=errors)
    size = int(np.prod(shape)) if shape else 1
    p = _cost_params(cost, inp)
    _check_cost(cost, p, np.broadcast_to(inp["P"], (size,)) if status is not None else inp["P"],
                status)
    if status is not None and (status != "ok").any():
        bad = status != "ok"
        good = np.flatnonzero(~bad)
        if good.size:
            for k, v in inp.items():
                if np.ndim(v):
                    v = v.copy()
                    v[bad] = v[good[0]]
                    inp[k] = v
    out = solve_flat(cost, inp, size)
    if status is not None:
        bad = status != "ok"
        for k, v in out.items():
            v = np.array(v)
            if k == "regime":
                v = v.astype(object)
                v[bad] = "invalid"
                v = v.astype(str)
            else:
                v[bad] = np.nan
            out[k] = v
        out["status"] = status.astype(str)
    else:
        out["status"] = np.full(size, "ok")
    if shape == ():
        fields = {k: (str(v[0]) if v.dtype.kind in "UO" else float(v[0])) for k, v in out.items()}
    else:
        fields = {k: np.array(v).reshape(shape) for k, v in out.items()}
    return Solution(**fields)


def objective(cost, x, *, N, P, overlap=0.0, runtime_penalty=0.0, **params):
    r"""The per-instance power ``g(x) = (P - f(x)) (1 + rho (N - 1)) / N + (1 - lambda) x``.

    Not restricted to the feasible set: callers mask ``f(x) > P`` themselves.

    >>> objective("power", 50.0, N=100, P=1e6, c=1.0, k=2.0)
    10025.0
    """
    cost, inp, shape, _ = prepare(cost, params, N=N, P=P, overlap=overlap,
                                  runtime_penalty=runtime_penalty)
    x = V.real("x", x, low=0)
    p = {k: inp[k] for k in cost.parameters}
    if cost.depends_on_N:
        p["N"] = inp["N"]
    p = {k: (v.reshape(shape) if np.ndim(v) else v) for k, v in p.items()}
    N_, P_ = (np.reshape(inp[k], shape) if np.ndim(inp[k]) else inp[k] for k in ("N", "P"))
    rho = np.reshape(inp["overlap"], shape) if np.ndim(inp["overlap"]) else inp["overlap"]
    lam = (np.reshape(inp["runtime_penalty"], shape) if np.ndim(inp["runtime_penalty"])
           else inp["runtime_penalty"])
    with np.errstate(all="ignore"):
        g = (P_ - cost.f(np.asarray(x), p)) * (1 + rho * (N_ - 1)) / N_ + (1 - lam) * x
    g = np.asarray(g, dtype=float)
    return float(g) if g.ndim == 0 else g
