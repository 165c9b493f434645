r"""Scenario files: a TOML file names the cost, the values, the ranges and the analysis.

A scenario is plain TOML with three parts::

    name = "x* against N, power-law cost"      # optional (default: file name)
    description = "..."                         # optional
    cost = "power"                              # a family name or an expression in x

    [params]                 # values of the cost parameters and of N, P, x_cap,
    c = 1.0                  # overlap, runtime_penalty: fixed inputs, and the
    k = 2.0                  # base point of one-at-a-time and local analyses
    P = 1e6

    [analysis]
    type = "sweep"           # sweep | grid | phase | oat | sobol | morris | montecarlo | local
    N = {start = 1, stop = 1e6, num = 61}       # options of that analysis

Axes are arrays of numbers or tables ``{start, stop, num, scale}`` (scale
``"log"``, the default, or ``"linear"``). Distributions are arrays
``["loguniform", 10, 1000]`` (see :mod:`powermodel.sensitivity`). ``output``
is a result field name or ``"log(field)"``.

============  ==================================================================
type          options
============  ==================================================================
sweep         ``N`` (axis), ``axes`` (table of further axes), ``errors``
grid          ``axes`` (table name -> axis), ``errors``
phase         ``x``, ``y`` (tables ``{name = "N", ...axis}``), ``errors``
oat           ``ranges`` (table name -> [low, high]), ``output``, ``errors``
sobol         ``distributions``, ``output``, ``n``, ``seed``, ``confidence_level``,
              ``n_resamples``, ``errors``
morris        ``distributions``, ``output``, ``trajectories``, ``levels``, ``seed``,
              ``confidence_level``, ``n_resamples``, ``backend``, ``errors``
montecarlo    ``distributions``, ``N`` (axis), ``n``, ``quantiles``, ``seed``,
              ``sampler``, ``errors``
local         ``outputs``, ``method``, ``step``, ``errors``
============  ==================================================================

Unknown keys are rejected with a :class:`~powermodel.errors.ScenarioError`
naming the key; cost expressions go through the safe expression parser.
A few scenarios ship with the package: :func:`bundled_scenarios` lists them
and :func:`load_scenario` accepts their names.

Examples
--------
>>> import powermodel as pm
>>> sc = pm.load_scenario("nsweep-power")
>>> sc.analysis, sc.command
('sweep', 'sweep')
>>> r = sc.run()
>>> float(r.solution.x[0, 1])          # N = 1, k = 2: x* = N / (2c)
0.5
"""

from pathlib import Path

import numpy as np

from . import _validation as V
from ._warnings import once_per_call
from .errors import InputError, ScenarioError

__all__ = ["load_scenario", "Scenario", "bundled_scenarios", "run_scenario", "ANALYSES"]

#: Analysis type -> (CLI command, allowed option keys).
ANALYSES = {
    "sweep": ("sweep", ("N", "axes", "errors")),
    "grid": ("sweep", ("axes", "errors")),
    "phase": ("sweep", ("x", "y", "errors")),
    "oat": ("sensitivity", ("ranges", "output", "errors")),
    "sobol": ("sensitivity", ("distributions", "output", "n", "seed", "confidence_level",
                              "n_resamples", "errors")),
    "morris": ("sensitivity", ("distributions", "output", "trajectories", "levels", "seed",
                               "confidence_level", "n_resamples", "backend", "errors")),
    "montecarlo": ("sensitivity", ("distributions", "N", "n", "quantiles", "seed", "sampler",
                                   "errors")),
    "local": ("sensitivity", ("outputs", "method", "step", "errors")),
    "nested": ("sweep", ("levels",)),
}
_ALIASES = {"tornado": "oat", "one_at_a_time": "oat", "monte_carlo": "montecarlo",
            "phase_diagram": "phase", "local_sensitivity": "local"}
_TOP = ("name", "description", "cost", "params", "analysis")
_AXIS_KEYS = ("start", "stop", "num", "scale", "values", "name")


def _scenario_dir():
    return Path(__file__).resolve().parent / "scenarios"


def bundled_scenarios():
    """Names of the scenarios shipped with powermodel.

    >>> "nsweep-power" in bundled_scenarios()
    True
    """
    return tuple(sorted(p.stem for p in _scenario_dir().glob("*.toml")))


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ImportError("reading scenarios on Python 3.10 needs tomli "
                              "(`pip install tomli`)") from None
    return tomllib


