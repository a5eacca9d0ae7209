"""What `recommend` will run, worked out before anything is simulated: the candidates, the ones ruled out, the runs.

The plan fits the profile to the request budget, builds every candidate design, prunes the ones
that cannot work and screens out the ones the no-simulation estimate puts well above the
cheapest. Its unit count sizes a progress bar exactly for the runs known in advance; tuning's
runs depend on the first round's results, so `recommend` announces them once, when it starts
tuning (at most `tuning_units_max`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archsel.cost.engine import estimate, usage_from_profile
from archsel.evaluate.design import Candidate, with_simulation
from archsel.pricing.table import PriceTable
from archsel.profile.architecture import ARCHITECTURES
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic import summarize
from archsel.recommend.candidates import Pruned, fargate_candidates, lambda_candidates, lambda_layouts
from archsel.recommend.managed_candidates import managed_candidates
from archsel.recommend.tuning import MAX_SEARCH_STEPS
from archsel.sim.result import SimOptions
from archsel.sim.sizing import choose_model

# Designs tuned for their objectives, per architecture (the cheapest ones): bounds the run time.
TUNED_PER_ARCHITECTURE = 1
# Distinct behaviours simulated per architecture, chosen by the no-simulation estimate; bounds the run time.
SIMULATED_PER_ARCHITECTURE = 2
# Simulated arrivals one recommendation may spend (about 30 s on two cores at ~2.5 M requests/s each).
# A busy profile gets fewer replications, then fewer designs: at tens of millions of requests a
# run, one run's own statistics are already tight, so volume stands in for replications.
REQUEST_BUDGET = 8e7
# The cost range re-runs the choice with one platform assumption halved and doubled, one replication each.
SENSITIVITY_FACTORS = (0.5, 2.0)

OnMoreUnits = Callable[[int], None]
"""Called once, when tuning starts, with the most runs it may add (a progress bar grows its total by that)."""


@dataclass(frozen=True, slots=True)
class RecommendPlan:
    """Everything `recommend` decides before simulating, and how many runs that takes."""

    profile: WorkloadProfile
    """The profile fitted to the request budget (replications possibly cut)."""
    prices: PriceTable
    seed: int
    options: SimOptions
    notes: tuple[str, ...]
    """How the run was fitted to its time budget, when it was."""
    candidates: tuple[Candidate, ...]
    """Every design built, before screening."""
    pruned: tuple[Pruned, ...]
    """Designs that cannot work (payload, timeout or concurrency limits), never built."""
    kept: tuple[Candidate, ...]
    """The designs to simulate."""
    screened: tuple[Pruned, ...]
    """Designs left unsimulated because the usage estimate put them well above the cheaper ones."""
    sensitivity: bool
    """Whether the cost range re-runs the choice with its assumptions moved (skipped for very large runs)."""

    @property
    def replications(self) -> int:
        """Runs per simulated design."""
        return self.profile.simulation.replications

    @property
    def simulated_units(self) -> int:
        """Runs of the first round: each distinct behaviour of the kept designs, every replication."""
        return len({candidate.simulation_key for candidate in self.kept}) * self.replications

    @property
    def sensitivity_units(self) -> int:
        """Runs of the cost range's assumption variants (one replication each)."""
        return len(SENSITIVITY_FACTORS) if self.sensitivity else 0

    @property
    def units(self) -> int:
        """The runs known before anything runs: the first round and the cost range (tuning not included)."""
        return self.simulated_units + self.sensitivity_units

    @property
    def tuning_units_max(self) -> int:
        """The most runs tuning can add: which designs need it and how far it searches show only after the first round."""
        architectures = len({candidate.architecture for candidate in self.kept})
        return architectures * TUNED_PER_ARCHITECTURE * (1 + MAX_SEARCH_STEPS) * self.replications


def plan_recommendation(profile: WorkloadProfile, prices: PriceTable, *, seed: int | None = None) -> RecommendPlan:
    """Fit ``profile`` to the budget, build, prune and screen the candidates; nothing is simulated."""
    fitted, per_architecture, notes = fit_to_budget(profile)
    lambdas, pruned_lambda = lambda_candidates(fitted)
    fargates, pruned_fargate = fargate_candidates(fitted)
    managed, pruned_managed = managed_candidates(fitted)
    candidates = (*lambdas, *fargates, *managed)
    kept, screened = screen(list(candidates), prices, per_architecture)
    return RecommendPlan(
        profile=fitted,
        prices=prices,
        seed=fitted.simulation.seed if seed is None else seed,
        options=SimOptions(horizon_s=fitted.simulation.horizon, warmup_s=fitted.simulation.warmup),
        notes=notes,
        candidates=candidates,
        pruned=(*pruned_lambda, *pruned_fargate, *pruned_managed),
        kept=tuple(kept),
        screened=screened,
        sensitivity=summarize(fitted).mean_rps * fitted.simulation.horizon <= REQUEST_BUDGET / 4,
    )


