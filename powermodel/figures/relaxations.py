"""Relaxations of the paper's assumptions: the compute multiplier, shared structure,
a speed prior, costs that grow with N, nested levels and novel instances."""

import numpy as np

from .. import plotting as pl
from ..model import Model
from ._common import (BASE, BASE_P, _Table, _check_resolution, _exact_number, _finish, _grid,
                      _letter, _new_figure, _panel_label, _plain, _register)
from .phases import overlap_threshold


def _limit(model, P, rho, lam=0.0):
    """x*, g* and the learned share as N -> inf with overlap rho (via the effective diversity)."""
    from ..extensions import large_N_limit

    lim = large_N_limit(model, P=P, overlap=rho, runtime_penalty=lam)
    return lim, (1 - lam) * lim.x / lim.value


@_register("multiplier")
def multiplier(out=None, *, model=BASE, N=(1.0, 1e6), P=BASE_P,
               overlaps=(0.0, 0.001, 0.01), runtime_penalty=0.5, resolution=300, seed=0):
    """The compute multiplier M = P'/P against N: the price of holding x at 0.

    P' = f(0) + N_eff g* is the base power a system held at x = 0 needs to
    reach g* (N_eff = N/(1 + rho(N - 1))), so M = N g*/P only for f(0) = 0 and
    rho = 0. Curves: the paper's model (rho = 0), shared structure rho > 0
    (bounded; dashed lines at the limits, gid ``"asymptote"``), and a speed prior
    lambda. Numbers: ``multiplierAt<Thousand|TenThousand|Million>`` (rho = 0),
    ``multiplierOverlap<A,B>AtMillion`` and the limits as N -> inf
    ``multiplierOverlap<A,B>Limit`` = (f(0) + g*_inf / rho)/P, with g*_inf from
    :func:`powermodel.large_N_limit` (for f = c x^2: 1 + 1/(4 c rho^2 P)).
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    curves = {}
    for rho in overlaps:
        curves["ρ = 0 (paper)" if rho == 0 else f"ρ = {rho:g}"] = (model, {"overlap": rho})
    if runtime_penalty:
        curves[f"λ = {runtime_penalty:g}"] = (model, {"runtime_penalty": runtime_penalty})
    t = _Table()
    nums = {"multiplierP": P}
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.compute_multiplier(curves, N=Ng, P=P, ax=ax)
        j = 0
        for i, (label, (m, kw)) in enumerate(curves.items()):
            s = m.solve(N=Ng, P=P, **kw)
            t.add("multiplier", label, Ng, s.compute_multiplier)
            if kw.get("overlap", 0) == 0 and "runtime_penalty" not in kw:
                for n, word in ((1e3, "Thousand"), (1e4, "TenThousand"), (1e6, "Million")):
                    nums[f"multiplierAt{word}"] = m.solve(N=n, P=P).compute_multiplier
            elif "overlap" in kw:
                key = f"multiplierOverlap{_letter(j)}"
                rho = kw["overlap"]
                lim, _ = _limit(m, P, rho)
                mlim = (float(m.cost_value(0.0)) + lim.value / rho) / P
                h = ax.axhline(mlim, color=pl.PALETTE[i % len(pl.PALETTE)], ls="--", lw=0.7)
                h.set_gid("asymptote")
                t.add("limit", label, Ng[-1], mlim)
                nums[key + "Rho"] = rho
                nums[key + "AtMillion"] = m.solve(N=1e6, P=P, **kw).compute_multiplier
                nums[key + "Limit"] = mlim
                j += 1
            else:
                nums["multiplierSpeedAtMillion"] = m.solve(N=1e6, P=P, **kw).compute_multiplier
                nums["multiplierSpeedLambda"] = kw["runtime_penalty"]
        ax.legend(loc="upper left")
        ax.set_title(f"P = {_plain(P)} bits; dashed: limits as N → ∞", fontsize=6.5,
                     loc="right")
        return _finish("multiplier", fig, t, nums, out,
                       digits={k: 5 for k in nums if k.startswith("multiplierOverlap")})


@_register("overlap")
def overlap(out=None, *, model=BASE, N=(1.0, 1e7), P=BASE_P,
            overlaps=(0.0, 0.0008, 0.001, 0.01, 0.1), budget_rho=1e-4,
            speed_example=(0.5, 6e-4), resolution=300, seed=0):
    """Shared structure: with rho > 0, x* stays bounded; x dominates only while rho < rho_c.

    Panel a: x*(N) for several rho with the large-N limits (the optimum at the
    limiting effective diversity N_eff = 1/rho, :func:`powermodel.large_N_limit`;
    gid ``"asymptote"``). Panel b: the learned share x*/g* on a log axis, with its
    limits as N -> inf (gid ``"asymptote"``). Numbers: ``overlapP``, ``overlapRhoC``
    (rho_c); per rho > 0 (A, B, ...): ``overlap<A>Rho``, ``overlap<A>Limit`` (x* as
    N -> inf), ``overlap<A>XAtMillion``, ``overlap<A>ShareLimit`` (the supremum of
    the share: it rises with N towards this limit), ``overlap<A>NovelRatioAtMillion``;
    ``overlapRhoB`` (rho_b, below which the budget binds in the limit:
    :func:`powermodel.symbolic.limits.overlap_budget_threshold`), the limits at
    ``budget_rho`` (``overlapBudget<Rho|Limit|ShareLimit|MultiplierLimit>``) and at
    ``speed_example`` = (lambda, rho) (``overlapSpeed<Lambda|Rho|RhoC|ShareLimit>``).
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    curves = {("ρ = 0 (paper)" if r == 0 else f"ρ = {r:g}"): (model, {"overlap": r})
              for r in overlaps}
    t = _Table()
    rho_c = overlap_threshold(model, P)
    nums = {"overlapP": P, "overlapRhoC": rho_c, "overlapRhoB": _budget_threshold(model, P)}
    # below rho_b the budget binds in the limit: x* -> X_budget, share -> 1
    lim, share = _limit(model, P, budget_rho)
    nums.update(overlapBudgetRho=budget_rho, overlapBudgetLimit=lim.x,
                overlapBudgetShareLimit=share,
                overlapBudgetMultiplierLimit=(float(model.cost_value(0.0))
                                              + lim.value / budget_rho) / P)
    # a speed prior lowers rho_c by (1 - lambda): the counterexample of the review
    lam, rho_s = speed_example
    nums.update(overlapSpeedLambda=lam, overlapSpeedRho=rho_s,
                overlapSpeedRhoC=overlap_threshold(model, P, lam),
                overlapSpeedShareLimit=_limit(model, P, rho_s, lam)[1])
    with pl.style():
        fig, (a1, a2) = _new_figure(2, height=4.6)
        pl.optimum_vs_N(curves, N=Ng, P=P, ax=a1, mark=False)
        pl.learned_share(curves, N=Ng, P=P, ax=a2)
        j = 0
        for i, (label, (m, kw)) in enumerate(curves.items()):
            s = m.solve(N=Ng, P=P, **kw)
            t.add("a", label, Ng, s.x)
            t.add("b", label, Ng, s.learned_share)
            rho = kw["overlap"]
            if rho > 0:
                lim, share = _limit(m, P, rho)
                color = pl.PALETTE[i % len(pl.PALETTE)]
                for ax_, v in ((a1, lim.x), (a2, share)):
                    h = ax_.axhline(v, color=color, ls=(0, (2, 2)), lw=0.6)
                    h.set_gid("asymptote")
                t.add("a", f"{label} limit", Ng[-1], lim.x)
                t.add("b", f"{label} limit", Ng[-1], share)
                key = f"overlap{_letter(j)}"
                s6 = m.solve(N=1e6, P=P, **kw)
                nums.update({key + "Rho": rho, key + "Limit": lim.x, key + "XAtMillion": s6.x,
                             key + "ShareLimit": share,
                             key + "NovelRatioAtMillion": s6.novel_ratio,
                             # the dotted line of panel b (nan when the share stays below 1/2)
                             key + "DominanceN": pl.crossing(m, Ng, "learned_share", 0.5, P=P,
                                                             **kw)})
                j += 1
        a1.set_ylim(0.01, 5e3)
        a1.legend(loc="lower right", fontsize=5.8)
        a1.set_title(f"f = x², P = {_plain(P)} bits; ρ_c = {rho_c:.3g}", fontsize=6.5,
                     loc="right") if model is BASE else None
        a2.set_yscale("log")
        a2.set_ylim(1e-6, 1.5)
        a2.get_legend().remove()
        a2.set_ylabel("learned share x*/g* (log axis)")
        _panel_label(a1, "a")
        _panel_label(a2, "b")
        return _finish("overlap", fig, t, nums, out, digits={"overlapRhoC": 3})


