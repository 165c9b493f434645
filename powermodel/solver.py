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

import math
import warnings

import numpy as np

from . import _validation as V
from ._numeric import HUGE, TINY, increasing_root, take
from .costs import (FEASIBLE_MIN_P, FEASIBLE_RTOL, SCAN_GRID, make_cost, proved_regular,
                    scan_breakpoints, undefined_beyond)
from .errors import AccuracyWarning, InputError
from .pieces import isolate
from .result import REGIMES, Solution

__all__ = ["solve", "objective", "TIE_RTOL"]

#: Candidates whose h differs by less than this (relative) tie; the smaller x wins.
TIE_RTOL = 1e-12

_MODEL_INPUTS = ("N", "P", "x_cap", "overlap", "runtime_penalty")

#: Points solved at a time by the general solver: larger inputs go block by
#: block, which bounds the memory of temporaries whatever the number of points.
#: Closed forms, with few temporaries, take blocks 4 times larger.
BLOCK = 1 << 16


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


def check_names(cost, params, errors="raise"):
    """The Cost for ``cost``, after checking ``errors`` and the parameter names."""
    cost = make_cost(cost)
    V.choice("errors", errors, ("raise", "nan"))
    V.reject_unknown("parameter", params, cost.parameters)
    missing = [k for k in cost.parameters if k not in params]
    if missing:
        raise InputError(f"missing parameter `{missing[0]}` for cost {cost.name!r} "
                         f"(parameters: {', '.join(cost.parameters)})")
    return cost


def prepare(cost, params, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0,
            errors="raise"):
    """Validate and broadcast the inputs.

    Returns ``(cost, inputs, shape, status)``: ``inputs`` maps every input name
    to a scalar float or a flat array of ``prod(shape)`` points; ``status`` is
    None (all valid) or a flat array of messages (``errors="nan"``).
    """
    cost = check_names(cost, params, errors)
    raw = {"N": N, "P": P, "x_cap": np.inf if x_cap is None else x_cap,
           "overlap": overlap, "runtime_penalty": runtime_penalty, **params}
    rules = _rules(cost)
    vals = {}
    for k, v in raw.items():
        if errors == "raise":
            vals[k] = V.real(k, v, **rules[k], copy=False)
        else:
            vals[k] = V.real(k, v, allow_nan=True, allow_inf=True, copy=False)
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
    # Scalars as NumPy floats: in the cost formulas s**2 or a*b must overflow to inf
    # (under np.errstate), not raise OverflowError as Python floats do.
    p = {k: (np.float64(inp[k]) if np.ndim(inp[k]) == 0 else inp[k]) for k in cost.parameters}
    if cost.depends_on_N:
        p["N"] = np.float64(inp["N"]) if np.ndim(inp["N"]) == 0 else inp["N"]
    return p


def _check_cost(cost, p, P, status):
    """f(0) within [0, P] and cost-specific constraints.

    A family (:func:`powermodel.costs.proved_regular`) whose parameters passed
    :func:`prepare` (they lie within its bounds) has f(0) = 0 and is finite and
    non-decreasing by its formula, and P >= 0 was checked: nothing is evaluated
    for it. Expressions and callables are evaluated at 0 and 1e-300.
    """
    if hasattr(cost, "check_with_N"):
        if status is None:
            cost.check_with_N(p)
        else:  # errors="nan": mark the points, do not abort the sweep
            with np.errstate(all="ignore"):
                bad = np.broadcast_to(cost.bad_with_N(p), status.shape)
            status[bad & (status == "ok")] = cost.bad_with_N_message
    if proved_regular(cost):
        return 0.0
    with np.errstate(all="ignore"):
        f0 = np.asarray(cost.f(np.zeros(np.shape(P) or ()), p), dtype=float)
        f_tiny = np.asarray(cost.f(np.full(np.shape(P) or (), TINY), p), dtype=float)
    bad_real = ~np.isfinite(f0) | np.isnan(f_tiny)
    bad_neg = ~bad_real & ~(f0 >= 0)
    bad_p = ~bad_real & (f0 > P)
    for bad, msg in ((bad_real, "the cost is not real-valued and finite at x = 0"),
                     (bad_neg, "the cost must be non-negative at x = 0"),
                     (bad_p, "`P` must be at least f(0)")):
        if np.any(bad):
            if status is None:
                i = np.flatnonzero(np.broadcast_to(bad, np.shape(P) or (1,)).ravel())[0]
                fv = np.broadcast_to(f0, np.shape(P) or (1,)).ravel()[i]
                pv = np.broadcast_to(P, np.shape(P) or (1,)).ravel()[i]
                if msg.startswith("`P`"):
                    raise InputError(f"`P` must be at least f(0) = {fv:g}, got {pv:g}")
                if msg.startswith("the cost is not"):
                    raise InputError(f"cost {cost.name!r} is not real-valued and finite at "
                                     f"x = 0: f(0) = {fv:g}, f(1e-300) = "
                                     f"{np.broadcast_to(f_tiny, np.shape(P) or (1,)).ravel()[i]:g}")
                raise InputError(f"the cost must be non-negative at x = 0, got f(0) = {fv:g}")
            b = np.broadcast_to(bad, status.shape)
            status[b & (status == "ok")] = msg
    return f0


def _effective_n(N, rho, lam):
    # (the paper's model, rho = lam = 0, skips the arithmetic: exactly the same values)
    n_eff = N if np.ndim(rho) == 0 and rho == 0 else N / (1 + rho * (N - 1))
    return n_eff, n_eff if np.ndim(lam) == 0 and lam == 0 else n_eff * (1 - lam)


def _breakpoints(cost, pp, size, U, n):
    """Where f' stops being monotone (NaN-padded rows), checking f' >= 0 on [0, max U].

    Costs with an interval extension are split by :func:`powermodel.pieces.isolate`
    (one row when every parameter is a scalar, else one per point, each with its
    own U and n); others by the sampling scan of :func:`scan_breakpoints`.
    """
    bps = cost.breakpoints(pp)
    if bps is not None:
        return bps
    U = np.asarray(U, dtype=float)
    scalar = all(np.ndim(v) == 0 for v in pp.values())
    if not cost.isolates:
        finite = U[np.isfinite(U)]
        xmax = float(finite.max()) if finite.size and finite.size == U.size else HUGE
        bps, min_rel, at = scan_breakpoints(cost, pp, size, xmax=xmax)
        _check_scan(cost, min_rel, at)
        return bps
    n = np.asarray(n, dtype=float)
    if scalar:
        finite = U[np.isfinite(U)]
        u_row = np.array([float(finite.max()) if finite.size == U.size and U.size else HUGE])
        n_lo, n_hi = np.array([np.min(n)]), np.array([np.max(n)])
    else:
        u_row = np.where(np.isfinite(U), U, HUGE) * np.ones(size)
        n_lo = n_hi = np.broadcast_to(n, (size,))
    bps = None
    if not scalar:
        bps = _hull_pieces(cost, pp, size, u_row, n)
    if bps is None:
        bps, flagged, decreasing = isolate(cost, pp, u_row.size, u_row, n_lo, n_hi, warn=False)
        if flagged.any():
            bps = _with_sampled(cost, pp, scalar, bps, flagged, u_row)
    else:
        decreasing = np.full(1, np.nan)
    # (the interval subdivision proves a decrease itself: f' < 0 at a piece end where
    # f' is smallest, or a jump down across a sliver; nothing is read from rounded values)
    if np.any(np.isfinite(decreasing)):
        _not_increasing(cost, np.nanmin(decreasing))
    return bps


