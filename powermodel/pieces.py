r"""Where the solver splits a cost: pieces of [0, U] on which f' is monotone.

The global solver needs the points where :math:`f'` stops being monotone:
there, :math:`h(x) = x - f(x)/n` can have several local maxima. For costs with
an interval extension (every family and every expression, through
:mod:`powermodel.expressions`), they are isolated here by interval
subdivision, not by sampling: a box :math:`[a, b]` is accepted as one piece
when the enclosure of :math:`f''` on it has one sign (f' monotone), or when the
enclosure of :math:`f'` excludes every target ``n`` of the row (no critical
point inside, so only its ends matter). Every other box is split (in
:math:`\log x` while it spans more than a factor of four, arithmetically
after) until it is narrower than :data:`REL_WIDTH` relative. So a feature of
any width is found, and so is a kink (``abs``, ``min``, ``max``): the
expression engine returns an unbounded :math:`f''` enclosure on every box that
contains one, so such a box is split down to a sliver whose ends (and the exact
kink, refined on the switching function) become breakpoints.

Costs without an interval extension (plain callables) fall back on the
sampling scan of :func:`powermodel.costs.scan_breakpoints`.
"""

import warnings

import numpy as np

from ._numeric import TINY, sign_root, take
from .errors import AccuracyWarning

__all__ = ["isolate", "split_point", "REL_WIDTH", "MAX_PIECES", "MAX_BOXES"]

#: Boxes narrower than this (relative to their right end) are not split further.
REL_WIDTH = 1e-14
#: At most this many boxes per row and iteration; beyond it the row is flagged.
MAX_PIECES = 512
#: At most this many live boxes over all rows (bounds the memory of a block).
MAX_BOXES = 1 << 21
#: At most this many subdivision rounds (each halves a box, in log x or in x).
MAX_ROUNDS = 400

#: An enclosure of f'' within this of 0 counts as 0 (the interval engine widens every
#: bound by at least 2**-1022, so an exact 0 comes back as a few times 2.2e-308).
_ZERO = 1e-305
#: ... or within this of |f'|/b, a change of f' across the box far below its rounding.
_REL_ZERO = 1e-290

# Piece classes: f' increasing, f' decreasing, f' below every n, f' above every n,
# unresolved sliver (a kink or an inflection, located to REL_WIDTH).
_UP, _DOWN, _BELOW, _ABOVE, _SLIVER = 1, 2, 3, 4, 5


def split_point(a, b):
    """Midpoint of [a, b]: geometric while b > 4 max(a, 1e-16 b), arithmetic after.

    A box [0, b] is split at 1e-8 b (the geometric midpoint of [1e-16 b, b]): the
    scales far below b are reached by further splits of [0, 1e-8 b], without
    spending a round per factor of 10^150 between 1e-300 and b.
    """
    with np.errstate(all="ignore"):
        lo = np.maximum(np.maximum(a, 1e-16 * b), TINY)
        geo = b > 4 * lo
        return np.where(geo, np.sqrt(lo) * np.sqrt(b), a + 0.5 * (b - a))


