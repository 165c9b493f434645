r"""Sweeps over N, grids over any inputs, and phase-diagram data.

Every function here makes **one** vectorised call of the solver on the whole
grid (the axes are broadcast against each other), and returns a
:class:`SweepResult`: the axes, a :class:`~powermodel.result.Solution` whose
arrays have the grid shape, and the fixed inputs.

The default N axis is log-spaced, ``np.geomspace(1, 1e6, 61)``: the paper's
claim is a trend in N (x* is non-decreasing in N for any non-decreasing cost
that does not depend on N, since :math:`\partial^2 g / \partial x \partial N
= f'(x)/N^2 \ge 0`), and the interesting range spans decades.

Examples
--------
>>> import powermodel as pm
>>> r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[1, 10, 100], P=1e6)
>>> r.solution.x                     # x* = N / (2c)
array([ 0.5,  5. , 50. ])
>>> r2 = pm.grid(pm.Model("power", c=1.0), {"N": [10, 100], "k": [2.0, 3.0]}, P=1e6)
>>> r2.solution.x.shape, list(r2.axes)
((2, 2), ['N', 'k'])
"""

import csv
import json
import math

import numpy as np

from . import _io
from . import _validation as V
from ._progress import reporter
from ._warnings import once_per_call
from .errors import InputError
from ._inputs import input_name as _input_name
from .result import optional_import, Result, Solution, regime_names  # noqa: F401

__all__ = ["sweep", "grid", "phase_diagram", "SweepResult", "DEFAULT_N"]

#: The default N axis of :func:`sweep`: 61 log-spaced points from 1 to 10^6.
DEFAULT_N = np.geomspace(1, 1e6, 61)

#: Inputs of the solver that are not cost parameters.
MODEL_INPUTS = ("N", "P", "x_cap", "overlap", "runtime_penalty")


# ---------------------------------------------------------------------------
# helpers shared with sensitivity.py and scenario.py
# ---------------------------------------------------------------------------

def as_model(model):
    """A :class:`~powermodel.Model` from a Model, a family name, an expression or a callable."""
    from .model import Model

    if isinstance(model, Model):
        return model
    if isinstance(model, (str,)) or callable(model):
        return Model(model)
    raise InputError(f"`model` must be a powermodel.Model, a cost family name or an expression, "
                     f"got {model!r}")


def known_inputs(model):
    """Every input that can be fixed, swept or varied for ``model``."""
    return MODEL_INPUTS + tuple(p for p in model.parameters if p not in MODEL_INPUTS)


def jsonable(v):
    """Plain, strict JSON values: NaN and infinities become null.

    JSON has no infinity; where a result is infinite (x* in the ``unbounded``
    regime) its ``regime`` field says why the number is missing.

    >>> jsonable({"x": np.array([1.0, np.inf, np.nan])})
    {'x': [1.0, None, None]}
    """
    if isinstance(v, Result):
        return {k: jsonable(getattr(v, k)) for k in v._fields}
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, np.generic):
        return jsonable(v.item())
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


#: Values formatted at a time by the writers: their memory does not grow with the rows.
WRITE_BLOCK = 2**13


def dump_json(path, obj):
    """Write ``obj`` as strict JSON atomically (deterministic: same object, same bytes).

    Non-finite numbers are written as null (see :func:`jsonable`). Arrays are
    written in blocks of :data:`WRITE_BLOCK` values, so the writer's memory does
    not grow with their size; the bytes are those of
    ``json.dumps(jsonable(obj), indent=1)``.

    >>> import tempfile, pathlib
    >>> p = dump_json(pathlib.Path(tempfile.mkdtemp()) / "a.json", {"x": np.arange(2.0)})
    >>> p.read_text() == json.dumps({"x": [0.0, 1.0]}, indent=1) + chr(10)
    True
    """
    with _io.atomic_write(path) as fh:
        _stream_json(fh.write, obj, 0)
        fh.write("\n")
    from pathlib import Path

    return Path(path)


def _json_scalar(v):
    return json.dumps(jsonable(v), allow_nan=False)


