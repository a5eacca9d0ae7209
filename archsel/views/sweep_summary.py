"""The summary of a sweep that the table, the markdown and the HTML report share: headers, rows, flips, notes."""

from __future__ import annotations

from archsel.cost.components import to_usd
from archsel.profile.architecture import Architecture
from archsel.study.axes import format_value
from archsel.study.sweep import ArchOutcome, Flip, SweepResult
from archsel.views.common import fmt_number
from archsel.views.layout import NOT_APPLICABLE, plural

TABLE_METRICS = (("USD/mo", "monthly_usd"), ("p99 ms", "p99_ms"), ("errors", "error_ratio"))


def summary_headers(result: SweepResult) -> list[str]:
    """Column names of the summary table."""
    headers = [axis.path.replace(".", ".\n") for axis in result.plan.axes]
    for architecture in result.plan.architectures:
        headers += [f"{architecture}\n{label}" for label, _ in TABLE_METRICS]
        if architecture == Architecture.LAMBDA:
            headers.append("lambda\ncold")
    return [*headers, "cheapest", "cheapest\nin SLOs"]


def summary_rows(result: SweepResult) -> list[list[str]]:
    """The summary table's cells, one row per point."""
    rows = []
    for point in result.points:
        cells = [format_value(value) for value in point.point.values]
        for architecture in result.plan.architectures:
            cells += _cells(point.outcome(architecture), architecture)
        cells.append(point.cheapest or "missing")
        cells.append(point.cheapest_meeting_slos or ("none" if point.complete else "missing"))
        rows.append(cells)
    return rows


def _cells(outcome: ArchOutcome | None, architecture: str) -> list[str]:
    count = len(TABLE_METRICS) + (1 if architecture == Architecture.LAMBDA else 0)
    if outcome is None:
        return [NOT_APPLICABLE] * count
    cells = [f"{to_usd(outcome.monthly_usd):,.2f}", fmt_number(outcome.p99_ms), f"{100 * outcome.error_ratio:.3f}%"]
    if architecture == Architecture.LAMBDA:
        cells.append(f"{100 * outcome.cold_start_ratio:.2f}%")
    return cells


def flip_line(flip: Flip) -> str:
    """``traffic.mean_rps (lambda.memory_mb=512): lambda cheaper at 5, fargate at 50; costs cross near 10.2``."""
    fixed = ", ".join(f"{path}={format_value(value)}" for path, value in flip.fixed)
    text = (
        f"{flip.axis}{f' ({fixed})' if fixed else ''}: {flip.cheaper_below} cheaper at {format_value(flip.below)}, "
        f"{flip.cheaper_above} at {format_value(flip.above)}"
    )
    if flip.crossing is not None:
        text += f"; costs cross near {fmt_number(flip.crossing, 3)} (linear interpolation)"
    return text


def footer_lines(result: SweepResult) -> list[str]:
    """Flips, missing points and what the figures are."""
    lines = [f"Flip: {flip_line(flip)}" for flip in result.flips]
    if not result.flips and len(result.plan.architectures) > 1:
        lines.append("Flip: the cheapest architecture is the same at every point of every axis.")
    for point in result.points:
        if point.why_none_met:
            lines.append(f"None met the objectives at {result.plan.label(point.point)}: {point.why_none_met}")
    for point in result.missing:
        lines.append(f"Missing: point {result.plan.label(point.point)}: {plural(len(point.failures), 'run')} failed")
        lines += [f"  - {failure.describe()}" for failure in point.failures]
    base = result.plan.base.simulation
    lines.append(
        f"{len(result.points)} points x {plural(len(result.plan.architectures), 'architecture')}; figures are means over "
        f"{plural(base.replications, 'replication')} per point; each point seeded from its values; prices as of "
        + ", ".join(f"{table.region} {table.as_of.isoformat()}" for table in result.prices)
        + "."
    )
    return lines
