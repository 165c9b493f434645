"""Relaxations of the paper's assumptions: the compute multiplier, shared structure and
a speed prior.

Each figure is a recipe over :mod:`powermodel.plotting` (the function under
``@_figure``); its ``_..._numbers`` companion records the CSV and the quoted numbers.
"""

import numpy as np

import powermodel as pm

from .. import plotting as pl
from ._common import BASE, BASE_P, _exact_number, _figure, _grid, _letter, _Table
from .phases import overlap_threshold


def _limit(model, P, rho, lam=0.0):
    """x*, g* and the learned share as N -> inf with overlap rho (via the effective diversity)."""
    lim = pm.large_N_limit(model, P=P, overlap=rho, runtime_penalty=lam)
    return lim, (1 - lam) * lim.x / lim.value


def _multiplier_limit(model, P, rho):
    """The compute multiplier as N -> inf with overlap rho > 0: (f(0) + g*_inf / rho)/P."""
    return (float(model.cost_value(0.0)) + _limit(model, P, rho)[0].value / rho) / P


def _multiplier_numbers(ax, drawn, *, P, **_):
    Ns, curves = drawn
    t = _Table()
    nums = {"multiplierP": P}
    j = 0
    for label, (m, kw) in curves.items():
        t.add("multiplier", label, Ns, m.solve(N=Ns, P=P, **kw).compute_multiplier)
        if kw.get("overlap", 0) == 0 and "runtime_penalty" not in kw:
            for n, word in ((1e3, "Thousand"), (1e4, "TenThousand"), (1e6, "Million")):
                nums[f"multiplierAt{word}"] = m.solve(N=n, P=P).compute_multiplier
        elif "overlap" in kw:
            key, rho = f"multiplierOverlap{_letter(j)}", kw["overlap"]
            mlim = _multiplier_limit(m, P, rho)
            t.add("limit", label, Ns[-1], mlim)
            nums[key + "Rho"] = rho
            nums[key + "AtMillion"] = m.solve(N=1e6, P=P, **kw).compute_multiplier
            nums[key + "Limit"] = mlim
            j += 1
        else:
            nums["multiplierSpeedAtMillion"] = m.solve(N=1e6, P=P, **kw).compute_multiplier
            nums["multiplierSpeedLambda"] = kw["runtime_penalty"]
    return {"table": t, "numbers": nums,
            "digits": {k: 5 for k in nums if k.startswith("multiplierOverlap")}}


@_figure("multiplier", _multiplier_numbers)
def multiplier(ax, *, model=BASE, N=(1.0, 1e6), P=BASE_P, overlaps=(0.0, 0.001, 0.01),
               runtime_penalty=0.5, resolution=300):
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
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    curves = {("ρ = 0 (paper)" if rho == 0 else f"ρ = {rho:g}"): (model, {"overlap": rho})
              for rho in overlaps}
    if runtime_penalty:
        curves[f"λ = {runtime_penalty:g}"] = (model, {"runtime_penalty": runtime_penalty})
    pl.compute_multiplier(curves, N=Ns, P=P, ax=ax)
    for i, (m, kw) in enumerate(curves.values()):
        if kw.get("overlap", 0) != 0:  # bounded as N -> inf: (f(0) + g*_inf / rho)/P
            lim = pm.large_N_limit(m, P=P, overlap=kw["overlap"])
            limit = (float(m.cost_value(0.0)) + lim.value / kw["overlap"]) / P
            color = pl.PALETTE[i % len(pl.PALETTE)]
            ax.axhline(limit, color=color, ls="--", lw=0.7).set_gid("asymptote")
    ax.legend(loc="upper left")
    ax.set_title(f"P = {pl.number_text(P)} bits; dashed: limits as N → ∞", fontsize=6.5,
                 loc="right")
    return Ns, curves


