r"""An interactive explorer: move a parameter, watch x*(N) respond.

:func:`explore` draws x*(N) with its regime bands, the learned share and the
compute multiplier, with one slider for ``P``, one per cost parameter and one
each for the overlap :math:`\rho` and the runtime penalty :math:`\lambda`.
Moving a slider re-solves the model on the whole N grid and updates the
curves in place (no axes are cleared or rebuilt). The widgets are plain
:mod:`matplotlib.widgets`, so the explorer works in any interactive backend (a
desktop window, or ``%matplotlib widget`` (ipympl) in a notebook) and can be
driven from a script or a test with ``Slider.set_val``.

Every slider stays inside its input's valid domain (:data:`DOMAINS`, and a
cost parameter's documented bounds): its range is checked when the explorer
is built, and ``set_val`` refuses a value outside ``[valmin, valmax]``, or
one at which the model cannot be solved, with an
:class:`~powermodel.errors.InputError` that leaves everything as it was.

>>> import powermodel as pm
>>> e = pm.explore(pm.Model("power", c=1.0, k=2.0), N=(1, 1e4), P=(10, 1e6, 1e4))
>>> e.sliders["P"].set_val(100.0)            # x* = min(N/2, sqrt(P))
>>> float(e.lines["x"].get_ydata()[-1])
10.0
>>> e.sliders["overlap"].set_val(-1)
Traceback (most recent call last):
...
powermodel.errors.InputError: slider `overlap` must lie in [0.0, 0.99], got -1.0
>>> e.close()
"""

import math
from collections.abc import Mapping

import numpy as np

from . import _validation as V
from .errors import InputError
from .result import REGIMES

__all__ = ["explore", "Explorer", "DOMAINS", "N_LIMITS"]

#: Slider names of the solver's own inputs and their aliases in the mappings.
_ALIASES = {"rho": "overlap", "lambda": "runtime_penalty", "lam": "runtime_penalty",
            "share": "learned_share", "multiplier": "compute_multiplier", "x*": "x"}
_LABELS = {"P": "P (bits)", "overlap": "ρ (overlap)", "runtime_penalty": "λ (runtime penalty)"}
_SHORT = {"overlap": "ρ", "runtime_penalty": "λ"}

#: The explorer's own inputs and their valid domains, ``(low, low_open, high,
#: high_open)``: P > 0 (at P = 0, x* = 0 everywhere: nothing to draw on a log
#: axis), 0 <= ρ < 1 and 0 <= λ < 1. A cost parameter's domain is its family's
#: documented bound (``cost.bounds``, e.g. c > 0 and k >= 1 for ``power``);
#: the parameters of an expression or a callable have none declared, and a
#: value at which the model cannot be solved is refused when the slider moves.
DOMAINS = {"P": (0.0, True, None, False), "overlap": (0.0, False, 1.0, True),
           "runtime_penalty": (0.0, False, 1.0, True)}

#: The default slider ranges of ρ and λ (a given value above the end extends it).
_DEFAULT_RANGES = {"overlap": (0.0, 0.99), "runtime_penalty": (0.0, 0.95)}

#: The explorer's N axis lies within these bounds (a log axis beyond them overflows
#: while placing its ticks).
N_LIMITS = (1e-100, 1e100)

_BIG = np.finfo(float).max


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


def _domain(cost, name):
    if name in DOMAINS:
        return DOMAINS[name]
    b = cost.bounds.get(name)
    return (None, False, None, False) if b is None else (float(b[0]), bool(b[1]), None, False)


def _domain_text(name, domain):
    low, low_open, high, high_open = domain
    left = "" if low is None else f"{low:g} {'<' if low_open else '<='} "
    right = "" if high is None else f" {'<' if high_open else '<='} {high:g}"
    return f"{left}{name}{right}"


def _inside(v, domain):
    low, low_open, high, high_open = domain
    return ((low is None or (v > low if low_open else v >= low))
            and (high is None or (v < high if high_open else v <= high)))


