"""How results show themselves in notebooks: an HTML table of their scalar fields (IPython's rich display)."""

from __future__ import annotations

from html import escape

__all__ = ["Displayed"]


class Displayed:
    """A result with ``to_dict()``: ``_repr_html_`` tabulates its numbers, strings and truth values."""

    def to_dict(self) -> dict:  # pragma: no cover - every result defines it
        """The result as JSON-ready data."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{escape(str(key))}</th><td>{escape(_shown(value))}"
                       "</td></tr>" for key, value in self.to_dict().items()
                       if isinstance(value, str | int | float | bool) or value is None)
        return f"<table>{rows}</table>"


def _shown(value) -> str:
    return f"{value:.10g}" if isinstance(value, float) else str(value)
