"""The settings a template deploys, read back from CloudFormation and compared with the design's."""

from __future__ import annotations

import math
from typing import Any

from archsel.scaffold.design import Design
from archsel.scaffold.params import LOG_RETENTION_DAYS
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
    """Function memory, architecture, timeout, concurrency and schedule as the design says."""
    s = design.profile.lambda_
    function = _one(template, "AWS::Lambda::Function", Handler="handler.handler")
    got = {
        "memory": function["MemorySize"],
        "architecture": function.get("Architectures", ["x86_64"]),
        "timeout": function["Timeout"],
        "reserved": function.get("ReservedConcurrentExecutions"),
    }
    want = {
        "memory": s.memory_mb,
        "architecture": [s.architecture],
        "timeout": math.ceil(s.timeout_s),
        "reserved": s.reserved_concurrency,
    }
    problems = [f"{key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]]
    alias = _one(template, "AWS::Lambda::Alias", Name="live")
    constant = alias.get("ProvisionedConcurrencyConfig", {}).get("ProvisionedConcurrentExecutions", 0)
    targets = [
        t
        for t in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
        if t["Properties"]["ServiceNamespace"] == "lambda"
    ]
    if isinstance(s.provisioned_concurrency, int):
        if constant != s.provisioned_concurrency or targets:
            problems.append(
                f"provisioned: template {constant} (targets {len(targets)}) != design {s.provisioned_concurrency}"
            )
    else:
        assert expected_schedule is not None, "a scheduled design needs its expected actions"
        actions = [
            (a["Schedule"], a["ScalableTargetAction"]["MinCapacity"])
            for t in targets
            for a in t["Properties"]["ScheduledActions"]
            if a["ScalableTargetAction"]["MinCapacity"] == a["ScalableTargetAction"]["MaxCapacity"]
        ]
        if sorted(actions) != sorted(expected_schedule) or constant:
            problems.append(f"schedule: template {actions} (constant {constant}) != {expected_schedule}")
        if [t["Properties"]["MaxCapacity"] for t in targets] != [s.max_provisioned]:
            problems.append(f"schedule max capacity != design {s.max_provisioned}")
    return problems + _common_problems(template, design)


def fargate_settings_problems(template: Template, design: Design) -> list[str]:
    """Task size, architecture, task bounds, scaling policy, health check and network as the design says."""
    f = design.profile.fargate
    task = _one(template, "AWS::ECS::TaskDefinition")
    service = _one(template, "AWS::ECS::Service")
    target = _one(template, "AWS::ApplicationAutoScaling::ScalableTarget", ServiceNamespace="ecs")
    policy = _one(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["TargetTrackingScalingPolicyConfiguration"]
    group = _one(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    attributes = {a["Key"]: a["Value"] for a in group.get("TargetGroupAttributes", [])}
    got = {
        "cpu": str(task["Cpu"]),
        "memory": str(task["Memory"]),
        "architecture": task["RuntimePlatform"]["CpuArchitecture"],
        "min": (target["MinCapacity"], service["DesiredCount"]),
        "max": target["MaxCapacity"],
        "metric": policy["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "target": float(policy["TargetValue"]),
        "cooldowns": (policy["ScaleOutCooldown"], policy["ScaleInCooldown"]),
        "deregistration": attributes.get("deregistration_delay.timeout_seconds"),
        "health": (group["HealthCheckPath"], group["HealthCheckIntervalSeconds"]),
        "public_ip": service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "nat": len(resources(template, "AWS::EC2::NatGateway")),
    }
    want = {
        "cpu": str(round(f.vcpu * 1024)),
        "memory": str(round(f.memory_gb * 1024)),
        "architecture": "ARM64" if f.architecture == "arm64" else "X86_64",
        "min": (f.min_tasks, f.min_tasks),
        "max": f.max_tasks,
        "metric": "ECSServiceAverageCPUUtilization" if f.scaling.metric == "cpu" else "ALBRequestCountPerTarget",
        "target": f.scaling.target,
        "cooldowns": (math.ceil(f.scaling.scale_out_cooldown_s), math.ceil(f.scaling.scale_in_cooldown_s)),
        "deregistration": str(math.ceil(f.deregistration_delay_s)),
        "health": ("/health", max(5, math.ceil(f.health_check_interval_s))),
        "public_ip": "DISABLED" if f.nat_gateway else "ENABLED",
        "nat": 1 if f.nat_gateway else 0,
    }
    problems = [f"{key}: template {got[key]} != design {want[key]}" for key in want if got[key] != want[key]]
    return problems + _common_problems(template, design)


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
    if design.profile.frontend.enabled != bool(resources(template, "AWS::CloudFront::Distribution")):
        problems.append("CloudFront distribution present iff frontend.enabled")
    return problems
