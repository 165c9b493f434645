"""Forward-mode evaluation of a tape, on points or on intervals.

:func:`run` walks the instructions of a tape (built by
:mod:`~powermodel.expressions.compile`) once, in order, with NumPy arrays
holding every point (or every box) at once. With ``order=2`` each value is a
triple ``(v, v', v'')`` of derivatives in ``x`` (forward-mode
differentiation; a derivative known to be zero is ``None`` and never
computed).

The derivative rules are written once, over an *arithmetic*:
:class:`Points` (plain NumPy) or :class:`Intervals` (outward-rounded
interval arithmetic from :mod:`~powermodel.expressions.intervals`). The point
and interval passes therefore follow the very same formulas, and because IEEE
rounding is monotone, every value the point pass computes for an ``x`` in a
box lies in the enclosure computed for the box. The exceptions are explicit:
``abs``, ``min`` and ``max`` choose a branch per point but enclose every
branch (and give ``f'' = (-inf, inf)``) on a box holding a kink, and powers
``u**k`` with ``k`` independent of ``x`` drop the terms whose coefficient
``k`` or ``k (k - 1)`` is zero (so that ``x**1`` and ``x**2`` have exact
derivatives at 0 instead of ``0 * inf``).
"""

import math

import numpy as np

from . import intervals as I

__all__ = ["Points", "Intervals", "run", "last_uses", "NUMPY"]

NUMPY = {
    "exp": np.exp, "log": np.log, "ln": np.log, "log1p": np.log1p, "expm1": np.expm1,
    "sqrt": np.sqrt, "cbrt": np.cbrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "arctan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "erf": I._erf,
}
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)

# ---------------------------------------------------------------------------
# Arithmetics: the derivative rules below are written once over these
# ---------------------------------------------------------------------------

class Points:
    """Plain NumPy arithmetic on values."""

    @staticmethod
    def const(c):
        return np.float64(c)  # (NumPy semantics: 1/0 is inf, not an exception)

    cinexact = const

    @staticmethod
    def iconst(aux):  # (value, lo, hi) of a rounded constant: its value
        return np.float64(aux[0])

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def sub(a, b):
        return a - b

    @staticmethod
    def mul(a, b):
        if type(b) is float and b == 1.0:  # (x' = 1: no pass over the points)
            return a
        return a * b

    @staticmethod
    def div(a, b):
        return np.divide(a, b)

    @staticmethod
    def neg(a):
        return -a

    @staticmethod
    def sq(a):
        if type(a) is float and a == 1.0:
            return a
        return a * a

    @staticmethod
    def scale(c, a):
        return c * a

    @staticmethod
    def fn(name, a):
        return NUMPY[name](a)

    @staticmethod
    def powk(a, k):
        if np.ndim(k) == 0:  # (NumPy's pow is slow; these are within an ulp of it)
            if k == 0.0:
                return np.ones_like(a, dtype=float)
            if k == 1.0:
                return a
            if k == 2.0:
                return a * a
            if k == 3.0:
                return a * a * a
        return np.power(a, k)

    @staticmethod
    def pow(a, b):
        return np.power(a, b)


class Intervals:
    """Interval arithmetic on ``(lo, hi)`` pairs, outward rounded."""

    @staticmethod
    def const(c):
        c = np.asarray(c, dtype=float)  # (NumPy booleans from comparisons, never Python's)
        return (c, c)

    @staticmethod
    def cinexact(c):  # a constant that is the rounding of an irrational number
        return (I.down(c), I.up(c))

    @staticmethod
    def iconst(aux):  # (value, lo, hi) of a rounded constant: the enclosure of its exact value
        return (np.asarray(aux[1], dtype=float), np.asarray(aux[2], dtype=float))

    add = staticmethod(I.iadd)
    sub = staticmethod(I.isub)
    mul = staticmethod(I.imul)
    div = staticmethod(I.idiv)
    neg = staticmethod(I.ineg)
    sq = staticmethod(I.isq)
    scale = staticmethod(I.iscale)
    powk = staticmethod(I.ipowk)
    pow = staticmethod(I.ipow)

    @staticmethod
    def fn(name, a):
        return I.FUNCTIONS[name](*a)


def _add(ops, a, b):
    if a is None:
        return b
    if b is None:
        return a
    return ops.add(a, b)


def _sub(ops, a, b):
    if b is None:
        return a
    if a is None:
        return ops.neg(b)
    return ops.sub(a, b)


def _mul(ops, a, b):
    if a is None or b is None:
        return None
    return ops.mul(a, b)


