"""API Gateway + Lambda Managed Instances simulator (a `Simulator`): one seeded run over [-warmup, horizon).

The request path reuses the compiled per-instance router of the Fargate model (archsel.sim.fargate
.dataplane): an instance is a set of admission slots (its environments x their per-environment
concurrency, capped by the CPU its in-flight requests commit), Lambda's router sends a request to
the instance with the fewest in flight, and a request finding every slot of that instance busy is
throttled at once (HTTP 429: Lambda never queues an invoke). Inside an instance the requests share
its vCPUs: I/O waits use none (``request.cpu_fraction``), and a request that starts while k are in
flight takes ``duration x max(unloaded, k x cpu_fraction / vCPUs)``. API Gateway adds its latency as
for Lambda. The scaler (scaler.py) resizes the fleet between requests; there are no cold starts on
the request path: an instance takes requests only once its environments are initialised.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from archsel.billing.rules import data_out_gb, managed_instances, metered_requests_per_request
from archsel.billing.usage import LambdaManagedUsage
from archsel.profile.architecture import Architecture
from archsel.profile.lambda_managed_schema import LambdaManaged
from archsel.profile.performance import duration_factor
from archsel.profile.routes import request_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import simulation_rate
from archsel.sim.fargate.dataplane import DataPlaneResult, DataPlaneSetup, exact_data_plane
from archsel.sim.figures import LambdaManagedFigures
from archsel.sim.lambda_.platform import API_LATENCY_MS, INTEGRATION_TIMEOUT_S
from archsel.sim.lambda_managed.scaler import InstanceLife, ManagedFleet, ManagedRequestSide, ScalerReading
from archsel.sim.result import InstanceStats, SimOptions, SimRun, TaskStats, TimeSeries
from archsel.sim.seam import named_streams, run_generator


@dataclass(frozen=True, slots=True)
class ManagedOutcome:
    """A run plus what exact-trace tests inspect: every instance's life and every scaler reading."""

    run: SimRun
    instances: tuple[InstanceLife, ...]
    readings: tuple[ScalerReading, ...]


def simulate_lambda_managed(
    profile: WorkloadProfile, options: SimOptions, *, rng: np.random.Generator | None = None
) -> SimRun:
    """Simulate the profile on API Gateway + Lambda Managed Instances; one seeded run (a `Simulator`)."""
    rng = run_generator(Architecture.LAMBDA_MANAGED, options) if rng is None else rng
    return run_lambda_managed(profile, rng=rng, options=options).run


ManagedRequestSideFactory = Callable[[DataPlaneSetup, np.ndarray, np.random.Generator], ManagedRequestSide]
"""Builds the request side from the setup, the per-second rate (index 0 at -warm-up) and the requests stream."""


