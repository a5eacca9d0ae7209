"""Plain-words reasons for a recommendation, each tied to a number from the runs and a platform rule."""

from __future__ import annotations

from archsel.cost.components import to_usd
from archsel.evaluate.candidate import Evaluation
from archsel.profile.architecture import Architecture
from archsel.recommend.breakeven import BreakEven
from archsel.recommend.candidates import Pruned
from archsel.recommend.layout_reason import layout_reason
from archsel.recommend.managed_reasons import NAMES, managed_choice_reason, managed_summary
from archsel.recommend.vpc_reason import efs_reason

# Aurora max_connections fixed by max ACU: (max ACU, PostgreSQL, MySQL)
# (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html).
_MAX_CONNECTIONS = ((1, 189, 90), (4, 823, 135), (8, 1_669, 1_000), (16, 3_360, 2_000), (32, 5_000, 3_000))
ACCOUNT_CONCURRENCY_NOTE = "the regional limit"
MAX_REASONS = 5


def explain(
    choice: Evaluation,
    best: tuple[Evaluation, ...],
    flip: BreakEven | None,
    tie: bool,
    pruned: tuple[Pruned, ...],
    evaluations: tuple[Evaluation, ...] = (),
) -> tuple[str, ...]:
    """Three to five reasons, most decisive first (with routes, the Lambda layout right after the cost).

    With Lambda Managed Instances evaluated: when it won, its own reasons come first and the
    Lambda-versus-Fargate reasons follow for the better of those two; otherwise one more reason
    says how its best design compared.
    """
    managed = next((e for e in best if e.candidate.architecture == Architecture.LAMBDA_MANAGED), None)
    pair = tuple(e for e in best if e is not managed)
    if managed is not None and choice is managed:
        lead = managed_choice_reason(choice, pair)
        runner = min(pair, key=lambda e: e.monthly_usd) if pair else None
        rest = explain(runner, pair, flip, False, pruned, evaluations)[1:] if runner is not None else ()
        return (lead, *rest[: MAX_REASONS - 1], *_managed_pruned(pruned))
    reasons = _two_way(choice, pair, flip, tie, pruned, evaluations)
    return (*reasons, managed_summary(managed, choice)) if managed is not None else reasons


def _managed_pruned(pruned: tuple[Pruned, ...]) -> tuple[str, ...]:
    return tuple(
        f"{p.description} cannot serve this workload: {p.reason}."
        for p in pruned
        if p.architecture == Architecture.LAMBDA_MANAGED
    )[:1]


def _two_way(
    choice: Evaluation,
    best: tuple[Evaluation, ...],
    flip: BreakEven | None,
    tie: bool,
    pruned: tuple[Pruned, ...],
    evaluations: tuple[Evaluation, ...],
) -> tuple[str, ...]:
    """The Lambda-versus-Fargate reasons (as before a third architecture existed)."""
    other = next((e for e in best if e.candidate.architecture != choice.candidate.architecture), None)
    reasons = [_cost_reason(choice, other, flip, tie)]
    plan = savings_plan_reason(choice, other)
    if plan:
        reasons.append(plan)
    lambda_best = next((e for e in best if e.candidate.architecture == Architecture.LAMBDA), None)
    layout = layout_reason(lambda_best, evaluations) if lambda_best is not None else None
    if layout:
        reasons.append(layout)
    for builder in (_pruned_reason, _latency_reason, _burst_reason, _database_reason, efs_reason, _upload_reason):
        text = builder(choice, other, pruned)
        if text:
            reasons.append(text)
    if len(reasons) < 3:
        reasons.append(_capacity_reason(choice))
    return tuple(reasons[:MAX_REASONS])


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def _name(evaluation: Evaluation) -> str:
    return NAMES[evaluation.candidate.architecture]


