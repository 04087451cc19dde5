"""``freecalc`` and ``python -m freecalc``: the command line (:mod:`.cli`)."""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """``freecalc ...``: :func:`freecalc.cli.main`, imported when the command runs."""
    from .cli import main as run_command_line

    run_command_line(argv)


if __name__ == "__main__":
    main()
