"""Monte Carlo uncertainty of x*(N) (:func:`monte_carlo`)."""

import numpy as np

from .. import _validation as V
from .._progress import reporter
from .._warnings import once_per_call
from ..errors import InputError
from ..sweeps import as_model, DEFAULT_N
from ._common import _block_bytes, _chunks, _rng_kw, _rngs, _run, _seed, _solve
from .distributions import _parse_distributions, _salib_or_dict
from .results import MonteCarloResult


@once_per_call
def monte_carlo(model, distributions, *, N=None, n=1000, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95),
                seed=None, sampler="random", errors="raise", chunks=None, progress=None,
                **fixed):
    r"""Propagate input uncertainty to x*(N): quantile bands and probabilities.

    For ``n`` draws of the inputs (each draw shared by every N), x* is solved
    on the whole ``n x len(N)`` grid in one call, and at each N

    * ``bands[q]``: the ``quantiles[q]`` quantile of x*,
    * ``p_mesa``: the fraction of draws with x* > 0 (mesa-optimization occurs),
    * ``p_dominant``: the fraction with learned share > 1/2 (x dominates).

    Parameters
    ----------
    model : Model or str
    distributions : dict
        Input name -> ``(kind, *numbers)``; ``N`` is the axis, not random.
    N : array_like, optional
        The N axis (default ``np.geomspace(1, 1e6, 61)``).
    n : int
        Number of draws.
    quantiles : sequence of float
        In [0, 1].
    seed : int or None
    sampler : {"random", "sobol", "lhs"}
        Independent draws, a scrambled Sobol' sequence or a Latin hypercube
        (:mod:`scipy.stats.qmc`; lower variance for smooth outputs).
    errors : {"raise", "nan"}
        With ``"nan"`` invalid draws are left out of the statistics: each
        probability is a fraction of the valid draws at that N.
    chunks : int, optional
        Points (draws x N values) per block; when given, blocks run as Dask
        tasks on the active scheduler (see :func:`sobol`). The draws and x*
        at every (draw, N) must fit the memory budget.
    progress : bool or callable, optional
        ``True``: a progress bar on stderr (tqdm's when installed, otherwise
        one line rewritten in place); a callable is called as
        ``progress(done, total)``, ``done`` counting the blocks of draws
        solved (``chunks`` points each) from 0 up to ``total``. None or False
        (default): silent.
    **fixed
        Inputs held fixed.

    Returns
    -------
    MonteCarloResult
        The same with or without ``progress``. Each distinct warning of the
        solver is issued once per call, at the caller's line.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.monte_carlo(pm.Model("linear"), {"c": ("uniform", 1, 101)}, N=[26, 51],
    ...                    P=1e3, n=4096, seed=0, sampler="sobol")
    >>> r.p_mesa            # linear cost: x* > 0 iff c < N, so P(c < N) = (N - 1) / 100
    array([0.25, 0.5 ])
    """
    from scipy.stats import qmc

    model = as_model(model)
    distributions = _salib_or_dict(distributions)
    if isinstance(distributions, dict) and "N" in distributions or "N" in fixed:
        raise InputError("`N` is the axis of monte_carlo: pass N=[...] (not a distribution or "
                         "a fixed value)")
    varied, fx = _parse_distributions(model, distributions, fixed)
    Nax = V.real("N", DEFAULT_N if N is None else N, low=0, low_open=True)
    Nax = np.atleast_1d(np.asarray(Nax, dtype=float))
    if Nax.ndim != 1:
        raise InputError(f"`N` must be 1-D, got shape {Nax.shape}")
    n = V.integer("n", n, 1)
    q = np.atleast_1d(V.real("quantiles", quantiles, low=0, high=1))
    if q.ndim != 1 or q.size == 0:
        raise InputError(f"`quantiles` must be a non-empty 1-D sequence, got {quantiles!r}")
    V.choice("sampler", sampler, ("random", "sobol", "lhs"))
    V.choice("errors", errors, ("raise", "nan"))
    progress = V.progress(progress)
    seed = _seed(seed)
    (rng,) = _rngs(seed, 1)
    names = tuple(varied)
    d = len(names)
    block = _chunks(chunks)
    from .. import _memory

    _memory.check(f"monte_carlo with n = {n:,} draws and {Nax.size} N values (draws and x*)",
                  n * (2 * d + 2 * Nax.size) * 8 + _block_bytes(block, d))
    _memory.check(f"monte_carlo's bands at {q.size:,} quantiles and {Nax.size} N values",
                  q.size * Nax.size * 8 * 4)
    if d == 0 or sampler == "random":
        u = rng.random((n, d))
    elif sampler == "sobol":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n not a power of 2: still valid
            u = qmc.Sobol(d=d, scramble=True, **_rng_kw(qmc.Sobol, rng)).random(n)
    else:
        u = qmc.LatinHypercube(d=d, **_rng_kw(qmc.LatinHypercube, rng)).random(n)
    rows = max(1, block // Nax.size)
    tasks = [(model, names, varied, fx, errors, u[i:i + rows], Nax) for i in range(0, n, rows)]
    with reporter(progress, len(tasks), label="monte_carlo", unit="blocks") as rep:
        parts = _run(_mc_block, tasks, chunks, rep)
    x = np.concatenate([p[0] for p in parts])
    dominant = np.concatenate([p[1] for p in parts])
    del parts, tasks
    valid = ~np.isnan(x)
    count = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Infinite x* (unbounded) sorts last; quantiles are taken on a finite stand-in.
        big = np.finfo(float).max
        xs = np.where(np.isinf(x), big, x)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            bands = np.nanquantile(xs, q, axis=0)
        bands = np.where(bands >= big, np.inf, bands)
        p_mesa = np.where(count > 0, ((x > 0) & valid).sum(axis=0) / count, np.nan)
        p_dom = np.where(count > 0, (dominant & valid).sum(axis=0) / count, np.nan)
    return MonteCarloResult(N=Nax.copy(), quantiles=tuple(float(v) for v in q),
                            bands=np.asarray(bands, dtype=float).reshape(q.size, Nax.size),
                            p_mesa=p_mesa, p_dominant=p_dom, n=n, seed=seed)


def _mc_block(model, names, varied, fixed, errors, u, Nax):
    """x* and whether x dominates, at draws ``u`` (rows) x the N axis: two (rows, len(N))."""
    samples = {k: varied[k].ppf(u[:, j])[:, None] for j, k in enumerate(names)}
    sol = _solve(model, {**samples, "N": Nax[None, :]}, fixed, errors)
    shape = (u.shape[0], Nax.size)
    x = np.array(np.broadcast_to(np.asarray(sol.x, dtype=float), shape))
    with np.errstate(invalid="ignore"):
        dominant = np.broadcast_to(np.asarray(sol.learned_share, dtype=float) > 0.5, shape)
    return x, np.array(dominant)
