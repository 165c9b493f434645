"""The public engine, :class:`SymbolicModel` (``Model(...).symbolic``)."""

import numpy as np
import sympy as sp

from .. import _validation as V
from .._warnings import once_per_call
from ..errors import InputError, UnsolvableError
from ._common import (_alarm_available, _DeriveTimeout, _exact, _latex, _tidy, _time_limit,
                      DERIVE_TIMEOUT, LAM, MAX_FINITE_TIMEOUT, N, P, RHO, x, X_CAP)
from ._engine import _core
from .derivation import _derive_in_worker, _timeout_message, Derivation
from .numeric import NumericFunction
from .statics import Elasticities, Statics
from .thresholds import numeric_jump, numeric_thresholds, Thresholds


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


def _check_timeout(timeout):
    timeout = V.real("timeout", timeout, low=0, low_open=True, allow_inf=True)
    if np.ndim(timeout):
        raise InputError("`timeout` must be a number of seconds, got an array")
    return timeout


def _budget(P):
    """The budget ``P`` given to a method: None (P stays a symbol) or an exact positive number."""
    if P is None:
        return None
    v = V.real("P", P, low=0, low_open=True)
    if np.ndim(v):
        raise InputError("`P` must be a scalar here, got an array")
    return _exact(v)


def _at_budget(obj, Pv):
    """``obj`` (an expression, or dicts and tuples of them) with P = Pv substituted."""
    if Pv is None:
        return obj
    if isinstance(obj, dict):
        return {k: _at_budget(v, Pv) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_at_budget(v, Pv) for v in obj)
    if isinstance(obj, sp.Basic) and obj.has(P):
        return _tidy(obj.subs(P, Pv), 1.0)
    return obj


def _limited(method):
    """Give a method a ``timeout`` (seconds, default :data:`DERIVE_TIMEOUT`), as derive has.

    Inside another limit (``derive`` calling ``optimum``) the outer limit applies.
    """
    import functools

    from ._common import _LIMITS

    name = method.__name__

    @functools.wraps(method)
    def wrapper(self, *, timeout=DERIVE_TIMEOUT, **kwargs):
        timeout = _check_timeout(timeout)
        if timeout > MAX_FINITE_TIMEOUT or _LIMITS:
            return method(self, **kwargs)
        if not _alarm_available():
            return _derive_in_worker(self._model, kwargs, timeout, name)
        try:
            with _time_limit(timeout, _DeriveTimeout):
                return method(self, **kwargs)
        except _DeriveTimeout:
            raise UnsolvableError(_timeout_message(timeout, name)) from None

    wrapper.__doc__ = (method.__doc__ or "") + (
        f"\n        ``timeout`` bounds the call as it bounds :meth:`derive`.\n")
    return once_per_call(wrapper)


