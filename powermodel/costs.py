r"""Cost families: what building a learned optimizer of ``x`` bits costs.

A cost ``f(x)`` is the number of bits of the base optimizer's power spent on
building a learned algorithm that optimizes with ``x`` bits at run time. It
must be non-decreasing in ``x`` with ``f(0) <= P``.

========================  =====================================  ====================  =============
family                    formula                                parameters            shape
========================  =====================================  ====================  =============
``"power"``               :math:`c x^k`                          c > 0, k >= 1         convex
``"exponential"``         :math:`c (e^{a x} - 1)`                c > 0, a > 0          convex
``"linear"``              :math:`c x`                            c > 0                 linear
``"quadratic"``           :math:`c x^2 + b x`                    c > 0, b >= 0         convex
``"overhead"``            :math:`F (1 - e^{-x/s}) + c x^k`       F >= 0, s > 0, c > 0, non-convex
                                                                 k >= 1
``"power-logN"``          :math:`c x^k (1 + \beta \ln N)`        c > 0, k >= 1,        convex in x,
                                                                 beta >= 0             depends on N
========================  =====================================  ====================  =============

Any expression string in ``x`` (and optionally ``N``) with named parameters,
parsed safely by :mod:`powermodel.expressions`, and any plain Python callable
``f(x, **params)`` are costs too (see :func:`make_cost`).

Every cost object exposes ``f``, ``df`` and ``d2f`` (vectorised, taking ``x``
and a dict of parameter arrays), the list of its ``parameters`` and, when it
has one, a ``formula`` in the expression grammar used by the symbolic engine.
Families with closed forms also implement ``budget`` (the largest affordable
``x``) and ``optimum``.
"""

import inspect

import numpy as np

from . import _validation as V
from ._numeric import HUGE, TINY, increasing_root, sign_root, take
from .errors import ExpressionError, InputError, PowermodelError

__all__ = [
    "Cost", "Power", "Exponential", "Linear", "Quadratic", "Overhead", "PowerLogN",
    "ExpressionCost", "CallableCost", "FAMILIES", "make_cost", "proved_regular",
]


class Cost:
    """Base class of costs. Subclasses set the class attributes and ``f``/``df``/``d2f``.

    Attributes
    ----------
    name : str
        Family name, the expression, or the callable's name.
    formula : str or None
        The cost in the expression grammar (``None`` for a callable).
    parameters : tuple of str
        Parameter names, ``N`` excluded.
    depends_on_N : bool
        Whether the cost uses the number of instances ``N``.
    convexity : str
        ``"convex"``, ``"linear"``, ``"concave"`` or ``"non-convex"`` (or
        ``"unknown"`` for expressions and callables).
    closed_form : bool
        Whether :meth:`optimum` gives x* in closed form.
    """

    name = "cost"
    formula = None
    parameters = ()
    depends_on_N = False
    convexity = "unknown"
    closed_form = False

    # -- interface -------------------------------------------------------
    def f(self, x, p):
        raise NotImplementedError

    def df(self, x, p):
        raise NotImplementedError

    def d2f(self, x, p):
        raise NotImplementedError

    #: Lower bound of each parameter and whether it is strict: ``{"c": (0, True)}``.
    bounds = {}

    def budget(self, P, p):
        """X_budget = sup{x >= 0 : f(x) <= P} (``inf`` when f never exceeds P)."""
        return numeric_budget(self, P, p)

    def optimum(self, n, U, p):
        """Closed-form argmax of ``x - f(x)/n`` on ``[0, U]`` (``None`` if none)."""
        return None

    def breakpoints(self, p):
        """Where ``f''`` changes sign (NaN padded, shape ``(points, m)``), or None to scan."""
        return None

    @property
    def has_intervals(self):
        """Whether the cost has an interval extension (needed by ``certify=True``)."""
        return self.formula is not None

    @property
    def isolates(self):
        """Whether the enclosures of f' and f'' can split the cost into monotone pieces
        (else the solver samples f'' on a grid)."""
        return self.formula is not None

    def interval_derivatives(self, xlo, xhi, p):
        """Enclosures ``(flo, fhi, dlo, dhi, d2lo, d2hi)`` of f, f', f'' on ``[xlo, xhi]``.

        Rigorous (outward rounded) bounds from the expression engine's interval
        extension of :attr:`formula`; see :mod:`powermodel.expressions`.
        """
        return _engine(self.formula).interval_derivatives(xlo, xhi, p)

    def accepts_ranges(self, p):
        """Whether :meth:`interval_derivatives` takes the ``(lo, hi)`` parameter ranges
        in ``p`` (the engine does, except for a range in an exponent)."""
        return self.formula is not None and _engine(self.formula).accepts_ranges(p)

    def f_df(self, x, p):
        """``(f, f')`` at x (one pass where the cost can, else two)."""
        return self.f(x, p), self.df(x, p)

    def df_d2f(self, x, p):
        """``(f', f'')`` at x (one pass where the cost can, else two)."""
        return self.df(x, p), self.d2f(x, p)

    def interval(self, xlo, xhi, p):
        """Enclosure ``(lo, hi)`` of f on ``[xlo, xhi]`` (cheaper than
        :meth:`interval_derivatives` when the derivatives are not needed)."""
        return _engine(self.formula).interval(xlo, xhi, p)

    def switches(self):
        """Functions whose zeros are the points where f is not smooth (abs, min, max)."""
        return _engine(self.formula).switches if self.formula is not None else ()

    # -- helpers -----------------------------------------------------------
    def __call__(self, x, **params):
        """Evaluate f(x) with keyword parameters (a convenience for users)."""
        p = {k: V.real(k, params[k], **_rule(self.bounds.get(k)))
             for k in self.parameters if k in params}
        missing = [k for k in self.parameters if k not in p]
        if missing:
            raise InputError(f"missing parameter `{missing[0]}` for cost {self.name!r}")
        if self.depends_on_N:
            if "N" not in params:
                raise InputError(f"cost {self.name!r} depends on `N`; pass N=...")
            p["N"] = V.real("N", params["N"], low=0, low_open=True)
        return self.f(np.asarray(x, dtype=float), p)

    def __repr__(self):
        form = f" {self.formula!r}" if self.formula and self.formula != self.name else ""
        return f"<{type(self).__name__} {self.name!r}{form} parameters={self.parameters}>"