def model_notes(profile: WorkloadProfile) -> tuple[tuple[str, ...], bool]:
    """A note per architecture the aggregate model will simulate (and why), and whether every one will."""
    notes = []
    simulation = profile.simulation
    for architecture in ARCHITECTURES:
        choice = choose_model(profile, architecture, horizon_s=simulation.horizon, warmup_s=simulation.warmup)
        if choice.model == "aggregate":
            notes.append(f"{architecture} simulated by the aggregate model ({choice.reason})")
    return tuple(notes), len(notes) == len(ARCHITECTURES)


def fit_to_budget(profile: WorkloadProfile) -> tuple[WorkloadProfile, int, tuple[str, ...]]:
    """The profile with replications cut to fit REQUEST_BUDGET, the designs to simulate per architecture, notes.

    When the aggregate model simulates every architecture, a run's time no longer grows with its
    requests: its replications differ only by the fluctuations it samples, so one is kept.
    """
    aggregate_notes, all_aggregate = model_notes(profile)
    if all_aggregate:
        replications = profile.simulation.replications
        if replications > 1:
            profile = with_simulation(profile, replications=1)
            aggregate_notes += (
                f"replications cut from {replications} to 1: the aggregate model varies little run to run",
            )
        return profile, SIMULATED_PER_ARCHITECTURE, aggregate_notes
    fitted, per_architecture, notes = _fit_exact(profile)
    return fitted, per_architecture, aggregate_notes + notes


def _fit_exact(profile: WorkloadProfile) -> tuple[WorkloadProfile, int, tuple[str, ...]]:
    per_run = summarize(profile).mean_rps * profile.simulation.horizon
    # with routes, at least one design of each Lambda layout is simulated (see `screen`); Fargate and
    # Lambda Managed Instances simulate SIMULATED_PER_ARCHITECTURE each
    groups = 2 * SIMULATED_PER_ARCHITECTURE + max(SIMULATED_PER_ARCHITECTURE, len(lambda_layouts(profile)))
    replications = profile.simulation.replications
    fitted = max(1, min(replications, int(REQUEST_BUDGET // max(per_run * groups, 1.0))))
    per_architecture = SIMULATED_PER_ARCHITECTURE
    if per_run * groups * fitted > REQUEST_BUDGET:
        per_architecture = 1
    notes = []
    if fitted < replications:
        notes.append(
            f"{per_run / 1e6:,.1f} M requests per simulated run: replications cut from {replications} to {fitted} "
            "to fit the time budget (the volume keeps each run's statistics tight)"
        )
        profile = with_simulation(profile, replications=fitted)
    if per_architecture < SIMULATED_PER_ARCHITECTURE:
        notes.append("only the design with the lowest estimated cost of each architecture was simulated")
    return profile, per_architecture, tuple(notes)


def screen(
    candidates: list[Candidate], prices: PriceTable, per_architecture: int = SIMULATED_PER_ARCHITECTURE
) -> tuple[list[Candidate], tuple[Pruned, ...]]:
    """Keep the designs whose behaviour group is among the cheapest by the no-simulation estimate.

    Candidates that differ only in CPU architecture share a group (one simulation), so keeping a
    group keeps both its arm64 and x86_64 prices. With routes, the cheapest group of each Lambda
    layout is kept too: the estimate cannot see cold starts, which is what layouts trade for GB-s.
    """
    estimated = {c.key: _estimated_usd(c, prices) for c in candidates}
    kept_groups: set[str] = set()
    for architecture in ARCHITECTURES:
        groups: dict[str, float] = {}
        layouts: dict[str, str] = {}
        for c in candidates:
            if c.architecture == architecture:
                groups[c.simulation_key] = min(groups.get(c.simulation_key, float("inf")), estimated[c.key])
                if c.profile.request.routes:
                    layouts[c.simulation_key] = c.profile.lambda_.layout
        ranked = sorted(groups, key=lambda key: (groups[key], key))
        kept_groups.update(ranked[:per_architecture])
        for layout in dict.fromkeys(layouts.values()):
            kept_groups.add(next(key for key in ranked if layouts.get(key) == layout))
    kept = [c for c in candidates if c.simulation_key in kept_groups]
    screened = tuple(
        Pruned(
            c.architecture, c.describe(), f"screened out: estimated ${estimated[c.key]:,.2f} a month without simulation"
        )
        for c in candidates
        if c.simulation_key not in kept_groups
    )
    return kept, screened


def _estimated_usd(candidate: Candidate, prices: PriceTable) -> float:
    profile = candidate.profile
    return float(estimate(profile, usage_from_profile(profile, candidate.architecture), prices).monthly_usd)
