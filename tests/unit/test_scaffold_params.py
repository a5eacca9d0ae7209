"""Values computed for the templates: schedules, retention steps, task units, network and database choices."""

from __future__ import annotations

import pytest

from archsel.profile.lambda_schema import ProvisionedWindow
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from archsel.scaffold.params import build_params, log_retention, spot_weights, stack_name
from archsel.scaffold.schedule import provisioned_schedule


def window(start: str, end: str, count: int) -> ProvisionedWindow:
    return ProvisionedWindow.model_validate({"from": start, "to": end, "count": count})


def actions(windows: tuple[ProvisionedWindow, ...]) -> list[tuple[str, int]]:
    return [(a.cron, a.count) for a in provisioned_schedule(windows, []).actions]


def test_a_window_starts_and_stops() -> None:
    assert actions((window("08:00", "20:00", 10),)) == [("cron(0 8 * * ? *)", 10), ("cron(0 20 * * ? *)", 0)]


def test_overlapping_windows_take_the_larger_count() -> None:
    got = actions((window("08:00", "20:00", 10), window("18:00", "22:30", 4)))
    assert got == [("cron(0 8 * * ? *)", 10), ("cron(0 20 * * ? *)", 4), ("cron(30 22 * * ? *)", 0)]


def test_a_window_across_midnight() -> None:
    assert actions((window("22:00", "06:00", 3),)) == [("cron(0 6 * * ? *)", 0), ("cron(0 22 * * ? *)", 3)]


def test_windows_covering_the_day_with_one_count_are_a_constant() -> None:
    plan = provisioned_schedule((window("00:00", "12:00", 5), window("12:00", "00:00", 5)), [])
    assert plan.constant == 5 and plan.actions == ()
    assert provisioned_schedule(7, []).constant == 7


def test_seconds_are_rounded_down_with_a_note() -> None:
    notes: list[str] = []
    plan = provisioned_schedule((window("08:00:30", "09:00", 2),), notes)
    assert plan.actions[0].minute == 0 and plan.actions[0].hour == 8
    assert len(notes) == 1 and "whole minutes" in notes[0]


@pytest.mark.parametrize(("days", "step"), [(1, 1), (30, 30), (45, 60), (366, 400), (5000, 3653)])
def test_retention_rounds_up_to_a_cloudwatch_step(days: int, step: int) -> None:
    notes: list[str] = []
    assert log_retention(days, notes) == step
    assert bool(notes) == (days != step)


def test_spot_weights_keep_the_share() -> None:
    for share in (0.1, 0.25, 0.3, 0.5, 0.75):
        spot, on_demand = spot_weights(share)
        assert spot / (spot + on_demand) == pytest.approx(share)


def test_stack_names_are_cloudformation_safe() -> None:
    assert stack_name("shop_api.v2") == "shop-api-v2"
    assert stack_name("2fast") == "app-2fast"


def params(text: str, architecture: str):
    return build_params(design_from_profile(parse_profile(text), architecture), iac="sam", template_set="x")


BASE = "version: 1\nname: p\ntraffic: {mean_rps: 1}\n"


def test_fargate_units_network_and_https() -> None:
    p = params(
        BASE + "fargate: {vcpu: 0.25, memory_gb: 0.5, nat_gateway: true}\nfrontend: {enabled: true, domain: x.io}\n",
        "fargate",
    )
    assert p.fargate is not None and p.network is not None
    assert (p.fargate.cpu_units, p.fargate.memory_mib) == (256, 512)
    assert p.network.nat_gateway and not p.network.tasks_public_ip
    assert p.fargate.https and p.fargate.api_domain == "api.x.io"
    plain = params(BASE, "fargate")
    assert plain.fargate is not None and plain.network is not None
    assert not plain.fargate.https and plain.network.tasks_public_ip
    assert any("HTTPS by a CloudFront distribution" in note for note in plain.notes)


def test_uploads_bucket_and_cors_origin_follow_the_profile() -> None:
    plain = params(BASE, "fargate")
    assert not plain.uploads and plain.uploads_cors_origin is None
    files = params(BASE + "storage: {stored_gb: 5}\nfrontend: {enabled: true, domain: x.io}\n", "lambda")
    assert files.uploads and files.uploads_cors_origin == "https://x.io"


def task_actions(schedule: str, bounds: str = "min_tasks: 2, max_tasks: 20") -> list[tuple[str, int, int]]:
    p = params(BASE + f"fargate: {{{bounds}, schedule: {schedule}}}\n", "fargate")
    assert p.fargate is not None
    return [(a.cron, a.min_tasks, a.max_tasks) for a in p.fargate.schedule]


def test_a_task_window_sets_both_bounds_and_its_end_restores_the_base() -> None:
    got = task_actions("[{from: '08:00', to: '20:00', min_tasks: 6}]")
    assert got == [("cron(0 8 * * ? *)", 6, 20), ("cron(0 20 * * ? *)", 2, 20)]