def _engine(formula):
    from .expressions import compile_expression

    return compile_expression(formula)


def _rule(bound):
    if bound is None:
        return {}
    return {"low": bound[0], "low_open": bound[1]}


def _pow(x, k):
    # x**k with 0**0 = 1 and no warnings at x = 0.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(x, k)


def _warn_inaccurate(mask, why):
    if np.any(mask):
        import warnings

        from .errors import AccuracyWarning

        warnings.warn(f"{why}; x* may be off by more than 1e-9 relative at some points",
                      AccuracyWarning, stacklevel=4)


def _convex_optimum(log_xint, positive, U):
    """x* = clip(exp(log_xint), 0, U) computed without overflow."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        logU = np.log(U)
        # (no clamp: an x* beyond the float range is inf, and the solver warns)
        x = np.where(log_xint < logU, np.exp(log_xint), U)
    return np.where(positive, x, 0.0)


class Power(Cost):
    r"""Power-law cost :math:`f(x) = c x^k`, ``c > 0``, ``k >= 1`` (convex).

    Interior optimum :math:`x^* = (N / (c k))^{1/(k-1)}` for ``k > 1``;
    budget :math:`(P/c)^{1/k}`; ``k = 1`` is the linear (bang-bang) case.

    >>> import powermodel as pm
    >>> pm.Model("power", c=1.0, k=2.0).solve(N=100, P=1e6).x
    50.0
    """

    name = "power"
    formula = "c*x**k"
    parameters = ("c", "k")
    convexity = "convex"
    closed_form = True

    bounds = {"c": (0, True), "k": (1, False)}

    def f(self, x, p):
        c, k = p["c"], p["k"]
        xk = _pow(x, k)
        out = c * xk
        if np.ndim(xk) and xk.size and np.min(xk) >= 2.2250738585072014e-308 \
                and np.max(xk) < np.inf:
            return out  # (two reductions: no point needs the logs below)
        # x**k under/overflows although c*x**k need not (extreme c): use logs there.
        fix = ((xk < 2.2250738585072014e-308) & (x > 0)) | (np.isinf(xk) & (c < 1))
        if np.any(fix):
            with np.errstate(all="ignore"):
                out = np.where(fix, np.exp(np.log(c) + k * np.log(x)), out)
        return out

    def df(self, x, p):
        return p["c"] * p["k"] * _pow(x, p["k"] - 1)

    def d2f(self, x, p):
        k = p["k"]
        return np.where(k == 1, 0.0, p["c"] * k * (k - 1) * _pow(x, k - 2))

    def budget(self, P, p):
        c, k = p["c"], p["k"]
        with np.errstate(divide="ignore", over="ignore"):
            q = P / c
            b = q ** (1 / k)
            if np.ndim(b) and b.size and np.min(q) >= 2.2250738585072014e-308 \
                    and np.max(b) < np.inf:
                return b  # (two reductions: no point needs the logs below)
            # P/c over- or underflows (or is subnormal) for extreme c: go through logs.
            logs = ~np.isfinite(b) | ((q < 2.2250738585072014e-308) & (P > 0))
            return np.where(logs, np.exp((np.log(P) - np.log(c)) / k), b)

    def optimum(self, n, U, p):
        c, k = p["c"], p["k"]
        with np.errstate(all="ignore"):
            ratio = n / (c * k)
            # Overflow of the power (k near 1) is harmless: the bound U then binds.
            # (np.power, np.divide: Python floats would raise at k = 1 or on overflow)
            x = np.minimum(np.power(ratio, np.divide(1.0, k - 1)), U)
            # (two reductions, no temporaries, tell whether any point needs the mask)
            if np.min(ratio) >= 2.2250738585072014e-308 and np.max(ratio) < np.inf:
                extreme = False
            else:
                extreme = ~np.isfinite(ratio) | (ratio < 2.2250738585072014e-308)
            if np.any(extreme):  # n/(c k) itself over- or underflowed: use logs
                log_xint = (np.log(n) - np.log(c) - np.log(k)) / (k - 1)
                x = np.where(extreme, _convex_optimum(log_xint, True, U), x)
            # A rounding error d in n/(c k) becomes d/(k - 1) in x*: warn near k = 1.
            # (checked only when it can happen: the logs cost more than x* itself)
            k_min = np.min(k)
            if np.any(extreme) or k_min - 1 < 4.6e-7:  # 2*2.3e-16/(k-1) > 1e-9
                err = np.where(extreme, np.abs(np.log(n)) + np.abs(np.log(c))
                               + np.abs(np.log(k)), 2.0) * 2.3e-16 / (k - 1)
                _warn_inaccurate((k > 1) & (x < U) & (x > 0) & (err > 1e-9),
                                 "k is so close to 1 that x* = (N/(c k))^(1/(k - 1)) amplifies "
                                 "rounding errors")
        if np.ndim(k) == 0 or k_min > 1:  # (np.where below would cost passes for nothing)
            return np.where(n > c, U, 0.0) if k_min == 1 else x
        return np.where(k == 1, np.where(n > c, U, 0.0), x)


class Exponential(Cost):
    r"""Exponential cost :math:`f(x) = c (e^{a x} - 1)`, ``c > 0``, ``a > 0`` (convex).

    :math:`f'(x) = c a e^{a x}`: x* = 0 while ``N <= c a``, then
    :math:`x^* = \ln(N / (c a)) / a`; budget :math:`\ln(1 + P/c) / a`.

    >>> import powermodel as pm
    >>> s = pm.Model("exponential", c=1.0, a=0.5).solve(N=100, P=1e6)
    >>> round(float(s.x), 6)
    10.596635
    """

    name = "exponential"
    formula = "c*(exp(a*x) - 1)"
    parameters = ("c", "a")
    convexity = "convex"
    closed_form = True

    bounds = {"c": (0, True), "a": (0, True)}

    def f(self, x, p):
        c, a = p["c"], p["a"]
        with np.errstate(all="ignore"):
            ax = a * x
            out = c * np.expm1(ax)
            # a*x underflows, or e^(a x) overflows although c e^(a x) need not: use logs.
            fix = ((ax < 2.2250738585072014e-308) & (x > 0)) | (np.isinf(out) & np.isfinite(ax))
            if np.any(fix):
                # log(e^(a x) - 1): a x + log1p(-e^(-a x)) above 1 (e^(a x) may overflow),
                # log(expm1(a x)) below, log a + log x where a x underflows
                inner = np.where(ax > 1, ax + np.log1p(-np.exp(-ax)), np.where(
                    ax < 2.2250738585072014e-308, np.log(a) + np.log(x), np.log(np.expm1(ax))))
                out = np.where(fix, np.exp(np.log(c) + inner), out)
        return out

    def df(self, x, p):
        with np.errstate(over="ignore"):
            return p["c"] * p["a"] * np.exp(p["a"] * x)

    def d2f(self, x, p):
        with np.errstate(over="ignore"):
            return p["c"] * p["a"] ** 2 * np.exp(p["a"] * x)

    def budget(self, P, p):
        c, a = p["c"], p["a"]
        with np.errstate(divide="ignore", over="ignore"):
            q = P / c
            u = np.log1p(q) / a
            # P/c overflows: log1p(q) = log P - log c; underflows: log1p(q) = q = P/c.
            u = np.where(np.isinf(q), (np.log(P) - np.log(c)) / a, u)
            tiny = (q < 2.2250738585072014e-308) & (P > 0)
            return np.where(tiny, np.exp(np.log(P) - np.log(c) - np.log(a)), u)

    def optimum(self, n, U, p):
        c, a = p["c"], p["a"]
        with np.errstate(all="ignore"):
            r = np.divide(n, np.multiply(c, a))  # (Python floats would raise)
            direct = np.isfinite(r) & (r >= 2.2250738585072014e-308)
            logs = np.abs(np.log(n)) + np.abs(np.log(c)) + np.abs(np.log(a))
            xint = np.where(direct, np.log(r), np.log(n) - np.log(c) - np.log(a)) / a
        positive = xint > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            x = _convex_optimum(np.log(np.maximum(xint, 0.0)), positive, U)
            # x* = log(N/(c a))/a: an absolute error e in the log is e/(a x*) relative.
            err = np.where(direct, 4.5e-16, 2.3e-16 * logs) / (a * xint)
        _warn_inaccurate(positive & (x < U) & (err > 1e-9),
                         "N is so close to c*a that x* = ln(N/(c a))/a is ill-conditioned")
        return x


class Linear(Cost):
    r"""Linear cost :math:`f(x) = c x`, ``c > 0``.

    Bang-bang: x* = 0 for ``N <= c`` (ties go to the smaller x) and the upper
    bound (budget ``P/c`` or the cap) for ``N > c``.

    >>> import powermodel as pm
    >>> pm.Model("linear", c=2.0).solve(N=3, P=10).x
    5.0
    """

    name = "linear"
    formula = "c*x"
    parameters = ("c",)
    convexity = "linear"
    closed_form = True

    bounds = {"c": (0, True)}

    def f(self, x, p):
        return p["c"] * x

    def df(self, x, p):
        return p["c"] * np.ones_like(x)

    def d2f(self, x, p):
        return np.zeros_like(x * p["c"])

    def budget(self, P, p):
        return P / p["c"]

    def optimum(self, n, U, p):
        return np.where(n > p["c"], U, 0.0)


class Quadratic(Cost):
    r"""Quadratic-plus-linear cost :math:`f(x) = c x^2 + b x`, ``c > 0``, ``b >= 0`` (convex).

    x* = 0 while ``N <= b``, then :math:`x^* = (N - b) / (2c)`; budget
    :math:`2P / (b + \sqrt{b^2 + 4 c P})`.

    >>> import powermodel as pm
    >>> pm.Model("quadratic", c=1.0, b=4.0).solve(N=10, P=1e6).x
    3.0
    """

    name = "quadratic"
    formula = "c*x**2 + b*x"
    parameters = ("c", "b")
    convexity = "convex"
    closed_form = True

    bounds = {"c": (0, True), "b": (0, False)}

    def f(self, x, p):
        return (p["c"] * x + p["b"]) * x

    def df(self, x, p):
        return 2 * p["c"] * x + p["b"]

    def d2f(self, x, p):
        return 2 * p["c"] * np.ones_like(x)

    def budget(self, P, p):
        b = p["b"]
        with np.errstate(invalid="ignore", divide="ignore"):
            root = np.hypot(b, 2 * np.sqrt(p["c"]) * np.sqrt(P))
            return np.where(P == 0, 0.0, 2 * P / (b + root))

    def optimum(self, n, U, p):
        with np.errstate(invalid="ignore", over="ignore"):
            xint = (n - p["b"]) / (2 * p["c"])
        return np.where(xint > 0, np.minimum(xint, U), 0.0)


class Overhead(Cost):
    r"""Smooth fixed overhead :math:`f(x) = F (1 - e^{-x/s}) + c x^k`.

    ``F >= 0`` (the overhead, paid almost entirely once ``x`` exceeds a few
    ``s``), ``s > 0``, ``c > 0``, ``k >= 1``. Non-convex for ``F > 0``: x* stays
    0 until N is large enough to repay the overhead, then jumps. Solved by the
    global numeric solver; the convexity breakpoints are computed exactly.

    >>> import powermodel as pm
    >>> m = pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0)
    >>> float(m.solve(N=10, P=1e6).x), round(float(m.solve(N=100, P=1e6).x), 6)
    (0.0, 50.0)
    """

    name = "overhead"
    formula = "F*(1 - exp(-x/s)) + c*x**k"
    parameters = ("F", "s", "c", "k")
    convexity = "non-convex"

    bounds = {"F": (0, False), "s": (0, True), "c": (0, True), "k": (1, False)}

    def f(self, x, p):
        return -p["F"] * np.expm1(-x / p["s"]) + p["c"] * _pow(x, p["k"])

    def df(self, x, p):
        return p["F"] / p["s"] * np.exp(-x / p["s"]) + p["c"] * p["k"] * _pow(x, p["k"] - 1)

    def d2f(self, x, p):
        k = p["k"]
        with np.errstate(invalid="ignore"):
            conv = np.where(k == 1, 0.0, p["c"] * k * (k - 1) * _pow(x, k - 2))
        return conv - p["F"] / p["s"] ** 2 * np.exp(-x / p["s"])

    def breakpoints(self, p):
        # f'' > 0  <=>  psi(x) = log(c k (k-1) s^2 / F) + (k-2) log x + x/s > 0.
        F, s, c, k = (np.atleast_1d(np.asarray(p[n], dtype=float)) for n in ("F", "s", "c", "k"))
        F, s, c, k = np.broadcast_arrays(F, s, c, k)
        m = F.size
        out = np.full((m, 2), np.nan)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            prod = c * k * (k - 1) * s * s / F
            const = np.log(prod)
            # s*s under- or overflows for extreme s (1e-200): the same sum in logs there
            far = ~((prod >= 2.2250738585072014e-308) & (prod < np.inf))
            if np.any(far):
                const = np.where(far, np.log(c) + np.log(k) + np.log(k - 1) + 2 * np.log(s)
                                 - np.log(F), const)
        live = (F > 0) & (k > 1) & np.isfinite(const)
        q = {"const": const, "k": k, "s": s}

        def psi(x, qq):
            with np.errstate(divide="ignore", invalid="ignore"):
                return qq["const"] + (qq["k"] - 2) * np.log(x) + x / qq["s"]

        # k >= 2: psi increasing, one root if psi(0+) < 0.
        up = live & (k >= 2) & ((k > 2) | (const < 0))
        # 1 < k < 2: psi convex with its minimum at (2 - k) s; two roots if that is < 0.
        with np.errstate(over="ignore"):  # (a huge s: xm = inf, and psi says no root)
            xm = (2 - k) * s
        two = live & (k < 2) & (psi(xm, q) < 0)
        for mask, col, lo_fn, hi_fn in (
            (up, 0, lambda i: np.full(i.size, TINY), lambda i: np.full(i.size, HUGE)),
            (two, 0, lambda i: np.full(i.size, TINY), lambda i: xm[i]),
            (two, 1, lambda i: xm[i], lambda i: np.full(i.size, HUGE)),
        ):
            i = np.flatnonzero(mask)
            if i.size:
                out[i, col] = sign_root(psi, lo_fn(i), hi_fn(i), take(q, i))
        return out


class PowerLogN(Cost):
    r"""A cost that grows with diversity: :math:`f(x; N) = c x^k (1 + \beta \ln N)`.

    ``c > 0``, ``k >= 1``, ``beta >= 0``. For ``N >= 1`` it is a power law with
    :math:`c' = c (1 + \beta \ln N)`, so :math:`x^* = (N / (c' k))^{1/(k-1)}`,
    which still grows with N (N outpaces log N) but more slowly.

    >>> import powermodel as pm
    >>> round(float(pm.Model("power-logN", c=1.0, k=2.0, beta=0.0).solve(N=100, P=1e6).x), 9)
    50.0
    """

    name = "power-logN"
    formula = "c*x**k*(1 + beta*log(N))"
    parameters = ("c", "k", "beta")
    depends_on_N = True
    convexity = "convex"
    closed_form = True

    bounds = {"c": (0, True), "k": (1, False), "beta": (0, False)}

    def _scale(self, p):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            scale = p["c"] * (1 + p["beta"] * np.log(p["N"]))
        return scale

    def _power(self, p):
        return {"c": self._scale(p), "k": p["k"]}

    #: The per-point message for ``errors="nan"`` (see :meth:`bad_with_N`).
    bad_with_N_message = "cost 'power-logN' needs c*(1 + beta*ln N) > 0"

    def bad_with_N(self, p):
        """Mask of the points where ``c*(1 + beta*ln N) <= 0``."""
        return ~(self._scale(p) > 0)

    def check_with_N(self, p):
        bad = self._scale(p) <= 0
        if np.any(bad):
            raise InputError("cost 'power-logN' needs c*(1 + beta*ln N) > 0 (N >= exp(-1/beta)), "
                             f"got N = {np.asarray(p['N'])[bad].ravel()[0] if np.ndim(p['N']) else p['N']}")

    def f(self, x, p):
        return Power.f(self, x, self._power(p))

    def df(self, x, p):
        return Power.df(self, x, self._power(p))

    def d2f(self, x, p):
        return Power.d2f(self, x, self._power(p))

    def budget(self, P, p):
        return Power.budget(self, P, self._power(p))

    def optimum(self, n, U, p):
        return Power.optimum(self, n, U, self._power(p))


#: Named cost families (aliases included).
FAMILIES = {
    "power": Power, "exponential": Exponential, "exp": Exponential, "linear": Linear,
    "quadratic": Quadratic, "quadratic-linear": Quadratic, "overhead": Overhead,
    "fixed-overhead": Overhead, "power-logN": PowerLogN,
}


#: The families whose regularity is proved by their formula (exact types: a subclass
#: may override ``f``).
_REGULAR = (Power, Exponential, Linear, Quadratic, Overhead, PowerLogN)


def proved_regular(cost):
    """Whether f(0) = 0 and f is finite and non-decreasing on [0, inf) by the cost's
    formula, for every parameter within its documented bounds.

    True for the built-in families (c > 0, k >= 1, a > 0, b >= 0, F >= 0, s > 0,
    beta >= 0, with c (1 + beta ln N) > 0 checked separately for ``power-logN``):
    each is a sum of products of non-negative, non-decreasing terms that vanish at
    x = 0. The solver then skips the per-point evaluations that check this for
    expressions and callables.

    >>> proved_regular(make_cost("power")), proved_regular(make_cost("c*x**2"))
    (True, False)
    """
    return type(cost) in _REGULAR


#: For the closed-form families (convex, f(0) = 0, strictly increasing): a point
#: with x* <= (1 - FEASIBLE_RTOL) X_budget, X_budget as computed, has f(x*) <= P as
#: evaluated, without evaluating it. Convexity and f(0) = 0 give f(t B) <= t f(B) =
#: t P for t <= 1 at the exact budget B, so f(x*) <= (1 - FEASIBLE_RTOL)(1 + e_B)
#: (1 + e_f) P, where e_B and e_f, the relative rounding errors of the computed
#: budget and of f, are below 1e-12 for every finite input (at most 16 ulp a library
#: call, times the |log| of the arguments, at most 1500 in float64). Points nearer
#: the budget, and points with P below 1e-290 (where f underflows and its relative
#: error is no longer bounded), are evaluated.
FEASIBLE_RTOL = 1e-9
FEASIBLE_MIN_P = 1e-290


# ---------------------------------------------------------------------------
# User expressions and callables
# ---------------------------------------------------------------------------

class ExpressionCost(Cost):
    """A cost given as an expression string in ``x`` (and optionally ``N``).

    Parsed without evaluation and compiled once (cached per expression) by
    the expression engine, :mod:`powermodel.expressions`: vectorised NumPy
    evaluation of f, f' and f'' by forward-mode differentiation, and an
    outward-rounded interval extension used to split the cost where its
    curvature changes sign or it has a kink, and by ``certify=True``. No
    SymPy is involved. Solved by the global numeric solver.

    >>> import powermodel as pm
    >>> round(float(pm.Model("c*x**k", c=1.0, k=2.0).solve(N=100, P=1e6).x), 9)
    50.0
    """

    def __init__(self, text):
        from .expressions import parse

        parsed = parse(text)
        V.check_parameter_names(parsed.parameters, text)
        self.name = text
        self.formula = text
        self.parameters = parsed.parameters
        self.depends_on_N = "N" in parsed.names

    def f(self, x, p):
        return _engine(self.formula).f(x, p)

    def df(self, x, p):
        return _engine(self.formula).df(x, p)

    def d2f(self, x, p):
        return _engine(self.formula).d2f(x, p)

    def f_df(self, x, p):
        return _engine(self.formula).derivatives(x, p, order=1)

    def df_d2f(self, x, p):
        return _engine(self.formula).derivatives(x, p)[1:]


def _readonly(a):
    if isinstance(a, np.ndarray) and a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def _broadcasts_to(shape, target):
    """Whether an array of ``shape`` broadcasts to ``target`` (one value per x)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


