"""Platform constants of the ALB + Fargate model that the profile does not set, each with its source.

The profile holds what a user chooses (task size, scaling policy, health-check interval, ...);
these are AWS behaviours and documented defaults (ECS, Fargate and ALB documentation) plus the few
assumptions the model needs, kept in one frozen value so a run can be made "as of" a date.
"""

from __future__ import annotations

from dataclasses import dataclass

from archsel.billing.rules import ALB_PUBLIC_ADDRESSES, NAT_GATEWAYS


@dataclass(frozen=True, slots=True)
class FargateParams:
    """AWS behaviour and modelling assumptions for one Fargate simulation."""

    alb_latency_ms: float = 2.0
    """Time the ALB adds per request. AWS's ALB access-log example shows request_processing_time
    0.001 s and response_processing_time 0.001 s (re:Post knowledge center, elb-fix-high-latency-on-alb)."""
    alb_idle_timeout_s: float = 60.0
    """ALB idle timeout (default 60 s): a target that has not answered by then gets the client a 504,
    while the task keeps working on the request (ELB docs, load balancer attributes)."""
    scale_in_ratio: float = 0.9
    """Scale-in alarm threshold as a share of the target: target tracking's AlarmLow fires at 90 % of it
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html)."""
    alarm_lag_periods: int = 1
    """Periods between the end of a metric period and the alarm evaluation that first sees it.
    ECS sends one datapoint per period after the period closes and the alarm evaluates on period
    boundaries, so a period's datapoint is acted on at the next boundary. With 3 x 60-s datapoints
    this puts the scale-out trigger 3-4 minutes after a load step (AWS benchmark: 363 s)."""
    launch_bucket_burst: float = 100.0
    """Account task-launch token bucket size: 100 tasks burst
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html)."""
    launch_bucket_rate_per_s: float = 20.0
    """Account task-launch refill rate: 20 tasks/s sustained (same ECS throttling page)."""
    service_launches_per_min: float = 500.0
    """Fargate tasks a service may launch per minute, modelled as a sliding 60-s window
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html)."""
    spot_notice_s: float = 120.0
    """Fargate Spot interruption notice: the task drains and is stopped two minutes later."""
    nat_gateways: int = NAT_GATEWAYS
    """NAT gateways when tasks sit in private subnets (one; a gateway per AZ doubles the hours)."""
    alb_public_ipv4: int = ALB_PUBLIC_ADDRESSES
    """Public IPv4 addresses of an internet-facing ALB (one per AZ node, two AZs)."""
