r"""The symbolic engine: the optimum, its thresholds and its statics as formulas.

:class:`SymbolicModel` (``Model(...).symbolic``) derives, with SymPy, for a
cost given by a family name or an expression string:

* the objective :math:`g(x) = (P - f(x))\,(1 + \rho (N - 1))/N + (1 - \lambda) x`,
  the first-order condition :math:`f'(x) = n` with the effective diversity
  :math:`n = N (1 - \lambda)/(1 + \rho (N - 1))` (:math:`n = N` in the paper's
  model), the second-order condition and the constraints;
* the optimum :math:`x^*(N, P, \dots)` as a ``Piecewise`` over the regimes
  ``none`` (:math:`n \le f'(0)`), ``cap``, ``budget`` (:math:`n \ge f'(X_{budget})`)
  and ``interior`` (:math:`f'(x^*) = n`);
* the thresholds in N (onset, budget, cap, dominance; the jump point of a
  non-convex cost, numerically);
* comparative statics by the implicit function theorem and elasticities;
* the value, learned share and compute multiplier;
* LaTeX for all of it and cached NumPy functions (``lambdify(..., cse=True)``).

Symbols and assumptions: ``x`` is non-negative, ``N``, ``P`` and ``x_cap``
positive, ``rho`` and ``lambda`` non-negative. A cost parameter is positive
when its lower bound is a strict 0 or 1 (``c``, ``a``, ``s``; ``k >= 1`` is
declared positive and taken as ``k > 1`` wherever a formula divides by
``k - 1``: a numeric ``k = 1`` is handled as the linear case), non-negative
when its bound is ``>= 0`` (``b``, ``F``, ``beta``). Parameters of a user
expression are assumed positive. Parameters given numeric (scalar) values in
the :class:`~powermodel.model.Model` are substituted as exact rationals;
the others stay symbols.

Solutions of :func:`sympy.solve` are never trusted blindly: every candidate
is checked by substitution at random parameter points built so that the true
root is known, and must be the unique real non-negative one; otherwise
:class:`~powermodel.errors.UnsolvableError` is raised with the reason (the
numeric solver :meth:`~powermodel.model.Model.solve` still answers).

Examples
--------
>>> import powermodel as pm
>>> sm = pm.Model("power", c=1.0, k=2.0).symbolic
>>> sm.optimum()
Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/2, True))
>>> sm.thresholds()["budget"]
2*sqrt(P)
"""

import contextlib
import functools
import threading
import time
import warnings

import numpy as np
import sympy as sp

from . import _validation as V
from .errors import AccuracyWarning, InputError, UnsolvableError
from .expressions import parse
from .result import Result

__all__ = ["SymbolicModel", "Thresholds", "Statics", "Elasticities", "Derivation",
           "NumericFunction", "SOLVE_TIMEOUT", "DERIVE_TIMEOUT"]

#: Seconds SymPy may spend on one equation before the engine gives up (main thread only).
SOLVE_TIMEOUT = 20.0

#: Seconds :meth:`SymbolicModel.derive` may take in all (any thread, any platform).
DERIVE_TIMEOUT = 60.0

#: The decision variable, run-time optimization power per instance.
x = sp.Symbol("x", nonnegative=True)
#: Number of instances.
N = sp.Symbol("N", positive=True)
#: Base optimization power.
P = sp.Symbol("P", positive=True)
#: Compute cap (symbolic when ``x_cap=True``).
X_CAP = sp.Symbol("x_cap", positive=True)
#: Overlap (shared structure) rho.
RHO = sp.Symbol("rho", nonnegative=True)
#: Runtime penalty (speed prior) lambda.
LAM = sp.Symbol("lambda", nonnegative=True)

_XP = sp.Symbol("x", positive=True)      # x > 0 while solving
_T = sp.Dummy("t", positive=True)        # the right-hand side of an inversion
_KAPPA = sp.Dummy("kappa", positive=True)  # k - 1 > 0

_OUTPUTS = ("x", "value", "learned_share", "compute_multiplier", "x_budget")
_KWNAME = {"rho": "overlap", "lambda": "runtime_penalty"}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

class _Timeout(Exception):
    pass


class _DeriveTimeout(BaseException):
    """The overall limit of :meth:`SymbolicModel.derive` (a BaseException, so that no
    ``except Exception`` inside SymPy can swallow it)."""


#: Active limits of this (main) thread: [deadline (time.monotonic), exception class].
_LIMITS = []


def _alarm_available():
    import signal

    return (threading.current_thread() is threading.main_thread()
            and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM"))


def _arm():
    """Set the interval timer to the earliest active deadline."""
    import signal

    if _LIMITS:
        left = min(d for d, _ in _LIMITS) - time.monotonic()
        # repeating: should the exception be swallowed (raised inside a garbage-collector
        # callback or a finaliser, which Python reports as unraisable), it comes again
        signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4), 0.25)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def _time_limit(seconds, exc=_Timeout):
    """Raise ``exc`` after ``seconds`` (SIGALRM, main thread only; limits nest).

    Outside the main thread (or without SIGALRM) this sets no limit: there
    :meth:`SymbolicModel.derive` runs in a worker process instead.
    """
    import signal

    if not _alarm_available():
        yield
        return

    def handler(signum, frame):
        if _LIMITS:
            raise min(_LIMITS, key=lambda t: t[0])[1]()

    entry = [time.monotonic() + seconds, exc]
    old = signal.signal(signal.SIGALRM, handler)
    _LIMITS.append(entry)
    try:
        _arm()
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _LIMITS.remove(entry)
        signal.signal(signal.SIGALRM, old)
        if _LIMITS:
            _arm()


def _exact(value):
    """A float as the exact rational of its shortest repr (2.0 -> 2, 0.1 -> 1/10)."""
    return sp.Rational(repr(float(value)))


def _param_symbol(name, bound):
    if bound is None:
        return sp.Symbol(name, positive=True)
    low, strict = bound
    if low > 0 or (low == 0 and strict):
        return sp.Symbol(name, positive=True)
    if low == 0:
        return sp.Symbol(name, nonnegative=True)
    return sp.Symbol(name, real=True)


@functools.lru_cache(maxsize=4096)
def _tidy(e, seconds=2.0):
    """Light simplification: ``simplify`` for small expressions (time-limited), else ``powsimp``.

    ``expand_log`` turns log(y**a) into a*log(y), so no huge power is formed numerically.
    """
    if not isinstance(e, sp.Basic) or e.is_Number:
        return e
    if sp.count_ops(e) > 30:
        return sp.expand_log(sp.powsimp(e))
    try:
        with _time_limit(seconds):
            s = sp.expand_log(sp.simplify(e))
    except _Timeout:
        return sp.expand_log(e)
    return s if sp.count_ops(s) <= sp.count_ops(e) else sp.expand_log(e)


def _latex(obj):
    if isinstance(obj, sp.Basic):
        return sp.latex(obj)
    if hasattr(obj, "latex"):
        return obj.latex()
    return sp.latex(sp.sympify(obj))


_PARAM_LATEX = {"N": "N", "P": "P", "x_cap": r"x_{cap}", "rho": r"\rho", "lambda": r"\lambda"}


def _sym_latex(name):
    return _PARAM_LATEX.get(name, sp.latex(sp.Symbol(name)))


# ---------------------------------------------------------------------------
# The derivation core, cached per (cost, substituted values, options)
# ---------------------------------------------------------------------------

