"""Aggregate API Gateway + Lambda model: the environment pool as a diffusion, for traffic too big to route per request.

Each function's in-flight count is stepped as a birth-death process (archsel.sim.aggregate.pool_kernel)
over one traffic cycle (or the horizon when shorter); cold starts are busy levels above the warm
pool, throttles what passes the concurrency limit or the scaling bucket. Latency is a seeded
sample of the per-request path (API Gateway overhead, handler time, INIT for the cold share).
Usage is billed like the exact model's and scaled to the month, so pricing and objectives apply
unchanged. Memory is a few arrays the length of the window, whatever the rate or horizon.
"""

from __future__ import annotations

import math
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
from archsel.profile.distributions import Distribution
from archsel.profile.routes import RouteLayout, route_layout
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import simulation_rate
from archsel.sim.aggregate import pool_kernel as K
from archsel.sim.figures import LambdaFigures
from archsel.sim.lambda_.config import LambdaConfig, lambda_config
from archsel.sim.measure import LatencyHistogram
from archsel.sim.result import InstanceStats, SimOptions, SimRun, TimeSeries
from archsel.sim.seam import named_streams, run_generator
from archsel.sim.sizing import aggregate_window_s

LATENCY_SAMPLES = 200_000
"""Draws of the per-request path behind the latency percentiles (p99 to within ~1%)."""
STEPS_PER_MEAN_DURATION = 4
"""Steps per mean handler time: the busy count moves by a fraction of its spread per step."""
KEEP_ALIVE_LOW = 0.001
KEEP_ALIVE_HIGH = 0.999
"""The keep-alive's range as the pool sees it: warm below the low end, gone past the high, linear between."""
MIN_DT_S = 0.01
MAX_DT_S = 1.0


@dataclass(frozen=True, slots=True)
class _Function:
    """One function's totals over the window."""

    totals: np.ndarray
    series: np.ndarray
    share: float
    mean_s: float


def simulate_lambda_aggregate(profile: WorkloadProfile, options: SimOptions) -> SimRun:
    """The aggregate model of ``profile`` on API Gateway + Lambda (a `Simulator`)."""
    window = aggregate_window_s(profile, options.horizon_s)
    config = lambda_config(profile, horizon_s=window, warmup_s=options.warmup_s)
    streams = named_streams(run_generator(Architecture.LAMBDA, options), "pool", "latency")
    rate = simulation_rate(profile, horizon_s=window, warmup_s=options.warmup_s)
    warm = math.ceil(options.warmup_s)
    accepted_rate = np.minimum(rate, config.api_rate_per_s)  # API Gateway's steady rate; its burst is not modelled
    api_throttled_s = (rate - accepted_rate)[warm:]
    api_throttled = float(api_throttled_s.sum())
    plan = route_layout(profile)
    functions = [
        _walk(config, accepted_rate, warm, function_index, plan, streams["pool"])
        for function_index in range(len(plan.functions))
    ]
    run = _sim_run(profile, options, config, plan, functions, api_throttled, streams["latency"])
    if options.record_timeseries:
        return replace(run, timeseries=_timeseries(functions, api_throttled_s))
    return run


def _walk(
    config: LambdaConfig, rate: np.ndarray, warm: int, index: int, plan: RouteLayout, rng: np.random.Generator
) -> _Function:
    routes = [route for route in plan.routes if route.function == index]
    share = math.fsum(route.share for route in routes)
    factor = _factor(config, index)
    mean_s = math.fsum(route.share * route.duration_ms.mean() for route in routes) / share * factor / 1_000.0
    second_s2 = math.fsum(route.share * _second_moment(route.duration_ms) for route in routes) / share
    fast_share, fast_s, slow_s = two_phases(max(mean_s, 1e-6), second_s2 * (factor / 1_000.0) ** 2)
    dt = min(MAX_DT_S, max(MIN_DT_S, fast_s / STEPS_PER_MEAN_DURATION))
    dt = 1.0 / math.ceil(1.0 / dt)  # whole steps per second
    limit = config.concurrency_limit if config.routing.reserved else config.concurrency_limit * share
    settings = np.array(
        [
            dt,
            max(mean_s, 1e-6),
            config.keep_alive_s.quantile(KEEP_ALIVE_LOW),
            config.keep_alive_s.quantile(KEEP_ALIVE_HIGH),
            float(math.floor(limit)),
            config.scaling_bucket,
            config.scaling_refill_per_s,
            config.max_lifetime_s,
            float(warm),
            fast_share,
            fast_s,
            slow_s,
            min(config.cold_start_ms.mean() / 1_000.0, config.init_cap_s),
        ]
    )
    totals = np.zeros(K.TOTALS)
    series = np.zeros((K.SERIES, rate.size - warm))
    window = np.zeros(2 * (int(config.keep_alive_s.quantile(KEEP_ALIVE_HIGH) / dt) + 4))
    seed = int(rng.integers(2**31 - 1))
    ledger = np.zeros((K.LEDGER, rate.size - warm))
    K.walk_pool(rate * share, _ready(config, rate.size, warm), settings, window, ledger, totals, series, seed)
    return _Function(totals, series, share, mean_s)


