"""Lambda Managed Instances designs `recommend` compares, and why it rules some out before simulating.

Candidates: instance family (compute / general purpose) x size x scaling target, on both CPU
architectures (a price-only variant, like Lambda's and Fargate's). The minimum fleet starts at the
documented three instances; tuning raises it (recommend.tuning). Ruled out: whatever rules out
Lambda (API Gateway's payload and timeout limits apply on the same request path), and traffic whose
bursts jump past the fleet's headroom by enough that the throttled share alone breaks the error
objective (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html:
"if your traffic more than doubles within 5 minutes, you may see throttles").
"""

from __future__ import annotations

from archsel.evaluate.design import Candidate, with_lambda_managed
from archsel.profile.architecture import Architecture
from archsel.profile.lambda_managed_schema import INSTANCE_TYPES
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import cycle_seconds, summarize
from archsel.recommend.candidates import CPU_ARCHITECTURES, Pruned, lambda_blocker

FAMILIES = {"arm64": ("c7g", "m7g"), "x86_64": ("c7i", "m7i")}
"""Compute-optimised and general-purpose families per CPU architecture (memory-optimised r only on request)."""
SIZES = ("large", "xlarge", "2xlarge")
TARGETS = (50.0, 70.0)
"""Scaling targets tried: 50 % (headroom for traffic doubling) and 70 % (cheaper, less headroom)."""


def managed_key(profile: WorkloadProfile) -> str:
    """Stable id of a Managed Instances design; the CPU architecture last (price-only variants share a run)."""
    s = profile.lambda_managed
    kind = s.instance.name.replace("g.", ".").replace("i.", ".")  # c7g.large / c7i.large -> c7.large
    return f"lambda-managed-{kind}-{s.memory_mb}mb-min{s.min_instances}-t{s.target_cpu:g}-{s.architecture}"


def managed_candidates(profile: WorkloadProfile) -> tuple[list[Candidate], list[Pruned]]:
    """Managed Instances designs, or why none can serve the profile."""
    reason = lambda_blocker(profile) or burst_blocker(profile)
    if reason is not None:
        return [], [Pruned(Architecture.LAMBDA_MANAGED, "API Gateway + Lambda Managed Instances", reason)]
    candidates: list[Candidate] = []
    for family_index in range(2):
        for size in SIZES:
            for target in TARGETS:
                for cpu in CPU_ARCHITECTURES:
                    name = f"{FAMILIES[cpu][family_index]}.{size}"
                    if name not in INSTANCE_TYPES:
                        continue
                    variant = with_lambda_managed(profile, instance_type=name, architecture=cpu, target_cpu=target)
                    candidates.append(Candidate(managed_key(variant), Architecture.LAMBDA_MANAGED, variant))
    return candidates, []


def burst_blocker(profile: WorkloadProfile) -> str | None:
    """Why bursts would break the error objective on Managed Instances at any target tried, or None.

    A fleet held at target T absorbs a jump to 1/T of the rate; above that, the excess is throttled
    until the scaler reads the jump and launched instances serve (one metric period plus the launch
    time). Only that first wave is counted, so the estimate is a floor of the throttled share.
    """
    max_errors = profile.slo.max_error_ratio
    bursts = profile.traffic.bursts
    if max_errors is None or not bursts:
        return None
    settings = profile.lambda_managed
    headroom = 100.0 / max(TARGETS)
    wait_s = settings.metric_period_s + settings.launch_s
    mean_rps = summarize(profile).mean_rps
    cycle_s = cycle_seconds(profile.traffic)
    throttled = 0.0
    for burst in bursts:
        if burst.multiplier <= headroom:
            continue
        spikes = max(1.0, cycle_s / burst.every)
        excess = (burst.multiplier - headroom) * mean_rps * min(burst.duration_s, wait_s)
        throttled += spikes * excess
    share = throttled / max(mean_rps * cycle_s, 1.0)
    if share <= max_errors:
        return None
    worst = max(burst.multiplier for burst in bursts)
    return (
        f"bursts to {worst:g}x the rate in one step exceed the {headroom:.2g}x headroom of a fleet at "
        f"{max(TARGETS):g}% CPU; until instances arrive (~{wait_s:g} s) about {share:.2%} of requests would be "
        f"throttled, above slo.max_error_ratio {max_errors:g}"
    )
