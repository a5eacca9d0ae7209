"""Pure reducers from the Lambda engine's final state to a SimRun: counts, usage, series, events.

Statistics cover arrivals in [0, horizon); time averages are integrals over [0, horizon);
billed usage is scaled to the month by seconds_per_month / horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from archsel.billing.rules import (
    MB_PER_GB,
    data_out_gb,
    lambda_extra_ephemeral_gb,
    metered_requests_per_request,
    provisioned_rounded_s,
)
from archsel.billing.usage import LambdaUsage, RouteUsage, empty_lambda_usage, with_routes
from archsel.profile.architecture import Architecture
from archsel.profile.routes import RouteLayout, route_layout
from archsel.profile.schema import WorkloadProfile
from archsel.sim.figures import LambdaFigures
from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.engine import EngineResult, Step
from archsel.sim.result import InstanceStats, RouteStats, SimRun, TimeSeries

EVENT_NAMES = {
    L.K_API_THROTTLE: "api_throttle",
    L.K_CONCURRENCY_THROTTLE: "concurrency_throttle",
    L.K_SCALING_THROTTLE: "scaling_throttle",
    L.K_COLD: "cold",
    L.K_WARM: "warm",
    L.K_PROVISIONED: "provisioned",
    L.K_DONE: "done",
    L.K_GATEWAY_TIMEOUT: "gateway_timeout",
    L.K_FUNCTION_TIMEOUT: "function_timeout",
    L.K_INIT_RETRY: "cold_init_retry",
    L.K_EXPIRE: "expire",
    L.K_RETIRE: "retire",
    L.K_RESET: "reset",
    L.K_PC_CONFIGURED: "provisioned_configured",
    L.K_PC_READY: "provisioned_ready",
}


@dataclass(frozen=True, slots=True)
class LambdaEvent:
    """One entry of the optional event log (tests and debugging).

    ``request`` is the arrival's index from the start of the run (-1 for none); ``env`` is the
    environment's serial number, -1 for a provisioned one, or the new count for provisioned_* events.
    """

    time_s: float
    kind: str
    request: int
    env: int


def events(result: EngineResult) -> tuple[LambdaEvent, ...]:
    """The event log in time order (ties keep the order the model produced them), up to the horizon."""
    state = result.state
    log = state.records
    size = int(state.pool.counts[L.N_LOG_SIZE])
    if size > log.log_time.size:
        raise OverflowError(f"event log overflow: {size} events for capacity {log.log_time.size}")
    times = log.log_time[:size]
    order = np.argsort(times, kind="stable")
    return tuple(
        LambdaEvent(
            float(times[k]), EVENT_NAMES[int(log.log_ints[k, 0])], int(log.log_ints[k, 1]), int(log.log_ints[k, 2])
        )
        for k in order
        if times[k] < result.config.horizon_s
    )


def step_integral(steps: tuple[Step, ...], start: float, end: float) -> float:
    """Integral over [start, end) of the step function ``steps`` (count from each time on).

    >>> step_integral(((-5.0, 2), (10.0, 4)), 0.0, 20.0)
    60.0
    """
    total = 0.0
    for k, (time, count) in enumerate(steps):
        until = steps[k + 1][0] if k + 1 < len(steps) else end
        total += count * max(0.0, min(until, end) - max(time, start))
    return total


def provisioned_billed_s(steps: tuple[Step, ...], horizon_s: float) -> float:
    """Environment-seconds of configured provisioned concurrency in [0, horizon), each constant
    stretch rounded up to 5 minutes, as https://aws.amazon.com/lambda/pricing/ bills it (a stretch cut
    by the window edge is rounded too).

    >>> provisioned_billed_s(((0.0, 3), (100.0, 0)), 1_000.0)
    900.0
    """
    total = 0.0
    for k, (time, count) in enumerate(steps):
        until = steps[k + 1][0] if k + 1 < len(steps) else horizon_s
        length = min(until, horizon_s) - max(time, 0.0)
        if count > 0 and length > 0:
            total += count * provisioned_rounded_s(length)
    return total


def _per_second_steps(steps: tuple[Step, ...], seconds: int) -> np.ndarray:
    """Mean of a step function in each whole second [k, k + 1) of [0, seconds)."""
    breaks = _breaks(steps, seconds)
    cumulative = np.array([step_integral(steps, 0.0, float(edge)) for edge in breaks])
    return np.diff(np.interp(np.arange(seconds + 1, dtype=np.float64), breaks, cumulative))


def _breaks(steps: tuple[Step, ...], seconds: int) -> np.ndarray:
    inner = [time for time, _ in steps if 0.0 < time < seconds]
    return np.array([0.0, *inner, float(seconds)])


def timeseries(result: EngineResult) -> TimeSeries:
    """Per-second arrivals, concurrency (mean, max), environments (mean), cold starts, throttles."""
    state = result.state
    seconds = state.limits.series_s
    ts_f, ts_i = state.records.series_time[:, : seconds + 1], state.records.series_count[:, : seconds + 1]
    busy = ts_f[L.TS_BUSY_PART] + np.cumsum(ts_f[L.TS_BUSY_FULL])
    alive = ts_f[L.TS_ENV_PART] + np.cumsum(ts_f[L.TS_ENV_FULL])
    conc_max = np.maximum(ts_i[L.TS_CONC_MAX], np.cumsum(ts_i[L.TS_COVER]))
    return TimeSeries(
        columns=(
            ("time_s", np.arange(seconds, dtype=np.int64)),
            ("arrivals", ts_i[L.TS_ARRIVALS, :seconds].copy()),
            ("concurrency", busy[:seconds]),
            ("concurrency_max", conc_max[:seconds]),
            ("environments", alive[:seconds] + _functions(result) * _per_second_steps(result.ready_steps, seconds)),
            ("cold_starts", ts_i[L.TS_COLD, :seconds].copy()),
            ("throttles", ts_i[L.TS_THROTTLES, :seconds].copy()),
        )
    )


def _functions(result: EngineResult) -> int:
    """Functions in the run: each holds the provisioned steps (the schedule applies to each)."""
    return int(result.state.pool.counts[L.N_FUNCTIONS])


def _usage(profile: WorkloadProfile, result: EngineResult, scale: float) -> LambdaUsage:
    """The month's usage, route by route (one implicit route without request.routes)."""
    settings = profile.lambda_
    plan = route_layout(profile)
    configured_s = provisioned_billed_s(result.configured_steps, result.config.horizon_s)
    provisioned = [0.0] * len(plan.routes)
    for function in plan.functions:
        served = [
            int(_invocations(result.state.records.route_counts[index], ROUTE_INVOCATIONS)) for index in function.routes
        ]
        for index, seconds in zip(function.routes, allocate(round(configured_s), served), strict=True):
            provisioned[index] = float(seconds)
    routes = tuple(
        _route_usage(profile, plan, result, index, provisioned[index], scale) for index in range(len(plan.routes))
    )
    empty = empty_lambda_usage(
        max(function.memory_mb for function in plan.functions), settings.architecture, settings.api
    )
    usage = with_routes(empty, routes)
    return usage if plan.explicit else replace(usage, routes=())


