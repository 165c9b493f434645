r"""The paper's figures and numbers, regenerated from code.

:data:`FIGURES` maps each figure's name to a function that computes its data
(deterministically; random analyses are seeded), draws it and, given an
output folder, writes ``NAME.pdf``, ``NAME.png`` and ``NAME.csv`` (the numbers
it plots, long format ``panel,series,x,y``). Every function takes the model or
costs and parameters it uses, with the paper's values as defaults, so any
figure can be redrawn for another cost in a few lines::

    import powermodel as pm
    r = pm.FIGURES["optimum"](models={"mine": pm.Model("c*x**1.5 + 3*x", c=2.0)}, P=1e5)
    r.figure.savefig("mine.png")          # or pass out="somewhere/" to write PDF, PNG, CSV

:func:`reproduce` regenerates every figure, its CSV and ``values.tex`` (every
number quoted in the paper, as ``\newcommand`` macros), and builds the paper
with latexmk when it is installed. All files are written atomically.

Examples
--------
>>> import powermodel as pm
>>> r = pm.FIGURES["decomposition"](resolution=40)
>>> round(r.numbers["dominanceN"], 3)      # N where x* reaches half of g*: sqrt(4P/3)
1154.701
>>> sorted(pm.FIGURES)[:3]
['cost_depends_on_N', 'decomposition', 'jumps']
"""

import csv
import io
import numbers
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

from . import _io
from . import plotting as pl
from .errors import InputError
from .model import Model
from .result import REGIMES, Result

__all__ = ["FIGURES", "FigureResult", "Reproduction", "reproduce", "write_values", "paper_source",
           "BASE", "BASE_P"]

#: The paper's base case: f(x) = x^2 (power family, c = 1, k = 2).
BASE = Model("power", c=1.0, k=2.0)
#: Its base optimization power (bits).
BASE_P = 1e6

FIGURES = {}

_MACRO = re.compile(r"[A-Za-z]+")


class FigureResult(Result):
    """One drawn figure, its data, its numbers and the files written.

    Attributes
    ----------
    name : str
        Registry name (file stem).
    figure : matplotlib.figure.Figure
        The drawn figure.
    data : dict
        Columns ``panel``, ``series`` (str arrays), ``x``, ``y`` (float arrays):
        every number the figure plots, as in ``NAME.csv``.
    numbers : dict
        Quoted numbers, macro name -> float.
    values : dict
        The same, macro name -> LaTeX text.
    files : tuple of Path
        Files written (empty when no output folder was given).
    """

    __slots__ = ("name", "figure", "data", "numbers", "values", "files")
    _fields = __slots__


class Reproduction(Result):
    """What :func:`reproduce` wrote.

    Attributes
    ----------
    figures : tuple of str
        Names of the figures regenerated.
    files : tuple of Path
        Every file written (PDF, PNG, CSV per figure, values.tex, the paper PDF).
    values_file : Path
        The macro file.
    numbers : dict
        Every quoted number, macro name -> float.
    pdf : Path or None
        The paper's PDF, or None when it was not built.
    pdf_note : str
        Empty when the PDF was built; otherwise why not (not requested, only
        some figures, latexmk not found, or the paper source not installed).
    """

    __slots__ = ("figures", "files", "values_file", "numbers", "pdf", "pdf_note")
    _fields = __slots__


def _register(name):
    def deco(fn):
        fn.figure_name = name
        FIGURES[name] = fn
        return fn
    return deco


# ---------------------------------------------------------------------------
# plumbing
# ---------------------------------------------------------------------------

class _Table:
    def __init__(self):
        self.rows = []

    def add(self, panel, series, x, y):
        x = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.broadcast_to(np.asarray(y, dtype=float), x.shape)
        self.rows += [(str(panel), str(series), float(a), float(b)) for a, b in zip(x, y)]

    def columns(self):
        cols = list(zip(*self.rows)) if self.rows else [(), (), (), ()]
        return {"panel": np.array(cols[0], dtype=str), "series": np.array(cols[1], dtype=str),
                "x": np.array(cols[2], dtype=float), "y": np.array(cols[3], dtype=float)}


def _fmt_float(v):
    """Shortest text that reads back as the same float (no digit is lost)."""
    return "nan" if v != v else repr(float(v))


def csv_text(data):
    """The CSV text of a figure's data (``panel,series,x,y``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["panel", "series", "x", "y"])
    for p, s, x, y in zip(data["panel"], data["series"], data["x"], data["y"]):
        w.writerow([p, s, _fmt_float(float(x)), _fmt_float(float(y))])
    return buf.getvalue()


def read_csv(path):
    """Read a figure CSV back into the column dict of :attr:`FigureResult.data`."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    cols = list(zip(*rows)) if rows else [(), (), (), ()]
    return {"panel": np.array(cols[0], dtype=str), "series": np.array(cols[1], dtype=str),
            "x": np.array(cols[2], dtype=float), "y": np.array(cols[3], dtype=float)}


