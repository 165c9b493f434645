"""Progress reports of the long-running entry points: the ``progress`` argument.

:func:`powermodel.sweep`, :func:`~powermodel.grid`,
:func:`~powermodel.phase_diagram`, :func:`~powermodel.sobol`,
:func:`~powermodel.morris`, :func:`~powermodel.monte_carlo`,
:meth:`powermodel.Scenario.run` and :func:`~powermodel.reproduce` take
``progress``:

* ``None`` or ``False`` (the default): silent;
* ``True``: a progress bar on stderr, tqdm's when tqdm is installed,
  otherwise one line rewritten in place (``\\r``) and ended with a newline;
* a callable: called as ``progress(done, total)`` with integers, in the
  thread that made the call (never in Dask's or reproduce's workers),
  ``total`` the same in every call, ``done`` 0 in the first call and larger
  in each later one; a call that succeeds ends with ``done == total``,
  reached exactly once. What one unit is depends on the entry point (a grid
  point, a block of points, a batch of bootstrap resamples, a figure); its
  docstring says. An exception raised by the callable stops the computation
  and propagates.

Anything else is refused with an :class:`~powermodel.InputError`
(:func:`powermodel._validation.progress`). tqdm is imported only when a bar
is shown.

>>> import powermodel as pm
>>> seen = []
>>> r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[1, 10, 100], P=1e6,
...              progress=lambda done, total: seen.append((done, total)))
>>> seen
[(0, 3), (3, 3)]
"""

import os
import sys
import time

from . import _validation as V

__all__ = ["reporter"]

#: Seconds between two redraws of the line on stderr (the first and last are always drawn).
REDRAW = 0.1


def reporter(progress, total, *, label, unit):
    """A reporter for ``total`` units of work: use as a context manager.

    ``progress`` is the user's argument (checked again here); ``label`` and
    ``unit`` name the work on a bar. Entering reports ``done = 0``;
    :meth:`_Reporter.advance` and :meth:`_Reporter.update_to` report more;
    leaving closes the bar (a final newline). A silent reporter when
    ``progress`` is None or False.

    >>> calls = []
    >>> with reporter(lambda d, t: calls.append((d, t)), 2, label="demo", unit="steps") as r:
    ...     r.advance()
    ...     r.advance()
    >>> calls
    [(0, 2), (1, 2), (2, 2)]
    """
    progress = V.progress(progress)
    total = max(1, int(total))
    if progress is None:
        return _Reporter(total)
    if progress is not True:
        return _Callback(total, progress)
    try:
        from tqdm import tqdm
    except ImportError:
        return _Line(total, label, unit)
    return _Tqdm(total, label, unit, tqdm)


class _Reporter:
    """Silent: counts, shows nothing (the base of the others)."""

    def __init__(self, total):
        self.total = total
        self.done = 0

    def __enter__(self):
        self._show(0)
        return self

    def __exit__(self, *exc):
        self._close()
        return False

    def advance(self, k=1):
        """``k`` more units done."""
        self.update_to(self.done + k)

    def update_to(self, done):
        """``done`` units done in all (clamped to ``total``; a step back is ignored)."""
        done = min(int(done), self.total)
        if done > self.done:
            self.done = done
            self._show(done)

    def _show(self, done):
        pass

    def _close(self):
        pass


class _Callback(_Reporter):
    def __init__(self, total, fn):
        super().__init__(total)
        self._fn = fn

    def _show(self, done):
        self._fn(done, self.total)


class _Line(_Reporter):
    """One line on stderr, rewritten with ``\\r``, ended with a newline when closed."""

    def __init__(self, total, label, unit):
        super().__init__(total)
        self._label, self._unit = label, unit
        self._t0 = time.monotonic()
        self._last = None
        self._width = 0
        self._shown = None

    def _write(self, text):
        stream = sys.stderr
        if stream is None:
            return
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # a closed stderr: the work goes on without the line
            pass

    def _show(self, done, final=False):
        now = time.monotonic()
        if not final and 0 < done < self.total and self._last is not None \
                and now - self._last < REDRAW:
            return
        self._last = now
        line = (f"{self._label}: {done}/{self.total} {self._unit} "
                f"({100 * done // self.total}%), {now - self._t0:.1f} s")
        self._write("\r" + line.ljust(self._width))
        self._width = max(self._width, len(line))
        self._shown = done

    def _close(self):
        if self._shown != self.done:  # (a redraw skipped by REDRAW)
            self._show(self.done, final=True)
        self._write("\n")


def _columns(stream):
    """The width of the terminal ``stream`` is, or None when it is not one."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):  # (not a terminal, no file descriptor)
        return None


class _Tqdm(_Reporter):
    def __init__(self, total, label, unit, tqdm):
        super().__init__(total)
        # no monitor thread (reproduce forks its workers only without other threads)
        bar = type("_Bar", (tqdm,), {"monitor_interval": 0})
        # a terminal that reports no size (0 x 0, as some pseudo-terminals do) would get
        # nothing from tqdm: it is given a size
        sized = _columns(sys.stderr) != 0
        self._bar = bar(total=total, desc=label, unit=unit, file=sys.stderr,
                        dynamic_ncols=sized, ncols=None if sized else 80,
                        nrows=None if sized else 24)

    def _show(self, done):
        if done:
            self._bar.update(done - self._bar.n)

    def _close(self):
        self._bar.close()
