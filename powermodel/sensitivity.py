r"""Which assumptions does the conclusion hinge on? Local, one-at-a-time and global sensitivity.

* :func:`local_sensitivity`: elasticities :math:`\partial \ln y / \partial \ln p`
  of x*, g* and the learned share with respect to every input at a point
  (symbolic comparative statics where available, central finite
  differences in log space otherwise).
* :func:`one_at_a_time` (alias :func:`tornado`): each input moved to its low
  and its high value with the others at their base values, ranked by swing.
* :func:`sobol`: first- and total-order Sobol' indices (the estimators of
  Saltelli 2010, as in :func:`scipy.stats.sobol_indices`) from scrambled
  Sobol' points (:mod:`scipy.stats.qmc`), with intervals from independent
  randomisations (Student's t across replicates); a percentile bootstrap for
  independent random draws.
* :func:`morris`: Morris elementary effects (:math:`\mu`, :math:`\mu^*`,
  :math:`\sigma`) on a trajectory design, with a bootstrap interval for
  :math:`\mu^*`.
* :func:`monte_carlo`: uncertainty propagation: quantile bands of x*(N), the
  probability that mesa-optimization occurs (x* > 0) and that the learned
  algorithm dominates (learned share > 1/2), as functions of N.

Inputs are described by distributions, ``name -> (kind, *numbers)``:
``("uniform", low, high)``, ``("loguniform", low, high)``, ``("normal", mu,
sd)``, ``("lognormal", mu, sigma)`` (of the logarithm), ``("triangular",
low, mode, high)`` and ``("fixed", value)``. Any solver input may vary:
``N``, ``P``, ``x_cap``, ``overlap``, ``runtime_penalty`` and every cost
parameter. ``output`` is a numeric result field (``"x"`` by default) or a
function of the :class:`~powermodel.result.Solution`.

Every analysis solves its points in vectorised blocks (``BLOCK_POINTS`` at a
time, or ``chunks=`` points as Dask tasks on the active scheduler, a
``dask.distributed`` cluster included), so memory holds the design and the
outputs only; a request whose design and outputs exceed the memory budget
(:mod:`powermodel._memory`) is refused at once with its size.
Random analyses take a ``seed``; the same seed gives identical results (and
byte-identical files). With ``seed=None`` a fresh seed is drawn and stored in
the result, so any run can be repeated.

Examples
--------
>>> import numpy as np, powermodel as pm
>>> m = pm.Model("power", k=2.0)
>>> res = pm.sobol(m, {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10)},
...                output=lambda s: np.log(s.x), n=2**10, seed=0, P=1e12)
>>> round(res.first_order["N"], 2), round(res.first_order["c"], 2)   # log x* = log N - log 2c
(0.5, 0.5)
"""

import math
import numbers

import numpy as np

from . import _validation as V
from .errors import InputError, UnsolvableError
from .result import Result, Solution
from .sweeps import DEFAULT_N, as_model, check_inputs, dump_csv, dump_json, known_inputs

__all__ = ["local_sensitivity", "one_at_a_time", "tornado", "sobol", "morris", "monte_carlo",
           "SobolResult", "MorrisResult", "OATResult", "MonteCarloResult", "LocalSensitivity",
           "DISTRIBUTIONS"]

#: Distribution kinds and the numbers each takes.
DISTRIBUTIONS = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "normal": ("mu", "sd"),
    "lognormal": ("mu", "sigma"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
}

#: Morris: unbounded distributions are explored between these quantiles.
MORRIS_TAIL = 0.005

_NON_NUMERIC = ("regime", "status")
NUMERIC_FIELDS = tuple(f for f in Solution._fields if f not in _NON_NUMERIC)


# ---------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------

class _Dist:
    """One input's distribution: kind, numbers, support and inverse CDF."""

    __slots__ = ("name", "kind", "args")

    def __init__(self, name, kind, args):
        self.name, self.kind, self.args = name, kind, args

    @property
    def support(self):
        a, kind = self.args, self.kind
        if kind == "normal":
            return (-math.inf, math.inf)
        if kind == "lognormal":
            return (0.0, math.inf)
        return (a[0], a[-1])

    @property
    def bounded(self):
        lo, hi = self.support
        return math.isfinite(lo) and math.isfinite(hi)

    def ppf(self, u):
        """Values at probabilities ``u`` in [0, 1] (vectorised)."""
        u = np.asarray(u, dtype=float)
        a = self.args
        if self.kind == "uniform":
            return a[0] + u * (a[1] - a[0])
        if self.kind == "loguniform":
            return np.exp(math.log(a[0]) + u * (math.log(a[1]) - math.log(a[0])))
        if self.kind == "fixed":
            return np.full(u.shape, a[0])
        from scipy import special

        if self.kind == "normal":
            return a[0] + a[1] * special.ndtri(u)
        if self.kind == "lognormal":
            return np.exp(a[0] + a[1] * special.ndtri(u))
        # triangular: inverse CDF in closed form
        lo, mode, hi = a
        fc = (mode - lo) / (hi - lo)
        with np.errstate(invalid="ignore"):
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < fc, left, right)

    def __repr__(self):
        return f"({self.kind!r}, {', '.join(f'{v:g}' for v in self.args)})"


