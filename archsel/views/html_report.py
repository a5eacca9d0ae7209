"""A self-contained HTML report of a recommendation, with matplotlib charts inlined as SVG (renders offline)."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from archsel.evaluate.candidate import Evaluation
from archsel.profile.architecture import Architecture
from archsel.recommend import Recommendation
from archsel.sim.result import SimRun
from archsel.views.chart_style import series_name, service_colour
from archsel.views.charts import ARCHITECTURE_COLOURS, PAGE_STYLE, legend_beside, new_figure, svg
from archsel.views.html_routes import routes_section
from archsel.views.recommend_summary import (
    TABLE_HEADERS,
    failing_objective_lines,
    footer_lines,
    table_rows,
    verdict_line,
)

if TYPE_CHECKING:
    pass

_SERIES_FOR_ARCH: dict[str, tuple[str, ...]] = {
    Architecture.LAMBDA: ("concurrency", "environments", "busy"),
    Architecture.FARGATE: ("tasks_in_service", "in_service", "tasks_running", "running", "tasks"),
    Architecture.LAMBDA_MANAGED: ("instances_in_service",),
}


def render_report(rec: Recommendation, timeseries_runs: Mapping[str, SimRun], extra_sections: str = "") -> str:
    """The whole report as one HTML document (no external resources); ``extra_sections`` (HTML) follow the charts."""
    charts = [
        ("chart-cost-vs-traffic", "Monthly cost against traffic (same shape), break-even marked", _cost_chart(rec)),
        ("chart-latency-cdf", "Latency distribution (CDF) of the best design of each architecture", _cdf_chart(rec)),
        ("chart-capacity", "Concurrency and tasks over the simulated window", _capacity_chart(timeseries_runs)),
        ("chart-cost-breakdown", "Monthly cost by service", _breakdown_chart(rec)),
    ]
    figures = "\n".join(
        f'<figure class="chart" id="{cid}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'
        for cid, caption, svg in charts
    )
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in table_rows(rec, rec.best)
    )
    reasons = "\n".join(f"<li>{html.escape(reason)}</li>" for reason in rec.reasons)
    notes = [*failing_objective_lines(rec.best), *footer_lines(rec)]
    footer = "\n".join(f"<li>{html.escape(line)}</li>" for line in notes)
    verdict_class = "verdict" if rec.meets_slos else "verdict fail"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>archsel: {html.escape(rec.profile.name)}</title>
<style>{PAGE_STYLE}</style></head>
<body>
<h1>archsel recommendation: {html.escape(rec.profile.name)}</h1>
<div class="{verdict_class}"><p><strong>{html.escape(verdict_line(rec))}</strong></p><ol>{reasons}</ol></div>
<h2>Best design of each architecture</h2>
<table><thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in TABLE_HEADERS)}</tr></thead><tbody>{rows}</tbody></table>
{routes_section(rec)}
<h2>Charts</h2><div class="charts">{figures}</div>
{extra_sections}<h2>Notes and assumptions</h2><ul>{footer}</ul>
</body></html>
"""


def _cost_chart(rec: Recommendation) -> str:
    figure, ax = new_figure()
    flip = rec.break_even
    if flip is not None:
        curve = flip.curve
        ax.plot(
            curve.mean_rps,
            curve.lambda_usd,
            label="API Gateway + Lambda",
            color=ARCHITECTURE_COLOURS[Architecture.LAMBDA],
        )
        ax.plot(
            curve.mean_rps, curve.fargate_usd, label="ALB + Fargate", color=ARCHITECTURE_COLOURS[Architecture.FARGATE]
        )
        managed = rec.managed_break_even
        if managed is not None and len(managed.managed_usd) == len(curve.mean_rps):  # the same traffic scales
            ax.plot(
                curve.mean_rps,
                managed.managed_usd,
                label="API Gateway + Lambda Managed Instances",
                color=ARCHITECTURE_COLOURS[Architecture.LAMBDA_MANAGED],
            )
        if flip.rps is not None:
            ax.axvline(flip.rps, color="#444", linestyle="--", label=f"break-even {flip.rps:,.2f} req/s")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("mean requests per second")
    ax.set_ylabel("USD per month")
    legend_beside(ax)
    return svg(figure)


