"""Reads a trace CSV as written: (minute, count) rows, the minute column placing each count in time.

Minutes count from the start of the trace (minute 0). A minute with no row is a minute with no
requests, so a trace may list only the minutes that had traffic; rows must be in increasing
order of minute, and a minute listed twice is an error naming the row. A CSV with a single
column is a list of consecutive per-minute counts. A first row that is not numbers is a header.
"""

from __future__ import annotations

import csv
import io
import math

from archsel.errors import ProfileError

# A year of minutes. The trace is expanded minute by minute, so a typo'd minute of 10**12 must
# be refused here rather than allocate terabytes.
MAX_TRACE_MINUTES = 366 * 24 * 60


def parse_trace_csv(text: str, name: str, where: str) -> list[float]:
    """Per-minute counts, minute 0 first, with zeros for the minutes the CSV leaves out."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # e.g. a field over the csv module's 128 KB limit
        raise ProfileError(f"{where}: {name} is not a CSV of minute,count ({error})") from error
    counts: list[float] = []
    for row_number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip():
            continue
        parsed = _parse_row(row, row_number, f"{where}: {name}:{row_number}")
        if parsed is None:
            continue  # header
        minute, count = parsed
        if minute is None:
            minute = len(counts)
        elif minute < len(counts):
            problem = "listed twice" if minute == len(counts) - 1 else "out of order"
            raise ProfileError(
                f"{where}: {name}:{row_number}: minute {minute} is {problem} (rows must be in increasing minute order)",
                hint="sort the CSV by minute and merge duplicate minutes",
            )
        counts.extend([0.0] * (minute - len(counts)))  # unlisted minutes had no requests
        counts.append(count)
    if not counts:
        raise ProfileError(f"{where}: {name} has no rows of minute,count")
    return counts


def _parse_row(row: list[str], row_number: int, where: str) -> tuple[int | None, float] | None:
    """(minute or None for a one-column CSV, count); None for a header row."""
    try:
        count = float(row[-1])
        minute_value = float(row[0]) if len(row) > 1 else None
    except ValueError:
        if row_number == 1:
            return None
        raise ProfileError(f"{where}: minute,count {','.join(row)[:60]!r} are not numbers") from None
    if not math.isfinite(count) or count < 0:
        raise ProfileError(f"{where}: count must be a number >= 0 (got {count:g})")
    if minute_value is None:
        return None, count
    if not math.isfinite(minute_value) or minute_value < 0 or minute_value != int(minute_value):
        raise ProfileError(f"{where}: minute must be a whole number >= 0 (got {row[0]!r})")
    if minute_value >= MAX_TRACE_MINUTES:
        raise ProfileError(
            f"{where}: minute {int(minute_value)} is past a year ({MAX_TRACE_MINUTES} minutes)",
            hint="minutes count from the start of the trace (0), not from an epoch",
        )
    return int(minute_value), count