def tex_number(v, digits=3):
    r"""A number as LaTeX text with ``digits`` significant figures.

    >>> tex_number(1154.7005), tex_number(2.5e-05), tex_number(123456.0), tex_number(0.5)
    ('1155', '\\ensuremath{2.5\\times10^{-5}}', '\\ensuremath{1.23\\times10^{5}}', '0.5')
    >>> tex_number(1e6), tex_number(999999.7), tex_number(99999.7)
    ('\\ensuremath{10^{6}}', '\\ensuremath{10^{6}}', '100000')
    """
    v = float(v)
    if v != v:
        return "n/a"
    if v == np.inf:
        return r"\ensuremath{\infty}"
    if v == 0:
        return "0"
    e = int(np.floor(np.log10(abs(v))))
    if not -3 <= e < 5:
        v = float(f"{v:.{digits}g}")
        e = int(np.floor(np.log10(abs(v))))
    if -3 <= e < 5:
        dec = max(digits - 1 - e, 0)
        s = f"{round(v, dec):.{dec}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    m = f"{v / 10 ** e:.{digits - 1}f}".rstrip("0").rstrip(".")
    if m == "10":
        m, e = "1", e + 1
    if m == "1":
        return rf"\ensuremath{{10^{{{e}}}}}"
    return rf"\ensuremath{{{m}\times10^{{{e}}}}}"


def _values(numbers, digits=None):
    digits = digits or {}
    return {k: tex_number(v, digits.get(k, 3)) for k, v in numbers.items()}


def _new_figure(rows=1, *, height=2.5):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4, height))
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0]
    return fig, list(axes)


def _panel_label(ax, text):
    ax.set_title(text, loc="left", fontweight="bold")


def _save(fig, path, fmt):
    buf = io.BytesIO()
    meta = {"pdf": {"CreationDate": None, "ModDate": None, "Producer": "powermodel"},
            "png": {"Software": "powermodel"}}[fmt]
    fig.savefig(buf, format=fmt, metadata=meta)
    return _io.write_bytes(path, buf.getvalue())


def _finish(name, fig, table, numbers, out, digits=None, texts=None):
    for k in [*numbers, *(texts or ())]:
        if not _MACRO.fullmatch(k):
            raise ValueError(f"macro name {k!r} must be letters only")
    data = table.columns()
    files = ()
    if out is not None:
        out = Path(out)
        files = (_save(fig, out / f"{name}.pdf", "pdf"), _save(fig, out / f"{name}.png", "png"),
                 _io.write_text(out / f"{name}.csv", csv_text(data)))
    return FigureResult(name=name, figure=fig, data=data, numbers=dict(numbers),
                        values={**_values(numbers, digits), **(texts or {})}, files=files)


def _grid(lo, hi, resolution):
    return np.logspace(np.log10(lo), np.log10(hi), int(resolution))


def _grid_with(lo, hi, resolution, points):
    """A log grid from lo to hi whose nearest points are replaced by ``points`` (exact values)."""
    g = _grid(lo, hi, resolution)
    for p in points:
        if lo <= p <= hi:
            g[int(np.argmin(np.abs(np.log(g / p))))] = p
    if np.any(np.diff(g) <= 0):
        raise InputError(f"`resolution` {resolution} is too coarse to hold the N values {points}")
    return g


def _check_resolution(resolution, dims=1):
    """``resolution`` as an int >= 8, refused when a figure of ``dims`` axes of that many
    points would not fit the memory budget (before any grid is built)."""
    from . import _memory
    from . import _validation as V
    from .solver import BYTES_PER_POINT

    r = V.real("resolution", resolution, low=8)
    if np.ndim(r):
        raise InputError("`resolution` must be a number of points, got an array")
    points = float(r) ** dims
    _memory.check(f"a figure at resolution {r:g} ({points:,.0f} points)",
                  points * (BYTES_PER_POINT + 32))
    return int(r)


# ---------------------------------------------------------------------------
# the figures
# ---------------------------------------------------------------------------

@_register("landscape")
def landscape(out=None, *, model=BASE, N=(25.0, 50.0, 100.0, 400.0), P=1e4, resolution=400,
              seed=0, **solve_kw):
    """The objective g(x) - g(0) for several N, optimum marked (budget binding at the largest).

    Numbers: ``landscapeP`` and, per N, the optimum ``landscapeXStar<A..>`` in the order of N.
    """
    resolution = _check_resolution(resolution)
    with pl.style():
        fig, (ax,) = _new_figure()
        sols = [model.solve(N=n, P=P, **solve_kw) for n in N]
        top = min(min(s.x_budget for s in sols), 1.3 * max(s.x for s in sols))
        x = np.linspace(0.0, top, resolution)
        pl.landscape(model, N=N, P=P, x=x, ax=ax, **solve_kw)
        gains = [s.value - model.objective(0.0, N=n, P=P, **_okw(solve_kw))
                 for n, s in zip(N, sols)]
        ax.set_ylim(-0.25 * max(gains), 1.15 * max(gains))
        t = _Table()
        lines = [ln for ln in ax.lines if ln.get_gid() != "optimum"]
        marks = [ln for ln in ax.lines if ln.get_gid() == "optimum"]
        for n, ln, mk in zip(N, lines, marks):
            t.add("g", f"N={n:g}", ln.get_xdata(), ln.get_ydata())
            t.add("optimum", f"N={n:g}", mk.get_xdata(), mk.get_ydata())
        nums = {"landscapeP": P}
        for i, s in enumerate(sols):
            nums[f"landscapeXStar{_letter(i)}"] = s.x
            nums[f"landscapeN{_letter(i)}"] = N[i]
        return _finish("landscape", fig, t, nums, out)