class _Core:
    """Everything derived for one cost, one set of substituted values and options."""

    def __init__(self, formula, convexity, bounds, subs, cap, rho, lam):
        parsed = parse(formula)
        self.formula = formula
        self.family_convexity = convexity
        self.bounds = dict(bounds)
        self.param_names = parsed.parameters
        self.depends_on_N = "N" in parsed.names
        self.psyms = {k: _param_symbol(k, self.bounds.get(k)) for k in self.param_names}
        self.subs = {self.psyms[k]: v for k, v in subs}
        self.cap = {None: None, "sym": X_CAP}.get(cap, cap) if not isinstance(cap, sp.Basic) \
            else cap
        self.rho = RHO if rho == "sym" else rho
        self.lam = LAM if lam == "sym" else lam
        syms = dict(self.psyms, x=x, N=N)
        self.f_full = parsed.to_sympy(syms)
        self.f = self.f_full.subs(self.subs)
        self.d1 = sp.diff(self.f, x)
        self.d2 = sp.diff(self.d1, x)
        self.n = N * (1 - self.lam) / (1 + self.rho * (N - 1))
        self.n_eff = N / (1 + self.rho * (N - 1))
        self.carry = 1 + self.rho * (N - 1)
        self.g = (P - self.f) * self.carry / N + (1 - self.lam) * x
        self.g_full = (P - self.f_full) * self.carry / N + (1 - self.lam) * x
        # the k >= 1 parameters left symbolic: taken as k > 1 (k = 1 + kappa)
        self.kparams = [self.psyms[k] for k, b in self.bounds.items()
                        if b == (1, False) and self.psyms[k] not in self.subs]

    # -- sampling parameter points for the verification of solutions -----
    def _sample_value(self, sym, rng):
        name = sym.name
        if sym is N:
            return float(np.exp(rng.uniform(0.1, 8.0)))
        if sym is P:
            return float(np.exp(rng.uniform(-2.0, 12.0)))
        if sym in (RHO, LAM):
            return rng.uniform(0.0, 0.5)
        if sym is X_CAP:
            return float(np.exp(rng.uniform(-2.0, 3.0)))
        b = self.bounds.get(name)
        if b is not None and b[0] >= 1:
            return b[0] + float(np.exp(rng.uniform(-2.5, 1.5)))
        return float(np.exp(rng.uniform(-2.5, 2.5)))

    @functools.cached_property
    def kind(self):
        """``"linear"``, ``"convex"``, ``"concave"``, ``"nonconvex"`` or ``"unknown"``."""
        d2 = self.d2
        if d2 == 0:
            return "linear"
        try:
            with _time_limit(SOLVE_TIMEOUT):
                if sp.simplify(d2) == 0:
                    return "linear"
        except _Timeout:
            pass
        if self.family_convexity in ("convex", "linear"):
            return "convex"
        if self.family_convexity == "non-convex" and not self.subs:
            return "nonconvex"
        d2p = d2.subs(x, _XP)
        if d2p.is_nonnegative:
            return "convex"
        if d2p.is_nonpositive:
            return "concave"
        free = d2p.free_symbols - {_XP}
        if not free:
            # scipy first: erf and friends are not in NumPy
            fn = sp.lambdify([_XP], d2p, modules=["scipy", "numpy"], dummify=True)
            grid = np.geomspace(1e-8, 1e8, 1601)
            with np.errstate(all="ignore"):
                v = np.broadcast_to(np.asarray(fn(grid), dtype=float), grid.shape)
            v = v[np.isfinite(v)]
            scale = np.max(np.abs(v)) if v.size else 0.0
            if v.size and np.all(v >= -1e-12 * scale):
                return "convex"
            if v.size and np.all(v <= 1e-12 * scale):
                return "concave"
            return "nonconvex"
        if self.family_convexity == "non-convex":
            return "nonconvex"
        return "unknown"

    # -- inversion of a monotone function, verified ------------------------
    def invert(self, F, what):
        """The unique x >= 0 with F(x) = t (as an expression in the dummy t), verified.

        Cached per (cost, F): the options (cap, rho, lambda) do not enter F.
        """
        key = (self.formula, tuple(sorted(self.bounds.items())), F)
        hit = _INVERSIONS.get(key)
        if hit is None:
            try:
                hit = self._invert(F, what)
            except UnsolvableError as exc:
                hit = exc
            if len(_INVERSIONS) > 512:
                _INVERSIONS.clear()
            _INVERSIONS[key] = hit
        if isinstance(hit, Exception):
            raise UnsolvableError(str(hit))
        return hit

    def _invert(self, F, what):
        Fp = F.subs(x, _XP)
        try:
            with _time_limit(SOLVE_TIMEOUT):
                # check=False: candidates are verified below, more strictly than checksol
                sols = sp.solve(sp.Eq(Fp, _T), _XP, check=False)
        except _Timeout:
            raise UnsolvableError(f"SymPy did not solve {what} for x within "
                                  f"{SOLVE_TIMEOUT:g} s; use the numeric solver Model.solve")
        except (NotImplementedError, ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UnsolvableError(f"SymPy cannot solve {what} for x ({reason}); "
                                  "use the numeric solver Model.solve") from None
        sols = [s for s in sols if isinstance(s, sp.Expr) and _XP not in s.free_symbols]
        good = [s for s in sols if self._verify(s, Fp)]
        if not good:
            raise UnsolvableError(
                f"SymPy found no verified non-negative solution of {what} "
                f"({len(sols)} candidate(s) failed the substitution check); "
                "use the numeric solver Model.solve")
        first = good[0]
        for other in good[1:]:
            if not self._same(first, other, Fp):
                raise UnsolvableError(f"{what} has several non-negative solutions; "
                                      "use the numeric solver Model.solve")
        return first.subs(_XP, x)

    def _points(self, F, count=8, seed=1):
        """Sample points ``(values, x0)``: parameters in their domain and a known root x0."""
        rng = np.random.default_rng(seed)
        free = sorted((F.free_symbols | {N}) - {_XP, _T}, key=lambda s: s.name)
        pts = []
        for _ in range(count):
            vals = {s: sp.Float(self._sample_value(s, rng), 30) for s in free}
            x0 = sp.Float(float(np.exp(rng.uniform(-4.0, 4.0))), 30)
            pts.append((vals, x0))
        return pts

    def _verify(self, s, F):
        """Substitute the candidate at sample points where the root x0 is known.

        Evaluated with mpmath at 40 digits, a failure retried at 250 digits so
        that cancellation at an extreme sample point cannot reject a right
        solution; a candidate that is complex, negative or off at that
        precision is rejected.
        """
        import mpmath

        pts = self._points(F)
        syms = list(pts[0][0])
        try:
            fF = sp.lambdify([_XP, *syms], F, modules="mpmath", dummify=True)
            fs = sp.lambdify([_T, *syms], s, modules="mpmath", dummify=True)
        except Exception:  # noqa: BLE001 - a candidate mpmath cannot evaluate is not verified
            return False

        def check(vals, x0, digits):
            with mpmath.workdps(digits):
                args = [mpmath.mpf(float(vals[k])) for k in syms]
                xm = mpmath.mpf(float(x0))
                try:
                    t = mpmath.mpmathify(fF(xm, *args))
                    if mpmath.im(t) != 0 or not mpmath.re(t) > 0:
                        return None
                    v = mpmath.mpc(fs(mpmath.re(t), *args))
                except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                    return False
                if not mpmath.isfinite(v.real):
                    return False
                if abs(v.imag) > mpmath.mpf(10) ** -20 * (1 + abs(v.real)):
                    return False
                return bool(abs(v.real - xm) <= mpmath.mpf(10) ** -18 * (1 + abs(xm)))

        ok = 0
        for vals, x0 in pts:
            r = check(vals, x0, 40)
            if r is False:
                r = check(vals, x0, 250)
            if r is False:
                return False
            ok += r is True
        return ok >= 5

    def _same(self, a, b, F):
        for vals, x0 in self._points(F, count=3, seed=2):
            t = sp.N(F.subs(_XP, x0).subs(vals), 40)
            va = complex(sp.N(a.subs(vals).subs(_T, t), 20))
            vb = complex(sp.N(b.subs(vals).subs(_T, t), 20))
            if abs(va - vb) > 1e-12 * (1 + abs(va)):
                return False
        return True

    # -- closed forms -------------------------------------------------------
    def _at_zero(self, e):
        """e at x = 0, with symbolic k >= 1 parameters taken as k > 1."""
        rep = {k: 1 + _KAPPA for k in self.kparams}
        back = {_KAPPA: k - 1 for k in self.kparams}
        ek = sp.powsimp(e.subs(rep))
        v = ek.subs(x, 0)
        if v.has(sp.zoo, sp.nan, sp.oo) or any(p.base == 0 for p in v.atoms(sp.Pow)):
            try:
                with _time_limit(SOLVE_TIMEOUT):
                    v = sp.limit(ek, x, 0, "+")
            except (NotImplementedError, _Timeout):
                v = sp.nan
            if v.has(sp.Limit) or not v.is_finite:
                raise UnsolvableError("f'(0) is not finite or not determined for these "
                                      "symbolic parameters; give them numeric values")
        return v.subs(back)

    def _require_unbounded(self):
        try:
            with _time_limit(SOLVE_TIMEOUT):
                sup = sp.limit(self.f, x, sp.oo)
        except (NotImplementedError, _Timeout):
            sup = None
        if sup is None or sup.has(sp.Limit) or sup != sp.oo:
            raise UnsolvableError(
                f"the cost {self.formula!r} is not shown to grow without bound (sup f = {sup}): "
                "when P exceeds it x* is unbounded; use Model.solve")

    def _require_convex(self):
        k = self.kind
        if k == "nonconvex":
            raise UnsolvableError(
                f"the cost {self.formula!r} is not convex: x* can jump and has no closed form; "
                "use Model.solve (thresholds() gives the jump point numerically)")
        if k == "unknown":
            raise UnsolvableError(
                f"convexity of the cost {self.formula!r} cannot be established for symbolic "
                "parameters; give them numeric values or use Model.solve")

    @functools.cached_property
    def closed(self):
        """(branches, parts) or the UnsolvableError to raise."""
        try:
            self._require_convex()
            xb = sp.expand_log(self.invert(self.f, "the budget f(x) = P").subs(_T, P))
            n = self.n
            if self.kind in ("linear", "concave"):
                # h(x) = x - f(x)/n is convex: x* is an end point, 0 or U = min(x_cap, X_budget),
                # and jumps from 0 to U when n exceeds (f(U) - f(0))/U (ties go to 0).
                if self.kind == "concave":
                    self._require_unbounded()
                U = xb if self.cap is None else sp.Min(self.cap, xb)
                t_jump = _tidy((self.f.subs(x, U) - self.f.subs(x, 0)) / U)
                parts = {"xb": xb, "xint": None, "U": U, "t_jump": t_jump}
                branches = [("none", sp.Integer(0), n <= t_jump)]
                if self.cap is not None:
                    branches.append(("cap", self.cap, self.cap < xb))
                branches.append(("budget", xb, True))
                return branches, parts
            fp0 = _tidy(self._at_zero(self.d1))
            parts = {"fp0": fp0, "xb": xb}
            t_budget = _tidy(self.d1.subs(x, xb))
            parts["t_budget"] = t_budget
            xint = sp.expand_log(self.invert(self.d1, "the first-order condition f'(x) = n")
                                 .subs(_T, self.n))
            parts["xint"] = xint
            # n > 0 always (rho <= 1, lambda < 1): with f'(0) = 0 there is no "none" regime
            branches = [] if fp0 == 0 else [("none", sp.Integer(0), n <= fp0)]
            if self.cap is not None:
                t_cap = _tidy(self.d1.subs(x, self.cap))
                parts["t_cap"] = t_cap
                branches.append(("cap", self.cap, sp.And(self.cap < xb, n >= t_cap)))
            branches.append(("budget", xb, n >= t_budget))
            branches.append(("interior", xint, True))
            return branches, parts
        except UnsolvableError as exc:
            return exc

    def branches(self):
        c = self.closed
        if isinstance(c, Exception):
            raise UnsolvableError(str(c))
        return c[0]

    def parts(self):
        c = self.closed
        if isinstance(c, Exception):
            raise UnsolvableError(str(c))
        return c[1]

    def piecewise(self, fn):
        """Piecewise of ``fn(regime, x_branch)`` over the regimes of x*."""
        pieces = []
        for regime, xr, cond in self.branches():
            pieces.append((fn(regime, xr), cond))
        return sp.Piecewise(*pieces)

    def output(self, name, tidy=True):
        t = _tidy if tidy else (lambda e: e)
        if name == "x":
            return self.piecewise(lambda r, xr: xr)
        if name == "value":
            return self.piecewise(lambda r, xr: t(self.g.subs(x, xr)))
        if name == "learned_share":
            return self.piecewise(lambda r, xr: sp.Integer(0) if xr == 0 else
                                  t((1 - self.lam) * xr / self.g.subs(x, xr)))
        if name == "compute_multiplier":
            f0 = self.f.subs(x, 0)
            return self.piecewise(lambda r, xr: t((f0 + self.n_eff * self.g.subs(x, xr)) / P))
        if name == "x_budget":
            return self.parts()["xb"]
        raise InputError(f"unknown output `{name}` (known: {', '.join(_OUTPUTS)})")

    # -- thresholds ----------------------------------------------------------
    def N_of(self, t):
        """The N at which the effective diversity n reaches t (oo if never)."""
        if t is sp.oo or t == sp.oo:
            return sp.oo
        rho, lam = self.rho, self.lam
        if rho == 0:
            return t / (1 - lam)
        den = 1 - lam - rho * t
        return sp.Piecewise((t * (1 - rho) / den, den > 0), (sp.oo, True))

    def thresholds(self):
        """name -> closed form in N, or ("implicit", equation in N) when there is none."""
        out = {}
        parts = self.parts()
        xb, xint = parts["xb"], parts["xint"]
        cap = self.cap
        n = self.n

        def in_N(t, eq):
            if N in sp.sympify(t).free_symbols:
                return ("implicit", eq)
            return _tidy(self.N_of(t))

        if xint is None:  # linear or concave: x* jumps from 0 to U = min(cap, X_budget)
            U, tj = parts["U"], parts["t_jump"]
            on = in_N(tj, sp.Eq(n, tj))
            out["onset"] = on
            if cap is None:
                out["budget"], out["cap"] = on, sp.oo
            elif isinstance(on, tuple):
                out["budget"] = out["cap"] = on
            else:
                out["budget"] = sp.Piecewise((on, xb <= cap), (sp.oo, True))
                out["cap"] = sp.Piecewise((on, cap < xb), (sp.oo, True))
            t_dom = sp.Max(tj, (P - self.f.subs(x, U)) / U)
            out["dominance"] = in_N(t_dom, sp.Eq(n, t_dom))
            return out
        fp0, t_budget = parts["fp0"], parts["t_budget"]
        out["onset"] = in_N(fp0, sp.Eq(n, fp0))
        tb = in_N(t_budget, sp.Eq(n, t_budget))
        if cap is not None:
            tc = in_N(parts["t_cap"], sp.Eq(n, parts["t_cap"]))
            if isinstance(tb, tuple):
                out["budget"] = tb
            else:
                out["budget"] = sp.Piecewise((tb, xb <= cap), (sp.oo, True))
            if isinstance(tc, tuple):
                out["cap"] = tc
            else:
                out["cap"] = sp.Piecewise((tc, cap < xb), (sp.oo, True))
        else:
            out["budget"] = tb
            out["cap"] = sp.oo
        # dominance: (1 - lam) x* = base per instance  <=>  x* = (P - f(x*)) / n
        if self.depends_on_N:
            out["dominance"] = ("implicit", sp.Eq(xint, (P - self.f.subs(x, xint)) / n))
        else:
            try:
                xd = _tidy(self.invert(x * self.d1 + self.f,
                                       "the dominance condition x f'(x) + f(x) = P")
                           .subs(_T, P))
                t_dom = _tidy(self.d1.subs(x, xd))
                if cap is not None:
                    t_dom = sp.Piecewise((t_dom, xd <= cap),
                                         ((P - self.f.subs(x, cap)) / cap, True))
                out["dominance"] = _tidy(self.N_of(t_dom))
            except UnsolvableError:
                out["dominance"] = ("implicit", sp.Eq(xint, (P - self.f.subs(x, xint)) / n))
        return out

    # -- statics by the implicit function theorem ------------------------------
    def variables(self):
        vs = [N, P] + [self.psyms[k] for k in self.param_names]
        vs += [s for s in (self.cap, self.rho, self.lam) if isinstance(s, sp.Symbol)]
        return vs

    @functools.cached_property
    def implicit(self):
        """regime -> {"x": {name: dx*/dθ}, "value": {name: dg*/dθ}} in terms of x = x*."""
        f, g = self.f_full, self.g_full
        n = N * (1 - self.lam) / (1 + self.rho * (N - 1))
        eqs = {"none": x, "interior": sp.diff(f, x) - n, "budget": f - P}
        if self.cap is not None:
            eqs["cap"] = x - self.cap
        gx = sp.diff(g, x)
        out = {}
        for regime, E in eqs.items():
            Ex = sp.diff(E, x)
            dx, dg = {}, {}
            for v in self.variables():
                # raw quotients: simplify() may multiply through by exp(x/s) and overflow
                d = (-sp.diff(E, v) / Ex).subs(self.subs)
                dx[v.name] = d
                dg[v.name] = (sp.diff(g, v) + (0 if regime == "interior" else gx * d)
                              ).subs(self.subs)
            out[regime] = {"x": dx, "value": dg}
        return out

    def elasticity_forms(self, regime, G=None):
        """Elasticities at x = x* and g = G (a symbol standing for g*) in one regime."""
        G = sp.Dummy("g", positive=True) if G is None else G
        imp = self.implicit[regime]
        out = {"x": {}, "value": {}, "learned_share": {}}
        lam = self.lam
        for v in self.variables():
            dx, dg = imp["x"][v.name], imp["value"][v.name]
            dlam = 1 if v is lam else 0
            out["x"][v.name] = sp.nan if regime == "none" else v * dx / x
            out["value"][v.name] = v * dg / G
            if regime == "none":
                out["learned_share"][v.name] = sp.nan
            else:
                ls = (1 - lam) * x / G
                dls = (-dlam * x + (1 - lam) * dx) / G - (1 - lam) * x * dg / G ** 2
                out["learned_share"][v.name] = v * dls / ls
        return out


_INVERSIONS = {}


@functools.lru_cache(maxsize=128)
def _core(formula, convexity, bounds, subs, cap, rho, lam):
    return _Core(formula, convexity, bounds, subs, cap, rho, lam)


# ---------------------------------------------------------------------------
# NumPy functions
# ---------------------------------------------------------------------------

def _lambertw(z, k=0):
    from scipy.special import lambertw

    return np.real(lambertw(z, k))


@functools.lru_cache(maxsize=512)
def _compiled(expr, args):
    # dummify: a parameter named like a name of the namespace (numpy, LambertW, ...)
    # must not shadow it in the generated code
    return sp.lambdify(args, expr, modules=[{"LambertW": _lambertw}, "scipy", "numpy"],
                       cse=True, dummify=True)


class NumericFunction:
    """A SymPy expression compiled once to NumPy (``lambdify(..., cse=True)``, cached).

    Call it with one keyword argument per free symbol (``overlap`` for rho,
    ``runtime_penalty`` for lambda); arguments broadcast like NumPy arrays.
    Model inputs the expression does not use (listed in ``accepts``) are
    accepted and ignored, so one call works for every output.

    Attributes
    ----------
    expr : sympy.Expr
        The expression.
    names : tuple of str
        The keyword arguments it takes.
    """

    __slots__ = ("expr", "names", "_args", "_func", "_accepts")

    def __init__(self, expr, *, accepts=()):
        expr = sp.sympify(expr)
        args = tuple(sorted(expr.free_symbols, key=lambda s: (s.name != "N", s.name != "P",
                                                               s.name)))
        names = tuple(_KWNAME.get(s.name, s.name) for s in args)
        if len(set(names)) != len(names):
            raise InputError(f"two symbols share a name in {expr}: {names}")
        object.__setattr__(self, "expr", expr)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "_args", args)
        object.__setattr__(self, "_func", _compiled(expr, args))
        object.__setattr__(self, "_accepts", tuple(dict.fromkeys((*names, *accepts))))

    def __setattr__(self, name, value):
        raise AttributeError("NumericFunction is immutable")

    def __call__(self, **values):
        V.reject_unknown("argument", values, self._accepts)
        missing = [n for n in self.names if n not in values]
        if missing:
            raise InputError(f"missing argument `{missing[0]}` "
                             f"(arguments: {', '.join(self.names)})")
        vals = [V.real(n, values[n], allow_inf=True) for n in self.names]
        with np.errstate(all="ignore"):
            out = np.asarray(self._func(*vals))
        if np.iscomplexobj(out):
            out = out.real
        shape = np.broadcast_shapes(*(np.shape(v) for v in vals)) if vals else ()
        out = np.broadcast_to(out.astype(float), shape)
        if np.isnan(out).any() and all(np.isfinite(v).all() for v in vals):
            warnings.warn("the closed form could not be evaluated in floating point at some "
                          "points (overflow or cancellation); use Model.solve there",
                          AccuracyWarning, stacklevel=2)
        return float(out) if out.ndim == 0 else np.array(out)

    def latex(self):
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self):
        return f"NumericFunction({self.expr}; arguments: {', '.join(self.names)})"


