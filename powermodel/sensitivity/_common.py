"""Checks, seeding, blocks and workers shared by the sensitivity analyses."""

import numbers
import re

import numpy as np

from .. import _validation as V
from ..errors import InputError, PowermodelError
from ..result import Solution
from ..sweeps import as_model
from .distributions import _parse_distributions


_NON_NUMERIC = ("regime", "status")
NUMERIC_FIELDS = tuple(f for f in Solution._fields if f not in _NON_NUMERIC)


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


def _level(value):
    v = V.real("confidence_level", value, low=0, low_open=True, high=1, high_open=True)
    return v


#: ``"log(field)"``: the output strings of the scenario files (``output = "log(x)"``).
_LOG_OUTPUT = re.compile(r"^\s*log\(\s*([A-Za-z_]\w*)\s*\)\s*$")


class _LogOf:
    """``output = "log(x)"``: the natural log of a result field."""

    __slots__ = ("field",)

    def __init__(self, field):
        self.field = field

    def __call__(self, sol):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(np.asarray(getattr(sol, self.field), dtype=float))

    @property
    def __name__(self):  # (how errors name the output)
        return f"log({self.field})"

    def __repr__(self):
        return f"log({self.field})"


def _check_output(output):
    """A field name, ``"log(field)"`` (as in a scenario file) or a function of the Solution."""
    if callable(output):
        return output
    if not isinstance(output, str):
        raise InputError(f"`output` must be a result field name or a function of the Solution, "
                         f"got {output!r}")
    m = _LOG_OUTPUT.match(output)
    if m:
        return _LogOf(V.choice("output", m.group(1), NUMERIC_FIELDS))
    return V.choice("output", output, NUMERIC_FIELDS)


def _output_values(sol, output, size):
    if callable(output):
        try:
            with np.errstate(all="ignore"):
                y = output(sol)
        except PowermodelError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's code: say whose error it is
            name = getattr(output, "__name__", "function")
            msg = str(exc).splitlines()[0][:80] if str(exc) else ""
            raise InputError(f"`output` {name!r} raised {type(exc).__name__}: {msg}") from exc
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


def _output_name(output):
    return output if isinstance(output, str) else getattr(output, "__name__", "output")


def _require_spread(Y, output, what):
    """Refuse a constant ``Y``: it has no variance to apportion."""
    with np.errstate(over="ignore"):
        constant = float(np.ptp(Y)) == 0
    if constant:
        raise InputError(f"{what}: the output `{_output_name(output)}` is constant "
                         f"({float(Y.flat[0]):.6g} at all {Y.size} points), so it has no "
                         "variance to apportion and the indices are undefined; choose "
                         "another output or vary an input it depends on")


def _rescaled(Y):
    """``Y`` divided by its largest magnitude: statistics of it cannot overflow.

    Used only when the statistics of ``Y`` itself overflow (an output near the
    float limit), so that results are bit for bit unchanged otherwise.
    """
    top = float(np.max(np.abs(Y), initial=0.0))
    return Y / top if 0 < top < np.inf else Y


def _require_finite_result(values, output, what, part, hint):
    """Refuse non-finite ``values`` (an analysis's statistics), naming the output."""
    bad = ~np.isfinite(values)
    if bad.any():
        raise InputError(f"{what}: {int(bad.sum())} of {bad.size} {part} of the output "
                         f"`{_output_name(output)}` are not finite; {hint}")


def _solve(model, inputs, fixed, errors):
    allin = {**fixed, **inputs}
    for k in ("N", "P"):
        if k not in allin:
            raise InputError(f"`{k}` must be given (as a distribution or a fixed value)")
    return model.solve(errors=errors, **allin)


def _global_setup(model, output, distributions, fixed, confidence_level, n_resamples, errors,
                  seed):
    """Checks and seeding shared by the global analyses (Sobol', Morris)."""
    model = as_model(model)
    output = _check_output(output)
    varied, fx = _parse_distributions(model, distributions, fixed)
    if not varied:
        raise InputError("`distributions` must vary at least one input (all are fixed)")
    level = _level(confidence_level)
    n_resamples = V.integer("n_resamples", n_resamples, 0)
    V.choice("errors", errors, ("raise", "nan"))
    seed = _seed(seed)
    return model, output, varied, fx, level, n_resamples, seed, _rngs(seed, 2)


#: Points solved per block by the analyses (``chunks=None``).
BLOCK_POINTS = 2**18


def _chunks(chunks):
    if chunks is None:
        return BLOCK_POINTS
    return V.integer("chunks", chunks, 1)


def _block_bytes(block, d):
    """Working memory of one block of points: the solver's fields and the inputs."""
    from ..solver import BYTES_PER_POINT

    return block * (BYTES_PER_POINT + 8 * (d + 6))


def _run(fun, tasks, chunks, rep):
    """``fun(*args)`` for every task: in order here, or as Dask tasks when ``chunks`` is set;
    the reporter ``rep`` advances by one as each task completes."""
    if chunks is None:
        out = []
        for args in tasks:
            out.append(fun(*args))
            rep.advance()
        return out
    from .._dask import compute_blocks

    return compute_blocks(fun, tasks, lambda i: rep.advance())
