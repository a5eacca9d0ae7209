"""The check: simulate the imported profile on the same window and set measured beside simulated.

Where the two disagree beyond both the replication noise and a tolerance per metric, the
check names the likely cause; for cold starts it reads the keep-alive from the idle gaps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from archsel.evaluate.runner import ArchitectureResult, PricedRun, run_simulations
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.figures import FargateFigures, LambdaFigures
from archsel.telemetry.measure import Measured

DEFAULT_KEEP_ALIVE_S = (300.0, 420.0)

# Relative differences within these are agreement: the rates are replayed exactly (Poisson noise
# only), durations go through a lognormal fitted to two percentiles, and cold starts and peak
# concurrency are rare, noisy counts.
TOLERANCE = {
    "requests": 0.02,
    "mean_rps": 0.02,
    "peak_rps": 0.10,
    "duration_ms.p50": 0.10,
    "duration_ms.p95": 0.10,
    "duration_ms.p99": 0.20,
    "cold_start_ratio": 0.15,
    "peak_concurrency": 0.25,
}


@dataclass(frozen=True, slots=True)
class Check:
    """One metric measured and simulated; ``error`` is (simulated - measured) / measured."""

    metric: str
    measured: float | None
    simulated: float
    half_width: float = 0.0
    """95% half-width of the simulated value over the replications."""

    @property
    def error(self) -> float | None:
        """Relative difference (None when nothing was measured to compare with)."""
        if self.measured is None or self.measured == 0:
            return None
        return (self.simulated - self.measured) / self.measured

    @property
    def disagrees(self) -> bool:
        """Off by more than the metric's tolerance and the replication noise."""
        tolerance = TOLERANCE.get(self.metric)
        if tolerance is None or self.error is None or self.measured is None:
            return False
        return abs(self.error) > tolerance and abs(self.simulated - self.measured) > self.half_width


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Measured beside simulated, the likely causes of the disagreements, and what the figures mean."""

    architecture: Architecture
    checks: tuple[Check, ...]
    causes: tuple[str, ...]
    notes: tuple[str, ...]


def check_profile(
    profile: WorkloadProfile, measured: Measured, prices: PriceTable, *, seed: int | None = None
) -> CheckReport:
    """Simulate ``profile`` (the imported one) and compare with ``measured``."""
    architecture = Architecture.FARGATE if measured.source == "alb" else Architecture.LAMBDA
    report = run_simulations(profile, prices, architectures=(architecture,), seed=seed, record_timeseries=True)
    result = report.results[0]
    checks = tuple(_checks(measured, result))
    return CheckReport(architecture, checks, _causes(checks, measured, profile), _notes(architecture))


def _checks(measured: Measured, result: ArchitectureResult) -> list[Check]:
    def sim(metric: str, value: Callable[[PricedRun], float], observed: float | None) -> Check:
        interval = result.interval(value)
        return Check(metric, observed, interval.mean, interval.half_width)

    durations = measured.duration_ms
    checks = [
        sim("requests", lambda p: float(p.run.requests), measured.requests),
        sim("mean_rps", lambda p: p.run.requests / p.run.simulated_s, measured.mean_rps),
        sim("peak_rps", _peak_minute_rps, measured.peak_rps),
        sim("duration_ms.p50", lambda p: p.run.latency_ms.p50, durations.p50 if durations else None),
        sim("duration_ms.p95", lambda p: p.run.latency_ms.p95, durations.p95 if durations else None),
        sim("duration_ms.p99", lambda p: p.run.latency_ms.p99, durations.p99 if durations else None),
    ]
    if result.architecture == Architecture.LAMBDA:
        checks.append(sim("cold_start_ratio", lambda p: p.run.cold_start_ratio, measured.cold_start_ratio))
        checks.append(sim("peak_concurrency", lambda p: _lambda_figures(p).peak_concurrency, measured.peak_concurrency))
    else:
        checks.append(sim("peak_concurrency", lambda p: _fargate_figures(p).peak_in_system, measured.peak_concurrency))
        checks.append(sim("peak_tasks", lambda p: float(p.run.tasks.max if p.run.tasks else 0), None))
    checks.append(sim("monthly_usd", lambda p: float(p.estimate.monthly_usd), None))
    return checks


def _lambda_figures(priced: PricedRun) -> LambdaFigures:
    figures = priced.run.figures
    assert isinstance(figures, LambdaFigures), "a Lambda check reads a Lambda run"
    return figures


def _fargate_figures(priced: PricedRun) -> FargateFigures:
    figures = priced.run.figures
    assert isinstance(figures, FargateFigures), "a Fargate check reads a Fargate run"
    return figures


def _peak_minute_rps(priced: PricedRun) -> float:
    series = priced.run.timeseries
    if series is None:
        return 0.0
    arrivals = np.asarray(series.column("arrivals"), dtype=np.float64)
    minutes = math.ceil(arrivals.size / 60)
    padded = np.zeros(minutes * 60)
    padded[: arrivals.size] = arrivals
    return float(padded.reshape(minutes, 60).sum(axis=1).max(initial=0.0)) / 60.0


def _notes(architecture: Architecture) -> tuple[str, ...]:
    if architecture == "lambda":
        return (
            "simulated durations are client latencies: the handler time plus API Gateway's few milliseconds "
            "and, on a cold start, the INIT",
        )
    return ("simulated durations are the time a request spends in the service (queueing included)",)


def _causes(checks: tuple[Check, ...], measured: Measured, profile: WorkloadProfile) -> tuple[str, ...]:
    causes = []
    for check in checks:
        if check.disagrees:
            cause = _cause(check, measured, profile)
            causes.append(f"{check.metric}: simulated {check.simulated:.4g} vs measured {check.measured:.4g}; {cause}")
    return tuple(causes)


def _cause(check: Check, measured: Measured, profile: WorkloadProfile) -> str:
    if check.metric == "cold_start_ratio":
        return _cold_start_cause(check, measured)
    if check.metric.startswith("duration_ms"):
        return (
            "the lognormal fitted to p50/p95 misses the measured tail, or durations change with load "
            "(give the route a distribution of its own, or check cpu_fraction)"
        )
    if check.metric == "peak_concurrency":
        return "durations grow at peak (contention downstream) or arrivals cluster within the minute more than Poisson"
    if check.metric == "peak_rps":
        return "arrivals within the busiest minute are burstier than the trace's per-minute resolution shows"
    return "the window has gaps or overlapping files (check the first and last minutes of the trace)"


def _cold_start_cause(check: Check, measured: Measured) -> str:
    keep = measured.keep_alive
    more = (check.error or 0.0) > 0
    if keep is not None and not DEFAULT_KEEP_ALIVE_S[0] <= keep.estimate_s <= DEFAULT_KEEP_ALIVE_S[1]:
        return (
            f"keep-alive differs from the default 300-420 s: idle gaps put it near {keep.estimate_s:.0f} s "
            f"(warm after up to {keep.warm_max_gap_s:.0f} s, cold after {keep.cold_min_gap_s:.0f} s); "
            f"set lambda.keep_alive_s: {{fixed: {keep.estimate_s:.0f}}}"
        )
    if more:
        return "provisioned concurrency or a warmer keeps environments alive that the profile does not have"
    return "deployments, configuration changes or scaling across several functions started environments the profile does not see"