def _with_sampled(cost, pp, scalar, bps, flagged, u_row):
    """Breakpoints of the rows whose interval subdivision gave up (the enclosures of
    f'' too loose to settle its sign, e.g. by cancellation in x*atan(x)), completed
    by the sampling scan of f'' (40 points a decade), with a warning that says so."""
    rows = np.flatnonzero(flagged)
    sub = pp if scalar else take(pp, rows)
    extra, min_rel, at = scan_breakpoints(cost, sub, rows.size, xmax=float(np.max(u_row[rows])))
    _check_scan(cost, min_rel, at)
    extra = np.broadcast_to(extra, (rows.size, extra.shape[1]))
    out = np.full((bps.shape[0], bps.shape[1] + extra.shape[1]), np.nan)
    out[:, :bps.shape[1]] = bps
    out[rows, bps.shape[1]:] = extra
    warnings.warn(f"the interval enclosures of f'' of cost {cost.name!r} were too loose to split "
                  "it into monotone pieces everywhere; it was also split by sampling f'' (40 "
                  "points a decade), so a feature narrower than that may be missed there: "
                  "certify=True checks the answer", AccuracyWarning, stacklevel=5)
    return np.sort(out, axis=1)


def _hull_pieces(cost, pp, size, u_row, n):
    """Pieces shared by every point, from the ranges of the per-point parameters.

    One subdivision with each parameter's interval [min, max] over the block
    proves the pieces for every point at once (what a Sobol' or Monte Carlo
    analysis over a cost's parameters needs, at the cost of a single row).
    None where the engine cannot take parameter ranges (an exponent that is a
    varying parameter) or the ranges blur the pieces (too many boxes): then
    every point is split on its own.
    """
    hull = {k: (float(np.nanmin(v)), float(np.nanmax(v))) if np.ndim(v) else v
            for k, v in pp.items()}
    if not cost.accepts_ranges(hull):
        return None
    u_max = np.array([float(np.max(u_row))])
    n = np.broadcast_to(np.asarray(n, dtype=float), (size,))
    bps, flagged, decreasing = isolate(cost, hull, 1, u_max, np.array([np.min(n)]),
                                       np.array([np.max(n)]), hull=True)
    if flagged[0] or np.isfinite(decreasing[0]):
        return None
    return np.broadcast_to(bps, (size, bps.shape[1]))


def _not_increasing(cost, at):
    raise InputError(f"cost {cost.name!r} must be non-decreasing in x, but f decreases near "
                     f"x = {at:.6g} for these parameters")


#: (callables) f' counts as negative below this slope relative to |f'| + |f|/x, the
#: rounding noise of finite differences.
_SLOPE_RTOL = 1e-8


def _check_scan(cost, min_rel, at):
    """Refuse the cost where the sampling scan saw f' < 0 (its most negative slope)."""
    bad = min_rel < -_SLOPE_RTOL
    if np.any(bad):
        _not_increasing(cost, at[int(np.argmax(bad))])


def _general_optimum(cost, p, n, U, size, bps=None):
    """Global argmax of h(x) = x - f(x)/n on [0, U] for any non-decreasing f.

    ``bps``: the breakpoints when already known (shared by all points).
    """
    n = np.asarray(n, dtype=float)
    if n.shape != (size,):
        n = np.broadcast_to(n, (size,)).astype(float)
    if bps is not None and bps.shape[0] == 1 and all(np.ndim(v) == 0 for v in p.values()):
        return _shared_optimum(cost, p, n, U if np.ndim(U) == 0 else
                               np.broadcast_to(U, (size,)).astype(float), size, bps[0])
    U = np.broadcast_to(U, (size,)).astype(float)
    pp = {k: (v if np.ndim(v) == 0 else np.broadcast_to(v, (size,))) for k, v in p.items()}
    if bps is None:
        bps = _breakpoints(cost, pp, size, U, n)
    bps = np.broadcast_to(bps, (size, bps.shape[1]))
    # Piece edges: 0, breakpoints inside (0, U), U; sorted with NaN last.
    inside = np.where((bps > 0) & (bps < U[:, None]), bps, np.nan)
    edges = np.sort(np.concatenate([np.zeros((size, 1)), inside, U[:, None]], axis=1), axis=1)
    # f and f' at every edge, in one pass (at TINY for 0 and HUGE for inf).
    er, ec = np.nonzero(~np.isnan(edges))
    xe = np.clip(edges[er, ec], TINY, HUGE)
    with np.errstate(all="ignore"):
        fe, de = cost.f_df(xe, take(pp, er))
        fe = np.broadcast_to(np.asarray(fe, dtype=float), xe.shape)
        de = np.broadcast_to(np.asarray(de, dtype=float), xe.shape)
    F = np.full(edges.shape, np.nan)
    D = np.full(edges.shape, np.nan)
    F[er, ec] = np.nan_to_num(fe, nan=np.inf)
    D[er, ec] = np.nan_to_num(de, nan=np.inf)
    a, b = edges[:, :-1], edges[:, 1:]
    valid = ~np.isnan(a) & ~np.isnan(b) & (b > a)
    rows, cols = np.nonzero(valid)
    a_v, b_v = a[rows, cols], b[rows, cols]
    b_eff = np.where(np.isinf(b_v), HUGE, b_v)
    a_eff = np.maximum(a_v, TINY)
    q = take(pp, rows)
    n_v = n[rows]
    da, db = D[rows, cols], D[rows, cols + 1]
    unbounded_piece = np.isinf(b_v) & (db < n_v)
    unbounded = np.zeros(size, dtype=bool)
    unbounded[rows[unbounded_piece]] = True
    bracket = (da < n_v) & (db > n_v) & (a_eff < b_eff)
    roots = np.full(rows.size, np.nan)
    converged = True
    if bracket.any():
        i = np.flatnonzero(bracket)
        r, ok = increasing_root(cost.df, cost.d2f, n_v[i], a_eff[i], b_eff[i], take(q, i),
                                both=cost.df_d2f)
        roots[i] = r
        converged = ok.all()
    # Candidates: the edges (f known) and the roots (f evaluated now).
    cand_e = np.where(np.isinf(edges), np.nan, edges)  # the unbounded case is the flag's
    fn_e = F / n[:, None]
    h_e = np.where(np.isnan(cand_e), -np.inf, cand_e - fn_e)
    s_e = np.where(np.isnan(cand_e), np.inf, np.abs(cand_e) + np.abs(fn_e))
    h_r = np.full(a.shape, -np.inf)
    s_r = np.full(a.shape, np.inf)
    x_r = np.full(a.shape, np.nan)
    i = np.flatnonzero(np.isfinite(roots))
    if i.size:
        with np.errstate(all="ignore"):
            fr = np.nan_to_num(np.broadcast_to(np.asarray(cost.f(roots[i], take(q, i)),
                                                          dtype=float), (i.size,)), nan=np.inf)
        fnr = fr / n_v[i]
        x_r[rows[i], cols[i]] = roots[i]
        h_r[rows[i], cols[i]] = roots[i] - fnr
        s_r[rows[i], cols[i]] = np.abs(roots[i]) + np.abs(fnr)
    cand = np.concatenate([cand_e, x_r], axis=1)
    h = np.concatenate([h_e, h_r], axis=1)
    scale = np.concatenate([s_e, s_r], axis=1)
    return _select(np.nan_to_num(cand, nan=np.inf).T, h.T, scale.T, unbounded, U, converged)


