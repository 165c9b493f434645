"""``powermodel nested``: a chain of nested levels on the command line."""

import argparse
import json

from ._core import _number, command

__all__ = []


def _level(text):
    """``"COST; N=100; c=1; k=2"`` -> ``{"model": COST, "N": 100.0, "c": 1.0, "k": 2.0}``."""
    parts = [t.strip() for t in text.split(";")]
    if not parts[0]:
        raise argparse.ArgumentTypeError(f"a level starts with its cost, got {text!r}")
    out = {"cost": parts[0]}
    for item in parts[1:]:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(f"expected NAME=VALUE in level {text!r}, got {item!r}")
        if name.strip() in out:  # (as a repeated --param: never silently the last one)
            raise argparse.ArgumentTypeError(f"`{name.strip()}` given twice in level {text!r}")
        out[name.strip()] = _number(value)
    return out


def _args(p):
    p.add_argument("--P", type=_number, required=True, help="the outermost budget, bits")
    p.add_argument("--level", type=_level, action="append", required=True,
                   metavar='"COST; N=VALUE; NAME=VALUE ..."',
                   help="one level, outermost first (repeatable); options: N, x_cap, overlap, "
                        "runtime_penalty and the cost's parameters")
    p.add_argument("--json", action="store_true", help="JSON for scripts")


@command("nested", "solve a chain of nested levels (each level's x* is the next one's budget)")
def _run(args):
    from ..extensions import nested_from_specs

    r = nested_from_specs(args.level, P=args.P)
    if args.json:
        from ..sweeps import jsonable

        # strict JSON: a non-finite number is null, the level's regime says why
        return json.dumps(jsonable([s.to_dict() for s in r.levels]), allow_nan=False)
    rows = [f"{'level':>5}  {'N':>12}  {'budget P':>14}  {'x*':>14}  {'value':>14}  regime"]
    for i, (s, n, b) in enumerate(zip(r.levels, r.N, r.budgets), 1):
        rows.append(f"{i:>5}  {n:>12.6g}  {b:>14.8g}  {s.x:>14.8g}  {s.value:>14.8g}  {s.regime}")
    return "\n".join(rows)


_run.arguments = _args
