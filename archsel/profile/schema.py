"""The workload profile (CONTRACT.md, `version: 1`) as frozen pydantic models with documented defaults.

Every default names its source in the field description; `docs/profile.md` is generated
from these descriptions (`python -m archsel.profile.reference_doc`), so the two cannot drift apart.
Sources abbreviated "facts §N" are sections of the platform-facts reference that ships
with the project's design notes (AWS documentation and published measurements).
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from archsel.profile.distributions import Distribution
from archsel.profile.units import SECONDS_PER_DAY, format_clock, parse_clock_s, parse_duration_s

DurationS = Annotated[float, BeforeValidator(parse_duration_s)]
# Clock times parse from "HH:MM" (or an hour number) into seconds after midnight, and dump back as
# "HH:MM:SS" so that a dumped profile (e.g. inside recommend's JSON) validates again as written.
ClockS = Annotated[
    float, BeforeValidator(parse_clock_s), PlainSerializer(format_clock, return_type=str, when_used="json")
]


class Frozen(BaseModel):
    """Base of every profile section: unknown keys are errors, values never change after parsing."""

    # allow_inf_nan=False: .inf and .nan are valid YAML floats but no profile quantity is infinite;
    # left in, they crash the traffic curve (int(inf)) far from the line that caused them.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


# ----------------------------------------------------------------------------- traffic


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

    @model_validator(mode="after")
    def _check_rate(self) -> Traffic:
        given = [name for name in ("requests_per_month", "mean_rps") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError("give one of requests_per_month or mean_rps, not both")
        if not given and self.shape != "trace":
            raise ValueError("give the rate: requests_per_month or mean_rps")
        if self.shape == "trace" and not (self.trace or self.trace_counts):
            raise ValueError("shape trace needs trace: a CSV file of per-minute counts")
        if self.trace_counts is not None and (not self.trace_counts or min(self.trace_counts) < 0):
            raise ValueError("trace_counts must be a non-empty list of counts >= 0")
        if self.trace and self.shape != "trace":
            raise ValueError(f"trace is only read with shape: trace (shape is {self.shape})")
        return self


# ----------------------------------------------------------------------------- request


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


# ----------------------------------------------------------------------------- lambda


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
    """API Gateway + Lambda settings. Defaults: facts §1-2 (AWS Lambda and API Gateway docs)."""

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
        description="INIT duration, ms. Default from runtime, package size and VPC (Shilkov's measurements, facts §1.5).",
    )
    keep_alive_s: Distribution = Field(
        default=Distribution(distribution="uniform", min=300, max=420),
        description="Idle time before an environment is reaped, s. Default uniform 5-7 min (measured 2021, facts §1.5).",
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


# ----------------------------------------------------------------------------- fargate


class ScalingStep(Frozen):
    """One step adjustment: a band of the metric, as offsets from its alarm's threshold, and the change there.

    Above the threshold the lower bound is inclusive and the upper exclusive; below it the reverse
    (Application Auto Scaling user guide, step adjustments).
    """

    lower: float | None = Field(
        default=None, description="Lower bound of the band: offset from the threshold; null = minus infinity."
    )
    upper: float | None = Field(
        default=None, description="Upper bound of the band: offset from the threshold; null = plus infinity."
    )
    change: int = Field(
        description="change: tasks to add (negative: remove); percent: percent of the current count; exact: the count to set."
    )


AdjustmentKind = Literal["change", "percent", "exact"]


class StepPolicy(Frozen):
    """A CloudWatch alarm on the scaling metric and the step scaling policy it invokes."""

    threshold: float = Field(
        gt=0, description="Alarm threshold, in the metric's unit (CPU percent or requests per target per minute)."
    )
    datapoints: int = Field(
        default=3,
        ge=1,
        description="Consecutive breaching datapoints that put the alarm in ALARM (3, as target tracking's AlarmHigh; EvaluationPeriods = DatapointsToAlarm).",
    )
    adjustment: AdjustmentKind = Field(
        default="change",
        description="How a step's change reads: change (ChangeInCapacity), percent (PercentChangeInCapacity) or exact (ExactCapacity).",
    )
    steps: tuple[ScalingStep, ...] = Field(
        min_length=1, description="Step adjustments; bands may not overlap or leave a gap, and end unbounded."
    )
    cooldown_s: float = Field(default=300, ge=0, description="Policy cooldown, s (App Auto Scaling default 300).")
    min_adjustment_magnitude: int | None = Field(
        default=None, ge=1, description="Least tasks a percent step adds or removes (percent only); null = none."
    )
    aggregation: Literal["average", "minimum", "maximum"] = Field(
        default="average",
        description="MetricAggregationType: how the alarm's datapoints combine into the value that picks a step.",
    )

    def _check_steps(self, direction: Literal["scale_out", "scale_in"]) -> None:
        """Application Auto Scaling's step rules, for an alarm above (scale_out) or below (scale_in) its threshold."""
        out = direction == "scale_out"
        bands = sorted(
            ((-math.inf if s.lower is None else s.lower, math.inf if s.upper is None else s.upper) for s in self.steps),
            reverse=not out,
        )
        for step in self.steps:
            if step.lower is None and step.upper is None:
                raise ValueError("a step needs a lower or an upper bound (both are null)")
            if step.lower is not None and step.upper is not None and step.lower >= step.upper:
                raise ValueError(
                    f"a step's lower must be below its upper (got lower {step.lower:g}, upper {step.upper:g})"
                )
            _check_change(direction, self.adjustment, step.change)
        for (low, high), (next_low, next_high) in itertools.pairwise(bands if out else bands[::-1]):
            if high > next_low:
                raise ValueError(f"steps overlap: {_band(low, high)} and {_band(next_low, next_high)}")
            if high < next_low:
                raise ValueError(f"steps leave a gap between {high:g} and {next_low:g}")
        (near_low, near_high), (far_low, far_high) = bands[0], bands[-1]
        if out and near_low != 0:
            raise ValueError(
                f"the first scale_out step starts at the threshold, lower: 0 (got {_band(near_low, near_high)})"
            )
        if out and not math.isinf(far_high):
            raise ValueError(
                f"the last scale_out step has no upper bound, upper: null (got {_band(far_low, far_high)})"
            )
        if not out and near_high != 0:
            raise ValueError(
                f"the first scale_in step starts at the threshold, upper: 0 (got {_band(near_low, near_high)})"
            )
        if not out and not math.isinf(far_low):
            raise ValueError(f"the last scale_in step has no lower bound, lower: null (got {_band(far_low, far_high)})")
        if self.min_adjustment_magnitude is not None and self.adjustment != "percent":
            raise ValueError(
                f"min_adjustment_magnitude applies to adjustment: percent only (got adjustment {self.adjustment})"
            )