def _select(cand, h, scale, unbounded, U, converged):
    """x* from candidates ``cand`` with values ``h`` and magnitudes ``scale``, all of
    shape (candidates, points): the largest h, ties within :data:`TIE_RTOL` of the
    magnitudes going to the smallest x; inf where h grows without bound, 0 where U = 0."""
    hb = h.max(axis=0)
    sb = scale[-1]
    for j in range(h.shape[0] - 2, -1, -1):  # the scale of the first best (a loop over
        sb = np.where(h[j] == hb, scale[j], sb)  # candidates, faster than argmax on axis 0)
    near = np.isfinite(h) & (h >= hb - TIE_RTOL * (scale + sb))
    x = np.where(near, cand, np.inf).min(axis=0)
    x = np.where(unbounded, np.inf, x)
    x = np.where(U <= 0, 0.0, x)
    if not converged:
        warnings.warn("the root finder did not converge at some points; x* may be off by more "
                      "than 1e-9 relative", AccuracyWarning, stacklevel=4)
    return x


def _shared_optimum(cost, p, n, U, size, bps):
    """:func:`_general_optimum` when every point has the same (scalar) parameters.

    The same candidates, compared the same way, but what the points share is
    computed once: the breakpoints ``bps`` split [0, inf) into pieces whose ends,
    f and f' there, are scalars, like U when it is a scalar; only n (and U) and
    the roots vary by point. Each root of f'(x) = n starts from a bracket one
    or two cells wide of a log grid on which f' was tabulated once (a few
    Newton steps instead of a search from [1e-300, U]).
    """
    B = np.sort(bps[np.isfinite(bps) & (bps > 0)])
    m = B.size
    starts = np.concatenate(([0.0], B))        # piece j is [starts[j], ends[j]] cut at U
    ends = np.concatenate((B, [np.inf]))
    a_eff = np.maximum(starts, TINY)
    scalar_u = np.ndim(U) == 0

    def at(fun, x):  # fun at x (shared by all points, or one per point), NaN read as +inf
        with np.errstate(all="ignore"):
            v = np.asarray(fun(np.asarray(x, dtype=float), p), dtype=float)
        return np.nan_to_num(np.broadcast_to(v, np.shape(x)), nan=np.inf)

    d_start = at(cost.df, a_eff)
    d_end = at(cost.df, np.where(np.isinf(ends), HUGE, ends))
    f_zero, f_bps = at(cost.f, [0.0])[0], at(cost.f, B)
    finite_u = np.isfinite(U)
    U_eff = np.where(finite_u, U, HUGE)
    d_u = at(cost.df, U_eff)
    if scalar_u:
        d_u = float(d_u)
    # Candidates in _general_optimum's order: x (inf where absent), h, scale.
    xs, hs, ss = [], [], []

    def add(x, fx, valid=None):
        fn = fx / n
        h, sc = x - fn, np.abs(x) + np.abs(fn)
        if valid is not None:
            x, h, sc = np.where(valid, x, np.inf), np.where(valid, h, -np.inf), \
                np.where(valid, sc, np.inf)
        xs.append(x)
        hs.append(h)
        ss.append(sc)

    with np.errstate(all="ignore"):
        add(0.0, f_zero)
        for j in range(m):
            if not scalar_u:
                add(B[j], f_bps[j], B[j] < U)
            elif B[j] < U:
                add(B[j], f_bps[j])
        if not scalar_u:
            add(U, at(cost.f, np.where(finite_u, U, 0.0)), finite_u)
        elif finite_u:
            add(float(U), float(at(cost.f, [U])[0]))
        unbounded = ~finite_u & (d_u < n)
        converged = True
        for j in range(m + 1):
            cut = ends[j] < U  # the piece ends at its breakpoint, else at U
            b_eff = np.where(cut, ends[j] if np.isfinite(ends[j]) else HUGE, U_eff)
            db = np.where(cut, d_end[j], d_u)
            i = np.flatnonzero((starts[j] < U) & (d_start[j] < n) & (db > n) & (a_eff[j] < b_eff))
            if i.size:
                b_i = b_eff if np.ndim(b_eff) == 0 else b_eff[i]
                lo, hi, t0 = _grid_bracket(cost, p, n[i], a_eff[j], b_i, ends[j])
                r, ok = increasing_root(cost.df, cost.d2f, n[i], lo, hi, p, t0=t0,
                                        both=cost.df_d2f)
                converged = converged and ok.all()
                fn = at(cost.f, r) / n[i]
                x, h, sc = np.full(size, np.inf), np.full(size, -np.inf), np.full(size, np.inf)
                x[i], h[i], sc[i] = r, r - fn, np.abs(r) + np.abs(fn)
                xs.append(x)
                hs.append(h)
                ss.append(sc)
        rows = lambda vs: np.array([np.broadcast_to(v, (size,)) for v in vs])  # noqa: E731
        return _select(rows(xs), rows(hs), rows(ss), unbounded, U, converged)


