r"""Lazy solves of Dask arrays, block by block (optional: needs ``dask[array]``).

:func:`powermodel.solve` (and :meth:`powermodel.Model.solve`) hand over to
:func:`solve_dask` when any input is a Dask array. Nothing is computed then:
the result is a :class:`~powermodel.result.Solution` whose fields are Dask
arrays of the broadcast input shape. The solver is elementwise, so each block
of the broadcast inputs is solved on its own by the same NumPy solver, with
the same checks (``errors="raise"`` raises :class:`~powermodel.InputError`
when the offending block is computed; ``errors="nan"`` marks the points in
``status``). A sweep too large for one machine therefore runs on a Dask
cluster unchanged.

Each block is solved once, by the NumPy solver, into a Solution whose
derived fields are computed only if some are asked for; the field arrays
pick their blocks from it. Computing them together
(:func:`compute`, or ``dask.compute(s.x, s.value, ...)``) solves each block
once; computing fields one by one solves the blocks again each time. The
regime is a small integer code (``s.regime_code``, ``int8``); ``s.regime``
maps it to names lazily. Computed fields equal those of the NumPy solve,
except that 0-d results stay 0-d arrays instead of becoming Python scalars.

The blocks run on whatever scheduler Dask uses: threads by default (the
solver is NumPy, which releases the GIL), or a ``dask.distributed`` cluster
once a ``Client`` is created (see docs/analyses.md, "On a cluster"). The
analyses and grids given ``chunks=`` run their blocks as Dask tasks with
:func:`compute_blocks` (a grid's blocks: :func:`solve_rows`, :func:`join_rows`).

On Linux, ``dask.distributed`` sets ``MALLOC_TRIM_THRESHOLD_=65536`` in every
worker it starts, which makes glibc map and fault in every NumPy temporary
afresh: in ``benchmarks/bench_dask.py`` a Sobol' analysis took 1.7 to 3
times as long on one such worker as with the variable unset.
To unset it, before the cluster is created::

    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)  # (an earlier cluster wrote it here)

Examples
--------
>>> import numpy as np, pytest, powermodel as pm
>>> da = pytest.importorskip("dask.array")  # (the doctests need the dask extra)
>>> N = da.from_array(np.array([1.0, 10.0, 100.0, 1e3, 1e4]), chunks=2)
>>> s = pm.Model("power", c=1.0, k=2.0).solve(N=N, P=1e6)   # x* = min(N/2, 1000)
>>> type(s.x).__name__, s.x.chunks
('Array', ((2, 2, 1),))
>>> from powermodel._dask import compute
>>> compute(s).x.tolist()
[0.5, 5.0, 50.0, 500.0, 1000.0]
"""

import numpy as np

try:
    import dask
    import dask.array as da
    from dask.highlevelgraph import HighLevelGraph
except ImportError:  # the optional extra is missing (solve() comes here only with dask arrays)
    dask = da = HighLevelGraph = None

from . import _validation as V
from . import _warnings
from .errors import InputError
from .result import Solution

__all__ = ["solve_dask", "compute", "compute_blocks", "solve_rows", "join_rows"]

#: The float fields of a Solution, in the order of the rows of a solved block
#: (the regime code is the last row).
FLOAT_FIELDS = tuple(f for f in Solution._fields if f not in ("regime", "status"))


def _is_lazy(v):
    return hasattr(v, "__dask_graph__")


def _solve_block(*blocks, names, fixed, cost, errors, solve):
    """Solve one block of the broadcast inputs with ``solve`` (the NumPy solver):
    a (lazy) NumPy Solution.

    The dask arrays of the fields pick their blocks from it (:func:`_pick`), so
    a field never computed is never derived, and nothing is copied.
    """
    inputs = {**fixed, **dict(zip(names, blocks))}
    return solve(cost, errors=errors, **inputs)


def _pick(solution, field):
    """One field of a block's Solution as an array (0-d blocks stay arrays)."""
    return np.asarray(getattr(solution, field))


