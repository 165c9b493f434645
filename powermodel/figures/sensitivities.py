"""Sensitivity figures (powermodel.sensitivity): Sobol' indices, Morris elementary
effects, a one-at-a-time tornado and Monte Carlo bands of x*(N)."""

import re

import numpy as np

from .. import plotting as pl
from ..errors import InputError
from ..model import Model
from ._common import (_Table, _check_resolution, _finish, _grid_with, _new_figure, _panel_label,
                      _register)


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
    from ..sensitivity import sobol as _sobol

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
    from ..sensitivity import morris as _morris

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
    from ..sensitivity import one_at_a_time

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
    from ..sensitivity import monte_carlo as _mc

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
