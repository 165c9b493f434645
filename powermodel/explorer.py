r"""An interactive explorer: move a parameter, watch x*(N) respond.

:func:`explore` draws x*(N) with its regime bands, the learned share and the
compute multiplier, with one slider for ``P``, one per cost parameter and one
each for the overlap :math:`\rho` and the runtime penalty :math:`\lambda`.
Moving a slider re-solves the model on the whole N grid. The widgets are
plain :mod:`matplotlib.widgets`, so the explorer works in any interactive
backend (a desktop window, or ``%matplotlib widget`` (ipympl) in a notebook)
and can be driven from a script or a test with ``Slider.set_val``.

>>> import powermodel as pm
>>> e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=1e4)
>>> e.sliders["P"].set_val(100.0)            # x* = min(N/2, sqrt(P))
>>> float(e.lines["x"].get_ydata()[-1])
10.0
>>> e.close()
"""

from collections.abc import Mapping

import numpy as np

from . import _validation as V
from .errors import InputError
from .result import REGIMES

__all__ = ["explore", "Explorer"]

#: Slider names of the solver's own inputs and their aliases in the mappings.
_ALIASES = {"rho": "overlap", "lambda": "runtime_penalty", "lam": "runtime_penalty",
            "share": "learned_share", "multiplier": "compute_multiplier", "x*": "x"}
_LABELS = {"P": "P (bits)", "overlap": "ρ (overlap)", "runtime_penalty": "λ (runtime penalty)"}


class _Names(Mapping):
    """A read-only mapping that also answers to a few aliases (``"rho"``, ``"lambda"``)."""

    def __init__(self, items):
        self._d = dict(items)

    def __getitem__(self, key):
        return self._d[_ALIASES.get(key, key) if key not in self._d else key]

    def __contains__(self, key):
        return key in self._d or _ALIASES.get(key) in self._d

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)

    def __repr__(self):
        return f"{{{', '.join(map(repr, self._d))}}}"


#: The explorer's N axis lies within these bounds (a log axis beyond them overflows
#: while placing its ticks).
N_LIMITS = (1e-100, 1e100)


def _range(name, spec, default, bound):
    """``(lo, hi, init)`` from a scalar (the initial value) or a ``(lo, hi[, init])`` tuple."""
    if spec is None:
        spec = default
    if spec is None:
        raise InputError(f"`{name}` has no value: give the model one or pass {name}=(lo, hi, value)")
    if isinstance(spec, (tuple, list)):
        if len(spec) not in (2, 3):
            raise InputError(f"`{name}` must be a value or (lo, hi[, value]), got {spec!r}")
        lo, hi = (V.real(name, v) for v in spec[:2])
        init = V.real(name, spec[2]) if len(spec) == 3 else (
            default if default is not None and lo <= default <= hi else (lo + hi) / 2)
        init = V.real(name, init)
        if not lo < hi:
            raise InputError(f"`{name}` range must have lo < hi, got {spec!r}")
        if not lo <= init <= hi:
            raise InputError(f"`{name}` value must lie in its range, got {init!r} "
                             f"outside ({lo!r}, {hi!r})")
        return lo, hi, init
    v = V.real(name, spec)
    if np.ndim(v):
        raise InputError(f"`{name}` must be a scalar here, got an array")
    big = np.finfo(float).max  # (a slider to ten times a value near the float limit stops there)
    if v > 0:
        lo, hi = v / 10, min(v * 10, big)
    elif v == 0:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = max(v * 10, -big), min(-v * 10, big)
    if bound is not None:
        if v < bound[0]:
            raise InputError(f"`{name}` must be >= {bound[0]:g}, got {v!r}")
        lo = max(lo, bound[0])
    return lo, hi, v