def _cost_reason(choice: Evaluation, other: Evaluation | None, flip: BreakEven | None, tie: bool) -> str:
    cost = choice.monthly_usd
    text = f"{_name(choice)} ({choice.candidate.describe()}) costs {_usd(cost)} a month"
    if other is None:
        return text + "."
    always_on = to_usd(other.result.estimate.always_on_usd)
    text += f" against {_usd(other.monthly_usd)} for {_name(other)}"
    if tie:
        text += "; within the simulation's noise that is a tie, and Lambda is the simpler one to run"
    elif choice.candidate.architecture == Architecture.LAMBDA:
        text += (
            f": per-request billing beats paying {_usd(always_on)} a month for always-on tasks and the load balancer"
        )
    else:
        usage = to_usd(other.result.estimate.usage_usd)
        text += (
            f": steady load keeps tasks busy, while Lambda would bill {_usd(usage)} a month per request and GB-second"
        )
    if flip is not None and flip.traffic is not None and flip.rps is not None and flip.requests_per_month:
        text += (
            f". The cheaper side flips at about {flip.rps:,.1f} req/s on average "
            f"({flip.requests_per_month / 1e6:,.1f} M requests a month): {flip.traffic.cheaper_below} below, "
            f"{flip.traffic.cheaper_above} above"
        )
    return text + "."


def savings_plan_reason(choice: Evaluation, other: Evaluation | None) -> str | None:
    """What the profile's Compute Savings Plan does to each design's bill (None without a plan)."""
    plan = choice.candidate.profile.pricing.savings_plan
    if plan is None:
        return None
    size = (
        f"${plan.commitment_usd_per_hour:,g} an hour committed"
        if plan.commitment_usd_per_hour is not None
        else f"a commitment sized to cover {plan.coverage:.0%} of each design's eligible usage"
    )
    parts = [_commitment_part(e) for e in (choice, other) if e is not None]
    effects = "; ".join(p for p in parts if p)
    return (
        f"Both designs are priced with a Compute Savings Plan ({plan.term}, {plan.payment} upfront, {size}): the "
        f"commitment is billed every hour, used or not, and eligible compute beyond it on demand"
        + (f"; {effects}" if effects else "")
        + "; the break-even traffic is priced with the plan too."
    )


def _commitment_part(evaluation: Evaluation) -> str | None:
    components = evaluation.result.estimate.components
    line = next((c for c in components if c.service == "savings_plans" and c.monthly_usd is not None), None)
    if line is None:
        missing = [c.price_id for c in components if c.service == "savings_plans" and c.monthly_usd is None]
        return f"{_name(evaluation)} stays on demand: no plan rate for {', '.join(missing)}" if missing else None
    used = line.name[line.name.rfind("(") :].strip("()") if "(" in line.name else ""
    return f"{_name(evaluation)} commits {_usd(to_usd(line.monthly_usd or 0))} a month ({used})"


def _latency_reason(choice: Evaluation, other: Evaluation | None, _pruned: tuple[Pruned, ...]) -> str | None:
    lambda_eval = choice if choice.candidate.architecture == Architecture.LAMBDA else other
    if lambda_eval is None:
        return None
    result = lambda_eval.result
    cold = result.interval(lambda p: p.run.cold_start_ratio).mean
    p99 = result.interval(lambda p: p.run.latency_ms.p99).mean
    slo = lambda_eval.candidate.profile.slo.p99_latency_ms
    provisioned = lambda_eval.candidate.profile.lambda_.max_provisioned
    text = f"On Lambda {cold:.2%} of requests hit a cold start and p99 latency is {p99:,.0f} ms"
    if slo is not None:
        verdict = "within" if p99 <= slo else "over"
        text += f", {verdict} the {slo:,.0f} ms objective"
    if provisioned:
        pc_usd = sum(float(c.monthly_usd or 0) for c in result.estimate.components if "rovisioned" in c.name)
        text += f"; {provisioned} provisioned environments remove most cold starts for {_usd(pc_usd)} a month"
    return text + "."


def _burst_reason(choice: Evaluation, other: Evaluation | None, _pruned: tuple[Pruned, ...]) -> str | None:
    profile = choice.candidate.profile
    bursts = profile.traffic.bursts
    lambda_eval = choice if choice.candidate.architecture == Architecture.LAMBDA else other
    fargate_eval = other if lambda_eval is choice else choice
    if not bursts or lambda_eval is None or fargate_eval is None:
        return None
    peak_envs = lambda_eval.result.interval(lambda p: float(p.run.instances.max) if p.run.instances else 0.0).mean
    throttled = lambda_eval.result.interval(lambda p: float(p.run.throttled)).mean
    limit = lambda_eval.candidate.profile.lambda_.account_concurrency
    scaling = fargate_eval.candidate.profile.fargate.scaling
    step = scaling.scale_out if scaling.policy == "step" else None
    lag_s = scaling.metric_period_s * (step.datapoints if step else scaling.scale_out_datapoints)
    policy = "step scaling" if step else "target tracking"
    f_p99 = fargate_eval.result.interval(lambda p: p.run.latency_ms.p99).mean
    f_errors = fargate_eval.result.interval(lambda p: p.run.error_ratio).mean
    burst = bursts[0]
    return (
        f"The {burst.multiplier:g}x burst lasting {burst.duration_s:,.0f} s needs up to {peak_envs:,.0f} Lambda "
        f"environments at once (of {limit:,} allowed; the scaling bucket adds 1,000 then 100 per second), "
        f"{throttled:,.0f} requests throttled; Fargate's {policy} reacts only after {lag_s:g} s of high "
        f"metrics plus task start, so over the window its p99 is {f_p99:,.0f} ms with {f_errors:.2%} errors."
    )


