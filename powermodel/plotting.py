r"""Plots of the allocation model, in matplotlib's object-oriented style.

Every plotting function takes ``ax=None`` (a new figure is made with pyplot
only when no Axes is given), draws, and returns the Axes. Styling lives in the
:func:`style` context manager; nothing here changes global ``rcParams``.
Colours come from the Okabe-Ito palette (colour-blind safe); every axis is
labelled with its unit (bits of optimization power) and the defaults are
legible at one-column width (3.4 in).

Plots of the model (each solves it with :meth:`powermodel.Model.solve`):

* :func:`landscape` -- the objective g(x) for several N, optimum marked;
* :func:`optimum_vs_N` -- x*(N) for several costs, regime changes marked;
* :func:`decomposition` -- base vs learned per-instance power as N grows;
* :func:`compute_multiplier` -- the price M = P'/P of holding x to zero
  (P' = f(0) + N_eff g*: the base power a system held at x = 0 needs to match g*);
* :func:`learned_share` -- the learned share (1 - lambda) x*/g* against N (x*/g* in
  the paper's model), the dominance line 1/2 marked.

Plots of analysis results (duck-typed on their fields):

* :func:`phase_diagram` -- regimes over two parameters (a sweep result);
* :func:`sobol_bars`, :func:`morris_bars`, :func:`tornado` -- sensitivity;
* :func:`quantile_bands`, :func:`mesa_probability` -- Monte Carlo results.

Curves are given as a :class:`~powermodel.Model`, a list of them, or a dict
``label -> Model`` or ``label -> (Model, {solve keyword arguments})`` (for
example several overlaps of one cost).

Examples
--------
>>> import powermodel as pm
>>> from powermodel import plotting
>>> from matplotlib.figure import Figure
>>> ax = Figure().subplots()
>>> with plotting.style():
...     ax = plotting.optimum_vs_N(pm.Model("power", c=1.0, k=2.0), N=[1, 10, 100], P=1e6, ax=ax)
>>> ax.lines[0].get_ydata().tolist()
[0.5, 5.0, 50.0]
"""

import contextlib

import numpy as np

from . import _validation as V
from .errors import InputError
from .result import REGIMES, Solution

__all__ = [
    "PALETTE", "REGIME_COLORS", "style", "landscape", "optimum_vs_N", "decomposition",
    "compute_multiplier", "learned_share", "phase_diagram", "sobol_bars", "morris_bars",
    "tornado", "quantile_bands", "mesa_probability", "transitions", "crossing",
]

#: Okabe-Ito colours (colour-blind safe), in the order curves use them.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

#: Fill colour of each regime in phase diagrams.
REGIME_COLORS = {"none": "#BBBBBB", "interior": "#56B4E9", "budget": "#E69F00",
                 "cap": "#009E73", "unbounded": "#CC79A7"}

BITS = "bits"

#: Line styles of successive curves (so overlapping curves stay distinguishable).
LINESTYLES = ("-", "--", "-.", (0, (8, 2)), (0, (5, 1.5, 1, 1.5, 1, 1.5)))

_RC = {
    "figure.figsize": (3.4, 2.5),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 6.5,
    "legend.frameon": False,
    "lines.linewidth": 1.3,
    "lines.markersize": 4,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.5,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "powermodel",
    "figure.constrained_layout.use": True,
    "text.usetex": False,  # (a matplotlibrc's usetex would need LaTeX for every label)
}


@contextlib.contextmanager
def style(**overrides):
    """Context manager applying powermodel's plot style (one-column, Okabe-Ito).

    ``overrides`` are extra rcParams for the block. Global settings are
    restored on exit.

    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.size"]
    >>> with style():
    ...     mpl.rcParams["font.size"]
    8.0
    >>> mpl.rcParams["font.size"] == before
    True
    """
    import matplotlib as mpl
    from cycler import cycler

    for name in overrides:
        if name not in mpl.rcParams:
            raise InputError(f"unknown style override `{name}` (not a matplotlib rcParam)"
                             f"{V.suggest(name, tuple(mpl.rcParams))}")
    rc = dict(_RC, **{"axes.prop_cycle": cycler(color=list(PALETTE))})
    rc.update(overrides)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(mpl.rc_context(rc))
        except (ValueError, TypeError) as exc:  # a value the rcParam does not accept
            raise InputError(f"bad style override: {str(exc).splitlines()[0]}") from None
        yield


