"""Writes the imported profile (every derived field with a comment saying where it came from) and its trace CSV."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from archsel.profile.performance import lambda_duration_factor
from archsel.telemetry.measure import Measured, Percentiles, RouteMeasure

DEFAULT_MEMORY_MB = 1024
DEFAULT_CPU_FRACTION = 0.5
REPLICATIONS = 3
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """Where and under which name to write an imported profile."""

    out: Path
    name: str | None = None
    region: str = "us-east-1"
    shape: str = "trace"
    """trace: replay the per-minute counts; fit: a daily (diurnal) shape fitted to them."""


@dataclass(frozen=True, slots=True)
class WrittenProfile:
    """The files an import wrote."""

    profile_path: Path
    trace_path: Path
    memory_mb: int
    cpu_fraction: float
    duration_factor: float


def trace_path_for(out: Path) -> Path:
    """The per-minute trace CSV written beside the profile."""
    return out.with_name(f"{out.stem}.trace.csv")


def write_profile(measured: Measured, request: WriteRequest) -> WrittenProfile:
    """Write the profile and its trace; the caller loads the profile back to validate it."""
    out = request.out
    trace = trace_path_for(out)
    memory = _memory(measured)
    factor = lambda_duration_factor(memory, DEFAULT_CPU_FRACTION) if measured.source != "alb" else 1.0
    out.parent.mkdir(parents=True, exist_ok=True)
    trace.write_text("minute,count\n" + "".join(f"{i},{c:g}\n" for i, c in enumerate(measured.minute_counts)))
    out.write_text(profile_text(measured, request, trace.name, memory, factor))
    return WrittenProfile(out, trace, memory, DEFAULT_CPU_FRACTION, factor)


def profile_name(measured: Measured, request: WriteRequest) -> str:
    """A valid profile name from --function or the file name."""
    raw = request.name or request.out.stem
    cleaned = _NAME.sub("-", raw).strip("-._")
    return cleaned or "imported"


def _memory(measured: Measured) -> int:
    memory = measured.memory_mb or DEFAULT_MEMORY_MB
    return min(max(int(memory), 128), 10_240)


def profile_text(measured: Measured, request: WriteRequest, trace_name: str, memory: int, factor: float) -> str:
    """The profile's YAML text."""
    lines = [*_header(measured), "version: 1", f"name: {profile_name(measured, request)}", f"region: {request.region}"]
    lines += _fitted_traffic(measured) if request.shape == "fit" else _traffic(measured, trace_name)
    lines += _request(measured, memory, factor)
    lines += _lambda(measured, memory)
    lines += _simulation(measured)
    return "\n".join(lines) + "\n"


def _header(measured: Measured) -> list[str]:
    start = _when(measured.start_s)
    end = _when(measured.start_s + measured.window_s)
    header = [
        f"# Imported by `archsel import` from {measured.origin}.",
        f"# Window: {start} .. {end} UTC ({len(measured.minute_counts):,} minutes). Only times, durations,",
        "# sizes, status classes and route keys were read; nothing of a request's content is kept.",
    ]
    if measured.error_ratio is not None:
        header.append(f"# Measured error ratio: {measured.error_ratio:.4%} of {measured.requests:,.0f} requests.")
    header += [f"# {note}" for note in measured.notes]
    return header


def _traffic(measured: Measured, trace_name: str) -> list[str]:
    return [
        "traffic:",
        f"  # per-minute counts of the {measured.requests:,.0f} requests in the window "
        f"(mean {measured.mean_rps:.3g} req/s, peak minute {measured.peak_rps:.3g} req/s)",
        "  shape: trace",
        f"  trace: {trace_name}",
    ]