def _stream_json(write, v, level):
    """Write ``v`` as ``json.dumps(jsonable(v), indent=1)`` would, arrays block by block."""
    pad = "\n" + " " * (level + 1)
    if isinstance(v, Solution):
        # the regimes as their int8 codes, named block by block (not a U9 copy of all)
        code = v.regime_code
        v = {k: _Named(code) if k == "regime" and isinstance(code, np.ndarray) and code.ndim
             else getattr(v, k) for k in v._fields}
    elif isinstance(v, Result):
        v = {k: getattr(v, k) for k in v._fields}
    if isinstance(v, _Named) or isinstance(v, np.ndarray) and v.ndim:
        names = isinstance(v, _Named)
        if names:
            v = v.code
        if v.shape[0] == 0:
            write("[]")
            return
        # whole rows at a time, about WRITE_BLOCK values each
        inner = v.shape[1:]
        rows = max(1, WRITE_BLOCK // max(1, math.prod(inner)))
        write("[")
        for start in range(0, v.shape[0], rows):
            block = v[start:start + rows]
            texts = _leaf_texts(regime_names(block).reshape(-1) if names else block.reshape(-1))
            if inner:
                step = math.prod(inner)
                parts = (_nest(texts[i * step:(i + 1) * step], inner, level + 1)
                         for i in range(block.shape[0]))
            else:
                parts = texts
            write(("," if start else "") + pad + ("," + pad).join(parts))
        write("\n" + " " * level + "]")
    elif isinstance(v, dict):
        if not v:
            write("{}")
            return
        write("{")
        for i, (k, x) in enumerate(v.items()):
            write(("," if i else "") + pad + json.dumps(str(k)) + ": ")
            _stream_json(write, x, level + 1)
        write("\n" + " " * level + "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            write("[]")
            return
        write("[")
        for i, x in enumerate(v):
            write(("," if i else "") + pad)
            _stream_json(write, x, level + 1)
        write("\n" + " " * level + "]")
    else:
        write(_json_scalar(v))


class _Named:
    """Regime codes to be written as names (see :func:`_stream_json`)."""

    __slots__ = ("code",)

    def __init__(self, code):
        self.code = code


def _leaf_texts(a):
    """JSON texts of the values of the 1-D array ``a`` (as json.dumps(jsonable(...)))."""
    if a.dtype.kind == "f":
        out = list(map(float.__repr__, a.astype(float).tolist()))
        for i in np.flatnonzero(~np.isfinite(a)).tolist():
            out[i] = "null"
        return out
    return [_json_scalar(x) for x in a.tolist()]


def _nest(texts, shape, level):
    """A nested JSON list of ``shape`` from its flat value texts, indented as by indent=1."""
    if shape[0] == 0:
        return "[]"
    pad = "\n" + " " * (level + 1)
    if len(shape) == 1:
        parts = texts
    else:
        step = math.prod(shape[1:])
        parts = (_nest(texts[i * step:(i + 1) * step], shape[1:], level + 1)
                 for i in range(shape[0]))
    return "[" + pad + ("," + pad).join(parts) + "\n" + " " * level + "]"


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, np.generic):
        return str(v.item())
    return str(v)


def dump_csv(path, header, rows):
    """Write a header and rows as CSV atomically; floats use their shortest repr.

    ``rows`` may be any iterable (a generator): the rows are written as they
    come, so the writer's memory does not grow with their number.
    """
    from pathlib import Path

    with _io.atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_cell(v) for v in row])
    return Path(path)


def check_inputs(model, varied, fixed, how):
    """Reject unknown input names, and inputs both varied and fixed (``how`` says how)."""
    known = known_inputs(model)
    V.reject_unknown("input", varied, known)
    V.reject_unknown("input", fixed, known)
    both = [k for k in varied if k in fixed]
    if both:
        raise InputError(f"input `{both[0]}` given both {how}")


def check_suffix(path, allowed=(".csv", ".json")):
    """The lower-case suffix of ``path``, checked against ``allowed``."""
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise InputError(f"output file `{path}` must end in {' or '.join(allowed)}")
    return suffix


