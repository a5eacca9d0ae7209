"""A design in a few words for progress lines: "Lambda 1024 MB arm64", "Fargate 0.5 vCPU 1 GB x86_64, 1-20 tasks"."""

from __future__ import annotations

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile


def design_label(profile: WorkloadProfile, architecture: Architecture | str) -> str:
    """The compute settings a simulation unit runs with (memory, CPU architecture, task size and count, instance type)."""
    if str(architecture) == str(Architecture.LAMBDA):
        settings = profile.lambda_
        return f"Lambda {settings.memory_mb} MB {settings.architecture}"
    if str(architecture) == str(Architecture.FARGATE):
        task = profile.fargate
        tasks = _count(task.min_tasks, task.max_tasks)
        return f"Fargate {task.vcpu:g} vCPU {task.memory_gb:g} GB {task.architecture}, {tasks} tasks"
    if str(architecture) == str(Architecture.LAMBDA_MANAGED):
        managed = profile.lambda_managed
        instances = _count(managed.min_instances, managed.max_instances)
        return (
            f"Lambda Managed Instances {managed.instance.name} {managed.architecture}, "
            f"{managed.memory_mb} MB, {instances} instances"
        )
    return str(architecture)


def _count(low: int, high: int) -> str:
    """'3' for a fixed count, '1-20' for a range."""
    return str(low) if low == high else f"{low}-{high}"


def unit_label(unit: object) -> str:
    """`design_label` of a finished simulation unit (anything with ``profile`` and ``architecture``)."""
    profile, architecture = getattr(unit, "profile", None), getattr(unit, "architecture", "")
    if isinstance(profile, WorkloadProfile):
        return design_label(profile, architecture)
    return str(architecture)


def sweep_unit_label(unit: object, point_label: str, point_number: int, points: int) -> str:
    """A sweep's unit: its design first, then its point ("Lambda 512 MB arm64 at point 2/4 (lambda.memory_mb=512)")."""
    return f"{unit_label(unit)} at point {point_number}/{points} ({point_label})"
