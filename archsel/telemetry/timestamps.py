"""Timestamps as the exporters write them: ISO-8601, epoch milliseconds, and API Gateway's CLF time."""

from __future__ import annotations

import datetime as dt
import re

ISO_PREFIX = re.compile(r"^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+")
"""A line prefixed by its ISO-8601 timestamp, as an export to S3 or `aws logs tail` writes it."""

# API Gateway's $context.requestTime: 27/Nov/2026:10:15:30 +0000
_CLF = "%d/%b/%Y:%H:%M:%S %z"


class BadTimestamp(ValueError):
    """A time field that does not read as a time."""


def iso_seconds(text: str) -> float:
    """Epoch seconds of an ISO-8601 time (UTC when it names no zone).

    >>> iso_seconds("2026-11-01T00:00:01.5Z")
    1793491201.5
    """
    try:
        moment = dt.datetime.fromisoformat(text.replace(",", "."))
    except ValueError as error:
        raise BadTimestamp(str(error)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def clf_seconds(text: str) -> float:
    """Epoch seconds of API Gateway's requestTime (``27/Nov/2026:10:15:30 +0000``)."""
    try:
        return dt.datetime.strptime(text, _CLF).timestamp()
    except ValueError as error:
        raise BadTimestamp(str(error)) from None


def epoch_ms_seconds(value: object) -> float:
    """Epoch seconds of an epoch-milliseconds number (or its text)."""
    try:
        number = float(str(value))
    except ValueError as error:
        raise BadTimestamp(str(error)) from None
    if not 0 < number < 1e14:  # before 1970 or after the year 5000: not a time in milliseconds
        raise BadTimestamp(f"{value!r} is not epoch milliseconds")
    return number / 1000.0


def split_iso_prefix(line: str) -> tuple[float | None, str]:
    """(epoch seconds, rest of the line) when the line starts with an ISO timestamp, else (None, line)."""
    match = ISO_PREFIX.match(line)
    if match is None:
        return None, line
    try:
        return iso_seconds(match.group(1)), line[match.end() :]
    except BadTimestamp:
        return None, line