def _database_reason(choice: Evaluation, other: Evaluation | None, _pruned: tuple[Pruned, ...]) -> str | None:
    profile = choice.candidate.profile
    if not profile.database.relational:
        return None
    aurora = profile.database.aurora
    postgres = profile.database.kind == "aurora-postgres"
    limit = _max_connections(aurora.max_acu, postgres)
    lambda_eval = choice if choice.candidate.architecture == Architecture.LAMBDA else other
    peak = (
        lambda_eval.result.interval(lambda p: float(p.run.instances.max) if p.run.instances else 0.0).mean
        if lambda_eval
        else 0.0
    )
    proxy_usd = 0.0
    if lambda_eval is not None:
        proxy_usd = sum(
            float(c.monthly_usd or 0) for c in lambda_eval.result.estimate.components if c.service == "rds_proxy"
        )
    return (
        f"Aurora Serverless v2 at {aurora.max_acu:g} ACU max allows about {limit:,} connections; each Lambda "
        f"environment holds its own, up to {peak:,.0f} at peak, so Lambda needs RDS Proxy to pool them "
        f"({_usd(proxy_usd)} a month, billed for at least 8 ACUs), while Fargate tasks keep a small pool each."
    )


def _max_connections(max_acu: float, postgres: bool) -> int:
    limit = _MAX_CONNECTIONS[0][1 if postgres else 2]
    for acu, pg, mysql in _MAX_CONNECTIONS:
        if max_acu >= acu:
            limit = pg if postgres else mysql
    return limit


def _upload_reason(choice: Evaluation, _other: Evaluation | None, _pruned: tuple[Pruned, ...]) -> str | None:
    storage = choice.candidate.profile.storage
    if not storage.uploads_per_month:
        return None
    s3_put = sum(
        float(c.monthly_usd or 0) for c in choice.result.estimate.components if c.service == "s3" and "PUT" in c.name
    )
    if storage.presigned_urls:
        return (
            f"{storage.uploads_per_month:,.0f} uploads a month of {storage.upload_mb:g} MB go straight to S3 with "
            f"presigned URLs ({_usd(s3_put)} in PUT requests): no 10 MB API Gateway or 6 MB Lambda payload limit, "
            "and no compute billed while slow clients upload."
        )
    return (
        f"Uploads of {storage.upload_mb:g} MB pass through the API: compute is billed while clients upload; "
        "presigned S3 URLs would avoid that."
    )


def _pruned_reason(_choice: Evaluation, _other: Evaluation | None, pruned: tuple[Pruned, ...]) -> str | None:
    blockers = [
        p for p in pruned if p.description in {"API Gateway + Lambda", "API Gateway + Lambda Managed Instances"}
    ]
    if not blockers:
        return None
    return f"{blockers[0].description} cannot serve this workload: {blockers[0].reason}."


def _capacity_reason(choice: Evaluation) -> str:
    run = choice.result.first.run
    if run.tasks is not None:
        return (
            f"Fargate ran {run.tasks.mean:,.1f} tasks on average (between {run.tasks.min} and {run.tasks.max}) "
            f"with {len(run.scaling_events)} scaling changes over the simulated window."
        )
    peak = run.instances.max if run.instances else 0
    limit = choice.candidate.profile.lambda_.account_concurrency
    return (
        f"Lambda needed at most {peak:,} concurrent environments, {peak / limit:.1%} of {ACCOUNT_CONCURRENCY_NOTE} "
        f"of {limit:,}, with {run.throttled:,} throttled requests."
    )