def _rebuild_scenario(fields):
    return Scenario(**fields)


class Scenario:
    """A checked scenario: a model, fixed values and one analysis.

    Attributes
    ----------
    name, description : str
    path : Path or None
    cost : str
        The cost family or expression.
    params : dict
        Values of cost parameters and model inputs.
    analysis : str
        One of :data:`ANALYSES`.
    options : dict
        The analysis options, with axes already expanded to arrays.
    """

    __slots__ = ("name", "description", "path", "cost", "params", "analysis", "options",
                 "_model")

    def __init__(self, *, name, description, path, cost, params, analysis, options, model):
        for k, v in dict(name=name, description=description, path=path, cost=cost,
                         params=params, analysis=analysis, options=options, _model=model).items():
            object.__setattr__(self, k, v)

    def __setattr__(self, name, value):
        raise AttributeError("Scenario is immutable")

    def __reduce__(self):  # pickle and copy: rebuilt through __init__
        return (_rebuild_scenario, ({k.lstrip("_"): getattr(self, k) for k in self.__slots__},))

    @property
    def model(self):
        """The :class:`~powermodel.Model` (cost and cost parameters)."""
        return self._model

    @property
    def command(self):
        """The CLI command that runs this scenario: ``"sweep"`` or ``"sensitivity"``."""
        return ANALYSES[self.analysis][0]

    @property
    def fixed(self):
        """The model inputs (N, P, ...) given in ``[params]``."""
        from .sweeps import MODEL_INPUTS

        return {k: v for k, v in self.params.items() if k in MODEL_INPUTS}

    def __repr__(self):
        return (f"Scenario({self.name!r}, cost={self.cost!r}, analysis={self.analysis!r}, "
                f"params={self.params!r})")

    @once_per_call
    def run(self, *, progress=None, seed=None):
        """Run the analysis and return its result object.

        Parameters
        ----------
        progress : bool or callable, optional
            ``True``: a progress bar on stderr (tqdm's when installed,
            otherwise one line rewritten in place); a callable is called as
            ``progress(done, total)``, ``done`` rising from 0 to ``total``
            in the units of the analysis's function (:func:`~powermodel.grid`,
            :func:`~powermodel.sobol`, ...); ``oat``, ``local`` and ``nested``
            analyses are one step. None or False (default): silent.
        seed : int, optional
            Overrides the file's seed (random analyses only).

        Returns
        -------
        SweepResult, SobolResult, MorrisResult, MonteCarloResult, OATResult or LocalSensitivity

        Examples
        --------
        >>> import powermodel as pm
        >>> seen = []
        >>> r = pm.load_scenario("nsweep-power").run(progress=lambda d, t: seen.append((d, t)))
        >>> r.shape, seen                   # 61 values of N x 3 of k, solved in one block
        ((61, 3), [(0, 183), (183, 183)])
        """
        from . import sensitivity as S
        from . import sweeps as W
        from ._progress import reporter

        progress = V.progress(progress)
        o = dict(self.options)
        if seed is not None:
            if "seed" not in ANALYSES[self.analysis][1]:
                raise InputError(f"analysis {self.analysis!r} is not random; it takes no seed")
            o["seed"] = seed
        a, m, fx = self.analysis, self.model, self.fixed
        if a in ("nested", "oat", "local"):
            with reporter(progress, 1, label=a, unit="steps") as rep:
                result = self._run_quick(a, m, fx, o)
                rep.advance()
            return result
        if a in ("sweep", "grid"):
            axes = dict(o.get("axes", {}))
            if a == "sweep":
                axes = {"N": o.get("N", W.DEFAULT_N), **axes}
            fixed = {k: v for k, v in fx.items() if k not in axes}
            return W.grid(m, axes, errors=o.get("errors", "raise"), progress=progress, **fixed)
        if a == "phase":
            (xn, xv), (yn, yv) = o["x"], o["y"]
            fixed = {k: v for k, v in fx.items() if k not in (xn, yn)}
            return W.phase_diagram(m, (xn, xv), (yn, yv), errors=o.get("errors", "raise"),
                                   progress=progress, **fixed)
        dists = o["distributions"]
        fixed = {k: v for k, v in fx.items() if k not in dists}
        if a == "sobol":
            return S.sobol(m, dists, progress=progress, **_opts(
                o, "output", "n", "seed", "confidence_level", "n_resamples", "errors"), **fixed)
        if a == "morris":
            return S.morris(m, dists, progress=progress, **_opts(
                o, "output", "trajectories", "levels", "seed", "confidence_level",
                "n_resamples", "backend", "errors"), **fixed)
        fixed.pop("N", None)
        return S.monte_carlo(m, dists, progress=progress, **_opts(
            o, "N", "n", "quantiles", "seed", "sampler", "errors"), **fixed)

    def _run_quick(self, a, m, fx, o):
        """The analyses without progress reports of their own: nested, oat, local."""
        from . import sensitivity as S

        if a == "nested":
            from .extensions import nested_from_specs

            first = {"cost": self.cost, **{k: v for k, v in self.params.items() if k != "P"}}
            return nested_from_specs([first, *o["levels"]], P=self.params["P"])
        if a == "oat":
            return S.one_at_a_time(m, o["ranges"], **_opts(o, "output", "errors"), **fx)
        return S.local_sensitivity(m, fx, **_opts(o, "outputs", "method", "step", "errors"))

    def write(self, path, result=None, **run_options):
        """Write ``result`` (run the scenario if None) as CSV or JSON by the suffix of ``path``.

        Returns the path written (atomically).
        """
        from .sweeps import check_suffix

        suffix = check_suffix(path)
        if result is None:
            result = self.run(**run_options)
        return result.to_csv(path) if suffix == ".csv" else result.to_json(path)