def solve_dask(solve, cost, rules, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0,
               errors="raise", **params):
    r"""Solve lazily when some input is a Dask array: a Solution of Dask arrays.

    Called by :func:`powermodel.solver.solve`, which hands over ``solve`` (itself,
    the NumPy solver run on each block), ``cost`` (checked by
    :func:`~powermodel.solver.check_names`) and ``rules`` (the checks of its
    inputs): this module does not import the solver, which imports it.
    Same parameters, formulas and checks as :func:`powermodel.solver.solve`;
    scalars and NumPy arrays mix freely with Dask arrays (all broadcast, and
    chunks are unified). Inputs that are not lazy are checked at once; Dask
    arrays are checked block by block when computed.

    Returns
    -------
    Solution
        Fields are Dask arrays of the broadcast shape: floats, ``regime``
        names mapped from ``regime_code`` (``int8``), ``status`` strings.

    Examples
    --------
    >>> import numpy as np, pytest, powermodel as pm
    >>> da = pytest.importorskip("dask.array")  # (the doctests need the dask extra)
    >>> s = pm.solve("power", N=da.from_array(np.array([1.0, 10.0, 100.0]), chunks=2),
    ...              P=1e6, c=1.0, k=2.0)
    >>> s.x.compute()
    array([ 0.5,  5. , 50. ])
    """
    if da is None:
        raise ImportError("Dask arrays need the optional extra: pip install 'powermodel[dask]'")
    inputs = {"N": N, "P": P, "x_cap": x_cap, "overlap": overlap,
              "runtime_penalty": runtime_penalty, **params}
    fixed, arrays = {}, {}
    for k, v in inputs.items():
        if k == "x_cap" and v is None:
            fixed[k] = None
        elif _is_lazy(v):
            if not isinstance(v, da.Array):
                raise InputError(f"`{k}` must be a dask.array.Array or array_like, "
                                 f"got {type(v).__name__}")
            if v.dtype.kind not in "biuf":
                raise InputError(f"`{k}` must be a real number, got a dask array of dtype "
                                 f"{v.dtype}")
            arrays[k] = v
        else:
            checked = V.real(k, v, **rules[k]) if errors == "raise" else \
                V.real(k, v, allow_nan=True, allow_inf=True)
            if np.ndim(checked) == 0:
                fixed[k] = checked
            else:
                arrays[k] = da.asarray(checked)
    names = list(arrays)
    try:
        bcast = da.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"{k}{v.shape}" for k, v in arrays.items())
        raise InputError(f"input arrays do not broadcast together: {shapes}") from None
    ndim = bcast[0].ndim
    # One task per block solves it into a Solution; each field picks from it.
    solved = da.map_blocks(_solve_block, *bcast, dtype=float, names=names, fixed=fixed,
                           cost=cost, errors=errors, solve=solve, meta=np.empty((0,) * ndim))
    # x and the fields that default to NaN now, the others when one of them is first read
    # (each field's graph costs about 0.1 ms to build, and `.x` alone needs none of them).
    stored = {f: _field(solved, f, float) for f in ("x", *Solution._optional)}

    def others():
        out = {f: _field(solved, f, float) for f in FLOAT_FIELDS if f not in stored}
        out["regime"] = _field(solved, "regime_code", np.int8)
        out["status"] = _field(solved, "status", "U64")
        return out

    return Solution._lazy(stored, others)


def _field(solved, field, dtype):
    """The Dask array of one field: a task per block picks it from the block's Solution.

    The graph is written out directly (one small dict per field) rather than by
    ``map_blocks``, whose tokenizing and signature inspection cost about 0.2 ms
    a field, more than three quarters of building a lazy solve's graph.
    """
    name = f"{field}-{solved.name}"  # (deterministic: the solve's name is a token)
    layer = {(name, *i): (_pick, (solved.name, *i), field) for i in np.ndindex(*solved.numblocks)}
    graph = HighLevelGraph.from_collections(name, layer, dependencies=[solved])
    return da.Array(graph, name, chunks=solved.chunks, dtype=dtype,
                    meta=np.empty((0,) * solved.ndim, dtype=dtype))


