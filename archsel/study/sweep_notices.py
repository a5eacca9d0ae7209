"""Warnings about a sweep's varied values that make another field, or themselves, meaningless."""

from __future__ import annotations

from archsel.profile.architecture import Architecture
from archsel.profile.traffic import target_mean_rps
from archsel.study.sweep import SweepPlan

# Traffic fields that only a daily (or weekly) curve reads.
_SHAPED = {
    "traffic.peak_rps": ("diurnal", "weekly"),
    "traffic.peak_hour_utc": ("diurnal", "weekly"),
    "traffic.weekend_factor": ("weekly",),
}


def sweep_notices(plan: SweepPlan) -> tuple[str, ...]:
    """One line per varied field that does nothing at some points, or makes the traffic shape flat."""
    notices: list[str] = []
    for axis in plan.axes:
        notices += _unswept_architecture(plan, axis.path)
        shapes = _SHAPED.get(axis.path)
        if shapes is None:
            continue
        unused = sorted({point.profile.traffic.shape for point in plan.points} - set(shapes))
        if unused:
            notices.append(
                f"{axis.path} has no effect with traffic.shape {', '.join(unused)} "
                f"(it applies to shape {' or '.join(shapes)})"
            )
    notices += _flat_peaks(plan)
    return tuple(notices)


def _unswept_architecture(plan: SweepPlan, path: str) -> list[str]:
    section = path.split(".", 1)[0]
    owner = {"lambda": Architecture.LAMBDA, "fargate": Architecture.FARGATE}.get(section)
    if owner is None or owner in plan.architectures:
        return []
    return [f"{path} has no effect: {owner} is not simulated in this sweep (--arch)"]


def _flat_peaks(plan: SweepPlan) -> list[str]:
    """Points whose peak rate is not above their mean: the daily curve is flat there."""
    flat = []
    for point in plan.points:
        traffic = point.profile.traffic
        mean = target_mean_rps(traffic, point.profile.seconds_per_month)
        if traffic.shape in ("diurnal", "weekly") and traffic.peak_rps and mean and traffic.peak_rps <= mean:
            flat.append(plan.label(point))
    if not flat:
        return []
    return [
        f"traffic.peak_rps is not above the mean rate at {len(flat)} point(s) ({', '.join(flat[:3])}"
        f"{', ...' if len(flat) > 3 else ''}): their daily curve is flat"
    ]