def _second_moment(distribution: Distribution) -> float:
    """E[X^2] of a duration distribution (ms^2)."""
    mean = distribution.mean()
    if distribution.distribution == "lognormal":
        return mean**2 * math.exp(distribution.lognormal_sigma**2)
    if distribution.distribution == "exponential":
        return 2.0 * mean**2
    if distribution.distribution == "uniform":
        low, high = float(distribution.min or 0.0), float(distribution.max or 0.0)
        return (low * low + low * high + high * high) / 3.0
    return mean**2


def two_phases(mean_s: float, second_s2: float) -> tuple[float, float, float]:
    """Handler time as a two-phase (hyperexponential) mix with the same mean and variance: share, means (s).

    The busy count's ups and downs follow the handler times' shape, not only their mean: with the
    default lognormal (squared coefficient of variation 1.6) half the invocations end within
    0.6 of the mean, so the count swings faster and reaches new highs (cold starts) more often
    than under exponential times of the same mean. Balanced means (each phase carries half the
    mean) fit the first two moments; at or below exponential variability it is one phase.
    """
    scv = second_s2 / mean_s**2 - 1.0
    if scv <= 1.0:
        return 1.0, mean_s, mean_s
    fast_share = 0.5 * (1.0 + math.sqrt((scv - 1.0) / (scv + 1.0)))
    return fast_share, mean_s / (2.0 * fast_share), mean_s / (2.0 * (1.0 - fast_share))


def _factor(config: LambdaConfig, function: int) -> float:
    factors = config.routing.function_factor
    return factors[function] if factors else config.duration_factor


def _ready(config: LambdaConfig, seconds: int, warm: int) -> np.ndarray:
    """Provisioned environments ready in each second (an increase after the allocation delay)."""
    ready = np.full(seconds, config.provisioned_initial, dtype=np.int64)
    for change in config.provisioned_changes:
        delay = config.provisioned_allocation_s if change.count > 0 else 0.0
        start = max(0, math.ceil(change.time_s + warm + delay))
        ready[start:] = change.count
    return ready


@dataclass(frozen=True, slots=True)
class _Latency:
    """The sampled per-request path: OK latencies, and the timed-out shares."""

    histogram: LatencyHistogram
    function_timeout_share: float
    gateway_timeout_share: float
    billed_ms: float
    """Mean billed handler time, rounded up to 1 ms per invocation."""
    init_s: float


def _latency(config: LambdaConfig, cold_ratio: float, rng: np.random.Generator) -> _Latency:
    shares = config.routing.shares or (1.0,)
    route = rng.choice(len(shares), size=LATENCY_SAMPLES, p=np.asarray(shares) / sum(shares))
    handler = np.empty(LATENCY_SAMPLES)
    for index in range(len(shares)):
        chosen = np.flatnonzero(route == index)
        distribution = config.routing.duration_ms[index] if config.routing.shares else config.duration_ms
        function = config.routing.route_function[index] if config.routing.shares else 0
        handler[chosen] = distribution.sample(rng, chosen.size) * _factor(config, function) / 1_000.0
    api_s = config.api_latency_ms.sample(rng, LATENCY_SAMPLES) / 1_000.0
    init = config.cold_start_ms.sample(rng, LATENCY_SAMPLES) / 1_000.0
    cold = rng.random(LATENCY_SAMPLES) < cold_ratio
    total_s = api_s + handler + np.where(cold, np.minimum(init, config.init_cap_s), 0.0)
    function_timeout = handler >= config.timeout_s
    gateway_timeout = ~function_timeout & (total_s >= config.integration_timeout_s)
    ok = ~(function_timeout | gateway_timeout)
    histogram = LatencyHistogram()
    histogram.add(total_s[ok] * 1_000.0)
    billed = np.ceil(np.minimum(handler, config.timeout_s) * 1_000.0)
    return _Latency(
        histogram=histogram,
        function_timeout_share=float(function_timeout.mean()),
        gateway_timeout_share=float(gateway_timeout.mean()),
        billed_ms=float(billed.mean()),
        init_s=float(np.minimum(init, config.init_cap_s).mean()),
    )