class SymbolicModel:
    r"""Closed forms for a :class:`~powermodel.model.Model` (``Model.symbolic``).

    Parameters
    ----------
    model : Model
        A :class:`~powermodel.model.Model` (anything else:
        :class:`~powermodel.errors.InputError`; ``Model(cost).symbolic`` builds
        one from a cost). Its cost must be a family or an expression string (a callable has no
        formula: :class:`~powermodel.errors.UnsolvableError`). Parameters with
        numeric scalar values are substituted; the others stay symbols.

    Notes
    -----
    Every method takes the options ``x_cap`` (``None``: no cap, ``True``: the
    symbol ``x_cap``, or a number), ``overlap`` (rho) and ``runtime_penalty``
    (lambda) (0 by default, the paper's model; ``True`` for a symbol, or a
    number). The results :meth:`optimum`, :meth:`regimes`, :meth:`value`,
    :meth:`learned_share`, :meth:`compute_multiplier`, :meth:`thresholds`,
    :meth:`statics`, :meth:`elasticities` and :meth:`derive` also take ``P``
    (``None``: the symbol P, or a positive number substituted for it) and
    ``timeout`` (seconds, as :meth:`derive`). The extensions enter x* only through the effective diversity
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
        # duck-typed: this package does not import powermodel.model (which imports it)
        if not (hasattr(model, "cost") and hasattr(model, "params")):
            raise InputError(f"`model` must be a powermodel.Model, got {model!r} "
                             "(use Model(cost, ...).symbolic)")
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

    def __reduce__(self):  # pickle and copy: rebuilt from its model
        return (SymbolicModel, (self._model,))

    # -- plumbing -------------------------------------------------------------
    def _core(self, *, x_cap=None, overlap=0.0, runtime_penalty=0.0, subs=None, P=None):
        cap = _option("x_cap", x_cap, low=0, low_open=True)
        rho = _option("overlap", overlap, low=0, high=1) or sp.Integer(0)
        lam = _option("runtime_penalty", runtime_penalty, low=0, high=1, high_open=True) \
            or sp.Integer(0)
        c = self._cost
        bounds = tuple(sorted((k, tuple(v)) for k, v in c.bounds.items()))
        args = (c.formula, c.convexity, bounds, self._subs if subs is None else subs, cap, rho, lam)
        core = _core(*args)
        if core.kinked is not None and P is not None:
            # a kinked cost is solved at the given budget (its pieces, jumps and the piece
            # holding X_budget depend on P); a smooth one with P a symbol, substituted after
            core = _core(*args, P)
        return core

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
        core.require_split()
        return sp.Eq(core.d1, core.n)

    def soc(self):
        """The second-order condition of an interior maximum, ``f''(x) > 0``.

        >>> import powermodel as pm
        >>> pm.Model("exponential").symbolic.soc()
        a**2*c*exp(a*x) > 0
        """
        core = self._core()
        core.require_split()
        return sp.StrictGreaterThan(core.d2, 0, evaluate=False)

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
    @_limited
    def optimum(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """x* as a ``Piecewise`` over the regimes none, cap, budget, interior.

        For a cost with kinks the regimes are named by piece and kink:
        ``"interior 2"`` (inside the second piece from x = 0), ``"kink 1"`` (at
        the first kink), ``"budget 2"``; see :mod:`powermodel.symbolic.kinks`.

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
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.optimum(P=10**6)
        Piecewise((1000, N >= 2000), (N/2, True))
        """
        Pv = _budget(P)
        return _at_budget(self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty,
                                     P=Pv).output("x"), Pv)

    @_limited
    def regimes(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """``{regime: (x* in that regime, condition)}`` in the order the conditions are tested.

        >>> import powermodel as pm
        >>> pm.Model("quadratic", c=1.0, b=2.0).symbolic.regimes()["interior"]
        (N/2 - 1, True)
        """
        Pv = _budget(P)
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty, P=Pv)
        return {r: _at_budget((xr, cond), Pv) for r, xr, cond in core.branches()
                if cond is not sp.false}

    @_limited
    def value(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """g* = g(x*), Piecewise over the regimes.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.value()
        Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/4 + P/N, True))
        """
        Pv = _budget(P)
        return _at_budget(self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty,
                                     P=Pv).output("value"), Pv)

    @_limited
    def learned_share(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """(1 - lambda) x*/g*, Piecewise over the regimes."""
        Pv = _budget(P)
        return _at_budget(self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty,
                                     P=Pv).output("learned_share"), Pv)

    @_limited
    def compute_multiplier(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """(f(0) + N_eff g*)/P (N g*/P in the paper's model), Piecewise over the regimes.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.compute_multiplier()
        Piecewise((N/sqrt(P), N >= 2*sqrt(P)), ((N**2/4 + P)/P, True))
        """
        Pv = _budget(P)
        return _at_budget(self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty,
                                     P=Pv).output("compute_multiplier"), Pv)

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
    @_limited
    def thresholds(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        """The values of N where the regime changes (a :class:`Thresholds` dict).

        Parameters
        ----------
        P : float, optional
            A value for the budget. Needed for thresholds found numerically
            (non-convex costs, costs depending on N), which also need every
            cost parameter to have a numeric value, and for a cost with kinks
            that is neither convex nor concave piece by piece (solved exactly,
            see :mod:`powermodel.symbolic.kinks`).

        Raises
        ------
        UnsolvableError
            For a non-convex cost without numeric values, or when the closed
            form fails and no numbers are available; for a cost with kinks that
            cannot be split into smooth pieces or solved piece by piece (never
            a grid search for those).

        Examples
        --------
        >>> import powermodel as pm
        >>> th = pm.Model("quadratic", c=1.0, b=2.0).symbolic.thresholds()
        >>> th["onset"], th["budget"], th["dominance"]
        (2, 2*sqrt(P + 1), 2*sqrt(3*P + 4)/3 + 2/3)
        """
        Pv = _budget(P)
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty, P=Pv)
        numbers_ok = (Pv is not None and len(self._subs) == len(core.param_names)
                      and not isinstance(core.cap, sp.Symbol)
                      and not isinstance(core.rho, sp.Symbol)
                      and not isinstance(core.lam, sp.Symbol))
        accepts = ("N", "P", "x_cap", "overlap", "runtime_penalty", *core.param_names)
        closed = core.closed
        if isinstance(closed, Exception):
            if core.kinked is not None or core.kink_error is not None:
                # found piece by piece or not at all: a grid search cannot place a kink's
                # thresholds exactly, nor tell a jump from a steep rise
                raise type(closed)(str(closed))
            if numbers_ok:
                vals = numeric_thresholds(self._model, core, Pv)
                out = Thresholds(vals)
                if core.kind in ("convex", "linear"):
                    # the onset f'(0) needs no inversion: exact even when x* has no closed form
                    try:
                        fp0 = core._at_zero(core.d1)
                        if N not in fp0.free_symbols:
                            out["onset"] = _tidy(core.N_of(fp0))
                    except UnsolvableError:
                        pass
                elif numeric_jump(self._model, core, Pv, vals["onset"]):
                    out["jump"] = vals["onset"]  # (only where x* leaps: checked numerically)
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
                        numeric = numeric_thresholds(self._model, core, Pv)
                    v = numeric[k]
                else:
                    eq = _at_budget(v[1], Pv)  # (the symbol P: the argument shadows it)
                    v = sp.ConditionSet(N, eq, sp.Interval.open(0, sp.oo))
            else:
                v = _at_budget(v, Pv)
            out[k] = v
        return out

    # -- statics --------------------------------------------------------------
    @_limited
    def statics(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
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
        Pv = _budget(P)
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty, P=Pv)
        core.require_split()
        imp = core.implicit
        if isinstance(core.closed, Exception):
            return Statics(x=None, value=None, implicit=_at_budget(imp, Pv))
        dx, dg = {}, {}
        for v in core.variables():
            name = v.name
            dx[name] = core.piecewise(lambda r, xr: _tidy(imp[r]["x"][name].subs(x, xr), 1.0))
            dg[name] = core.piecewise(lambda r, xr: _tidy(imp[r]["value"][name].subs(x, xr),
                                                          1.0))
        return Statics(x=_at_budget(dx, Pv), value=_at_budget(dg, Pv),
                       implicit=_at_budget(imp, Pv))

    @_limited
    def elasticities(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0):
        r"""Elasticities :math:`\theta\, \partial y / (y\, \partial\theta)` of x*, g*, learned_share.

        >>> import powermodel as pm
        >>> pm.Model("power", c=1.0, k=2.0).symbolic.elasticities().x["N"]
        Piecewise((0, N >= 2*sqrt(P)), (1, True))
        """
        Pv = _budget(P)
        core = self._core(x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty, P=Pv)
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
                    return _tidy(e.subs(G, core.g_of(r).subs(x, xr)).subs(x, xr), 1.0)
                out[o][v.name] = core.piecewise(piece)
        return Elasticities(**_at_budget(out, Pv))

    @once_per_call
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
        from ..solver import prepare

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
        regime = str(s.regime)
        if core.kinked is not None or core.kink_error is not None:
            # a kinked cost: split at this point's values, and name the regime by the piece
            # or kink that holds x*
            point = tuple(sorted((k, _exact(float(inp[k]))) for k in core.param_names))
            core = self._core(x_cap=None if x_cap is None else True, overlap=True,
                              runtime_penalty=True, subs=point)
            core.require_split()
            regime = core.regime_at(regime, float(s.x))
        names = ["N", "P", *core.param_names, *given]
        symname = {"overlap": "rho", "runtime_penalty": "lambda"}
        if regime not in core.implicit:
            nan = float("nan")
            return {o: {k: nan for k in names} for o in ("x", "value", "learned_share")}
        G = sp.Symbol("_gstar", positive=True)  # a name no cost parameter can have
        forms = core.elasticity_forms(regime, G)
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

    @once_per_call
    def derive(self, *, P=None, x_cap=None, overlap=0.0, runtime_penalty=0.0,
               timeout=DERIVE_TIMEOUT):
        """Everything at once, as a :class:`Derivation` (what ``powermodel derive`` prints).

        ``timeout`` (seconds, default :data:`DERIVE_TIMEOUT`; ``inf``, or anything
        above :data:`MAX_FINITE_TIMEOUT`, for none) bounds
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
        timeout = _check_timeout(timeout)
        kwargs = dict(P=P, x_cap=x_cap, overlap=overlap, runtime_penalty=runtime_penalty)
        if timeout > MAX_FINITE_TIMEOUT:  # timers overflow past about 1e9 s
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
        core = self._core(**opts)
        # a kinked cost that cannot be split, or whose pieces cannot be classified, is
        # refused as a whole: its f' and f'' would be DiracDelta and Heaviside terms
        core.require_split()
        convexity = core.kind
        kc = core.kinked
        at = {}
        if kc is not None and P is not None and isinstance(core.closed, Exception):
            at = {"P": P}  # x* can jump between pieces: solved at the given budget
        notes = []
        optimum = thresholds = statics = None
        try:
            optimum = self.optimum(timeout=np.inf, **opts, **at)  # (derive's limit applies)
        except UnsolvableError as exc:
            notes.append(f"no closed-form optimum: {exc}")
        try:
            thresholds = self.thresholds(P=P, timeout=np.inf, **opts)
        except UnsolvableError as exc:
            notes.append(f"no thresholds: {exc}")
        statics = self.statics(timeout=np.inf, **opts, **at)
        ext = dict(overlap=overlap, runtime_penalty=runtime_penalty)
        return Derivation(cost=self.cost(), objective=self.objective(**ext),
                          foc=self.foc(overlap=overlap, runtime_penalty=runtime_penalty),
                          soc=self.soc(), constraints=self.constraints(x_cap=x_cap),
                          optimum=optimum, thresholds=thresholds, statics=statics,
                          notes=tuple(notes), convexity=convexity,
                          pieces=None if kc is None else kc.piecewise(),
                          kinks=() if kc is None else kc.kinks)
