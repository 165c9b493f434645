"""Plots of sensitivity results: Sobol' indices, Morris elementary effects (bars and the
mu*-sigma plane), a tornado chart and Monte Carlo bands and probabilities (re-exported by
:mod:`powermodel.plotting`)."""

import numpy as np

from ._core import PALETTE, _ax, _result, _text


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
    # (a level such as 1 - 0.05/30 is 99.8 %, not "100 %")
    ax.legend(loc="upper left", ncol=2, title=f"{100 * level:.3g}% intervals" if level else None)
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


def morris_plane(result, *, ax=None):
    """Morris elementary effects in the mu*-sigma plane: one point per input.

    ``result`` has ``names``, ``mu_star``, ``sigma`` (dict name -> float) and
    ``mu_star_interval`` (dict name -> (low, high)). mu* is horizontal, with its
    interval as a horizontal error bar; sigma is vertical; each point is
    labelled with its input. An input far from the origin matters; one above
    the dashed line sigma = mu* (gid ``"diagonal"``) has effects that change
    much across the input space (non-linear, or interacting with other inputs).

    Returns
    -------
    Axes
        ``ax.containers[0]`` is the ErrorbarContainer of the points, in the
        order of ``names``.
    """
    _result(result, "a MorrisResult", ("names", "mu_star", "sigma", "mu_star_interval"))
    ax = _ax(ax)
    names = list(result.names)
    mu, err = _interval_err(result.mu_star, result.mu_star_interval, names)
    sigma = np.array([result.sigma[n] for n in names], dtype=float)
    ax.errorbar(mu, sigma, xerr=err, fmt="o", color=PALETTE[0], capsize=2, lw=0.8,
                label="μ* (interval), σ")
    for n, a, b in zip(names, mu, sigma):
        ax.annotate(_short_name(n), (a, b), xytext=(3, 3), textcoords="offset points")
    top = max([*(mu + err[1]), *sigma, 0.0])
    top = 1.15 * top if np.isfinite(top) and top > 0 else 1.0
    (d,) = ax.plot([0, top], [0, top], color="#555555", lw=0.8, ls="--", label="σ = μ*")
    d.set_gid("diagonal")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("μ* (mean |elementary effect|)")
    ax.set_ylabel("σ (spread of the effects)")
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


def _short_name(n):
    return {"overlap": "ρ", "runtime_penalty": "λ", "x_cap": "x_cap"}.get(n, n)
