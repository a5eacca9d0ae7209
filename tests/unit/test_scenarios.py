"""The shipped scenarios: each loads, opens with a comment, and implies the numbers its story claims."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from archsel.profile.loader import load_profile
from archsel.profile.presets import describe, find_preset, list_presets
from archsel.profile.traffic import rate_curve
from archsel.profile.units import SECONDS_PER_DAY
from archsel.resources import scenarios_dir
from tests.conftest import CliResult

SCENARIOS = sorted(scenarios_dir().glob("*.yaml"))
REQUIRED = {
    "startup-mvp",
    "flash-sale",
    "saas-steady",
    "internal-tool",
    "file-sharing",
    "relational-app",
    "latency-critical",
    "trace-replay",
}


def validate_json(run_cli: Callable[..., CliResult], name: str) -> dict[str, Any]:
    result = run_cli("validate", str(scenarios_dir() / f"{name}.yaml"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_at_least_the_eight_required_scenarios_ship() -> None:
    names = {path.stem for path in SCENARIOS}
    assert names >= REQUIRED
    assert len(names) >= 8


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_scenario_loads_and_is_named_after_its_file(path: Path) -> None:
    profile = load_profile(path)
    assert profile.name == path.stem
    assert profile.simulation.replications == 3
    assert profile.slo.p99_latency_ms is not None, "every scenario states a latency objective"
    assert profile.slo.monthly_budget_usd is not None


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_scenario_opens_with_a_comment_on_the_situation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    comment = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comment) >= 4, "the opening comment explains the situation and where the numbers come from"
    assert len(describe(text)) >= 30


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_validate_json_is_consistent(path: Path, run_cli: Callable[..., CliResult]) -> None:
    document = validate_json(run_cli, path.stem)
    traffic = document["traffic"]
    assert document["valid"] is True
    assert document["notices"] == [], "a shipped scenario should not need a warning"
    assert 0 <= traffic["trough_rps"] <= traffic["mean_rps"] <= traffic["peak_rps"]
    assert traffic["requests_per_month"] == pytest.approx(traffic["mean_rps"] * 730 * 3_600, rel=1e-4)


def test_saas_steady_is_hundreds_of_rps_around_the_clock(run_cli: Callable[..., CliResult]) -> None:
    traffic = validate_json(run_cli, "saas-steady")["traffic"]
    assert traffic["mean_rps"] >= 100
    assert traffic["trough_rps"] >= 0.5 * traffic["mean_rps"], "near-constant: the night is not empty"
    assert traffic["peak_rps"] <= 1.5 * traffic["mean_rps"]


def test_flash_sale_bursts_dwarf_the_mean(run_cli: Callable[..., CliResult]) -> None:
    traffic = validate_json(run_cli, "flash-sale")["traffic"]
    assert traffic["peak_rps"] / traffic["mean_rps"] >= 20
    assert traffic["peak_rps"] / traffic["trough_rps"] == pytest.approx(50, rel=1e-6), "50x over the quiet rate"


def test_internal_tool_weekend_is_far_below_the_weekday() -> None:
    profile = load_profile(scenarios_dir() / "internal-tool.yaml")
    assert profile.simulation.horizon >= 7 * SECONDS_PER_DAY
    week = rate_curve(profile.traffic, horizon_s=7 * SECONDS_PER_DAY, seconds_per_month=profile.seconds_per_month)
    days = week.reshape(7, SECONDS_PER_DAY).mean(axis=1)
    assert days[5:].max() < 0.2 * days[:5].min()


def test_internal_tool_is_busy_in_business_hours_only() -> None:
    profile = load_profile(scenarios_dir() / "internal-tool.yaml")
    day = rate_curve(profile.traffic, horizon_s=SECONDS_PER_DAY, seconds_per_month=profile.seconds_per_month)
    hourly = day.reshape(24, 3_600).mean(axis=1)
    business = hourly[12:22].sum() / hourly.sum()  # 08:00-18:00 US Eastern (summer) in UTC
    assert business >= 0.75


def test_trace_replay_ships_one_day_of_minutes(run_cli: Callable[..., CliResult]) -> None:
    profile = load_profile(scenarios_dir() / "trace-replay.yaml")
    counts = np.asarray(profile.traffic.trace_counts)
    assert len(counts) == 1_440
    assert profile.traffic.requests_per_month is None and profile.traffic.mean_rps is None
    traffic = validate_json(run_cli, "trace-replay")["traffic"]
    assert traffic["mean_rps"] == pytest.approx(counts.sum() / SECONDS_PER_DAY, rel=1e-6)
    hourly = counts.reshape(24, 60).sum(axis=1)
    assert hourly[2:5].mean() < 0.25 * hourly.mean(), "a quiet night"
    assert hourly[12] < hourly[9] and hourly[12] < hourly[19], "a lunch dip between morning and evening"
    assert counts.max() >= 4 * np.median(counts), "a spike"


def test_file_sharing_keeps_large_uploads_out_of_lambda() -> None:
    storage = load_profile(scenarios_dir() / "file-sharing.yaml").storage
    assert storage.upload_mb >= 50
    assert storage.presigned_urls
    assert storage.stored_gb > 0 and storage.downloads_per_month > 0


def test_relational_app_runs_on_aurora() -> None:
    profile = load_profile(scenarios_dir() / "relational-app.yaml")
    assert profile.database.kind == "aurora-postgres"
    assert profile.database.aurora.min_acu < profile.database.aurora.max_acu
    assert profile.lambda_.vpc, "Lambda reaches Aurora from inside the VPC"


def test_latency_critical_slo_is_below_a_cold_start() -> None:
    profile = load_profile(scenarios_dir() / "latency-critical.yaml")
    assert profile.slo.p99_latency_ms is not None and profile.slo.p99_latency_ms <= 200
    cold = profile.lambda_.cold_start_ms
    assert cold is not None and cold.quantile(0.5) > profile.slo.p99_latency_ms


def test_presets_list_every_scenario_with_its_first_comment_line() -> None:
    presets = list_presets()
    assert [preset.name for preset in presets] == [path.stem for path in SCENARIOS]
    for preset in presets:
        first = preset.path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# {preset.description}"


def test_describe_skips_nothing_but_blank_lines() -> None:
    assert describe("\n# one line\n# two\nversion: 1\n") == "one line"
    assert describe("version: 1\n# later\n") == ""
    assert describe("") == ""


def test_find_preset_names_the_valid_ones() -> None:
    from archsel.errors import ExitCode, UsageError

    with pytest.raises(UsageError) as caught:
        find_preset("no-such")
    assert "startup-mvp" in caught.value.message and "flash-sale" in caught.value.message
    assert caught.value.exit_code == ExitCode.USAGE
