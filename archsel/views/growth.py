"""Renders a growth plan: its JSON document, a compact timeline, sentences for the record, and the cost-over-time chart."""

from __future__ import annotations

import html

from archsel.profile.architecture import Architecture
from archsel.profile.growth_units import format_growth
from archsel.recommend.document import (
    CalibrationDocument,
    FlipDocument,
    PlanDocument,
    PlanMonthDocument,
    SloFailureDocument,
    StrategyDocument,
)
from archsel.recommend.growth import GrowthPlan, PlanMonth, SloFailure
from archsel.views.charts import ARCHITECTURE_COLOURS, legend_beside, new_figure, svg

METHOD = (
    "each month priced with the usage cost model, calibrated to each design's simulated monthly cost at "
    "today's traffic (month 0 is the simulated cost); cold-start and scale-out effects assumed proportional"
)
TIMELINE_HEADERS = ["month", "req/s", "M requests", "Lambda USD", "Fargate USD", "choice"]
MANAGED_HEADER = "Managed USD"
TIMELINE_STEP = 6
LINES = (
    (Architecture.LAMBDA, "API Gateway + Lambda"),
    (Architecture.FARGATE, "ALB + Fargate"),
    (Architecture.LAMBDA_MANAGED, "API Gateway + Lambda Managed Instances"),
)


def plan_document(plan: GrowthPlan) -> PlanDocument:
    """The `plan` key of `recommend --format json`."""
    return PlanDocument(
        growth_per_month=round(plan.rate, 6),
        months=tuple(
            PlanMonthDocument(
                month=m.month,
                mean_rps=round(m.mean_rps, 6),
                requests=round(m.requests),
                choice=m.choice,
                lambda_usd=_cents(m.lambda_usd),
                fargate_usd=_cents(m.fargate_usd),
                lambda_managed_usd=_cents(m.lambda_managed_usd),
            )
            for m in plan.months
        ),
        flip_month=plan.flip_month,
        strategies=tuple(
            StrategyDocument(
                name=s.name,
                total_usd=round(s.total_usd, 2),
                description=s.description,
                switch_month=s.switch_month,
                switch_months=s.switch_months or None,
            )
            for s in plan.strategies
        ),
        first_slo_failure=_failure_document(plan.first_slo_failure),
        failures=tuple(d for f in plan.failures if (d := _failure_document(f)) is not None),
        migration_usd=round(plan.migration_usd, 2),
        calibration=tuple(
            CalibrationDocument(
                architecture=c.architecture,
                simulated_usd=round(c.simulated_usd, 2),
                model_usd=round(c.model_usd, 2),
                factor=round(c.factor, 6),
            )
            for c in plan.calibration
        ),
        method=METHOD,
        flips=tuple(
            FlipDocument.model_validate(
                {"month": f.month, "from": f.from_, "to": f.to, "mean_rps": round(plan.months[f.month].mean_rps, 6)}
            )
            for f in plan.flips
        ),
    )


