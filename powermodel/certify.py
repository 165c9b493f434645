r"""Certification: a rigorous upper bound on the optimum, by interval branch and bound.

``solve(..., certify=True)`` checks the answer of the fast solver at every
point with a vectorised branch and bound on :math:`h(x) = x - f(x)/n` (the
objective up to the constant :math:`P(1 + \rho(N-1))/N` and the factor
:math:`1 - \lambda`), in the manner of the Moore-Skelboe search of
IntervalOptimisation.jl but for millions of points at once. The domain is
:math:`[0, \min(x_{cap}, 1.8\cdot 10^{308})]`: the budget is not assumed, it is
enforced, since a box on which the enclosure of f exceeds P is infeasible and
dropped. On each box :math:`X = [a, b]` the interval extension of the cost
gives enclosures :math:`F, F', F''` of f, f', f'' (outward rounded), and

* :math:`\sup_X h \le b - \underline{F}/n`, and, with the midpoint c, the
  mean-value bound :math:`h(c) + \max((1 - \underline{F'}/n)^+ (b - c),
  (\overline{F'}/n - 1)^+ (c - a))`; the box's bound is the smaller one;
* where :math:`\overline{F'} \le n` (h non-decreasing) the bound is h at b;
  where :math:`\underline{F'} \ge n`, h at a; where :math:`\overline{F''} \le 0`
  (h convex) the larger of the two ends;
* where :math:`\underline{F''} \ge 0` (h concave) the root :math:`x_r` of
  :math:`f'(x) = n` in the box gives the tangent bound
  :math:`h(x_r) + h'(x_r)(x - x_r)`, exact to rounding;
* boxes whose bound is below the best certified value found so far are pruned.

A point is certified when the incumbent x is proved feasible (the upper end of
the enclosure of f(x) is at most P) and the largest bound left is within
``tol`` of the incumbent's proved lower value of h (the lower end of the
enclosure of h at x). The incumbent is replaced only by a point whose proved
lower value is larger, never by its floating-point value.

Continuity is part of the proof: the rules that rest on the mean value theorem
(pruning by monotonicity, closing by the sign of f' or f'', the mean-value
bound, the tangent bound) apply only to boxes on which the enclosure of f is
bounded; a pole, a domain edge or an undefined f gives an unbounded enclosure,
and such a box is bounded by :math:`b - \underline{F}/n` alone, so it ends
"not certified", never "ok".

What it rests on: the interval extension being rigorous (every bound is
outward rounded; :mod:`powermodel.expressions` is tested against exact
arithmetic), and, beyond the budget, where f cannot be evaluated in floating
point at a box's left end (an intermediate result overflows), the model's
requirement that f is non-decreasing: such a box, above the point :math:`U^+`
just past the budget where :math:`f(U^+) > P` is proved, is infeasible.
"""

import numpy as np

from ._numeric import TINY, increasing_root, take
from .pieces import split_point

__all__ = ["certify_points", "MAX_BOXES", "MAX_ROUNDS", "WORK_PER_POINT"]

_EPS = 2.220446049250313e-16
#: Relative margin added to every computed bound (covers a few roundings).
_SLACK = 8 * _EPS
#: At most this many live boxes per point; past it the point is not certified.
MAX_BOXES = 64
#: At most this many rounds of splitting.
MAX_ROUNDS = 300
#: At most this many box evaluations per point over the whole search (bounds the
#: time of costs whose curvature changes sign many times); past it the points left
#: keep the bound reached and are reported as not certified.
WORK_PER_POINT = 256
#: The largest float.
XMAX = float(np.finfo(float).max)
#: Absolute margin of every computed bound: a few hundred subnormal ulps, which covers
#: the rounding of results that underflow (and nothing of a problem's own scale).
_ABS = 1e-321


def _up(v, mag):
    with np.errstate(all="ignore"):
        return np.where(np.isfinite(v), v + _SLACK * np.abs(mag) + _ABS, v)


def _down(v, mag):
    with np.errstate(all="ignore"):
        return np.where(np.isfinite(v), v - _SLACK * np.abs(mag) - _ABS, v)


def _bounds(out, shape):
    """(lo, hi, lo, hi, ...) as float arrays of ``shape``; a NaN bound says nothing, so
    it becomes the infinite one (-inf for a lower bound, +inf for an upper one)."""
    return [np.nan_to_num(np.broadcast_to(np.asarray(v, dtype=float), shape),
                          nan=(-np.inf if i % 2 == 0 else np.inf), posinf=np.inf,
                          neginf=-np.inf) for i, v in enumerate(out)]


