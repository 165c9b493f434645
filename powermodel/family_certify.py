r"""Analytic certificates for the convex closed-form families (issue 20).

For ``power``, ``exponential``, ``linear`` and ``quadratic`` with parameters
within their bounds, f is convex, strictly increasing and f(0) = 0, so
:math:`h(x) = x - f(x)/n` is concave. A certificate then takes a few array
passes instead of a branch and bound:

* the feasible set lies in :math:`[0, U^+]`, :math:`U^+ = \min(x_{cap}, B^+)`,
  where :math:`B^+` is the computed budget moved up by 1e-11 relative and
  :math:`\underline{f}(B^+) \ge P` is proved (every larger x then costs more than P);
* the incumbent x (the closed form's x*, stepped down by at most 1e-12 relative
  where needed) has :math:`\overline{f}(x) \le P` proved, and the lower bound is
  the lower end of the enclosure of h there;
* the upper bound on max h: if :math:`h'(U^+) \ge 0` is proved, h is
  non-decreasing on the feasible set and the bound is :math:`\overline{h}(U^+)`;
  if :math:`h'(0) \le 0` is proved, it is h(0) = 0; otherwise, with
  :math:`y_1 < x < y_2` around x where :math:`h'(y_1) \ge 0 \ge h'(y_2)` are
  proved, h is at most :math:`h(y_1)` left of :math:`y_1`, at most
  :math:`h(y_2)` right of :math:`y_2`, and below the tangent at :math:`y_1`
  between them, so the bound is :math:`\overline{h}(y_1) + \overline{h'}(y_1)
  (y_2 - y_1)`.

Enclosures come from the computed value and a bound on its relative rounding
error, each library call (pow, exp, expm1, log) taken to err by at most 16 ulp
(:data:`powermodel.expressions.intervals.LIBRARY_REL`, the assumption of the
interval engine), an argument's rounding amplified by the |log| terms of the
formula, and an absolute term for results that underflow. Points where a value
is not finite, or a condition is not proved, are left to the branch and bound
(:func:`powermodel.certify.certify_points`).
"""

import numpy as np

from .certify import _down, _up
from .costs import Exponential, Linear, Power, Quadratic
from .expressions.intervals import LIBRARY_REL

__all__ = ["family_certificate", "has_certificate"]

_E = 2.220446049250313e-16
_LIB = LIBRARY_REL
#: Absolute error unit of results that underflow (a few normal ulps).
_ABS = 2.0 ** -1021


def _logabs(v):
    with np.errstate(divide="ignore"):
        return np.abs(np.log(np.maximum(v, 1e-300)))


def _power(x, p):
    c, k = p["c"], p["k"]
    lx = np.where(x > 0, _logabs(x), 0.0)
    lc, lk = _logabs(c), _logabs(k)
    f = Power().f(x, p)
    ef = _LIB + 2 * _E + (_LIB + 3 * _E) * (lc + k * lx)
    d = Power().df(x, p)
    ed = 2 * _LIB + 4 * _E + (_LIB + 4 * _E) * (lc + lk + k * lx)
    ab = _ABS * (1 + x) * (1 + c * (1 + k))
    return f, ef, d, ed, ab


def _exponential(x, p):
    c, a = p["c"], p["a"]
    L = _logabs(c) + _logabs(a) + np.where(x > 0, _logabs(x), 0.0) + a * x
    f = Exponential().f(x, p)
    d = Exponential().df(x, p)
    e = 2 * _LIB + 4 * _E + (_LIB + 3 * _E) * L
    return f, e, d, e, _ABS * (1 + x) * (1 + c * (1 + a))


def _linear(x, p):
    c = p["c"]
    return c * x, 1.0 * _E, c + 0 * x, 0.0, _ABS * (1 + x)


def _quadratic(x, p):
    c, b = p["c"], p["b"]
    return (Quadratic().f(x, p), 3 * _E, Quadratic().df(x, p), 3 * _E,
            _ABS * (1 + x) * (1 + c + b))


_RULES = {Power: _power, Exponential: _exponential, Linear: _linear, Quadratic: _quadratic}


def has_certificate(cost):
    """Whether ``cost`` is a family with an analytic certificate (exact type)."""
    return type(cost) in _RULES


def _enclose(cost, x, p):
    """(flo, fhi, dlo, dhi) at x, and a mask of the points where all are finite."""
    with np.errstate(all="ignore"):
        f, ef, d, ed, ab = (np.broadcast_to(np.asarray(v, dtype=float), x.shape)
                            for v in _RULES[type(cost)](x, p))
        rf = np.abs(f) * ef + ab
        rd = np.abs(d) * ed + ab
        flo, fhi, dlo, dhi = np.maximum(f - rf, 0.0), f + rf, np.maximum(d - rd, 0.0), d + rd
    good = np.isfinite(fhi) & np.isfinite(dhi)
    return flo, fhi, dlo, dhi, good


def _h(x, flo, fhi, n):
    with np.errstate(all="ignore"):
        return (_down(x - fhi / n, np.abs(x) + np.abs(fhi / n)),
                _up(x - flo / n, np.abs(x) + np.abs(flo / n)))


def _dh(dlo, dhi, n):
    with np.errstate(all="ignore"):
        return _down(1 - dhi / n, 1 + dhi / n), _up(1 - dlo / n, 1 + dlo / n)


