"""Monthly billed usage of the compute tier: what a simulation (or the no-simulation estimate)
hands to the cost engine. Quantities are per month, already scaled from the simulated window.

Only compute and its front door live here (Lambda + API Gateway, Fargate + ALB); the database,
storage, front end, sign-in and logs are priced from the profile by the cost engine itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CpuArchitecture = Literal["arm64", "x86_64"]


@dataclass(frozen=True, slots=True)
class LambdaUsage:
    """Monthly usage of one Lambda function behind API Gateway."""

    memory_mb: int
    architecture: CpuArchitecture
    api: Literal["http", "rest"]
    api_requests: float
    """Requests API Gateway accepted and billed (its own throttles are not billed)."""
    api_metered_requests: float
    """HTTP APIs meter each 512 KB of a request as one request; equals api_requests for REST."""
    invocations: float
    """Invocations that ran on the function (Lambda throttles excluded)."""
    ondemand_gb_seconds: float
    """GB-s of invocations on on-demand environments (billed at the on-demand duration rate)."""
    init_gb_seconds: float
    """GB-s of INIT phases of on-demand cold starts (billed since 2025-08-01)."""
    provisioned_gb_seconds: float = 0.0
    """Configured provisioned concurrency: GB x seconds enabled, rounded up to 5 minutes."""
    provisioned_duration_gb_seconds: float = 0.0
    """GB-s of invocations served by provisioned environments (cheaper duration rate)."""
    ephemeral_extra_gb_seconds: float = 0.0
    """(ephemeral storage GB - 0.5) x billed seconds, when /tmp is larger than 512 MB."""
    response_gb: float = 0.0
    """Response data sent to clients, GB (data transfer out)."""


@dataclass(frozen=True, slots=True)
class FargateUsage:
    """Monthly usage of one ECS service on Fargate behind an ALB."""

    vcpu: float
    memory_gb: float
    architecture: CpuArchitecture
    ondemand_task_seconds: float
    """Billed task time on on-demand capacity (from image pull to stop, 1-minute minimum per task)."""
    spot_task_seconds: float = 0.0
    """Billed task time on Fargate Spot."""
    ephemeral_extra_gb: float = 0.0
    """Task ephemeral storage above the free 20 GB."""
    alb_hours: float = 0.0
    alb_lcu_hours: float = 0.0
    """Sum over hours of the largest of the four LCU dimensions in that hour."""
    public_ipv4_hours: float = 0.0
    """Address-hours of public IPv4 (ALB nodes, NAT gateway EIP, tasks with public IPs)."""
    nat_gateway_hours: float = 0.0
    nat_processed_gb: float = 0.0
    response_gb: float = 0.0
    """Response data sent to clients, GB (data transfer out)."""

    @property
    def task_seconds(self) -> float:
        """All billed task time, on-demand and Spot."""
        return self.ondemand_task_seconds + self.spot_task_seconds


ComputeUsage = LambdaUsage | FargateUsage