def _okw(kw):
    return {k: v for k, v in kw.items() if k not in ("x_cap", "errors")}


def _letter(i):
    return "ABCDEFGHIJ"[i]


#: Costs of the optimum figure: label -> Model.
OPTIMUM_MODELS = {
    "x² (power, k=2)": BASE,
    "x³ (power, k=3)": Model("power", c=1.0, k=3.0),
    "e^(0.05x) − 1": Model("exponential", c=1.0, a=0.05),
    "50x (linear)": Model("linear", c=50.0),
    "1000(1 − e^(−x)) + x²": Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0),
}

_OPT_KEYS = ("PowerTwo", "PowerThree", "Exponential", "Linear", "Overhead")


@_register("optimum")
def optimum(out=None, *, models=None, N=(1.0, 1e5), P=BASE_P, resolution=300, seed=0,
            **solve_kw):
    """x*(N) for several costs on log axes, each regime change marked.

    Numbers: ``optimumP``; per cost (in order, keys PowerTwo, PowerThree,
    Exponential, Linear, Overhead for the default costs; CostA, CostB, ... otherwise) the
    N of each regime change ``optimumBoundary<key><i>`` and x* at N = 10, 100, 1000
    ``optimumX<key>At<Ten|Hundred|Thousand>``.
    """
    from matplotlib.lines import Line2D

    resolution = _check_resolution(resolution)
    models = OPTIMUM_MODELS if models is None else models
    keys = _OPT_KEYS if models is OPTIMUM_MODELS else tuple(f"Cost{_letter(i)}"
                                                              for i in range(len(models)))
    Ng = _grid(N[0], N[1], resolution)
    t = _Table()
    nums = {"optimumP": P}
    with pl.style():
        fig, (ax,) = _new_figure(height=2.9)
        pl.optimum_vs_N(models, N=Ng, P=P, ax=ax, **solve_kw)
        for key, (label, m, kw) in zip(keys, pl._curves(models, P=P, **solve_kw)):
            s = m.solve(N=Ng, **kw)
            t.add("x_star", label, Ng, s.x)
            for i, tr in enumerate(pl.transitions(m, Ng, **kw)):
                t.add("boundary", f"{label}: {tr['from']}->{tr['to']} below", tr["N"],
                      tr["x_below"])
                t.add("boundary", f"{label}: {tr['from']}->{tr['to']} above", tr["N"],
                      tr["x_above"])
                nums[f"optimumBoundary{key}{_letter(i)}"] = tr["N"]
            for n, word in ((10.0, "Ten"), (100.0, "Hundred"), (1000.0, "Thousand")):
                nums[f"optimumX{key}At{word}"] = m.solve(N=n, **kw).x
        ax.set_ylim(0.3, 3e7)
        handles, labels = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], color="#555555", ls=":", lw=0.9))
        labels.append("regime change (curve's colour)")
        ax.legend(handles, labels, loc="upper left", fontsize=5.8, ncol=2)
        ax.set_title(f"P = {_plain(P)} bits", fontsize=7, loc="right")
        return _finish("optimum", fig, t, nums, out)


def _plain(v):
    """A number for a figure text: 10^k as '10⁶', else compact."""
    e = np.log10(v) if v > 0 else 0.0
    if v >= 1e4 and e == int(e):
        sup = str(int(e)).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
        return f"10{sup}"
    return f"{v:g}"



