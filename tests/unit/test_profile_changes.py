"""Changed profiles go through the schema: invalid settings are refused, valid ones keep every other value as is."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from archsel.evaluate.design import with_fargate, with_lambda, with_simulation
from archsel.profile.loader import parse_profile

PROFILE = """
version: 1
name: shop
traffic: {mean_rps: 2, shape: diurnal, peak_rps: 5, peak_hour_utc: "18:30"}
lambda: {memory_mb: 512, provisioned_concurrency: [{from: "07:15", to: "23:00", count: 3}]}
fargate: {vcpu: 1, memory_gb: 2}
"""


def test_a_task_size_fargate_does_not_offer_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"memory_gb 30 does not fit vcpu 0\.25"):
        with_fargate(parse_profile(PROFILE), vcpu=0.25, memory_gb=30.0)


def test_min_tasks_above_max_tasks_is_refused() -> None:
    with pytest.raises(ValidationError, match="min_tasks must be <= max_tasks"):
        with_fargate(parse_profile(PROFILE), min_tasks=50)


def test_provisioned_above_reserved_is_refused() -> None:
    with pytest.raises(ValidationError, match="cannot exceed reserved_concurrency"):
        with_lambda(parse_profile(PROFILE), reserved_concurrency=2)


def test_a_change_keeps_every_other_value_and_its_type() -> None:
    """Clock times stay seconds (not read again as hours) and int defaults stay ints."""
    profile = parse_profile(PROFILE)
    changed = with_simulation(with_lambda(profile, memory_mb=1769), replications=1)
    assert changed.lambda_.memory_mb == 1769 and changed.simulation.replications == 1
    assert changed.model_dump() == {
        **profile.model_dump(),
        "lambda_": {**profile.lambda_.model_dump(), "memory_mb": 1769},
        "simulation": {**profile.simulation.model_dump(), "replications": 1},
    }
    assert changed.lambda_.provisioned_concurrency == profile.lambda_.provisioned_concurrency
    assert changed.traffic is profile.traffic
    assert type(changed.lambda_.timeout_s) is type(profile.lambda_.timeout_s)
    assert changed.model_dump_json(by_alias=True) == profile.model_dump_json(by_alias=True).replace(
        '"memory_mb":512', '"memory_mb":1769'
    ).replace('"replications":3', '"replications":1')
