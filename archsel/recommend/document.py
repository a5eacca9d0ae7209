"""The `archsel recommend --format json` document: written by the views, read back by `archsel scaffold`.

One definition for both sides: the writer builds these models and dumps them; the reader
validates the file against them, so a missing or mistyped field is an error that names it,
never a silent default. The key names are a published contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, JsonValue

from archsel.evaluate.document import Document, ResultDocument
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile


class SloDocument(Document):
    """One objective checked against the simulated mean."""

    name: str
    target: float
    actual: float
    holds: bool


class CandidateDocument(Document):
    """One design: its settings, cost, SLO outcomes, simulate result and the whole workload it ran."""

    key: str
    architecture: Architecture
    description: str
    settings: dict[str, JsonValue]
    monthly_usd: float
    monthly_usd_interval: tuple[float, float]
    meets_slos: bool
    slos: tuple[SloDocument, ...]
    result: ResultDocument
    workload: WorkloadProfile
    """The profile with this design's settings: `archsel scaffold REC.json` builds from it."""


class RuledOutDocument(Document):
    """A design ruled out before simulation (pruned or screened out), and why."""

    architecture: Architecture
    description: str
    reason: str


class TrafficFlipDocument(Document):
    """The traffic at which the cheaper architecture changes."""

    factor: float
    mean_rps: float
    requests_per_month: int
    cheaper_below: Architecture
    cheaper_above: Architecture


class DurationFlipDocument(Document):
    """The mean request time at which the cheaper architecture changes."""

    factor: float
    mean_duration_ms: float
    cheaper_below: Architecture
    cheaper_above: Architecture


class BreakEvenDocument(Document):
    """Where the cheaper architecture flips; null where it does not in the scanned range."""

    traffic: TrafficFlipDocument | None
    duration: DurationFlipDocument | None
    method: str | None = None
    """How the flips were found; absent when there is no pair of designs to compare."""

    omitted_when_none = ("method",)


class CostRangeDocument(Document):
    """Low / expected / high monthly cost of the choice, and what the range covers."""

    low: float
    expected: float
    high: float
    basis: str


class PlanMonthDocument(Document):
    """One month of the growth plan."""

    month: int
    mean_rps: float
    requests: int
    choice: Architecture
    lambda_usd: float | None
    fargate_usd: float | None
    lambda_managed_usd: float | None = None
    """None when Lambda Managed Instances was not evaluated (pruned, or not a candidate)."""


class FlipDocument(Document):
    """One change of the plan's choice: from `month` on, `to` is run instead of `from`."""

    month: int
    from_: Architecture = Field(alias="from")
    to: Architecture
    mean_rps: float


class StrategyDocument(Document):
    """One way to run the plan's horizon and its total cost."""

    name: str
    total_usd: float
    description: str
    switch_month: int | None = None
    switch_months: tuple[int, ...] | None = None
    """Every month the strategy migrates (the first is `switch_month`)."""

    omitted_when_none = ("switch_month", "switch_months")


class SloFailureDocument(Document):
    """The first month an objective or a platform limit fails."""

    month: int
    architecture: Architecture
    objective: str
    target: float
    projected: float
    detail: str


class CalibrationDocument(Document):
    """How close the usage model came to the simulated cost at today's traffic."""

    architecture: Architecture
    simulated_usd: float
    model_usd: float
    factor: float


class PlanDocument(Document):
    """`recommend --growth`: the traffic grown month by month, priced, and what to run when."""

    growth_per_month: float
    months: tuple[PlanMonthDocument, ...]
    flip_month: int | None
    strategies: tuple[StrategyDocument, ...]
    first_slo_failure: SloFailureDocument | None
    failures: tuple[SloFailureDocument, ...]
    migration_usd: float
    calibration: tuple[CalibrationDocument, ...]
    method: str
    flips: tuple[FlipDocument, ...] = ()
    """Every change of choice in month order; `flip_month` is the first one's month."""


class RecommendDocument(Document):
    """The whole recommendation."""

    profile: str
    region: str
    pricing_as_of: str
    seed: int
    meets_slos: bool
    tie: bool
    choice: CandidateDocument
    best: dict[Architecture, str]
    """The key of each architecture's best design (it is among `candidates`)."""
    candidates: tuple[CandidateDocument, ...]
    pruned: tuple[RuledOutDocument, ...]
    screened_out: tuple[RuledOutDocument, ...]
    notes: tuple[str, ...]
    reasons: tuple[str, ...]
    break_even: BreakEvenDocument
    cost_range_usd: CostRangeDocument
    plan: PlanDocument | None = None
    """With `--growth` (or traffic.growth) only."""

    omitted_when_none = ("plan",)

    def best_candidate(self, architecture: Architecture) -> CandidateDocument | None:
        """The best design of ``architecture``, if the recommendation has one."""
        key = self.best.get(architecture)
        return next((candidate for candidate in self.candidates if candidate.key == key), None)

    def plain(self) -> dict[str, Any]:
        """The document as plain JSON values (by alias: `from`, `lambda`)."""
        dumped: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return dumped