def _grid_bracket(cost, p, n, a, b, end):
    """Brackets of f'(x) = n inside [a, b] (f' increasing there) from f' tabulated
    once on SCAN_GRID: the cell where f' crosses n, widened by a cell each side;
    and a first guess of log x, interpolated log-linearly in that cell."""
    G = SCAN_GRID[(SCAN_GRID > a) & (SCAN_GRID < end)]
    with np.errstate(all="ignore"):
        d = np.asarray(cost.df(G, p), dtype=float)
    keep = np.isfinite(d)
    G, d = G[keep], np.maximum.accumulate(d[keep]) if keep.any() else d[keep]
    lo = np.full(n.size, float(a))
    hi = np.broadcast_to(np.asarray(b, dtype=float), n.shape).copy()
    t0 = None
    if G.size:
        k = np.searchsorted(d, n, side="left")  # d[k - 1] < n <= d[k]
        lo = np.maximum(np.where(k >= 2, G[np.maximum(k - 2, 0)], a), a)
        hi_g = np.where(k + 1 < G.size, np.minimum(G[np.minimum(k + 1, G.size - 1)], hi), hi)
        bad = ~(lo < hi_g)
        lo[bad] = a
        hi = np.where(bad, hi, hi_g)
        k0, k1 = np.maximum(k - 1, 0), np.minimum(k, G.size - 1)
        with np.errstate(all="ignore"):
            lg, ld = np.log(G), np.log(d)
            w = (np.log(n) - ld[k0]) / (ld[k1] - ld[k0])
            t0 = np.where((k >= 1) & (k < G.size) & (w >= 0) & (w <= 1),
                          lg[k0] + w * (lg[k1] - lg[k0]), np.nan)
    return lo, hi, t0


def _shared(cost, inp):
    """What every block can share: for numerically solved costs whose parameters
    and ``P`` are scalars, X_budget and the breakpoints (computed once)."""
    p = _cost_params(cost, inp)
    if cost.closed_form or np.ndim(inp["P"]) or any(np.ndim(v) for v in p.values()):
        return {}
    with np.errstate(all="ignore"):
        x_budget = float(cost.budget(np.array([inp["P"]], dtype=float), p)[0])
        U = np.minimum(inp["x_cap"], x_budget)
    _, n = _effective_n(inp["N"], inp["overlap"], inp["runtime_penalty"])
    return {"x_budget": x_budget, "bps": _breakpoints(cost, p, 1, U, n)}


def solve_flat(cost, inp, size, *, lazy=False, certify=False, certify_rtol=1e-9):
    """Solve on validated flat inputs; returns a dict of flat arrays (see :class:`Solution`).

    Solves block by block (:data:`BLOCK` points at a time), so the memory used
    beyond the outputs stays bounded; warnings are issued once, not per block.
    With ``lazy=True`` only ``x`` and ``x_budget`` are computed;
    :func:`derive_flat` gives the other fields (``regime`` as ``int8`` codes).
    """
    shared = _shared(cost, inp)
    if certify:  # (every field at once: the bound is compared with g*)
        shared = {**shared, "certify": float(certify_rtol)}
        lazy = False
    # (closed forms have few temporaries, and x* alone fewer still: larger blocks)
    block = BLOCK * ((64 if lazy else 4) if cost.closed_form and not certify else 1)
    return _blockwise(lambda part, n: _solve_block(cost, part, n, shared, lazy=lazy), inp, size,
                      block)


def derive_flat(cost, inp, x, x_budget, size):
    """The derived fields (value, shares, ...) of flat ``x``, block by block, as a dict."""
    block = BLOCK * 16  # (elementwise, few temporaries: one block for a Dask chunk of 1e6)
    both = {**inp, "_x": x, "_x_budget": x_budget}

    def fun(part, n):
        xp, xb = part.pop("_x"), part.pop("_x_budget")
        return {"regime": _regime_block(part, xp, xb, n), **_derived_block(cost, part, xp, xb, n)}

    return _blockwise(fun, both, size, block)


def _regime_block(inp, x, x_budget, size):
    """The regime codes of one block, from x* and X_budget."""
    cap = inp["x_cap"]
    inf_x = np.isinf(x)
    with np.errstate(invalid="ignore"):
        return _regime_code(x, inf_x if inf_x.any() else None, np.minimum(cap, x_budget), cap,
                            x_budget, size)


def _blockwise(fun, inp, size, block):
    """``fun(inputs, n)`` on blocks of the flat inputs, gathered into flat outputs."""
    out = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if size <= block:
            out = fun(dict(inp), size)
        for start in range(0, size if out is None else 0, block):
            stop = min(size, start + block)
            part = fun({k: (v[start:stop] if np.ndim(v) else v) for k, v in inp.items()},
                       stop - start)
            if out is None:  # (a field constant in a block comes from scalars: constant)
                out = {k: np.broadcast_to(v[:1], (size,)) if _constant(v) else
                       np.empty(size, dtype=(np.asarray(REGIMES).dtype if k == "regime"
                                             else object) if v.dtype.kind == "U"
                                else v.dtype) for k, v in part.items()}
            for k, v in part.items():
                if not _constant(out[k]):
                    out[k][start:stop] = v
        if "status" in out and out["status"].dtype == object:
            out["status"] = out["status"].astype(str)
    seen = set()
    for w in caught:
        if (w.category, str(w.message)) not in seen:
            seen.add((w.category, str(w.message)))
            warnings.warn(str(w.message), w.category, stacklevel=4)
    return out


def _constant(v):
    """Whether ``v`` is one value broadcast over its points (a zero stride)."""
    return v.ndim == 1 and v.size > 1 and v.strides[0] == 0


