"""The numbers one Lambda run needs, derived once from the profile (limits, timeouts, schedule).

Keeps the simulator free of profile lookups: the kernel and the reference model both read a
`LambdaConfig`, so they cannot disagree about what the profile means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from archsel.profile.distributions import Distribution
from archsel.profile.lambda_schema import LambdaSettings
from archsel.profile.performance import lambda_duration_factor
from archsel.profile.routes import route_layout
from archsel.profile.schema import WorkloadProfile
from archsel.profile.units import SECONDS_PER_DAY
from archsel.sim.lambda_ import platform
from archsel.sim.lambda_.coldstart import cold_start_ms


@dataclass(frozen=True, slots=True)
class ProvisionedChange:
    """Provisioned concurrency configured to ``count`` from ``time_s`` on (simulation time)."""

    time_s: float
    count: int


@dataclass(frozen=True, slots=True)
class Routing:
    """How arrivals split over routes and routes over functions (request.routes, lambda.layout).

    Without routes: one route and one function, and no draw picks the route (the random
    streams are consumed exactly as before routes existed).
    """

    shares: tuple[float, ...] = ()
    """Normalised share of each route; empty = no routes listed."""
    duration_ms: tuple[Distribution, ...] = ()
    """Each route's handler time at the reference speed."""
    route_function: tuple[int, ...] = (0,)
    function_factor: tuple[float, ...] = ()
    """Duration factor of each function's memory."""
    function_cold_start_ms: tuple[Distribution, ...] = ()
    """INIT of each function (memory changes it for .NET only)."""
    shared_scaling: bool = False
    """Legacy scaling rule: one regional bucket for every function (current rule: one per function)."""
    reserved: bool = False
    """Reserved concurrency: the limit holds for each function (else for all of them together)."""

    @property
    def functions(self) -> int:
        """Number of functions."""
        return max(1, len(self.function_factor))

    @property
    def routes(self) -> int:
        """Number of routes (1 without routes)."""
        return max(1, len(self.shares))


@dataclass(frozen=True, slots=True)
class LambdaConfig:
    """Everything the Lambda simulator reads, in seconds and counts."""

    horizon_s: float
    warmup_s: float
    duration_ms: Distribution
    """Handler time at the reference speed (1 vCPU), before the memory factor."""
    duration_factor: float
    cold_start_ms: Distribution
    keep_alive_s: Distribution
    api_latency_ms: Distribution
    max_lifetime_s: float
    timeout_s: float
    integration_timeout_s: float
    init_cap_s: float
    concurrency_limit: int
    """The function's ceiling: reserved concurrency if set, else the account quota."""
    scaling_bucket: float
    scaling_refill_per_s: float
    api_rate_per_s: float
    api_burst: float
    provisioned_initial: int
    """Provisioned concurrency configured (and ready) when the run starts, at -warmup."""
    provisioned_changes: tuple[ProvisionedChange, ...]
    """Later configuration changes inside [-warmup, horizon), in time order."""
    provisioned_allocation_s: float
    arrival: str
    routing: Routing = Routing()
    """Routes and functions (the defaults: one route, one function)."""

    @property
    def max_provisioned(self) -> int:
        """Largest provisioned concurrency configured at any time of the run."""
        return max([self.provisioned_initial, *(change.count for change in self.provisioned_changes)])


