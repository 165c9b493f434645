r"""The model's relaxations beyond the paper, and what they do to its conclusion.

All of them are options of the same model, solved by the same global solver
(:func:`powermodel.solve`), so they sweep and enter sensitivity analyses like
any other input:

* **Shared structure** (``overlap`` :math:`\rho \in [0, 1]`): a share
  :math:`\rho` of each instance's tuning carries over to every other instance,
  so the base optimizer gives each instance
  :math:`(P - f(x))(1 + \rho (N - 1)) / N`; the effective diversity is
  :math:`N_{eff} = N / (1 + \rho (N - 1))`, which tends to :math:`1/\rho` as
  :math:`N \to \infty`. So x* stays bounded: it tends to the solution of
  :math:`f'(x) = (1 - \lambda)/\rho` (:func:`large_N_limit`), and so does the
  compute multiplier :math:`M = P'/P = (f(0) + N_{eff} g^*)/P` (for
  :math:`f = c x^2`: :math:`M \to 1 + 1/(4 c \rho^2 P)`). The learned share
  :math:`(1 - \lambda) x^*/g^*` tends to the paper's share at
  :math:`N = (1 - \lambda)/\rho`, so x still comes to dominate if and only if
  :math:`\rho < \rho_c = (1 - \lambda)/N_{dom}`
  (:meth:`~powermodel.symbolic.SymbolicModel.overlap_threshold`; for
  :math:`f = c x^2`, :math:`\rho_c = (1 - \lambda)\sqrt{3/(4 c P)}` and the share
  tends to :math:`2/(1 + 4 c \rho^2 P/(1 - \lambda)^2)`).
* **Speed prior** (``runtime_penalty`` :math:`\lambda \in [0, 1)`): the learned
  algorithm contributes :math:`(1 - \lambda) x`, and the learned share counts
  that contribution, :math:`(1 - \lambda) x^*/g^*` (everywhere in the package).
* **Costs that depend on N**: any cost using ``N`` (the family
  ``"power-logN"``, :math:`c x^k (1 + \beta \ln N)`, or an expression such as
  ``"c*x**k*N**g"``). x* is then no longer guaranteed to grow with N: the
  increasing-differences argument needs :math:`\partial f/\partial N = 0`.
  For ``c*x**k*N**g``, :math:`x^* = (N^{1-g} / (c k))^{1/(k-1)}` falls with N
  when g > 1.
* **Nested levels** (:func:`nested`): the run-time power per instance chosen
  at one level is the budget of the next.
* **Novel instances**: :attr:`Solution.novel_value` is the power on an
  instance not seen in training, :math:`(1 - \lambda) x^* + \rho (P - f(x^*))`,
  and :attr:`Solution.novel_ratio` its ratio to the training value.

With :math:`\rho = \lambda = 0`, a chain of one level and a cost free of N,
each reduces exactly to the paper's model.
"""

import numpy as np

from . import _validation as V
from .errors import InputError
from .model import Model
from .result import Result

__all__ = ["nested", "nested_from_specs", "NestedResult", "large_N_limit", "LargeNLimit"]


