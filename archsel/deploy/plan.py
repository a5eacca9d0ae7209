"""Decide what a deploy does, from values only: stack action, parameters, packaged template, how to send it.

Nothing here calls AWS or touches the disk; apply.py carries the plan out and a dry run shows it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from archsel.deploy import cdk
from archsel.deploy.describe import describe
from archsel.deploy.models import (
    TEMPLATE_BODY_LIMIT_BYTES,
    TEMPLATE_URL_LIMIT_BYTES,
    ChangeRow,
    ChangeSetState,
    DeployOptions,
    ImageNeed,
    Parameter,
    Project,
    ProjectKind,
    ResourceChange,
    StackState,
    Template,
    TransformMode,
    Upload,
)
from archsel.deploy.package import artifact_key, rewrite_code, uploads_for
from archsel.deploy.project import STACK_NAME_RE
from archsel.errors import DeployError, UsageError

NO_CHANGE_REASONS = ("didn't contain changes", "No updates are to be performed")
SUCCESS_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"})
IAM_CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")


@dataclass(frozen=True, slots=True)
class Staging:
    """archsel's staging bucket for one account and region (shared by every stack archsel deploys there)."""

    bucket: str
    region: str
    account: str

    @classmethod
    def of(cls, account: str, region: str) -> Staging:
        """The staging bucket of ``account`` in ``region``: archsel-staging-<account>-<region>."""
        return cls(f"archsel-staging-{account}-{region}", region, account)

    def prefix(self, stack_name: str) -> str:
        """Where one stack's objects live (destroy deletes exactly this prefix)."""
        return f"archsel/{stack_name}/"

    def url(self, key: str) -> str:
        """The https URL CloudFormation reads a template from."""
        suffix = "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        return f"https://{self.bucket}.s3.{self.region}.{suffix}/{key}"


@dataclass(frozen=True, slots=True)
class StackAction:
    """Whether the change set creates or updates, and whether a failed stack must go first."""

    change_set_type: str
    delete_first: bool = False
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class StackPlan:
    """What `archsel deploy` will do."""

    stack_name: str
    project: Project
    staging: Staging
    existing: StackState | None
    action: StackAction
    template: Template
    """Packaged (code in S3); still holds AWS::Serverless when the project is SAM."""
    uploads: tuple[Upload, ...]
    parameters: tuple[Parameter, ...]
    transform: TransformMode
    options: DeployOptions

    @property
    def monthly_usd(self) -> Decimal | None:
        """The recommendation's monthly cost, from archsel.answers.yaml."""
        return None if self.project.answers is None else self.project.answers.monthly_usd

    @property
    def summary(self) -> str | None:
        """The recommendation's one-line description, from archsel.answers.yaml."""
        return None if self.project.answers is None else self.project.answers.description


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """How the template reaches CloudFormation: inline, or uploaded first and passed by URL."""

    body: str | None
    url: str | None
    upload: Upload | None


def plan_deploy(project: Project, existing: StackState | None, staging: Staging, options: DeployOptions) -> StackPlan:
    """The deploy plan for ``project`` given the stack as it is now (None: it does not exist)."""
    stack_name = check_stack_name(options.stack_name or project.default_stack_name)
    options = replace(options, stack_name=stack_name)
    action = decide_action(existing, stack_name, staging.region)
    prefix = staging.prefix(stack_name)
    template = packaged_template(project, staging.bucket, prefix, options.image)
    parameters = resolve_parameters(project, template, existing, options, staging)
    transform = options.transform if project.kind is ProjectKind.sam else TransformMode.cloudformation
    uploads = uploads_for(project.artifacts, prefix)
    fields = (stack_name, project, staging, existing, action, template, uploads, parameters, transform, options)
    return StackPlan(*fields)


