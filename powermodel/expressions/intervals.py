"""Vectorised interval arithmetic with outward rounding.

An interval is a pair ``(lo, hi)`` of float64 scalars or arrays (one interval
per point, no Python loop over points). Every function here returns an
enclosure of the exact real result for every point of its argument intervals,
and, because IEEE rounding is monotone, of every floating-point result that
NumPy computes for points in those intervals.

Rounding
--------
* ``+ - * /``, ``sqrt`` and squaring are correctly rounded in IEEE arithmetic
  (an error of at most half an ulp): each computed bound ``v`` is moved
  outwards by ``|v| * 2**-51 + 2**-1022``, at least one ulp even after the
  rounding of that subtraction (and cheaper than :func:`numpy.nextafter`).
* Library functions (``exp``, ``log``, ``sin``, ``power``, ``erf`` ...) are not
  guaranteed to be correctly rounded (NumPy's SIMD implementations promise a
  few ulp): their bounds are moved outwards by ``|v| * LIBRARY_REL + 2**-1022``
  with ``LIBRARY_REL`` = 16 eps, at least 16 ulp. The smallest normal float
  covers underflow near 0.
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


_ULP2 = 2.0 ** -51      # >= 2 ulp(v) / |v| for every normal v
_LIB = LIBRARY_REL       # >= 16 ulp(v) / |v|
_SUB = 2.2250738585072014e-308  # the smallest normal float: covers underflow (a
#                         subnormal constant would make every operation slow)


def _widen_down(v, rel):
    # v - (|v| rel + 2**-1022), rounded to nearest, stays below v by more than one ulp
    # (in place: this runs twice per operation). A lower bound of +inf (an overflowed,
    # finite true value) becomes the largest float; NaN (unknown) stays NaN.
    if np.ndim(v) == 0:
        v = float(v)
        return MAXF if v == INF else v - (abs(v) * rel + _SUB)
    d = np.abs(v)
    d *= rel
    d += _SUB
    np.subtract(v, d, out=d)
    np.copyto(d, MAXF, where=v == INF)
    return d


def _widen_up(v, rel):
    if np.ndim(v) == 0:
        v = float(v)
        return -MAXF if v == -INF else v + (abs(v) * rel + _SUB)
    d = np.abs(v)
    d *= rel
    d += _SUB
    np.add(v, d, out=d)
    np.copyto(d, -MAXF, where=v == -INF)
    return d


def _unknown(*bounds):
    """Where any bound is NaN (unknown): the corner formulas below must not drop it."""
    m = np.isnan(bounds[0])
    for b in bounds[1:]:
        m = m | np.isnan(b)
    return m


def down(v):
    """A correctly rounded lower bound moved outwards (by at least one ulp)."""
    return _widen_down(v, _ULP2)


def up(v):
    """A correctly rounded upper bound moved outwards (by at least one ulp)."""
    return _widen_up(v, _ULP2)


def ldown(v):
    """A library function's lower bound moved outwards by LIBRARY_REL (and one ulp)."""
    return _widen_down(v, _LIB)


def lup(v):
    """A library function's upper bound moved outwards by LIBRARY_REL (and one ulp)."""
    return _widen_up(v, _LIB)


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


def _degenerate(a):
    return a[0] is a[1]  # constants and parameters: (c, c), the same object twice


def imul(a, b):
    if _degenerate(a):
        return iscale(a[0], b)
    if _degenerate(b):
        return iscale(b[0], a)
    if np.all(a[0] >= 0) and np.all(b[0] >= 0):  # common (x >= 0): two products
        lo, hi = a[0] * b[0], a[1] * b[1]
        if np.any(np.isnan(hi)):  # 0 * inf: a factor is [0, 0]; or an unknown bound
            hi = np.where(np.isnan(hi), np.where(np.isnan(a[1]) | np.isnan(b[1]), np.nan, 0.0), hi)
        return down(lo), up(hi)
    p = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    lo = np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3]))  # (NaN propagates)
    hi = np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3]))
    nan = np.isnan(lo)  # some corner is NaN (hi too: the same corners)
    if np.any(nan):
        lo, hi = _nan_corners(a, b, p, nan, lo, hi)
    return down(lo), up(hi)


