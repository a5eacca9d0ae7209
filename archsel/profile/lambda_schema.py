"""The profile's lambda section: API Gateway + Lambda settings and provisioned-concurrency windows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from archsel.profile.distributions import Distribution
from archsel.profile.schema_base import ClockS, Frozen


class ProvisionedWindow(Frozen):
    """Provisioned concurrency held between two clock times each day."""

    from_: ClockS = Field(alias="from", description="Start, clock time UTC.")
    to: ClockS = Field(description="End, clock time UTC (may be earlier than from: wraps midnight).")
    count: int = Field(ge=0, description="Environments kept initialised during the window.")


Runtime = Literal[
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "java17",
    "java21",
    "dotnet8",
    "ruby3.3",
    "provided.al2023",
    "container",
]


class LambdaSettings(Frozen):
    """API Gateway + Lambda settings. Defaults: the AWS Lambda and API Gateway documentation (quotas, scaling, pricing)."""

    memory_mb: int = Field(
        default=1024, ge=128, le=10_240, description="Function memory, MB (128-10,240; 1,769 MB = 1 vCPU)."
    )
    architecture: Literal["arm64", "x86_64"] = Field(
        default="x86_64", description="CPU architecture (Lambda's default x86_64)."
    )
    runtime: Runtime = Field(default="python3.12", description="Runtime; sets the default cold-start distribution.")
    package_mb: float = Field(
        default=5, ge=0, le=250, description="Deployment package size, MB (zipped); larger packages start slower."
    )
    vpc: bool = Field(
        default=False,
        description="Function attached to a VPC (slower cold starts; needed for Aurora without the Data API).",
    )
    nat_gateway: bool = Field(
        default=False,
        description="A NAT gateway for the function when it sits in a VPC (lambda.vpc, Aurora or storage.efs_gb), "
        "to reach the internet and AWS APIs without a VPC endpoint; without it, DynamoDB and S3 only (free gateway "
        "endpoints). Ignored outside a VPC.",
    )

    @model_serializer(mode="wrap")
    def _leave_out_default_nat(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Without a NAT gateway the section dumps as before the key existed (same JSON, same profile hash).
        dumped: dict[str, object] = handler(self)
        if dumped.get("nat_gateway") is False:
            dumped.pop("nat_gateway")
        return dumped

    ephemeral_storage_mb: int = Field(default=512, ge=512, le=10_240, description="/tmp size, MB; above 512 is billed.")
    timeout_s: float = Field(
        default=29, gt=0, le=900, description="Function timeout, s (default matches the REST API integration limit)."
    )
    api: Literal["http", "rest"] = Field(
        default="http", description="API Gateway kind: HTTP API (cheaper, JWT auth) or REST API."
    )
    provisioned_concurrency: int | tuple[ProvisionedWindow, ...] = Field(
        default=0, description="Provisioned concurrency: a count, or a daily schedule of windows."
    )
    provisioned_allocation_s: float = Field(
        default=90, ge=0, description="Delay before provisioned environments become usable (docs: 'a minute or two')."
    )
    reserved_concurrency: int | None = Field(
        default=None, ge=0, description="Reserved concurrency (floor and ceiling); null = unreserved."
    )
    account_concurrency: int = Field(
        default=1_000, ge=1, description="Regional account concurrency quota (default 1,000)."
    )
    scaling_rule: Literal["current", "legacy"] = Field(
        default="current",
        description="current: per function, bucket 1,000 refilled at 100/s (since 2023-11-26); legacy: regional burst then +500/min.",
    )
    burst_concurrency: int | None = Field(
        default=None, ge=1, description="legacy rule: initial burst (default by region: 3,000 / 1,000 / 500)."
    )
    cold_start_ms: Distribution | None = Field(
        default=None,
        description="INIT duration, ms. Default from runtime, package size and VPC (Mikhail Shilkov's published measurements, 2021).",
    )
    keep_alive_s: Distribution = Field(
        default=Distribution(distribution="uniform", min=300, max=420),
        description="Idle time before an environment is reaped, s. Default uniform 5-7 min (measured by Mikhail Shilkov to 2021; AWS does not publish it).",
    )
    max_lifetime_s: float = Field(
        default=14_400,
        gt=0,
        description="Environments are retired after this long even if busy (docs: 'every few hours').",
    )
    api_rate_limit_rps: float = Field(
        default=10_000, gt=0, description="API Gateway account throttle, steady rate (10,000 rps)."
    )
    api_burst: int = Field(default=5_000, ge=1, description="API Gateway account throttle, bucket size (5,000).")
    layout: Literal["single", "per-route", "grouped"] = Field(
        default="single",
        description="How request.routes map to functions: one router function, one function per route, or one per route group.",
    )

    @model_validator(mode="after")
    def _check_reserved(self) -> LambdaSettings:
        if self.reserved_concurrency is not None:
            if self.reserved_concurrency > self.account_concurrency - 100:
                raise ValueError(
                    "reserved_concurrency must leave at least 100 unreserved "
                    f"(got {self.reserved_concurrency} of account_concurrency {self.account_concurrency})"
                )
            if self.max_provisioned > self.reserved_concurrency:
                raise ValueError("provisioned_concurrency cannot exceed reserved_concurrency")
        return self

    @property
    def max_provisioned(self) -> int:
        """Largest provisioned concurrency at any time of day."""
        if isinstance(self.provisioned_concurrency, int):
            return self.provisioned_concurrency
        return max((window.count for window in self.provisioned_concurrency), default=0)
