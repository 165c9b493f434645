"""Plumbing shared by the paper's figures: the result type, the CSV and LaTeX
number formats, grids, and the file writing of every figure."""

import csv
import functools
import inspect
import io
import re
from pathlib import Path

import numpy as np

from .. import _io
from ..errors import InputError
from ..model import Model
from ..result import Result

#: The paper's base case: f(x) = x^2 (power family, c = 1, k = 2).
BASE = Model("power", c=1.0, k=2.0)
#: Its base optimization power (bits).
BASE_P = 1e6

_MACRO = re.compile(r"[A-Za-z]+")

class FigureResult(Result):
    """One drawn figure, its data, its numbers and the files written.

    Attributes
    ----------
    name : str
        Registry name (file stem).
    figure : matplotlib.figure.Figure
        The drawn figure.
    data : dict
        Columns ``panel``, ``series`` (str arrays), ``x``, ``y`` (float arrays):
        every number the figure plots, as in ``NAME.csv``.
    numbers : dict
        Quoted numbers, macro name -> float.
    values : dict
        The same, macro name -> LaTeX text.
    files : tuple of Path
        Files written (empty when no output folder was given).
    """

    __slots__ = ("name", "figure", "data", "numbers", "values", "files")
    _fields = __slots__

    def to_pandas(self):
        """:attr:`data` as a :class:`pandas.DataFrame` (the rows of ``NAME.csv``: ``panel``,
        ``series``, ``x``, ``y``); the quoted :attr:`numbers` in ``DataFrame.attrs``.
        Needs pandas."""
        from ..result import optional_import

        pd = optional_import("pandas", "pandas")
        df = pd.DataFrame({k: np.array(v) for k, v in self.data.items()})
        df.attrs.update(self.numbers)
        return df

    def to_xarray(self):
        """:attr:`data` as an :class:`xarray.Dataset` over ``point`` (the rows of
        ``NAME.csv``); the quoted :attr:`numbers` in ``Dataset.attrs``. Needs xarray."""
        from ..result import optional_import

        xr = optional_import("xarray", "xarray")
        return xr.Dataset({k: (("point",), np.array(v)) for k, v in self.data.items()},
                          attrs=dict(self.numbers))



def _figure(name, record, *, rows=1, height=2.5, dims=1):
    """Register a recipe as the paper figure ``name``: the plumbing around it.

    The recipe ``recipe(ax, **options)`` draws on the Axes it is given (a
    tuple of ``rows`` stacked Axes when ``rows > 1``; the figure is 3.4 in wide
    and ``height`` in tall) and returns what ``record`` needs;
    ``record(ax, drawn, **options)`` returns the keyword arguments ``table``,
    ``numbers`` (and optionally ``digits``, ``texts``) of :func:`_finish`: the
    CSV and the quoted numbers. The registered function takes ``out=None`` and
    ``seed=0`` besides the recipe's options, checks ``resolution`` (for ``dims``
    axes, before any grid is built), draws in :func:`powermodel.plotting.style`
    and writes the files.
    """
    def deco(recipe):
        sig = inspect.signature(recipe)
        params = list(sig.parameters.values())[1:]
        defaults = {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY}
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params)

        @functools.wraps(recipe)
        def figure(out=None, *, seed=0, **options):
            from .. import plotting as pl

            unknown = [k for k in options if k not in defaults]
            if unknown and not var_kw:
                raise TypeError(f"{name}() got an unexpected keyword argument {unknown[0]!r}")
            if out is not None:
                _io.check_path_name("out", out, "folder")
            opts = {**defaults, **options}
            if "seed" in defaults:
                opts["seed"] = seed
            if "resolution" in opts:
                opts["resolution"] = _check_resolution(opts["resolution"], dims)
            with pl.style():
                fig, axes = _new_figure(rows, height=height)
                ax = axes[0] if rows == 1 else tuple(axes)
                drawn = recipe(ax, **opts)
                return _finish(name, fig, out=out, **record(ax, drawn, **opts))

        out_param = inspect.Parameter("out", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        seed_param = [] if "seed" in defaults else [
            inspect.Parameter("seed", inspect.Parameter.KEYWORD_ONLY, default=0)]
        tail = [p for p in params if p.kind is p.VAR_KEYWORD]
        figure.__signature__ = sig.replace(parameters=[
            out_param, *[p for p in params if p.kind is p.KEYWORD_ONLY], *seed_param, *tail])
        figure.figure_name = name
        figure.recipe = recipe
        return figure
    return deco


class _Table:
    def __init__(self):
        self.rows = []

    def add(self, panel, series, x, y):
        x = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.broadcast_to(np.asarray(y, dtype=float), x.shape)
        self.rows += [(str(panel), str(series), float(a), float(b)) for a, b in zip(x, y)]

    def columns(self):
        cols = list(zip(*self.rows)) if self.rows else [(), (), (), ()]
        return {"panel": np.array(cols[0], dtype=str), "series": np.array(cols[1], dtype=str),
                "x": np.array(cols[2], dtype=float), "y": np.array(cols[3], dtype=float)}


def _fmt_float(v):
    """Shortest text that reads back as the same float (no digit is lost)."""
    return "nan" if v != v else repr(float(v))


def csv_text(data):
    """The CSV text of a figure's data (``panel,series,x,y``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["panel", "series", "x", "y"])
    for p, s, x, y in zip(data["panel"], data["series"], data["x"], data["y"]):
        w.writerow([p, s, _fmt_float(float(x)), _fmt_float(float(y))])
    return buf.getvalue()


def read_csv(path):
    """Read a figure CSV back into the column dict of :attr:`FigureResult.data`."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    cols = list(zip(*rows)) if rows else [(), (), (), ()]
    return {"panel": np.array(cols[0], dtype=str), "series": np.array(cols[1], dtype=str),
            "x": np.array(cols[2], dtype=float), "y": np.array(cols[3], dtype=float)}


def tex_number(v, digits=3):
    r"""A number as LaTeX text with ``digits`` significant figures.

    >>> tex_number(1154.7005), tex_number(2.5e-05), tex_number(123456.0), tex_number(0.5)
    ('1155', '\\ensuremath{2.5\\times10^{-5}}', '\\ensuremath{1.23\\times10^{5}}', '0.5')
    >>> tex_number(1e6), tex_number(999999.7), tex_number(99999.7)
    ('\\ensuremath{10^{6}}', '\\ensuremath{10^{6}}', '100000')
    """
    v = float(v)
    if v != v:
        return "n/a"
    if v == np.inf:
        return r"\ensuremath{\infty}"
    if v == 0:
        return "0"
    e = int(np.floor(np.log10(abs(v))))
    if not -3 <= e < 5:
        v = float(f"{v:.{digits}g}")
        e = int(np.floor(np.log10(abs(v))))
    if -3 <= e < 5:
        dec = max(digits - 1 - e, 0)
        s = f"{round(v, dec):.{dec}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    m = f"{v / 10 ** e:.{digits - 1}f}".rstrip("0").rstrip(".")
    if m == "10":
        m, e = "1", e + 1
    if m == "1":
        return rf"\ensuremath{{10^{{{e}}}}}"
    return rf"\ensuremath{{{m}\times10^{{{e}}}}}"


def _values(numbers, digits=None):
    digits = digits or {}
    return {k: tex_number(v, digits.get(k, 3)) for k, v in numbers.items()}


def _new_figure(rows=1, *, height=2.5):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4, height))
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0]
    return fig, list(axes)


