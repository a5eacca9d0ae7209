"""The no-simulation usage estimate: monthly compute usage straight from the profile's rates.

This is what `archsel cost` prices. It uses the mean rate and the mean request time, so it
knows nothing of cold starts (INIT duration is zero here; `archsel simulate` measures it),
of queueing, or of autoscaling lag; Fargate runs the task count that serves the mean load
at the scaling target all month (within each part of the day's bounds when fargate.schedule
gives some).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from archsel.billing.rules import (
    LAMBDA_BILLING_STEP_MS,
    MB_PER_GB,
    data_out_gb,
    fargate_extra_ephemeral_gb,
    lambda_extra_ephemeral_gb,
    managed_instances,
    metered_requests_per_request,
    provisioned_rounded_s,
    settled_tasks,
)
from archsel.billing.usage import (
    ComputeUsage,
    FargateUsage,
    LambdaManagedUsage,
    LambdaUsage,
    RouteUsage,
    empty_lambda_usage,
    with_routes,
)
from archsel.cost.network import fargate_network
from archsel.profile.architecture import Architecture
from archsel.profile.capacity_schedule import Bounds, CapacitySchedule
from archsel.profile.distributions import Distribution
from archsel.profile.performance import duration_factor, lambda_duration_factor
from archsel.profile.routes import mean_duration_ms, route_layout
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import cycle_seconds, rate_curve, target_mean_rps
from archsel.profile.traffic_schema import Traffic

SECONDS_PER_DAY = 86_400.0
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class TrafficLoad:
    """The profile's traffic as the estimate sees it."""

    mean_rps: float
    """Mean rate over one full cycle of the shape."""
    requests_per_month: float


def traffic_load(profile: WorkloadProfile) -> TrafficLoad:
    """Mean rate and monthly requests of the profile's traffic.

    The rate curve is normalised to the profile's rate, so only a trace given without a rate
    needs the curve itself.
    """
    mean = target_mean_rps(profile.traffic, profile.seconds_per_month)
    if mean is None:
        cycle = cycle_seconds(profile.traffic)
        mean = float(rate_curve(profile.traffic, horizon_s=cycle, seconds_per_month=profile.seconds_per_month).mean())
    return TrafficLoad(mean, mean * profile.seconds_per_month)


def hourly_rates(profile: WorkloadProfile) -> tuple[float, ...]:
    """Mean rate of each whole hour covering one traffic cycle (for hourly billing: ALB LCU)."""
    return _hourly_rates(profile.traffic, profile.seconds_per_month)


@lru_cache(maxsize=64)
def _hourly_rates(traffic: Traffic, seconds_per_month: float) -> tuple[float, ...]:
    """hourly_rates, once per traffic: the break-even scans ask again for every duration they try."""
    hours = math.ceil(cycle_seconds(traffic) / 3_600)
    curve = rate_curve(traffic, horizon_s=hours * 3_600, seconds_per_month=seconds_per_month)
    return tuple(float(rate) for rate in curve.reshape(hours, 3_600).mean(axis=1))


def usage_from_profile(profile: WorkloadProfile, architecture: Architecture) -> ComputeUsage:
    """Monthly compute usage of ``architecture`` for the profile's mean load (no simulation)."""
    load = traffic_load(profile)
    if architecture == Architecture.LAMBDA:
        return lambda_usage(profile, load)
    if architecture == Architecture.LAMBDA_MANAGED:
        return lambda_managed_usage(profile, load)
    return fargate_usage(profile, load)


def lambda_managed_usage(profile: WorkloadProfile, load: TrafficLoad) -> LambdaManagedUsage:
    """API Gateway + Lambda Managed Instances usage: hour by hour, the fleet the scaler holds for that hour's rate."""
    settings = profile.lambda_managed
    hourly = hourly_rates(profile)
    mean_instances = sum(managed_instances(profile, rate) for rate in hourly) / len(hourly)
    requests = load.requests_per_month
    api = profile.lambda_.api
    return LambdaManagedUsage(
        instance_type=settings.instance.name,
        architecture=settings.architecture,
        api=api,
        instance_hours=mean_instances * profile.pricing.hours_per_month,
        api_requests=requests,
        api_metered_requests=requests * metered_requests_per_request(api, profile.request.payload_kb),
        invocations=requests,
        response_gb=data_out_gb(requests, profile.request.response_kb),
    )


# ----------------------------------------------------------------------------- Lambda


