"""`archsel deploy --dry-run` needs no account: no credentials, no network, no AWS call; exit 0 with the plan.

The scaffolded project is rendered through the library, then the real CLI runs with every AWS
variable unset, the shared config files pointed at /dev/null and every socket refused in this
process: the resources are read from the template alone and priced from archsel.answers.yaml.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archsel import api
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile

PROFILE = """
version: 1
name: offline-items
region: eu-west-1
traffic: {requests_per_month: 1000000}
lambda: {memory_mb: 512, architecture: x86_64, timeout_s: 10}
database: {kind: dynamodb}
"""
Run = Callable[..., Any]


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS settings at all, and any network use in this process fails the test loudly."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a dry run tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    design = design_from_profile(parse_profile(PROFILE), "lambda")
    api.scaffold(design, iac="sam", out=tmp_path / "seed")
    return tmp_path / "seed"


def test_dry_run_offline_lists_resources_and_cost_without_credentials(
    no_aws: None, project: Path, run_cli: Run
) -> None:
    answers = project / "archsel.answers.yaml"
    answers.write_text(answers.read_text() + "monthly_usd: 12.34\n", encoding="utf-8")
    result = run_cli("deploy", str(project), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Change set for stack offline-items (dry run, offline)" in result.stdout
    for logical_id, rtype in (("ApiFunction", "AWS::Lambda::Function"), ("ItemsTable", "AWS::DynamoDB::Table"),
                              ("HttpApi", "AWS::ApiGatewayV2::Api"), ("ApiFunctionRole", "AWS::IAM::Role")):  # fmt: skip
        assert logical_id in result.stdout and rtype in result.stdout
    assert "monthly cost: $12.34" in result.stdout
    assert "region eu-west-1 (from samconfig.toml" in result.stderr
    assert "nothing was sent to AWS" in result.stderr


def test_without_dry_run_no_credentials_is_a_setup_error_exit_1(no_aws: None, project: Path, run_cli: Run) -> None:
    result = run_cli("deploy", str(project), "--yes")
    assert result.exit_code == 1, result.stderr
    assert "no AWS credentials found" in result.stderr and "aws configure" in result.stderr


def test_remote_needs_dry_run(no_aws: None, project: Path, run_cli: Run) -> None:
    result = run_cli("deploy", str(project), "--remote", "--yes")
    assert result.exit_code == 2 and "--remote goes with --dry-run" in result.stderr
