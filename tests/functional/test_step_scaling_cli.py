"""A step-scaled profile through the CLI (`archsel simulate --format json`) and through recommend's candidates."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from archsel.evaluate.design import with_fargate
from archsel.profile.loader import load_profile
from archsel.recommend.candidates import fargate_candidates
from archsel.sim.fargate.params import FargateParams
from tests.conftest import CliResult

# 10 req/s of 100 ms CPU on 1-vCPU tasks (2 tasks at 50 %), 4x for 50 minutes from 00:16:40 (2 tasks
# saturate at 100 %, in the +3 band), then back: scale out by the steps, scale in by -1 a step.
PROFILE = """
version: 1
name: step-cli
traffic: {mean_rps: 10, bursts: [{start: "00:16:40", duration_s: 3000, multiplier: 4}]}
request: {duration_ms: {fixed: 100}, cpu_fraction: 1.0}
fargate:
  vcpu: 1
  memory_gb: 2
  min_tasks: 2
  max_tasks: 20
  scaling:
    policy: step
    scale_out: {threshold: 60, steps: [{lower: 0, upper: 20, change: 1}, {lower: 20, change: 3}]}
    scale_in: {threshold: 30, datapoints: 5, cooldown_s: 120, steps: [{upper: 0, change: -1}]}
simulation: {horizon: 2h, warmup: 0s, replications: 1}
"""
REASON = re.compile(
    r"step scaling: metric (?P<value>[\d.]+) (?P<sign>[<>]) (?P<threshold>\d+) for (?P<n>\d+) periods, "
    r"step \[(?P<band>[^\]]+)\]: (?P<change>[+-]\d+) tasks?( \(during cooldown: the last scale-out counts\))?"
)


def test_simulate_json_shows_step_scaling_events_with_their_reasons(
    run_cli: Callable[..., CliResult], write_profile: Callable[[str], Path]
) -> None:
    result = run_cli("simulate", str(write_profile(PROFILE)), "--arch", "fargate", "--format", "json")
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)["results"][0]["scaling_events"]
    ups = [e for e in events if e["to"] > e["from"]]
    downs = [e for e in events if e["to"] < e["from"]]
    assert ups and downs
    for event in events:
        match = REASON.fullmatch(event["reason"])
        assert match, event["reason"]
        value, threshold = float(match["value"]), float(match["threshold"])
        out = event["to"] > event["from"]
        # The metric breaches the alarm that acted, the band holds its offset, and the count moves by the step.
        assert (match["sign"], threshold, int(match["n"])) == ((">", 60.0, 3) if out else ("<", 30.0, 5))
        assert (value > threshold) if out else (value < threshold)
        expected_band = ("20, null" if value - threshold >= 20 else "0, 20") if out else "null, 0"
        assert match["band"] == expected_band
        change, delta = int(match["change"]), event["to"] - event["from"]
        if "during cooldown" in event["reason"]:
            assert 0 < delta < change  # the last scale-out's tasks count toward this larger step
        else:
            assert delta == change or (event["to"] in (2, 20) and abs(delta) < abs(change))
    first = ups[0]
    assert first["from"] == 2 and first["reason"].endswith("step [20, null]: +3 tasks")
    # The burst starts at 1,000 s: the whole high periods are [1020, 1080), [1080, 1140), [1140, 1200), acted on
    # the alarm's lag after 1,200 s; the partial period [960, 1020) may average above 60 too, one period sooner.
    lag = FargateParams().metric_lag_periods(60.0) * 60.0
    assert first["time"] in (1_140.0 + lag, 1_200.0 + lag)


def test_recommend_keeps_the_step_policy_on_every_fargate_candidate(write_profile: Callable[[str], Path]) -> None:
    profile = load_profile(write_profile(PROFILE))
    candidates, _ = fargate_candidates(profile)
    assert candidates
    for candidate in candidates:
        assert candidate.profile.fargate.scaling == profile.fargate.scaling
        assert candidate.settings()["scaling_policy"] == "step"
        assert "step scaling above 60" in candidate.describe()
        tuned = with_fargate(candidate.profile, min_tasks=5)  # what min-task tuning varies
        assert tuned.fargate.scaling == profile.fargate.scaling