def _derivative_factors(ops, name, u, g):
    """(g'(u), a function returning g''(u)) for the function ``name`` with value ``g`` at
    ``u`` (g'' is computed only when called: a first-order pass never needs it)."""
    one = ops.const(1.0)
    if name == "exp":
        return g, (lambda: g)
    if name in ("log", "ln"):
        r = ops.div(one, u)
        return r, (lambda: ops.neg(ops.sq(r)))
    if name == "log1p":
        r = ops.div(one, ops.add(one, u))
        return r, (lambda: ops.neg(ops.sq(r)))
    if name == "expm1":
        e = ops.fn("exp", u)
        return e, (lambda: e)
    if name == "sqrt":
        g1 = ops.div(ops.const(0.5), g)
        return g1, (lambda: ops.div(ops.neg(g1), ops.scale(2.0, u)))
    if name == "cbrt":
        g1 = ops.div(one, ops.scale(3.0, ops.sq(g)))
        return g1, (lambda: ops.div(ops.scale(-2.0, g1), ops.scale(3.0, u)))
    if name == "sin":
        return ops.fn("cos", u), (lambda: ops.neg(g))
    if name == "cos":
        return ops.neg(ops.fn("sin", u)), (lambda: ops.neg(g))
    if name == "tan":
        g1 = ops.add(one, ops.sq(g))
        return g1, (lambda: ops.scale(2.0, ops.mul(g, g1)))
    if name in ("asin", "acos"):
        g1 = ops.div(one, ops.fn("sqrt", ops.mul(ops.sub(one, u), ops.add(one, u))))
        if name == "asin":
            return g1, (lambda: ops.mul(u, ops.mul(g1, ops.sq(g1))))
        return ops.neg(g1), (lambda: ops.neg(ops.mul(u, ops.mul(g1, ops.sq(g1)))))
    if name in ("atan", "arctan"):
        g1 = ops.div(one, ops.add(one, ops.sq(u)))
        return g1, (lambda: ops.scale(-2.0, ops.mul(u, ops.sq(g1))))
    if name == "sinh":
        return ops.fn("cosh", u), (lambda: g)
    if name == "cosh":
        return ops.fn("sinh", u), (lambda: g)
    if name == "tanh":
        g1 = ops.div(one, ops.sq(ops.fn("cosh", u)))
        return g1, (lambda: ops.scale(-2.0, ops.mul(g, g1)))
    if name == "asinh":
        g1 = ops.div(one, ops.fn("sqrt", ops.add(one, ops.sq(u))))
        return g1, (lambda: ops.neg(ops.mul(u, ops.mul(g1, ops.sq(g1)))))
    if name == "acosh":
        g1 = ops.div(one, ops.fn("sqrt", ops.mul(ops.sub(u, one), ops.add(u, one))))
        return g1, (lambda: ops.neg(ops.mul(u, ops.mul(g1, ops.sq(g1)))))
    if name == "atanh":
        g1 = ops.div(one, ops.mul(ops.sub(one, u), ops.add(one, u)))
        return g1, (lambda: ops.scale(2.0, ops.mul(u, ops.sq(g1))))
    if name == "erf":
        g1 = ops.mul(ops.cinexact(_TWO_OVER_SQRT_PI), ops.fn("exp", ops.neg(ops.sq(u))))
        return g1, (lambda: ops.scale(-2.0, ops.mul(u, g1)))
    raise AssertionError(name)  # pragma: no cover - every whitelisted function is above


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------

def last_uses(instrs, nodes):
    """{i: nodes whose last reader is i}: ``run`` drops them there (memory is reused)."""
    last = {}
    for i in nodes:
        for a in instrs[i][1]:
            last[a] = i
    out = {}
    for a, i in last.items():
        out.setdefault(i, []).append(a)
    return out


