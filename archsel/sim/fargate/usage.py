"""Billed usage of a simulated Fargate service, scaled from the measured window to the month.

- Task time: per second from launch (image pull) to stop, one-minute minimum per task
  (https://aws.amazon.com/fargate/pricing/),
  split on-demand / Spot; only the part inside [0, horizon) counts, and the minimum applies to
  tasks that both launched and stopped inside it.
- ALB: one load balancer all month; LCUs per hour = the largest of new connections/s / 25, active
  connections/min / 3,000, processed GB/h / 1 and billable rule evaluations/s / 1,000. Connection
  counts are assumptions (FargateParams: keep-alive connections of 5 requests lasting 2 minutes);
  processed bytes are request plus response bodies in decimal GB, as the ALB pricing page counts.
- Public IPv4: the ALB's addresses; each task's public IP while it exists unless the tasks sit
  behind a NAT gateway, whose Elastic IP counts instead.
- NAT gateway data: what tasks send out through it per request: log lines to CloudWatch Logs and,
  with DynamoDB, item reads and writes (no VPC endpoints assumed). Image pulls are not counted.
- Response data out to clients in GB of 1,024 x 1,024 KB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archsel.billing.usage import FargateUsage
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.fleet import TaskLife
from archsel.sim.fargate.params import (
    FREE_RULES_PER_REQUEST,
    LCU_ACTIVE_CONNECTIONS_PER_MIN,
    LCU_NEW_CONNECTIONS_PER_S,
    LCU_PROCESSED_GB_PER_HOUR,
    LCU_RULE_EVALUATIONS_PER_S,
    FargateParams,
)

MINIMUM_BILLED_S = 60.0
KB_PER_GB_BINARY = 1_024.0 * 1_024.0
KB_PER_GB_DECIMAL = 1_000_000.0


@dataclass(frozen=True, slots=True)
class TaskSeconds:
    """Task time inside the measured window."""

    ondemand_billed: float
    spot_billed: float
    alive: float
    """Task-seconds from launch to stop without the minimum (public IP time)."""


def billed_task_seconds(lives: tuple[TaskLife, ...], horizon_s: float) -> TaskSeconds:
    """Billed on-demand and Spot task-seconds over [0, horizon)."""
    billed = {False: 0.0, True: 0.0}
    alive = 0.0
    for life in lives:
        inside = max(0.0, min(life.stop_s, horizon_s) - max(life.launch_s, 0.0))
        alive += inside
        if life.launch_s >= 0 and life.stop_s <= horizon_s:
            inside = max(inside, MINIMUM_BILLED_S)
        billed[life.spot] += inside
    return TaskSeconds(billed[False], billed[True], alive)


def lcu_hours(profile: WorkloadProfile, arrivals: np.ndarray, responses: np.ndarray, horizon_s: float) -> float:
    """Sum over hours of the largest LCU dimension, from per-second arrival and response counts.

    How clients use connections and how many listener rules a request meets come from the
    profile's ``fargate.alb`` (the same settings the no-simulation estimate uses).
    """
    alb = profile.fargate.alb
    total = 0.0
    seconds = math.ceil(horizon_s)
    billable_rules = max(0.0, alb.rules_evaluated - FREE_RULES_PER_REQUEST)
    for start in range(0, seconds, 3_600):
        span = min(3_600, seconds - start)
        requests = float(arrivals[start : start + span].sum())
        answered = float(responses[start : start + span].sum())
        new_per_s = requests / alb.requests_per_connection / span
        active_per_min = new_per_s * alb.connection_duration_s
        kb = requests * profile.request.payload_kb + answered * profile.request.response_kb
        gb_per_hour = kb / KB_PER_GB_DECIMAL * 3_600.0 / span
        rules_per_s = requests * billable_rules / span
        lcu = max(
            new_per_s / LCU_NEW_CONNECTIONS_PER_S,
            active_per_min / LCU_ACTIVE_CONNECTIONS_PER_MIN,
            gb_per_hour / LCU_PROCESSED_GB_PER_HOUR,
            rules_per_s / LCU_RULE_EVALUATIONS_PER_S,
        )
        total += lcu * span / 3_600.0
    return total


def nat_kb_per_request(profile: WorkloadProfile) -> float:
    """KB a task sends through a NAT gateway per request (logs, DynamoDB items)."""
    kb = profile.logs.kb_per_request
    database = profile.database
    if database.kind == "dynamodb":
        kb += (database.reads_per_request + database.writes_per_request) * database.item_kb
    return kb


def fargate_usage(
    profile: WorkloadProfile,
    params: FargateParams,
    lives: tuple[TaskLife, ...],
    traffic: tuple[np.ndarray, np.ndarray],
    horizon_s: float,
) -> FargateUsage:
    """Monthly usage from the task lives and the per-second (arrivals, responses) of the window."""
    fargate = profile.fargate
    month = profile.seconds_per_month / horizon_s
    hours = horizon_s / 3_600.0
    arrivals, responses = traffic
    tasks = billed_task_seconds(lives, horizon_s)
    answered = float(responses.sum())
    ipv4 = params.alb_public_ipv4 * hours
    ipv4 += params.nat_gateways * hours if fargate.nat_gateway else tasks.alive / 3_600.0
    nat_gb = answered * nat_kb_per_request(profile) / KB_PER_GB_BINARY if fargate.nat_gateway else 0.0
    return FargateUsage(
        vcpu=fargate.vcpu,
        memory_gb=fargate.memory_gb,
        architecture=fargate.architecture,
        ondemand_task_seconds=tasks.ondemand_billed * month,
        spot_task_seconds=tasks.spot_billed * month,
        ephemeral_extra_gb=max(0.0, fargate.ephemeral_storage_gb - 20.0),
        alb_hours=hours * month,
        alb_lcu_hours=lcu_hours(profile, arrivals, responses, horizon_s) * month,
        public_ipv4_hours=ipv4 * month,
        nat_gateway_hours=params.nat_gateways * hours * month if fargate.nat_gateway else 0.0,
        nat_processed_gb=nat_gb * month,
        response_gb=answered * profile.request.response_kb / KB_PER_GB_BINARY * month,
    )
