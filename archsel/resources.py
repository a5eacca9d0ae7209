"""The one place that finds the shipped data folders: templates/, pricing/ and scenarios/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_FOLDERS = ("templates", "pricing", "scenarios")


@cache
def data_root() -> Path:
    """Folder holding the data folders: inside the wheel, or the source checkout when editable."""
    installed = _PACKAGE_DIR / "_data"
    if (installed / "pricing").is_dir():
        return installed
    return _PACKAGE_DIR.parent


def templates_dir() -> Path:
    """Root of the Jinja2 template sets (one folder per set)."""
    return data_root() / "templates"


def pricing_dir() -> Path:
    """Root of the price tables (pricing/aws/<region>.yaml)."""
    return data_root() / "pricing"


def scenarios_dir() -> Path:
    """Root of the shipped example workload profiles."""
    return data_root() / "scenarios"