def check_stack_name(name: str) -> str:
    """``name`` if CloudFormation accepts it as a stack name; UsageError otherwise."""
    if not STACK_NAME_RE.match(name):
        raise UsageError(
            f"stack name {name!r} is not valid",
            hint="use letters, digits and dashes, starting with a letter, at most 128 characters (--stack-name)",
        )
    return name


def decide_action(state: StackState | None, stack_name: str, region: str) -> StackAction:
    """CREATE or UPDATE from the stack's status; DeployError for a stack that cannot take a change now."""
    if state is None or state.status == "REVIEW_IN_PROGRESS":
        return StackAction("CREATE")
    status = state.status
    if status == "ROLLBACK_COMPLETE":
        notice = f"stack {stack_name} is ROLLBACK_COMPLETE after a failed create; deleting it before creating it again"
        return StackAction("CREATE", delete_first=True, notice=notice)
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(
            f"stack {stack_name} is {status}: another operation is running on it",
            hint=f"wait for it to finish ({watch_command(stack_name, region)}), then run archsel deploy again",
        )
    if status == "UPDATE_ROLLBACK_FAILED":
        raise DeployError(
            f"stack {stack_name} is UPDATE_ROLLBACK_FAILED and cannot be updated",
            hint=f"aws cloudformation continue-update-rollback --stack-name {stack_name} --region {region}",
        )
    if status in ("ROLLBACK_FAILED", "DELETE_FAILED", "CREATE_FAILED"):
        raise DeployError(
            f"stack {stack_name} is {status}: {state.status_reason or 'no reason given'}",
            hint="remove it with `archsel destroy DIR`, then deploy again",
        )
    return StackAction("UPDATE")


def watch_command(stack_name: str, region: str) -> str:
    """The AWS CLI command that shows a stack's events."""
    return f"aws cloudformation describe-stack-events --stack-name {stack_name} --region {region}"


def packaged_template(project: Project, bucket: str, prefix: str, image: str | None) -> Template:
    """The template with local code replaced by staging-bucket references (and CDK images by ``image``)."""
    if project.kind is not ProjectKind.cdk:
        return rewrite_code(project.template, project.artifacts, bucket, prefix)
    keys = {artifact.property: artifact_key(prefix, artifact) for artifact in project.artifacts}
    template = cdk.rewrite_assets(project.template, project.artifacts, bucket, keys)
    return cdk.rewrite_images(template, project.images, image) if image else template


def resolve_parameters(
    project: Project, template: Template, existing: StackState | None, options: DeployOptions, staging: Staging
) -> tuple[Parameter, ...]:
    """Stack parameter values: --parameter, then --image, then archsel.answers.yaml; previous values on update.

    ``options.stack_name`` is the checked stack name (it names the ECR repository in image instructions).
    """
    declared = template.parameters()
    given = _given_parameters(project, options, declared)
    previous = set(existing.parameters) if existing is not None else set()
    _check_images(project, options, {*given, *previous}, staging)
    found: list[Parameter] = []
    for name, spec in declared.items():
        if name in given:
            found.append(Parameter(name, given[name]))
        elif name in previous and "Default" not in spec:
            found.append(Parameter(name, None))
        elif "Default" not in spec:
            raise DeployError(
                f"template parameter {name} has no value and no default",
                hint=f"pass --parameter {name}=VALUE",
            )
    return tuple(found)


def _given_parameters(project: Project, options: DeployOptions, declared: Mapping[str, object]) -> dict[str, str]:
    answers = dict(project.answers.parameters) if project.answers is not None else {}
    given = {key: value for key, value in answers.items() if key in declared}
    for key, value in options.parameters:
        if key not in declared:
            raise UsageError(
                f"--parameter {key}: the template has no such parameter",
                hint=f"its parameters: {', '.join(declared) or 'none'}",
            )
        given[key] = value
    image_parameters = [need.parameter for need in project.images if need.parameter is not None]
    if options.image is not None:
        given.update(dict.fromkeys(image_parameters, options.image))
    return given


