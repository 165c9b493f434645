"""Candidates and pieces of the general solver (a part of :mod:`powermodel.solver`).

The cost is split into monotone pieces of f' (interval subdivision, or a
sampling scan for callables); on each piece where f' rises through n a
safeguarded Newton solves f'(x) = n; the roots, the piece ends, 0 and U are the
candidates, and the one with the largest h = x - f(x)/n wins (ties within
:data:`TIE_RTOL` go to the smallest x).
"""

import warnings

import numpy as np

from ._numeric import HUGE, TINY, increasing_root, take
from ._prepare import _cost_params, _effective_n
from .costs import SCAN_GRID, XMAX, scan_breakpoints
from .errors import AccuracyWarning, InputError
from .pieces import isolate


#: Candidates whose h differs by less than this (relative) tie; the smaller x wins.
TIE_RTOL = 1e-12


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


def _general_optimum(cost, p, n, U, size, bps=None, tables=None):
    """Global argmax of h(x) = x - f(x)/n on [0, U] for any non-decreasing f.

    ``bps``: the breakpoints when already known (shared by all points);
    ``tables``: a dict in which the shared path keeps what it tabulates (f' on the
    grid, per piece), so that the blocks of one solve compute it once.
    """
    n = np.asarray(n, dtype=float)
    if n.shape != (size,):
        n = np.broadcast_to(n, (size,)).astype(float)
    if bps is not None and bps.shape[0] == 1 and all(np.ndim(v) == 0 for v in p.values()):
        return _shared_optimum(cost, p, n, U if np.ndim(U) == 0 else
                               np.broadcast_to(U, (size,)).astype(float), size, bps[0],
                               {} if tables is None else tables)
    U = np.broadcast_to(U, (size,)).astype(float)
    pp = {k: (v if np.ndim(v) == 0 else np.broadcast_to(v, (size,))) for k, v in p.items()}
    if bps is None:
        bps = _breakpoints(cost, pp, size, U, n)
    if bps.shape[0] == 1 or bps.strides[0] == 0:  # one row of breakpoints for every point
        return _rows_optimum(cost, pp, n, U, size, bps[0])
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
    D[er, ec] = np.where(np.isnan(de), np.inf, de)  # (f' at the ends: the root's start)
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
                                both=cost.df_d2f, f_lo=da[i], f_hi=db[i])
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
    """x* from candidates ``cand`` with values ``h`` and magnitudes ``scale``, each a
    sequence over the candidates (the rows of an array of shape (candidates, points),
    or a list of arrays and scalars that broadcast to the points): the largest h, ties
    within :data:`TIE_RTOL` of the magnitudes going to the smallest x; inf where h
    grows without bound, 0 where U = 0."""
    k = len(h)
    hb = h[0]
    for j in range(1, k):  # (one pass a candidate: no copy into a 2-D array)
        hb = np.maximum(hb, h[j])
    sb = scale[-1]
    for j in range(k - 2, -1, -1):  # the scale of the first best
        sb = np.where(h[j] == hb, scale[j], sb)
    x = np.full(np.shape(unbounded), np.inf)
    for j in range(k):
        near = np.isfinite(h[j]) & (h[j] >= hb - TIE_RTOL * (scale[j] + sb))
        x = np.minimum(x, np.where(near, cand[j], np.inf))
    x = np.where(unbounded, np.inf, x)
    x = np.where(U <= 0, 0.0, x)
    if not converged:
        warnings.warn("the root finder did not converge at some points; x* may be off by more "
                      "than 1e-9 relative", AccuracyWarning, stacklevel=4)
    return x


#: Points above :data:`~powermodel._numeric.HUGE` (a decade apart, up to the largest
#: float) at which :func:`above_search_range` compares h with the x* found below HUGE.
ABOVE_HUGE = (1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308, XMAX)