def run_lambda_managed(
    profile: WorkloadProfile,
    *,
    rng: np.random.Generator,
    options: SimOptions,
    rate: np.ndarray | None = None,
    request_side: ManagedRequestSideFactory | None = None,
) -> ManagedOutcome:
    """Like ``simulate_lambda_managed``, with the instance lives and scaler readings; ``rate`` overrides the
    per-second arrival rate (index 0 at -warmup).

    ``request_side`` replaces the per-request data plane (the aggregate model passes a fluid one);
    the fleet and its scaler run the same either way.
    """
    settings = profile.lambda_managed
    warmup = math.ceil(options.warmup_s)
    streams = named_streams(rng, "arrivals", "requests")
    if rate is None:
        rate = simulation_rate(profile, horizon_s=options.horizon_s, warmup_s=options.warmup_s)
    slots = settings.admission_slots(profile.lambda_.runtime, profile.request.cpu_fraction)
    setup = _dataplane_setup(profile, slots, warmup, options.horizon_s)
    dataplane: ManagedRequestSide
    if request_side is None:
        dataplane = exact_data_plane(
            setup, rate, process=profile.traffic.arrival, arrivals=streams["arrivals"], requests=streams["requests"]
        )
    else:
        dataplane = request_side(setup, rate, streams["requests"])
    fleet = ManagedFleet(settings, dataplane, setup.vcpu, slots)
    fleet.start(managed_instances(profile, float(rate[:60].mean()) if rate.size else 0.0), float(-warmup))
    _run_control(fleet, -float(warmup), options.horizon_s)
    dataplane.advance(options.horizon_s)
    result = dataplane.finish()
    run = SimRun(
        architecture=Architecture.LAMBDA_MANAGED,
        seed=options.seed,
        simulated_s=options.horizon_s,
        requests=result.requests,
        errors=result.shed + result.no_target + result.timeouts,
        latency_ms=result.latency_ms,
        latency_quantiles=result.latency_quantiles,
        usage=managed_usage(profile, fleet, result, options.horizon_s),
        cold_starts=0,
        throttled=result.shed + result.no_target,
        timeouts=result.timeouts,
        instances=_environment_stats(fleet, result, settings, options.horizon_s, profile.lambda_.runtime),
        ec2_instances=_instance_stats(fleet, options.horizon_s),
        scaling_events=tuple(event for event in fleet.events if event.time_s >= 0),
        figures=_figures(fleet, result, settings, options.horizon_s, profile.lambda_.runtime),
        timeseries=_timeseries(fleet, result) if options.record_timeseries else None,
    )
    return ManagedOutcome(run, tuple(fleet.instances), tuple(fleet.readings))


def _run_control(fleet: ManagedFleet, start_s: float, horizon_s: float) -> None:
    """Scaler periods and instance launches in time order; the data plane routes up to each."""
    period = fleet.settings.metric_period_s
    next_tick = start_s + period
    while True:
        next_ready = fleet.next_ready()
        now = min(next_tick, next_ready)
        if now >= horizon_s:
            return
        if next_ready <= next_tick:  # an instance ready at a period's end serves before the reading
            fleet.bring_ready(next_ready)
            continue
        fleet.dataplane.advance(now)
        fleet.evaluate(now)
        next_tick += period


def _dataplane_setup(profile: WorkloadProfile, slots: int, warmup: int, horizon_s: float) -> DataPlaneSetup:
    settings = profile.lambda_managed
    api = profile.lambda_.api
    return DataPlaneSetup(
        concurrency=slots,
        queue_limit=0,  # a full instance throttles: Lambda does not queue synchronous invokes
        vcpu=settings.instance_vcpu_in_use(),
        cpu_fraction=profile.request.cpu_fraction,
        unloaded_factor=duration_factor(profile.request.cpu_fraction, settings.environment_vcpu),
        duration_ms=request_duration_ms(profile),
        alb_latency_s=API_LATENCY_MS[api].mean() / 1_000.0,
        idle_timeout_s=min(INTEGRATION_TIMEOUT_S[api], profile.lambda_.timeout_s),
        routing="least_outstanding",
        offset_s=warmup,
        horizon_s=horizon_s,
    )


def managed_usage(
    profile: WorkloadProfile, fleet: ManagedFleet, result: DataPlaneResult, horizon_s: float
) -> LambdaManagedUsage:
    """Monthly usage: instance-hours inside [0, horizon), requests API Gateway took, invocations served."""
    month = profile.seconds_per_month / horizon_s
    settings: LambdaManaged = profile.lambda_managed
    api = profile.lambda_.api
    served = float(result.ok + result.timeouts)
    answered = float(result.sec_served.sum())
    return LambdaManagedUsage(
        instance_type=settings.instance.name,
        architecture=settings.architecture,
        api=api,
        instance_hours=fleet.instance_seconds(0.0, horizon_s) / 3_600.0 * month,
        api_requests=result.requests * month,
        api_metered_requests=result.requests * metered_requests_per_request(api, profile.request.payload_kb) * month,
        invocations=served * month,
        response_gb=data_out_gb(answered, profile.request.response_kb) * month,
    )


