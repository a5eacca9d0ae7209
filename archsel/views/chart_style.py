"""Colours and words of the report charts: one distinct colour per service, human names for series."""

from __future__ import annotations

# Twenty colours no two alike (matplotlib's tab20 order, dark shades first, then light ones): a
# cost breakdown lists up to a dozen services, and the default cycle of ten repeated its first colour.
SERVICE_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip

SERIES_NAMES: dict[str, str] = {
    "concurrency": "concurrent executions",
    "environments": "execution environments",
    "busy": "busy environments",
    "tasks_in_service": "tasks in service",
    "in_service": "tasks in service",
    "tasks_running": "tasks running",
    "running": "tasks running",
    "tasks": "tasks",
    "cold_starts": "cold starts",
}


def service_colour(index: int) -> str:
    """The colour of the ``index``-th service of a chart (distinct for the first 20)."""
    return SERVICE_PALETTE[index % len(SERVICE_PALETTE)]


def series_name(column: str) -> str:
    """A series column in words ("tasks_in_service" -> "tasks in service")."""
    return SERIES_NAMES.get(column, column.replace("_", " "))
