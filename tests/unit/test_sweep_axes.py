"""The varied fields of a sweep: paths checked against the schema, values parsed, applied and validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archsel.errors import ProfileError, UsageError
from archsel.study.axes import (
    Axis,
    parse_path,
    parse_scalar,
    parse_vary,
    point_profile,
    read_document,
    read_value,
    with_setting,
)
from tests.sweep_support import TINY, write


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        ("lambda.memory_mb=2048,512,1024", "lambda.memory_mb", (512, 1024, 2048)),  # numbers ascending
        ("traffic.mean_rps=0.5,10", "traffic.mean_rps", (0.5, 10)),
        ("lambda.architecture=x86_64,arm64", "lambda.architecture", ("x86_64", "arm64")),  # words keep their order
        ("simulation.horizon=1h,30m", "simulation.horizon", ("1h", "30m")),
        ("fargate.spot=false,true,0.5", "fargate.spot", (False, True, 0.5)),
        ("lambda.reserved_concurrency=null,50", "lambda.reserved_concurrency", (None, 50)),
        ("traffic.bursts.0.multiplier=5,10", "traffic.bursts[0].multiplier", (5, 10)),
        ("traffic.bursts[0].multiplier=5", "traffic.bursts[0].multiplier", (5,)),
        ("request.duration_ms=100,200", "request.duration_ms", (100, 200)),  # a number is a fixed distribution
        ("request.duration_ms.p50=40,80", "request.duration_ms.p50", (40, 80)),
        ("lambda.provisioned_concurrency[0].count=1,2", "lambda.provisioned_concurrency[0].count", (1, 2)),
    ],
)
def test_parse_vary_accepts_schema_paths(text: str, path: str, values: tuple[object, ...]) -> None:
    axis = parse_vary(text)
    assert axis.path == path
    assert axis.values == values


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("lambda.memroy_mb=1", "lambda has no key 'memroy_mb'", "memory_mb"),
        ("lamda.memory_mb=1", "the profile has no key 'lamda'", "lambda"),
        ("traffic=5", "--vary traffic: is a section, not a value", "traffic.mean_rps"),
        ("fargate.scaling=1", "is a section", "fargate.scaling.target"),
        ("lambda.memory_mb.size=1", "lambda.memory_mb is a value, it has no keys", None),
        ("traffic.bursts.multiplier=2", "traffic.bursts is a list; give an index", "traffic.bursts[0]"),
        ("traffic.trace=a.csv", "cannot be varied", None),
        ("name=a,b", "cannot be varied", None),
        ("lambda.memory_mb", "expected PATH=V1,V2", None),
        ("lambda.memory_mb=1,,2", "an empty value", None),
        ("lambda.memory_mb=1,1", "listed twice", None),
        ("lambda.memory-mb=1", "is not a key of the profile", None),
    ],
)
def test_unknown_paths_and_bad_lists_name_the_path_and_the_allowed_keys(
    text: str, message: str, hint: str | None
) -> None:
    with pytest.raises(UsageError) as raised:
        parse_vary(text)
    assert message in raised.value.message
    if hint is not None:
        assert hint in (raised.value.hint or "")


def test_allowed_keys_are_the_yaml_keys() -> None:
    with pytest.raises(UsageError) as raised:
        parse_vary("nope=1")
    hint = raised.value.hint or ""
    # the alias users write, not the attribute (lambda_managed is a section of its own)
    assert "lambda" in hint and re.search(r"lambda_(?!managed)", hint) is None


def test_parse_scalar_and_path() -> None:
    assert [parse_scalar(v) for v in ("3", "2.5", "true", "NULL", "18:30", "1h", "1e3")] == [
        3,
        2.5,
        True,
        None,
        "18:30",
        "1h",
        1000.0,
    ]
    assert parse_path("traffic.bursts[1].every") == ("traffic", "bursts", 1, "every")


def _document(tmp_path: Path, text: str = TINY):  # type: ignore[no-untyped-def]
    return read_document(write(tmp_path, text))


def test_a_point_is_the_file_with_the_values_set(tmp_path: Path) -> None:
    document = _document(tmp_path)
    axes = [parse_vary("lambda.memory_mb=512"), parse_vary("simulation.horizon=2h")]
    profile = point_profile(document, axes, [512, "2h"])
    assert profile.lambda_.memory_mb == 512
    assert profile.simulation.horizon == 7_200.0
    assert read_value(profile, axes[1], "2h") == 7_200.0  # the validated value, not the text
    assert profile.request.duration_ms.p95 == 250  # everything else as written


def test_a_varied_rate_replaces_the_other_and_keeps_the_shape(tmp_path: Path) -> None:
    document = _document(tmp_path, TINY.replace("mean_rps: 2", "requests_per_month: 5256000"))  # 2 rps
    profile = point_profile(document, [parse_vary("traffic.mean_rps=10")], [10.0])
    assert profile.traffic.requests_per_month is None
    assert profile.traffic.mean_rps == 10.0
    assert profile.traffic.peak_rps == pytest.approx(20.0)  # peak/mean stays 2
    both = [parse_vary("traffic.mean_rps=10"), parse_vary("traffic.peak_rps=11")]
    assert point_profile(document, both, [10.0, 11.0]).traffic.peak_rps == 11.0  # an explicit peak wins


def test_a_value_of_the_wrong_type_names_the_point_and_the_field(tmp_path: Path) -> None:
    document = _document(tmp_path)
    axis = parse_vary("lambda.memory_mb=big")
    with pytest.raises(ProfileError) as raised:
        point_profile(document, [axis], ["big"])
    message = raised.value.message
    assert "sweep point lambda.memory_mb=big" in message
    assert "tiny.yaml:10: lambda.memory_mb:" in message  # the line of the key in the user's file
    assert "'big'" in message


def test_cross_field_rules_apply_to_each_point(tmp_path: Path) -> None:
    document = _document(tmp_path)
    axes = [parse_vary("fargate.vcpu=4")]
    with pytest.raises(ProfileError, match="fargate"):
        point_profile(document, axes, [4])  # 4 vCPU needs at least 8 GB; the profile keeps 1 GB


def test_a_list_index_past_the_end_is_a_usage_error(tmp_path: Path) -> None:
    document = _document(tmp_path)
    with pytest.raises(UsageError, match="0 item"):
        point_profile(document, [parse_vary("traffic.bursts[0].multiplier=3")], [3])


def test_with_setting_applies_before_the_axes(tmp_path: Path) -> None:
    document = with_setting(_document(tmp_path), "simulation.replications", 4)
    profile = point_profile(document, [], [])
    assert profile.simulation.replications == 4
    assert isinstance(parse_vary("simulation.seed=1"), Axis)
