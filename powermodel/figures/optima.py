"""The optimum and its landscape: g(x) for several N, x*(N) for several costs, the
decomposition into base and learned power, and the jump of a non-convex cost.

Each figure is a recipe over :mod:`powermodel.plotting` (the function under
``@_figure``); its ``_..._numbers`` companion records the CSV and the quoted numbers.
"""

import numpy as np

from .. import plotting as pl
from ..model import Model
from ..plotting._core import _curves
from ..plotting.relaxations import _first_jump
from ._common import BASE, BASE_P, _figure, _letter, _Table


def _landscape_numbers(ax, sols, *, N, P, **_):
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
    return {"table": t, "numbers": nums}


@_figure("landscape", _landscape_numbers)
def landscape(ax, *, model=BASE, N=(25.0, 50.0, 100.0, 400.0), P=1e4, resolution=400,
              **solve_kw):
    """The objective g(x) - g(0) for several N, optimum marked (budget binding at the largest).

    Numbers: ``landscapeP`` and, per N, the optimum ``landscapeXStar<A..>`` in the order of N.
    """
    sols = [model.solve(N=n, P=P, **solve_kw) for n in N]
    top = min(min(s.x_budget for s in sols), 1.3 * max(s.x for s in sols))
    pl.landscape(model, N=N, P=P, x=np.linspace(0.0, top, resolution), ax=ax, **solve_kw)
    gain = max(ln.get_ydata()[0] for ln in ax.lines if ln.get_gid() == "optimum")
    ax.set_ylim(-0.25 * gain, 1.15 * gain)
    return sols


#: Costs of the optimum figure: label -> Model.
OPTIMUM_MODELS = {
    "x² (power, k=2)": BASE,
    "x³ (power, k=3)": Model("power", c=1.0, k=3.0),
    "e^(0.05x) − 1": Model("exponential", c=1.0, a=0.05),
    "50x (linear)": Model("linear", c=50.0),
    "1000(1 − e^(−x)) + x²": Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0),
}

_OPT_KEYS = ("PowerTwo", "PowerThree", "Exponential", "Linear", "Overhead")


def _optimum_numbers(ax, Ns, *, models, P, **solve_kw):
    models = OPTIMUM_MODELS if models is None else models
    keys = _OPT_KEYS if models is OPTIMUM_MODELS else tuple(f"Cost{_letter(i)}"
                                                              for i in range(len(models)))
    solve_kw = {k: v for k, v in solve_kw.items() if k not in ("N", "resolution")}
    t = _Table()
    nums = {"optimumP": P}
    for key, (label, m, kw) in zip(keys, _curves(models, P=P, **solve_kw)):
        t.add("x_star", label, Ns, m.solve(N=Ns, **kw).x)
        for i, tr in enumerate(pl.transitions(m, Ns, **kw)):
            t.add("boundary", f"{label}: {tr['from']}->{tr['to']} below", tr["N"], tr["x_below"])
            t.add("boundary", f"{label}: {tr['from']}->{tr['to']} above", tr["N"], tr["x_above"])
            nums[f"optimumBoundary{key}{_letter(i)}"] = tr["N"]
        for n, word in ((10.0, "Ten"), (100.0, "Hundred"), (1000.0, "Thousand")):
            nums[f"optimumX{key}At{word}"] = m.solve(N=n, **kw).x
    return {"table": t, "numbers": nums}


@_figure("optimum", _optimum_numbers, height=2.9)
def optimum(ax, *, models=None, N=(1.0, 1e5), P=BASE_P, resolution=300, **solve_kw):
    """x*(N) for several costs on log axes, each regime change marked.

    Numbers: ``optimumP``; per cost (in order, keys PowerTwo, PowerThree,
    Exponential, Linear, Overhead for the default costs; CostA, CostB, ... otherwise) the
    N of each regime change ``optimumBoundary<key><i>`` and x* at N = 10, 100, 1000
    ``optimumX<key>At<Ten|Hundred|Thousand>``. The y-axis spans 0.3 to 3e7 for
    the paper's costs and follows the plotted x* for others.
    """
    from matplotlib.lines import Line2D

    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    pl.optimum_vs_N(OPTIMUM_MODELS if models is None else models, N=Ns, P=P, ax=ax, **solve_kw)
    if models is None:
        ax.set_ylim(0.3, 3e7)  # the paper's figure: room above the curves for its legend
    else:  # the positive x* plotted, with room above for the legend (at most 12 decades)
        ys = np.concatenate([np.asarray(ln.get_ydata(), dtype=float).ravel()
                             for ln in ax.lines if ln.get_transform() == ax.transData]
                            or [np.empty(0)])
        ys = ys[np.isfinite(ys) & (ys > 0)]
        if ys.size:
            ax.set_ylim(max(ys.min() / 2, ys.max() * 8e-12), 8 * ys.max())
    handles, labels = ax.get_legend_handles_labels()
    ax.legend([*handles, Line2D([], [], color="#555555", ls=":", lw=0.9)],
              [*labels, "regime change (curve's colour)"], loc="upper left", fontsize=5.8, ncol=2)
    ax.set_title(f"P = {pl.number_text(P)} bits", fontsize=7, loc="right")
    return Ns