def parse_distribution(name, spec):
    """Check one ``(kind, *numbers)`` spec and return a distribution object.

    >>> parse_distribution("c", ("loguniform", 0.1, 10))
    ('loguniform', 0.1, 10)
    >>> parse_distribution("c", ("uniform", 2, 1))
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: distribution of `c`: ('uniform', low, high) needs low < high, got low=2, high=1
    """
    if not isinstance(spec, (tuple, list)) or not spec or not isinstance(spec[0], str):
        raise InputError(f"distribution of `{name}` must be a tuple like ('uniform', low, high), "
                         f"got {spec!r}")
    kind = spec[0].strip().lower().replace("-", "").replace("_", "")
    kind = {"lognormal": "lognormal", "loguniform": "loguniform", "triang": "triangular",
            "constant": "fixed"}.get(kind, kind)
    if kind not in DISTRIBUTIONS:
        raise InputError(f"unknown distribution `{spec[0]}` for `{name}` "
                         f"(known: {', '.join(DISTRIBUTIONS)})")
    need = DISTRIBUTIONS[kind]
    sig = f"({kind!r}, {', '.join(need)})"
    if len(spec) - 1 != len(need):
        raise InputError(f"distribution of `{name}`: {sig} takes {len(need)} number"
                         f"{'s' if len(need) > 1 else ''}, got {len(spec) - 1}")
    args = tuple(V.real(f"{name}.{p}", v) for p, v in zip(need, spec[1:]))
    raw = dict(zip(need, spec[1:]))

    def bad(cond, text):
        if cond:
            got = ", ".join(f"{k}={v!r}" for k, v in raw.items())
            raise InputError(f"distribution of `{name}`: {sig} needs {text}, got {got}")

    if kind == "uniform":
        bad(not args[0] < args[1], "low < high")
    elif kind == "loguniform":
        bad(not 0 < args[0] < args[1], "0 < low < high")
    elif kind == "normal":
        bad(not args[1] > 0, "sd > 0")
    elif kind == "lognormal":
        bad(not args[1] > 0, "sigma > 0")
    elif kind == "triangular":
        bad(not (args[0] <= args[1] <= args[2] and args[0] < args[2]),
            "low <= mode <= high and low < high")
    return _Dist(name, kind, args)


def _parse_distributions(model, distributions, fixed):
    """Split ``distributions`` into varied ones and fixed values; check supports."""
    from .solver import _rules

    if not isinstance(distributions, dict):
        raise InputError(f"`distributions` must be a dict of name -> (kind, ...), "
                         f"got {distributions!r}")
    check_inputs(model, distributions, fixed, "a distribution and a fixed value")
    rules = _rules(model.cost)
    varied, fixed_out = {}, {}
    for k, v in fixed.items():
        if k == "x_cap" and v is None:
            continue
        if np.ndim(v) != 0:
            raise InputError(f"fixed input `{k}` must be a scalar, got shape {np.shape(v)}")
        fixed_out[k] = V.real(k, v, **rules.get(k, {}))
    for k, spec in distributions.items():
        d = parse_distribution(k, spec)
        _check_support(d, rules.get(k, {}))
        if d.kind == "fixed":
            fixed_out[k] = d.args[0]
        else:
            varied[k] = d
    return varied, fixed_out


def _check_support(d, rule):
    lo, hi = d.support
    low, high = rule.get("low"), rule.get("high")
    open_lo = d.kind == "lognormal"  # support (0, inf)
    if low is not None:
        ok = lo > low if rule.get("low_open") and not open_lo else lo >= low
        if not ok:
            what = ("positive" if rule.get("low_open") else "non-negative") if low == 0 else \
                f"{'>' if rule.get('low_open') else '>='} {low:g}"
            raise InputError(f"`{d.name}` must be {what}, but its distribution {d!r} reaches "
                             f"{lo:g}" + ("; use a lognormal or a bounded distribution"
                                          if d.kind == "normal" else ""))
    if high is not None:
        ok = hi < high if rule.get("high_open") else hi <= high
        if not ok:
            raise InputError(f"`{d.name}` must be {'<' if rule.get('high_open') else '<='} "
                             f"{high:g}, but its distribution {d!r} reaches {hi:g}")


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------

def _seed(seed):
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError(f"`seed` must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _rngs(seed, k):
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(k)]


def _rng_kw(func, rng):
    """``rng=`` for SciPy >= 1.15, the older keyword (``seed``/``random_state``) before."""
    import inspect

    try:
        names = inspect.signature(func).parameters
    except (TypeError, ValueError):  # pragma: no cover
        names = {"rng": None}
    for key in ("rng", "seed", "random_state"):
        if key in names:
            return {key: rng}
    return {"rng": rng}  # pragma: no cover


