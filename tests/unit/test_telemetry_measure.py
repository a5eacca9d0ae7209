"""Aggregation of parsed requests and the profile written from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from archsel.profile.loader import load_profile
from archsel.profile.performance import lambda_duration_factor
from archsel.telemetry.measure import estimate_keep_alive, idle_gaps, measure_logs, peak_concurrency
from archsel.telemetry.reader import parse_lines
from archsel.telemetry.records import ParseResult, Request
from archsel.telemetry.writer import WriteRequest, trace_path_for, write_profile

T0 = 1793527200.0


def lambda_result(requests: list[Request]) -> ParseResult:
    from collections import Counter

    return ParseResult(tuple(sorted(requests, key=lambda r: r.start_s)), Counter({"lambda-report": len(requests)}))


def test_per_minute_counts_rates_and_percentiles() -> None:
    requests = [Request(T0 + 5 * k, 100.0 + k) for k in range(12)] + [Request(T0 + 60 + k, 50.0) for k in range(30)]
    measured = measure_logs(lambda_result(requests))
    assert measured.minute_counts == (12.0, 30.0)
    assert measured.requests == 42
    assert measured.mean_rps == pytest.approx(42 / 120)
    assert measured.peak_rps == pytest.approx(0.5)
    assert measured.duration_ms is not None and measured.duration_ms.p50 == 50.0


def test_peak_concurrency_counts_overlapping_requests_init_included() -> None:
    requests = [Request(T0, 2500.0), Request(T0 + 0.5, 100.0, init_ms=2000.0), Request(T0 + 2.0, 10.0)]
    assert peak_concurrency(requests) == 3  # the cold one (INIT 2 s) still runs at T0 + 2
    assert peak_concurrency([Request(T0, 100.0), Request(T0 + 0.1, 100.0)]) == 1  # the first ended at T0 + 0.1


def test_idle_gaps_before_cold_and_warm_starts_give_the_keep_alive() -> None:
    requests = []
    clock = T0
    for gap, cold in [(10, False), (50, False), (90, False), (200, True), (30, False), (150, True), (80, False)] * 2:
        clock += gap
        requests.append(Request(clock, 1000.0, init_ms=100.0 if cold else None))
    warm, cold = idle_gaps(requests)
    assert len(warm) == 9 and len(cold) == 4  # the first request follows no gap
    keep = estimate_keep_alive(requests)
    assert keep is not None
    assert (keep.warm_max_gap_s, keep.cold_min_gap_s) == (pytest.approx(89.0), pytest.approx(149.0))
    assert 89 < keep.estimate_s < 149
    assert estimate_keep_alive(requests[:3]) is None  # no cold start after an idle gap: nothing to say


def test_the_written_profile_loads_with_routes_and_the_duration_at_one_vcpu(tmp_path: Path) -> None:
    lines = [
        f'{{"requestTimeEpoch": {int((T0 + k) * 1000)}, "routeKey": "GET /items/{{id}}", "status": "200", '
        f'"integrationLatency": "{40 + k % 20}", "responseLength": "2048"}}'
        for k in range(300)
    ] + [
        f'{{"requestTimeEpoch": {int((T0 + k) * 1000)}, "routeKey": "POST /orders", "status": "500", '
        f'"integrationLatency": "{200 + k % 50}"}}'
        for k in range(100)
    ]
    parsed = parse_lines(lines)
    measured = measure_logs(parsed, memory_mb=512)
    assert measured.source == "apigateway"
    assert [(r.key, r.requests) for r in measured.routes] == [("GET /items/{id}", 300), ("POST /orders", 100)]
    assert measured.error_ratio == pytest.approx(0.25)
    written = write_profile(measured, WriteRequest(out=tmp_path / "shop.yaml", name="shop api"))
    assert written.trace_path == trace_path_for(tmp_path / "shop.yaml") == tmp_path / "shop.trace.csv"
    profile = load_profile(written.profile_path)
    assert profile.name == "shop-api"
    assert profile.lambda_.memory_mb == 512
    assert sum(profile.traffic.trace_counts or ()) == 400
    shares = {(r.method, r.path): r.share for r in profile.request.routes}
    assert shares == {("GET", "/items/{id}"): 0.75, ("POST", "/orders"): 0.25}
    factor = lambda_duration_factor(512, 0.5)
    items = profile.request.routes[0].duration_ms
    assert items is not None and items.p50 == pytest.approx(measured.routes[0].durations.p50 / factor, rel=1e-5)  # type: ignore[union-attr]
    text = written.profile_path.read_text()
    assert "# Measured error ratio: 25.0000% of 400 requests." in text
    assert "divided by" in text and "cpu_fraction 0.5" in text
    assert profile.request.response_kb == pytest.approx(2.0)


def test_the_logged_memory_size_wins_and_several_sizes_are_noted() -> None:
    requests = [Request(T0 + k, 10.0, memory_size_mb=512 if k % 3 else 1024) for k in range(9)]
    measured = measure_logs(lambda_result(requests), memory_mb=2048)
    assert (measured.memory_mb, measured.memory_from) == (512, "Memory Size of the invocations")
    assert measured.notes == (
        "The invocations ran at several memory sizes: 512 MB (6), 1,024 MB (3); the most common one is used.",
    )
    unsized = measure_logs(lambda_result([Request(T0, 10.0)]), memory_mb=2048)
    assert (unsized.memory_mb, unsized.memory_from) == (2048, "--memory-mb")
