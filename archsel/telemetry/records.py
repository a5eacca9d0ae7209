"""What the importers keep of one request: times, durations, sizes, status class and route key only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Request:
    """One request (or Lambda invocation) as a log line saw it; nothing of its content is kept."""

    start_s: float
    """When it arrived, Unix epoch seconds."""
    duration_ms: float | None
    """Handler time: REPORT Duration, ALB target processing time, API Gateway integration latency
    (None when the target never answered)."""
    init_ms: float | None = None
    """INIT duration when this invocation was a cold start."""
    memory_size_mb: int | None = None
    memory_used_mb: float | None = None
    status_class: str | None = None
    """"2xx", "4xx", "5xx" (access logs), "ok" or "error" (a Lambda invocation that succeeded or failed)."""
    route: str | None = None
    """Method and path template, e.g. ``GET /items/{id}``."""
    response_bytes: int | None = None

    @property
    def end_s(self) -> float:
        """When the handler finished (INIT included)."""
        return self.start_s + ((self.init_ms or 0.0) + (self.duration_ms or 0.0)) / 1000.0

    @property
    def failed(self) -> bool:
        """A 5xx answer or a failed invocation."""
        return self.status_class in ("5xx", "error")


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything the readers took from some files, and what they could not read."""

    requests: tuple[Request, ...]
    formats: Counter[str] = field(default_factory=Counter)
    """Lines (or events) parsed per format name."""
    malformed: int = 0
    """Lines that looked like a known format but could not be read (or had no timestamp)."""
    ignored: int = 0
    """Lines of no known format, or known lines that carry no request (START, END, application logs)."""
    malformed_at: tuple[str, ...] = ()
    """Where the first malformed lines are (file:line), never their content."""
    files: tuple[str, ...] = ()

    @property
    def source_kind(self) -> str:
        """lambda, alb or apigateway: the format most requests came from."""
        kinds: Counter[str] = Counter()
        for name, count in self.formats.items():
            kinds[FORMAT_KIND[name]] += count
        return kinds.most_common(1)[0][0] if kinds else "lambda"


FORMAT_KIND = {
    "lambda-report": "lambda",
    "lambda-json": "lambda",
    "cloudwatch-events": "lambda",
    "alb": "alb",
    "apigateway": "apigateway",
}
"""Each format's source: its requests describe a Lambda function, an ALB's targets or an API."""
