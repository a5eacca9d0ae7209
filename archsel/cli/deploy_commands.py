"""Commands that act on AWS: `deploy` a scaffolded project through a change set, `destroy` its stack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from archsel.deploy.models import ProgressMode, TransformMode

ProjectArg = Annotated[Path, typer.Argument(help="Project folder made by `archsel scaffold`.", show_default=False)]
StackOpt = Annotated[
    str | None,
    typer.Option("--stack-name", help="Stack name (default: from archsel.answers.yaml).", show_default=False),
]
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="AWS region (default: the project's samconfig.toml / cdk.json / answers file, AWS_REGION, "
        "AWS_DEFAULT_REGION, the AWS profile).",
        show_default=False,
    ),
]
AwsProfileOpt = Annotated[str | None, typer.Option("--profile", help="AWS named profile.", show_default=False)]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint-url", help="AWS endpoint (a local emulator); also AWS_ENDPOINT_URL.", show_default=False),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
TimeoutOpt = Annotated[
    int, typer.Option("--timeout", min=1, help="Minutes to follow a stack operation before giving up.")
]
ProgressOpt = Annotated[
    ProgressMode | None,
    typer.Option("--progress", help="bar, events or quiet (default: bar on a terminal, events otherwise)."),
]


def deploy(
    project_dir: ProjectArg,
    stack_name: StackOpt = None,
    region: RegionOpt = None,
    profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    yes: YesOpt = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Build, package and show what would be created and its cost; no AWS call.")
    ] = False,
    remote: Annotated[
        bool, typer.Option("--remote", help="With --dry-run: create a real change set, show it, delete it.")
    ] = False,
    transform: Annotated[
        TransformMode, typer.Option("--transform", help="Who expands AWS::Serverless: auto, cloudformation or local.")
    ] = TransformMode.auto,
    image: Annotated[
        str | None,
        typer.Option("--image", help="Container image URI for a Fargate design (skips the build).", show_default=False),
    ] = None,
    builder: Annotated[
        str | None,
        typer.Option(
            "--builder",
            help="Container builder for a Fargate image: docker, podman, finch or buildah "
            "(default: ARCHSEL_BUILDER, else the first found).",
            show_default=False,
        ),
    ] = None,
    parameter: Annotated[
        list[str] | None, typer.Option("--parameter", "-p", help="Template parameter KEY=VALUE (repeatable).")
    ] = None,
    outputs_file: Annotated[
        Path | None, typer.Option("--outputs-file", help="Write the stack outputs to this JSON file.")
    ] = None,
    progress: ProgressOpt = None,
    timeout: TimeoutOpt = 60,
) -> None:
    """Deploy a scaffolded project through a CloudFormation change set: package, review, confirm, execute.

    Exits 0 when deployed or when there are no changes, 1 for a setup problem (no region, no
    credentials, endpoint unreachable), 2 without a terminal to confirm on and
    no --yes, 4 when the stack fails (the first failing resource and the next command are named),
    130 on Ctrl-C (the stack operation goes on).
    """
    from archsel import api
    from archsel.deploy.models import AwsTarget, DeployOptions
    from archsel.deploy.ui import console_ui

    options = DeployOptions(
        stack_name=stack_name,
        yes=yes,
        dry_run=dry_run,
        remote=remote,
        transform=transform,
        image=image,
        builder=builder,
        parameters=_key_values(parameter or []),
        outputs_file=outputs_file,
        timeout_s=timeout * 60.0,
    )
    target = AwsTarget(region=region, profile=profile, endpoint_url=endpoint_url)
    api.deploy(project_dir, target=target, options=options, ui=console_ui(progress))


def destroy(
    project_dir: ProjectArg,
    stack_name: StackOpt = None,
    region: RegionOpt = None,
    profile: AwsProfileOpt = None,
    endpoint_url: EndpointOpt = None,
    yes: YesOpt = False,
    keep_data: Annotated[
        bool, typer.Option("--keep-data", help="Keep buckets, tables and databases (DeletionPolicy Retain first).")
    ] = False,
    progress: ProgressOpt = None,
    timeout: TimeoutOpt = 60,
) -> None:
    """Delete a project's stack after confirmation; empties only the buckets the stack created.

    archsel's staging bucket is kept (other stacks share it); this stack's objects in it are deleted.
    Exits 4 naming each resource left behind (DELETE_FAILED) with its reason.
    """
    from archsel import api
    from archsel.deploy.models import AwsTarget, DestroyOptions
    from archsel.deploy.ui import console_ui

    options = DestroyOptions(stack_name=stack_name, yes=yes, keep_data=keep_data, timeout_s=timeout * 60.0)
    target = AwsTarget(region=region, profile=profile, endpoint_url=endpoint_url)
    api.destroy(project_dir, target=target, options=options, ui=console_ui(progress))


def _key_values(items: list[str]) -> tuple[tuple[str, str], ...]:
    from archsel.errors import UsageError

    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--parameter {item!r}: expected KEY=VALUE")
        pairs.append((key, value))
    return tuple(pairs)
