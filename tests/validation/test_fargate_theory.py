"""The Fargate model against queueing theory: Erlang-C for a fixed fleet, Little's law on every run."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import tests.theory_queueing as theory_queueing
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.model import run_fargate
from archsel.sim.result import SimOptions, SimRun
from tests.theory_queueing import erlang_c, mmc_mean_wait

MEAN_SERVICE_S = 0.1
SEEDS = (1, 2, 3)


def _fixed_fleet(tasks: int, concurrency: int, rps: float, routing: str = "least_outstanding") -> WorkloadProfile:
    """Exponential service, no CPU contention (cpu_fraction 0), unbounded queues, min = max."""
    return parse_profile(f"""
version: 1
name: mmc
traffic: {{mean_rps: {rps}}}
request: {{duration_ms: {{distribution: exponential, mean: {MEAN_SERVICE_S * 1000:g}}}, cpu_fraction: 0}}
fargate: {{vcpu: 1, memory_gb: 2, min_tasks: {tasks}, max_tasks: {tasks}, concurrency_per_task: {concurrency},
          load_balancing: {routing}}}
""")


def _run(profile: WorkloadProfile, seed: int, horizon_s: float = 21_600) -> SimRun:
    return run_fargate(profile, rng=np.random.default_rng(seed), options=SimOptions(horizon_s, 300)).run


def test_theory_helpers_doctests() -> None:
    assert doctest.testmod(theory_queueing).failed == 0


@pytest.mark.parametrize("rps", [50.0, 80.0])
def test_one_task_with_c_slots_is_erlang_c(rps: float) -> None:
    """One task, 10 request slots, one FIFO queue: exactly M/M/10."""
    servers = 10
    runs = [_run(_fixed_fleet(1, servers, rps), seed) for seed in SEEDS]
    expected_wait_probability = erlang_c(servers, rps * MEAN_SERVICE_S)
    for run in runs:
        assert run.figures.wait_probability == pytest.approx(expected_wait_probability, abs=0.01)
    mean_wait_ms = float(np.mean([run.figures.mean_wait_ms for run in runs]))
    assert mean_wait_ms == pytest.approx(1000 * mmc_mean_wait(servers, rps, MEAN_SERVICE_S), rel=0.05)


@pytest.mark.parametrize("rps_per_task", [25.0, 35.0])
def test_a_randomly_routed_fleet_is_one_erlang_c_queue_per_task(rps_per_task: float) -> None:
    """Four tasks of five slots behind weighted-random routing: four independent M/M/5 queues.

    Random routing splits a Poisson stream into independent Poisson streams of rate / tasks, so
    every task is M/M/c with c = concurrency_per_task; the fleet's chance of waiting and mean wait
    are each task's.
    """
    tasks, slots = 4, 5
    runs = [_run(_fixed_fleet(tasks, slots, rps_per_task * tasks, "weighted_random"), seed) for seed in SEEDS]
    expected_wait_probability = erlang_c(slots, rps_per_task * MEAN_SERVICE_S)
    for run in runs:
        assert run.tasks is not None and run.tasks.min == run.tasks.max == tasks
        assert run.figures.wait_probability == pytest.approx(expected_wait_probability, abs=0.01)
    mean_wait_ms = float(np.mean([run.figures.mean_wait_ms for run in runs]))
    assert mean_wait_ms == pytest.approx(1000 * mmc_mean_wait(slots, rps_per_task, MEAN_SERVICE_S), rel=0.05)


def test_c_tasks_of_one_slot_wait_longer_than_a_shared_queue() -> None:
    """Ten one-slot tasks behind least-outstanding routing are ten queues, not M/M/10.

    An arrival still waits only when every task is busy, but a request queued behind a slow one
    cannot move to a task that frees up (the ALB routes once), so waits are longer than Erlang-C's
    pooled queue while the chance of waiting is lower.
    """
    rps, servers = 80.0, 10
    run = _run(_fixed_fleet(servers, 1, rps), seed=1, horizon_s=7_200)
    assert run.figures.mean_wait_ms > 1.2 * 1000 * mmc_mean_wait(servers, rps, MEAN_SERVICE_S)
    assert run.figures.wait_probability < erlang_c(servers, rps * MEAN_SERVICE_S) - 0.01


LITTLE_PROFILES = {
    "fixed fleet": _fixed_fleet(3, 4, 100.0),
    "autoscaling burst, contention, shedding": parse_profile("""
version: 1
name: little
traffic: {mean_rps: 20, bursts: [{start: "00:30", duration_s: 900, multiplier: 4}]}
request: {duration_ms: {distribution: lognormal, p50: 80, p95: 400}, cpu_fraction: 0.6}
fargate: {vcpu: 0.5, memory_gb: 1, min_tasks: 1, max_tasks: 12, concurrency_per_task: 4, queue_limit: 4,
          task_start_s: {fixed: 40}, health_check_interval_s: 10}
"""),
}


@pytest.mark.parametrize("name", sorted(LITTLE_PROFILES))
def test_littles_law(name: str) -> None:
    """Mean number in the system (sampled every second) = throughput x mean time at the task."""
    run = _run(LITTLE_PROFILES[name], seed=4, horizon_s=7_200)
    if name.startswith("autoscaling"):
        assert run.shed > 0 and len(run.scaling_events) >= 2  # the case exercises what it says
    assert run.figures.mean_in_system == pytest.approx(run.figures.littles_law_lambda_w, rel=0.03)
