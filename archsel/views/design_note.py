"""Names the design that `cost` and `simulate` price: the profile's own settings, not recommend's tuned ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from archsel.evaluate.design import Candidate
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile

BASIS = "profile settings"
BASIS_NOTE = (
    "Designs priced: the profile's own lambda:, fargate: and lambda_managed: settings (named above). "
    "`archsel recommend` also tries other memory sizes, CPU architectures, task sizes and counts and instance "
    "types and keeps the cheapest that meets the objectives, so its figures can differ."
)


def profile_design(profile: WorkloadProfile, architecture: str) -> Candidate:
    """The design the profile describes for ``architecture`` as it stands (nothing tuned)."""
    return Candidate(key="profile", architecture=Architecture(architecture), profile=profile)


def design_label(profile: WorkloadProfile, architecture: str) -> str:
    """'Lambda 1024 MB x86_64, HTTP API' or 'Fargate 0.5 vCPU/1 GB x86_64, 1-20 tasks at cpu 60'."""
    return profile_design(profile, architecture).describe()


def designs_document(profile: WorkloadProfile, architectures: Iterable[str]) -> dict[str, Any]:
    """The JSON key `designs`: per architecture, its label and settings, and that they are the profile's."""
    return {
        str(arch): {
            "description": design_label(profile, arch),
            "settings": profile_design(profile, arch).settings(),
            "basis": BASIS,
        }
        for arch in architectures
    }