# ---------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------

class Thresholds(dict):
    """The values of N where the regime changes: a dict with LaTeX output.

    Keys ``"onset"`` (x* becomes positive), ``"budget"`` (the budget starts to
    bind), ``"cap"`` (the compute cap starts to bind; ``oo`` without a cap),
    ``"dominance"`` (the learned algorithm's contribution equals the base
    optimizer's per-instance share, learned_share = 1/2) and, for a
    non-convex cost, ``"jump"`` (where x* leaps from 0). Values are SymPy
    expressions: closed forms, ``Float`` numbers found numerically,
    ``oo`` (never reached) or a ``ConditionSet`` (the N solving an equation
    SymPy cannot solve, when numbers are not available).
    """

    def latex(self):
        """An ``aligned`` block, one line per threshold."""
        rows = [rf"N_{{\mathrm{{{k}}}}} &= {sp.latex(v)}" for k, v in self.items()]
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"

    def functions(self):
        """Each closed-form threshold as a :class:`NumericFunction` (numbers as they are)."""
        accepts = getattr(self, "_accepts", ())
        return {k: NumericFunction(v, accepts=accepts) for k, v in self.items()
                if isinstance(v, sp.Expr) and not isinstance(v, sp.ConditionSet)}


_SOC_VERDICTS = {
    "convex": "holds for every x > 0: the cost is convex",
    "linear": "fails (f'' = 0): the cost is linear, so x* is at an end (0, the budget or the cap)",
    "concave": "fails for every x > 0: the cost is concave, so x* is at an end "
               "(0, the budget or the cap)",
    "nonconvex": "holds only where f'' > 0: the cost is neither convex nor concave, "
                 "so x* can jump as N grows",
    "unknown": "holds or fails depending on the parameter values (give them to find out)",
}
_SOC_SHORT = {"convex": "holds: convex cost", "linear": "fails: linear cost",
              "concave": "fails: concave cost", "nonconvex": "holds only in part: non-convex cost",
              "unknown": "depends on the parameters"}


