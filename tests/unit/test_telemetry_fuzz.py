"""Arbitrary lines never crash the log readers: they parse, count as malformed, or are ignored."""

from __future__ import annotations

import contextlib
import gzip
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archsel.errors import TelemetryError
from archsel.telemetry.reader import parse_lines, read_logs

REAL = [
    "2026-11-01T10:00:00.402Z REPORT RequestId: a\tDuration: 102.25 ms\tBilled Duration: 103 ms\t"
    "Memory Size: 1024 MB\tMax Memory Used: 70 MB\tInit Duration: 150.12 ms",
    'https 2026-11-01T10:00:00.5Z app/a/b 1.2.3.4:1 5.6.7.8:80 0.001 0.120 0.000 200 200 1 2 "GET http://h/x HTTP/1.1"',
    '{"requestTimeEpoch": 1793527200000, "routeKey": "GET /a", "status": "200", "integrationLatency": "3"}',
    '{"time": "2026-11-01T10:00:00Z", "type": "platform.report", "record": {"metrics": {"durationMs": 1}}}',
    '{"events": [{"timestamp": 1793527200000, "message": "REPORT RequestId: a Duration: 1 ms"}]}',
]

# Lines near the real formats: real lines with pieces cut, replaced or repeated.
near_real = st.builds(
    lambda line, start, stop, junk: line[:start] + junk + line[stop:],
    st.sampled_from(REAL),
    st.integers(0, 200),
    st.integers(0, 200),
    st.text(max_size=12),
)
any_line = st.one_of(st.text(max_size=300), near_real, st.sampled_from(REAL))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_line, max_size=8))
def test_arbitrary_lines_are_parsed_counted_or_ignored(lines: list[str]) -> None:
    result = parse_lines(lines)
    for request in result.requests:
        assert math.isfinite(request.start_s)
        assert request.duration_ms is None or 0 <= request.duration_ms < math.inf


@settings(max_examples=60, deadline=None)
@given(st.lists(any_line, max_size=5), st.booleans())
def test_files_of_arbitrary_lines_raise_only_the_documented_error(lines: list[str], packed: bool) -> None:
    raw = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.log"
        path.write_bytes(gzip.compress(raw) if packed else raw)
        try:
            result = read_logs([path])
        except TelemetryError:
            return
        assert result.requests


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_the_documented_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.bin"
        path.write_bytes(data)
        with contextlib.suppress(TelemetryError):
            read_logs([path])