def _int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise InputError(f"`{name}` must be an integer >= {low}, got {value!r}")
    return int(value)


def _level(value):
    v = V.real("confidence_level", value, low=0, low_open=True, high=1, high_open=True)
    return v


def _check_output(output):
    if callable(output):
        return output
    if not isinstance(output, str):
        raise InputError(f"`output` must be a result field name or a function of the Solution, "
                         f"got {output!r}")
    return V.choice("output", output, NUMERIC_FIELDS)


def _output_values(sol, output, size):
    if callable(output):
        with np.errstate(all="ignore"):
            y = output(sol)
    else:
        y = getattr(sol, output)
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise InputError("`output` must give numbers, got an array of "
                         f"{np.asarray(y).dtype}") from None
    if y.size != size:
        raise InputError(f"`output` must give one number per point ({size}), got shape "
                         f"{y.shape}")
    return y.reshape(-1)


def _require_finite(y, samples, what):
    bad = ~np.isfinite(y)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        at = ", ".join(f"{k}={np.ravel(v)[i]:.6g}" for k, v in samples.items())
        raise InputError(f"{what} needs a finite output, got {y[i]} at {at} "
                         f"({int(bad.sum())} of {y.size} points); choose another output or "
                         f"narrower ranges")


def _notify(progress, message):
    if progress is not None:
        progress(message)


def _solve(model, inputs, fixed, errors):
    allin = {**fixed, **inputs}
    for k in ("N", "P"):
        if k not in allin:
            raise InputError(f"`{k}` must be given (as a distribution or a fixed value)")
    return model.solve(errors=errors, **allin)


class _Exportable:
    """CSV/JSON export shared by the sensitivity results."""

    __slots__ = ()

    def to_json(self, path):
        """Write every field as JSON (NaN as null), atomically; returns the path."""
        return dump_json(path, {"result": type(self).__name__, **{f: getattr(self, f)
                                                                  for f in self._fields}})

    def to_csv(self, path):
        """Write the table (one row per parameter, or per N) as CSV, atomically."""
        header, rows = self.table()
        return dump_csv(path, header, rows)


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------

class SobolResult(_Exportable, Result):
    """First- and total-order Sobol' indices with confidence intervals.

    Attributes
    ----------
    names : tuple of str
        The varied inputs, in the order given.
    first_order, total_order : dict
        Name -> index (float).
    first_order_interval, total_order_interval : dict
        Name -> ``(low, high)`` interval (see ``interval``).
    n : int
        Base sample size (the model was solved at ``n * (d + 2)`` points).
    seed : int
        The seed used.
    confidence_level : float
        Of the intervals.
    sampler : str
        ``"sobol"`` (scrambled Sobol' points) or ``"random"``.
    interval : str
        ``"replicates"`` (Student's t across independent replicates),
        ``"bootstrap"`` (percentile) or ``"none"``.
    replicates : int
        Independent replicates (1 unless ``interval == "replicates"``).
    """

    __slots__ = ("names", "first_order", "total_order", "first_order_interval",
                 "total_order_interval", "n", "seed", "confidence_level", "sampler", "interval",
                 "replicates")
    _fields = __slots__

    def table(self):
        """``(header, rows)``: one row per input."""
        header = ["parameter", "first_order", "first_order_low", "first_order_high",
                  "total_order", "total_order_low", "total_order_high"]
        rows = [[k, self.first_order[k], *self.first_order_interval[k], self.total_order[k],
                 *self.total_order_interval[k]] for k in self.names]
        return header, rows


class MorrisResult(_Exportable, Result):
    r"""Morris elementary effects.

    Attributes
    ----------
    names : tuple of str
    mu, mu_star, sigma : dict
        Name -> mean effect, mean absolute effect, standard deviation of the
        effects. Effects are ``(y(u + delta e_i) - y(u)) / delta`` in the unit
        (probability) coordinates of each input's distribution.
    mu_star_interval : dict
        Name -> ``(low, high)`` percentile bootstrap interval of mu*
        (resampling trajectories).
    trajectories : int
    levels : int
    seed : int
    """

    __slots__ = ("names", "mu", "mu_star", "sigma", "mu_star_interval", "trajectories",
                 "levels", "seed")
    _fields = __slots__

    def table(self):
        header = ["parameter", "mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"]
        rows = [[k, self.mu[k], self.mu_star[k], *self.mu_star_interval[k], self.sigma[k]]
                for k in self.names]
        return header, rows


class OATResult(_Exportable, Result):
    """One-at-a-time (tornado) analysis.

    Attributes
    ----------
    names : tuple of str
        Inputs ranked by swing ``|high_output - low_output|``, largest first.
    base_output : float
        The output with every input at its base value.
    low_output, high_output : dict
        Name -> the output with that input at its low (high) value.
    low_value, high_value : dict
        Name -> the low (high) value used.
    """

    __slots__ = ("names", "base_output", "low_output", "high_output", "low_value",
                 "high_value")
    _fields = __slots__

    def table(self):
        header = ["parameter", "low_value", "high_value", "low_output", "high_output",
                  "base_output", "swing"]
        rows = [[k, self.low_value[k], self.high_value[k], self.low_output[k],
                 self.high_output[k], self.base_output,
                 abs(self.high_output[k] - self.low_output[k])] for k in self.names]
        return header, rows


