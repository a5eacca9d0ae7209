"""What API Gateway + Lambda Managed Instances usage is billed for: EC2 instance-hours, the management fee, requests.

Lambda's pricing page (https://aws.amazon.com/lambda/pricing/, "Lambda Managed Instances"): the
EC2 instances at EC2 prices, a management fee of 15 % of the instances' on-demand price, and the
$0.20 per million requests; no duration (GB-s) charge. The fee is quoted per instance-hour of each
type in the price table (15 % of that type's on-demand price), so the bill stays a sum of
quantity x unit price like every other line.
"""

from __future__ import annotations

from archsel.billing.usage import LambdaManagedUsage, LambdaUsage
from archsel.cost.billing import Charge, decimal
from archsel.cost.lambda_cost import api_charge


def instance_price_key(instance_type: str) -> str:
    """'m7g.large' -> 'm7g_large' (price ids use dots as separators)."""
    return instance_type.replace(".", "_")


def lambda_managed_charges(usage: LambdaManagedUsage) -> tuple[Charge, ...]:
    """Charges of one function on a capacity provider and its API; the instances are always on."""
    key = instance_price_key(usage.instance_type)
    hours = decimal(usage.instance_hours)
    return (
        Charge("ec2", f"Instances, {usage.instance_type}", f"ec2.ondemand.{key}", hours, "instance-hours", True),
        Charge(
            "lambda",
            f"Managed Instances management fee, {usage.instance_type}",
            f"lambda.managed_instances.fee.{key}",
            hours,
            "instance-hours",
            True,
        ),
        Charge("lambda", "Requests", "lambda.requests", decimal(usage.invocations), "requests"),
        api_charge(_as_api(usage)),
    )


def _as_api(usage: LambdaManagedUsage) -> LambdaUsage:
    """The API Gateway side of the usage, in the shape lambda_cost.api_charge reads."""
    return LambdaUsage(
        memory_mb=0,
        architecture=usage.architecture,
        api=usage.api,
        api_requests=usage.api_requests,
        api_metered_requests=usage.api_metered_requests,
        invocations=usage.invocations,
        ondemand_gb_seconds=0.0,
        init_gb_seconds=0.0,
    )
