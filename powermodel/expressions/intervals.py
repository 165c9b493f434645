"""Vectorised interval arithmetic with outward rounding.

An interval is a pair ``(lo, hi)`` of float64 scalars or arrays (one interval
per point, no Python loop over points). Every function here returns an
enclosure of the exact real result for every point of its argument intervals,
and, because IEEE rounding is monotone, of every floating-point result that
NumPy computes for points in those intervals.

Rounding
--------
* ``+ - * /``, ``sqrt`` and squaring are correctly rounded in IEEE arithmetic:
  each computed bound is moved one ulp outwards (:func:`numpy.nextafter`
  towards ``-inf`` / ``+inf``).
* Library functions (``exp``, ``log``, ``sin``, ``power``, ``erf`` ...) are not
  guaranteed to be correctly rounded (NumPy's SIMD implementations promise a
  few ulp): their bounds are first moved outwards by ``LIBRARY_REL`` = 16 eps
  relative, then by one ulp (which also covers underflow near 0).
* Exact operations (negation, ``abs``, ``min``/``max`` of bounds, selecting
  bounds) are not widened.

A lower bound that overflows to ``+inf`` becomes the largest float (still a
valid lower bound of the true, finite value); ``+inf`` upper bounds are kept.

Domains
-------
Where part of an interval lies outside a function's domain (``log`` of an
interval reaching below 0, ``sqrt`` of a negative...) the enclosure is that
of the defined part, the values a point evaluation returns that are not NaN;
where no point of the interval is in the domain the enclosure is
``(-inf, inf)``. Division by an interval containing 0 gives ``(-inf, inf)``.
No bound is ever NaN.

Examples
--------
>>> from powermodel.expressions.intervals import iexp, imul
>>> lo, hi = iexp(0.0, 1.0)
>>> bool(lo < 1.0 < 2.718281828459045 < hi)
True
>>> bool(imul((-1.0, 2.0), (3.0, 4.0))[0] < -4.0)
True
"""

import math

import numpy as np

__all__ = [
    "LIBRARY_REL", "down", "up", "clean", "ineg", "iadd", "isub", "imul", "idiv",
    "iscale", "isq", "ipowk", "ipow", "ihull", "iabs", "imin", "imax", "FUNCTIONS",
]

INF = np.inf
MAXF = np.finfo(float).max
#: Relative widening of the bounds of library (not correctly rounded) functions.
LIBRARY_REL = 16 * np.finfo(float).eps


def down(v):
    """One ulp towards -inf (for a correctly rounded bound)."""
    return np.nextafter(v, -INF)


def up(v):
    """One ulp towards +inf (for a correctly rounded bound)."""
    return np.nextafter(v, INF)


def ldown(v):
    """A library function's lower bound moved outwards by LIBRARY_REL and one ulp."""
    return np.nextafter(v * np.where(v > 0, 1 - LIBRARY_REL, 1 + LIBRARY_REL), -INF)


def lup(v):
    """A library function's upper bound moved outwards by LIBRARY_REL and one ulp."""
    return np.nextafter(v * np.where(v > 0, 1 + LIBRARY_REL, 1 - LIBRARY_REL), INF)


def clean(lo, hi):
    """Replace NaN bounds by the infinite ones (a NaN bound says nothing)."""
    lo = np.where(np.isnan(lo), -INF, lo)
    hi = np.where(np.isnan(hi), INF, hi)
    return lo, hi


def _whole(mask, lo, hi):
    """(-inf, inf) where ``mask``."""
    return np.where(mask, -INF, lo), np.where(mask, INF, hi)


# -- arithmetic ---------------------------------------------------------------

def ineg(a):
    return -a[1], -a[0]


def iadd(a, b):
    return down(a[0] + b[0]), up(a[1] + b[1])


def isub(a, b):
    return down(a[0] - b[1]), up(a[1] - b[0])


def _products(a, b):
    # 0 * inf -> 0: the extended-real convention (infinity is never attained).
    p = [a[i] * b[j] for i in (0, 1) for j in (0, 1)]
    p = [np.where(np.isnan(q), 0.0, q) for q in p]
    return (np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3])),
            np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3])))


def imul(a, b):
    lo, hi = _products(a, b)
    return down(lo), up(hi)


def iscale(c, a):
    """``c * a`` for an exact float (or float array) ``c``; ``0 * anything = 0``."""
    lo, hi = c * a[0], c * a[1]
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    zero = c == 0
    return (np.where(zero, 0.0, down(lo)), np.where(zero, 0.0, up(hi)))


