"""`archsel deploy --dry-run` of a Lambda Managed Instances project with EFS and an external sign-in, offline.

moto (5.2) knows no AWS::Lambda::CapacityProvider, so this set is not deployed to moto like the Lambda
sets; the dry run reads the transformed template alone, with no credentials and every socket refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archsel import api
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.designs import EFS_LAMBDA
from tests.functional.test_deploy_offline import no_aws  # noqa: F401 (the fixture, used by name)

Run = Callable[..., Any]
OIDC = """
auth: {provider: oidc, issuer: "https://example.okta.com/oauth2/default", audience: [api://files]}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    design = design_from_profile(parse_profile(EFS_LAMBDA + OIDC), "lambda-managed")
    api.scaffold(design, iac="sam", out=tmp_path / "managed")
    return tmp_path / "managed"


@pytest.mark.usefixtures("no_aws")
def test_dry_run_lists_the_capacity_provider_the_file_system_and_the_secret(project: Path, run_cli: Run) -> None:
    result = run_cli("deploy", str(project), "--dry-run")
    assert result.exit_code == 0, result.stderr
    for logical_id, rtype in (
        ("CapacityProvider", "AWS::Lambda::CapacityProvider"),
        ("ApiFunction", "AWS::Lambda::Function"),
        ("FileSystemAccessPoint", "AWS::EFS::AccessPoint"),
        ("FileSystemMountTarget2", "AWS::EFS::MountTarget"),
        ("IdpClientSecret", "AWS::SecretsManager::Secret"),
        ("HttpApi", "AWS::ApiGatewayV2::Api"),
    ):
        assert logical_id in result.stdout and rtype in result.stdout, (logical_id, result.stdout)
    assert "AWS::Cognito::UserPool" not in result.stdout and "AWS::EC2::NatGateway" not in result.stdout
    assert "nothing was sent to AWS" in result.stderr
