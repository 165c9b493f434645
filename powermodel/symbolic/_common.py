"""The symbols, the time limits and the small helpers shared by the symbolic engine."""

import contextlib
import functools
import threading
import time

import numpy as np
import sympy as sp


#: Seconds SymPy may spend on one equation before the engine gives up (main thread only).
SOLVE_TIMEOUT = 20.0

#: Seconds :meth:`SymbolicModel.derive` may take in all (any thread, any platform).
DERIVE_TIMEOUT = 60.0

#: The longest finite time limit (seconds, about 3 years): a longer ``timeout`` is no
#: limit (the timers behind a limit overflow past about 1e9 s).
MAX_FINITE_TIMEOUT = 1e8

#: The decision variable, run-time optimization power per instance.
x = sp.Symbol("x", nonnegative=True)
#: Number of instances.
N = sp.Symbol("N", positive=True)
#: Base optimization power.
P = sp.Symbol("P", positive=True)
#: Compute cap (symbolic when ``x_cap=True``).
X_CAP = sp.Symbol("x_cap", positive=True)
#: Overlap (shared structure) rho.
RHO = sp.Symbol("rho", nonnegative=True)
#: Runtime penalty (speed prior) lambda.
LAM = sp.Symbol("lambda", nonnegative=True)

_XP = sp.Symbol("x", positive=True)      # x > 0 while solving
_T = sp.Dummy("t", positive=True)        # the right-hand side of an inversion
_KAPPA = sp.Dummy("kappa", positive=True)  # k - 1 > 0

_OUTPUTS = ("x", "value", "learned_share", "compute_multiplier", "x_budget")
_KWNAME = {"rho": "overlap", "lambda": "runtime_penalty"}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

class _Timeout(Exception):
    pass


class _DeriveTimeout(BaseException):
    """The overall limit of :meth:`SymbolicModel.derive` (a BaseException, so that no
    ``except Exception`` inside SymPy can swallow it)."""


#: Active limits of this (main) thread: [deadline (time.monotonic), exception class].
_LIMITS = []


def _alarm_available():
    """Whether a time limit may use the real-time timer here: in the main thread of a
    POSIX process, and only when the caller has no timer running and no SIGALRM
    handler of its own (a limit never touches the caller's timer or handler; where
    it would, the work runs in a worker process instead)."""
    import signal

    if not (threading.current_thread() is threading.main_thread()
            and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")):
        return False
    if _LIMITS:  # inside a limit of ours: the timer and the handler are ours
        return True
    return (signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


def _arm():
    """Set the interval timer to the earliest active deadline."""
    import signal

    if _LIMITS:
        left = min(d for d, _ in _LIMITS) - time.monotonic()
        # repeating: should the exception be swallowed (raised inside a garbage-collector
        # callback or a finaliser, which Python reports as unraisable), it comes again
        signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4), 0.25)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def _time_limit(seconds, exc=_Timeout):
    """Raise ``exc`` after ``seconds`` (SIGALRM, main thread only; limits nest).

    Outside the main thread (or without SIGALRM) this sets no limit: there
    :meth:`SymbolicModel.derive` runs in a worker process instead.
    """
    import signal

    if not _alarm_available():
        yield
        return

    def handler(signum, frame):
        if _LIMITS:
            raise min(_LIMITS, key=lambda t: t[0])[1]()

    entry = [time.monotonic() + seconds, exc]
    old = signal.signal(signal.SIGALRM, handler)
    _LIMITS.append(entry)
    try:
        _arm()
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _LIMITS.remove(entry)
        signal.signal(signal.SIGALRM, old)
        if _LIMITS:
            _arm()


def _exact(value):
    """A float as the exact rational of its shortest repr (2.0 -> 2, 0.1 -> 1/10)."""
    return sp.Rational(repr(float(value)))


def _proved_curvature(d2p):
    """``"convex"`` or ``"concave"`` where SymPy proves the sign of f'' (``d2p``, written in
    a positive x), else None: the first, exact rule of the engine, before any sampling."""
    if d2p.is_nonnegative:
        return "convex"
    if d2p.is_nonpositive:
        return "concave"
    return None