@_register("decomposition")
def decomposition(out=None, *, model=BASE, N=(1.0, 1e5), P=BASE_P, resolution=300, seed=0,
                  **solve_kw):
    """Base vs learned per-instance power as N grows; where x comes to dominate.

    Numbers: ``dominanceN`` (learned share = 1/2), ``decompositionP``, the learned share
    at N = 10, 100, 1000, 10000 (``shareAtTen`` ...).
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.decomposition(model, N=Ng, P=P, ax=ax, **solve_kw)
        s = model.solve(N=Ng, P=P, **solve_kw)
        lam = solve_kw.get("runtime_penalty", 0.0)
        t = _Table()
        t.add("decomposition", "base", Ng, s.base_per_instance)
        t.add("decomposition", "learned", Ng, (1 - lam) * np.asarray(s.x))
        t.add("decomposition", "total", Ng, s.value)
        nd = pl.crossing(model, Ng, "learned_share", 0.5, P=P, **solve_kw)
        t.add("dominance", "learned_share=1/2", nd, 0.5)
        nums = {"dominanceN": nd, "decompositionP": P}
        for n, word in ((10.0, "Ten"), (100.0, "Hundred"), (1000.0, "Thousand"),
                        (1e4, "TenThousand")):
            nums[f"shareAt{word}"] = model.solve(N=n, P=P, **solve_kw).learned_share
        return _finish("decomposition", fig, t, nums, out, digits={"dominanceN": 4})


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
    from .sweeps import phase_diagram

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


def _limit(model, P, rho, lam=0.0):
    """x*, g* and the learned share as N -> inf with overlap rho (via the effective diversity)."""
    from .extensions import large_N_limit

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


JUMP_MODEL = Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0)


@_register("jumps")
def jumps(out=None, *, model=JUMP_MODEL, N=(10.0, 1000.0), P=BASE_P, resolution=300, seed=0,
          **solve_kw):
    """A non-convex cost (fixed overhead): x* jumps from 0 as N crosses a threshold.

    Panel a: x*(N) with the jump; panel b: g(x) - g(0) just below, at and above
    the jump (two equal peaks at the threshold). Numbers: ``jumpN`` (threshold),
    ``jumpXAbove`` (x* just above it), ``jumpF``, ``jumpS``.
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    kw = dict(P=P, **solve_kw)
    trs = [tr for tr in pl.transitions(model, Ng, **kw)]
    jump = next((tr for tr in trs if tr["x_above"] - tr["x_below"] > 1e-9 * max(1, tr["x_above"])),
                None)
    t = _Table()
    nums = {"jumpF": model.params.get("F", np.nan), "jumpS": model.params.get("s", np.nan)}
    with pl.style():
        fig, (a1, a2) = _new_figure(2, height=4.4)
        s = model.solve(N=Ng, **kw)
        a1.plot(Ng, s.x, color=pl.PALETTE[0], label="x*")
        t.add("a", "x_star", Ng, s.x)
        a1.set_xscale("log")
        a1.set_xlabel("number of distinct instances N")
        a1.set_ylabel("x* (bits)")
        _panel_label(a1, "a")
        if jump is not None:
            nj = jump["N"]
            ln = a1.axvline(nj, color="#555555", ls=":", lw=0.9)
            ln.set_gid("boundary")
            a1.annotate(f"jump at N ≈ {nj:.4g}", (nj, jump["x_above"]),
                        xytext=(-70, 25), textcoords="offset points", fontsize=6.5,
                        arrowprops={"arrowstyle": "->", "lw": 0.6})
            nums.update(jumpN=nj, jumpXAbove=jump["x_above"], jumpXBelow=jump["x_below"])
            t.add("a", "jump", nj, jump["x_above"])
            Ns = (0.85 * nj, nj, 1.2 * nj)
            xmax = 1.6 * model.solve(N=Ns[-1], **kw).x
            x = np.linspace(0.0, xmax, resolution)
            pl.landscape(model, N=Ns, P=P, x=x, ax=a2, **solve_kw)
            for n, ln2 in zip(Ns, [ln_ for ln_ in a2.lines if ln_.get_gid() != "optimum"]):
                t.add("b", f"N={n:.6g}", ln2.get_xdata(), ln2.get_ydata())
            top = max(np.nanmax(ln_.get_ydata()) for ln_ in a2.lines)
            a2.set_ylim(-1.2 * top, 1.2 * top)
            a2.set_xlim(-0.05 * xmax, xmax)
            # at the threshold both maxima (x = 0 and the jump target) have gain 0
            g0 = model.objective(0.0, N=nj, P=P, **_okw(solve_kw))
            gx = model.objective(jump["x_above"], N=nj, P=P, **_okw(solve_kw)) - g0
            (tw,) = a2.plot([0.0, jump["x_above"]], [0.0, gx], ls="none", marker="D", ms=4,
                            color="k", label="two equal maxima at the jump")
            tw.set_gid("twin_maxima")
            t.add("b", "twin maxima", [0.0, jump["x_above"]], [0.0, gx])
            a2.legend(loc="upper left", bbox_to_anchor=(0.04, 1.0), fontsize=6)
        _panel_label(a2, "b")
        return _finish("jumps", fig, t, nums, out, digits={"jumpN": 4})


def overlap_threshold(model, P, runtime_penalty=0.0):
    """rho_c at base power P: the closed form of the symbolic engine, else numeric.

    x comes to dominate as N -> inf iff rho < rho_c = (1 - lambda)/N_dom, with
    N_dom the paper's dominance threshold (see
    :meth:`powermodel.symbolic.SymbolicModel.overlap_threshold`).
    """
    from .errors import UnsolvableError

    try:
        expr = model.symbolic.overlap_threshold(runtime_penalty=runtime_penalty)
        # evaluated to 30 digits, then rounded: the same float whichever equivalent
        # form SymPy's (time-limited) simplification returned
        return float(expr.subs(model.symbolic.symbols["P"], _exact_number(P)).evalf(30))
    except UnsolvableError:
        nd = pl.crossing(model, _grid(1e-3, 1e15, 400), "learned_share", 0.5, P=P)
        return (1 - runtime_penalty) / nd


def _exact_number(v):
    import sympy as sp

    return sp.Rational(repr(float(v)))


@_register("overlap")
def overlap(out=None, *, model=BASE, N=(1.0, 1e7), P=BASE_P,
            overlaps=(0.0, 0.0008, 0.001, 0.01, 0.1), resolution=300, seed=0):
    """Shared structure: with rho > 0, x* stays bounded; x dominates only while rho < rho_c.

    Panel a: x*(N) for several rho with the large-N limits (the optimum at the
    limiting effective diversity N_eff = 1/rho, :func:`powermodel.large_N_limit`;
    gid ``"asymptote"``). Panel b: the learned share x*/g* on a log axis, with its
    limits as N -> inf (gid ``"asymptote"``). Numbers: ``overlapP``, ``overlapRhoC``
    (rho_c); per rho > 0 (A, B, ...): ``overlap<A>Rho``, ``overlap<A>Limit`` (x* as
    N -> inf), ``overlap<A>XAtMillion``, ``overlap<A>ShareLimit`` (the supremum of
    the share: it rises with N towards this limit), ``overlap<A>NovelRatioAtMillion``.
    """
    resolution = _check_resolution(resolution)
    Ng = _grid(N[0], N[1], resolution)
    curves = {("ρ = 0 (paper)" if r == 0 else f"ρ = {r:g}"): (model, {"overlap": r})
              for r in overlaps}
    t = _Table()
    rho_c = overlap_threshold(model, P)
    nums = {"overlapP": P, "overlapRhoC": rho_c}
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
                             key + "NovelRatioAtMillion": s6.novel_ratio})
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
        a2.legend(loc="upper left", fontsize=6, title="c x² N^γ", title_fontsize=6, ncol=2)
        a2.set_ylim(1e-3, 1e5)
        _panel_label(a1, "a")
        _panel_label(a2, "b")
        return _finish("cost_depends_on_N", fig, t, nums, out, digits={
            k: 5 for k in nums if k.endswith("MinN")})


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
    from .extensions import nested

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