def _save(fig, path, fmt):
    buf = io.BytesIO()
    meta = {"pdf": {"CreationDate": None, "ModDate": None, "Producer": "powermodel"},
            "png": {"Software": "powermodel"}}[fmt]
    fig.savefig(buf, format=fmt, metadata=meta)
    return _io.write_bytes(path, buf.getvalue())


def _finish(name, fig, table, numbers, out, digits=None, texts=None):
    """Check the macro names, write NAME.pdf/.png/.csv into ``out`` (if given)."""
    for k in [*numbers, *(texts or ())]:
        if not _MACRO.fullmatch(k):
            raise ValueError(f"macro name {k!r} must be letters only")
    data = table.columns()
    files = ()
    if out is not None:
        out = Path(out)
        files = (_save(fig, out / f"{name}.pdf", "pdf"), _save(fig, out / f"{name}.png", "png"),
                 _io.write_text(out / f"{name}.csv", csv_text(data)))
    return FigureResult(name=name, figure=fig, data=data, numbers=dict(numbers),
                        values={**_values(numbers, digits), **(texts or {})}, files=files)


def _grid(lo, hi, resolution):
    return np.logspace(np.log10(lo), np.log10(hi), int(resolution))


def log_grid(lo, hi, n, *, exact=()):
    """``n`` log-spaced values from ``lo`` to ``hi``, the nearest to each of ``exact`` replaced
    by that value (so quoted values such as N = 10^4 are on the grid exactly).

    >>> log_grid(1.0, 1000.0, 4, exact=(20.0,)).tolist()
    [1.0, 20.0, 100.0, 1000.0]
    """
    g = _grid(lo, hi, n)
    for p in exact:
        if lo <= p <= hi:
            g[int(np.argmin(np.abs(np.log(g / p))))] = p
    if np.any(np.diff(g) <= 0):
        raise InputError(f"`resolution` {n} is too coarse to hold the N values {exact}")
    return g


def _check_resolution(resolution, dims=1):
    """``resolution`` as an int >= 8, refused when a figure of ``dims`` axes of that many
    points would not fit the memory budget (before any grid is built)."""
    from .. import _memory
    from .. import _validation as V
    from ..solver import BYTES_PER_POINT

    r = V.real("resolution", resolution, low=8)
    if np.ndim(r):
        raise InputError("`resolution` must be a number of points, got an array")
    points = float(r) ** dims
    _memory.check(f"a figure at resolution {r:g} ({points:,.0f} points)",
                  points * (BYTES_PER_POINT + 32))
    return int(r)


def _letter(i):
    """A, B, ..., Z, AA, AB, ...: a macro-safe (letters only) key for the i-th item."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out



def _exact_number(v):
    import sympy as sp

    return sp.Rational(repr(float(v)))
