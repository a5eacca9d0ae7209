"""Traffic growth rates as written in a profile or on the command line ("8%/month", "40%/year", 0.08)."""

from __future__ import annotations

import re

_RATE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*(?:/\s*(month|mo|year|yr))?\s*$", re.IGNORECASE)
MONTHS_PER_YEAR = 12


def parse_growth(value: object) -> object:
    """A monthly growth fraction from "8%/month", "8%" (per month), "40%/year" (compounded) or a number (a fraction).

    Anything else is returned unchanged so that pydantic reports it against the field.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    return growth_from_text(value)


def growth_from_text(value: str) -> float:
    """The monthly growth fraction ``value`` ("8%/month", "40%/year") stands for (ValueError if none)."""
    match = _RATE.match(value)
    if match is None:
        raise ValueError(f"growth {value!r}: write a rate like 8%/month or 40%/year")
    percent = float(match.group(1)) / 100.0
    if (match.group(2) or "month").lower() in {"year", "yr"}:
        if percent <= -1.0:
            raise ValueError(f"growth {value!r}: a yearly rate must be above -100%")
        return float((1.0 + percent) ** (1.0 / MONTHS_PER_YEAR)) - 1.0
    return percent


def format_growth(monthly: float) -> str:
    """A monthly growth fraction as people write it: 0.08 -> '8%/month'."""
    return f"{100.0 * monthly:g}%/month"
