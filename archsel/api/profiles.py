"""Profiles for the commands: load and validate one, apply command-line overrides, write a preset."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.profile import presets
from archsel.profile.loader import load_profile
from archsel.profile.performance import lambda_duration_factor
from archsel.profile.presets import InitResult, Preset
from archsel.profile.routes import mean_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import summarize

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What a valid profile implies (the output of `archsel validate`)."""

    profile: WorkloadProfile
    source: str
    mean_rps: float
    peak_rps: float
    trough_rps: float
    requests_per_month: float
    mean_duration_ms: float
    lambda_mean_duration_ms: float
    lambda_concurrency_mean: float
    lambda_concurrency_peak: float
    notices: tuple[str, ...]


def validate(profile_path: str | Path) -> ValidationReport:
    """Load ``profile_path`` and work out its mean/peak rate, monthly requests and concurrency.

    Concurrency follows Little's law: in-flight requests = arrival rate x time in the system.
    """
    profile = load_profile(profile_path)
    traffic = summarize(profile)
    mean_ms = mean_duration_ms(profile)
    lambda_ms = lambda_mean_ms(profile)
    return ValidationReport(
        profile=profile,
        source=str(profile_path),
        mean_rps=traffic.mean_rps,
        peak_rps=traffic.peak_rps,
        trough_rps=traffic.trough_rps,
        requests_per_month=traffic.requests_per_month,
        mean_duration_ms=mean_ms,
        lambda_mean_duration_ms=lambda_ms,
        lambda_concurrency_mean=traffic.mean_rps * lambda_ms / 1000.0,
        lambda_concurrency_peak=traffic.peak_rps * lambda_ms / 1000.0,
        notices=_notices(profile),
    )


def lambda_mean_ms(profile: WorkloadProfile) -> float:
    """Mean request time on Lambda: each route's at its function's memory, weighted by share."""
    from archsel.profile.routes import route_layout

    cpu = profile.request.cpu_fraction
    plan = route_layout(profile)
    if not plan.explicit:
        return profile.request.duration_ms.mean() * lambda_duration_factor(profile.lambda_.memory_mb, cpu)
    return math.fsum(
        route.share * route.duration_ms.mean() * lambda_duration_factor(plan.functions[route.function].memory_mb, cpu)
        for route in plan.routes
    )


def _notices(profile: WorkloadProfile) -> tuple[str, ...]:
    notices = []
    if profile.traffic.shape == "weekly" and profile.simulation.horizon < 7 * 86_400:
        notices.append(
            "shape weekly with a horizon under 7d: the simulated window misses the weekend (set simulation.horizon: 7d)"
        )
    if profile.storage.upload_mb > 6 and not profile.storage.presigned_urls:
        notices.append(
            f"uploads of {profile.storage.upload_mb:g} MB exceed Lambda's 6 MB payload limit; use presigned_urls: true"
        )
    notices.extend(route_notices(profile))
    return tuple(notices)


def route_notices(profile: WorkloadProfile) -> tuple[str, ...]:
    """What the loader did to request.routes: shares normalised to sum to 1."""
    request = profile.request
    if not request.routes or abs(request.route_share_total - 1.0) <= 1e-9:
        return ()
    shares = ", ".join(
        f"{route.key} {share:.3g}" for route, share in zip(request.routes, request.route_shares, strict=True)
    )
    return (f"request.routes shares sum to {request.route_share_total:g}, not 1: normalised to {shares}",)


def load(profile_path: str | Path) -> WorkloadProfile:
    """Read and validate a profile (ProfileError names file, line and field)."""
    return load_profile(profile_path)


def with_budget(profile: WorkloadProfile, budget: str | None) -> WorkloadProfile:
    """``profile`` with its ``simulation.budget`` changed by a --budget value: a model name or a duration."""
    if budget is None:
        return profile
    from archsel.profile.changes import with_section
    from archsel.profile.units import parse_duration_s

    current = profile.simulation.budget
    if budget in ("auto", "exact", "aggregate"):
        changed = current.model_copy(update={"model": budget})
    else:
        changed = current.model_copy(update={"seconds": parse_duration_s(budget), "model": "auto"})
    return with_section(profile, "simulation", budget=changed.model_dump())


_INIT_HEADER = """\
# Written by `archsel init --preset {preset}` from the shipped scenario of that name.
# Edit it to describe your workload, then check it with `archsel validate {path}`.
# Above each key: what it means, its unit, type and default (the default's source where it has
# one), from the schema; the same words as docs/profile.md in the archsel repository.
#
"""


def list_presets() -> tuple[Preset, ...]:
    """The shipped scenarios `archsel init` can start from, with their one-line descriptions."""
    return presets.list_presets()


def init_profile(
    *, path: str | Path = presets.DEFAULT_PROFILE_NAME, preset: str = presets.DEFAULT_PRESET, force: bool = False
) -> InitResult:
    """Write a commented profile copied from the shipped scenario ``preset`` (and its trace CSV).

    Refuses, writing nothing, when a target file exists and ``force`` is off (UsageError,
    exit 2); an unknown preset is a UsageError that lists the valid names.
    """
    chosen = presets.find_preset(preset)
    shipped = load_profile(chosen.path)  # names the trace to copy; a broken shipped scenario fails here, not later
    target = presets.profile_target(Path(path))
    header = _INIT_HEADER.format(preset=chosen.name, path=target)
    files = presets.plan_files(chosen, target, trace=shipped.traffic.trace, header=header)
    result = presets.write_files(chosen.name, files, force=force)
    load_profile(result.profile_path)  # what was written must load as it stands
    return result
