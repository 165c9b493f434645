"""``powermodel derive``: the symbolic derivation on the command line.

    powermodel derive power --param c=1 --param k=2
    powermodel derive "c*x**2 + b*x" --latex
    powermodel derive overhead --param F=100 --param s=0.1 --param c=1 --param k=2 --P 1e6
"""

from .cli import _number, add_cost_arguments, command, params_dict

__all__ = []


def _args(p):
    add_cost_arguments(p)
    p.add_argument("--P", type=_number, default=None,
                   help="a value for P (needed for thresholds found numerically)")
    p.add_argument("--timeout", type=_number, default=None, metavar="SECONDS",
                   help="time limit of the derivation (default: "
                        "powermodel.symbolic.DERIVE_TIMEOUT, 60 s)")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")


@command("derive", "derive x*, the thresholds and the comparative statics symbolically")
def _run(args):
    from .model import Model

    from .symbolic import DERIVE_TIMEOUT

    timeout = DERIVE_TIMEOUT if args.timeout is None else args.timeout
    d = Model(args.cost, **params_dict(args.param)).symbolic.derive(P=args.P, timeout=timeout)
    return d.latex() if args.latex else d.text()


_run.arguments = _args