# ---------------------------------------------------------------------------
# sensitivity figures (powermodel.sensitivity)
# ---------------------------------------------------------------------------

#: The cost of the sensitivity analyses: the non-convex overhead family (s fixed).
SENS_MODEL = Model("overhead", s=1.0)
#: Uncertain inputs: name -> distribution (see :mod:`powermodel.sensitivity`).
SENS_DISTRIBUTIONS = {
    "F": ("loguniform", 10.0, 1e5),
    "c": ("loguniform", 0.1, 10.0),
    "k": ("uniform", 1.5, 3.0),
    "P": ("loguniform", 1e4, 1e8),
    "overlap": ("uniform", 0.0, 0.01),
    "runtime_penalty": ("uniform", 0.0, 0.5),
}
#: Base point of the one-at-a-time analysis.
SENS_BASE = {"F": 1000.0, "c": 1.0, "k": 2.0, "P": 1e6, "overlap": 0.001,
             "runtime_penalty": 0.2}
#: N at which the Sobol, Morris and tornado analyses look at the output.
SENS_N = 1000.0

_TEX_NAMES = {"F": "$F$", "c": "$c$", "k": "$k$", "P": "$P$", "N": "$N$", "s": "$s$",
              "overlap": r"$\rho$", "runtime_penalty": r"$\lambda$", "x_cap": r"$x_{\mathrm{cap}}$"}


def _key(name):
    return {"overlap": "Overlap", "runtime_penalty": "Penalty", "x_cap": "Cap"}.get(
        name, name.upper() if len(name) == 1 else re.sub(r"[^A-Za-z]", "", name.title()))


def _tex_name(name):
    return _TEX_NAMES.get(name, r"\texttt{" + name.replace("_", r"\_") + "}")


def _ranges(dists):
    out = {}
    for k, spec in dists.items():
        if spec[0] not in ("uniform", "loguniform"):
            raise InputError(f"the tornado needs bounded ranges; `{k}` has {spec[0]!r}")
        out[k] = (spec[1], spec[2])
    return out


@_register("sobol")
def sobol(out=None, *, model=SENS_MODEL, distributions=None, output="learned_share", N=SENS_N,
          n=2 ** 10, seed=0, **fixed):
    """First-order and total Sobol' indices of the learned share at N (bars with 95% intervals).

    Numbers: ``sobolN`` (the N), ``sobolSamples``, per input ``sobolFirst<Key>``,
    ``sobolTotal<Key>`` (Key: F, C, K, P, Overlap, Penalty); text macros
    ``sobolRankA``, ``sobolRankB`` (the inputs with the largest total index).
    """
    from .sensitivity import sobol as _sobol

    dists = SENS_DISTRIBUTIONS if distributions is None else distributions
    r = _sobol(model, dists, output=output, n=n, seed=seed, N=N, **fixed)
    t = _Table()
    nums = {"sobolN": N, "sobolSamples": r.n * (len(r.names) + 2)}
    for k in r.names:
        t.add("first_order", k, [0, 1, 2], [r.first_order[k], *r.first_order_interval[k]])
        t.add("total_order", k, [0, 1, 2], [r.total_order[k], *r.total_order_interval[k]])
        nums[f"sobolFirst{_key(k)}"] = r.first_order[k]
        nums[f"sobolTotal{_key(k)}"] = r.total_order[k]
    rank = sorted(r.names, key=lambda k: -r.total_order[k])
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.sobol_bars(r, ax=ax)
        ax.set_title(f"learned share (1−λ)x*/g* at N = {N:g}", fontsize=7)
        return _finish("sobol", fig, t, nums, out, digits={k: 2 for k in nums if "First" in k
                                                           or "Total" in k},
                       texts={"sobolRankA": _tex_name(rank[0]), "sobolRankB": _tex_name(rank[1]),
                              "sobolRankLast": _tex_name(rank[-1])})