def _range(name, spec, default, domain):
    """``(lo, hi, init)`` from a scalar (the initial value) or a ``(lo, hi[, init])``
    tuple, with ``[lo, hi]`` inside ``domain``."""
    if spec is None:
        spec = default
    if spec is None:
        raise InputError(f"`{name}` has no value: give the model one or pass {name}=(lo, hi, value)")
    low, low_open, high, high_open = domain
    if isinstance(spec, (tuple, list)):
        if len(spec) not in (2, 3):
            raise InputError(f"`{name}` must be a value or (lo, hi[, value]), got {spec!r}")
        lo, hi = (_scalar(name, v) for v in spec[:2])
        if not lo < hi:
            raise InputError(f"`{name}` range must have lo < hi, got {spec!r}")
        if not (_inside(lo, domain) and _inside(hi, domain)):
            raise InputError(f"`{name}` range must lie in the valid domain "
                             f"{_domain_text(name, domain)}, got {spec!r}")
        if len(spec) == 3:
            init = _scalar(name, spec[2])
        else:
            init = default if default is not None and lo <= default <= hi else (lo + hi) / 2
        if not lo <= init <= hi:
            raise InputError(f"`{name}` value must lie in its range, got {init!r} "
                             f"outside ({lo!r}, {hi!r})")
        return lo, hi, init
    v = _scalar(name, spec, low=low, low_open=low_open, high=high, high_open=high_open)
    if name in _DEFAULT_RANGES:
        lo, hi = _DEFAULT_RANGES[name]
        return min(lo, v), max(hi, v), v
    # a tenth to ten times the value (a slider to ten times a value near the float
    # limit stops there), then pulled inside the domain
    if v > 0:
        lo, hi = v / 10, min(v * 10, _BIG)
    elif v == 0:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = max(v * 10, -_BIG), min(-v * 10, _BIG)
    if low is not None and not _inside(lo, domain):
        lo = low + (v - low) / 10 if low_open else low
        lo = lo if _inside(lo, domain) else v  # (underflow: the range starts at the value)
    if high is not None and not _inside(hi, domain):
        hi = high - (high - v) / 10 if high_open else high
        hi = hi if _inside(hi, domain) else v
    if not lo < hi:
        raise InputError(f"`{name}` = {v!r} leaves no room for a slider in its domain "
                         f"{_domain_text(name, domain)}: pass {name}=(lo, hi, value)")
    return lo, hi, v


def _scalar(name, value, **rule):
    v = V.real(name, value, **rule)
    if np.ndim(v):
        raise InputError(f"`{name}` must be a scalar here, got an array")
    return v


def _slider_class():
    """The checked Slider class (built on first use: matplotlib loads only then)."""
    global _CheckedSlider
    if _CheckedSlider is not None:
        return _CheckedSlider
    from matplotlib.widgets import Slider

    class CheckedSlider(Slider):
        """A ``Slider`` of one explorer input whose ``set_val`` validates first.

        A value outside ``[valmin, valmax]`` (which lies inside the input's
        domain), a non-number, or a value at which the model cannot be solved
        raises :class:`~powermodel.errors.InputError` naming the slider and the
        value, and nothing changes: not the slider, the explorer's values, its
        solution nor the curves. A valid value is solved once, the curves are
        updated in place and the canvas redrawn once (``draw_idle``).
        """

        def __init__(self, explorer, name, ax, label, lo, hi, init):
            self._explorer, self._name = None, name
            self.drawon = False  # (Slider.__init__ sets its value: no redraw for that)
            super().__init__(ax, label, lo, hi, valinit=init, valfmt="%.4g")
            del self.drawon
            self._explorer = explorer

        def set_val(self, val):
            name, e = self._name, self._explorer
            if e is None:  # the initial value, set by Slider.__init__
                return super().set_val(val)
            try:
                v = V.in_interval(name, val, self.valmin, self.valmax)
            except InputError as err:
                raise InputError(f"slider {err}") from None
            s = e._solve({**e.values, name: v}, name)
            e._pending = (name, v, s)
            drawon, self.drawon = self.drawon, False   # one redraw, after the curves moved
            try:
                super().set_val(v)
            finally:
                self.drawon = drawon
                e._pending = None
            if drawon:
                self.ax.figure.canvas.draw_idle()

        def _update(self, event):
            # A mouse drag stays within [valmin, valmax] (matplotlib clamps it); a value
            # there at which the model cannot be solved (an expression's parameter) is
            # shown in the status line instead of a traceback from the event loop.
            try:
                super()._update(event)
            except InputError as err:
                e = self._explorer
                e.status_line.set_text(f"refused: {err}")
                e.status_line.set_color("#B00020")
                self.ax.figure.canvas.draw_idle()

    _CheckedSlider = CheckedSlider
    return CheckedSlider


