"""ALB + ECS on Fargate simulator: per-task queueing, autoscaling (target tracking, step, scheduled), late capacity, billing.

SimPy drives time and the control plane (metric periods and alarms, task launches, health checks,
draining, Spot interruptions); requests never become SimPy processes. Before each control event
the compiled data plane routes every request that arrived since the last one (fargate_kernel).
The run covers [-warmup, horizon); statistics and billing cover [0, horizon).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace

import numpy as np
import simpy
from simpy.events import URGENT

from archsel.billing.rules import settled_tasks
from archsel.profile.architecture import Architecture
from archsel.profile.capacity_schedule import BoundsChange, CapacitySchedule
from archsel.profile.performance import duration_factor
from archsel.profile.routes import request_duration_ms
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import simulation_rate
from archsel.sim.fargate.autoscaling import TargetTracking
from archsel.sim.fargate.control import Autoscaler, MetricSetup, ScalingPolicy
from archsel.sim.fargate.dataplane import DataPlaneResult, DataPlaneSetup, RequestSide, exact_data_plane
from archsel.sim.fargate.fleet import Fleet, FleetEvent, FleetSetup, TaskLife
from archsel.sim.fargate.params import FargateParams
from archsel.sim.fargate.step_scaling import StepScaling
from archsel.sim.fargate.timeline import CountLog
from archsel.sim.fargate.usage import fargate_usage
from archsel.sim.figures import FargateFigures
from archsel.sim.result import SimOptions, SimRun, TaskStats, TimeSeries
from archsel.sim.seam import named_streams, run_generator


@dataclass(frozen=True, slots=True)
class FargateOutcome:
    """A run plus what exact-trace tests inspect: the control-plane event log and every task's life."""

    run: SimRun
    events: tuple[FleetEvent, ...]
    tasks: tuple[TaskLife, ...]


def simulate_fargate(
    profile: WorkloadProfile, options: SimOptions, *, rng: np.random.Generator | None = None
) -> SimRun:
    """Simulate the profile's workload on ALB + ECS Fargate; one seeded run (a `Simulator`).

    ``rng`` defaults to the replication's generator from ``options`` (tests pass their own).
    """
    rng = run_generator(Architecture.FARGATE, options) if rng is None else rng
    return run_fargate(profile, rng=rng, options=options).run


RequestSideFactory = Callable[[DataPlaneSetup, np.ndarray, np.random.Generator], RequestSide]
"""Builds the request side from the setup, the per-second rate (index 0 at -warm-up) and the requests stream."""


def run_fargate(
    profile: WorkloadProfile,
    *,
    rng: np.random.Generator,
    options: SimOptions,
    params: FargateParams | None = None,
    request_side: RequestSideFactory | None = None,
) -> FargateOutcome:
    """Like ``simulate_fargate``, with the event log and task lives, and platform constants to override.

    ``request_side`` replaces the per-request data plane (the aggregate model passes a fluid one);
    the control plane (fleet, autoscaling, scheduled actions) runs the same either way.
    """
    params = params or FargateParams()
    fargate = profile.fargate
    warmup = math.ceil(options.warmup_s)
    streams = named_streams(rng, "arrivals", "requests", "control")
    rate = simulation_rate(profile, horizon_s=options.horizon_s, warmup_s=options.warmup_s)
    setup = _dataplane_setup(profile, params, warmup, options.horizon_s)
    dataplane: RequestSide
    if request_side is None:
        dataplane = exact_data_plane(
            setup, rate, process=profile.traffic.arrival, arrivals=streams["arrivals"], requests=streams["requests"]
        )
    else:
        dataplane = request_side(setup, rate, streams["requests"])
    env = simpy.Environment(initial_time=-warmup)
    fleet = Fleet(env, FleetSetup.from_profile(fargate, params), dataplane, streams["control"])
    schedule = CapacitySchedule.from_profile(fargate)
    first = schedule.bounds_at(-warmup)  # a run that starts inside a window starts with its bounds
    policy = replace(_policy(profile, params), min_tasks=first.min_tasks, max_tasks=first.max_tasks)
    fleet.start(policy.clamp(settled_tasks(profile, float(rate[:60].mean()) if rate.size else 0.0)))
    autoscaler = Autoscaler(env, policy, _metric_setup(profile, params), fleet, dataplane)
    if fargate.schedule:
        env.process(_scheduled_actions(env, autoscaler, schedule.changes(-warmup, options.horizon_s)))
    env.process(autoscaler.run())
    env.run(until=options.horizon_s)
    dataplane.advance(options.horizon_s)
    result = dataplane.finish()
    lives = fleet.lives()
    run = SimRun(
        architecture=Architecture.FARGATE,
        seed=options.seed,
        simulated_s=options.horizon_s,
        requests=result.requests,
        errors=result.shed + result.no_target + result.timeouts,
        latency_ms=result.latency_ms,
        latency_quantiles=result.latency_quantiles,
        usage=fargate_usage(profile, params, lives, (result.sec_arrivals, result.sec_served), options.horizon_s),
        timeouts=result.timeouts,
        shed=result.shed + result.no_target,
        tasks=_task_stats(fleet.log, options.horizon_s),
        scaling_events=tuple(event for event in autoscaler.scaling_events if event.time_s >= 0),
        figures=_figures(result, fleet, fargate.vcpu, options.horizon_s),
        timeseries=_timeseries(result, fleet.log, fargate.vcpu) if options.record_timeseries else None,
    )
    events = sorted(fleet.events + autoscaler.datapoints, key=lambda event: event.time_s)
    return FargateOutcome(run, tuple(events), lives)


