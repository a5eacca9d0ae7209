"""`archsel deploy` of a scaffolded Fargate design against moto's server: the image step as a person meets it.

No container builder on PATH (and none named) is a setup problem: exit 1 before any stack is
touched, naming every option. A builder that fails (here a stand-in `docker` script on PATH, the
first one searched) stops the deploy with the builder's own message, exit 1, after the ECR
repository was made with moto. `--parameter ImageUri=...` runs that image and builds nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.cfn_tools import render_design, write_files

PROFILE = """
version: 1
name: image-deploy
region: us-east-1
traffic: {mean_rps: 2}
fargate: {vcpu: 0.25, memory_gb: 0.5, min_tasks: 1, max_tasks: 2}
"""
Run = Callable[..., Any]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    design = design_from_profile(parse_profile(PROFILE), "fargate")
    return write_files(render_design(design, "fargate-sam"), tmp_path / "image-deploy")


def test_no_builder_is_a_setup_error_naming_the_options(
    moto_url: str, project: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("ARCHSEL_BUILDER", raising=False)
    result = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--yes")
    assert result.exit_code == 1, result.stderr
    assert "no container builder found" in result.stderr
    for option in ("docker", "podman", "finch", "buildah", "--builder", "ARCHSEL_BUILDER", "--image URI"):
        assert option in result.stderr
    cloudformation = boto3.client("cloudformation", endpoint_url=moto_url, region_name="us-east-1")
    assert cloudformation.list_stacks()["StackSummaries"] == []


def test_a_failing_build_stops_the_deploy_with_the_builders_message(
    moto_url: str, project: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    fake = tools / "docker"
    fake.write_text('#!/bin/sh\necho "Cannot connect to the Docker daemon ($1 $2 $3)" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.delenv("ARCHSEL_BUILDER", raising=False)
    result = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--yes")
    assert result.exit_code == 1, result.stderr
    assert "building the ImageUri image for linux/amd64 with docker" in result.stderr
    assert "docker build failed (exit 1)" in result.stderr
    assert "Cannot connect to the Docker daemon (build --platform linux/amd64)" in result.stderr
    ecr = boto3.client("ecr", endpoint_url=moto_url, region_name="us-east-1")
    assert [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]] == ["image-deploy-api"]


def test_an_image_given_as_a_parameter_is_not_built(
    moto_url: str, project: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/image-deploy-api@sha256:" + "0" * 64
    result = run_cli(
        "deploy", str(project), "--endpoint-url", moto_url, "--dry-run", "--remote", "--parameter", f"ImageUri={image}"
    )
    assert result.exit_code == 0, result.stderr
    assert "ApiDistribution" in result.stdout and "AWS::ECS::TaskDefinition" in result.stdout  # the change set
    assert "container builder" not in result.stderr and "building" not in result.stderr
    ecr = boto3.client("ecr", endpoint_url=moto_url, region_name="us-east-1")
    assert ecr.describe_repositories()["repositories"] == []
