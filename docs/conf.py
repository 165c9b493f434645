"""Sphinx configuration of the powermodel documentation (``make -C docs html``).

Builds the markdown pages (MyST), a gallery of recipes (MyST markdown
notebooks in ``gallery/``, executed by myst-nb at every build), the paper's
figures with their code, and an API reference from the numpydoc docstrings
(autosummary). No Sphinx import at module level: pytest imports this file when
it collects doctests.
"""

import importlib.util
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "powermodel"
author = "the powermodel developers"
copyright = "2026, the powermodel developers"
release = version = "0.1.0"

extensions = [
    "myst_nb",  # MyST markdown (it includes myst_parser) and executed notebooks
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**/.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]

# The gallery: a page with a jupytext header (``gallery/*.md``) is a notebook,
# executed at every build in a fresh kernel (the ``python3`` kernel of the
# Python running Sphinx: ipykernel comes with the ``docs`` extra). A cell that
# raises, or that writes to stderr (a warning), fails the build (``-W``). Each
# notebook runs in a temporary working folder, so a relative path cannot land in
# the repository (the recipes write into tempfile.TemporaryDirectory anyway).
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120          # seconds per cell
nb_execution_in_temp = True
nb_output_stderr = "warn"
nb_merge_streams = True

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "alabaster"
html_title = "powermodel"
html_static_path = ["_static"]
html_css_files = ["gallery.css"]

# Math: MathJax 3 served from the site itself (no CDN, so formulas render
# offline). Its files come from the ``sphinx-mathjax-offline`` package (the
# ``docs`` extra), copied into ``_static/mathjax``. A missing package stops the
# build in ``setup`` below rather than falling back to a CDN.
_MATHJAX_PACKAGE = "sphinx-mathjax-offline"
_mathjax_spec = importlib.util.find_spec(_MATHJAX_PACKAGE)
if _mathjax_spec is not None:
    html_static_path.append(os.path.join(os.path.dirname(_mathjax_spec.origin), "static"))
mathjax_path = "mathjax/tex-mml-chtml.js"  # relative: under _static/


def setup(app):
    """Refuse to build without the local MathJax (no silent CDN fallback); let the
    notebooks' kernels draw inline."""
    if _mathjax_spec is None:
        from sphinx.errors import ConfigError
        raise ConfigError(
            f"the documentation serves MathJax itself and needs the Python package "
            f"{_MATHJAX_PACKAGE!r}: pip install -e '.[docs]'")
    # A kernel inherits this process's environment: with MPLBACKEND=Agg (as CI sets
    # it) its figures would not appear in the notebook. Without it, ipykernel
    # chooses its inline backend. Restored when the build ends.
    saved = os.environ.pop("MPLBACKEND", None)

    def restore(app, exception):
        if saved is not None:
            os.environ["MPLBACKEND"] = saved

    app.connect("build-finished", restore)