def _round_floats(e, digits):
    """``e`` with every SymPy Float rounded to ``digits`` significant digits (None: as is)."""
    if digits is None or not isinstance(e, sp.Basic):
        return e
    floats = e.atoms(sp.Float)
    return e.xreplace({f: sp.Float(f, digits) for f in floats}) if floats else e


def _dict_latex(d, head):
    rows = [rf"{head(k)} &= {sp.latex(v)}" for k, v in d.items()]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


class Statics(Result):
    r"""Comparative statics of the optimum by the implicit function theorem.

    In each regime x* solves an equation :math:`E(x, \theta) = 0` (interior:
    :math:`f'(x) - n = 0`; budget: :math:`f(x) - P = 0`; cap:
    :math:`x - x_{cap} = 0`; none: :math:`x = 0`), so
    :math:`dx^*/d\theta = -E_\theta / E_x`, and
    :math:`dg^*/d\theta = g_\theta + g_x\, dx^*/d\theta` (:math:`g_x = 0` at an
    interior optimum: the envelope theorem).

    Attributes
    ----------
    x : dict or None
        ``{parameter: dx*/dθ}`` as a ``Piecewise`` over the regimes in closed
        form (``None`` when x* has no closed form).
    value : dict or None
        ``{parameter: dg*/dθ}`` likewise.
    implicit : dict
        ``{regime: {"x": {...}, "value": {...}}}`` in terms of ``x`` standing for
        x* (valid whether or not x* has a closed form).
    """

    __slots__ = ("x", "value", "implicit")
    _fields = __slots__

    def latex(self):
        """The closed forms (or the implicit forms) as an ``aligned`` block."""
        if self.x is not None:
            d = {("x", k): v for k, v in self.x.items()}
            d.update({("g", k): v for k, v in self.value.items()})
        else:
            d = {}
            for regime, forms in self.implicit.items():
                for k, v in forms["x"].items():
                    d[("x", k, regime)] = v
        return _dict_latex(d, lambda key: (
            rf"\frac{{\partial {key[0]}^*}}{{\partial {_sym_latex(key[1])}}}"
            + (rf"\Big|_{{\mathrm{{{key[2]}}}}}" if len(key) > 2 else "")))

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"