def billed_duration_ms(profile: WorkloadProfile) -> float:
    """Mean billed time of one invocation: the request time at the function's memory, rounded up to 1 ms.

    A fixed time is rounded up exactly; for a spread of times rounding adds half a millisecond on average.
    """
    return billed_ms_at(profile.request.duration_ms, profile.lambda_.memory_mb, profile.request.cpu_fraction)


def billed_ms_at(duration: Distribution, memory_mb: int, cpu_fraction: float) -> float:
    """Mean billed time (ms) of a request of reference time ``duration`` on a function of ``memory_mb``."""
    mean_ms = duration.mean() * lambda_duration_factor(memory_mb, cpu_fraction)
    step = LAMBDA_BILLING_STEP_MS
    if duration.distribution == "fixed":
        return float(math.ceil(mean_ms / step - _EPSILON) * step)
    return mean_ms + step / 2.0


def lambda_usage(profile: WorkloadProfile, load: TrafficLoad) -> LambdaUsage:
    """Lambda + API Gateway usage at the mean rate."""
    if profile.request.routes:
        return routed_lambda_usage(profile, load)
    settings = profile.lambda_
    requests = load.requests_per_month
    duration_s = billed_duration_ms(profile) / 1_000.0
    memory_gb = settings.memory_mb / MB_PER_GB
    provisioned_gb_s, provisioned_share = provisioned(profile, load.mean_rps * duration_s)
    invocation_gb_s = requests * duration_s * memory_gb
    extra_storage_gb = lambda_extra_ephemeral_gb(settings.ephemeral_storage_mb)
    metered = requests * metered_requests_per_request(settings.api, profile.request.payload_kb)
    return LambdaUsage(
        memory_mb=settings.memory_mb,
        architecture=settings.architecture,
        api=settings.api,
        api_requests=requests,
        api_metered_requests=metered,
        invocations=requests,
        ondemand_gb_seconds=invocation_gb_s * (1.0 - provisioned_share),
        init_gb_seconds=0.0,
        provisioned_gb_seconds=provisioned_gb_s,
        provisioned_duration_gb_seconds=invocation_gb_s * provisioned_share,
        ephemeral_extra_gb_seconds=extra_storage_gb * requests * duration_s,
        response_gb=data_out_gb(requests, profile.request.response_kb),
    )


def routed_lambda_usage(profile: WorkloadProfile, load: TrafficLoad) -> LambdaUsage:
    """Usage route by route: each route's share of the requests at its function's memory.

    Provisioned concurrency is configured on each function and serves the function's share of
    the load; its configured GB-s are split over the function's routes by requests.
    """
    plan = route_layout(profile)
    settings, request = profile.lambda_, profile.request
    extra_storage_gb = lambda_extra_ephemeral_gb(settings.ephemeral_storage_mb)
    routes: dict[int, RouteUsage] = {}
    for function in plan.functions:
        gb = function.memory_mb / MB_PER_GB
        seconds = {
            i: billed_ms_at(plan.routes[i].duration_ms, function.memory_mb, request.cpu_fraction) / 1e3
            for i in function.routes
        }
        concurrency = math.fsum(load.mean_rps * plan.routes[i].share * seconds[i] for i in function.routes)
        configured, served = provisioned(profile, concurrency, memory_mb=function.memory_mb)
        function_share = math.fsum(plan.routes[i].share for i in function.routes)
        for i in function.routes:
            route = plan.routes[i]
            requests = load.requests_per_month * route.share
            invocation_gb_s = requests * seconds[i] * gb
            steps = metered_requests_per_request(settings.api, route.payload_kb)
            routes[i] = RouteUsage(
                route=route.key,
                function=function.name,
                memory_mb=function.memory_mb,
                api_requests=requests,
                api_metered_requests=requests * steps,
                invocations=requests,
                ondemand_gb_seconds=invocation_gb_s * (1.0 - served),
                init_gb_seconds=0.0,
                provisioned_gb_seconds=configured * route.share / function_share,
                provisioned_duration_gb_seconds=invocation_gb_s * served,
                ephemeral_extra_gb_seconds=extra_storage_gb * requests * seconds[i],
                response_gb=data_out_gb(requests, request.response_kb),
            )
    base = empty_lambda_usage(
        max(function.memory_mb for function in plan.functions), settings.architecture, settings.api
    )
    return with_routes(base, tuple(routes[i] for i in range(len(plan.routes))))


