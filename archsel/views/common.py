"""Renders result models for people (Rich tables, plain when piped) and for scripts (JSON, markdown)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from archsel.api import ValidationReport
    from archsel.profile.presets import InitResult, Preset


def console_for(stream: TextIO) -> Console:
    """Console for results written to ``stream``: colour only on a terminal and without NO_COLOR.

    A terminal is used at its real width, with or without colour. Anything else (a pipe, an --out
    file) gets plain text COLUMNS wide when that is set, else 120, so a file reads the same
    whichever terminal wrote it.
    """
    from rich.console import Console

    terminal = stream.isatty()
    plain = not terminal or "NO_COLOR" in os.environ
    width = None if terminal else _columns_or(120)
    return Console(file=stream, no_color=plain, highlight=False, width=width, force_terminal=terminal)


def _columns_or(default: int) -> int:
    """The width COLUMNS asks for (a positive number), else ``default``."""
    text = os.environ.get("COLUMNS", "")
    return int(text) if text.isdigit() and int(text) > 0 else default


def stderr_console() -> Console:
    """Console for progress and logs."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


def write_json(document: Any, stream: TextIO) -> None:
    """Write ``document`` to ``stream`` as stable, sorted-key JSON (byte-identical for equal input)."""
    stream.write(json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n")


def fmt_number(value: float, digits: int = 2) -> str:
    """Thousands separators, trailing zeros dropped: 1234567.5 -> '1,234,567.5'."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def validation_document(report: ValidationReport) -> dict[str, Any]:
    """The JSON form of a validation report."""
    return {
        "profile": report.profile.name,
        "source": report.source,
        "region": report.profile.region,
        "valid": True,
        "traffic": {
            "shape": report.profile.traffic.shape,
            "mean_rps": round(report.mean_rps, 6),
            "peak_rps": round(report.peak_rps, 6),
            "trough_rps": round(report.trough_rps, 6),
            "requests_per_month": round(report.requests_per_month),
        },
        "request": {
            "mean_duration_ms": round(report.mean_duration_ms, 3),
            "lambda_mean_duration_ms": round(report.lambda_mean_duration_ms, 3),
        },
        "lambda_concurrency": {
            "mean": round(report.lambda_concurrency_mean, 3),
            "peak": round(report.lambda_concurrency_peak, 3),
        },
        "notices": list(report.notices),
    }


def render_validation(report: ValidationReport, *, fmt: str, stream: TextIO) -> None:
    """Write a validation report to ``stream`` in the chosen format (table, json or markdown)."""
    if fmt == "json":
        write_json(validation_document(report), stream)
        return
    rows = [
        ("Traffic shape", report.profile.traffic.shape),
        ("Mean rate", f"{fmt_number(report.mean_rps, 3)} req/s"),
        ("Peak rate", f"{fmt_number(report.peak_rps, 3)} req/s"),
        ("Monthly requests", fmt_number(report.requests_per_month)),
        (
            "Mean request time",
            f"{fmt_number(report.mean_duration_ms)} ms at 1 vCPU; "
            f"{fmt_number(report.lambda_mean_duration_ms)} ms on Lambda at {report.profile.lambda_.memory_mb} MB",
        ),
        (
            "Lambda concurrency (Little's law)",
            f"{fmt_number(report.lambda_concurrency_mean)} mean, {fmt_number(report.lambda_concurrency_peak)} at peak",
        ),
    ]
    title = f"{report.profile.name}: valid profile ({report.source})"
    if fmt == "markdown":
        lines = [f"### {title}", "", "| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows]]
        lines += [f"- note: {n}" for n in report.notices]
        stream.write("\n".join(lines) + "\n")
        return
    from rich.table import Table

    from archsel.views.layout import fit_columns

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    console = console_for(stream)
    fit_columns(table, console.width)
    console.print(table)
    for notice in report.notices:
        console.print(f"note: {notice}", markup=False)


# ----------------------------------------------------------------------------- init and presets


def render_presets(presets: tuple[Preset, ...], *, stream: TextIO) -> None:
    """List the shipped presets to ``stream``, one per line: name, then its one-line description.

    Plain text only: `archsel init` has no --format.
    """
    width = max((len(preset.name) for preset in presets), default=0)
    lines = [f"{preset.name:<{width}}  {preset.description}".rstrip() for preset in presets]
    stream.write("\n".join(lines) + "\n")


def render_init(result: InitResult, *, stream: TextIO) -> None:
    """Say on ``stream`` what `archsel init` wrote and what to run next (plain text only)."""
    lines = []
    for path in result.written:
        verb = "overwrote" if path in result.overwritten else "wrote"
        lines.append(f"{verb} {path}")
    lines.append(f"preset: {result.preset}; next: archsel validate {result.profile_path}")
    stream.write("\n".join(lines) + "\n")
