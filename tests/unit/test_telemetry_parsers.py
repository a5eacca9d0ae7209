"""Golden tests of the log readers on samples in each supported format (tests/data/telemetry/)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from archsel.errors import ExitCode, TelemetryError
from archsel.telemetry.access_logs import route_key, route_of_request_line
from archsel.telemetry.reader import parse_lines, read_logs
from archsel.telemetry.records import Request

DATA = Path(__file__).resolve().parents[1] / "data" / "telemetry"
T0 = 1793527200.0  # 2026-11-01T10:00:00Z


def read(name: str) -> tuple[Request, ...]:
    return read_logs([DATA / name]).requests


def test_report_lines_with_timestamps_and_the_tail_stream_name() -> None:
    result = read_logs([DATA / "lambda-report.log"])
    assert dict(result.formats) == {"lambda-report": 3}
    # START, END and the application's own log line are not requests
    assert result.ignored == 3
    # a REPORT line without a timestamp, and one whose Duration is not a number
    assert result.malformed == 2
    assert result.malformed_at == (f"{DATA / 'lambda-report.log'}:7", f"{DATA / 'lambda-report.log'}:8")
    failed, cold, warm = result.requests
    assert cold == Request(
        start_s=pytest.approx(T0 + 0.402 - 0.25237),
        duration_ms=102.25,
        init_ms=150.12,
        memory_size_mb=1024,
        memory_used_mb=70.0,
        status_class="ok",
    )
    assert warm.start_s == pytest.approx(T0 + 1.452)
    assert warm.init_ms is None
    assert (failed.duration_ms, failed.status_class, failed.start_s) == (2000.0, "error", pytest.approx(T0))


def test_filter_log_events_json_takes_each_event_timestamp() -> None:
    result = read_logs([DATA / "filter-log-events.json"])
    assert dict(result.formats) == {"cloudwatch-events": 2}
    assert (result.malformed, result.ignored) == (1, 1)  # a text timestamp; the START event
    cold, warm = result.requests
    assert cold.start_s == pytest.approx(T0 + 0.3 - 0.3)
    assert (cold.duration_ms, cold.init_ms, cold.memory_size_mb) == (250.0, 50.0, 512)
    assert warm.start_s == pytest.approx(T0 + 60.0 - 0.1)


def test_lambda_json_log_format_platform_report() -> None:
    result = read_logs([DATA / "lambda-json.log"])
    assert dict(result.formats) == {"lambda-json": 3}
    assert (result.malformed, result.ignored) == (2, 3)  # no metrics, cut short; initStart, start, app log
    timeout, cold, warm = result.requests
    assert (cold.start_s, cold.duration_ms, cold.init_ms, cold.memory_size_mb) == (
        pytest.approx(T0),
        200.0,
        300.0,
        2048,
    )
    assert warm.start_s == pytest.approx(T0 + 5.0 - 0.0405)
    assert (timeout.status_class, timeout.start_s) == ("error", pytest.approx(T0 + 9.0 - 29.0))


def test_alb_access_log_lines() -> None:
    result = read_logs([DATA / "alb.log"])
    assert dict(result.formats) == {"alb": 4}
    assert result.malformed == 1  # "fast" as a processing time
    first, post, failed, last = result.requests
    assert first == Request(
        start_s=pytest.approx(T0 + 0.5 - 0.121),
        duration_ms=pytest.approx(120.0),
        status_class="2xx",
        route="GET /items/{id}",
        response_bytes=2048,
    )
    assert (post.route, post.duration_ms, post.status_class) == ("POST /orders", 500.0, "2xx")
    # -1: the target never answered; the request still arrived and failed
    assert (failed.duration_ms, failed.status_class, failed.route) == (None, "5xx", "GET /items/{id}")
    assert failed.failed
    assert last.duration_ms == pytest.approx(80.0)


def test_api_gateway_http_api_access_logs() -> None:
    result = read_logs([DATA / "apigw-http.log"])
    assert (dict(result.formats), result.malformed) == ({"apigateway": 3}, 1)
    item, order, default = result.requests
    assert item == Request(
        start_s=T0, duration_ms=35.0, status_class="2xx", route="GET /items/{id}", response_bytes=512
    )
    assert (order.route, order.duration_ms, order.status_class) == ("POST /orders", 900.0, "5xx")
    # $default names no route; integrationLatency "-" falls back to responseLatency
    assert (default.route, default.duration_ms, default.status_class) == (None, 3.0, "4xx")


def test_api_gateway_rest_api_access_logs_with_an_export_prefix() -> None:
    result = read_logs([DATA / "apigw-rest.log"])
    assert (dict(result.formats), result.malformed) == ({"apigateway": 2}, 1)  # day 32
    get, delete = result.requests
    assert (get.start_s, get.route, get.duration_ms) == (T0, "GET /users/{userId}", 75.0)
    assert (delete.route, delete.status_class) == ("DELETE /users/{userId}", "2xx")


def test_a_mixed_file_reads_every_format_in_it() -> None:
    result = read_logs([DATA / "mixed.log"])
    assert dict(result.formats) == {"lambda-report": 1, "alb": 1}
    assert (result.malformed, result.ignored) == (0, 1)
    assert [r.start_s for r in result.requests] == sorted(r.start_s for r in result.requests)


def test_gzip_files_read_like_plain_ones(tmp_path: Path) -> None:
    packed = tmp_path / "alb.log.gz"
    packed.write_bytes(gzip.compress((DATA / "alb.log").read_bytes()))
    plain = tmp_path / "report.log"
    shutil.copy(DATA / "lambda-report.log", plain)
    result = read_logs([packed, plain])
    assert dict(result.formats) == {"alb": 4, "lambda-report": 3}
    assert result.requests == tuple(sorted((*read("alb.log"), *read("lambda-report.log")), key=lambda r: r.start_s))


def test_nothing_parsed_is_the_documented_error(tmp_path: Path) -> None:
    empty = tmp_path / "app.log"
    empty.write_text("hello\nREPORT RequestId: x Duration: 1 ms\n")
    with pytest.raises(TelemetryError) as caught:
        read_logs([empty])
    assert "1 malformed, 1 other lines" in caught.value.message
    assert caught.value.exit_code == ExitCode.INVALID_INPUT


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TelemetryError, match=r"missing\.log"):
        read_logs([tmp_path / "missing.log"])


def test_a_truncated_gzip_file_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "cut.gz"
    broken.write_bytes(gzip.compress(b"x" * 1000)[:20])
    with pytest.raises(TelemetryError, match=r"cut\.gz"):
        read_logs([broken])


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("GET", "/items/42", "GET /items/{id}"),
        ("GET", "/users/550e8400-e29b-41d4-a716-446655440000/orders", "GET /users/{id}/orders"),
        ("PUT", "/items/{itemId}", "PUT /items/{itemId}"),
        ("GET", "/", "GET /"),
        ("GET", "/static/app.js", "GET /static/app.js"),
    ],
)
def test_route_keys_drop_ids(method: str, path: str, key: str) -> None:
    assert route_key(method, path) == key


def test_request_lines_keep_no_query_or_host() -> None:
    assert route_of_request_line("GET https://h.example.com:443/a/b?token=secret HTTP/1.1") == "GET /a/b"
    assert route_of_request_line("- http://h:80- -") is None


def test_parse_lines_counts_without_raising() -> None:
    result = parse_lines(["", "junk", "{", '{"type": "platform.report"'])
    assert result.requests == ()
    assert (result.malformed, result.ignored) == (1, 3)


def test_filter_log_events_pages_saved_one_after_another(tmp_path: Path) -> None:
    page = (DATA / "filter-log-events.json").read_text()
    pages = tmp_path / "pages.json"
    pages.write_text(page + "\n" + page.replace('"events"', '"nextToken": "f/1", "events"', 1))
    result = read_logs([pages])
    assert dict(result.formats) == {"cloudwatch-events": 4}
    assert result.malformed == 2