class Elasticities(Result):
    r"""Elasticities :math:`\partial \ln y / \partial \ln \theta` of the optimum.

    Attributes
    ----------
    x, value, learned_share : dict
        ``{parameter: expression}``, Piecewise over the regimes (``nan`` where
        the output is 0: x* and the learned share in the ``none`` regime).
    """

    __slots__ = ("x", "value", "learned_share")
    _fields = __slots__

    def latex(self):
        """An ``aligned`` block."""
        d = {(o, k): v for o in self._fields for k, v in getattr(self, o).items()}
        return _dict_latex(d, lambda key: (
            rf"\varepsilon_{{\mathrm{{{key[0].replace('_', ' ')}}}, {_sym_latex(key[1])}}}"))

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"


class Derivation(Result):
    """The whole derivation for one model (what ``powermodel derive`` prints).

    Attributes
    ----------
    cost, objective : sympy.Expr
        f(x) and g(x).
    foc : sympy.Eq
        The first-order condition f'(x) = n.
    soc : sympy.Rel
        The second-order condition f''(x) > 0 that an interior maximum needs
        (a condition, not a fact: see ``convexity``).
    constraints : sympy.Tuple
        x >= 0, f(x) <= P (and x <= x_cap).
    optimum : sympy.Piecewise or None
        x* (None when it has no closed form: see ``notes``).
    thresholds : Thresholds or None
    statics : Statics or None
    notes : tuple of str
        Why a part is missing.
    convexity : str
        ``"convex"``, ``"linear"``, ``"concave"``, ``"nonconvex"`` or
        ``"unknown"``: whether the second-order condition holds for every
        x > 0, never, only somewhere, or depending on the parameter values.
    """

    __slots__ = ("cost", "objective", "foc", "soc", "constraints", "optimum", "thresholds",
                 "statics", "notes", "convexity")
    _fields = __slots__

    def soc_verdict(self):
        """Whether the second-order condition holds for this cost, in words.

        >>> import powermodel as pm
        >>> pm.Model("log(1 + x)").symbolic.derive().soc_verdict()
        'fails for every x > 0: the cost is concave, so x* is at an end (0, the budget or the cap)'
        """
        return _SOC_VERDICTS[self.convexity]

    def text(self, *, digits=None):
        """Plain-text report (numbers to ``digits`` significant digits, if given)."""
        r = functools.partial(_round_floats, digits=digits)
        lines = [f"cost         f(x) = {r(self.cost)}",
                 f"objective    g(x) = {r(self.objective)}",
                 f"condition    {r(self.foc.lhs)} = {r(self.foc.rhs)}   (first order, interior)",
                 f"second order {r(self.soc)}   (needed for an interior maximum)",
                 f"             {self.soc_verdict()}",
                 "constraints  " + ", ".join(str(r(c)) for c in self.constraints)]
        if self.optimum is not None:
            lines.append(f"optimum      x* = {r(self.optimum)}")
        if self.thresholds is not None:
            lines.append("thresholds (values of N)")
            lines += [f"  {k:<10} {r(v)}" for k, v in self.thresholds.items()]
        if self.statics is not None:
            lines.append("statics")
            if self.statics.x is not None:
                lines += [f"  dx*/d{k:<6} {r(v)}" for k, v in self.statics.x.items()]
                lines += [f"  dg*/d{k:<6} {r(v)}" for k, v in self.statics.value.items()]
            else:
                lines.append("  (implicit, x standing for x*)")
                for regime, forms in self.statics.implicit.items():
                    lines += [f"  {regime:<9}dx*/d{k:<6} {r(v)}" for k, v in forms["x"].items()]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def latex(self, *, digits=None):
        """LaTeX report (``aligned`` blocks; numbers to ``digits`` significant digits)."""
        r = functools.partial(_round_floats, digits=digits)
        parts = [r"f(x) &= " + sp.latex(r(self.cost)),
                 r"g(x) &= " + sp.latex(r(self.objective)),
                 sp.latex(r(self.foc.lhs)) + " &= " + sp.latex(r(self.foc.rhs)),
                 r"&" + sp.latex(r(self.soc)) + r"\quad\text{(needed for an interior maximum; "
                 + _SOC_SHORT[self.convexity] + ")}",
                 r"&" + r",\quad ".join(sp.latex(r(c)) for c in self.constraints)]
        if self.optimum is not None:
            parts.append(r"x^* &= " + sp.latex(r(self.optimum)))
        out = r"\begin{aligned}" + r" \\ ".join(parts) + r"\end{aligned}"
        if self.thresholds is not None:
            th = self.thresholds if digits is None else Thresholds(
                {k: r(v) for k, v in self.thresholds.items()})
            out += "\n" + th.latex()
        if self.statics is not None:
            out += "\n" + self.statics.latex()
        return out

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"


# ---------------------------------------------------------------------------
# The public engine
# ---------------------------------------------------------------------------

def _option(name, value, **rule):
    """None/0 (absent), True (a symbol) or a number (an exact rational)."""
    if value is True:
        return "sym"
    if value is None or value is False:
        return None
    v = V.real(name, value, **rule)
    if np.ndim(v):
        raise InputError(f"`{name}` must be a scalar or True here, got an array")
    return _exact(v)