def _route_usage(
    profile: WorkloadProfile, plan: RouteLayout, result: EngineResult, index: int, configured_s: float, scale: float
) -> RouteUsage:
    """One route's usage; its GB-s at the memory of the function serving it."""
    settings = profile.lambda_
    route, function = plan.routes[index], plan.function_of(index)
    counts = result.state.records.route_counts[index]
    gb = function.memory_mb / MB_PER_GB
    ondemand_s, init_s, provisioned_s = (
        float(counts[k]) / 1_000.0 for k in (L.RT_ONDEMAND_MS, L.RT_INIT_MS, L.RT_PROVISIONED_MS)
    )
    api_requests = float(counts[L.RT_REQUESTS] - counts[L.RT_API_THROTTLED])
    steps = metered_requests_per_request(settings.api, route.payload_kb)
    extra_gb = lambda_extra_ephemeral_gb(settings.ephemeral_storage_mb)
    return RouteUsage(
        route=route.key,
        function=function.name,
        memory_mb=function.memory_mb,
        api_requests=api_requests * scale,
        api_metered_requests=api_requests * steps * scale,
        invocations=float(_invocations(counts, ROUTE_INVOCATIONS)) * scale,
        ondemand_gb_seconds=ondemand_s * gb * scale,
        init_gb_seconds=init_s * gb * scale,
        provisioned_gb_seconds=configured_s * gb * scale,
        provisioned_duration_gb_seconds=provisioned_s * gb * scale,
        ephemeral_extra_gb_seconds=extra_gb * (ondemand_s + init_s + provisioned_s) * scale,
        response_gb=data_out_gb(float(counts[L.RT_OK]), profile.request.response_kb) * scale,
    )


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` (largest remainders; equal parts if all are 0).

    >>> allocate(900, [1, 1, 1]), allocate(10, [3, 0, 1]), allocate(7, [0, 0])
    ([300, 300, 300], [8, 0, 2], [4, 3])
    """
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total * weight // whole for weight in weights]
    leftover = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda k: (-(total * weights[k] % whole), k))
    for k in order[:leftover]:
        parts[k] += 1
    return parts


ROUTE_INVOCATIONS = (L.RT_COLD, L.RT_WARM, L.RT_PROVISIONED)
TOTAL_INVOCATIONS = (L.N_COLD, L.N_WARM, L.N_PROVISIONED)


def _invocations(counts: np.ndarray, columns: tuple[int, int, int] = TOTAL_INVOCATIONS) -> int:
    return int(counts[columns[0]] + counts[columns[1]] + counts[columns[2]])


def _figures(result: EngineResult) -> LambdaFigures:
    n, f = result.state.pool.counts, result.state.pool.float_state
    horizon = result.config.horizon_s
    invocations = _invocations(n)
    ready = _functions(result) * step_integral(result.ready_steps, 0.0, horizon)
    increases = _functions(result) * sum(
        max(0, b[1] - a[1])
        for a, b in zip(result.ready_steps, result.ready_steps[1:], strict=False)
        if 0 <= b[0] < horizon
    )
    return LambdaFigures(
        api_throttled=float(n[L.N_API_THROTTLED]),
        lambda_throttled=float(n[L.N_CONC_THROTTLED] + n[L.N_SCALE_THROTTLED]),
        lambda_throttled_concurrency=float(n[L.N_CONC_THROTTLED]),
        lambda_throttled_scaling=float(n[L.N_SCALE_THROTTLED]),
        gateway_timeouts=float(n[L.N_GATEWAY_TIMEOUTS]),
        function_timeouts=float(n[L.N_FUNCTION_TIMEOUTS]),
        init_retries=float(n[L.N_INIT_RETRIES]),
        invocations=float(invocations),
        warm_starts=float(n[L.N_WARM]),
        provisioned_invocations=float(n[L.N_PROVISIONED]),
        spillover_invocations=float(n[L.N_SPILLOVER]),
        peak_concurrency=float(n[L.N_PEAK_CONCURRENCY]),
        mean_concurrency=float(f[L.F_BUSY] / horizon),
        throughput_rps=float(invocations / horizon),
        mean_occupancy_s=float(f[L.F_OCCUPANCY] / invocations if invocations else 0.0),
        environments_created=float(n[L.N_CREATED]),
        environments_expired=float(n[L.N_EXPIRED]),
        environments_retired=float(n[L.N_RETIRED]),
        environments_reset=float(n[L.N_RESET]),
        provisioned_mean_ready=float(ready / horizon),
        provisioned_utilisation=float(f[L.F_PC_BUSY] / ready if ready > 0 else 0.0),
        # allocations in the window plus recycling "every few hours" (one per max_lifetime)
        provisioned_inits=float(increases + ready / result.config.max_lifetime_s),
    )


def sim_run(profile: WorkloadProfile, result: EngineResult, *, seed: int, series: bool) -> SimRun:
    """The SimRun of one finished engine run."""
    n, f = result.state.pool.counts, result.state.pool.float_state
    horizon = result.config.horizon_s
    throttled = int(n[L.N_API_THROTTLED] + n[L.N_CONC_THROTTLED] + n[L.N_SCALE_THROTTLED])
    timeouts = int(n[L.N_GATEWAY_TIMEOUTS] + n[L.N_FUNCTION_TIMEOUTS])
    mean = float(f[L.F_ALIVE] + _functions(result) * step_integral(result.ready_steps, 0.0, horizon)) / horizon
    busy = float(f[L.F_BUSY]) / horizon
    return SimRun(
        architecture=Architecture.LAMBDA,
        seed=seed,
        simulated_s=horizon,
        requests=int(n[L.N_REQUESTS]),
        errors=throttled + timeouts,
        latency_ms=result.histogram.stats(),
        latency_quantiles=result.histogram.cdf_points(),
        usage=_usage(profile, result, profile.seconds_per_month / horizon),
        cold_starts=int(n[L.N_COLD]),
        throttled=throttled,
        timeouts=timeouts,
        instances=InstanceStats(
            mean=mean, max=int(n[L.N_MAX_ENVIRONMENTS]), mean_busy=busy, mean_idle=max(0.0, mean - busy)
        ),
        figures=_figures(result),
        routes=route_stats(profile, result),
        timeseries=timeseries(result) if series else None,
    )


def route_stats(profile: WorkloadProfile, result: EngineResult) -> tuple[RouteStats, ...]:
    """Each listed route's counts and latencies (empty without request.routes)."""
    if not result.route_histograms:
        return ()
    plan = route_layout(profile)
    stats = []
    for index, (route, histogram) in enumerate(zip(plan.routes, result.route_histograms, strict=True)):
        counts = result.state.records.route_counts[index]
        throttled = int(counts[L.RT_API_THROTTLED] + counts[L.RT_CONC_THROTTLED] + counts[L.RT_SCALE_THROTTLED])
        timeouts = int(counts[L.RT_GATEWAY_TIMEOUTS] + counts[L.RT_FUNCTION_TIMEOUTS])
        function = plan.function_of(index)
        stats.append(
            RouteStats(
                route=route.key,
                function=function.name,
                memory_mb=function.memory_mb,
                requests=int(counts[L.RT_REQUESTS]),
                errors=throttled + timeouts,
                cold_starts=int(counts[L.RT_COLD]),
                throttled=throttled,
                timeouts=timeouts,
                invocations=_invocations(counts, ROUTE_INVOCATIONS),
                latency_ms=histogram.stats(),
            )
        )
    return tuple(stats)
