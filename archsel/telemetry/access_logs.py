"""ALB access log lines and API Gateway JSON access log events, one request each.

ALB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
API Gateway ($context variables): https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-logging-variables.html
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from archsel.telemetry.lambda_logs import MalformedLine
from archsel.telemetry.records import Request
from archsel.telemetry.timestamps import clf_seconds, epoch_ms_seconds, iso_seconds

ALB_TYPES = ("http", "https", "h2", "grpcs", "ws", "wss")
ALB = re.compile(
    r"^(?P<type>http|https|h2|grpcs|ws|wss) (?P<time>\S+) \S+ \S+ \S+"
    r" (?P<request_s>\S+) (?P<target_s>\S+) (?P<response_s>\S+)"
    r" (?P<elb_status>\S+) \S+ \S+ (?P<sent>\S+) \"(?P<request>[^\"]*)\""
)
"""type time elb client:port target:port request/target/response processing times, elb/target
status, received/sent bytes, "request line", then fields this importer does not need."""

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_PLAIN_SEGMENT = re.compile(r"^[A-Za-z][A-Za-z._~+-]*$")


def is_alb(line: str) -> bool:
    """Whether a line starts like an ALB access log entry."""
    head, _, rest = line.partition(" ")
    return head in ALB_TYPES and rest[:2].isdigit()


def alb_request(line: str) -> Request:
    """The request of one ALB access log line (its arrival: response time minus the three processing times)."""
    match = ALB.match(line)
    if match is None:
        raise MalformedLine("ALB line without the documented leading fields")
    answered_s = iso_seconds(match.group("time"))
    times = [_seconds(match.group(name)) for name in ("request_s", "target_s", "response_s")]
    # -1 means the load balancer never got an answer from a target (the request still arrived)
    spent = sum(t for t in times if t is not None)
    target = times[1]
    if not math.isfinite(answered_s - spent):
        raise MalformedLine("processing times too large to place the request in time")
    return Request(
        start_s=answered_s - spent,
        duration_ms=target * 1000.0 if target is not None else None,
        status_class=status_class(match.group("elb_status")),
        route=route_of_request_line(match.group("request")),
        response_bytes=_count(match.group("sent")),
    )


def route_of_request_line(request_line: str) -> str | None:
    """``GET https://host:443/items/42?x=1 HTTP/1.1`` -> ``GET /items/{id}`` (query and ids dropped)."""
    parts = request_line.split(" ")
    if len(parts) < 2 or parts[0] not in METHODS:
        return None
    return route_key(parts[0], urlsplit(parts[1]).path)


def route_key(method: str, path: str) -> str:
    """Method and path template: segments that are not plain words (ids, numbers, hashes) become ``{id}``."""
    segments = [s if (s.startswith("{") and s.endswith("}")) or _is_word(s) else "{id}" for s in path.split("/")[1:]]
    return f"{method} /{'/'.join(segments)}"


def _is_word(segment: str) -> bool:
    return segment == "" or (_PLAIN_SEGMENT.match(segment) is not None and len(segment) <= 40)


def is_apigateway(document: Mapping[str, Any]) -> bool:
    """Whether a JSON event is an API Gateway access log entry."""
    has_time = "requestTimeEpoch" in document or "requestTime" in document
    has_route = "routeKey" in document or "resourcePath" in document or "httpMethod" in document
    return has_time and has_route


def apigateway_request(document: Mapping[str, Any]) -> Request:
    """The request of one API Gateway access log event (HTTP or REST API)."""
    if document.get("requestTimeEpoch") not in (None, "-"):
        start = epoch_ms_seconds(document["requestTimeEpoch"])
    elif isinstance(document.get("requestTime"), str):
        start = clf_seconds(document["requestTime"])
    else:
        raise MalformedLine("API Gateway event without requestTimeEpoch or requestTime")
    latency = _milliseconds(document.get("integrationLatency"))
    if latency is None:
        latency = _milliseconds(document.get("responseLatency"))
    return Request(
        start_s=start,
        duration_ms=latency,
        status_class=status_class(str(document.get("status", ""))),
        route=_apigateway_route(document),
        response_bytes=_count(str(document.get("responseLength", "-"))),
    )


def _apigateway_route(document: Mapping[str, Any]) -> str | None:
    key = document.get("routeKey")
    if isinstance(key, str) and " " in key:
        method, _, path = key.partition(" ")
        return route_key(method, path) if method in (*METHODS, "ANY") and path.startswith("/") else None
    rest_method, rest_path = document.get("httpMethod"), document.get("resourcePath")
    if not isinstance(rest_method, str) or not isinstance(rest_path, str):
        return None
    return route_key(rest_method, rest_path) if rest_method in (*METHODS, "ANY") and rest_path.startswith("/") else None


def status_class(text: str) -> str | None:
    """``503`` -> ``5xx``; None when the status is missing."""
    return f"{text[0]}xx" if len(text) == 3 and text.isdigit() else None


def _seconds(text: str) -> float | None:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedLine("processing time is not a number")
    return None if value < 0 else value


def _milliseconds(value: object) -> float | None:
    if value is None or value == "-":
        return None
    number = float(str(value))
    if not math.isfinite(number):
        raise MalformedLine("latency is not a number")
    return number if number >= 0 else None


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else None
