"""Sobol' indices (:func:`sobol`): first-order and total-order variance shares."""

import math

import numpy as np

from .. import _validation as V
from .._progress import reporter
from .._warnings import once_per_call
from ..errors import InputError
from ._common import (_block_bytes, _chunks, _global_setup, _output_values, _require_finite,
                      _require_finite_result, _require_spread, _rescaled, _rng_kw, _run,
                      _solve)
from .results import SobolResult


#: Independent randomisations of the design behind the default Sobol' intervals.
REPLICATES = 4


@once_per_call
def sobol(model, distributions, *, output="x", n=2**12, seed=None, confidence_level=0.95,
          sampler="sobol", interval=None, replicates=REPLICATES, n_resamples=999,
          errors="raise", chunks=None, progress=None, **fixed):
    r"""First- and total-order Sobol' indices with confidence intervals.

    The variance of the output is split over the inputs:
    :math:`S_i = V[E(Y | X_i)] / V[Y]` (first order) and
    :math:`S_{T_i} = 1 - V[E(Y | X_{\sim i})] / V[Y]` (total order, with all
    interactions). Estimated with the A/B/AB design and the estimators of
    Saltelli et al. (2010), as :func:`scipy.stats.sobol_indices` does:
    :math:`S_i = \overline{f_B (f_{AB_i} - f_A)} / V` and
    :math:`S_{T_i} = \overline{(f_A - f_{AB_i})^2} / 2V`, outputs centred.

    Intervals fit the sampling:

    * ``sampler="sobol"`` (default): the ``n`` base points are ``replicates``
      independently scrambled Sobol' sequences of ``n / replicates`` points
      each; the indices are the mean of the replicates' estimates and the
      interval is Student's t across replicates (randomised quasi-Monte
      Carlo). On ``x* = N/(2c)`` (``tests/test_sensitivity.py``) 95% intervals
      cover the exact indices about 94% of the time and are about 6 times
      the actual error (``benchmarks/bench_sensitivity.py``); a bootstrap of
      Sobol' points (SciPy's, SALib's), which assumes independent draws, was
      20 to 75 times as wide. The price: each replicate has ``n / R`` points,
      so the estimates are about 2.5 times less accurate than one design of
      ``n`` points.
    * ``sampler="random"``: independent uniform draws; ``interval="bootstrap"``
      (its default) resamples the base points (percentile intervals of
      ``n_resamples`` resamples), ``interval="replicates"`` splits them into
      independent replicates as above.

    The model is solved block by block (``chunks`` points at a time), so
    memory holds the design and the outputs, not the solver's intermediate
    arrays; a request whose design and outputs exceed the memory budget (half
    the physical memory, or the environment variable ``POWERMODEL_MEMORY``:
    bytes such as ``"2G"``, or a share of it such as ``"0.25"``) is refused at
    once with an :class:`~powermodel.InputError` that gives its size.

    Parameters
    ----------
    model : Model or str
    distributions : dict
        Input name -> ``(kind, *numbers)``: ``("uniform", low, high)``,
        ``("loguniform", low, high)``, ``("normal", mu, sd)``,
        ``("lognormal", mu, sigma)`` (of the logarithm),
        ``("triangular", low, mode, high)`` or ``("fixed", value)``. Any
        solver input may vary (``N``, ``P``, ``x_cap``, ``overlap``,
        ``runtime_penalty``, every cost parameter). A frozen
        :mod:`scipy.stats` distribution may stand for a tuple, and the dict
        may be a SALib problem (``names``, ``bounds``, ``dists``).
    output : str or callable
        A numeric result field, ``"log(field)"``, or ``f(solution) -> array``; must be finite
        at every point and not constant (an InputError names the output and
        the count of bad points otherwise). Outputs near the float limit
        are fine: the indices are computed on the output divided by its
        largest magnitude, which does not change them.
    n : int
        Base sample size, a power of 2 (with the Sobol' sampler); the model is
        solved at ``n * (d + 2)`` points (``d`` varied inputs).
    seed : int or None
    confidence_level : float
        Of the intervals.
    sampler : {"sobol", "random"}
        Scrambled Sobol' points (quasi-Monte Carlo) or independent draws.
    interval : {"replicates", "bootstrap", "none"}, optional
        Default: ``"replicates"`` for Sobol' points, ``"bootstrap"`` for
        random draws (the bootstrap is refused for Sobol' points, whose
        draws are not independent). ``"none"``: NaN intervals.
    replicates : int
        Independent replicates R (``"replicates"`` intervals), >= 2; with
        Sobol' points a power of 2 dividing ``n``, ``n / R >= 2``.
    n_resamples : int
        Bootstrap resamples (``"bootstrap"`` intervals; 0 gives NaN intervals).
    errors : {"raise", "nan"}
        Passed to the solver (NaN outputs are then reported as an error).
    chunks : int, optional
        Points per block. When given, the blocks are computed as Dask tasks
        on the active scheduler (threads, or a ``dask.distributed`` cluster
        once a ``Client`` exists); the results equal those without.
    progress : bool or callable, optional
        ``True``: a progress bar on stderr (tqdm's when installed, otherwise
        one line rewritten in place); a callable is called as
        ``progress(done, total)``, ``done`` counting the steps completed from
        0 up to ``total``: the blocks of points solved (``chunks`` points
        each), then the batches of bootstrap resamples. None or False
        (default): silent.
    **fixed
        Inputs held fixed (``P=...`` ...).

    Returns
    -------
    SobolResult
        Immutable: the indices, their intervals and the settings that
        reproduce them (:class:`powermodel.sensitivity.SobolResult`).
        The same with or without ``progress``. Each distinct warning of the
        solver is issued once per call, at the caller's line.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.sobol(pm.Model("power", c=1.0, k=2.0), {"N": ("loguniform", 10, 1e3),
    ...              "P": ("loguniform", 1e12, 1e14)}, n=2**8, seed=1)
    >>> r.total_order["P"], r.total_order_interval["P"]   # x* = N/2 does not depend on P
    (0.0, (0.0, 0.0))
    """
    from .. import _memory

    model, output, varied, fx, level, n_resamples, seed, (rng_sample, rng_boot) = _global_setup(
        model, output, distributions, fixed, confidence_level, n_resamples, errors, seed)
    progress = V.progress(progress)
    d = len(varied)
    n = V.integer("n", n, 2)
    V.choice("sampler", sampler, ("sobol", "random"))
    interval = V.choice("interval", "replicates" if interval is None and sampler == "sobol"
                        else "bootstrap" if interval is None else interval,
                        ("replicates", "bootstrap", "none"))
    if sampler == "sobol" and n & (n - 1):
        raise InputError(f"`n` must be a power of 2 (the balance of Sobol' points), got {n}")
    if sampler == "sobol" and interval == "bootstrap":
        raise InputError("`interval` 'bootstrap' assumes independent draws, which Sobol' points "
                         "are not: use interval='replicates' or sampler='random'")
    R = 1
    if interval == "replicates":
        R = V.integer("replicates", replicates, 2)
        if sampler == "sobol" and (R & (R - 1) or n // R < 2):
            raise InputError(f"`replicates` must be a power of 2 with n / replicates >= 2 "
                             f"(n = {n}), got {R}")
        if n % R or n // R < 2:
            raise InputError(f"`replicates` must divide n = {n} into parts of at least 2 "
                             f"points, got {R}")
    block = _chunks(chunks)
    names = tuple(varied)
    _memory.check(f"sobol with n = {n:,} and {d} inputs (design and outputs)",
                  n * (2 * d + d + 2) * 8 + _block_bytes(block, d))
    if interval == "bootstrap":  # the bootstrap statistics, 2d x n_resamples
        _memory.check(f"sobol's bootstrap with n_resamples = {n_resamples:,} and {d} inputs",
                      n_resamples * 2 * d * 16)

    m = n // R
    # One independent randomisation per replicate (the first two streams of the
    # seed are the single design and the bootstrap).
    rngs = [rng_sample] if R == 1 else \
        [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(R + 2)[2:]]
    u = np.concatenate([_unit_sample(sampler, r, m, 2 * d) for r in rngs])  # replicate-major
    base = max(1, block // (d + 2))
    tasks = [(model, names, varied, fx, errors, output, u[start:start + base])
             for start in range(0, n, base)]
    batches = 0
    if interval == "bootstrap" and n_resamples:
        batches = -(-n_resamples // _bootstrap_step(n, d))
    with reporter(progress, len(tasks) + batches, label="sobol", unit="steps") as rep:
        Y = np.concatenate(_run(_sobol_block, tasks, chunks, rep), axis=1).reshape(d + 2, R, m)
        del tasks, u
        lo, hi, est = _indices(Y, output, m, R, level, interval, n_resamples, rng_boot, rep)
    f1 = {k: float(est[j]) for j, k in enumerate(names)}
    ft = {k: float(est[d + j]) for j, k in enumerate(names)}
    i1 = {k: (float(lo[j]), float(hi[j])) for j, k in enumerate(names)}
    it = {k: (float(lo[d + j]), float(hi[d + j])) for j, k in enumerate(names)}
    return SobolResult(names=names, first_order=f1, total_order=ft, first_order_interval=i1,
                       total_order_interval=it, n=n, seed=seed, confidence_level=level,
                       sampler=sampler, interval=interval, replicates=R)


def _indices(Y, output, m, R, level, interval, n_resamples, rng_boot, rep):
    """The index estimates (2d) and their interval ends from the outputs Y (d + 2, R, m)."""
    _require_spread(Y, output, "sobol")
    with np.errstate(over="ignore", invalid="ignore"):
        est_r = _saltelli(Y[0], Y[1], Y[2:])                # (2d, R)
    if not np.isfinite(est_r).all():  # an output near the float limit: its squares overflow
        Y = _rescaled(Y)                                     # (the indices do not change)
        est_r = _saltelli(Y[0], Y[1], Y[2:])
    _require_finite_result(est_r, output, "sobol", "index estimates (inputs x replicates)",
                           f"the output is constant within a replicate of {m} points: "
                           "use a larger n or fewer replicates")
    est = est_r.mean(axis=1)
    if interval == "replicates":
        from scipy import stats

        with np.errstate(invalid="ignore"):
            half = stats.t.ppf((1 + level) / 2, R - 1) * est_r.std(axis=1, ddof=1) / math.sqrt(R)
        lo, hi = est - half, est + half
    elif interval == "bootstrap" and n_resamples:
        lo, hi = _bootstrap_sobol(Y[:, 0], n_resamples, level, rng_boot, rep)
    else:
        lo = hi = np.full(est.size, np.nan)
    return lo, hi, est


def _unit_sample(sampler, rng, m, dim):
    """``m`` points in the unit cube of ``dim`` dimensions: scrambled Sobol' or random."""
    if sampler == "random":
        return rng.random((m, dim))
    from scipy.stats import qmc

    return qmc.Sobol(d=dim, scramble=True, bits=64, **_rng_kw(qmc.Sobol, rng)).random(m)


def _sobol_block(model, names, varied, fixed, errors, output, u):
    """Outputs at the A, B and AB points of the base points ``u`` (m, 2d): shape (d + 2, m)."""
    m, d = u.shape[0], len(names)
    A, B = u[:, :d].T, u[:, d:].T                                # (d, m)
    U = np.empty((d, d + 2, m))
    U[:, 0], U[:, 1] = A, B
    U[:, 2:] = A[:, None, :]
    U[np.arange(d), 2 + np.arange(d)] = B                        # page i: A with row i of B
    samples = {k: varied[k].ppf(U[j].reshape(-1)) for j, k in enumerate(names)}
    sol = _solve(model, samples, fixed, errors)
    y = _output_values(sol, output, (d + 2) * m)
    _require_finite(y, samples, "sobol")
    return y.reshape(d + 2, m)


def _saltelli(f_A, f_B, f_AB):
    """First and total indices (2d, ...) from f_A, f_B (..., m) and f_AB (d, ..., m)."""
    mean = np.concatenate([f_A, f_B], axis=-1).mean(axis=-1, keepdims=True)
    f_A, f_B, f_AB = f_A - mean, f_B - mean, f_AB - mean
    var = np.concatenate([f_A, f_B], axis=-1).var(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(f_B * (f_AB - f_A), axis=-1) / var
        st = 0.5 * np.mean((f_A - f_AB) ** 2, axis=-1) / var
    return np.concatenate([s1, st], axis=0)


def _bootstrap_step(n, d):
    """Resamples per batch of the bootstrap of ``n`` base points, ``d`` inputs: ~128 MB."""
    return max(1, (1 << 24) // (n * (d + 2)))


def _bootstrap_sobol(Y, n_resamples, level, rng, rep=None):
    """Percentile bootstrap intervals resampling the base points of Y (d + 2, n); the
    reporter ``rep`` (if any) advances by one per batch."""
    n = Y.shape[1]
    step = _bootstrap_step(n, Y.shape[0] - 2)
    stats = []
    for start in range(0, n_resamples, step):
        k = min(step, n_resamples - start)
        idx = rng.integers(0, n, size=(k, n))
        Yb = Y[:, idx]                                      # (d + 2, k, n)
        stats.append(_saltelli(Yb[0], Yb[1], Yb[2:]))      # (2d, k)
        if rep is not None:
            rep.advance()
    boot = np.concatenate(stats, axis=1)
    alpha = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=1)
    return lo, hi