def _cents(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _failure_document(failure: SloFailure | None) -> SloFailureDocument | None:
    if failure is None:
        return None
    return SloFailureDocument(
        month=failure.month,
        architecture=failure.architecture,
        objective=failure.objective,
        target=round(failure.target, 6),
        projected=round(failure.projected, 6),
        detail=failure.detail,
    )


def timeline_months(plan: GrowthPlan) -> tuple[PlanMonth, ...]:
    """The months a compact timeline shows: every sixth, the months around each flip and the last."""
    last = len(plan.months) - 1
    shown = {0, last, *range(0, last, TIMELINE_STEP)}
    for flip in plan.flips:
        shown |= {flip.month - 1, flip.month}
    if plan.first_slo_failure is not None:
        shown.add(plan.first_slo_failure.month)
    return tuple(plan.months[i] for i in sorted(shown))


def shows_managed(plan: GrowthPlan) -> bool:
    """Whether the plan priced Lambda Managed Instances (its column and line are shown only then)."""
    return any(m.lambda_managed_usd is not None for m in plan.months)


def timeline_headers(plan: GrowthPlan) -> list[str]:
    """TIMELINE_HEADERS, with a Managed Instances column before `choice` when the plan priced it."""
    if not shows_managed(plan):
        return list(TIMELINE_HEADERS)
    return [*TIMELINE_HEADERS[:-1], MANAGED_HEADER, TIMELINE_HEADERS[-1]]


def timeline_rows(plan: GrowthPlan) -> list[list[str]]:
    """The timeline's cells (in the order of timeline_headers); every flip month is marked."""
    flips = {f.month for f in plan.flips}
    managed = shows_managed(plan)
    return [
        [
            f"{m.month}" + (" (flip)" if m.month in flips else ""),
            _compact(m.mean_rps, 2),
            _compact(m.requests / 1e6, 2),
            _usd(m.lambda_usd),
            _usd(m.fargate_usd),
            *([_usd(m.lambda_managed_usd)] if managed else []),
            str(m.choice),
        ]
        for m in timeline_months(plan)
    ]


def _usd(value: float | None) -> str:
    """Whole dollars: the timeline compares months (the JSON keeps the cents)."""
    return "-" if value is None else _compact(value, 0)


def _compact(value: float, decimals: int) -> str:
    """``value`` with thousands separators (decimals only under 1,000), in millions past a million: the
    timeline then fits 80 columns whatever the growth."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} M"
    return f"{value:,.{decimals if abs(value) < 1_000 else 0}f}"


def plan_lines(plan: GrowthPlan) -> list[str]:
    """The plan in sentences: the flip, the strategies, the first failure and how close the model was."""
    horizon = len(plan.months)
    lines = [f"Growth plan: traffic grows {format_growth(plan.rate)} over {horizon} months (month 0 is today)."]
    if not plan.flips:
        lines.append(f"Flip: {plan.months[0].choice} stays the cheaper choice for all {horizon} months.")
    for flip in plan.flips:
        lines.append(
            f"Flip: month {flip.month} ({plan.months[flip.month].mean_rps:,.2f} req/s mean): {flip.to} "
            f"becomes the choice over {flip.from_}."
        )
    lines.extend(f"Strategy {s.name}: {s.total_usd:,.2f} USD in total ({s.description})." for s in plan.strategies)
    failure = plan.first_slo_failure
    if failure is None:
        lines.append(f"Objectives: the plan's choice meets every objective and limit for all {horizon} months.")
    else:
        lines.append(f"First failure: month {failure.month} on {failure.architecture}: {failure.detail}.")
    lines.extend(
        f"Model: at today's traffic the usage model gave {c.model_usd:,.2f} USD for {c.architecture} against "
        f"{c.simulated_usd:,.2f} simulated ({100 * (c.factor - 1):+.2f}% applied to every month)."
        for c in plan.calibration
    )
    return lines


def html_section(plan: GrowthPlan) -> str:
    """The report's growth section: the cost-over-time chart with the flip marked, the timeline and the sentences."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in timeline_headers(plan))
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in timeline_rows(plan)
    )
    notes = "".join(f"<li>{html.escape(line)}</li>" for line in plan_lines(plan))
    caption = "Monthly cost as traffic grows, flips marked"
    return (
        f'<h2>Growth plan</h2><figure class="chart" id="chart-cost-over-time">{cost_over_time_chart(plan)}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table><ul>{notes}</ul>"
    )


def cost_over_time_chart(plan: GrowthPlan) -> str:
    """Each priced architecture's monthly cost against the month, with every flip month as a dashed line."""
    figure, ax = new_figure()
    months = [m.month for m in plan.months]
    for architecture, label in LINES:
        costs = [_cost_or_none(m, architecture) for m in plan.months]
        known = [cost for cost in costs if cost is not None]
        if len(known) == len(costs):
            ax.plot(months, known, label=label, color=ARCHITECTURE_COLOURS[architecture], marker=".")
    for flip in plan.flips:
        ax.axvline(flip.month, color="#444", linestyle="--", label=f"flip to {flip.to} at month {flip.month}")
    if plan.first_slo_failure is not None:
        month = plan.first_slo_failure.month
        ax.axvline(month, color="#b3261e", linestyle=":", label=f"first failure at month {month}")
    ax.set_xlabel(f"month (traffic grows {format_growth(plan.rate)})")
    ax.set_ylabel("USD per month")
    legend_beside(ax)
    return svg(figure)


def _cost_or_none(month: PlanMonth, architecture: Architecture) -> float | None:
    costs = {
        Architecture.LAMBDA: month.lambda_usd,
        Architecture.FARGATE: month.fargate_usd,
        Architecture.LAMBDA_MANAGED: month.lambda_managed_usd,
    }
    return costs[architecture]
