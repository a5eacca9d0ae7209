"""The profile loader: defaults, validation rules, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from archsel.errors import ExitCode, ProfileError
from archsel.profile.loader import load_profile, parse_profile

MINIMAL = "version: 1\nname: api\ntraffic: {mean_rps: 2}\n"


def test_minimal_profile_gets_documented_defaults() -> None:
    profile = parse_profile(MINIMAL)
    assert profile.lambda_.account_concurrency == 1000
    assert profile.fargate.scaling.scale_out_cooldown_s == 300
    assert profile.simulation.horizon == 86_400
    assert profile.pricing.hours_per_month == 730
    assert profile.lambda_.keep_alive_s.mean() == pytest.approx(360)


def test_unknown_key_names_line_and_path() -> None:
    text = "version: 1\nname: api\ntraffic:\n  mean_rps: 2\n  peek_rps: 3\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, source="p.yaml")
    assert "p.yaml:5: traffic.peek_rps: unknown key" in caught.value.message
    assert caught.value.exit_code == ExitCode.INVALID_INPUT


def test_wrong_type_names_value() -> None:
    text = MINIMAL + "lambda:\n  memory_mb: lots\n"
    with pytest.raises(ProfileError, match=r"<profile>:5: lambda.memory_mb: .*'lots'"):
        parse_profile(text)


def test_duplicate_key_is_refused_rather_than_silently_dropped() -> None:
    with pytest.raises(ProfileError, match="duplicate key"):
        parse_profile(MINIMAL + "name: other\n")


def test_both_rates_refused() -> None:
    with pytest.raises(ProfileError, match="give one of requests_per_month or mean_rps"):
        parse_profile("version: 1\nname: a\ntraffic: {mean_rps: 1, requests_per_month: 5}\n")


def test_lognormal_p95_below_p50_refused() -> None:
    text = MINIMAL + "request:\n  duration_ms: {distribution: lognormal, p50: 100, p95: 50}\n"
    with pytest.raises(ProfileError, match="p95 must be >= p50"):
        parse_profile(text)


def test_invalid_fargate_size_lists_valid_choices() -> None:
    with pytest.raises(ProfileError, match=r"memory_gb 16 does not fit vcpu 0.5; valid: 1, 2, 3, 4 GB"):
        parse_profile(MINIMAL + "fargate: {vcpu: 0.5, memory_gb: 16}\n")


def test_reserved_concurrency_must_leave_100_unreserved() -> None:
    with pytest.raises(ProfileError, match="at least 100 unreserved"):
        parse_profile(MINIMAL + "lambda: {reserved_concurrency: 950}\n")


def test_durations_and_clock_times_parse() -> None:
    text = MINIMAL.replace(
        "{mean_rps: 2}", "{mean_rps: 2, bursts: [{start: '12:30', every: 6h, duration_s: 60, multiplier: 5}]}"
    )
    profile = parse_profile(text + "simulation: {horizon: 2d, warmup: 90s}\n")
    assert profile.simulation.horizon == 172_800
    assert profile.simulation.warmup == 90
    assert profile.traffic.bursts[0].start == 45_000
    assert profile.traffic.bursts[0].every == 21_600


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "this is empty"),
        ("- a\n- b\n", "this is a list"),
        ("version: 1\nname: [unclosed\n", "not valid YAML"),
    ],
)
def test_not_a_profile(text: str, expected: str) -> None:
    with pytest.raises(ProfileError, match=expected):
        parse_profile(text)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "nope.yaml")
    with pytest.raises(ProfileError, match="is a folder"):
        load_profile(tmp_path)


def test_trace_is_read_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("minute,count\n0,60\n1,120\n", encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\nname: a\ntraffic: {shape: trace, trace: t.csv}\n", encoding="utf-8")
    assert load_profile(path).traffic.trace_counts == (60.0, 120.0)


def test_unquoted_clock_time_is_not_read_as_a_base_60_number() -> None:
    text = "version: 1\nname: a\ntraffic: {mean_rps: 1, bursts: [{start: 18:30, duration_s: 60, multiplier: 2}]}\n"
    assert parse_profile(text).traffic.bursts[0].start == 18 * 3600 + 30 * 60


@pytest.mark.parametrize(
    "scenario", sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml")), ids=lambda p: p.stem
)
def test_a_json_dump_validates_back_to_the_same_profile(scenario: Path) -> None:
    from archsel.profile.schema import WorkloadProfile

    profile = load_profile(scenario)
    dumped = profile.model_dump(mode="json", by_alias=True)
    assert WorkloadProfile.model_validate(dumped) == profile


# --------------------------------------------------------------------------- fargate.schedule

SCHEDULED = MINIMAL + "fargate:\n  min_tasks: 2\n  max_tasks: 20\n  schedule:\n"


def test_schedule_windows_parse_clock_times_and_leave_unset_bounds_to_the_base() -> None:
    profile = parse_profile(SCHEDULED + '    - {from: "08:00", to: "20:00", min_tasks: 6, max_tasks: 40}\n')
    (window,) = profile.fargate.schedule
    assert (window.from_, window.to, window.min_tasks, window.max_tasks) == (8 * 3600, 20 * 3600, 6, 40)
    only_max = parse_profile(SCHEDULED + '    - {from: "22:00", to: "06:00", max_tasks: 4}\n').fargate.schedule[0]
    assert (only_max.min_tasks, only_max.max_tasks) == (None, 4)
    assert only_max.covers(23 * 3600) and only_max.covers(0) and not only_max.covers(6 * 3600)


def test_a_window_needs_at_least_one_bound() -> None:
    with pytest.raises(ProfileError, match=r"<profile>:8: fargate.schedule\[0\]: a scheduled window needs min_tasks"):
        parse_profile(SCHEDULED + '    - {from: "08:00", to: "20:00"}\n')


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"fargate.schedule\[0\]: from and to are the same time \(08:00\)"):
        parse_profile(SCHEDULED + '    - {from: "08:00", to: "08:00", min_tasks: 3}\n')


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            "{from: '08:00', to: '20:00', min_tasks: 30}",
            "min_tasks 30 must be <= max_tasks 20 (from fargate.max_tasks)",
        ),
        ("{from: '08:00', to: '20:00', max_tasks: 1}", "min_tasks 2 (from fargate.min_tasks) must be <= max_tasks 1"),
        ("{from: '08:00', to: '20:00', min_tasks: 9, max_tasks: 8}", "min_tasks 9 must be <= max_tasks 8"),
    ],
)
def test_bounds_in_effect_in_a_window_keep_min_at_most_max(window: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(SCHEDULED + f"    - {window}\n")
    assert caught.value.message.startswith("<profile>:7: fargate.schedule: window [0] (08:00-20:00): ")
    assert message in caught.value.message


def test_max_tasks_in_a_window_is_at_least_one() -> None:
    with pytest.raises(
        ProfileError, match=r"fargate.schedule\[0\].max_tasks: input should be greater than or equal to 1"
    ):
        parse_profile(SCHEDULED + '    - {from: "08:00", to: "20:00", max_tasks: 0}\n')


def test_overlapping_windows_are_named_both() -> None:
    text = (
        SCHEDULED
        + '    - {from: "08:00", to: "20:00", min_tasks: 3}\n    - {from: "22:00", to: "09:00", min_tasks: 4}\n'
    )
    with pytest.raises(ProfileError) as caught:
        parse_profile(text)
    assert "fargate.schedule: windows [0] (08:00-20:00) and [1] (22:00-09:00) overlap" in caught.value.message


def test_windows_may_meet_end_to_start_even_across_midnight() -> None:
    text = (
        SCHEDULED
        + '    - {from: "08:00", to: "20:00", min_tasks: 3}\n    - {from: "20:00", to: "08:00", min_tasks: 1}\n'
    )
    assert len(parse_profile(text).fargate.schedule) == 2


def test_a_scheduled_profile_dumps_and_validates_back() -> None:
    from archsel.profile.schema import WorkloadProfile

    profile = parse_profile(SCHEDULED + '    - {from: "18:30", to: "02:00", min_tasks: 4, max_tasks: 30}\n')
    dumped = profile.model_dump(mode="json", by_alias=True)
    assert dumped["fargate"]["schedule"] == [{"from": "18:30:00", "to": "02:00:00", "min_tasks": 4, "max_tasks": 30}]
    assert WorkloadProfile.model_validate(dumped) == profile


# --------------------------------------------------------------------------- step scaling

STEP = MINIMAL + "fargate:\n  scaling:\n    policy: step\n"
SCALE_OUT = "    scale_out: {threshold: 70, steps: [{lower: 0, upper: 20, change: 1}, {lower: 20, change: 3}]}\n"


def test_target_tracking_stays_the_default_and_step_scaling_parses() -> None:
    scaling = parse_profile(MINIMAL).fargate.scaling
    assert (scaling.policy, scaling.scale_out, scaling.scale_in) == ("target_tracking", None, None)
    text = STEP + SCALE_OUT + "    scale_in: {threshold: 30, steps: [{upper: 0, change: -1}]}\n"
    scaling = parse_profile(text).fargate.scaling
    assert scaling.scale_out is not None and scaling.scale_in is not None
    assert (scaling.scale_out.datapoints, scaling.scale_in.datapoints) == (3, 15)
    assert (scaling.scale_out.cooldown_s, scaling.scale_out.adjustment) == (300, "change")
    assert scaling.holding_value == 70  # the warm start holds the metric at the scale-out threshold


@pytest.mark.parametrize(
    ("scaling", "expected"),
    [
        ("", r"<profile>:5: fargate.scaling: policy step needs scale_out"),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 0, upper: 20, change: 1}, {lower: 10, change: 3}]}\n",
            r":7: fargate.scaling.scale_out: steps overlap: \[0, 20\] and \[10, null\]",
        ),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 0, upper: 20, change: 1}, {lower: 30, change: 3}]}\n",
            r":7: fargate.scaling.scale_out: steps leave a gap between 20 and 30",
        ),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 10, change: 1}]}\n",
            r"the first scale_out step starts at the threshold, lower: 0 \(got \[10, null\]\)",
        ),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 0, upper: 20, change: 1}]}\n",
            r"the last scale_out step has no upper bound, upper: null \(got \[0, 20\]\)",
        ),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 0, change: 1}, {lower: 20, change: 2}]}\n",
            r"steps overlap: \[0, null\] and \[20, null\]",  # two null upper bounds
        ),
        ("    scale_out: {threshold: 70, steps: [{change: 1}]}\n", r"a step needs a lower or an upper bound"),
        ("    scale_out: {threshold: 70, steps: [{lower: 0, change: -1}]}\n", r"a scale_out step adds tasks"),
        (
            SCALE_OUT + "    scale_in: {threshold: 30, steps: [{lower: 0, change: -1}]}\n",
            r":8: fargate.scaling.scale_in: the first scale_in step starts at the threshold, upper: 0",
        ),
        (
            SCALE_OUT + "    scale_in: {threshold: 30, steps: [{upper: 0, lower: -10, change: -1}]}\n",
            r"the last scale_in step has no lower bound, lower: null \(got \[-10, 0\]\)",
        ),
        (SCALE_OUT + "    scale_in: {threshold: 30, steps: [{upper: 0, change: 1}]}\n", r"change <= 0, e.g. -1"),
        (
            SCALE_OUT + "    scale_in: {threshold: 80, steps: [{upper: 0, change: -1}]}\n",
            r"scale_in.threshold must not be above scale_out.threshold \(got 80 > 70\)",
        ),
        (
            "    scale_out: {threshold: 70, steps: [{lower: 0, change: 1}], min_adjustment_magnitude: 2}\n",
            r"min_adjustment_magnitude applies to adjustment: percent only",
        ),
        (
            "    scale_out: {threshold: 70, adjustment: exact, steps: [{lower: 0, change: -2}]}\n",
            r"an exact step sets a task count, at least 0",
        ),
        (
            "    scale_out: {threshold: 120, steps: [{lower: 0, change: 1}]}\n",
            r"a CPU threshold is a percent, below 100",
        ),
        ("    scale_out: {threshold: 70, steps: []}\n", r"scale_out.steps: .*at least 1 item"),
    ],
)
def test_step_scaling_errors_name_the_line_and_the_rule(scaling: str, expected: str) -> None:
    with pytest.raises(ProfileError, match=expected):
        parse_profile(STEP + scaling)


def test_step_sections_need_policy_step() -> None:
    text = MINIMAL + "fargate:\n  scaling:\n" + SCALE_OUT
    with pytest.raises(ProfileError, match=r"scale_out and scale_in apply to policy: step"):
        parse_profile(text)


def test_a_step_scaled_profile_dumps_and_validates_back() -> None:
    from archsel.profile.schema import WorkloadProfile

    text = STEP + SCALE_OUT.replace("}\n", ", adjustment: percent, min_adjustment_magnitude: 2}\n")
    profile = parse_profile(text.replace("change: 3", "change: 30").replace("change: 1}", "change: 10}"))
    dumped = profile.model_dump(mode="json", by_alias=True)
    assert WorkloadProfile.model_validate(dumped) == profile


def test_twenty_second_periods_are_for_the_cpu_metric_only() -> None:
    with pytest.raises(ProfileError, match=r"metric_period_s 20 applies to metric cpu only"):
        parse_profile(MINIMAL + "fargate: {scaling: {metric: requests, target: 600, metric_period_s: 20}}\n")
    assert (
        parse_profile(
            MINIMAL + "fargate: {scaling: {metric: cpu, metric_period_s: 20}}\n"
        ).fargate.scaling.metric_period_s
        == 20
    )
