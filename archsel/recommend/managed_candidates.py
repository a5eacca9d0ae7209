"""Lambda Managed Instances designs `recommend` compares, and why it rules some out before simulating.

Candidates: instance family (compute / general purpose) x size x scaling target, on both CPU
architectures (a price-only variant, like Lambda's and Fargate's). The minimum fleet starts at the
documented three instances; tuning raises it (recommend.tuning). Ruled out: whatever rules out
Lambda (API Gateway's payload and timeout limits apply on the same request path), and traffic whose
bursts jump past the fleet's capacity by enough that the requests throttled until instances arrive
break the error objective on the most capable design tried (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html:
"if your traffic more than doubles within 5 minutes, you may see throttles").
"""

from __future__ import annotations

import math

import numpy as np

from archsel.billing.rules import managed_instance_rps, managed_instances
from archsel.cost.usage_estimate import hourly_rates
from archsel.evaluate.design import Candidate, with_lambda_managed
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import cycle_seconds, rate_curve
from archsel.recommend.candidates import CPU_ARCHITECTURES, Pruned, lambda_blocker

FAMILIES = {"arm64": ("c7g", "m7g"), "x86_64": ("c7i", "m7i")}
"""Compute-optimised and general-purpose families per CPU architecture (memory-optimised r only on request)."""
SIZES = ("large", "xlarge", "2xlarge")
TARGETS = (50.0, 70.0)
"""Scaling targets tried: 50 % (headroom for traffic doubling) and 70 % (cheaper, less headroom)."""


def managed_key(profile: WorkloadProfile) -> str:
    """Stable id of a Managed Instances design: its behaviour, then the instance family last.

    What the simulation sees (vCPUs and environments per instance, memory, bounds, target) comes
    first; the family (c7g, m7g, c7i, m7i: price and CPU architecture) is the last segment, so
    families that run the same environments share one simulation, like Lambda's CPU architectures.
    """
    s = profile.lambda_managed
    instance = s.instance
    family = instance.name.split(".")[0]
    return (
        f"lambda-managed-{instance.vcpu}vcpu-{s.environments_per_instance}env-{s.memory_mb}mb-"
        f"min{s.min_instances}-max{s.max_instances}-t{s.target_cpu:g}-{family}"
    )


def managed_candidates(profile: WorkloadProfile) -> tuple[list[Candidate], list[Pruned]]:
    """Managed Instances designs, the ones bursts rule out (with the throttled share), or why none can serve."""
    reason = lambda_blocker(profile) or burst_blocker(profile)
    if reason is not None:
        return [], [Pruned(Architecture.LAMBDA_MANAGED, "API Gateway + Lambda Managed Instances", reason)]
    candidates: list[Candidate] = []
    pruned: list[Pruned] = []
    for family_index in range(2):
        for size in _sizes(profile):
            for target in _targets(profile):
                variants = [
                    with_lambda_managed(
                        profile,
                        instance_type=f"{FAMILIES[cpu][family_index]}.{size}",
                        architecture=cpu,
                        target_cpu=target,
                    )
                    for cpu in CPU_ARCHITECTURES
                ]
                too_slow = _burst_reason(variants[0])  # both CPU architectures behave alike
                if too_slow is not None:
                    label = Candidate(managed_key(variants[0]), Architecture.LAMBDA_MANAGED, variants[0]).describe()
                    pruned.append(Pruned(Architecture.LAMBDA_MANAGED, label, too_slow))
                    continue
                candidates += [Candidate(managed_key(v), Architecture.LAMBDA_MANAGED, v) for v in variants]
    return candidates, pruned


def _sizes(profile: WorkloadProfile) -> tuple[str, ...]:
    """Sizes worth simulating: up to the first whose minimum fleet carries every hour without bursts.

    A larger size then holds the same number of instances at a higher price and behaves no
    better for this traffic, so it is not a candidate.
    """
    if profile.traffic.bursts:
        return SIZES
    cpu = profile.lambda_managed.architecture
    hourly = hourly_rates(profile)
    for index, size in enumerate(SIZES):
        probe = with_lambda_managed(profile, instance_type=f"{FAMILIES[cpu][1]}.{size}", target_cpu=max(TARGETS))
        floor = probe.lambda_managed.min_instances
        if all(managed_instances(probe, rate) <= floor for rate in hourly):
            return SIZES[: index + 1]
    return SIZES