def _sampled_curvature(d2, var, grid):
    """The sign pattern of a second derivative sampled on ``grid``.

    ``"convex"`` where no finite sample lies below ``-noise``, ``"concave"`` where none lies
    above ``noise``, ``"nonconvex"`` where both occur, and ``None`` where NumPy/SciPy cannot
    evaluate ``d2`` or no sample is finite. ``noise = 1e-12 * median(|f''|)``: a rounding
    allowance relative to the typical size of f'', not to its largest value, which may be
    huge near 0 and would hide a change of sign (``cbrt(x) + x**2``: f'' = 2 - 2/(9 x^(5/3))
    is about -1e13 at x = 1e-8 and 2 at large x: non-convex, not concave).
    One rule for the whole symbolic engine (whole costs and the pieces of a kinked one).
    """
    try:  # scipy first: erf and friends are not in NumPy
        fn = sp.lambdify([var], d2, modules=["scipy", "numpy"], dummify=True)
        with np.errstate(all="ignore"):
            v = np.broadcast_to(np.asarray(fn(grid), dtype=float), grid.shape)
    except Exception:  # noqa: BLE001 - e.g. the DiracDelta of a min/max kink
        return None
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    noise = 1e-12 * np.median(np.abs(v))
    pos, neg = bool(np.any(v > noise)), bool(np.any(v < -noise))
    return "nonconvex" if pos and neg else "concave" if neg else "convex"


def _param_symbol(name, bound):
    if bound is None:
        return sp.Symbol(name, positive=True)
    low, strict = bound
    if low > 0 or (low == 0 and strict):
        return sp.Symbol(name, positive=True)
    if low == 0:
        return sp.Symbol(name, nonnegative=True)
    return sp.Symbol(name, real=True)


@functools.lru_cache(maxsize=4096)
def _tidy(e, seconds=2.0):
    """Light simplification: ``simplify`` for small expressions (time-limited), else ``powsimp``.

    ``expand_log`` turns log(y**a) into a*log(y), so no huge power is formed numerically.
    """
    if not isinstance(e, sp.Basic) or e.is_Number:
        return e
    if sp.count_ops(e) > 30:
        return sp.expand_log(sp.powsimp(e))
    try:
        with _time_limit(seconds):
            s = sp.expand_log(sp.simplify(e))
    except _Timeout:
        return sp.expand_log(e)
    return s if sp.count_ops(s) <= sp.count_ops(e) else sp.expand_log(e)


def _latex(obj):
    """LaTeX of a SymPy object, a result with ``.latex()``, a number, or a list or
    tuple of these. Never of a string: ``sympify`` would evaluate it as Python."""
    import numbers

    from ..errors import InputError

    if isinstance(obj, sp.Basic):
        return sp.latex(obj)
    if hasattr(obj, "latex") and not isinstance(obj, str):
        return obj.latex()
    if isinstance(obj, numbers.Number) and not isinstance(obj, bool):
        return sp.latex(sp.sympify(obj))
    if isinstance(obj, (list, tuple)) and all(
            isinstance(e, (sp.Basic, numbers.Number)) and not isinstance(e, bool) for e in obj):
        return sp.latex(sp.Tuple(*obj))
    raise InputError("`obj` must be a SymPy expression, a result of the symbolic engine, a "
                     f"number or a list of these, got {type(obj).__name__} (a cost written as "
                     "a string goes through pm.Model(expr).symbolic, which parses it safely)")


_PARAM_LATEX = {"N": "N", "P": "P", "x_cap": r"x_{cap}", "rho": r"\rho", "lambda": r"\lambda"}


def _sym_latex(name):
    return _PARAM_LATEX.get(name, sp.latex(sp.Symbol(name)))


def _round_floats(e, digits):
    """``e`` with every SymPy Float rounded to ``digits`` significant digits (None: as is)."""
    if digits is None or not isinstance(e, sp.Basic):
        return e
    floats = e.atoms(sp.Float)
    return e.xreplace({f: sp.Float(f, digits) for f in floats}) if floats else e


def _dict_latex(d, head):
    rows = [rf"{head(k)} &= {sp.latex(v)}" for k, v in d.items()]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"
