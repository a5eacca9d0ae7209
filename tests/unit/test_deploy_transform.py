"""The local SAM transform: aws-sam-translator in process, no AWS call, the same resources CloudFormation makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from archsel.deploy.models import Template
from archsel.deploy.plan import packaged_template
from archsel.deploy.project import load_project
from archsel.deploy.transform import OfflinePolicyLoader, expand_sam, partition_of
from archsel.errors import DeployError

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "deploy" / "sam-basic"


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials or region anywhere: the transform must not need them."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))


def test_fixture_expands_to_plain_cloudformation() -> None:
    project = load_project(FIXTURE)
    packaged = packaged_template(project, "stage", "archsel/x/", None)
    expanded = expand_sam(packaged, region="eu-central-1", parameters={"MemorySize": "512"})
    types = {r.logical_id: r.type for r in expanded.resources()}
    assert types == {
        "ApiFunction": "AWS::Lambda::Function",
        "ApiFunctionRole": "AWS::IAM::Role",
        "ItemsTable": "AWS::DynamoDB::Table",
        "UploadsBucket": "AWS::S3::Bucket",
    }
    assert "Transform" not in expanded.body
    function = expanded.body["Resources"]["ApiFunction"]["Properties"]
    assert function["Code"] == {"S3Bucket": "stage", "S3Key": f"archsel/x/{project.artifacts[0].sha256}.zip"}
    role = expanded.body["Resources"]["ApiFunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]


def test_same_input_same_output() -> None:
    packaged = packaged_template(load_project(FIXTURE), "stage", "p/", None)
    first = expand_sam(packaged, region="us-east-1", parameters={})
    assert expand_sam(packaged, region="us-east-1", parameters={}).text() == first.text()


def test_invalid_sam_is_a_deploy_error_with_the_translator_reason() -> None:
    broken = Template(
        {
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "src/"}}},
        }
    )
    with pytest.raises(DeployError, match=r"SAM transform \(local\): .*\[Fn\] is invalid"):
        expand_sam(broken, region="us-east-1", parameters={})


def test_policy_map_is_bundled_per_partition() -> None:
    assert partition_of("cn-north-1") == "aws-cn" and partition_of("us-gov-west-1") == "aws-us-gov"
    policies = OfflinePolicyLoader("aws").load()
    assert policies["AWSLambdaBasicExecutionRole"].startswith("arn:aws:iam::aws:policy/")