class Explorer:
    """The live figure :func:`explore` returns.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    sliders : Mapping[str, matplotlib.widgets.Slider]
        One per input: ``"P"``, each cost parameter, ``"overlap"`` (also
        ``"rho"``) and ``"runtime_penalty"`` (also ``"lambda"``). Each slider's
        value is the input's value (linear scale).
    lines : Mapping[str, matplotlib.lines.Line2D]
        ``"x"`` (x*(N); x* = 0 is masked on the log axis but kept in the
        data), ``"learned_share"`` and ``"compute_multiplier"``. Their x data
        are the N grid.
    axes : Mapping[str, matplotlib.axes.Axes]
        ``"x"``, ``"learned_share"``, ``"compute_multiplier"``.
    bands : list of matplotlib.patches.Polygon
        The regime bands currently drawn (one per run of a regime along N,
        on each axes), ``get_gid()`` giving the regime name.
    spans : list of (str, float, float)
        ``(regime, N_from, N_to)`` of each band (boundaries halfway between
        grid points in log N).
    model : Model
    N : ndarray
        The N grid.
    """

    def __init__(self, model, N, values, ranges, *, points):
        import matplotlib.pyplot as plt
        from matplotlib.widgets import Slider

        from .plotting import PALETTE

        self.model = model
        self.N = np.geomspace(N[0], N[1], points)
        self.values = dict(values)
        self.solution = None
        self.bands = []
        self.spans = []
        names = list(ranges)
        fig = plt.figure(figsize=(6.4, 6.4 + 0.28 * len(names)))
        top = 1 - 0.35 / fig.get_figheight()
        bottom_of_plots = (0.35 + 0.3 * len(names) + 0.45) / fig.get_figheight()
        gs = fig.add_gridspec(3, 1, left=0.14, right=0.97, top=top - 0.04,
                              bottom=bottom_of_plots, hspace=0.12, height_ratios=(2, 1, 1))
        ax_x = fig.add_subplot(gs[0])
        ax_s = fig.add_subplot(gs[1], sharex=ax_x)
        ax_m = fig.add_subplot(gs[2], sharex=ax_x)
        ax_x.set_xscale("log")
        ax_x.set_xlim(self.N[0], self.N[-1])
        ax_x.set_yscale("log", nonpositive="mask")
        ax_m.set_yscale("log", nonpositive="mask")
        (lx,) = ax_x.plot(self.N, np.full_like(self.N, np.nan), color=PALETTE[0], lw=1.6)
        (ls,) = ax_s.plot(self.N, np.full_like(self.N, np.nan), color=PALETTE[1], lw=1.4)
        (lm,) = ax_m.plot(self.N, np.full_like(self.N, np.nan), color=PALETTE[2], lw=1.4)
        ax_s.axhline(0.5, color="#555555", lw=0.8, ls="--").set_gid("half")
        ax_m.axhline(1.0, color="#555555", lw=0.8, ls="--").set_gid("unity")
        ax_x.set_ylabel("optimal x* (bits)")
        ax_s.set_ylabel("learned share")
        ax_s.set_ylim(-0.02, 1.02)
        ax_m.set_ylabel("compute\nmultiplier")
        ax_m.set_xlabel("number of distinct instances N")
        for a in (ax_x, ax_s):
            a.tick_params(labelbottom=False)
        self.figure = fig
        self.axes = _Names({"x": ax_x, "learned_share": ax_s, "compute_multiplier": ax_m})
        self.lines = _Names({"x": lx, "learned_share": ls, "compute_multiplier": lm})
        self._status = ax_x.set_title("", fontsize=8, loc="left")
        sliders = {}
        h = 0.22 / fig.get_figheight()
        for i, name in enumerate(names):
            lo, hi, init = ranges[name]
            y = (0.35 + 0.3 * (len(names) - 1 - i)) / fig.get_figheight()
            sax = fig.add_axes([0.34, y, 0.5, h])
            s = Slider(sax, _LABELS.get(name, name), lo, hi, valinit=init, valfmt="%.4g")
            s.on_changed(self._changed(name))
            sliders[name] = s
        self.sliders = _Names(sliders)
        self.update()

    def _changed(self, name):
        def on(val):
            self.values[name] = float(val)
            self.update(draw=False)  # the slider redraws the canvas itself
        return on

    def update(self, *, draw=True):
        """Re-solve on the N grid with the sliders' values (and redraw the canvas)."""
        v = self.values
        params = {k: x for k, x in v.items() if k not in ("P", "overlap", "runtime_penalty")}
        s = self.model.solve(N=self.N, P=v["P"], overlap=v["overlap"],
                             runtime_penalty=v["runtime_penalty"], errors="nan", **params)
        self.solution = s
        self.lines["x"].set_ydata(np.asarray(s.x, dtype=float))
        self.lines["learned_share"].set_ydata(np.asarray(s.learned_share, dtype=float))
        self.lines["compute_multiplier"].set_ydata(np.asarray(s.compute_multiplier, dtype=float))
        self._draw_bands(np.asarray(s.regime))
        for key in ("x", "compute_multiplier"):
            y = np.asarray(getattr(s, key), dtype=float)
            y = y[np.isfinite(y) & (y > 0)]
            if y.size:
                lo, hi = y.min(), y.max()
                with np.errstate(over="ignore", under="ignore"):
                    bottom, top = lo / 2, (hi * 2 if hi > lo else lo * 4)
                # (near the float limits a margin overflows or underflows: none there)
                bottom = bottom if bottom > 0 else lo
                top = top if np.isfinite(top) else hi
                if top > bottom:
                    self.axes[key].set_ylim(bottom, top)
        bad = np.asarray(s.status) != "ok"
        shown = ", ".join(f"{_LABELS.get(k, k).split(' ')[0]}={x:.3g}" for k, x in v.items())
        self._status.set_text(f"{self.model.cost.name}: {shown}" + (
            f"   [{np.asarray(s.status)[bad].ravel()[0]}]" if bad.any() else ""))
        if draw:
            self.figure.canvas.draw_idle()

    def _draw_bands(self, regime):
        from matplotlib.patches import Patch

        from .plotting import REGIME_COLORS

        for b in self.bands:
            b.remove()
        self.bands = []
        self.spans = []
        logN = np.log(self.N)
        edges = np.exp(np.concatenate(([logN[0]], (logN[1:] + logN[:-1]) / 2, [logN[-1]])))
        change = np.flatnonzero(regime[1:] != regime[:-1]) + 1
        starts = np.concatenate(([0], change))
        stops = np.concatenate((change, [regime.size]))
        for a, b in zip(starts, stops):
            r = str(regime[a])
            if r not in REGIME_COLORS:
                continue  # invalid points (errors="nan") get no band
            self.spans.append((r, float(edges[a]), float(edges[b])))
            for ax in self.axes.values():
                p = ax.axvspan(edges[a], edges[b], color=REGIME_COLORS[r], alpha=0.18, lw=0,
                               zorder=0)
                p.set_gid(r)
                self.bands.append(p)
        present = [r for r in REGIMES if np.any(regime == r)]
        if present == getattr(self, "_legend_for", None):
            return
        self._legend_for = present
        self.axes["x"].legend(handles=[Patch(color=REGIME_COLORS[r], alpha=0.4, label=r)
                                       for r in present], loc="upper left", fontsize=7,
                              title="regime", title_fontsize=7)

    def close(self):
        """Close the figure (frees it in pyplot)."""
        import matplotlib.pyplot as plt

        plt.close(self.figure)

    def __repr__(self):
        return (f"<Explorer {self.model!r}: sliders {list(self.sliders)}, "
                f"N from {self.N[0]:g} to {self.N[-1]:g}>")


