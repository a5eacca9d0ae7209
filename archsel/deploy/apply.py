"""Carry out a deploy plan: stage code, create and review the change set, execute it, follow it, report.

Every AWS call goes through the typed wrappers of the Runtime; clocks, names and the UI are
injected so the whole lifecycle runs the same against AWS, a local server, or botocore's Stubber.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.deploy.events import failure_hint, root_cause
from archsel.deploy.models import (
    Cancelled,
    ChangeSetRequest,
    ChangeSetState,
    ChangeSetView,
    Clock,
    DeployInterrupted,
    DeployResult,
    DeployUI,
    EventSink,
    FrontendReport,
    StackOutput,
    Template,
    TransformMode,
    Upload,
)
from archsel.deploy.plan import (
    SUCCESS_STATUSES,
    StackPlan,
    Staging,
    added_rows,
    capabilities,
    change_rows,
    has_no_changes,
    template_source,
    transform_rejected,
    unexpanded_serverless,
    watch_command,
)
from archsel.deploy.watch import Operation, Watched, follow, known_events, wait_change_set
from archsel.errors import DeployError

if TYPE_CHECKING:
    from archsel.deploy.cfn import CloudFormation
    from archsel.deploy.storage import Storage


@dataclass(frozen=True, slots=True)
class Runtime:
    """The edges a deploy or destroy uses, injected."""

    cfn: CloudFormation
    """CloudFormation calls (tests build it on stubbed clients)."""
    storage: Storage
    """S3 and DynamoDB calls."""
    ui: DeployUI
    clock: Clock
    stamp: Callable[[], str]
    """A unique, sortable name part (UTC time) for change sets and request tokens."""


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A change set CloudFormation has worked out."""

    state: ChangeSetState
    name: str
    change_set_type: str


def deploy(plan: StackPlan, rt: Runtime) -> DeployResult:
    """Run ``plan``: the whole change-set lifecycle. Raises DeployError (exit 4) when the stack fails."""
    stage(plan.staging, plan.uploads, rt)
    if plan.action.delete_first:
        if plan.options.dry_run:
            return _dry_run_recreate(plan, rt)
        rt.ui.notice(plan.action.notice or "deleting the failed stack first")
        _delete_failed_stack(plan, rt)
    reviewed = review(plan, rt)
    if has_no_changes(reviewed.state):
        discard(reviewed, rt)
        rt.ui.notice(f"no changes: stack {plan.stack_name} already matches the project")
        stack_id = plan.existing.stack_id if plan.existing is not None else plan.stack_name
        return DeployResult(plan.stack_name, "no-changes", frontend=_publish_frontend(plan, stack_id, rt))
    view = _view(plan, reviewed)
    rt.ui.show_changes(view)
    if plan.options.dry_run:
        discard(reviewed, rt)
        rt.ui.notice("dry run: change set deleted, nothing deployed")
        return DeployResult(plan.stack_name, "dry-run", change_set=view)
    if not plan.options.yes and not _confirmed(plan, reviewed, rt):
        discard(reviewed, rt)
        raise Cancelled("deploy cancelled; nothing was changed (the change set was deleted)")
    return _execute(plan, reviewed, view, rt)


def _confirmed(plan: StackPlan, reviewed: Reviewed, rt: Runtime) -> bool:
    """Ask; Ctrl-C at the question is a no that also exits 130."""
    try:
        return rt.ui.confirm(f"Deploy these changes to {plan.stack_name}?")
    except KeyboardInterrupt:
        discard(reviewed, rt)
        raise DeployInterrupted("interrupted at the question; the change set was deleted, nothing changed") from None


def stage(staging: Staging, uploads: tuple[Upload, ...], rt: Runtime) -> None:
    """Put ``uploads`` in the staging bucket (made on first use), skipping objects already there."""
    if not uploads:
        return
    if rt.storage.bucket_state(staging.bucket, staging.account) == "missing":
        rt.ui.notice(f"creating staging bucket {staging.bucket} (private, versioned, encrypted)")
        rt.storage.create_staging_bucket(staging.bucket, staging.region)
    for upload in uploads:
        if rt.storage.has_object(staging.bucket, upload.key, staging.account):
            rt.ui.notice(f"unchanged: {upload.label} (s3://{staging.bucket}/{upload.key})")
            continue
        rt.storage.put_object(staging.bucket, upload.key, upload.data, staging.account)
        rt.ui.notice(f"uploaded {upload.label}: s3://{staging.bucket}/{upload.key} ({len(upload.data):,} bytes)")