def _solve_block(cost, inp, size, shared, lazy=False):
    """solve_flat on one block of points."""
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
            if "x_budget" in shared:
                x_budget = shared["x_budget"]
            elif np.ndim(P) == 0 and all(np.ndim(v) == 0 for v in p.values()):
                x_budget = float(cost.budget(np.array([P], dtype=float), p)[0])
            else:
                x_budget = cost.budget(np.broadcast_to(P, (size,)).astype(float), p)
        U = np.minimum(cap, x_budget)
        if cost.closed_form:
            x = np.asarray(cost.optimum(n, U, p), dtype=float)
        else:
            x = _general_optimum(cost, p, n, U, size, bps=shared.get("bps"))
    x = np.asarray(x, dtype=float)
    if x.shape != (size,):
        x = np.broadcast_to(x, (size,)).copy()
    x, U, x_budget = _feasible(cost, p, x, P, U, x_budget, size)
    note = None
    if not cost.closed_form:
        # Where f turns NaN beyond the budget found, the search stopped at the edge of
        # the cost's domain, not at f = P: say so at the points that sit there.
        # (evaluated once when the budget and the parameters are shared by every point)
        edge = np.broadcast_to(undefined_beyond(cost, x_budget, p), (size,)) \
            & (x >= x_budget) & (x > 0)
        if edge.any():
            note = np.full(size, None, dtype=object)
            xb = np.broadcast_to(x_budget, (size,))
            for i in np.flatnonzero(edge):
                note[i] = (f"f is undefined (NaN) beyond x = {xb[i]:.6g}: x* is the end of "
                           "the cost's domain, not the budget")
    if "certify" not in shared:
        plain = _plain_notes(cost, p, x, P, N, rho, x_budget, size)
        if plain is not None:
            note = plain if note is None else np.where(np.equal(note, None), plain, note)
    if "certify" in shared:
        x_fast = x
        x, bound_h, lower_h, cnote = _certify(cost, p, x, n, P, U, cap, lam, N, rho, size,
                                              shared["certify"], x_budget=x_budget)
        # Where f(x*) <= P was proved only a few ulps inside the budget, that point is the
        # budget (the largest x proved feasible), as in _feasible.
        inside = (x < x_fast) & (x_fast >= U) & (x >= x_fast * (1 - 2e-11))
        if inside.any():
            U = np.where(inside, x, U)
            x_budget = np.where(inside, np.minimum(x_budget, x), x_budget)
        note = cnote if note is None else np.where(np.equal(note, None), cnote, note)
    inf_x = np.isinf(x)
    any_inf = bool(inf_x.any())
    if cost.closed_form and any_inf:
        # These families have unbounded f, so x* is finite but beyond the float range.
        warnings.warn("x* exceeds the float64 range (1.8e308) at some points and is returned "
                      "as inf (regime 'unbounded')", AccuracyWarning, stacklevel=3)
    xb = x_budget if getattr(x_budget, "shape", None) == (size,) else np.broadcast_to(
        np.asarray(x_budget, dtype=float), (size,))
    notes = {} if note is None else {
        "status": np.where(np.equal(note, None), "ok", note).astype(str)}
    if lazy:
        return {"x": x, "x_budget": xb, **notes}
    code = _regime_code(x, inf_x if any_inf else None, U, cap, x_budget, size)
    derived = _derived_block(cost, inp, x, xb, size)
    extra = notes
    if "certify" in shared:
        extra = _bound_fields(bound_h, lower_h, derived["value"], P, N, rho, lam, x, note,
                              size, shared["certify"])
    return {**extra, "x": x, "value": derived["value"],
            "regime": np.take(_REGIME_CHARS, code, axis=0).view(np.array(REGIMES).dtype).reshape(
                size), **{k: v for k, v in derived.items() if k != "value"}, "x_budget": xb}


#: The status of a callable's solve (no interval extension: its pieces are sampled).
ASSUMED = ("assumed: no feature of f narrower than the sampling grid (40 points a decade) "
           "between the points sampled; pass CallableCost(..., interval=...) and "
           "certify=True for a proof")

#: g* counts as unresolved where the enclosure of f(x*) leaves it this uncertain (relative).
RESOLVE_RTOL = 1e-9


def _plain_notes(cost, p, x, P, N, rho, x_budget, size):
    """What the plain (not certified) path cannot vouch for, per point (None: ok).

    * a callable's optimum is the sampled one (:data:`ASSUMED`);
    * where the interval enclosure of f at x* does not prove f(x*) <= P, or leaves
      g* uncertain by more than :data:`RESOLVE_RTOL` (cancellation, underflow), an
      AccuracyWarning and the status say that f(x*) is not resolved;
    * where the budget lies beyond the float range (f(1.8e308) <= P and f still
      rising), the status says that a larger x than any float may be better.
    """
    if cost.closed_form:
        return None
    note = None
    if not cost.has_intervals:
        note = np.full(size, ASSUMED, dtype=object)
    else:
        fin = np.flatnonzero(np.isfinite(x))
        if fin.size:
            scalar = all(np.ndim(v) == 0 for v in p.values())
            q = p if scalar else take(p, fin)
            xs = x[fin]
            with np.errstate(all="ignore"):
                flo, fhi = (np.nan_to_num(np.broadcast_to(np.asarray(v, dtype=float), xs.shape),
                                          nan=d, posinf=np.inf, neginf=-np.inf)
                            for v, d in zip(cost.interval(xs, xs, q), (-np.inf, np.inf)))
                Pf = np.broadcast_to(P, (size,))[fin]
                Nf = np.broadcast_to(N, (size,))[fin]
                carry = 1 + np.broadcast_to(rho, (size,))[fin] * (Nf - 1)
                fx = np.clip(0.5 * flo + 0.5 * fhi, flo, fhi)
                g = (Pf - fx) * carry / Nf + xs
                spread = (fhi - flo) * carry / Nf
            # (an uncertainty of f below 1e-305, the engine's underflow floor of a few
            # 2**-1022 an operation, is not counted: it is no scale of the problem's; at
            # the budget f(x*) = P to rounding, so fhi > P alone says nothing)
            bad = ~(spread <= RESOLVE_RTOL * np.abs(g) + _FLOOR * carry / Nf)
            if bad.any():
                note = np.full(size, None, dtype=object)
                for j in np.flatnonzero(bad):
                    i = fin[j]
                    note[i] = (f"unresolved: floating point cannot resolve f(x*) (its enclosure "
                               f"at x* = {xs[j]:.6g} is [{flo[j]:.6g}, {fhi[j]:.6g}], P = "
                               f"{Pf[j]:.6g}: cancellation or underflow), so x* and g* may be "
                               "off; certify=True gives proved bounds")
                warnings.warn(f"floating point cannot resolve the cost {cost.name!r} at x* "
                              f"({int(bad.sum())} point(s); cancellation or underflow): x* and g* "
                              "may be off there, see `status`", AccuracyWarning, stacklevel=4)
    # the budget beyond the float range: f(XMAX) <= P and f still rising there
    xb = np.broadcast_to(x_budget, (size,))
    if np.isinf(xb).any():
        with np.errstate(all="ignore"):
            top = np.broadcast_to(np.asarray(cost.f(np.array([_XMAX, _XMAX / 2]) if all(
                np.ndim(v) == 0 for v in p.values()) else np.stack(
                [np.full(size, _XMAX), np.full(size, _XMAX / 2)]).T, p if all(
                np.ndim(v) == 0 for v in p.values()) else {
                k: (v if np.ndim(v) == 0 else np.asarray(v)[:, None]) for k, v in p.items()}),
                dtype=float), (size, 2) if any(np.ndim(v) for v in p.values()) else (2,))
        rising = (top[..., 0] > top[..., 1] * (1 + 1e-12)) & np.isfinite(top[..., 0])
        beyond = np.isinf(xb) & np.broadcast_to(rising, (size,))
        if beyond.any():
            note = np.full(size, None, dtype=object) if note is None else note
            for i in np.flatnonzero(beyond & np.equal(note, None)):
                note[i] = ("beyond float range: f(1.8e308) <= P, so the budget lies beyond the "
                           "largest float; " + ("x* is beyond it too" if np.isinf(x[i]) else
                                                "x* is the best x below 1.8e308, and a larger "
                                                "x may be better"))
    return note


