"""AWS billing rules and constants, written once for the simulators and the no-simulation estimate.

Both sides turn a load into billed usage (a LambdaUsage or FargateUsage); whatever AWS's pricing
pages decide about that conversion lives here, so the two cannot drift apart. Each rule names the
public page it comes from. Only quantities are computed here: prices stay in the price tables.
"""

from __future__ import annotations

import math
from typing import Literal

from archsel.profile.fargate_schema import Alb
from archsel.profile.performance import duration_factor
from archsel.profile.routes import mean_duration_ms
from archsel.profile.schema import WorkloadProfile

_EPSILON = 1e-9
"""Float noise allowance when rounding up to a billing step: a quantity that is a whole number of
steps up to rounding error (900.0000000000001 s of provisioned concurrency) is that many steps."""

# ----------------------------------------------------------------------------- units

KB_PER_GB_BINARY = 1_024.0 * 1_024.0
"""Data transfer out, CloudWatch Logs and NAT processing count binary GB: the API Gateway pricing
page's example turns 15,000,000 KB into 14.3 GB (https://aws.amazon.com/api-gateway/pricing/)."""

KB_PER_GB_DECIMAL = 1_000_000.0
"""The ALB counts processed bytes in decimal GB: its pricing example turns 300 KB/s over an hour
into 1.08 GB (https://aws.amazon.com/elasticloadbalancing/pricing/)."""

MB_PER_GB = 1_024.0
"""Binary GB for sizes given in MB: Lambda GB-seconds take memory and ephemeral storage in MB over
1,024 (a 512 MB function is 0.5 GB; https://aws.amazon.com/lambda/pricing/), and data transfer
counts binary GB as above."""


def data_out_gb(responses: float, response_kb: float) -> float:
    """GB sent to clients by ``responses`` responses of ``response_kb`` each (data transfer out is binary GB).

    >>> data_out_gb(1_048_576, 16.0)
    16.0
    """
    return responses * response_kb / KB_PER_GB_BINARY


# ----------------------------------------------------------------------------- Lambda

FREE_EPHEMERAL_MB = 512.0
"""Lambda includes 512 MB of /tmp; every GB above it is charged per GB-second of billed duration
(https://aws.amazon.com/lambda/pricing/, "Ephemeral storage")."""

LAMBDA_BILLING_STEP_MS = 1.0
"""Lambda bills invocation duration (and INIT) in 1 ms steps, with no minimum
(https://aws.amazon.com/lambda/pricing/, "Duration")."""

PROVISIONED_ROUNDING_S = 300.0
"""Provisioned concurrency is billed from enabling to disabling it, rounded up to the nearest
5 minutes (https://aws.amazon.com/lambda/pricing/, "Provisioned Concurrency Pricing")."""


def lambda_extra_ephemeral_gb(ephemeral_storage_mb: float) -> float:
    """GB of a function's /tmp above the free 512 MB, the part Lambda bills per GB-second.

    >>> lambda_extra_ephemeral_gb(512), lambda_extra_ephemeral_gb(10_240)
    (0.0, 9.5)
    """
    return max(0.0, ephemeral_storage_mb - FREE_EPHEMERAL_MB) / MB_PER_GB


def provisioned_rounded_s(enabled_s: float) -> float:
    """Billed seconds of one stretch of provisioned concurrency: its length rounded up to 5 minutes.

    >>> provisioned_rounded_s(100.0), provisioned_rounded_s(300.0), provisioned_rounded_s(301.0)
    (300.0, 300.0, 600.0)
    """
    return math.ceil(enabled_s / PROVISIONED_ROUNDING_S - _EPSILON) * PROVISIONED_ROUNDING_S


# ----------------------------------------------------------------------------- API Gateway

HTTP_API_METERING_KB = 512.0
"""HTTP APIs meter requests in 512 KB increments: a 40 KB request is one request, a 513 KB one is
two (https://aws.amazon.com/api-gateway/pricing/, HTTP APIs). REST APIs count each request once."""


def metered_requests_per_request(api: Literal["http", "rest"], payload_kb: float) -> int:
    """API Gateway requests billed for one request with a ``payload_kb`` body.

    The epsilon never hides a real byte (a byte is 1/1,024 KB, far above 512 x 1e-9 KB); it keeps a
    payload that is a whole number of 512 KB steps up to float rounding (a computed 1,024.0000000000002
    KB) at that number of steps.

    >>> metered_requests_per_request("http", 40), metered_requests_per_request("http", 512)
    (1, 1)
    >>> metered_requests_per_request("http", 600), metered_requests_per_request("rest", 600)
    (2, 1)
    """
    if api == "rest":
        return 1
    return max(1, math.ceil(payload_kb / HTTP_API_METERING_KB - _EPSILON))


