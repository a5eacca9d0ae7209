"""Read stack events: the root cause of a failure (not the cascade after it) and what to run next. Pure."""

from __future__ import annotations

from archsel.deploy.models import FailureCause, StackEvent

CASCADE_REASONS = (
    "Resource creation cancelled",
    "Resource update cancelled",
    "Resource deletion cancelled",
    "The following resource(s) failed to",
)
"""Reasons CloudFormation gives resources that failed only because another one did."""


def chronological(events: tuple[StackEvent, ...]) -> tuple[StackEvent, ...]:
    """Oldest first. DescribeStackEvents lists newest first; equal timestamps keep that order reversed."""
    indexed = list(enumerate(reversed(events)))
    return tuple(event for _, event in sorted(indexed, key=lambda pair: (pair[1].timestamp, pair[0])))


def root_cause(events: tuple[StackEvent, ...], stack_name: str) -> FailureCause | None:
    """The first failed resource whose reason is its own (``events`` oldest first); None if no event says.

    Resources cancelled because another failed, and the stack's own summary event, come after
    the real cause and are skipped; if nothing else failed, the first failure of any kind is used.
    """
    failed = [e for e in events if e.status.endswith("_FAILED")]
    resources = [e for e in failed if e.logical_id != stack_name]
    own = [e for e in resources if e.reason and not _is_cascade(e.reason)]
    for group in (own, resources, failed):
        if group:
            first = group[0]
            return FailureCause(first.logical_id, first.resource_type, first.status, first.reason or "no reason given")
    return None


def _is_cascade(reason: str) -> bool:
    return any(reason.startswith(text) or text in reason for text in CASCADE_REASONS)


def failure_hint(status: str, stack_name: str, region: str) -> str:
    """The next command after an operation ended in ``status``."""
    if status == "ROLLBACK_COMPLETE":
        return "fix the cause and run `archsel deploy DIR` again (the failed stack is deleted before the new create)"
    if status == "UPDATE_ROLLBACK_COMPLETE":
        return "the stack is back on its previous version; fix the cause and run `archsel deploy DIR` again"
    if status == "UPDATE_ROLLBACK_FAILED":
        return f"aws cloudformation continue-update-rollback --stack-name {stack_name} --region {region}"
    if status in ("ROLLBACK_FAILED", "DELETE_FAILED", "CREATE_FAILED", "UPDATE_FAILED"):
        return "remove what is left with `archsel destroy DIR`, fix the cause, then deploy again"
    return f"look at the events: aws cloudformation describe-stack-events --stack-name {stack_name} --region {region}"


def event_line(event: StackEvent, elapsed_s: float) -> str:
    """One plain line per event: elapsed time, status, type, logical id and reason."""
    reason = f"  {event.reason}" if event.reason else ""
    return f"{_clock(elapsed_s)}  {event.status:<28} {event.resource_type:<40} {event.logical_id}{reason}"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:>3d}:{secs:02d}"