_XMAX = float(np.finfo(float).max)
_FLOOR = 1e-305


def _derived_block(cost, inp, x, x_budget, size):
    """Every field derived from x* on one block of points (flat arrays)."""
    N, P = inp["N"], inp["P"]
    rho, lam = inp["overlap"], inp["runtime_penalty"]
    p = _cost_params(cost, inp)
    n_eff, _ = _effective_n(N, rho, lam)
    # Derived fields, lean: scalars stay scalars, and the corrections of np.where
    # are applied in place only where they are needed.
    inf_x = np.isinf(x)
    any_inf = bool(inf_x.any())
    xr = np.where(inf_x, HUGE, x) if any_inf else x
    scalar_p = all(np.ndim(v) == 0 for v in p.values())
    with np.errstate(all="ignore"):
        fx = np.broadcast_to(np.asarray(cost.f(xr, p), dtype=float), (size,))
        # x* is feasible, f(x*) <= P: where rounding at the budget says otherwise, f(x*) = P.
        over = fx > P
        if np.any(over & ~inf_x):
            fx = np.where(over & ~inf_x, P, fx)
        if scalar_p:
            f0 = float(np.asarray(cost.f(np.zeros(1), p), dtype=float).ravel()[0])
        else:
            f0 = np.broadcast_to(np.asarray(cost.f(np.zeros(size), p), dtype=float), (size,))
        rho0 = np.ndim(rho) == 0 and rho == 0
        carry = 1.0 if rho0 else 1 + rho * (N - 1)
        base = (P - fx) * (carry / N)
        if np.any(np.isinf(carry / N)):  # subnormal N: 0 * inf must be 0, not nan
            base = np.where(P - fx == 0, 0.0, base)
        learned = x if (np.ndim(lam) == 0 and lam == 0) else (1 - lam) * x
        value = base + learned
        learned_share = learned / value
        if any_inf:
            learned_share[inf_x] = 1.0
        zero_v = value == 0
        any_zero_v = bool(zero_v.any())
        if any_zero_v:
            learned_share[zero_v] = 0.0
        if np.ndim(P) == 0:
            budget_share = fx / P if P != 0 else np.zeros(size)
            if P == 0:
                mult = np.ones(size)
            elif np.ndim(f0) == 0 and f0 == 0:
                mult = n_eff * (value / P)
            else:
                mult = f0 / P + n_eff * (value / P)
        else:
            budget_share = np.where(P == 0, 0.0, fx / P)
            mult = np.where(P == 0, 1.0, f0 / P + n_eff * (value / P))
        if rho0 and np.isfinite(fx).all():
            novel = learned  # + 0 * (P - fx), exactly
        else:
            novel = learned + rho * (P - fx)
        novel_ratio = novel / value
        if any_inf:
            novel_ratio[inf_x] = 1.0
        if any_zero_v:
            novel_ratio[zero_v] = np.where(novel[zero_v] == 0, 1.0, np.inf)
    if cost.closed_form and any_inf:
        value = np.where(inf_x, np.inf, value)
        base = np.where(inf_x, np.nan, base)
    overflow = np.isinf(value)
    if any_inf:
        overflow &= ~inf_x
    if np.any(overflow):
        warnings.warn("the per-instance power g* = (P - f(x*))/N + x* exceeds the float64 range "
                      "at some points (P/N > 1.8e308) and is returned as inf",
                      AccuracyWarning, stacklevel=3)
    full = lambda v: v if getattr(v, "shape", None) == (size,) else np.broadcast_to(  # noqa: E731
        np.asarray(v, dtype=float), (size,))
    return {"value": full(value), "base_per_instance": full(base),
            "learned_share": full(learned_share), "budget_share": full(budget_share),
            "compute_multiplier": full(mult), "novel_value": full(novel),
            "novel_ratio": full(novel_ratio)}


def _feasible(cost, p, x, P, U, x_budget, size):
    """x* with f(x*) <= P exactly: where rounding at the budget puts f(x*) above P,
    step x* down by an ulp or two (at most 8), and the budget with it (it is the
    largest x with f(x) <= P). Returns ``(x, U, x_budget)``.

    Proved, not evaluated, where it can be: for a closed-form family, f(x*) <= P
    holds by convexity at every x* <= (1 - FEASIBLE_RTOL) X_budget (see
    :data:`powermodel.costs.FEASIBLE_RTOL`), so only the points nearer the budget
    (and those with a P small enough for f to underflow) are evaluated; for other
    costs the points at U. Where every point checked is the same x (scalar
    parameters and U), f is evaluated once.
    """
    if cost.closed_form and proved_regular(cost):
        with np.errstate(invalid="ignore", over="ignore"):
            at_u = np.flatnonzero(x >= np.multiply(x_budget, 1 - FEASIBLE_RTOL))
            if np.min(P) < FEASIBLE_MIN_P:
                at_u = np.union1d(at_u, np.flatnonzero(np.broadcast_to(P, (size,))
                                                       < FEASIBLE_MIN_P))
        if at_u.size:
            at_u = at_u[np.isfinite(x[at_u]) & (x[at_u] > 0)]
    else:
        at_u = np.flatnonzero((x >= U) & np.isfinite(x) & (x > 0))
    if at_u.size == 0:
        return x, U, x_budget
    scalar = not any(np.ndim(v) for v in p.values())
    q = p if scalar else take(p, at_u)
    Pi = np.broadcast_to(P, (size,))[at_u]
    xi = x[at_u]
    if scalar and np.ndim(P) == 0 and np.all(xi == xi[0]):
        # one x and one P for every point checked: evaluate f once
        x1 = xi[:1]
        for _ in range(8):
            with np.errstate(all="ignore"):
                over = np.asarray(cost.f(x1, q), dtype=float).ravel()[:1] > P
            if not over.any():
                break
            x1 = np.nextafter(x1, 0.0)
        if x1[0] == xi[0]:
            return x, U, x_budget
        xi = np.full(xi.shape, x1[0])
    else:
        xi = xi.copy()
        live = np.arange(xi.size)  # (each step evaluates only the points still above P)
        for _ in range(8):
            ql = q if scalar else take(q, live)
            with np.errstate(all="ignore"):
                over = np.broadcast_to(np.asarray(cost.f(xi[live], ql), dtype=float),
                                       live.shape) > Pi[live]
            live = live[over]
            if not live.size:
                break
            xi[live] = np.nextafter(xi[live], 0.0)
    moved = xi != x[at_u]
    if not moved.any():
        return x, U, x_budget
    i = at_u[moved]
    x, U, x_budget = (_own(v, size) for v in (x, U, x_budget))
    x[i] = xi[moved]
    U[i] = x[i]
    x_budget[i] = np.minimum(x_budget[i], x[i])
    return x, U, x_budget