class CallableCost(Cost):
    """A cost given as a Python callable ``f(x, **params)``.

    The callable must accept NumPy arrays for ``x`` and for every parameter
    and return an array of real numbers of their broadcast shape (use
    ``np.exp``, not ``math.exp``); one that does not is refused with an
    :class:`~powermodel.errors.InputError` that says so.

    What is assumed: without ``df``/``d2f`` the derivatives are central finite
    differences, and the points where f'' changes sign are found by sampling
    a fixed log-spaced grid (40 points a decade in [1e-8, 1e8]), so a feature
    narrower than the grid, or a kink (a jump in f'), can be missed; where the
    finite differences show a jump in f' an ``AccuracyWarning`` says so. Give
    the cost as an expression string to have kinks and narrow features found
    exactly. A solve of a callable therefore reports ``status`` "assumed: ..."
    rather than "ok". ``certify=True`` needs both ``interval``, a function
    ``interval(xlo, xhi, **params) -> (lo, hi)`` returning a rigorous enclosure
    of f on each box, and ``dinterval``, the same for f' (without it the bound
    near x* is only first order in the box width and cannot reach
    ``certify_rtol``; the solve refuses and says so).

    >>> import numpy as np, powermodel as pm
    >>> m = pm.Model(lambda x, c: c * x**2, c=1.0)
    >>> round(float(m.solve(N=100, P=1e6).x), 6)
    50.0
    """

    def __init__(self, func, df=None, d2f=None, name=None, *, interval=None, dinterval=None):
        if not callable(func):
            raise InputError(f"cost must be a family name, an expression or a callable, got {func!r}")
        for label, g in (("df", df), ("d2f", d2f), ("interval", interval),
                         ("dinterval", dinterval)):
            if g is not None and not callable(g):
                raise InputError(f"`{label}` must be a callable, got {g!r}")
        self._func, self._df, self._d2f = func, df, d2f
        self._interval, self._dinterval = interval, dinterval
        self.name = name or getattr(func, "__name__", "callable")
        try:
            sig = inspect.signature(func)
            names = [q.name for q in sig.parameters.values()
                     if q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY)]
        except (TypeError, ValueError):
            names = ["x"]
        self.parameters = tuple(n for n in names[1:] if n != "N")
        V.check_parameter_names(self.parameters, self.name)
        self.depends_on_N = "N" in names[1:]

    @property
    def has_intervals(self):
        return self._interval is not None

    @property
    def certifiable(self):
        """Whether ``certify=True`` can prove a bound: ``interval`` and ``dinterval``."""
        return self._interval is not None and self._dinterval is not None

    isolates = False

    def interval_derivatives(self, xlo, xhi, p):
        if self._interval is None:
            raise InputError(f"cost {self.name!r} has no interval extension: pass "
                             "interval=... to CallableCost")
        lo, hi = self._real("interval", self._interval, xlo, p, xhi)
        shape = np.broadcast(xlo, xhi, lo).shape
        if self._dinterval is not None:
            dlo, dhi = self._real("dinterval", self._dinterval, xlo, p, xhi)
        else:
            dlo, dhi = np.full(shape, -np.inf), np.full(shape, np.inf)
        inf = np.full(shape, np.inf)
        return lo, hi, dlo, dhi, -inf, inf

    def interval(self, xlo, xhi, p):
        if self._interval is None:
            raise InputError(f"cost {self.name!r} has no interval extension: pass "
                             "interval=... to CallableCost")
        return self._real("interval", self._interval, xlo, p, xhi)

    def switches(self):
        return ()

    def accepts_ranges(self, p):
        return False

    def _kw(self, p):
        kw = {k: p[k] for k in self.parameters}
        if self.depends_on_N:
            kw["N"] = p["N"]
        return kw

    def _real(self, label, fun, x, p, *more):
        """Call ``fun(x, *more, **params)``: real float arrays, or an InputError."""
        try:
            with np.errstate(all="ignore"):
                # read-only views: a callable that writes into x cannot corrupt the solver's
                # arrays (it raises, and is refused below)
                out = fun(_readonly(x), *map(_readonly, more),
                          **{k: _readonly(v) for k, v in self._kw(p).items()})
        except PowermodelError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's code: say whose error it is
            what = "cost" if label == "f" else f"`{label}` of cost"
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80] if str(exc) else ''}"
            if isinstance(exc, (TypeError, ValueError)) and np.ndim(x):
                raise InputError(f"the {what} {self.name!r} must accept NumPy arrays of x and of "
                                 f"its parameters (it raised {reason}); use numpy functions such "
                                 "as np.exp instead of math.exp, and np.where instead of "
                                 "if/else") from None
            raise InputError(f"the {what} {self.name!r} raised {reason}") from exc
        if isinstance(out, tuple) and not more:
            raise InputError(f"the {label} of cost {self.name!r} must return an array, "
                             "got a tuple")
        if more:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise InputError(f"`{label}` of cost {self.name!r} must return (lo, hi)")
            return tuple(self._as_real(label, v, x) + 0 * x for v in out)
        return self._as_real(label, out, x) + 0 * x

    def _as_real(self, label, out, x):
        try:
            arr = np.asarray(out)
        except (TypeError, ValueError):  # a ragged list
            arr = np.asarray(out, dtype=object)
        if arr.shape and not _broadcasts_to(arr.shape, np.shape(x)):
            raise InputError(f"the {label} of cost {self.name!r} must return one value per x "
                             f"(shape {np.shape(x)}), got shape {arr.shape}")
        if np.iscomplexobj(arr):
            raise InputError(f"the {label} of cost {self.name!r} returned complex numbers; "
                             "a cost must be real")
        if arr.dtype.kind not in "fiub":
            raise InputError(f"the {label} of cost {self.name!r} must return real numbers, "
                             f"got {arr.dtype}")
        if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:  # (its rounding swamps f')
            raise InputError(f"the {label} of cost {self.name!r} returned {arr.dtype} values: "
                             "their rounding swamps the differences x* is found from; "
                             "return float64")
        return arr.astype(float)

    def f(self, x, p):
        return self._real("f", self._func, x, p)

    def df(self, x, p):
        if self._df is not None:
            return self._real("df", self._df, x, p)
        # Fourth-order central differences, h = 1e-3 max(x, 1e-3): rounding noise about
        # eps |f| / h and truncation h^4 f^(5) / 30, so f' to about 1e-13 relative (the
        # root f'(x) = N, hence x*, inherits it); second-order forward where x < 2h.
        x = np.asarray(x, dtype=float)
        h = np.maximum(np.abs(x), 1e-3) * 1e-3
        fp1, fp2 = self.f(x + h, p), self.f(x + 2 * h, p)
        central = x >= 2 * h
        d = (8 * (fp1 - self.f(np.where(central, x - h, x), p))
             - (fp2 - self.f(np.where(central, x - 2 * h, x), p))) / (12 * h)
        if not np.all(central):
            forward = (4 * fp1 - fp2 - 3 * self.f(x, p)) / (2 * h)
            d = np.where(central, d, forward)
        return d

    def d2f(self, x, p):
        if self._d2f is not None:
            return self._real("d2f", self._d2f, x, p)
        # Second differences (for Newton slopes and the convexity scan only), centred
        # at max(x, h) so that they never look below x = 0.
        x = np.asarray(x, dtype=float)
        h = np.maximum(np.abs(x), 1e-3) * 1e-4
        xc = np.maximum(x, h)
        return (self.f(xc + h, p) - 2 * self.f(xc, p) + self.f(xc - h, p)) / (h * h)