def review(plan: StackPlan, rt: Runtime) -> Reviewed:
    """Create the change set and wait for it; with --transform auto, expand SAM locally if the endpoint cannot."""
    local = plan.transform is TransformMode.local
    try:
        reviewed = _create(plan, _expanded(plan) if local else plan.template, rt)
    except DeployError as error:
        if plan.transform is TransformMode.auto and transform_rejected(error.message):
            return _fall_back_to_local(plan, rt, None)
        raise
    cannot_expand = unexpanded_serverless(reviewed.state) or transform_rejected(reviewed.state.reason or "")
    if plan.transform is TransformMode.auto and cannot_expand:
        return _fall_back_to_local(plan, rt, reviewed)
    if reviewed.state.status == "FAILED" and not has_no_changes(reviewed.state):
        discard(reviewed, rt)
        raise DeployError(
            f"CloudFormation rejected the change set for {plan.stack_name}: {reviewed.state.reason}",
            hint="fix the template (cfn-lint and `sam validate` find most of these) and run again",
        )
    return reviewed


def _fall_back_to_local(plan: StackPlan, rt: Runtime, rejected: Reviewed | None) -> Reviewed:
    rt.ui.notice(
        "the endpoint does not expand AWS::Serverless; expanding it with aws-sam-translator (--transform local)"
    )
    if rejected is not None:
        discard(rejected, rt)
        if rejected.change_set_type == "CREATE":
            _wait_review_stack_gone(plan, rt)
    return _create(plan, _expanded(plan), rt)


def _expanded(plan: StackPlan) -> Template:
    from archsel.deploy.transform import expand_sam

    values = {p.key: p.value for p in plan.parameters if p.value is not None}
    return expand_sam(plan.template, region=plan.staging.region, parameters=values)


def _create(plan: StackPlan, template: Template, rt: Runtime) -> Reviewed:
    source = template_source(template, plan.staging, plan.stack_name)
    if source.upload is not None:
        stage(plan.staging, (source.upload,), rt)
    name = f"archsel-{rt.stamp()}"
    change_set_type = plan.action.change_set_type
    request = ChangeSetRequest(
        stack_name=plan.stack_name,
        change_set_name=name,
        change_set_type=change_set_type,
        template_body=source.body,
        template_url=source.url,
        parameters=plan.parameters,
        capabilities=capabilities(template),
        tags=_tags(plan),
        description=_description(plan),
    )
    change_set_id, _ = rt.cfn.create_change_set(request)
    try:
        state = wait_change_set(rt.cfn, change_set_id, rt.clock)
    except KeyboardInterrupt:
        raise DeployInterrupted(
            f"interrupted while CloudFormation prepared change set {name} for {plan.stack_name}; it is left unexecuted",
            hint=f"delete it with `aws cloudformation delete-change-set --change-set-name {change_set_id}`, "
            "or run archsel deploy again",
        ) from None
    return Reviewed(state, name, change_set_type)


def _wait_review_stack_gone(plan: StackPlan, rt: Runtime) -> None:
    """A stack left in REVIEW_IN_PROGRESS by a discarded change set may still be deleting; wait it out."""
    state = rt.cfn.find_stack(plan.stack_name)
    if state is not None and state.status == "DELETE_IN_PROGRESS":
        operation = Operation(state.stack_id, frozenset(), f"deletion of {plan.stack_name}", _watch(plan))
        with rt.ui.watch(f"waiting for {plan.stack_name} to be deleted", 0) as sink:
            follow(rt.cfn, operation, rt.clock, sink)


def _tags(plan: StackPlan) -> tuple[tuple[str, str], ...]:
    answers = plan.project.answers
    tags = [("archsel:managed-by", "archsel")]
    if answers is not None and answers.template_set:
        tags.append(("archsel:template-set", answers.template_set))
    return tuple(tags)


def _description(plan: StackPlan) -> str:
    summary = f": {plan.summary}" if plan.summary else ""
    return f"archsel deploy of {plan.project.root.name}{summary}"[:1024]


def discard(reviewed: Reviewed, rt: Runtime) -> None:
    """Delete a change set that will not run, and the empty stack a CREATE change set made for it."""
    rt.cfn.delete_change_set(reviewed.state.change_set_id)
    if reviewed.change_set_type == "CREATE" and reviewed.state.stack_id:
        state = rt.cfn.find_stack(reviewed.state.stack_id)
        if state is not None and state.status == "REVIEW_IN_PROGRESS":
            rt.cfn.delete_stack(reviewed.state.stack_id, f"archsel-discard-{rt.stamp()}")


