"""The reason about EFS on Lambda: the file system needs the function in a VPC, and what that VPC costs."""

from __future__ import annotations

from archsel.evaluate.candidate import Evaluation
from archsel.profile.architecture import Architecture
from archsel.recommend.candidates import Pruned

VPC_SERVICES = ("nat_gateway",)
NAT_ADDRESS = "NAT gateway address"


def efs_reason(choice: Evaluation, other: Evaluation | None, _pruned: tuple[Pruned, ...]) -> str | None:
    """With storage.efs_gb on a Lambda design: its VPC and the NAT gateway lines it adds (or that it has none)."""
    lambda_eval = choice if choice.candidate.architecture == Architecture.LAMBDA else other
    if lambda_eval is None or lambda_eval.candidate.profile.storage.efs_gb <= 0:
        return None
    profile = lambda_eval.candidate.profile
    gb = profile.storage.efs_gb
    if not profile.lambda_.nat_gateway:
        return (
            f"EFS ({gb:,.0f} GB) needs the function in a VPC, mounted through an access point: no NAT gateway "
            "(lambda.nat_gateway false), so it reaches DynamoDB and S3 through free gateway endpoints and "
            "nothing else outside the VPC; a NAT gateway would add its hourly charge and address."
        )
    lines = [c for c in lambda_eval.result.estimate.components if c.service in VPC_SERVICES or c.name == NAT_ADDRESS]
    nat_usd = sum(float(c.monthly_usd or 0) for c in lines)
    return (
        f"EFS ({gb:,.0f} GB) needs the function in a VPC: +${nat_usd:,.2f} a month for the NAT gateway and its "
        "address (DynamoDB and S3 through free gateway endpoints), included in the Lambda cost above."
    )