def _axis(name, values):
    # (as_real_array refuses booleans, strings, dates, complex numbers, huge integers
    # and empty input by name, before anything is converted)
    if isinstance(values, (str, bytes)) or np.size(values) == 0:
        raise InputError(f"axis `{name}` must be a non-empty 1-D sequence of numbers, "
                         f"got {values!r}")
    arr = V.as_real_array(name, values)
    if arr.ndim != 1:
        raise InputError(f"axis `{name}` must be a non-empty 1-D sequence of numbers, "
                         f"got {values!r}")
    return np.array(V.real(name, arr, allow_nan=True, allow_inf=True), dtype=float)  # a copy


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------

class SweepResult(Result):
    """The solution of the model on a grid of inputs.

    Attributes
    ----------
    axes : dict
        Axis name -> 1-D array, in grid order: ``solution.x[i, j]`` belongs
        to ``axes[name0][i]`` and ``axes[name1][j]``.
    solution : Solution
        Every result field as an array of the grid shape.
    fixed : dict
        The inputs held fixed (model parameters included), name -> value.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.sweep(pm.Model("linear", c=10.0), N=[5, 20], P=100.0)
    >>> r.solution.regime.tolist(), r.fixed
    (['none', 'budget'], {'P': 100.0, 'c': 10.0})
    """

    __slots__ = ("axes", "solution", "fixed")
    _fields = __slots__

    @property
    def shape(self):
        """The grid shape, ``tuple(len(a) for a in axes.values())``."""
        return tuple(len(a) for a in self.axes.values())

    def _specs(self):
        """Column name -> where its values come from (axis index, fixed value or field);
        an input named like a field (a cost parameter ``value``) is ``NAME_input``."""
        spec = {_input_name(n, Solution._fields): ("axis", i) for i, n in enumerate(self.axes)}
        for k, v in self.fixed.items():
            k = _input_name(k, Solution._fields)
            if k not in spec:
                spec[k] = ("fixed", v)
        for f in Solution._fields:
            spec[f] = ("field", f)
        return spec

    def _sources(self, spec):
        """Each column's array (grid shape, any strides; regimes as codes) or fixed value."""
        axes = list(self.axes.values())
        out = []
        for kind, ref in spec.values():
            if kind == "axis":
                out.append((kind, axes[ref], ref))
            elif kind == "fixed":
                out.append((kind, ref, None))
            elif ref == "regime" and isinstance(self.solution.regime_code, np.ndarray):
                code = np.broadcast_to(self.solution.regime_code, self.shape)
                out.append(("regime", code, None))
            else:
                a = np.asarray(getattr(self.solution, ref))
                out.append((kind, np.broadcast_to(a, self.shape), None))
        return out

    def _block(self, sources, start, stop):
        """The columns of grid points ``start:stop`` (flat, C order), read by index (no
        copy of a whole column, whatever its strides)."""
        idx = np.unravel_index(np.arange(start, stop), self.shape)
        out = []
        for kind, a, axis in sources:
            if kind == "axis":
                out.append(a[idx[axis]])
            elif kind == "fixed":
                out.append(np.full(stop - start, a, dtype=float))
            elif kind == "regime":
                out.append(regime_names(a[idx]))
            else:
                out.append(a[idx])
        return out

    def _rows(self):
        sources = self._sources(self._specs())
        n = math.prod(self.shape)
        for start in range(0, n, WRITE_BLOCK):
            cols = self._block(sources, start, min(n, start + WRITE_BLOCK))
            # formatted a column at a time, as _cell would format each value
            yield from zip(*[list(map(float.__repr__, c.tolist())) if c.dtype.kind == "f"
                             else list(map(str, c.tolist())) for c in cols])

    def _columns(self):
        spec = self._specs()
        return dict(zip(spec, self._block(self._sources(spec), 0, math.prod(self.shape))))

    def to_csv(self, path):
        """Write one row per grid point: the axes, the fixed inputs, every field.

        Returns the path. The file is written atomically, block by block (the
        writer's memory does not grow with the number of points).
        """
        return dump_csv(path, list(self._specs()), self._rows())

    def to_json(self, path):
        """Write ``{"axes", "fixed", "solution"}`` as JSON (NaN as null); returns the path.

        Written atomically, the arrays block by block (see :func:`dump_json`).
        """
        return dump_json(path, {"axes": self.axes, "fixed": self.fixed,
                                "solution": self.solution})

    def to_pandas(self):
        """A tidy :class:`pandas.DataFrame`: one row per grid point (needs pandas)."""
        pd = optional_import("pandas", "pandas")
        self._check_copy("to_pandas")
        return pd.DataFrame(self._columns())

    def _check_copy(self, what):
        """A table is a copy of every column: refused against the memory budget first."""
        from . import _memory

        n = math.prod(self.shape)
        text = sum(1 for f in ("regime", "status") if f in Solution._fields)
        _memory.check(f"{what} of {n:,} points", n * (8 * len(self._specs()) + 64 * text))

    def to_xarray(self):
        """An :class:`xarray.Dataset` with a variable per field over the axes (needs
        xarray): a dimension per axis with its values as coordinate, the fixed inputs
        in ``attrs`` (an input named like a field, a cost parameter ``value``, is
        ``NAME_input``)."""
        xr = optional_import("xarray", "xarray")
        self._check_copy("to_xarray")
        dims = [_input_name(k, Solution._fields) for k in self.axes]
        data = {f: (dims, np.array(np.broadcast_to(np.asarray(getattr(self.solution, f)),
                                                   self.shape)))
                for f in Solution._fields}
        return xr.Dataset(data, coords={d: np.array(v) for d, v in zip(dims, self.axes.values())},
                          attrs={_input_name(k, Solution._fields): v
                                 for k, v in self.fixed.items()})

    def plot(self, ax=None, *, field="x", **kw):
        """Plot the sweep; returns the Axes.

        Over two axes: the regimes (:func:`powermodel.plotting.phase_diagram`,
        keywords ``xlog``, ``ylog``). Over one axis: the numeric result
        ``field`` against it (one line, log scale where the axis is positive;
        keywords go to ``Axes.plot``).
        """
        from .plotting._core import _ax, phase_diagram
        from .plotting.curves import _finish

        if len(self.axes) == 2:
            return phase_diagram(self, ax=ax, **kw)
        if len(self.axes) != 1:
            raise InputError(f"plot draws a sweep over one or two axes, this one has "
                             f"{len(self.axes)} ({', '.join(self.axes)})")
        V.choice("field", field, [f for f in Solution._fields if f not in ("regime", "status")])
        ax = _ax(ax)
        (name, values), = self.axes.items()
        values = np.asarray(values, dtype=float)
        ax.plot(values, np.broadcast_to(np.asarray(getattr(self.solution, field), dtype=float),
                                        values.shape), **kw)
        _finish(ax, name, values, field)
        return ax


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