def explore(model, *, N=(1.0, 1e5), P, points=400, **ranges):
    r"""An interactive figure of x*(N): one slider per input, live re-solve.

    Parameters
    ----------
    model : Model
        The model; its parameter values are the sliders' initial values.
    N : (float, float)
        The range of N on the horizontal (log) axis.
    P : float or (lo, hi[, value])
        Base optimization power (bits): a value (the slider then spans
        ``P/10`` to ``10 P``) or a range with an optional initial value.
    points : int
        Points on the N grid.
    **ranges
        For any cost parameter, ``overlap`` (:math:`\rho`, default range
        ``(0, 1)``) and ``runtime_penalty`` (:math:`\lambda`, default range
        ``(0, 0.95)``): a value or ``(lo, hi[, value])``. A cost parameter
        without a range spans a tenth to ten times its value (within its
        bounds).

    Returns
    -------
    Explorer
        With ``.figure``, ``.sliders`` (name -> ``Slider``), ``.lines``
        (``"x"``, ``"learned_share"``, ``"compute_multiplier"`` -> ``Line2D``)
        and ``.solution`` (the :class:`~powermodel.result.Solution` drawn).

    Raises
    ------
    InputError
        For a name that is neither a cost parameter nor ``overlap`` or
        ``runtime_penalty`` (with the closest names), a bad range, or a cost
        parameter without a value.

    Examples
    --------
    In a notebook run ``%matplotlib widget`` first (ipympl); in a script,
    ``matplotlib.pyplot.show()`` opens the window.

    >>> import powermodel as pm
    >>> e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=1e4, overlap=(0, 0.2))
    >>> list(e.sliders)
    ['P', 'c', 'k', 'overlap', 'runtime_penalty']
    >>> e.sliders["k"].set_val(3.0)
    >>> str(e.solution.regime[-1])
    'budget'
    >>> e.close()
    """
    from .model import Model

    if not isinstance(model, Model):
        raise InputError(f"`model` must be a powermodel.Model, got {type(model).__name__}")
    cost = model.cost
    known = ("P", *cost.parameters, "overlap", "runtime_penalty")
    V.reject_unknown("input", ranges, known)
    try:
        lo_N, hi_N = N
    except (TypeError, ValueError):
        raise InputError(f"`N` must be a (lo, hi) pair, got {N!r}") from None
    lo_N = V.real("N", lo_N, low=N_LIMITS[0], high=N_LIMITS[1])
    hi_N = V.real("N", hi_N, low=N_LIMITS[0], high=N_LIMITS[1])
    if not lo_N < hi_N:
        raise InputError(f"`N` must be a (lo, hi) pair with lo < hi, got {N!r}")
    points = V.integer("points", points, 2)
    from . import _memory
    from .solver import BYTES_PER_POINT

    _memory.check(f"explore with {points:,} points", points * (BYTES_PER_POINT + 8))
    defaults = {"overlap": (0.0, 1.0, 0.0), "runtime_penalty": (0.0, 0.95, 0.0)}
    out = {"P": _range("P", P, None, (0, False))}
    for k in cost.parameters:
        out[k] = _range(k, ranges.get(k), model.params.get(k), cost.bounds.get(k))
    for k, d in defaults.items():
        spec = ranges.get(k)
        out[k] = d if spec is None else (
            _range(k, spec, d[2], (0, False)) if isinstance(spec, (tuple, list))
            else (d[0], d[1], V.real(k, spec, low=d[0], high=1)))
    values = {k: r[2] for k, r in out.items()}
    return Explorer(model, (lo_N, hi_N), values, out, points=points)


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
