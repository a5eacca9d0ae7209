"""The prefetching iterator and the per-second arrival sort give exactly what their plain versions give."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from archsel.profile.distributions import Distribution
from archsel.sim.arrival_sort import sorted_within_seconds
from archsel.sim.fargate.dataplane import DataPlane, DataPlaneSetup, RequestRecord
from archsel.sim.prefetch import prefetched


def test_prefetched_yields_the_same_items_in_order() -> None:
    assert list(prefetched(iter(range(100)))) == list(range(100))
    assert list(prefetched(iter(()))) == []


def test_prefetched_draws_in_the_background_thread_in_the_same_order() -> None:
    rng = np.random.default_rng(3)
    plain = np.random.default_rng(3).random(5)
    threads: set[str] = set()

    def draws() -> Iterator[float]:
        for _ in range(5):
            threads.add(threading.current_thread().name)
            yield float(rng.random())

    assert list(prefetched(draws())) == plain.tolist()
    assert threads and all(name.startswith("archsel-prefetch") for name in threads)


def test_prefetched_passes_on_the_producers_error() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("bad chunk")

    items = prefetched(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="bad chunk"):
        next(items)


def test_prefetched_stops_its_thread_when_abandoned() -> None:
    items = prefetched(iter(range(10)))
    assert next(items) == 0
    items.close()  # what garbage collection does to an abandoned generator
    assert not any(thread.name.startswith("archsel-prefetch") for thread in threading.enumerate())


@pytest.mark.parametrize("mean", [0.0, 0.5, 3.0, 450.0])
def test_sorted_within_seconds_equals_a_full_sort(mean: float) -> None:
    rng = np.random.default_rng(int(mean * 10) + 1)
    counts = rng.poisson(np.full(500, mean))
    within = rng.random(int(counts.sum()))
    expected = np.repeat(np.arange(7, 507, dtype=np.float64), counts) + within
    expected.sort(kind="stable")
    np.testing.assert_array_equal(sorted_within_seconds(within, counts, 7), expected)


def test_sorted_within_seconds_keeps_offsets_near_one_in_their_second() -> None:
    within = np.array([1.0 - 2.0**-53, 0.0, 0.5])
    result = sorted_within_seconds(within, np.array([3]), 86_399)
    assert result.tolist() == sorted((86_399.0 + within).tolist())


def _routed(prefetch: bool) -> RequestRecord:
    setup = DataPlaneSetup(
        concurrency=2, queue_limit=3, vcpu=1.0, cpu_fraction=0.5, unloaded_factor=1.0,
        duration_ms=Distribution.model_validate({"distribution": "lognormal", "p50": 80, "p95": 400}),
        alb_latency_s=0.002, idle_timeout_s=60.0, routing="least_outstanding", offset_s=0, horizon_s=100.0,
    )  # fmt: skip
    arrivals = np.sort(np.random.default_rng(8).uniform(0.0, 100.0, 5_000))
    plane = DataPlane(
        setup, iter(np.array_split(arrivals, 7)), np.random.default_rng(9), keep_requests=True, prefetch=prefetch
    )
    for _ in range(3):
        slot = plane.allocate_slot()
        plane.set_alive(slot)
        plane.set_routable(slot, True)
    plane.finish()
    return plane.kept_requests()


def test_the_data_plane_routes_the_same_with_and_without_prefetching() -> None:
    ahead, inline = _routed(prefetch=True), _routed(prefetch=False)
    assert (ahead.status == 1).any(), "the case must shed some requests to be a meaningful comparison"
    for field in ("arrivals", "work_s", "ties", "status", "latency_ms", "wait_s"):
        np.testing.assert_array_equal(getattr(ahead, field), getattr(inline, field))
