"""``powermodel derive``: the symbolic derivation on the command line.

    powermodel derive power --param c=1 --param k=2
    powermodel derive "c*x**2 + b*x" --latex
    powermodel derive overhead --param F=100 --param s=0.1 --param c=1 --param k=2 --P 1e6
"""

from ._core import _number, _whole, add_cost_arguments, command, params_dict

__all__ = []

# The library's notes name Python calls; on the command line, say the option or command.
_CLI_SYNTAX = (
    ("the numeric solver Model.solve", "the numeric solver (powermodel solve)"),
    ("use Model.solve (thresholds() gives the jump point numerically)",
     "use powermodel solve (derive with --P and every --param gives the jump point)"),
    ("use Model.solve", "use powermodel solve"),
    ("give every cost parameter a numeric value and P (thresholds(P=...))",
     "give every cost parameter a value (--param NAME=VALUE) and --P VALUE"),
    ("thresholds(P=...)", "--P VALUE"),
)


def _cli_syntax(text):
    for python, cli in _CLI_SYNTAX:
        text = text.replace(python, cli)
    return text


def _digits(text):
    import argparse

    v = _whole(text)
    if not 1 <= v <= 30:
        raise argparse.ArgumentTypeError(f"`--digits` must be between 1 and 30, got {v}")
    return v


def _args(p):
    add_cost_arguments(p)
    p.add_argument("--P", type=_number, default=None,
                   help="a value for P (needed for thresholds found numerically)")
    p.add_argument("--timeout", type=_number, default=None, metavar="SECONDS",
                   help="time limit of the derivation (default: "
                        "powermodel.symbolic.DERIVE_TIMEOUT, 60 s)")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    p.add_argument("--digits", type=_digits, default=6,
                   help="significant digits of numbers found numerically (default 6)")


@command("derive", "derive x*, the thresholds and the comparative statics symbolically")
def _run(args):
    from ..model import Model

    from ..symbolic import DERIVE_TIMEOUT

    from ..errors import UnsolvableError

    timeout = DERIVE_TIMEOUT if args.timeout is None else args.timeout
    try:
        d = Model(args.cost, **params_dict(args.param)).symbolic.derive(P=args.P, timeout=timeout)
    except UnsolvableError as exc:  # a refusal (exit 2), in the command line's words
        raise UnsolvableError(_cli_syntax(str(exc))) from None
    if args.latex:
        return d.latex(digits=args.digits)
    lines = d.text(digits=args.digits).splitlines()
    return "\n".join(_cli_syntax(ln) if ln.startswith("note: ") else ln for ln in lines)


_run.arguments = _args
