"""`archsel init` and `archsel validate` through the real CLI: files written, refusals, errors users see."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.profile.loader import load_profile
from archsel.resources import scenarios_dir
from tests.conftest import CliResult

Run = Callable[..., CliResult]
PRESETS = sorted(path.stem for path in scenarios_dir().glob("*.yaml"))


def assert_clean_error(result: CliResult, code: int) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("archsel: error: ")
    assert "Traceback" not in result.stderr + result.stdout


# ----------------------------------------------------------------------------- init


def test_init_default_writes_archsel_yaml_that_loads(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "archsel.yaml"
    assert f"wrote {Path('archsel.yaml')}" in result.stdout
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Written by `archsel init --preset startup-mvp`")
    assert "# A seed-stage startup's MVP" in text, "the scenario's own comment comes along"
    assert load_profile(written).name == "startup-mvp"


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_writes_a_profile_that_validates(run_cli: Run, tmp_path: Path, preset: str) -> None:
    target = tmp_path / "out" / f"{preset}.yaml"
    assert run_cli("init", str(target), "--preset", preset).exit_code == 0
    result = run_cli("validate", str(target), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["profile"] == preset


def test_trace_preset_copies_the_csv_beside_the_profile(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "news.yaml"), "--preset", "trace-replay")
    assert result.exit_code == 0, result.stderr
    copied = tmp_path / "traces" / "trace-replay.csv"
    shipped = scenarios_dir() / "traces" / "trace-replay.csv"
    assert copied.read_bytes() == shipped.read_bytes()
    assert str(copied) in result.stdout
    assert len(load_profile(tmp_path / "news.yaml").traffic.trace_counts or ()) == 1_440


def test_init_into_a_folder_writes_archsel_yaml_inside(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path)).exit_code == 0
    assert load_profile(tmp_path / "archsel.yaml").name == "startup-mvp"


def test_init_refuses_to_overwrite_without_force(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my own work\n", encoding="utf-8")
    result = run_cli("init", str(target))
    assert_clean_error(result, 2)
    assert "already exists" in result.stderr and "hint: add --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "my own work\n"

    forced = run_cli("init", str(target), "--force", "--preset", "flash-sale")
    assert forced.exit_code == 0, forced.stderr
    assert f"overwrote {target}" in forced.stdout
    assert load_profile(target).name == "flash-sale"


def test_init_refuses_when_only_the_trace_would_be_overwritten(run_cli: Run, tmp_path: Path) -> None:
    trace = tmp_path / "traces" / "trace-replay.csv"
    trace.parent.mkdir()
    trace.write_text("minute,count\n0,1\n", encoding="utf-8")
    result = run_cli("init", str(tmp_path / "p.yaml"), "--preset", "trace-replay")
    assert_clean_error(result, 2)
    assert not (tmp_path / "p.yaml").exists(), "nothing is written when anything would be overwritten"
    assert trace.read_text(encoding="utf-8") == "minute,count\n0,1\n"


def test_unknown_preset_lists_the_valid_ones(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "p.yaml"), "--preset", "startup")
    assert_clean_error(result, 2)
    for name in PRESETS:
        assert name in result.stderr
    assert not (tmp_path / "p.yaml").exists()


@pytest.mark.parametrize("args", [("--list",), ("--preset", "list")])
def test_init_list_shows_each_preset_with_its_description(run_cli: Run, args: tuple[str, ...]) -> None:
    result = run_cli("init", *args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == PRESETS
    assert any("50x" in line for line in lines if line.startswith("flash-sale"))


# ----------------------------------------------------------------------------- validate errors


def test_validate_names_file_line_and_field(run_cli: Run, write_profile: Callable[..., Path]) -> None:
    path = write_profile("version: 1\nname: api\ntraffic:\n  mean_rps: 2\n  peek_rps: 3\n")
    result = run_cli("validate", str(path))
    assert_clean_error(result, 3)
    assert f"{path}:5: traffic.peek_rps: unknown key" in result.stderr
    assert "hint:" in result.stderr
    assert result.stdout == ""


def test_validate_reports_every_error_not_just_the_first(run_cli: Run, write_profile: Callable[..., Path]) -> None:
    path = write_profile("version: 1\nname: api\ntraffic: {mean_rps: -1}\nlambda:\n  memory_mb: 64\n")
    result = run_cli("validate", str(path))
    assert_clean_error(result, 3)
    assert f"{path}:3: traffic.mean_rps" in result.stderr
    assert f"{path}:5: lambda.memory_mb" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nname: [oops\n", "not valid YAML"),
        ("- just\n- a list\n", "a profile is a YAML mapping"),
        ("version: 1\nname: api\ntraffic: {shape: trace, trace: missing.csv}\n", "traffic.trace: cannot read"),
        ("version: 1\nname: api\ntraffic: {mean_rps: 1, bursts: [{start: '25:00', duration_s: 1}]}\n", "start"),
        ("version: 1\nname: api\ntraffic: {mean_rps: 1}\nsimulation: {horizon: soon}\n", "simulation.horizon"),
    ],
)
def test_validate_invalid_input_exits_3_without_traceback(
    run_cli: Run, write_profile: Callable[..., Path], text: str, expected: str
) -> None:
    path = write_profile(text)
    result = run_cli("validate", str(path))
    assert_clean_error(result, 3)
    assert expected in result.stderr
    assert str(path) in result.stderr


def test_validate_missing_file_exits_3_with_a_hint(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope.yaml"))
    assert_clean_error(result, 3)
    assert "no such file" in result.stderr and "archsel init" in result.stderr


def test_validate_json_of_a_shipped_scenario(run_cli: Run) -> None:
    result = run_cli("validate", str(scenarios_dir() / "startup-mvp.yaml"), "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["traffic"]["requests_per_month"] == 3_000_000
    assert document["lambda_concurrency"]["peak"] >= document["lambda_concurrency"]["mean"] > 0
