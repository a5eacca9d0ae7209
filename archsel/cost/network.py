"""Network usage around Fargate in the no-simulation estimate: ALB capacity units, public IPv4 and the NAT gateway.

The billing rules (LCU dimensions, NAT, public addresses, data out) are archsel.billing.rules,
the same the Fargate simulator bills by; this module applies them to the estimate's mean rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archsel.billing.rules import (
    alb_lcu,
    data_out_gb,
    lambda_nat_gateway_hours,
    nat_gateway_hours,
    nat_processed_gb,
    public_ipv4_hours,
)
from archsel.cost.billing import Charge, decimal
from archsel.profile.schema import WorkloadProfile


def lcu_at_rate(profile: WorkloadProfile, requests_per_s: float) -> float:
    """Billed LCUs for an hour whose mean request rate is ``requests_per_s``.

    AWS's first ALB example, 5 requests/s of 60 KB each way on connections of 5 requests
    lasting 2 minutes through 60 rules, is 1.08 LCU:

    >>> from archsel.profile.loader import parse_profile
    >>> alb = parse_profile("{version: 1, name: x, traffic: {mean_rps: 5}, request: {payload_kb: 10, response_kb: 50},"
    ...     " fargate: {alb: {requests_per_connection: 5, connection_duration_s: 120, rules_evaluated: 60}}}")
    >>> round(lcu_at_rate(alb, 5.0), 12)
    1.08
    """
    kb_per_request = profile.request.payload_kb + profile.request.response_kb
    return alb_lcu(
        profile.fargate.alb, requests=requests_per_s, processed_kb=requests_per_s * kb_per_request, span_s=1.0
    )


def alb_lcu_hours(profile: WorkloadProfile, hourly_rps: Sequence[float], hours_per_month: float) -> float:
    """LCU-hours in a month whose hours repeat ``hourly_rps`` (one cycle of mean rates per hour).

    LCU is billed hour by hour on the largest dimension, so it is averaged per hour rather
    than taken at the mean rate.
    """
    if not hourly_rps:
        return 0.0
    mean_lcu = sum(lcu_at_rate(profile, rate) for rate in hourly_rps) / len(hourly_rps)
    return mean_lcu * hours_per_month


@dataclass(frozen=True, slots=True)
class FargateNetwork:
    """Monthly network usage of an ALB + Fargate service (the FargateUsage fields of the same names)."""

    alb_hours: float
    alb_lcu_hours: float
    public_ipv4_hours: float
    nat_gateway_hours: float
    nat_processed_gb: float
    response_gb: float


def fargate_network(
    profile: WorkloadProfile, *, task_hours: float, hourly_rps: Sequence[float], requests: float
) -> FargateNetwork:
    """ALB, public IPv4 and NAT usage for ``task_hours`` of tasks serving ``requests`` a month.

    With ``fargate.nat_gateway`` the tasks sit in private subnets behind one NAT gateway (a
    single-AZ simplification; a highly available setup has one per AZ); without it every task
    holds a public IPv4 address.
    """
    hours = profile.pricing.hours_per_month
    return FargateNetwork(
        alb_hours=hours,
        alb_lcu_hours=alb_lcu_hours(profile, hourly_rps, hours),
        public_ipv4_hours=public_ipv4_hours(profile, hours=hours, task_hours=task_hours),
        nat_gateway_hours=nat_gateway_hours(profile, hours),
        nat_processed_gb=nat_processed_gb(profile, requests),
        response_gb=data_out_gb(requests, profile.request.response_kb),
    )


def lambda_vpc_charges(profile: WorkloadProfile) -> tuple[Charge, ...]:
    """The function's VPC: a NAT gateway and its Elastic IP (a billed public IPv4 address) when the function
    sits in a VPC and the profile asks for one (https://aws.amazon.com/vpc/pricing/); nothing otherwise.

    Its processed data is not counted: DynamoDB and S3 go through free gateway endpoints, logs through
    the Lambda service, and calls to third parties are not in the profile.
    """
    hours = lambda_nat_gateway_hours(profile, profile.pricing.hours_per_month)
    if hours <= 0:
        return ()
    quantity = decimal(hours)
    return (
        Charge("nat_gateway", "NAT gateway hours (the function's VPC)", "nat.hour", quantity, "hours", always_on=True),
        Charge("public_ipv4", "NAT gateway address", "vpc.public_ipv4", quantity, "IP-hours", always_on=True),
    )
