"""The design to scaffold: an architecture, the profile carrying its settings, and why it was chosen.

A `Design` comes from a recommendation in memory (`design_from_recommendation`), from
`archsel recommend --format json` output or a project's `archsel.answers.yaml`
(`design_from_json`, `design_from_answers`), or straight from a profile (`design_from_profile`,
used by tests and by users who already know what they want).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from archsel import __version__
from archsel.errors import ProfileError, UsageError
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.recommend.document import CandidateDocument, RecommendDocument

if TYPE_CHECKING:
    from archsel.recommend import Recommendation


@dataclass(frozen=True, slots=True)
class RecommendationSummary:
    """What `archsel recommend` said about the design, quoted in the generated README."""

    description: str
    monthly_usd: float
    reasons: tuple[str, ...]
    pricing_as_of: str
    archsel_version: str
    recommended_architecture: Architecture
    """The architecture the recommendation chose (differs from the design's when --arch overrode it)."""


@dataclass(frozen=True, slots=True)
class Design:
    """One architecture and the workload profile carrying its chosen settings."""

    architecture: Architecture
    profile: WorkloadProfile
    summary: RecommendationSummary | None = None

    @property
    def profile_hash(self) -> str:
        """sha256 of the profile's canonical JSON: names the exact settings a project was rendered from."""
        return hashlib.sha256(canonical_profile_json(self.profile).encode("utf-8")).hexdigest()

    @property
    def overridden(self) -> bool:
        """Whether --arch picked a different architecture than the recommendation's choice."""
        return self.summary is not None and self.summary.recommended_architecture != self.architecture


def canonical_profile_json(profile: WorkloadProfile) -> str:
    """The profile as sorted, compact JSON (stable across runs, the input of the profile hash)."""
    return json.dumps(profile.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))


def design_from_profile(profile: WorkloadProfile, architecture: str) -> Design:
    """A design that takes the profile's own settings for ``architecture`` as chosen."""
    return Design(architecture=check_architecture(architecture), profile=profile)


def design_from_recommendation(rec: Recommendation, architecture: str | None = None) -> Design:
    """The recommendation's choice, or its best design of ``architecture`` when given (--arch)."""
    evaluation = rec.choice if architecture is None else rec.best_of(check_architecture(architecture))
    if evaluation is None:
        raise UsageError(
            f"the recommendation has no {architecture} design (every {architecture} candidate was ruled out)",
            hint="drop --arch to scaffold the recommended design; `archsel recommend --all` lists why",
        )
    candidate = evaluation.candidate
    summary = RecommendationSummary(
        description=candidate.describe(),
        monthly_usd=round(float(evaluation.result.estimate.monthly_usd), 2),
        reasons=tuple(rec.reasons),
        pricing_as_of=rec.prices.as_of.isoformat(),
        archsel_version=__version__,
        recommended_architecture=check_architecture(rec.choice.candidate.architecture),
    )
    return Design(architecture=check_architecture(candidate.architecture), profile=candidate.profile, summary=summary)


def design_from_json(path: str | Path, architecture: str | None = None) -> Design:
    """The chosen design in an `archsel recommend --format json` file, or its best of ``architecture``."""
    return design_from_document(_read_json(Path(path)), source=str(path), architecture=architecture)


def design_from_document(document: object, *, source: str, architecture: str | None = None) -> Design:
    """The design in a parsed recommend JSON document; with ``architecture``, that architecture's best."""
    if not isinstance(document, dict) or not isinstance(document.get("choice"), dict):
        raise ProfileError(f"{source}: not an `archsel recommend --format json` document (no choice object)")
    if "workload" not in document["choice"]:
        # Said first and on its own: it is the one field scaffolding cannot do without.
        raise ProfileError(
            f"{source}: choice.workload is missing (written by an archsel older than scaffold support)",
            hint="re-run `archsel recommend --format json` with this version, or scaffold from the profile",
        )
    recommendation = read_recommend_document(document, source=source)
    choice = recommendation.choice
    picked = (
        choice if architecture is None else _best_document(recommendation, check_architecture(architecture), source)
    )
    summary = RecommendationSummary(
        description=picked.description,
        monthly_usd=picked.monthly_usd,
        reasons=recommendation.reasons,
        pricing_as_of=recommendation.pricing_as_of,
        # The document does not record the archsel that wrote it: the scaffold names the one reading it.
        archsel_version=__version__,
        recommended_architecture=check_architecture(choice.architecture),
    )
    return Design(architecture=check_architecture(picked.architecture), profile=picked.workload, summary=summary)


def read_recommend_document(document: dict[str, Any], *, source: str) -> RecommendDocument:
    """``document`` validated as a recommend document; a ProfileError names each missing or invalid field."""
    try:
        return RecommendDocument.model_validate(document)
    except ValidationError as error:
        raise refusal(source, "not a recommend document this archsel reads", error) from error


def summary_from_record(recorded: object, *, source: str) -> RecommendationSummary:
    """The recommendation summary an answers file recorded; a ProfileError names each missing or invalid field."""
    try:
        return TypeAdapter(RecommendationSummary).validate_python(recorded)
    except ValidationError as error:
        raise refusal(source, "the recorded recommendation is incomplete", error, prefix="recommendation") from error


def refusal(source: str, what: str, error: ValidationError, *, prefix: str = "") -> ProfileError:
    """A ProfileError listing the first problems of ``error``, each as its dotted field path."""
    problems = [_problem(detail, prefix) for detail in error.errors()]
    shown = "\n".join(f"  {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN])
    more = f"\n  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return ProfileError(
        f"{source}: {what} ({len(problems)} problem(s)):\n{shown}{more}",
        hint="re-run `archsel recommend --format json` with this version, or scaffold from the profile",
    )


# A document from another version can miss a field in every candidate: the first few say enough.
MAX_PROBLEMS_SHOWN = 10


def _problem(detail: ErrorDetails, prefix: str = "") -> str:
    """``choice.monthly_usd is missing`` or ``candidates.0.result.requests: Input should be a valid integer``."""
    path = ".".join(str(part) for part in (prefix, *detail["loc"]) if part != "")
    if detail["type"] == "missing":
        return f"{path} is missing"
    return f"{path}: {detail['msg']}"


def _best_document(document: RecommendDocument, architecture: Architecture, source: str) -> CandidateDocument:
    """The best candidate of ``architecture``: the `best` map names its key; `candidates` holds it."""
    candidate = document.best_candidate(architecture)
    if candidate is None:
        raise UsageError(
            f"{source}: the recommendation has no {architecture} design with its settings",
            hint="drop --arch, or re-run `archsel recommend` and scaffold from the profile with --arch",
        )
    return candidate


def profile_from_dump(data: object, *, source: str) -> WorkloadProfile:
    """Re-validate a profile dumped with `model_dump(mode="json", by_alias=True)`."""
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(
            f"{source}: not a valid workload profile: {error.error_count()} error(s)\n{error}"
        ) from error


def check_architecture(value: str) -> Architecture:
    """``value`` as an Architecture, or a UsageError naming the choices."""
    if value in ARCHITECTURES:
        return Architecture(value)
    raise UsageError(f"unknown architecture {value!r}", hint="use lambda, fargate or lambda-managed")


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ProfileError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read ({error})") from error
    except json.JSONDecodeError as error:
        raise ProfileError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from error