def _band(low: float, high: float) -> str:
    return f"[{'null' if math.isinf(low) else f'{low:g}'}, {'null' if math.isinf(high) else f'{high:g}'}]"


def _check_change(direction: str, adjustment: str, change: int) -> None:
    if adjustment == "exact":
        if change < 0:
            raise ValueError(f"an exact step sets a task count, at least 0 (got change {change})")
    elif direction == "scale_out" and change < 0:
        raise ValueError(f"a scale_out step adds tasks: change >= 0 (got {change})")
    elif direction == "scale_in" and change > 0:
        raise ValueError(f"a scale_in step removes tasks: change <= 0, e.g. -1 (got {change})")
    elif adjustment == "percent" and change < -100:
        raise ValueError(f"a percent step removes at most 100% (got change {change})")


class StepScaleOut(StepPolicy):
    """Scale-out alarm (metric above the threshold for `datapoints` periods in a row) and its steps (offsets >= 0)."""

    @model_validator(mode="after")
    def _check(self) -> StepScaleOut:
        self._check_steps("scale_out")
        return self


class StepScaleIn(StepPolicy):
    """Scale-in alarm (metric below the threshold for `datapoints` periods in a row) and its steps (offsets <= 0)."""

    datapoints: int = Field(
        default=15,
        ge=1,
        description="Consecutive breaching datapoints that put the alarm in ALARM (15, as target tracking's AlarmLow).",
    )

    @model_validator(mode="after")
    def _check(self) -> StepScaleIn:
        self._check_steps("scale_in")
        return self