def isolate(cost, p, rows, U, n_lo, n_hi, *, hull=False, warn=True):
    """Breakpoints of ``cost`` on ``[0, U]`` for each row of parameters.

    Parameters
    ----------
    cost : Cost
        A cost with ``interval_derivatives`` (and optionally ``switches``).
    p : dict
        Parameters: scalars, or arrays of length ``rows``.
    rows : int
        Number of parameter rows (1 when every parameter is a scalar).
    U : ndarray, shape (rows,)
        Right end of the domain (finite; callers replace inf by HUGE).
    n_lo, n_hi : ndarray, shape (rows,)
        The smallest and largest target slope ``n`` solved for on the row:
        boxes whose f' enclosure lies outside ``[n_lo, n_hi]`` are not split.
    hull : bool
        ``p`` maps some parameters to ``(lo, hi)`` ranges (one row stands for
        every parameter value in them): the pieces found hold for each of
        those values; kinks are then not refined to the exact switching point
        (their slivers are REL_WIDTH wide).
    warn : bool
        Whether to warn when a row is flagged (the solver completes such rows
        by sampling and warns itself).

    Returns
    -------
    bps : ndarray, shape (rows, m)
        Sorted breakpoints in (0, U), NaN padded.
    flagged : ndarray of bool, shape (rows,)
        Rows whose subdivision hit :data:`MAX_PIECES` or :data:`MAX_ROUNDS`
        (their breakpoints may be incomplete).
    decreasing : ndarray, shape (rows,)
        The smallest x near which the enclosures prove f decreasing (f' < 0 on a
        box or at a piece end, or a jump down across a run of slivers, see
        :func:`_proved_decrease`), NaN where they prove no decrease.
    """
    U = np.broadcast_to(np.asarray(U, dtype=float), (rows,))
    n_lo = np.broadcast_to(np.asarray(n_lo, dtype=float), (rows,))
    n_hi = np.broadcast_to(np.asarray(n_hi, dtype=float), (rows,))
    scalar = hull or all(np.ndim(v) == 0 for v in p.values())
    row = np.flatnonzero(U > 0)
    a = np.zeros(row.size)
    b = U[row].copy()
    flagged = np.zeros(rows, dtype=bool)
    decreasing = np.full(rows, np.nan)
    done_row, done_a, done_b, done_cls = [], [], [], []
    for _ in range(MAX_ROUNDS):
        if row.size == 0:
            break
        q = p if scalar else take(p, row)
        with np.errstate(all="ignore"):
            flo, fhi, dlo, dhi, d2lo, d2hi = cost.interval_derivatives(a, b, q)
        # f is continuous on the box where its enclosure there is bounded (a pole, or an
        # undefined f, gives an unbounded one): only such boxes are classified by the
        # enclosures of f' and f''; others are split down to slivers, whose ends are
        # checked for a jump below.
        cont = np.broadcast_to(np.isfinite(flo) & np.isfinite(fhi), a.shape)
        dlo = np.broadcast_to(dlo, a.shape)
        dhi = np.broadcast_to(dhi, a.shape)
        d2lo = np.broadcast_to(d2lo, a.shape)
        d2hi = np.broadcast_to(d2hi, a.shape)
        cls = np.zeros(a.size, dtype=np.int8)
        # (n >= 0, so ABOVE proves f' > 0; BELOW asks for the proof f' >= 0 itself)
        cls[cont & (dlo > n_hi[row])] = _ABOVE
        cls[cont & (dhi < n_lo[row]) & (dlo >= 0)] = _BELOW
        down = dhi < 0  # f' < 0 on the whole box: the cost decreases there
        if down.any():
            decreasing[row[down]] = np.fmin(decreasing[row[down]], a[down])
            cls[down] = _DOWN
        # (the enclosures are outward rounded by at least 2**-1022 an operation, so an
        # exact 0, or an f'' that underflows, comes back as a few times -+2.2e-308: a
        # sign is read with a slack of that floor, or where larger, of a change of f'
        # across the box 1e-290 times its own size: both far below the cost's own scale)
        with np.errstate(all="ignore"):
            big = np.maximum(np.abs(dlo), np.abs(dhi)) / b
        slack = np.maximum(_ZERO, np.where(np.isfinite(big), _REL_ZERO * big, 0.0))
        cls[(cls == 0) & cont & (d2lo >= -slack)] = _UP
        cls[(cls == 0) & cont & (d2hi <= slack)] = _DOWN
        narrow = ((b - a) <= REL_WIDTH * b) | (b <= TINY)
        cls[(cls == 0) & narrow] = _SLIVER
        fin = cls != 0
        if fin.any():
            done_row.append(row[fin])
            done_a.append(a[fin])
            done_b.append(b[fin])
            done_cls.append(cls[fin])
        keep = ~fin
        row, a, b = row[keep], a[keep], b[keep]
        if row.size == 0:
            break
        counts = np.bincount(row, minlength=rows)
        # (at most MAX_BOXES live boxes over all rows: memory stays bounded)
        over = counts > min(MAX_PIECES, max(8, MAX_BOXES // max(rows, 1)))
        if over.any():  # too many boxes on a row: give up splitting it (flagged)
            flagged |= over
            bad = over[row]
            done_row.append(row[bad])
            done_a.append(a[bad])
            done_b.append(b[bad])
            done_cls.append(np.full(int(bad.sum()), _SLIVER, dtype=np.int8))
            row, a, b = row[~bad], a[~bad], b[~bad]
        c = split_point(a, b)
        row = np.concatenate([row, row])
        a, b = np.concatenate([a, c]), np.concatenate([c, b])
    else:
        if row.size:
            flagged[np.unique(row)] = True
            done_row.append(row)
            done_a.append(a)
            done_b.append(b)
            done_cls.append(np.full(row.size, _SLIVER, dtype=np.int8))
    if not done_row:
        return np.full((rows, 0), np.nan), flagged, decreasing
    r = np.concatenate(done_row)
    A = np.concatenate(done_a)
    B = np.concatenate(done_b)
    K = np.concatenate(done_cls)
    order = np.lexsort((A, r))
    r, A, B, K = r[order], A[order], B[order], K[order]
    _proved_decrease(cost, p, scalar, r, A, B, K, decreasing)
    # A breakpoint wherever the class changes between neighbours, and both ends of
    # every sliver (the interior of a sliver is below REL_WIDTH).
    first = np.ones(r.size, dtype=bool)
    first[1:] = r[1:] != r[:-1]
    change = first.copy()
    change[1:] |= (K[1:] != K[:-1]) | (K[1:] == _SLIVER)
    pts_r = [r[change & ~first]]
    pts_x = [A[change & ~first]]
    sl = K == _SLIVER
    pts_r.append(r[sl])
    pts_x.append(B[sl])
    if hull:
        kinks_r, kinks_x = np.empty(0, dtype=int), np.empty(0)
    else:
        kinks_r, kinks_x = _kinks(cost, p, scalar, r[sl], A[sl], B[sl])
    pts_r.append(kinks_r)
    pts_x.append(kinks_x)
    pr = np.concatenate(pts_r)
    px = np.concatenate(pts_x)
    inside = (px > 0) & (px < U[pr])
    pr, px = pr[inside], px[inside]
    order = np.lexsort((px, pr))
    pr, px = pr[order], px[order]
    keep = np.ones(pr.size, dtype=bool)
    keep[1:] = (pr[1:] != pr[:-1]) | (px[1:] != px[:-1])
    pr, px = pr[keep], px[keep]
    counts = np.bincount(pr, minlength=rows)
    out = np.full((rows, counts.max(initial=0)), np.nan)
    if pr.size:
        pos = np.arange(pr.size) - np.repeat(np.cumsum(counts) - counts, counts)
        out[pr, pos] = px
    if flagged.any() and warn and not hull:
        warnings.warn("the cost's curvature changes sign too often on [0, U] to isolate every "
                      f"piece (more than {MAX_PIECES} boxes); x* may be missed at some points: "
                      "use certify=True to check", AccuracyWarning, stacklevel=4)
    return out, flagged, decreasing


def _proved_decrease(cost, p, scalar, r, A, B, K, decreasing):
    """Mark in ``decreasing`` the rows where the enclosures prove that f decreases
    somewhere: f' < 0 at the end of a piece where f' is smallest (the left end where
    f' increases, the right end where it decreases), or a jump down across a run of
    adjacent slivers (f at its right end below f at its left end: a pole, or another
    discontinuity). ``r, A, B, K`` are the boxes sorted by row and left end."""
    up, dn, sl = K == _UP, K == _DOWN, K == _SLIVER
    # runs of adjacent slivers: [A of the first, B of the last]
    first = sl.copy()
    first[1:] &= ~(sl[:-1] & (r[1:] == r[:-1]) & (A[1:] == B[:-1]))
    last = sl.copy()
    last[:-1] &= ~(sl[1:] & (r[1:] == r[:-1]) & (A[1:] == B[:-1]))
    i_l = np.flatnonzero(up | first)
    i_r = np.flatnonzero(dn | last)
    if i_l.size + i_r.size == 0:
        return
    # one interval pass at the points: the left ends of UP pieces and of sliver runs, the
    # right ends of DOWN pieces and of sliver runs
    rr = np.concatenate([r[i_l], r[i_r]])
    xx = np.concatenate([A[i_l], B[i_r]])
    q = p if scalar else take(p, rr)
    with np.errstate(all="ignore"):
        flo, fhi, _, dhi = (np.broadcast_to(np.asarray(v, dtype=float), xx.shape) for v in
                            cost.interval_derivatives(xx, xx, q)[:4])
    nl = i_l.size
    # f' < 0 proved at the end where f' is smallest (never on a sliver: its f' is unknown)
    slope = np.concatenate([up[i_l], dn[i_r]]) & (dhi < 0)
    if slope.any():
        decreasing[rr[slope]] = np.fmin(decreasing[rr[slope]], xx[slope])
    # f(b) < f(a) proved across a run of slivers (the k-th first with the k-th last)
    jl, jr = np.flatnonzero(first[i_l]), nl + np.flatnonzero(last[i_r])
    jump = fhi[jr] < flo[jl]
    if jump.any():
        rows = rr[jl][jump]
        decreasing[rows] = np.fmin(decreasing[rows], xx[jl][jump])


def _kinks(cost, p, scalar, r, a, b):
    """The exact zeros of the cost's switching functions inside slivers [a, b]."""
    switches = getattr(cost, "switches", lambda: ())()
    if not switches or r.size == 0:
        return np.empty(0, dtype=int), np.empty(0)
    out_r, out_x = [], []
    q = p if scalar else take(p, r)
    for s in switches:
        with np.errstate(all="ignore"):
            sa = np.broadcast_to(np.asarray(s.f(a, q), dtype=float), a.shape)
            sb = np.broadcast_to(np.asarray(s.f(b, q), dtype=float), a.shape)
        i = np.flatnonzero(np.sign(sa) * np.sign(sb) < 0)
        if i.size:
            z = sign_root(lambda x, qq: s.f(x, qq), a[i], b[i], q if scalar else take(q, i),
                          iters=80)
            out_r.append(r[i])
            out_x.append(z)
        for end, v in ((a, sa), (b, sb)):
            j = np.flatnonzero(v == 0)
            if j.size:
                out_r.append(r[j])
                out_x.append(end[j])
    if not out_r:
        return np.empty(0, dtype=int), np.empty(0)
    return np.concatenate(out_r), np.concatenate(out_x)



from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
