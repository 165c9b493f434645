"""Input checks shared by every public entry point.

Each check returns the value as a float (scalar input) or a float ndarray
(array input) and raises :class:`~powermodel.errors.InputError` with a
message of the form ```N` must be positive, got -3`` otherwise.
"""

import numbers

import numpy as np

from .errors import InputError

__all__ = ["real", "choice", "reject_unknown", "suggest", "as_real_array",
           "check_parameter_names", "RESERVED_NAMES", "progress"]

#: The solver's own inputs: suggested for any unknown name that is close to one.
SOLVER_INPUTS = ("N", "P", "x_cap", "overlap", "runtime_penalty", "errors")

#: Names a cost parameter may not have: the model's inputs and options (keywords of
#: ``solve``), the symbols of the extensions in the symbolic engine (rho, lambda) and
#: the prefix ``pm_`` of internal helpers. (Names beginning with ``_`` are refused by
#: the expression parser; internal names all begin with ``_``.)
RESERVED_NAMES = ("x_cap", "overlap", "runtime_penalty", "errors", "rho", "lambda")


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return repr(value) if isinstance(value, str) else str(value)


def _first_bad(arr, bad):
    flat = np.asarray(arr)[bad]
    return flat.ravel()[0] if flat.size else arr


#: dtype kinds refused by name: what the user passed is not a real number.
_NOT_REAL = {"b": ("a boolean", "booleans"), "U": ("a string", "strings"),
             "S": ("a byte string", "byte strings"), "M": ("a datetime64", "datetime64 values"),
             "m": ("a timedelta64", "timedelta64 values"),
             "c": ("a complex number", "complex numbers"), "V": ("a record", "records")}


#: The most dimensions an input array may have (NumPy's limit for broadcasting).
MAX_DIMS = 32


def as_real_array(name, value, *, copy=True):
    """``value`` as a float64 array, refusing anything that is not real numbers.

    Booleans, strings, datetime64/timedelta64, complex numbers, records and
    object arrays of anything but real numbers are refused by name; so are
    empty inputs, integers too large for a float, and masked arrays with a
    masked value (a masked array without masked values is taken as its data).

    >>> as_real_array("N", [1, 2.5])
    array([1. , 2.5])
    >>> as_real_array("N", [True, False])
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `N` must be real numbers, got an array of booleans
    >>> as_real_array("N", 10**400)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `N` is too large for a float: an integer of 401 digits
    """
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.getmaskarray(value).any():
            raise InputError(f"`{name}` has masked values; masks are not honoured: pass "
                             "the unmasked values (or NaN with errors=\"nan\")")
        value = np.ma.getdata(value)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"`{name}` must be a real number or an array of real numbers, "
                         f"got {_short(value)}") from None
    if raw.ndim > MAX_DIMS:  # NumPy's broadcasting stops there with a RuntimeError
        raise InputError(f"`{name}` has {raw.ndim} dimensions; at most {MAX_DIMS} are "
                         "supported (NumPy's limit)")
    kind = raw.dtype.kind
    if kind in _NOT_REAL:
        one, many = _NOT_REAL[kind]
        if raw.ndim == 0:
            raise InputError(f"`{name}` must be a real number, got {one} ({_short(value)})")
        raise InputError(f"`{name}` must be real numbers, got an array of {many}")
    if kind == "O":
        flat = raw.ravel()
        for v in flat:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.generic)) \
                    or isinstance(v, np.generic) and v.dtype.kind not in "iuf":
                raise InputError(f"`{name}` must be real numbers, got {_short(v)} "
                                 f"(of type {type(v).__name__})")
            if isinstance(v, numbers.Integral) and abs(int(v)) > 2**1023:
                raise InputError(f"`{name}` is too large for a float: an integer of "
                                 f"{len(str(abs(int(v))))} digits")
    if raw.size == 0:
        raise InputError(f"`{name}` is empty (shape {raw.shape}); give at least one value")
    try:
        return raw.astype(float, copy=copy)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"`{name}` must be real numbers, got {_short(value)}") from None