def _opts(o, *keys):
    return {k: o[k] for k in keys if k in o}


# ---------------------------------------------------------------------------
# loading and checking
# ---------------------------------------------------------------------------

def _err(where, msg):
    return ScenarioError(f"{where}: {msg}")


def _number(where, key, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err(where, f"`{key}` must be a number, got {_short(v)}")
    try:
        return float(v)
    except OverflowError:
        raise _err(where, f"`{key}` is too large for a float: an integer of "
                          f"{len(str(abs(v)))} digits") from None


def _short(v):
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _axis(where, key, spec, *, named=False):
    """An axis: a list of numbers or {start, stop, num, scale} (or {name, values})."""
    if isinstance(spec, list):
        if not spec:
            raise _err(where, f"axis `{key}` is empty")
        return np.array([_number(where, f"{key}[{i}]", v) for i, v in enumerate(spec)])
    if not isinstance(spec, dict):
        raise _err(where, f"axis `{key}` must be a list of numbers or a table "
                          f"{{start, stop, num, scale}}, got {spec!r}")
    allowed = _AXIS_KEYS if named else tuple(k for k in _AXIS_KEYS if k != "name")
    for k in spec:
        if k not in allowed:
            raise _err(where, f"unknown key `{key}.{k}` (known: {', '.join(allowed)})")
    if "values" in spec:
        extra = [k for k in ("start", "stop", "num", "scale") if k in spec]
        if extra:
            raise _err(where, f"axis `{key}` has both `values` and `{extra[0]}`")
        return _axis(where, key, spec["values"])
    missing = [k for k in ("start", "stop", "num") if k not in spec]
    if missing:
        raise _err(where, f"axis `{key}` needs `{missing[0]}` (or `values`)")
    start = _number(where, f"{key}.start", spec["start"])
    stop = _number(where, f"{key}.stop", spec["stop"])
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise _err(where, f"`{key}.num` must be a positive integer, got {num!r}")
    from . import _memory
    from .solver import BYTES_PER_POINT

    # every axis is solved over: refuse, before building it, one too long to solve once
    _memory.check(f"axis `{key}` of {num:,} points (solved at each)",
                  num * (BYTES_PER_POINT + 8))
    scale = spec.get("scale", "log")
    if scale not in ("log", "linear"):
        raise _err(where, f"`{key}.scale` must be 'log' or 'linear', got {scale!r}")
    if scale == "log":
        if not (start > 0 and stop > 0):
            raise _err(where, f"a log axis `{key}` needs start > 0 and stop > 0, "
                              f"got {start:g} and {stop:g}")
        return np.geomspace(start, stop, num)
    return np.linspace(start, stop, num)


def _output(where, key, v):
    from .sensitivity._common import _LOG_OUTPUT, _LogOf, NUMERIC_FIELDS

    if not isinstance(v, str):
        raise _err(where, f"`{key}` must be a field name or 'log(field)', got {v!r}")
    m = _LOG_OUTPUT.match(v)
    field = m.group(1) if m else v.strip()
    if field not in NUMERIC_FIELDS:
        raise _err(where, f"`{key}` must name a numeric result field ({', '.join(NUMERIC_FIELDS)})"
                          f" or 'log(field)', got {v!r}")
    if not m:
        return field
    return _LogOf(field)


def _levels(where, v):
    """``analysis.levels``: the inner levels of a nested chain, outermost first."""
    from .model import Model

    if not isinstance(v, list):
        raise _err(where, f"`levels` must be a list of tables, got {v!r}")
    out = []
    for i, lv in enumerate(v, 2):
        w = f"levels[{i - 2}]"
        if not isinstance(lv, dict) or not isinstance(lv.get("cost"), str):
            raise _err(where, f"`{w}` must be a table with a `cost` string, got {lv!r}")
        if "N" not in lv:
            raise _err(where, f"`{w}` needs `N`")
        vals = {k: _number(where, f"{w}.{k}", x) for k, x in lv.items() if k != "cost"}
        try:
            bare = Model(lv["cost"])
            extra = [k for k in vals if k not in bare.parameters
                     and k not in ("N", "x_cap", "overlap", "runtime_penalty")]
            if extra:
                raise _err(where, f"unknown key `{w}.{extra[0]}` (inputs of this cost: "
                                  f"{', '.join(bare.parameters + ('N', 'x_cap', 'overlap', 'runtime_penalty'))})")
            Model(lv["cost"], **{k: x for k, x in vals.items() if k in bare.parameters})
        except ScenarioError:
            raise
        except InputError as exc:
            raise _err(where, f"`{w}`: {exc}") from None
        out.append({"cost": lv["cost"], **vals})
    return tuple(out)


def _check_options(where, analysis, raw, model, model_params=()):
    from .sensitivity import parse_distribution
    from .sweeps import known_inputs

    options = {}
    inputs = known_inputs(model)

    def need_table(key, v):
        if not isinstance(v, dict):
            raise _err(where, f"`{key}` must be a table, got {v!r}")
        for name in v:
            if name not in inputs:
                raise _err(where, f"unknown input `{key}.{name}` (known: {', '.join(inputs)})")
        return v

    for key, v in raw.items():
        w = f"[analysis] {key}"
        if key == "N":
            options[key] = _axis(where, "N", v)
        elif key == "axes":
            options[key] = {k: _axis(where, f"axes.{k}", a) for k, a in need_table(key, v).items()}
        elif key in ("x", "y"):
            if not isinstance(v, dict) or "name" not in v:
                raise _err(where, f"`{key}` must be a table with `name` and the axis, got {v!r}")
            if v["name"] not in inputs:
                raise _err(where, f"unknown input `{key}.name = {v['name']!r}` "
                                  f"(known: {', '.join(inputs)})")
            options[key] = (v["name"], _axis(where, key, v, named=True))
        elif key == "ranges":
            rg = {}
            for k, pair in need_table(key, v).items():
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise _err(where, f"`ranges.{k}` must be [low, high], got {pair!r}")
                rg[k] = (_number(where, f"ranges.{k}", pair[0]),
                         _number(where, f"ranges.{k}", pair[1]))
            options[key] = rg
        elif key == "distributions":
            ds = {}
            for k, spec in need_table(key, v).items():
                try:
                    parse_distribution(k, spec)
                except InputError as exc:
                    raise _err(where, f"`distributions.{k}`: {exc}") from None
                ds[k] = tuple(spec)
            options[key] = ds
        elif key == "output":
            options[key] = _output(where, key, v)
        elif key == "outputs":
            vals = [v] if isinstance(v, str) else v
            if not isinstance(vals, list) or not vals:
                raise _err(where, f"`outputs` must be a list of field names, got {v!r}")
            options[key] = tuple(vals)
        elif key == "quantiles":
            if not isinstance(v, list) or not v:
                raise _err(where, f"`quantiles` must be a list of numbers, got {v!r}")
            options[key] = tuple(_number(where, "quantiles", q) for q in v)
        elif key == "levels" and analysis == "nested":
            options[key] = _levels(where, v)
        elif key in ("n", "seed", "trajectories", "levels", "n_resamples"):
            if isinstance(v, bool) or not isinstance(v, int):
                raise _err(where, f"`{key}` must be an integer, got {v!r}")
            options[key] = v
        elif key in ("confidence_level", "step"):
            options[key] = _number(where, key, v)
        elif key in ("errors", "method", "sampler", "backend"):
            if not isinstance(v, str):
                raise _err(where, f"`{key}` must be a string, got {v!r}")
            options[key] = v
        else:  # pragma: no cover - keys are checked against ANALYSES first
            raise _err(where, f"unknown key `{w}`")
    if analysis == "nested":
        for k in ("N", "P"):
            if k not in model_params:
                raise _err(where, f"a nested analysis needs `params.{k}` (the first level's)")
        options.setdefault("levels", ())
    if analysis == "grid" and "axes" not in options:
        raise _err(where, "a grid analysis needs `axes`")
    if analysis == "phase" and not ("x" in options and "y" in options):
        raise _err(where, "a phase analysis needs `x` and `y`")
    if analysis == "oat" and "ranges" not in options:
        raise _err(where, "an oat analysis needs `ranges`")
    if analysis in ("sobol", "morris", "montecarlo") and "distributions" not in options:
        raise _err(where, f"a {analysis} analysis needs `distributions`")
    return options


#: The largest scenario file read, in bytes (a scenario is a few hundred bytes).
MAX_SCENARIO_BYTES = 1 << 20


def _resolve(path):
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise InputError(f"scenario must be a TOML file or a bundled scenario name, got "
                         f"{path!r}")
    p = Path(path)
    try:
        if p.exists():
            return p
        if p.is_symlink():
            raise InputError(f"scenario `{path}` is a broken symbolic link (or a loop of them)")
    except OSError as exc:  # a name too long for the file system
        from ._io import _short_path

        raise InputError(f"scenario `{_short_path(path)}` cannot be used: "
                         f"{exc.strerror or exc}") from None
    if p.suffix == "" and not p.parent.parts:
        q = _scenario_dir() / f"{p.name}.toml"
        if q.exists():
            return q
    raise InputError(f"scenario `{path}` not found (bundled scenarios: "
                     f"{', '.join(bundled_scenarios())})")


def _read_text(p, where):
    """The file's text: a regular file, at most MAX_SCENARIO_BYTES, UTF-8."""
    from ._io import NotRegularFile, read_regular

    try:
        data = read_regular(p, MAX_SCENARIO_BYTES)
    except NotRegularFile as exc:
        raise InputError(f"scenario {exc}; give a TOML file") from None
    if len(data) > MAX_SCENARIO_BYTES:
        raise _err(where, f"larger than {MAX_SCENARIO_BYTES} bytes (MAX_SCENARIO_BYTES); "
                          "a scenario is a short TOML file")
    try:
        # a byte-order mark (some Windows editors write one) is not part of the TOML
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _err(where, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start}); TOML files are UTF-8") from None