def above_search_range(cost, p, n, x, U, size):
    """x* = inf where a point above the searched range beats the x* found in it.

    Where U is infinite (no cap, and f(1.8e308) <= P, so every float is feasible) the
    pieces are searched on [0, HUGE] = [0, 1e300], and x above 1e300 is taken as
    unbounded (the documented convention). A feature of f above 1e300 is then
    invisible to the search: ``min(x, 5e306) + 1e-300*x`` at N = 1 has h decreasing on
    [0, 1e300] (x* = 0 there) and h = x - 5e306 rising above 5e306. So h is compared
    at the points :data:`ABOVE_HUGE`; where one of them beats h(x*) (beyond the tie
    tolerance), x* is above 1e300 and is returned as inf, as the convention says.
    """
    rows = np.flatnonzero(np.isinf(np.broadcast_to(U, (size,))) & np.isfinite(x))
    if rows.size == 0:
        return x
    q = take(p, rows)
    nr = np.broadcast_to(np.asarray(n, dtype=float), (size,))[rows]
    xr = x[rows]

    def h(at):  # h and its magnitude max(|x|, |f/n|) (the scale of its rounding; no
        # sum, which overflows at the largest float)
        with np.errstate(all="ignore"):
            fn = np.broadcast_to(np.asarray(cost.f(at, q), dtype=float), at.shape) / nr
            return at - fn, np.maximum(np.abs(at), np.abs(fn))

    h0, s0 = h(xr)
    top, s_top = np.full(rows.size, -np.inf), np.zeros(rows.size)
    for a in ABOVE_HUGE:
        ha, sa = h(np.full(rows.size, a))
        up = ha > top  # (NaN: no information, skipped)
        top, s_top = np.where(up, ha, top), np.where(up, sa, s_top)
    # (a tie within the rounding of the larger terms is no evidence: f = x + 5 at N = 1
    # gives h = -5 everywhere, but h(1.8e308) = 0 in floats)
    beats = top > h0 + 2 * TIE_RTOL * np.maximum(s0, s_top)
    if not beats.any():
        return x
    x = x.copy()
    x[rows[beats]] = np.inf
    return x


def _add_rows(xs, hs, ss, size, i, r, fn):
    """Append a candidate held by the rows ``i`` only: x = r, h = r - fn there (x = inf,
    h = -inf elsewhere)."""
    x, h, sc = np.full(size, np.inf), np.full(size, -np.inf), np.full(size, np.inf)
    x[i], h[i], sc[i] = r, r - fn, np.abs(r) + np.abs(fn)
    xs.append(x)
    hs.append(h)
    ss.append(sc)


def _adder(n, xs, hs, ss):
    """``add(x, fx, valid=None)``: append a candidate's x, h = x - f/n and its scale
    |x| + |f/n| to the lists (x = inf, h = -inf where not ``valid``)."""
    def add(x, fx, valid=None):
        fn = fx / n
        h, sc = x - fn, np.abs(x) + np.abs(fn)
        if valid is not None:
            x, h, sc = np.where(valid, x, np.inf), np.where(valid, h, -np.inf), \
                np.where(valid, sc, np.inf)
        xs.append(x)
        hs.append(h)
        ss.append(sc)
    return add


def _shared_optimum(cost, p, n, U, size, bps, tables=None):
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
    add = _adder(n, xs, hs, ss)

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
                if tables is None or j not in tables:
                    table = _grid_table(cost, p, a_eff[j], ends[j])
                    if tables is not None:
                        tables[j] = table
                else:
                    table = tables[j]
                lo, hi, t0 = _grid_bracket(cost, p, n[i], a_eff[j], b_i, ends[j], table=table)
                r, ok = increasing_root(cost.df, cost.d2f, n[i], lo, hi, p, t0=t0,
                                        both=cost.df_d2f)
                converged = converged and ok.all()
                fn = at(cost.f, r) / n[i]
                _add_rows(xs, hs, ss, size, i, r, fn)
        return _select(xs, hs, ss, unbounded, U, converged)


