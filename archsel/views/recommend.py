"""Renders a recommendation: CONTRACT.md JSON, a Rich verdict panel and table, and a markdown decision record."""

from __future__ import annotations

import sys

from archsel.evaluate.candidate import Evaluation
from archsel.evaluate.document import ResultDocument
from archsel.evaluate.runner import to_usd
from archsel.profile.units import format_duration
from archsel.recommend import Recommendation
from archsel.recommend.breakeven import BreakEven
from archsel.recommend.candidates import Pruned
from archsel.recommend.document import (
    BreakEvenDocument,
    CandidateDocument,
    CostRangeDocument,
    DurationFlipDocument,
    RecommendDocument,
    RuledOutDocument,
    SloDocument,
    TrafficFlipDocument,
)
from archsel.views.common import emit_json, fmt_number, stdout_console
from archsel.views.simulate import result_document


def candidate_document(evaluation: Evaluation) -> CandidateDocument:
    """One candidate: its settings, cost, SLO outcomes and its simulate result."""
    interval = evaluation.result.monthly_usd()
    return CandidateDocument(
        key=evaluation.candidate.key,
        architecture=evaluation.candidate.architecture,
        description=evaluation.candidate.describe(),
        settings=evaluation.candidate.settings(),
        monthly_usd=to_usd(evaluation.result.estimate.monthly_usd),
        monthly_usd_interval=(round(interval.low, 2), round(interval.high, 2)),
        meets_slos=evaluation.meets_slos,
        slos=tuple(
            SloDocument(name=o.name, target=o.target, actual=round(o.actual, 6), holds=o.holds) for o in evaluation.slos
        ),
        result=ResultDocument.model_validate(result_document(evaluation.result)),
        # The whole workload with this design's settings: `archsel scaffold REC.json` builds from it.
        workload=evaluation.candidate.profile,
    )


def break_even_document(flip: BreakEven | None) -> BreakEvenDocument:
    """The break-even figures (nulls where the cheaper side never flips in the scanned range)."""
    if flip is None:
        return BreakEvenDocument(traffic=None, duration=None)
    traffic = flip.traffic
    duration = flip.duration
    return BreakEvenDocument(
        traffic=None
        if traffic is None or flip.rps is None
        else TrafficFlipDocument(
            factor=round(traffic.factor, 6),
            mean_rps=round(flip.rps, 6),
            requests_per_month=round(flip.requests_per_month or 0.0),
            cheaper_below=traffic.cheaper_below,
            cheaper_above=traffic.cheaper_above,
        ),
        duration=None
        if duration is None
        else DurationFlipDocument(
            factor=round(duration.factor, 6),
            mean_duration_ms=round(flip.mean_duration_ms or 0.0, 3),
            cheaper_below=duration.cheaper_below,
            cheaper_above=duration.cheaper_above,
        ),
        method="usage cost model calibrated to each design's simulated monthly cost at today's traffic",
    )


def recommendation_document(rec: Recommendation) -> RecommendDocument:
    """The `archsel recommend --format json` document."""
    return RecommendDocument(
        profile=rec.profile.name,
        region=rec.profile.region,
        pricing_as_of=rec.prices.as_of.isoformat(),
        seed=rec.seed,
        meets_slos=rec.meets_slos,
        tie=rec.tie,
        choice=candidate_document(rec.choice),
        best={e.candidate.architecture: e.candidate.key for e in rec.best},
        candidates=tuple(candidate_document(e) for e in rec.evaluations),
        pruned=tuple(_ruled_out(p) for p in rec.pruned),
        screened_out=tuple(_ruled_out(p) for p in rec.screened),
        notes=rec.notes,
        reasons=rec.reasons,
        break_even=break_even_document(rec.break_even),
        cost_range_usd=CostRangeDocument(
            low=round(rec.cost_range.low, 2),
            expected=to_usd(rec.choice.result.estimate.monthly_usd),
            high=round(rec.cost_range.high, 2),
            basis=rec.cost_range.basis,
        ),
    )


def _ruled_out(pruned: Pruned) -> RuledOutDocument:
    return RuledOutDocument(architecture=pruned.architecture, description=pruned.description, reason=pruned.reason)


def verdict_line(rec: Recommendation) -> str:
    status = "meets every objective" if rec.meets_slos else "does NOT meet every objective (closest design shown)"
    return f"Build {rec.choice.candidate.describe()}: {to_usd(rec.choice.result.estimate.monthly_usd):,.2f} USD a month, {status}."


