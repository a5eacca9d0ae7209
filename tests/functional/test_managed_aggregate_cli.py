"""`archsel simulate --arch all` on a profile far over the budget: Lambda Managed Instances runs its aggregate model too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_simulate_all_gives_three_aggregate_results_and_no_warning(tmp_path: Path) -> None:
    profile = tmp_path / "huge.yaml"
    profile.write_text(
        "version: 1\nname: huge\ntraffic: {mean_rps: 1000000, shape: diurnal}\nsimulation: {replications: 1}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "archsel", "simulate", str(profile), "--arch", "all", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "not simulated" not in done.stderr
    results = {result["architecture"]: result for result in json.loads(done.stdout)["results"]}
    assert set(results) == {"lambda", "fargate", "lambda-managed"}
    managed = results["lambda-managed"]
    assert managed["model"] == "aggregate"
    assert managed["model_reason"].startswith("exact model over budget")
    assert managed["requests"] == 86_400_000_000
    assert managed["ec2_instances"]["max"] == 30  # the default limit: far too few for 1M req/s, so it throttles
    assert managed["throttled"] > 0.9 * managed["requests"]


@pytest.mark.slow
def test_simulate_table_writes_large_fleet_counts_with_separators(tmp_path: Path) -> None:
    """A fleet of tens of thousands of instances reads "67,273", never "67273" or "1.29e+06"."""
    profile = tmp_path / "huge.yaml"
    profile.write_text(
        "version: 1\nname: huge\ntraffic: {mean_rps: 1000000, shape: diurnal}\nsimulation: {replications: 1}\n"
        "lambda_managed: {max_instances: 1000000}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "archsel", "simulate", str(profile), "--arch", "lambda-managed"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if "EC2 instances" in line)
    counts = row.split("EC2 instances mean / min / max", 1)[1].strip(" │|").split(" / ")
    assert len(counts) == 3, row
    for count in counts:
        digits = count.strip().split(".")[0]
        assert "e+" not in count and (len(digits) < 5 or "," in digits), row