def _rows_optimum(cost, pp, n, U, size, bps):
    """:func:`_general_optimum` when the points share their breakpoints ``bps`` but
    not their parameters (the hull pieces of per-point parameters).

    The same candidates with the same values, compared the same way, with one
    1-D pass per shared breakpoint instead of gathering every (point, edge) pair:
    f and f' at 0 (taken at 1e-300), at each breakpoint below U and at U; the
    root of f'(x) = n on each piece where f' rises through n.
    """
    B = np.sort(bps[np.isfinite(bps) & (bps > 0)])
    m = B.size
    starts = np.concatenate(([0.0], B))
    ends = np.concatenate((B, [np.inf]))

    def at(x):  # (f, f') at the scalar or per-point x, clipped as the edges are
        xe = np.clip(np.asarray(x, dtype=float), TINY, HUGE)
        xe = xe if xe.shape == (size,) else np.full(size, xe)  # (an array of its own)
        with np.errstate(all="ignore"):
            fe, de = cost.f_df(xe, pp)
        fe = np.broadcast_to(np.asarray(fe, dtype=float), (size,))
        de = np.broadcast_to(np.asarray(de, dtype=float), (size,))
        return np.nan_to_num(fe, nan=np.inf), np.where(np.isnan(de), np.inf, de)

    F0, D0 = at(0.0)
    FB, DB = zip(*(at(B[j]) for j in range(m))) if m else ((), ())
    finite_u = np.isfinite(U)
    FU, DU = at(U)
    xs, hs, ss = [], [], []
    add = _adder(n, xs, hs, ss)

    with np.errstate(all="ignore"):
        add(0.0, F0)
        for j in range(m):
            add(B[j], FB[j], B[j] < U)
        add(np.where(finite_u, U, np.inf), FU, finite_u)
        unbounded = ~finite_u & (DU < n)
        converged = True
        for j in range(m + 1):
            a_eff = max(starts[j], TINY)
            da = D0 if j == 0 else DB[j - 1]
            cut = ends[j] < U  # the piece ends at its breakpoint, else at U
            b_eff = np.where(cut, ends[j] if np.isfinite(ends[j]) else HUGE,
                             np.where(finite_u, U, HUGE))
            db = np.where(cut, DB[j], DU) if j < m else DU
            i = np.flatnonzero((starts[j] < U) & (da < n) & (db > n) & (a_eff < b_eff))
            if i.size:
                r, ok = increasing_root(cost.df, cost.d2f, n[i], np.full(i.size, a_eff), b_eff[i],
                                        take(pp, i), both=cost.df_d2f, f_lo=da[i], f_hi=db[i])
                converged = converged and ok.all()
                fr = np.nan_to_num(np.broadcast_to(np.asarray(cost.f(r, take(pp, i)),
                                                              dtype=float), (i.size,)), nan=np.inf)
                fn = fr / n[i]
                _add_rows(xs, hs, ss, size, i, r, fn)
        return _select(xs, hs, ss, unbounded, U, converged)


def _grid_table(cost, p, a, end):
    """f' tabulated on SCAN_GRID inside (a, end) for :func:`_grid_bracket`: the grid
    G, f' made non-decreasing (a running maximum), their logs, and dt/dy (t = log x,
    y = log f') where f' was not raised by the maximum and the slope is positive and
    finite (NaN elsewhere)."""
    G = SCAN_GRID[(SCAN_GRID > a) & (SCAN_GRID < end)]
    with np.errstate(all="ignore"):
        d, d2 = (np.broadcast_to(np.asarray(v, dtype=float), G.shape)
                 for v in cost.df_d2f(G, p))
        keep = np.isfinite(d)
        G, raw, d2 = G[keep], d[keep], d2[keep]
        d = np.maximum.accumulate(raw) if keep.any() else raw
        m = d / (G * d2)
        m = np.where((raw == d) & (m > 0) & (m < np.inf), m, np.nan)
        return {"G": G, "d": d, "lg": np.log(G), "ld": np.log(d), "m": m}


