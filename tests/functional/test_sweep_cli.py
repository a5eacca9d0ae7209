"""`archsel sweep` and batch `archsel recommend` through the real CLI entry point."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.sweep_support import TINY, write

Run = Callable[..., CliResult]
VARY = ("--vary", "traffic.mean_rps=0.2,40", "--vary", "lambda.memory_mb=512,1024")


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return write(tmp_path)


def test_sweep_json_has_every_point_and_the_flips(run_cli: Run, profile: Path) -> None:
    result = run_cli("sweep", str(profile), *VARY, "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [axis["path"] for axis in document["axes"]] == ["traffic.mean_rps", "lambda.memory_mb"]
    points = document["points"]
    assert [(p["traffic.mean_rps"], p["lambda.memory_mb"]) for p in points] == [
        (0.2, 512),
        (0.2, 1024),
        (40.0, 512),
        (40.0, 1024),
    ]
    for point in points:
        costs = {arch: point[f"{arch}_monthly_usd"] for arch in ("lambda", "fargate")}
        assert point["cheapest"] == min(costs, key=lambda arch: costs[arch])
        assert point["lambda_p99_ms"] > 0 and point["missing"] is None
    flips = document["flips"]
    assert any(f["axis"] == "traffic.mean_rps" and f["cheaper_below"] == "lambda" for f in flips)
    assert document["missing_points"] == []


def test_sweep_table_and_files(run_cli: Run, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "points.csv"
    result = run_cli("sweep", str(profile), *VARY, "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert "Sweep of tiny (4 points)" in result.stdout
    assert "Flip: traffic.mean_rps (lambda.memory_mb=512): lambda cheaper at 0.2, fargate at 40" in result.stdout
    assert f"wrote {out}" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 4
    assert {"traffic.mean_rps", "lambda.memory_mb", "seed", "lambda_monthly_usd", "fargate_p99_ms", "cheapest"} <= set(
        rows[0]
    )


def test_sweep_html_has_the_charts(run_cli: Run, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep.html"
    result = run_cli("sweep", str(profile), *VARY, "--arch", "all", "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    for chart in ("chart-sweep-cost", "chart-sweep-p99", "chart-sweep-cheapest"):
        assert f'id="{chart}"><svg' in page
    assert "<td>0.2</td>" in page


def test_sweep_parquet_matches_the_json(run_cli: Run, profile: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "points.parquet"
    result = run_cli("sweep", str(profile), *VARY, "--out", str(out), "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(str(out)).to_pylist()
    assert table == json.loads(result.stdout)["points"]


def test_one_architecture_and_replications(run_cli: Run, profile: Path) -> None:
    result = run_cli(
        "sweep", str(profile), "--vary", "lambda.memory_mb=512,1024", "--arch", "lambda", "-r", "2", "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["architectures"] == ["lambda"]
    assert "fargate_monthly_usd" not in document["points"][0] and document["flips"] == []
    assert "[4/4]" in result.stderr  # 2 points x 2 replications, streamed as they finish


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--vary", "lambda.memroy_mb=512"), 2, "lambda has no key 'memroy_mb'"),
        (("--vary", "lambda.memory_mb=big"), 3, "lambda.memory_mb: input should be a valid integer"),
        (("--vary", "lambda.memory_mb=64"), 3, "greater than or equal to 128"),
        (("--vary", "lambda.memory_mb=512", "--out", "x.xlsx"), 2, "unknown format '.xlsx'"),
        (("--vary", "lambda.memory_mb=512", "--scheduler", "tcp://127.0.0.1:9", "--jobs", "2"), 2, "--jobs"),
        ((), 2, "--vary"),
    ],
)
def test_bad_sweeps_fail_before_running(
    run_cli: Run, profile: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run_cli("sweep", str(profile), *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert "[1/" not in result.stderr  # nothing ran


def test_unknown_path_lists_the_allowed_keys(run_cli: Run, profile: Path) -> None:
    result = run_cli("sweep", str(profile), "--vary", "fargate.cpu=1")
    assert result.exit_code == 2
    assert "hint: keys of fargate: vcpu, memory_gb" in result.stderr


def test_recommend_several_profiles_adds_a_fleet_summary(run_cli: Run, tmp_path: Path) -> None:
    quiet = write(tmp_path, TINY.replace("name: tiny", "name: quiet").replace("mean_rps: 2", "mean_rps: 0.1"), "q.yaml")
    busy = write(tmp_path, TINY.replace("name: tiny", "name: busy").replace("mean_rps: 2", "mean_rps: 1"), "b.yaml")
    out = tmp_path / "rec.json"
    result = run_cli("recommend", str(quiet), str(busy), "--format", "json", "--out", str(out), "--jobs", "1")
    assert result.exit_code in (0, 5), result.stderr
    decisions = {name: json.loads((tmp_path / f"rec-{name}.json").read_text()) for name in ("quiet", "busy")}
    fleet = json.loads((tmp_path / "rec-fleet.json").read_text())["fleet"]
    assert [s["profile"] for s in fleet["services"]] == ["quiet", "busy"]
    for service in fleet["services"]:
        decision = decisions[service["profile"]]
        assert service["choice"] == decision["choice"]["architecture"]
        assert service["monthly_usd"] == pytest.approx(decision["choice"]["monthly_usd"], abs=0.01)
        flip = decision["break_even"]["traffic"]
        grows = flip is not None and flip["factor"] > 1
        assert (service["flip"] is not None) == grows
    assert fleet["total_monthly_usd"] == pytest.approx(sum(s["monthly_usd"] for s in fleet["services"]), abs=0.02)
    by_factor = sorted((s for s in fleet["services"] if s["flip"]), key=lambda s: s["flip"]["traffic_factor"])
    assert fleet["flip_order"] == [s["profile"] for s in by_factor]
    lam = fleet["all_on"]["lambda"]
    assert lam == pytest.approx(sum(s["best_usd"]["lambda"] for s in fleet["services"]), abs=0.02)


def test_a_point_where_no_design_meets_the_objectives_says_which_each_missed(run_cli: Run, tmp_path: Path) -> None:
    profile = tmp_path / "budget.yaml"
    profile.write_text(TINY.replace("max_error_ratio: 0.01}", "max_error_ratio: 0.01, monthly_budget_usd: 40}"))
    result = run_cli("sweep", str(profile), "--vary", "traffic.mean_rps=1,50", "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    low, high = json.loads(result.stdout)["points"]
    assert low["cheapest_meeting_slos"] is not None and low["why_none_met"] == ""
    assert high["cheapest_meeting_slos"] is None
    for architecture in ("lambda", "fargate"):
        assert f"{architecture} missed monthly_budget_usd 40 USD: " in high["why_none_met"]
    table = run_cli("sweep", str(profile), "--vary", "traffic.mean_rps=1,50", "--jobs", "1")
    assert "None met the objectives at traffic.mean_rps=50: lambda missed monthly_budget_usd" in " ".join(
        table.stdout.split()
    )


def test_a_varied_field_that_does_nothing_is_warned_about(run_cli: Run, tmp_path: Path) -> None:
    profile = write(tmp_path)
    vary = ("--vary", "traffic.peak_rps=1,8", "--vary", "lambda.memory_mb=512,1024", "--arch", "fargate")
    result = run_cli("sweep", str(profile), *vary, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    warnings = " ".join(result.stderr.split())
    assert "lambda.memory_mb has no effect: lambda is not simulated in this sweep" in warnings
    assert "traffic.peak_rps is not above the mean rate at 2 point(s)" in warnings