def test_a_task_window_across_midnight_and_one_that_starts_where_another_ends() -> None:
    got = task_actions("[{from: '22:00', to: '06:00', max_tasks: 3}, {from: '06:00', to: '09:30', min_tasks: 5}]")
    assert got == [("cron(0 6 * * ? *)", 5, 20), ("cron(30 9 * * ? *)", 2, 20), ("cron(0 22 * * ? *)", 2, 3)]


def test_task_schedule_notes_say_when_it_takes_effect_and_round_seconds() -> None:
    p = params(BASE + "fargate: {schedule: [{from: '08:00:30', to: '09:00', min_tasks: 3}]}\n", "fargate")
    assert p.fargate is not None
    assert [(a.hour, a.minute) for a in p.fargate.schedule] == [(8, 0), (9, 0)]
    assert any("fargate.schedule windows are rounded down to whole minutes" in note for note in p.notes)
    assert any("first window edge after a deploy" in note for note in p.notes)
    plain = params(BASE, "fargate")
    assert plain.fargate is not None and plain.fargate.schedule == ()
    assert not any("window" in note for note in plain.notes)


def test_aurora_uses_the_proxy_with_lambda_and_only_when_asked_with_fargate() -> None:
    aurora = BASE + "database: {kind: aurora-mysql, aurora: {rds_proxy: false}}\n"
    lam = params(aurora, "lambda")
    assert lam.database.use_proxy and lam.lambda_ is not None and lam.lambda_.in_vpc
    assert any("RDS Proxy is used" in note for note in lam.notes)
    assert not params(aurora, "fargate").database.use_proxy
    assert lam.database.engine == "aurora-mysql" and lam.database.port == 3306


def test_non_python_runtime_gets_a_python_handler_and_a_note() -> None:
    p = params(BASE + "lambda: {runtime: nodejs20.x}\n", "lambda")
    assert p.lambda_ is not None and p.lambda_.runtime == "python3.12"
    assert any("nodejs20.x" in note for note in p.notes)


def test_conditions_follow_the_design() -> None:
    p = params(BASE + "database: {kind: dynamodb}\nfrontend: {enabled: true}\nlambda: {api: rest}\n", "lambda")
    assert p.conditions() == {
        "frontend": True,
        "dynamodb": True,
        "aurora": False,
        "database": True,
        "vpc": False,
        "http_api": False,
        "rest_api": True,
        "schedule": False,
    }


@pytest.mark.parametrize(
    ("profile_value", "target_group_value"),
    [
        ("least_outstanding", "least_outstanding_requests"),
        ("round_robin", "round_robin"),
        ("weighted_random", "weighted_random"),
    ],
)
def test_routing_algorithm_maps_to_the_target_group_attribute(profile_value: str, target_group_value: str) -> None:
    p = params(BASE + f"fargate: {{load_balancing: {profile_value}}}\n", "fargate")
    assert p.fargate is not None and p.fargate.load_balancing_algorithm == target_group_value


def test_step_scaling_alarms_in_aws_and_cdk_names() -> None:
    text = (
        BASE
        + """fargate:
  scaling:
    policy: step
    metric: requests
    scale_out: {threshold: 900, adjustment: percent, min_adjustment_magnitude: 2, cooldown_s: 90.5,
                aggregation: maximum, steps: [{lower: 0, change: 50}]}
    scale_in: {threshold: 300, steps: [{upper: 0, change: -1}]}
"""
    )
    built = params(text, "fargate")
    fargate = built.fargate
    assert fargate is not None and fargate.scaling_policy == "step"
    assert fargate.alarm_metric is not None
    assert (fargate.alarm_metric.namespace, fargate.alarm_metric.metric_name) == (
        "AWS/ApplicationELB",
        "RequestCountPerTarget",
    )
    out, scale_in = fargate.step_alarms
    assert (out.name, out.comparison, out.cdk_comparison) == (
        "ScaleOut",
        "GreaterThanThreshold",
        "GREATER_THAN_THRESHOLD",
    )
    assert (out.adjustment_type, out.cdk_adjustment_type) == ("PercentChangeInCapacity", "PERCENT_CHANGE_IN_CAPACITY")
    assert (out.cooldown_s, out.min_adjustment_magnitude, out.aggregation) == (91, 2, "Maximum")  # whole seconds, up
    assert [(s.lower, s.upper, s.change) for s in out.steps] == [(0.0, None, 50)]
    assert (scale_in.name, scale_in.comparison, scale_in.datapoints) == ("ScaleIn", "LessThanThreshold", 15)
    high_resolution = params(
        BASE
        + "fargate: {scaling: {policy: step, metric_period_s: 20, scale_out: {threshold: 70, steps: [{lower: 0, change: 1}]}}}\n",
        "fargate",
    )
    assert any("step scaling alarms use 60 s periods" in note for note in high_resolution.notes)
    target_tracking = params(BASE, "fargate").fargate
    assert target_tracking is not None
    assert (target_tracking.scaling_policy, target_tracking.alarm_metric, target_tracking.step_alarms) == (
        "target_tracking",
        None,
        (),
    )
