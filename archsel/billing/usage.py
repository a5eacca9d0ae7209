"""Monthly billed usage of the compute tier: what a simulation (or the no-simulation estimate)
hands to the cost engine. Quantities are per month, already scaled from the simulated window.

Only compute and its front door live here (Lambda + API Gateway, Fargate + ALB); the database,
storage, front end, sign-in and logs are priced from the profile by the cost engine itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

CpuArchitecture = Literal["arm64", "x86_64"]


LAMBDA_ADDITIVE_FIELDS = (
    "api_requests",
    "api_metered_requests",
    "invocations",
    "ondemand_gb_seconds",
    "init_gb_seconds",
    "provisioned_gb_seconds",
    "provisioned_duration_gb_seconds",
    "ephemeral_extra_gb_seconds",
    "response_gb",
)
"""The usage figures a LambdaUsage and its RouteUsages share: a total is the sum over routes."""


@dataclass(frozen=True, slots=True)
class RouteUsage:
    """One API route's part of a LambdaUsage, billed at the memory of the function serving it.

    Configured provisioned concurrency belongs to a function; a function serving several routes
    splits it over them by invocations, so the routes still add up to the totals.
    """

    route: str
    function: str
    memory_mb: int
    api_requests: float
    api_metered_requests: float
    invocations: float
    ondemand_gb_seconds: float
    init_gb_seconds: float
    provisioned_gb_seconds: float = 0.0
    provisioned_duration_gb_seconds: float = 0.0
    ephemeral_extra_gb_seconds: float = 0.0
    response_gb: float = 0.0


@dataclass(frozen=True, slots=True)
class LambdaUsage:
    """Monthly usage of the Lambda functions behind one API Gateway API.

    With request.routes the usage is the sum of ``routes`` (math.fsum of each figure, so the
    routes add up to the totals exactly); ``memory_mb`` is then the largest function's. GB-s
    already carry each function's memory, and Lambda's price per GB-s does not depend on memory,
    so the totals price every function at its own size.
    """

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
    routes: tuple[RouteUsage, ...] = ()
    """Per-route usage when the profile lists routes (empty otherwise)."""

    @property
    def functions(self) -> tuple[str, ...]:
        """Names of the functions serving the routes, in order of first route."""
        return tuple(dict.fromkeys(route.function for route in self.routes))


def empty_lambda_usage(memory_mb: int, architecture: CpuArchitecture, api: Literal["http", "rest"]) -> LambdaUsage:
    """A LambdaUsage with every figure zero, to be filled from routes with ``with_routes``."""
    return LambdaUsage(
        memory_mb=memory_mb,
        architecture=architecture,
        api=api,
        api_requests=0.0,
        api_metered_requests=0.0,
        invocations=0.0,
        ondemand_gb_seconds=0.0,
        init_gb_seconds=0.0,
    )


def with_routes(usage: LambdaUsage, routes: tuple[RouteUsage, ...]) -> LambdaUsage:
    """``usage`` carrying ``routes``, each total the math.fsum (exactly rounded sum) of the routes' figures."""

    def total(name: str) -> float:
        return math.fsum(float(getattr(route, name)) for route in routes)

    return replace(
        usage,
        routes=routes,
        api_requests=total("api_requests"),
        api_metered_requests=total("api_metered_requests"),
        invocations=total("invocations"),
        ondemand_gb_seconds=total("ondemand_gb_seconds"),
        init_gb_seconds=total("init_gb_seconds"),
        provisioned_gb_seconds=total("provisioned_gb_seconds"),
        provisioned_duration_gb_seconds=total("provisioned_duration_gb_seconds"),
        ephemeral_extra_gb_seconds=total("ephemeral_extra_gb_seconds"),
        response_gb=total("response_gb"),
    )


def combine_routes(usages: Sequence[LambdaUsage], combine: Callable[[list[float]], float]) -> tuple[RouteUsage, ...]:
    """Route by route, each figure of several usages (replications, days) combined with ``combine``."""
    combined = []
    for index, route in enumerate(usages[0].routes):
        values = {
            name: combine([getattr(usage.routes[index], name) for usage in usages]) for name in LAMBDA_ADDITIVE_FIELDS
        }
        combined.append(replace(route, **cast(dict[str, Any], values)))
    return tuple(combined)


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


@dataclass(frozen=True, slots=True)
class LambdaManagedUsage:
    """Monthly usage of a function on Lambda Managed Instances behind one API Gateway API.

    No duration is billed: the instances are, by the hour, with the management fee on top of them.
    """

    instance_type: str
    architecture: CpuArchitecture
    api: Literal["http", "rest"]
    instance_hours: float
    """Instance-hours the capacity provider ran (launch to termination)."""
    api_requests: float
    api_metered_requests: float
    invocations: float
    """Invocations the function served (throttled ones are not billed)."""
    response_gb: float = 0.0


ComputeUsage = LambdaUsage | FargateUsage | LambdaManagedUsage
