"""Costs that grow with N, nested levels and novel instances.

Each figure is a recipe over :mod:`powermodel.plotting` (the function under
``@_figure``); its ``_..._numbers`` companion records the CSV and the quoted numbers.
"""

import numpy as np

import powermodel as pm

from .. import plotting as pl
from ..model import Model
from ._common import BASE, BASE_P, _exact_number, _figure, _letter, _Table

LOGN_MODEL = Model("power-logN", c=1.0, k=2.0, beta=0.0)
#: A cost that grows as a power of N: c x^2 N^gamma (x* = N^(1 - gamma)/(2c) when interior).
GAMMA_MODEL = Model("c*x**2*N**gamma", c=1.0, gamma=0.0)


def gamma_thresholds(model, P):
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


def _cost_depends_on_N_numbers(axes, drawn, *, P, **_):
    Ns, curves, curves2 = drawn
    t = _Table()
    nums = {}
    for i, (label, m) in enumerate(curves.items()):
        t.add("a", label, Ns, m.solve(N=Ns, P=P).x)
        key = f"logN{_letter(i)}"
        beta = m.params["beta"]
        nums[key + "Beta"] = beta
        nums[key + "XAtThousand"] = m.solve(N=1e3, P=P).x
        nums[key + "XAtHundredThousand"] = m.solve(N=1e5, P=P).x
        nb = next((tr for tr in pl.transitions(m, Ns, P=P) if tr["to"] == "budget"), None)
        if nb is not None:
            nums[key + "BudgetN"], nums[key + "BudgetX"] = nb["N"], nb["x_above"]
            t.add("a", f"{label} budget binds", nb["N"], nb["x_above"])
        if beta > 1 and m.cost.name == "power-logN":
            nmin = float(np.exp(1 - 1 / beta))
            nums[key + "MinN"], nums[key + "MinX"] = nmin, m.solve(N=nmin, P=P).x
            t.add("a", f"{label} minimum", nmin, nums[key + "MinX"])
    for i, (label, m) in enumerate(curves2.items()):
        t.add("b", label, Ns, m.solve(N=Ns, P=P).x)
        key = f"gamma{_letter(i)}"
        nums[key + "Gamma"] = m.params["gamma"]
        nums[key + "XAtThousand"] = m.solve(N=1e3, P=P).x
        nums[key + "XAtHundredThousand"] = m.solve(N=1e5, P=P).x
        nums[key + "ShareAtTenTrillion"] = m.solve(N=1e13, P=P).learned_share
        for what, v in gamma_thresholds(m, P).items():
            nums[key + what] = v
        nb = nums[key + "BudgetN"]
        if Ns[0] <= nb <= Ns[-1]:
            t.add("b", f"{label} budget binds", nb, m.solve(N=nb, P=P).x)
    return {"table": t, "numbers": nums, "digits": {k: 5 for k in nums if k.endswith("MinN")}}