def compute(solution, **kwargs):
    """Compute every field of a lazy Solution at once (each block is solved once).

    ``kwargs`` go to :func:`dask.compute` (``scheduler=...``). Returns a
    Solution of NumPy arrays.

    >>> import numpy as np, pytest, powermodel as pm
    >>> da = pytest.importorskip("dask.array")  # (the doctests need the dask extra)
    >>> s = pm.solve("power", N=da.from_array(np.array([10.0, 100.0]), chunks=1), P=1e6,
    ...              c=1.0, k=2.0)
    >>> compute(s, scheduler="synchronous").regime
    array(['interior', 'interior'], dtype='<U9')
    """
    fields = [f for f in Solution._fields if f != "regime"]
    values = dask.compute(solution.regime_code, *(getattr(solution, f) for f in fields),
                          **kwargs)
    out = {f: np.asarray(v) for f, v in zip(fields, values[1:])}
    return Solution(regime=np.asarray(values[0]), **out)


#: Arguments of :func:`compute_blocks` (NumPy arrays) larger than this are sent to a
#: cluster's workers directly (``Client.scatter``), not inside the task graph.
SCATTER_BYTES = 1 << 16


def compute_blocks(fun, tasks, done=None):
    """``[fun(*args) for args in tasks]``, each call a Dask task on the active scheduler.

    Threads by default, or the ``dask.distributed`` cluster of the default
    ``Client``. ``done(i)`` is called in this thread once for each task ``i``,
    as it completes. Needs the ``dask`` extra.

    Each call is its own task, named without hashing its arguments (the blocks
    of an analysis are distinct, and hashing their points cost more than a tenth
    of the work of a closed-form block). With threads, the warnings of the tasks
    go to this thread's recorder (:func:`powermodel._warnings.recorder`, as if
    issued here). On a cluster, NumPy arrays of more than :data:`SCATTER_BYTES`
    among the arguments are scattered to the workers first, so the graph stays
    small (no "Sending large graph" warning, and the scheduler never holds the
    data).

    >>> import pytest
    >>> _ = pytest.importorskip("dask")  # (the doctests need the dask extra)
    >>> seen = []
    >>> compute_blocks(pow, [(2, 3), (3, 2)], lambda i: seen.append(i))
    [8, 9]
    >>> sorted(seen)
    [0, 1]
    """
    from .result import optional_import

    optional_import("dask", "dask")
    import dask.delayed  # noqa: F401

    client = _default_client()
    if client is not None:
        lazy = [dask.delayed(fun, pure=False)(*args) for args in _scattered(client, tasks)]
    else:  # threads: the tasks' warnings go to this thread's recorder (once_per_call)
        sink = _Sink(_warnings.recorder())
        lazy = [dask.delayed(_forwarded, pure=False)(fun, sink, *args) for args in tasks]
    if done is None:
        return list(dask.compute(*lazy))
    reported = set()

    def report(indices):
        for i in indices:
            if i not in reported:
                reported.add(i)
                done(i)

    if client is not None:
        from distributed import as_completed

        futures = client.compute(lazy)
        where = {}
        for i, f in enumerate(futures):
            where.setdefault(f.key, []).append(i)
        for f in as_completed(futures):
            if f.status == "error":
                break  # (gather raises it)
            report(where[f.key])
        out = client.gather(futures)
    else:
        from dask.callbacks import Callback

        where = {}
        for i, d in enumerate(lazy):
            where.setdefault(d.key, []).append(i)

        class _Done(Callback):
            def _posttask(self, key, result, dsk, state, worker_id):
                report(where.get(key, ()))

        with _Done():
            out = dask.compute(*lazy)
    report(range(len(lazy)))
    return list(out)


