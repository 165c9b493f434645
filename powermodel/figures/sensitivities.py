"""Sensitivity figures (powermodel.sensitivity): Sobol' indices, Morris elementary
effects, a one-at-a-time tornado and Monte Carlo bands of x*(N).

Each figure is a recipe over :mod:`powermodel.plotting` (the function under
``@_figure``); its ``_..._numbers`` companion records the CSV and the quoted numbers.
"""

import re

import numpy as np

import powermodel as pm

from .. import plotting as pl
from ..errors import InputError
from ..model import Model
from ._common import _figure, _Table, log_grid, tex_number


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


#: Ranges of the one-at-a-time analysis: the bounds of :data:`SENS_DISTRIBUTIONS`.
SENS_RANGES = _ranges(SENS_DISTRIBUTIONS)


#: The sampled numbers the paper quotes (Sobol' first and total per input, Morris mu*
#: per input, 12 Monte Carlo probabilities); a test checks the count against values.tex.
SAMPLED = 30
#: Family-wise level: all SAMPLED intervals hold together with at least this probability.
FAMILY_LEVEL = 0.95
#: Level of each printed interval (Bonferroni): 1 - (1 - FAMILY_LEVEL)/SAMPLED.
LEVEL = 1 - (1 - FAMILY_LEVEL) / SAMPLED


def _outward(v, up):
    """``v`` rounded outward to 3 decimals, as LaTeX text (an interval never shrinks)."""
    f = np.ceil if up else np.floor
    return tex_number(f(round(float(v) * 1000, 6)) / 1000, 4)


def _with_interval(nums, texts, key, est, lo, hi):
    """Quote ``est`` (2 significant digits) with its interval ``[lo, hi]`` (macros
    ``<key>Low``, ``<key>High``, rounded outward)."""
    nums[key], nums[key + "Low"], nums[key + "High"] = float(est), float(lo), float(hi)
    texts[key + "Low"], texts[key + "High"] = _outward(lo, False), _outward(hi, True)


def _order(names, est, interval):
    """LaTeX text ranking ``names`` by ``est``: ``>`` where consecutive intervals are
    disjoint, ``\approx`` where they overlap (no ordering claimed)."""
    rank = sorted(names, key=lambda k: -est[k])
    out = _tex_name(rank[0])
    for a, b in zip(rank, rank[1:]):
        sep = ">" if interval[a][0] > interval[b][1] else r"\approx"
        out += f"~${sep}$~" + _tex_name(b)
    return out


