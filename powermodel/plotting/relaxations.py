"""Plots beyond the paper's base case (re-exported by :mod:`powermodel.plotting`): the jump
of x* for a non-convex cost, where x dominates under shared structure, nested levels and
novel instances."""

import numpy as np

from .. import _validation as V
from ..errors import InputError
from ._core import (LINESTYLES, PALETTE, _ax, _curves, _edges, _logN, _model, _positive,
                    landscape, transitions)


def _first_jump(model, N, **solve_kw):
    """The first regime change of :func:`transitions` where x* is discontinuous, or None."""
    return next((t for t in transitions(model, N, **solve_kw)
                 if t["x_above"] - t["x_below"] > 1e-9 * max(1, t["x_above"])), None)


def optimum_jump(model, *, N, P, ax=None, **solve_kw):
    """x*(N) on a log N axis (linear x*), its first discontinuous jump marked.

    For a non-convex cost x* can jump as N crosses a threshold (a regime change
    of :func:`transitions` where x* below and above differ). The first such
    jump gets a dotted vertical line (gid ``"boundary"``) and an annotation
    ``"jump at N ≈ ..."`` pointing at x* just above it.

    Parameters
    ----------
    model : Model
    N : array_like
        Increasing grid of N (positive).
    P : float
        Base optimization power (bits).
    ax : Axes, optional
    **solve_kw
        Other arguments of :meth:`Model.solve`.

    Returns
    -------
    Axes
        ``ax.lines[0]`` is x*(N) (label ``"x*"``); then the jump's line, if any.

    Examples
    --------
    >>> import powermodel as pm
    >>> from matplotlib.figure import Figure
    >>> m = pm.Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0)   # jump at N = 2 sqrt(F)
    >>> ax = optimum_jump(m, N=[10, 30, 100, 300, 1000], P=1e6, ax=Figure().subplots())
    >>> [round(ln.get_xdata()[0], 4) for ln in ax.lines if ln.get_gid() == "boundary"]
    [63.2456]
    """
    _model(model)
    N = _logN(N, None)
    ax = _ax(ax)
    s = model.solve(N=N, P=P, **solve_kw)
    ax.plot(N, s.x, color=PALETTE[0], label="x*")
    ax.set_xscale("log")
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("x* (bits)")
    jump = _first_jump(model, N, P=P, **solve_kw)
    if jump is not None:
        nj = jump["N"]
        ln = ax.axvline(nj, color="#555555", ls=":", lw=0.9)
        ln.set_gid("boundary")
        ax.annotate(f"jump at N ≈ {nj:.4g}", (nj, jump["x_above"]),
                    xytext=(-70, 25), textcoords="offset points", fontsize=6.5,
                    arrowprops={"arrowstyle": "->", "lw": 0.6})
    return ax


def jump_landscapes(model, *, N, P, points=300, ax=None, **solve_kw):
    """The objective g(x) - g(0) just below, at and just above the first jump of x*.

    The jump is the first one :func:`optimum_jump` marks on the grid ``N``; at
    its threshold N_j the objective has two equal maxima, at x = 0 and at the
    x* just above the jump. Curves (:func:`landscape`) at 0.85 N_j, N_j and
    1.2 N_j on ``points`` values of x from 0 to 1.6 x*(1.2 N_j); the two maxima
    are diamonds (gid ``"twin_maxima"``). Nothing is drawn when x* does not jump.

    Parameters
    ----------
    model : Model
    N : array_like
        Increasing grid of N searched for the jump.
    P : float
        Base optimization power (bits).
    points : int
        Number of x values of each curve.
    ax : Axes, optional
    **solve_kw
        Other arguments of :meth:`Model.solve`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import powermodel as pm
    >>> from matplotlib.figure import Figure
    >>> m = pm.Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0)
    >>> ax = jump_landscapes(m, N=[10, 100, 1000], P=1e6, ax=Figure().subplots())
    >>> (twin,) = [ln for ln in ax.lines if ln.get_gid() == "twin_maxima"]
    >>> [round(float(v), 6) + 0.0 for v in twin.get_ydata()]   # both maxima: no gain over x = 0
    [0.0, 0.0]
    """
    _model(model)
    N = _logN(N, None)
    points = V.integer("points", points, 2)
    ax = _ax(ax)
    jump = _first_jump(model, N, P=P, **solve_kw)
    if jump is None:
        return ax
    nj = jump["N"]
    Ns = (0.85 * nj, nj, 1.2 * nj)
    xmax = 1.6 * model.solve(N=Ns[-1], P=P, **solve_kw).x
    landscape(model, N=Ns, P=P, x=np.linspace(0.0, xmax, points), ax=ax, **solve_kw)
    top = max(np.nanmax(ln.get_ydata()) for ln in ax.lines)
    ax.set_ylim(-1.2 * top, 1.2 * top)
    ax.set_xlim(-0.05 * xmax, xmax)
    # at the threshold both maxima (x = 0 and the jump target) have gain 0
    okw = {k: v for k, v in solve_kw.items() if k not in ("x_cap", "errors")}
    g0 = model.objective(0.0, N=nj, P=P, **okw)
    gx = model.objective(jump["x_above"], N=nj, P=P, **okw) - g0
    (tw,) = ax.plot([0.0, jump["x_above"]], [0.0, gx], ls="none", marker="D", ms=4,
                    color="k", label="two equal maxima at the jump")
    tw.set_gid("twin_maxima")
    ax.legend(loc="upper left", bbox_to_anchor=(0.04, 1.0), fontsize=6)
    return ax