@once_per_call
def grid(model, axes, *, errors="raise", chunks=None, progress=None, **fixed):
    r"""Solve the model on the Cartesian product of ``axes``.

    Parameters
    ----------
    model : Model or str
        The model (or a cost family name / expression, parameters then go in
        ``fixed``).
    axes : dict
        Input name -> 1-D values. Any solver input may be an axis: ``N``,
        ``P``, ``x_cap``, ``overlap``, ``runtime_penalty`` or a cost parameter.
    errors : {"raise", "nan"}
        Passed to the solver: with ``"nan"`` an invalid grid point gives NaN
        and a message in ``solution.status`` instead of aborting the sweep.
    chunks : int, optional
        Grid points per block: the grid is then solved as Dask tasks on the
        active scheduler (threads, or a ``dask.distributed`` cluster once a
        ``Client`` exists), with the same results. Without it the solver
        works block by block in this process.
    progress : bool or callable, optional
        ``True``: a progress bar on stderr (tqdm's when installed, otherwise
        one line rewritten in place); a callable is called as
        ``progress(done, total)``, ``done`` counting the grid points solved
        from 0 up to ``total``, the number of grid points (with ``chunks``:
        after each completed block). None or False (default): silent.
    **fixed
        Scalar inputs held fixed (``P=...`` and any parameter the model lacks).

    Returns
    -------
    SweepResult
        ``solution`` arrays have shape ``tuple(len(v) for v in axes.values())``.
        A grid whose results exceed the memory budget is refused at once
        with its size (:mod:`powermodel._memory`).

    Each distinct warning of the solver is issued once per call, at the
    caller's line.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.grid(pm.Model("power", c=1.0, k=2.0), {"N": [10, 100], "P": [10.0, 1e6]})
    >>> r.solution.regime.tolist()
    [['budget', 'interior'], ['budget', 'interior']]
    >>> seen = []
    >>> r = pm.grid(pm.Model("power", c=1.0, k=2.0), {"N": [10, 100], "P": [10.0, 1e6]},
    ...             progress=lambda done, total: seen.append((done, total)))
    >>> seen
    [(0, 4), (4, 4)]
    """
    model = as_model(model)
    V.choice("errors", errors, ("raise", "nan"))
    progress = V.progress(progress)
    if not isinstance(axes, dict) or not axes:
        raise InputError(f"`axes` must be a non-empty dict of name -> values, got {axes!r}")
    check_inputs(model, axes, fixed, "as an axis and as a fixed value")
    ax = {k: _axis(k, v) for k, v in axes.items()}
    fx = {}
    for k, v in fixed.items():
        if v is None and k == "x_cap":
            continue
        if np.ndim(v) != 0:
            raise InputError(f"fixed input `{k}` must be a scalar (put arrays in `axes`), "
                             f"got shape {np.shape(v)}")
        fx[k] = V.real(k, v, allow_nan=True, allow_inf=True)
    d = len(ax)
    shaped = {}
    for i, (k, v) in enumerate(ax.items()):
        shape = [1] * d
        shape[i] = v.size
        shaped[k] = v.reshape(shape)
    inputs = {**fx, **shaped}
    if "N" not in inputs:
        raise InputError("`N` must be given (as an axis or a fixed value)")
    if "P" not in inputs:
        raise InputError("`P` must be given (as an axis or a fixed value)")
    full = tuple(v.size for v in ax.values())
    with reporter(progress, math.prod(full), label="grid", unit="points") as rep:
        if chunks is not None:
            s = _solve_chunked(model, inputs, shaped, full, chunks, errors, rep)
        else:
            from .solver import SOLVE_PROGRESS

            token = SOLVE_PROGRESS.set(None if progress is None else
                                       lambda done, size: rep.update_to(done))
            try:
                s = model.solve(errors=errors, **inputs)
            finally:
                SOLVE_PROGRESS.reset(token)
    if np.shape(s.x) != full:  # only if every axis had length one and broadcasting shrank it
        s = Solution(**{f: np.broadcast_to(np.asarray(getattr(s, f)), full).copy()
                        for f in Solution._fields})
    fixed_all = {**fx, **{k: v for k, v in model.params.items() if k not in ax and k not in fx}}
    for v in ax.values():
        v.setflags(write=False)
    return SweepResult(axes=ax, solution=s, fixed=fixed_all)


