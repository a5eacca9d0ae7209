"""Reading stack events: the root cause of a failure, not the resources cancelled because of it."""

from __future__ import annotations

import datetime as dt

from archsel.deploy.events import chronological, event_line, failure_hint, root_cause
from archsel.deploy.models import StackEvent

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def ev(n: int, lid: str, status: str, reason: str | None = None, rtype: str = "AWS::S3::Bucket") -> StackEvent:
    return StackEvent(f"{lid}-{status}-{n}", T0 + dt.timedelta(seconds=n), lid, rtype, status, reason)


def test_chronological_reverses_aws_order_and_keeps_ties_stable() -> None:
    newest_first = (ev(2, "B", "X"), ev(2, "A", "X"), ev(1, "C", "X"))
    assert [e.logical_id for e in chronological(newest_first)] == ["C", "A", "B"]


def test_root_cause_skips_cancelled_resources_and_the_stack_summary() -> None:
    events = (
        ev(1, "stack", "CREATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
        ev(5, "Table", "CREATE_FAILED", "Resource creation cancelled", "AWS::DynamoDB::Table"),
        ev(5, "Role", "CREATE_FAILED", "Encountered a permissions error performing a tagging operation", "AWS::IAM::Role"),
        ev(6, "stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Table, Role].",
           "AWS::CloudFormation::Stack"),
    )  # fmt: skip
    cause = root_cause(events, "stack")
    assert cause is not None
    assert (cause.logical_id, cause.resource_type, cause.status) == ("Role", "AWS::IAM::Role", "CREATE_FAILED")
    assert cause.reason.startswith("Encountered a permissions error")


def test_root_cause_falls_back_to_the_first_failure_when_all_are_cascades() -> None:
    events = (ev(1, "A", "UPDATE_FAILED", "Resource update cancelled"), ev(2, "B", "UPDATE_FAILED", None))
    cause = root_cause(events, "stack")
    assert cause is not None and cause.logical_id == "A"


def test_root_cause_uses_the_stack_event_when_no_resource_failed() -> None:
    events = (
        ev(1, "stack", "UPDATE_ROLLBACK_IN_PROGRESS", None),
        ev(2, "stack", "UPDATE_FAILED", "Parameter X invalid"),
    )
    cause = root_cause(events, "stack")
    assert cause is not None and cause.reason == "Parameter X invalid"
    assert root_cause((ev(1, "A", "CREATE_COMPLETE"),), "stack") is None


def test_failure_hints_name_the_next_command() -> None:
    assert "continue-update-rollback --stack-name s --region eu-west-1" in failure_hint(
        "UPDATE_ROLLBACK_FAILED", "s", "eu-west-1"
    )
    assert "archsel destroy" in failure_hint("DELETE_FAILED", "s", "r")
    assert "previous version" in failure_hint("UPDATE_ROLLBACK_COMPLETE", "s", "r")


def test_event_line_shows_elapsed_time_status_type_and_reason() -> None:
    line = event_line(ev(0, "Bucket", "CREATE_FAILED", "boom"), 75.4)
    assert line.startswith("  1:15  CREATE_FAILED")
    assert line.endswith("Bucket  boom")