_CheckedSlider = None


class Explorer:
    """The live figure :func:`explore` returns.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    sliders : Mapping[str, matplotlib.widgets.Slider]
        One per input: ``"P"``, each cost parameter, ``"overlap"`` (also
        ``"rho"``) and ``"runtime_penalty"`` (also ``"lambda"``). Each slider's
        value is the input's value (linear scale), its ``[valmin, valmax]`` lies
        inside the input's domain, and its ``set_val`` refuses a value outside
        that range, or one the model cannot be solved at, with an
        :class:`~powermodel.errors.InputError`, changing nothing.
    values : dict
        The current value of every input (what the sliders show).
    solution : Solution
        The solution drawn, ``model.solve(N=N, **values)``.
    lines : Mapping[str, matplotlib.lines.Line2D]
        ``"x"`` (x*(N); x* = 0 is masked on the log axis but kept in the
        data), ``"learned_share"`` and ``"compute_multiplier"``. Their x data
        are the N grid, their y data the solution's fields.
    axes : Mapping[str, matplotlib.axes.Axes]
        ``"x"``, ``"learned_share"``, ``"compute_multiplier"``.
    bands : Mapping[str, matplotlib.collections.PolyCollection]
        The regime bands of each axes: one collection per axes, updated in
        place, whose polygons are the :attr:`spans` in order.
    spans : list of (str, float, float)
        ``(regime, N_from, N_to)`` of each band (boundaries halfway between
        grid points in log N).
    status_line : matplotlib.text.Text
        The line above the panels: the cost and the current values, with the
        first status that is not "ok"; after a mouse drag to a value the
        model refuses, that refusal.
    model : Model
    N : ndarray
        The N grid.
    """

    def __init__(self, model, N, values, ranges, *, points):
        import matplotlib.pyplot as plt
        from matplotlib.collections import PolyCollection

        from .plotting import PALETTE

        self.model = model
        self.N = np.geomspace(N[0], N[1], points)
        logN = np.log(self.N)
        self._edges = np.exp(np.concatenate(([logN[0]], (logN[1:] + logN[:-1]) / 2,
                                             [logN[-1]])))
        self._edges[[0, -1]] = self.N[[0, -1]]
        self.values = dict(values)
        self._pending = None
        self._legend_for = None
        self._ylims = {}
        self.spans = []
        # solved before anything is drawn: a value the model refuses raises here
        self.solution = self._solve(self.values, None)
        names = list(ranges)
        fig = plt.figure(figsize=(6.4, 6.4 + 0.28 * len(names)))
        height = fig.get_figheight()
        top = 1 - 0.35 / height
        bottom_of_plots = (0.35 + 0.3 * len(names) + 0.45) / height
        gs = fig.add_gridspec(3, 1, left=0.14, right=0.97, top=top - 0.04,
                              bottom=bottom_of_plots, hspace=0.12, height_ratios=(2, 1, 1))
        ax_x = fig.add_subplot(gs[0])
        ax_s = fig.add_subplot(gs[1], sharex=ax_x)
        ax_m = fig.add_subplot(gs[2], sharex=ax_x)
        ax_x.set_xscale("log")
        ax_x.set_xlim(self.N[0], self.N[-1])
        ax_x.set_yscale("log", nonpositive="mask")
        ax_m.set_yscale("log", nonpositive="mask")
        nan = np.full_like(self.N, np.nan)
        (lx,) = ax_x.plot(self.N, nan, color=PALETTE[0], lw=1.6)
        (ls,) = ax_s.plot(self.N, nan, color=PALETTE[1], lw=1.4)
        (lm,) = ax_m.plot(self.N, nan, color=PALETTE[2], lw=1.4)
        ax_s.axhline(0.5, color="#555555", lw=0.8, ls="--").set_gid("half")
        ax_m.axhline(1.0, color="#555555", lw=0.8, ls="--").set_gid("unity")
        ax_s.set_ylim(-0.02, 1.02)
        # Axis labels at fixed places (matplotlib would otherwise measure every tick
        # label of the three shared axes on each redraw to place them).
        from matplotlib.transforms import ScaledTranslation

        for a, label in ((ax_x, "optimal x* (bits)"), (ax_s, "learned share"),
                         (ax_m, "compute\nmultiplier")):
            a.set_ylabel(label)
            a.yaxis.set_label_coords(
                0, 0.5, transform=a.transAxes + ScaledTranslation(-0.55, 0, fig.dpi_scale_trans))
        ax_m.set_xlabel("number of distinct instances N")
        for a in (ax_x, ax_s, ax_m):
            a.xaxis.set_label_coords(
                0.5, 0, transform=a.transAxes + ScaledTranslation(0, -0.3, fig.dpi_scale_trans))
        for a in (ax_x, ax_s):
            a.tick_params(labelbottom=False)
        self.figure = fig
        self.axes = _Names({"x": ax_x, "learned_share": ax_s, "compute_multiplier": ax_m})
        self.lines = _Names({"x": lx, "learned_share": ls, "compute_multiplier": lm})
        bands = {}
        for key, a in self.axes.items():
            c = PolyCollection([], transform=a.get_xaxis_transform(), alpha=0.18,
                               linewidths=0, zorder=0)
            c.set_gid("regimes")
            a.add_collection(c, autolim=False)
            bands[key] = c
        self.bands = _Names(bands)
        # a figure text, not an axes title (a title makes matplotlib measure the axis)
        self.status_line = fig.text(0.14, top - 0.04 + 0.1 / height, "", fontsize=8,
                                ha="left", va="bottom")
        Slider = _slider_class()
        sliders = {}
        h = 0.22 / height
        for i, name in enumerate(names):
            lo, hi, init = ranges[name]
            y = (0.35 + 0.3 * (len(names) - 1 - i)) / height
            sax = fig.add_axes([0.34, y, 0.5, h])
            s = Slider(self, name, sax, _LABELS.get(name, name), lo, hi, init)
            s.on_changed(self._changed(name))
            sliders[name] = s
        self.sliders = _Names(sliders)
        self._show(self.solution)

    def _solve(self, values, name):
        """The solution at ``values``; a refusal is re-raised naming the slider moved."""
        params = {k: x for k, x in values.items() if k not in DOMAINS}
        try:
            return self.model.solve(N=self.N, P=values["P"], overlap=values["overlap"],
                                    runtime_penalty=values["runtime_penalty"], **params)
        except InputError as err:
            if name is None:
                raise
            raise InputError(f"slider `{name}` = {values[name]!r} is refused: {err}") from None

    def _changed(self, name):
        def on(val):
            p = self._pending
            # the solve done by set_val is reused; anything else (the slider's value
            # set another way) is solved here
            s = p[2] if p is not None and p[:2] == (name, val) else \
                self._solve({**self.values, name: float(val)}, name)
            self.values[name] = float(val)
            self._show(s)
        return on

    def update(self, *, draw=True):
        """Re-solve on the N grid with the current values and redraw the canvas."""
        self._show(self._solve(self.values, None))
        if draw:
            self.figure.canvas.draw_idle()

    def _show(self, s):
        """Put the solution ``s`` into the existing artists (nothing is created)."""
        self.solution = s
        fields = {k: np.asarray(getattr(s, k), dtype=float)
                  for k in ("x", "learned_share", "compute_multiplier")}
        for k, y in fields.items():
            self.lines[k].set_ydata(y)
        self._draw_bands(np.asarray(s.regime))
        for key in ("x", "compute_multiplier"):
            lim = _log_limits(fields[key])
            if lim is not None and lim != self._ylims.get(key):
                self._ylims[key] = lim
                self.axes[key].set_ylim(*lim)
        status = np.asarray(s.status)
        bad = status != "ok"
        shown = ", ".join(f"{_SHORT.get(k, k)}={x:.3g}" for k, x in self.values.items())
        self.status_line.set_text(f"{self.model.cost.name}: {shown}" + (
            f"   [{status[bad].ravel()[0]}]" if bad.any() else ""))
        self.status_line.set_color("black")

    def _draw_bands(self, regime):
        from matplotlib.patches import Patch

        from .plotting import REGIME_COLORS

        change = np.flatnonzero(regime[1:] != regime[:-1]) + 1
        starts = np.concatenate(([0], change))
        stops = np.concatenate((change, [regime.size]))
        edges = self._edges
        self.spans = [(str(regime[a]), float(edges[a]), float(edges[b]))
                      for a, b in zip(starts, stops)]
        verts = [((lo, 0), (lo, 1), (hi, 1), (hi, 0)) for _, lo, hi in self.spans]
        colors = [REGIME_COLORS[r] for r, _, _ in self.spans]
        for c in self.bands.values():
            c.set_verts(verts)
            c.set_facecolor(colors)
        present = [r for r in REGIMES if np.any(regime == r)]
        if present == self._legend_for:
            return
        self._legend_for = present  # (the legend is replaced only when the regimes change)
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