def _solve_chunked(model, inputs, shaped, full, chunks, errors, rep):
    """The grid solved as Dask tasks of about ``chunks`` points: blocks of rows along the
    first axis, each solved by one task; ``rep`` advances by a block's points as it completes."""
    from . import _memory
    from .solver import BYTES_PER_POINT

    # (any integer type, NumPy's included, as in the analyses; a huge one is one block)
    chunks = min(V.integer("chunks", chunks, 1), math.prod(full))
    _memory.check(f"a grid of {math.prod(full):,} points {full}",
                  math.prod(full) * (BYTES_PER_POINT + 8))
    from ._dask import compute_blocks, join_rows, solve_rows

    first = next(iter(shaped))
    per_row = math.prod(full) // full[0]
    rows = max(1, chunks // max(1, per_row))
    starts = range(0, full[0], rows)
    tasks = [(model, errors, {**inputs, first: shaped[first][i:i + rows]},
              (min(rows, full[0] - i),) + full[1:]) for i in starts]
    blocks = compute_blocks(solve_rows, tasks, lambda i: rep.advance(math.prod(tasks[i][3])))
    return join_rows(blocks, full)


@once_per_call
def sweep(model, *, N=None, P, errors="raise", chunks=None, progress=None, **inputs):
    r"""Solve the model over N (log-spaced by default) and any other array inputs.

    Parameters
    ----------
    model : Model or str
        The model.
    N : array_like, optional
        The N axis; default ``np.geomspace(1, 1e6, 61)`` (a scalar holds N
        fixed, for sweeps over other inputs).
    P : float or array_like
        Base optimization power (an array makes P an axis).
    errors : {"raise", "nan"}
        Passed to the solver (``"nan"``: bad points give NaN, the rest is kept).
    chunks : int, optional
        Points per block, solved as Dask tasks (see :func:`grid`).
    progress : bool or callable, optional
        ``True``: a progress bar on stderr; a callable is called as
        ``progress(done, total)``, ``done`` counting the points solved up to
        ``total`` (see :func:`grid`). None or False (default): silent.
    **inputs
        Other inputs: scalars are held fixed, 1-D arrays become further axes
        (after N, in the order given).

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.sweep(pm.Model("power", c=1.0), P=1e12, k=[2.0, 3.0])
    >>> r.shape, float(r.solution.x[-1, 0])      # N = 1e6, k = 2: x* = N/2
    ((61, 2), 500000.0)
    """
    progress = V.progress(progress)
    N = DEFAULT_N if N is None else N
    axes = {}
    fixed = {}
    for k, v in {"N": N, "P": P, **inputs}.items():
        if np.ndim(v) == 0:
            fixed[k] = v
        elif np.ndim(v) == 1:
            axes[k] = v
        else:
            raise InputError(f"`{k}` must be a scalar or a 1-D array, got shape {np.shape(v)}")
    if not axes:
        raise InputError("sweep needs at least one 1-D array input to sweep over "
                         "(N, by default); every input given is a scalar")
    return grid(model, axes, errors=errors, chunks=chunks, progress=progress, **fixed)


@once_per_call
def phase_diagram(model, x_axis, y_axis, *, errors="raise", progress=None, **fixed):
    r"""Regime and learned share over two inputs (N x k, N x P, N x c, ...).

    Parameters
    ----------
    model : Model or str
        The model.
    x_axis, y_axis : (str, array_like)
        ``(name, values)`` of the horizontal and the vertical axis.
    errors : {"raise", "nan"}
        Passed to the solver.
    progress : bool or callable, optional
        ``True``: a progress bar on stderr; a callable is called as
        ``progress(done, total)``, ``done`` counting the points solved up to
        ``total`` (see :func:`grid`). None or False (default): silent.
    **fixed
        Inputs held fixed.

    Returns
    -------
    SweepResult
        Two axes in the order ``x_axis, y_axis``: ``solution.regime[i, j]``
        is the regime at ``x = axes[x_name][i]``, ``y = axes[y_name][j]``
        (transpose for ``pcolormesh(x, y, Z.T)``); ``solution.learned_share``
        says where x dominates (> 1/2).

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.phase_diagram(pm.Model("linear"), ("N", [1, 100]), ("c", [10.0]), P=1e3)
    >>> r.solution.regime.tolist()      # linear cost: x* jumps from 0 to the budget at N = c
    [['none'], ['budget']]
    """
    progress = V.progress(progress)
    pairs = []
    for label, a in (("x_axis", x_axis), ("y_axis", y_axis)):
        if not (isinstance(a, (tuple, list)) and len(a) == 2 and isinstance(a[0], str)):
            raise InputError(f"`{label}` must be a (name, values) pair, got {a!r}")
        pairs.append(a)
    if pairs[0][0] == pairs[1][0]:
        raise InputError(f"`x_axis` and `y_axis` must differ, both are `{pairs[0][0]}`")
    return grid(model, {pairs[0][0]: pairs[0][1], pairs[1][0]: pairs[1][1]}, errors=errors,
                progress=progress, **fixed)


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
