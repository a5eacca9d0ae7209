"""archsel.profile.routes: which function serves which route, with how much memory, and the work mix of a request."""

from __future__ import annotations

import numpy as np
import pytest

from archsel.profile.loader import parse_profile
from archsel.profile.routes import ALL_ROUTES_KEY, DurationMix, mean_duration_ms, request_duration_ms, route_layout
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.breakeven import scale_duration

ROUTES = """
request:
  duration_ms: {fixed: 100}
  routes:
    - {method: GET, path: /a, share: 3, group: reads}
    - {method: GET, path: "/a/{id}", share: 1, memory_mb: 2048, duration_ms: {fixed: 20}, group: reads}
    - {method: POST, path: /a, share: 1, payload_kb: 9}
    - {method: post, path: /a-, share: 5}
"""


def profile(layout: str) -> WorkloadProfile:
    return parse_profile(
        f"version: 1\nname: r\ntraffic: {{mean_rps: 1}}\n{ROUTES}lambda: {{layout: {layout}, memory_mb: 256}}\n"
    )


def test_single_is_one_router_function_at_the_largest_need() -> None:
    plan = route_layout(profile("single"))
    assert [(f.name, f.memory_mb, f.routes) for f in plan.functions] == [("Api", 2048, (0, 1, 2, 3))]
    assert [route.memory_mb for route in plan.routes] == [256, 2048, 256, 256]
    assert [route.share for route in plan.routes] == [0.3, 0.1, 0.1, 0.5]
    assert plan.routes[2].payload_kb == 9 and plan.routes[0].payload_kb == 4


def test_per_route_names_are_unique_logical_names() -> None:
    plan = route_layout(profile("per-route"))
    # POST /a and POST /a- both camel-case to PostA: the second gets a number
    assert [f.name for f in plan.functions] == ["GetA", "GetAId", "PostA", "PostA2"]
    assert [f.memory_mb for f in plan.functions] == [256, 2048, 256, 256]


def test_grouped_names_functions_after_their_group() -> None:
    plan = route_layout(profile("grouped"))
    assert [(f.name, f.memory_mb, f.routes) for f in plan.functions] == [
        ("Reads", 2048, (0, 1)),
        ("PostA", 256, (2,)),
        ("PostA2", 256, (3,)),
    ]
    assert plan.function_of(1).name == "Reads"


def test_without_routes_one_implicit_route() -> None:
    plan = route_layout(parse_profile("version: 1\nname: r\ntraffic: {mean_rps: 1}\n"))
    assert not plan.explicit and [route.key for route in plan.routes] == [ALL_ROUTES_KEY]
    assert [(f.name, f.memory_mb) for f in plan.functions] == [("Api", 1024)]


def test_the_request_mix_draws_each_routes_own_time() -> None:
    mix = request_duration_ms(profile("single"))
    assert isinstance(mix, DurationMix)
    assert mean_duration_ms(profile("single")) == pytest.approx(0.9 * 100 + 0.1 * 20)
    values = mix.sample(np.random.default_rng(1), 100_000)
    assert set(np.unique(values)) == {20.0, 100.0}
    assert float(np.mean(values == 20.0)) == pytest.approx(0.1, abs=0.005)


def test_scaling_the_duration_scales_every_route() -> None:
    scaled = scale_duration(profile("single"), 2.0)
    assert mean_duration_ms(scaled) == pytest.approx(2 * mean_duration_ms(profile("single")))