def hourly_rates(measured: Measured) -> list[float]:
    """Mean req/s in each hour of the day (UTC) over the window; 0 for hours the window never saw."""
    totals, minutes = [0.0] * 24, [0] * 24
    for index, count in enumerate(measured.minute_counts):
        hour = int((measured.start_s + 60.0 * index) % 86_400.0 // 3_600.0)
        totals[hour] += count
        minutes[hour] += 1
    return [total / (60.0 * seen) if seen else 0.0 for total, seen in zip(totals, minutes, strict=True)]


def _fitted_traffic(measured: Measured) -> list[str]:
    """A daily shape: the window's mean rate, the busiest hour's mean rate and that hour (``--shape fit``).

    The diurnal curve is fitted by its three parameters, not by least squares: it keeps the mean
    (what the bill follows) and the busiest hour (what capacity follows); bursts within the hour
    and weekly patterns are not carried over (the per-minute trace beside the profile keeps them).
    """
    rates = hourly_rates(measured)
    peak_hour = max(range(24), key=lambda hour: rates[hour])
    peak = rates[peak_hour]
    comment = (
        f"  # fitted to {measured.requests:,.0f} requests: mean {measured.mean_rps:.3g} req/s, busiest hour "
        f"{peak_hour:02d}:00 UTC at {peak:.3g} req/s (per-minute counts in the trace CSV beside this file)"
    )
    if peak <= measured.mean_rps * 1.05:  # no daily cycle to speak of
        return ["traffic:", comment, "  shape: constant", f"  mean_rps: {_round(measured.mean_rps)}"]
    return [
        "traffic:",
        comment,
        "  shape: diurnal",
        f"  mean_rps: {_round(measured.mean_rps)}",
        f"  peak_rps: {_round(peak)}",
        f'  peak_hour_utc: "{peak_hour:02d}:30"',
    ]


def _request(measured: Measured, memory: int, factor: float) -> list[str]:
    lines = ["request:"]
    durations = measured.duration_ms
    if durations is not None:
        lines.append(f"  # {_fit_comment(durations, measured, memory, factor)}")
        lines.append(f"  duration_ms: {_distribution(durations, factor)}")
    lines.append(
        "  # default: logs at one memory size cannot split CPU time from waiting (share of the time that scales with vCPU)"
    )
    lines.append(f"  cpu_fraction: {DEFAULT_CPU_FRACTION}")
    if measured.response_kb is not None:
        lines.append("  # mean response size in the access logs")
        lines.append(f"  response_kb: {measured.response_kb:.3g}")
    lines += _routes(measured, factor)
    return lines


def _fit_comment(durations: Percentiles, measured: Measured, memory: int, factor: float) -> str:
    measured_at = f"p50 {durations.p50:.4g} ms, p95 {durations.p95:.4g} ms"
    if measured.source == "alb":
        return (
            f"lognormal fitted to p50/p95 of {durations.count:,} ALB target times ({measured_at}), taken as at 1 vCPU"
        )
    return (
        f"lognormal fitted to p50/p95 of {durations.count:,} durations at {memory:,} MB ({measured_at}), "
        f"divided by {factor:.4g}: the slowdown of {memory:,} MB at cpu_fraction {DEFAULT_CPU_FRACTION} "
        "(profile durations are at 1 vCPU)"
    )


def _routes(measured: Measured, factor: float) -> list[str]:
    if not measured.routes:
        return []
    covered = sum(route.requests for route in measured.routes)
    lines = [
        "  routes:",
        f"    # {len(measured.routes)} routes named by the logs, {covered:,} requests"
        + (
            f"; {measured.routes_left_out} rarer routes left out (shares normalised)"
            if measured.routes_left_out
            else ""
        ),
    ]
    lines += [f"    - {_route(route, covered, factor)}" for route in measured.routes]
    return lines


def _route(route: RouteMeasure, covered: int, factor: float) -> str:
    fields = [f"method: {route.method}", f"path: {json.dumps(route.path)}", f"share: {route.requests / covered:.6g}"]
    if route.durations is not None:
        fields.append(f"duration_ms: {_distribution(route.durations, factor)}")
    return "{" + ", ".join(fields) + "}" + f"  # {route.requests:,} requests"


def _lambda(measured: Measured, memory: int) -> list[str]:
    lines = ["lambda:"]
    if measured.memory_mb is not None:
        lines.append(f"  # {measured.memory_from}")
    else:
        lines.append(f"  # not in these logs: the default {DEFAULT_MEMORY_MB} MB (give --memory-mb)")
    lines.append(f"  memory_mb: {memory}")
    if measured.memory_used_mb is not None:
        lines.append(f"  # Max Memory Used peaked at {measured.memory_used_mb:.4g} MB of {memory:,} MB")
    init = measured.init_ms
    if init is not None:
        lines.append(
            f"  # lognormal fitted to p50/p95 of {init.count:,} Init Duration values "
            f"(mean {init.mean:.4g} ms, p50 {init.p50:.4g} ms, p95 {init.p95:.4g} ms)"
        )
        lines.append(f"  cold_start_ms: {_distribution(init, 1.0)}")
    keep = measured.keep_alive
    if keep is not None:
        lines.append(
            f"  # idle gaps suggest a keep-alive near {keep.estimate_s:.0f} s (warm after up to {keep.warm_max_gap_s:.0f} s, "
            f"cold after {keep.cold_min_gap_s:.0f} s; {keep.warm_samples} warm, {keep.cold_samples} cold samples);"
        )
        lines.append(
            "  # the default (uniform 300-420 s) is kept: set keep_alive_s if the check's cold starts disagree"
        )
    return lines if len(lines) > 1 else []


def _simulation(measured: Measured) -> list[str]:
    # the warm-up replays the end of the window (10 minutes, or half of a shorter window)
    warmup = min(600.0, measured.window_s / 2)
    return [
        "simulation:",
        "  # one replay of the imported window; the warm-up replays its end",
        f"  horizon: {measured.window_s:.0f}s",
        f"  warmup: {warmup:.0f}s",
        f"  replications: {REPLICATIONS}",
    ]


def _distribution(values: Percentiles, factor: float) -> str:
    p50, p95 = values.p50 / factor, values.p95 / factor
    if p50 <= 0:
        return f"{{fixed: {_round(max(values.mean / factor, 0.001))}}}"
    if p95 <= p50:
        return f"{{fixed: {_round(p50)}}}"
    return f"{{distribution: lognormal, p50: {_round(p50)}, p95: {_round(p95)}}}"


def _round(value: float) -> str:
    return f"{value:.6g}"


def _when(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%d %H:%M")