def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise InputError(f"`ax` must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _result(result, kind, attrs):
    """Refuse a ``result`` without the attributes a plot reads (duck typing kept)."""
    missing = [a for a in attrs if not hasattr(result, a)]
    if missing:
        raise InputError(f"`result` must be {kind} (or have {', '.join(attrs)}), got "
                         f"{type(result).__name__} without `{missing[0]}`")
    return result


def _model(m, name="model"):
    from .model import Model

    if not isinstance(m, Model):
        raise InputError(f"`{name}` must be a powermodel.Model, got {type(m).__name__}")
    return m


def _curves(models, **solve_kw):
    """Normalise a curve specification to ``[(label, model, kwargs)]``."""
    from .model import Model

    if isinstance(models, Model):
        return [(_label(models), models, dict(solve_kw))]
    if isinstance(models, dict):
        out = []
        for label, spec in models.items():
            if isinstance(spec, tuple):
                if len(spec) != 2 or not isinstance(spec[1], dict):
                    raise InputError(f"`models[{label!r}]` must be a Model or a (Model, dict of "
                                     f"solve arguments) pair, got {spec!r}")
                m, kw = spec
                out.append((_text("label", label), _model(m, f"models[{label!r}]"),
                            {**solve_kw, **kw}))
            else:
                out.append((_text("label", label), _model(spec, f"models[{label!r}]"),
                            dict(solve_kw)))
        return out
    if isinstance(models, (list, tuple)):
        return [(_label(_model(m, f"models[{i}]")), m, dict(solve_kw))
                for i, m in enumerate(models)]
    raise InputError(f"`models` must be a Model, a list or a dict of them, got {models!r}")


#: The longest label (characters) a plot takes: a longer one is refused (given) or
#: shortened (made from a long cost expression); laying out 1e5 characters took 26 s.
MAX_LABEL = 200


def _label(m):
    ps = ", ".join(f"{k}={v:g}" for k, v in m.params.items() if np.ndim(v) == 0)
    text = f"{m.cost.name} ({ps})" if ps else m.cost.name
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 3] + "..."


def _text(name, value):
    """A label given by the caller: any object as its str, at most MAX_LABEL characters."""
    text = str(value)
    if len(text) > MAX_LABEL:
        raise InputError(f"`{name}` must be at most {MAX_LABEL} characters, got "
                         f"{len(text):,}")
    return text


def _logN(N, default):
    N = np.asarray(V.real("N", default if N is None else N), dtype=float)
    if N.ndim != 1 or N.size < 2 or not np.all(N > 0) or not np.all(np.diff(N) > 0):
        raise InputError(f"`N` must be an increasing 1-D array of positive values, got {N!r}")
    return N


def _positive(v):
    v = np.asarray(v, dtype=float)
    return np.where(v > 0, v, np.nan)


def _mark_vline(ax, x, color, gid, label=None, ls=":"):
    line = ax.axvline(x, color=color, ls=ls, lw=0.9, label=label or "_nolegend_")
    line.set_gid(gid)
    return line


# ---------------------------------------------------------------------------
# Numeric helpers shared with powermodel.figures
# ---------------------------------------------------------------------------

def transitions(model, N, *, iterations=60, **solve_kw):
    """Where the regime of x* changes as N grows, located by bisection in log N.

    Parameters
    ----------
    model : Model
    N : array_like
        Increasing grid of N scanned for changes.
    iterations : int
        Bisection steps per change (60 gives ~1e-15 relative in N on
        reasonable grids).
    **solve_kw
        ``P`` and any other argument of :meth:`Model.solve` (scalars).

    Returns
    -------
    list of dict
        One dict per change with ``N`` (the boundary), ``from``/``to``
        (regimes) and ``x_below``/``x_above`` (x* on either side: a jump when
        they differ).

    Examples
    --------
    >>> import powermodel as pm
    >>> t = transitions(pm.Model("linear", c=50.0), [1, 10, 100, 1000], P=1e4)
    >>> round(t[0]["N"], 9), t[0]["from"], t[0]["to"]
    (50.0, 'none', 'budget')
    """
    N = _logN(N, None)
    iterations = V.integer("iterations", iterations, 0)
    s = _model(model).solve(N=N, **solve_kw)
    r = np.asarray(s.regime)
    idx = np.flatnonzero(r[1:] != r[:-1])
    if idx.size == 0:
        return []
    lo, hi = N[idx].copy(), N[idx + 1].copy()
    r_lo = r[idx]
    for _ in range(iterations):
        mid = np.sqrt(lo * hi)
        if np.all((mid <= lo) | (mid >= hi)):
            break  # converged to adjacent floats: more steps change nothing
        rm = np.asarray(model.solve(N=mid, **solve_kw).regime)
        below = rm == r_lo
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    sl, sh = model.solve(N=lo, **solve_kw), model.solve(N=hi, **solve_kw)
    return [{"N": float(np.sqrt(lo[i] * hi[i])), "from": str(r_lo[i]),
             "to": str(np.asarray(sh.regime)[i]), "x_below": float(np.asarray(sl.x)[i]),
             "x_above": float(np.asarray(sh.x)[i])} for i in range(idx.size)]