@_register("morris")
def morris(out=None, *, model=SENS_MODEL, distributions=None, output="learned_share", N=SENS_N,
           trajectories=400, seed=0, **fixed):
    """Morris elementary effects (mu* with 95% intervals, sigma) of the learned share at N.

    Numbers: ``morrisTrajectories``, per input ``morrisMuStar<Key>``,
    ``morrisMuStarLow<Key>``, ``morrisMuStarHigh<Key>`` (the 95% interval) and
    ``morrisSigma<Key>``; text macros ``morrisRankA``, ``morrisRankB`` (the largest mu*).
    """
    from .sensitivity import morris as _morris

    dists = SENS_DISTRIBUTIONS if distributions is None else distributions
    r = _morris(model, dists, output=output, trajectories=trajectories, seed=seed, N=N, **fixed)
    t = _Table()
    nums = {"morrisTrajectories": trajectories}
    for k in r.names:
        t.add("mu_star", k, [0, 1, 2], [r.mu_star[k], *r.mu_star_interval[k]])
        t.add("sigma", k, 0, r.sigma[k])
        nums[f"morrisMuStar{_key(k)}"] = r.mu_star[k]
        nums[f"morrisMuStarLow{_key(k)}"], nums[f"morrisMuStarHigh{_key(k)}"] = \
            r.mu_star_interval[k]
        nums[f"morrisSigma{_key(k)}"] = r.sigma[k]
    rank = sorted(r.names, key=lambda k: -r.mu_star[k])
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.morris_bars(r, ax=ax)
        ax.set_ylabel("effect on the learned share (1−λ)x*/g*")
        return _finish("morris", fig, t, nums, out, digits={k: 2 for k in nums if "Mu" in k
                                                            or "Sigma" in k},
                       texts={"morrisRankA": _tex_name(rank[0]),
                              "morrisRankB": _tex_name(rank[1])})


@_register("tornado")
def tornado(out=None, *, model=SENS_MODEL, ranges=None, base=None, output="learned_share",
            N=SENS_N, seed=0):
    """One-at-a-time tornado of the learned share at N around a base point.

    Numbers: ``tornadoBase`` (the output at the base point), per input
    ``tornadoLow<Key>``, ``tornadoHigh<Key>``; text macros ``tornadoRankA``, ``tornadoRankB``.
    """
    from .sensitivity import one_at_a_time

    ranges = _ranges(SENS_DISTRIBUTIONS) if ranges is None else ranges
    base = dict(SENS_BASE if base is None else base)
    base.setdefault("N", N)
    r = one_at_a_time(model, ranges, output=output, **base)
    t = _Table()
    nums = {"tornadoBase": r.base_output}
    for k in r.names:
        t.add("low", k, r.low_value[k], r.low_output[k])
        t.add("high", k, r.high_value[k], r.high_output[k])
        nums[f"tornadoLow{_key(k)}"] = r.low_output[k]
        nums[f"tornadoHigh{_key(k)}"] = r.high_output[k]
    t.add("base", "base", 0, r.base_output)
    with pl.style():
        fig, (ax,) = _new_figure()
        pl.tornado(r, ax=ax)
        ax.set_xlabel(f"learned share (1−λ)x*/g* at N = {base['N']:g}")
        return _finish("tornado", fig, t, nums, out, digits={k: 2 for k in nums},
                       texts={"tornadoRankA": _tex_name(r.names[0]),
                              "tornadoRankB": _tex_name(r.names[1])})


@_register("monte_carlo")
def monte_carlo(out=None, *, model=SENS_MODEL, distributions=None, N=(1.0, 1e7), n=2000,
                resolution=71, seed=0, **fixed):
    """Uncertainty propagated to x*(N): quantile bands and P(mesa-optimization) against N.

    Two runs share the seed: the paper's model (no shared structure, no speed
    prior: those inputs fixed at 0) and the full uncertainty including rho and lambda.
    Panel a: 5-95% and 25-75% bands and the median of x* (paper's model).
    Panel b: P(x* > 0) and P(share > 1/2) (share (1 - lambda) x*/g*) for both runs.
    The N grid holds 100, 10^4 and 10^7 exactly (the values quoted).
    Numbers: ``mcSamples``, ``mcPMesa<Paper|Shared>At<Hundred|TenThousand|TenMillion>``,
    ``mcPDominant<Paper|Shared>At<...>``, ``mcMedianPaperAtTenThousand``.
    """
    from .sensitivity import monte_carlo as _mc

    resolution = _check_resolution(resolution)
    dists = SENS_DISTRIBUTIONS if distributions is None else distributions
    Ng = _grid_with(N[0], N[1], resolution, (1e2, 1e4, 1e7))
    paper = {k: v for k, v in dists.items() if k not in ("overlap", "runtime_penalty")}
    runs = {"Paper": _mc(model, paper, N=Ng, n=n, seed=seed, **fixed),
            "Shared": _mc(model, dists, N=Ng, n=n, seed=seed, **fixed)}
    t = _Table()
    nums = {"mcSamples": n}
    for key, r in runs.items():
        for q, band in zip(r.quantiles, r.bands):
            t.add(f"bands {key}", f"q={q:g}", Ng, band)
        t.add(f"probability {key}", "p_mesa", Ng, r.p_mesa)
        t.add(f"probability {key}", "p_dominant", Ng, r.p_dominant)
        for n_, word in ((1e2, "Hundred"), (1e4, "TenThousand"), (1e7, "TenMillion")):
            j = np.flatnonzero(Ng == n_)
            if j.size:
                nums[f"mcPMesa{key}At{word}"] = r.p_mesa[j[0]]
                nums[f"mcPDominant{key}At{word}"] = r.p_dominant[j[0]]
    j = np.flatnonzero(Ng == 1e4)
    qs = list(runs["Paper"].quantiles)
    if 0.5 in qs and j.size:
        nums["mcMedianPaperAtTenThousand"] = runs["Paper"].bands[qs.index(0.5), j[0]]
    with pl.style():
        fig, (a1, a2) = _new_figure(2, height=4.4)
        pl.quantile_bands(runs["Paper"], ax=a1,
                          ylabel="x* (bits; symlog axis)")
        a1.legend(loc="upper left", fontsize=6, ncol=3, bbox_to_anchor=(0.0, 1.0))
        a1.set_ylim(0, 3e6)
        a1.text(0.99, 0.02, "linear below 1 bit", transform=a1.transAxes, ha="right",
                va="bottom", fontsize=6, color="#555555")
        pl.mesa_probability(runs["Paper"], label="ρ = λ = 0", color=pl.PALETTE[0], ax=a2)
        pl.mesa_probability(runs["Shared"], label="uncertain ρ, λ", color=pl.PALETTE[3], ax=a2)
        a2.legend(loc="lower right", fontsize=6, bbox_to_anchor=(1.0, 0.17))
        _panel_label(a1, "a")
        _panel_label(a2, "b")
        return _finish("monte_carlo", fig, t, nums, out, digits={k: 2 for k in nums
                                                                 if k.startswith("mcP")})