def _own(v, size):
    """``v`` as a float array of ``size`` points that may be written into: itself when it
    is one already (the block's own arrays, never an input's), else a copy."""
    if isinstance(v, np.ndarray) and v.shape == (size,) and v.dtype == float \
            and v.flags.owndata and v.flags.writeable:
        return v
    return np.array(np.broadcast_to(v, (size,)), dtype=float)


def _certify(cost, p, x, n, P, U, cap, lam, N, rho, size, rtol, x_budget=None):
    """Run :func:`powermodel.certify.certify_points` on the finite points.

    Returns x (replaced where the branch and bound proved a better one), the
    bound on h, the proved lower value of h at x (-inf where f(x) <= P is not
    proved) and a per-point note (None where certified)."""
    from .certify import certify_points
    from .family_certify import family_certificate, has_certificate

    vec = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (size,))  # noqa: E731
    n_, P_, U_, cap_ = vec(n), vec(P), vec(U), vec(cap)
    bound_h = np.full(size, np.inf)
    lower_h = np.where(np.isinf(x), np.inf, -np.inf)
    fin = np.flatnonzero(np.isfinite(x) & (n_ > 0))
    note = np.full(size, None, dtype=object)
    if fin.size:
        scalar = all(np.ndim(v) == 0 for v in p.values())
        q = p if scalar else take(p, fin)
        with np.errstate(all="ignore"):
            fx = np.broadcast_to(np.asarray(cost.f(x[fin], q), dtype=float), (fin.size,))
            carry = 1 + vec(rho)[fin] * (vec(N)[fin] - 1)
            g = (P_[fin] - fx) * carry / vec(N)[fin] + (1 - vec(lam)[fin]) * x[fin]
            # The tolerance on h = x - f(x)/n that makes the gap on g within rtol |g*|:
            # g = P (1 + rho (N - 1))/N + (1 - lambda) h; half of it, for the rounding.
            tol = 0.5 * rtol * np.abs(g) / (1 - vec(lam)[fin])
        tol = np.where(np.isfinite(tol), tol, np.inf)
        x = x.copy()
        if x_budget is not None and has_certificate(cost):
            # the family's analytic certificate (a few passes); the rest by branch and bound
            xa, bh, lh, ok = family_certificate(cost, q, n_[fin], P_[fin], cap_[fin], x[fin],
                                                vec(x_budget)[fin], tol)
            done = fin[ok]
            x[done], bound_h[done], lower_h[done] = xa[ok], bh[ok], lh[ok]
            tol, fin = tol[~ok], fin[~ok]
            q = p if scalar else take(p, fin)
    if fin.size:
        xb, bh, lh, ok = certify_points(cost, q, n_[fin], P_[fin], U_[fin], cap_[fin], x[fin],
                                        tol, scalar=scalar)
        x[fin] = xb
        bound_h[fin] = bh
        lower_h[fin] = lh
        note[fin[~ok]] = "not certified"
    return x, bound_h, lower_h, note


def _bound_fields(bound_h, lower_h, value, P, N, rho, lam, x, note, size, rtol):
    """``bound`` (a rigorous upper bound on g*), ``lower`` (a rigorous lower bound on
    g(x*)) and ``gap = bound - lower`` from the bounds on h; a point is certified where
    f(x*) <= P is proved and the gap is within ``rtol |bound|``, whatever the search
    said."""
    vec = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (size,))  # noqa: E731
    value = vec(value)
    eps8 = 8 * 2.220446049250313e-16
    with np.errstate(all="ignore"):
        base = vec(P) * ((1 + vec(rho) * (vec(N) - 1)) / vec(N))
        learned = (1 - vec(lam)) * bound_h
        bound = base + learned
        # Outward: a few ulps of the terms (each product and the sum round a few times).
        bound = np.where(np.isfinite(bound), bound + eps8 * (
            np.abs(base) + np.abs(learned)) + 1e-321, bound)
        learned_lo = (1 - vec(lam)) * lower_h
        lower = base + learned_lo
        lower = np.where(np.isfinite(lower), lower - eps8 * (
            np.abs(base) + np.abs(learned_lo)) - 1e-321, lower)
        lower = np.where(np.isinf(x), np.inf, lower)
        bound = np.where(np.isinf(x), np.inf, bound)
        gap = np.where(np.isinf(x), 0.0, bound - lower)
    note = np.array(note, dtype=object)
    unproved = np.equal(note, None) & ~np.isinf(x) & ~np.isfinite(lower)
    note[unproved] = "not certified"
    with np.errstate(invalid="ignore"):
        wide = np.equal(note, None) & ~(gap <= rtol * np.abs(bound))
    note[wide] = "not certified"
    bad = ~np.equal(note, None)
    if not bad.any():  # (one "ok" for every point, stored once)
        return {"bound": bound, "lower": lower, "gap": gap,
                "status": np.broadcast_to(np.str_("ok"), (size,))}
    status = np.full(size, "ok", dtype=object)
    if bad.any():
        with np.errstate(all="ignore"):
            rel = gap / np.abs(bound)
        for i in np.flatnonzero(bad):
            if note[i] != "not certified":
                status[i] = note[i]
            elif not np.isfinite(lower[i]):
                status[i] = ("not certified: f(x*) <= P could not be proved in interval "
                             "arithmetic (x* is not proved feasible)")
            else:
                status[i] = (f"not certified: gap {gap[i]:.3g} ({rel[i]:.2g} relative) is "
                             "above certify_rtol")
    return {"bound": bound, "lower": lower, "gap": gap, "status": status.astype(str)}


#: REGIMES as a (regimes, characters) array of code points: gathering rows of it
#: builds the string array of regimes faster than indexing an array of str.
_REGIME_CHARS = np.array(REGIMES).view(np.uint32).reshape(len(REGIMES), -1)


def _regimes(x, inf_x, U, cap, x_budget, size):
    """The regime names of every point (see :func:`_regime_code`)."""
    code = _regime_code(x, inf_x, U, cap, x_budget, size)
    return np.take(_REGIME_CHARS, code, axis=0).view(np.array(REGIMES).dtype).reshape(size)