def _sim_run(
    profile: WorkloadProfile,
    options: SimOptions,
    config: LambdaConfig,
    plan: RouteLayout,
    functions: list[_Function],
    api_throttled: float,
    rng: np.random.Generator,
) -> SimRun:
    window = config.horizon_s
    total = np.sum([function.totals for function in functions], axis=0)
    arrivals = float(total[K.T_ARRIVALS])
    requests = arrivals + api_throttled
    lambda_throttled = float(total[K.T_CONC_THROTTLED] + total[K.T_SCALE_THROTTLED])
    invocations = arrivals - lambda_throttled
    latency = _latency(config, float(total[K.T_COLD]) / max(invocations, 1.0), rng)
    function_timeouts = round(invocations * latency.function_timeout_share)
    gateway_timeouts = round(invocations * latency.gateway_timeout_share)
    throttled = round(api_throttled + lambda_throttled)
    timeouts = function_timeouts + gateway_timeouts
    ok = max(0.0, invocations - timeouts)
    functions_count = len(plan.functions)
    provisioned_ready_s = float(_ready(config, math.ceil(window) + math.ceil(options.warmup_s), 0).sum())
    mean_alive = float(total[K.T_ALIVE_S]) / window + functions_count * config.provisioned_initial
    busy = float(total[K.T_BUSY_S]) / window
    figures = LambdaFigures(
        api_throttled=api_throttled,
        lambda_throttled=lambda_throttled,
        lambda_throttled_concurrency=float(total[K.T_CONC_THROTTLED]),
        lambda_throttled_scaling=float(total[K.T_SCALE_THROTTLED]),
        gateway_timeouts=float(gateway_timeouts),
        function_timeouts=float(function_timeouts),
        init_retries=0.0,
        invocations=invocations,
        warm_starts=max(0.0, invocations - float(total[K.T_COLD]) - float(total[K.T_PROVISIONED_INVOCATIONS])),
        provisioned_invocations=float(total[K.T_PROVISIONED_INVOCATIONS]),
        spillover_invocations=0.0,
        peak_concurrency=float(max(function.totals[K.T_PEAK_BUSY] for function in functions)),
        mean_concurrency=busy,
        throughput_rps=invocations / window,
        mean_occupancy_s=float(total[K.T_BUSY_S]) / invocations if invocations else 0.0,
        environments_created=float(total[K.T_COLD]),
        environments_expired=max(0.0, float(total[K.T_COLD] - total[K.T_RETIRED])),
        environments_retired=float(total[K.T_RETIRED]),
        environments_reset=float(function_timeouts),
        provisioned_mean_ready=functions_count * config.provisioned_initial,
        provisioned_utilisation=float(total[K.T_PROVISIONED_BUSY_S]) / provisioned_ready_s
        if provisioned_ready_s
        else 0.0,
        provisioned_inits=functions_count * config.provisioned_initial * window / config.max_lifetime_s,
    )
    return SimRun(
        architecture=Architecture.LAMBDA,
        seed=options.seed,
        simulated_s=window,
        requests=round(requests),
        errors=throttled + timeouts,
        latency_ms=latency.histogram.stats(),
        latency_quantiles=latency.histogram.cdf_points(),
        usage=_usage(profile, config, plan, functions, latency, ok, api_throttled),
        cold_starts=round(float(total[K.T_COLD])),
        throttled=throttled,
        timeouts=timeouts,
        instances=InstanceStats(
            mean=mean_alive,
            max=round(max(function.totals[K.T_PEAK_ALIVE] for function in functions)),
            mean_busy=busy,
            mean_idle=max(0.0, mean_alive - busy),
        ),
        figures=figures,
        model="aggregate",
    )