def run(instrs, dep, nodes, x, p, ops, order, kvals=None, free=None):
    """Evaluate ``nodes`` of the tape; returns (v, d1, d2) of the last node.

    ``order`` 0 computes values only, 1 values and first derivatives (the second
    are None), 2 the derivative triples. Derivatives of
    nodes independent of x are None (zero). ``kvals`` holds the point values
    of exponents for the interval passes (``True``: return every value).
    ``free`` (from :func:`last_uses`) drops each intermediate after its last
    reader, so that NumPy reuses its memory instead of touching fresh pages.
    """
    interval = ops is Intervals
    V = {}
    D1 = {}
    D2 = {}
    deriv = order > 0
    second = order > 1
    for i in nodes:
        op, args, aux = instrs[i]
        d1 = d2 = None
        if op == "const":
            v = ops.const(aux)
        elif op == "iconst":
            v = ops.iconst(aux)
        elif op == "x":
            v = x
            if deriv:  # (a Python 1.0 on points: Points.mul skips it)
                d1 = 1.0 if ops is Points else ops.const(1.0)
        elif op == "param":
            # (in the interval passes a parameter may be a range (lo, hi))
            v = p[aux] if (interval and isinstance(p[aux], tuple)) else ops.const(p[aux])
        elif op in ("add", "sub"):
            a, b = args
            f = _add if op == "add" else _sub
            v = getattr(ops, op)(V[a], V[b])
            if deriv:
                d1 = f(ops, D1.get(a), D1.get(b))
                if second:
                    d2 = f(ops, D2.get(a), D2.get(b))
        elif op == "neg":
            (a,) = args
            v = ops.neg(V[a])
            if deriv:
                d1 = None if D1.get(a) is None else ops.neg(D1[a])
                d2 = None if not second or D2.get(a) is None else ops.neg(D2[a])
        elif op == "mul":
            a, b = args
            va, vb = V[a], V[b]
            v = ops.mul(va, vb)
            if deriv and dep[i]:
                a1, b1, a2, b2 = D1.get(a), D1.get(b), D2.get(a), D2.get(b)
                d1 = _add(ops, _mul(ops, a1, vb), _mul(ops, va, b1))
                if second:
                    cross = _mul(ops, a1, b1)
                    d2 = _add(ops, _add(ops, _mul(ops, a2, vb),
                                        None if cross is None else ops.scale(2.0, cross)),
                              _mul(ops, va, b2))
        elif op == "div":
            a, b = args
            va, vb = V[a], V[b]
            v = ops.div(va, vb)
            if deriv and dep[i]:
                a1, a2 = D1.get(a), D2.get(a)
                if not dep[b]:
                    d1 = None if a1 is None else ops.div(a1, vb)
                    d2 = None if a2 is None or not second else ops.div(a2, vb)
                else:
                    b1, b2 = D1[b], D2.get(b)
                    d1 = ops.div(_sub(ops, a1, ops.mul(v, b1)), vb)
                    if second:
                        num = _sub(ops, _sub(ops, a2, ops.scale(2.0, ops.mul(d1, b1))),
                                   _mul(ops, v, b2))
                        d2 = ops.div(num, vb)
        elif op == "powk":
            a, e = args
            k = kvals[e] if interval else V[e]
            v = ops.powk(V[a], k)
            if deriv and dep[i]:
                d1, d2 = _powk_derivatives(ops, V[a], D1[a], D2.get(a), k, v, second)
        elif op == "pow":
            a, e = args
            va, ve = V[a], V[e]
            v = ops.pow(va, ve)
            if deriv:
                d1, d2 = _pow_derivatives(ops, va, D1.get(a), D2.get(a), ve, D1[e], D2.get(e), v)
                if not second:
                    d2 = None
        elif op == "fn":
            (a,) = args
            u = V[a]
            v = ops.fn(aux, u)
            if deriv and dep[i]:
                g1, g2 = _derivative_factors(ops, aux, u, v)
                u1, u2 = D1[a], D2.get(a)
                d1 = ops.mul(g1, u1)
                if second:
                    d2 = _add(ops, _mul(ops, g1, u2), ops.mul(g2(), ops.sq(u1)))
        elif op == "abs":
            v, d1, d2 = (_interval_abs if interval else _point_abs)(
                V[args[0]], D1.get(args[0]), D2.get(args[0]), deriv and dep[i])
        else:  # min, max
            a, b = args
            v, d1, d2 = (_interval_minmax if interval else _point_minmax)(
                op, V[a], V[b], D1.get(a), D1.get(b), D2.get(a), D2.get(b), deriv and dep[i])
        V[i] = v
        if d1 is not None:
            D1[i] = d1
        if d2 is not None:
            D2[i] = d2
        if free is not None and i in free:
            for j in free[i]:
                del V[j]
                D1.pop(j, None)
                D2.pop(j, None)
    if kvals is True:
        return V
    last = nodes[-1]
    return V[last], D1.get(last), D2.get(last)


def _coef_times(ops, c, w):
    """``c * w`` for a point coefficient array ``c``, 0 where ``c == 0`` (w may be inf)."""
    if ops is Intervals:
        return I.iscale(c, w)
    if np.ndim(c) == 0:
        return np.float64(0.0) if c == 0 else c * w
    return np.where(c == 0, 0.0, c * w)


_TINY = np.finfo(float).tiny
_HUGE = np.finfo(float).max


def _lower_powers(ops, u, k, v, second=True):
    """``(u**(k-1), u**(k-2))`` given ``v = u**k`` (the second None unless ``second``;
    the first is the same either way).

    On points with one scalar exponent (a sweep), ``v / u`` and ``v / u / u``
    (within 2 ulps) replace two calls of NumPy's slow ``power``; it is called
    only where that division is not exact enough: ``u`` zero or infinite, or
    ``v`` overflowed, underflowed or subnormal. Small integer exponents need no
    ``power`` at all (``Points.powk``).
    """
    km1, km2 = k - 1.0, k - 2.0
    if (ops is not Points or np.ndim(k) != 0 or np.ndim(u) == 0
            or km2 in (0.0, 1.0, 2.0, 3.0) or not np.isfinite(k)):
        return ops.powk(u, km1), (ops.powk(u, km2) if second else None)
    p1 = v / u
    p2 = p1 / u if second else None
    av = np.abs(v)
    bad = ~(av >= _TINY) | ~(av <= _HUGE) | ~(np.abs(u) <= _HUGE)  # (NaN v: bad)
    if bad.any():
        ub = u[bad]
        p1[bad] = np.power(ub, km1)
        if second:
            p2[bad] = np.power(ub, km2)
    return p1, p2