def idiv(a, b):
    blo, bhi = b
    q = [a[i] / b[j] for i in (0, 1) for j in (0, 1)]
    # inf/inf corners are NaN: the other corners bound the quotient (fmin/fmax skip NaN).
    lo = np.fmin(np.fmin(q[0], q[1]), np.fmin(q[2], q[3]))
    hi = np.fmax(np.fmax(q[0], q[1]), np.fmax(q[2], q[3]))
    return _whole((blo <= 0) & (bhi >= 0), down(lo), up(hi))


def isq(a):
    lo, hi = a
    l2, h2 = lo * lo, hi * hi
    straddle = (lo < 0) & (hi > 0)
    rlo = np.where(straddle, 0.0, np.minimum(l2, h2))
    rhi = np.maximum(l2, h2)
    return np.maximum(down(rlo), 0.0), up(rhi)


def ihull(a, b):
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


def iabs(a):
    lo, hi = a
    straddle = (lo < 0) & (hi > 0)
    alo, ahi = np.abs(lo), np.abs(hi)
    rlo = np.where(straddle, 0.0, np.minimum(alo, ahi))
    return rlo, np.maximum(alo, ahi)


def imin(a, b):
    return np.minimum(a[0], b[0]), np.minimum(a[1], b[1])


def imax(a, b):
    return np.maximum(a[0], b[0]), np.maximum(a[1], b[1])


# -- powers ---------------------------------------------------------------------

def ipowk(a, k):
    """``u**k`` for u in ``a`` and a point exponent ``k`` (float or array), as np.power.

    Negative bases give real values only for integer ``k`` (NaN otherwise, so
    excluded); ``0**k`` is ``inf`` for ``k < 0`` (``-inf`` too for odd ``k`` at
    ``-0.0``) and ``0**0 = 1``.
    """
    lo, hi = a
    k = np.asarray(k, dtype=float)
    integer = k == np.round(k)
    odd = integer & (np.abs(np.fmod(k, 2.0)) == 1.0)
    with np.errstate(all="ignore"):
        l0 = np.maximum(lo, 0.0)
        p_l0, p_hi = np.power(l0, k), np.power(np.maximum(hi, 0.0), k)
        pos = (np.minimum(p_l0, p_hi), np.maximum(p_l0, p_hi))
        nlo, nhi = -lo, -np.minimum(hi, 0.0)  # |u| on the negative part: [nhi, nlo]
        q1, q2 = np.power(np.maximum(nlo, 0.0), k), np.power(np.maximum(nhi, 0.0), k)
        qlo, qhi = np.minimum(q1, q2), np.maximum(q1, q2)
    neg = (np.where(odd, -qhi, qlo), np.where(odd, -qlo, qhi))
    has_pos = hi >= 0
    has_neg = (lo < 0) & integer
    rlo = np.where(has_pos, np.where(has_neg, np.minimum(pos[0], neg[0]), pos[0]), neg[0])
    rhi = np.where(has_pos, np.where(has_neg, np.maximum(pos[1], neg[1]), pos[1]), neg[1])
    # C's pow(-inf, k) is defined for every k (+inf, -inf or 0), unlike finite negative bases.
    with np.errstate(all="ignore"):
        e = np.where(lo == -INF, np.power(lo, k), np.nan)
    rlo, rhi = np.fmin(rlo, e), np.fmax(rhi, e)
    has_pos = has_pos | ~np.isnan(e)
    rlo, rhi = ldown(rlo), lup(rhi)
    # a pole at 0 reached from both signs (odd k < 0), or nothing defined: everything.
    whole = (~has_pos & ~has_neg) | (odd & (k < 0) & (lo <= 0) & (hi >= 0))
    rlo, rhi = _whole(whole, rlo, rhi)
    zero = k == 0  # u**0 = 1 for every u (NaN**0 too)
    return np.where(zero, 1.0, rlo), np.where(zero, 1.0, rhi)


def ipow(a, b):
    """``u**v`` with an interval exponent: ``exp(v*log(u))`` for u > 0, else everything."""
    lo = a[0]
    e = iexp(*imul(b, ilog(*a)))
    return _whole(~(lo > 0), *e)


# -- elementary functions -----------------------------------------------------------

def _monotone(fn, lo, hi, dlo=-INF, dhi=INF, increasing=True, rlo=-INF, rhi=INF):
    """Enclosure of a monotone library function on its domain [dlo, dhi].

    ``[rlo, rhi]`` is a range known to hold every floating-point value of the
    function (e.g. ``exp >= 0``, ``-1 <= tanh <= 1``): the bounds are clipped to it.
    """
    with np.errstate(all="ignore"):
        a, b = fn(np.clip(lo, dlo, dhi)), fn(np.clip(hi, dlo, dhi))
    if not increasing:
        a, b = b, a
    a, b = ldown(a), lup(b)
    if rlo > -INF or rhi < INF:
        a, b = np.clip(a, rlo, rhi), np.clip(b, rlo, rhi)
    return _whole((hi < dlo) | (lo > dhi), a, b)