def _view(plan: StackPlan, reviewed: Reviewed) -> ChangeSetView:
    rows = change_rows(reviewed.state.changes)
    return ChangeSetView(plan.stack_name, reviewed.change_set_type, rows, plan.monthly_usd, plan.summary, reviewed.name)


def _dry_run_recreate(plan: StackPlan, rt: Runtime) -> DeployResult:
    rt.ui.notice(f"dry run: {plan.action.notice}; the change set below is what the new create would add")
    view = ChangeSetView(plan.stack_name, "CREATE", added_rows(plan.template), plan.monthly_usd, plan.summary)
    rt.ui.show_changes(view)
    return DeployResult(plan.stack_name, "dry-run", change_set=view)


def _delete_failed_stack(plan: StackPlan, rt: Runtime) -> None:
    existing = plan.existing
    if existing is None:
        return
    known = known_events(rt.cfn, existing.stack_id)
    rt.cfn.delete_stack(existing.stack_id, f"archsel-delete-{rt.stamp()}")
    operation = Operation(existing.stack_id, known, f"deletion of {plan.stack_name}", _watch(plan))
    with rt.ui.watch(f"deleting failed stack {plan.stack_name}", 0) as sink:
        watched = _follow_or_interrupt(plan, rt, operation, sink)
    if watched.status != "DELETE_COMPLETE":
        raise DeployError(
            f"could not delete the failed stack {plan.stack_name}: {watched.status}",
            hint="run `archsel destroy DIR` to see what is left, then deploy again",
        )


def _watch(plan: StackPlan) -> str:
    return watch_command(plan.stack_name, plan.staging.region)


def _follow_or_interrupt(plan: StackPlan, rt: Runtime, operation: Operation, sink: EventSink) -> Watched:
    try:
        return follow(rt.cfn, operation, rt.clock, sink)
    except KeyboardInterrupt:
        raise DeployInterrupted(
            f"interrupted: archsel stopped watching the {operation.name}, which goes on in CloudFormation",
            hint=f"watch it with `{operation.watch_hint}`; when it is done, run `archsel deploy "
            f"{plan.project.root}` again (it picks up from the stack's state)",
        ) from None


def _execute(plan: StackPlan, reviewed: Reviewed, view: ChangeSetView, rt: Runtime) -> DeployResult:
    stack_id = reviewed.state.stack_id
    known = known_events(rt.cfn, stack_id)
    rt.cfn.execute_change_set(reviewed.state.change_set_id, f"archsel-exec-{rt.stamp()}")
    verb = "create" if reviewed.change_set_type == "CREATE" else "update"
    operation = Operation(stack_id, known, f"{verb} of stack {plan.stack_name}", _watch(plan))
    with rt.ui.watch(f"{verb} {plan.stack_name}", len(view.rows)) as sink:
        watched = _follow_or_interrupt(plan, rt, operation, sink)
    if watched.status not in SUCCESS_STATUSES or watched.state is None:
        cause = root_cause(watched.events, plan.stack_name)
        reason = (
            f"{cause.logical_id} ({cause.resource_type}) {cause.status}: {cause.reason}"
            if cause is not None
            else (watched.state.status_reason if watched.state is not None else None) or "no reason given"
        )
        raise DeployError(
            f"{verb} of stack {plan.stack_name} failed: {reason}\nstack status: {watched.status}",
            hint=failure_hint(watched.status, plan.stack_name, plan.staging.region),
        )
    outputs = watched.state.outputs
    rt.ui.notice(f"stack {plan.stack_name}: {watched.status}")
    rt.ui.show_outputs(outputs)
    if plan.options.outputs_file is not None:
        write_outputs(plan.options.outputs_file, outputs)
        rt.ui.notice(f"wrote {plan.options.outputs_file}")
    outcome = "created" if reviewed.change_set_type == "CREATE" else "updated"
    frontend = _publish_frontend(plan, stack_id, rt)
    return DeployResult(plan.stack_name, outcome, outputs=outputs, change_set=view, frontend=frontend)


def _publish_frontend(plan: StackPlan, stack_id: str, rt: Runtime) -> FrontendReport | None:
    """Sync the built front end to the stack's bucket and invalidate CloudFront (after the stack is up)."""
    from archsel.deploy.frontend import publish_frontend

    root, account = plan.project.root, plan.staging.account
    return publish_frontend(root, stack_id, rt.cfn, rt.storage, account, rt.ui, rt.stamp())


def write_outputs(path: Path, outputs: tuple[StackOutput, ...]) -> None:
    """Write the stack outputs as a JSON object (key -> value, sorted)."""
    document = {output.key: output.value for output in outputs}
    try:
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as error:
        raise DeployError(f"{path}: cannot write the outputs ({error})") from error