def make_cost(cost):
    """Turn a family name, an expression string, a callable or a Cost into a Cost.

    >>> make_cost("power").parameters
    ('c', 'k')
    >>> make_cost("c*log(1 + x)").parameters
    ('c',)
    """
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str):
        key = cost.strip()
        if key in FAMILIES:
            return FAMILIES[key]()
        folded = {k.lower(): v for k, v in FAMILIES.items()}  # ("power-logn": power-logN)
        if key.lower() in folded:
            return folded[key.lower()]()
        if key.isidentifier() and key.isascii() and len(key) <= 40 and key != "x":
            # (anything else, e.g. a long or non-ASCII name, gets the parser's message)
            raise ExpressionError(f"unknown cost family `{key}` (families: "
                             + ", ".join(sorted(set(FAMILIES))) + "; or give an expression in x)"
                                  + V.suggest(key, FAMILIES))
        return ExpressionCost(key)
    if callable(cost):
        return CallableCost(cost)
    raise InputError(f"`cost` must be a family name, an expression string or a callable, "
                     f"got {cost!r}")


# ---------------------------------------------------------------------------
# Numeric building blocks used by the solver for costs without closed forms
# ---------------------------------------------------------------------------

#: The largest float: the budget is searched up to it (x* beyond it is "unbounded").
XMAX = float(np.finfo(float).max)


