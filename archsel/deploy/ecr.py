"""Fargate images to ECR before the stack: the repository made if missing, a login from a boto3 authorization token.

An image whose tag (a hash of the build context, platform and build arguments) is already in the
repository is not built again: its digest is read back and passed to the stack as it is.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from archsel.deploy.aws_errors import aws_call
from archsel.deploy.images import (
    Builder,
    ImageBuild,
    PushedImage,
    RegistryLogin,
    Runner,
    build_and_push,
    context_tag,
    platform_of,
)
from archsel.deploy.models import DeploySetupError, ImageNeed


def repository_name(stack_name: str) -> str:
    """The ECR repository of a stack's API image (lower case, as ECR requires)."""
    return f"{stack_name.lower()}-api"


def ensure_repository(ecr: Any, name: str) -> str:
    """The repository's URI; created (scan on push, AES-256) when it does not exist yet."""
    from botocore.exceptions import ClientError

    with aws_call(f"describe ECR repository {name}"):
        try:
            found = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
            return str(found["repositoryUri"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "RepositoryNotFoundException":
                raise
    with aws_call(f"create ECR repository {name}"):
        made = ecr.create_repository(
            repositoryName=name,
            imageScanningConfiguration={"scanOnPush": True},
            encryptionConfiguration={"encryptionType": "AES256"},
        )
    return str(made["repository"]["repositoryUri"])


def ecr_login(ecr: Any) -> RegistryLogin:
    """The registry and its credentials from GetAuthorizationToken (valid 12 hours)."""
    with aws_call("get an ECR authorization token"):
        data = ecr.get_authorization_token()["authorizationData"][0]
    username, _, password = base64.b64decode(data["authorizationToken"]).decode("utf-8").partition(":")
    endpoint = str(data["proxyEndpoint"])
    return RegistryLogin(urlparse(endpoint).netloc or endpoint, username, password)


def existing_digest(ecr: Any, repository: str, tag: str) -> str | None:
    """The digest of ``repository:tag`` when ECR has it, else None."""
    from botocore.exceptions import ClientError

    with aws_call(f"describe ECR image {repository}:{tag}"):
        try:
            images = ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])["imageDetails"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("ImageNotFoundException", "RepositoryNotFoundException"):
                return None
            raise
    return str(images[0]["imageDigest"]) if images else None


def image_build(root: Path, need: ImageNeed, repository: str, build_args: Mapping[str, str]) -> ImageBuild:
    """What to build for ``need``: its Dockerfile's folder, for the task's CPU architecture."""
    context = root / need.context
    if not (context / "Dockerfile").is_file():
        raise DeploySetupError(
            f"{context}: no Dockerfile to build the {need.parameter or 'container'} image from",
            hint="add one, or build and push the image yourself and pass --image URI",
        )
    return ImageBuild(context, repository, platform_of(need.cpu_architecture), tuple(sorted(build_args.items())))


def publish_to_ecr(
    ecr: Any, builder: Builder, build: ImageBuild, run: Runner | None = None
) -> tuple[PushedImage, bool]:
    """The image in ECR by digest, and whether it was built now (False: this tag was already there)."""
    uri = ensure_repository(ecr, build.repository)
    tag = context_tag(build)
    digest = existing_digest(ecr, build.repository, tag)
    if digest is not None:
        return PushedImage(f"{uri}:{tag}", digest), False
    login = ecr_login(ecr)
    return build_and_push(builder, build, login, run), True