def check_parameter_names(names, cost):
    """Refuse cost parameters named like a model input, an option or an internal helper.

    >>> check_parameter_names(("c", "k"), "power")
    >>> check_parameter_names(("c", "x_cap"), "c*x**2 + x_cap")
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: the cost 'c*x**2 + x_cap' has a parameter named `x_cap`, a reserved name (reserved: x_cap, overlap, runtime_penalty, errors, rho, lambda and names beginning with pm_); rename it
    """
    for n in names:
        if n in RESERVED_NAMES or n.startswith("pm_"):
            text = cost if len(str(cost)) <= 60 else str(cost)[:57] + "..."
            raise InputError(f"the cost {text!r} has a parameter named `{n}`, a reserved name "
                             f"(reserved: {', '.join(RESERVED_NAMES)} and names beginning "
                             "with pm_); rename it")


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real(name, value, *, low=None, high=None, low_open=False, high_open=False,
         allow_inf=False, allow_nan=False, copy=True):
    """Check a real number or array of real numbers against a range.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the message.
    value : float or array_like
        What the caller passed.
    low, high : float, optional
        Bounds; ``low_open``/``high_open`` make them strict.
    allow_inf, allow_nan : bool
        Whether infinities (NaNs) are acceptable values.
    copy : bool
        Whether a float64 array input is copied (``False``: the caller does not
        write into the result).

    Returns
    -------
    float or ndarray
        ``float`` for scalar input, a float64 array otherwise.

    Examples
    --------
    >>> real("N", 3)
    3.0
    >>> real("N", -3, low=0, low_open=True)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `N` must be positive, got -3
    """
    if isinstance(value, (str, bytes)) or isinstance(value, (bool, np.bool_)):
        raise InputError(f"`{name}` must be a real number, got {_fmt(value)}")
    if hasattr(value, "__dask_graph__"):
        return value  # lazy: checked block by block when computed
    arr = as_real_array(name, value, copy=copy)
    if arr.size > 64 and _within(arr, low, high, low_open, high_open, allow_inf, allow_nan):
        return arr  # (two reductions instead of a mask per rule: the common case)
    if not allow_nan:
        bad = np.isnan(arr)
        if bad.any():
            raise InputError(f"`{name}` must be a number, got nan")
    if not allow_inf:
        bad = np.isinf(arr)
        if bad.any():
            raise InputError(f"`{name}` must be finite, got {_fmt(_first_bad(arr, bad))}")
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad = (arr <= low) if low_open else (arr < low)
            if bad.any():
                if low == 0:
                    what = "positive" if low_open else "non-negative"
                else:
                    what = f"{'>' if low_open else '>='} {low:g}"
                raise InputError(f"`{name}` must be {what}, got {_fmt(_first_bad(value, bad))}")
        if high is not None:
            bad = (arr >= high) if high_open else (arr > high)
            if bad.any():
                what = f"{'<' if high_open else '<='} {high:g}"
                raise InputError(f"`{name}` must be {what}, got {_fmt(_first_bad(value, bad))}")
    if arr.ndim == 0 and isinstance(value, (numbers.Real, np.generic)):
        return float(arr)
    return arr if arr.ndim else float(arr)


def _within(arr, low, high, low_open, high_open, allow_inf, allow_nan):
    """Whether every value of ``arr`` passes the rules, from its min and max alone
    (NaN propagates through both; False means "look closer", not "bad")."""
    lo, hi = np.min(arr), np.max(arr)
    if np.isnan(lo) or np.isnan(hi):
        return False
    if not allow_inf and (np.isinf(lo) or np.isinf(hi)):
        return False
    if low is not None and not (lo > low if low_open else lo >= low):
        return False
    return high is None or bool(hi < high if high_open else hi <= high)


