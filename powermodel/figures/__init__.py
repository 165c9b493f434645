r"""The paper's figures and numbers, regenerated from code.

:data:`FIGURES` maps each figure's name to a function that computes its data
(deterministically; random analyses are seeded), draws it and, given an
output folder, writes ``NAME.pdf``, ``NAME.png`` and ``NAME.csv`` (the numbers
it plots, long format ``panel,series,x,y``). Every function takes the model or
costs and parameters it uses, with the paper's values as defaults, so any
figure can be redrawn for another cost in a few lines::

    import tempfile
    import powermodel as pm
    r = pm.FIGURES["optimum"](models={"mine": pm.Model("c*x**1.5 + 3*x", c=2.0)}, P=1e5)
    r.figure.savefig(tempfile.mkdtemp() + "/mine.png")   # or out=folder: PDF, PNG, CSV

Each figure is a recipe over :mod:`powermodel.plotting` (``FIGURES[name].recipe``:
given its Axes and options, it solves, draws and returns what the figure records);
the wrapper around it checks ``resolution``, applies the style, makes the figure
and writes the files. The docs' page of the paper's figures shows every recipe.

:func:`reproduce` regenerates every figure, its CSV and ``values.tex`` (every
number quoted in the paper, as ``\newcommand`` macros), and builds the paper
with latexmk when it is installed. All files are written atomically.

Examples
--------
>>> import powermodel as pm
>>> r = pm.FIGURES["decomposition"](resolution=40)
>>> round(r.numbers["dominanceN"], 3)      # N where x* reaches half of g*: sqrt(4P/3)
1154.701
>>> sorted(pm.FIGURES)[:3]
['cost_depends_on_N', 'decomposition', 'jumps']
"""

from ._common import (BASE, BASE_P, FigureResult, csv_text, log_grid, read_csv,  # noqa: F401
                      tex_number)
from .growth import (GAMMA_MODEL, LOGN_MODEL, cost_depends_on_N, gamma_thresholds,  # noqa: F401
                     nested_novel)
from .optima import (JUMP_MODEL, OPTIMUM_MODELS, decomposition, jumps,  # noqa: F401
                     landscape, optimum)
from .phases import (OVERLAP_PHASE_MODEL, PHASE_MODEL, overlap_phase,  # noqa: F401
                     overlap_threshold, phase)
from .registry import (FIGURES, LATEX_ENV, Reproduction, build_paper,  # noqa: F401
                       paper_source, reproduce, write_values)
from .relaxations import multiplier, overlap, speed_prior  # noqa: F401
from .sensitivities import (SENS_BASE, SENS_DISTRIBUTIONS, SENS_MODEL,  # noqa: F401
                            SENS_N, monte_carlo, morris, sobol, tornado)

__all__ = ["FIGURES", "FigureResult", "Reproduction", "reproduce", "write_values", "paper_source",
           "BASE", "BASE_P"]