class Scaling(Frozen):
    """Autoscaling (Application Auto Scaling): target tracking, or step scaling on your own alarms. Defaults: facts §3.3."""

    metric: Literal["cpu", "requests"] = Field(
        default="cpu",
        description="cpu: ECSServiceAverageCPUUtilization; requests: ALBRequestCountPerTarget (per minute).",
    )
    target: float = Field(default=60, gt=0, description="Target value: CPU percent, or requests per target per minute.")
    scale_out_cooldown_s: float = Field(default=300, ge=0, description="Scale-out cooldown, s (ECS default 300).")
    scale_in_cooldown_s: float = Field(default=300, ge=0, description="Scale-in cooldown, s (ECS default 300).")
    metric_period_s: Literal[20, 60] = Field(
        default=60, description="Metric period: 60 s, or 20 s high-resolution (since 2026-06; CPU metric only)."
    )
    scale_out_datapoints: int = Field(default=3, ge=1, description="Periods above target before scaling out (3).")
    scale_in_datapoints: int = Field(
        default=15, ge=1, description="Periods below 90% of target before scaling in (15)."
    )
    policy: Literal["target_tracking", "step"] = Field(
        default="target_tracking",
        description="target_tracking (the fields above) or step: scale_out and scale_in alarms with step adjustments (target, cooldowns and datapoints above are then unused).",
    )
    scale_out: StepScaleOut | None = Field(default=None, description="Step scaling: the scale-out alarm and steps.")
    scale_in: StepScaleIn | None = Field(
        default=None, description="Step scaling: the scale-in alarm and steps; null = never scale in."
    )

    @model_validator(mode="after")
    def _check_target(self) -> Scaling:
        if self.metric == "cpu" and self.target > 100:
            raise ValueError(f"a CPU target is a percent, at most 100 (got {self.target})")
        if self.metric == "requests" and self.metric_period_s == 20:
            # High-resolution (20-s) metrics exist for ECS CPU and memory only; the ALB publishes per minute.
            raise ValueError(
                "metric_period_s 20 applies to metric cpu only: ALBRequestCountPerTarget is published per minute "
                "(use metric_period_s: 60, or metric: cpu)"
            )
        if self.policy == "target_tracking" and (self.scale_out or self.scale_in):
            raise ValueError("scale_out and scale_in apply to policy: step (got policy target_tracking)")
        if self.policy == "step":
            self._check_step()
        return self

    def _check_step(self) -> None:
        if self.scale_out is None:
            raise ValueError("policy step needs scale_out: {threshold, steps: [{lower: 0, change: 1}], ...}")
        alarms = [self.scale_out] + ([self.scale_in] if self.scale_in else [])
        if self.metric == "cpu" and any(alarm.threshold >= 100 for alarm in alarms):
            raise ValueError(f"a CPU threshold is a percent, below 100 (got {max(a.threshold for a in alarms):g})")
        if self.scale_in and self.scale_in.threshold > self.scale_out.threshold:
            raise ValueError(
                f"scale_in.threshold must not be above scale_out.threshold (got {self.scale_in.threshold:g} > "
                f"{self.scale_out.threshold:g}): both alarms would fire at once and the count would flap"
            )

    @property
    def holding_value(self) -> float:
        """The metric value the policy holds the fleet at when load is steady: the target, or the scale-out threshold.

        Step scaling adds tasks only above the scale-out threshold, so the fewest tasks that keep the
        metric at or below it is where a steady load settles (the warm start and the usage estimate).
        """
        return self.scale_out.threshold if self.policy == "step" and self.scale_out else self.target


class Alb(Frozen):
    """How clients use the ALB; sets its capacity units (LCU). Defaults: ELB docs and pricing page."""

    requests_per_connection: float = Field(
        default=5,
        ge=1,
        description="Requests a client sends over one connection (HTTP keep-alive); 1 = a new connection per request. "
        "Default 5, as in the ELB pricing page's example 1 (5 requests/s over 1 new connection/s).",
    )
    connection_duration_s: float = Field(
        default=120,
        gt=0,
        description="How long a client connection stays open, s (default 120, the ELB pricing page's example 1).",
    )
    rules_evaluated: int = Field(
        default=1,
        ge=0,
        description="Listener rules evaluated per request; the first 10 are free (ELB pricing page).",
    )


