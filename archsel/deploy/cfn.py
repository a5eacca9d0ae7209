"""The typed wrapper over boto3/botocore: sessions, CloudFormation and STS calls, every error made a DeployError.

Only this module and storage.py touch botocore. Each call returns archsel's frozen values, and
each botocore error becomes a DeployError saying where (service, operation, stack), what (the
AWS code and message) and how to fix it. botocore retries in adaptive mode; archsel never
retries on top of that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archsel.deploy.aws_errors import NO_CREDENTIALS_HINT, NO_REGION_HINT, aws_call
from archsel.deploy.models import (
    AwsTarget,
    ChangeSetRequest,
    ChangeSetState,
    DeploySetupError,
    ResourceChange,
    StackEvent,
    StackOutput,
    StackResource,
    StackState,
)
from archsel.deploy.storage import Storage
from archsel.errors import DeployError

RETRY_CONFIG = {"mode": "adaptive", "max_attempts": 10}
IDENTITY_CHECK = {"connect_timeout": 2, "read_timeout": 5, "retries": {"mode": "standard", "total_max_attempts": 2}}
"""The first call (STS) fails fast: a wrong endpoint, no network or bad keys are setup problems, not load."""
EVENT_PAGES_MAX = 20


@dataclass(frozen=True, slots=True)
class Connection:
    """Clients for one account and region, and where they point."""

    cloudformation: CloudFormation
    storage: Storage
    region: str
    account: str
    endpoint_url: str | None
    ecr: Any = None
    """ECR client, for pushing a Fargate design's image (None: images cannot be built here)."""


def resolve_region(
    target: AwsTarget, env: Mapping[str, str], profile_region: str | None, project_region: str | None = None
) -> str:
    """--region, the project's region, AWS_REGION, AWS_DEFAULT_REGION, the AWS profile's; DeploySetupError if none."""
    region = target.region or project_region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or profile_region
    if not region:
        raise DeploySetupError("no AWS region is set", hint=NO_REGION_HINT)
    return region


def resolve_endpoint(target: AwsTarget, env: Mapping[str, str]) -> str | None:
    """--endpoint-url, then AWS_ENDPOINT_URL (for local emulators); None means AWS itself."""
    return target.endpoint_url or env.get("AWS_ENDPOINT_URL") or None


