"""The library facade: one function per command, composing the pipeline stages. Never prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archsel import presets
from archsel.performance import lambda_duration_factor
from archsel.presets import InitResult, Preset
from archsel.profile import WorkloadProfile
from archsel.profile_loader import load_profile
from archsel.sim.traffic import summarize


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
    mean_ms = profile.request.duration_ms.mean()
    factor = lambda_duration_factor(profile.lambda_.memory_mb, profile.request.cpu_fraction)
    lambda_ms = mean_ms * factor
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
    return tuple(notices)


# ----------------------------------------------------------------------------- init (presets)

_INIT_HEADER = """\
# Written by `archsel init --preset {preset}` from the shipped scenario of that name.
# Edit it to describe your workload, then check it with `archsel validate {path}`.
# Every key, its default and the default's source: docs/profile.md in the archsel repository.
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