def _instance_stats(fleet: ManagedFleet, horizon_s: float) -> TaskStats:
    counts = fleet.counts_at(np.array(_change_times(fleet, horizon_s)))
    mean = fleet_seconds_in_service(fleet, horizon_s) / horizon_s if horizon_s > 0 else 0.0
    return TaskStats(mean=mean, min=int(counts.min()), max=int(counts.max()))


def _environment_stats(
    fleet: ManagedFleet, result: DataPlaneResult, settings: LambdaManaged, horizon_s: float, runtime: str
) -> InstanceStats:
    """Execution environments over time, as Lambda's `instances` (busy: the in-flight requests' share of them)."""
    stats = _instance_stats(fleet, horizon_s)
    per_instance = settings.environments_per_instance
    mean = stats.mean * per_instance
    in_flight = float(result.sec_in_system.mean()) if result.sec_in_system.size else 0.0
    busy = min(mean, in_flight / settings.environment_concurrency(runtime))
    return InstanceStats(mean=mean, max=stats.max * per_instance, mean_busy=busy, mean_idle=mean - busy)


def _change_times(fleet: ManagedFleet, horizon_s: float) -> list[float]:
    times = {0.0}
    for life in fleet.instances:
        times.update(t for t in (life.ready_s, life.stop_s) if 0.0 <= t < horizon_s)
    return sorted(times)


def fleet_seconds_in_service(fleet: ManagedFleet, horizon_s: float) -> float:
    """Instance-seconds in service inside [0, horizon)."""
    return sum(max(0.0, min(life.stop_s, horizon_s) - max(life.ready_s, 0.0)) for life in fleet.instances)


def _figures(
    fleet: ManagedFleet, result: DataPlaneResult, settings: LambdaManaged, horizon_s: float, runtime: str
) -> LambdaManagedFigures:
    stats = _instance_stats(fleet, horizon_s)
    serving_s = fleet_seconds_in_service(fleet, horizon_s)
    routed = max(result.routed, 1)
    in_system = result.sec_in_system
    return LambdaManagedFigures(
        mean_cpu_utilisation=100.0 * float(result.sec_cpu_vcpu_s.sum()) / (fleet.instance_vcpu * serving_s)
        if serving_s > 0
        else 0.0,
        mean_instances=stats.mean,
        min_instances=float(stats.min),
        max_instances=float(stats.max),
        instances_launched=float(sum(1 for life in fleet.instances if life.launch_s >= 0)),
        throttled_429=float(result.shed + result.no_target),
        gateway_timeouts=float(result.timeouts),
        peak_in_flight=float(in_system.max(initial=0.0)),
        mean_in_flight=float(in_system.mean()) if in_system.size else 0.0,
        littles_law_lambda_w=(result.routed / horizon_s) * result.time_at_task_sum_s / routed,
        slots_per_instance=float(fleet.slots_per_instance),
        environments_per_instance=float(settings.environments_per_instance),
        environment_concurrency=float(settings.environment_concurrency(runtime)),
    )


def _timeseries(fleet: ManagedFleet, result: DataPlaneResult) -> TimeSeries:
    seconds = np.arange(result.sec_arrivals.size, dtype=np.float64)
    # instances serving at t: those ready by t minus those stopped by t (a week of seconds in one pass)
    ready = np.sort([life.ready_s for life in fleet.instances if life.serving])
    stopped = np.sort([life.stop_s for life in fleet.instances if life.serving])
    in_service = (
        np.searchsorted(ready, seconds, side="right") - np.searchsorted(stopped, seconds, side="right")
    ).astype(np.float64)
    capacity = fleet.instance_vcpu * in_service
    cpu = np.divide(100.0 * result.sec_cpu_vcpu_s, capacity, out=np.zeros_like(capacity), where=capacity > 0)
    return TimeSeries(
        columns=(
            ("time_s", seconds),
            ("arrivals", result.sec_arrivals),
            ("instances_in_service", in_service),
            ("cpu_utilisation", np.minimum(cpu, 100.0)),
            ("in_flight", result.sec_in_system),
        )
    )
