"""Renders a sweep: a summary table (Rich, markdown), JSON, CSV and parquet rows, and an HTML report with charts."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from archsel.cost.components import to_usd
from archsel.errors import ArchselError, UsageError
from archsel.study.sweep import ArchOutcome, Flip, PointResult, SweepResult
from archsel.views.common import console_for, write_json
from archsel.views.html_sweep import render_sweep_html
from archsel.views.layout import fit_columns, is_narrow, print_records
from archsel.views.sweep_summary import footer_lines, summary_headers, summary_rows

if TYPE_CHECKING:
    from rich.console import Console

OUT_SUFFIXES = (".csv", ".parquet", ".json", ".html", ".md")
_METRICS = ("monthly_usd", "monthly_usd_half_width", "p99_ms", "error_ratio", "cold_start_ratio", "meets_slos")


def check_out_path(path: Path) -> None:
    """Refuse an --out whose format is unknown before anything runs."""
    if path.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(f"--out {path}: unknown format {path.suffix!r}", hint=f"use one of {', '.join(OUT_SUFFIXES)}")


# ----------------------------------------------------------------------------- rows and documents


def sweep_rows(result: SweepResult) -> list[dict[str, Any]]:
    """One flat row per point: varied values, each architecture's figures, the cheapest, what is missing."""
    return [_row(result, point) for point in result.points]


def _row(result: SweepResult, point: PointResult) -> dict[str, Any]:
    row: dict[str, Any] = {"point": point.point.index}
    row.update({axis.path: value for axis, value in zip(result.plan.axes, point.point.values, strict=True)})
    row["seed"] = point.point.seed
    for architecture in result.plan.architectures:
        outcome = point.outcome(architecture)
        row.update({f"{architecture}_{name}": _metric(outcome, name) for name in _METRICS})
    row["cheapest"] = point.cheapest
    row["cheapest_meeting_slos"] = point.cheapest_meeting_slos
    row["why_none_met"] = point.why_none_met
    row["missing"] = "; ".join(failure.describe() for failure in point.failures) or None
    return row


def _metric(outcome: ArchOutcome | None, name: str) -> Any:
    if outcome is None:
        return None
    value = getattr(outcome, name)
    if name == "monthly_usd":
        return to_usd(value)
    return round(value, 6) if isinstance(value, float) else value


def flip_document(flip: Flip) -> dict[str, Any]:
    """One flip as JSON."""
    return {
        "axis": flip.axis,
        "fixed": dict(flip.fixed),
        "below": flip.below,
        "above": flip.above,
        "cheaper_below": flip.cheaper_below,
        "cheaper_above": flip.cheaper_above,
        "crossing": None if flip.crossing is None else round(flip.crossing, 6),
    }


def sweep_document(result: SweepResult) -> dict[str, Any]:
    """The `archsel sweep --format json` document."""
    plan = result.plan
    return {
        "profile": plan.base.name,
        "source": plan.source,
        "region": plan.base.region,
        "pricing_as_of": {table.region: table.as_of.isoformat() for table in result.prices},
        "architectures": list(plan.architectures),
        "axes": [{"path": axis.path, "values": list(axis.values)} for axis in plan.axes],
        "seeds": "per point: sha256 of the profile seed and the point's values",
        "points": sweep_rows(result),
        "flips": [flip_document(flip) for flip in result.flips],
        "missing_points": [point.point.index for point in result.missing],
    }


# ----------------------------------------------------------------------------- summary for people


def render_sweep(result: SweepResult, *, fmt: str, stream: TextIO) -> None:
    """Write the sweep to ``stream`` as a table, markdown or JSON."""
    if fmt == "json":
        write_json(sweep_document(result), stream)
        return
    if fmt == "markdown":
        stream.write(markdown_summary(result))
        return
    from rich import box
    from rich.table import Table

    console = console_for(stream)
    title = f"Sweep of {result.plan.base.name} ({len(result.points)} points)"
    if is_narrow(console):
        _print_stacked(result, title, console)
        return
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )  # no column rules: many columns fit
    for header in summary_headers(result):
        table.add_column(header, justify="left" if header.startswith("cheapest") else "right")
    for row in summary_rows(result):
        table.add_row(*row)
    fit_columns(table, console.width)
    console.print(table)
    for line in footer_lines(result):
        console.print(line, markup=False, highlight=False)


def _print_stacked(result: SweepResult, title: str, console: Console) -> None:
    """One record per point (headed by its values) for a terminal too narrow for a column per figure."""
    axes = len(result.plan.axes)
    headers = [header.replace(".\n", ".").replace("\n", " ") for header in summary_headers(result)]
    rows = [
        [", ".join(f"{name}={value}" for name, value in zip(headers[:axes], row[:axes], strict=True)), *row[axes:]]
        for row in summary_rows(result)
    ]
    print_records(console, title, ["point", *headers[axes:]], rows)
    for line in footer_lines(result):
        console.print(line, markup=False, highlight=False)


def markdown_summary(result: SweepResult) -> str:
    """The summary as a markdown table with its notes."""
    headers = summary_headers(result)
    lines = [
        f"# Sweep of `{result.plan.base.name}`",
        "",
        "| " + " | ".join(header.replace("\n", " ") for header in headers) + " |",
        "|" + "---|" * len(headers),
        *["| " + " | ".join(row) + " |" for row in summary_rows(result)],
        "",
        *[f"- {line}" for line in footer_lines(result)],
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- files


def write_sweep(result: SweepResult, path: Path) -> None:
    """Write the sweep to ``path`` in the format its suffix names (.csv, .parquet, .json, .html, .md)."""
    check_out_path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        write_parquet(sweep_rows(result), path)
        return
    if suffix == ".csv":
        text = csv_text(sweep_rows(result))
    elif suffix == ".json":
        import json

        text = json.dumps(sweep_document(result), indent=2, sort_keys=True, allow_nan=False) + "\n"
    elif suffix == ".md":
        text = markdown_summary(result)
    else:
        text = render_sweep_html(result)
    path.write_text(text, encoding="utf-8")


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV with a header (empty cells for missing values)."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    """Rows as a parquet file (needs pyarrow: the parquet extra)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ArchselError(
            f"--out {path}: writing parquet needs pyarrow", hint="pip install 'archsel[parquet]', or use --out FILE.csv"
        ) from error
    pq.write_table(pa.Table.from_pylist(rows), str(path))
