"""Lambda's REPORT line (plain text) and its JSON log format (``platform.report``), one invocation each.

Both are written when an invocation ends, so the arrival is the report time minus the INIT and
handler durations. Formats: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
and https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from archsel.telemetry.records import Request
from archsel.telemetry.timestamps import BadTimestamp, iso_seconds

REPORT = re.compile(
    r"REPORT RequestId:\s*\S+\s+Duration:\s*(?P<duration>[\d.]+)\s*ms"
    r"(?:\s+Billed Duration:\s*[\d.]+\s*ms)?"
    r"\s+Memory Size:\s*(?P<memory>\d+)\s*MB"
    r"\s+Max Memory Used:\s*(?P<used>[\d.]+)\s*MB"
    r"(?:\s+Init Duration:\s*(?P<init>[\d.]+)\s*ms)?"
    r"(?:.*?Status:\s*(?P<status>\w+))?"
)
"""``REPORT RequestId: … Duration: 102.25 ms Billed Duration: 103 ms Memory Size: 1024 MB …``"""

OTHER_PLATFORM_LINES = ("START RequestId:", "END RequestId:", "INIT_START ", "XRAY TraceId:")


class MalformedLine(ValueError):
    """A line of a known format that cannot be read (its reason, never its content)."""


def is_report(text: str) -> bool:
    """Whether a message is (or claims to be) a REPORT line."""
    return "REPORT RequestId:" in text


def report_request(message: str, report_s: float | None) -> Request:
    """The invocation a REPORT ``message`` describes, written at ``report_s`` (epoch seconds)."""
    match = REPORT.search(message)
    if match is None:
        raise MalformedLine("REPORT line without Duration, Memory Size and Max Memory Used")
    if report_s is None:
        raise MalformedLine("REPORT line without a timestamp")
    duration = _number(match.group("duration"))
    init = _number(match.group("init")) if match.group("init") else None
    status = match.group("status")
    return _invocation(
        report_s,
        duration,
        init,
        int(match.group("memory")),
        _number(match.group("used")),
        status not in (None, "success"),
    )


def is_platform_report(document: Mapping[str, Any]) -> bool:
    """Whether a JSON log event is Lambda's ``platform.report``."""
    return document.get("type") == "platform.report"


def platform_report_request(document: Mapping[str, Any], report_s: float | None) -> Request:
    """The invocation of a ``platform.report`` event (its own ``time``, else ``report_s``)."""
    record = document.get("record")
    metrics = record.get("metrics") if isinstance(record, Mapping) else None
    if not isinstance(record, Mapping) or not isinstance(metrics, Mapping):
        raise MalformedLine("platform.report without record.metrics")
    when = report_s
    if isinstance(document.get("time"), str):
        try:
            when = iso_seconds(document["time"])
        except BadTimestamp as error:
            raise MalformedLine(f"platform.report time: {error}") from None
    if when is None:
        raise MalformedLine("platform.report without a time")
    try:
        duration = _number(metrics["durationMs"])
        memory = int(_number(metrics.get("memorySizeMB", 0)))
        used = _number(metrics.get("maxMemoryUsedMB", 0))
        init = _number(metrics["initDurationMs"]) if metrics.get("initDurationMs") is not None else None
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedLine(f"platform.report metrics: {error}") from None
    status = record.get("status")
    return _invocation(when, duration, init, memory or None, used or None, status not in (None, "success"))


def _invocation(
    report_s: float, duration: float, init: float | None, memory: int | None, used: float | None, failed: bool
) -> Request:
    busy_s = (duration + (init or 0.0)) / 1000.0
    if not math.isfinite(report_s - busy_s):
        raise MalformedLine("durations too large to place the invocation in time")
    return Request(
        start_s=report_s - busy_s,
        duration_ms=duration,
        init_ms=init,
        memory_size_mb=memory,
        memory_used_mb=used,
        status_class="error" if failed else "ok",
    )


def _number(value: object) -> float:
    number = float(str(value))
    if not math.isfinite(number) or number < 0:
        raise MalformedLine(f"not a duration: {number}")
    return number
