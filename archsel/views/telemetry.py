"""Renders `archsel import`: what was read and written, and measured beside simulated (table or JSON)."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, TextIO

from archsel.views.common import console_for, fmt_number, write_json
from archsel.views.layout import NOT_APPLICABLE, fit_columns

if TYPE_CHECKING:
    from archsel.telemetry.importer import ImportReport
    from archsel.telemetry.measure import Measured, Percentiles


def import_document(report: ImportReport) -> dict[str, Any]:
    """The JSON form: the profile's path, what was measured, and each check."""
    return {
        "profile": str(report.profile_path),
        "trace": str(report.trace_path),
        "measured": measured_document(report.measured),
        "checks": [
            {
                "metric": check.metric,
                "measured": _number(check.measured),
                "simulated": _number(check.simulated),
                "error": _number(check.error),
            }
            for check in report.check.checks
        ],
        "architecture": report.check.architecture,
        "causes": list(report.check.causes),
        "notes": list(report.check.notes),
        "lines": {"malformed": report.malformed, "ignored": report.ignored, "malformed_at": list(report.malformed_at)},
    }


def measured_document(measured: Measured) -> dict[str, Any]:
    """The measured figures (null where the source cannot tell)."""
    keep = measured.keep_alive
    return {
        "source": measured.source,
        "origin": measured.origin,
        "requests": _number(measured.requests),
        "window_s": _number(measured.window_s),
        "mean_rps": _number(measured.mean_rps),
        "peak_rps": _number(measured.peak_rps),
        "duration_ms": _percentiles(measured.duration_ms),
        "cold_start_ratio": _number(measured.cold_start_ratio),
        "init_ms": _percentiles(measured.init_ms),
        "peak_concurrency": _number(measured.peak_concurrency),
        "memory_mb": measured.memory_mb,
        "memory_used_mb": _number(measured.memory_used_mb),
        "error_ratio": _number(measured.error_ratio),
        "routes": [{"route": r.key, "requests": r.requests} for r in measured.routes],
        "keep_alive_s": None if keep is None else _number(keep.estimate_s),
    }


def _percentiles(values: Percentiles | None) -> dict[str, float | None] | None:
    if values is None:
        return None
    return {"count": values.count, "mean": _number(values.mean), "p50": _number(values.p50),
            "p95": _number(values.p95), "p99": _number(values.p99)}  # fmt: skip


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def render_import(report: ImportReport, *, fmt: str, stream: TextIO) -> None:
    """Write an import report to ``stream`` in the chosen format (read/written lines go to stderr for the table)."""
    if fmt == "json":
        write_json(import_document(report), stream)
        return
    from rich.table import Table

    _summary(report)
    table = Table(title=f"Measured vs simulated ({report.check.architecture})")
    for column in ("metric", "measured", "simulated", "error"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for check in report.check.checks:
        table.add_row(
            check.metric,
            _cell(check.metric, check.measured),
            _cell(check.metric, check.simulated),
            NOT_APPLICABLE if check.error is None else f"{check.error:+.1%}",
        )
    console = console_for(stream)
    fit_columns(table, console.width)
    console.print(table)
    for cause in report.check.causes:
        console.print(f"disagrees: {cause}", markup=False)
    for note in report.check.notes:
        console.print(f"note: {note}", markup=False)


def _cell(metric: str, value: float | None) -> str:
    if value is None:
        return NOT_APPLICABLE
    if metric.endswith("ratio"):
        return f"{value:.3%}"
    if metric.endswith("usd"):
        return f"${value:,.2f}"
    return fmt_number(value, 2)


def _summary(report: ImportReport) -> None:
    measured = report.measured
    sys.stderr.write(f"read {measured.origin}\n")
    if report.malformed:
        where = ", ".join(report.malformed_at)
        sys.stderr.write(f"skipped {report.malformed:,} malformed lines (first at {where})\n")
    sys.stderr.write(f"wrote {report.profile_path} and {report.trace_path}\n")
