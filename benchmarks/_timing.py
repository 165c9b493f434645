"""The timing every benchmark script shares: the best of several runs.

The best run is the least disturbed one on a shared machine. Scripts choose
the clock (CPU time of the process, or wall-clock time for work that waits or
runs in threads) and whether a first, untimed run warms caches up.
"""

import time


def best(fn, repeat=3, *, clock=time.process_time, warmup=True):
    """The shortest of ``repeat`` timed calls of ``fn()`` on ``clock``, in seconds."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)
