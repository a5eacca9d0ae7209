"""The JSON form of one architecture's simulated result, as `simulate` and `recommend` write it.

The key names are a published contract. The optional sections (`instances` for Lambda and
Lambda Managed Instances, `tasks` and `scaling_events` for Fargate, `ec2_instances` and
`scaling_events` for Lambda Managed Instances, `routes` with request.routes) are left out of the
JSON, not written as null, when a result has none.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from archsel.profile.architecture import Architecture


class Document(BaseModel):
    """Base of the JSON documents: frozen, and an unknown key is an error (it would be a typo or another format)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    omitted_when_none: ClassVar[tuple[str, ...]] = ()
    """Fields left out of the JSON when None (others are written as null)."""

    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        for name in self.omitted_when_none:
            if dumped.get(name) is None:
                dumped.pop(name, None)
        return dumped


class LatencyDocument(Document):
    """Latency means over the replications, ms."""

    mean: float
    p50: float
    p95: float
    p99: float
    p999: float
    max: float


class ComponentDocument(Document):
    """One cost line; the prices are null when the table lacks them."""

    service: str
    name: str
    quantity: int | float
    unit: str
    unit_price_usd: float | None
    monthly_usd: float | None
    always_on: bool
    price_id: str


class IntervalsDocument(Document):
    """95% intervals (low, high) of the key figures over the replications."""

    monthly_usd: tuple[float, float]
    p99_ms: tuple[float, float]
    cold_start_ratio: tuple[float, float]
    error_ratio: tuple[float, float]


class InstancesDocument(Document):
    """Lambda execution environments."""

    mean: float
    max: float
    mean_busy: float
    mean_idle: float


class TasksDocument(Document):
    """Fargate tasks."""

    mean: float
    min: int
    max: int


class ScalingEventDocument(Document):
    """One change of the desired task count."""

    time: float
    from_: int = Field(alias="from")
    to: int
    reason: str


class RouteLatencyDocument(Document):
    """A route's latency quantiles, ms."""

    p50: float
    p95: float
    p99: float


class RouteDocument(Document):
    """One route's figures and its share of the Lambda and API Gateway bill."""

    route: str
    function: str
    memory_mb: int
    requests: int
    cold_start_ratio: float
    throttled: int
    errors: int
    latency_ms: RouteLatencyDocument
    gb_seconds: float
    monthly_usd: float


class ResultDocument(Document):
    """One architecture's figures: means over the replications, the monthly cost and its lines."""

    architecture: Architecture
    model: Literal["exact", "aggregate"] = "exact"
    """Which model ran: every request routed (exact) or the fluid model at scale (aggregate)."""
    model_reason: str | None = None
    """Why the aggregate model ran (left out for the exact one)."""
    requests: int
    simulated_s: float
    cold_starts: int
    cold_start_ratio: float
    throttled: int
    timeouts: int
    shed: int
    errors: int
    error_ratio: float
    latency_ms: LatencyDocument
    monthly_usd: float
    always_on_usd: float
    usage_usd: float
    components: tuple[ComponentDocument, ...]
    interval95: IntervalsDocument
    figures: dict[str, float]
    instances: InstancesDocument | None = None
    routes: tuple[RouteDocument, ...] | None = None
    tasks: TasksDocument | None = None
    ec2_instances: TasksDocument | None = None
    """Lambda Managed Instances: the capacity provider's EC2 instances (mean, min, max)."""
    scaling_events: tuple[ScalingEventDocument, ...] | None = None

    omitted_when_none = ("model_reason", "instances", "routes", "tasks", "ec2_instances", "scaling_events")