def crossing(model, N, field, level, *, iterations=60, **solve_kw):
    """The first N (by bisection in log N) where ``field`` of the solution crosses ``level``.

    Returns ``nan`` when the field does not cross ``level`` on the grid.

    >>> import powermodel as pm
    >>> m = pm.Model("power", c=1.0, k=2.0)   # learned share 1/2 at N = sqrt(4P/3)
    >>> round(crossing(m, [1, 1e5], "learned_share", 0.5, P=1e6), 6)
    1154.700538
    """
    N = _logN(N, None)
    iterations = V.integer("iterations", iterations, 0)
    level = V.real("level", level)
    numeric = tuple(f for f in Solution._fields if f not in ("regime", "status"))
    if field not in numeric:
        raise InputError(f"`field` must be a numeric result field ({', '.join(numeric)}), got "
                         f"{field!r}{V.suggest(str(field), numeric)}")
    v = np.asarray(getattr(_model(model).solve(N=N, **solve_kw), field), dtype=float) - level
    idx = np.flatnonzero(np.sign(v[1:]) != np.sign(v[:-1]))
    if idx.size == 0:
        return float("nan")
    i = idx[0]
    lo, hi, s_lo = N[i], N[i + 1], np.sign(v[i])
    for _ in range(iterations):
        mid = np.sqrt(lo * hi)
        if not lo < mid < hi:
            break  # converged to adjacent floats: more steps change nothing
        if np.sign(float(getattr(model.solve(N=mid, **solve_kw), field)) - level) == s_lo:
            lo = mid
        else:
            hi = mid
    return float(np.sqrt(lo * hi))


# ---------------------------------------------------------------------------
# Model plots
# ---------------------------------------------------------------------------

def landscape(model, *, N=(10.0, 100.0, 1000.0), P, x=None, relative=True, ax=None, **solve_kw):
    r"""The objective g(x) for several N, each optimum x* marked.

    .. math:: g(x) = \frac{(P - f(x))(1 + \rho(N - 1))}{N} + (1 - \lambda) x

    Parameters
    ----------
    model : Model
    N : sequence of float
        One curve per value.
    P : float
        Base optimization power (bits).
    x : array_like, optional
        Grid of x (default: 0 to 1.3 times the largest finite x*, at most
        the budget).
    relative : bool
        Plot ``g(x) - g(0)`` (the gain from the learned algorithm) so curves
        for different N share a scale; otherwise ``g(x)``.
    ax : Axes, optional
    **solve_kw
        Other arguments of :meth:`Model.solve` (``overlap``, ``x_cap``, ...).

    Returns
    -------
    Axes
        One line per N (label ``"N = ..."``) and one marker line per optimum
        (gid ``"optimum"``). Infeasible x (f(x) > P or above the cap) is not drawn.
    """
    _model(model)
    Ns = np.atleast_1d(np.asarray(V.real("N", N), dtype=float))
    if Ns.ndim != 1:
        raise InputError(f"`N` must be a value or a 1-D sequence of values, got shape {Ns.shape}")
    ax = _ax(ax)
    sols = [model.solve(N=n, P=P, **solve_kw) for n in Ns]
    if x is None:
        xs = [s.x for s in sols if np.isfinite(s.x)]
        top = 1.3 * max(xs) if xs and max(xs) > 0 else 1.0
        top = min(top, min(s.x_budget for s in sols))
        x = np.linspace(0.0, top, 400)
    x = np.asarray(V.real("x", x), dtype=float)
    okw = {k: v for k, v in solve_kw.items() if k not in ("x_cap", "errors")}
    cap = solve_kw.get("x_cap")
    for i, (n, s) in enumerate(zip(Ns, sols)):
        color = PALETTE[i % len(PALETTE)]
        g = np.asarray(model.objective(x, N=n, P=P, **okw), dtype=float)
        g0 = model.objective(0.0, N=n, P=P, **okw) if relative else 0.0
        feas = (x <= s.x_budget) & (x <= (np.inf if cap is None else cap))
        ax.plot(x, np.where(feas, g - g0, np.nan), color=color, label=f"N = {n:.4g}")
        gs = s.value - g0
        (m,) = ax.plot([s.x], [gs], ls="none", marker="o", color=color, mfc="white",
                       label="_nolegend_")
        m.set_gid("optimum")
    ax.set_xlabel("run-time optimization x (bits)")
    ax.set_ylabel("g(x) − g(0) (bits)" if relative else "g(x) (bits per instance)")
    ax.legend(loc="best")
    return ax