def connect(target: AwsTarget, env: Mapping[str, str], project_region: str | None = None) -> Connection:
    """A Connection for ``target``: region and credentials resolved, the account looked up once.

    Every problem found here (no region, no credentials, keys rejected, endpoint unreachable) is a
    DeploySetupError: nothing was deployed, and the fix is on this machine.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.session.Session(profile_name=target.profile)
    except BotoCoreError as error:
        raise DeploySetupError(
            f"AWS profile {target.profile!r}: {error}", hint="list AWS profiles: `aws configure list-profiles`"
        ) from error
    region = resolve_region(target, env, session.region_name, project_region)
    if session.get_credentials() is None:
        raise DeploySetupError("no AWS credentials found", hint=NO_CREDENTIALS_HINT)
    endpoint = resolve_endpoint(target, env)
    config = Config(
        retries=RETRY_CONFIG, user_agent_extra="archsel", s3={"addressing_style": "path"} if endpoint else {}
    )

    def client(service: str, settings: Config = config) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint, config=settings)

    cloudformation = CloudFormation(client("cloudformation"), client("sts", config.merge(Config(**IDENTITY_CHECK))))
    storage = Storage(client("s3"), client("dynamodb"), client("cloudfront"))
    try:
        account = cloudformation.account_id()
    except DeployError as error:
        raise DeploySetupError(error.message, hint=error.hint) from error
    return Connection(cloudformation, storage, region, account, endpoint, client("ecr"))


class CloudFormation:
    """Typed CloudFormation (and STS) calls used by deploy and destroy."""

    def __init__(self, client: Any, sts: Any) -> None:
        self._client = client
        self._sts = sts

    def account_id(self) -> str:
        """The account of the credentials in use."""
        with aws_call("STS GetCallerIdentity"):
            return str(self._sts.get_caller_identity()["Account"])

    def find_stack(self, name: str) -> StackState | None:
        """The stack called (or with id) ``name``; None when there is none."""
        from botocore.exceptions import ClientError

        try:
            with aws_call(f"CloudFormation DescribeStacks ({name})"):
                stacks = self._client.describe_stacks(StackName=name)["Stacks"]
        except DeployError as error:
            cause = error.__cause__
            if isinstance(cause, ClientError) and "does not exist" in str(cause):
                return None
            raise
        return _stack(stacks[0]) if stacks else None

    def create_change_set(self, request: ChangeSetRequest) -> tuple[str, str]:
        """Create a change set; returns (change set id, stack id)."""
        with aws_call(f"CloudFormation CreateChangeSet ({request.stack_name})"):
            answer = self._client.create_change_set(**_change_set_kwargs(request))
        return str(answer["Id"]), str(answer["StackId"])

    def describe_change_set(self, change_set_id: str) -> ChangeSetState:
        """A change set and all its changes (every page)."""
        changes: list[ResourceChange] = []
        kwargs: dict[str, str] = {"ChangeSetName": change_set_id}
        for _ in range(100):  # a change set holds at most 2,500 resources (100 pages of 25 or more)
            with aws_call("CloudFormation DescribeChangeSet"):
                page = self._client.describe_change_set(**kwargs)
            changes.extend(_change(item) for item in page.get("Changes") or () if item.get("ResourceChange"))
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        return ChangeSetState(
            change_set_id=str(page.get("ChangeSetId", change_set_id)),
            stack_id=str(page.get("StackId", "")),
            status=str(page.get("Status", "")),
            execution_status=str(page.get("ExecutionStatus", "")),
            reason=page.get("StatusReason"),
            changes=tuple(changes),
        )

    def execute_change_set(self, change_set_id: str, token: str) -> None:
        """Start executing a change set (the token makes a repeated call harmless)."""
        with aws_call("CloudFormation ExecuteChangeSet"):
            self._client.execute_change_set(ChangeSetName=change_set_id, ClientRequestToken=token)

    def delete_change_set(self, change_set_id: str) -> None:
        """Delete a change set that will not be executed."""
        with aws_call("CloudFormation DeleteChangeSet"):
            self._client.delete_change_set(ChangeSetName=change_set_id)

    def delete_stack(self, stack_id: str, token: str) -> None:
        """Start deleting a stack."""
        with aws_call(f"CloudFormation DeleteStack ({stack_id})"):
            self._client.delete_stack(StackName=stack_id, ClientRequestToken=token)

    def events(self, stack_id: str, known: frozenset[str]) -> tuple[StackEvent, ...]:
        """Events newer than the ``known`` ones, newest first (stops paging at the first known event)."""
        found: list[StackEvent] = []
        kwargs: dict[str, str] = {"StackName": stack_id}
        for _ in range(EVENT_PAGES_MAX):
            with aws_call(f"CloudFormation DescribeStackEvents ({stack_id})"):
                page = self._client.describe_stack_events(**kwargs)
            batch = [_event(item) for item in page.get("StackEvents") or ()]
            found.extend(e for e in batch if e.event_id not in known)
            if any(e.event_id in known for e in batch) or not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        return tuple(found)

    def resources(self, stack_id: str) -> tuple[StackResource, ...]:
        """Every resource of a stack, with its status."""
        found: list[StackResource] = []
        kwargs: dict[str, str] = {"StackName": stack_id}
        for _ in range(100):
            with aws_call(f"CloudFormation ListStackResources ({stack_id})"):
                page = self._client.list_stack_resources(**kwargs)
            found.extend(_resource(item) for item in page.get("StackResourceSummaries") or ())
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        return tuple(found)

    def processed_template(self, stack_id: str) -> str | Mapping[str, Any]:
        """The deployed template after transforms (botocore may hand JSON back already parsed)."""
        with aws_call(f"CloudFormation GetTemplate ({stack_id})"):
            body = self._client.get_template(StackName=stack_id, TemplateStage="Processed")["TemplateBody"]
        return body if isinstance(body, Mapping) else str(body)


def _change_set_kwargs(request: ChangeSetRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "StackName": request.stack_name,
        "ChangeSetName": request.change_set_name,
        "ChangeSetType": request.change_set_type,
        "Parameters": [
            {"ParameterKey": p.key, "UsePreviousValue": True}
            if p.value is None
            else {"ParameterKey": p.key, "ParameterValue": p.value}
            for p in request.parameters
        ],
        "Capabilities": list(request.capabilities),
        "Description": request.description,
    }
    if request.tags is not None:
        kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in request.tags]
    if request.template_url is not None:
        kwargs["TemplateURL"] = request.template_url
    else:
        kwargs["TemplateBody"] = request.template_body
    return kwargs


def _stack(item: Mapping[str, Any]) -> StackState:
    return StackState(
        name=str(item["StackName"]),
        stack_id=str(item["StackId"]),
        status=str(item["StackStatus"]),
        status_reason=item.get("StackStatusReason"),
        outputs=tuple(
            StackOutput(str(o["OutputKey"]), str(o.get("OutputValue", "")), o.get("Description"))
            for o in item.get("Outputs") or ()
        ),
        parameters=tuple(str(p["ParameterKey"]) for p in item.get("Parameters") or ()),
    )


def _change(item: Mapping[str, Any]) -> ResourceChange:
    change = item["ResourceChange"]
    return ResourceChange(
        action=str(change.get("Action", "")),
        logical_id=str(change.get("LogicalResourceId", "")),
        resource_type=str(change.get("ResourceType", "")),
        replacement=str(change.get("Replacement", "")),
        physical_id=change.get("PhysicalResourceId"),
    )


def _event(item: Mapping[str, Any]) -> StackEvent:
    stamp = item.get("Timestamp")
    return StackEvent(
        event_id=str(item["EventId"]),
        timestamp=stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromtimestamp(0, dt.UTC),
        logical_id=str(item.get("LogicalResourceId", "")),
        resource_type=str(item.get("ResourceType", "")),
        status=str(item.get("ResourceStatus", "")),
        reason=item.get("ResourceStatusReason"),
        physical_id=item.get("PhysicalResourceId"),
    )


def _resource(item: Mapping[str, Any]) -> StackResource:
    return StackResource(
        logical_id=str(item.get("LogicalResourceId", "")),
        physical_id=str(item.get("PhysicalResourceId", "")),
        resource_type=str(item.get("ResourceType", "")),
        status=str(item.get("ResourceStatus", "")),
        reason=item.get("ResourceStatusReason"),
    )