class MonteCarloResult(_Exportable, Result):
    """Uncertainty propagated to x*(N).

    Attributes
    ----------
    N : ndarray
        The N axis.
    quantiles : tuple of float
    bands : ndarray, shape (len(quantiles), len(N))
        Quantiles of x* at each N.
    p_mesa : ndarray
        P(x* > 0) at each N: the probability that mesa-optimization occurs.
    p_dominant : ndarray
        P(learned_share > 1/2) at each N: the probability that x dominates.
    n : int
        Samples of the inputs.
    seed : int
    """

    __slots__ = ("N", "quantiles", "bands", "p_mesa", "p_dominant", "n", "seed")
    _fields = __slots__

    def table(self):
        header = ["N", *(f"x_q{q:g}" for q in self.quantiles), "p_mesa", "p_dominant"]
        rows = [[self.N[j], *self.bands[:, j], self.p_mesa[j], self.p_dominant[j]]
                for j in range(self.N.size)]
        return header, rows


class LocalSensitivity(_Exportable, Result):
    r"""Elasticities :math:`\partial \ln y / \partial \ln p` at one point.

    Attributes
    ----------
    point : dict
        Every input at the point.
    elasticities : dict
        Output -> {input: elasticity}.
    method : dict
        Output -> ``"symbolic"`` or ``"finite-difference"``.
    """

    __slots__ = ("point", "elasticities", "method")
    _fields = __slots__

    def table(self):
        header = ["output", "parameter", "elasticity", "method"]
        rows = [[o, p, e, self.method[o]] for o, d in self.elasticities.items()
                for p, e in d.items()]
        return header, rows


# ---------------------------------------------------------------------------
# Sobol'
# ---------------------------------------------------------------------------


def _global_setup(model, output, distributions, fixed, confidence_level, n_resamples, errors,
                  seed):
    """Checks and seeding shared by the global analyses (Sobol', Morris)."""
    model = as_model(model)
    output = _check_output(output)
    varied, fx = _parse_distributions(model, distributions, fixed)
    if not varied:
        raise InputError("`distributions` must vary at least one input (all are fixed)")
    level = _level(confidence_level)
    n_resamples = _int("n_resamples", n_resamples, 0)
    V.choice("errors", errors, ("raise", "nan"))
    seed = _seed(seed)
    return model, output, varied, fx, level, n_resamples, seed, _rngs(seed, 2)


#: Independent randomisations of the design behind the default Sobol' intervals.
REPLICATES = 4


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
    arrays; a request whose design and outputs exceed the memory budget
    (see :mod:`powermodel._memory`) is refused at once.

    Parameters
    ----------
    model : Model or str
    distributions : dict
        Input name -> ``(kind, *numbers)`` (see the module docstring).
    output : str or callable
        A numeric result field, or ``f(solution) -> array``; must be finite.
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
    progress : callable, optional
        Called with a short message at each stage.
    **fixed
        Inputs held fixed (``P=...`` ...).

    Returns
    -------
    SobolResult

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.sobol(pm.Model("power", c=1.0, k=2.0), {"N": ("loguniform", 10, 1e3),
    ...              "P": ("loguniform", 1e12, 1e14)}, n=2**8, seed=1)
    >>> r.total_order["P"], r.total_order_interval["P"]   # x* = N/2 does not depend on P
    (0.0, (0.0, 0.0))
    """
    from . import _memory

    model, output, varied, fx, level, n_resamples, seed, (rng_sample, rng_boot) = _global_setup(
        model, output, distributions, fixed, confidence_level, n_resamples, errors, seed)
    d = len(varied)
    n = _int("n", n, 2)
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
        R = _int("replicates", replicates, 2)
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

    m = n // R
    _notify(progress, f"sampling {R} x {m} x {d + 2} points")
    # One independent randomisation per replicate (the first two streams of the
    # seed are the single design and the bootstrap).
    rngs = [rng_sample] if R == 1 else \
        [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(R + 2)[2:]]
    u = np.concatenate([_unit_sample(sampler, r, m, 2 * d) for r in rngs])  # replicate-major
    base = max(1, block // (d + 2))
    tasks = [(model, names, varied, fx, errors, output, u[start:start + base])
             for start in range(0, n, base)]
    _notify(progress, f"solving at {n * (d + 2)} points")
    Y = np.concatenate(_run(_sobol_block, tasks, chunks, progress), axis=1).reshape(d + 2, R, m)
    del tasks, u
    est_r = _saltelli(Y[0], Y[1], Y[2:])                    # (2d, R)
    est = est_r.mean(axis=1)
    if interval == "replicates":
        from scipy import stats

        with np.errstate(invalid="ignore"):
            half = stats.t.ppf((1 + level) / 2, R - 1) * est_r.std(axis=1, ddof=1) / math.sqrt(R)
        lo, hi = est - half, est + half
    elif interval == "bootstrap" and n_resamples:
        _notify(progress, f"bootstrap 0/{n_resamples}")
        lo, hi = _bootstrap_sobol(Y[:, 0], n_resamples, level, rng_boot, progress)
    else:
        lo = hi = np.full(2 * d, np.nan)
    f1 = {k: float(est[j]) for j, k in enumerate(names)}
    ft = {k: float(est[d + j]) for j, k in enumerate(names)}
    i1 = {k: (float(lo[j]), float(hi[j])) for j, k in enumerate(names)}
    it = {k: (float(lo[d + j]), float(hi[d + j])) for j, k in enumerate(names)}
    return SobolResult(names=names, first_order=f1, total_order=ft, first_order_interval=i1,
                       total_order_interval=it, n=n, seed=seed, confidence_level=level,
                       sampler=sampler, interval=interval, replicates=R)


#: Points solved per block by the analyses (``chunks=None``).
BLOCK_POINTS = 2**18


def _chunks(chunks):
    if chunks is None:
        return BLOCK_POINTS
    return _int("chunks", chunks, 1)


def _block_bytes(block, d):
    """Working memory of one block of points: the solver's fields and the inputs."""
    from .solver import BYTES_PER_POINT

    return block * (BYTES_PER_POINT + 8 * (d + 6))


