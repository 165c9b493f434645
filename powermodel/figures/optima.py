"""The optimum and its landscape: g(x) for several N, x*(N) for several costs, the
decomposition into base and learned power, and the jump of a non-convex cost."""

import numpy as np

from .. import plotting as pl
from ..model import Model
from ._common import (BASE, BASE_P, _Table, _check_resolution, _finish, _grid, _letter, _new_figure,
                      _okw, _panel_label, _plain, _register)


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