def _nan_corners(a, b, p, nan, lo, hi):
    """Products with NaN corners: 0 * inf, or an unknown (NaN) input bound.

    A 0 * inf corner is 0 (infinity is never attained), a value already in the
    hull of the other corners unless every corner is NaN (a factor [0, 0] times
    [-inf, inf]); an unknown input leaves the product unknown.
    """
    flo = np.fmin(np.fmin(p[0], p[1]), np.fmin(p[2], p[3]))
    fhi = np.fmax(np.fmax(p[0], p[1]), np.fmax(p[2], p[3]))
    flo, fhi = np.where(np.isnan(flo), 0.0, flo), np.where(np.isnan(fhi), 0.0, fhi)
    unknown = _unknown(*a, *b)
    flo, fhi = np.where(unknown, np.nan, flo), np.where(unknown, np.nan, fhi)
    return np.where(nan, flo, lo), np.where(nan, fhi, hi)


def iscale(c, a):
    """``c * a`` for an exact float (or float array) ``c``; ``0 * anything = 0``."""
    lo = c * a[0]
    hi = lo if a[1] is a[0] else c * a[1]  # (a point box: one product)
    if np.ndim(c) == 0:
        if c == 0:
            return 0.0, 0.0
        if c == 1:
            return a
        if c < 0:
            lo, hi = hi, lo
        return down(lo), up(hi)
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    zero = c == 0
    return (np.where(zero, 0.0, down(lo)), np.where(zero, 0.0, up(hi)))


def idiv(a, b):
    blo, bhi = b
    if _degenerate(b) and np.ndim(blo) == 0 and blo != 0:
        lo, hi = a[0] / blo, a[1] / blo
        if blo < 0:
            lo, hi = hi, lo
        return down(lo), up(hi)
    q = [np.divide(a[i], b[j]) for i in (0, 1) for j in (0, 1)]  # (never Python floats)
    # inf/inf corners are NaN: the other corners bound the quotient (fmin/fmax skip NaN).
    lo = np.fmin(np.fmin(q[0], q[1]), np.fmin(q[2], q[3]))
    hi = np.fmax(np.fmax(q[0], q[1]), np.fmax(q[2], q[3]))
    return _whole((blo <= 0) & (bhi >= 0) | _unknown(*a, *b), down(lo), up(hi))


