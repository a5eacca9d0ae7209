"""Values passed between the deploy stages: targets, templates, stack state, change sets, events, results."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from archsel.errors import ArchselError, DeployError, ExitCode, UsageError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
TEMPLATE_BODY_LIMIT_BYTES = 51_200
"""CloudFormation's limit for TemplateBody; larger templates go to S3 and pass by TemplateURL."""
TEMPLATE_URL_LIMIT_BYTES = 1_048_576
"""CloudFormation's limit for a template passed by URL."""


class TransformMode(StrEnum):
    """Who expands ``AWS::Serverless``: CloudFormation, archsel in process, or decide from the endpoint."""

    auto = "auto"
    cloudformation = "cloudformation"
    local = "local"


class ProgressMode(StrEnum):
    """How stack events are shown while an operation runs."""

    bar = "bar"
    events = "events"
    quiet = "quiet"


class ProjectKind(StrEnum):
    """What kind of infrastructure code a project folder holds."""

    sam = "sam"
    cdk = "cdk"
    cloudformation = "cloudformation"


class DeployInterrupted(DeployError):
    """Ctrl-C while archsel waited: the AWS operation goes on without us."""

    exit_code = ExitCode.INTERRUPTED


class DeploySetupError(DeployError):
    """This machine cannot reach AWS yet (no region, no credentials, endpoint unreachable): nothing was deployed."""

    exit_code = ExitCode.ERROR


class BuildError(ArchselError):
    """Code could not be built on this machine (a requirement without a wheel for Lambda, pip failed)."""


class ConfirmationRequired(UsageError):
    """A change needs a yes, and there is no terminal to ask on and no --yes."""


class Cancelled(ArchselError):
    """The person answered no; nothing was changed."""


@dataclass(frozen=True, slots=True)
class AwsTarget:
    """Where to deploy, as the person asked (unset fields resolve the standard AWS way)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


@dataclass(frozen=True, slots=True)
class Answers:
    """What a project's archsel.answers.yaml says that deploy uses (all optional but the file itself)."""

    template_set: str | None = None
    architecture: str | None = None
    archsel_version: str | None = None
    profile_name: str | None = None
    stack_name: str | None = None
    monthly_usd: Decimal | None = None
    description: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource declared in a template."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Template:
    """A CloudFormation template document. Treated as immutable: rewriting returns a new Template."""

    body: Mapping[str, Any]

    def text(self) -> str:
        """The JSON sent to CloudFormation (compact, keys in template order)."""
        return json.dumps(self.body, separators=(",", ":"), default=str)

    def size_bytes(self) -> int:
        """Size of the JSON sent, in bytes (what CloudFormation's limits count)."""
        return len(self.text().encode("utf-8"))

    def resources(self) -> tuple[Resource, ...]:
        """Every resource, in template order."""
        declared = self.body.get("Resources") or {}
        return tuple(
            Resource(name, str(spec.get("Type", "")), spec.get("Properties") or {})
            for name, spec in declared.items()
            if isinstance(spec, Mapping)
        )

    def parameters(self) -> Mapping[str, Mapping[str, Any]]:
        """The Parameters section (empty when absent)."""
        declared = self.body.get("Parameters") or {}
        return declared if isinstance(declared, Mapping) else {}

    def uses_sam_transform(self) -> bool:
        """Whether the template needs the AWS::Serverless transform."""
        transform = self.body.get("Transform")
        names = transform if isinstance(transform, list) else [transform]
        return SAM_TRANSFORM in names


@dataclass(frozen=True, slots=True)
class Artifact:
    """Code or a file to upload, already packed: ``data`` is what goes to S3, ``sha256`` names it."""

    logical_id: str
    property: str
    source: Path
    data: bytes
    sha256: str
    suffix: str = ".zip"


@dataclass(frozen=True, slots=True)
class Upload:
    """One object for the staging bucket (content-addressed key)."""

    key: str
    data: bytes
    label: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """A stack parameter value; ``value`` None keeps the stack's previous value."""

    key: str
    value: str | None


@dataclass(frozen=True, slots=True)
class ChangeSetRequest:
    """Everything CreateChangeSet needs; the template goes by body or by S3 URL."""

    stack_name: str
    change_set_name: str
    change_set_type: str
    template_body: str | None
    template_url: str | None
    parameters: tuple[Parameter, ...]
    capabilities: tuple[str, ...]
    tags: tuple[tuple[str, str], ...] | None
    """None keeps the stack's tags as they are."""
    description: str


@dataclass(frozen=True, slots=True)
class ImageNeed:
    """A container image the template needs and archsel does not build."""

    parameter: str | None
    """Template parameter that takes the image URI (None for a CDK image asset)."""
    repository: str
    """Suggested ECR repository name for the image."""
    context: str
    """Where the Dockerfile lives, relative to the project."""
    cpu_architecture: str = "X86_64"
    """The task definition's RuntimePlatform CpuArchitecture (X86_64 or ARM64): what the image is built for."""