def _budget_threshold(model, P, runtime_penalty=0.0):
    """rho_b at base power P (closed form), else (1 - lambda)/N_budget found numerically."""
    from ..errors import UnsolvableError
    from ..symbolic.limits import overlap_budget_threshold

    try:
        expr = overlap_budget_threshold(model.symbolic, runtime_penalty=runtime_penalty)
        return float(expr.subs(model.symbolic.symbols["P"], _exact_number(P)).evalf(30))
    except UnsolvableError:
        trs = pl.transitions(model, _grid(1e-3, 1e15, 400), P=P)
        nb = next((tr["N"] for tr in trs if tr["to"] == "budget"), np.inf)
        return (1 - runtime_penalty) / nb


@_register("speed_prior")
def speed_prior(out=None, *, model=BASE, N=(1.0, 1e5), P=BASE_P, penalties=(0.0, 0.5, 0.8),
                resolution=300, seed=0):
    """Speed prior: the learned share (1 - lambda) x*/g* for several runtime penalties lambda.

    The learned contribution under a speed prior is (1 - lambda) x*, so the share
    counts (1 - lambda) x* (the same definition everywhere: ``Solution.learned_share``).
    Numbers per lambda (A, B, ...): ``speed<A>Lambda`` and ``speed<A>DominanceN``
    (where the learned share reaches 1/2; nan if never; for f = c x^2 the closed
    form is sqrt(4cP/3)/(1 - lambda)).
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    curves = {("λ = 0 (paper)" if lam == 0 else f"λ = {lam:g}"): (model, {"runtime_penalty": lam})
              for lam in penalties}
    t = _Table()
    nums = {}
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.learned_share(curves, N=Ng, P=P, ax=ax)
        for i, (label, (m, kw)) in enumerate(curves.items()):
            s = m.solve(N=Ng, P=P, **kw)
            t.add("share", label, Ng, s.learned_share)
            nd = pl.crossing(m, Ng, "learned_share", 0.5, P=P, **kw)
            t.add("dominance", label, nd, 0.5)
            nums[f"speed{_letter(i)}Lambda"] = kw["runtime_penalty"]
            nums[f"speed{_letter(i)}DominanceN"] = nd
        ax.legend(loc="upper left")
        ax.set_title(f"P = {_plain(P)} bits", fontsize=6.5, loc="right")
        return _finish("speed_prior", fig, t, nums, out, digits={
            k: 4 for k in nums if k.endswith("DominanceN")})


LOGN_MODEL = Model("power-logN", c=1.0, k=2.0, beta=0.0)
#: A cost that grows as a power of N: c x^2 N^gamma (x* = N^(1 - gamma)/(2c) when interior).
GAMMA_MODEL = Model("c*x**2*N**gamma", c=1.0, gamma=0.0)


@_register("cost_depends_on_N")
def cost_depends_on_N(out=None, *, model=LOGN_MODEL, gamma_model=GAMMA_MODEL, N=(1.0, 1e5),
                      P=BASE_P, betas=(0.0, 1.0, 5.0), gammas=(0.0, 0.5, 1.0, 1.5),
                      resolution=300, seed=0):
    """Costs that grow with N: x*(N) need not rise, and can fall at every N.

    Panel a: c x^k (1 + beta ln N). For k = 2, x* = N / (2c(1 + beta ln N)) while
    interior, which falls with N while ln N < 1 - 1/beta: for beta > 1 the
    smallest x* is at N = e^(1 - 1/beta) (marked), below which the conclusion
    flips only for N < e. Panel b: c x^2 N^gamma: x* = N^(1 - gamma)/(2c) falls
    with N at every N for gamma > 1, is flat at gamma = 1.
    Numbers per beta (A, B, ...): ``logN<A>Beta``, ``logN<A>XAtThousand`` and, for
    beta > 1 with the power-logN family, ``logN<A>MinN`` = e^(1 - 1/beta) (the
    closed form; k does not enter) and ``logN<A>MinX`` (x* there). Per gamma
    (A, B, ...): ``gamma<A>Gamma``, ``gamma<A>XAtThousand``, ``gamma<A>XAtHundredThousand``.
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    curves = {f"β = {b:g}": model.with_params(beta=b) for b in betas}
    t = _Table()
    nums = {}
    with pl.style():
        fig, (a1, a2) = _new_figure(2, height=4.6)
        pl.optimum_vs_N(curves, N=Ng, P=P, ax=a1, mark=False)
        for i, (label, m) in enumerate(curves.items()):
            s = m.solve(N=Ng, P=P)
            t.add("a", label, Ng, s.x)
            key = f"logN{_letter(i)}"
            beta = m.params["beta"]
            nums[key + "Beta"] = beta
            nums[key + "XAtThousand"] = m.solve(N=1e3, P=P).x
            nums[key + "XAtHundredThousand"] = m.solve(N=1e5, P=P).x
            nb = next((tr for tr in pl.transitions(m, Ng, P=P) if tr["to"] == "budget"), None)
            if nb is not None:
                # from here x* = X_budget(N), which shrinks as the cost grows with N
                nums[key + "BudgetN"], nums[key + "BudgetX"] = nb["N"], nb["x_above"]
                (mk,) = a1.plot([nb["N"]], [nb["x_above"]], ls="none", marker="x", ms=4,
                                color=pl.PALETTE[i % len(pl.PALETTE)])
                mk.set_gid("budget")
                t.add("a", f"{label} budget binds", nb["N"], nb["x_above"])
            if beta > 1 and m.cost.name == "power-logN":
                nmin = float(np.exp(1 - 1 / beta))
                xmin = m.solve(N=nmin, P=P).x
                nums[key + "MinN"] = nmin
                nums[key + "MinX"] = xmin
                (mk,) = a1.plot([nmin], [xmin], ls="none", marker="o", mfc="white",
                                color=pl.PALETTE[i % len(pl.PALETTE)])
                mk.set_gid("minimum")
                t.add("a", f"{label} minimum", nmin, xmin)
        a1.legend(loc="upper left", fontsize=6, title="c x²(1 + β ln N)", title_fontsize=6)
        a1.set_title(f"P = {_plain(P)} bits", fontsize=6.5, loc="right")
        curves2 = {f"γ = {g:g}": gamma_model.with_params(gamma=g) for g in gammas}
        pl.optimum_vs_N(curves2, N=Ng, P=P, ax=a2, mark=False)
        for i, (label, m) in enumerate(curves2.items()):
            t.add("b", label, Ng, m.solve(N=Ng, P=P).x)
            key = f"gamma{_letter(i)}"
            nums[key + "Gamma"] = m.params["gamma"]
            nums[key + "XAtThousand"] = m.solve(N=1e3, P=P).x
            nums[key + "XAtHundredThousand"] = m.solve(N=1e5, P=P).x
            nums[key + "ShareAtTenTrillion"] = m.solve(N=1e13, P=P).learned_share
            for what, v in _gamma_thresholds(m, P).items():
                nums[key + what] = v
            nb = nums[key + "BudgetN"]
            if Ng[0] <= nb <= Ng[-1]:
                xb = m.solve(N=nb, P=P).x
                (mk,) = a2.plot([nb], [xb], ls="none", marker="x", ms=4,
                                color=pl.PALETTE[i % len(pl.PALETTE)])
                mk.set_gid("budget")
                t.add("b", f"{label} budget binds", nb, xb)
        a2.legend(loc="upper left", fontsize=6, title="c x² N^γ", title_fontsize=6, ncol=2)
        a2.set_ylim(1e-3, 1e5)
        _panel_label(a1, "a")
        _panel_label(a2, "b")
        return _finish("cost_depends_on_N", fig, t, nums, out, digits={
            k: 5 for k in nums if k.endswith("MinN")})


