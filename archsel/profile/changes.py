"""Changed copies of a workload profile, validated like a parsed profile (field checks and model validators run).

`model_copy(update=...)` skips validation, so a design built with it could hold settings no
profile file could (a task size Fargate does not offer, more provisioned concurrency than the
account allows) and only fail later, when its JSON is read back. These helpers rebuild the
changed section and the profile through the schema instead.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from pydantic import BaseModel

from archsel.profile.schema import WorkloadProfile

Section = Literal["lambda_", "fargate", "lambda_managed", "simulation"]
"""Sections a design changes. Each holds no clock-time field: a clock time already parsed to
seconds would read as hours if validated again (the schema takes a bare number as an hour)."""

Model = TypeVar("Model", bound=BaseModel)


def with_section(profile: WorkloadProfile, section: Section, **changes: object) -> WorkloadProfile:
    """``profile`` with some fields of one section changed, both validated again (ValidationError if invalid)."""
    changed = revalidated(getattr(profile, section), changes)
    return revalidated(profile, {section: changed})


def revalidated(model: Model, changes: dict[str, object]) -> Model:
    """``model`` with ``changes`` applied, through the model's validators.

    Only the fields the model was built with (and the changes) are passed again; the others take
    their declared defaults, the same objects as before (the schema's `timeout_s` default 29 stays
    the int 29 rather than becoming 29.0), so the rebuilt model dumps exactly as the original did.
    Nested models pass through as they are: they were validated when they were built.
    """
    given = {name: getattr(model, name) for name in model.model_fields_set}
    return type(model).model_validate({**given, **changes})