def numeric_budget(cost, P, p):
    """sup{x >= 0 : f(x) <= P} for non-decreasing f, vectorised (1-D arrays).

    The crossing f(x) = P is found by safeguarded Newton in log x
    (:func:`~powermodel._numeric.increasing_root`, a few steps for smooth
    costs, bisection where Newton fails), then stepped down to the largest
    float with f(x) <= P. At P = 0 a cost that rises from 0 (f' > 0 below the
    crossing, or a crossing below 1e-150) has budget 0, however far x**2
    underflows.
    """
    P = np.asarray(P, dtype=float)
    n = P.size
    with np.errstate(all="ignore"):
        raw_huge = np.broadcast_to(np.asarray(cost.f(np.full(n, XMAX), p), dtype=float), (n,))
        raw_tiny = np.broadcast_to(np.asarray(cost.f(np.full(n, TINY), p), dtype=float), (n,))
        f_huge = np.nan_to_num(raw_huge, nan=np.inf)
        f_tiny = np.nan_to_num(raw_tiny, nan=np.inf)
    out = np.where(f_huge <= P, np.inf, 0.0)
    todo = np.flatnonzero((f_huge > P) & (f_tiny <= P))
    if todo.size:
        sub = take(p, todo)
        target = P[todo]
        with np.errstate(all="ignore"):
            x, ok = increasing_root(cost.f, cost.df, target, np.full(todo.size, TINY),
                                    np.full(todo.size, XMAX), sub, both=cost.f_df,
                                    f_lo=raw_tiny[todo], f_hi=raw_huge[todo])
            # Verify the crossing (f(x) <= P < f(x (1 + 1e-9))); where Newton was misled
            # (f' inconsistent with a rounded f, e.g. cancellation), bisect instead.
            fx = np.broadcast_to(np.asarray(cost.f(x, sub), dtype=float), x.shape)
            fu = np.broadcast_to(np.asarray(cost.f(x * (1 + 1e-9), sub), dtype=float), x.shape)
            bad = np.flatnonzero(~ok | ~(fx <= target * (1 + 1e-12)) | ~(np.nan_to_num(
                fu, nan=np.inf) > target))
            if bad.size:
                sb = take(sub, bad)
                # (bisection on f(x) <= P itself, so that a flat stretch at exactly P
                # counts as feasible: the budget is its right end, sup{f <= P})
                x[bad] = sign_root(lambda x, q: np.where(cost.f(x, q) <= q["__P"], -1.0, 1.0),
                                   np.full(bad.size, TINY), np.full(bad.size, XMAX),
                                   {**sb, "__P": target[bad]})
                fx = None  # (f at the moved points: evaluated below)
            # The largest float with f(x) <= P: step across the crossing by ulps.
            # (each step evaluates f again at the points stepped only)
            if fx is None:
                fx = np.broadcast_to(np.asarray(cost.f(x, sub), dtype=float), x.shape)
            over = np.flatnonzero(~(fx <= target))
            for _ in range(4):
                if not over.size:
                    break
                x[over] = np.nextafter(x[over], 0.0)
                fo = np.broadcast_to(np.asarray(cost.f(x[over], take(sub, over)), dtype=float),
                                     over.shape)
                over = over[~(fo <= target[over])]
            zero = (target == 0) & (x > 0)
            if zero.any():
                # At P = 0, f(x) = 0 up to a crossing that is only f underflowing (x**2
                # below 5e-324) where f rises from 0 (f' > 0 there, or the crossing is
                # below 1e-150, which no cost of a sensible scale gives otherwise): the
                # budget is 0, as the closed forms say.
                d = np.broadcast_to(np.asarray(cost.df(0.5 * x, sub), dtype=float), x.shape)
                x = np.where(zero & ((d > 0) | (x < 1e-150)), 0.0, x)
        out[todo] = x
        # f jumping from <= P straight to inf means an intermediate result (x**k,
        # exp(a*x), ...) overflowed: the crossing found is that overflow, not f = P.
        with np.errstate(all="ignore"):
            above = np.broadcast_to(np.asarray(cost.f(x * (1 + 1e-12), sub), dtype=float),
                                    x.shape)
        if np.any(np.isinf(above) & (x > 0)):
            i = int(np.flatnonzero(np.isinf(above) & (x > 0))[0])
            import warnings

            from .errors import AccuracyWarning

            warnings.warn(f"f overflows float64 near x = {x[i]:.6g} (an intermediate such as "
                          "x**k or exp(a*x) exceeds 1.8e308) before reaching P: the budget "
                          "and x* may be wrong; rewrite the cost to avoid the overflow",
                          AccuracyWarning, stacklevel=4)
    return out