def _check_images(project: Project, options: DeployOptions, known: set[str], staging: Staging) -> None:
    """A container image must come from --image, a parameter value, or the stack's previous value."""
    if options.image is not None and not project.images:
        raise UsageError("--image: this project runs no container image (it is not a Fargate design)")
    missing = [need for need in project.images if need.parameter is None or need.parameter not in known]
    if missing and options.image is None:
        stack_name = options.stack_name or project.default_stack_name
        raise DeployError(
            image_instructions(missing[0], staging, stack_name), hint="then run it again with --image URI"
        )


def image_instructions(need: ImageNeed, staging: Staging, stack_name: str) -> str:
    """What to run to build and push the container image archsel does not build itself."""
    registry = f"{staging.account}.dkr.ecr.{staging.region}.amazonaws.com"
    uri = f"{registry}/{stack_name.lower()}:v1"
    return "\n".join(
        (
            "this design runs a container image, which archsel does not build; build and push it to ECR:",
            f"aws ecr create-repository --repository-name {stack_name.lower()} --region {staging.region}",
            f"aws ecr get-login-password --region {staging.region} | docker login --username AWS --password-stdin {registry}",
            f"docker build -t {uri} {need.context} && docker push {uri}",
            f"archsel deploy DIR --image {uri}",
        )
    )


def template_source(template: Template, staging: Staging, stack_name: str) -> TemplateSource:
    """Inline up to 51,200 bytes; larger templates go to the staging bucket and pass by URL (up to 1 MB)."""
    text = template.text()
    data = text.encode("utf-8")
    if len(data) <= TEMPLATE_BODY_LIMIT_BYTES:
        return TemplateSource(text, None, None)
    if len(data) > TEMPLATE_URL_LIMIT_BYTES:
        raise DeployError(
            f"the template is {len(data):,} bytes; CloudFormation takes at most {TEMPLATE_URL_LIMIT_BYTES:,}",
            hint="split the stack (nested stacks) or trim it",
        )
    key = f"{staging.prefix(stack_name)}templates/{hashlib.sha256(data).hexdigest()}.json"
    return TemplateSource(None, staging.url(key), Upload(key, data, "template"))


def capabilities(template: Template) -> tuple[str, ...]:
    """IAM capabilities always (templates make roles); AUTO_EXPAND when CloudFormation runs a transform."""
    return (*IAM_CAPABILITIES, "CAPABILITY_AUTO_EXPAND") if "Transform" in template.body else IAM_CAPABILITIES


def change_rows(changes: tuple[ResourceChange, ...]) -> tuple[ChangeRow, ...]:
    """The change set as a person reads it."""
    labels = {"True": "yes", "False": "no", "Conditional": "maybe"}
    return tuple(
        ChangeRow(c.action, c.logical_id, c.resource_type, labels.get(c.replacement, ""), describe(c.resource_type))
        for c in changes
    )


def added_rows(template: Template) -> tuple[ChangeRow, ...]:
    """Every resource of ``template`` as an Add (what a create would do)."""
    return tuple(ChangeRow("Add", r.logical_id, r.type, "", describe(r.type)) for r in template.resources())


def has_no_changes(state: ChangeSetState) -> bool:
    """Whether CloudFormation refused the change set because nothing would change."""
    return state.status == "FAILED" and any(text in (state.reason or "") for text in NO_CHANGE_REASONS)


def unexpanded_serverless(state: ChangeSetState) -> bool:
    """Whether the endpoint kept AWS::Serverless types instead of expanding them (it lacks the transform)."""
    return any(change.resource_type.startswith("AWS::Serverless::") for change in state.changes)


def transform_rejected(message: str) -> bool:
    """Whether an endpoint's error says it does not support the template's transform."""
    lowered = message.lower()
    return "transform" in lowered and any(word in lowered for word in ("support", "unknown", "not found", "invalid"))
