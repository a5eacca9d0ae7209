"""Reads log files of any supported format (gzip or not), detecting the format line by line.

A file may mix formats. A line of a known format that cannot be read is counted as malformed
and skipped; lines of no known format (application logs, START/END) are counted as ignored.
Only when nothing at all parses is it an error.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archsel.errors import TelemetryError
from archsel.telemetry.access_logs import alb_request, apigateway_request, is_alb, is_apigateway
from archsel.telemetry.lambda_logs import (
    is_platform_report,
    is_report,
    platform_report_request,
    report_request,
)
from archsel.telemetry.records import ParseResult, Request
from archsel.telemetry.timestamps import BadTimestamp, epoch_ms_seconds, split_iso_prefix

GZIP_MAGIC = b"\x1f\x8b"
PAGE_START = re.compile(r'\s*\{\s*"(events|nextToken|searchedLogStreams)"')
"""How a `filter-log-events` answer begins."""
MAX_EXAMPLES = 5


@dataclass
class _Tally:
    """What the readers have seen so far (mutable while reading, frozen into a ParseResult)."""

    requests: list[Request] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    ignored: int = 0
    malformed_at: list[str] = field(default_factory=list)

    def bad(self, where: str) -> None:
        self.malformed += 1
        if len(self.malformed_at) < MAX_EXAMPLES:
            self.malformed_at.append(where)


def read_logs(paths: Sequence[str | Path]) -> ParseResult:
    """Every request in ``paths``; TelemetryError when none of their lines is a request."""
    tally = _Tally()
    for path in paths:
        _read_file(Path(path), tally)
    names = tuple(str(p) for p in paths)
    if not tally.requests:
        raise TelemetryError(
            f"no request found in {', '.join(names)} ({tally.malformed} malformed, {tally.ignored} other lines)",
            hint="give Lambda REPORT lines, `aws logs filter-log-events` JSON, Lambda JSON logs, "
            "ALB access logs or API Gateway JSON access logs (gzip is fine)",
        )
    ordered = tuple(sorted(tally.requests, key=lambda r: r.start_s))
    return ParseResult(ordered, tally.formats, tally.malformed, tally.ignored, tuple(tally.malformed_at), names)


def parse_lines(lines: Iterable[str], source: str = "<lines>") -> ParseResult:
    """Parse text lines as one file would be (no error when nothing parses: for tests and tools)."""
    tally = _Tally()
    _read_text("\n".join(lines), source, tally)
    return ParseResult(tuple(tally.requests), tally.formats, tally.malformed, tally.ignored, tuple(tally.malformed_at))


def _read_file(path: Path, tally: _Tally) -> None:
    try:
        raw = path.read_bytes()
        if raw[:2] == GZIP_MAGIC:
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as error:
        raise TelemetryError(f"{path}: cannot read ({error})") from None
    _read_text(raw.decode("utf-8", errors="replace"), str(path), tally)


def _read_text(text: str, source: str, tally: _Tally) -> None:
    document = _whole_document(text)
    if document is not None:
        _read_events(document, source, tally)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        _read_line(line, f"{source}:{number}", tally, None)


def _whole_document(text: str) -> list[Any] | None:
    """The events of a `filter-log-events` answer (or a JSON list of events), else None.

    Answers saved page by page follow one another in the file: their events are joined.
    """
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return _pages(text) if PAGE_START.match(text) else None
    events = document.get("events") if isinstance(document, dict) else document
    return events if isinstance(events, list) else None


def _pages(text: str) -> list[Any] | None:
    decoder = json.JSONDecoder()
    events: list[Any] = []
    position = 0
    try:
        while (position := _skip_space(text, position)) < len(text):
            page, position = decoder.raw_decode(text, position)
            if not isinstance(page, dict) or not isinstance(page.get("events"), list):
                return None
            events.extend(page["events"])
    except (ValueError, RecursionError):
        return None
    return events


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _read_events(events: list[Any], source: str, tally: _Tally) -> None:
    for index, event in enumerate(events):
        where = f"{source}: event {index}"
        if isinstance(event, Mapping) and "message" in event and "timestamp" in event:
            try:
                when = epoch_ms_seconds(event["timestamp"])
            except BadTimestamp:
                tally.bad(where)
                continue
            _read_line(str(event["message"]).strip(), where, tally, when, "cloudwatch-events")
        elif isinstance(event, Mapping):
            _read_json(event, where, tally, None, None)
        else:
            tally.ignored += 1


def _read_line(line: str, where: str, tally: _Tally, when: float | None, label: str | None = None) -> None:
    stamp, rest = split_iso_prefix(line.strip())
    if stamp is not None:
        when = stamp
    text = _after_stream_name(rest)
    try:
        if is_report(text):
            _keep(tally, label or "lambda-report", report_request(text, when))
        elif is_alb(text):
            _keep(tally, "alb", alb_request(text))
        elif text.startswith("{"):
            _read_json_text(text, where, tally, when, label)
        else:
            tally.ignored += 1
    except (ValueError, OverflowError):  # MalformedLine, BadTimestamp and bad numbers
        tally.bad(where)


def _after_stream_name(text: str) -> str:
    """`aws logs tail` puts the log stream name between the time and the message: skip it."""
    head, _, rest = text.partition(" ")
    if rest and "[" in head and "]" in head and "/" in head:
        return rest
    return text


def _read_json_text(text: str, where: str, tally: _Tally, when: float | None, label: str | None) -> None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        looks_known = "platform.report" in text or "requestId" in text
        if looks_known:
            tally.bad(where)
        else:
            tally.ignored += 1
        return
    if isinstance(document, Mapping):
        _read_json(document, where, tally, when, label)
    else:
        tally.ignored += 1


def _read_json(document: Mapping[str, Any], where: str, tally: _Tally, when: float | None, label: str | None) -> None:
    try:
        if is_platform_report(document):
            _keep(tally, label or "lambda-json", platform_report_request(document, when))
        elif is_apigateway(document):
            _keep(tally, "apigateway", apigateway_request(document))
        else:
            tally.ignored += 1
    except (ValueError, OverflowError, TypeError):
        tally.bad(where)


def _keep(tally: _Tally, name: str, request: Request) -> None:
    tally.requests.append(request)
    tally.formats[name] += 1