def _cdf_chart(rec: Recommendation) -> str:
    figure, ax = new_figure()
    for evaluation in rec.best:
        points = evaluation.result.first.run.latency_quantiles
        if points:
            arch = evaluation.candidate.architecture
            ax.plot(
                [ms for _, ms in points],
                [q for q, _ in points],
                label=evaluation.candidate.describe(),
                color=ARCHITECTURE_COLOURS[arch],
            )
    slo = rec.profile.slo.p99_latency_ms
    if slo is not None:
        ax.axvline(slo, color="#b3261e", linestyle=":", label=f"p99 objective {slo:,.0f} ms")
    ax.set_xscale("log")
    ax.set_xlabel("end-to-end latency, ms")
    ax.set_ylabel("share of requests")
    legend_beside(ax)
    return svg(figure)


def _capacity_chart(runs: Mapping[str, SimRun]) -> str:
    figure, ax = new_figure()
    for arch, run in sorted(runs.items()):
        series = run.timeseries
        if series is None:
            continue
        names = [name for name, _ in series.columns]
        chosen = next((name for name in _SERIES_FOR_ARCH[arch] if name in names), None)
        if chosen is None:
            continue
        values = _per_minute(series.column(chosen), np.max)
        hours = [minute / 60 for minute in range(len(values))]
        colour, name = ARCHITECTURE_COLOURS[arch], series_name(chosen)
        ax.plot(hours, values, label=f"{arch}: {name} (most in each minute)", color=colour, linewidth=1.0)
        means = _per_minute(series.column(chosen), np.mean)
        ax.plot(hours, means, label=f"{arch}: {name} (minute mean)", color=colour, linewidth=0.6, alpha=0.45)
        if "cold_starts" in names:
            cold = _per_minute(series.column("cold_starts"), np.sum)
            marks = [(h, v) for h, v, c in zip(hours, values, cold, strict=False) if c > 0]
            if marks:
                ax.scatter(
                    [h for h, _ in marks], [v for _, v in marks], s=8, color="#7a2e00", label="minutes with cold starts"
                )
        for event in run.scaling_events:
            ax.axvline(event.time_s / 3600, color=colour, alpha=0.3, linewidth=0.6)
    ax.set_xlabel("hour of the simulated window (vertical lines: Fargate scaling events)")
    ax.set_ylabel("environments / tasks")
    legend_beside(ax)
    return svg(figure)


def _per_minute(values: np.ndarray, reduce: Callable[..., Any]) -> np.ndarray:
    """Per-second values folded into minutes (a day of seconds is unreadable as a line)."""
    minutes = len(values) // 60
    if minutes == 0:
        return values
    folded: np.ndarray = reduce(values[: minutes * 60].reshape(minutes, 60), axis=1)
    return folded


def _breakdown_chart(rec: Recommendation) -> str:
    figure, ax = new_figure()
    evaluations: list[Evaluation] = list(rec.best)
    services = sorted({c.service for e in evaluations for c in e.result.estimate.components})
    labels = [e.candidate.architecture for e in evaluations]
    bottoms = [0.0] * len(evaluations)
    for position, service in enumerate(services):
        totals: dict[int, float] = defaultdict(float)
        for index, e in enumerate(evaluations):
            totals[index] = sum(float(c.monthly_usd or 0) for c in e.result.estimate.components if c.service == service)
        heights = [totals[i] for i in range(len(evaluations))]
        ax.bar(labels, heights, bottom=bottoms, label=service, color=service_colour(position))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    ax.set_ylabel("USD per month")
    legend_beside(ax)
    return svg(figure)