def integer(name, value, low):
    """Check that ``value`` is an integer (not a boolean) of at least ``low``.

    >>> integer("points", 400, 2)
    400
    >>> integer("points", 2.5, 2)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `points` must be an integer >= 2, got 2.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < low:
        raise InputError(f"`{name}` must be an integer >= {low}, got {_short(value)}")
    return int(value)


def choice(name, value, options):
    """Check that ``value`` is one of ``options``.

    >>> choice("errors", "nan", ("raise", "nan"))
    'nan'
    """
    if value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise InputError(f"`{name}` must be one of {opts}, got {_fmt(value)}")
    return value


def suggest(name, choices, *, n=3, cutoff=0.6):
    """`` (did you mean `a` or `b`?)`` for the closest of ``choices`` to ``name``, or ``""``.

    Matching ignores case, ``-``/``_`` and a leading ``--`` (difflib's ratio).

    >>> suggest("xcap", ("x_cap", "overlap", "c"))
    ' (did you mean `x_cap`?)'
    >>> suggest("zzz", ("x_cap", "overlap"))
    ''
    """
    def key(s):
        return str(s).lower().lstrip("-").replace("-", "_")

    import difflib

    by_key = {}
    for c in choices:
        by_key.setdefault(key(c), str(c))
    hits = difflib.get_close_matches(key(name), list(by_key), n=n, cutoff=cutoff)
    hits = [by_key[h] for h in hits if by_key[h] != name]
    if not hits:
        return ""
    return " (did you mean " + " or ".join(f"`{h}`" for h in hits) + "?)"


def reject_unknown(kind, given, known):
    """Raise for names in ``given`` that are not in ``known``, suggesting the closest.

    Suggestions come from ``known`` and, for parameters, inputs and
    arguments, the solver's own inputs (:data:`SOLVER_INPUTS`).

    >>> reject_unknown("parameter", {"c": 1, "q": 2}, ("c", "k"))
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: unknown parameter `q` (known: c, k)
    >>> reject_unknown("parameter", {"xcap": 5}, ("c", "k"))
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: unknown parameter `xcap` (known: c, k) (did you mean `x_cap`?)
    """
    unknown = [g for g in given if g not in known]
    if unknown:
        k = ", ".join(known) if known else "none"
        also = SOLVER_INPUTS if kind in ("parameter", "input", "argument") else ()
        hint = suggest(unknown[0], (*known, *also))
        raise InputError(f"unknown {kind} `{unknown[0]}` (known: {k}){hint}")


def bad_points(name, arr, *, low=None, low_open=False, high=None, high_open=False,
               allow_inf=False):
    """Per-point checks for ``errors="nan"``: a list of ``(mask, message)``.

    ``mask`` marks the points that break one rule and ``message`` says which
    (without the value, which differs from point to point).

    >>> import numpy as np
    >>> [(m.tolist(), msg) for m, msg in bad_points("N", np.array([1.0, -1.0]), low=0, low_open=True)]
    [([False, True], '`N` must be positive')]
    """
    arr = np.asarray(arr, dtype=float)
    out = [(np.isnan(arr), f"`{name}` must be a number")]
    if not allow_inf:
        out.append((np.isinf(arr), f"`{name}` must be finite"))
    with np.errstate(invalid="ignore"):
        if low is not None:
            what = ("positive" if low_open else "non-negative") if low == 0 else \
                f"{'>' if low_open else '>='} {low:g}"
            out.append(((arr <= low) if low_open else (arr < low), f"`{name}` must be {what}"))
        if high is not None:
            out.append(((arr >= high) if high_open else (arr > high),
                        f"`{name}` must be {'<' if high_open else '<='} {high:g}"))
    return [(m, msg) for m, msg in out if m.any()]


def flag(name, value):
    """A boolean option: ``True`` or ``False`` (NumPy booleans too), nothing else."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputError(f"`{name}` must be True or False, got {_fmt(value)}")


def progress(value):
    """The ``progress`` option: None (silent), True (a bar on stderr) or ``f(done, total)``.

    ``False`` is taken as None. A callable must accept two positional arguments.

    >>> progress(False) is None, progress(True)
    (True, True)
    >>> progress("yes")
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `progress` must be True, False, None or a function progress(done, total), got 'yes'
    """
    if value is None or isinstance(value, (bool, np.bool_)):
        return True if value else None
    if not callable(value):
        raise InputError("`progress` must be True, False, None or a function "
                         f"progress(done, total), got {_short(value)}")
    import inspect

    try:
        sig = inspect.signature(value)
    except (TypeError, ValueError):  # (no signature to check: a builtin; called as is)
        return value
    try:
        sig.bind(0, 1)
    except TypeError:
        raise InputError("`progress` must be a function progress(done, total) of two "
                         f"arguments, got {_short(value)} with the signature {sig}") from None
    return value


def in_interval(name, value, lo, hi):
    """A real, finite scalar within the closed interval ``[lo, hi]``.

    >>> in_interval("overlap", 0.25, 0.0, 0.99)
    0.25
    >>> in_interval("overlap", -1, 0.0, 0.99)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `overlap` must lie in [0.0, 0.99], got -1.0
    """
    v = real(name, value)
    if np.ndim(v):
        raise InputError(f"`{name}` must be a single number, got an array of shape "
                         f"{np.shape(v)}")
    if not lo <= v <= hi:
        raise InputError(f"`{name}` must lie in [{float(lo)!r}, {float(hi)!r}], got {_fmt(v)}")
    return v