def _powk_derivatives(ops, u, u1, u2, k, v, second=True):
    """f' and f'' of ``u**k`` (``v``) from those of u (``u1``, ``u2``); f'' None
    unless ``second``."""
    with np.errstate(all="ignore"):
        km1 = k - 1.0
        pk1, pk2 = _lower_powers(ops, u, k, v, second)
        t1 = _coef_times(ops, k, pk1)       # k u^(k-1)
        d1 = ops.mul(t1, u1)
        if not second:
            return d1, None
        c2 = k * km1
        t2 = _coef_times(ops, c2, pk2)  # k (k-1) u^(k-2)
    d2 = _add(ops, _mul(ops, t1, u2), ops.mul(t2, ops.sq(u1)))
    return d1, d2


def _pow_derivatives(ops, a, a1, a2, b, b1, b2, v):
    """u**w with w depending on x: v (log a)' chain, w1 = (b log a)', w2 = (b log a)''."""
    L = ops.fn("log", a)
    w1 = ops.mul(b1, L)
    w2 = _mul(ops, b2, L)
    if a1 is not None:
        r = ops.div(a1, a)                               # a'/a
        w1 = ops.add(w1, ops.mul(b, r))
        inner = ops.sub(_mul(ops, a2, ops.div(ops.const(1.0), a)) if a2 is not None
                        else ops.const(0.0), ops.sq(r))  # (a'/a)' = a''/a - (a'/a)^2
        w2 = _add(ops, w2, ops.add(ops.scale(2.0, ops.mul(b1, r)), ops.mul(b, inner)))
    d1 = ops.mul(v, w1)
    d2 = ops.mul(v, _add(ops, w2, ops.sq(w1)))
    return d1, d2


def _point_abs(u, u1, u2, deriv):
    v = np.abs(u)
    if not deriv:
        return v, None, None
    s = np.sign(u)
    return v, (None if u1 is None else s * u1), (None if u2 is None else s * u2)


def _interval_abs(u, u1, u2, deriv):
    v = I.iabs(u)
    if not deriv:
        return v, None, None
    lo, hi = u
    kink = (lo <= 0) & (hi >= 0)
    pos = lo > 0
    m = np.maximum(np.abs(u1[0]), np.abs(u1[1]))
    d1 = (np.where(kink, -m, np.where(pos, u1[0], -u1[1])),
          np.where(kink, m, np.where(pos, u1[1], -u1[0])))
    if u2 is None:
        u2 = (0.0, 0.0)
    d2 = (np.where(kink, -np.inf, np.where(pos, u2[0], -u2[1])),
          np.where(kink, np.inf, np.where(pos, u2[1], -u2[0])))
    return v, d1, d2


def _point_minmax(op, a, b, a1, b1, a2, b2, deriv):
    v = np.minimum(a, b) if op == "min" else np.maximum(a, b)
    if not deriv:
        return v, None, None
    first = (a <= b) if op == "min" else (a >= b)
    zero = 0.0
    d1 = np.where(first, zero if a1 is None else a1, zero if b1 is None else b1)
    d2 = None
    if a2 is not None or b2 is not None:
        d2 = np.where(first, zero if a2 is None else a2, zero if b2 is None else b2)
    return v, d1, d2


def _interval_minmax(op, a, b, a1, b1, a2, b2, deriv):
    v = I.imin(a, b) if op == "min" else I.imax(a, b)
    if not deriv:
        return v, None, None
    zero = (0.0, 0.0)
    a1, b1, a2, b2 = (z if z is not None else zero for z in (a1, b1, a2, b2))
    if op == "min":
        only_a, only_b = a[1] <= b[0], b[1] < a[0]  # ties go to a (as the point pass)
    else:
        only_a, only_b = a[0] >= b[1], b[0] > a[1]
    only_a, only_b = np.asarray(only_a), np.asarray(only_b)
    both = ~only_a & ~only_b
    h = I.ihull(a1, b1)
    d1 = tuple(np.where(only_a, a1[j], np.where(only_b, b1[j], h[j])) for j in (0, 1))
    d2 = (np.where(both, -np.inf, np.where(only_a, a2[0], b2[0])),
          np.where(both, np.inf, np.where(only_a, a2[1], b2[1])))
    return v, d1, d2