class _Evaluator:
    """Interval and point evaluations of the cost for the boxes of some points."""

    def __init__(self, cost, p, scalar):
        self.cost, self.p, self.scalar = cost, p, scalar

    def params(self, rows):
        return self.p if self.scalar else take(self.p, rows)

    def box(self, rows, a, b):
        """Enclosures (flo, fhi, dlo, dhi, d2lo, d2hi) of f, f', f'' on the boxes."""
        with np.errstate(all="ignore"):
            return _bounds(self.cost.interval_derivatives(a, b, self.params(rows)), a.shape)

    def f_box(self, rows, a, b):
        """The enclosure (flo, fhi) of f alone (cheaper)."""
        with np.errstate(all="ignore"):
            return _bounds(self.cost.interval(a, b, self.params(rows)), a.shape)

    def h_point(self, rows, x, n):
        """Enclosure [lo, hi] of h at the points x, and the enclosure [flo, fhi] of f."""
        flo, fhi = self.f_box(rows, x, x)
        with np.errstate(all="ignore"):
            hhi = _up(x - flo / n, np.abs(x) + np.abs(flo / n))
            hlo = _down(x - fhi / n, np.abs(x) + np.abs(fhi / n))
        return hlo, hhi, flo, fhi


def certify_points(cost, p, n, P, U, cap, x0, tol, *, scalar):
    """Certify the optimum ``x0`` of ``h(x) = x - f(x)/n`` at every point.

    Parameters
    ----------
    cost : Cost
        With ``interval_derivatives``, ``df`` and ``d2f``.
    p : dict
        Cost parameters (scalars, or arrays of length m).
    n, P, U, cap, x0, tol : ndarray, shape (m,)
        Target slope, budget P, the solver's feasible bound U = min(cap,
        X_budget), the cap (inf for none), its x*, and the tolerance on h.
    scalar : bool
        Whether every parameter is a scalar.

    Returns
    -------
    x : ndarray
        The incumbent: x0, unless a point with a larger *proved* lower value
        of h was found (by more than a hundredth of ``tol``).
    bound : ndarray
        A rigorous upper bound on max h over the feasible set.
    lower : ndarray
        A rigorous lower bound on h(x) at the returned x, from the interval
        evaluation of f there; ``-inf`` where f(x) <= P is not proved.
    certified : ndarray of bool
        Whether x is proved feasible and ``bound - lower <= tol``.
    """
    m = n.size
    ev = _Evaluator(cost, p, scalar)
    rows_all = np.arange(m)
    capped = np.minimum(cap, XMAX)
    # The incumbent: x0, with the proved lower value of h there (-inf where f(x0) <= P is
    # not proved; then the first point just inside it where it is, if any).
    inc = _Incumbent(x0.copy(), np.full(m, -np.inf), tol)
    todo = rows_all
    for shrink in (0.0, 8 * _EPS, 64 * _EPS, 512 * _EPS, 4096 * _EPS, 1e-11, 1e-10):
        if todo.size == 0:
            break
        xs = np.minimum(x0[todo] * (1 - shrink), capped[todo])
        hlo, _, _, fhi = ev.h_point(todo, xs, n[todo])
        ok = (fhi <= P[todo]) & (xs >= 0)
        inc.x[todo[ok]] = xs[ok]
        inc.lo[todo[ok]] = hlo[ok]
        todo = todo[~ok]
    # Where x0 itself is not proved feasible, a proved point replaces it only if it is
    # proved at least as good as the fast solver's floating-point value of h(x0) (less
    # the tolerance): certification never returns a point worse than x0 for want of a
    # proof at x0 (it then says "not certified" and keeps x0).
    with np.errstate(all="ignore"):
        f0 = np.broadcast_to(np.asarray(cost.f(x0, ev.params(rows_all)), dtype=float), (m,))
        claim = x0 - f0 / n - tol
    inc.floor = np.where(np.isfinite(inc.lo) | ~np.isfinite(claim), -np.inf, claim)
    lb = inc.lo.copy()  # the largest proved lower bound of max h (for pruning)
    closed = np.full(m, -np.inf)  # max bound over closed boxes
    # Initial boxes: [0, U], the sliver [U, U+] and [U+, cap]. Nothing beyond U is
    # assumed: the boxes beyond are searched like the rest (pruned where the enclosure
    # of f proves f > P), and the sliver is closed at once only where the enclosures
    # prove f continuous and non-decreasing on it.
    # U+: the first of a few points just above U where the enclosure proves f > P (so
    # that the box [U+, cap] is pruned at once where f is proved continuous and
    # non-decreasing on it); where none does, the last of them.
    u_hi = np.minimum(U + 16 * _EPS * U + TINY, capped)
    beyond = u_hi < capped
    trying = beyond & np.isfinite(U)
    for rel in (1e-13, 1e-11, 1e-9):
        if not trying.any():
            break
        i = np.flatnonzero(trying)
        trial = np.minimum(U[i] * (1 + rel) + TINY, capped[i])
        _, _, flo_u, _ = ev.h_point(i, trial, n[i])
        u_hi[i] = trial
        trying[i[flo_u > P[i]]] = False
    beyond = u_hi < capped
    proved_beyond = ~trying  # f(U+) > P proved (or nothing beyond U+ to search)
    sliver = (u_hi > U) & np.isfinite(U)
    if sliver.any():
        i = np.flatnonzero(sliver)
        flo_s, fhi_s, dlo_s = ev.box(i, U[i], u_hi[i])[:3]
        mono = np.isfinite(flo_s) & np.isfinite(fhi_s) & (dlo_s >= 0)
        with np.errstate(all="ignore"):  # on it h <= U+ - f(U)/n, f(U) >= flo_s
            sb = _up(u_hi[i] - flo_s / n[i], np.abs(u_hi[i]) + np.abs(flo_s / n[i]))
        np.maximum.at(closed, i[mono], sb[mono])
        sliver[i[~mono]] = False
    rows, A, B = [rows_all], [np.zeros(m)], [np.where(np.isfinite(U), U, capped)]
    open_sl = (u_hi > U) & ~sliver & np.isfinite(U)  # not closed: searched as a box
    rows.append(rows_all[open_sl])
    A.append(U[open_sl])
    B.append(u_hi[open_sl])
    far = beyond & np.isfinite(U)  # [U+, cap]
    rows.append(rows_all[far])
    A.append(u_hi[far])
    B.append(capped[far])
    row, a, b = np.concatenate(rows), np.concatenate(A), np.concatenate(B)
    keep = b >= a
    row, a, b = row[keep], a[keep], b[keep]
    pub = np.full(row.size, np.inf)  # the bound of each box's parent
    # Point enclosures (h lo, h hi, f lo, f hi) at the ends of every box, carried from
    # parent to child so that each round evaluates only the new midpoints.
    ea = np.array(ev.h_point(row, a, n[row]))
    eb = np.array(ev.h_point(row, b, n[row]))
    bound = np.full(m, np.inf)
    done = np.zeros(m, dtype=bool)
    work = 0
    for _ in range(MAX_ROUNDS):
        if row.size == 0:
            break
        work += row.size
        if work > WORK_PER_POINT * m:
            break
        nr, Pr = n[row], P[row]
        flo, fhi, dlo, dhi, d2lo, d2hi = ev.box(row, a, b)
        c = split_point(a, b)
        ec = np.array(ev.h_point(row, c, nr))
        k = a.size
        ha_lo, ha_hi, fa_lo, fa_hi = ea
        hb_lo, hb_hi, _, fb_hi = eb
        hc_lo, hc_hi, _, fc_hi = ec
        # Continuity is part of the proof: only where the enclosure of f on the box is
        # bounded (no pole, f defined) do the rules that rest on the mean value theorem
        # apply (monotone pruning and closing, the convex and concave rules, the
        # mean-value bound). Elsewhere the box is bounded by b - F_lo/n alone.
        cont = np.isfinite(flo) & np.isfinite(fhi)
        # A box is infeasible where f > P throughout: the enclosure of f says so, or
        # f is continuous and non-decreasing on it (f' >= 0) and f(a) > P.
        live = ~((flo > Pr) | (cont & (dlo >= 0) & (fa_lo > Pr)))
        # Beyond the budget, where f cannot even be evaluated at the box's left end (an
        # intermediate result overflows, as x**3 - 6*x**2 does past 1e154, or f is
        # undefined) nothing can be proved in floating point: there the certificate
        # rests on the model's requirement that f is non-decreasing (so f > P from U+
        # on, where f(U+) > P is proved).
        unknown_a = ~(np.isfinite(fa_lo) & np.isfinite(fa_hi))
        live &= ~(unknown_a & (a >= u_hi[row]) & proved_beyond[row])
        # Proved lower bounds (proved-feasible points only), and better incumbents.
        for x_, lo_, f_ in ((a, ha_lo, fa_hi), (c, hc_lo, fc_hi), (b, hb_lo, fb_hi)):
            feas = live & (f_ <= Pr)
            np.maximum.at(lb, row[feas], lo_[feas])
            inc.offer(row[feas], x_[feas], lo_[feas])
        ub = np.fmin(box_bound(a, b, c, flo, np.where(cont, dlo, -np.inf),
                               np.where(cont, dhi, np.inf), hc_hi, nr), pub)
        within = b <= U[row]  # inside the solver's feasible domain
        feasible = cont & (within | (fhi <= Pr))
        up_ = live & (dhi <= nr) & feasible
        down_ = live & cont & ~up_ & (dlo >= nr) & (fa_hi <= Pr)
        convex_h = live & ~up_ & ~down_ & (d2hi <= 0) & feasible
        # h is concave up to a curvature of at most -d2lo/n > 0: the tangent bound then
        # gains (-d2lo/n) (b - a)^2 / 2, allowed while that stays below tol/10 (this
        # lets through the tiny negative that outward rounding makes of an exact 0).
        with np.errstate(all="ignore"):
            curv = np.maximum(0.0, -d2lo) * (b - a) ** 2 / (2 * nr)
        curv = np.where(np.isnan(curv), np.inf, curv)
        concave_h = live & ~up_ & ~down_ & ~convex_h & (curv <= 0.1 * tol[row]) & feasible
        cb = np.full(k, np.nan)  # bound of each box closed this round
        cb[up_] = hb_hi[up_]
        cb[down_] = ha_hi[down_]
        cb[convex_h] = np.maximum(ha_hi, hb_hi)[convex_h]
        i = np.flatnonzero(concave_h)
        if i.size:
            cb[i] = _tangent_bound(cost, ev, row[i], a[i], b[i], nr[i], P, inc, lb) \
                + curv[i] * (1 + 4 * _EPS)
        narrow = live & np.isnan(cb) & (((b - a) <= 4 * _EPS * b) | (b <= TINY))
        cb[narrow] = ub[narrow]
        shut = ~np.isnan(cb)
        np.maximum.at(closed, row[shut], np.fmin(cb[shut], ub[shut]))
        # Live boxes go on unless their bound is below what is already proved.
        go = live & ~shut & ~(ub < lb[row])
        # Points whose every remaining bound is within tol are done.
        top = closed.copy()
        np.maximum.at(top, row[go], ub[go])
        fin = ~done & (top - lb <= 0.9 * tol)
        fin |= ~done & (np.bincount(row[go], minlength=m) == 0)
        if fin.any():
            bound[fin] = np.maximum(top[fin], lb[fin])
            done |= fin
            go &= ~done[row]
        # Too many boxes: stop splitting that point (its bound stays as is).
        counts = np.bincount(row[go], minlength=m)
        over = (counts > MAX_BOXES // 2) & ~done
        if over.any():
            bound[over] = top[over]
            done |= over
            go &= ~done[row]
        row, a, b, c, ub = row[go], a[go], b[go], c[go], ub[go]
        ea, eb, ec = ea[:, go], eb[:, go], ec[:, go]
        row = np.concatenate([row, row])
        a, b = np.concatenate([a, c]), np.concatenate([c, b])
        ea, eb = np.concatenate([ea, ec], axis=1), np.concatenate([ec, eb], axis=1)
        pub = np.concatenate([ub, ub])
    if not done.all():
        top = closed.copy()
        np.maximum.at(top, row, pub)
        bound[~done] = top[~done]
    # A bound is never below a proved lower value (both hold: the interval evaluation
    # is rigorous), so the larger of the two is still an upper bound.
    bound = np.maximum(bound, inc.lo)
    certified = np.isfinite(inc.lo) & np.isfinite(bound) & (bound - inc.lo <= tol)
    return inc.x, bound, inc.lo, certified


class _Incumbent:
    """The best proved-feasible point of each row, by its proved lower value of h.

    A point replaces the incumbent only where its proved lower value is larger by
    more than a hundredth of the row's tolerance (ties, within rounding, keep the
    fast solver's x: certification never moves x for nothing, and never to a point
    proved worse)."""

    def __init__(self, x, lo, tol):
        self.x, self.lo, self.tol = x, lo, tol
        self.floor = np.full(x.shape, -np.inf)  # (x0 unproved: what a point must beat)

    def offer(self, rows, xs, lo):
        if rows.size == 0:
            return
        margin = 0.01 * self.tol[rows]
        margin = np.where(np.isfinite(margin), margin, np.inf)
        better = np.isfinite(lo) & (lo > self.lo[rows] + margin) & (lo >= self.floor[rows])
        if not better.any():
            return
        r, lv, xx = rows[better], lo[better], xs[better]
        order = np.lexsort((xx, -lv, r))  # per row: largest lower value, then smallest x
        r, lv, xx = r[order], lv[order], xx[order]
        first = np.ones(r.size, dtype=bool)
        first[1:] = r[1:] != r[:-1]
        r, lv, xx = r[first], lv[first], xx[first]
        self.x[r] = xx
        self.lo[r] = lv


def _slope_ulp(q):
    """The rounding of ``1 - q`` (``q = F'/n``, itself rounded) and a margin: it cancels where
    F' is near n, so a slope ``1 - q`` is moved outward by this much to stay a bound."""
    return 2 * _EPS * (1 + np.abs(q))


def box_bound(a, b, c, flo, dlo, dhi, hc_hi, n):
    r"""Upper bound of :math:`h(x) = x - f(x)/n` on the boxes :math:`[a, b]`.

    From the enclosures :math:`[\underline{F}, \cdot]` of f and
    :math:`[\underline{F'}, \overline{F'}]` of f' on the box and the upper
    bound ``hc_hi`` of h at a point c inside it, the smaller of

    .. math::

        b - \underline{F}/n, \qquad
        h(c) + \max\big((1 - \underline{F'}/n)^+ (b - c),\;
                         (\overline{F'}/n - 1)^+ (c - a)\big),

    rounded up by a few ulps (the second is exact where f is linear).

    >>> # f = 3x on [0, 2], n = 2: h = -x/2, largest at 0; c = 1, h(c) = -0.5
    >>> round(float(box_bound(0.0, 2.0, 1.0, 0.0, 3.0, 3.0, -0.5, 2.0)), 12)
    0.0
    """
    with np.errstate(all="ignore"):
        t1 = b - flo / n
        ub1 = _up(t1, np.abs(b) + np.abs(flo / n))
        ql, qh = dlo / n, dhi / n
        sp = np.maximum(0.0, 1 - ql + _slope_ulp(ql))  # (upper bounds of the slopes)
        sm = np.maximum(0.0, qh - 1 + _slope_ulp(qh))
        t2 = np.maximum(sp * (b - c), sm * (c - a))
        ub2 = _up(hc_hi + t2, np.abs(hc_hi) + np.abs(t2))
    return np.fmin(ub1, ub2)


def _tangent_bound(cost, ev, rows, a, b, nr, P, inc, lb):
    """Bound of h on boxes where h is concave: the tangent at the root of f' = n."""
    q = ev.params(rows)
    with np.errstate(all="ignore"):
        da = np.broadcast_to(np.asarray(cost.df(a, q), dtype=float), a.shape)
        db = np.broadcast_to(np.asarray(cost.df(b, q), dtype=float), a.shape)
    xr = np.where(da >= nr, a, b)
    j = np.flatnonzero((da < nr) & (db > nr) & (b > np.maximum(a, TINY)))
    if j.size:
        lo = np.maximum(a[j], TINY)
        with np.errstate(all="ignore"):  # start from the incumbent: usually the root itself
            t0 = np.log(inc.x[rows[j]])
        r, _ = increasing_root(cost.df, cost.d2f, nr[j], lo, b[j], take(q, j), t0=t0,
                               both=cost.df_d2f)
        xr[j] = np.clip(r, a[j], b[j])
    flo, fhi, dlo, dhi = ev.box(rows, xr, xr)[:4]
    with np.errstate(all="ignore"):
        hhi = _up(xr - flo / nr, np.abs(xr) + np.abs(flo / nr))
        hlo = _down(xr - fhi / nr, np.abs(xr) + np.abs(fhi / nr))
        ql, qh = dlo / nr, dhi / nr
        s_hi = 1 - ql + _slope_ulp(ql)  # h'(xr) <= s_hi
        s_lo = 1 - qh - _slope_ulp(qh)  # h'(xr) >= s_lo
        t = np.maximum(np.maximum(0.0, s_hi) * (b - xr), np.maximum(0.0, -s_lo) * (xr - a))
        out = _up(hhi + t, np.abs(hhi) + np.abs(t))
    feas = fhi <= P[rows]
    np.maximum.at(lb, rows[feas], hlo[feas])
    inc.offer(rows[feas], xr[feas], hlo[feas])
    return out


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