def lambda_config(profile: WorkloadProfile, *, horizon_s: float, warmup_s: float) -> LambdaConfig:
    """Derive the run's numbers from ``profile`` for a run over [-warmup_s, horizon_s)."""
    settings = profile.lambda_
    limit = settings.reserved_concurrency if settings.reserved_concurrency is not None else settings.account_concurrency
    bucket, refill = scaling_bucket(settings, profile.region)
    initial, changes = provisioned_schedule(settings, start_s=-warmup_s, end_s=horizon_s)
    return LambdaConfig(
        horizon_s=horizon_s,
        warmup_s=warmup_s,
        duration_ms=profile.request.duration_ms,
        duration_factor=lambda_duration_factor(settings.memory_mb, profile.request.cpu_fraction),
        cold_start_ms=cold_start_ms(settings),
        keep_alive_s=settings.keep_alive_s,
        api_latency_ms=platform.API_LATENCY_MS[settings.api],
        max_lifetime_s=settings.max_lifetime_s,
        timeout_s=settings.timeout_s,
        integration_timeout_s=platform.INTEGRATION_TIMEOUT_S[settings.api],
        init_cap_s=platform.INIT_CAP_S,
        concurrency_limit=limit,
        scaling_bucket=bucket,
        scaling_refill_per_s=refill,
        api_rate_per_s=settings.api_rate_limit_rps,
        api_burst=float(settings.api_burst),
        provisioned_initial=min(initial, limit),
        provisioned_changes=tuple(ProvisionedChange(c.time_s, min(c.count, limit)) for c in changes),
        provisioned_allocation_s=settings.provisioned_allocation_s,
        arrival=profile.traffic.arrival,
        routing=routing(profile),
    )


def routing(profile: WorkloadProfile) -> Routing:
    """The route and function plan of ``profile`` as the simulator reads it."""
    if not profile.request.routes:
        return Routing()
    plan = route_layout(profile)
    settings = profile.lambda_
    return Routing(
        shares=tuple(route.share for route in plan.routes),
        duration_ms=tuple(route.duration_ms for route in plan.routes),
        route_function=tuple(route.function for route in plan.routes),
        function_factor=tuple(
            lambda_duration_factor(function.memory_mb, profile.request.cpu_fraction) for function in plan.functions
        ),
        function_cold_start_ms=tuple(
            cold_start_ms(settings.model_copy(update={"memory_mb": function.memory_mb})) for function in plan.functions
        ),
        shared_scaling=settings.scaling_rule == "legacy",
        reserved=settings.reserved_concurrency is not None,
    )


def scaling_bucket(settings: LambdaSettings, region: str) -> tuple[float, float]:
    """(capacity, refill per second) of the scale-out token bucket under the profile's rule.

    The legacy burst is capped by the account quota: no burst can exceed the concurrency the account has
    (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html).
    """
    if settings.scaling_rule == "current":
        return platform.CURRENT_SCALING_BUCKET, platform.CURRENT_SCALING_REFILL_PER_S
    burst = settings.burst_concurrency or platform.legacy_burst(region)
    return float(min(burst, settings.account_concurrency)), platform.LEGACY_SCALING_REFILL_PER_S


def provisioned_at(settings: LambdaSettings, time_s: float) -> int:
    """Provisioned concurrency configured at simulation time ``time_s`` (0 = 00:00 UTC of day 1).

    Overlapping windows do not add up: the largest count applies (as the profile's
    ``max_provisioned`` assumes).
    """
    schedule = settings.provisioned_concurrency
    if isinstance(schedule, int):
        return schedule
    clock = time_s % SECONDS_PER_DAY
    return max((w.count for w in schedule if _in_window(clock, w.from_, w.to)), default=0)


def provisioned_schedule(
    settings: LambdaSettings, *, start_s: float, end_s: float
) -> tuple[int, tuple[ProvisionedChange, ...]]:
    """Count configured at ``start_s`` and every change of it in (start_s, end_s)."""
    initial = provisioned_at(settings, start_s)
    schedule = settings.provisioned_concurrency
    if isinstance(schedule, int):
        return initial, ()
    edges = sorted({w.from_ % SECONDS_PER_DAY for w in schedule} | {w.to % SECONDS_PER_DAY for w in schedule})
    changes: list[ProvisionedChange] = []
    current = initial
    first_day = math.floor(start_s / SECONDS_PER_DAY)
    for day in range(first_day, math.ceil(end_s / SECONDS_PER_DAY) + 1):
        for edge in edges:
            time_s = day * SECONDS_PER_DAY + edge
            if start_s < time_s < end_s:
                count = provisioned_at(settings, time_s)
                if count != current:
                    changes.append(ProvisionedChange(time_s, count))
                    current = count
    return initial, tuple(changes)


def _in_window(clock: float, start: float, end: float) -> bool:
    start, end = start % SECONDS_PER_DAY, end % SECONDS_PER_DAY
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # wraps midnight
