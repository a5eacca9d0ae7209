"""Whether the simulated window is long enough to stand for a month: warnings, and recommend's minimum.

A run starts with no warm Lambda environment and Fargate at its minimum task count, and its
figures are scaled from the measured window (horizon minus warm-up) to the month. When that
window is not much longer than the periods that shape the system (the keep-alive that decides
cold starts, the alarms and cooldowns of autoscaling, a task's start), the start-up transient
is most of what is measured and the monthly figures inherit it.
"""

from __future__ import annotations

from archsel.errors import ProfileError
from archsel.profile.schema import WorkloadProfile
from archsel.profile.units import format_duration

# recommend refuses to scale a measured window shorter than this to a month (without
# simulation.allow_short_horizon): an hour covers the default keep-alive and autoscaling periods
# several times over, where a second (say) gave 94% cold starts instead of 0.03%.
MIN_RECOMMEND_WINDOW_S = 3_600.0
# A period that fits in the window fewer times than this makes the window a warning.
PERIODS_PER_WINDOW = 4.0


def measured_window_s(profile: WorkloadProfile) -> float:
    """Seconds of the horizon that count in the statistics (after the warm-up)."""
    return profile.simulation.horizon - profile.simulation.warmup


def horizon_warnings(profile: WorkloadProfile, architectures: tuple[str, ...] = ("lambda", "fargate")) -> list[str]:
    """One sentence per period the measured window is too short for, naming the consequence."""
    window = measured_window_s(profile)
    warnings = []
    for period_s, what, consequence in _periods(profile, architectures):
        if window < PERIODS_PER_WINDOW * period_s:
            warnings.append(
                f"simulation.horizon: the measured window ({format_duration(window)}) is short next to {what} "
                f"({format_duration(period_s)}): {consequence}"
            )
    return warnings


def _periods(profile: WorkloadProfile, architectures: tuple[str, ...]) -> list[tuple[float, str, str]]:
    periods: list[tuple[float, str, str]] = []
    if "lambda" in architectures:
        periods.append(
            (
                profile.lambda_.keep_alive_s.mean(),
                "Lambda's keep-alive",
                "it starts with no warm environment, so the cold-start ratio and latency are overstated",
            )
        )
    if "fargate" in architectures:
        scaling = profile.fargate.scaling
        scale_in = scaling.scale_in_datapoints * scaling.metric_period_s
        scale_out = max(scaling.scale_out_datapoints * scaling.metric_period_s, scaling.scale_out_cooldown_s)
        periods.append(
            (
                max(scale_in, scale_out, profile.fargate.task_start_s.mean()),
                "Fargate's autoscaling alarms and cooldowns",
                "the task count barely leaves its starting level, so cost and latency reflect the start, not the load",
            )
        )
    return periods


def check_recommend_window(profile: WorkloadProfile) -> None:
    """Refuse to recommend from a measured window under an hour unless the profile allows it."""
    window = measured_window_s(profile)
    if window >= MIN_RECOMMEND_WINDOW_S or profile.simulation.allow_short_horizon:
        return
    raise ProfileError(
        f"{profile.name}: simulation.horizon: the measured window ({format_duration(window)}, after the "
        f"{format_duration(profile.simulation.warmup)} warm-up) is shorter than "
        f"{format_duration(MIN_RECOMMEND_WINDOW_S)}, too short to scale to a month: start-up effects would decide",
        hint="lengthen simulation.horizon (1d is the default), or set simulation.allow_short_horizon: true "
        "to recommend from it anyway",
    )
