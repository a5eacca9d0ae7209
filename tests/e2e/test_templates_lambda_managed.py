"""The Lambda Managed Instances SAM set: rendered, transformed in process, cfn-lint clean, settings read back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