# ----------------------------------------------------------------------------- Fargate

FARGATE_FREE_EPHEMERAL_GB = 20.0
"""Every Fargate task gets 20 GB of ephemeral storage at no charge; only storage configured above
it is billed (https://aws.amazon.com/fargate/pricing/, "Ephemeral storage")."""

FARGATE_MINIMUM_BILLED_S = 60.0
"""Fargate bills per second from image pull to task stop, with a one-minute minimum per task
(https://aws.amazon.com/fargate/pricing/)."""


def fargate_extra_ephemeral_gb(ephemeral_storage_gb: float) -> float:
    """GB of a task's ephemeral storage above the free 20 GB.

    >>> fargate_extra_ephemeral_gb(20), fargate_extra_ephemeral_gb(50)
    (0.0, 30.0)
    """
    return max(0.0, ephemeral_storage_gb - FARGATE_FREE_EPHEMERAL_GB)


def settled_tasks(profile: WorkloadProfile, rate_rps: float) -> int:
    """Tasks the scaling policy holds at a steady ``rate_rps``: the fewest that keep its metric at the target.

    The tasks a service is billed for under a steady load, and where a simulation starts. Target
    tracking keeps the metric at the target; step scaling adds tasks only above its scale-out
    threshold, so it settles there (``holding_value``). CPU: the vCPU-seconds of work per second
    over the vCPU each task may use at that level; request count: requests per minute over the
    per-target value (ALBRequestCountPerTarget counts a minute's requests). See
    https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
    """
    fargate = profile.fargate
    scaling = fargate.scaling
    if scaling.metric == "cpu":
        vcpu_busy = rate_rps * profile.request.cpu_fraction * mean_duration_ms(profile) / 1000.0
        needed = vcpu_busy / (fargate.vcpu * scaling.holding_value / 100.0)
    else:
        needed = rate_rps * 60.0 / scaling.holding_value
    return math.ceil(needed - _EPSILON)


# ----------------------------------------------------------------------------- Lambda Managed Instances


def managed_instances(profile: WorkloadProfile, rate_rps: float) -> int:
    """Instances a Lambda Managed Instances capacity provider holds at a steady ``rate_rps``.

    The scaler keeps the load, in instances' worth (vCPU of work, or requests in flight over an
    instance's admission slots, whichever is larger), at the target; the fleet never drops below
    min_instances (three by default for AZ resilience:
    https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html). Instances
    bill by the second from launch like any EC2 instance, and the management fee follows them
    (https://aws.amazon.com/lambda/pricing/).
    """
    settings = profile.lambda_managed
    in_flight = rate_rps * mean_duration_ms(profile) / 1_000.0  # Little's law
    cpu_load = in_flight * profile.request.cpu_fraction / settings.instance_vcpu_in_use()
    slot_load = in_flight / settings.admission_slots(profile.lambda_.runtime, profile.request.cpu_fraction)
    needed = math.ceil(max(cpu_load, slot_load) / (settings.target_cpu / 100.0) - _EPSILON)
    return min(max(needed, settings.min_instances), settings.max_instances)


def managed_instance_rps(profile: WorkloadProfile) -> float:
    """Requests per second one Managed Instances instance serves flat out: its CPU, or its slots, whichever binds."""
    settings = profile.lambda_managed
    cpu_fraction = profile.request.cpu_fraction
    duration_s = mean_duration_ms(profile) / 1_000.0 * duration_factor(cpu_fraction, settings.environment_vcpu)
    slots = settings.admission_slots(profile.lambda_.runtime, cpu_fraction)
    by_slots = slots / duration_s
    if cpu_fraction <= 0:
        return by_slots
    return min(by_slots, settings.instance_vcpu_in_use() / (cpu_fraction * duration_s))


# ----------------------------------------------------------------------------- ALB

# What one LCU provides for an hour; an hour is billed on the largest of the four dimensions
# (https://aws.amazon.com/elasticloadbalancing/pricing/, Application Load Balancer).
LCU_NEW_CONNECTIONS_PER_S = 25.0
LCU_ACTIVE_CONNECTIONS_PER_MIN = 3_000.0
LCU_PROCESSED_GB_PER_HOUR = 1.0
"""For EC2, IP and container targets (Lambda targets get 0.4 GB); archsel's ALB only fronts Fargate tasks."""
LCU_RULE_EVALUATIONS_PER_S = 1_000.0
FREE_RULES_PER_REQUEST = 10.0
"""The first 10 listener rules a request meets are free (same page)."""

ALB_PUBLIC_ADDRESSES = 2
"""An internet-facing ALB spans at least two Availability Zones, with a public IPv4 address in each,
and every public IPv4 address is billed by the hour (https://aws.amazon.com/vpc/pricing/, Public IPv4)."""