def isq(a):
    lo, hi = a
    if _degenerate(a) and np.ndim(lo) == 0 and abs(float(lo)) in (0.0, 1.0):
        v = np.abs(lo)  # exact (x' = 1 squared): stays degenerate, products become scalings
        return v, v
    l2, h2 = lo * lo, hi * hi
    straddle = (lo < 0) & (hi > 0)
    rlo = np.where(straddle, 0.0, np.minimum(l2, h2))
    rhi = np.maximum(l2, h2)
    nil = (lo == 0) & (hi == 0)  # 0 * 0 = 0 exactly: the point box [0, 0] stays a point
    return np.where(nil, 0.0, np.maximum(down(rlo), 0.0)), np.where(nil, 0.0, up(rhi))


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
    excluded), except ``(-inf)**k``, which C defines for every ``k``; ``0**k``
    is ``inf`` for ``k < 0`` (and ``-inf`` at ``-0.0`` for odd ``k``: a box
    holding 0 is then the whole line); ``u**0 = 1`` for every u.
    """
    lo, hi = np.asarray(a[0], dtype=float), np.asarray(a[1], dtype=float)
    if np.ndim(k) == 0:
        k = float(k)
        if k != k:  # NaN: 1**NaN = 1, so values exist, unknown here
            return np.full(np.shape(lo), -INF), np.full(np.shape(hi), INF)
        if k == 1.0:
            return a
        if k == 2.0:
            return isq(a)
        if k == 0.0:
            return 1.0, 1.0
        if k > 0 and math.isfinite(k) and k == round(k):  # positive integers: monotone or even
            nil = (lo == 0) & (hi == 0)  # 0**k = 0 exactly (see below)
            with np.errstate(all="ignore"):
                # (a point box, lo and hi the same array: one power, the same value)
                pa = np.power(lo, k)
                pb = pa if hi is lo else np.power(hi, k)
                if k % 2:
                    rlo, rhi = ldown(pa), lup(pb)
                else:
                    straddle = (lo < 0) & (hi > 0)
                    rlo = np.maximum(ldown(np.where(straddle, 0.0, np.minimum(pa, pb))), 0.0)
                    rhi = lup(np.maximum(pa, pb))
            return np.where(nil, 0.0, rlo), np.where(nil, 0.0, rhi)
    k = np.asarray(k, dtype=float)
    with np.errstate(all="ignore"):
        pa = np.power(np.abs(lo), k)
        pb = pa if hi is lo else np.power(np.abs(hi), k)
        z = np.where(k > 0, 0.0, np.where(k < 0, INF, 1.0))  # 0**k
        integer = k == np.round(k)  # (+-inf count as even: C's pow(-2, inf) = inf)
        odd = integer & np.isfinite(k) & (np.fmod(k, 2.0) != 0)
        m, M = np.minimum(pa, pb), np.maximum(pa, pb)
        neg = hi < 0
        straddle = (lo < 0) & ~neg
        # lo >= 0: [m, M];  hi < 0 (integer k): [m, M] or, odd, [-M, -m]
        rlo = np.where(neg & odd, -M, m)
        rhi = np.where(neg & odd, -m, M)
        # lo < 0 <= hi: even: hull(0**k, pa, pb); odd: [-max(z, pa), max(z, pb)];
        # non-integer: hull(0**k, pb) (and pa = (-inf)**k when lo = -inf)
        minf = lo == -INF
        s_lo = np.where(odd, -np.maximum(z, pa),
                        np.where(integer | minf, np.minimum(z, m), np.minimum(z, pb)))
        s_hi = np.where(odd, np.maximum(z, pb),
                        np.where(integer | minf, np.maximum(z, M), np.maximum(z, pb)))
        rlo, rhi = np.where(straddle, s_lo, rlo), np.where(straddle, s_hi, rhi)
        # hi < 0 and non-integer k: only (-inf)**k = pa is defined
        noint = neg & ~integer
        rlo, rhi = np.where(noint, pa, rlo), np.where(noint, pa, rhi)
        rlo, rhi = ldown(rlo), lup(rhi)
        whole = (noint & ~minf) | (odd & (k < 0) & (lo <= 0) & (hi >= 0)) | np.isnan(k)
        rlo, rhi = _whole(whole, rlo, rhi)
        # exact: u**0 = 1 for every u (NaN**0 too), and 0**k = 0 for k > 0 (IEEE 754
        # pow, C99 F.9.4.4; the box [0, 0] is a point, so no widening is due)
        zero, nil = k == 0, (lo == 0) & (hi == 0) & (k > 0)
        return (np.where(zero, 1.0, np.where(nil, 0.0, rlo)),
                np.where(zero, 1.0, np.where(nil, 0.0, rhi)))


def ipow(a, b):
    """``u**v`` with an interval exponent: ``exp(v*log(u))`` for u > 0, else everything."""
    e = iexp(*imul(b, ilog(*a)))
    return _whole(~(np.asarray(a[0]) > 0), *e)


# -- elementary functions -----------------------------------------------------------

def _monotone(fn, lo, hi, dlo=-INF, dhi=INF, increasing=True, rlo=-INF, rhi=INF):
    """Enclosure of a monotone library function on its domain [dlo, dhi].

    ``[rlo, rhi]`` is a range known to hold every floating-point value of the
    function (e.g. ``exp >= 0``, ``-1 <= tanh <= 1``): the bounds are clipped to it.
    """
    with np.errstate(all="ignore"):
        a = fn(np.clip(lo, dlo, dhi))
        # (a point box, lo and hi the same array: the same rounded value, computed once)
        b = a if hi is lo else fn(np.clip(hi, dlo, dhi))
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
    """Whether [lo, hi] may contain a point ``phase + j*period`` (conservative).

    ``phase`` and ``period`` are the roundings of multiples of pi (relative errors
    below 1.2e-16), and each of the two operations rounds by half an ulp: the
    computed ``t = (x - phase)/period`` is within ``2e-16 (|t| + 1)`` of the exact
    one for |x| < 1e9, so a slop of ``1e-14 (|t| + 1)`` is safe by a factor of 50."""
    with np.errstate(all="ignore"):
        tlo = (lo - phase) / period
        thi = (hi - phase) / period
        slop = 1e-14 * (1.0 + np.abs(tlo))
        return np.floor(thi + slop) >= np.ceil(tlo - slop)


def _periodic(fn, lo, hi, phase_max, phase_min):
    """Enclosure of sin or cos (period 2 pi, maxima at phase_max, minima at phase_min)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
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
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
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
