"""Test helpers for deploy/destroy: a recording UI, a fake clock, and botocore-Stubber-backed connections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from archsel.deploy.cfn import CloudFormation, Connection
from archsel.deploy.models import ChangeSetView, Clock, EventSink, StackEvent, StackOutput
from archsel.deploy.storage import Storage

ACCOUNT = "123456789012"
REGION = "us-east-1"
T0 = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)


@dataclass
class RecordingUI:
    """A DeployUI that records everything and answers questions from a script."""

    interactive: bool = True
    answers: list[bool] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    views: list[ChangeSetView] = field(default_factory=list)
    events: list[tuple[StackEvent, float]] = field(default_factory=list)
    ticks: list[str] = field(default_factory=list)
    outputs: list[tuple[StackOutput, ...]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def show_changes(self, view: ChangeSetView) -> None:
        self.views.append(view)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answers.pop(0)

    @contextmanager
    def watch(self, title: str, total: int) -> Iterator[EventSink]:
        yield self

    def event(self, event: StackEvent, elapsed_s: float) -> None:
        self.events.append((event, elapsed_s))

    def tick(self, elapsed_s: float, status: str) -> None:
        self.ticks.append(status)

    def show_outputs(self, outputs: tuple[StackOutput, ...]) -> None:
        self.outputs.append(outputs)


@dataclass
class FakeTime:
    """A clock that only moves when slept on; ``interrupt_after`` sleeps, it raises KeyboardInterrupt (Ctrl-C)."""

    now_s: float = 0.0
    sleeps: int = 0
    interrupt_after: int | None = None

    def now(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        if self.interrupt_after is not None and self.sleeps >= self.interrupt_after:
            raise KeyboardInterrupt
        self.sleeps += 1
        self.now_s += seconds

    def clock(self, *, stack_timeout_s: float = 3600.0) -> Clock:
        return Clock(
            now=self.now, sleep=self.sleep, poll_s=10.0, change_set_timeout_s=300.0, stack_timeout_s=stack_timeout_s
        )


class Stubs:
    """Stubbed boto3 clients (no network, no credentials needed) and shorthands for their answers."""

    def __init__(self) -> None:
        def client(service: str) -> Any:
            return boto3.client(
                service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
            )

        self.cfn_client, self.sts_client = client("cloudformation"), client("sts")
        self.s3_client, self.ddb_client = client("s3"), client("dynamodb")
        self.cfn = Stubber(self.cfn_client)
        self.s3 = Stubber(self.s3_client)
        self.ddb = Stubber(self.ddb_client)

    def connection(self) -> Connection:
        cloudformation = CloudFormation(self.cfn_client, self.sts_client)
        return Connection(cloudformation, Storage(self.s3_client, self.ddb_client), REGION, ACCOUNT, None)

    @contextmanager
    def active(self) -> Iterator[Stubs]:
        with self.cfn, self.s3, self.ddb:
            yield self
        self.cfn.assert_no_pending_responses()
        self.s3.assert_no_pending_responses()

    # --- CloudFormation answers -------------------------------------------------------------
    def no_stack(self, name: str) -> None:
        self.cfn.add_client_error(
            "describe_stacks",
            "ValidationError",
            f"Stack with id {name} does not exist",
            400,
            expected_params={"StackName": name},
        )

    def stack(
        self, name: str, status: str, *, reason: str | None = None, outputs: dict[str, str] | None = None
    ) -> None:
        item: dict[str, Any] = {
            "StackName": name,
            "StackId": stack_id(name),
            "StackStatus": status,
            "CreationTime": T0,
        }
        if reason:
            item["StackStatusReason"] = reason
        if outputs:
            item["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
        self.cfn.add_response("describe_stacks", {"Stacks": [item]}, {"StackName": ANY})

    def change_set_created(self, name: str) -> None:
        self.cfn.add_response("create_change_set", {"Id": change_set_id(name), "StackId": stack_id(name)}, None)

    def change_set(
        self, name: str, status: str, changes: list[tuple[str, str, str]], *, reason: str | None = None
    ) -> None:
        answer: dict[str, Any] = {
            "ChangeSetId": change_set_id(name),
            "StackId": stack_id(name),
            "StackName": name,
            "Status": status,
            "ExecutionStatus": "AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE",
            "Changes": [
                {"Type": "Resource", "ResourceChange": {"Action": a, "LogicalResourceId": lid, "ResourceType": t}}
                for a, lid, t in changes
            ],
        }
        if reason:
            answer["StatusReason"] = reason
        self.cfn.add_response("describe_change_set", answer, {"ChangeSetName": change_set_id(name)})

    def events(self, name: str, events: list[dict[str, Any]]) -> None:
        """``events`` oldest first (as a story reads); returned newest first, as AWS does."""
        items = [{"StackId": stack_id(name), "StackName": name, **e} for e in reversed(events)]
        self.cfn.add_response("describe_stack_events", {"StackEvents": items}, {"StackName": stack_id(name)})

    def ok(self, operation: str) -> None:
        self.cfn.add_response(operation, {}, None)

    # --- S3 answers -------------------------------------------------------------------------
    def staging_has_everything(self, objects: int) -> None:
        self.s3.add_response("head_bucket", {}, None)
        for _ in range(objects):
            self.s3.add_response("head_object", {}, None)


def stack_id(name: str) -> str:
    return f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{name}/11111111-2222-3333-4444-555555555555"


def change_set_id(name: str) -> str:
    return f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/archsel-x/{name}"


def event(n: int, logical_id: str, rtype: str, status: str, reason: str | None = None) -> dict[str, Any]:
    """One stack event, ``n`` seconds after T0."""
    item: dict[str, Any] = {
        "EventId": f"{logical_id}-{status}-{n}",
        "LogicalResourceId": logical_id,
        "ResourceType": rtype,
        "ResourceStatus": status,
        "Timestamp": T0 + dt.timedelta(seconds=n),
    }
    if reason:
        item["ResourceStatusReason"] = reason
    return item
