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
    standard_metric_lag_periods: int = 3
    """Periods between the end of a 60-s metric period and the alarm evaluation that acts on it.
    Calibrated to AWS's own benchmark of a load step with standard-resolution metrics: scale-out
    triggered 363 s after the step, tasks provisioned at 386 s
    (https://aws.amazon.com/blogs/aws/amazon-ecs-introduces-new-high-resolution-metrics-for-faster-service-auto-scaling/).
    Three datapoints above the target take 2-3 periods after the first boundary past the step;
    three more periods of publication and evaluation delay put the trigger at ~330 s on average,
    within 10 % of the benchmark (one period less gives 270 s, one more 390 s)."""
    high_resolution_metric_lag_periods: int = 2
    """The same delay for 20-s (high-resolution) metrics, which AWS also publishes faster: the same
    benchmark triggers 86 s and provisions 109 s after the step; two 20-s periods give ~90 s."""
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

    def metric_lag_periods(self, period_s: float) -> int:
        """Periods between a datapoint's period closing and the alarm acting on it, for this metric period."""
        return self.high_resolution_metric_lag_periods if period_s < 60.0 else self.standard_metric_lag_periods
