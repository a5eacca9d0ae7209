"""The designs `recommend` compares: Lambda and Fargate variants of the profile, and why some cannot work.

A candidate is the workload profile with one architecture's compute settings replaced. CPU
architecture (arm64 / x86_64) changes the price but not the simulated behaviour (an
assumption: same speed per vCPU), so candidates that differ only in it share one simulation.
When the profile lists routes, the Lambda layout is a dimension too: one router function,
one function per route, and one per route group when groups are given.
"""

from __future__ import annotations

from dataclasses import dataclass

from archsel.evaluate.design import Candidate, with_fargate, with_lambda
from archsel.profile.architecture import Architecture
from archsel.profile.fargate_sizes import VALID_TASK_SIZES
from archsel.profile.scaling_schema import Scaling
from archsel.profile.schema import WorkloadProfile

# Limits that rule designs out: Lambda's 6 MB synchronous payload
# (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), API Gateway's 10 MB
# payload and integration timeouts (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
LAMBDA_PAYLOAD_LIMIT_MB = 6.0
API_GATEWAY_PAYLOAD_LIMIT_MB = 10.0
API_TIMEOUT_S = {"http": 30.0, "rest": 29.0}

# Memory sizes tried for Lambda beyond the profile's own: one full vCPU and a common large size.
LAMBDA_MEMORY_STEPS_MB = (1_769, 3_008)
# Fargate task vCPU sizes tried (larger sizes only pay off with heavy per-request CPU).
FARGATE_VCPU_STEPS = (0.25, 0.5, 1.0, 2.0)
CPU_ARCHITECTURES = ("arm64", "x86_64")


@dataclass(frozen=True, slots=True)
class Pruned:
    """A design ruled out before simulation, and why."""

    architecture: Architecture
    description: str
    reason: str


def _policy_key(scaling: Scaling) -> str:
    if scaling.policy == "step" and scaling.scale_out:
        return f"-step{scaling.scale_out.threshold:g}"
    return f"{scaling.target:g}"


def lambda_key(profile: WorkloadProfile) -> str:
    """Stable id of a Lambda design (with routes, the layout is part of it)."""
    s = profile.lambda_
    layout = f"{s.layout}-" if profile.request.routes else ""
    return f"lambda-{s.api}-{layout}{s.memory_mb}mb-pc{s.max_provisioned}-{s.architecture}"


def lambda_layouts(profile: WorkloadProfile) -> tuple[str, ...]:
    """The layouts worth comparing: none without routes; single and per-route, and grouped when groups are given."""
    routes = profile.request.routes
    if not routes:
        return ()
    grouped = ("grouped",) if any(route.group for route in routes) else ()
    return ("single", "per-route", *grouped)


def fargate_key(profile: WorkloadProfile) -> str:
    """Stable id of a Fargate design."""
    f = profile.fargate
    return (
        f"fargate-{f.vcpu:g}vcpu-{f.memory_gb:g}gb-min{f.min_tasks}-max{f.max_tasks}-"
        f"{f.scaling.metric}{_policy_key(f.scaling)}-spot{f.spot_share:g}-{f.architecture}"
    )


def lambda_candidates(profile: WorkloadProfile) -> tuple[list[Candidate], list[Pruned]]:
    """Lambda designs over memory sizes and CPU architectures, or why Lambda cannot serve the profile."""
    reason = lambda_blocker(profile)
    if reason is not None:
        return [], [Pruned(Architecture.LAMBDA, "API Gateway + Lambda", reason)]
    base = profile.lambda_.memory_mb
    memories = sorted({base, *(m for m in LAMBDA_MEMORY_STEPS_MB if m > base)})
    layouts = lambda_layouts(profile) or (profile.lambda_.layout,)
    candidates: list[Candidate] = []
    pruned: list[Pruned] = []
    for layout in layouts:
        # Checked on a copy without concurrency settings: the schema itself refuses a layout whose
        # per-function reservations overrun the account, and this says why in the pruned list instead.
        probe = with_lambda(profile, layout=layout, provisioned_concurrency=0, reserved_concurrency=None)
        blocker = layout_blocker(profile, len(probe.function_routes))
        if blocker is not None:
            pruned.append(Pruned(Architecture.LAMBDA, f"Lambda, layout {layout}", blocker))
            continue
        for memory in memories:
            for cpu in CPU_ARCHITECTURES:
                variant = with_lambda(
                    profile, memory_mb=memory, architecture=cpu, provisioned_concurrency=0, layout=layout
                )
                candidates.append(Candidate(lambda_key(variant), Architecture.LAMBDA, variant))
    return candidates, pruned


def layout_blocker(profile: WorkloadProfile, functions: int) -> str | None:
    """Why a layout of ``functions`` functions cannot be configured (reserved concurrency for each), or None."""
    settings = profile.lambda_
    reserved = settings.reserved_concurrency
    if reserved is not None and functions > 1 and reserved * functions > settings.account_concurrency - 100:
        return (
            f"reserved concurrency {reserved} for each of {functions} functions would leave less than 100 of "
            f"the account's {settings.account_concurrency} unreserved"
        )
    return None


def lambda_blocker(profile: WorkloadProfile) -> str | None:
    """Why no Lambda design can serve this profile, or None."""
    payload_mb = max([profile.request.payload_kb, *(r.payload_kb or 0.0 for r in profile.request.routes)]) / 1024
    if payload_mb > LAMBDA_PAYLOAD_LIMIT_MB:
        return f"request bodies of {payload_mb:.1f} MB exceed Lambda's 6 MB synchronous payload limit"
    storage = profile.storage
    if storage.uploads_per_month and not storage.presigned_urls and storage.upload_mb > LAMBDA_PAYLOAD_LIMIT_MB:
        return (
            f"uploads of {storage.upload_mb:g} MB through the API exceed Lambda's 6 MB payload limit "
            "(API Gateway's is 10 MB); set storage.presigned_urls: true to upload straight to S3"
        )
    timeout = API_TIMEOUT_S[profile.lambda_.api]
    typical_s = profile.request.duration_ms.quantile(0.5) / 1000
    if typical_s > timeout:
        return f"a typical request takes {typical_s:.0f} s, beyond API Gateway's {timeout:g} s integration timeout"
    return None


def fargate_candidates(profile: WorkloadProfile) -> tuple[list[Candidate], list[Pruned]]:
    """Fargate designs over task sizes and CPU architectures (memory at least the profile's)."""
    candidates: list[Candidate] = []
    pruned: list[Pruned] = []
    need_gb = profile.fargate.memory_gb
    for vcpu in sorted({*FARGATE_VCPU_STEPS, profile.fargate.vcpu}):
        memory = next((gb for gb in VALID_TASK_SIZES[vcpu] if gb >= need_gb), None)
        if memory is None:
            pruned.append(
                Pruned(Architecture.FARGATE, f"Fargate {vcpu:g} vCPU", f"no {vcpu:g}-vCPU task has {need_gb:g} GB")
            )
            continue
        for cpu in CPU_ARCHITECTURES:
            variant = with_fargate(profile, vcpu=vcpu, memory_gb=memory, architecture=cpu)
            candidates.append(Candidate(fargate_key(variant), Architecture.FARGATE, variant))
    return candidates, pruned