def _gamma_thresholds(model, P):
    """For a cost f(x) N^gamma at base power P: the N where the budget starts to bind and
    where the interior share reaches 1/2 (inf when gamma >= 2: never), from the closed
    forms in gamma of :func:`powermodel.symbolic.limits.power_of_N_thresholds`."""
    from ..symbolic.limits import power_of_N_thresholds

    gamma = model.params["gamma"]
    free = Model(model.cost.name, **{k: v for k, v in model.params.items() if k != "gamma"})
    th = power_of_N_thresholds(free.symbolic, "gamma")
    syms = free.symbolic.symbols
    at = {syms["P"]: _exact_number(P), syms["gamma"]: _exact_number(gamma)}
    return {name: (np.inf if gamma >= 2 else float(th[key].subs(at).evalf(30)))
            for name, key in (("BudgetN", "budget_N"), ("DominanceN", "dominance_N"))}


@_register("nested_novel")
def nested_novel(out=None, *, model=BASE, inner=BASE, N=(2.0, 1e5), N_inner=10.0, P=BASE_P,
                 overlaps=(0.0, 0.001, 0.01), resolution=300, seed=0):
    """Nested levels and novel instances.

    Panel a: a chain of two levels (:func:`powermodel.nested`): the outer level's
    x*_1(N) is the budget of an inner level with ``N_inner`` instances; both x*
    against the outer N, the inner level's regime changes marked (gid ``"boundary"``).
    Panel b: the power on an instance not seen in training over the power on a
    training instance (``novel_ratio``) for several overlaps rho.
    The outer N starts at 2: below it the outer x*_1 = N/2 < 1 bit, and with the
    inner cost f = x^2 (< x for x < 1) the inner level would buy x*_2 = sqrt(x*_1)
    > x*_1 bits of run-time optimization from x*_1 bits, more than its budget.
    Numbers: ``nestedInnerN``, ``nestedInnerBoundary<A..>`` (outer N of each inner
    regime change), ``nestedInnerXMax``; per rho (A, B, ...) ``novel<A>Rho``,
    ``novel<A>RatioAtThousand``, ``novel<A>RatioAtHundredThousand``.
    """
    from ..extensions import nested

    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    r = nested([(model, Ng), (inner, N_inner)], P=P)
    x1, x2 = np.asarray(r.x[0]), np.asarray(r.x[1])
    reg2 = np.asarray(r.levels[1].regime)
    t = _Table()
    t.add("a", "outer x*", Ng, x1)
    t.add("a", "inner x*", Ng, x2)
    nums = {"nestedInnerN": N_inner, "nestedInnerXMax": float(np.max(x2)), "nestedP": P}
    with pl.style():
        fig, (a1, a2) = _new_figure(2, height=4.4)
        a1.plot(Ng, pl._positive(x1), color=pl.PALETTE[0], label="outer level x*₁ (N instances)")
        a1.plot(Ng, pl._positive(x2), color=pl.PALETTE[1], ls="--",
                label=f"inner level x*₂ ({N_inner:g} instances, budget x*₁)")
        idx = np.flatnonzero(reg2[1:] != reg2[:-1])
        for j, i in enumerate(idx):
            # bisect the outer N where the inner regime changes
            lo, hi = Ng[i], Ng[i + 1]
            for _ in range(60):
                mid = np.sqrt(lo * hi)
                rm = nested([(model, mid), (inner, N_inner)], P=P).levels[1].regime
                lo, hi = (mid, hi) if rm == reg2[i] else (lo, mid)
            nb = float(np.sqrt(lo * hi))
            ln = a1.axvline(nb, color=pl.PALETTE[1], ls=":", lw=0.9)
            ln.set_gid("boundary")
            t.add("a", f"inner {reg2[i]}->{reg2[i + 1]}", nb, np.nan)
            nums[f"nestedInnerBoundary{_letter(j)}"] = nb
        a1.set_xscale("log")
        a1.set_yscale("log")
        a1.set_xlabel("instances at the outer level N")
        a1.set_ylabel("optimal x* (bits)")
        a1.legend(loc="upper left", fontsize=6)
        if model is BASE and inner is BASE:
            a1.set_title(f"f = x² at both levels, P = {_plain(P)} bits", fontsize=6.5,
                         loc="right")
        _panel_label(a1, "a")
        for i, rho in enumerate(overlaps):
            s = model.solve(N=Ng, P=P, overlap=rho)
            label = "ρ = 0 (paper)" if rho == 0 else f"ρ = {rho:g}"
            a2.plot(Ng, s.novel_ratio, color=pl.PALETTE[i % len(pl.PALETTE)], label=label,
                    ls=pl.LINESTYLES[i % len(pl.LINESTYLES)])
            t.add("b", label, Ng, s.novel_ratio)
            key = f"novel{_letter(i)}"
            nums[key + "Rho"] = rho
            nums[key + "RatioAtThousand"] = model.solve(N=1e3, P=P, overlap=rho).novel_ratio
            nums[key + "RatioAtHundredThousand"] = model.solve(N=1e5, P=P,
                                                               overlap=rho).novel_ratio
        a2.set_xscale("log")
        a2.set_ylim(-0.02, 1.05)
        a2.set_xlabel("number of distinct instances N")
        a2.set_ylabel("novel / training power (bits/bits)")
        a2.legend(loc="center right", fontsize=6)
        _panel_label(a2, "b")
        return _finish("nested_novel", fig, t, nums, out)
