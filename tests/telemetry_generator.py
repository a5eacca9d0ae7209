"""A reference system for the import tests: known traffic run through its own small Lambda event loop.

It does not use archsel's simulator. Arrivals come from a known rate curve (a daily cycle peaking
at midnight UTC, a quiet midday, one burst), durations and INIT times from lognormals, and the
warm pool follows Lambda's documented behaviour: the most recently used idle environment takes
the next request, an idle environment is reaped after its keep-alive (drawn per idle period),
and an environment is retired once it has lived `max_lifetime_s`. It writes the REPORT lines
CloudWatch would hold, each prefixed by its ISO-8601 timestamp as an export writes it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import heapq
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DAY_S = 86_400
START = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
Z95 = 1.6448536269514722


@dataclass(frozen=True)
class ReferenceSystem:
    """The known truth: traffic, durations at the function's memory, INIT times and keep-alive."""

    peak_rps: float = 3.4
    trough_rps: float = 0.002
    burst_start_s: float = 20 * 3600
    burst_s: float = 600
    burst_multiplier: float = 20.0
    hours: float = 24.0
    duration_p50_ms: float = 120.0
    duration_p95_ms: float = 600.0
    init_p50_ms: float = 250.0
    init_p95_ms: float = 600.0
    keep_alive_s: tuple[float, float] = (300.0, 420.0)
    max_lifetime_s: float = 14_400.0
    memory_mb: int = 1024

    def rate(self, seconds: np.ndarray) -> np.ndarray:
        """Requests per second at each second: a daily cycle peaking at 00:00 UTC, and the burst."""
        cycle = ((1.0 + np.cos(2.0 * np.pi * seconds / DAY_S)) / 2.0) ** 4
        rate = self.trough_rps + self.peak_rps * cycle
        burst = (seconds >= self.burst_start_s) & (seconds < self.burst_start_s + self.burst_s)
        return np.where(burst, rate * self.burst_multiplier, rate)

    @property
    def horizon_s(self) -> int:
        """Length of the generated window."""
        return int(self.hours * 3600)

    def mean_rps(self) -> float:
        """Exact mean rate over the window."""
        return float(self.rate(np.arange(self.horizon_s) + 0.5).mean())

    def peak_minute_rps(self) -> float:
        """Highest per-minute mean rate."""
        per_second = self.rate(np.arange(self.horizon_s) + 0.5)
        return float(per_second.reshape(-1, 60).mean(axis=1).max())

    def duration_quantile(self, q: float) -> float:
        """A quantile of the true duration distribution (ms)."""
        return _lognormal_quantile(self.duration_p50_ms, self.duration_p95_ms, q)

    def init_mean(self) -> float:
        """Mean of the true INIT distribution (ms)."""
        sigma = math.log(self.init_p95_ms / self.init_p50_ms) / Z95
        return self.init_p50_ms * math.exp(sigma**2 / 2)


@dataclass(frozen=True)
class GeneratedLog:
    """The REPORT lines and what the reference system did."""

    lines: list[str]
    requests: int
    cold_starts: int
    init_ms: tuple[float, ...]
    """The INIT durations drawn, one per cold start."""

    @property
    def cold_start_ratio(self) -> float:
        """Share of invocations that were cold."""
        return self.cold_starts / self.requests

    def write(self, path: Path) -> Path:
        """The lines as a gzip file, as an export to S3 leaves them."""
        path.write_bytes(gzip.compress(("\n".join(self.lines) + "\n").encode()))
        return path


def _lognormal_quantile(p50: float, p95: float, q: float) -> float:
    from statistics import NormalDist

    sigma = math.log(p95 / p50) / Z95
    return p50 * math.exp(sigma * NormalDist().inv_cdf(q))


def _lognormal(rng: np.random.Generator, p50: float, p95: float, size: int) -> np.ndarray:
    return rng.lognormal(math.log(p50), math.log(p95 / p50) / Z95, size)


def arrivals(system: ReferenceSystem, rng: np.random.Generator) -> np.ndarray:
    """Poisson arrivals (s from the start): a Poisson count per second, spread uniformly within it."""
    seconds = np.arange(system.horizon_s, dtype=np.float64)
    counts = rng.poisson(system.rate(seconds + 0.5))
    times = np.repeat(seconds, counts) + rng.random(int(counts.sum()))
    return np.sort(times)


def generate(system: ReferenceSystem, seed: int = 7) -> GeneratedLog:
    """Run the reference system and write its REPORT lines (time-ordered, as CloudWatch stores them)."""
    rng = np.random.default_rng(seed)
    times = arrivals(system, rng)
    durations = _lognormal(rng, system.duration_p50_ms, system.duration_p95_ms, times.size)
    inits = _lognormal(rng, system.init_p50_ms, system.init_p95_ms, times.size)
    keep_alive = rng.uniform(*system.keep_alive_s, times.size)
    busy: list[tuple[float, int]] = []  # (end, environment)
    idle: list[tuple[int, float]] = []  # stack of (environment, expiry); the top is the most recently used
    born: list[float] = []
    reports: list[tuple[float, str]] = []
    cold_inits: list[float] = []
    for k, arrival in enumerate(times):
        while busy and busy[0][0] <= arrival:
            end, env = heapq.heappop(busy)
            if end - born[env] < system.max_lifetime_s:  # else retired after this request
                idle.append((env, end + keep_alive[k]))
        env = _take_warm(idle, arrival)
        init = None
        if env is None:
            env, init = len(born), float(inits[k])
            cold_inits.append(init)
            born.append(arrival)
        end = arrival + (durations[k] + (init or 0.0)) / 1000.0
        heapq.heappush(busy, (end, env))
        reports.append((end, _report_line(k, float(durations[k]), init, system.memory_mb, rng)))
    reports.sort()
    lines = [f"{_iso(end)} {text}" for end, text in reports]
    return GeneratedLog(lines, int(times.size), len(cold_inits), tuple(cold_inits))


def _take_warm(idle: list[tuple[int, float]], now: float) -> int | None:
    while idle:
        env, expiry = idle.pop()
        if expiry > now:
            return env
    return None


def _report_line(k: int, duration: float, init: float | None, memory: int, rng: np.random.Generator) -> str:
    used = int(60 + rng.integers(0, 20))
    text = (
        f"REPORT RequestId: {k:08x}-0000-4000-8000-{k:012x}\tDuration: {duration:.2f} ms\t"
        f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB\t"
    )
    if init is not None:
        text += f"Init Duration: {init:.2f} ms\t"
    return text


def _iso(seconds: float) -> str:
    moment = START + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
