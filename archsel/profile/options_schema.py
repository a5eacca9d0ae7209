"""The profile's run options: service-level objectives and budget, simulation settings and pricing options."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from archsel.profile.schema_base import DurationS, Frozen

# The error objective checked when a profile sets none: a design that fails more than 0.1% of its
# requests is not a working design, whatever its cost (a profile may set its own, 1 accepts any).
DEFAULT_MAX_ERROR_RATIO = 0.001


class Slo(Frozen):
    """Service-level objectives and budget; null = not checked."""

    p99_latency_ms: float | None = Field(default=None, gt=0, description="p99 end-to-end latency, ms.")
    p95_latency_ms: float | None = Field(default=None, gt=0, description="p95 end-to-end latency, ms.")
    max_error_ratio: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Largest share of requests that may fail; when not set, 0.001 (0.1%) is checked "
        "anyway, so a design failing requests never meets every objective (set 1 to accept any).",
    )
    monthly_budget_usd: float | None = Field(default=None, ge=0, description="Monthly budget, USD.")

    @property
    def error_ratio_objective(self) -> float:
        """The error ratio checked: the profile's max_error_ratio, else the default 0.001."""
        return DEFAULT_MAX_ERROR_RATIO if self.max_error_ratio is None else self.max_error_ratio


class SimulationBudget(Frozen):
    """What one exact (per-request) run may cost before archsel switches to the aggregate model."""

    seconds: float = Field(
        default=30.0,
        gt=0,
        description="CPU seconds one exact run may take (estimated from its requests before it starts).",
    )
    memory_gb: float = Field(default=2.0, gt=0, description="Memory one exact run may hold, GB (estimated).")
    model: Literal["auto", "exact", "aggregate"] = Field(
        default="auto",
        description="auto: exact within the budget, else aggregate; exact or aggregate: always that model.",
    )


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
    allow_short_horizon: bool = Field(
        default=False,
        description="Let recommend scale a measured window (horizon minus warmup) under 1 hour to a month; "
        "start-up effects (cold starts, autoscaling) then weigh far more than they would.",
    )
    budget: SimulationBudget = Field(
        default=SimulationBudget(),
        description="Time and memory an exact run may take; over it the aggregate (fluid) model runs.",
    )

    @model_serializer(mode="wrap")
    def _without_defaults_added_later(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Left out unless set, so that the profiles (and profile hashes) written before these keys
        # existed dump exactly as they did.
        data: dict[str, Any] = handler(self)
        if not self.allow_short_horizon:
            data.pop("allow_short_horizon", None)
        if self.budget == SimulationBudget():
            data.pop("budget", None)
        return data

    @model_validator(mode="after")
    def _check_warmup(self) -> Simulation:
        if self.warmup >= self.horizon:
            raise ValueError(f"warmup must be shorter than horizon (got {self.warmup:g}s >= {self.horizon:g}s)")
        return self


class SavingsPlan(Frozen):
    """A Compute Savings Plan: an hourly spend committed for 1 or 3 years, billed at the plan's rates.

    It discounts Lambda duration and provisioned concurrency, Fargate vCPU and memory
    (https://aws.amazon.com/savingsplans/compute-pricing/) and the EC2 instances of Lambda Managed
    Instances, not their management fee (https://aws.amazon.com/lambda/pricing/); the commitment is
    paid every hour, used or not.
    """

    term: Literal["1y", "3y"] = Field(description="Plan length: 1y or 3y.")
    payment: Literal["none", "partial", "all"] = Field(
        default="none", description="Upfront payment: none, partial or all (the commitment is counted always-on)."
    )
    commitment_usd_per_hour: float | None = Field(
        default=None, gt=0, description="Hourly commitment, USD (give this or coverage)."
    )
    coverage: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of the design's eligible usage the commitment covers at plan rates (give this or commitment_usd_per_hour).",
    )

    @model_validator(mode="after")
    def _one_size(self) -> SavingsPlan:
        if (self.commitment_usd_per_hour is None) == (self.coverage is None):
            raise ValueError("give commitment_usd_per_hour or coverage (exactly one)")
        return self


class PricingOptions(Frozen):
    """How prices are applied."""

    free_tier: bool = Field(default=False, description="Apply monthly always-free tiers.")
    hours_per_month: float = Field(
        default=730, gt=0, description="Hours in the billed month (AWS Price List convention: 730)."
    )
    savings_plan: SavingsPlan | None = Field(
        default=None,
        description="A Compute Savings Plan applied to Lambda, Fargate and Managed Instances' EC2 compute "
        "(null: on-demand).",
    )

    @model_serializer(mode="wrap")
    def _leave_out_no_plan(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A profile without a plan dumps as it did before plans existed, so recommend documents and
        # the profile hash that scaffolds record stay the same for it.
        dumped: dict[str, Any] = handler(self)
        if dumped.get("savings_plan") is None:
            dumped.pop("savings_plan", None)
        return dumped
