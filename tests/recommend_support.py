"""Recommend JSON documents for scaffold tests: every key `archsel recommend --format json` writes, figures made up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def result_document(architecture: str, usd: float) -> dict[str, Any]:
    """A simulate result as recommend writes it (made-up figures; every required key present)."""
    return {
        "architecture": architecture,
        "requests": 1000,
        "simulated_s": 86400.0,
        "cold_starts": 3,
        "cold_start_ratio": 0.003,
        "throttled": 0,
        "timeouts": 0,
        "shed": 0,
        "errors": 0,
        "error_ratio": 0.0,
        "latency_ms": {"mean": 90.0, "p50": 80.0, "p95": 300.0, "p99": 420.0, "p999": 600.0, "max": 900.0},
        "monthly_usd": usd,
        "always_on_usd": 0.0,
        "usage_usd": usd,
        "components": [],
        "interval95": {
            "monthly_usd": [usd, usd],
            "p99_ms": [400.0, 440.0],
            "cold_start_ratio": [0.002, 0.004],
            "error_ratio": [0.0, 0.0],
        },
        "figures": {},
    }


def candidate_document(
    key: str, architecture: str, description: str, usd: float, workload: dict[str, Any]
) -> dict[str, Any]:
    """One candidate carrying ``workload`` (a profile dumped with mode json, by alias)."""
    return {
        "key": key,
        "architecture": architecture,
        "description": description,
        "settings": {},
        "monthly_usd": usd,
        "monthly_usd_interval": [usd, usd],
        "meets_slos": True,
        "slos": [{"name": "p99_latency_ms", "target": 500.0, "actual": 420.0, "holds": True}],
        "result": result_document(architecture, usd),
        "workload": workload,
    }


def recommend_document(
    candidates: Sequence[dict[str, Any]], choice: dict[str, Any], reasons: Sequence[str], pricing_as_of: str
) -> dict[str, Any]:
    """The whole document: ``choice`` among ``candidates``, each the best of its architecture."""
    return {
        "profile": choice["workload"]["name"],
        "region": "us-east-1",
        "pricing_as_of": pricing_as_of,
        "seed": 1,
        "meets_slos": True,
        "tie": False,
        "choice": choice,
        "best": {candidate["architecture"]: candidate["key"] for candidate in candidates},
        "candidates": list(candidates),
        "pruned": [],
        "screened_out": [],
        "notes": [],
        "reasons": list(reasons),
        "break_even": {"traffic": None, "duration": None},
        "cost_range_usd": {
            "low": choice["monthly_usd"],
            "expected": choice["monthly_usd"],
            "high": choice["monthly_usd"],
            "basis": "95% interval over the replications",
        },
    }
