"""The input distributions of the global analyses (``("uniform", low, high)``, ...)."""

import math

import numpy as np

from .. import _validation as V
from ..errors import InputError
from ..sweeps import check_inputs


#: Distribution kinds and the numbers each takes.
DISTRIBUTIONS = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "normal": ("mu", "sd"),
    "lognormal": ("mu", "sigma"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
}


class _Dist:
    """One input's distribution: kind, numbers, support and inverse CDF."""

    __slots__ = ("name", "kind", "args")

    def __init__(self, name, kind, args):
        self.name, self.kind, self.args = name, kind, args

    @property
    def support(self):
        a, kind = self.args, self.kind
        if kind == "normal":
            return (-math.inf, math.inf)
        if kind == "lognormal":
            return (0.0, math.inf)
        return (a[0], a[-1])

    @property
    def bounded(self):
        lo, hi = self.support
        return math.isfinite(lo) and math.isfinite(hi)

    def ppf(self, u):
        """Values at probabilities ``u`` in [0, 1] (vectorised)."""
        u = np.asarray(u, dtype=float)
        a = self.args
        if self.kind == "uniform":
            return a[0] + u * (a[1] - a[0])
        if self.kind == "loguniform":
            return np.exp(math.log(a[0]) + u * (math.log(a[1]) - math.log(a[0])))
        if self.kind == "fixed":
            return np.full(u.shape, a[0])
        from scipy import special

        if self.kind == "normal":
            return a[0] + a[1] * special.ndtri(u)
        if self.kind == "lognormal":
            return np.exp(a[0] + a[1] * special.ndtri(u))
        # triangular: inverse CDF in closed form
        lo, mode, hi = a
        fc = (mode - lo) / (hi - lo)
        with np.errstate(invalid="ignore"):
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < fc, left, right)

    def __repr__(self):
        return f"({self.kind!r}, {', '.join(f'{v:g}' for v in self.args)})"


def parse_distribution(name, spec):
    """Check one ``(kind, *numbers)`` spec and return a distribution object.

    >>> parse_distribution("c", ("loguniform", 0.1, 10))
    ('loguniform', 0.1, 10)
    >>> parse_distribution("c", ("uniform", 2, 1))
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: distribution of `c`: ('uniform', low, high) needs low < high, got low=2, high=1
    """
    if not isinstance(spec, (tuple, list)) or not spec or not isinstance(spec[0], str):
        raise InputError(f"distribution of `{name}` must be a tuple like ('uniform', low, high), "
                         f"got {spec!r}")
    kind = spec[0].strip().lower().replace("-", "").replace("_", "")
    kind = {"lognormal": "lognormal", "loguniform": "loguniform", "triang": "triangular",
            "constant": "fixed"}.get(kind, kind)
    if kind not in DISTRIBUTIONS:
        raise InputError(f"unknown distribution `{spec[0]}` for `{name}` "
                         f"(known: {', '.join(DISTRIBUTIONS)})")
    need = DISTRIBUTIONS[kind]
    sig = f"({kind!r}, {', '.join(need)})"
    if len(spec) - 1 != len(need):
        raise InputError(f"distribution of `{name}`: {sig} takes {len(need)} number"
                         f"{'s' if len(need) > 1 else ''}, got {len(spec) - 1}")
    args = tuple(V.real(f"{name}.{p}", v) for p, v in zip(need, spec[1:]))
    for p, a, v in zip(need, args, spec[1:]):  # (V.real takes arrays: a bound is a number)
        if np.ndim(a):
            raise InputError(f"`{name}.{p}` must be a number, got {V._short(v)}")
    raw = dict(zip(need, spec[1:]))

    def bad(cond, text):
        if cond:
            got = ", ".join(f"{k}={v!r}" for k, v in raw.items())
            raise InputError(f"distribution of `{name}`: {sig} needs {text}, got {got}")

    if kind == "uniform":
        bad(not args[0] < args[1], "low < high")
    elif kind == "loguniform":
        bad(not 0 < args[0] < args[1], "0 < low < high")
    elif kind == "normal":
        bad(not args[1] > 0, "sd > 0")
    elif kind == "lognormal":
        bad(not args[1] > 0, "sigma > 0")
    elif kind == "triangular":
        bad(not (args[0] <= args[1] <= args[2] and args[0] < args[2]),
            "low <= mode <= high and low < high")
    return _Dist(name, kind, args)


def _parse_distributions(model, distributions, fixed):
    """Split ``distributions`` into varied ones and fixed values; check supports."""
    from ..solver import _rules

    if not isinstance(distributions, dict):
        raise InputError(f"`distributions` must be a dict of name -> (kind, ...), "
                         f"got {distributions!r}")
    check_inputs(model, distributions, fixed, "a distribution and a fixed value")
    rules = _rules(model.cost)
    varied, fixed_out = {}, {}
    for k, v in fixed.items():
        if k == "x_cap" and v is None:
            continue
        if np.ndim(v) != 0:
            raise InputError(f"fixed input `{k}` must be a scalar, got shape {np.shape(v)}")
        fixed_out[k] = V.real(k, v, **rules.get(k, {}))
    for k, spec in distributions.items():
        d = parse_distribution(k, spec)
        _check_support(d, rules.get(k, {}))
        if d.kind == "fixed":
            fixed_out[k] = d.args[0]
        else:
            varied[k] = d
    return varied, fixed_out


def _check_support(d, rule):
    lo, hi = d.support
    low, high = rule.get("low"), rule.get("high")
    open_lo = d.kind == "lognormal"  # support (0, inf)
    if low is not None:
        ok = lo > low if rule.get("low_open") and not open_lo else lo >= low
        if not ok:
            what = ("positive" if rule.get("low_open") else "non-negative") if low == 0 else \
                f"{'>' if rule.get('low_open') else '>='} {low:g}"
            raise InputError(f"`{d.name}` must be {what}, but its distribution {d!r} reaches "
                             f"{lo:g}" + ("; use a lognormal or a bounded distribution"
                                          if d.kind == "normal" else ""))
    if high is not None:
        ok = hi < high if rule.get("high_open") else hi <= high
        if not ok:
            raise InputError(f"`{d.name}` must be {'<' if rule.get('high_open') else '<='} "
                             f"{high:g}, but its distribution {d!r} reaches {hi:g}")
