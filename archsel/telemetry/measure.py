"""What the logs measured: per-minute counts, duration and INIT percentiles, routes, concurrency, keep-alive.

Logs and CloudWatch metrics both end here, in a `Measured`: the profile writer and the check
read nothing else.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from archsel.telemetry.records import ParseResult, Request

ROUTE_MIN_SHARE = 0.005
MAX_ROUTES = 20
ROUTE_MIN_DURATIONS = 20


@dataclass(frozen=True, slots=True)
class Percentiles:
    """p50, p95, p99 and mean of some values (ms)."""

    count: int
    mean: float
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Percentiles | None:
        """The percentiles of ``values`` (None for none)."""
        if not values:
            return None
        array = np.asarray(values, dtype=np.float64)
        p50, p95, p99 = np.percentile(array, [50, 95, 99])
        return cls(len(values), float(array.mean()), float(p50), float(p95), float(p99))


@dataclass(frozen=True, slots=True)
class RouteMeasure:
    """One route the logs named: its requests and handler times."""

    key: str
    requests: int
    durations: Percentiles | None

    @property
    def method(self) -> str:
        """HTTP method of the key."""
        return self.key.partition(" ")[0]

    @property
    def path(self) -> str:
        """Path template of the key."""
        return self.key.partition(" ")[2]


@dataclass(frozen=True, slots=True)
class KeepAliveEstimate:
    """How long idle environments lived, from the idle gaps before cold and warm starts."""

    estimate_s: float
    warm_max_gap_s: float
    """Longest idle gap still followed by a warm start (below the split)."""
    cold_min_gap_s: float
    """Shortest idle gap followed by a cold start (above the split)."""
    warm_samples: int
    cold_samples: int


@dataclass(frozen=True, slots=True)
class Measured:
    """What a system's logs or metrics say about its traffic and requests over one window."""

    source: str
    """lambda, alb or apigateway (what the requests came through)."""
    origin: str
    """Where the figures came from, for the profile's comments (e.g. '86,400 REPORT lines')."""
    start_s: float
    minute_counts: tuple[float, ...]
    duration_ms: Percentiles | None
    init_ms: Percentiles | None
    cold_starts: int | None
    memory_mb: int | None
    memory_used_mb: float | None
    errors: int | None
    peak_concurrency: float | None
    routes: tuple[RouteMeasure, ...] = ()
    routes_left_out: int = 0
    response_kb: float | None = None
    keep_alive: KeepAliveEstimate | None = None
    notes: tuple[str, ...] = ()
    memory_from: str = "--memory-mb"
    """Where ``memory_mb`` came from, for the profile's comment."""

    @property
    def requests(self) -> float:
        """Requests in the window."""
        return math.fsum(self.minute_counts)

    @property
    def window_s(self) -> float:
        """Length of the window, seconds."""
        return 60.0 * len(self.minute_counts)

    @property
    def mean_rps(self) -> float:
        """Requests per second over the window."""
        return self.requests / self.window_s if self.window_s else 0.0

    @property
    def peak_rps(self) -> float:
        """The busiest minute's rate."""
        return max(self.minute_counts, default=0.0) / 60.0

    @property
    def cold_start_ratio(self) -> float | None:
        """Share of invocations that waited for an INIT (None when the source cannot tell)."""
        if self.cold_starts is None or not self.requests:
            return None
        return self.cold_starts / self.requests

    @property
    def error_ratio(self) -> float | None:
        """Share of requests that failed (5xx or a failed invocation)."""
        if self.errors is None or not self.requests:
            return None
        return self.errors / self.requests


def measure_logs(parsed: ParseResult, *, memory_mb: int | None = None) -> Measured:
    """Summarise parsed requests (sorted by arrival); ``memory_mb`` stands in when no line gives a Memory Size."""
    requests = parsed.requests
    start = math.floor(requests[0].start_s / 60.0) * 60.0
    minutes = np.floor((np.array([r.start_s for r in requests]) - start) / 60.0).astype(np.int64)
    counts = np.bincount(minutes, minlength=int(minutes[-1]) + 1)
    durations = [r.duration_ms for r in requests if r.duration_ms is not None]
    inits = [r.init_ms for r in requests if r.init_ms is not None]
    source = parsed.source_kind
    sizes = [r.response_bytes for r in requests if r.response_bytes is not None]
    routes, left_out = route_measures(requests)
    logged_memory = _memory_size(requests)
    return Measured(
        source=source,
        origin=_origin(parsed),
        start_s=start,
        minute_counts=tuple(float(c) for c in counts),
        duration_ms=Percentiles.of(durations),
        init_ms=Percentiles.of(inits),
        cold_starts=len(inits) if source == "lambda" else None,
        memory_mb=logged_memory or memory_mb,
        memory_used_mb=max((r.memory_used_mb for r in requests if r.memory_used_mb is not None), default=None),
        errors=sum(1 for r in requests if r.failed) if any(r.status_class for r in requests) else None,
        peak_concurrency=float(peak_concurrency(requests)),
        routes=routes,
        routes_left_out=left_out,
        response_kb=float(np.mean(sizes)) / 1024.0 if sizes else None,
        keep_alive=estimate_keep_alive(requests) if source == "lambda" else None,
        memory_from="Memory Size of the invocations" if logged_memory else "--memory-mb",
        notes=_memory_notes(requests),
    )