def _cells(d, n, y):
    """``np.searchsorted(d, n, side="left")`` (d non-decreasing; ``y = log n``), the
    same indices, by buckets: the cells that [min n, max n] spans are found by
    two binary searches, each n's bucket (uniform in log n, four a cell) gives a
    first index at most the answer, and a few vectorised steps up end on it
    (NumPy's binary search costs some 60 ns a point; this a few passes)."""
    k_lo, k_hi = (int(v) for v in np.searchsorted(d, [np.min(n), np.max(n)], side="left"))
    sub = d[k_lo:k_hi]  # d[k_lo - 1] < every n <= d[k_hi]
    if sub.size == 0:
        return np.full(n.size, k_lo)
    y0, y1 = float(np.min(y)), float(np.max(y))
    M = 4 * sub.size + 4
    span = y1 - y0
    if not (span > 1e-6 * max(1.0, abs(y0), abs(y1))) or not np.isfinite(span):
        return k_lo + np.searchsorted(sub, n, side="left")
    with np.errstate(all="ignore"):
        # the first index of bucket b is the count of sub below the lower end of bucket
        # b - 1 (0 for the first two): below every n of bucket b, rounding included
        lower = np.exp(y0 + span * (np.arange(M - 1) / M))
        start = np.concatenate(([0], np.searchsorted(sub, lower, side="left")))
        bucket = np.clip(((y - y0) * (M / span)).astype(np.intp), 0, M - 1)
    k = start[bucket]
    last = sub.size - 1
    for _ in range(8):
        up = (k <= last) & (sub[np.minimum(k, last)] < n)
        if not up.any():
            return k_lo + k
        k += up
    rest = np.flatnonzero((k <= last) & (sub[np.minimum(k, last)] < n))
    k[rest] = np.searchsorted(sub, n[rest], side="left")
    return k_lo + k


def _grid_bracket(cost, p, n, a, b, end, *, table=None):
    """Brackets of f'(x) = n inside [a, b] (f' increasing there) from f' tabulated
    once on SCAN_GRID up to the piece's ``end`` (``table``, from :func:`_grid_table`,
    made here when not given): the cell where f'
    crosses n, widened by a cell each side; and a first guess of log x in that
    cell: the inverse cubic Hermite interpolant of log f' against log x (from f'
    and f'' at the cell's ends, a guess to about 1e-8 for a smooth f', so that
    Newton needs one or two steps), log-linear where the slopes are unusable."""
    if table is None:
        table = _grid_table(cost, p, a, end)
    G, d = table["G"], table["d"]
    lo = np.full(n.size, float(a))
    hi = np.broadcast_to(np.asarray(b, dtype=float), n.shape).copy()
    t0 = None
    if G.size:
        with np.errstate(all="ignore"):
            y = np.log(n)
        k = _cells(d, n, y)  # d[k - 1] < n <= d[k]
        lo = np.maximum(np.where(k >= 2, G[np.maximum(k - 2, 0)], a), a)
        hi_g = np.where(k + 1 < G.size, np.minimum(G[np.minimum(k + 1, G.size - 1)], hi), hi)
        bad = ~(lo < hi_g)
        lo[bad] = a
        hi = np.where(bad, hi, hi_g)
        k0, k1 = np.maximum(k - 1, 0), np.minimum(k, G.size - 1)
        with np.errstate(all="ignore"):
            lg, ld, m = table["lg"], table["ld"], table["m"]
            ta, tb, ya = lg[k0], lg[k1], ld[k0]
            hy = ld[k1] - ya
            w = (y - ya) / hy
            inside = (k >= 1) & (k < G.size) & (w >= 0) & (w <= 1)
            t_lin = ta + w * (tb - ta)
            w2 = w * w
            w3 = w2 * w
            t_h = (2 * w3 - 3 * w2 + 1) * ta + (3 * w2 - 2 * w3) * tb \
                + hy * ((w3 - 2 * w2 + w) * m[k0] + (w3 - w2) * m[k1])
            herm = (t_h >= ta) & (t_h <= tb)  # (False where a slope is NaN)
            t0 = np.where(inside, np.where(herm, t_h, t_lin), np.nan)
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
    return {"x_budget": x_budget, "bps": _breakpoints(cost, p, 1, U, n), "tables": {}}
