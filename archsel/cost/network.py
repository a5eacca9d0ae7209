"""Network usage around Fargate: ALB capacity units, public IPv4 addresses and the NAT gateway.

Shared by the no-simulation estimate and the Fargate simulator, which both hand the cost
engine a FargateUsage. LCU figures are from the ELB pricing page (one LCU per hour gives
25 new connections/s, 3,000 active connections per minute, 1 GB processed per hour for
EC2/IP/container targets, 1,000 rule evaluations/s; you pay for the largest dimension).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archsel.profile.schema import WorkloadProfile

NEW_CONNECTIONS_PER_S_PER_LCU = 25.0
ACTIVE_CONNECTIONS_PER_LCU = 3_000.0
PROCESSED_GB_PER_HOUR_PER_LCU = 1.0  # Lambda targets get 0.4; archsel's ALB only fronts Fargate tasks
RULE_EVALUATIONS_PER_S_PER_LCU = 1_000.0
FREE_RULES_PER_REQUEST = 10

# The ELB page counts processed bytes in decimal units (300 KB/s x 3,600 s = 1.08 GB).
KB_PER_GB_DECIMAL = 1_000_000.0
# Data transfer and logs count binary units (API Gateway page: 15,000,000 KB = 14.3 GB).
KB_PER_GB_BINARY = 1_024.0 * 1_024.0
ALB_PUBLIC_ADDRESSES = 2  # an internet-facing ALB spans at least two AZs, one public IPv4 each


def lcu_per_hour(
    *,
    new_connections_per_s: float,
    connection_duration_s: float,
    processed_gb_per_hour: float,
    rule_evaluations_per_s: float,
) -> float:
    """Billed LCUs for one hour: the largest of the four dimensions.

    Active connections follow from Little's law (new connections/s x how long each stays open).
    AWS's first ALB example: 1 new connection/s lasting 2 minutes, 300 KB/s processed,
    5 requests/s through 60 rules (50 beyond the free 10):

    >>> lcu_per_hour(new_connections_per_s=1, connection_duration_s=120,
    ...              processed_gb_per_hour=300 * 3600 / 1e6, rule_evaluations_per_s=5 * 50)
    1.08
    """
    return max(
        new_connections_per_s / NEW_CONNECTIONS_PER_S_PER_LCU,
        new_connections_per_s * connection_duration_s / ACTIVE_CONNECTIONS_PER_LCU,
        processed_gb_per_hour / PROCESSED_GB_PER_HOUR_PER_LCU,
        rule_evaluations_per_s / RULE_EVALUATIONS_PER_S_PER_LCU,
    )


def lcu_at_rate(profile: WorkloadProfile, requests_per_s: float) -> float:
    """Billed LCUs for an hour whose mean request rate is ``requests_per_s``."""
    alb = profile.fargate.alb
    kb_per_request = profile.request.payload_kb + profile.request.response_kb
    return lcu_per_hour(
        new_connections_per_s=requests_per_s / alb.requests_per_connection,
        connection_duration_s=alb.connection_duration_s,
        processed_gb_per_hour=requests_per_s * kb_per_request * 3_600.0 / KB_PER_GB_DECIMAL,
        rule_evaluations_per_s=requests_per_s * max(0, alb.rules_evaluated - FREE_RULES_PER_REQUEST),
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
    single-AZ simplification; a highly available setup has one per AZ) whose Elastic IP is a
    public address; without it every task holds a public IPv4 address. The NAT carries the
    tasks' outbound traffic to AWS public endpoints, taken here as the log data shipped to
    CloudWatch Logs and the DynamoDB item traffic (no VPC endpoints assumed); image pulls and
    calls to third parties are not counted.
    """
    hours = profile.pricing.hours_per_month
    nat = profile.fargate.nat_gateway
    addresses_hours = ALB_PUBLIC_ADDRESSES * hours + (hours if nat else task_hours)
    return FargateNetwork(
        alb_hours=hours,
        alb_lcu_hours=alb_lcu_hours(profile, hourly_rps, hours),
        public_ipv4_hours=addresses_hours,
        nat_gateway_hours=hours if nat else 0.0,
        nat_processed_gb=nat_outbound_gb(profile, requests) if nat else 0.0,
        response_gb=requests * profile.request.response_kb / KB_PER_GB_BINARY,
    )


def nat_outbound_gb(profile: WorkloadProfile, requests: float) -> float:
    """GB a month the tasks send out through the NAT gateway (logs and DynamoDB items)."""
    kb_per_request = profile.logs.kb_per_request
    database = profile.database
    if database.kind == "dynamodb":
        kb_per_request += (database.reads_per_request + database.writes_per_request) * database.item_kb
    return requests * kb_per_request / KB_PER_GB_BINARY
