"""Sphinx configuration of the powermodel documentation (``make -C docs html``).

Builds the markdown pages (MyST), an API reference from the numpydoc
docstrings (autosummary) and a gallery of the paper's figures. No Sphinx
import at module level: pytest imports this file when it collects doctests.
"""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "powermodel"
author = "the powermodel developers"
copyright = "2026, the powermodel developers"
release = version = "0.1.0"

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**/.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "alabaster"
html_title = "powermodel"
html_static_path = []
