"""Phase diagrams: the regimes of x* over (N, P), and over (rho, P) whether x comes
to dominate as N -> inf, with the threshold rho_c.

Each figure is a recipe over :mod:`powermodel.plotting` (the function under
``@_figure``); its ``_..._numbers`` companion records the CSV and the quoted numbers.
"""

import numpy as np

import powermodel as pm

from .. import plotting as pl
from ..model import Model
from ..result import REGIMES
from ._common import _exact_number, _figure, _grid, _Table


PHASE_MODEL = Model("quadratic", c=1.0, b=10.0)


def _phase_numbers(ax, r, *, model, x_cap, **_):
    Ns, Ps = (np.asarray(v, dtype=float) for v in r.axes.values())
    reg = np.asarray(r.solution.regime)
    NN, PP = np.meshgrid(Ns, Ps, indexing="ij")
    codes = np.zeros(reg.shape)
    for i, name in enumerate(REGIMES):
        codes[reg == name] = i
    t = _Table()
    t.add("regime", "code", NN.ravel(), codes.ravel())
    t.add("regime", "P", NN.ravel(), PP.ravel())
    nums = {"phaseCap": x_cap}
    analytic = [ln for ln in ax.lines if ln.get_gid() == "analytic"]
    if analytic:
        c, b = model.params["c"], model.params["b"]
        nums.update(phaseB=b, phaseC=c, phaseCapP=c * x_cap ** 2 + b * x_cap,
                    phaseCapN=2 * c * x_cap + b)
        t.add("analytic", "interior-budget", analytic[1].get_xdata(), analytic[1].get_ydata())
    return {"table": t, "numbers": nums}


@_figure("phase", _phase_numbers, height=2.7, dims=2)
def phase(ax, *, model=PHASE_MODEL, N=(1.0, 1e5), P=(1e2, 1e8), x_cap=300.0, resolution=81,
          **solve_kw):
    """Regimes of x* over N and P (quadratic cost c x^2 + b x with a compute cap).

    Analytic boundaries (drawn as thin black lines, gid ``"analytic"``): N = b
    (x* leaves 0), x_int = (N - b)/(2c) meets the budget or the cap.
    Numbers: ``phaseB``, ``phaseCap``, ``phaseCapP`` (the P above which the cap binds
    before the budget).
    """
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    Ps = np.logspace(np.log10(P[0]), np.log10(P[1]), resolution)
    r = pm.phase_diagram(model, ("N", Ns), ("P", Ps), x_cap=x_cap, **solve_kw)
    pl.phase_diagram(r, ax=ax)
    if model.cost.name == "quadratic":  # the closed-form boundaries of c x^2 + b x
        c, b = model.params["c"], model.params["b"]
        x_int = (Ns[Ns > b] - b) / (2 * c)                 # interior optimum f'(x) = N
        below = x_int < x_cap                              # ... meets the budget P = f(x_int)
        N_cap, P_cap = 2 * c * x_cap + b, c * x_cap ** 2 + b * x_cap
        lines = [ax.axvline(b, color="k", lw=0.7),
                 *ax.plot(Ns[Ns > b][below], (c * x_int ** 2 + b * x_int)[below], color="k",
                          lw=0.7),
                 *ax.plot([N_cap, Ns[-1]], [P_cap] * 2, color="k", lw=0.7),
                 *ax.plot([N_cap] * 2, [P_cap, Ps[-1]], color="k", lw=0.7)]
        for line in lines:
            line.set_gid("analytic")
    return r


def overlap_threshold(model, P, runtime_penalty=0.0):
    """rho_c at base power P: the closed form of the symbolic engine, else numeric.

    x comes to dominate as N -> inf iff rho < rho_c = (1 - lambda)/N_dom, with
    N_dom the paper's dominance threshold (see
    :meth:`powermodel.symbolic.SymbolicModel.overlap_threshold`).
    """
    from ..errors import UnsolvableError

    try:
        expr = model.symbolic.overlap_threshold(runtime_penalty=runtime_penalty)
        # evaluated to 30 digits, then rounded: the same float whichever equivalent
        # form SymPy's (time-limited) simplification returned
        return float(expr.subs(model.symbolic.symbols["P"], _exact_number(P)).evalf(30))
    except UnsolvableError:
        nd = pl.crossing(model, _grid(1e-3, 1e15, 400), "learned_share", 0.5, P=P)
        return (1 - runtime_penalty) / nd



OVERLAP_PHASE_MODEL = Model("power", c=1.0, k=2.0)


def _overlap_phase_numbers(ax, drawn, *, model, **_):
    rho, Ps, share, rho_c = drawn
    RR, PP = np.meshgrid(rho, Ps, indexing="ij")
    t = _Table()
    t.add("limit", "share", RR.ravel(), share.ravel())
    t.add("limit", "P", RR.ravel(), PP.ravel())
    t.add("rho_c", "rho_c", Ps, rho_c)
    nums = {"overlapPhaseC": model.params["c"]} if "c" in model.params else {}
    return {"table": t, "numbers": nums}


@_figure("overlap_phase", _overlap_phase_numbers, height=2.7, dims=2)
def overlap_phase(ax, *, model=OVERLAP_PHASE_MODEL, rho=(1e-5, 0.3), P=(1e2, 1e10),
                  resolution=81, marks=((0.0008, 1e6), (0.001, 1e6), (0.01, 1e6), (0.1, 1e6))):
    """Does x come to dominate as N -> inf? Regions over (rho, P), rho_c(P) drawn.

    Each cell is the limit of the learned share as N -> inf, i.e. the optimum at
    the limiting effective diversity N_eff = 1/rho (:func:`powermodel.large_N_limit`):
    x dominates where it exceeds 1/2. The line (gid ``"rho_c"``) is the closed form
    rho_c(P) of :meth:`powermodel.symbolic.SymbolicModel.overlap_threshold`
    (sqrt(3/(4cP)) for c x^2). Markers: the (rho, P) of the overlap figure.
    CSV: panel ``limit``, series ``share`` (x = rho, y = the limiting share) and
    ``P`` (each cell's P); panel ``rho_c``: x = P, y = rho_c.
    Numbers: ``overlapPhaseC``.
    """
    rhos = np.logspace(np.log10(rho[0]), np.log10(rho[1]), resolution)
    Ps = np.logspace(np.log10(P[0]), np.log10(P[1]), resolution)
    RR, PP = np.meshgrid(rhos, Ps, indexing="ij")
    share = np.asarray(model.solve(N=1.0 / RR, P=PP).learned_share, dtype=float)  # N -> inf
    rho_c = np.array([overlap_threshold(model, p) for p in Ps])
    paper = model is OVERLAP_PHASE_MODEL
    pl.dominance_regions(rhos, Ps, share, rho_c=rho_c, marks=marks, ax=ax,
                         rho_c_label="ρ_c = √(3/(4cP))" if paper else "ρ_c(P)")
    if paper:
        ax.set_title("f = x² (c = 1); circles: the curves of the overlap figure",
                     fontsize=6.5, loc="right")
    return rhos, Ps, share, rho_c
