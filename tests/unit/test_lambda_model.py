"""The Lambda simulator's contract: determinism, what SimRun and the monthly usage contain."""

from __future__ import annotations

import doctest
import json
from dataclasses import asdict, replace

import numpy as np
import pytest

import archsel.sim.arrivals
import archsel.sim.lambda_.coldstart
import archsel.sim.lambda_.inputs
import archsel.sim.lambda_.platform
import archsel.sim.lambda_.reduce
import tests.theory
from archsel.billing.usage import LambdaUsage
from archsel.profile.distributions import Distribution
from archsel.profile.lambda_schema import LambdaSettings
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.coldstart import default_cold_start_ms
from archsel.sim.lambda_.config import lambda_config
from archsel.sim.lambda_.model import simulate_lambda
from archsel.sim.result import SimOptions, SimRun

PROFILE = """
version: 1
name: unit
traffic: {mean_rps: 30, shape: diurnal, peak_rps: 60}
request: {payload_kb: 600, response_kb: 32}
lambda:
  memory_mb: 2048
  ephemeral_storage_mb: 1536
  reserved_concurrency: 12
  provisioned_concurrency: [{from: "00:00", to: "00:30", count: 3}]
  keep_alive_s: {distribution: uniform, min: 20, max: 40}
"""
OPTIONS = SimOptions(horizon_s=3_600, warmup_s=300, record_timeseries=True)


def _run(seed: int, text: str = PROFILE, options: SimOptions = OPTIONS) -> SimRun:
    return simulate_lambda(parse_profile(text), replace(options, seed=seed), rng=np.random.default_rng(seed))


def _usage(run: SimRun) -> LambdaUsage:
    assert isinstance(run.usage, LambdaUsage)
    return run.usage


def _jsonable(run: SimRun) -> str:
    body = asdict(run)
    body.pop("timeseries")
    return json.dumps(body, sort_keys=True)


@pytest.mark.parametrize(
    "module",
    [
        archsel.sim.arrivals,
        archsel.sim.lambda_.coldstart,
        archsel.sim.lambda_.platform,
        archsel.sim.lambda_.reduce,
        tests.theory,
    ],
)
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_same_profile_and_seed_give_identical_runs_and_json() -> None:
    first, second = _run(4), _run(4)
    assert first == second
    assert _jsonable(first) == _jsonable(second)
    assert first.timeseries is not None and second.timeseries is not None
    for (name, a), (_, b) in zip(first.timeseries.columns, second.timeseries.columns, strict=True):
        assert np.array_equal(a, b), name
    assert _jsonable(_run(5)) != _jsonable(first)


def test_counts_add_up_and_the_series_match_them() -> None:
    run = _run(1)
    assert run.architecture == "lambda" and run.seed == 1 and run.simulated_s == 3_600
    assert run.errors == run.throttled + run.timeouts
    assert run.throttled == run.figures.api_throttled + run.figures.lambda_throttled > 0
    invocations = run.figures.invocations
    assert invocations == run.cold_starts + run.figures.warm_starts + run.figures.provisioned_invocations
    assert run.requests == invocations + run.throttled
    assert run.figures.provisioned_invocations > 0 and run.figures.spillover_invocations > 0
    series = run.timeseries
    assert series is not None and len(series.column("arrivals")) == 3_600
    assert series.column("arrivals").sum() == run.requests
    assert series.column("cold_starts").sum() == run.cold_starts
    assert series.column("throttles").sum() == run.throttled
    assert series.column("concurrency_max").max() == run.figures.peak_concurrency
    assert np.all(series.column("concurrency_max") >= series.column("concurrency") - 1e-9)
    assert run.instances is not None
    assert float(series.column("environments").mean()) == pytest.approx(run.instances.mean, rel=1e-9)
    assert run.instances.max >= series.column("environments").max() - 1e-9
    assert run.latency_ms.p50 <= run.latency_ms.p99 <= run.latency_ms.max


def test_usage_is_scaled_to_the_month_and_metered_per_the_price_rules() -> None:
    run = _run(2)
    usage = _usage(run)
    scale = parse_profile(PROFILE).seconds_per_month / 3_600
    assert usage.memory_mb == 2048 and usage.api == "http"
    assert usage.invocations == pytest.approx(run.figures.invocations * scale)
    assert usage.api_requests == pytest.approx((run.requests - run.figures.api_throttled) * scale)
    assert usage.api_metered_requests == pytest.approx(2 * usage.api_requests)  # 600 KB = two 512-KB steps
    # 3 environments x 30 minutes (already a multiple of 5 minutes) x 2 GB
    assert usage.provisioned_gb_seconds == pytest.approx(3 * 1_800 * 2 * scale)
    billed_s = (usage.ondemand_gb_seconds + usage.init_gb_seconds + usage.provisioned_duration_gb_seconds) / 2
    assert usage.ephemeral_extra_gb_seconds == pytest.approx(billed_s * 1.0)  # 1.5 GB - 0.5 GB free
    assert usage.init_gb_seconds > 0 and usage.provisioned_duration_gb_seconds > 0
    assert usage.response_gb == pytest.approx((run.requests - run.errors) * 32 / 1_024**2 * scale)


def test_memory_scales_the_duration_and_the_bill() -> None:
    text = "version: 1\nname: m\ntraffic: {mean_rps: 5}\nrequest: {cpu_fraction: 1}\nlambda: {memory_mb: MB}\n"
    options = SimOptions(horizon_s=3_600, warmup_s=0)
    small = _run(3, text.replace("MB", "885"), options)  # half a vCPU: the handler takes twice as long
    large = _run(3, text.replace("MB", "1769"), options)
    assert small.latency_ms.p50 > 1.8 * (large.latency_ms.p50 - 10)
    assert _usage(small).ondemand_gb_seconds == pytest.approx(_usage(large).ondemand_gb_seconds, rel=0.02)


def test_default_cold_start_follows_runtime_package_vpc_and_memory() -> None:
    python = default_cold_start_ms(LambdaSettings(package_mb=0))
    assert python.p50 == 220
    assert default_cold_start_ms(LambdaSettings(package_mb=14, runtime="nodejs20.x")).p50 == pytest.approx(1_702)
    assert default_cold_start_ms(LambdaSettings(package_mb=0, vpc=True)).p50 == pytest.approx(460)
    slow = default_cold_start_ms(LambdaSettings(package_mb=0, runtime="dotnet8", memory_mb=128))
    assert slow.p50 == pytest.approx(3_280)
    given = LambdaSettings(cold_start_ms=Distribution.constant(50))
    assert lambda_config(_with(given), horizon_s=10, warmup_s=0).cold_start_ms.mean() == 50


def _with(settings: LambdaSettings) -> WorkloadProfile:
    base = parse_profile("version: 1\nname: c\ntraffic: {mean_rps: 1}\n")
    return base.model_copy(update={"lambda_": settings})


def test_provisioned_schedule_wraps_midnight_and_starts_allocated() -> None:
    profile = parse_profile(
        "version: 1\nname: s\ntraffic: {mean_rps: 1}\n"
        "lambda: {provisioned_concurrency: [{from: '22:00', to: '02:00', count: 4}, {from: '01:00', to: '03:00', count: 6}]}\n"
    )
    config = lambda_config(profile, horizon_s=86_400, warmup_s=600)
    assert config.provisioned_initial == 4  # 23:50 the day before is inside the 22:00-02:00 window
    assert [(c.time_s, c.count) for c in config.provisioned_changes] == [
        (3_600.0, 6),
        (10_800.0, 0),
        (79_200.0, 4),
    ]
