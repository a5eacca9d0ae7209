"""auth.provider oidc: the JWT authorizer carries the issuer and audiences, the client secret stays in Secrets
Manager, the container's token check accepts and rejects tokens signed by keys made here (PyJWT), and the
provider is priced only from the user's own figure. The Lambda side's tokens: test_oidc_lambda_tokens.py."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from archsel.cost.engine import estimate, usage_from_profile
from archsel.errors import UsageError
from archsel.pricing.table import load_prices
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.cfn_tools import file_text, only, render_design, resources, sam_transform, write_files
from tests.e2e.designs import OIDC_FARGATE, OIDC_LAMBDA

ISSUER = "https://example.okta.com/oauth2/default"


def _template(text: str, architecture: str) -> dict[str, Any]:
    design = design_from_profile(parse_profile(text), architecture)
    return sam_transform(file_text(render_design(design, f"{architecture}-sam"), "template.yaml"), "us-east-1")


def test_the_http_api_jwt_authorizer_carries_the_issuer_and_audiences() -> None:
    template = _template(OIDC_LAMBDA, Architecture.LAMBDA)
    api = only(template, "AWS::ApiGatewayV2::Api")
    schemes = api["Body"]["components"]["securitySchemes"]
    authorizer = schemes["OidcJwt"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["jwtConfiguration"] == {"issuer": ISSUER, "audience": ["api://orders", "orders-spa"]}
    assert not resources(template, "AWS::Cognito::UserPool")


@pytest.mark.parametrize(("text", "architecture"), [(OIDC_LAMBDA, "lambda"), (OIDC_FARGATE, "fargate")])
def test_the_client_secret_is_generated_in_secrets_manager_never_written_in_the_template(
    text: str, architecture: str
) -> None:
    template = _template(text, architecture)
    secret = resources(template, "AWS::SecretsManager::Secret")["IdpClientSecret"]["Properties"]
    assert "SecretString" not in secret and "GenerateSecretString" in secret
    assert template["Outputs"]["IdpClientSecretArn"]["Value"] == {"Ref": "IdpClientSecret"}


def test_the_fargate_task_gets_the_issuer_audiences_and_the_secret_by_reference() -> None:
    template = _template(OIDC_FARGATE, Architecture.FARGATE)
    container = only(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    env = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert env["OIDC_ISSUER"] == "https://login.example.com/tenant-1/v2.0" and env["OIDC_AUDIENCE"] == "api://orders"
    assert "COGNITO_ISSUER" not in env
    secrets = {item["Name"]: item["ValueFrom"] for item in container["Secrets"]}
    assert secrets["OIDC_CLIENT_SECRET"] == {"Ref": "IdpClientSecret"}
    role = resources(template, "AWS::IAM::Role")["TaskExecutionRole"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": "IdpClientSecret"}} in (
        statements
    )


def test_a_rest_api_with_an_external_provider_is_a_usage_error() -> None:
    profile = parse_profile(
        OIDC_LAMBDA.replace("traffic: {mean_rps: 3}", "traffic: {mean_rps: 3}\nlambda: {api: rest}")
    )
    with pytest.raises(UsageError, match=r"lambda\.api http"):
        render_design(design_from_profile(profile, Architecture.LAMBDA), "lambda-sam")


# ----------------------------------------------------------------------------- tokens signed here


def _token(key: rsa.RSAPrivateKey, claims: dict[str, Any], kid: str = "k1") -> str:
    """An RS256 JWT signed with ``key`` by PyJWT."""
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _jwks(key: rsa.RSAPrivateKey) -> dict[str, tuple[int, int]]:
    numbers = key.public_key().public_numbers()
    return {"k1": (numbers.n, numbers.e)}


def _scaffolded_auth(tmp_path: Path) -> ModuleType:
    """The app/auth.py module of a scaffolded Fargate project, imported from the written file."""
    design = design_from_profile(parse_profile(OIDC_FARGATE), Architecture.FARGATE)
    project = write_files(render_design(design, "fargate-sam"), tmp_path / "project")
    spec = importlib.util.spec_from_file_location("scaffolded_auth", project / "src" / "app" / "auth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_scaffolded_check_accepts_a_valid_token_and_rejects_an_invalid_one(tmp_path: Path) -> None:
    auth = _scaffolded_auth(tmp_path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    intruder = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = "https://login.example.com/tenant-1/v2.0"
    env = {"OIDC_ISSUER": issuer, "OIDC_AUDIENCE": "api://orders"}
    verifier = auth.verifier_from_env(env)
    verifier.fetch_keys = lambda _issuer: _jwks(key)
    claims = {"sub": "user-42", "iss": issuer, "aud": "api://orders", "exp": time.time() + 300}
    assert verifier.user("Bearer " + _token(key, claims)) == "user-42"
    assert verifier.user("Bearer " + _token(intruder, claims)) is None
    assert verifier.user("Bearer " + _token(key, {**claims, "aud": "api://payments"})) is None
    assert verifier.user("Bearer " + _token(key, {**claims, "exp": time.time() - 3600})) is None


# ----------------------------------------------------------------------------- pricing


@pytest.mark.parametrize("figure", [140.0, None])
def test_the_provider_is_priced_from_the_users_figure_or_shown_as_not_priced(figure: float | None) -> None:
    text = OIDC_LAMBDA if figure is not None else OIDC_LAMBDA.replace("  monthly_usd: 140\n", "")
    profile = parse_profile(text)
    bill = estimate(profile, usage_from_profile(profile, Architecture.LAMBDA), load_prices(profile.region))
    line = next(c for c in bill.components if c.service == "identity_provider")
    assert not bill.missing_prices
    if figure is None:
        assert line.monthly_usd is None and bill.not_priced == (line,)
    else:
        assert float(line.monthly_usd or 0) == figure and not bill.not_priced
    others = sum(float(c.monthly_usd or 0) for c in bill.components if c is not line)
    assert float(bill.monthly_usd) == pytest.approx(others + (figure or 0.0))
