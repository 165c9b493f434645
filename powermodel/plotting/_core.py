"""Style, shared helpers, the plots of the model and the phase diagram (re-exported by
:mod:`powermodel.plotting`)."""

import contextlib

import numpy as np

from .. import _validation as V
from ..errors import InputError
from ..result import REGIMES, Solution
from ._base import LINESTYLES, PALETTE, _ax, _axis_label, _AXIS_LABELS, _result  # noqa: F401

__all__ = [
    "PALETTE", "REGIME_COLORS", "style", "landscape", "optimum_vs_N", "decomposition",
    "compute_multiplier", "learned_share", "phase_diagram", "transitions", "crossing",
]

#: Fill colour of each regime in phase diagrams.
REGIME_COLORS = {"none": "#BBBBBB", "interior": "#56B4E9", "budget": "#E69F00",
                 "cap": "#009E73", "unbounded": "#CC79A7"}

BITS = "bits"

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


def _model(m, name="model"):
    from ..model import Model

    if not isinstance(m, Model):
        raise InputError(f"`{name}` must be a powermodel.Model, got {type(m).__name__}")
    return m


def _curves(models, **solve_kw):
    """Normalise a curve specification to ``[(label, model, kwargs)]``."""
    from ..model import Model

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


def _edges(v, log):
    if v.size == 1:
        return np.array([v[0] * 0.9, v[0] * 1.1]) if log else np.array([v[0] - 0.5, v[0] + 0.5])
    t = np.log(v) if log else v
    mid = (t[1:] + t[:-1]) / 2
    e = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return np.exp(e) if log else e


def _has_penalty(models, solve_kw):
    specs = models.values() if isinstance(models, dict) else ()
    kws = [solve_kw] + [sp[1] for sp in specs if isinstance(sp, tuple)]
    return any(np.any(np.asarray(kw.get("runtime_penalty", 0.0)) != 0) for kw in kws)


def _nice(v):
    """A number for a label: no exponent between 1 and 10^6."""
    return f"{v:,.0f}" if 10 <= abs(v) < 1e6 else f"{v:.3g}"


def number_text(v):
    """A number for a figure's text: a power of ten from 10^4 up as ``10⁶``, otherwise ``%g``.

    >>> number_text(1e6), number_text(1e4), number_text(2e6), number_text(500.0)
    ('10⁶', '10⁴', '2e+06', '500')
    """
    e = np.log10(v) if v > 0 else 0.0
    if v >= 1e4 and e == int(e):
        sup = str(int(e)).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
        return f"10{sup}"
    return f"{v:g}"
