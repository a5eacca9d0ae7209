"""Renders `archsel simulate` results: the stable JSON, a Rich side-by-side table, markdown, CSV series."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, TextIO

from archsel.billing.usage import LambdaUsage, RouteUsage
from archsel.cost.components import to_usd
from archsel.evaluate.runner import (
    ArchitectureResult,
    Interval,
    PricedRun,
    SimulationReport,
    mean_usage,
)
from archsel.profile.units import format_duration
from archsel.sim.result import RouteStats, SimRun
from archsel.views.common import console_for, fmt_number, write_json
from archsel.views.design_note import BASIS_NOTE, design_label, designs_document
from archsel.views.layout import NOT_APPLICABLE, fit_columns, plural


def simulation_document(report: SimulationReport) -> dict[str, Any]:
    """The `archsel simulate --format json` document."""
    return {
        "profile": report.profile.name,
        "region": report.profile.region,
        "seed": report.seed,
        "pricing_as_of": report.prices.as_of.isoformat(),
        "horizon_s": report.horizon_s,
        "warmup_s": report.warmup_s,
        "replications": report.profile.simulation.replications,
        "scaled_to_month": {
            "hours_per_month": report.profile.pricing.hours_per_month,
            "factor": round(report.profile.seconds_per_month / report.horizon_s, 6),
        },
        "results": [result_document(result) for result in report.results],
        "designs": designs_document(report.profile, (result.architecture for result in report.results)),
    }


def result_document(result: ArchitectureResult) -> dict[str, Any]:
    """One architecture's figures: means over replications, with 95% intervals for the key ones."""
    from archsel.cost.engine import estimate_document

    first = result.first.run
    document: dict[str, Any] = {
        "architecture": result.architecture,
        "model": first.model,
        **({"model_reason": first.model_reason} if first.model_reason else {}),
        "requests": round(result.interval(lambda p: p.run.requests).mean),
        "simulated_s": first.simulated_s,
        "cold_starts": round(result.interval(lambda p: p.run.cold_starts).mean),
        "cold_start_ratio": _round(result.interval(lambda p: p.run.cold_start_ratio).mean),
        "throttled": round(result.interval(lambda p: p.run.throttled).mean),
        "timeouts": round(result.interval(lambda p: p.run.timeouts).mean),
        "shed": round(result.interval(lambda p: p.run.shed).mean),
        "errors": round(result.interval(lambda p: p.run.errors).mean),
        "error_ratio": _round(result.interval(lambda p: p.run.error_ratio).mean),
        "latency_ms": _latency(result),
        "monthly_usd": to_usd(result.estimate.monthly_usd),
        "always_on_usd": to_usd(result.estimate.always_on_usd),
        "usage_usd": to_usd(result.estimate.usage_usd),
        "components": estimate_document(result.estimate)["components"],
        "interval95": _intervals(result),
        "figures": {name: _round(value) for name, value in sorted(_mean_figures(result).items())},
    }
    if first.instances is not None:
        document["instances"] = _instances(result)
    if first.routes:
        document["routes"] = routes_document(result)
    if first.ec2_instances is not None:
        document["ec2_instances"] = _ec2_instances(result)
    if first.tasks is not None or first.ec2_instances is not None:
        if first.tasks is not None:
            document["tasks"] = _tasks(result)
        document["scaling_events"] = [
            {"time": event.time_s, "from": event.from_tasks, "to": event.to_tasks, "reason": event.reason}
            for event in first.scaling_events
        ]
    return document


def routes_document(result: ArchitectureResult) -> list[dict[str, Any]]:
    """Per-route figures (means over replications) and each route's share of the Lambda + API bill.

    Requests, GB-s and monthly_usd add up over routes to the run's totals and to the Lambda and
    API Gateway lines of the estimate.
    """
    from archsel.cost.route_cost import route_costs

    usage = mean_usage([priced.run.usage for priced in result.replications])
    costs = route_costs(result.estimate, usage) if isinstance(usage, LambdaUsage) else ()
    routes = usage.routes if isinstance(usage, LambdaUsage) else ()
    rows = []
    for index, stats in enumerate(result.first.run.routes):

        def mean(value: Callable[[RouteStats], float], index: int = index) -> float:
            return result.interval(lambda p: value(p.run.routes[index])).mean

        rows.append(
            {
                "route": stats.route,
                "function": stats.function,
                "memory_mb": stats.memory_mb,
                "requests": round(mean(lambda r: r.requests)),
                "cold_start_ratio": _round(mean(lambda r: r.cold_start_ratio)),
                "throttled": round(mean(lambda r: r.throttled)),
                "errors": round(mean(lambda r: r.errors)),
                "latency_ms": {q: _round(mean(attrgetter(f"latency_ms.{q}")), 3) for q in ("p50", "p95", "p99")},
                "gb_seconds": _round(_invocation_gb_s(routes[index]), 3) if routes else 0.0,
                "monthly_usd": to_usd(costs[index].monthly_usd) if costs else 0.0,
            }
        )
    return rows