def optimum_vs_N(models, *, N=None, P, mark=True, ax=None, **solve_kw):
    """x*(N) on log axes for one or several costs, regime changes marked.

    Points where x* = 0 cannot be shown on a log axis and are left blank.
    With ``mark=True`` each regime change (found by :func:`transitions`) gets a
    dotted vertical line in the curve's colour (gid ``"boundary"``) and each
    discontinuous jump of x* a dashed vertical segment (gid ``"jump"``).

    Returns
    -------
    Axes
        ``ax.lines`` holds, per curve, the x* line (labelled), then its marks.
    """
    ax = _ax(ax)
    N = _logN(N, np.logspace(0, 5, 300))
    for i, (label, m, kw) in enumerate(_curves(models, P=P, **solve_kw)):
        color = PALETTE[i % len(PALETTE)]
        s = m.solve(N=N, **kw)
        ax.plot(N, _positive(s.x), color=color, label=label, ls=LINESTYLES[i % len(LINESTYLES)])
        if mark:
            for t in transitions(m, N, **kw):
                _mark_vline(ax, t["N"], color, "boundary")
                lo, hi = t["x_below"], t["x_above"]
                if abs(hi - lo) > 1e-6 * max(abs(hi), abs(lo)) and lo > 0 and hi > 0:
                    (j,) = ax.plot([t["N"], t["N"]], [lo, hi], color=color, ls="--", lw=0.9,
                                   label="_nolegend_")
                    j.set_gid("jump")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("optimal x* (bits)")
    ax.legend(loc="best")
    return ax