class NestedResult(Result):
    """The optimum of every level of a nested chain.

    Attributes
    ----------
    levels : tuple of Solution
        Level by level, outermost first.
    x : tuple of float or ndarray
        x* of each level (the budget of the next level).
    budgets : tuple of float or ndarray
        The budget P of each level (the first is the given P).
    N : tuple
        Each level's number of instances.
    """

    __slots__ = ("levels", "x", "budgets", "N")
    _fields = __slots__

    def _rows(self):
        from .result import Solution

        fields = [f for f in Solution._fields]
        header = ["level", "N", "budget", *fields]
        rows = [[i, n, b, *(getattr(s, f) for f in fields)]
                for i, (s, n, b) in enumerate(zip(self.levels, self.N, self.budgets), 1)]
        return header, rows

    def to_csv(self, path):
        """One row per level (scalar levels only): level, N, budget, every field. Atomic."""
        from .sweeps import dump_csv

        if any(np.ndim(s.x) for s in self.levels):
            raise InputError("to_csv needs scalar levels; use to_json for arrays")
        header, rows = self._rows()
        return dump_csv(path, header, rows)

    def to_json(self, path):
        """``{"levels": [{"level", "N", "budget", **fields}, ...]}`` as JSON. Atomic."""
        from .sweeps import dump_json

        header, rows = self._rows()
        return dump_json(path, {"levels": [dict(zip(header, r)) for r in rows]})

    def _shape(self):
        """The shape every level's fields, ``N`` and budget broadcast to (() when scalar)."""
        return np.broadcast_shapes(*(np.shape(s.x) for s in self.levels),
                                   *(np.shape(n) for n in self.N),
                                   *(np.shape(b) for b in self.budgets))

    def _stacked(self, what):
        """Column name -> array of shape ``(levels, *shape)``: ``N``, ``budget``, every
        field; sized against the memory budget first."""
        from . import _memory
        from .result import Solution

        shape = self._shape()
        n = len(self.levels) * int(np.prod(shape))
        _memory.check(f"{what} of a nested result of {n:,} level points",
                      n * (8 * (len(Solution._fields) + 2) + 64 * 2))
        cols = {"N": self.N, "budget": self.budgets,
                **{f: [getattr(s, f) for s in self.levels] for f in Solution._fields}}
        return shape, {k: np.stack([np.broadcast_to(np.asarray(v), shape) for v in vs])
                       for k, vs in cols.items()}

    def to_pandas(self):
        """A tidy :class:`pandas.DataFrame` (needs pandas): ``N``, ``budget`` and every
        field of each level.

        Scalar levels: one row per level, indexed by ``level`` (1 = outermost).
        Levels over arrays: one row per level and point, indexed by ``level`` and
        ``point`` (the position in the broadcast shape of the levels, C order).
        """
        from .result import optional_import

        pd = optional_import("pandas", "pandas")
        shape, cols = self._stacked("to_pandas")
        size = int(np.prod(shape))
        levels = np.repeat(np.arange(1, len(self.levels) + 1), size)
        frame = pd.DataFrame({k: v.reshape(-1) for k, v in cols.items()})
        if not shape:
            return frame.set_index(pd.Index(levels, name="level"))
        points = np.tile(np.arange(size), len(self.levels))
        return frame.set_index(pd.MultiIndex.from_arrays([levels, points],
                                                         names=["level", "point"]))

    def to_xarray(self):
        """An :class:`xarray.Dataset` (needs xarray): ``N``, ``budget`` and every field
        over ``level`` (1 = outermost) and, for levels over arrays, the axes of
        their broadcast shape, ``dim_0``, ``dim_1``, ..."""
        from .result import optional_import

        xr = optional_import("xarray", "xarray")
        shape, cols = self._stacked("to_xarray")
        dims = ["level", *(f"dim_{i}" for i in range(len(shape)))]
        return xr.Dataset({k: (dims, v) for k, v in cols.items()},
                          coords={"level": np.arange(1, len(self.levels) + 1)})


def _level(spec, i):
    if isinstance(spec, Model):
        raise InputError(f"level {i}: give (model, N) or a dict with 'model' and 'N', "
                         "not a bare Model")
    if isinstance(spec, dict):
        spec = dict(spec)
        if "model" not in spec or "N" not in spec:
            raise InputError(f"level {i}: a level needs 'model' and 'N', got keys {sorted(spec)}")
        model = spec.pop("model")
        return (model if isinstance(model, Model) else Model(model)), spec
    try:
        model, N = spec
    except (TypeError, ValueError):
        raise InputError(f"level {i}: expected (model, N), (model, dict) or a dict, "
                         f"got {spec!r}") from None
    if isinstance(model, dict):
        raise InputError(f"level {i}: expected (model, N) or (model, dict), got a dict "
                         f"first: {spec!r}")
    model = model if isinstance(model, Model) else Model(model)
    if isinstance(N, dict):
        opts = dict(N)
        if "N" not in opts:
            raise InputError(f"level {i}: a (model, dict) level needs 'N' in the dict, "
                             f"got keys {sorted(opts)}")
        return model, opts
    return model, {"N": N}


def nested(levels, *, P):
    r"""Solve a chain of nested levels.

    Level 1 has budget ``P``; its run-time power per instance x*_1 is the
    budget of level 2, and so on:

    .. math:: P_1 = P, \qquad x^*_i = \arg\max_x g_i(x; N_i, P_i), \qquad P_{i+1} = x^*_i.

    Parameters
    ----------
    levels : sequence
        Each level is ``(model, N)``, ``(model, {"N": ..., **solve options})``
        or a dict ``{"model": ..., "N": ..., **solve options}``; the solve
        options are ``x_cap``, ``overlap``, ``runtime_penalty`` and cost
        parameters. ``model`` is a :class:`Model` or a cost (a family name or
        an expression), so ``("power", {"N": 100, "c": 1.0, "k": 2.0})`` is a
        level.
    P : float or array_like
        The outermost budget.

    Returns
    -------
    NestedResult

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.nested([(pm.Model("power", c=1.0, k=2.0), 100),
    ...                (pm.Model("power", c=1.0, k=2.0), 10)], P=1e6)
    >>> r.x, r.budgets
    ((50.0, 5.0), (1000000.0, 50.0))
    >>> pm.nested([("power", {"N": 100, "c": 1.0, "k": 2.0})], P=1e6).x
    (50.0,)
    """
    if isinstance(levels, (str, bytes)) or not hasattr(levels, "__len__") or len(levels) == 0:
        raise InputError(f"`levels` must be a non-empty sequence of levels, got {levels!r}")
    budget = V.real("P", P, low=0)
    sols, xs, budgets, Ns = [], [], [], []
    for i, spec in enumerate(levels, 1):
        model, opts = _level(spec, i)
        budgets.append(budget)
        s = model.solve(P=budget, **opts)
        if np.any(np.isinf(s.x)):
            raise InputError(f"level {i} is unbounded (x* = inf): give it a compute cap x_cap")
        sols.append(s)
        xs.append(s.x)
        Ns.append(opts["N"])
        budget = s.x
    return NestedResult(levels=tuple(sols), x=tuple(xs), budgets=tuple(budgets), N=tuple(Ns))