def _invocation_gb_s(route: RouteUsage) -> float:
    """GB-s the route's invocations billed: on-demand, INIT and on provisioned environments."""
    return route.ondemand_gb_seconds + route.init_gb_seconds + route.provisioned_duration_gb_seconds


ROUTE_HEADERS = ("route", "function", "MB", "requests", "cold starts", "throttled", "p50 / p99 ms", "USD/month")


def route_rows(result: ArchitectureResult) -> list[list[str]]:
    """The per-route table (text cells), from `routes_document`."""
    return [
        [
            row["route"],
            row["function"],
            str(row["memory_mb"]),
            fmt_number(row["requests"]),
            f"{100 * row['cold_start_ratio']:.2f}%",
            fmt_number(row["throttled"]),
            f"{fmt_number(row['latency_ms']['p50'])} / {fmt_number(row['latency_ms']['p99'])}",
            f"{row['monthly_usd']:,.2f}",
        ]
        for row in routes_document(result)
    ]


def _round(value: float, digits: int = 6) -> float:
    return round(float(value), digits)


def _latency(result: ArchitectureResult) -> dict[str, float]:
    names = ("mean", "p50", "p95", "p99", "p999", "max")
    return {name: _round(result.interval(attrgetter(f"run.latency_ms.{name}")).mean, 3) for name in names}


def _instances(result: ArchitectureResult) -> dict[str, float]:
    def of(priced: PricedRun, name: str) -> float:
        assert priced.run.instances is not None
        return float(getattr(priced.run.instances, name))

    names = ("mean", "max", "mean_busy", "mean_idle")
    values = {name: _round(result.interval(attrgetter(f"run.instances.{name}")).mean, 4) for name in names}
    values["max"] = max(of(priced, "max") for priced in result.replications)
    return values


def _ec2_instances(result: ArchitectureResult) -> dict[str, float]:
    runs = [priced.run.ec2_instances for priced in result.replications if priced.run.ec2_instances is not None]
    return {
        "mean": _round(sum(stats.mean for stats in runs) / len(runs), 4),
        "min": min(stats.min for stats in runs),
        "max": max(stats.max for stats in runs),
    }


def _tasks(result: ArchitectureResult) -> dict[str, float]:
    runs = [priced.run.tasks for priced in result.replications if priced.run.tasks is not None]
    return {
        "mean": _round(sum(tasks.mean for tasks in runs) / len(runs), 4),
        "min": min(tasks.min for tasks in runs),
        "max": max(tasks.max for tasks in runs),
    }


def _figure(priced: PricedRun, name: str) -> float:
    return dict(priced.run.figures.items())[name]


def _mean_figures(result: ArchitectureResult) -> dict[str, float]:
    names = sorted({name for priced in result.replications for name, _ in priced.run.figures.items()})
    return {name: result.interval(partial(_figure, name=name)).mean for name in names}


def _intervals(result: ArchitectureResult) -> dict[str, list[float]]:
    chosen = {
        "monthly_usd": result.monthly_usd(),
        "p99_ms": result.interval(lambda p: p.run.latency_ms.p99),
        "cold_start_ratio": result.interval(lambda p: p.run.cold_start_ratio),
        "error_ratio": result.interval(lambda p: p.run.error_ratio),
    }
    return {name: [_round(interval.low), _round(interval.high)] for name, interval in chosen.items()}


def _with_interval(interval: Interval, text: str) -> str:
    if interval.half_width == 0:
        return text
    return f"{text} ± {fmt_number(interval.half_width)}"


def _rows(result: ArchitectureResult) -> list[tuple[str, str]]:
    run: SimRun = result.first.run
    rows = [
        ("Model", run.model),
        ("Requests (simulated window)", fmt_number(result.interval(lambda p: p.run.requests).mean)),
        ("Latency p50 / p95 / p99 (ms)", " / ".join(
            fmt_number(result.interval(attrgetter(f"run.latency_ms.{q}")).mean) for q in ("p50", "p95", "p99")
        )),
        ("p99 (ms, 95% interval)", _with_interval(result.interval(lambda p: p.run.latency_ms.p99),
                                                   fmt_number(result.interval(lambda p: p.run.latency_ms.p99).mean))),
        ("Errors", f"{fmt_number(100 * result.interval(lambda p: p.run.error_ratio).mean, 3)}% "
                   f"(throttled {fmt_number(result.interval(lambda p: p.run.throttled).mean)}, "
                   f"timeouts {fmt_number(result.interval(lambda p: p.run.timeouts).mean)}, "
                   f"shed {fmt_number(result.interval(lambda p: p.run.shed).mean)})"),
    ]  # fmt: skip
    if run.instances is not None:
        rows.append(("Cold starts", f"{fmt_number(100 * result.interval(lambda p: p.run.cold_start_ratio).mean, 3)}%"))
        rows.append(("Environments mean / max", f"{fmt_number(_instances(result)['mean'])} / "
                                                 f"{fmt_number(_instances(result)['max'])}"))  # fmt: skip
    if run.ec2_instances is not None:
        ec2 = _ec2_instances(result)
        rows.append(
            (
                "EC2 instances mean / min / max",
                f"{fmt_number(ec2['mean'])} / {fmt_number(ec2['min'])} / {fmt_number(ec2['max'])}",
            )
        )
        rows.append(("Scaling events", str(len(run.scaling_events))))
    if run.tasks is not None:
        tasks = _tasks(result)
        rows.append(
            (
                "Tasks mean / min / max",
                f"{fmt_number(tasks['mean'])} / {fmt_number(tasks['min'])} / {fmt_number(tasks['max'])}",
            )
        )
        rows.append(("Scaling events", str(len(run.scaling_events))))
    rows.append(
        ("Monthly cost (USD)", _with_interval(result.monthly_usd(), f"{to_usd(result.estimate.monthly_usd):,.2f}"))
    )
    rows.append(("  always-on / usage-based", f"{to_usd(result.estimate.always_on_usd):,.2f} / "
                                              f"{to_usd(result.estimate.usage_usd):,.2f}"))  # fmt: skip
    return rows


