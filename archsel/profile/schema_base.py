"""What every profile section shares: the frozen, strict pydantic base and the duration and clock field types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator

from archsel.profile.strict_numbers import refuse_booleans
from archsel.profile.units import format_clock, parse_clock_s, parse_duration_s

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

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, data: object) -> object:
        return refuse_booleans(cls, data)
