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
once a ``Client`` is created (see docs/analyses.md, "On a cluster").

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
except ImportError:  # the optional extra is missing (solve() comes here only with dask arrays)
    dask = da = None

from . import _validation as V
from .errors import InputError
from .result import Solution

__all__ = ["solve_dask", "compute", "compute_blocks"]

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
    fields = {}
    for f in (*FLOAT_FIELDS, "regime_code", "status"):
        dtype = np.int8 if f == "regime_code" else "U64" if f == "status" else float
        fields["regime" if f == "regime_code" else f] = solved.map_blocks(
            _pick, f, dtype=dtype, meta=np.empty((0,) * ndim, dtype=dtype))
    return Solution._lazy(fields, None)


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


def compute_blocks(fun, tasks, done=None):
    """``[fun(*args) for args in tasks]``, each call a Dask task on the active scheduler.

    Threads by default, or the ``dask.distributed`` cluster of the default
    ``Client``. ``done(i)`` is called in this thread once for each task ``i``,
    as it completes (tasks that Dask merged, being identical, are reported
    when all have completed). Needs the ``dask`` extra.

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

    lazy = [dask.delayed(fun, pure=True)(*args) for args in tasks]
    if done is None:
        return list(dask.compute(*lazy))
    reported = set()

    def report(indices):
        for i in indices:
            if i not in reported:
                reported.add(i)
                done(i)

    client = _default_client()
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
