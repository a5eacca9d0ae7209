"""Issue 15's CLI defects, reproduced: bad paths and numbers found before any simulation, every bad
profile named, short horizons refused, errors in one line with a documented exit code."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.cli.app import _unexpected
from tests.conftest import SCENARIOS, CliResult

Run = Callable[..., CliResult]
GOOD = str(SCENARIOS / "startup-mvp.yaml")


def assert_one_error(result: CliResult, code: int, *expected: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("archsel: error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for text in expected:
        assert text in result.stderr


def run_fast(run_cli: Run, *args: str) -> CliResult:
    """Run the CLI; a refusal before any simulation takes well under the seconds a recommend would."""
    started = time.process_time()
    result = run_cli(*args)
    assert time.process_time() - started < 5.0, "the check came after the simulation"
    return result


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("recommend", GOOD, "-o", "nodir/x.md"), "folder nodir does not exist"),
        (("recommend", GOOD, "-o", "/proc/x.html"), "--out /proc/x.html: cannot write"),
        (("simulate", GOOD, "--timeseries", "/proc/x.csv"), "--timeseries /proc/x.csv: cannot write"),
        (("sweep", GOOD, "--vary", "traffic.mean_rps=1,2", "-o", "/proc/x.csv"), "--out /proc/x.csv: cannot write"),
        (("scaffold", GOOD, "--iac", "sam", "--out", "/proc/x"), "--out /proc/x: cannot create it"),
    ],
)
def test_unwritable_outputs_are_refused_before_simulating(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_one_error(run_fast(run_cli, *args), 2, expected)


def test_a_writable_out_is_left_as_it_was(run_cli: Run, tmp_path: Path) -> None:
    from archsel.cli.output import check_writable_file

    existing = tmp_path / "report.md"
    existing.write_text("kept", encoding="utf-8")
    check_writable_file(existing, "--out")
    check_writable_file(tmp_path / "new.md", "--out")
    assert existing.read_text(encoding="utf-8") == "kept"
    assert not (tmp_path / "new.md").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", GOOD, "--seed", "-1"),
        ("recommend", GOOD, "-j", "-3"),
        ("recommend", GOOD, "-j", "0"),
        ("simulate", GOOD, "--seed", str(2**64)),
        ("sweep", GOOD, "--vary", "traffic.mean_rps=1", "-r", "0"),
        ("scaffold", GOOD, "--iac", "sam", "--out", "x", "-j", "0"),
    ],
)
def test_numeric_options_are_range_checked(run_cli: Run, args: tuple[str, ...]) -> None:
    result = run_fast(run_cli, *args)
    assert_one_error(result, 2, "Invalid value for")
    assert len(result.stderr.splitlines()) == 2  # the error and a hint


def test_prices_on_a_binary_file_is_one_error(run_cli: Run, tmp_path: Path) -> None:
    binary = tmp_path / "prices.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    assert_one_error(run_cli("cost", GOOD, "--prices", str(binary)), 3, "not text")


def test_every_bad_profile_is_named_before_any_runs(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    result = run_fast(
        run_cli, "recommend", GOOD, str(tmp_path / "empty.yaml"), str(tmp_path / "missing.yaml"), "-j", "1"
    )
    assert_one_error(result, 3, "2 of 3 profiles cannot be used (nothing was simulated)", "empty.yaml", "missing.yaml")
    assert result.stdout == ""


def test_validate_dev_zero_is_one_error(run_cli: Run) -> None:
    assert_one_error(run_fast(run_cli, "validate", "/dev/zero"), 3, "/dev/zero: is a device")


def test_a_long_name_never_reaches_a_stack_name(run_cli: Run, tmp_path: Path) -> None:
    profile = tmp_path / "long.yaml"
    profile.write_text(f"version: 1\nname: {'a' * 20_000}\ntraffic: {{mean_rps: 1}}\n", encoding="utf-8")
    result = run_fast(run_cli, "scaffold", str(profile), "--iac", "sam", "--out", str(tmp_path / "proj"))
    assert_one_error(result, 3, "at most 128 characters")
    assert not (tmp_path / "proj" / "samconfig.toml").exists()


# ----------------------------------------------------------------------------- short horizons

SHORT = "version: 1\nname: short\ntraffic: {mean_rps: 5}\nsimulation: {horizon: 1s, warmup: 0%s}\n"


def test_recommend_refuses_to_scale_a_second_to_a_month(run_cli: Run, tmp_path: Path) -> None:
    profile = tmp_path / "short.yaml"
    profile.write_text(SHORT % "", encoding="utf-8")
    result = run_fast(run_cli, "recommend", str(profile))
    assert_one_error(result, 3, "shorter than 1h, too short to scale to a month", "allow_short_horizon")


def test_short_horizon_warnings_name_the_consequence() -> None:
    from archsel.evaluate.horizon_check import horizon_warnings
    from archsel.profile.loader import parse_profile

    short = parse_profile(SHORT % ", allow_short_horizon: true")
    warnings = horizon_warnings(short)
    assert len(warnings) == 2
    assert "cold-start ratio and latency are overstated" in warnings[0]
    assert "task count barely leaves its starting level" in warnings[1]
    assert horizon_warnings(parse_profile("version: 1\nname: day\ntraffic: {mean_rps: 5}\n")) == []


# ----------------------------------------------------------------------------- unexpected errors


def test_an_unexpected_error_says_where_and_how_to_report_it() -> None:
    def divide() -> float:
        return 1 / 0

    try:
        divide()
    except ZeroDivisionError as error:
        line, hint = _unexpected(error)
    assert line.startswith("unexpected ZeroDivisionError in test_cli_inputs.py:")
    assert "rerun with --debug" in hint and "send the traceback" in hint