def _run(fun, tasks, chunks, progress):
    """``fun(*args)`` for every task: in order here, or as Dask tasks when ``chunks`` is set."""
    if chunks is None:
        out = []
        for i, args in enumerate(tasks):
            out.append(fun(*args))
            if len(tasks) > 1:
                _notify(progress, f"block {i + 1}/{len(tasks)}")
        return out
    from .sweeps import optional_import

    dask = optional_import("dask", "dask")
    import dask.delayed  # noqa: F401

    return list(dask.compute(*[dask.delayed(fun, pure=True)(*args) for args in tasks]))


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


def _bootstrap_sobol(Y, n_resamples, level, rng, progress):
    """Percentile bootstrap intervals resampling the base points of Y (d + 2, n)."""
    n = Y.shape[1]
    step = max(1, (1 << 24) // (n * Y.shape[0]))       # resamples at a time: ~128 MB
    stats = []
    for start in range(0, n_resamples, step):
        k = min(step, n_resamples - start)
        idx = rng.integers(0, n, size=(k, n))
        Yb = Y[:, idx]                                      # (d + 2, k, n)
        stats.append(_saltelli(Yb[0], Yb[1], Yb[2:]))      # (2d, k)
        _notify(progress, f"bootstrap {start + k}/{n_resamples}")
    boot = np.concatenate(stats, axis=1)
    alpha = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=1)
    return lo, hi


# ---------------------------------------------------------------------------
# Morris
# ---------------------------------------------------------------------------