class ScheduledCapacity(Frozen):
    """Task bounds that replace fargate.min_tasks/max_tasks between two clock times each day (scheduled actions)."""

    from_: ClockS = Field(alias="from", description="Start, clock time UTC.")
    to: ClockS = Field(description="End, clock time UTC (may be earlier than from: wraps midnight).")
    min_tasks: int | None = Field(
        default=None, ge=0, description="Minimum tasks during the window; null = fargate.min_tasks."
    )
    max_tasks: int | None = Field(
        default=None, ge=1, description="Maximum tasks during the window; null = fargate.max_tasks."
    )

    @model_validator(mode="after")
    def _check_window(self) -> ScheduledCapacity:
        if self.min_tasks is None and self.max_tasks is None:
            raise ValueError("a scheduled window needs min_tasks, max_tasks or both")
        if self.from_ == self.to:
            raise ValueError(f"from and to are the same time ({_hh_mm(self.to)}): the window is empty")
        return self

    @property
    def label(self) -> str:
        """The window as written, e.g. '08:00-20:00'."""
        return f"{_hh_mm(self.from_)}-{_hh_mm(self.to)}"

    def covers(self, clock_s: float) -> bool:
        """Whether the window holds at ``clock_s`` seconds after midnight UTC (from inclusive, to exclusive)."""
        if self.from_ <= self.to:
            return self.from_ <= clock_s < self.to
        return clock_s >= self.from_ or clock_s < self.to  # wraps midnight


def _hh_mm(clock_s: float) -> str:
    return format_clock(clock_s).removesuffix(":00")  # "08:00:00" -> "08:00"; "08:00:30" stays


def _check_schedule(windows: tuple[ScheduledCapacity, ...], base_min: int, base_max: int) -> None:
    """Bounds in effect in every window keep min <= max, and no two windows of one day overlap."""
    for index, window in enumerate(windows):
        low = base_min if window.min_tasks is None else window.min_tasks
        high = base_max if window.max_tasks is None else window.max_tasks
        if low > high:
            low_from = "" if window.min_tasks is not None else " (from fargate.min_tasks)"
            high_from = "" if window.max_tasks is not None else " (from fargate.max_tasks)"
            raise ValueError(
                f"window [{index}] ({window.label}): min_tasks {low}{low_from} must be <= "
                f"max_tasks {high}{high_from} during the window"
            )
    for first, second in itertools.combinations(range(len(windows)), 2):
        if _overlap(windows[first], windows[second]):
            raise ValueError(
                f"windows [{first}] ({windows[first].label}) and [{second}] ({windows[second].label}) overlap; "
                "windows of one day must not overlap (one may end where the next starts)"
            )


def _day_spans(window: ScheduledCapacity) -> tuple[tuple[float, float], ...]:
    """The window as spans [start, end) within one day (two when it wraps midnight)."""
    if window.from_ <= window.to:
        return ((window.from_, window.to),)
    return ((window.from_, SECONDS_PER_DAY), (0.0, window.to))


def _overlap(first: ScheduledCapacity, second: ScheduledCapacity) -> bool:
    return any(a < d and c < b for a, b in _day_spans(first) for c, d in _day_spans(second))