def family_certificate(cost, p, n, P, cap, x, x_budget, tol):
    """Certify x* of h on [0, min(cap, X_budget)] for a convex closed-form family.

    Parameters
    ----------
    cost : Cost
        A family with :func:`has_certificate`.
    p : dict
        Its parameters (scalars or arrays of the points' length), within bounds.
    n, P, cap, x, x_budget, tol : ndarray
        Per point: the slope n, the budget P, the cap, the solver's x* and
        X_budget (finite), and the tolerance on h.

    Returns
    -------
    x, bound, lower, ok : ndarray
        The incumbent (x, or x stepped down by at most 1e-12 relative so that
        f(x) <= P is proved), a rigorous upper bound on max h over the feasible
        set, a rigorous lower bound on h(x), and where both hold with
        ``bound - lower <= tol`` (elsewhere bound = inf and lower = -inf).

    Examples
    --------
    >>> import numpy as np
    >>> from powermodel.costs import Power
    >>> x, b, lo, ok = family_certificate(Power(), {"c": 1.0, "k": 2.0}, np.array([100.0]),
    ...     np.array([1e6]), np.array([np.inf]), np.array([50.0]), np.array([1e3]),
    ...     np.array([1e-6]))
    >>> bool(ok[0]), bool(lo[0] <= 25.0 <= b[0]), float(b[0] - lo[0]) <= 1e-6
    (True, True, True)
    """
    m = x.size
    n, P, cap, x, x_budget, tol = (np.broadcast_to(np.asarray(v, dtype=float), (m,))
                                   for v in (n, P, cap, x, x_budget, tol))
    ok = np.isfinite(x) & np.isfinite(x_budget) & (n > 0) & np.isfinite(n)
    # the feasible set lies in [0, Umax]
    with np.errstate(all="ignore"):
        b_up = x_budget * (1 + 1e-11) + 1e-300
        flo_b = _enclose(cost, b_up, p)[0]
        ok &= flo_b >= P
        umax = np.minimum(cap, b_up)
    # the incumbent, proved feasible
    xc = x.copy()
    flo, fhi, dlo, dhi, good = _enclose(cost, xc, p)
    feas = good & (fhi <= P)
    for step in (1e-15, 1e-14, 1e-13, 1e-12):
        if feas[ok].all():
            break
        i = np.flatnonzero(ok & ~feas)
        xi = x[i] * (1 - step)
        q = {k: (v if np.ndim(v) == 0 else v[i]) for k, v in p.items()}
        a, b_, c_, d_, g_ = _enclose(cost, xi, q)
        now = g_ & (b_ <= P[i])
        j = i[now]
        xc[j], flo[j], fhi[j], dlo[j], dhi[j] = xi[now], a[now], b_[now], c_[now], d_[now]
        feas[j] = True
    ok &= feas
    lower, _ = _h(xc, flo, fhi, n)
    # the bound on max h
    ulo, uhi, udlo, udhi, ugood = _enclose(cost, umax, p)
    _, h_u = _h(umax, ulo, uhi, n)
    dh_u_lo, _ = _dh(udlo, udhi, n)
    zero = np.zeros(m)
    _, _, d0lo, d0hi, _ = _enclose(cost, zero, p)
    _, dh0_hi = _dh(d0lo, d0hi, n)
    bound = np.full(m, np.inf)
    rising = ugood & (dh_u_lo >= 0)
    bound[rising] = h_u[rising]
    falling = ~rising & (dh0_hi <= 0)
    bound[falling] = 0.0  # h(0) = -f(0)/n = 0
    inner = np.flatnonzero(ok & ~rising & ~falling & (xc > 0))
    if inner.size:
        q = {k: (v if np.ndim(v) == 0 else v[inner]) for k, v in p.items()}
        xi, ni = xc[inner], n[inner]
        with np.errstate(all="ignore"):
            d2 = np.asarray(cost.d2f(xi, q), dtype=float) / ni
            delta = np.clip(np.sqrt(tol[inner] / (8 * d2 * xi * xi)), 1e-14, 1e-2)
            delta = np.where(np.isfinite(delta), delta, 1e-2)
            y1, y2 = xi * (1 - delta), xi * (1 + delta)
        a1, b1, c1, d1, g1 = _enclose(cost, y1, q)
        _, _, c2, d2_, g2 = _enclose(cost, y2, q)
        _, h1 = _h(y1, a1, b1, ni)
        dh1_lo, dh1_hi = _dh(c1, d1, ni)
        _, dh2_hi = _dh(c2, d2_, ni)
        with np.errstate(all="ignore"):
            width = (y2 - y1) * (1 + 4 * _E)
            tb = _up(h1 + dh1_hi * width, np.abs(h1) + np.abs(dh1_hi * width))
        proved = g1 & g2 & (dh1_lo >= 0) & (dh2_hi <= 0) & (y1 < umax[inner])
        bound[inner] = np.where(proved, tb, np.inf)
    with np.errstate(invalid="ignore"):
        ok &= np.isfinite(bound) & np.isfinite(lower) & (bound - lower <= tol)
    return xc, np.where(ok, bound, np.inf), np.where(ok, lower, -np.inf), ok


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
