"""`archsel deploy` and `archsel destroy` end to end, through the real CLI, against moto's server on 127.0.0.1.

The project is tests/data/deploy/sam-basic (a SAM function, a DynamoDB table, an S3 bucket),
copied to a temporary folder and edited between deploys. The server is the ``moto_url`` fixture
(tests/conftest.py, tests/moto_support.py); tests/e2e/test_scaffold_deploy_moto.py deploys what
`archsel scaffold` writes.

moto's gaps, and how these tests live with them:
- moto keeps ``AWS::Serverless`` resources unexpanded (it has no SAM transform), so archsel's
  ``--transform auto`` sees that and expands the template in process with aws-sam-translator;
  the deploys below go through that local transform.
- moto emits only stack-level events (no per-resource CREATE_IN_PROGRESS/COMPLETE), so the
  event stream shows the stack's own lines; per-resource events are covered by the Stubber tests.
- moto returns no stack Outputs for stacks made through change sets, so the outputs file is an
  empty JSON object here; outputs are covered by the Stubber tests.
- moto does not report parameter-only changes in a change set and never records new parameter
  values on update, so the update here changes the template (the function's timeout), not a parameter.
- moto cannot fail a resource mid-create, throttle, expire credentials or hang: those paths are
  in tests/functional/test_deploy_failures.py.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "deploy" / "sam-basic"
STACK = "archsel-deploy-fixture"
STAGING = "archsel-staging-123456789012-us-east-1"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(FIXTURE, folder)
    return folder


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1")


def only_function(url: str) -> dict[str, Any]:
    functions = client("lambda", url).list_functions()["Functions"]
    assert len(functions) == 1
    return dict(functions[0])


def buckets(url: str) -> set[str]:
    return {b["Name"] for b in client("s3", url).list_buckets()["Buckets"]}


@pytest.mark.slow
def test_deploy_update_no_changes_and_destroy(moto_url: str, project: Path, run_cli: Callable[..., Any]) -> None:
    outputs = project / "outputs.json"
    created = run_cli(
        "deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes", "--outputs-file", str(outputs)
    )
    assert created.exit_code == 0, created.stderr
    assert f"Change set for stack {STACK} (CREATE)" in created.stdout
    assert "AWS::Lambda::Function" in created.stdout and "Lambda function: runs the API's code" in created.stdout
    assert "monthly cost: $12.34 for API Gateway + Lambda, 256 MB arm64" in created.stdout
    assert "expanding it with aws-sam-translator (--transform local)" in created.stderr
    assert f"creating staging bucket {STAGING}" in created.stderr
    assert f"stack {STACK}: CREATE_COMPLETE" in created.stderr
    assert json.loads(outputs.read_text()) == {}  # moto gives change-set stacks no outputs

    function = only_function(moto_url)
    assert (function["MemorySize"], function["Timeout"], function["Runtime"]) == (256, 10, "python3.12")
    tables = client("dynamodb", moto_url).list_tables()["TableNames"]
    assert len(tables) == 1 and tables[0].startswith(f"{STACK}-ItemsTable")
    uploads = {b for b in buckets(moto_url) if b.startswith(f"{STACK}-uploadsbucket")}
    assert len(uploads) == 1 and STAGING in buckets(moto_url)
    s3 = client("s3", moto_url)
    assert s3.get_bucket_versioning(Bucket=STAGING)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=STAGING)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]
    staged = [o["Key"] for o in s3.list_objects_v2(Bucket=STAGING)["Contents"]]
    assert len(staged) == 1 and staged[0].startswith(f"archsel/{STACK}/") and staged[0].endswith(".zip")

    template = project / "template.yaml"
    template.write_text(template.read_text().replace("Timeout: 10", "Timeout: 20"))
    looked = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--dry-run", "--remote")
    assert looked.exit_code == 0, looked.stderr
    assert "Modify" in looked.stdout and "ApiFunction" in looked.stdout
    assert "dry run: change set deleted, nothing deployed" in looked.stderr
    assert only_function(moto_url)["Timeout"] == 10

    updated = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert updated.exit_code == 0, updated.stderr
    assert f"Change set for stack {STACK} (UPDATE)" in updated.stdout
    assert "Modify" in updated.stdout and "ApiFunction" in updated.stdout
    assert "unchanged: ApiFunction (src)" in updated.stderr  # same code, same hash: not uploaded again
    assert only_function(moto_url)["Timeout"] == 20

    again = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert again.exit_code == 0, again.stderr
    assert f"no changes: stack {STACK} already matches the project" in again.stderr
    assert "Change set" not in again.stdout

    refused = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2")
    assert refused.exit_code == 2
    assert "refusing to deploy without confirmation" in refused.stderr

    s3.put_object(Bucket=next(iter(uploads)), Key="user-upload.txt", Body=b"data")
    gone = run_cli("destroy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert gone.exit_code == 0, gone.stderr
    assert f"bucket {next(iter(uploads))} (created by the stack) will be emptied" in gone.stderr
    assert f"kept staging bucket {STAGING}" in gone.stderr
    assert client("lambda", moto_url).list_functions()["Functions"] == []
    assert client("dynamodb", moto_url).list_tables()["TableNames"] == []
    assert buckets(moto_url) == {STAGING}  # the staging bucket stays (shared), emptied of this stack's objects
    assert "Versions" not in s3.list_object_versions(Bucket=STAGING, Prefix=f"archsel/{STACK}/")
    with pytest.raises(client("cloudformation", moto_url).exceptions.ClientError):
        client("cloudformation", moto_url).describe_stacks(StackName=STACK)


def test_destroy_keep_data_leaves_table_and_bucket(moto_url: str, project: Path, run_cli: Callable[..., Any]) -> None:
    assert run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes").exit_code == 0
    kept = run_cli("destroy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes", "--keep-data")
    assert kept.exit_code == 0, kept.stderr
    assert "kept: ItemsTable (AWS::DynamoDB::Table)" in kept.stderr and "/month" in kept.stderr
    assert "kept: UploadsBucket (AWS::S3::Bucket)" in kept.stderr
    assert "DeletionPolicy: Retain" in kept.stderr
    assert client("lambda", moto_url).list_functions()["Functions"] == []
    assert len(client("dynamodb", moto_url).list_tables()["TableNames"]) == 1
    assert any(b.startswith(f"{STACK}-uploadsbucket") for b in buckets(moto_url))


def test_large_template_goes_by_url_and_missing_stack_destroys_nothing(
    moto_url: str, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    notes = {f"Note{i:04d}": "x" * 90 for i in range(600)}  # ~60 kB of metadata: over the 51,200-byte body limit
    body = {
        "Metadata": {"Notes": notes},
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                },
            }
        },
    }
    (folder / "template.json").write_text(json.dumps(body))
    done = run_cli("deploy", str(folder), "--stack-name", "big", "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert done.exit_code == 0, done.stderr
    assert "uploaded template: s3://" in done.stderr
    assert len(client("dynamodb", moto_url).list_tables()["TableNames"]) == 1
    nothing = run_cli(
        "destroy", str(folder), "--stack-name", "absent", "--endpoint-url", moto_url, "--timeout", "2", "--yes"
    )
    assert nothing.exit_code == 0
    assert "no stack absent" in nothing.stderr


@pytest.mark.aws
def test_real_aws_round_trip(request: pytest.FixtureRequest, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Opt-in (`pytest -m aws`) for a person with an account: deploys the fixture for real, then destroys it.

    Creates a Lambda function, a DynamoDB table and two S3 buckets (cents at most), in the
    region and account of the default credentials.
    """
    if "aws" not in (request.config.getoption("-m") or ""):
        pytest.skip("talks to a real AWS account: run with -m aws")
    if boto3.session.Session().get_credentials() is None:
        pytest.skip("no AWS credentials")
    folder = tmp_path / "project"
    shutil.copytree(FIXTURE, folder)
    stack = f"archsel-e2e-{tmp_path.name[-8:].replace('_', '-')}"
    try:
        created = run_cli("deploy", str(folder), "--stack-name", stack, "--yes", "--progress", "events")
        assert created.exit_code == 0, created.stderr
        assert "AWS::Lambda::Function" in created.stdout
    finally:
        gone = run_cli("destroy", str(folder), "--stack-name", stack, "--yes")
        assert gone.exit_code == 0, gone.stderr