class Fargate(Frozen):
    """ALB + ECS on Fargate settings. Defaults: facts §3 (ECS, Fargate and ALB docs)."""

    vcpu: float = Field(default=0.5, description="Task vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16.")
    memory_gb: float = Field(default=1, gt=0, description="Task memory, GB (valid sizes depend on vcpu).")
    architecture: Literal["arm64", "x86_64"] = Field(default="x86_64", description="CPU architecture.")
    concurrency_per_task: int = Field(
        default=50, ge=1, description="Requests one task serves at once; more wait in its queue."
    )
    queue_limit: int | None = Field(
        default=None,
        ge=0,
        description="Requests a task may hold waiting; beyond it the ALB gets a 503. null = unbounded.",
    )
    min_tasks: int = Field(
        default=1,
        ge=0,
        description="Minimum tasks. A simulation starts warm: with the tasks the policy would hold for the first minute's load, within [min_tasks, max_tasks].",
    )
    max_tasks: int = Field(default=20, ge=1, description="Maximum tasks.")
    scaling: Scaling = Field(default=Scaling(), description="Autoscaling policy (target tracking or step).")
    schedule: tuple[ScheduledCapacity, ...] = Field(
        default=(),
        description="Scheduled scaling: daily windows (UTC, not overlapping) with their own min_tasks/max_tasks; outside them min_tasks/max_tasks apply.",
    )
    task_start_s: Distribution = Field(
        default=Distribution(distribution="uniform", min=30, max=90),
        description="Launch to running (ENI, image pull, app start), s. Default uniform 30-90 (measured 53-62 s, facts §3.2).",
    )
    health_check_interval_s: float = Field(
        default=30, gt=0, description="ALB health-check interval (30 s default); a new task must pass one check."
    )
    deregistration_delay_s: float = Field(
        default=300, ge=0, le=3_600, description="ALB deregistration delay (300 s default)."
    )
    load_balancing: Literal["least_outstanding", "round_robin", "weighted_random"] = Field(
        default="least_outstanding",
        description="ALB routing algorithm (target group load_balancing.algorithm.type); weighted_random "
        "spreads requests at random, evenly over healthy tasks (their weights are equal).",
    )
    ephemeral_storage_gb: int = Field(
        default=20, ge=20, le=200, description="Task ephemeral storage, GB; above 20 is billed."
    )
    spot: bool | float = Field(
        default=False, description="Fargate Spot: false, true (all tasks) or the share of tasks on Spot (0-1)."
    )
    spot_interruptions_per_task_hour: float = Field(
        default=0.005, ge=0, description="Spot interruption rate (two-minute notice)."
    )
    nat_gateway: bool = Field(
        default=False,
        description="Tasks in private subnets behind a NAT gateway (else public subnets with public IPs).",
    )
    vcpu_quota: float = Field(
        default=4_000, gt=0, description="Regional Fargate On-Demand vCPU quota (new accounts start at 6)."
    )
    alb: Alb = Field(default=Alb(), description="ALB connection behaviour (for its LCU charge).")

    @field_validator("schedule")
    @classmethod
    def _check_schedule(
        cls, schedule: tuple[ScheduledCapacity, ...], info: ValidationInfo
    ) -> tuple[ScheduledCapacity, ...]:
        # Fields validate in order: the base bounds are in info.data unless they were invalid themselves.
        if "min_tasks" in info.data and "max_tasks" in info.data:
            _check_schedule(schedule, info.data["min_tasks"], info.data["max_tasks"])
        return schedule

    @model_validator(mode="after")
    def _check_size_and_bounds(self) -> Fargate:
        from archsel.profile.fargate_sizes import check_task_size  # local import: keeps the table in one module

        check_task_size(self.vcpu, self.memory_gb)
        if self.min_tasks > self.max_tasks:
            raise ValueError(f"min_tasks must be <= max_tasks (got {self.min_tasks} > {self.max_tasks})")
        if isinstance(self.spot, float) and not 0 <= self.spot <= 1:
            raise ValueError(f"spot as a share must be within 0-1 (got {self.spot})")
        return self

    @property
    def spot_share(self) -> float:
        """Share of tasks on Fargate Spot (0 to 1)."""
        if isinstance(self.spot, bool):
            return 1.0 if self.spot else 0.0
        return float(self.spot)


# ----------------------------------------------------------------------------- data, storage, edges


class Aurora(Frozen):
    """Aurora Serverless v2 settings. Defaults: facts §4."""

    min_acu: float = Field(
        default=0.5, ge=0, le=256, description="Minimum ACUs (0 allows auto-pause, not with RDS Proxy)."
    )
    max_acu: float = Field(default=8, gt=0, le=256, description="Maximum ACUs (also fixes max_connections).")
    mean_acu: float | None = Field(
        default=None, ge=0, description="Average ACUs over the month; null = min_acu (idle floor, a simplification)."
    )
    rds_proxy: Literal["auto"] | bool = Field(default="auto", description="RDS Proxy: auto (with Lambda), true, false.")
    io_per_request: float = Field(default=2, ge=0, description="Aurora I/O operations per API request.")

    @model_validator(mode="after")
    def _check_range(self) -> Aurora:
        if self.min_acu > self.max_acu:
            raise ValueError(f"min_acu must be <= max_acu (got {self.min_acu} > {self.max_acu})")
        return self