def _targets(profile: WorkloadProfile) -> tuple[float, ...]:
    """The targets worth simulating: the higher one only when it holds a smaller fleet in some hour or bursts come."""
    if profile.traffic.bursts:
        return TARGETS
    hourly = hourly_rates(profile)
    fleets = {
        target: [managed_instances(with_lambda_managed(profile, target_cpu=target), rate) for rate in hourly]
        for target in TARGETS
    }
    return TARGETS if len({tuple(fleet) for fleet in fleets.values()}) > 1 else TARGETS[:1]


def _burst_reason(design: WorkloadProfile) -> str | None:
    """Why ``design``'s fleet would throttle too much in the profile's bursts, or None."""
    max_errors = design.slo.max_error_ratio
    if max_errors is None or not design.traffic.bursts:
        return None
    share, _ = fluid_throttled_share(design)
    if share <= max_errors:
        return None
    return f"about {share:.2%} of requests throttled in bursts until instances launch, above slo.max_error_ratio {max_errors:g}"


def burst_blocker(profile: WorkloadProfile) -> str | None:
    """Why bursts would break the error objective on every Managed Instances design tried, or None.

    A quick fluid model of one traffic cycle, minute by minute, for the most capable design tried
    (the largest general-purpose size at the lowest target, min_instances as in the profile): the
    fleet carries min(demand, capacity); each minute the scaler sizes it for the carried load at the
    target, and launched instances serve launch_s later. Requests above capacity are throttled. The
    share throttled is a floor (no randomness); a design that cannot keep it under
    slo.max_error_ratio is ruled out. Tuning could still hold more instances all day, which is what
    Fargate's minimum tasks do; the reason says so.
    """
    max_errors = profile.slo.max_error_ratio
    if max_errors is None or not profile.traffic.bursts:
        return None
    probe = _most_capable(profile)
    share, peak_ratio = fluid_throttled_share(probe)
    if share <= max_errors:
        return None
    return (
        f"traffic jumps to {peak_ratio:,.0f}x the rate the fleet was sized for within a minute; until launched "
        f"instances serve (~{probe.lambda_managed.metric_period_s + probe.lambda_managed.launch_s:g} s) about "
        f"{share:.2%} of requests would be throttled, above slo.max_error_ratio {max_errors:g} "
        "(holding instances for the peak all day is what Fargate's minimum tasks do)"
    )


def _most_capable(profile: WorkloadProfile) -> WorkloadProfile:
    cpu = profile.lambda_managed.architecture
    return with_lambda_managed(profile, instance_type=f"{FAMILIES[cpu][1]}.{SIZES[-1]}", target_cpu=min(TARGETS))


def fluid_throttled_share(profile: WorkloadProfile) -> tuple[float, float]:
    """(share of one cycle's requests throttled, largest ratio of demand to the capacity in service)."""
    settings = profile.lambda_managed
    rate = rate_curve(
        profile.traffic, horizon_s=cycle_seconds(profile.traffic), seconds_per_month=profile.seconds_per_month
    )
    minutes = rate[: rate.size - rate.size % 60].reshape(-1, 60)
    per_instance = managed_instance_rps(profile)
    target = settings.target_cpu / 100.0
    fleet = managed_instances(profile, float(minutes[0].mean()))
    arriving: list[tuple[int, int]] = []  # (minute it serves, instances)
    delay = max(1, math.ceil((settings.metric_period_s + settings.launch_s) / 60.0))
    throttled = 0.0
    peak_ratio = 0.0
    for minute, demand in enumerate(minutes):
        fleet += sum(count for at, count in arriving if at == minute)
        arriving = [(at, count) for at, count in arriving if at > minute]
        capacity = fleet * per_instance
        throttled += float(np.maximum(demand - capacity, 0.0).sum())
        peak_ratio = max(peak_ratio, float(demand.max()) / capacity if capacity > 0 else math.inf)
        carried = float(np.minimum(demand, capacity).mean())
        desired = min(
            max(math.ceil(carried / per_instance / target - 1e-9), settings.min_instances), settings.max_instances
        )
        pending = sum(count for _, count in arriving)
        if desired > fleet + pending:
            arriving.append((minute + delay, desired - fleet - pending))
        elif desired < fleet and not arriving:
            fleet -= 1
    total = float(rate.sum())
    return (throttled / total if total > 0 else 0.0), peak_ratio