def _wilson(p, n, level=LEVEL):
    """Wilson score interval of a proportion ``p`` observed in ``n`` draws."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _sobol_numbers(ax, r, *, N, **_):
    t = _Table()
    nums = {"sobolN": N, "sobolSamples": r.n * (len(r.names) + 2),
            "sensFamilyLevel": 100 * FAMILY_LEVEL, "sensSampled": SAMPLED}
    texts = {}
    for k in r.names:
        t.add("first_order", k, [0, 1, 2], [r.first_order[k], *r.first_order_interval[k]])
        t.add("total_order", k, [0, 1, 2], [r.total_order[k], *r.total_order_interval[k]])
        _with_interval(nums, texts, f"sobolFirst{_key(k)}", r.first_order[k],
                       *r.first_order_interval[k])
        _with_interval(nums, texts, f"sobolTotal{_key(k)}", r.total_order[k],
                       *r.total_order_interval[k])
    rank = sorted(r.names, key=lambda k: -r.total_order[k])
    texts.update(sobolTotalOrder=_order(r.names, r.total_order, r.total_order_interval),
                 sobolFirstOrder=_order(r.names, r.first_order, r.first_order_interval),
                 sobolRankA=_tex_name(rank[0]), sobolRankB=_tex_name(rank[1]),
                 sobolRankLast=_tex_name(rank[-1]))
    return {"table": t, "numbers": nums, "texts": texts,
            "digits": {k: 2 for k in nums if "First" in k or "Total" in k}}


@_figure("sobol", _sobol_numbers)
def sobol(ax, *, model=SENS_MODEL, distributions=None, output="learned_share", N=SENS_N,
          n=2 ** 14, seed=0, **fixed):
    """First-order and total Sobol' indices of the learned share at N (bars with intervals).

    The intervals are Student's t across 16 independent replicates at the level
    :data:`LEVEL` (simultaneous 95% over the paper's :data:`SAMPLED` sampled
    numbers); ``n`` is set so that those of the total indices are about +-0.02
    wide. Numbers: ``sobolN`` (the N), ``sobolSamples``, ``sensFamilyLevel`` (95),
    ``sensSampled``, per input ``sobolFirst<Key>``,
    ``sobolTotal<Key>`` (Key: F, C, K, P, Overlap, Penalty), each with its interval
    ``...Low``, ``...High`` (rounded outward); text macros ``sobolRankA``,
    ``sobolRankB``, ``sobolRankLast`` (by total index) and ``sobolTotalOrder``,
    ``sobolFirstOrder`` (the inputs ranked, ``>`` only where the intervals separate).
    """
    r = pm.sobol(model, SENS_DISTRIBUTIONS if distributions is None else distributions,
                 output=output, n=n, seed=seed, N=N, confidence_level=LEVEL, replicates=16,
                 **fixed)
    pl.sobol_bars(r, ax=ax)
    ax.set_title(f"learned share (1−λ)x*/g* at N = {N:g}", fontsize=7)
    return r


def _morris_numbers(ax, r, *, trajectories, levels, **_):
    t = _Table()
    nums = {"morrisTrajectories": trajectories, "morrisDelta": levels / (2 * (levels - 1))}
    texts = {"morrisOrder": _order(r.names, r.mu_star, r.mu_star_interval)}
    for k in r.names:
        t.add("mu_star", k, [0, 1, 2], [r.mu_star[k], *r.mu_star_interval[k]])
        t.add("sigma", k, 0, r.sigma[k])
        _with_interval(nums, texts, f"morrisMuStar{_key(k)}", r.mu_star[k],
                       *r.mu_star_interval[k])
    rank = sorted(r.names, key=lambda k: -r.mu_star[k])
    texts.update(morrisRankA=_tex_name(rank[0]), morrisRankB=_tex_name(rank[1]))
    return {"table": t, "numbers": nums, "texts": texts,
            "digits": {k: 2 for k in nums if "Mu" in k}}


@_figure("morris", _morris_numbers)
def morris(ax, *, model=SENS_MODEL, distributions=None, output="learned_share", N=SENS_N,
           trajectories=4000, levels=4, seed=0, **fixed):
    """Morris elementary effects (mu* with intervals, sigma) of the learned share at N.

    mu* is the mean absolute change of the share per step of Delta = p/(2(p - 1))
    (2/3 for ``levels`` p = 4) of an input's range normalised to [0, 1] (its
    quantile for a log-uniform input). The bootstrap intervals (9999 resamples) are at the
    level :data:`LEVEL`; ``trajectories`` is set so that they are about +-0.02 wide. Numbers: ``morrisTrajectories``,
    ``morrisDelta``, per input ``morrisMuStar<Key>`` with its interval
    ``morrisMuStar<Key>Low``, ``morrisMuStar<Key>High`` (rounded outward); text
    macros ``morrisRankA``, ``morrisRankB`` (the largest mu*) and ``morrisOrder``
    (the inputs ranked, ``>`` only where the intervals separate). sigma is
    drawn and written to the CSV, not quoted (it has no interval).
    """
    r = pm.morris(model, SENS_DISTRIBUTIONS if distributions is None else distributions,
                  output=output, trajectories=trajectories, levels=levels, seed=seed, N=N,
                  confidence_level=LEVEL, n_resamples=9999, **fixed)
    pl.morris_bars(r, ax=ax)
    ax.set_ylabel(f"share change per step Δ = {levels / (2 * (levels - 1)):.2g}")
    return r


def _tornado_numbers(ax, r, **_):
    t = _Table()
    nums = {"tornadoBase": r.base_output}
    for k in r.names:
        t.add("low", k, r.low_value[k], r.low_output[k])
        t.add("high", k, r.high_value[k], r.high_output[k])
        nums[f"tornadoLow{_key(k)}"] = r.low_output[k]
        nums[f"tornadoHigh{_key(k)}"] = r.high_output[k]
    t.add("base", "base", 0, r.base_output)
    return {"table": t, "numbers": nums, "digits": {k: 2 for k in nums},
            "texts": {"tornadoRankA": _tex_name(r.names[0]),
                      "tornadoRankB": _tex_name(r.names[1])}}


@_figure("tornado", _tornado_numbers)
def tornado(ax, *, model=SENS_MODEL, ranges=None, base=None, output="learned_share", N=SENS_N):
    """One-at-a-time tornado of the learned share at N around a base point.

    Numbers: ``tornadoBase`` (the output at the base point), per input
    ``tornadoLow<Key>``, ``tornadoHigh<Key>``; text macros ``tornadoRankA``, ``tornadoRankB``.
    """
    base = dict(SENS_BASE if base is None else base)
    base.setdefault("N", N)
    r = pm.one_at_a_time(model, SENS_RANGES if ranges is None else ranges, output=output,
                         **base)
    pl.tornado(r, ax=ax)
    ax.set_xlabel(f"learned share (1−λ)x*/g* at N = {base['N']:g}")
    return r


def _monte_carlo_numbers(axes, runs, *, n, **_):
    t = _Table()
    nums = {"mcSamples": n}
    texts = {}
    for key, r in runs.items():
        for q, band in zip(r.quantiles, r.bands):
            t.add(f"bands {key}", f"q={q:g}", r.N, band)
        t.add(f"probability {key}", "p_mesa", r.N, r.p_mesa)
        t.add(f"probability {key}", "p_dominant", r.N, r.p_dominant)
        for n_, word in ((1e2, "Hundred"), (1e4, "TenThousand"), (1e7, "TenMillion")):
            j = np.flatnonzero(np.asarray(r.N) == n_)
            if j.size:
                for what, p in (("Mesa", r.p_mesa[j[0]]), ("Dominant", r.p_dominant[j[0]])):
                    _with_interval(nums, texts, f"mcP{what}{key}At{word}", p, *_wilson(p, n))
    return {"table": t, "numbers": nums, "texts": texts,
            "digits": {k: 2 for k in nums if k.startswith("mcP")}}


@_figure("monte_carlo", _monte_carlo_numbers, rows=2, height=4.4)
def monte_carlo(axes, *, model=SENS_MODEL, distributions=None, N=(1.0, 1e7), n=8000,
                resolution=71, seed=0, **fixed):
    """Uncertainty propagated to x*(N): quantile bands and P(mesa-optimization) against N.

    Two runs share the seed: the paper's model (no shared structure, no speed
    prior: those inputs fixed at 0) and the full uncertainty including rho and lambda.
    Panel a: 5-95% and 25-75% bands and the median of x* (paper's model).
    Panel b: P(x* > 0) and P(share > 1/2) (share (1 - lambda) x*/g*) for both runs.
    The N grid holds 100, 10^4 and 10^7 exactly (the values quoted). ``n`` is
    set so that the Wilson interval (level :data:`LEVEL`) of each probability is at
    most +-0.018 wide.
    Numbers: ``mcSamples``, ``mcPMesa<Paper|Shared>At<Hundred|TenThousand|TenMillion>``,
    ``mcPDominant<Paper|Shared>At<...>``, each with its interval ``...Low``, ``...High``.
    """
    a1, a2 = axes
    dists = SENS_DISTRIBUTIONS if distributions is None else distributions
    Ns = log_grid(N[0], N[1], resolution, exact=(1e2, 1e4, 1e7))  # a log grid holding the N quoted
    paper = {k: v for k, v in dists.items() if k not in ("overlap", "runtime_penalty")}
    runs = {"Paper": pm.monte_carlo(model, paper, N=Ns, n=n, seed=seed, **fixed),
            "Shared": pm.monte_carlo(model, dists, N=Ns, n=n, seed=seed, **fixed)}
    pl.quantile_bands(runs["Paper"], ax=a1, ylabel="x* (bits; symlog axis)")
    a1.legend(loc="upper left", fontsize=6, ncol=3, bbox_to_anchor=(0.0, 1.0))
    a1.set_ylim(0, 3e6)
    a1.text(0.99, 0.02, "linear below 1 bit", transform=a1.transAxes, ha="right",
            va="bottom", fontsize=6, color="#555555")
    pl.mesa_probability(runs["Paper"], label="ρ = λ = 0", color=pl.PALETTE[0], ax=a2)
    pl.mesa_probability(runs["Shared"], label="uncertain ρ, λ", color=pl.PALETTE[3], ax=a2)
    a2.legend(loc="lower right", fontsize=6, bbox_to_anchor=(1.0, 0.17))
    a1.set_title("a", loc="left", fontweight="bold")
    a2.set_title("b", loc="left", fontweight="bold")
    return runs
