"""The Morris elementary-effects screening (:func:`morris`)."""

import math

import numpy as np

from .. import _validation as V
from .._progress import reporter
from .._warnings import once_per_call
from ..errors import InputError
from ._common import (_block_bytes, _chunks, _global_setup, _output_values, _require_finite,
                      _require_finite_result, _rescaled, _rng_kw, _run, _solve, BLOCK_POINTS)
from .results import MorrisResult


#: Morris: unbounded distributions are explored between these quantiles.
MORRIS_TAIL = 0.005


#: Bytes of resampled data the bootstrap holds at a time.
BOOTSTRAP_BYTES = 2**27

#: The most grid levels of a Morris design (beyond, levels are not distinct floats).
MAX_LEVELS = 2**53


def _morris_design(rng, r, d, levels):
    """Trajectories in the unit cube: shape (r, d + 1, d), plus order and signed steps."""
    delta = levels / (2 * (levels - 1))
    # the bases are the levels k / (p - 1) at most 1 - delta, k < p / 2; drawn without
    # building the grid (the same draws as rng.choice of it)
    base = rng.integers(0, levels // 2, size=(r, d), dtype=np.int64) / (levels - 1)
    sign = rng.choice(np.array([-1.0, 1.0]), size=(r, d))
    order = rng.permuted(np.tile(np.arange(d), (r, 1)), axis=1)
    T = np.empty((r, d + 1, d))
    T[:, 0] = np.where(sign > 0, base, base + delta)
    rows = np.arange(r)
    for j in range(d):
        T[:, j + 1] = T[:, j]
        i = order[:, j]
        T[rows, j + 1, i] += sign[rows, i] * delta
    np.clip(T, 0.0, 1.0, out=T)  # remove rounding below 0 / above 1
    return T, order, sign, delta


@once_per_call
def morris(model, distributions, *, output="x", trajectories=20, levels=4, seed=None,
           confidence_level=0.95, n_resamples=999, backend="builtin", errors="raise",
           chunks=None, progress=None, **fixed):
    r"""Morris elementary effects: a cheap screening of which inputs matter.

    Each of ``trajectories`` random one-at-a-time paths through a ``levels``
    grid in the unit cube moves every input once by
    :math:`\Delta = p / (2 (p - 1))`; the elementary effect of input i is
    :math:`EE_i = (y(u + \Delta e_i) - y(u)) / \Delta` with inputs mapped
    through their inverse CDFs (unbounded distributions between their
    ``MORRIS_TAIL`` and ``1 - MORRIS_TAIL`` quantiles).
    :math:`\mu^* = E|EE_i|` ranks importance; :math:`\sigma` flags
    non-linearity or interactions. An input that does not reach the output
    has :math:`\mu^* = \sigma = 0` exactly.

    Parameters
    ----------
    model : Model or str
    distributions : dict
        Input name -> ``(kind, *numbers)``.
    output : str or callable
    trajectories : int
        Number of trajectories r (the model is solved at ``r (d + 1)`` points).
    levels : int
        Grid levels p, even, >= 2.
    seed : int or None
    confidence_level : float
    n_resamples : int
        Bootstrap resamples for ``mu_star_interval`` (0: NaN intervals).
    backend : {"builtin", "salib"}
        ``"salib"`` samples with ``SALib.sample.morris`` and analyses with
        ``SALib.analyze.morris`` (SALib must be installed; its interval is
        mu* +- its bootstrap half-width). The builtin design needs nothing.
    errors : {"raise", "nan"}
    chunks : int, optional
        Points per block; when given, blocks run as Dask tasks on the active
        scheduler (see :func:`sobol`). The design and the outputs must fit
        the memory budget (:mod:`powermodel._memory`).
    progress : bool or callable, optional
        ``True``: a progress bar on stderr (tqdm's when installed, otherwise
        one line rewritten in place); a callable is called as
        ``progress(done, total)``, ``done`` counting the steps completed from
        0 up to ``total``: the blocks of points solved (``chunks`` points
        each), then the bootstrap (one step; with ``backend="salib"``,
        SALib's analysis). None or False (default): silent.
    **fixed
        Inputs held fixed.

    Returns
    -------
    MorrisResult
        The same with or without ``progress``. Each distinct warning of the
        solver is issued once per call, at the caller's line.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.morris(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2),
    ...               "P": ("loguniform", 1e12, 1e14)}, N=100, seed=0)
    >>> r.mu_star["P"], r.mu_star["c"] > 0
    (0.0, True)
    """
    model, output, varied, fx, level, n_resamples, seed, (rng_design, rng_boot) = _global_setup(
        model, output, distributions, fixed, confidence_level, n_resamples, errors, seed)
    d = len(varied)
    r = V.integer("trajectories", trajectories, 2)
    p = V.integer("levels", levels, 2)
    if p % 2:
        raise InputError(f"`levels` must be even (for a symmetric design), got {p}")
    if p > MAX_LEVELS:
        raise InputError(f"`levels` must be at most 2**53 (distinct levels in a float), got {p}")
    names = tuple(varied)

    V.choice("backend", backend, ("builtin", "salib"))
    progress = V.progress(progress)
    block = _chunks(chunks)
    from .. import _memory

    _memory.check(f"morris with {r:,} trajectories and {d} inputs (design and outputs)",
                  r * (d + 1) * (2 * d + 3) * 8 + _block_bytes(block, d))
    # the bootstrap distribution (d x n_resamples) and one batch of resamples
    batch = max(1, BOOTSTRAP_BYTES // (8 * r * (d + 1)))
    _memory.check(f"morris's bootstrap with n_resamples = {n_resamples:,} and {d} inputs",
                  n_resamples * d * 16 + min(batch, n_resamples) * r * (d + 1) * 8)
    if backend == "salib":
        return _morris_salib(model, varied, fx, output, r, p, seed, level, n_resamples,
                             errors, progress)
    T, order, sign, delta = _morris_design(rng_design, r, d, p)
    flat = T.reshape(-1, d)
    tasks = _tasks(model, names, varied, fx, errors, output, flat, "morris", block)
    with reporter(progress, len(tasks) + bool(n_resamples), label="morris",
                  unit="steps") as rep:
        y = np.concatenate(_run(_points_block, tasks, chunks, rep))
        return _morris_statistics(y, r, d, order, sign, delta, output, names, n_resamples,
                                  level, batch, rng_boot, p, seed, rep)


def _morris_statistics(y, r, d, order, sign, delta, output, names, n_resamples, level, batch,
                       rng_boot, p, seed, rep):
    """The effects' statistics and their bootstrap intervals (one step of ``rep``)."""
    from scipy import stats

    y = y.reshape(r, d + 1)
    rows = np.arange(r)
    ee = np.empty((r, d))
    for j in range(d):
        i = order[:, j]
        with np.errstate(over="ignore", invalid="ignore"):
            ee[rows, i] = (y[:, j + 1] - y[:, j]) / (sign[rows, i] * delta)
    _require_finite_result(ee, output, "morris", "elementary effects",
                           "the output's differences overflow: rescale it (a callable "
                           "output) or narrow the ranges")

    def statistics(e):
        with np.errstate(over="ignore", invalid="ignore"):
            return e.mean(axis=0), np.abs(e).mean(axis=0), e.std(axis=0, ddof=1)

    top = 1.0
    mu, mu_star, sigma = statistics(ee)
    if not np.isfinite(np.concatenate([mu, mu_star, sigma])).all():
        # effects near the float limit: their sums and squares overflow; the statistics
        # of the effects divided by their largest magnitude do not
        scaled = _rescaled(ee)
        top = float(np.max(np.abs(ee))) if scaled is not ee else 1.0
        ee = scaled
        mu, mu_star, sigma = (s * top for s in statistics(ee))
    _require_finite_result(np.concatenate([mu, mu_star, sigma]), output, "morris",
                           "statistics (mu, mu*, sigma) of the effects",
                           "rescale the output (a callable output) or narrow the ranges")
    if n_resamples:
        with np.errstate(divide="ignore", invalid="ignore"):
            boot = stats.bootstrap((np.abs(ee).T,), np.mean, axis=-1, vectorized=True,
                                   method="percentile", n_resamples=n_resamples,
                                   confidence_level=level, batch=batch,
                                   **_rng_kw(stats.bootstrap, rng_boot))
        lo = np.asarray(boot.confidence_interval.low, dtype=float).reshape(d) * top
        hi = np.asarray(boot.confidence_interval.high, dtype=float).reshape(d) * top
        rep.advance()
    else:
        lo = hi = np.full(d, np.nan)

    def as_dict(a):
        return {k: float(a[j]) for j, k in enumerate(names)}

    return MorrisResult(names=names, mu=as_dict(mu), mu_star=as_dict(mu_star),
                        sigma=as_dict(sigma),
                        mu_star_interval={k: (float(lo[j]), float(hi[j]))
                                          for j, k in enumerate(names)},
                        trajectories=r, levels=p, seed=seed)


def _tasks(model, names, varied, fixed, errors, output, u, what, block):
    """The blocks of :func:`_points_block` (``block`` points each) at the unit coordinates
    ``u`` (points, d)."""
    return [(model, names, varied, fixed, errors, output, u[i:i + block], what)
            for i in range(0, u.shape[0], block)]


def _points_block(model, names, varied, fixed, errors, output, u, what):
    """The output at one block of points ``u`` (unit coordinates, (points, d))."""
    to_value = _morris_values if what == "morris" else (lambda dist, v: dist.ppf(v))
    samples = {k: to_value(varied[k], u[:, j]) for j, k in enumerate(names)}
    sol = _solve(model, samples, fixed, errors)
    y = _output_values(sol, output, u.shape[0])
    _require_finite(y, samples, what)
    return y


def _morris_values(dist, u):
    """Unit coordinates -> input values (unbounded distributions between the tails)."""
    if not dist.bounded:
        u = MORRIS_TAIL + u * (1 - 2 * MORRIS_TAIL)
    return dist.ppf(u)


def _morris_salib(model, varied, fx, output, r, p, seed, level, n_resamples, errors, progress):
    """The same analysis with SALib's sampler and estimator (optional dependency)."""
    from ..sweeps import optional_import

    optional_import("SALib", "salib")
    from SALib.analyze import morris as salib_analyze
    from SALib.sample import morris as salib_sample

    names = tuple(varied)
    d = len(names)
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    s1, s2 = (int(v) for v in np.random.SeedSequence(seed).generate_state(2) % (2**31 - 1))
    X = salib_sample.sample(problem, r, num_levels=p, seed=s1)
    tasks = _tasks(model, names, varied, fx, errors, output, X, "morris", BLOCK_POINTS)
    with reporter(progress, len(tasks) + 1, label="morris", unit="steps") as rep:
        y = np.concatenate(_run(_points_block, tasks, None, rep))
        si = salib_analyze.analyze(problem, X, y, num_resamples=max(n_resamples, 1),
                                   conf_level=level, num_levels=p, seed=s2)
        rep.advance()

    def as_dict(key):
        return {k: float(si[key][j]) for j, k in enumerate(names)}

    mu_star, conf = as_dict("mu_star"), as_dict("mu_star_conf")
    interval = {k: ((mu_star[k] - conf[k], mu_star[k] + conf[k]) if n_resamples
                    else (math.nan, math.nan)) for k in names}
    return MorrisResult(names=names, mu=as_dict("mu"), mu_star=mu_star, sigma=as_dict("sigma"),
                        mu_star_interval=interval, trajectories=r, levels=p, seed=seed)