def billable_rules_per_request(rules_evaluated: float) -> float:
    """Listener rule evaluations per request beyond the free 10."""
    return max(0.0, rules_evaluated - FREE_RULES_PER_REQUEST)


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
        new_connections_per_s / LCU_NEW_CONNECTIONS_PER_S,
        new_connections_per_s * connection_duration_s / LCU_ACTIVE_CONNECTIONS_PER_MIN,
        processed_gb_per_hour / LCU_PROCESSED_GB_PER_HOUR,
        rule_evaluations_per_s / LCU_RULE_EVALUATIONS_PER_S,
    )


def alb_lcu(alb: Alb, *, requests: float, processed_kb: float, span_s: float) -> float:
    """LCUs of an hour in which ``requests`` requests moving ``processed_kb`` (bodies both ways) arrive per ``span_s``.

    The profile's ``fargate.alb`` says how clients reuse connections and how many rules a request
    meets. The simulator passes an hour's counts (``span_s`` up to 3,600; less for a last, partial
    hour); the estimate passes mean rates (``span_s`` = 1). LCU-hours are the sum over the billed
    hours of this figure.

    >>> lcu = alb_lcu(Alb(requests_per_connection=5, connection_duration_s=120, rules_evaluated=60),
    ...               requests=5.0, processed_kb=300.0, span_s=1.0)
    >>> round(lcu, 12)
    1.08
    """
    new_per_s = requests / alb.requests_per_connection / span_s
    return lcu_per_hour(
        new_connections_per_s=new_per_s,
        connection_duration_s=alb.connection_duration_s,
        processed_gb_per_hour=processed_kb / KB_PER_GB_DECIMAL * 3_600.0 / span_s,
        rule_evaluations_per_s=requests * billable_rules_per_request(alb.rules_evaluated) / span_s,
    )


# ----------------------------------------------------------------------------- NAT gateway, public IPv4

NAT_GATEWAYS = 1
"""NAT gateways when the tasks sit in private subnets: one (a gateway per AZ would multiply the hours).
A NAT gateway is billed per hour and per GB it processes, and its Elastic IP is a billed public
IPv4 address (https://aws.amazon.com/vpc/pricing/, NAT Gateway and Public IPv4)."""


def nat_kb_per_request(profile: WorkloadProfile) -> float:
    """KB a task sends out through the NAT gateway per request: log lines to CloudWatch Logs and,
    with DynamoDB, the items read and written (no VPC endpoints assumed; image pulls and calls to
    third parties are not counted)."""
    kb = profile.logs.kb_per_request
    database = profile.database
    if database.kind == "dynamodb":
        kb += (database.reads_per_request + database.writes_per_request) * database.item_kb
    return kb


def nat_processed_gb(profile: WorkloadProfile, requests: float) -> float:
    """GB the NAT gateway processes for ``requests`` requests (0 without one); NAT data is binary GB."""
    if not profile.fargate.nat_gateway:
        return 0.0
    return requests * nat_kb_per_request(profile) / KB_PER_GB_BINARY


def nat_gateway_hours(profile: WorkloadProfile, hours: float, gateways: int = NAT_GATEWAYS) -> float:
    """NAT gateway hours over ``hours`` (0 when the tasks sit in public subnets)."""
    return gateways * hours if profile.fargate.nat_gateway else 0.0


def public_ipv4_hours(
    profile: WorkloadProfile,
    *,
    hours: float,
    task_hours: float,
    alb_addresses: int = ALB_PUBLIC_ADDRESSES,
    nat_gateways: int = NAT_GATEWAYS,
) -> float:
    """Billed public IPv4 address-hours over ``hours``: the ALB's addresses, plus the NAT gateways'
    Elastic IPs when the tasks sit behind them, else one address per task while it runs (``task_hours``)."""
    own = nat_gateways * hours if profile.fargate.nat_gateway else task_hours
    return alb_addresses * hours + own


def lambda_in_vpc(profile: WorkloadProfile) -> bool:
    """Whether the function must sit in the VPC: asked for, to reach Aurora through RDS Proxy, or to mount EFS.

    Lambda mounts EFS only through an access point from inside the file system's VPC
    (https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html).
    """
    return profile.lambda_.vpc or profile.database.relational or profile.storage.efs_gb > 0


def lambda_nat_gateway_hours(profile: WorkloadProfile, hours: float, gateways: int = NAT_GATEWAYS) -> float:
    """NAT gateway hours for the function's VPC: only when it is in one and the profile asks for the gateway."""
    return gateways * hours if lambda_in_vpc(profile) and profile.lambda_.nat_gateway else 0.0
