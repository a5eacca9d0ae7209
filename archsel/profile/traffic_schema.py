"""The profile's traffic (rate, shape, bursts, trace) and request (per-request work, routes) sections."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from archsel.profile.distributions import Distribution
from archsel.profile.growth_units import parse_growth
from archsel.profile.schema_base import ClockS, DurationS, Frozen


class Burst(Frozen):
    """A repeated spike on top of the traffic shape."""

    start: ClockS = Field(description="Clock time (UTC) of the first spike in the simulated day.")
    every: DurationS = Field(default=86_400.0, gt=0, description="Repeat period, e.g. 1d or 6h.")
    duration_s: float = Field(gt=0, description="How long each spike lasts, in seconds.")
    multiplier: float = Field(ge=1, description="Rate during the spike as a multiple of the shape's rate.")


class Traffic(Frozen):
    """How many requests arrive and when. The rate is the total, bursts included."""

    requests_per_month: float | None = Field(
        default=None, ge=0, description="Monthly requests (give this or mean_rps)."
    )
    mean_rps: float | None = Field(default=None, ge=0, description="Mean requests per second.")
    shape: Literal["constant", "diurnal", "weekly", "trace"] = Field(
        default="constant",
        description="Rate over time: constant, a daily curve, daily curve with weekends, or a replayed trace.",
    )
    peak_rps: float | None = Field(
        default=None, gt=0, description="diurnal/weekly: the daily peak rate (default 2 x mean_rps)."
    )
    peak_hour_utc: ClockS = Field(default=18 * 3_600.0, description="diurnal/weekly: hour of the daily peak (UTC).")
    weekend_factor: float = Field(default=0.6, ge=0, description="weekly: weekend rate as a share of the weekday rate.")
    bursts: tuple[Burst, ...] = Field(default=(), description="Spikes on top of the shape.")
    trace: str | None = Field(
        default=None, description="shape trace: CSV of per-minute counts (minute,count), relative to the profile."
    )
    trace_counts: tuple[float, ...] | None = Field(
        default=None, description="Per-minute request counts inline; the loader fills it from the trace file."
    )
    arrival: Literal["poisson", "deterministic"] = Field(
        default="poisson", description="Arrival process around the rate: Poisson or evenly spaced."
    )
    growth: float | None = Field(
        default=None,
        gt=-1,
        le=10,
        description="Monthly traffic growth for `recommend`'s growth plan: 8%/month, 40%/year (compounded) or a "
        "fraction (0.08); null = no plan unless --growth is given.",
    )

    _parse_growth = field_validator("growth", mode="before")(parse_growth)

    @model_serializer(mode="wrap")
    def _leave_out_unset_growth(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # A profile without growth dumps as it did before the field existed (recommend's JSON embeds it).
        dumped: dict[str, object] = handler(self)
        if dumped.get("growth", 0.0) is None:
            dumped.pop("growth")
        return dumped

    @model_validator(mode="after")
    def _check_rate(self) -> Traffic:
        given = [name for name in ("requests_per_month", "mean_rps") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError("give one of requests_per_month or mean_rps, not both")
        if not given and self.shape != "trace":
            raise ValueError("give the rate: requests_per_month or mean_rps")
        self._check_trace()
        return self

    def _check_trace(self) -> None:
        """A trace shape needs its counts, the counts are usable, and a trace file goes with shape trace only."""
        if self.shape == "trace" and not (self.trace or self.trace_counts):
            raise ValueError("shape trace needs trace: a CSV file of per-minute counts")
        if self.trace_counts is not None and (not self.trace_counts or min(self.trace_counts) < 0):
            raise ValueError("trace_counts must be a non-empty list of counts >= 0")
        if self.trace and self.shape != "trace":
            raise ValueError(f"trace is only read with shape: trace (shape is {self.shape})")


HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]
MAX_ROUTES = 300
"""API Gateway's default quota of routes per HTTP API (and resources per REST API)."""


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


class Route(Frozen):
    """One API route and its part of the traffic; unset values come from `request` and `lambda`."""

    method: Annotated[HttpMethod, BeforeValidator(_upper)] = Field(
        description="HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY."
    )
    path: str = Field(
        pattern=r"^/[A-Za-z0-9._~{}+/-]*$", max_length=200, description="Path, e.g. /orders/{id} (API Gateway syntax)."
    )
    share: float = Field(
        gt=0, description="Share of the requests; shares that do not sum to 1 are normalised (with a notice)."
    )
    duration_ms: Distribution | None = Field(
        default=None, description="Handler time at 1 vCPU, ms; null = request.duration_ms."
    )
    memory_mb: int | None = Field(
        default=None,
        ge=128,
        le=10_240,
        description="Memory this route needs, MB; null = lambda.memory_mb. A function serving several routes gets the largest.",
    )
    payload_kb: float | None = Field(
        default=None, ge=0, description="Request body size, KB; null = request.payload_kb."
    )
    group: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z][A-Za-z0-9_-]*$",
        description="lambda.layout grouped: routes with the same group share one function (no group: a function of its own).",
    )

    @property
    def key(self) -> str:
        """The API Gateway route key, e.g. 'GET /orders/{id}'."""
        return f"{self.method} {self.path}"


class Request(Frozen):
    """What one API request does (with `routes`, the defaults of every route)."""

    duration_ms: Distribution = Field(
        default=Distribution(distribution="lognormal", p50=80, p95=400),
        description="Handler time at the reference speed (1 vCPU), ms. Default lognormal p50 80 p95 400.",
    )
    cpu_fraction: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of the duration that scales with vCPU (Lambda memory, Fargate vCPU); the rest is waiting on I/O.",
    )
    payload_kb: float = Field(default=4, ge=0, description="Request body size, KB.")
    response_kb: float = Field(default=16, ge=0, description="Response body size, KB (data transfer out).")
    routes: tuple[Route, ...] = Field(
        default=(),
        max_length=MAX_ROUTES,
        description="The API's routes (method, path, share of traffic, own duration and memory); empty = one route.",
    )

    @model_validator(mode="after")
    def _check_routes(self) -> Request:
        seen: set[str] = set()
        for route in self.routes:
            if route.key in seen:
                raise ValueError(f"route {route.key} is listed twice (method and path must be unique)")
            seen.add(route.key)
        return self

    @property
    def route_share_total(self) -> float:
        """Sum of the routes' shares as written (1 when they need no normalising)."""
        return math.fsum(route.share for route in self.routes)

    @property
    def route_shares(self) -> tuple[float, ...]:
        """Each route's share of the requests, normalised to sum to 1."""
        total = self.route_share_total
        return tuple(route.share / total for route in self.routes)
