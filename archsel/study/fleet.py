"""A fleet of recommendations (`archsel recommend a.yaml b.yaml ...`): totals per choice and who flips first.

"Flips as traffic grows" reads each recommendation's break-even: the traffic scale nearest
today's at which the cheaper architecture changes. Only flips above today's traffic (factor > 1)
are growth flips; a service already past its flip does not flip back as traffic grows further.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.recommend import Recommendation


@dataclass(frozen=True, slots=True)
class FleetEntry:
    """One service's decision and when its cheaper architecture would flip."""

    profile: str
    choice: Architecture
    description: str
    monthly_usd: float
    meets_slos: bool
    best_usd: tuple[tuple[Architecture, float], ...]
    """Monthly cost of the best design of each architecture evaluated."""
    flip_factor: float | None
    """Traffic growth (x today's) at which the cheaper architecture changes; None if it does not as traffic grows."""
    flip_rps: float | None
    flips_to: Architecture | None

    def best(self, architecture: str) -> float | None:
        """Monthly cost of the best design of ``architecture``, if evaluated."""
        return next((usd for arch, usd in self.best_usd if arch == architecture), None)


@dataclass(frozen=True, slots=True)
class ChoiceTotal:
    """The services that chose one architecture and what they cost together."""

    architecture: Architecture
    services: int
    monthly_usd: float


@dataclass(frozen=True, slots=True)
class FleetSummary:
    """Decisions for several services, totals, and the order in which they flip as traffic grows."""

    entries: tuple[FleetEntry, ...]
    by_choice: tuple[ChoiceTotal, ...]
    total_usd: float
    all_on: tuple[tuple[Architecture, float | None], ...]
    """The fleet's monthly cost if every service ran on one architecture (None if one cannot)."""

    @property
    def flip_order(self) -> tuple[FleetEntry, ...]:
        """Services whose cheaper architecture flips as traffic grows, soonest first."""
        growing = [entry for entry in self.entries if entry.flip_factor is not None]
        return tuple(sorted(growing, key=lambda entry: (entry.flip_factor or 0.0, entry.profile)))


def fleet_summary(recommendations: Sequence[Recommendation]) -> FleetSummary:
    """Totals and flip order over ``recommendations`` (one per service)."""
    entries = tuple(fleet_entry(rec) for rec in recommendations)
    by_choice = tuple(
        ChoiceTotal(arch, len(chosen), sum(e.monthly_usd for e in chosen))
        for arch in ARCHITECTURES
        if (chosen := [e for e in entries if e.choice == arch])
    )
    all_on = tuple((arch, _all_on(entries, arch)) for arch in ARCHITECTURES)
    return FleetSummary(entries, by_choice, sum(e.monthly_usd for e in entries), all_on)


def fleet_entry(rec: Recommendation) -> FleetEntry:
    """One recommendation as a fleet entry."""
    flip = rec.break_even.traffic if rec.break_even is not None else None
    grows = flip is not None and flip.factor > 1
    return FleetEntry(
        profile=rec.profile.name,
        choice=rec.choice.candidate.architecture,
        description=rec.choice.candidate.describe(),
        monthly_usd=rec.choice.monthly_usd,
        meets_slos=rec.meets_slos,
        best_usd=tuple((e.candidate.architecture, e.monthly_usd) for e in rec.best),
        flip_factor=flip.factor if grows and flip is not None else None,
        flip_rps=rec.break_even.rps if grows and rec.break_even is not None else None,
        flips_to=flip.cheaper_above if grows and flip is not None else None,
    )


def _all_on(entries: tuple[FleetEntry, ...], architecture: Architecture) -> float | None:
    costs = [entry.best(architecture) for entry in entries]
    return None if any(cost is None for cost in costs) else sum(cost or 0.0 for cost in costs)
