"""A design in a few words for progress lines: "Lambda 1024 MB arm64", "Fargate 0.5 vCPU 1 GB x86_64"."""

from __future__ import annotations

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile


def design_label(profile: WorkloadProfile, architecture: Architecture | str) -> str:
    """The compute settings a simulation unit runs with (memory, task size, CPU architecture)."""
    if str(architecture) == str(Architecture.LAMBDA):
        settings = profile.lambda_
        return f"Lambda {settings.memory_mb} MB {settings.architecture}"
    if str(architecture) == str(Architecture.FARGATE):
        task = profile.fargate
        return f"Fargate {task.vcpu:g} vCPU {task.memory_gb:g} GB {task.architecture}"
    return str(architecture)


def unit_label(unit: object) -> str:
    """`design_label` of a finished simulation unit (anything with ``profile`` and ``architecture``)."""
    profile, architecture = getattr(unit, "profile", None), getattr(unit, "architecture", "")
    if isinstance(profile, WorkloadProfile):
        return design_label(profile, architecture)
    return str(architecture)