def _morris_design(rng, r, d, levels):
    """Trajectories in the unit cube: shape (r, d + 1, d), plus order and signed steps."""
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    bases = grid[grid <= 1 - delta + 1e-12]
    base = rng.choice(bases, size=(r, d))
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
    progress : callable, optional
    **fixed
        Inputs held fixed.

    Returns
    -------
    MorrisResult

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.morris(pm.Model("power", k=2.0), {"c": ("uniform", 1, 2),
    ...               "P": ("loguniform", 1e12, 1e14)}, N=100, seed=0)
    >>> r.mu_star["P"], r.mu_star["c"] > 0
    (0.0, True)
    """
    from scipy import stats

    model, output, varied, fx, level, n_resamples, seed, (rng_design, rng_boot) = _global_setup(
        model, output, distributions, fixed, confidence_level, n_resamples, errors, seed)
    d = len(varied)
    r = _int("trajectories", trajectories, 2)
    p = _int("levels", levels, 2)
    if p % 2:
        raise InputError(f"`levels` must be even (for a symmetric design), got {p}")
    names = tuple(varied)

    V.choice("backend", backend, ("builtin", "salib"))
    block = _chunks(chunks)
    from . import _memory

    _memory.check(f"morris with {r:,} trajectories and {d} inputs (design and outputs)",
                  r * (d + 1) * (2 * d + 3) * 8 + _block_bytes(block, d))
    if backend == "salib":
        return _morris_salib(model, varied, fx, output, r, p, seed, level, n_resamples,
                             errors, progress)
    T, order, sign, delta = _morris_design(rng_design, r, d, p)
    flat = T.reshape(-1, d)
    _notify(progress, f"solving at {flat.shape[0]} points")
    y = _evaluate(model, names, varied, fx, errors, output, flat, "morris", chunks, progress)
    y = y.reshape(r, d + 1)
    rows = np.arange(r)
    ee = np.empty((r, d))
    for j in range(d):
        i = order[:, j]
        ee[rows, i] = (y[:, j + 1] - y[:, j]) / (sign[rows, i] * delta)
    mu = ee.mean(axis=0)
    mu_star = np.abs(ee).mean(axis=0)
    sigma = ee.std(axis=0, ddof=1)
    if n_resamples:
        _notify(progress, "bootstrap")
        with np.errstate(divide="ignore", invalid="ignore"):
            boot = stats.bootstrap((np.abs(ee).T,), np.mean, axis=-1, vectorized=True,
                                   method="percentile", n_resamples=n_resamples,
                                   confidence_level=level,
                                   **_rng_kw(stats.bootstrap, rng_boot))
        lo = np.asarray(boot.confidence_interval.low, dtype=float).reshape(d)
        hi = np.asarray(boot.confidence_interval.high, dtype=float).reshape(d)
    else:
        lo = hi = np.full(d, np.nan)

    def as_dict(a):
        return {k: float(a[j]) for j, k in enumerate(names)}

    return MorrisResult(names=names, mu=as_dict(mu), mu_star=as_dict(mu_star),
                        sigma=as_dict(sigma),
                        mu_star_interval={k: (float(lo[j]), float(hi[j]))
                                          for j, k in enumerate(names)},
                        trajectories=r, levels=p, seed=seed)


def _evaluate(model, names, varied, fixed, errors, output, u, what, chunks, progress):
    """The output at the points of the unit coordinates ``u`` (points, d), block by block."""
    block = _chunks(chunks)
    tasks = [(model, names, varied, fixed, errors, output, u[i:i + block], what)
             for i in range(0, u.shape[0], block)]
    return np.concatenate(_run(_points_block, tasks, chunks, progress))


def _points_block(model, names, varied, fixed, errors, output, u, what):
    """One block of :func:`_evaluate`."""
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
    from .sweeps import optional_import

    optional_import("SALib", "salib")
    from SALib.analyze import morris as salib_analyze
    from SALib.sample import morris as salib_sample

    names = tuple(varied)
    d = len(names)
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    s1, s2 = (int(v) for v in np.random.SeedSequence(seed).generate_state(2) % (2**31 - 1))
    X = salib_sample.sample(problem, r, num_levels=p, seed=s1)
    _notify(progress, f"solving at {X.shape[0]} points")
    y = _evaluate(model, names, varied, fx, errors, output, X, "morris", None, progress)
    si = salib_analyze.analyze(problem, X, y, num_resamples=max(n_resamples, 1),
                               conf_level=level, num_levels=p, seed=s2)

    def as_dict(key):
        return {k: float(si[key][j]) for j, k in enumerate(names)}

    mu_star, conf = as_dict("mu_star"), as_dict("mu_star_conf")
    interval = {k: ((mu_star[k] - conf[k], mu_star[k] + conf[k]) if n_resamples
                    else (math.nan, math.nan)) for k in names}
    return MorrisResult(names=names, mu=as_dict("mu"), mu_star=mu_star, sigma=as_dict("sigma"),
                        mu_star_interval=interval, trajectories=r, levels=p, seed=seed)


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------

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
    progress : callable, optional
    **fixed
        Inputs held fixed.

    Returns
    -------
    MonteCarloResult

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
    if "N" in distributions or "N" in fixed:
        raise InputError("`N` is the axis of monte_carlo: pass N=[...] (not a distribution or "
                         "a fixed value)")
    varied, fx = _parse_distributions(model, distributions, fixed)
    Nax = V.real("N", DEFAULT_N if N is None else N, low=0, low_open=True)
    Nax = np.atleast_1d(np.asarray(Nax, dtype=float))
    if Nax.ndim != 1:
        raise InputError(f"`N` must be 1-D, got shape {Nax.shape}")
    n = _int("n", n, 1)
    q = np.atleast_1d(V.real("quantiles", quantiles, low=0, high=1))
    if q.ndim != 1 or q.size == 0:
        raise InputError(f"`quantiles` must be a non-empty 1-D sequence, got {quantiles!r}")
    V.choice("sampler", sampler, ("random", "sobol", "lhs"))
    V.choice("errors", errors, ("raise", "nan"))
    seed = _seed(seed)
    (rng,) = _rngs(seed, 1)
    names = tuple(varied)
    d = len(names)
    block = _chunks(chunks)
    from . import _memory

    _memory.check(f"monte_carlo with n = {n:,} draws and {Nax.size} N values (draws and x*)",
                  n * (2 * d + 2 * Nax.size) * 8 + _block_bytes(block, d))
    if d == 0 or sampler == "random":
        u = rng.random((n, d))
    elif sampler == "sobol":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n not a power of 2: still valid
            u = qmc.Sobol(d=d, scramble=True, **_rng_kw(qmc.Sobol, rng)).random(n)
    else:
        u = qmc.LatinHypercube(d=d, **_rng_kw(qmc.LatinHypercube, rng)).random(n)
    _notify(progress, f"solving at {n} x {Nax.size} points")
    rows = max(1, block // Nax.size)
    tasks = [(model, names, varied, fx, errors, u[i:i + rows], Nax) for i in range(0, n, rows)]
    parts = _run(_mc_block, tasks, chunks, progress)
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


# ---------------------------------------------------------------------------
# one at a time
# ---------------------------------------------------------------------------

def one_at_a_time(model, ranges, *, output="x", errors="raise", **base):
    r"""Tornado analysis: each input at its low and its high value, the rest at base values.

    Parameters
    ----------
    model : Model or str
    ranges : dict
        Input name -> ``(low, high)``.
    output : str or callable
        A numeric result field or ``f(solution) -> array``.
    errors : {"raise", "nan"}
    **base
        Base values of the inputs (``N=``, ``P=`` and any parameter the model
        does not set); a ranged input without a base value is an error.

    Returns
    -------
    OATResult
        Inputs ranked by ``|high_output - low_output|``, largest first. The
        model is solved at the ``2 d + 1`` points in one call.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.one_at_a_time(pm.Model("power", c=1.0, k=2.0),
    ...                      {"N": (50, 200), "c": (0.25, 2.0), "P": (1e5, 1e7)}, N=100, P=1e6)
    >>> r.names, r.base_output                 # x* = N / (2c)
    (('c', 'N', 'P'), 50.0)
    >>> r.low_output["c"], r.high_output["c"]
    (200.0, 25.0)
    """
    from .solver import _rules

    model = as_model(model)
    output = _check_output(output)
    V.choice("errors", errors, ("raise", "nan"))
    if not isinstance(ranges, dict) or not ranges:
        raise InputError(f"`ranges` must be a non-empty dict of name -> (low, high), "
                         f"got {ranges!r}")
    known = known_inputs(model)
    V.reject_unknown("input", ranges, known)
    V.reject_unknown("input", base, known)
    rules = _rules(model.cost)
    point = {**dict(model.params), **{k: v for k, v in base.items()
                                      if not (k == "x_cap" and v is None)}}
    lows, highs = {}, {}
    for k, rg in ranges.items():
        if not isinstance(rg, (tuple, list)) or len(rg) != 2:
            raise InputError(f"range of `{k}` must be a (low, high) pair, got {rg!r}")
        lows[k] = V.real(k, rg[0], **rules.get(k, {}))
        highs[k] = V.real(k, rg[1], **rules.get(k, {}))
        if k not in point:
            raise InputError(f"`{k}` has a range but no base value; pass {k}=... "
                             f"(or set it in the model)")
    names = tuple(ranges)
    d = len(names)
    cols = {}
    for k, v in point.items():
        if np.ndim(v) != 0:
            raise InputError(f"base value of `{k}` must be a scalar, got shape {np.shape(v)}")
        cols[k] = np.full(2 * d + 1, float(v))
    for j, k in enumerate(names):
        cols[k][1 + 2 * j] = lows[k]
        cols[k][2 + 2 * j] = highs[k]
    sol = _solve(model, cols, {}, errors)
    y = _output_values(sol, output, 2 * d + 1)
    lo_out = {k: float(y[1 + 2 * j]) for j, k in enumerate(names)}
    hi_out = {k: float(y[2 + 2 * j]) for j, k in enumerate(names)}

    def swing(k):
        s = abs(hi_out[k] - lo_out[k])
        return -s if s == s else math.inf  # NaN swings last

    ranked = tuple(sorted(names, key=swing))
    return OATResult(names=ranked, base_output=float(y[0]),
                     low_output={k: lo_out[k] for k in ranked},
                     high_output={k: hi_out[k] for k in ranked},
                     low_value={k: lows[k] for k in ranked},
                     high_value={k: highs[k] for k in ranked})


#: Alias of :func:`one_at_a_time`.
tornado = one_at_a_time


# ---------------------------------------------------------------------------
# local elasticities
# ---------------------------------------------------------------------------

def _symbolic_elasticities(model, point, outputs):
    """``{output: {param: float}}`` from the symbolic engine, or None."""
    try:
        got = model.symbolic.elasticity_values(**point)
    except (UnsolvableError, NotImplementedError, AttributeError, ImportError):
        return None
    out = {}
    if not hasattr(got, "get"):
        return None
    for o in outputs:
        d = got.get(o)
        if hasattr(d, "items"):
            try:
                out[o] = {str(k): float(v) for k, v in d.items()}
            except (TypeError, ValueError):
                continue
    return out


def local_sensitivity(model, point, *, outputs=("x", "value", "learned_share"), method="auto",
                      step=1e-4, errors="raise"):
    r"""Elasticities :math:`\varepsilon_{y,p} = \partial \ln y / \partial \ln p` at a point.

    An elasticity is the percentage change of the output per percent change of
    the input. At an interior optimum of :math:`f = c x^k`,
    :math:`x^* = (N / (c k))^{1/(k-1)}`, so :math:`\varepsilon_{x^*,N} =
    1/(k-1)` and :math:`\varepsilon_{x^*,P} = 0`.

    Parameters
    ----------
    model : Model or str
    point : dict
        Input values (``N``, ``P``, and any parameter the model does not set);
        the model's parameters fill the rest. Elasticities are taken with
        respect to every input in the point.
    outputs : sequence of str
        Numeric result fields.
    method : {"auto", "symbolic", "finite-difference"}
        ``"auto"``: the symbolic comparative statics
        (``model.symbolic.elasticity_values``) where they exist, otherwise
        central differences in log space of the numeric solver,
        :math:`(\ln y(p e^h) - \ln y(p e^{-h})) / 2h` (one-sided next to a
        bound of the input). An input at 0 has elasticity 0; an output at 0
        has elasticity 0 if it stays 0 nearby, NaN otherwise.
    step : float
        The log step h.
    errors : {"raise", "nan"}

    Returns
    -------
    LocalSensitivity

    Examples
    --------
    >>> import powermodel as pm
    >>> e = pm.local_sensitivity(pm.Model("power", c=1.0, k=3.0), {"N": 300, "P": 1e9},
    ...                          method="finite-difference")
    >>> round(e.elasticities["x"]["N"], 8), round(e.elasticities["x"]["P"], 8)
    (0.5, 0.0)
    """
    from .solver import _rules

    model = as_model(model)
    V.choice("method", method, ("auto", "symbolic", "finite-difference"))
    V.choice("errors", errors, ("raise", "nan"))
    if isinstance(outputs, str):
        outputs = (outputs,)
    outputs = tuple(V.choice("outputs", o, NUMERIC_FIELDS) for o in outputs)
    h = V.real("step", step, low=0, low_open=True, high=1)
    if not isinstance(point, dict):
        raise InputError(f"`point` must be a dict of input values, got {point!r}")
    known = known_inputs(model)
    V.reject_unknown("input", point, known)
    rules = _rules(model.cost)
    full = {**dict(model.params), **{k: v for k, v in point.items()
                                     if not (k == "x_cap" and v is None)}}
    for k in ("N", "P"):
        if k not in full:
            raise InputError(f"`point` must give `{k}`")
    full = {k: V.real(k, v, **rules.get(k, {})) for k, v in full.items()}
    for k, v in full.items():
        if np.ndim(v) != 0:
            raise InputError(f"`{k}` must be a scalar at a point, got shape {np.shape(v)}")
    names = tuple(full)

    result, methods = {}, {}
    if method in ("auto", "symbolic"):
        sym = _symbolic_elasticities(model, full, outputs)
        if sym is None and method == "symbolic":
            raise UnsolvableError("no symbolic elasticities for this model; use "
                                  "method='finite-difference'")
        for o in outputs:
            if sym and o in sym and all(p in sym[o] and math.isfinite(sym[o][p])
                                        for p in names):
                result[o] = {p: sym[o][p] for p in names}
                methods[o] = "symbolic"
        if method == "symbolic" and len(result) < len(outputs):
            missing = [o for o in outputs if o not in result][0]
            raise UnsolvableError(f"no symbolic elasticity of `{missing}`; use "
                                  f"method='finite-difference'")
    todo = [o for o in outputs if o not in result]
    if todo:
        # 1 + 2 d points: the point, then p e^{+h} and p e^{-h} for each input.
        d = len(names)
        cols = {k: np.full(1 + 2 * d, float(v)) for k, v in full.items()}
        steps = np.zeros((d, 2))  # the log offsets actually used (+, -)
        for j, k in enumerate(names):
            v = full[k]
            up, down = v * math.exp(h), v * math.exp(-h)
            rule = rules.get(k, {})
            ok_up = _within(up, rule)
            ok_down = _within(down, rule)
            steps[j] = (h if ok_up else 0.0, -h if ok_down else 0.0)
            cols[k][1 + 2 * j] = up if ok_up else v
            cols[k][2 + 2 * j] = down if ok_down else v
        sol = model.solve(errors=errors, **cols)
        for o in todo:
            y = np.asarray(getattr(sol, o), dtype=float)
            y0 = y[0]
            res = {}
            for j, k in enumerate(names):
                yp, ym = y[1 + 2 * j], y[2 + 2 * j]
                span = steps[j, 0] - steps[j, 1]
                if full[k] == 0 or span == 0:
                    res[k] = 0.0 if full[k] == 0 else math.nan
                elif y0 == 0 or not math.isfinite(y0):
                    res[k] = 0.0 if (yp == 0 and ym == 0) else math.nan
                elif yp * y0 > 0 and ym * y0 > 0:
                    res[k] = float((math.log(abs(yp)) - math.log(abs(ym))) / span)
                else:
                    res[k] = float((yp - ym) / (span * y0))
            result[o] = res
            methods[o] = "finite-difference"
    return LocalSensitivity(point=full, elasticities={o: result[o] for o in outputs},
                            method={o: methods[o] for o in outputs})


def _within(v, rule):
    low, high = rule.get("low"), rule.get("high")
    if low is not None and (v <= low if rule.get("low_open") else v < low):
        return False
    if high is not None and (v >= high if rule.get("high_open") else v > high):
        return False
    return math.isfinite(v) or bool(rule.get("allow_inf"))
