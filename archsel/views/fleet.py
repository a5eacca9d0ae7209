"""Renders the fleet summary of `archsel recommend` over several profiles: table, markdown, JSON and HTML."""

from __future__ import annotations

import html
from typing import Any, TextIO

from archsel.profile.architecture import Architecture
from archsel.study.fleet import FleetEntry, FleetSummary
from archsel.views.charts import PAGE_STYLE, new_figure, svg
from archsel.views.common import console_for, fmt_number, write_json
from archsel.views.layout import NOT_APPLICABLE, fit_columns, is_narrow, print_records

HEADERS = ["service", "choice", "USD/month", "SLOs", "best lambda", "best fargate", "cheaper side flips at"]


def fleet_document(fleet: FleetSummary) -> dict[str, Any]:
    """The fleet summary as JSON."""
    return {
        "fleet": {
            "services": [_entry_document(entry) for entry in fleet.entries],
            "total_monthly_usd": round(fleet.total_usd, 2),
            "by_choice": [
                {"architecture": t.architecture, "services": t.services, "monthly_usd": round(t.monthly_usd, 2)}
                for t in fleet.by_choice
            ],
            "all_on": {arch: None if usd is None else round(usd, 2) for arch, usd in fleet.all_on},
            "flip_order": [entry.profile for entry in fleet.flip_order],
        }
    }


def _entry_document(entry: FleetEntry) -> dict[str, Any]:
    return {
        "profile": entry.profile,
        "choice": entry.choice,
        "description": entry.description,
        "monthly_usd": round(entry.monthly_usd, 2),
        "meets_slos": entry.meets_slos,
        "best_usd": {arch: round(usd, 2) for arch, usd in entry.best_usd},
        "flip": None
        if entry.flip_factor is None
        else {
            "traffic_factor": round(entry.flip_factor, 6),
            "mean_rps": entry.flip_rps,
            "cheaper_above": entry.flips_to,
        },
    }


def _usd(value: float | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value:,.2f}"


def fleet_rows(fleet: FleetSummary) -> list[list[str]]:
    """One row per service."""
    return [
        [
            e.profile,
            e.description,
            _usd(e.monthly_usd),
            "pass" if e.meets_slos else "FAIL",
            _usd(e.best(Architecture.LAMBDA)),
            _usd(e.best(Architecture.FARGATE)),
            _flip_text(e),
        ]
        for e in fleet.entries
    ]


def _flip_text(entry: FleetEntry) -> str:
    if entry.flip_factor is None:
        return "does not flip as traffic grows"
    rps = f" ({fmt_number(entry.flip_rps)} req/s)" if entry.flip_rps is not None else ""
    return f"{fmt_number(entry.flip_factor)}x traffic{rps}: {entry.flips_to}"


def fleet_lines(fleet: FleetSummary) -> list[str]:
    """Totals per choice, all-on-one totals, and the flip order."""
    lines = [f"Fleet total as recommended: {_usd(fleet.total_usd)} USD a month."]
    lines += [f"  {t.services} on {t.architecture}: {_usd(t.monthly_usd)} USD a month" for t in fleet.by_choice]
    lines += [
        f"  everything on {arch}: {_usd(usd) + ' USD a month' if usd is not None else 'not possible for every service'}"
        for arch, usd in fleet.all_on
    ]
    order = fleet.flip_order
    if order:
        lines.append("First to flip as traffic grows: " + "; ".join(f"{e.profile} at {_flip_text(e)}" for e in order))
    else:
        lines.append("No service's cheaper architecture flips as its traffic grows (within 10,000x).")
    return lines


def render_fleet(fleet: FleetSummary, *, fmt: str, stream: TextIO) -> None:
    """Write the fleet summary to ``stream`` in ``fmt`` (table, markdown, json or html)."""
    if fmt == "json":
        write_json(fleet_document(fleet), stream)
        return
    if fmt == "html":
        stream.write(fleet_html(fleet))
        return
    if fmt == "markdown":
        lines = ["# Fleet summary", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(row) + " |" for row in fleet_rows(fleet)]
        lines += ["", *[f"- {line.strip()}" for line in fleet_lines(fleet)]]
        stream.write("\n".join(lines) + "\n")
        return
    from rich.table import Table

    console = console_for(stream)
    title = f"Fleet summary ({len(fleet.entries)} services)"
    if is_narrow(console):
        print_records(console, title, HEADERS, fleet_rows(fleet))
    else:
        table = Table(title=title, title_justify="left")
        for header in HEADERS:
            table.add_column(header, justify="right" if "USD" in header or header.startswith("best") else "left")
        for row in fleet_rows(fleet):
            table.add_row(*row)
        fit_columns(table, console.width)
        console.print(table)
    for line in fleet_lines(fleet):
        console.print(line, markup=False, highlight=False)


def fleet_html(fleet: FleetSummary) -> str:
    """The fleet summary as a small self-contained HTML page with a bar chart of the totals."""

    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in fleet_rows(fleet)
    )
    notes = "\n".join(f"<li>{html.escape(line.strip())}</li>" for line in fleet_lines(fleet))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>archsel fleet summary</title><style>{PAGE_STYLE}</style></head>
<body><h1>archsel fleet summary ({len(fleet.entries)} services)</h1>
<figure class="chart" id="chart-fleet-totals">{_totals_chart(fleet)}<figcaption>Monthly cost of the fleet</figcaption></figure>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<ul>{notes}</ul></body></html>
"""


def _totals_chart(fleet: FleetSummary) -> str:

    figure, ax = new_figure()
    labels = ["as recommended", *[f"all on {arch}" for arch, usd in fleet.all_on if usd is not None]]
    values = [fleet.total_usd, *[usd for _, usd in fleet.all_on if usd is not None]]
    ax.bar(labels, values, color=["#3c8d2f", *["#d9822b" if "lambda" in label else "#2b6cd9" for label in labels[1:]]])
    ax.set_ylabel("USD per month")
    return svg(figure)
