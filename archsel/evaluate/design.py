"""A design to evaluate: one architecture's settings carried by a copy of the workload profile.

CPU architecture (arm64 / x86_64) changes the price but not the simulated behaviour (an
assumption: same speed per vCPU), so designs that differ only in it share one simulation
(their simulation key is the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from archsel.profile.architecture import Architecture
from archsel.profile.changes import with_section
from archsel.profile.routes import route_layout
from archsel.profile.scaling_schema import Scaling
from archsel.profile.schema import WorkloadProfile


@dataclass(frozen=True, slots=True)
class Candidate:
    """One design to evaluate: an architecture and the profile carrying its settings."""

    key: str
    architecture: Architecture
    profile: WorkloadProfile

    @property
    def simulation_key(self) -> str:
        """Candidates with the same simulation key behave the same (they differ only in price)."""
        return self.key.rsplit("-", 1)[0]

    def settings(self) -> dict[str, object]:
        """The knobs that define this design (for reports and scaffolding)."""
        if self.architecture == Architecture.LAMBDA:
            settings = self.profile.lambda_
            knobs: dict[str, object] = {
                "api": settings.api,
                "memory_mb": settings.memory_mb,
                "architecture": settings.architecture,
                "provisioned_concurrency": settings.max_provisioned,
                "reserved_concurrency": settings.reserved_concurrency,
            }
            if self.profile.request.routes:
                plan = route_layout(self.profile)
                knobs["layout"] = settings.layout
                knobs["functions"] = {f.name: f.memory_mb for f in plan.functions}
            return knobs
        if self.architecture == Architecture.LAMBDA_MANAGED:
            managed = self.profile.lambda_managed
            return {
                "api": self.profile.lambda_.api,
                "instance_type": managed.instance.name,
                "architecture": managed.architecture,
                "memory_mb": managed.memory_mb,
                "memory_gib_per_vcpu": managed.memory_gib_per_vcpu,
                "per_environment_concurrency": managed.environment_concurrency(self.profile.lambda_.runtime),
                "min_instances": managed.min_instances,
                "max_instances": managed.max_instances,
                "target_cpu": managed.target_cpu,
            }
        fargate = self.profile.fargate
        knobs = {
            "vcpu": fargate.vcpu,
            "memory_gb": fargate.memory_gb,
            "architecture": fargate.architecture,
            "min_tasks": fargate.min_tasks,
            "max_tasks": fargate.max_tasks,
            "scaling_metric": fargate.scaling.metric,
            **_policy_settings(fargate.scaling),
            "spot_share": fargate.spot_share,
        }
        if fargate.schedule:
            knobs["schedule"] = [window.model_dump(mode="json", by_alias=True) for window in fargate.schedule]
        return knobs

    def describe(self) -> str:
        """A short label, e.g. 'Lambda 1024 MB arm64, HTTP API' or 'Fargate 0.5 vCPU/1 GB x86_64, 1-20 tasks'."""
        if self.architecture == Architecture.LAMBDA:
            s = self.profile.lambda_
            extra = f", {s.max_provisioned} provisioned" if s.max_provisioned else ""
            if self.profile.request.routes:
                return f"Lambda {layout_label(self.profile)} {s.architecture}, {s.api.upper()} API{extra}"
            return f"Lambda {s.memory_mb} MB {s.architecture}, {s.api.upper()} API{extra}"
        if self.architecture == Architecture.LAMBDA_MANAGED:
            m = self.profile.lambda_managed
            return (
                f"Lambda Managed Instances {m.instance.name} {m.architecture}, {m.min_instances}-{m.max_instances} "
                f"instances at CPU {m.target_cpu:g}, {self.profile.lambda_.api.upper()} API"
            )
        f = self.profile.fargate
        spot = f", {f.spot_share:.0%} Spot" if f.spot_share else ""
        windows = len(f.schedule)
        scheduled = f" ({windows} scheduled window{'s' if windows > 1 else ''})" if windows else ""
        return (
            f"Fargate {f.vcpu:g} vCPU/{f.memory_gb:g} GB {f.architecture}, {f.min_tasks}-{f.max_tasks} tasks"
            f"{scheduled} at {scaling_label(f.scaling)}{spot}"
        )


def _policy_settings(scaling: Scaling) -> dict[str, object]:
    """Target tracking: its target (as before step scaling existed); step: the policy and its thresholds."""
    if scaling.policy == "step" and scaling.scale_out:
        return {
            "scaling_policy": "step",
            "scale_out_threshold": scaling.scale_out.threshold,
            "scale_in_threshold": scaling.scale_in.threshold if scaling.scale_in else None,
        }
    return {"scaling_target": scaling.target}


def scaling_label(scaling: Scaling) -> str:
    """'cpu 60' for target tracking, 'cpu step scaling above 70' for step scaling (recommend keeps the policy)."""
    if scaling.policy == "step" and scaling.scale_out:
        return f"{scaling.metric} step scaling above {scaling.scale_out.threshold:g}"
    return f"{scaling.metric} {scaling.target:g}"


def with_lambda(profile: WorkloadProfile, **changes: object) -> WorkloadProfile:
    """The profile with some `lambda:` settings changed, validated like a parsed profile."""
    return with_section(profile, "lambda_", **changes)


def with_fargate(profile: WorkloadProfile, **changes: object) -> WorkloadProfile:
    """The profile with some `fargate:` settings changed, validated like a parsed profile."""
    return with_section(profile, "fargate", **changes)


def with_lambda_managed(profile: WorkloadProfile, **changes: object) -> WorkloadProfile:
    """The profile with some `lambda_managed:` settings changed, validated like a parsed profile."""
    return with_section(profile, "lambda_managed", **changes)


def with_simulation(profile: WorkloadProfile, **changes: object) -> WorkloadProfile:
    """The profile with some `simulation:` settings changed (e.g. fewer replications), validated."""
    return with_section(profile, "simulation", **changes)


def layout_label(profile: WorkloadProfile) -> str:
    """How the routes run, e.g. 'one router function at 3008 MB' or '13 functions per route, 128-3008 MB'."""
    plan = route_layout(profile)
    memories = sorted({function.memory_mb for function in plan.functions})
    sizes = f"{memories[0]} MB" if len(memories) == 1 else f"{memories[0]}-{memories[-1]} MB"
    if profile.lambda_.layout == "single":
        return f"one router function for {len(plan.routes)} routes at {sizes}"
    kind = "per route" if profile.lambda_.layout == "per-route" else "per route group"
    return f"{len(plan.functions)} functions {kind}, {sizes}"