# ---------------------------------------------------------------------------
# reproduce
# ---------------------------------------------------------------------------

def paper_source():
    """The paper's LaTeX source folder (package data ``powermodel/paper/``), or None if absent.

    The source ships with the package (``setup.cfg`` ``package_data``), so an
    ordinary ``pip install`` can build the paper; ``paper/paper.tex`` of the
    repository is a wrapper that builds the same source from the repository.
    """
    d = Path(__file__).resolve().parent / "paper"
    return d if (d / "paper.tex").is_file() else None


def write_values(path, values):
    r"""Write ``\newcommand`` macros (one per quoted number) atomically; returns the path."""
    lines = ["% Generated by powermodel.figures.reproduce -- do not edit by hand.\n"]
    for k in sorted(values):
        lines.append(f"\\newcommand{{\\pmv{k}}}{{{values[k]}}}\n")
    return _io.write_text(path, "".join(lines))


def _layout(out):
    if out is None:
        root = Path.cwd()
        if not (root / "paper" / "paper.tex").is_file() or not (root / "figures").is_dir():
            raise InputError("`out` not given and the current folder is not the powermodel "
                             "repository (no paper/paper.tex); pass out=DIR (--out DIR)")
        return root / "figures", root / "paper" / "generated" / "values.tex", True
    out = _io.make_folder(out, "out")  # before any work: a bad name fails now
    return out, out / "values.tex", False


#: Environment of every LaTeX run: fixed dates, so the PDF is byte-for-byte reproducible.
LATEX_ENV = {"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1", "TZ": "UTC"}


def _latexmk(src_dir, main, outdir):
    """Run latexmk on ``src_dir/main`` into ``outdir``; returns the LaTeX log text."""
    cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           f"-outdir={outdir}", main]
    env = dict(os.environ, **LATEX_ENV)
    try:
        p = subprocess.run(cmd, cwd=src_dir, capture_output=True, text=True, timeout=300,
                           env=env)
    except FileNotFoundError:
        raise InputError("cannot build the paper: `latexmk` is not on PATH (install latexmk "
                         "and a TeX distribution, or pass --no-pdf)") from None
    if p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).splitlines()[-25:])
        raise RuntimeError(f"latexmk failed (exit {p.returncode}):\n{tail}")
    log = Path(src_dir) / outdir / (Path(main).stem + ".log")
    return log.read_text(errors="replace") if log.is_file() else ""


def _stage(fig_dir, values_file, src, root):
    """Copy the paper source, the figure PDFs and the macros into ``root`` (a private folder).

    The layout is fixed (``paper/paper.tex``, ``paper/generated/values.tex``,
    ``figures/NAME.pdf``), so TeX only ever sees these relative names: a user's
    folder name never reaches TeX. Returns the folder to run latexmk in.
    """
    root = Path(root)
    (root / "paper" / "generated").mkdir(parents=True)
    (root / "figures").mkdir()
    shutil.copyfile(src / "paper.tex", root / "paper" / "paper.tex")
    shutil.copyfile(values_file, root / "paper" / "generated" / "values.tex")
    for name in FIGURES:
        f = Path(fig_dir) / f"{name}.pdf"
        if not f.is_file():
            raise InputError(f"cannot build the paper: the figure {name}.pdf is missing from "
                             f"{str(fig_dir)!r}; run reproduce without --figure")
        shutil.copyfile(f, root / "figures" / f"{name}.pdf")
    return root / "paper"


def build_paper(fig_dir, values_file, *, dest, log=False):
    """Build the paper PDF with latexmk in a private temporary folder; copy it to ``dest``.

    The source (:func:`paper_source`), ``values_file`` and the figure PDFs of
    ``fig_dir`` are copied into a fresh temporary folder under fixed names and
    built there; the PDF is then written atomically to ``dest``. The output
    folder's name never reaches TeX, and the PDF bytes do not depend on it
    (dates are fixed by :data:`LATEX_ENV`; ``paper.tex`` suppresses the PTEX
    file names and the trailer ID). Returns ``dest`` (and the LaTeX log when
    ``log=True``).
    """
    import tempfile

    src = paper_source()
    if src is None:
        raise InputError("cannot build the paper: its source (powermodel/paper/paper.tex) is "
                         "not installed with this copy of powermodel")
    if shutil.which("latexmk") is None:
        raise InputError("cannot build the paper: `latexmk` is not on PATH (install latexmk "
                         "and a TeX distribution, or pass --no-pdf)")
    with tempfile.TemporaryDirectory(prefix="powermodel-paper-") as d:
        work = _stage(fig_dir, values_file, src, d)
        text = _latexmk(work, "paper.tex", "build")
        pdf = (work / "build" / "paper.pdf").read_bytes()
    out = _io.write_bytes(dest, pdf)
    return (out, text) if log else out


