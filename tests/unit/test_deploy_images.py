"""Fargate images: which builder is used, the commands it is given, and ECR (moto in process) for login and reuse."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from archsel.deploy.ecr import ecr_login, ensure_repository, existing_digest, image_build, publish_to_ecr
from archsel.deploy.images import (
    BUILDERS,
    Builder,
    ImageBuild,
    RegistryLogin,
    build_and_push,
    build_command,
    context_tag,
    find_builder,
    login_command,
    platform_of,
    push_command,
)
from archsel.deploy.models import DeploySetupError, ImageNeed
from archsel.errors import ExitCode

DIGEST = "sha256:" + "ab" * 32


def which_of(*present: str):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_the_first_builder_found_is_used_in_the_documented_order() -> None:
    assert find_builder(None, {}, which_of("buildah", "podman")).name == "podman"
    assert find_builder(None, {}, which_of("finch")).executable == "/usr/bin/finch"
    assert BUILDERS == ("docker", "podman", "finch", "buildah")


def test_a_named_builder_wins_over_the_environment_and_the_search() -> None:
    env = {"ARCHSEL_BUILDER": "podman", "ARCHSEL_BUILDAH_OPTIONS": "--storage-driver vfs"}
    assert find_builder(None, env, which_of("docker", "podman")).name == "podman"
    chosen = find_builder("buildah", env, which_of("docker", "buildah"))
    assert (chosen.name, chosen.global_options) == ("buildah", ("--storage-driver", "vfs"))


def test_no_builder_is_a_setup_error_naming_every_option() -> None:
    with pytest.raises(DeploySetupError) as caught:
        find_builder(None, {}, which_of())
    assert caught.value.exit_code == ExitCode.ERROR
    for option in (*BUILDERS, "--builder", "ARCHSEL_BUILDER", "--image URI"):
        assert option in caught.value.hint
    with pytest.raises(DeploySetupError, match="'podman' was not found"):
        find_builder("podman", {}, which_of("docker"))
    with pytest.raises(DeploySetupError, match="not one archsel knows"):
        find_builder("kaniko", {}, which_of("kaniko"))


def test_the_build_targets_the_task_cpu_and_passes_build_arguments(tmp_path: Path) -> None:
    build = ImageBuild(tmp_path, "shop-api", platform_of("ARM64"), (("BASE_IMAGE", "mirror/python:3.12"),))
    docker = build_command(Builder("docker", "/usr/bin/docker"), build, "r/shop-api:t")
    arguments = ["--build-arg", "BASE_IMAGE=mirror/python:3.12", "-t", "r/shop-api:t", str(tmp_path)]
    assert docker == ["/usr/bin/docker", "build", "--platform", "linux/arm64", *arguments]
    buildah = build_command(Builder("buildah", "buildah", ("--storage-driver", "vfs")), build, "r/x:t")
    assert buildah[:5] == ["buildah", "--storage-driver", "vfs", "bud", "--platform"]
    assert platform_of("X86_64") == "linux/amd64"


def test_login_sends_the_password_on_stdin_and_local_registries_skip_tls_with_podman(tmp_path: Path) -> None:
    login = RegistryLogin("1234.dkr.ecr.us-east-1.amazonaws.com", "AWS", "secret")
    command = login_command(Builder("docker", "docker"), login)
    assert "secret" not in command and command[-2:] == ["--password-stdin", login.registry]
    podman = Builder("podman", "podman")
    assert "--tls-verify=false" in push_command(podman, "127.0.0.1:5000/x:t", tmp_path / "d")
    assert "--tls-verify=false" not in push_command(podman, f"{login.registry}/x:t", tmp_path / "d")
    assert "--digestfile" not in push_command(Builder("docker", "docker"), "r/x:t", tmp_path / "d")


def test_build_and_push_logs_in_pushes_and_reads_the_digest(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    calls: list[tuple[list[str], str | None]] = []

    def runner(command: Sequence[str], stdin: str | None) -> str:
        calls.append((list(command), stdin))
        return f"latest: digest: {DIGEST} size: 1234\n" if command[1] == "push" else ""

    build = ImageBuild(tmp_path, "shop-api", "linux/amd64")
    pushed = build_and_push(Builder("docker", "docker"), build, RegistryLogin("reg.example", "AWS", "pw"), runner)
    assert [command[1] for command, _ in calls] == ["build", "login", "push"]
    assert calls[1][1] == "pw"
    assert pushed.tag_uri == f"reg.example/shop-api:{context_tag(build)}"
    assert pushed.uri == f"reg.example/shop-api@{DIGEST}"


def test_the_tag_follows_the_context_platform_and_arguments(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"1")
    build = ImageBuild(tmp_path, "r", "linux/amd64")
    first = context_tag(build)
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"2")  # caches do not count
    assert context_tag(build) == first
    assert context_tag(ImageBuild(tmp_path, "r", "linux/arm64")) != first
    (tmp_path / "Dockerfile").write_text("FROM scratch\nENV A=1\n")
    assert context_tag(build) != first


def test_a_project_without_a_dockerfile_cannot_be_built(tmp_path: Path) -> None:
    with pytest.raises(DeploySetupError, match="no Dockerfile"):
        image_build(tmp_path, ImageNeed("ImageUri", "x", "src", "ARM64"), "x-api", {})
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Dockerfile").write_text("FROM scratch\n")
    assert image_build(tmp_path, ImageNeed("ImageUri", "x", "src", "ARM64"), "x-api", {}).platform == "linux/arm64"


@mock_aws
def test_ecr_repository_login_and_reuse_of_a_pushed_tag(tmp_path: Path) -> None:
    ecr = boto3.client("ecr", region_name="us-east-1")
    uri = ensure_repository(ecr, "shop-api")
    assert ensure_repository(ecr, "shop-api") == uri  # found, not made twice
    assert ecr.describe_repositories()["repositories"][0]["imageScanningConfiguration"] == {"scanOnPush": True}
    login = ecr_login(ecr)
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    assert f"{login.username}:{login.password}" == base64.b64decode(token).decode()
    assert uri.startswith(login.registry + "/")

    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    build = ImageBuild(tmp_path, "shop-api", "linux/amd64")
    assert existing_digest(ecr, "shop-api", context_tag(build)) is None
    manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
    ecr.put_image(repositoryName="shop-api", imageManifest=manifest, imageTag=context_tag(build))

    def no_build(command: Sequence[str], stdin: str | None) -> str:
        raise AssertionError(f"nothing should run: {command}")

    pushed, built = publish_to_ecr(ecr, Builder("docker", "docker"), build, no_build)
    assert not built and pushed.digest == existing_digest(ecr, "shop-api", context_tag(build))
    assert pushed.uri == f"{uri}@{pushed.digest}"