class SymbolicModel:
    r"""Closed forms for a :class:`~powermodel.model.Model` (``Model.symbolic``).

    Parameters
    ----------
    model : Model
        Its cost must be a family or an expression string (a callable has no
        formula: :class:`~powermodel.errors.UnsolvableError`). Parameters with
        numeric scalar values are substituted; the others stay symbols.

    Notes
    -----
    Every method takes the options ``x_cap`` (``None``: no cap, ``True``: the
    symbol ``x_cap``, or a number), ``overlap`` (rho) and ``runtime_penalty``
    (lambda) (0 by default, the paper's model; ``True`` for a symbol, or a
    number). The extensions enter x* only through the effective diversity
    :math:`n = N (1 - \lambda)/(1 + \rho (N - 1))`.

    Examples
    --------
    >>> import powermodel as pm
    >>> sm = pm.Model("exponential", a=0.5).symbolic
    >>> sm.foc()
    Eq(c*exp(x/2)/2, N)
    >>> sm.thresholds()["onset"]
    c/2
    """

    __slots__ = ("_model", "_cost", "_subs")

    def __init__(self, model):
        from .model import Model

        if not isinstance(model, Model):
            model = Model(model)
        cost = model.cost
        if cost.formula is None:
            raise UnsolvableError(f"the cost {cost.name!r} is a Python callable: it has no formula "
                                  "for SymPy (give a family name or an expression string)")
        subs = tuple(sorted((k, _exact(v)) for k, v in model.params.items() if np.ndim(v) == 0))
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_cost", cost)
        object.__setattr__(self, "_subs", subs)

    def __setattr__(self, name, value):
        raise AttributeError("SymbolicModel is immutable")

    def __repr__(self):
        return f"SymbolicModel({self._model!r})"

    # -- plumbing -------------------------------------------------------------
    def _core(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0, subs=None):
        cap = _option("x_cap", x_cap, low=0, low_open=True)
        rho = _option("overlap", overlap, low=0, high=1) or sp.Integer(0)
        lam = _option("runtime_penalty", runtime_penalty, low=0, high=1, high_open=True) \
            or sp.Integer(0)
        c = self._cost
        bounds = tuple(sorted((k, tuple(v)) for k, v in c.bounds.items()))
        return _core(c.formula, c.convexity, bounds, self._subs if subs is None else subs,
                     cap, rho, lam)

    @property
    def model(self):
        """The :class:`~powermodel.model.Model`."""
        return self._model

    @property
    def symbols(self):
        """The SymPy symbols by name: x, N, P, x_cap, rho, lambda and the cost parameters."""
        core = self._core()
        return {"x": x, "N": N, "P": P, "x_cap": X_CAP, "rho": RHO, "lambda": LAM,
                **core.psyms}

    # -- the model ------------------------------------------------------------
    def cost(self):
        """The cost f(x) as a SymPy expression.

        >>> import powermodel as pm
        >>> pm.Model("quadratic", b=0.0).symbolic.cost()
        c*x**2
        """
        return self._core().f

    def objective(self, *, overlap=0.0, runtime_penalty=0.0):
        r"""Per-instance power :math:`g(x) = (P - f(x))(1 + \rho(N-1))/N + (1-\lambda) x`.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.objective()
        x + (P - x**2)/N
        """
        return self._core(overlap=overlap, runtime_penalty=runtime_penalty).g

    def foc(self, *, overlap=0.0, runtime_penalty=0.0):
        """The first-order condition of an interior optimum, ``Eq(f'(x), n)``.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.foc()
        Eq(2*x, N)
        """
        core = self._core(overlap=overlap, runtime_penalty=runtime_penalty)
        return sp.Eq(core.d1, core.n)

    def soc(self):
        """The second-order condition of an interior maximum, ``f''(x) > 0``.

        >>> import powermodel as pm
        >>> pm.Model("exponential").symbolic.soc()
        a**2*c*exp(a*x) > 0
        """
        return sp.StrictGreaterThan(self._core().d2, 0, evaluate=False)

    def constraints(self, *, x_cap=None):
        """The feasible set: ``x >= 0``, ``f(x) <= P`` (and ``x <= x_cap``), a ``sympy.Tuple``.

        >>> import powermodel as pm
        >>> pm.Model("linear", c=2.0).symbolic.constraints(x_cap=True)
        (x >= 0, 2*x <= P, x <= x_cap)
        """
        core = self._core(x_cap=x_cap)
        cs = [sp.GreaterThan(x, 0, evaluate=False), sp.LessThan(core.f, P, evaluate=False)]
        if core.cap is not None:
            cs.append(sp.LessThan(x, core.cap, evaluate=False))
        return sp.Tuple(*cs)

    def budget(self):
        """X_budget, the largest affordable x: the solution of f(x) = P.

        >>> import powermodel as pm
        >>> pm.Model("quadratic", c=1.0, b=2.0).symbolic.budget()
        sqrt(P + 1) - 1
        """
        return self._core().output("x_budget")

    # -- the optimum ----------------------------------------------------------
    def optimum(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """x* as a ``Piecewise`` over the regimes none, cap, budget, interior.

        Raises
        ------
        UnsolvableError
            For a non-convex cost, a cost of unknown convexity, or when SymPy
            cannot solve (or verify the solution of) ``f'(x) = n`` or ``f(x) = P``.

        Examples
        --------
        >>> import powermodel as pm
        >>> pm.Model("linear", c=2.0).symbolic.optimum(x_cap=True)
        Piecewise((0, N <= 2), (x_cap, x_cap < P/2), (P/2, True))
        """
        return self._core(x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty).output("x")

    def regimes(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """``{regime: (x* in that regime, condition)}`` in the order the conditions are tested.

        >>> import powermodel as pm
        >>> pm.Model("quadratic", c=1.0, b=2.0).symbolic.regimes()["interior"]
        (N/2 - 1, True)
        """
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        return {r: (xr, cond) for r, xr, cond in core.branches()
                if cond is not sp.false}

    def value(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """g* = g(x*), Piecewise over the regimes.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.value()
        Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/4 + P/N, True))
        """
        return self._core(x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty).output("value")

    def learned_share(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """(1 - lambda) x*/g*, Piecewise over the regimes."""
        return self._core(x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty).output("learned_share")

    def compute_multiplier(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """(f(0) + N_eff g*)/P (N g*/P in the paper's model), Piecewise over the regimes.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.compute_multiplier()
        Piecewise((N/sqrt(P), N >= 2*sqrt(P)), ((N**2/4 + P)/P, True))
        """
        return self._core(x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty).output("compute_multiplier")

    # -- shared structure: does x still dominate as N -> oo? --------------------
    def overlap_threshold(self, *, runtime_penalty=0.0):
        r"""The overlap :math:`\rho_c` below which x still comes to dominate as N -> oo.

        With overlap rho the optimum depends on N only through the effective
        diversity :math:`n = N(1-\lambda)/(1+\rho(N-1))`, and the learned share
        :math:`(1-\lambda)x^*/g^*` equals the paper's share at N = n. The paper's
        share rises with N (x* rises, the base part falls), and n rises to
        :math:`(1-\lambda)/\rho`, so the share exceeds 1/2 for large N if and
        only if :math:`(1-\lambda)/\rho > N_{dom}`, the paper's dominance
        threshold: :math:`\rho < \rho_c = (1-\lambda)/N_{dom}` (at
        :math:`\rho = \rho_c` the share tends to exactly 1/2 from below).

        Raises
        ------
        UnsolvableError
            When the dominance threshold has no closed form (then find it
            numerically: ``thresholds(P=...)``), or the cost depends on N.

        Examples
        --------
        >>> import powermodel as pm
        >>> pm.Model("power", k=2.0).symbolic.overlap_threshold()
        sqrt(3)/(2*sqrt(P)*sqrt(c))
        """
        core = self._core(runtime_penalty=runtime_penalty)
        if core.depends_on_N:
            raise UnsolvableError("the cost depends on N: the share is not a function of the "
                                  "effective diversity alone, so there is no single rho_c")
        dom = self.thresholds()["dominance"]
        if not isinstance(dom, sp.Expr) or dom.has(sp.ConditionSet):
            raise UnsolvableError("the dominance threshold has no closed form; find it "
                                  "numerically with thresholds(P=...)")
        return _tidy((1 - core.lam) / dom)

    def limiting_learned_share(self, *, overlap=True, runtime_penalty=0.0):
        r"""The limit of the learned share :math:`(1-\lambda)x^*/g^*` as N -> oo with overlap rho > 0.

        It is the paper's learned share at :math:`N = (1-\lambda)/\rho` (see
        :meth:`overlap_threshold`); ``overlap=True`` keeps rho a symbol.

        Examples
        --------
        >>> import powermodel as pm
        >>> pm.Model("power", k=2.0).symbolic.limiting_learned_share()   # 2/(1 + 4 c rho^2 P)
        Piecewise((1, 1/rho >= 2*sqrt(P)*sqrt(c)), (2/(4*P*c*rho**2 + 1), True))
        """
        core = self._core(overlap=overlap, runtime_penalty=runtime_penalty)
        if core.depends_on_N:
            raise UnsolvableError("the cost depends on N: no fixed large-N limit")
        if core.rho == 0:
            raise InputError("`overlap` must be positive for a large-N limit, got 0")
        share = self._core().output("learned_share", tidy=False)
        return _tidy(share.subs(N, (1 - core.lam) / core.rho))

    # -- thresholds -------------------------------------------------------------
    def thresholds(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """The values of N where the regime changes (a :class:`Thresholds` dict).

        Parameters
        ----------
        P : float, optional
            A value for the budget. Needed for thresholds found numerically
            (non-convex costs, costs depending on N), which also need every
            cost parameter to have a numeric value.

        Raises
        ------
        UnsolvableError
            For a non-convex cost without numeric values, or when the closed
            form fails and no numbers are available.

        Examples
        --------
        >>> import powermodel as pm
        >>> th = pm.Model("quadratic", c=1.0, b=2.0).symbolic.thresholds()
        >>> th["onset"], th["budget"], th["dominance"]
        (2, 2*sqrt(P + 1), 2*sqrt(3*P + 4)/3 + 2/3)
        """
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        Pv = None if P is None else _exact(V.real("P", P, low=0, low_open=True))
        numbers_ok = (Pv is not None and len(self._subs) == len(core.param_names)
                      and not isinstance(core.cap, sp.Symbol)
                      and not isinstance(core.rho, sp.Symbol)
                      and not isinstance(core.lam, sp.Symbol))
        accepts = ("N", "P", "x_cap", "overlap", "runtime_penalty", *core.param_names)
        closed = core.closed
        if isinstance(closed, Exception):
            if numbers_ok:
                vals = self._numeric_thresholds(core, Pv)
                out = Thresholds(vals)
                if core.kind in ("convex", "linear"):
                    # the onset f'(0) needs no inversion: exact even when x* has no closed form
                    try:
                        fp0 = core._at_zero(core.d1)
                        if N not in fp0.free_symbols:
                            out["onset"] = _tidy(core.N_of(fp0))
                    except UnsolvableError:
                        pass
                else:
                    out["jump"] = vals["onset"]
                out._accepts = accepts
                return out
            if core.kind == "nonconvex":
                raise UnsolvableError(
                    "the thresholds of a non-convex cost are found numerically: give every cost "
                    "parameter a numeric value and P (thresholds(P=...))")
            raise UnsolvableError(str(closed))
        out = Thresholds()
        out._accepts = accepts
        numeric = None
        for k, v in core.thresholds().items():
            if isinstance(v, tuple):
                if numbers_ok:
                    if numeric is None:
                        numeric = self._numeric_thresholds(core, Pv)
                    v = numeric[k]
                else:
                    eq = v[1] if Pv is None else v[1].subs(P, Pv)
                    v = sp.ConditionSet(N, eq, sp.Interval.open(0, sp.oo))
            elif Pv is not None:
                v = _tidy(v.subs(P, Pv))
            out[k] = v
        return out

    def _numeric_thresholds(self, core, Pv):
        """First N of each regime change, bracketed on a log grid and refined (k-section)."""
        m = self._model
        opts = dict(P=float(Pv), x_cap=None if core.cap is None else float(core.cap),
                    overlap=float(core.rho), runtime_penalty=float(core.lam), errors="nan")
        preds = {
            "onset": lambda s: s.x > 0,
            "budget": lambda s: s.regime == "budget",
            "cap": lambda s: s.regime == "cap",
            "dominance": lambda s: s.learned_share >= 0.5,
        }
        grid = np.geomspace(1e-12, 1e40, 52 * 20 + 1)
        try:
            s = m.solve(N=grid, **opts)
        except InputError:
            # a cost depending on N may be undefined for small N: start where it is defined
            lo, hi = 0, grid.size - 1
            while hi - lo > 1:
                mid = (lo + hi) // 2
                try:
                    m.solve(N=grid[mid:], **opts)
                    hi = mid
                except InputError:
                    lo = mid
            grid = grid[hi:]
            s = m.solve(N=grid, **opts)
        out = {}
        for name, pred in preds.items():
            hit = np.flatnonzero(pred(s))
            if hit.size == 0:
                out[name] = sp.oo
                continue
            i = hit[0]
            if i == 0:
                out[name] = sp.Integer(0)
                continue
            lo, hi = grid[i - 1], grid[i]
            for _ in range(12):
                if hi / lo - 1 < 1e-14:
                    break
                pts = np.geomspace(lo, hi, 65)
                h = np.flatnonzero(pred(m.solve(N=pts, **opts)))
                j = h[0] if h.size else 64
                lo, hi = pts[max(j - 1, 0)], pts[j]
            out[name] = sp.Float(float(np.sqrt(lo) * np.sqrt(hi)), 17)
        return out

    # -- statics --------------------------------------------------------------
    def statics(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        r"""Derivatives of x* and g* w.r.t. N, P and every cost parameter.

        At an interior optimum :math:`dx^*/dN = 1/f''(x^*)`, :math:`dx^*/dP = 0`,
        :math:`dg^*/dP = 1/N`; in the budget regime :math:`dx^*/dP = 1/f'(x^*)`;
        in the none and cap regimes x* does not move. Pass ``x_cap=True``,
        ``overlap=True`` or ``runtime_penalty=True`` to differentiate with respect
        to them as well.

        Examples
        --------
        >>> import powermodel as pm
        >>> st = pm.Model("power", c=1.0, k=2.0).symbolic.statics()
        >>> st.implicit["interior"]["x"]["N"], st.implicit["budget"]["x"]["P"]
        (1/2, 1/(2*x))
        >>> st.x["N"]
        Piecewise((0, N >= 2*sqrt(P)), (1/2, True))
        >>> st.value["P"]
        Piecewise((1/(2*sqrt(P)), N >= 2*sqrt(P)), (1/N, True))
        """
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        imp = core.implicit
        if isinstance(core.closed, Exception):
            return Statics(x=None, value=None, implicit=imp)
        dx, dg = {}, {}
        for v in core.variables():
            name = v.name
            dx[name] = core.piecewise(lambda r, xr: _tidy(imp[r]["x"][name].subs(x, xr), 1.0))
            dg[name] = core.piecewise(lambda r, xr: _tidy(imp[r]["value"][name].subs(x, xr),
                                                          1.0))
        return Statics(x=dx, value=dg, implicit=imp)

    def elasticities(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        r"""Elasticities :math:`\theta\, \partial y / (y\, \partial\theta)` of x*, g*, learned_share.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.elasticities().x["N"]
        Piecewise((0, N >= 2*sqrt(P)), (1, True))
        """
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        core.branches()  # raises UnsolvableError without a closed form
        G = sp.Dummy("g", positive=True)
        forms = {r: core.elasticity_forms(r, G) for r in core.implicit}
        out = {"x": {}, "value": {}, "learned_share": {}}
        for o in out:
            for v in core.variables():
                def piece(r, xr, o=o, name=v.name):
                    e = forms[r][o][name]
                    if e is sp.nan:
                        return e
                    return _tidy(e.subs(G, core.g.subs(x, xr)).subs(x, xr), 1.0)
                out[o][v.name] = core.piecewise(piece)
        return Elasticities(**out)

    def elasticity_values(self, *, N, P, x_cap=None, overlap=None, runtime_penalty=None,
                          **params):
        """Elasticities at one point, as floats: ``{output: {parameter: d ln y / d ln θ}}``.

        Outputs ``"x"``, ``"value"``, ``"learned_share"``; parameters ``"N"``,
        ``"P"``, every cost parameter, and ``"x_cap"``, ``"overlap"``,
        ``"runtime_penalty"`` when they are given. Found from the implicit-function
        forms at the numeric optimum (so also for costs without a closed-form
        x*); ``nan`` for x* and the learned share in the ``none`` regime (they
        are 0) and at points where x* is unbounded.

        Raises
        ------
        UnsolvableError
            When the cost has no formula to differentiate (a callable).
        InputError
            For invalid or array inputs.

        Examples
        --------
        >>> import powermodel as pm
        >>> e = pm.Model("power", c=1.0, k=2.0).symbolic.elasticity_values(N=100, P=1e6)
        >>> round(e["x"]["N"], 12), round(e["value"]["P"], 6)
        (1.0, 0.997506)
        """
        from .solver import prepare

        m = self._model
        given = [k for k, v in (("x_cap", x_cap), ("overlap", overlap),
                                ("runtime_penalty", runtime_penalty)) if v is not None]
        overlap = 0.0 if overlap is None else overlap
        runtime_penalty = 0.0 if runtime_penalty is None else runtime_penalty
        allp = {**m.params, **params}
        cost, inp, shape, _ = prepare(self._cost, allp, N=N, P=P, x_cap=x_cap, overlap=overlap,
                                      runtime_penalty=runtime_penalty)
        if shape != ():
            raise InputError("elasticity_values takes scalar inputs; use a loop or "
                             "powermodel.sensitivity for arrays")
        s = m.solve(N=N, P=P, x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty,
                    **params)
        core = self._core(x_cap=None if x_cap is None else True, overlap=True,
                          runtime_penalty=True, subs=())
        names = ["N", "P", *core.param_names, *given]
        symname = {"overlap": "rho", "runtime_penalty": "lambda"}
        if s.regime not in core.implicit:
            nan = float("nan")
            return {o: {k: nan for k in names} for o in ("x", "value", "learned_share")}
        G = sp.Symbol("_gstar", positive=True)  # a name no cost parameter can have
        forms = core.elasticity_forms(s.regime, G)
        values = {"x": s.x, "_gstar": s.value, "N": inp["N"], "P": inp["P"],
                  "x_cap": inp["x_cap"], "overlap": inp["overlap"],
                  "runtime_penalty": inp["runtime_penalty"],
                  **{k: inp[k] for k in core.param_names}}
        out = {}
        for o in ("x", "value", "learned_share"):
            out[o] = {}
            for k in names:
                e = forms[o][symname.get(k, k)]
                if e is sp.nan:
                    out[o][k] = float("nan")
                    continue
                fn = NumericFunction(e)
                out[o][k] = fn(**{a: values[a] for a in fn.names})
        return out

    # -- output ------------------------------------------------------------------
    def lambdify(self, what="x", *, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """A cached NumPy function of an output or of any SymPy expression.

        Parameters
        ----------
        what : str or sympy.Expr
            ``"x"``, ``"value"``, ``"learned_share"``, ``"compute_multiplier"``,
            ``"x_budget"``, or an expression (e.g. a threshold or a static).

        Returns
        -------
        NumericFunction
            Takes keyword arguments ``N``, ``P`` and the parameters left symbolic.

        Examples
        --------
        >>> import powermodel as pm
        >>> fx = pm.Model("power").symbolic.lambdify("x")
        >>> fx.names
        ('N', 'P', 'c', 'k')
        >>> fx(N=100, P=1e6, c=1.0, k=2.0)
        50.0
        """
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        if isinstance(what, str):
            what = core.output(what, tidy=False)  # simplification is for display only
        return NumericFunction(what, accepts=("N", "P", "x_cap", "overlap", "runtime_penalty",
                                              *core.param_names))

    def latex(self, obj=None):
        """LaTeX of any expression or result this engine returns; without one, of everything.

        ``sm.latex()`` is ``sm.derive().latex()``: the whole derivation.

        >>> import powermodel as pm
        >>> sm = pm.Model("power", c=1.0, k=2.0).symbolic
        >>> sm.latex(sm.foc())
        '2 x = N'
        >>> sm.latex() == sm.derive().latex()
        True
        """
        if obj is None:
            return self.derive().latex()
        return _latex(obj)

    def derive(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0,
               timeout=DERIVE_TIMEOUT):
        """Everything at once, as a :class:`Derivation` (what ``powermodel derive`` prints).

        ``timeout`` (seconds, default :data:`DERIVE_TIMEOUT`; ``inf`` for none) bounds
        the whole derivation in any thread and on any platform: in the main thread
        of a POSIX process by a timer signal, elsewhere by running the derivation in
        a worker process that is killed at the limit. Past it,
        :class:`~powermodel.errors.UnsolvableError` names the limit.

        >>> import powermodel as pm
        >>> print(pm.Model("linear", c=2.0).symbolic.derive().text())  # doctest: +ELLIPSIS
        cost         f(x) = 2*x
        ...
        optimum      x* = Piecewise((0, N <= 2), (P/2, True))
        ...
        """
        timeout = V.real("timeout", timeout, low=0, low_open=True, allow_inf=True)
        if np.ndim(timeout):
            raise InputError("`timeout` must be a number of seconds, got an array")
        kwargs = dict(P=P, x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        if timeout == float("inf"):
            return self._derive(**kwargs)
        if not _alarm_available():
            return _derive_in_worker(self._model, kwargs, timeout)
        try:
            with _time_limit(timeout, _DeriveTimeout):
                return self._derive(**kwargs)
        except _DeriveTimeout:
            raise UnsolvableError(_timeout_message(timeout)) from None

    def _derive(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        opts = dict(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        notes = []
        optimum = thresholds = statics = None
        try:
            optimum = self.optimum(**opts)
        except UnsolvableError as exc:
            notes.append(f"no closed-form optimum: {exc}")
        try:
            thresholds = self.thresholds(P=P, **opts)
        except UnsolvableError as exc:
            notes.append(f"no thresholds: {exc}")
        statics = self.statics(**opts)
        ext = dict(overlap=overlap, runtime_penalty=runtime_penalty)
        return Derivation(cost=self.cost(), objective=self.objective(**ext),
                          foc=self.foc(overlap=overlap, runtime_penalty=runtime_penalty),
                          soc=self.soc(), constraints=self.constraints(x_cap=x_cap),
                          optimum=optimum, thresholds=thresholds, statics=statics,
                          notes=tuple(notes), convexity=self._core(**opts).kind)


def _timeout_message(timeout):
    return (f"the symbolic derivation did not finish within the time limit of {timeout:g} s "
            "(derive(timeout=...), powermodel.symbolic.DERIVE_TIMEOUT); "
            "use the numeric solver Model.solve")


#: Seconds a worker process may take to start (interpreter, SymPy) on top of the limit.
_WORKER_STARTUP = 15.0


def _derive_in_worker(model, kwargs, timeout):
    """Run ``model.symbolic.derive(**kwargs)`` in a fresh interpreter, killed at the limit.

    Used where no timer signal can interrupt SymPy (outside the main thread, or
    without SIGALRM). The worker imports this same powermodel; the model and the
    result travel as pickles over its stdin and stdout.
    """
    import os
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    try:
        payload = pickle.dumps((model, kwargs, timeout))
    except Exception as exc:  # noqa: BLE001 - e.g. a parameter array of objects
        raise UnsolvableError(f"this model cannot be sent to a worker process ({exc}); "
                              "call derive(timeout=float('inf')) or from the main thread") \
            from None
    root = str(Path(__file__).resolve().parent.parent)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from powermodel.symbolic import _worker_main; _worker_main()")
    try:
        r = subprocess.run([sys.executable, "-c", code, root], input=payload,
                           capture_output=True, timeout=timeout + _WORKER_STARTUP,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except subprocess.TimeoutExpired:
        raise UnsolvableError(_timeout_message(timeout)) from None
    except OSError as exc:  # no interpreter to start (an embedded Python)
        raise UnsolvableError(f"cannot start a worker process for the time limit ({exc}); "
                              "call derive from the main thread or with "
                              "timeout=float('inf')") from None
    try:
        # evaluate(False): rebuilt as they were built (x >= 0 with x non-negative would
        # otherwise evaluate to True on unpickling)
        with sp.evaluate(False):
            status, value = pickle.loads(r.stdout)
    except Exception:  # noqa: BLE001 - the worker died (killed, out of memory)
        tail = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise UnsolvableError(f"the derivation's worker process failed (exit {r.returncode}: "
                              f"{tail[0][:200]})") from None
    if status == "ok":
        return value
    raise value


def _worker_main():
    """Entry point of the worker process of :func:`_derive_in_worker`."""
    import pickle
    import sys

    model, kwargs, timeout = pickle.loads(sys.stdin.buffer.read())
    try:
        out = ("ok", model.symbolic.derive(timeout=timeout if _alarm_available()
                                           else float("inf"), **kwargs))
    except (UnsolvableError, InputError) as exc:
        out = ("error", exc)
    sys.stdout.buffer.write(pickle.dumps(out))
    sys.stdout.buffer.flush()