def iexp(lo, hi):
    return _monotone(np.exp, lo, hi, rlo=0.0)


def ilog(lo, hi):
    return _monotone(np.log, lo, hi, 0.0)


def ilog1p(lo, hi):
    return _monotone(np.log1p, lo, hi, -1.0)


def iexpm1(lo, hi):
    return _monotone(np.expm1, lo, hi, rlo=-1.0)


def isqrt(lo, hi):
    with np.errstate(all="ignore"):
        a, b = np.sqrt(np.maximum(lo, 0.0)), np.sqrt(np.maximum(hi, 0.0))
    return _whole(hi < 0, np.maximum(down(a), 0.0), up(b))


def icbrt(lo, hi):
    return _monotone(np.cbrt, lo, hi)


def iatan(lo, hi):
    return _monotone(np.arctan, lo, hi)


def isinh(lo, hi):
    return _monotone(np.sinh, lo, hi)


def itanh(lo, hi):
    return _monotone(np.tanh, lo, hi, rlo=-1.0, rhi=1.0)


def iasinh(lo, hi):
    return _monotone(np.arcsinh, lo, hi)


def iacosh(lo, hi):
    return _monotone(np.arccosh, lo, hi, 1.0)


def iatanh(lo, hi):
    return _monotone(np.arctanh, lo, hi, -1.0, 1.0)


def iasin(lo, hi):
    return _monotone(np.arcsin, lo, hi, -1.0, 1.0)


def iacos(lo, hi):
    return _monotone(np.arccos, lo, hi, -1.0, 1.0, increasing=False)


def _erf(u):
    from scipy.special import erf

    return erf(u)


def ierf(lo, hi):
    return _monotone(_erf, lo, hi, rlo=-1.0, rhi=1.0)


def icosh(lo, hi):
    with np.errstate(all="ignore"):
        a, b = np.cosh(lo), np.cosh(hi)
    straddle = (lo < 0) & (hi > 0)
    rlo = np.where(straddle, 1.0, np.minimum(a, b))
    return np.maximum(ldown(rlo), 1.0), lup(np.maximum(a, b))


_TWO_PI = 2 * math.pi


def _contains(lo, hi, phase, period):
    """Whether [lo, hi] may contain a point ``phase + j*period`` (conservative)."""
    with np.errstate(all="ignore"):
        tlo = (lo - phase) / period
        thi = (hi - phase) / period
        slop = 1e-9 * (1.0 + np.abs(tlo))
        return np.floor(thi + slop) >= np.ceil(tlo - slop)


def _periodic(fn, lo, hi, phase_max, phase_min):
    """Enclosure of sin or cos (period 2 pi, maxima at phase_max, minima at phase_min)."""
    with np.errstate(all="ignore"):
        a, b = fn(lo), fn(hi)
    rlo, rhi = ldown(np.minimum(a, b)), lup(np.maximum(a, b))
    wide = ~(hi - lo < 6.0) | ~(np.abs(lo) < 1e9) | ~(np.abs(hi) < 1e9)
    rhi = np.where(wide | _contains(lo, hi, phase_max, _TWO_PI), 1.0, rhi)
    rlo = np.where(wide | _contains(lo, hi, phase_min, _TWO_PI), -1.0, rlo)
    return np.maximum(rlo, -1.0), np.minimum(rhi, 1.0)


def isin(lo, hi):
    return _periodic(np.sin, lo, hi, math.pi / 2, -math.pi / 2)


def icos(lo, hi):
    return _periodic(np.cos, lo, hi, 0.0, math.pi)


def itan(lo, hi):
    with np.errstate(all="ignore"):
        a, b = np.tan(lo), np.tan(hi)
    pole = (~(hi - lo < 3.0) | ~(np.abs(lo) < 1e9) | ~(np.abs(hi) < 1e9)
            | _contains(lo, hi, math.pi / 2, math.pi))
    return _whole(pole, ldown(a), lup(b))


#: Interval enclosures of the one-argument functions, by name.
FUNCTIONS = {
    "exp": iexp, "log": ilog, "ln": ilog, "log1p": ilog1p, "expm1": iexpm1,
    "sqrt": isqrt, "cbrt": icbrt, "sin": isin, "cos": icos, "tan": itan,
    "asin": iasin, "acos": iacos, "atan": iatan, "arctan": iatan, "sinh": isinh,
    "cosh": icosh, "tanh": itanh, "asinh": iasinh, "acosh": iacosh, "atanh": iatanh,
    "erf": ierf,
}
