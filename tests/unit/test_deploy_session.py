"""Region, credentials and endpoint resolved the standard way; botocore errors worded for people."""

from __future__ import annotations

import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from archsel.deploy.aws_errors import aws_call
from archsel.deploy.cfn import connect, resolve_endpoint, resolve_region
from archsel.deploy.models import AwsTarget, DeploySetupError
from archsel.deploy.storage import Storage
from archsel.errors import DeployError, ExitCode


@pytest.fixture
def empty_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookups
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def test_region_order_is_flag_then_project_then_aws_region_then_default_then_profile() -> None:
    env = {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}
    assert resolve_region(AwsTarget(region="ap-south-1"), env, "us-west-2", "sa-east-1") == "ap-south-1"
    assert resolve_region(AwsTarget(), env, "us-west-2", "sa-east-1") == "sa-east-1"
    assert resolve_region(AwsTarget(region="ap-south-1"), env, "us-west-2") == "ap-south-1"
    assert resolve_region(AwsTarget(), env, "us-west-2") == "eu-west-1"
    assert resolve_region(AwsTarget(), {"AWS_DEFAULT_REGION": "eu-west-2"}, "us-west-2") == "eu-west-2"
    assert resolve_region(AwsTarget(), {}, "us-west-2") == "us-west-2"


def test_endpoint_from_flag_or_environment() -> None:
    assert (
        resolve_endpoint(AwsTarget(endpoint_url="http://127.0.0.1:1"), {"AWS_ENDPOINT_URL": "x"})
        == "http://127.0.0.1:1"
    )
    assert resolve_endpoint(AwsTarget(), {"AWS_ENDPOINT_URL": "http://127.0.0.1:2"}) == "http://127.0.0.1:2"
    assert resolve_endpoint(AwsTarget(), {}) is None


def test_missing_region_is_one_clear_error(empty_aws_env: None) -> None:
    with pytest.raises(DeploySetupError) as caught:
        connect(AwsTarget(), {})
    assert caught.value.message == "no AWS region is set"
    assert caught.value.exit_code is ExitCode.ERROR  # a setup problem, not a failed deployment (4)
    assert caught.value.hint is not None and "--region" in caught.value.hint and "AWS_REGION" in caught.value.hint


def test_missing_credentials_is_one_clear_error(empty_aws_env: None) -> None:
    with pytest.raises(DeploySetupError) as caught:
        connect(AwsTarget(region="us-east-1"), {})
    assert caught.value.message == "no AWS credentials found"
    assert caught.value.exit_code is ExitCode.ERROR
    assert caught.value.hint is not None and "aws configure" in caught.value.hint


def test_unknown_profile_is_named(empty_aws_env: None) -> None:
    with pytest.raises(DeploySetupError, match="AWS profile 'nope'") as caught:
        connect(AwsTarget(profile="nope", region="us-east-1"), {})
    assert caught.value.hint is not None and "list-profiles" in caught.value.hint


def test_an_unreachable_endpoint_fails_in_seconds_as_a_setup_problem(
    empty_aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "fake")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    started = time.monotonic()
    # 192.0.2.1 is TEST-NET-1: never routed, so only the connect timeout ends the attempt
    with pytest.raises(DeploySetupError) as caught:
        connect(AwsTarget(region="us-east-1", endpoint_url="http://192.0.2.1:9"), {})
    assert time.monotonic() - started < 10
    assert caught.value.message.startswith("STS GetCallerIdentity:")
    assert caught.value.exit_code is ExitCode.ERROR
    assert caught.value.hint is not None and "--endpoint-url" in caught.value.hint


def test_rejected_keys_name_the_aws_profile_not_just_the_profile() -> None:
    error = ClientError({"Error": {"Code": "InvalidClientTokenId", "Message": "bad"}}, "GetCallerIdentity")
    with pytest.raises(DeployError) as caught, aws_call("STS GetCallerIdentity"):
        raise error
    assert caught.value.hint is not None and "AWS profile" in caught.value.hint
    assert "check the profile" not in caught.value.hint


@pytest.mark.parametrize(
    ("code", "hint_part"),
    [
        ("ExpiredToken", "expired"),
        ("ThrottlingException", "adaptive retries"),
        ("AccessDenied", "lacks this permission"),
        ("InvalidClientTokenId", "rejected"),
        ("ValidationError", None),
    ],
)
def test_client_errors_keep_code_and_message_and_add_a_fix(code: str, hint_part: str | None) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "told so"}}, "DescribeStacks")
    with pytest.raises(DeployError) as caught, aws_call("CloudFormation DescribeStacks (app)"):
        raise error
    assert caught.value.message == f"CloudFormation DescribeStacks (app): {code}: told so"
    assert caught.value.__cause__ is error
    if hint_part is None:
        assert caught.value.hint is None
    else:
        assert caught.value.hint is not None and hint_part in caught.value.hint


def test_unreachable_endpoint_says_so() -> None:
    with pytest.raises(DeployError, match="Could not connect") as caught, aws_call("STS GetCallerIdentity"):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    assert caught.value.hint is not None and "--endpoint-url" in caught.value.hint


def s3_client() -> object:
    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id="t", aws_secret_access_key="t")


def test_staging_bucket_is_private_versioned_and_encrypted() -> None:
    s3 = s3_client()
    with Stubber(s3) as stub:  # type: ignore[arg-type]
        stub.add_response(
            "create_bucket", {}, {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}
        )
        flags = dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
        )
        stub.add_response("put_public_access_block", {}, {"Bucket": "b", "PublicAccessBlockConfiguration": flags})
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        stub.add_response(
            "put_bucket_encryption", {}, {"Bucket": "b", "ServerSideEncryptionConfiguration": {"Rules": [rule]}}
        )
        stub.add_response(
            "put_bucket_versioning", {}, {"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}}
        )
        Storage(s3, None).create_staging_bucket("b", "eu-west-1")
        stub.assert_no_pending_responses()


def test_a_staging_name_owned_by_someone_else_is_refused() -> None:
    s3 = s3_client()
    with Stubber(s3) as stub:  # type: ignore[arg-type]
        stub.add_client_error("head_bucket", "403", "Forbidden", 403)
        with pytest.raises(DeployError, match="belongs to another account"):
            Storage(s3, None).bucket_state("b", "123456789012")
        stub.add_client_error("head_bucket", "404", "Not Found", 404)
        assert Storage(s3, None).bucket_state("b", "123456789012") == "missing"