class _Sink:
    """The recorder of the thread that started the tasks (opaque to Dask, which would
    copy a list argument); in another process (a pickled task) there is none."""

    __slots__ = ("log",)

    def __init__(self, log):
        self.log = log

    def __reduce__(self):
        return (_Sink, (None,))


def _forwarded(fun, sink, *args):
    """``fun(*args)`` in a worker thread, its warnings sent to ``sink``."""
    with _warnings.into(sink.log):
        return fun(*args)


def _scattered(client, tasks):
    """``tasks`` with their large NumPy arguments replaced by futures of data scattered to
    the workers of ``client`` (each array to one worker, in turn)."""
    big = [(i, j) for i, args in enumerate(tasks) for j, a in enumerate(args)
           if isinstance(a, np.ndarray) and a.nbytes > SCATTER_BYTES]
    if not big:
        return tasks
    futures = client.scatter([tasks[i][j] for i, j in big], hash=False)
    out = [list(args) for args in tasks]
    for (i, j), f in zip(big, futures):
        out[i][j] = f
    return [tuple(args) for args in out]


def solve_rows(model, errors, inputs, shape):
    """One block of a grid solved in blocks of rows (:func:`powermodel.sweeps.grid` with
    ``chunks``): the Solution at its rows (of ``shape``), held by a :class:`_Rows`.

    Returned as the solver gives it: x* is computed and the other fields are
    derived when first read (in this process with threads; on a cluster, in the
    worker, as the block is sent back). Nothing is copied here.
    """
    s = model.solve(errors=errors, **inputs)
    if np.shape(s.x) != shape:  # (only if broadcasting shrank a block of length-one axes)
        s = Solution(**{f: np.broadcast_to(np.asarray(s.regime_code if f == "regime" else
                                                      getattr(s, f)), shape)
                        for f in Solution._fields})
    return _Rows(s)


class _Rows:
    """A block's Solution. Pickled (sent back by a cluster's worker) as its fields, the
    regime as its one-byte codes and a field with one value over the block as that value."""

    __slots__ = ("solution",)

    def __init__(self, solution):
        self.solution = solution

    def field(self, f):
        """Field ``f`` as an array (the regime as codes)."""
        s = self.solution
        return np.asarray(s.regime_code if f == "regime" else getattr(s, f))

    def __reduce__(self):
        packed = {}
        for f in Solution._fields:
            v = self.field(f)
            packed[f] = (v.flat[0], v.shape) if _constant(v) else v
        return (_unpack_rows, (packed,))


def _unpack_rows(packed):
    return _Rows(Solution(**{f: np.broadcast_to(*v) if isinstance(v, tuple) else v
                             for f, v in packed.items()}))


def join_rows(blocks, full):
    """The Solution of the whole grid from its blocks of rows (:class:`_Rows`): x* joined
    now, every other field joined when first read (as a NumPy solve derives them), so
    that reading ``.x`` alone costs one copy of x*, not fourteen of every field.
    ``bound``, ``lower`` and ``gap`` are NaN (a grid never certifies)."""

    def join(f):
        parts = [b.field(f) for b in blocks]
        first = parts[0]
        if all(_constant(p) for p in parts) and all(p.flat[0] == first.flat[0] for p in parts):
            return np.broadcast_to(first.flat[0], full)  # one value everywhere ("ok")
        return np.concatenate(parts) if len(parts) > 1 else first

    def others():
        return {f: join(f) for f in Solution._fields
                if f not in ("x", *Solution._optional)}

    return Solution._lazy({"x": join("x")}, others)


def _constant(v):
    """Whether ``v`` is one value broadcast over its points (every stride zero)."""
    return v.size > 1 and not any(v.strides)


def _default_client():
    """The ``dask.distributed`` Client that ``dask.compute`` would use, or None."""
    from dask.base import get_scheduler

    client = getattr(get_scheduler(), "__self__", None)
    if client is None:
        return None
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        return None
    return client if isinstance(client, Client) else None
