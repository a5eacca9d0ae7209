"""Issue 15's loader defects, reproduced: alias bombs, huge files, devices, booleans as numbers, trace minutes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archsel.errors import ExitCode, PricingError, ProfileError
from archsel.profile.input_limits import MAX_NODES, PROFILE_MAX_BYTES
from archsel.profile.loader import load_profile, parse_profile
from archsel.profile.trace_csv import MAX_TRACE_MINUTES
from archsel.scaffold.params import STACK_NAME_MAX, stack_name

BASE = "version: 1\nname: t\n"


def alias_bomb(levels: int) -> str:
    """The "billion laughs": each level is nine aliases of the one before (9**levels values)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def refused_quickly(action: object, match: str) -> ProfileError:
    started = time.process_time()
    with pytest.raises(ProfileError, match=match) as caught:
        action()  # type: ignore[operator]
    assert time.process_time() - started < 2.0
    assert caught.value.exit_code == ExitCode.INVALID_INPUT
    return caught.value


@pytest.mark.parametrize("levels", [7, 9])
def test_an_alias_bomb_is_refused_in_under_two_seconds(levels: int) -> None:
    text = alias_bomb(levels)
    assert len(text) < 500  # the bomb was 466 bytes
    error = refused_quickly(lambda: parse_profile(text, source="bomb.yaml"), "aliases expand to more than")
    assert error.message.startswith("bomb.yaml:")


def test_a_few_aliases_still_load() -> None:
    text = (
        BASE
        + "x-dur: &d {distribution: lognormal, p50: 50, p95: 200}\ntraffic: {mean_rps: 2}\nrequest: {duration_ms: *d}\n"
    )
    with pytest.raises(ProfileError, match="x-dur: unknown key"):  # the alias itself is fine; the key is not
        parse_profile(text)
    profile = parse_profile(BASE + "traffic: &t {mean_rps: 2}\n")
    assert profile.traffic.mean_rps == 2


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"refers to a value that contains it|nested too deeply"):
        parse_profile(BASE + "traffic: &t {mean_rps: 2, x: *t}\n")


def test_a_50_mb_profile_is_refused_in_under_two_seconds(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(BASE + ("# padding " + "y" * 90 + "\n") * 500_000, encoding="utf-8")
    assert big.stat().st_size > 50_000_000 > PROFILE_MAX_BYTES
    refused_quickly(lambda: load_profile(big), f"larger than {PROFILE_MAX_BYTES // 2**20} MB")


def test_a_document_of_too_many_values_is_refused_as_it_is_read() -> None:
    text = BASE + "traffic: {shape: trace, trace_counts: [" + "1," * (MAX_NODES + 10) + "1]}\n"
    assert len(text) < PROFILE_MAX_BYTES
    started = time.process_time()
    with pytest.raises(ProfileError, match=f"more than {MAX_NODES:,} values"):
        parse_profile(text)
    assert time.process_time() - started < 15.0  # stops at the limit instead of building every value


def test_dev_zero_is_a_device_not_a_profile() -> None:
    refused_quickly(lambda: load_profile("/dev/zero"), "is a device")


@pytest.mark.parametrize(
    ("yaml_text", "line", "field"),
    [
        ("traffic:\n  mean_rps: true\n", 4, "traffic.mean_rps"),
        ("traffic: {mean_rps: 3}\nlambda:\n  memory_mb: false\n", 5, "lambda.memory_mb"),
        ("traffic: {mean_rps: 3}\nrequest:\n  duration_ms: {fixed: true}\n", 5, "request.duration_ms.fixed"),
        ("traffic: {shape: trace, trace_counts: [1, true]}\n", 3, "traffic.trace_counts"),
    ],
)
def test_booleans_are_not_numbers(yaml_text: str, line: int, field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(BASE + yaml_text, source="p.yaml")
    assert f"p.yaml:{line}: {field}: true/false is not a number" in caught.value.message


def test_boolean_settings_stay_booleans() -> None:
    profile = parse_profile(BASE + "traffic: {mean_rps: 3}\npricing: {free_tier: true}\n")
    assert profile.pricing.free_tier is True


# ----------------------------------------------------------------------------- trace minutes


def trace_profile(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "t.csv").write_text(csv_text, encoding="utf-8")
    path = tmp_path / "t.yaml"
    path.write_text(BASE + "traffic: {shape: trace, trace: t.csv}\n", encoding="utf-8")
    return path


def test_trace_minutes_place_the_counts_and_gaps_are_quiet_minutes(tmp_path: Path) -> None:
    counts = load_profile(trace_profile(tmp_path, "minute,count\n0,10\n100,20\n")).traffic.trace_counts
    assert counts is not None and len(counts) == 101
    assert (counts[0], counts[100], sum(counts)) == (10, 20, 30)  # was read as two consecutive minutes


def test_a_one_column_trace_is_consecutive_minutes(tmp_path: Path) -> None:
    assert load_profile(trace_profile(tmp_path, "count\n3\n4\n")).traffic.trace_counts == (3, 4)


@pytest.mark.parametrize(
    ("csv_text", "match"),
    [
        ("0,1\n5,2\n3,1\n", r"t.csv:3: minute 3 is out of order"),
        ("0,1\n1,2\n1,3\n", r"t.csv:3: minute 1 is listed twice"),
        (f"0,1\n{MAX_TRACE_MINUTES},2\n", r"t.csv:2: minute \d+ is past a year"),
        ("0,1\n-1,2\n", r"t.csv:2: minute must be a whole number"),
        ("0,1\n1.5,2\n", r"t.csv:2: minute must be a whole number"),
    ],
)
def test_unsorted_duplicate_and_wild_minutes_are_errors_naming_the_row(
    tmp_path: Path, csv_text: str, match: str
) -> None:
    with pytest.raises(ProfileError, match=match):
        load_profile(trace_profile(tmp_path, csv_text))


# ----------------------------------------------------------------------------- other inputs


def test_a_binary_price_table_is_a_pricing_error(tmp_path: Path) -> None:
    from archsel.pricing.table import load_price_file

    binary = tmp_path / "prices.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(PricingError, match="not text"):
        load_price_file(binary)


def test_a_long_name_is_refused_before_it_becomes_a_stack_name() -> None:
    with pytest.raises(ProfileError, match="name: String should have at most 128 characters"):
        parse_profile(f"version: 1\nname: {'a' * 20_000}\ntraffic: {{mean_rps: 1}}\n")
    assert len(stack_name("9" * 128)) <= STACK_NAME_MAX