def _pdf_unavailable():
    """Why the paper cannot be built here, or None when it can."""
    if paper_source() is None:
        return ("paper PDF not built: the paper source (powermodel/paper/paper.tex) is not "
                "installed with this copy of powermodel")
    if shutil.which("latexmk") is None:
        return "paper PDF not built: latexmk not found on PATH (install latexmk and TeX Live)"
    return None


#: Figures in decreasing order of their usual rendering time (for load balancing).
_COST_ORDER = ("monte_carlo", "phase", "optimum", "nested_novel", "sobol", "overlap",
               "cost_depends_on_N", "overlap_phase", "speed_prior", "jumps", "landscape",
               "multiplier", "decomposition", "morris", "tornado")


def _render(name, fig_dir, seed):
    """Render one figure into ``fig_dir`` (a worker's task): files, numbers, values."""
    r = FIGURES[name](fig_dir, seed=seed)
    return tuple(str(f) for f in r.files), r.numbers, r.values


def _render_all(names, fig_dir, seed, jobs):
    """Render ``names`` with ``jobs`` worker processes (1: in this process), in a stable order."""
    from . import _workers

    order = sorted(names, key=lambda n: (_COST_ORDER.index(n) if n in _COST_ORDER else -1))
    out = _workers.run(_render, [(n, str(fig_dir), seed) for n in order], jobs=jobs,
                       folder=fig_dir)
    return dict(zip(order, out))


def reproduce(out=None, *, seed=0, build_pdf=None, figures=None, jobs=None):
    r"""Regenerate every figure (PDF, PNG, CSV), the macro file and the paper PDF.

    Parameters
    ----------
    out : str or Path, optional
        Output folder: receives ``NAME.pdf``, ``NAME.png``, ``NAME.csv`` per
        figure, ``values.tex`` and (when built) ``paper.pdf``. Any folder name
        works (it is data: it never reaches TeX). Default: the repository
        layout of the current folder (``figures/`` and
        ``paper/generated/values.tex``, the PDF in ``paper/build/``); an
        InputError if the current folder is not the repository.
    seed : int
        Seed of every random analysis (same seed, identical files).
    build_pdf : bool or None
        Build the paper with latexmk; None: if latexmk and the paper source are
        installed and every figure is regenerated (the paper needs all the
        macros). True raises an InputError saying which is missing.
    figures : sequence of str, optional
        A subset of :data:`FIGURES` (default: all; the macro file then holds
        only their numbers).
    jobs : int, optional
        Worker processes rendering figures in parallel (default: the number of
        CPUs, at most the number of figures; 1: in this process; more than
        the number of CPUs is refused). The workers stop with this process
        (see :mod:`powermodel._workers`). The files
        are byte-identical whatever ``jobs``.

    Returns
    -------
    Reproduction

    Examples
    --------
    >>> import tempfile
    >>> r = reproduce(tempfile.mkdtemp(), figures=["decomposition"], build_pdf=False)
    >>> sorted(p.name for p in r.files)
    ['decomposition.csv', 'decomposition.pdf', 'decomposition.png', 'values.tex']
    >>> r.pdf_note
    'paper PDF not built: not requested'
    """
    from . import _validation as V

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError(f"`seed` must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    names = list(FIGURES) if figures is None else list(figures)
    V.reject_unknown("figure", dict.fromkeys(names), FIGURES)
    if build_pdf not in (None, True, False):
        raise InputError(f"`build_pdf` must be True, False or None, got {build_pdf!r}")
    from ._workers import check_jobs

    jobs = check_jobs(jobs, len(names))
    fig_dir, values_file, repo = _layout(out)
    if build_pdf is True and _pdf_unavailable():
        raise InputError("cannot build the paper: " + _pdf_unavailable().split(": ", 1)[1])
    rendered = _render_all(names, fig_dir, seed, int(jobs))
    files, nums, values = [], {}, {}
    for name in names:
        fs, n, v = rendered[name]
        files += [Path(f) for f in fs]
        nums.update(n)
        values.update(v)
    files.append(write_values(values_file, values))
    pdf = None
    if build_pdf is False:
        note = "paper PDF not built: not requested"
    elif build_pdf is None and figures is not None:
        note = "paper PDF not built: only some figures were regenerated"
    else:
        note = _pdf_unavailable()
    if note is None:
        dest = (Path.cwd() / "paper" / "build" / "paper.pdf") if repo else fig_dir / "paper.pdf"
        pdf = build_paper(fig_dir, values_file, dest=dest)
        files.append(pdf)
        note = ""
    return Reproduction(figures=tuple(names), files=tuple(Path(f) for f in files),
                        values_file=Path(values_file), numbers=nums, pdf=pdf, pdf_note=note)