def _decomposition_numbers(ax, Ns, *, model, P, **solve_kw):
    solve_kw = {k: v for k, v in solve_kw.items() if k not in ("N", "resolution")}
    s = model.solve(N=Ns, P=P, **solve_kw)
    lam = solve_kw.get("runtime_penalty", 0.0)
    t = _Table()
    t.add("decomposition", "base", Ns, s.base_per_instance)
    t.add("decomposition", "learned", Ns, (1 - lam) * np.asarray(s.x))
    t.add("decomposition", "total", Ns, s.value)
    nd = pl.crossing(model, Ns, "learned_share", 0.5, P=P, **solve_kw)
    t.add("dominance", "learned_share=1/2", nd, 0.5)
    nums = {"dominanceN": nd, "decompositionP": P}
    for n, word in ((10.0, "Ten"), (100.0, "Hundred"), (1000.0, "Thousand"),
                    (1e4, "TenThousand")):
        nums[f"shareAt{word}"] = model.solve(N=n, P=P, **solve_kw).learned_share
    return {"table": t, "numbers": nums, "digits": {"dominanceN": 4}}


@_figure("decomposition", _decomposition_numbers)
def decomposition(ax, *, model=BASE, N=(1.0, 1e5), P=BASE_P, resolution=300, **solve_kw):
    """Base vs learned per-instance power as N grows; where x comes to dominate.

    Numbers: ``dominanceN`` (learned share = 1/2), ``decompositionP``, the learned share
    at N = 10, 100, 1000, 10000 (``shareAtTen`` ...).
    """
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    pl.decomposition(model, N=Ns, P=P, ax=ax, **solve_kw)
    return Ns


JUMP_MODEL = Model("overhead", F=1000.0, s=1.0, c=1.0, k=2.0)


def _jumps_numbers(axes, Ns, *, model, P, **solve_kw):
    solve_kw = {k: v for k, v in solve_kw.items() if k not in ("N", "resolution")}
    a1, a2 = axes
    t = _Table()
    nums = {"jumpF": model.params.get("F", np.nan), "jumpS": model.params.get("s", np.nan)}
    t.add("a", "x_star", Ns, model.solve(N=Ns, P=P, **solve_kw).x)
    jump = _first_jump(model, Ns, P=P, **solve_kw)
    if jump is not None:
        nums.update(jumpN=jump["N"], jumpXAbove=jump["x_above"], jumpXBelow=jump["x_below"])
        t.add("a", "jump", jump["N"], jump["x_above"])
        curves = [ln for ln in a2.lines if ln.get_gid() not in ("optimum", "twin_maxima")]
        for n, ln in zip((0.85 * jump["N"], jump["N"], 1.2 * jump["N"]), curves):
            t.add("b", f"N={n:.6g}", ln.get_xdata(), ln.get_ydata())
        (tw,) = [ln for ln in a2.lines if ln.get_gid() == "twin_maxima"]
        t.add("b", "twin maxima", tw.get_xdata(), tw.get_ydata())
    return {"table": t, "numbers": nums, "digits": {"jumpN": 4}}


@_figure("jumps", _jumps_numbers, rows=2, height=4.4)
def jumps(axes, *, model=JUMP_MODEL, N=(10.0, 1000.0), P=BASE_P, resolution=300, **solve_kw):
    """A non-convex cost (fixed overhead): x* jumps from 0 as N crosses a threshold.

    Panel a: x*(N) with the jump; panel b: g(x) - g(0) just below, at and above
    the jump (two equal peaks at the threshold). Numbers: ``jumpN`` (threshold),
    ``jumpXAbove`` (x* just above it), ``jumpF``, ``jumpS``.
    """
    a1, a2 = axes
    Ns = np.logspace(np.log10(N[0]), np.log10(N[1]), resolution)
    pl.optimum_jump(model, N=Ns, P=P, ax=a1, **solve_kw)
    a1.set_title("a", loc="left", fontweight="bold")
    pl.jump_landscapes(model, N=Ns, P=P, points=resolution, ax=a2, **solve_kw)
    a2.set_title("b", loc="left", fontweight="bold")
    return Ns
