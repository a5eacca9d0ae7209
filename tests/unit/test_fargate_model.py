"""simulate_fargate as the runner sees it: a seeded, deterministic SimRun with every field filled."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.billing.usage import FargateUsage
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import rate_curve
from archsel.sim.fargate.model import simulate_fargate
from archsel.sim.result import SimOptions, SimRun

PROFILE = """
version: 1
name: model
traffic: {mean_rps: 30, shape: diurnal, peak_rps: 55, peak_hour_utc: 1}
request: {duration_ms: {distribution: lognormal, p50: 60, p95: 300}, cpu_fraction: 0.7}
fargate: {vcpu: 0.5, memory_gb: 1, min_tasks: 1, max_tasks: 30, concurrency_per_task: 10,
          scaling: {metric: cpu, target: 50, metric_period_s: 20}, spot: 0.5, spot_interruptions_per_task_hour: 0.5}
"""


def _simulate(profile: WorkloadProfile, seed: int, horizon_s: float = 7_200, timeseries: bool = True) -> SimRun:
    options = SimOptions(horizon_s=horizon_s, warmup_s=600, record_timeseries=timeseries, seed=seed)
    return simulate_fargate(profile, options, rng=np.random.default_rng(seed))


def test_same_seed_same_run_and_another_seed_another() -> None:
    profile = parse_profile(PROFILE)
    first, again, other = _simulate(profile, 7), _simulate(profile, 7), _simulate(profile, 8)
    assert first == again
    assert first.timeseries is not None and again.timeseries is not None
    for (name, values), (_, repeat) in zip(first.timeseries.columns, again.timeseries.columns, strict=True):
        np.testing.assert_array_equal(values, repeat, err_msg=name)
    assert first != other


def test_run_fields_are_filled() -> None:
    profile = parse_profile(PROFILE)
    run = _simulate(profile, 3)
    assert run.architecture == "fargate" and run.seed == 3 and run.simulated_s == 7_200
    expected = rate_curve(profile.traffic, horizon_s=7_200, seconds_per_month=profile.seconds_per_month).sum()
    assert run.requests == pytest.approx(expected, abs=5 * expected**0.5)  # Poisson count
    assert run.errors == run.shed + run.timeouts
    assert 60 < run.latency_ms.p50 < run.latency_ms.p95 < run.latency_ms.p99 <= run.latency_ms.max
    assert run.tasks is not None and 1 <= run.tasks.min <= run.tasks.mean <= run.tasks.max <= 30
    assert all(event.time_s >= 0 for event in run.scaling_events)
    assert isinstance(run.usage, FargateUsage) and run.usage.spot_task_seconds > 0
    assert 0 < run.figures.mean_cpu_utilisation < 100
    assert run.timeseries is not None
    series = run.timeseries
    assert {name for name, _ in series.columns} >= {
        "arrivals", "tasks_desired", "tasks_running", "tasks_in_service", "cpu_utilisation", "queue_length",
    }  # fmt: skip
    assert all(values.size == 7_200 for _, values in series.columns)
    assert series.column("arrivals").sum() == run.requests
    assert series.column("tasks_desired").max() <= 30


def test_without_timeseries_nothing_is_kept() -> None:
    assert _simulate(parse_profile(PROFILE), 3, horizon_s=1_800, timeseries=False).timeseries is None


def test_scaled_to_zero_never_starts_again() -> None:
    """min_tasks 0 and an idle start: no running task means no datapoint, so target tracking never
    scales out and the ALB answers every request with a 503 (AWS: no scaling on missing data)."""
    counts = [120] * 40 + [0] * 20  # the warm-up replays the idle end of the cycle
    profile = parse_profile(
        f"{{version: 1, name: zero, traffic: {{shape: trace, trace_counts: {counts}}}, fargate: {{min_tasks: 0}}}}"
    )
    run = _simulate(profile, 1, horizon_s=3_600)
    assert run.requests > 0 and run.errors == run.shed == run.requests
    assert isinstance(run.usage, FargateUsage) and run.usage.task_seconds == 0


def test_requests_metric_scales_on_requests_per_target() -> None:
    profile = parse_profile("""
version: 1
name: requests
traffic: {mean_rps: 10, bursts: [{start: "00:20", duration_s: 1800, multiplier: 5}]}
request: {duration_ms: {fixed: 20}, cpu_fraction: 0.1}
fargate: {min_tasks: 1, max_tasks: 20, scaling: {metric: requests, target: 600}}
""")
    run = _simulate(profile, 2, horizon_s=3_600)
    assert run.scaling_events and run.scaling_events[0].to_tasks > run.scaling_events[0].from_tasks
    assert run.tasks is not None and run.tasks.max >= 4  # about 50 req/s x 60 / 600 per target


def test_the_request_count_metric_counts_what_a_full_task_answers_with_503() -> None:
    """One task of one slot and no queue, 10 req/s of 1-s requests: it serves 1/s and sheds 9/s, but the
    ALB sent it all 10/s, and ALBRequestCountPerTarget counts them: 600 per target per minute."""
    from archsel.sim.fargate.model import run_fargate

    profile = parse_profile("""
version: 1
name: shed
traffic: {mean_rps: 10, arrival: deterministic}
request: {duration_ms: {fixed: 1000}, cpu_fraction: 0}
fargate: {min_tasks: 1, max_tasks: 1, concurrency_per_task: 1, queue_limit: 0,
          scaling: {metric: requests, target: 1000}}
""")
    outcome = run_fargate(profile, rng=np.random.default_rng(0), options=SimOptions(horizon_s=600, warmup_s=0))
    assert outcome.run.shed == pytest.approx(0.9 * outcome.run.requests, rel=0.01)
    datapoints = [event.value for event in outcome.events if event.kind == "datapoint"]
    assert len(datapoints) >= 9 and all(value == pytest.approx(600.0) for value in datapoints)  # 60 if only served