def dominance_regions(rho, P, share, *, rho_c=None, rho_c_label="ρ_c(P)", marks=(), ax=None):
    """Where x comes to dominate: the (rho, P) plane split by a learned share of 1/2.

    Parameters
    ----------
    rho, P : array_like
        Increasing 1-D grids (positive; log axes) of the shared structure rho and
        the base power P.
    share : array_like
        The learned share over the grid, shape ``(len(rho), len(P))`` (for
        example its limit as N -> inf: the optimum at N = 1/rho). Cells where it
        exceeds 1/2 are blue ("x dominates as N → ∞"), the others grey.
    rho_c : array_like, optional
        The threshold rho_c at each P, drawn as a black line (gid ``"rho_c"``).
    rho_c_label : str
        Legend text of that line.
    marks : sequence of (rho, P)
        Points marked by open circles.
    ax : Axes, optional

    Returns
    -------
    Axes
        A QuadMesh (``ax.collections[0]``) whose array is 1 where x dominates
        and 0 elsewhere (transposed: rows follow P).

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> rho, P = np.array([0.001, 0.01, 0.1]), np.array([1e4, 1e6])
    >>> share = np.array([[0.9, 0.9], [0.2, 0.7], [0.1, 0.2]])
    >>> ax = dominance_regions(rho, P, share, ax=Figure().subplots())
    >>> ax.collections[0].get_array().reshape(2, 3).tolist()
    [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    rho, P = _logN(rho, None), _logN(P, None)
    share = np.asarray(V.real("share", share, allow_nan=True), dtype=float)
    if share.shape != (rho.size, P.size):
        raise InputError(f"`share` must have shape {(rho.size, P.size)} (rho, P), got "
                         f"{share.shape}")
    ax = _ax(ax)
    dom = (share > 0.5).astype(float)
    ax.pcolormesh(_edges(rho, True), _edges(P, True), dom.T,
                  cmap=ListedColormap(["#BBBBBB", "#56B4E9"]), vmin=0, vmax=1,
                  shading="flat", rasterized=True)
    handles = [Patch(facecolor="#56B4E9", label="x dominates as N → ∞"),
               Patch(facecolor="#BBBBBB", label="x never dominates")]
    if rho_c is not None:
        (ln,) = ax.plot(np.asarray(rho_c, dtype=float), P, color="k", lw=0.9)
        ln.set_gid("rho_c")
        handles.append(ln)
    for r_, p_ in marks:
        ax.plot([r_], [p_], ls="none", marker="o", mfc="white", color="k", ms=3.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(False)
    ax.set_xlabel("shared structure ρ")
    ax.set_ylabel("base optimization power P (bits)")
    ax.legend(handles=handles,
              labels=["x dominates as N → ∞", "x never dominates", rho_c_label][:len(handles)],
              loc="upper right", frameon=True, framealpha=0.85, fontsize=6)
    return ax


def nested_levels(model, inner, *, N, N_inner, P, ax=None):
    """x* of two nested levels against the outer N, the inner level's regime changes marked.

    The outer level (``model``, N instances, base power P) buys x*_1; that is
    the budget of an inner level (``inner``, ``N_inner`` instances), which buys
    x*_2 (:func:`powermodel.nested`). Both x* are drawn on log axes (zeros left
    blank); each N where the inner level's regime changes, found by bisection
    in log N, gets a dotted line (gid ``"boundary"``).

    Returns
    -------
    Axes
        ``ax.lines``: the outer x*, the inner x*, then the boundaries.

    Examples
    --------
    >>> import powermodel as pm
    >>> from matplotlib.figure import Figure
    >>> f = pm.Model("power", c=1.0, k=2.0)
    >>> ax = nested_levels(f, f, N=[2, 20, 200], N_inner=10, P=1e6, ax=Figure().subplots())
    >>> ax.lines[0].get_ydata().tolist()        # the outer x*_1 = N/2
    [1.0, 10.0, 100.0]
    >>> [round(float(v), 6) for v in ax.lines[1].get_ydata()]   # min(10/2, sqrt(x*_1))
    [1.0, 3.162278, 5.0]
    >>> [round(ln.get_xdata()[0], 6) for ln in ax.lines if ln.get_gid() == "boundary"]
    [50.0]
    """
    from ..extensions import nested

    _model(model)
    _model(inner, "inner")
    N = _logN(N, None)
    ax = _ax(ax)
    r = nested([(model, N), (inner, N_inner)], P=P)
    x1, x2 = np.asarray(r.x[0]), np.asarray(r.x[1])
    reg2 = np.asarray(r.levels[1].regime)
    ax.plot(N, _positive(x1), color=PALETTE[0], label="outer level x*₁ (N instances)")
    ax.plot(N, _positive(x2), color=PALETTE[1], ls="--",
            label=f"inner level x*₂ ({N_inner:g} instances, budget x*₁)")
    for i in np.flatnonzero(reg2[1:] != reg2[:-1]):
        # bisect the outer N where the inner regime changes
        lo, hi = N[i], N[i + 1]
        for _ in range(60):
            mid = np.sqrt(lo * hi)
            rm = nested([(model, mid), (inner, N_inner)], P=P).levels[1].regime
            lo, hi = (mid, hi) if rm == reg2[i] else (lo, mid)
        ln = ax.axvline(float(np.sqrt(lo * hi)), color=PALETTE[1], ls=":", lw=0.9)
        ln.set_gid("boundary")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("instances at the outer level N")
    ax.set_ylabel("optimal x* (bits)")
    ax.legend(loc="best")
    return ax


def novel_ratio(models, *, N=None, P, ax=None, **solve_kw):
    """Power on an instance not seen in training over power on a training instance, against N.

    ``Solution.novel_ratio`` for each curve (a Model, a list, or a dict
    ``label -> Model`` or ``label -> (Model, {solve arguments})``, e.g. several
    overlaps rho of one cost), on a log N axis.

    Returns
    -------
    Axes
        One line per curve, in order.

    Examples
    --------
    >>> import powermodel as pm
    >>> from matplotlib.figure import Figure
    >>> f = pm.Model("power", c=1.0, k=2.0)
    >>> ax = novel_ratio({"ρ = 0": (f, {"overlap": 0.0})}, N=[10, 100], P=1e6,
    ...                  ax=Figure().subplots())
    >>> [round(float(v), 7) for v in ax.lines[0].get_ydata()]  # rho = 0: x*/g*, 5/100002.5, ...
    [5e-05, 0.0049875]
    """
    ax = _ax(ax)
    N = _logN(N, np.logspace(0, 5, 300))
    for i, (label, m, kw) in enumerate(_curves(models, P=P, **solve_kw)):
        ax.plot(N, m.solve(N=N, **kw).novel_ratio, color=PALETTE[i % len(PALETTE)],
                label=label, ls=LINESTYLES[i % len(LINESTYLES)])
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("novel / training power (bits/bits)")
    ax.legend(loc="best")
    return ax