def decomposition(model, *, N=None, P, ax=None, **solve_kw):
    r"""Per-instance power split into the base optimizer's and the learned algorithm's part.

    Lines: ``(P - f(x*))(1 + rho(N - 1))/N`` (label starts ``"base"``),
    ``(1 - lambda) x*`` (``"learned"``) and their sum g* (``"total"``), against
    N on log axes. The N where the learned part reaches half of g* (x comes
    to dominate) is marked by a vertical line with gid ``"dominance"``.
    """
    ax = _ax(ax)
    N = _logN(N, np.logspace(0, 5, 300))
    kw = dict(P=P, **solve_kw)
    s = model.solve(N=N, **kw)
    lam = solve_kw.get("runtime_penalty", 0.0)
    learned = (1 - lam) * np.asarray(s.x)
    ax.plot(N, _positive(s.base_per_instance), color=PALETTE[0],
            label="base optimizer (P − f(x*))/N")
    ax.plot(N, _positive(learned), color=PALETTE[1], label="learned algorithm x*")
    ax.plot(N, _positive(s.value), color="#000000", lw=0.8, ls="-.", label="total g*")
    nd = crossing(model, N, "learned_share", 0.5, **kw)
    if np.isfinite(nd):
        _mark_vline(ax, nd, "#555555", "dominance", label=f"x dominates (N ≈ {_nice(nd)})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("power per instance (bits)")
    ax.legend(loc="best")
    return ax


def learned_share(models, *, N=None, P, ax=None, **solve_kw):
    """The learned algorithm's share (1 - lambda) x*/g* of per-instance power against N.

    (1 - lambda) x* is the learned contribution to g* under a speed prior lambda;
    in the paper's model (lambda = 0) the share is x*/g*.

    A horizontal line at 1/2 (gid ``"half"``) marks where x dominates; each
    curve's crossing of it gets a dotted vertical line (gid ``"dominance"``).
    """
    ax = _ax(ax)
    N = _logN(N, np.logspace(0, 5, 300))
    for i, (label, m, kw) in enumerate(_curves(models, P=P, **solve_kw)):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(N, m.solve(N=N, **kw).learned_share, color=color, label=label,
                ls=LINESTYLES[i % len(LINESTYLES)])
        nd = crossing(m, N, "learned_share", 0.5, **kw)
        if np.isfinite(nd):
            _mark_vline(ax, nd, color, "dominance")
    h = ax.axhline(0.5, color="#555555", lw=0.8, ls="--", label="_nolegend_")
    h.set_gid("half")
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("learned share (1−λ)x*/g*" if _has_penalty(models, solve_kw)
                  else "learned share x*/g* (bits/bits)")
    ax.legend(loc="best")
    return ax


def compute_multiplier(models, *, N=None, P, ax=None, **solve_kw):
    """The compute multiplier M = P'/P (the price of holding x to 0) against N, log axes.

    P' = f(0) + N_eff g* is the base power a system held at x = 0 needs to reach
    the optimum's per-instance power g* (N_eff = N/(1 + rho (N - 1))); M = N g*/P
    only when f(0) = 0 and rho = 0 (``Solution.compute_multiplier``).

    A horizontal line at 1 (gid ``"unity"``) marks no price.
    """
    ax = _ax(ax)
    N = _logN(N, np.logspace(0, 5, 300))
    for i, (label, m, kw) in enumerate(_curves(models, P=P, **solve_kw)):
        ax.plot(N, m.solve(N=N, **kw).compute_multiplier, color=PALETTE[i % len(PALETTE)],
                label=label)
    h = ax.axhline(1.0, color="#555555", lw=0.8, ls="--", label="_nolegend_")
    h.set_gid("unity")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("compute multiplier M = P′/P")
    ax.legend(loc="best")
    return ax


# ---------------------------------------------------------------------------
# Result plots
# ---------------------------------------------------------------------------

def phase_diagram(result, *, xlog=True, ylog=True, ax=None):
    """Regimes of x* over two parameters, from a sweep result.

    Parameters
    ----------
    result : SweepResult or similar
        An object with ``axes`` (an ordered dict of two names -> 1-D arrays,
        the first on the horizontal axis) and ``solution`` (a Solution whose
        ``regime`` has shape ``(len(first), len(second))``), as returned by
        :func:`powermodel.phase_diagram`.
    xlog, ylog : bool
        Log scales.

    Returns
    -------
    Axes
        A QuadMesh (``ax.collections[0]``) whose array holds the regime codes
        (indices into :data:`powermodel.result.REGIMES`), transposed so rows
        follow the vertical axis; a legend patch per regime present.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    _result(result, "a SweepResult", ("axes", "solution"))
    ax = _ax(ax)
    names = list(result.axes)
    if len(names) != 2:
        raise InputError(f"a phase diagram needs a sweep over two parameters, got {names}")
    xv, yv = (np.asarray(result.axes[k], dtype=float) for k in names)
    reg = np.asarray(result.solution.regime)
    if reg.shape != (xv.size, yv.size):
        raise InputError(f"regime array has shape {reg.shape}, expected {(xv.size, yv.size)}")
    codes = np.full(reg.shape, np.nan)
    for i, r in enumerate(REGIMES):
        codes[reg == r] = i
    cmap = ListedColormap([REGIME_COLORS[r] for r in REGIMES])
    norm = BoundaryNorm(np.arange(len(REGIMES) + 1) - 0.5, cmap.N)
    ax.pcolormesh(_edges(xv, xlog), _edges(yv, ylog), codes.T, cmap=cmap, norm=norm,
                  shading="flat", rasterized=True)
    present = [r for r in REGIMES if np.any(reg == r)]
    ax.legend(handles=[Patch(facecolor=REGIME_COLORS[r], label=r) for r in present],
              loc="best", frameon=True, framealpha=0.85)
    if xlog:
        ax.set_xscale("log")
    if ylog:
        ax.set_yscale("log")
    ax.grid(False)
    ax.set_xlabel(_axis_label(names[0]))
    ax.set_ylabel(_axis_label(names[1]))
    return ax


_AXIS_LABELS = {
    "N": "number of distinct instances N",
    "P": "base optimization power P (bits)",
    "x_cap": "compute cap x_cap (bits)",
    "overlap": "shared structure ρ",
    "runtime_penalty": "speed prior λ",
}


def _axis_label(name):
    return _AXIS_LABELS.get(name, name)


def _edges(v, log):
    if v.size == 1:
        return np.array([v[0] * 0.9, v[0] * 1.1]) if log else np.array([v[0] - 0.5, v[0] + 0.5])
    t = np.log(v) if log else v
    mid = (t[1:] + t[:-1]) / 2
    e = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return np.exp(e) if log else e


def _interval_err(values, intervals, names):
    v = np.array([values[n] for n in names], dtype=float)
    lo = np.array([intervals[n][0] for n in names], dtype=float)
    hi = np.array([intervals[n][1] for n in names], dtype=float)
    return v, np.vstack([np.maximum(v - lo, 0), np.maximum(hi - v, 0)])


def sobol_bars(result, *, ax=None):
    """First-order and total Sobol indices as grouped bars with confidence intervals.

    ``result`` has ``names``, ``first_order``/``total_order`` (dict name -> float)
    and ``first_order_interval``/``total_order_interval`` (dict name -> (low, high)).
    The first ``len(names)`` bar patches are the first-order indices, the next
    the total indices, in the order of ``names``.
    """
    _result(result, "a SobolResult", ("names", "first_order", "total_order",
                                      "first_order_interval", "total_order_interval"))
    ax = _ax(ax)
    names = list(result.names)
    pos = np.arange(len(names))
    w = 0.38
    s1, e1 = _interval_err(result.first_order, result.first_order_interval, names)
    st, et = _interval_err(result.total_order, result.total_order_interval, names)
    ax.bar(pos - w / 2, s1, w, yerr=e1, color=PALETTE[0], label="first order $S_i$",
           capsize=2, error_kw={"lw": 0.8})
    ax.bar(pos + w / 2, st, w, yerr=et, color=PALETTE[1], label="total $S_{Ti}$",
           capsize=2, error_kw={"lw": 0.8})
    ax.set_xticks(pos, [_short_name(n) for n in names])
    ax.set_ylabel("share of output variance")
    ax.axhline(0, color="#000000", lw=0.6)
    ax.grid(False, axis="x")
    level = getattr(result, "confidence_level", None)
    top = max([*(s1 + e1[1]), *(st + et[1]), 0.0])
    if top > 0:
        ax.set_ylim(top=1.4 * top)
    ax.legend(loc="upper left", ncol=2, title=f"{level:.0%} intervals" if level else None)
    return ax


def morris_bars(result, *, ax=None):
    """Morris elementary effects: mu* bars with intervals, sigma as markers.

    ``result`` has ``names``, ``mu_star``, ``sigma`` (dict name -> float) and
    ``mu_star_interval`` (dict name -> (low, high)). Bars follow ``names``.
    """
    _result(result, "a MorrisResult", ("names", "mu_star", "sigma", "mu_star_interval"))
    ax = _ax(ax)
    names = list(result.names)
    pos = np.arange(len(names))
    mu, err = _interval_err(result.mu_star, result.mu_star_interval, names)
    ax.bar(pos, mu, 0.6, yerr=err, color=PALETTE[0], capsize=2, label="μ* (mean |effect|)",
           error_kw={"lw": 0.8})
    (s,) = ax.plot(pos, [result.sigma[n] for n in names], ls="none", marker="D",
                   color=PALETTE[3], label="σ (spread of effects)")
    s.set_gid("sigma")
    top = max([*(mu + err[1]), *[result.sigma[n] for n in names], 0.0])
    if top > 0:
        ax.set_ylim(0, 1.3 * top)
    ax.set_xticks(pos, [_short_name(n) for n in names])
    ax.set_ylabel("elementary effect (output units)")
    ax.grid(False, axis="x")
    ax.legend(loc="best")
    return ax


def tornado(result, *, ax=None):
    """One-at-a-time tornado chart: output at each input's low and high value.

    ``result`` has ``names`` (ranked, most influential first), ``base_output``
    and ``low_output``/``high_output`` (dict name -> float). The most
    influential input is drawn at the top. Bars: first the low-side bars, then
    the high-side bars, each in the order of ``names``.
    """
    _result(result, "an OATResult", ("names", "base_output", "low_output", "high_output"))
    ax = _ax(ax)
    names = list(result.names)
    base = float(result.base_output)
    y = np.arange(len(names))[::-1]
    lo = np.array([result.low_output[n] for n in names], dtype=float)
    hi = np.array([result.high_output[n] for n in names], dtype=float)
    ax.barh(y, lo - base, left=base, color=PALETTE[0], height=0.6, label="input at low value")
    ax.barh(y, hi - base, left=base, color=PALETTE[1], height=0.6, label="input at high value")
    b = ax.axvline(base, color="#000000", lw=0.8)
    b.set_gid("base")
    ax.set_yticks(y, [_short_name(n) for n in names])
    ax.set_xlabel("output at the low / high input value")
    ax.grid(False, axis="y")
    ax.legend(loc="best")
    return ax


def quantile_bands(result, *, ylabel="x* (bits)", ax=None):
    """Monte Carlo quantile bands of the output against N.

    ``result`` has ``N``, ``quantiles`` (increasing, symmetric about 0.5 when
    bands are to be shaded) and ``bands`` (shape ``(len(quantiles), len(N))``).
    Pairs ``(q, 1 - q)`` are shaded (one PolyCollection each, outermost first);
    the median, when present, is a line (gid ``"median"``).
    """
    _result(result, "a MonteCarloResult", ("N", "quantiles", "bands"))
    ax = _ax(ax)
    q = [float(v) for v in result.quantiles]
    N = np.asarray(result.N, dtype=float)
    bands = np.asarray(result.bands, dtype=float)
    qr = [round(v, 12) for v in q]
    pairs = [(i, qr.index(round(1 - qi, 12))) for i, qi in enumerate(q)
             if qi < 0.5 and round(1 - qi, 12) in qr]
    for k, (i, j) in enumerate(pairs):
        ax.fill_between(N, bands[i], bands[j], color=PALETTE[0], alpha=0.18 + 0.17 * k, lw=0,
                        label=f"{q[i]:.0%}–{q[j]:.0%}")
    if 0.5 in qr:
        (m,) = ax.plot(N, bands[qr.index(0.5)], color=PALETTE[0], label="median")
        m.set_gid("median")
    ax.set_xscale("log")
    if np.all(bands[np.isfinite(bands)] >= 0) and np.nanmax(bands) > 0:
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylim(bottom=0)
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel(_text("ylabel", ylabel))
    ax.legend(loc="best")
    return ax


def mesa_probability(result, *, label=None, color=None, ax=None):
    """Probability of mesa-optimization (x* > 0) and of dominance (share > 1/2) against N.

    ``result`` has ``N``, ``p_mesa`` and ``p_dominant`` (arrays over N). Lines:
    ``P(x* > 0)`` (solid) then ``P(share > 1/2)`` (dashed; the learned share
    (1 - lambda) x*/g*); ``label`` prefixes
    their legend entries (to overlay several results on one Axes).
    """
    _result(result, "a MonteCarloResult", ("N", "p_mesa", "p_dominant"))
    ax = _ax(ax)
    N = np.asarray(result.N, dtype=float)
    pre = f"{_text('label', label)}: " if label else ""
    color = color or PALETTE[len(ax.lines) // 2 % len(PALETTE)]
    ax.plot(N, result.p_mesa, color=color, label=f"{pre}P(x* > 0)")
    ax.plot(N, result.p_dominant, color=color, ls="--", label=f"{pre}P(share > 1/2)")
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("number of distinct instances N")
    ax.set_ylabel("probability")
    ax.legend(loc="best")
    return ax


def _has_penalty(models, solve_kw):
    specs = models.values() if isinstance(models, dict) else ()
    kws = [solve_kw] + [sp[1] for sp in specs if isinstance(sp, tuple)]
    return any(np.any(np.asarray(kw.get("runtime_penalty", 0.0)) != 0) for kw in kws)


def _nice(v):
    """A number for a label: no exponent between 1 and 10^6."""
    return f"{v:,.0f}" if 10 <= abs(v) < 1e6 else f"{v:.3g}"


def _short_name(n):
    return {"overlap": "ρ", "runtime_penalty": "λ", "x_cap": "x_cap"}.get(n, n)