class Database(Frozen):
    """The database behind the API."""

    kind: Literal["none", "dynamodb", "aurora-postgres", "aurora-mysql"] = Field(
        default="none", description="Database kind."
    )
    reads_per_request: float = Field(default=1, ge=0, description="Item reads per API request.")
    writes_per_request: float = Field(default=0.2, ge=0, description="Item writes per API request.")
    item_kb: float = Field(
        default=1, gt=0, description="Item size, KB (DynamoDB: 4 KB per read unit, 1 KB per write unit)."
    )
    storage_gb: float = Field(default=10, ge=0, description="Data stored, GB.")
    aurora: Aurora = Field(default=Aurora(), description="Aurora Serverless v2 settings (aurora-* kinds).")

    @property
    def relational(self) -> bool:
        """Whether the profile needs a relational database (Aurora)."""
        return self.kind.startswith("aurora")


class Storage(Frozen):
    """File storage: S3 uploads and downloads, and EFS when a shared file system is needed."""

    stored_gb: float = Field(default=0, ge=0, description="Objects stored in S3, GB.")
    uploads_per_month: float = Field(default=0, ge=0, description="Uploads per month.")
    upload_mb: float = Field(default=1, ge=0, description="Average upload size, MB.")
    downloads_per_month: float = Field(
        default=0, ge=0, description="Object downloads per month (GET + data transfer out)."
    )
    presigned_urls: bool = Field(
        default=True, description="Clients upload straight to S3 with presigned URLs (else through the API)."
    )
    efs_gb: float = Field(default=0, ge=0, description="Shared file system (EFS Standard), GB; 0 = none.")


class Frontend(Frozen):
    """The static front end (S3 + CloudFront + ACM)."""

    enabled: bool = Field(default=False, description="Serve a front end from S3 behind CloudFront.")
    visits_per_month: float = Field(default=0, ge=0, description="Page visits per month.")
    page_weight_mb: float = Field(default=2, ge=0, description="Data per visit, MB.")
    requests_per_visit: float = Field(default=20, ge=0, description="CloudFront requests per visit.")
    cache_hit_ratio: float = Field(default=0.9, ge=0, le=1, description="CloudFront cache hit ratio (misses go to S3).")
    domain: str | None = Field(
        default=None, description="Custom domain (ACM certificate, free); null = the CloudFront domain."
    )


class Auth(Frozen):
    """Sign-in."""

    provider: Literal["cognito", "none"] = Field(
        default="cognito", description="Cognito user pool, or no managed sign-in."
    )
    monthly_active_users: float = Field(default=0, ge=0, description="Monthly active users.")
    tier: Literal["lite", "essentials", "plus"] = Field(
        default="essentials", description="Cognito feature tier (new pools: essentials)."
    )


class Logs(Frozen):
    """Application logs shipped to CloudWatch Logs."""

    kb_per_request: float = Field(default=0.5, ge=0, description="Log data per request, KB.")
    retention_days: int = Field(default=30, ge=1, description="Log retention, days.")
    compression_ratio: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Stored (compressed) size over ingested size; billed storage. Default 0.2 from the CloudWatch pricing page example (30 GB ingested, 6 GB archived).",
    )


class Slo(Frozen):
    """Service-level objectives and budget; null = not checked."""

    p99_latency_ms: float | None = Field(default=None, gt=0, description="p99 end-to-end latency, ms.")
    p95_latency_ms: float | None = Field(default=None, gt=0, description="p95 end-to-end latency, ms.")
    max_error_ratio: float | None = Field(
        default=None, ge=0, le=1, description="Largest share of requests that may fail."
    )
    monthly_budget_usd: float | None = Field(default=None, ge=0, description="Monthly budget, USD.")


