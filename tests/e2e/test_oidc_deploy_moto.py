"""An external identity provider's design, scaffolded, deployed to moto's server on 127.0.0.1 and destroyed.

moto 5.2 creates the function, its role, the table and the bucket; it has no CloudFormation model for
``AWS::SecretsManager::Secret`` nor for the HTTP API and its JWT authorizer, so those are checked in the
change set but not created (tests/e2e/test_scaffold_deploy_moto.py lists moto's other gaps).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from archsel import api
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.test_scaffold_deploy_moto import change_rows

STACK = "e2e-oidc"
ISSUER = "https://example.okta.com/oauth2/default"
PROFILE = f"""
version: 1
name: {STACK}
region: us-east-1
traffic: {{requests_per_month: 1000000}}
lambda: {{memory_mb: 512, architecture: arm64, timeout_s: 10}}
database: {{kind: dynamodb}}
auth: {{provider: oidc, issuer: "{ISSUER}", audience: [api://orders], monthly_active_users: 500, monthly_usd: 35}}
"""
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS.* not supported by moto:UserWarning")


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1")


@pytest.mark.slow
def test_oidc_design_deploys_with_its_secret_and_is_destroyed(
    moto_url: str, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    project = tmp_path / "oidc-api"
    api.scaffold(design_from_profile(parse_profile(PROFILE), "lambda"), iac="sam", out=project)
    template = (project / "template.yaml").read_text()
    assert " SecretString:" not in template and "GenerateSecretString" in template and ISSUER in template

    created = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert created.exit_code == 0, created.stderr
    rows = change_rows(created.stdout)
    assert ("Add", "IdpClientSecret", "AWS::SecretsManager::Secret") in rows
    assert ("Add", "HttpApi", "AWS::ApiGatewayV2::Api") in rows
    assert not any(rtype.startswith("AWS::Cognito") for _, _, rtype in rows)
    assert f"stack {STACK}: CREATE_COMPLETE" in created.stderr

    function = client("lambda", moto_url).list_functions()["Functions"][0]
    variables = function["Environment"]["Variables"]
    assert variables["OIDC_ISSUER"] == ISSUER  # (moto leaves out OIDC_CLIENT_SECRET_ARN: a Ref to the skipped secret)

    gone = run_cli("destroy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert gone.exit_code == 0, gone.stderr
    assert client("lambda", moto_url).list_functions()["Functions"] == []