@dataclass(frozen=True, slots=True)
class Project:
    """A project folder read from disk, ready to plan."""

    root: Path
    kind: ProjectKind
    template: Template
    answers: Answers | None
    default_stack_name: str
    artifacts: tuple[Artifact, ...] = ()
    images: tuple[ImageNeed, ...] = ()
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StackOutput:
    """One stack output."""

    key: str
    value: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class StackState:
    """A stack as DescribeStacks returns it."""

    name: str
    stack_id: str
    status: str
    status_reason: str | None = None
    outputs: tuple[StackOutput, ...] = ()
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One row of a change set as CloudFormation describes it."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str = ""
    physical_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeSetState:
    """A change set's status and changes."""

    change_set_id: str
    stack_id: str
    status: str
    execution_status: str
    reason: str | None
    changes: tuple[ResourceChange, ...]


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A change as shown to a person: the change plus what the resource is, in words."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str
    description: str


@dataclass(frozen=True, slots=True)
class ChangeSetView:
    """What a person is asked to confirm."""

    stack_name: str
    change_set_type: str
    rows: tuple[ChangeRow, ...]
    monthly_usd: Decimal | None
    summary: str | None
    change_set_name: str | None = None


@dataclass(frozen=True, slots=True)
class StackEvent:
    """One stack event."""

    event_id: str
    timestamp: dt.datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None
    physical_id: str | None = None


@dataclass(frozen=True, slots=True)
class StackResource:
    """A resource of a live stack."""

    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class FailureCause:
    """The first resource that failed, and why (not the resources cancelled after it)."""

    logical_id: str
    resource_type: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class Clock:
    """Time, injected: a monotonic clock, a sleep, the poll interval and the longest waits."""

    now: Callable[[], float]
    sleep: Callable[[float], None]
    poll_s: float = 5.0
    change_set_timeout_s: float = 600.0
    stack_timeout_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class DeployOptions:
    """Everything `archsel deploy` was asked, beyond the project folder and the target."""

    stack_name: str | None = None
    yes: bool = False
    dry_run: bool = False
    remote: bool = False
    """With dry_run: make (and delete) a real change set instead of rendering offline."""
    transform: TransformMode = TransformMode.auto
    image: str | None = None
    """A pushed image to run (skips the build)."""
    builder: str | None = None
    """The container builder to build the image with (else ARCHSEL_BUILDER, else the first one found)."""
    parameters: tuple[tuple[str, str], ...] = ()
    outputs_file: Path | None = None
    timeout_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class DestroyOptions:
    """Everything `archsel destroy` was asked, beyond the project folder and the target."""

    stack_name: str | None = None
    yes: bool = False
    keep_data: bool = False
    timeout_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class FrontendReport:
    """What publishing the front end did, for the deploy output."""

    bucket: str
    uploaded: tuple[str, ...]
    unchanged: int
    left_in_bucket: int
    """Objects in the bucket that the built folder no longer has (kept)."""
    invalidation_id: str | None
    invalidated: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeployResult:
    """How a deploy ended."""

    stack_name: str
    outcome: str
    """created, updated, no-changes or dry-run."""
    outputs: tuple[StackOutput, ...] = ()
    change_set: ChangeSetView | None = None
    notices: tuple[str, ...] = ()
    frontend: FrontendReport | None = None


@dataclass(frozen=True, slots=True)
class KeptResource:
    """A data resource --keep-data leaves in the account, with its monthly cost when known."""

    logical_id: str
    physical_id: str
    resource_type: str
    monthly_usd: Decimal | None
    basis: str


@dataclass(frozen=True, slots=True)
class DestroyResult:
    """How a destroy ended."""

    stack_name: str
    outcome: str
    """deleted or absent."""
    emptied_buckets: tuple[str, ...] = ()
    kept: tuple[KeptResource, ...] = ()
    staging_objects_deleted: int = 0
    staging_bucket: str | None = None
    notices: tuple[str, ...] = field(default_factory=tuple)


class EventSink(Protocol):
    """Receives stack events while an operation runs."""

    def event(self, event: StackEvent, elapsed_s: float) -> None:
        """One new event, ``elapsed_s`` after the operation started."""

    def tick(self, elapsed_s: float, status: str) -> None:
        """The stack's status at a poll (for a live bar)."""


class DeployUI(Protocol):
    """What deploy and destroy show and ask; implemented with Rich in ui.py and by fakes in tests."""

    @property
    def interactive(self) -> bool:
        """Whether a person can answer a question."""

    def notice(self, text: str) -> None:
        """A line of information on stderr."""

    def show_changes(self, view: ChangeSetView) -> None:
        """The change set table and the monthly cost line."""

    def confirm(self, question: str) -> bool:
        """Ask yes/no; only called when ``interactive``."""

    def watch(self, title: str, total: int) -> AbstractContextManager[EventSink]:
        """Show an operation's events until the context exits."""

    def show_outputs(self, outputs: tuple[StackOutput, ...]) -> None:
        """The stack outputs after a successful deploy."""
