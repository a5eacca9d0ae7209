"""`archsel import logs` and `archsel import cloudwatch` through the real CLI, and `recommend` on what they write."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.profile.loader import load_profile
from tests.conftest import CliResult
from tests.telemetry_generator import ReferenceSystem, generate

Run = Callable[..., CliResult]
DATA = Path(__file__).resolve().parents[1] / "data" / "telemetry"
MEASURED_KEYS = {"requests", "mean_rps", "peak_rps", "duration_ms", "cold_start_ratio", "init_ms", "peak_concurrency",
                 "memory_mb"}  # fmt: skip
# A small service: three hours around the daily peak, a few thousand requests.
SMALL = ReferenceSystem(peak_rps=0.6, hours=3, burst_start_s=3600, burst_s=300, burst_multiplier=5)


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SMALL, seed=5).write(tmp_path_factory.mktemp("logs") / "orders.log.gz")


def test_import_logs_json_has_the_profile_the_measurements_and_the_checks(
    run_cli: Run, tmp_path: Path, small_log: Path
) -> None:
    out = tmp_path / "orders.yaml"
    result = run_cli("import", "logs", str(small_log), "--out", str(out), "--function", "orders", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["profile"] == str(out)
    assert set(document["measured"]) >= MEASURED_KEYS
    assert set(document["measured"]["duration_ms"]) >= {"p50", "p95", "p99"}
    assert document["measured"]["init_ms"]["mean"] > 0
    assert document["measured"]["memory_mb"] == 1024
    metrics = [check["metric"] for check in document["checks"]]
    assert metrics[:6] == ["requests", "mean_rps", "peak_rps", "duration_ms.p50", "duration_ms.p95", "duration_ms.p99"]
    assert {"cold_start_ratio", "peak_concurrency", "monthly_usd"} <= set(metrics)
    for check in document["checks"]:
        assert set(check) == {"metric", "measured", "simulated", "error"}
    profile = load_profile(out)
    assert profile.name == "orders"
    assert (tmp_path / "orders.trace.csv").read_text().startswith("minute,count\n0,")


def test_import_logs_shape_fit_writes_a_daily_shape(run_cli: Run, tmp_path: Path, small_log: Path) -> None:
    out = tmp_path / "fit.yaml"
    result = run_cli("import", "logs", str(small_log), "--out", str(out), "--shape", "fit", "--format", "json")
    assert result.exit_code == 0, result.stderr
    traffic = load_profile(out).traffic
    assert traffic.shape in ("diurnal", "constant")  # a window with no daily cycle fits a constant rate
    assert traffic.trace is None
    assert traffic.mean_rps == pytest.approx(json.loads(result.stdout)["measured"]["mean_rps"], rel=0.01)


def test_import_logs_table_reports_skipped_lines_and_what_it_wrote(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "shop.yaml"
    result = run_cli("import", "logs", str(DATA / "alb.log"), str(DATA / "mixed.log"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 malformed lines (first at" in result.stderr
    assert f"wrote {out}" in result.stderr
    assert "Measured vs simulated (fargate)" in result.stdout
    assert "peak_tasks" in result.stdout
    assert "fast" not in result.stderr  # a malformed line's content is never echoed


def test_import_logs_with_nothing_to_read_exits_3(run_cli: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just words\n")
    result = run_cli("import", "logs", str(notes), "--out", str(tmp_path / "x.yaml"))
    assert result.exit_code == 3
    assert result.stderr.startswith("archsel: error: no request found in")
    assert not (tmp_path / "x.yaml").exists()


def test_import_cloudwatch_option_mistakes_exit_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("import", "cloudwatch", "--ecs-service", "prod/shop", "--out", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert "no request counts" in result.stderr
    assert "--load-balancer" in result.stderr


@pytest.mark.slow
def test_recommend_and_scaffold_an_imported_profile(run_cli: Run, tmp_path: Path, small_log: Path) -> None:
    profile = tmp_path / "orders.yaml"
    assert run_cli("import", "logs", str(small_log), "--out", str(profile), "--format", "json").exit_code == 0
    result = run_cli("recommend", str(profile), "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["choice"]["architecture"] in ("lambda", "fargate")
    scaffolded = run_cli("scaffold", str(profile), "--iac", "sam", "--out", str(tmp_path / "infra"))
    assert scaffolded.exit_code == 0, scaffolded.stderr
    assert (tmp_path / "infra" / "template.yaml").is_file()