class _UrgentTimeout(simpy.Event):
    """A timeout processed before the ordinary (NORMAL) events of its instant, as SimPy's own start events are."""

    def __init__(self, env: simpy.Environment, delay_s: float) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay_s)


def _scheduled_actions(
    env: simpy.Environment, autoscaler: Autoscaler, changes: tuple[BoundsChange, ...]
) -> Generator[simpy.Event, None, None]:
    """The SimPy process of the scheduled actions: the autoscaler's bounds change at each window edge.

    An action lands before the alarm evaluation of the same instant (a window edge on a metric
    period boundary): the evaluation then works within the new bounds, so the order is fixed
    rather than left to which process happened to schedule its timeout first.
    """
    for change in changes:
        yield _UrgentTimeout(env, change.time_s - float(env.now))
        autoscaler.set_bounds(change.after.min_tasks, change.after.max_tasks, change.reason)


def _dataplane_setup(profile: WorkloadProfile, params: FargateParams, warmup: int, horizon_s: float) -> DataPlaneSetup:
    fargate = profile.fargate
    return DataPlaneSetup(
        concurrency=fargate.concurrency_per_task,
        queue_limit=fargate.queue_limit,
        vcpu=fargate.vcpu,
        cpu_fraction=profile.request.cpu_fraction,
        unloaded_factor=duration_factor(profile.request.cpu_fraction, fargate.vcpu),
        duration_ms=request_duration_ms(profile),
        alb_latency_s=params.alb_latency_ms / 1000.0,
        idle_timeout_s=params.alb_idle_timeout_s,
        routing=fargate.load_balancing,
        offset_s=warmup,
        horizon_s=horizon_s,
    )


def _policy(profile: WorkloadProfile, params: FargateParams) -> ScalingPolicy:
    """The profile's scaling policy: target tracking (the default) or step scaling."""
    if profile.fargate.scaling.policy == "step":
        return StepScaling.from_profile(profile.fargate)
    return TargetTracking.from_profile(profile.fargate, params.scale_in_ratio)


def _metric_setup(profile: WorkloadProfile, params: FargateParams) -> MetricSetup:
    scaling = profile.fargate.scaling
    period = float(scaling.metric_period_s) if scaling.metric == "cpu" else 60.0
    return MetricSetup(scaling.metric, period, profile.fargate.vcpu, params.metric_lag_periods(period))


def _task_stats(log: CountLog, horizon_s: float) -> TaskStats:
    mean, low, high = log.stats("running", 0.0, horizon_s)
    return TaskStats(mean=mean, min=low, max=high)


def _figures(result: DataPlaneResult, fleet: Fleet, vcpu: float, horizon_s: float) -> FargateFigures:
    log = fleet.log
    running_s = log.integral("running", 0.0, horizon_s)
    cpu_used = float(result.sec_cpu_vcpu_s.sum())
    routed = max(result.routed, 1)
    served_rate = result.routed / horizon_s
    in_system = result.sec_in_system
    return FargateFigures(
        mean_cpu_utilisation=100.0 * cpu_used / (vcpu * running_s) if running_s > 0 else 0.0,
        peak_queue=float(result.sec_waiting.max(initial=0.0)),
        peak_in_system=float(in_system.max(initial=0.0)),
        mean_in_system=float(in_system.mean()) if in_system.size else 0.0,
        littles_law_lambda_w=served_rate * result.time_at_task_sum_s / routed,
        wait_probability=result.waited / routed,
        mean_wait_ms=1000.0 * result.wait_sum_s / routed,
        queue_full_503=float(result.shed),
        no_target_503=float(result.no_target),
        timeouts_504=float(result.timeouts),
        mean_in_service=log.integral("in_service", 0.0, horizon_s) / horizon_s,
        mean_billed_tasks=log.integral("alive", 0.0, horizon_s) / horizon_s,
        tasks_launched=float(fleet.launched),
        spot_interruptions=float(sum(1 for event in fleet.events if event.kind == "spot_notice")),
    )


def _timeseries(result: DataPlaneResult, log: CountLog, vcpu: float) -> TimeSeries:
    seconds = np.arange(result.sec_arrivals.size, dtype=np.float64)
    running = log.sample("running", seconds)
    cpu = np.divide(100.0 * result.sec_cpu_vcpu_s, vcpu * running, out=np.zeros_like(running), where=running > 0)
    return TimeSeries(
        columns=(
            ("time_s", seconds),
            ("arrivals", result.sec_arrivals),
            ("tasks_desired", log.sample("desired", seconds)),
            ("tasks_running", running),
            ("tasks_in_service", log.sample("in_service", seconds)),
            ("cpu_utilisation", np.minimum(cpu, 100.0)),
            ("queue_length", result.sec_waiting),
            ("in_system", result.sec_in_system),
        )
    )