def table_rows(rec: Recommendation, evaluations: tuple[Evaluation, ...]) -> list[list[str]]:
    rows = []
    for e in evaluations:
        result = e.result
        run = result.first.run
        peak = f"{run.instances.max} envs" if run.instances else f"{run.tasks.max if run.tasks else 0} tasks"
        rows.append([
            e.candidate.describe() + (" (choice)" if e is rec.choice else ""),
            f"{to_usd(result.estimate.monthly_usd):,.2f}",
            f"{to_usd(result.estimate.always_on_usd):,.2f} / {to_usd(result.estimate.usage_usd):,.2f}",
            f"{fmt_number(result.interval(lambda p: p.run.latency_ms.p50).mean)} / "
            f"{fmt_number(result.interval(lambda p: p.run.latency_ms.p99).mean)}",
            f"{100 * result.interval(lambda p: p.run.cold_start_ratio).mean:.2f}%",
            f"{100 * result.interval(lambda p: p.run.error_ratio).mean:.3f}%",
            peak,
            "pass" if e.meets_slos else "FAIL: " + ", ".join(o.name for o in e.slos if not o.holds),
        ])  # fmt: skip
    return rows


TABLE_HEADERS = ["design", "USD/month", "always-on / usage", "p50 / p99 ms", "cold starts", "errors", "peak", "SLOs"]


def footer_lines(rec: Recommendation) -> list[str]:
    lines = []
    flip = rec.break_even
    if flip is not None and flip.traffic is not None and flip.rps is not None:
        lines.append(
            f"Break-even: {flip.traffic.cheaper_below} is cheaper below {flip.rps:,.2f} req/s mean "
            f"({(flip.requests_per_month or 0) / 1e6:,.2f} M requests/month), {flip.traffic.cheaper_above} above."
        )
    elif flip is not None:
        lines.append("Break-even: the cheaper architecture does not flip between 1/1000x and 10,000x today's traffic.")
    if flip is not None and flip.duration is not None and flip.mean_duration_ms is not None:
        lines.append(
            f"Duration: {flip.duration.cheaper_below} is cheaper below a mean request time of "
            f"{flip.mean_duration_ms:,.0f} ms, {flip.duration.cheaper_above} above."
        )
    lines.append(
        f"Cost low / expected / high: {rec.cost_range.low:,.2f} / {to_usd(rec.choice.result.estimate.monthly_usd):,.2f}"
        f" / {rec.cost_range.high:,.2f} USD ({rec.cost_range.basis})."
    )
    lines.extend(f"Ruled out: {p.description}: {p.reason}" for p in rec.pruned)
    lines.extend(f"Run: {note}." for note in rec.notes)
    lines.append(
        f"Assumptions: {format_duration(rec.profile.simulation.horizon)} simulated per replication, seed {rec.seed}, "
        f"scaled to a {rec.profile.pricing.hours_per_month:g}-hour month; {rec.profile.region} prices of "
        f"{rec.prices.as_of.isoformat()}; free tier {'on' if rec.profile.pricing.free_tier else 'off'}."
    )
    return lines


def show_recommendation(rec: Recommendation, fmt: str, *, show_all: bool = False) -> None:
    """Print the recommendation as a table (verdict panel + comparison) or markdown."""
    shown = rec.evaluations if show_all else rec.best
    if fmt == "markdown":
        sys.stdout.write(markdown_record(rec, shown))
        return
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    body = Text(verdict_line(rec) + "\n\n" + "\n".join(f"- {reason}" for reason in rec.reasons))
    console.print(Panel(body, title=f"archsel recommends ({rec.profile.name})", title_align="left"))
    table = Table(title="All candidates" if show_all else "Best design of each architecture", title_justify="left")
    for header in TABLE_HEADERS:
        table.add_column(header, justify="left" if header in {"design", "SLOs"} else "right")
    for row in table_rows(rec, shown):
        table.add_row(*row)
    console.print(table)
    for line in footer_lines(rec):
        console.print(line, markup=False, highlight=False)


def markdown_record(rec: Recommendation, shown: tuple[Evaluation, ...]) -> str:
    """A decision record to paste into a pull request or a wiki."""
    lines = [
        f"# Decision record: how to run `{rec.profile.name}` on AWS",
        "",
        f"**Decision.** {verdict_line(rec)}",
        "",
        "**Why.**",
        "",
        *[f"{index}. {reason}" for index, reason in enumerate(rec.reasons, start=1)],
        "",
        "**Options compared.**",
        "",
        "| " + " | ".join(TABLE_HEADERS) + " |",
        "|" + "---|" * len(TABLE_HEADERS),
        *["| " + " | ".join(row) + " |" for row in table_rows(rec, shown)],
        "",
        *[f"- {line}" for line in footer_lines(rec)],
        "",
        "_Generated by archsel; re-run `archsel recommend` with the same profile and seed to reproduce._",
    ]
    return "\n".join(lines) + "\n"


def emit_recommendation_json(rec: Recommendation) -> None:
    """Write the JSON document to stdout."""
    emit_json(recommendation_document(rec).plain())
