"""Model-specific figures of a run, one typed record per architecture (a misspelt name fails to type-check)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """How a month-scale Lambda run was built from representative days."""

    day_types: float
    """Distinct kinds of day simulated."""
    days_simulated: float
    """Days simulated exactly, over all kinds."""
    grouped_days: float
    """Days of the month stood for by a day with a different rate curve (0 when every kind was exact)."""


@dataclass(frozen=True, slots=True)
class LambdaFigures:
    """Counts and time averages of one Lambda run, beyond the SimRun totals."""

    api_throttled: float
    lambda_throttled: float
    lambda_throttled_concurrency: float
    lambda_throttled_scaling: float
    gateway_timeouts: float
    function_timeouts: float
    init_retries: float
    invocations: float
    warm_starts: float
    provisioned_invocations: float
    spillover_invocations: float
    peak_concurrency: float
    mean_concurrency: float
    throughput_rps: float
    mean_occupancy_s: float
    environments_created: float
    environments_expired: float
    environments_retired: float
    environments_reset: float
    provisioned_mean_ready: float
    provisioned_utilisation: float
    provisioned_inits: float
    month: MonthFigures | None = field(default=None, kw_only=True)
    """Set on a month-scale run (simulate_lambda_month)."""

    def items(self) -> tuple[tuple[str, float], ...]:
        """(name, value) pairs sorted by name; a month run's are named ``month_<field>``."""
        pairs = [(item.name, float(getattr(self, item.name))) for item in fields(self) if item.name != "month"]
        if self.month is not None:
            pairs += [(f"month_{item.name}", float(getattr(self.month, item.name))) for item in fields(self.month)]
        return tuple(sorted(pairs))


@dataclass(frozen=True, slots=True)
class FargateFigures:
    """Utilisation, queueing and fleet figures of one Fargate run, beyond the SimRun totals."""

    mean_cpu_utilisation: float
    peak_queue: float
    peak_in_system: float
    mean_in_system: float
    littles_law_lambda_w: float
    wait_probability: float
    mean_wait_ms: float
    queue_full_503: float
    no_target_503: float
    timeouts_504: float
    mean_in_service: float
    mean_billed_tasks: float
    tasks_launched: float
    spot_interruptions: float

    def items(self) -> tuple[tuple[str, float], ...]:
        """(name, value) pairs sorted by name."""
        return tuple(sorted((item.name, float(getattr(self, item.name))) for item in fields(self)))


@dataclass(frozen=True, slots=True)
class LambdaManagedFigures:
    """Fleet, utilisation and throttling figures of one Lambda Managed Instances run."""

    mean_cpu_utilisation: float
    mean_instances: float
    min_instances: float
    max_instances: float
    instances_launched: float
    throttled_429: float
    gateway_timeouts: float
    peak_in_flight: float
    mean_in_flight: float
    littles_law_lambda_w: float
    slots_per_instance: float
    environments_per_instance: float
    environment_concurrency: float

    def items(self) -> tuple[tuple[str, float], ...]:
        """(name, value) pairs sorted by name."""
        return tuple(sorted((item.name, float(getattr(self, item.name))) for item in fields(self)))


Figures = LambdaFigures | FargateFigures | LambdaManagedFigures
"""The figures of a run of any architecture."""
