"""Warnings issued once per public call and attributed to the caller's line.

A public entry point (``Model.solve``, the methods of ``Model.symbolic``) may
solve many times inside; each inner solve would repeat the same warning and
point at a line of this package. :func:`once_per_call` records the warnings
of the whole call and issues each distinct one (category and text) once, at
the line that called the entry point. Nested entry points (``thresholds``
calling ``Model.solve``) leave it to the outermost one.
"""

import functools
import threading
import warnings

__all__ = ["once_per_call"]

_STATE = threading.local()


def _reissue(caught):
    seen = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            # 1: here, 2: the wrapper below, 3: the caller of the entry point
            warnings.warn(str(w.message), w.category, stacklevel=3)


def once_per_call(fn):
    """Decorate a public entry point: its warnings once each, attributed to its caller."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if getattr(_STATE, "active", False):
            return fn(*args, **kwargs)
        _STATE.active = True
        caught = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                return fn(*args, **kwargs)
        finally:
            _STATE.active = False
            _reissue(caught)

    return wrapper
