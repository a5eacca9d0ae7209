"""The settings a template deploys, read back from CloudFormation and compared with the design's."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from archsel.profile.routes import route_layout
from archsel.scaffold.design import Design
from archsel.scaffold.params import LOG_RETENTION_DAYS, stores_files
from tests.e2e.cfn_tools import Template, resources


def _one(template: Template, kind: str, **match: Any) -> dict[str, Any]:
    found = [
        r["Properties"]
        for r in resources(template, kind).values()
        if all(r["Properties"].get(key) == value for key, value in match.items())
    ]
    assert len(found) == 1, f"expected one {kind} matching {match}, found {len(found)}"
    return found[0]


def retention_days(design: Design) -> int:
    """The retention step at or above the profile's days (CloudWatch's allowed values)."""
    return min(step for step in LOG_RETENTION_DAYS if step >= design.profile.logs.retention_days)


def lambda_settings_problems(
    template: Template, design: Design, expected_schedule: list[tuple[str, int]] | None
) -> list[str]:
    """Every function's memory, architecture, timeout, concurrency and schedule as the design says.

    Without routes that is one function at lambda.memory_mb; with routes one function per entry of
    the layout (`archsel.profile.routes`), each at its own memory, found by its logical id (SAM keeps it,
    the CDK appends an 8-character hash).
    """
    s = design.profile.lambda_
    plan = route_layout(design.profile)
    functions = {
        name: r["Properties"]
        for name, r in resources(template, "AWS::Lambda::Function").items()
        if r["Properties"].get("Handler") == "handler.handler"
    }
    problems = []
    if len(functions) != len(plan.functions):
        problems.append(f"{len(functions)} functions in the template, {len(plan.functions)} in the design")
    for planned in plan.functions:
        found = [props for name, props in functions.items() if re.fullmatch(rf"{planned.name}Function(\w{{8}})?", name)]
        if len(found) != 1:
            problems.append(f"{planned.name}Function: found {len(found)}")
            continue
        function = found[0]
        got = {
            "memory": function["MemorySize"],
            "architecture": function.get("Architectures", ["x86_64"]),
            "timeout": function["Timeout"],
            "reserved": function.get("ReservedConcurrentExecutions"),
        }
        want = {
            "memory": planned.memory_mb,
            "architecture": [s.architecture],
            "timeout": math.ceil(s.timeout_s),
            "reserved": s.reserved_concurrency,
        }
        problems += [
            f"{planned.name} {key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]
        ]
    aliases = [
        r["Properties"] for r in resources(template, "AWS::Lambda::Alias").values() if r["Properties"]["Name"] == "live"
    ]
    if len(aliases) != len(plan.functions):
        problems.append(f"{len(aliases)} aliases named live for {len(plan.functions)} functions")
    constants = {a.get("ProvisionedConcurrencyConfig", {}).get("ProvisionedConcurrentExecutions", 0) for a in aliases}
    targets = [
        t
        for t in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
        if t["Properties"]["ServiceNamespace"] == "lambda"
    ]
    if isinstance(s.provisioned_concurrency, int):
        if constants != {s.provisioned_concurrency} or targets:
            problems.append(
                f"provisioned: template {constants} (targets {len(targets)}) != design {s.provisioned_concurrency}"
            )
    else:
        assert expected_schedule is not None, "a scheduled design needs its expected actions"
        for target in targets:
            actions = [
                (a["Schedule"], a["ScalableTargetAction"]["MinCapacity"])
                for a in target["Properties"]["ScheduledActions"]
                if a["ScalableTargetAction"]["MinCapacity"] == a["ScalableTargetAction"]["MaxCapacity"]
            ]
            if sorted(actions) != sorted(expected_schedule):
                problems.append(f"schedule: template {actions} != {expected_schedule}")
        if constants != {0}:
            problems.append(f"schedule with a constant provisioned concurrency {constants}")
        if [t["Properties"]["MaxCapacity"] for t in targets] != [s.max_provisioned] * len(plan.functions):
            problems.append(f"schedule max capacity != design {s.max_provisioned} on each function")
    return problems + _common_problems(template, design)


def fargate_settings_problems(
    template: Template, design: Design, expected_schedule: list[tuple[str, int, int]]
) -> list[str]:
    """Task size, architecture, task bounds and their schedule, scaling policy, health check and network as the design says."""
    f = design.profile.fargate
    task = _one(template, "AWS::ECS::TaskDefinition")
    service = _one(template, "AWS::ECS::Service")
    target = _one(template, "AWS::ApplicationAutoScaling::ScalableTarget", ServiceNamespace="ecs")
    group = _one(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    attributes = {a["Key"]: a["Value"] for a in group.get("TargetGroupAttributes", [])}
    got = {
        "cpu": str(task["Cpu"]),
        "memory": str(task["Memory"]),
        "architecture": task["RuntimePlatform"]["CpuArchitecture"],
        "min": (target["MinCapacity"], service["DesiredCount"]),
        "max": target["MaxCapacity"],
        "deregistration": attributes.get("deregistration_delay.timeout_seconds"),
        "health": (group["HealthCheckPath"], group["HealthCheckIntervalSeconds"]),
        "public_ip": service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "nat": len(resources(template, "AWS::EC2::NatGateway")),
        "schedule": sorted(
            (a["Schedule"], a["ScalableTargetAction"]["MinCapacity"], a["ScalableTargetAction"]["MaxCapacity"])
            for a in target.get("ScheduledActions", [])
        ),
        "schedule_utc": {a.get("Timezone") for a in target.get("ScheduledActions", [])},
        "api_url_https": "https://" in json.dumps(template.get("Outputs", {}).get("ApiUrl", {}).get("Value", "")),
    }
    want = {
        "cpu": str(round(f.vcpu * 1024)),
        "memory": str(round(f.memory_gb * 1024)),
        "architecture": "ARM64" if f.architecture == "arm64" else "X86_64",
        "min": (f.min_tasks, f.min_tasks),
        "max": f.max_tasks,
        "deregistration": str(math.ceil(f.deregistration_delay_s)),
        "health": ("/health", max(5, math.ceil(f.health_check_interval_s))),
        "public_ip": "DISABLED" if f.nat_gateway else "ENABLED",
        "nat": 1 if f.nat_gateway else 0,
        "schedule": sorted(expected_schedule),
        "schedule_utc": {"Etc/UTC"} if expected_schedule else set(),
        "api_url_https": True,
    }
    problems = [f"{key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]]
    scaling = _step_problems if f.scaling.policy == "step" else _target_tracking_problems
    return problems + scaling(template, design) + _common_problems(template, design)


def _target_tracking_problems(template: Template, design: Design) -> list[str]:
    scaling = design.profile.fargate.scaling
    policy = _one(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["TargetTrackingScalingPolicyConfiguration"]
    got = {
        "metric": policy["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "target": float(policy["TargetValue"]),
        "cooldowns": (policy["ScaleOutCooldown"], policy["ScaleInCooldown"]),
        "alarms": len(resources(template, "AWS::CloudWatch::Alarm")),
    }
    want = {
        "metric": "ECSServiceAverageCPUUtilization" if scaling.metric == "cpu" else "ALBRequestCountPerTarget",
        "target": scaling.target,
        "cooldowns": (math.ceil(scaling.scale_out_cooldown_s), math.ceil(scaling.scale_in_cooldown_s)),
        "alarms": 0,  # target tracking creates and owns its alarms
    }
    return [f"{key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]]


_ADJUSTMENT_TYPES = {"change": "ChangeInCapacity", "percent": "PercentChangeInCapacity", "exact": "ExactCapacity"}


def _step_problems(template: Template, design: Design) -> list[str]:
    """One alarm per direction on the simulated metric, each invoking a step policy equal to the profile's."""
    scaling = design.profile.fargate.scaling
    wanted = {"GreaterThanThreshold": scaling.scale_out, "LessThanThreshold": scaling.scale_in}
    policies = resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    alarms = [r["Properties"] for r in resources(template, "AWS::CloudWatch::Alarm").values()]
    problems = []
    if len(policies) != len(alarms) or sorted(a["ComparisonOperator"] for a in alarms) != sorted(
        op for op, policy in wanted.items() if policy is not None
    ):
        problems.append(f"{len(alarms)} alarms and {len(policies)} policies for the design's step policies")
    for alarm in alarms:
        policy = wanted.get(alarm["ComparisonOperator"])
        if policy is None:
            continue
        (action,) = alarm["AlarmActions"]
        config = policies[action["Ref"]]["Properties"]
        steps = config["StepScalingPolicyConfiguration"]
        got = {
            "metric": (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"], alarm["Period"]),
            "alarm": (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"], float(alarm["Threshold"])),
            "missing": alarm["TreatMissingData"],
            "type": config["PolicyType"],
            "policy": (steps["AdjustmentType"], steps["Cooldown"], steps["MetricAggregationType"]),
            "magnitude": steps.get("MinAdjustmentMagnitude"),
            "steps": sorted(
                _band(s.get("MetricIntervalLowerBound"), s.get("MetricIntervalUpperBound"), s["ScalingAdjustment"])
                for s in steps["StepAdjustments"]
            ),
        }
        want = {
            "metric": ("AWS/ECS", "CPUUtilization", "Average", 60)
            if scaling.metric == "cpu"
            else ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum", 60),
            "alarm": (policy.datapoints, policy.datapoints, policy.threshold),
            "missing": "notBreaching",
            "type": "StepScaling",
            "policy": (_ADJUSTMENT_TYPES[policy.adjustment], math.ceil(policy.cooldown_s), policy.aggregation.title()),
            "magnitude": policy.min_adjustment_magnitude,
            "steps": sorted(_band(s.lower, s.upper, s.change) for s in policy.steps),
        }
        op = alarm["ComparisonOperator"]
        problems += [f"{op} {key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]]
    return problems


def _band(lower: float | None, upper: float | None, change: int) -> tuple[float, float, int]:
    """A step with its open bounds as infinities (so steps sort and compare)."""
    return (-math.inf if lower is None else float(lower), math.inf if upper is None else float(upper), change)


def _common_problems(template: Template, design: Design) -> list[str]:
    problems = []
    days = retention_days(design)
    for name, group in resources(template, "AWS::Logs::LogGroup").items():
        if group["Properties"].get("RetentionInDays") != days:
            problems.append(f"{name}: retention {group['Properties'].get('RetentionInDays')} != {days}")
    db = design.profile.database
    clusters = [r["Properties"] for r in resources(template, "AWS::RDS::DBCluster").values()]
    if db.relational:
        scaling = [c["ServerlessV2ScalingConfiguration"] for c in clusters]
        if [(float(x["MinCapacity"]), float(x["MaxCapacity"])) for x in scaling] != [
            (db.aurora.min_acu, db.aurora.max_acu)
        ]:
            problems.append(f"aurora capacity {scaling} != design {db.aurora.min_acu}-{db.aurora.max_acu}")
    elif clusters:
        problems.append("an Aurora cluster although the design has none")
    tables = resources(template, "AWS::DynamoDB::Table")
    if (db.kind == "dynamodb") != bool(tables):
        problems.append(f"DynamoDB tables {list(tables)} for database kind {db.kind}")
    for name, table in tables.items():
        props = table["Properties"]
        if props.get("BillingMode") != "PAY_PER_REQUEST" or not props.get("PointInTimeRecoverySpecification", {}).get(
            "PointInTimeRecoveryEnabled"
        ):
            problems.append(f"{name}: not on-demand with point-in-time recovery")
    distributions = resources(template, "AWS::CloudFront::Distribution")
    if design.profile.frontend.enabled != any(name.startswith("Frontend") for name in distributions):
        problems.append("front-end CloudFront distribution present iff frontend.enabled")
    buckets = [name for name in resources(template, "AWS::S3::Bucket") if name.startswith("Uploads")]
    if stores_files(design.profile) != bool(buckets):
        problems.append(f"uploads buckets {buckets} although the profile's storage is {design.profile.storage}")
    return problems
