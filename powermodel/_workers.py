"""Worker processes tied to the command that started them.

:func:`run` calls a function on a list of argument tuples, in this process
(``jobs=1``) or in ``jobs`` worker processes, and guarantees:

* **The workers die with their parent.** Each worker asks the kernel for a
  signal when its parent dies (``PR_SET_PDEATHSIG`` on Linux) and also watches
  its parent's process id: when the parent is gone (any signal, ``SIGKILL``
  included) the worker stops within a second and writes nothing more.
* **A stop is fast.** Ctrl-C, ``SIGTERM`` or an error in one task stops every
  worker at once (``SIGTERM``, then ``SIGKILL`` after :data:`GRACE` seconds);
  queued tasks are cancelled, not waited for. A worker stopped during a write
  unwinds it (:func:`powermodel._io.atomic_write` removes its temporary file).
* **No leftovers.** Temporary files of this package whose writer is dead are
  removed from the output folder when a run starts and after a stop
  (:func:`powermodel._io.remove_stale_temporaries`).
* **Bounded.** ``jobs`` is at most the number of CPUs this process may use
  (:func:`check_jobs`) and never more than the number of tasks.

Workers ignore Ctrl-C (the terminal sends it to the whole process group); the
parent decides and stops them.

>>> run(pow, [(2, 3), (3, 2)], jobs=1)
[8, 9]
"""

import contextlib
import numbers
import os
import signal
import sys
import threading
import time

from .errors import InputError

__all__ = ["run", "check_jobs", "cpu_count", "Terminated", "terminate_raises", "GRACE"]

#: Seconds a stopped worker gets to unwind before it is killed.
GRACE = 1.0
#: Seconds between two checks of a worker that its parent is alive.
WATCH_INTERVAL = 0.2


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (raised by the handler of :func:`terminate_raises`).

    A subclass of KeyboardInterrupt, so that everything that cleans up after
    Ctrl-C (an atomic write, a pool of workers) cleans up after SIGTERM too.
    """


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def terminate_raises():
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread.

    The previous handler is restored afterwards. Outside the main thread (where
    no handler can be set) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def cpu_count():
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def check_jobs(jobs, tasks):
    """The number of workers for ``tasks`` tasks: ``jobs`` checked, at most ``tasks``.

    ``jobs=None`` is one worker per CPU; more workers than CPUs are refused.

    >>> check_jobs(None, 1)
    1
    >>> check_jobs(10**6, 2)
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: `jobs` must be at most the number of CPUs (...), got 1000000
    """
    cpus = cpu_count()
    if jobs is None:
        jobs = cpus
    elif isinstance(jobs, bool) or not isinstance(jobs, numbers.Integral) or jobs < 1:
        raise InputError(f"`jobs` must be a positive integer, got {jobs!r}")
    elif jobs > cpus:
        raise InputError(f"`jobs` must be at most the number of CPUs ({cpus}), got {jobs}")
    return max(1, min(int(jobs), int(tasks)))


# ---------------------------------------------------------------------------
# the worker side
# ---------------------------------------------------------------------------

class _Stop(BaseException):
    """Raised in a worker by SIGTERM while it runs a task: unwinds open writes."""


_IN_TASK = False


def _on_term(signum, frame):
    if _IN_TASK:
        raise _Stop()
    os._exit(128 + signum)


def _set_parent_death_signal(sig):
    """Ask Linux to send ``sig`` when the parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover (no libc): the watch below remains
        pass


def _watch(parent):
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), signal.SIGTERM)  # unwind the current write
    time.sleep(GRACE / 2)
    os._exit(128 + signal.SIGTERM)


def _init_worker(parent):
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides what Ctrl-C does
    signal.signal(signal.SIGTERM, _on_term)
    _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:                     # the parent died before the line above
        os._exit(128 + signal.SIGTERM)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _task(fn, args):
    global _IN_TASK
    _IN_TASK = True
    try:
        return fn(*args)
    except _Stop:
        os._exit(128 + signal.SIGTERM)
    finally:
        _IN_TASK = False


# ---------------------------------------------------------------------------
# the parent side
# ---------------------------------------------------------------------------

def _stop(executor):
    """Stop every worker of ``executor`` now: cancel the queue, SIGTERM, then SIGKILL."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.terminate()
    deadline = time.monotonic() + GRACE
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            p.join(max(0.0, deadline - time.monotonic()))
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            if p.is_alive():
                p.kill()
                p.join(GRACE)


def run(fn, argss, *, jobs=1, folder=None, done=None):
    """``[fn(*args) for args in argss]``, in ``jobs`` worker processes (1: here).

    Parameters
    ----------
    fn : callable
        A module-level function (it is sent to the workers by name).
    argss : list of tuple
        The arguments of each call; results come back in this order.
    jobs : int
        Worker processes (see :func:`check_jobs`); 1 runs in this process.
    folder : str or Path, optional
        The output folder: temporary files of dead writers in it are removed
        before the run and after a stop.
    done : callable, optional
        Called in this process as ``done(i)`` when the call of ``argss[i]``
        has returned, once per call, in the order they finish.

    Any exception of a task, Ctrl-C or :class:`Terminated` stops the workers
    at once (see the module docstring) and is raised again.
    """
    from . import _io

    argss = list(argss)
    if folder is not None:
        _io.remove_stale_temporaries(folder)
    if jobs <= 1 or len(argss) <= 1:
        out = []
        for i, a in enumerate(argss):
            out.append(fn(*a))
            if done is not None:
                done(i)
        return out
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # fork is cheap and needs no `if __name__ == "__main__"` guard in a user's script,
    # but is only safe without other threads; otherwise start clean interpreters
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    ex = ProcessPoolExecutor(max_workers=min(jobs, len(argss)), mp_context=ctx,
                             initializer=_init_worker, initargs=(os.getpid(),))
    try:
        futs = [ex.submit(_task, fn, a) for a in argss]
        index = {f: i for i, f in enumerate(futs)}
        pending = set(futs)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in sorted(finished, key=index.get):
                if f.exception() is not None:  # the first failure stops the rest at once
                    raise f.exception()
                if done is not None:
                    done(index[f])
        out = [f.result() for f in futs]
    except BaseException:
        _stop(ex)
        if folder is not None:
            _io.remove_stale_temporaries(folder)
        raise
    ex.shutdown(wait=True)
    return out
