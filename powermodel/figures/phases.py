"""Phase diagrams: the regimes of x* over (N, P), and over (rho, P) whether x comes
to dominate as N -> inf, with the threshold rho_c."""

import numpy as np

from .. import plotting as pl
from ..model import Model
from ..result import REGIMES
from ._common import (BASE_P, _Table, _check_resolution, _exact_number, _finish, _grid, _new_figure,
                      _register)


PHASE_MODEL = Model("quadratic", c=1.0, b=10.0)


@_register("phase")
def phase(out=None, *, model=PHASE_MODEL, N=(1.0, 1e5), P=(1e2, 1e8), x_cap=300.0,
          resolution=81, seed=0, **solve_kw):
    """Regimes of x* over N and P (quadratic cost c x^2 + b x with a compute cap).

    Analytic boundaries (drawn as thin black lines, gid ``"analytic"``): N = b
    (x* leaves 0), x_int = (N - b)/(2c) meets the budget or the cap.
    Numbers: ``phaseB``, ``phaseCap``, ``phaseCapP`` (the P above which the cap binds
    before the budget).
    """
    from ..sweeps import phase_diagram

    resolution = _check_resolution(resolution, dims=2)
    Ng, Pg = _grid(N[0], N[1], resolution), _grid(P[0], P[1], resolution)
    r = phase_diagram(model, ("N", Ng), ("P", Pg), x_cap=x_cap, **solve_kw)
    t = _Table()
    reg = np.asarray(r.solution.regime)
    NN, PP = np.meshgrid(Ng, Pg, indexing="ij")
    codes = np.zeros(reg.shape)
    for i, name in enumerate(REGIMES):
        codes[reg == name] = i
    t.add("regime", "code", NN.ravel(), codes.ravel())
    t.add("regime", "P", NN.ravel(), PP.ravel())
    nums = {"phaseCap": x_cap}
    with pl.style():
        fig, (ax,) = _new_figure(height=2.7)
        pl.phase_diagram(r, ax=ax)
        if model.cost.name == "quadratic":
            c, b = model.params["c"], model.params["b"]
            nums.update(phaseB=b, phaseC=c, phaseCapP=c * x_cap ** 2 + b * x_cap)
            # x_int = (N - b)/(2c) = Xb(P)  <=>  P = c x^2 + b x at x = x_int
            Nb = Ng[Ng > b]
            xi = (Nb - b) / (2 * c)
            Pb = c * xi ** 2 + b * xi
            budget_side = xi < x_cap
            ln = [ax.axvline(b, color="k", lw=0.7),
                  ax.plot(Nb[budget_side], Pb[budget_side], color="k", lw=0.7)[0],
                  ax.plot([2 * c * x_cap + b, Ng[-1]], [nums["phaseCapP"]] * 2, color="k",
                          lw=0.7)[0],
                  ax.plot([2 * c * x_cap + b] * 2, [nums["phaseCapP"], Pg[-1]], color="k",
                          lw=0.7)[0]]
            for line in ln:
                line.set_gid("analytic")
            t.add("analytic", "interior-budget", Nb[budget_side], Pb[budget_side])
            nums["phaseCapN"] = 2 * c * x_cap + b
        return _finish("phase", fig, t, nums, out)


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


@_register("overlap_phase")
def overlap_phase(out=None, *, model=OVERLAP_PHASE_MODEL, rho=(1e-5, 0.3), P=(1e2, 1e10),
                  resolution=81, seed=0, marks=((0.0008, BASE_P), (0.001, BASE_P),
                                                (0.01, BASE_P), (0.1, BASE_P))):
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
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    resolution = _check_resolution(resolution, dims=2)
    rg, Pg = _grid(rho[0], rho[1], resolution), _grid(P[0], P[1], resolution)
    RR, PP = np.meshgrid(rg, Pg, indexing="ij")
    share = np.asarray(model.solve(N=1.0 / RR, P=PP).learned_share, dtype=float)
    t = _Table()
    t.add("limit", "share", RR.ravel(), share.ravel())
    t.add("limit", "P", RR.ravel(), PP.ravel())
    rc = np.array([overlap_threshold(model, p) for p in Pg])
    t.add("rho_c", "rho_c", Pg, rc)
    nums = {}
    if "c" in model.params:
        nums["overlapPhaseC"] = model.params["c"]
    with pl.style():
        fig, (ax,) = _new_figure(height=2.7)
        dom = (share > 0.5).astype(float)
        ax.pcolormesh(pl._edges(rg, True), pl._edges(Pg, True), dom.T,
                      cmap=ListedColormap(["#BBBBBB", "#56B4E9"]), vmin=0, vmax=1,
                      shading="flat", rasterized=True)
        (ln,) = ax.plot(rc, Pg, color="k", lw=0.9)
        ln.set_gid("rho_c")
        for r_, p_ in marks:
            ax.plot([r_], [p_], ls="none", marker="o", mfc="white", color="k", ms=3.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(False)
        ax.set_xlabel("shared structure ρ")
        ax.set_ylabel("base optimization power P (bits)")
        ax.legend(handles=[Patch(facecolor="#56B4E9", label="x dominates as N → ∞"),
                           Patch(facecolor="#BBBBBB", label="x never dominates"),
                           ln],
                  labels=["x dominates as N → ∞", "x never dominates", "ρ_c = √(3/(4cP))"
                          if model is OVERLAP_PHASE_MODEL else "ρ_c(P)"],
                  loc="upper right", frameon=True, framealpha=0.85, fontsize=6)
        if model is OVERLAP_PHASE_MODEL:
            ax.set_title("f = x² (c = 1); circles: the curves of the overlap figure",
                         fontsize=6.5, loc="right")
        return _finish("overlap_phase", fig, t, nums, out)