def _origin(parsed: ParseResult) -> str:
    names = {"lambda-report": "REPORT lines", "lambda-json": "platform.report events",
             "cloudwatch-events": "REPORT events (filter-log-events)", "alb": "ALB access log lines",
             "apigateway": "API Gateway access log events"}  # fmt: skip
    parts = [f"{count:,} {names[name]}" for name, count in parsed.formats.most_common()]
    return " + ".join(parts)


def _memory_size(requests: Sequence[Request]) -> int | None:
    sizes = Counter(r.memory_size_mb for r in requests if r.memory_size_mb)
    return sizes.most_common(1)[0][0] if sizes else None


def _memory_notes(requests: Sequence[Request]) -> tuple[str, ...]:
    sizes = Counter(r.memory_size_mb for r in requests if r.memory_size_mb)
    if len(sizes) < 2:
        return ()
    listed = ", ".join(f"{size:,} MB ({count:,})" for size, count in sizes.most_common())
    return (f"The invocations ran at several memory sizes: {listed}; the most common one is used.",)


def route_measures(requests: Sequence[Request]) -> tuple[tuple[RouteMeasure, ...], int]:
    """The routes that carry a visible share of the traffic (most first), and how many rarer ones were left out."""
    counts = Counter(r.route for r in requests if r.route is not None)
    total = sum(counts.values())
    if total < len(requests) / 2:  # most requests name no route: the logs do not describe routes
        return (), 0
    kept = [key for key, n in counts.most_common(MAX_ROUTES) if n >= ROUTE_MIN_SHARE * total]
    durations: dict[str, list[float]] = {key: [] for key in kept}
    for request in requests:
        if request.route in durations and request.duration_ms is not None:
            durations[request.route].append(request.duration_ms)
    measures = tuple(
        RouteMeasure(
            key, counts[key], Percentiles.of(durations[key]) if len(durations[key]) >= ROUTE_MIN_DURATIONS else None
        )
        for key in kept
    )
    return measures, len(counts) - len(kept)


def peak_concurrency(requests: Sequence[Request]) -> int:
    """Most requests in flight at once (each from its arrival to its end, INIT included)."""
    in_flight: list[float] = []
    peak = 0
    for request in requests:
        while in_flight and in_flight[0] <= request.start_s:
            heapq.heappop(in_flight)
        heapq.heappush(in_flight, request.end_s)
        peak = max(peak, len(in_flight))
    return peak


def idle_gaps(requests: Sequence[Request]) -> tuple[list[float], list[float]]:
    """Idle gaps (s) before warm and before cold starts, for arrivals that found nothing in flight.

    With nothing in flight, the environment that finished last is the one a warm start would
    reuse (Lambda reuses the most recently used): the arrival is cold when it has been reaped.
    """
    warm: list[float] = []
    cold: list[float] = []
    last_end = -math.inf
    for request in requests:
        if request.start_s >= last_end and last_end > -math.inf:
            (cold if request.init_ms is not None else warm).append(request.start_s - last_end)
        last_end = max(last_end, request.end_s)
    return warm, cold


def estimate_keep_alive(requests: Sequence[Request], min_samples: int = 3) -> KeepAliveEstimate | None:
    """The idle time that best separates gaps followed by warm starts from those followed by cold ones."""
    warm, cold = idle_gaps(requests)
    if len(warm) < min_samples or len(cold) < min_samples:
        return None
    labelled = sorted([(gap, 0) for gap in warm] + [(gap, 1) for gap in cold])
    # misclassified if the split falls at k: warm gaps at or after k plus cold gaps before k
    errors = len(warm)
    best, best_k = errors, 0
    for k, (_, is_cold) in enumerate(labelled, start=1):
        errors += 1 if is_cold else -1
        if errors < best:
            best, best_k = errors, k
    lower = labelled[best_k - 1][0] if best_k > 0 else 0.0
    upper = labelled[best_k][0] if best_k < len(labelled) else lower
    return KeepAliveEstimate((lower + upper) / 2.0, lower, upper, len(warm), len(cold))
