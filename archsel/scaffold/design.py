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
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from archsel import __version__
from archsel.errors import ProfileError, UsageError
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.schema import WorkloadProfile

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
    choice = cast(dict[str, Any], document["choice"])
    picked = choice if architecture is None else _best_document(document, check_architecture(architecture), source)
    if "workload" not in picked:
        raise ProfileError(
            f"{source}: choice.workload is missing (written by an archsel older than scaffold support)",
            hint="re-run `archsel recommend --format json` with this version, or scaffold from the profile",
        )
    summary = RecommendationSummary(
        description=str(picked.get("description", "")),
        monthly_usd=float(picked.get("monthly_usd", 0.0)),
        reasons=tuple(str(reason) for reason in document.get("reasons", [])),
        pricing_as_of=str(document.get("pricing_as_of", "unknown")),
        archsel_version=str(document.get("archsel_version", __version__)),
        recommended_architecture=check_architecture(str(choice.get("architecture"))),
    )
    profile = profile_from_dump(picked["workload"], source=f"{source}: workload")
    return Design(architecture=check_architecture(str(picked.get("architecture"))), profile=profile, summary=summary)


def _best_document(document: dict[str, Any], architecture: Architecture, source: str) -> dict[str, Any]:
    """The best candidate of ``architecture``: the `best` map names its key; `candidates` holds it."""
    key = document.get("best", {}).get(architecture)
    for candidate in document.get("candidates", []):
        if candidate.get("key") == key and "workload" in candidate:
            return cast(dict[str, Any], candidate)
    raise UsageError(
        f"{source}: the recommendation has no {architecture} design with its settings",
        hint="drop --arch, or re-run `archsel recommend` and scaffold from the profile with --arch",
    )


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
    raise UsageError(f"unknown architecture {value!r}", hint="use lambda or fargate")


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ProfileError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read ({error})") from error
    except json.JSONDecodeError as error:
        raise ProfileError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from error
