"""``powermodel reproduce``: regenerate every figure, its data, the paper's numbers and PDF.

    powermodel reproduce [--out DIR] [--seed S] [--no-pdf] [--figure NAME ...] [--jobs J]
                         [--quiet]

Without ``--out`` it must run from the repository root and writes the
repository layout: ``figures/NAME.{pdf,png,csv}``, ``paper/generated/values.tex``
and ``paper/build/paper.pdf``. With ``--out DIR`` everything goes into ``DIR``
(``DIR/NAME.{pdf,png,csv}``, ``DIR/values.tex``, ``DIR/paper.pdf``). Every file
is written atomically, so an interrupted run leaves old files or new ones,
never half-written ones. Figures are rendered in ``--jobs`` worker processes
(default: one per CPU); the files are byte-identical whatever the number.
The paper is built in a private temporary folder and copied out, so any
folder name works for ``DIR``, and the PDF's bytes do not depend on it.
On a terminal, a progress bar on stderr counts the figures written (and the
PDF); piped or redirected, or with ``--quiet``, no progress is shown.
"""

import sys

from ._core import _seed, _whole, command, is_terminal


def _args(p):
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: the repository layout, figures/ and "
                        "paper/generated/, when run from the repository root)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the random analyses (default 0)")
    p.add_argument("--no-pdf", action="store_true", help="do not build the paper with latexmk")
    p.add_argument("--figure", action="append", default=None, metavar="NAME",
                   help="regenerate only this figure (repeatable; default: all)")
    p.add_argument("--jobs", type=_whole, default=None, metavar="J",
                   help="worker processes rendering figures (default and maximum: one per "
                        "CPU; they stop when this command stops)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar on stderr (there is none when stderr is not a terminal)")


@command("reproduce", "regenerate every figure (PDF, PNG, CSV), the paper's numbers and its PDF")
def _run(args):
    from ..figures import reproduce

    # a figure named twice is made once
    figures = list(dict.fromkeys(args.figure)) if args.figure is not None else None
    r = reproduce(args.out, seed=args.seed, build_pdf=False if args.no_pdf else None,
                  figures=figures, jobs=args.jobs,
                  progress=not args.quiet and is_terminal(sys.stderr))
    lines = [f"wrote {len(r.files)} files ({len(r.figures)} figures, {len(r.numbers)} numbers):"]
    lines += [f"  {p}" for p in r.files]
    if r.pdf is None:
        lines.append(r.pdf_note + (" (--no-pdf)" if args.no_pdf else ""))
    return "\n".join(lines)


_run.arguments = _args
