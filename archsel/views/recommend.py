"""Renders a recommendation: the stable JSON, a Rich verdict panel and table, a markdown decision record, HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from archsel.cost.components import to_usd
from archsel.evaluate.candidate import Evaluation
from archsel.evaluate.document import ResultDocument
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
from archsel.recommend.growth import GrowthPlan
from archsel.sim.result import SimRun
from archsel.views import growth as views_growth
from archsel.views.common import console_for, write_json
from archsel.views.html_report import render_report
from archsel.views.layout import fit_columns, is_narrow, print_records
from archsel.views.recommend_summary import (
    TABLE_HEADERS,
    failing_objective_lines,
    footer_lines,
    table_rows,
    verdict_line,
)
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


def render_recommendation(
    rec: Recommendation,
    *,
    fmt: str,
    stream: TextIO,
    show_all: bool = False,
    capacity_runs: Mapping[str, SimRun] | None = None,
    growth: GrowthPlan | None = None,
) -> None:
    """Write the recommendation to ``stream``: json, html, markdown or a table (verdict panel + comparison).

    ``show_all`` lists every candidate instead of the best of each architecture (table and
    markdown). html needs ``capacity_runs``, the per-second series its capacity chart draws.
    ``growth`` (from `recommend --growth`) adds the plan: a `plan` key, a timeline, a chart.
    """
    shown = rec.evaluations if show_all else rec.best
    if fmt == "json":
        document = recommendation_document(rec)
        if growth is not None:
            document = document.model_copy(update={"plan": views_growth.plan_document(growth)})
        write_json(document.plain(), stream)
    elif fmt == "html":
        if capacity_runs is None:
            raise ValueError("the html report needs the capacity runs of the best designs")
        stream.write(render_report(rec, capacity_runs, views_growth.html_section(growth) if growth else ""))
    elif fmt == "markdown":
        stream.write(markdown_record(rec, shown) + (_markdown_plan(growth) if growth else ""))
    else:
        _print_table(rec, shown, show_all, stream)
        if growth is not None:
            _print_timeline(growth, stream)


def _print_timeline(plan: GrowthPlan, stream: TextIO) -> None:
    from rich import box
    from rich.table import Table

    console = console_for(stream)
    # No vertical rules, and each column at least as wide as its widest figure: figures never wrap or get
    # cut (headers and "(flip)" wrap instead), and seven columns fit 80.
    table = Table(title="Growth plan (compact timeline)", title_justify="left", box=box.SIMPLE_HEAD)
    rows = views_growth.timeline_rows(plan)
    for index, header in enumerate(views_growth.timeline_headers(plan)):
        widest = max((len(row[index].split(" (")[0]) for row in rows), default=1)
        if header == "month":  # "13 (flip)" folds under its month rather than widening the column
            table.add_column(header, justify="left", min_width=widest, max_width=max(widest, len("(flip)")))
        else:
            table.add_column(
                header, justify="left" if header == "choice" else "right", min_width=widest, no_wrap=header == "choice"
            )
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for line in views_growth.plan_lines(plan):
        console.print(line, markup=False, highlight=False)


def _markdown_plan(plan: GrowthPlan) -> str:
    headers = views_growth.timeline_headers(plan)
    lines = [
        "",
        "**Growth plan.**",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *["| " + " | ".join(row) + " |" for row in views_growth.timeline_rows(plan)],
        "",
        *[f"- {line}" for line in views_growth.plan_lines(plan)],
    ]
    return "\n".join(lines) + "\n"


def _print_table(rec: Recommendation, shown: tuple[Evaluation, ...], show_all: bool, stream: TextIO) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = console_for(stream)
    body = Text(verdict_line(rec) + "\n\n" + "\n".join(f"- {reason}" for reason in rec.reasons))
    console.print(Panel(body, title=f"archsel recommends ({rec.profile.name})", title_align="left"))
    title = "All candidates" if show_all else "Best design of each architecture"
    if is_narrow(console):
        print_records(console, title, TABLE_HEADERS, table_rows(rec, shown))
    else:
        table = Table(title=title, title_justify="left")
        for header in TABLE_HEADERS:
            table.add_column(header, justify="left" if header in {"design", "SLOs"} else "right")
        for row in table_rows(rec, shown):
            table.add_row(*row)
        fit_columns(table, console.width)
        console.print(table)
    for line in [*failing_objective_lines(shown), *footer_lines(rec)]:
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
        *[f"- {line}" for line in [*failing_objective_lines(shown), *footer_lines(rec)]],
        "",
        "_Generated by archsel; re-run `archsel recommend` with the same profile and seed to reproduce._",
    ]
    return "\n".join(lines) + "\n"
