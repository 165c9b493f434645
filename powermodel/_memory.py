"""The memory budget: every array-producing request is sized before it allocates.

A request (a solve over a broadcast shape, a grid, the design and outputs of
a Sobol', Morris or Monte Carlo analysis) whose estimated footprint exceeds
the budget is refused at once with an :class:`~powermodel.errors.InputError`
that gives the size, instead of allocating and dying. Work that can be split
(solving the points of an analysis) runs block by block, so only what must be
returned, the design and the outputs, counts against the budget.

The budget is :data:`DEFAULT_FRACTION` of the machine's physical memory, or
the environment variable ``POWERMODEL_MEMORY``: a number of bytes with an
optional unit (``"2G"``, ``"512M"``, ``"1.5GB"``, ``"3e9"``), or a fraction
of physical memory (``"0.25"``, any number below 1). It is read at every
check, so it can be changed in a running process.

>>> from powermodel._memory import check, parse_size
>>> parse_size("1.5G")
1610612736
>>> check("a tiny request", 8)
>>> check("a grid of 1e9 x 1e9 points", 8e18)
Traceback (most recent call last):
...
powermodel.errors.InputError: a grid of 1e9 x 1e9 points needs about 6.94 EB of memory, more than the budget of ... (set POWERMODEL_MEMORY to change it)
"""

import os

from .errors import InputError

__all__ = ["budget", "check", "parse_size", "DEFAULT_FRACTION", "ENV"]

#: Share of physical memory one request may use by default.
DEFAULT_FRACTION = 0.5
#: The environment variable that overrides the budget.
ENV = "POWERMODEL_MEMORY"
#: The smallest and the largest budget ``POWERMODEL_MEMORY`` may set.
MIN_BUDGET = 2**10
MAX_BUDGET = 2**62
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50}


def physical_memory():
    """Bytes of physical memory (8 GiB when the platform does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover (not POSIX)
        return 8 * 2**30


def parse_size(text):
    """Bytes from ``"2G"``, ``"512 MB"``, ``"3e9"``; a number below 1 is a share of memory."""
    s = str(text).strip().upper().replace(" ", "")
    if not s.isascii():  # float() would read Arabic-Indic or fullwidth digits
        raise InputError(f"`{ENV}` must be a size in ASCII digits like 2G, 512M or 3e9, "
                         f"got {text!r}")
    if s.endswith("IB"):
        s = s[:-2]
    elif s.endswith("B") and len(s) > 1 and s[-2] in "KMGTP":
        s = s[:-1]
    unit = s[-1] if s and s[-1] in "KMGTPB" else ""
    num = s[:-1] if unit else s
    try:
        value = float(num)
    except ValueError:
        raise InputError(f"`{ENV}` must be a size like 2G, 512M or 3e9, or a share of memory "
                         f"like 0.25, got {text!r}") from None
    if value == float("inf"):
        raise InputError(f"`{ENV}` must be at most {human(MAX_BUDGET)}, got {text!r}")
    if not value > 0:
        raise InputError(f"`{ENV}` must be positive, got {text!r}")
    nbytes = value * physical_memory() if value < 1 and not unit else value * _UNITS[unit]
    if not nbytes < MAX_BUDGET:
        raise InputError(f"`{ENV}` must be at most {human(MAX_BUDGET)}, got {text!r}")
    if nbytes < MIN_BUDGET:
        raise InputError(f"`{ENV}` must be at least {human(MIN_BUDGET)} (a smaller budget "
                         f"refuses everything), got {text!r}")
    return int(nbytes)


def budget():
    """The current memory budget of one request, in bytes."""
    env = os.environ.get(ENV)
    if env:
        return parse_size(env)
    return int(DEFAULT_FRACTION * physical_memory())


def human(nbytes):
    """``1.5 GB``-style text (powers of 1024)."""
    v = float(nbytes)
    for unit in ("B", "KB", "MB", "GB", "TB", "PB", "EB"):
        if v < 1024 or unit == "EB":
            return f"{v:.3g} {unit}"
        v /= 1024
    return f"{v:.3g} EB"  # pragma: no cover


def check(what, nbytes):
    """Raise :class:`InputError` when ``nbytes`` exceeds the budget; ``what`` names the request."""
    limit = budget()
    if nbytes > limit:
        raise InputError(f"{what} needs about {human(nbytes)} of memory, more than the budget "
                         f"of {human(limit)} (set {ENV} to change it)")
