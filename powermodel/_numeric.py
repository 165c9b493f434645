"""Vectorised root finding shared by the solver and the cost families.

All routines work elementwise on 1-D float arrays, without a Python loop over
points: the loop is over iterations, on the shrinking set of points that have
not converged yet.
"""

import numpy as np

__all__ = ["TINY", "HUGE", "take", "increasing_root", "sign_root"]

#: Smallest positive x the solvers look at (below it x is taken as 0).
TINY = 1e-300
#: Largest finite x the solvers look at (above it x is taken as infinite).
HUGE = 1e300


def take(params, idx):
    """Select the entries ``idx`` of every non-scalar array in ``params``."""
    return {k: (v[idx] if np.ndim(v) else v) for k, v in params.items()}


def _clean(v):
    # Overflow convention: a NaN from inf - inf or 0 * inf at large x is +inf.
    v = np.asarray(v, dtype=float)
    return np.where(np.isnan(v), np.inf, v)


def increasing_root(fun, dfun, target, lo, hi, params, *, max_iter=200, t0=None, both=None,
                    f_lo=None, f_hi=None):
    """Solve ``fun(x) = target`` for non-decreasing ``fun`` in ``[lo, hi]``.

    Requires ``fun(lo) < target <= fun(hi)`` and ``0 < lo < hi`` finite.
    Safeguarded Newton on ``log fun`` against ``log x`` (exact in one step for
    power laws), falling back to bisection in ``log x``; converges to a relative
    width of a few ulps. ``both(x, p)``, when given, returns ``(fun, dfun)`` in one
    pass (forward-mode derivatives compute them together). ``fun(x, p)`` and
    ``dfun(x, p)`` take the selected
    parameters ``p``. ``t0``: a first guess of ``log x`` (NaN where none),
    else log-linear interpolation between the bracket ends, where ``fun`` is
    evaluated unless the caller passes its values there (``f_lo``, ``f_hi``).

    Returns
    -------
    x : ndarray
        The roots.
    converged : ndarray of bool
    """
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    target = np.broadcast_to(np.asarray(target, dtype=float), lo.shape).copy()
    n = lo.size
    x_out = np.empty(n)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return x_out, ok
    log_target = np.log(target)
    tl, th = np.log(lo), np.log(hi)
    with np.errstate(all="ignore"):
        if t0 is not None:  # the caller's guess where it is inside the bracket
            t0 = np.broadcast_to(np.asarray(t0, dtype=float), lo.shape)
            t = np.where((t0 > tl) & (t0 < th), t0, 0.5 * (tl + th))
        else:  # log-linear interpolation between the bracket ends
            fl = _clean(fun(lo, params) if f_lo is None else f_lo)
            fh = _clean(fun(hi, params) if f_hi is None else f_hi)
            lfl, lfh = np.log(fl), np.log(fh)
            w = (log_target - lfl) / (lfh - lfl)
            t = np.where(np.isfinite(w) & (w > 0) & (w < 1), tl + w * (th - tl),
                         0.5 * (tl + th))
    act = np.arange(n)
    p = params
    prev = np.full(n, np.inf)  # |Newton step| at the previous iteration
    for _ in range(max_iter):
        with np.errstate(all="ignore"):
            x = np.exp(t)
            if both is None:
                v = _clean(fun(x, p))
                dv = np.asarray(dfun(x, p), dtype=float)
            else:
                v, dv = both(x, p)
                v = _clean(v)
                dv = np.asarray(dv, dtype=float)
            below = v < target
            np.copyto(tl, t, where=below)
            np.copyto(th, t, where=~below)
            # Newton step on log v(t) with d log v / dt = x v' / v, used only where the
            # slope is finite and positive (a NaN or infinite v' says nothing).
            slope = x * dv / v
            step = (np.log(v) - log_target) / slope
            astep = np.abs(step)
            usable = (astep < np.inf) & (slope > 0) & (slope < np.inf)
            t_new = t - step
            tol = 4e-16 * np.maximum(1.0, np.abs(t))
            # A Newton step below the tolerance has converged, even when rounding
            # puts it on the bracket end (t itself); else bisect out-of-bracket steps.
            small = usable & (astep <= tol)
            bad = ~usable | (t_new <= tl) | (t_new >= th)
            bisect = bad & ~small
            if bisect.any():
                np.copyto(t_new, 0.5 * (tl + th), where=bisect)
            # Two steps in a row below 1e-10 (x to 1e-10 relative): converged, or at the
            # noise floor of fun (finite-difference derivatives) where more cannot help;
            # t itself is the answer when noise sends the step out of the bracket.
            stalled = usable & (astep <= 1e-10) & (prev <= 1e-10)
            np.copyto(t_new, t, where=stalled & bad)
            done = (v == target) | small | stalled \
                | (~bad & (np.abs(t_new - t) <= tol)) \
                | (th - tl <= 4e-16 * np.maximum(1.0, np.abs(tl)))
            prev = astep
        if done.any():
            fin = np.where(v == target, t, t_new)
            x_out[act[done]] = np.exp(fin[done])
            ok[act[done]] = True
            keep = ~done
            act, t_new, tl, th, target, log_target, prev = (
                act[keep], t_new[keep], tl[keep], th[keep], target[keep], log_target[keep],
                prev[keep])
            p = take(params, act)
            if act.size == 0:
                break
        t = t_new
    if act.size:
        x_out[act] = np.exp(0.5 * (tl + th))
    return x_out, ok


def sign_root(fun, lo, hi, params, *, iters=110):
    """Bisect for a sign change of ``fun`` in ``[lo, hi]`` (``lo >= 0``).

    Bisects in ``log x`` while the bracket spans more than a factor of two,
    arithmetically after; returns the midpoint of the final bracket.
    """
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    if lo.size == 0:
        return lo
    with np.errstate(all="ignore"):
        s_lo = np.sign(_clean(fun(lo, params)))
        lo = np.maximum(lo, TINY)
        for _ in range(iters):
            geo = hi > 2 * lo
            mid = np.where(geo, np.sqrt(lo) * np.sqrt(hi), 0.5 * (lo + hi))
            s = np.sign(_clean(fun(mid, params)))
            same = s == s_lo
            lo = np.where(same, mid, lo)
            hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)