class LargeNLimit(Result):
    """The optimum as N grows without bound, with shared structure rho > 0.

    Attributes
    ----------
    x : float or ndarray
        lim x*(N) as N -> inf: the argmax of ``x - f(x) rho / (1 - lambda)``
        over the feasible set (``f'(x) = (1 - lambda)/rho`` at an interior point).
    value : float or ndarray
        lim g*(N) = ``rho (P - f(x)) + (1 - lambda) x``.
    n_limit : float or ndarray
        The limit of the effective diversity, ``(1 - lambda) / rho``.
    regime : str or ndarray of str
    """

    __slots__ = ("x", "value", "n_limit", "regime")
    _fields = __slots__

    def to_pandas(self):
        """A column per field, a row per point (C order; one row for scalars). Needs pandas."""
        from .result import _flat_frame

        return _flat_frame(self, self._fields)

    def to_xarray(self):
        """An :class:`xarray.Dataset` with a variable per field over the broadcast shape
        of the fields (``dim_0``, ``dim_1``, ...; 0-d for scalars). Needs xarray."""
        from .result import _xarray_dataset

        shape = np.broadcast_shapes(*(np.shape(getattr(self, f)) for f in self._fields))
        return _xarray_dataset({f: getattr(self, f) for f in self._fields}, shape,
                               [f"dim_{i}" for i in range(len(shape))], {}, {}, "LargeNLimit")


def large_N_limit(model, *, P, overlap, runtime_penalty=0.0, x_cap=None, **params):
    r"""The limit of x* and g* as N -> inf when instances share structure.

    With overlap rho > 0 the effective diversity
    ``N (1 - lambda) / (1 + rho (N - 1))`` tends to ``(1 - lambda)/rho``, so x*
    tends to the optimum of the paper's model at ``N = (1 - lambda)/rho``: it
    stays bounded, however diverse the environment.

    Examples
    --------
    >>> import powermodel as pm
    >>> m = pm.Model("power", c=1.0, k=2.0)
    >>> pm.large_N_limit(m, P=1e6, overlap=0.1).x     # f'(x) = 2x = 1/0.1
    5.0
    """
    if not isinstance(model, Model):
        model = Model(model)
    if model.cost.depends_on_N:
        raise InputError(f"cost {model.cost.name!r} depends on N: its large-N limit is not "
                         "the fixed point of f'(x) = (1 - lambda)/rho; sweep N instead")
    rho = V.real("overlap", overlap, low=0, low_open=True, high=1)
    lam = V.real("runtime_penalty", runtime_penalty, low=0, high=1, high_open=True)
    n_lim = (1 - lam) / rho
    s = model.solve(N=n_lim, P=P, x_cap=x_cap, **params)
    f_x = s.budget_share * P  # f(x*)
    value = rho * (P - f_x) + (1 - lam) * s.x
    return LargeNLimit(x=s.x, value=value, n_limit=n_lim, regime=s.regime)


def nested_from_specs(specs, *, P):
    """:func:`nested` from plain level dicts ``{"cost": ..., "N": ..., **params and options}``.

    Options (``N``, ``x_cap``, ``overlap``, ``runtime_penalty``) are passed to
    solve; every other key is a cost parameter (used by the CLI and scenario files).

    >>> nested_from_specs([{"cost": "power", "N": 100, "c": 1.0, "k": 2.0}], P=1e6).x
    (50.0,)
    """
    levels = []
    for i, spec in enumerate(specs, 1):
        spec = dict(spec)
        if "cost" not in spec:
            raise InputError(f"level {i}: missing `cost`")
        cost = spec.pop("cost")
        opts = {k: spec.pop(k) for k in ("N", "x_cap", "overlap", "runtime_penalty") if k in spec}
        if "N" not in opts:
            raise InputError(f"level {i}: missing `N`")
        levels.append({"model": Model(cost, **spec), **opts})
    return nested(levels, P=P)


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