def render_simulation(report: SimulationReport, *, fmt: str, stream: TextIO) -> None:
    """Write the simulation report to ``stream`` in the chosen format (table, json or markdown)."""
    if fmt == "json":
        write_json(simulation_document(report), stream)
        return
    names = [result.architecture for result in report.results]
    table_rows = [
        ("Design", [design_label(report.profile, result.architecture) for result in report.results]),
        *_merge_rows([_rows(result) for result in report.results]),
    ]
    horizon = format_duration(report.horizon_s)
    title = (
        f"{report.profile.name}: {horizon} simulated (after {format_duration(report.warmup_s)} warm-up), "
        f"{plural(report.profile.simulation.replications, 'replication')}, seed {report.seed}; "
        f"costs scaled to a {report.profile.pricing.hours_per_month:g}-hour month, "
        f"{report.profile.region} prices of {report.prices.as_of.isoformat()}"
    )
    routed = [result for result in report.results if result.first.run.routes]
    if fmt == "markdown":
        lines = [f"### {title}", "", "| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in table_rows]
        lines += ["", f"- {BASIS_NOTE}"]
        lines += ["", *model_notes(report)] if model_notes(report) else []
        for result in routed:
            lines += ["", "| " + " | ".join(ROUTE_HEADERS) + " |", "|---" * len(ROUTE_HEADERS) + "|"]
            lines += ["| " + " | ".join(row) + " |" for row in route_rows(result)]
        stream.write("\n".join(lines) + "\n")
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("")
    for name in names:
        table.add_column(name, justify="right")
    for label, values in table_rows:
        table.add_row(label, *values)
    console = console_for(stream)
    fit_columns(table, console.width)
    console.print(table)
    console.print(BASIS_NOTE, markup=False)
    for note in model_notes(report):
        console.print(note, markup=False)
    for result in routed:
        layout = report.profile.lambda_.layout
        routes = Table(title=f"Lambda by route (layout {layout})", title_justify="left")
        for header in ROUTE_HEADERS:
            routes.add_column(header, justify="left" if header in {"route", "function"} else "right")
        for row in route_rows(result):
            routes.add_row(*row)
        fit_columns(routes, console.width)
        console.print(routes)


def model_notes(report: SimulationReport) -> list[str]:
    """One line per architecture the aggregate model simulated, saying why."""
    return [
        f"{result.architecture}: aggregate model ({result.first.run.model_reason})"
        for result in report.results
        if result.first.run.model != "exact"
    ]


def _merge_rows(per_arch: list[list[tuple[str, str]]]) -> list[tuple[str, list[str]]]:
    labels: list[str] = []
    for rows in per_arch:
        labels += [label for label, _ in rows if label not in labels]
    merged = []
    for label in labels:
        merged.append((label, [dict(rows).get(label, NOT_APPLICABLE) for rows in per_arch]))
    return merged


def write_timeseries(report: SimulationReport, path: Path) -> None:
    """Per-second series of the first replication of each architecture as one CSV (time_s, arch.column...)."""
    series = [(r.architecture, r.first.run.timeseries) for r in report.results if r.first.run.timeseries is not None]
    if not series:
        return
    length = min(len(values) for _, ts in series if ts is not None for _, values in ts.columns)
    named = [(f"{arch}.{name}", values) for arch, ts in series if ts is not None for name, values in ts.columns]
    named = [(name, values) for name, values in named if not name.endswith(".time_s")]  # one shared time column
    header = ["time_s"] + [name for name, _ in named]
    columns = [values for _, values in named]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for second in range(length):
            writer.writerow([second, *(_cell(column[second]) for column in columns)])


def _cell(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.6g}"
