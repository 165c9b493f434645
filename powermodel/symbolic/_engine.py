"""The derivation core: everything derived for one cost, cached per (cost, values, options)."""

import functools

import numpy as np
import sympy as sp

from ..errors import InputError, UnsolvableError
from ..expressions import parse
from ._common import (_exact, _KAPPA, _OUTPUTS, _param_symbol, _proved_curvature,
                      _sampled_curvature, _T, _tidy, _time_limit, _Timeout, _XP, LAM, N, P, RHO,
                      SOLVE_TIMEOUT, x, X_CAP)
from .kinked_optimum import implicit_equations, solve_kinked
from .kinks import has_kinks, kinked_cost


class _Core:
    """Everything derived for one cost, one set of substituted values and options."""

    def __init__(self, formula, convexity, bounds, subs, cap, rho, lam, Pv=None):
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
        f_full = parsed.to_sympy(syms)
        # number literals exact, as parameter values are (0.01 -> 1/100): a Float in f would
        # leave every inversion 15 digits off, and the substitution check would reject it
        self.f_full = f_full.xreplace({v: _exact(v) for v in f_full.atoms(sp.Float)})
        # a cost with abs, min or max: split into smooth pieces (a single piece: smooth on
        # x >= 0, and solved as any smooth cost)
        self.kinked = self.kink_error = None
        self.P_value = Pv
        if has_kinks(self.f_full):
            try:
                kc = kinked_cost(self.f_full, self.subs, formula, self._sample_value)
            except (UnsolvableError, InputError) as exc:
                self.kink_error = exc
            else:
                if len(kc.pieces) == 1:
                    self.f_full = kc.pieces[0].full
                else:
                    self.kinked = kc
        self.f = self.f_full.subs(self.subs)
        if self.kinked is not None:  # f' and f'' piece by piece, open at the kinks
            self.d1 = self.kinked.piecewise("d1")
            self.d2 = self.kinked.piecewise("d2")
        else:
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

    def require_split(self):
        """Raise the reason a kinked cost cannot be split into smooth pieces, if any."""
        if self.kink_error is not None:
            raise type(self.kink_error)(str(self.kink_error))

    @functools.cached_property
    def kind(self):
        """``"linear"``, ``"convex"``, ``"concave"``, ``"nonconvex"`` or ``"unknown"``; for a
        cost with kinks ``"kinked-convex"``, ``"kinked-concave"`` or ``"kinked"``."""
        self.require_split()
        if self.kinked is not None:
            return self.kinked.kind
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
        kind = _proved_curvature(d2p)
        if kind is not None:
            return kind
        free = d2p.free_symbols - {_XP}
        if not free:
            kind = _sampled_curvature(d2p, _XP, np.geomspace(1e-8, 1e8, 1601))
            return "unknown" if kind is None else kind
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
            if self.d2.free_symbols - {x}:
                raise UnsolvableError(
                    f"convexity of the cost {self.formula!r} cannot be established for "
                    "symbolic parameters; give them numeric values or use Model.solve")
            raise UnsolvableError(
                f"convexity of the cost {self.formula!r} cannot be established (its second "
                "derivative cannot be evaluated numerically); use Model.solve")

    @functools.cached_property
    def closed(self):
        """(branches, parts) or the UnsolvableError to raise."""
        if self.kink_error is not None:
            return self.kink_error
        if self.kinked is not None:
            return self._kinked_closed()
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

    def _kinked_closed(self):
        if self.depends_on_N:
            return UnsolvableError(f"the kinked cost {self.formula!r} depends on N, so its kinks "
                                   "move with N: no thresholds in closed form; use Model.solve")
        if isinstance(self.cap, sp.Symbol):
            return UnsolvableError(f"the cost {self.formula!r} has kinks: give x_cap a number "
                                   "(a symbolic cap is not supported for it)")
        try:
            res = solve_kinked(self.kinked, P if self.P_value is None else self.P_value,
                               self.cap, self.n)
        except (UnsolvableError, InputError) as exc:
            return exc
        return res.branches, {"xb": res.xb, "kinked": res}

    def piece_f(self, regime):
        """The cost (values substituted) in a regime: piece by piece for a kinked cost."""
        kc = self.kinked
        if kc is None:
            return self.f
        name, _, i = regime.partition(" ")
        if name == "none":
            return kc.pieces[0].f
        if name == "cap" and not i:
            return kc.truncated(self.cap)[-1].f
        return kc.pieces[int(i) - (0 if name == "kink" else 1)].f  # ("cap 2": a symbolic cap)

    def regime_at(self, regime, xv):
        """A kinked cost's name for the numeric solver's regime at x* = xv: the piece
        ("interior 2", "budget 2", "cap 2" with a symbolic cap) or the kink ("kink 1")
        that holds it."""
        if self.kinked is None or regime not in ("interior", "budget", "cap"):
            return regime
        if regime == "cap" and not isinstance(self.cap, sp.Symbol):
            return regime
        pieces = self.kinked.pieces
        for i, p in enumerate(pieces[1:], 1):
            k = float(p.lo)
            if regime == "interior" and abs(xv - k) <= 1e-9 * (1 + abs(k)):
                return f"kink {i}"
            if xv < k:
                return f"{regime} {i}"
        return f"{regime} {len(pieces)}"

    def g_of(self, regime):
        """g(x) in a regime (piece by piece for a kinked cost)."""
        if self.kinked is None:
            return self.g
        return (P - self.piece_f(regime)) * self.carry / N + (1 - self.lam) * x

    def branches(self):
        c = self.closed
        if isinstance(c, Exception):
            raise type(c)(str(c))
        return c[0]

    def parts(self):
        c = self.closed
        if isinstance(c, Exception):
            raise type(c)(str(c))
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
            return self.piecewise(lambda r, xr: t(self.g_of(r).subs(x, xr)))
        if name == "learned_share":
            return self.piecewise(lambda r, xr: sp.Integer(0) if xr == 0 else
                                  t((1 - self.lam) * xr / self.g_of(r).subs(x, xr)))
        if name == "compute_multiplier":
            f0 = self.piece_f("none").subs(x, 0)
            return self.piecewise(lambda r, xr: t((f0 + self.n_eff * self.g_of(r).subs(x, xr))
                                                  / P))
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
        if self.kinked is not None:
            for k, v in parts["kinked"].thresholds.items():
                if isinstance(v, tuple):  # no closed form: n x* + f(x*) = P
                    xs = self.output("x", tidy=False)
                    out[k] = ("implicit", sp.Eq(self.n * xs + self.f.subs(x, xs), P))
                elif isinstance(v, sp.Piecewise):
                    out[k] = sp.Piecewise(*[(_tidy(self.N_of(e)), c) for e, c in v.args])
                else:
                    out[k] = _tidy(self.N_of(v))
            return out
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
        if self.kinked is not None:  # one equation per piece, per kink
            eqs = [(r, E, (P - fr) * self.carry / N + (1 - self.lam) * x)
                   for r, E, fr in implicit_equations(self.kinked, self.cap, n)]
        else:
            eqs = [("none", x, g), ("interior", sp.diff(f, x) - n, g), ("budget", f - P, g)]
            if self.cap is not None:
                eqs.append(("cap", x - self.cap, g))
        out = {}
        for regime, E, g in eqs:
            gx = sp.diff(g, x)
            Ex = sp.diff(E, x)
            dx, dg = {}, {}
            for v in self.variables():
                # raw quotients: simplify() may multiply through by exp(x/s) and overflow
                d = (-sp.diff(E, v) / Ex).subs(self.subs)
                dx[v.name] = d
                dg[v.name] = (sp.diff(g, v) + (0 if regime.startswith("interior") else gx * d)
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
def _core(formula, convexity, bounds, subs, cap, rho, lam, Pv=None):
    return _Core(formula, convexity, bounds, subs, cap, rho, lam, Pv)
