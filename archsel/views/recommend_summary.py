"""The parts of a recommendation that the table, the markdown record and the HTML report share: verdict, rows, notes."""

from __future__ import annotations

from archsel.cost.components import to_usd
from archsel.evaluate.candidate import Evaluation
from archsel.profile.units import format_duration
from archsel.recommend import Recommendation
from archsel.views.common import fmt_number
from archsel.views.layout import NOT_APPLICABLE, plural


def verdict_line(rec: Recommendation) -> str:
    """The one-sentence decision: which design, its monthly cost, whether it meets every objective."""
    status = "meets every objective" if rec.meets_slos else "does NOT meet every objective (closest design shown)"
    return f"Build {rec.choice.candidate.describe()}: {to_usd(rec.choice.result.estimate.monthly_usd):,.2f} USD a month, {status}."


def table_rows(rec: Recommendation, evaluations: tuple[Evaluation, ...]) -> list[list[str]]:
    """The comparison table's cells, one row per design (in the order of TABLE_HEADERS)."""
    rows = []
    for e in evaluations:
        result = e.result
        run = result.first.run
        on_lambda = bool(run.instances)
        if run.ec2_instances is not None:
            peak = plural(run.ec2_instances.max, "instance")
        else:
            peak = (
                plural(run.instances.max, "env") if run.instances else plural(run.tasks.max if run.tasks else 0, "task")
            )
        # Cold starts are a Lambda figure: a Fargate task starts before it takes traffic.
        cold = f"{100 * result.interval(lambda p: p.run.cold_start_ratio).mean:.2f}%" if on_lambda else NOT_APPLICABLE
        rows.append([
            e.candidate.describe() + (" (choice)" if e is rec.choice else ""),
            f"{to_usd(result.estimate.monthly_usd):,.2f}",
            f"{to_usd(result.estimate.always_on_usd):,.2f} / {to_usd(result.estimate.usage_usd):,.2f}",
            f"{fmt_number(result.interval(lambda p: p.run.latency_ms.p50).mean)} / "
            f"{fmt_number(result.interval(lambda p: p.run.latency_ms.p99).mean)}",
            cold,
            f"{100 * result.interval(lambda p: p.run.error_ratio).mean:.3f}%",
            peak,
            "pass" if e.meets_slos else "FAIL: " + ", ".join(o.name for o in e.slos if not o.holds),
        ])  # fmt: skip
    return rows


def failing_objective_lines(evaluations: tuple[Evaluation, ...]) -> list[str]:
    """Each missed objective of the designs shown, in full: design, objective, target and simulated value."""
    lines = []
    for e in evaluations:
        for outcome in e.slos:
            if not outcome.holds:
                unit = f" {outcome.unit}" if outcome.unit else ""
                lines.append(
                    f"Objective missed by {e.candidate.describe()}: {outcome.name} is {fmt_number(outcome.actual, 4)}"
                    f"{unit}, target at most {fmt_number(outcome.target, 4)}{unit}."
                )
    return lines


TABLE_HEADERS = ["design", "USD/month", "always-on / usage", "p50 / p99 ms", "cold starts", "errors", "peak", "SLOs"]


def footer_lines(rec: Recommendation) -> list[str]:
    """Break-even, cost range, ruled-out designs, run notes and assumptions, one sentence each."""
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
    lines.extend(
        f"Not priced: {c.name.split(' (')[0]} (no auth.monthly_usd in the profile); the costs above leave it out."
        for c in rec.choice.result.estimate.not_priced
    )
    lines.extend(f"Ruled out: {p.description}: {p.reason}" for p in rec.pruned)
    lines.extend(f"Run: {note}." for note in rec.notes)
    lines.append(
        f"Assumptions: {format_duration(rec.profile.simulation.horizon)} simulated per replication, seed {rec.seed}, "
        f"scaled to a {rec.profile.pricing.hours_per_month:g}-hour month; {rec.profile.region} prices of "
        f"{rec.prices.as_of.isoformat()}; free tier {'on' if rec.profile.pricing.free_tier else 'off'}."
    )
    return lines
