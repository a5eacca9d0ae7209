"""What `archsel scaffold` writes, deployed by `archsel deploy` and removed by `archsel destroy`.

The real CLI against moto's server on 127.0.0.1 (the ``moto_url`` fixture): a DynamoDB Lambda
design is scaffolded as SAM, deployed (create), re-scaffolded with a larger function and deployed
again (update), deployed once more (no changes) and destroyed; the same design scaffolded as CDK
is synthesized, its asset published and deployed, then destroyed. The design comes from a small
profile through the library (`design_from_profile`, so no `archsel recommend` run): the CLI
scaffolds from the archsel.answers.yaml that writes. The scaffolded uploads bucket and table are
``DeletionPolicy: Retain``: destroy leaves them, says so with their monthly cost, and does not empty
the bucket (asserted); everything else of the stack is gone, and the staging bucket is kept without
this stack's objects (docs/deploy.md).

moto 5.2's gaps, and how these tests live with them:
- No CloudFormation model for ``AWS::Cognito::UserPool``/``UserPoolClient``,
  ``AWS::ApiGatewayV2::Api``/``Stage``/``Route``/``Integration``/``Authorizer`` or
  ``AWS::S3::BucketPolicy``: moto skips them with a warning, so the user pool, the HTTP API with
  its Cognito JWT authorizer and the TLS-only bucket policy are in the change set (asserted) but
  not created; the function, its alias and permissions, the table, the uploads bucket, the log
  groups and the IAM role are.
- No ``AWS::Lambda::Alias`` model and no ``Version`` attribute on ``AWS::Lambda::Version``: the
  Permission resources (which name the alias) make ExecuteChangeSet fail with HTTP 500
  (``KeyError: 'FunctionName'``). tests/moto_support.py adds the alias through moto's own Lambda
  backend for the test server; archsel and the templates are unchanged.
- moto's Lambda model takes only some function properties from a template (not ``Architectures``,
  ``EphemeralStorage`` or ``LoggingConfig``): the test checks memory, timeout, runtime and environment.
- moto applies an update's added resources before its modified ones (AWS follows the dependencies),
  so it publishes the new version before changing the function; Lambda then answers with the
  existing version (nothing changed since it), and the alias stays on version 1. The update is
  checked by its change set (a new version added, the alias and the function modified) and by the
  function's memory, not by the version the alias points at afterwards.
- No SAM transform (archsel expands it with aws-sam-translator, ``--transform local``), only
  stack-level events, and no outputs for stacks made through change sets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from archsel import api
from archsel.deploy.cfn_yaml import parse_template_text
from archsel.deploy.models import Template
from archsel.deploy.transform import expand_sam
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from archsel.scaffold.manifest import find_template_set
from archsel.scaffold.render import render

STACK = "e2e-items"
STAGING = "archsel-staging-123456789012-us-east-1"
PROFILE = """
version: 1
name: e2e-items
region: us-east-1
traffic: {requests_per_month: 1000000}
lambda: {memory_mb: 512, architecture: arm64, timeout_s: 10}
database: {kind: dynamodb}
storage: {stored_gb: 1, uploads_per_month: 1000}  # files: the scaffold renders the uploads bucket
"""
Run = Callable[..., Any]
# moto warns for each resource type it skips (listed above): expected here, not news.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS.* not supported by moto:UserWarning")


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """An archsel.answers.yaml for the profile's own Lambda settings, written through the library."""
    design = design_from_profile(parse_profile(PROFILE), "lambda")
    api.scaffold(design, iac="sam", out=tmp_path / "seed")
    return tmp_path / "seed" / "archsel.answers.yaml"


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1")


def change_rows(stdout: str) -> set[tuple[str, str, str]]:
    """(action, logical id, type) of each row of the change-set table printed on stdout."""
    rows = set()
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if line.lstrip().startswith("│") and len(cells) == 5 and cells[0]:
            rows.add((cells[0], cells[1], cells[2]))
    return rows


def deploy(run_cli: Run, project: Path, url: str, *extra: str) -> Any:
    result = run_cli("deploy", str(project), "--endpoint-url", url, "--timeout", "2", *extra)
    assert result.exit_code == 0, result.stderr
    return result


def the_function(url: str) -> dict[str, Any]:
    functions = client("lambda", url).list_functions()["Functions"]
    assert len(functions) == 1
    return dict(functions[0])


def live_version(url: str, function_name: str) -> str:
    aliases = client("lambda", url).list_aliases(FunctionName=function_name)["Aliases"]
    assert [a["Name"] for a in aliases] == ["live"]
    return str(aliases[0]["FunctionVersion"])


