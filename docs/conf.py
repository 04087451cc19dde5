"""Sphinx configuration of freecalc's documentation; build it with ``python docs/build.py`` (see there)."""

project = "freecalc"
author = "freecalc contributors"
copyright = "freecalc contributors"  # noqa: A001 (Sphinx's name)

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_nb"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "build.py", "**.ipynb_checkpoints"]

# Google-style docstrings (the style ruff enforces); signatures as written, type hints in the description.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_typehints = "description"
autodoc_member_order = "bysource"

# The notebooks arrive executed (docs/build.py runs them at reduced sizes): never execute them here.
nb_execution_mode = "off"
nb_merge_streams = True

html_theme = "alabaster"
html_static_path = []
html_theme_options = {"description": "closed forms of traces in free families, checked by Monte Carlo"}
