"""Billed usage of a simulated Fargate service, scaled from the measured window to the month.

The billing rules themselves (the minimum, free storage, LCUs, NAT, public IPv4, data out) are
archsel.billing.rules, shared with the no-simulation estimate; this module feeds them what the
simulation measured:
- Task time: from launch (image pull) to stop, split on-demand / Spot; only the part inside
  [0, horizon) counts, and the one-minute minimum applies to tasks that both launched and
  stopped inside it.
- ALB: one load balancer all month; LCUs hour by hour from that hour's arrivals and responses
  (connection reuse and listener rules from the profile's ``fargate.alb``).
- Public IPv4 and NAT: the ALB's addresses plus the NAT gateway's, or each task's while it
  exists; the NAT processes what the answered requests send out.
- Response data out to clients for the answered requests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archsel.billing.rules import (
    FARGATE_MINIMUM_BILLED_S,
    alb_lcu,
    data_out_gb,
    fargate_extra_ephemeral_gb,
    nat_gateway_hours,
    nat_processed_gb,
    public_ipv4_hours,
)
from archsel.billing.usage import FargateUsage
from archsel.profile.schema import WorkloadProfile
from archsel.sim.fargate.fleet import TaskLife
from archsel.sim.fargate.params import FargateParams


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
            inside = max(inside, FARGATE_MINIMUM_BILLED_S)
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
    for start in range(0, seconds, 3_600):
        span = min(3_600, seconds - start)
        requests = float(arrivals[start : start + span].sum())
        answered = float(responses[start : start + span].sum())
        kb = requests * profile.request.payload_kb + answered * profile.request.response_kb
        total += alb_lcu(alb, requests=requests, processed_kb=kb, span_s=span) * span / 3_600.0
    return total


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
    ipv4 = public_ipv4_hours(
        profile,
        hours=hours,
        task_hours=tasks.alive / 3_600.0,
        alb_addresses=params.alb_public_ipv4,
        nat_gateways=params.nat_gateways,
    )
    return FargateUsage(
        vcpu=fargate.vcpu,
        memory_gb=fargate.memory_gb,
        architecture=fargate.architecture,
        ondemand_task_seconds=tasks.ondemand_billed * month,
        spot_task_seconds=tasks.spot_billed * month,
        ephemeral_extra_gb=fargate_extra_ephemeral_gb(fargate.ephemeral_storage_gb),
        alb_hours=hours * month,
        alb_lcu_hours=lcu_hours(profile, arrivals, responses, horizon_s) * month,
        public_ipv4_hours=ipv4 * month,
        nat_gateway_hours=nat_gateway_hours(profile, hours, params.nat_gateways) * month,
        nat_processed_gb=nat_processed_gb(profile, answered) * month,
        response_gb=data_out_gb(answered, profile.request.response_kb) * month,
    )
