"""Task lifecycle limits: launch-rate buckets, the vCPU quota, draining, Spot interruptions."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import simpy

from archsel.profile.distributions import Distribution
from archsel.profile.fargate_schema import Fargate
from archsel.sim.fargate.dataplane import DataPlane, DataPlaneSetup
from archsel.sim.fargate.fleet import Fleet, FleetSetup, TokenBucket
from archsel.sim.fargate.params import FargateParams
from archsel.sim.fargate.timeline import CountLog


def _fleet(env: simpy.Environment, **fargate: object) -> Fleet:
    settings = Fargate.model_validate(
        {"vcpu": 0.25, "memory_gb": 0.5, "task_start_s": {"fixed": 30}, "health_check_interval_s": 10, **fargate}
    )
    setup = DataPlaneSetup(
        concurrency=1, queue_limit=None, vcpu=0.25, cpu_fraction=0.0, unloaded_factor=1.0,
        duration_ms=Distribution.constant(10), alb_latency_s=0.0, idle_timeout_s=60.0,
        routing="least_outstanding", offset_s=0, horizon_s=3_600.0,
    )  # fmt: skip
    plane = DataPlane(setup, iter(()), np.random.default_rng(0))
    return Fleet(env, FleetSetup.from_profile(settings, FargateParams()), plane, np.random.default_rng(1))


def _launch_times(fleet: Fleet) -> list[float]:
    return [event.time_s for event in fleet.events if event.kind == "launch"]


def test_token_bucket_bursts_then_refills() -> None:
    bucket = TokenBucket(3, 2.0, now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_s(0.0) == pytest.approx(0.5)
    assert bucket.take(0.5)


def test_account_launch_bucket_limits_a_large_scale_out() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=0, max_tasks=1_000, vcpu_quota=10_000)
    fleet.set_desired(300)
    env.run(until=60)
    launches = Counter(_launch_times(fleet))
    assert launches[0.0] == 100  # the burst
    later = sorted(time for time in _launch_times(fleet) if time > 0)
    assert len(later) == 200
    assert later[-1] == pytest.approx(200 / 20.0, abs=0.06)  # then 20 per second


def test_service_launch_limit_is_500_per_minute() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=0, max_tasks=2_000, vcpu_quota=10_000)
    fleet.set_desired(1_000)
    env.run(until=120)
    times = np.array(_launch_times(fleet))
    assert np.count_nonzero(times < 60.0) <= 500 + 1
    assert np.count_nonzero(times < 30.0) > 400  # the account bucket alone would allow 100 + 20 x 30


def test_vcpu_quota_caps_the_fleet() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=0, max_tasks=100, vcpu_quota=6)
    fleet.set_desired(50)
    env.run(until=300)
    assert fleet.launched == 24  # 6 vCPU / 0.25 vCPU per task
    assert fleet.log.current("running") == 24


def test_task_serves_after_start_and_next_health_check_then_drains() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=0, max_tasks=5, deregistration_delay_s=100)
    env.run(until=5)
    fleet.set_desired(1)
    env.run(until=200)
    life = fleet.lives()[0]
    assert (life.launch_s, life.running_s, life.in_service_s) == (5.0, 35.0, 40.0)
    fleet.set_desired(0)
    env.run(until=400)
    assert fleet.lives()[0].stop_s == 300.0  # drained for the whole deregistration delay


def test_scale_in_stops_tasks_not_yet_serving_first() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=2, max_tasks=5)
    fleet.start(2)
    fleet.set_desired(4)
    env.run(until=10)
    fleet.set_desired(2)
    env.run(until=20)
    stopped = {life.task: life.stop_s for life in fleet.lives()}
    assert stopped[2] == stopped[3] == 10.0  # still launching: stopped at once, billed from launch
    assert stopped[0] == stopped[1] == float("inf")


def test_spot_share_and_interruptions_with_replacement() -> None:
    env = simpy.Environment()
    fleet = _fleet(env, min_tasks=4, max_tasks=4, spot=0.5, spot_interruptions_per_task_hour=3.0)
    fleet.start(4)
    env.run(until=7_200)
    lives = fleet.lives()
    assert sum(life.spot for life in lives[:4]) == 2
    interrupted = [event for event in fleet.events if event.kind == "spot_notice"]
    assert len(interrupted) > 3
    for notice in (event for event in interrupted if event.time_s < 7_200 - 120):
        life = lives[notice.task]
        assert life.spot
        serving = life.in_service_s <= notice.time_s
        # A serving task drains for the two-minute notice (shorter than the 300-s delay); others stop at once.
        assert life.stop_s == pytest.approx(notice.time_s + (120.0 if serving else 0.0))
    assert fleet.log.current("desired") == 4 and fleet.log.current("in_service") >= 3


def test_count_log_integrates_and_samples() -> None:
    log = CountLog(0.0, (1, 1, 1, 1))
    log.record(10.0, (2, 2, 1, 2))
    log.record(30.0, (2, 3, 3, 3))
    assert log.integral("running", 0.0, 40.0) == 1 * 10 + 2 * 20 + 3 * 10
    assert log.integral("in_service", 5.0, 35.0) == 1 * 25 + 3 * 5
    assert list(log.sample("running", np.array([0.0, 9.9, 10.0, 45.0]))) == [1, 1, 2, 3]
    assert log.stats("running", 0.0, 40.0) == (2.0, 1, 3)
