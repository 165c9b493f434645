"""Warnings issued once per public call and attributed to the caller's line.

A public entry point (``Model.solve``, the methods of ``Model.symbolic``) may
solve many times inside; each inner solve would repeat the same warning and
point at a line of this package. :func:`once_per_call` records the warnings
of the whole call and issues each distinct one (category and text) once, at
the line that called the entry point. Nested entry points (``thresholds``
calling ``Model.solve``) leave it to the outermost one.

Recording is safe with threads (Dask solves blocks in threads):
:func:`recording` keeps each thread's recorders apart, where
:class:`warnings.catch_warnings` swaps one global state, so that two threads
entering and leaving it out of order lost the warnings of one of them.
:func:`into` sends the warnings of a thread working for another (a Dask task
for an analysis) to that thread's recorder.
"""

import contextlib
import functools
import threading
import warnings

__all__ = ["once_per_call", "recording", "recorder", "into"]

_STATE = threading.local()

#: Guards :data:`_OPEN`.
_LOCK = threading.Lock()
#: [recordings open in any thread, the ``catch_warnings`` entered by the first of them
#: (left when the last one closes), the ``warnings.showwarning`` it replaced].
_OPEN = [0, None, None]


def _stack():
    stack = getattr(_STATE, "recorders", None)
    if stack is None:
        stack = _STATE.recorders = []
    return stack


def _show(message, category, filename, lineno, file=None, line=None):
    """``warnings.showwarning`` while some thread records: into this thread's innermost
    recorder, or where warnings went before (a thread that records nothing)."""
    stack = getattr(_STATE, "recorders", None)
    if stack:
        stack[-1].append(warnings.WarningMessage(message, category, filename, lineno, file,
                                                 line))
        return
    previous = _OPEN[2]
    if previous is not None and previous is not _show:
        previous(message, category, filename, lineno, file, line)
    else:  # pragma: no cover (another module left our hook installed)
        import sys

        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def recording():
    """Record the warnings issued in this thread, every one (the filter "always"), as
    ``warnings.catch_warnings(record=True)`` with ``simplefilter("always")`` does, but
    safe with other threads recording at the same time. Yields the list of records.

    The warnings state is global: the first recording opened (in any thread) saves
    it and installs the filter and a ``showwarning`` that sends each warning to the
    recorder of the thread that issued it; the last one closed restores it.
    """
    log = []
    with _LOCK:
        if _OPEN[0] == 0:
            cm = warnings.catch_warnings()
            cm.__enter__()
            warnings.simplefilter("always")
            _OPEN[1:] = [cm, warnings.showwarning]
            warnings.showwarning = _show
        _OPEN[0] += 1
    stack = _stack()
    stack.append(log)
    try:
        yield log
    finally:
        stack.pop()
        with _LOCK:
            _OPEN[0] -= 1
            if _OPEN[0] == 0:
                _OPEN[1].__exit__(None, None, None)
                _OPEN[1] = None


def recorder():
    """This thread's innermost recorder (a list), or None."""
    stack = getattr(_STATE, "recorders", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def into(log):
    """Send the warnings of this thread to ``log`` (another thread's :func:`recorder`,
    this thread working for it), unless ``log`` is None."""
    if log is None:
        yield
        return
    stack = _stack()
    stack.append(log)
    try:
        yield
    finally:
        stack.pop()


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
            with recording() as caught:
                return fn(*args, **kwargs)
        finally:
            _STATE.active = False
            _reissue(caught)

    return wrapper
