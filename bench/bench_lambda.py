"""Benchmark of the Lambda simulator: simulated requests per second, wall time, peak memory.

    python3 bench/bench_lambda.py            # rates 1-1,000 req/s, shipped scenarios, month at 1,000 req/s
    python3 bench/bench_lambda.py --full     # also the exact 2-day run at 1,000 req/s to compare the month with
    python3 bench/bench_lambda.py --quick    # 1M requests per rate, month at 100 req/s

Throughput counts every simulated request, warm-up included; "measured" counts those after it.
Peak memory is tracemalloc's peak of Python and numpy allocations during the run (the compiled
kernel allocates nothing). Results also go to bench/results/lambda.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archsel.billing.usage import LambdaUsage  # noqa: E402
from archsel.profile.loader import load_profile, parse_profile  # noqa: E402
from archsel.profile.schema import WorkloadProfile  # noqa: E402
from archsel.sim.lambda_.model import simulate_lambda  # noqa: E402
from archsel.sim.lambda_.month import simulate_lambda_month  # noqa: E402
from archsel.sim.result import SimOptions, SimRun  # noqa: E402

WARMUP_S = 600.0
DAY = 86_400.0
# us-east-1 list prices (https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/api-gateway/pricing/)
# for a comparable cost figure; the project's cost engine prices for real
PRICES = {"request": 0.20e-6, "gb_second": 0.0000166667, "http_request": 1.00e-6}


def _constant(rate: float) -> WorkloadProfile:
    return parse_profile(f"version: 1\nname: bench-{rate:g}\ntraffic: {{mean_rps: {rate}}}\n")


def _measure(work: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """(result, wall s, CPU s, peak MB) of one call."""
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result, wall, cpu, peak


def compile_times() -> dict[str, float]:
    """First call in a fresh process with an empty numba cache, then with the cache filled."""
    code = (
        "import time, numpy as np; t = time.perf_counter();"
        "from archsel.profile.loader import parse_profile; from archsel.sim.result import SimOptions;"
        "from archsel.sim.lambda_.model import simulate_lambda;"
        "p = parse_profile('version: 1\\nname: c\\ntraffic: {mean_rps: 1}\\n');"
        "simulate_lambda(p, rng=np.random.default_rng(1), options=SimOptions(horizon_s=60, warmup_s=0));"
        "print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        runs = [float(subprocess.check_output([sys.executable, "-c", code], env=env, text=True)) for _ in range(2)]
    return {"first_call_empty_cache_s": runs[0], "first_call_cached_s": runs[1]}


def rate_case(rate: float, requests: int) -> dict[str, float]:
    horizon = max(60.0, requests / rate)
    options = SimOptions(horizon_s=horizon, warmup_s=WARMUP_S)
    run, wall, cpu, peak = _measure(
        lambda: simulate_lambda(_constant(rate), rng=np.random.default_rng(1), options=options)
    )
    simulated = run.requests * (horizon + WARMUP_S) / horizon
    return {
        "rate_rps": rate,
        "measured_requests": run.requests,
        "simulated_requests": round(simulated),
        "wall_s": wall,
        "cpu_s": cpu,
        "requests_per_wall_s": simulated / wall,
        "requests_per_cpu_s": simulated / cpu,
        "peak_mb": peak,
        "cold_start_ratio": run.cold_start_ratio,
    }


def scenario_cases() -> list[dict[str, float | str]]:
    cases: list[dict[str, float | str]] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        profile = load_profile(path)
        options = SimOptions(horizon_s=DAY, warmup_s=profile.simulation.warmup)
        run, wall, _, peak = _measure(
            lambda p=profile, o=options: simulate_lambda(p, rng=np.random.default_rng(1), options=o)
        )
        cases.append({"scenario": path.stem, "requests": run.requests, "wall_s": wall, "peak_mb": peak})
    return cases


def _cost(run: SimRun) -> float:
    usage = run.usage
    assert isinstance(usage, LambdaUsage)
    return (
        usage.invocations * PRICES["request"]
        + (usage.ondemand_gb_seconds + usage.init_gb_seconds) * PRICES["gb_second"]
        + usage.api_metered_requests * PRICES["http_request"]
    )


def month_case(rate: float, *, compare_days: int) -> dict[str, float]:
    profile = _constant(rate)
    month, wall, cpu, peak = _measure(
        lambda: simulate_lambda_month(profile, rng=np.random.default_rng(1), warmup_s=WARMUP_S)
    )
    result: dict[str, float] = {
        "rate_rps": rate,
        "month_requests": month.month.requests,
        "day_types": len(month.days),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mb": peak,
        "cold_start_ratio": month.month.cold_start_ratio,
        "p99_ms": month.month.latency_ms.p99,
        "monthly_cost_usd": _cost(month.month),
    }
    if compare_days:
        options = SimOptions(horizon_s=compare_days * DAY, warmup_s=WARMUP_S)
        exact, exact_wall, _, _ = _measure(
            lambda: simulate_lambda(profile, rng=np.random.default_rng(1), options=options)
        )
        result |= {
            "exact_days": compare_days,
            "exact_wall_s": exact_wall,
            "exact_cold_start_ratio": exact.cold_start_ratio,
            "exact_p99_ms": exact.latency_ms.p99,
            "exact_monthly_cost_usd": _cost(exact),
            "cost_rel_diff": _cost(month.month) / _cost(exact) - 1,
            "cold_start_ratio_rel_diff": month.month.cold_start_ratio / exact.cold_start_ratio - 1,
            "p99_rel_diff": month.month.latency_ms.p99 / exact.latency_ms.p99 - 1,
        }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1M requests per rate; month at 100 req/s")
    parser.add_argument("--full", action="store_true", help="compare the month with an exact 2-day run at 1,000 req/s")
    args = parser.parse_args(argv)
    requests = 1_000_000 if args.quick else 3_000_000
    simulate_lambda(_constant(1), rng=np.random.default_rng(0), options=SimOptions(horizon_s=60, warmup_s=0))  # load
    results: dict[str, Any] = {"compile": compile_times()}
    print(f"compile: {results['compile']}")
    results["rates"] = []
    for rate in (1.0, 10.0, 100.0, 1_000.0):
        case = rate_case(rate, requests)
        results["rates"].append(case)
        print(
            f"{rate:>6g} req/s: {case['simulated_requests']:>10,} requests  {case['wall_s']:6.2f} s wall  "
            f"{case['requests_per_wall_s'] / 1e6:5.2f} M req/s wall  {case['requests_per_cpu_s'] / 1e6:5.2f} M req/s CPU  "
            f"peak {case['peak_mb']:6.1f} MB"
        )
    results["scenarios"] = scenario_cases()
    for case in results["scenarios"]:
        print(f"scenario {case['scenario']}: one day, {case['requests']:,} requests in {case['wall_s']:.2f} s")
    month_rate = 100.0 if args.quick else 1_000.0
    results["month"] = month_case(month_rate, compare_days=2 if (args.full or args.quick) else 0)
    print("month:", json.dumps(results["month"], indent=1))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lambda.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