def stack_roles(url: str) -> list[str]:
    return [r["RoleName"] for r in client("iam", url).list_roles()["Roles"] if r["RoleName"].startswith(STACK)]


def stack_log_groups(url: str) -> list[str]:
    groups = client("logs", url).describe_log_groups()["logGroups"]
    return [g["logGroupName"] for g in groups if g["logGroupName"].startswith(STACK)]


def stack_buckets(url: str) -> set[str]:
    return {b["Name"] for b in client("s3", url).list_buckets()["Buckets"]} - {STAGING}


@pytest.mark.slow
def test_sam_scaffold_deploy_update_no_changes_destroy(moto_url: str, seed: Path, tmp_path: Path, run_cli: Run) -> None:
    project = tmp_path / "items-api"
    made = run_cli("scaffold", str(seed), "--iac", "sam", "--arch", "lambda", "--out", str(project))
    assert made.exit_code == 0, made.stderr
    assert "MemorySize: 512" in (project / "template.yaml").read_text()

    created = deploy(run_cli, project, moto_url, "--yes", "--outputs-file", str(tmp_path / "out.json"))
    assert f"Change set for stack {STACK} (CREATE)" in created.stdout  # stack name from the answers file
    rows = change_rows(created.stdout)
    for logical_id, rtype in [
        ("ApiFunction", "AWS::Lambda::Function"),
        ("ApiFunctionAliaslive", "AWS::Lambda::Alias"),
        ("ItemsTable", "AWS::DynamoDB::Table"),
        ("UploadsBucket", "AWS::S3::Bucket"),
        ("UserPool", "AWS::Cognito::UserPool"),
        ("HttpApi", "AWS::ApiGatewayV2::Api"),
    ]:
        assert ("Add", logical_id, rtype) in rows
    assert "monthly cost: unknown (no recommendation in archsel.answers.yaml)" in created.stdout
    assert "(--transform local)" in created.stderr and f"stack {STACK}: CREATE_COMPLETE" in created.stderr
    assert isinstance(json.loads((tmp_path / "out.json").read_text()), dict)

    function = the_function(moto_url)
    name = function["FunctionName"]
    assert (function["MemorySize"], function["Timeout"], function["Runtime"]) == (512, 10, "python3.12")
    variables = function["Environment"]["Variables"]
    tables = client("dynamodb", moto_url).list_tables()["TableNames"]
    assert tables == [variables["TABLE_NAME"]] and tables[0].startswith(f"{STACK}-ItemsTable")
    keys = client("dynamodb", moto_url).describe_table(TableName=tables[0])["Table"]["KeySchema"]
    assert [(k["AttributeName"], k["KeyType"]) for k in keys] == [("owner", "HASH"), ("id", "RANGE")]
    assert stack_buckets(moto_url) == {variables["UPLOADS_BUCKET"]}
    assert live_version(moto_url, name) == "1"
    assert len(stack_roles(moto_url)) == 1 and len(stack_log_groups(moto_url)) == 2
    policy = json.loads(client("lambda", moto_url).get_policy(FunctionName=name, Qualifier="live")["Policy"])
    assert {s["Principal"]["Service"] for s in policy["Statement"]} == {"apigateway.amazonaws.com"}
    staged = client("s3", moto_url).list_objects_v2(Bucket=STAGING, Prefix=f"archsel/{STACK}/")["Contents"]
    assert len(staged) == 1 and staged[0]["Key"].endswith(".zip")

    # Change the design (a bigger function) and re-render the project from its own answers file.
    answers_path = project / "archsel.answers.yaml"
    answers = yaml.safe_load(answers_path.read_text())
    answers["workload"]["lambda"]["memory_mb"] = 1024
    answers_path.write_text(yaml.safe_dump(answers, sort_keys=False))
    redone = run_cli("scaffold", str(answers_path), "--iac", "sam", "--out", str(project), "--force")
    assert redone.exit_code == 0, redone.stderr
    assert "update  template.yaml" in redone.stdout and "same    src/handler.py" in redone.stdout

    updated = deploy(run_cli, project, moto_url, "--yes")
    assert f"Change set for stack {STACK} (UPDATE)" in updated.stdout
    rows = change_rows(updated.stdout)
    assert ("Modify", "ApiFunction", "AWS::Lambda::Function") in rows
    assert ("Modify", "ApiFunctionAliaslive", "AWS::Lambda::Alias") in rows
    assert any(a == "Add" and t == "AWS::Lambda::Version" for a, _, t in rows)  # a new version for the alias
    assert "unchanged: ApiFunction (src)" in updated.stderr  # same code: not uploaded again
    assert the_function(moto_url)["MemorySize"] == 1024

    again = deploy(run_cli, project, moto_url, "--yes")
    assert f"no changes: stack {STACK} already matches the project" in again.stderr
    assert "Change set" not in again.stdout

    uploads = variables["UPLOADS_BUCKET"]
    client("s3", moto_url).put_object(Bucket=uploads, Key="uploads/kept.txt", Body=b"user data")
    gone = run_cli("destroy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert gone.exit_code == 0, gone.stderr
    # The template retains the uploads bucket and the table (DeletionPolicy: Retain): destroy says so,
    # with their cost, and leaves the bucket's objects alone.
    assert f"kept: UploadsBucket (AWS::S3::Bucket) {uploads}: $0.00/month" in gone.stderr
    assert f"kept: ItemsTable (AWS::DynamoDB::Table) {tables[0]}" in gone.stderr
    assert "the template says DeletionPolicy: Retain" in gone.stderr
    assert "will be emptied" not in gone.stderr
    assert f"kept staging bucket {STAGING}" in gone.stderr
    with pytest.raises(client("cloudformation", moto_url).exceptions.ClientError):
        client("cloudformation", moto_url).describe_stacks(StackName=STACK)
    assert client("lambda", moto_url).list_functions()["Functions"] == []
    assert stack_roles(moto_url) == [] and stack_log_groups(moto_url) == []
    assert client("dynamodb", moto_url).list_tables()["TableNames"] == tables
    assert stack_buckets(moto_url) == {uploads}
    assert client("s3", moto_url).get_object(Bucket=uploads, Key="uploads/kept.txt")["Body"].read() == b"user data"
    assert "Versions" not in client("s3", moto_url).list_object_versions(Bucket=STAGING, Prefix=f"archsel/{STACK}/")


@pytest.mark.slow
def test_cdk_scaffold_synthesizes_publishes_and_deploys(
    moto_url: str, seed: Path, tmp_path: Path, run_cli: Run
) -> None:
    project = tmp_path / "items-cdk"
    made = run_cli("scaffold", str(seed), "--iac", "cdk", "--out", str(project))
    assert made.exit_code == 0, made.stderr

    created = deploy(run_cli, project, moto_url, "--yes")
    assert "CDK bootstrap check removed" in created.stderr
    assert "uploaded cdk:cdk-hnb659fds-assets-123456789012-us-east-1" in created.stderr
    types = {rtype for _, _, rtype in change_rows(created.stdout)}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::DynamoDB::Table", "AWS::S3::Bucket"} <= types
    assert f"stack {STACK}: CREATE_COMPLETE" in created.stderr
    function = the_function(moto_url)
    assert (function["MemorySize"], function["Timeout"]) == (512, 10)
    assert live_version(moto_url, function["FunctionName"]) == "1"
    assert len(client("dynamodb", moto_url).list_tables()["TableNames"]) == 1
    assert len(stack_buckets(moto_url)) == 1

    gone = run_cli("destroy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert gone.exit_code == 0, gone.stderr
    assert "kept: ItemsTable" in gone.stderr and "kept: UploadsBucket" in gone.stderr  # RemovalPolicy.RETAIN
    assert client("lambda", moto_url).list_functions()["Functions"] == []


def sam_versions(profile_text: str) -> tuple[str, ...]:
    """Logical ids of the Lambda versions the SAM transform makes of the scaffolded template."""
    files = render(design_from_profile(parse_profile(profile_text), "lambda"), find_template_set("lambda", "sam"))
    body = parse_template_text(next(f.content for f in files if f.path == "template.yaml"), source="template.yaml")
    body["Resources"]["ApiFunction"]["Properties"]["CodeUri"] = "s3://staging/same-code.zip"  # what packaging does
    expanded = expand_sam(Template(body), region="us-east-1", parameters={})
    return tuple(lid for lid, r in expanded.body["Resources"].items() if r["Type"] == "AWS::Lambda::Version")


def test_a_settings_only_change_publishes_a_new_version_for_the_alias() -> None:
    """The API invokes alias `live`: a timeout (or /tmp, architecture) change with the same code must
    reach a new version, or the alias keeps serving the old settings (SAM's default hashes only the
    code, memory and environment into the version)."""
    before = sam_versions(PROFILE)
    after = sam_versions(PROFILE.replace("timeout_s: 10", "timeout_s: 20"))
    assert len(before) == len(after) == 1
    assert before != after
