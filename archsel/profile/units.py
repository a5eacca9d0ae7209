"""Parsing of the profile's duration strings ("90s", "10m", "6h", "1d") and clock times ("18:30")."""

from __future__ import annotations

import math
import re

SECONDS_PER_DAY = 86_400
_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3_600.0, "d": 86_400.0}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def parse_duration_s(value: object) -> float:
    """Seconds in a duration given as a number of seconds or a string with a unit.

    >>> parse_duration_s("90s"), parse_duration_s("10m"), parse_duration_s("1d"), parse_duration_s(5)
    (90.0, 600.0, 86400.0, 5.0)
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90s, 10m, 6h or 1d")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"must be >= 0 (got {value})")
        return _finite(value)
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match:
            return _finite(float(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"])
    raise ValueError(f"expected a duration such as 90s, 10m, 6h or 1d (got {value!r})")


def parse_clock_s(value: object) -> float:
    """Seconds after 00:00 UTC for a clock time "HH:MM[:SS]" or an hour number (18 or 18.5).

    >>> parse_clock_s("12:30"), parse_clock_s(18)
    (45000.0, 64800.0)
    """
    if isinstance(value, bool):
        raise ValueError("expected a clock time such as 18:00")
    if isinstance(value, int | float):
        seconds = _finite(value) * 3_600.0
    elif isinstance(value, str) and (match := _CLOCK_RE.match(value)):
        hours, minutes, secs = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if minutes >= 60 or secs >= 60:
            raise ValueError(f"not a clock time (got {value!r})")
        seconds = hours * 3_600.0 + minutes * 60.0 + secs
    else:
        raise ValueError(f"expected a clock time such as 18:00 (got {value!r})")
    if not 0 <= seconds < SECONDS_PER_DAY:
        raise ValueError(f"must be within the day, 00:00 to 23:59 (got {value!r})")
    return seconds


def _finite(value: float) -> float:
    """``float(value)``, refusing what does not fit a float (a 400-digit int raises OverflowError)."""
    try:
        result = float(value)
    except OverflowError:
        raise ValueError("too large to be a number") from None
    if not math.isfinite(result):
        raise ValueError(f"must be a finite number (got {result})")
    return result


def format_duration(seconds: float) -> str:
    """A short human form of a duration: 86400 -> '1d', 600 -> '10m', 90 -> '90s'."""
    for unit, size in (("d", 86_400.0), ("h", 3_600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def format_clock(seconds: float) -> str:
    """Seconds after midnight as "HH:MM:SS" (the inverse of parse_clock_s).

    >>> format_clock(66600.0)
    '18:30:00'
    """
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
