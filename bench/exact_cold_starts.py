"""Regenerate tests/validation/exact_cold_starts.json: the exact Lambda model's cold starts over many seeds.

Cold starts come in bursts (one run's count varies by 15-25% from seed to seed), so checking the
aggregate model's cold-start ratio to 10% needs the exact model's mean over ~32 seeds: minutes of
CPU, too slow for a test. This script computes them once; the validation test re-runs a few of
the seeds and fails if they no longer match, i.e. when the exact model changed and this file must
be regenerated:

    PYTHONPATH=$PWD python bench/exact_cold_starts.py   # ~6 min on one core
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archsel.evaluate.runner import simulator_for  # noqa: E402
from archsel.profile.architecture import Architecture  # noqa: E402
from archsel.sim.result import SimOptions  # noqa: E402
from tests.validation.test_aggregate_model import CASES, _profile  # noqa: E402

SEEDS = range(1, 33)
OUT = REPO / "tests" / "validation" / "exact_cold_starts.json"


def main() -> None:
    """Run the exact Lambda model on each validation case and seed; write the cold starts and ratios."""
    table = {}
    for rate, horizon in CASES:
        profile = _profile(rate, horizon)
        runs = []
        for seed in SEEDS:
            options = SimOptions(horizon_s=profile.simulation.horizon, warmup_s=profile.simulation.warmup, seed=seed)
            run = simulator_for(Architecture.LAMBDA, "exact")(profile, options)
            runs.append({"seed": seed, "cold_starts": run.cold_starts, "cold_start_ratio": run.cold_start_ratio})
            print(rate, horizon, seed, run.cold_starts, flush=True)
        table[f"{rate}/{horizon}"] = runs
    OUT.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