def undefined_beyond(cost, x, p):
    """Mask of the points where f is NaN just beyond ``x`` (the budget search then
    stopped where the cost stops being defined, not where it reaches P)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):  # (x and p broadcast: one point when both are scalars)
        above = np.asarray(cost.f(x * (1 + 1e-12) + TINY, p), dtype=float)
    return np.isnan(above) & np.isfinite(x)


def _scan_grid():
    inner = np.geomspace(1e-8, 1e8, 16 * 40 + 1)
    low = np.geomspace(TINY, 1e-8, 292 * 3 + 1)[:-1]
    high = np.geomspace(1e8, HUGE, 292 * 3 + 1)[1:]
    return np.concatenate(([0.0], low, inner, high))


SCAN_GRID = _scan_grid()


def scan_breakpoints(cost, p, n, *, xmax=HUGE):
    """Sign changes of f'' on a fixed log grid, refined by bisection.

    Returns ``(bps, min_rel, at)``: an array of shape ``(rows, m)`` (NaN
    padded) of the points where f'' changes sign, and for the monotonicity
    check the most negative relative slope ``f'/(|f'| + |f|/x)`` seen on the
    grid up to ``xmax`` and where. ``rows`` is 1 when every parameter is a
    scalar (the grid is scanned once), else ``n``.
    """
    scalar = all(np.ndim(v) == 0 for v in p.values())
    rows = 1 if scalar else n
    G = SCAN_GRID
    blocks = []
    min_rel = np.empty(rows)
    at = np.empty(rows)
    chunk = max(1, 1_000_000 // G.size)
    jumps = []
    for start in range(0, rows, chunk):
        idx = np.arange(start, min(rows, start + chunk))
        sub = p if scalar else take(p, idx)
        xg = np.broadcast_to(G, (idx.size, G.size))
        subb = {k: (v if np.ndim(v) == 0 else v[:, None]) for k, v in sub.items()}
        with np.errstate(all="ignore"):
            d2 = np.broadcast_to(np.asarray(cost.d2f(xg, subb), dtype=float), xg.shape)
            d1 = np.broadcast_to(np.asarray(cost.df(xg, subb), dtype=float), xg.shape)
            f = np.broadcast_to(np.asarray(cost.f(xg, subb), dtype=float), xg.shape)
            rel = d1 / (np.abs(d1) + np.abs(f) / np.maximum(G, TINY) + 1e-300)
        rel = np.where(np.isfinite(rel) & (G <= xmax), rel, 0.0)
        # A negative slope counts only where f itself falls next to that grid point: the
        # finite differences of a callable err below 0 where f' = 0 and f'' = 0 < f'''
        # (x**3 at 0: the forward difference is -2 h^2), and f, not f', must not decrease.
        with np.errstate(all="ignore"):
            fall = f[:, 1:] < f[:, :-1] - 4.5e-16 * np.abs(f[:, :-1])
        falls = np.zeros(rel.shape, dtype=bool)
        falls[:, :-1] |= fall
        falls[:, 1:] |= fall
        rel = np.where((rel < 0) & ~falls, 0.0, rel)
        # A jump in f' (a kink) or a feature narrower than the grid: f' changes between
        # neighbouring grid points by far more than the trapezoid of f'' says.
        with np.errstate(all="ignore"):
            dd = d1[:, 1:] - d1[:, :-1]
            trap = 0.5 * (d2[:, 1:] + d2[:, :-1]) * np.diff(G)
            odd = (np.abs(dd - trap) > 0.25 * np.abs(dd) + 1e-7 * (np.abs(d1[:, 1:])
                                                                   + np.abs(d1[:, :-1])))
        # (only where the finite differences are relative, x >= 1e-2, and reliable)
        odd &= np.isfinite(dd) & np.isfinite(trap) & (G[1:] <= xmax) & (G[:-1] >= 1e-2)
        jr, jc = np.nonzero(odd)
        if jr.size:
            jumps.append(G[jc[0]])
        j = np.argmin(rel, axis=1)
        min_rel[idx] = rel[np.arange(idx.size), j]
        at[idx] = G[j]
        # Sign of f'' with rounding noise taken as zero; zeros take the previous sign.
        mag = np.abs(np.where(np.isfinite(d2), d2, 0.0))
        with np.errstate(over="ignore"):  # f'/x overflows near 0 for sqrt-like costs
            tol = 1e-10 * (np.abs(np.where(np.isfinite(d1), d1, 0.0)) / np.maximum(G, TINY))
        sgn = np.where(np.isnan(d2), 0.0, np.sign(np.where(mag <= tol, 0.0, d2)))
        sgn = _fill_zeros(sgn)
        r, c = np.nonzero((sgn[:, 1:] * sgn[:, :-1]) < 0)
        if r.size:
            roots = sign_root(cost.d2f, G[c], G[c + 1], sub if scalar else take(sub, r))
        else:
            roots = np.empty(0)
        if jr.size:  # both ends of a cell where f' jumps become breakpoints
            r = np.concatenate([r, jr, jr])
            roots = np.concatenate([roots, G[jc], G[jc + 1]])
            order = np.lexsort((roots, r))
            r, roots = r[order], roots[order]
        counts = np.bincount(r, minlength=idx.size)
        block = np.full((idx.size, counts.max(initial=0)), np.nan)
        if r.size:
            pos = np.arange(r.size) - np.repeat(np.cumsum(counts) - counts, counts)
            block[r, pos] = roots
        blocks.append(block)
    if jumps:
        import warnings

        from .errors import AccuracyWarning

        warnings.warn(f"f' of cost {cost.name!r} changes faster than the sampling grid resolves "
                      f"near x = {jumps[0]:.6g} (a kink, or a feature narrower than the grid): "
                      "the points where a callable's f' jumps are not located exactly, so x* "
                      "may be missed there; give the cost as an expression string to have "
                      "kinks and narrow features found exactly", AccuracyWarning, stacklevel=5)
    m = max(b.shape[1] for b in blocks)
    bps = np.full((rows, m), np.nan)
    r0 = 0
    for b in blocks:
        bps[r0:r0 + b.shape[0], :b.shape[1]] = b
        r0 += b.shape[0]
    return bps, min_rel, at


def _fill_zeros(sgn):
    # Forward-fill zero signs along the last axis so a touch of zero is not a change.
    sgn = sgn.copy()
    idx = np.where(sgn != 0, np.arange(sgn.shape[1]), 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    return np.take_along_axis(sgn, idx, axis=1)


def check_expression_names(cost, params):
    """Raise for parameters an expression uses but that were not given."""
    missing = [k for k in cost.parameters if k not in params]
    if missing:
        raise InputError(f"missing parameter `{missing[0]}` for cost {cost.name!r} "
                         f"(parameters: {', '.join(cost.parameters)})")


_ = ExpressionError  # re-exported for callers catching expression errors here


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