def _log_limits(y):
    """Limits of a log axis showing the positive finite values of ``y`` (None if none)."""
    y = y[np.isfinite(y) & (y > 0)]
    if not y.size:
        return None
    lo, hi = float(y.min()), float(y.max())
    with np.errstate(over="ignore", under="ignore"):
        bottom, top = lo / 2, (hi * 2 if hi > lo else lo * 4)
    # (near the float limits a margin overflows or underflows: none there)
    bottom = bottom if bottom > 0 else lo
    top = top if math.isfinite(top) else hi
    return (bottom, top) if top > bottom else None


def explore(model, *, N=(1.0, 1e5), P, points=400, **ranges):
    r"""An interactive figure of x*(N): one slider per input, live re-solve.

    Parameters
    ----------
    model : Model
        The model; its parameter values are the sliders' initial values.
    N : (float, float)
        The range of N on the horizontal (log) axis, within :data:`N_LIMITS`.
    P : float or (lo, hi[, value])
        Base optimization power (bits), ``P > 0``: a value (the slider then
        spans ``P/10`` to ``10 P``) or a range with an optional initial value.
    points : int
        Points on the N grid.
    **ranges
        For any cost parameter, ``overlap`` (:math:`\rho`, default range
        ``(0, 0.99)``) and ``runtime_penalty`` (:math:`\lambda`, default range
        ``(0, 0.95)``): a value or ``(lo, hi[, value])``. A cost parameter
        without a range spans a tenth to ten times its value (pulled inside
        its bounds: ``k`` of ``power`` from 1). Every range must lie in the
        input's valid domain: ``P > 0``, ``0 <= overlap < 1``,
        ``0 <= runtime_penalty < 1`` and the family's bounds for a cost
        parameter (:data:`DOMAINS`).

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
        ``runtime_penalty`` (with the closest names), a value or a range
        outside the input's domain, a cost parameter without a value, or
        initial values at which the model cannot be solved. A slider's
        ``set_val`` raises it too, for a value outside the slider's range or
        one the model cannot be solved at, and then changes nothing.

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
    >>> e.sliders["k"].valmin          # k >= 1 for the power family
    1.0
    >>> e.close()
    >>> pm.explore(pm.Model("power", c=1.0, k=2.0), P=-1)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `P` must be positive, got -1
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
    lo_N = _scalar("N", lo_N, low=N_LIMITS[0], high=N_LIMITS[1])
    hi_N = _scalar("N", hi_N, low=N_LIMITS[0], high=N_LIMITS[1])
    if not lo_N < hi_N:
        raise InputError(f"`N` must be a (lo, hi) pair with lo < hi, got {N!r}")
    points = V.integer("points", points, 2)
    from . import _memory
    from .solver import BYTES_PER_POINT

    _memory.check(f"explore with {points:,} points", points * (BYTES_PER_POINT + 8))
    out = {"P": _range("P", P, None, DOMAINS["P"])}
    for k in cost.parameters:
        out[k] = _range(k, ranges.get(k), model.params.get(k), _domain(cost, k))
    for k in ("overlap", "runtime_penalty"):
        out[k] = _range(k, ranges.get(k), 0.0, DOMAINS[k])
    values = {k: r[2] for k, r in out.items()}
    return Explorer(model, (lo_N, hi_N), values, out, points=points)


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
