"""The Lambda Managed Instances SAM set: rendered, transformed in process, cfn-lint clean, settings read back;
EFS mounted from the capacity provider's subnets and sign-in by an external OpenID Connect provider."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archsel.errors import UsageError
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.cfn_tools import (
    file_text,
    lint_errors,
    only,
    parse_template,
    render_design,
    resources,
    sam_transform,
    write_files,
)
from tests.e2e.designs import EFS_LAMBDA, OIDC_LAMBDA

PROFILES = {
    "dynamodb-arm": """
version: 1
name: lmi-shop
traffic: {mean_rps: 300}
lambda: {api: http, runtime: python3.13}
lambda_managed: {instance_type: m7g.xlarge, architecture: arm64, memory_mb: 4096, memory_gib_per_vcpu: 4,
                 min_instances: 4, max_instances: 12, target_cpu: 60}
database: {kind: dynamodb}
frontend: {enabled: true}
""",
    "aurora-rest-x86": """
version: 1
name: lmi-aurora
traffic: {mean_rps: 50}
lambda: {api: rest, provisioned_concurrency: 5}
lambda_managed: {instance_type: c7i.large}
database: {kind: aurora-postgres}
""",
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_sam_template_transforms_and_lints_clean(name: str) -> None:
    profile = parse_profile(PROFILES[name])
    files = render_design(design_from_profile(profile, "lambda-managed"), "lambda-managed-sam")
    text = file_text(files, "template.yaml")
    assert parse_template(text)["Resources"]["CapacityProvider"]["Type"] == "AWS::Serverless::CapacityProvider"
    template = sam_transform(text, profile.region)
    assert lint_errors(template, profile.region) == []
    managed = profile.lambda_managed
    provider = only(template, "AWS::Lambda::CapacityProvider")
    assert provider["InstanceRequirements"] == {
        "Architectures": [managed.architecture],
        "AllowedInstanceTypes": [managed.instance.name],
    }
    scaling = provider["CapacityProviderScalingConfig"]
    assert scaling["MaxVCpuCount"] == managed.max_instances * managed.instance.vcpu
    assert scaling["ScalingPolicies"][0]["TargetValue"] == managed.target_cpu
    (function,) = resources(template, "AWS::Lambda::Function").values()
    settings = function["Properties"]
    config = settings["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]
    assert config["CapacityProviderArn"] == {"Fn::GetAtt": ["CapacityProvider", "Arn"]}
    assert config["ExecutionEnvironmentMemoryGiBPerVCpu"] == managed.memory_gib_per_vcpu
    assert config["PerExecutionEnvironmentMaxConcurrency"] == managed.environment_concurrency(profile.lambda_.runtime)
    per_instance = managed.environments_per_instance
    assert settings["FunctionScalingConfig"] == {
        "MinExecutionEnvironments": managed.min_instances * per_instance,
        "MaxExecutionEnvironments": managed.max_instances * per_instance,
    }
    assert settings["MemorySize"] == managed.memory_mb and settings["Runtime"] == "python3.13"
    assert "VpcConfig" not in settings and "ProvisionedConcurrencyConfig" not in settings
    assert not resources(template, "AWS::Lambda::Version") or all(
        "ProvisionedConcurrencyConfig" not in v.get("Properties", {})
        for v in resources(template, "AWS::Lambda::Version").values()
    )


@pytest.mark.slow
def test_the_cdk_app_synthesizes_the_same_capacity_provider(tmp_path: Path) -> None:
    pytest.importorskip("aws_cdk", reason="install the cdk extra: pip install -e '.[cdk]'")
    if shutil.which("node") is None:
        pytest.skip("the CDK needs Node.js")
    profile = parse_profile(PROFILES["dynamodb-arm"])
    root = write_files(render_design(design_from_profile(profile, "lambda-managed"), "lambda-managed-cdk"), tmp_path)
    environment = {
        **os.environ,
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=root, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2_000:]
    (path,) = (tmp_path / "cdk.out").glob("*.template.json")
    template = json.loads(path.read_text(encoding="utf-8"))
    assert lint_errors(template, profile.region) == []
    managed = profile.lambda_managed
    provider = only(template, "AWS::Lambda::CapacityProvider")
    assert provider["InstanceRequirements"] == {"AllowedInstanceTypes": ["m7g.xlarge"], "Architectures": ["arm64"]}
    assert provider["CapacityProviderScalingConfig"]["MaxVCpuCount"] == managed.max_instances * managed.instance.vcpu
    (function,) = resources(template, "AWS::Lambda::Function").values()
    config = function["Properties"]["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]
    assert config["PerExecutionEnvironmentMaxConcurrency"] == managed.environment_concurrency("python3.13")
    assert function["Properties"]["FunctionScalingConfig"]["MinExecutionEnvironments"] == (
        managed.min_instances * managed.environments_per_instance
    )


def _transformed(text: str) -> dict[str, object]:
    profile = parse_profile(text)
    files = render_design(design_from_profile(profile, "lambda-managed"), "lambda-managed-sam")
    return sam_transform(file_text(files, "template.yaml"), profile.region)


def test_efs_mounts_from_the_capacity_providers_subnets_without_a_function_vpc() -> None:
    template = _transformed(EFS_LAMBDA)
    assert lint_errors(template, "us-east-1") == []
    provider_subnets = only(template, "AWS::Lambda::CapacityProvider")["VpcConfig"]["SubnetIds"]
    targets = resources(template, "AWS::EFS::MountTarget").values()
    assert sorted(str(t["Properties"]["SubnetId"]) for t in targets) == sorted(map(str, provider_subnets))
    (name, function), *_ = resources(template, "AWS::Lambda::Function").items()
    settings = function["Properties"]
    assert "VpcConfig" not in settings and "CapacityProviderConfig" in settings
    assert settings["FileSystemConfigs"] == [
        {"Arn": {"Fn::GetAtt": ["FileSystemAccessPoint", "Arn"]}, "LocalMountPath": "/mnt/data"}
    ]
    assert {"FileSystemMountTarget1", "FileSystemMountTarget2"} <= set(function["DependsOn"])
    nfs = resources(template, "AWS::EC2::SecurityGroup")["FileSystemSecurityGroup"]["Properties"]
    assert nfs["SecurityGroupIngress"][0]["SourceSecurityGroupId"] == {"Ref": "AppSecurityGroup"}
    assert resources(template, "AWS::EC2::NatGateway") == {}  # lambda.nat_gateway is for on-demand Lambda
    assert name == "ApiFunction"


def test_oidc_puts_the_issuer_and_audiences_on_the_http_api_and_makes_no_user_pool() -> None:
    template = _transformed(OIDC_LAMBDA)
    assert lint_errors(template, "us-east-1") == []
    schemes = only(template, "AWS::ApiGatewayV2::Api")["Body"]["components"]["securitySchemes"]
    jwt = schemes["OidcJwt"]["x-amazon-apigateway-authorizer"]["jwtConfiguration"]
    assert jwt == {"issuer": "https://example.okta.com/oauth2/default", "audience": ["api://orders", "orders-spa"]}
    assert resources(template, "AWS::Cognito::UserPool") == {}
    assert "IdpClientSecret" in resources(template, "AWS::SecretsManager::Secret")


def test_oidc_with_a_rest_api_is_a_usage_error_on_managed_instances_too() -> None:
    text = OIDC_LAMBDA.replace("traffic: {mean_rps: 3}", "traffic: {mean_rps: 3}\nlambda: {api: rest}")
    with pytest.raises(UsageError, match=r"needs lambda\.api http"):
        render_design(design_from_profile(parse_profile(text), "lambda-managed"), "lambda-managed-sam")
