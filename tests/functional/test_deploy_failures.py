"""Deploy and destroy failure paths a local server cannot produce, through the real code path with botocore's Stubber.

Each test drives api.deploy/api.destroy with stubbed clients (no network), an injected clock and
a recording UI, and checks what a person sees: the error message, its hint and the exit code.
Stubber fails a test on any call not scripted here, so "nothing retried blindly" is checked too.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from archsel import api
from archsel.deploy.models import AwsTarget, DeployOptions, DestroyOptions, TransformMode
from archsel.deploy.run import Edges
from archsel.errors import ArchselError, ExitCode
from tests.deploy_support import FakeTime, RecordingUI, Stubs, event

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "deploy" / "sam-basic"
STACK = "archsel-deploy-fixture"
LAMBDA = "AWS::Lambda::Function"
STACK_TYPE = "AWS::CloudFormation::Stack"
CHANGES = [
    ("Add", "ItemsTable", "AWS::DynamoDB::Table"),
    ("Add", "UploadsBucket", "AWS::S3::Bucket"),
    ("Add", "ApiFunctionRole", "AWS::IAM::Role"),
    ("Add", "ApiFunction", LAMBDA),
]
ROOT_CAUSE = (
    'Resource handler returned message: "Uploaded file must be a non-empty zip (Service: Lambda, Status Code: 400, '
    'Request ID: 0f5d1b7e)" (RequestToken: 7c1e, HandlerErrorCode: InvalidRequest)'
)
# A failed create as CloudFormation reports it: the table and bucket are cancelled in the same
# second as the function fails (listed before it), then the stack's summary and the rollback.
FAILED_CREATE = [
    event(1, STACK, STACK_TYPE, "CREATE_IN_PROGRESS", "User Initiated"),
    event(2, "ItemsTable", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
    event(2, "UploadsBucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS"),
    event(2, "ApiFunctionRole", "AWS::IAM::Role", "CREATE_IN_PROGRESS"),
    event(3, "ItemsTable", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
    event(18, "ApiFunctionRole", "AWS::IAM::Role", "CREATE_COMPLETE"),
    event(19, "ApiFunction", LAMBDA, "CREATE_IN_PROGRESS"),
    event(20, "ItemsTable", "AWS::DynamoDB::Table", "CREATE_FAILED", "Resource creation cancelled"),
    event(20, "ApiFunction", LAMBDA, "CREATE_FAILED", ROOT_CAUSE),
    event(20, "UploadsBucket", "AWS::S3::Bucket", "CREATE_FAILED", "Resource creation cancelled"),
    event(
        21,
        STACK,
        STACK_TYPE,
        "ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to create: [UploadsBucket, ItemsTable, ApiFunction]. Rollback requested by user.",
    ),
]
ROLLBACK = [
    event(22, "ApiFunctionRole", "AWS::IAM::Role", "DELETE_IN_PROGRESS"),
    event(30, "ApiFunctionRole", "AWS::IAM::Role", "DELETE_COMPLETE"),
    event(40, STACK, STACK_TYPE, "ROLLBACK_COMPLETE"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(FIXTURE, folder)
    return folder


def deploy(project: Path, stubs: Stubs, ui: RecordingUI, time: FakeTime, **options: Any) -> Any:
    chosen = {"yes": True, "transform": TransformMode.cloudformation, **options}
    timeout = chosen.pop("stack_timeout_s", 3600.0)
    edges = Edges(connection=stubs.connection(), clock=time.clock(stack_timeout_s=timeout), env={})
    return api.deploy(project, target=AwsTarget(), options=DeployOptions(**chosen), ui=ui, edges=edges)


def failure(call: Any) -> ArchselError:
    with pytest.raises(ArchselError) as caught:
        call()
    return caught.value


def script_review(stubs: Stubs, changes: list[tuple[str, str, str]] = CHANGES) -> None:
    """From a missing stack to a reviewed CREATE change set (code already staged)."""
    stubs.no_stack(STACK)
    stubs.staging_has_everything(objects=1)
    stubs.change_set_created(STACK)
    stubs.change_set(STACK, "CREATE_COMPLETE", changes)


def script_execute(stubs: Stubs) -> None:
    stubs.events(STACK, [event(0, STACK, STACK_TYPE, "REVIEW_IN_PROGRESS", "User Initiated")])
    stubs.ok("execute_change_set")


def test_failed_create_names_the_root_cause_not_the_cascade(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    script_review(stubs)
    script_execute(stubs)
    stubs.stack(STACK, "CREATE_IN_PROGRESS")
    stubs.events(STACK, FAILED_CREATE)
    stubs.stack(STACK, "ROLLBACK_COMPLETE", reason="The following resource(s) failed to create: [...]")
    stubs.events(STACK, FAILED_CREATE + ROLLBACK)
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == (
        f"create of stack {STACK} failed: ApiFunction (AWS::Lambda::Function) CREATE_FAILED: {ROOT_CAUSE}\n"
        "stack status: ROLLBACK_COMPLETE"
    )
    assert error.hint is not None and "run `archsel deploy DIR` again" in error.hint
    assert "deleted before the new create" in error.hint
    shown = [e.status for e, _ in ui.events]
    assert shown[0] == "CREATE_IN_PROGRESS" and shown[-1] == "ROLLBACK_COMPLETE"
    assert len(shown) == len(FAILED_CREATE) + len(ROLLBACK)


def test_rollback_complete_stack_is_deleted_before_a_new_create(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    stubs.stack(STACK, "ROLLBACK_COMPLETE")
    stubs.staging_has_everything(objects=1)
    stubs.events(STACK, FAILED_CREATE + ROLLBACK)
    stubs.ok("delete_stack")
    stubs.stack(STACK, "DELETE_COMPLETE")
    stubs.events(STACK, [*FAILED_CREATE, *ROLLBACK, event(50, STACK, STACK_TYPE, "DELETE_COMPLETE")])
    stubs.change_set_created(STACK)
    stubs.change_set(STACK, "CREATE_COMPLETE", CHANGES)
    script_execute(stubs)
    stubs.stack(STACK, "CREATE_COMPLETE", outputs={"FunctionName": "fixture-fn"})
    stubs.events(STACK, [event(60, STACK, STACK_TYPE, "CREATE_COMPLETE")])
    with stubs.active():
        result = deploy(project, stubs, ui, time)
    assert result.outcome == "created"
    assert any("ROLLBACK_COMPLETE after a failed create; deleting it before creating it again" in n for n in ui.notices)
    assert [o.key for o in ui.outputs[-1]] == ["FunctionName"]
    assert ui.views[0].rows[-1].description == "Lambda function: runs the API's code"


def test_ctrl_c_while_following_leaves_the_operation_running(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime(interrupt_after=0)
    script_review(stubs)
    script_execute(stubs)
    stubs.stack(STACK, "CREATE_IN_PROGRESS")
    stubs.events(STACK, FAILED_CREATE[:2])
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.INTERRUPTED
    assert error.message == (
        f"interrupted: archsel stopped watching the create of stack {STACK}, which goes on in CloudFormation"
    )
    assert error.hint is not None
    assert f"aws cloudformation describe-stack-events --stack-name {STACK} --region us-east-1" in error.hint
    assert "run `archsel deploy" in error.hint


def test_ctrl_c_while_the_change_set_is_prepared(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime(interrupt_after=0)
    stubs.no_stack(STACK)
    stubs.staging_has_everything(objects=1)
    stubs.change_set_created(STACK)
    stubs.change_set(STACK, "CREATE_PENDING", [])
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.INTERRUPTED
    assert "it is left unexecuted" in error.message
    assert error.hint is not None and "delete-change-set" in error.hint


def test_stack_stuck_in_progress_stops_watching_after_the_timeout(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    script_review(stubs)
    script_execute(stubs)
    for _ in range(5):  # polls at 0, 10, 20, 30 and 40 s; 40 s is past the 30 s limit
        stubs.stack(STACK, "CREATE_IN_PROGRESS")
        stubs.events(STACK, FAILED_CREATE[:1])
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time, stack_timeout_s=30.0))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == (
        f"the create of stack {STACK} is still CREATE_IN_PROGRESS after 1 min; "
        "archsel stopped watching, CloudFormation carries on"
    )
    assert error.hint is not None and "describe-stack-events" in error.hint and "--timeout" in error.hint
    assert time.sleeps == 4


def test_throttling_while_watching_is_reported_not_retried(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    script_review(stubs)
    script_execute(stubs)
    stubs.cfn.add_client_error("describe_stacks", "Throttling", "Rate exceeded", 400)
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message.splitlines() == [
        f"CloudFormation DescribeStacks ({stubs_stack_id()}): Throttling: Rate exceeded",
        f"while watching the create of stack {STACK}; it goes on in CloudFormation",
    ]
    assert error.hint is not None and "adaptive retries" in error.hint and "describe-stack-events" in error.hint


def test_expired_credentials_are_named_with_the_fix(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    stubs.cfn.add_client_error(
        "describe_stacks", "ExpiredToken", "The security token included in the request is expired", 403
    )
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == (
        f"CloudFormation DescribeStacks ({STACK}): ExpiredToken: The security token included in the request is expired"
    )
    assert error.hint is not None and "credentials have expired" in error.hint and "aws sso login" in error.hint


def test_no_terminal_and_no_yes_refuses_before_any_aws_call(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(interactive=False), FakeTime()
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time, yes=False))
    assert error.exit_code == ExitCode.USAGE
    assert error.message == "refusing to deploy without confirmation: there is no terminal to ask on"
    assert error.hint is not None and "--yes" in error.hint


def test_answering_no_deletes_the_change_set_and_the_empty_stack(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(answers=[False]), FakeTime()
    script_review(stubs)
    stubs.ok("delete_change_set")
    stubs.stack(STACK, "REVIEW_IN_PROGRESS")
    stubs.ok("delete_stack")
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time, yes=False))
    assert error.exit_code == ExitCode.ERROR
    assert error.message == "deploy cancelled; nothing was changed (the change set was deleted)"
    assert ui.questions == [f"Deploy these changes to {STACK}?"]


def test_stack_busy_with_another_operation_is_refused(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    stubs.stack(STACK, "UPDATE_IN_PROGRESS")
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == f"stack {STACK} is UPDATE_IN_PROGRESS: another operation is running on it"


def test_rejected_change_set_says_why(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    stubs.no_stack(STACK)
    stubs.staging_has_everything(objects=1)
    stubs.change_set_created(STACK)
    reason = "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template"
    stubs.change_set(STACK, "FAILED", [], reason=reason)
    stubs.ok("delete_change_set")
    stubs.stack(STACK, "REVIEW_IN_PROGRESS")
    stubs.ok("delete_stack")
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time))
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == f"CloudFormation rejected the change set for {STACK}: {reason}"


def test_destroy_reports_what_was_left_behind(project: Path) -> None:
    stubs, ui, time = Stubs(), RecordingUI(), FakeTime()
    bucket = "archsel-deploy-fixture-uploadsbucket-1abc"
    stubs.stack(STACK, "CREATE_COMPLETE")
    resources = [
        ("UploadsBucket", bucket, "AWS::S3::Bucket", "CREATE_COMPLETE", None),
        ("ItemsTable", "fixture-items", "AWS::DynamoDB::Table", "CREATE_COMPLETE", None),
    ]
    stubs.cfn.add_response("list_stack_resources", {"StackResourceSummaries": summaries(resources)}, None)
    stubs.cfn.add_response("get_template", {"TemplateBody": "Resources: {}"}, None)  # nothing retained
    stubs.s3.add_response("list_object_versions", {"Versions": [{"Key": "a.txt", "VersionId": "v1"}]}, None)
    stubs.s3.add_response("delete_objects", {}, None)
    stubs.events(STACK, [event(0, STACK, STACK_TYPE, "CREATE_COMPLETE")])
    stubs.ok("delete_stack")
    stubs.stack(STACK, "DELETE_FAILED", reason="The following resource(s) failed to delete: [UploadsBucket].")
    stubs.events(STACK, [event(5, "UploadsBucket", "AWS::S3::Bucket", "DELETE_FAILED", "not empty")])
    not_empty = "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
    left = [("UploadsBucket", bucket, "AWS::S3::Bucket", "DELETE_FAILED", not_empty)]
    stubs.cfn.add_response("list_stack_resources", {"StackResourceSummaries": summaries(left)}, None)
    edges = Edges(connection=stubs.connection(), clock=time.clock(), env={})
    with stubs.active():
        error = failure(
            lambda: api.destroy(project, target=AwsTarget(), options=DestroyOptions(yes=True), ui=ui, edges=edges)
        )
    assert error.exit_code == ExitCode.DEPLOY_FAILED
    assert error.message == (
        f"stack {STACK} is DELETE_FAILED; left behind:\nUploadsBucket (AWS::S3::Bucket) {bucket}: {not_empty}"
    )
    assert f"emptied bucket {bucket} (1 objects and versions)" in ui.notices


def summaries(rows: list[tuple[str, str, str, str, str | None]]) -> list[dict[str, Any]]:
    from tests.deploy_support import T0

    items = []
    for lid, pid, rtype, status, reason in rows:
        item = {
            "LogicalResourceId": lid,
            "PhysicalResourceId": pid,
            "ResourceType": rtype,
            "ResourceStatus": status,
            "LastUpdatedTimestamp": T0,
        }
        if reason:
            item["ResourceStatusReason"] = reason
        items.append(item)
    return items


def stubs_stack_id() -> str:
    from tests.deploy_support import stack_id

    return stack_id(STACK)


def test_cli_rejects_a_parameter_without_a_value(project: Path, run_cli: Any) -> None:
    result = run_cli("deploy", str(project), "--parameter", "MemorySize", "--yes")
    assert result.exit_code == ExitCode.USAGE
    assert "archsel: error: --parameter 'MemorySize': expected KEY=VALUE" in result.stderr


def test_ctrl_c_at_the_question_deletes_the_change_set(project: Path) -> None:
    class InterruptedUI(RecordingUI):
        def confirm(self, question: str) -> bool:
            raise KeyboardInterrupt

    stubs, ui, time = Stubs(), InterruptedUI(), FakeTime()
    script_review(stubs)
    stubs.ok("delete_change_set")
    stubs.stack(STACK, "REVIEW_IN_PROGRESS")
    stubs.ok("delete_stack")
    with stubs.active():
        error = failure(lambda: deploy(project, stubs, ui, time, yes=False))
    assert error.exit_code == ExitCode.INTERRUPTED
    assert error.message == "interrupted at the question; the change set was deleted, nothing changed"
