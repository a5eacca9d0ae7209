"""What `recommend` says about Lambda Managed Instances: why it won, or how its best design compared."""

from __future__ import annotations

from archsel.cost.savings_plan import instance_rates_missing, plan_name
from archsel.evaluate.candidate import Evaluation
from archsel.profile.architecture import Architecture
from archsel.sim.figures import LambdaManagedFigures

NAMES = {
    Architecture.LAMBDA: "API Gateway + Lambda",
    Architecture.FARGATE: "ALB + Fargate",
    Architecture.LAMBDA_MANAGED: "API Gateway + Lambda Managed Instances",
}


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def fleet_sentence(managed: Evaluation) -> str:
    """How the fleet ran: instances, CPU, throttles and p99, over the replications."""
    result = managed.result
    instances = result.interval(lambda p: p.run.ec2_instances.mean if p.run.ec2_instances else 0.0).mean
    peak = result.interval(lambda p: float(p.run.ec2_instances.max) if p.run.ec2_instances else 0.0).mean
    throttled = result.interval(lambda p: p.run.throttled / p.run.requests if p.run.requests else 0.0).mean
    p99 = result.interval(lambda p: p.run.latency_ms.p99).mean
    cpu = result.interval(
        lambda p: p.run.figures.mean_cpu_utilisation if isinstance(p.run.figures, LambdaManagedFigures) else 0.0
    ).mean
    return (
        f"{instances:,.1f} instances on average (up to {peak:,.0f}) at {cpu:,.0f}% CPU, no cold starts, "
        f"{throttled:.3%} of requests throttled while capacity launched, p99 {p99:,.0f} ms"
    )


def managed_choice_reason(choice: Evaluation, others: tuple[Evaluation, ...]) -> str:
    """Why Managed Instances won: its cost against the others, and how its fleet ran."""
    text = (
        f"{NAMES[Architecture.LAMBDA_MANAGED]} ({choice.candidate.describe()}) costs {_usd(choice.monthly_usd)} a month"
    )
    if others:
        against = ", ".join(f"{_usd(o.monthly_usd)} for {NAMES[o.candidate.architecture]}" for o in others)
        text += f" against {against}: a steady load keeps multi-concurrent environments on a few instances busy"
    return text + f"; {fleet_sentence(choice)}{plan_clause(choice)}."


def managed_summary(managed: Evaluation, choice: Evaluation) -> str:
    """How the best Managed Instances design compared with the choice, and which objective it missed."""
    text = (
        f"The best {NAMES[Architecture.LAMBDA_MANAGED]} design ({managed.candidate.describe()}) costs "
        f"{_usd(managed.monthly_usd)} a month; {fleet_sentence(managed)}"
    )
    missed = [outcome for outcome in managed.slos if not outcome.holds]
    if missed:
        names = ", ".join(outcome.name for outcome in missed)
        text += f"; it misses {names}"
        if any(outcome.name == "max_error_ratio" for outcome in missed):
            text += " (traffic jumps faster than the asynchronous scaler adds instances: the excess is throttled)"
    elif managed.monthly_usd > choice.monthly_usd:
        text += f", {_usd(managed.monthly_usd - choice.monthly_usd)} a month more than the choice"
    return text + plan_clause(managed) + "."


def plan_clause(managed: Evaluation) -> str:
    """'; priced with the profile's Compute Savings Plan on its EC2 instance-hours ...', or why it was not ('' without a plan).

    A Compute Savings Plan covers the instances, not the management fee (https://aws.amazon.com/lambda/pricing/:
    the fee is 15% of the on-demand price). Without the plan's rate in the table the instances stay on demand.
    """
    plan = managed.candidate.profile.pricing.savings_plan
    if plan is None:
        return ""
    components = managed.result.estimate.components
    missing = instance_rates_missing(managed.result.estimate)
    if missing:
        return (
            f"; the {plan_name(plan)} was not applied to its EC2 instances for want of the rate ({', '.join(missing)} "
            f"is missing from the price table; `archsel pricing update --region {managed.candidate.profile.region} "
            "--source bulk` fills it), so they are priced on demand"
        )
    commitment = next((c for c in components if c.service == "savings_plans" and c.monthly_usd is not None), None)
    if commitment is None:
        return ""
    used = commitment.name[commitment.name.rfind("(") :].strip("()") if "(" in commitment.name else ""
    return (
        f"; priced with the {plan_name(plan)} on its EC2 instance-hours (commitment "
        f"{_usd(float(commitment.monthly_usd or 0))} a month, {used}; the management fee is not discounted)"
    )