#: The deepest nesting of arrays and tables a scenario may have (the deepest needed is 3).
MAX_SCENARIO_DEPTH = 16


def _depth(v, level=0):
    if level > MAX_SCENARIO_DEPTH:
        return level
    if isinstance(v, dict):
        return max((_depth(x, level + 1) for x in v.values()), default=level + 1)
    if isinstance(v, list):
        return max((_depth(x, level + 1) for x in v), default=level + 1)
    return level


def load_scenario(path):
    """Read and check a scenario file (or the name of a bundled scenario).

    Parameters
    ----------
    path : str or Path
        A TOML file, or a bundled scenario name such as ``"nsweep-power"``.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        For malformed TOML, unknown keys (named), bad values.

    Examples
    --------
    >>> import tempfile, pathlib, powermodel as pm
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = f.write_text('cost = "power"\\n[params]\\nc = 1.0\\nk = 2.0\\nN = 100\\nP = 1e6\\n'
    ...                  '[analysis]\\ntype = "local"\\nmethod = "finite-difference"\\n')
    >>> round(pm.load_scenario(f).run().elasticities["x"]["N"], 6)
    1.0
    >>> _ = f.write_text('cost = "power"\\ncolour = "red"\\n[analysis]\\ntype = "sweep"\\n')
    >>> pm.load_scenario(f)
    Traceback (most recent call last):
    ...
    powermodel.errors.ScenarioError: ...s.toml: unknown key `colour` (known: name, description, cost, params, analysis)
    """
    from .model import Model
    from .sweeps import known_inputs

    p = _resolve(path)
    where = str(p)
    tomllib = _toml()
    text = _read_text(p, where)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _err(where, f"not valid TOML: {exc}") from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_SCENARIO_DEPTH:
        raise _err(where, f"arrays or tables nested deeper than {MAX_SCENARIO_DEPTH} levels "
                          "(MAX_SCENARIO_DEPTH)")
    for k in data:
        if k not in _TOP:
            raise _err(where, f"unknown key `{k}` (known: {', '.join(_TOP)}){V.suggest(k, _TOP)}")
    for k in ("cost", "analysis"):
        if k not in data:
            raise _err(where, f"missing `{k}`")
    name = data.get("name", p.stem)
    desc = data.get("description", "")
    for k, v in (("name", name), ("description", desc), ("cost", data["cost"])):
        if not isinstance(v, str):
            raise _err(where, f"`{k}` must be a string, got {v!r}")
    try:
        bare = Model(data["cost"])
    except InputError as exc:
        raise _err(where, f"`cost`: {exc}") from None
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise _err(where, f"`params` must be a table, got {params!r}")
    known = known_inputs(bare)
    for k in params:
        if k not in known:
            raise _err(where, f"unknown key `params.{k}` (inputs of this cost: "
                              f"{', '.join(known)}){V.suggest(k, known)}")
    params = {k: _number(where, f"params.{k}", v) for k, v in params.items()}
    cost_params = {k: v for k, v in params.items() if k in bare.parameters}
    try:
        model = Model(data["cost"], **cost_params)
    except InputError as exc:
        raise _err(where, str(exc)) from None
    an = data["analysis"]
    if not isinstance(an, dict):
        raise _err(where, f"`analysis` must be a table, got {an!r}")
    if "type" not in an:
        raise _err(where, f"missing `analysis.type` (one of: {', '.join(ANALYSES)})")
    kind = an["type"]
    kind = _ALIASES.get(kind, kind) if isinstance(kind, str) else kind
    if kind not in ANALYSES:
        raise _err(where, f"unknown analysis type {an['type']!r} (known: {', '.join(ANALYSES)})")
    allowed = ANALYSES[kind][1]
    for k in an:
        if k != "type" and k not in allowed:
            raise _err(where, f"unknown key `analysis.{k}` for a {kind} analysis "
                              f"(known: {', '.join(('type',) + allowed)}){V.suggest(k, allowed)}")
    options = _check_options(where, kind, {k: v for k, v in an.items() if k != "type"}, model,
                             params)
    return Scenario(name=name, description=desc, path=p, cost=data["cost"], params=params,
                    analysis=kind, options=options, model=model)


def run_scenario(path, out=None, *, command=None, progress=None, seed=None):
    """Load a scenario, run it and write its result to ``out`` (CSV or JSON by suffix).

    Parameters
    ----------
    path : str or Path
        Scenario file or bundled scenario name.
    out : str or Path, optional
        Output file; default ``<scenario file stem>.csv`` in the current folder.
    command : {"sweep", "sensitivity"}, optional
        Refuse analyses that belong to the other command.
    progress : bool or callable, optional
        Passed to :meth:`Scenario.run`: ``True`` for a progress bar on
        stderr, ``progress(done, total)`` for a function of the counts.
    seed : int, optional
        Overrides the scenario's seed (random analyses).

    Returns
    -------
    (Path, result, Scenario)
    """
    from .sweeps import check_suffix

    sc = load_scenario(path)
    if command is not None and sc.command != command:
        raise InputError(f"scenario `{path}` is a {sc.analysis} analysis; run it with "
                         f"`powermodel {sc.command}`")
    out = Path(out) if out is not None else Path(f"{sc.path.stem}.csv")
    check_suffix(out)
    result = sc.run(progress=progress, seed=seed)
    return sc.write(out, result), result, sc


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