def _regime_code(x, inf_x, U, cap, x_budget, size):
    """The regime of every point as an ``int8`` code (an index of
    :data:`~powermodel.result.REGIMES`).

    "none" where x* = 0, else "unbounded" where x* = inf, else "cap" where x*
    reaches U and the cap is below the budget, else "budget" where x* reaches U,
    else "interior".
    """
    at_u = x >= U
    code = at_u.astype(np.int8)
    code += 1  # 1 interior, 2 budget
    cap_binds = cap < x_budget
    if np.ndim(cap_binds):
        code += at_u & cap_binds  # 3 cap
    elif cap_binds:
        code += at_u
    code[x == 0] = 0
    if inf_x is not None:
        code[inf_x & (x != 0)] = 4
    return code.reshape(size)


def solve(cost, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0, errors="raise",
          certify=False, certify_rtol=1e-9, **params):
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
    certify : bool
        Check every point with an interval branch and bound
        (:mod:`powermodel.certify`): ``bound`` is then a rigorous upper bound on
        g* and ``gap = bound - value``; a point whose gap stays above
        ``certify_rtol * |g*|`` says so in ``status``; where the branch and
        bound finds a better x than the fast solver, that x is returned.
        Without it, ``bound`` and ``gap`` are NaN.
    certify_rtol : float
        The relative gap to reach, ``> 0`` (default 1e-9).
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
    V.flag("certify", certify)
    certify_rtol = V.real("certify_rtol", certify_rtol, low=0, low_open=True)
    if np.ndim(certify_rtol):
        raise InputError(f"`certify_rtol` must be a scalar, got an array of shape "
                         f"{np.shape(certify_rtol)}")
    if any(hasattr(v, "__dask_graph__") for v in (N, P, x_cap, overlap, runtime_penalty,
                                                  *params.values())):
        if certify:
            raise InputError("certify=True is not available for dask arrays; solve with "
                             "NumPy arrays (block by block) instead")
        from ._dask import solve_dask
        cost = check_names(cost, params, errors)
        return solve_dask(solve, cost, _rules(cost), N=N, P=P, x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty, errors=errors, **params)
    _check_memory({"N": N, "P": P, "x_cap": x_cap, "overlap": overlap,
                   "runtime_penalty": runtime_penalty, **params})
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
    if certify and not cost.has_intervals:
        raise InputError(f"certify=True needs an interval extension of the cost, and cost "
                         f"{cost.name!r} (a Python callable) has none: pass "
                         "CallableCost(f, interval=..., dinterval=...) or give the cost as an "
                         "expression")
    if certify and not getattr(cost, "certifiable", True):
        raise InputError(f"certify=True needs an enclosure of f' as well as of f for cost "
                         f"{cost.name!r}: pass CallableCost(f, interval=..., dinterval=...) "
                         "(without dinterval the bound on h near x* is only first order, and no "
                         "point reaches certify_rtol within the work bound)")
    if shape == () or certify:  # every field now (the bound is compared with g*)
        out = solve_flat(cost, inp, size, certify=certify, certify_rtol=certify_rtol)
        _mark_invalid(out, status)
        if shape == ():
            return Solution(**{k: (str(v[0]) if v.dtype.kind in "UO" else float(v[0]))
                               for k, v in out.items()})
        return Solution(**{k: _shaped(v, shape) for k, v in out.items()})
    out = solve_flat(cost, inp, size, lazy=True)
    x, x_budget = out["x"], out["x_budget"]

    def derive():
        d = derive_flat(cost, inp, x, x_budget, size)
        _mark_invalid(d, status, status_field=False)
        return {k: _shaped(v, shape) for k, v in d.items()}

    _mark_invalid(out, status)
    stored = {k: _shaped(v, shape) for k, v in out.items()}
    if not _cannot_overflow(inp, x):
        # g* may overflow: derive now, so that the warning comes from solve() itself.
        return Solution._lazy({**stored, **derive()}, None)
    return Solution._lazy(stored, derive)


#: Bytes a solve needs per point beyond its array inputs: every float field, the
#: regime code, and the temporaries of one block.
BYTES_PER_POINT = 8 * 12 + 1


def _check_memory(raw):
    """Refuse, before allocating anything, a solve whose outputs exceed the memory budget."""
    from . import _memory

    try:
        shapes = [np.shape(v) for v in raw.values() if v is not None and not isinstance(v, str)]
        shape = np.broadcast_shapes(*shapes)
    except (ValueError, TypeError):
        return  # prepare() says what is wrong
    size = math.prod(shape)
    if size > 1:
        arrays = sum(1 for s in shapes if math.prod(s) > 1)
        _memory.check(f"solving at {size:,} points (shape {shape})",
                      size * (BYTES_PER_POINT + 8 * arrays))


def _mark_invalid(out, status, status_field=True):
    """NaN (regime "invalid", code -1) at the points refused with errors="nan"; the status
    (with the solver's notes, ``out["status"]``, where the inputs were valid)."""
    notes = out.pop("status", None) if status_field else None
    if status is not None:
        bad = status != "ok"
        for k, v in out.items():
            v = np.array(v)
            if k == "regime" and v.dtype.kind == "i":
                v[bad] = -1
            elif k == "regime":
                v = v.astype(object)
                v[bad] = "invalid"
                v = v.astype(str)
            else:
                v[bad] = np.nan
            out[k] = v
    if not status_field:
        return
    if status is not None:
        if notes is not None:
            status = np.where(status != "ok", status, notes)
        out["status"] = status.astype(str)
    elif notes is not None:
        out["status"] = np.asarray(notes).astype(str)
    else:
        out["status"] = np.broadcast_to(np.str_("ok"), (len(out["x"]),))


def _shaped(v, shape):
    # Fields own their data (views are copied), except that a value common to
    # every point (status "ok", a budget from scalar inputs) stays one value
    # broadcast over the points, read-only like every field.
    if _constant(v):
        return np.broadcast_to(v[0], shape)
    return (v if v.flags.owndata and v.flags.c_contiguous else np.array(v)).reshape(shape)


def _cannot_overflow(inp, x):
    """Whether g* = (P - f(x*)) (1 + rho (N - 1)) / N + (1 - lambda) x* stays finite for
    sure (f(x*) <= P): P (1/N + rho) and x* well inside the float range."""
    with np.errstate(all="ignore"):
        bound = np.max(inp["P"]) * (1.0 / np.min(inp["N"]) + np.max(inp["overlap"]))
        top = np.max(x) if x.size else 0.0
    return bool(bound < 1e307 and top < 1e307)


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
