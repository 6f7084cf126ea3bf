"""Where the package's own files are: templates (shipped in the wheel) and catalogues."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def templates_dir() -> Path:
    """Return the templates folder: inside the wheel, or at the top of a source checkout."""
    for candidate in (_HERE / "templates", _HERE.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the residence templates are missing: reinstall residence")


def locale_dir() -> Path:
    """Return the folder of the message catalogues (locale/<lang>/LC_MESSAGES/<domain>.po)."""
    return _HERE / "locale"