class Simulation(Frozen):
    """How the simulation runs."""

    horizon: DurationS = Field(
        default=86_400.0, gt=0, description="Simulated window, e.g. 1d or 7d; scaled to the month for costs."
    )
    warmup: DurationS = Field(default=600.0, ge=0, description="Initial time left out of statistics.")
    seed: int = Field(default=1, ge=0, description="Random seed.")
    replications: int = Field(
        default=3, ge=1, le=1_000, description="Independent runs; figures are means with 95% intervals."
    )

    @model_validator(mode="after")
    def _check_warmup(self) -> Simulation:
        if self.warmup >= self.horizon:
            raise ValueError(f"warmup must be shorter than horizon (got {self.warmup:g}s >= {self.horizon:g}s)")
        return self


class PricingOptions(Frozen):
    """How prices are applied."""

    free_tier: bool = Field(default=False, description="Apply monthly always-free tiers.")
    hours_per_month: float = Field(
        default=730, gt=0, description="Hours in the billed month (AWS Price List convention: 730)."
    )


class WorkloadProfile(Frozen):
    """A web application's workload: the input of every archsel command."""

    version: Literal[1] = Field(description="Profile format version; always 1.")
    name: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Name (letters, digits, . _ -)."
    )
    region: str = Field(default="us-east-1", description="AWS region; needs a price table.")
    traffic: Traffic = Field(description="Traffic shape and rate.")
    request: Request = Field(default=Request(), description="Per-request work.")
    lambda_: LambdaSettings = Field(
        default=LambdaSettings(), alias="lambda", description="API Gateway + Lambda settings."
    )
    fargate: Fargate = Field(default=Fargate(), description="ALB + Fargate settings.")
    database: Database = Field(default=Database(), description="Database.")
    storage: Storage = Field(default=Storage(), description="File storage.")
    frontend: Frontend = Field(default=Frontend(), description="Static front end.")
    auth: Auth = Field(default=Auth(), description="Sign-in.")
    logs: Logs = Field(default=Logs(), description="Application logs.")
    slo: Slo = Field(default=Slo(), description="Objectives.")
    simulation: Simulation = Field(default=Simulation(), description="Simulation settings.")
    pricing: PricingOptions = Field(default=PricingOptions(), description="Pricing options.")

    @model_validator(mode="after")
    def _check_layout(self) -> WorkloadProfile:
        layout, routes = self.lambda_.layout, self.request.routes
        if layout != "single" and not routes:
            raise ValueError(f"lambda.layout {layout} needs request.routes (without routes the API is one function)")
        if layout == "grouped" and not any(route.group for route in routes):
            raise ValueError("lambda.layout grouped needs a group on at least one of request.routes")
        reserved, functions = self.lambda_.reserved_concurrency, len(self.function_routes)
        provisioned = self.lambda_.max_provisioned
        if functions > 1 and provisioned * functions > self.lambda_.account_concurrency:
            raise ValueError(
                f"lambda.provisioned_concurrency {provisioned} applies to each of the {functions} functions of "
                f"layout {layout}: {provisioned * functions} exceeds account_concurrency "
                f"{self.lambda_.account_concurrency}"
            )
        if reserved is not None and functions > 1 and reserved * functions > self.lambda_.account_concurrency - 100:
            raise ValueError(
                f"lambda.reserved_concurrency {reserved} applies to each of the {functions} functions of layout "
                f"{layout}: {reserved * functions} must leave at least 100 of account_concurrency "
                f"{self.lambda_.account_concurrency} unreserved"
            )
        return self

    @property
    def function_routes(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the routes each Lambda function serves under ``lambda.layout``, in order of first route.

        One function without routes or with layout single; per-route: one each; grouped: one per
        group, and a function of its own for each route without a group.
        """
        routes = self.request.routes
        if self.lambda_.layout == "single" or not routes:
            return (tuple(range(len(routes))),)
        if self.lambda_.layout == "per-route":
            return tuple((index,) for index in range(len(routes)))
        groups: dict[str, list[int]] = {}
        for index, route in enumerate(routes):
            groups.setdefault(route.group if route.group else f"#{index}", []).append(index)
        return tuple(tuple(members) for members in groups.values())

    @property
    def seconds_per_month(self) -> float:
        """Length of the billed month in seconds."""
        return self.pricing.hours_per_month * 3_600.0
