"""What every benchmark script shares: the best of several runs, and its table.

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


def print_table(head, rows):
    """Print ``rows`` (tuples like ``head``) as columns padded to their widest cell."""
    widths = [max(len(str(r[i])) for r in [*rows, head]) for i in range(len(head))]
    line = " | ".join(h.ljust(w) for h, w in zip(head, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print(" | ".join(str(v).ljust(w) for v, w in zip(r, widths)))
