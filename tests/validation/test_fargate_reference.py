"""The compiled request path against the one-process-per-request SimPy reference model."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.profile.distributions import Distribution
from archsel.profile.loader import parse_profile
from archsel.profile.performance import duration_factor
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import simulation_rate
from archsel.sim.arrivals import arrival_times
from archsel.sim.fargate.dataplane import DataPlane, DataPlaneSetup, RequestRecord
from archsel.sim.fargate.model import run_fargate
from archsel.sim.result import SimOptions
from tests.validation.fargate_reference import Fleet, simulate_reference

CASES = {
    "least outstanding, contention": Fleet(4, 3, vcpu=1.0, cpu_fraction=0.6, unloaded_factor=1.0),
    "round robin, small task": Fleet(3, 2, vcpu=0.25, cpu_fraction=0.5, unloaded_factor=duration_factor(0.5, 0.25),
                                     least_outstanding=False),
    "bounded queue sheds": Fleet(2, 2, vcpu=0.5, cpu_fraction=0.3, unloaded_factor=duration_factor(0.3, 0.5),
                                 queue_limit=1),
    "no queue allowed": Fleet(5, 1, vcpu=1.0, cpu_fraction=0.0, unloaded_factor=1.0, queue_limit=0),
    "overload times out": Fleet(1, 2, vcpu=1.0, cpu_fraction=1.0, unloaded_factor=1.0, idle_timeout_s=3.0),
}  # fmt: skip


def _fast(fleet: Fleet, arrivals: np.ndarray, duration: Distribution, seed: int) -> RequestRecord:
    setup = DataPlaneSetup(
        concurrency=fleet.concurrency,
        queue_limit=fleet.queue_limit,
        vcpu=fleet.vcpu,
        cpu_fraction=fleet.cpu_fraction,
        unloaded_factor=fleet.unloaded_factor,
        duration_ms=duration,
        alb_latency_s=fleet.alb_latency_s,
        idle_timeout_s=fleet.idle_timeout_s,
        routing="least_outstanding" if fleet.least_outstanding else "round_robin",
        offset_s=0,
        horizon_s=float(arrivals.max()) + 1.0,
    )
    chunks = iter(np.array_split(arrivals, 5))  # several chunks, as the real arrival stream comes
    plane = DataPlane(setup, chunks, np.random.default_rng(seed), keep_requests=True)
    for _ in range(fleet.tasks):
        slot = plane.allocate_slot()
        plane.set_alive(slot)
        plane.set_routable(slot, True)
    plane.finish()
    return plane.kept_requests()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_request_matches_the_reference_model(name: str) -> None:
    fleet = CASES[name]
    rate = 1.1 * fleet.tasks * fleet.concurrency / 0.2  # around saturation: queues form and drain
    arrivals = np.sort(np.random.default_rng(11).uniform(0.0, 2_000 / rate, 2_000))
    fast = _fast(fleet, arrivals, Distribution.model_validate({"distribution": "exponential", "mean": 200}), seed=5)
    slow = simulate_reference(fleet, fast.arrivals, fast.work_s, fast.ties)
    np.testing.assert_array_equal(fast.status, slow.status)
    np.testing.assert_allclose(fast.latency_ms, slow.latency_ms, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.wait_s, slow.wait_s, rtol=1e-9, atol=1e-9)
    assert np.count_nonzero(fast.wait_s > 0) > 0 or fleet.queue_limit == 0  # the case exercises queueing


PROFILE = """
version: 1
name: reference
traffic: {mean_rps: 24}
request: {duration_ms: {distribution: lognormal, p50: 80, p95: 400}, cpu_fraction: 0.5}
fargate: {vcpu: 0.5, memory_gb: 1, min_tasks: 3, max_tasks: 3, concurrency_per_task: 4, queue_limit: 6}
"""


def _reference_run(profile: WorkloadProfile, seed: int, horizon_s: float) -> tuple[float, float, float]:
    """Mean latency (ms), share of routed requests that waited, share shed: the reference model."""
    rng = np.random.default_rng(seed)
    arrivals = arrival_times(simulation_rate(profile, horizon_s=horizon_s, warmup_s=60), rng) - 60.0
    work_s = profile.request.duration_ms.sample(rng, arrivals.size) / 1000.0
    fargate = profile.fargate
    fleet = Fleet(
        fargate.min_tasks, fargate.concurrency_per_task, fargate.vcpu, profile.request.cpu_fraction,
        duration_factor(profile.request.cpu_fraction, fargate.vcpu), queue_limit=fargate.queue_limit,
    )  # fmt: skip
    slow = simulate_reference(fleet, arrivals, work_s, rng.random(arrivals.size))
    measured = arrivals >= 0
    routed = measured & (slow.status != 1)
    return (
        float(slow.latency_ms[measured & (slow.status == 0)].mean()),
        float(np.mean(slow.wait_s[routed] > 0)),
        float(np.mean(slow.status[measured] == 1)),
    )


def _fast_run(profile: WorkloadProfile, seed: int, horizon_s: float) -> tuple[float, float, float]:
    run = run_fargate(profile, rng=np.random.default_rng(seed), options=SimOptions(horizon_s, 60)).run
    return run.latency_ms.mean, run.figures.wait_probability, run.shed / run.requests


@pytest.mark.slow
def test_fast_model_statistics_match_the_reference_model() -> None:
    """Independent seeds of both models: every statistic agrees within 4 standard errors of the difference."""
    profile = parse_profile(PROFILE)
    seeds, horizon_s = range(1, 6), 1_800.0
    fast = np.array([_fast_run(profile, seed, horizon_s) for seed in seeds])
    slow = np.array([_reference_run(profile, 100 + seed, horizon_s) for seed in seeds])
    error = np.sqrt(fast.var(axis=0, ddof=1) / len(fast) + slow.var(axis=0, ddof=1) / len(slow))
    difference = np.abs(fast.mean(axis=0) - slow.mean(axis=0))
    assert np.all(difference <= 4 * error), (fast.mean(axis=0), slow.mean(axis=0), error)
    assert np.all(error < 0.05 * np.abs(slow.mean(axis=0)))  # and the comparison is sharp enough to mean something