def _usage(
    profile: WorkloadProfile,
    config: LambdaConfig,
    plan: RouteLayout,
    functions: list[_Function],
    latency: _Latency,
    ok: float,
    api_throttled: float,
) -> LambdaUsage:
    """The month's usage route by route: each route takes its share of its function's totals."""
    settings = profile.lambda_
    scale = profile.seconds_per_month / config.horizon_s
    configured_s = _provisioned_billed_s(config)
    arrivals = math.fsum(float(function.totals[K.T_ARRIVALS]) for function in functions)
    routes = []
    for route in plan.routes:
        function = functions[route.function]
        part = route.share / function.share
        totals = function.totals * part
        gb = plan.functions[route.function].memory_mb / MB_PER_GB
        invocations = float(totals[K.T_ARRIVALS] - totals[K.T_CONC_THROTTLED] - totals[K.T_SCALE_THROTTLED])
        provisioned_inv = float(totals[K.T_PROVISIONED_INVOCATIONS])
        ondemand_s = (invocations - provisioned_inv) * latency.billed_ms / 1_000.0
        provisioned_s = provisioned_inv * latency.billed_ms / 1_000.0
        init_s = float(totals[K.T_COLD]) * latency.init_s
        api_requests = float(totals[K.T_ARRIVALS])
        routes.append(
            RouteUsage(
                route=route.key,
                function=plan.functions[route.function].name,
                memory_mb=plan.functions[route.function].memory_mb,
                api_requests=api_requests * scale,
                api_metered_requests=api_requests
                * metered_requests_per_request(settings.api, route.payload_kb)
                * scale,
                invocations=invocations * scale,
                ondemand_gb_seconds=ondemand_s * gb * scale,
                init_gb_seconds=init_s * gb * scale,
                provisioned_gb_seconds=configured_s * part * gb * scale,
                provisioned_duration_gb_seconds=provisioned_s * gb * scale,
                ephemeral_extra_gb_seconds=lambda_extra_ephemeral_gb(settings.ephemeral_storage_mb)
                * (ondemand_s + init_s + provisioned_s)
                * scale,
                response_gb=data_out_gb(ok * api_requests / max(arrivals, 1.0), profile.request.response_kb) * scale,
            )
        )
    del api_throttled  # API Gateway does not bill its own throttles
    empty = empty_lambda_usage(max(f.memory_mb for f in plan.functions), settings.architecture, settings.api)
    usage = with_routes(empty, tuple(routes))
    return usage if plan.explicit else replace(usage, routes=())


def _provisioned_billed_s(config: LambdaConfig) -> float:
    """Configured provisioned environment-seconds in [0, window), each constant stretch rounded up to 5 minutes."""
    steps = [(-config.warmup_s, config.provisioned_initial)]
    steps += [(change.time_s, change.count) for change in config.provisioned_changes]
    total = 0.0
    for index, (time, count) in enumerate(steps):
        until = steps[index + 1][0] if index + 1 < len(steps) else config.horizon_s
        length = min(until, config.horizon_s) - max(time, 0.0)
        if count > 0 and length > 0:
            total += count * provisioned_rounded_s(length)
    return total


def _timeseries(functions: list[_Function], api_throttled: np.ndarray) -> TimeSeries:
    """Per-second series like the exact model's; API Gateway's throttles (expected counts) count as arrivals too."""
    series = np.sum([function.series for function in functions], axis=0)
    series[K.S_ARRIVALS] += api_throttled
    series[K.S_THROTTLES] += api_throttled
    seconds = series.shape[1]
    return TimeSeries(
        columns=(
            ("time_s", np.arange(seconds, dtype=np.int64)),
            ("arrivals", series[K.S_ARRIVALS].astype(np.int64)),
            ("concurrency", series[K.S_BUSY]),
            ("concurrency_max", series[K.S_BUSY_MAX].astype(np.int64)),
            ("environments", series[K.S_ALIVE]),
            ("cold_starts", series[K.S_COLD].astype(np.int64)),
            ("throttles", series[K.S_THROTTLES].astype(np.int64)),
        )
    )
