"""``python -m freecalc`` runs the command line."""

from .cli import main

main()