def provisioned_windows(profile: WorkloadProfile) -> tuple[tuple[float, int], ...]:
    """(seconds enabled per day, count) for each provisioned-concurrency window, in 5-minute steps."""
    setting = profile.lambda_.provisioned_concurrency
    if isinstance(setting, int):
        return ((SECONDS_PER_DAY, setting),) if setting > 0 else ()
    windows = []
    for window in setting:
        length = (window.to - window.from_) % SECONDS_PER_DAY
        windows.append((min(provisioned_rounded_s(length), SECONDS_PER_DAY), window.count))
    return tuple(windows)


def provisioned(
    profile: WorkloadProfile, mean_concurrency: float, *, memory_mb: int | None = None
) -> tuple[float, float]:
    """Configured provisioned GB-seconds a month, and the share of invocations it serves.

    The share assumes traffic is spread evenly over the day and that provisioned environments
    take all work up to their count (spillover from short peaks is ignored): a simplification
    of the no-simulation estimate. ``memory_mb`` defaults to lambda.memory_mb.
    """
    memory_gb = (profile.lambda_.memory_mb if memory_mb is None else memory_mb) / MB_PER_GB
    days = profile.pricing.hours_per_month / 24.0
    configured, share = 0.0, 0.0
    for seconds, count in provisioned_windows(profile):
        configured += count * memory_gb * seconds * days
        served = min(1.0, count / mean_concurrency) if mean_concurrency > 0 else 0.0
        share += seconds / SECONDS_PER_DAY * served
    return configured, min(share, 1.0)


# ----------------------------------------------------------------------------- Fargate


def fargate_tasks_needed(profile: WorkloadProfile, mean_rps: float) -> int:
    """Tasks that serve the mean load, before the min/max bounds: the count the scaling policy
    settles at, and at least enough for each task to hold its share of requests in flight
    (Little's law) within ``concurrency_per_task``.
    """
    fargate = profile.fargate
    wall_s = mean_duration_ms(profile) / 1_000.0 * duration_factor(profile.request.cpu_fraction, fargate.vcpu)
    in_flight = mean_rps * wall_s / fargate.concurrency_per_task
    return max(settled_tasks(profile, mean_rps), math.ceil(in_flight - _EPSILON))


def fargate_tasks(profile: WorkloadProfile, mean_rps: float) -> int:
    """Tasks that serve the mean load at the scaling target, within [min_tasks, max_tasks]."""
    return Bounds(profile.fargate.min_tasks, profile.fargate.max_tasks).clamp(fargate_tasks_needed(profile, mean_rps))


def fargate_mean_tasks(profile: WorkloadProfile, mean_rps: float) -> float:
    """Tasks over the day: the mean-load count kept within the bounds in force in each part of it.

    With ``fargate.schedule`` the bounds change by time of day; the load is taken as even over
    the day (a simplification of the no-simulation estimate: a window that raises min_tasks
    for the peak is charged its tasks, but the peak itself is not). Without one, the base bounds.
    """
    needed = fargate_tasks_needed(profile, mean_rps)
    segments = CapacitySchedule.from_profile(profile.fargate).day_segments()
    return sum(bounds.clamp(needed) * seconds for seconds, bounds in segments) / SECONDS_PER_DAY


def fargate_usage(profile: WorkloadProfile, load: TrafficLoad) -> FargateUsage:
    """ALB + Fargate usage: the mean-load task count for the whole month."""
    fargate = profile.fargate
    requests = load.requests_per_month
    task_seconds = fargate_mean_tasks(profile, load.mean_rps) * profile.seconds_per_month
    hourly = hourly_rates(profile)
    network = fargate_network(profile, task_hours=task_seconds / 3_600.0, hourly_rps=hourly, requests=requests)
    return FargateUsage(
        vcpu=fargate.vcpu,
        memory_gb=fargate.memory_gb,
        architecture=fargate.architecture,
        ondemand_task_seconds=task_seconds * (1.0 - fargate.spot_share),
        spot_task_seconds=task_seconds * fargate.spot_share,
        ephemeral_extra_gb=fargate_extra_ephemeral_gb(fargate.ephemeral_storage_gb),
        alb_hours=network.alb_hours,
        alb_lcu_hours=network.alb_lcu_hours,
        public_ipv4_hours=network.public_ipv4_hours,
        nat_gateway_hours=network.nat_gateway_hours,
        nat_processed_gb=network.nat_processed_gb,
        response_gb=network.response_gb,
    )