@_figure("cost_depends_on_N", _cost_depends_on_N_numbers, rows=2, height=4.6)
def cost_depends_on_N(axes, *, model=LOGN_MODEL, gamma_model=GAMMA_MODEL, N=(1.0, 1e5),
                      P=BASE_P, betas=(0.0, 1.0, 5.0), gammas=(0.0, 0.5, 1.0, 1.5),
                      resolution=300):
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
    a1, a2 = axes
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    curves = {f"β = {b:g}": model.with_params(beta=b) for b in betas}
    pl.optimum_vs_N(curves, N=Ns, P=P, ax=a1, mark=False)
    for i, m in enumerate(curves.values()):
        color = pl.PALETTE[i % len(pl.PALETTE)]
        nb = next((tr for tr in pl.transitions(m, Ns, P=P) if tr["to"] == "budget"), None)
        if nb is not None:  # from here x* = X_budget(N), which shrinks as the cost grows with N
            (mk,) = a1.plot([nb["N"]], [nb["x_above"]], ls="none", marker="x", ms=4, color=color)
            mk.set_gid("budget")
        if m.params["beta"] > 1 and m.cost.name == "power-logN":  # x* is smallest here
            nmin = float(np.exp(1 - 1 / m.params["beta"]))
            (mk,) = a1.plot([nmin], [m.solve(N=nmin, P=P).x], ls="none", marker="o",
                            mfc="white", color=color)
            mk.set_gid("minimum")
    a1.legend(loc="upper left", fontsize=6, title="c x²(1 + β ln N)", title_fontsize=6)
    a1.set_title(f"P = {pl.number_text(P)} bits", fontsize=6.5, loc="right")
    curves2 = {f"γ = {g:g}": gamma_model.with_params(gamma=g) for g in gammas}
    pl.optimum_vs_N(curves2, N=Ns, P=P, ax=a2, mark=False)
    for i, m in enumerate(curves2.values()):
        nb = gamma_thresholds(m, P)["BudgetN"]  # where the budget starts to bind (closed form)
        if Ns[0] <= nb <= Ns[-1]:
            (mk,) = a2.plot([nb], [m.solve(N=nb, P=P).x], ls="none", marker="x", ms=4,
                            color=pl.PALETTE[i % len(pl.PALETTE)])
            mk.set_gid("budget")
    a2.legend(loc="upper left", fontsize=6, title="c x² N^γ", title_fontsize=6, ncol=2)
    a2.set_ylim(1e-3, 1e5)
    a1.set_title("a", loc="left", fontweight="bold")
    a2.set_title("b", loc="left", fontweight="bold")
    return Ns, curves, curves2


def _nested_novel_numbers(axes, Ns, *, model, inner, N_inner, P, overlaps, **_):
    r = pm.nested([(model, Ns), (inner, N_inner)], P=P)
    x1, x2 = np.asarray(r.x[0]), np.asarray(r.x[1])
    reg2 = np.asarray(r.levels[1].regime)
    t = _Table()
    t.add("a", "outer x*", Ns, x1)
    t.add("a", "inner x*", Ns, x2)
    nums = {"nestedInnerN": N_inner, "nestedInnerXMax": float(np.max(x2)), "nestedP": P}
    bounds = [ln.get_xdata()[0] for ln in axes[0].lines if ln.get_gid() == "boundary"]
    for j, (i, nb) in enumerate(zip(np.flatnonzero(reg2[1:] != reg2[:-1]), bounds)):
        t.add("a", f"inner {reg2[i]}->{reg2[i + 1]}", nb, np.nan)
        nums[f"nestedInnerBoundary{_letter(j)}"] = nb
    for i, rho in enumerate(overlaps):
        label = "ρ = 0 (paper)" if rho == 0 else f"ρ = {rho:g}"
        t.add("b", label, Ns, model.solve(N=Ns, P=P, overlap=rho).novel_ratio)
        key = f"novel{_letter(i)}"
        nums[key + "Rho"] = rho
        nums[key + "RatioAtThousand"] = model.solve(N=1e3, P=P, overlap=rho).novel_ratio
        nums[key + "RatioAtHundredThousand"] = model.solve(N=1e5, P=P, overlap=rho).novel_ratio
    return {"table": t, "numbers": nums}


@_figure("nested_novel", _nested_novel_numbers, rows=2, height=4.4)
def nested_novel(axes, *, model=BASE, inner=BASE, N=(2.0, 1e5), N_inner=10.0, P=BASE_P,
                 overlaps=(0.0, 0.001, 0.01), resolution=300):
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
    a1, a2 = axes
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    pl.nested_levels(model, inner, N=Ns, N_inner=N_inner, P=P, ax=a1)
    a1.legend(loc="upper left", fontsize=6)
    if model is BASE and inner is BASE:
        a1.set_title(f"f = x² at both levels, P = {pl.number_text(P)} bits", fontsize=6.5,
                     loc="right")
    a1.set_title("a", loc="left", fontweight="bold")
    curves = {("ρ = 0 (paper)" if rho == 0 else f"ρ = {rho:g}"): (model, {"overlap": rho})
              for rho in overlaps}
    pl.novel_ratio(curves, N=Ns, P=P, ax=a2)
    a2.legend(loc="center right", fontsize=6)
    a2.set_title("b", loc="left", fontweight="bold")
    return Ns
