"""The profile's run options: service-level objectives and budget, simulation settings and pricing options."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from archsel.profile.schema_base import DurationS, Frozen


class Slo(Frozen):
    """Service-level objectives and budget; null = not checked."""

    p99_latency_ms: float | None = Field(default=None, gt=0, description="p99 end-to-end latency, ms.")
    p95_latency_ms: float | None = Field(default=None, gt=0, description="p95 end-to-end latency, ms.")
    max_error_ratio: float | None = Field(
        default=None, ge=0, le=1, description="Largest share of requests that may fail."
    )
    monthly_budget_usd: float | None = Field(default=None, ge=0, description="Monthly budget, USD.")


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
    budget: SimulationBudget = Field(
        default=SimulationBudget(),
        description="Time and memory an exact run may take; over it the aggregate (fluid) model runs.",
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