def _overlap_numbers(axes, drawn, *, model, P, budget_rho, speed_example, **_):
    Ns, curves = drawn
    t = _Table()
    nums = {"overlapP": P, "overlapRhoC": overlap_threshold(model, P),
            "overlapRhoB": _budget_threshold(model, P)}
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
    j = 0
    for label, (m, kw) in curves.items():
        s = m.solve(N=Ns, P=P, **kw)
        t.add("a", label, Ns, s.x)
        t.add("b", label, Ns, s.learned_share)
        rho = kw["overlap"]
        if rho > 0:
            lim, share = _limit(m, P, rho)
            t.add("a", f"{label} limit", Ns[-1], lim.x)
            t.add("b", f"{label} limit", Ns[-1], share)
            key = f"overlap{_letter(j)}"
            s6 = m.solve(N=1e6, P=P, **kw)
            nums.update({key + "Rho": rho, key + "Limit": lim.x, key + "XAtMillion": s6.x,
                         key + "ShareLimit": share,
                         key + "NovelRatioAtMillion": s6.novel_ratio,
                         # the dotted line of panel b (nan when the share stays below 1/2)
                         key + "DominanceN": pl.crossing(m, Ns, "learned_share", 0.5, P=P,
                                                         **kw)})
            j += 1
    return {"table": t, "numbers": nums, "digits": {"overlapRhoC": 3}}


@_figure("overlap", _overlap_numbers, rows=2, height=4.6)
def overlap(axes, *, model=BASE, N=(1.0, 1e7), P=BASE_P,
            overlaps=(0.0, 0.0008, 0.001, 0.01, 0.1), budget_rho=1e-4,
            speed_example=(0.5, 6e-4), resolution=300):
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
    a1, a2 = axes
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    curves = {("ρ = 0 (paper)" if r == 0 else f"ρ = {r:g}"): (model, {"overlap": r})
              for r in overlaps}
    pl.optimum_vs_N(curves, N=Ns, P=P, ax=a1, mark=False)
    pl.learned_share(curves, N=Ns, P=P, ax=a2)
    for i, (m, kw) in enumerate(curves.values()):
        if kw["overlap"] > 0:  # the limits as N -> inf: the optimum at N_eff = 1/rho
            lim = pm.large_N_limit(m, P=P, overlap=kw["overlap"])
            for ax, v in ((a1, lim.x), (a2, lim.x / lim.value)):
                color = pl.PALETTE[i % len(pl.PALETTE)]
                ax.axhline(v, color=color, ls=(0, (2, 2)), lw=0.6).set_gid("asymptote")
    a1.set_ylim(0.01, 5e3)
    a1.legend(loc="lower right", fontsize=5.8)
    if model is BASE:
        rho_c = overlap_threshold(model, P)
        a1.set_title(f"f = x², P = {pl.number_text(P)} bits; ρ_c = {rho_c:.3g}", fontsize=6.5,
                     loc="right")
    a2.set_yscale("log")
    a2.set_ylim(1e-6, 1.5)
    a2.get_legend().remove()
    a2.set_ylabel("learned share x*/g* (log axis)")
    a1.set_title("a", loc="left", fontweight="bold")
    a2.set_title("b", loc="left", fontweight="bold")
    return Ns, curves


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


def _speed_prior_numbers(ax, drawn, *, P, **_):
    Ns, curves = drawn
    t = _Table()
    nums = {}
    for i, (label, (m, kw)) in enumerate(curves.items()):
        t.add("share", label, Ns, m.solve(N=Ns, P=P, **kw).learned_share)
        nd = pl.crossing(m, Ns, "learned_share", 0.5, P=P, **kw)
        t.add("dominance", label, nd, 0.5)
        nums[f"speed{_letter(i)}Lambda"] = kw["runtime_penalty"]
        nums[f"speed{_letter(i)}DominanceN"] = nd
    return {"table": t, "numbers": nums,
            "digits": {k: 4 for k in nums if k.endswith("DominanceN")}}


@_figure("speed_prior", _speed_prior_numbers)
def speed_prior(ax, *, model=BASE, N=(1.0, 1e5), P=BASE_P, penalties=(0.0, 0.5, 0.8),
                resolution=300):
    """Speed prior: the learned share (1 - lambda) x*/g* for several runtime penalties lambda.

    The learned contribution under a speed prior is (1 - lambda) x*, so the share
    counts (1 - lambda) x* (the same definition everywhere: ``Solution.learned_share``).
    Numbers per lambda (A, B, ...): ``speed<A>Lambda`` and ``speed<A>DominanceN``
    (where the learned share reaches 1/2; nan if never; for f = c x^2 the closed
    form is sqrt(4cP/3)/(1 - lambda)).
    """
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    curves = {("λ = 0 (paper)" if lam == 0 else f"λ = {lam:g}"): (model, {"runtime_penalty": lam})
              for lam in penalties}
    pl.learned_share(curves, N=Ns, P=P, ax=ax)
    ax.legend(loc="upper left")
    ax.set_title(f"P = {pl.number_text(P)} bits", fontsize=6.5, loc="right")
    return Ns, curves
