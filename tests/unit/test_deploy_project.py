"""Reading a project folder: CloudFormation YAML tags, archsel.answers.yaml, stack names, CDK cloud assemblies."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from archsel.deploy.cdk import read_assembly, rewrite_images
from archsel.deploy.cfn_yaml import parse_template_text
from archsel.deploy.models import ProjectKind
from archsel.deploy.plan import Staging, packaged_template
from archsel.deploy.project import load_project, read_answers, sanitize_stack_name, stack_name_of
from archsel.errors import DeployError

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "deploy" / "sam-basic"


def test_short_tags_become_intrinsic_functions_and_dates_stay_text() -> None:
    text = textwrap.dedent(
        """
        AWSTemplateFormatVersion: 2010-09-09
        Resources:
          R:
            Type: AWS::S3::Bucket
            Properties:
              A: !GetAtt Other.Arn
              B: !Sub "${AWS::StackName}-x"
              C: !Join ["", [a, !Ref P]]
              D: !If [IsProd, !Ref AWS::NoValue, 1]
              E: !GetAtt [Other, Endpoint.Address]
        """
    )
    document = parse_template_text(text, source="t.yaml")
    props = document["Resources"]["R"]["Properties"]
    assert document["AWSTemplateFormatVersion"] == "2010-09-09"
    assert props["A"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert props["B"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert props["C"] == {"Fn::Join": ["", ["a", {"Ref": "P"}]]}
    assert props["D"] == {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, 1]}
    assert props["E"] == {"Fn::GetAtt": ["Other", "Endpoint.Address"]}


def test_not_a_template_is_named() -> None:
    with pytest.raises(DeployError, match=r"t\.yaml: not a CloudFormation template"):
        parse_template_text("a: 1\n", source="t.yaml")
    with pytest.raises(DeployError, match=r"t\.yaml: not valid YAML"):
        parse_template_text("a: [\n", source="t.yaml")


def test_answers_in_scaffold_shape(tmp_path: Path) -> None:
    path = tmp_path / "archsel.answers.yaml"
    path.write_text(
        textwrap.dedent(
            """
            archsel_version: 0.1.0
            template_set: fargate-sam
            iac: sam
            architecture: fargate
            profile_hash: abc
            recommendation: {description: "ALB + Fargate, 2 tasks", monthly_usd: 88.1, reasons: [cheap]}
            parameters: {stack_name: shop-api, ImageUri: repo/x:1, nested: {a: 1}, flag: true}
            workload: {name: shop}
            files: {template.yaml: deadbeef}
            """
        )
    )
    answers = read_answers(path)
    assert answers is not None
    assert (answers.stack_name, answers.profile_name, answers.architecture) == ("shop-api", "shop", "fargate")
    assert answers.monthly_usd == Decimal("88.1") and answers.description == "ALB + Fargate, 2 tasks"
    assert dict(answers.parameters) == {"stack_name": "shop-api", "ImageUri": "repo/x:1", "flag": "true"}
    assert read_answers(tmp_path / "missing.yaml") is None


def test_broken_answers_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "archsel.answers.yaml"
    path.write_text("monthly_usd: lots\n")
    with pytest.raises(DeployError, match="cannot read the answers file"):
        read_answers(path)


def test_sam_fixture_loads_with_its_code_and_stack_name() -> None:
    project = load_project(FIXTURE)
    assert project.kind is ProjectKind.sam
    assert project.default_stack_name == "archsel-deploy-fixture"
    assert [(a.logical_id, a.property) for a in project.artifacts] == [("ApiFunction", "CodeUri")]
    assert stack_name_of(FIXTURE) == "archsel-deploy-fixture"


def test_stack_name_falls_back_to_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "2nd_try app"
    folder.mkdir()
    (folder / "template.json").write_text(json.dumps({"Resources": {}}))
    project = load_project(folder)
    assert project.kind is ProjectKind.cloudformation and project.default_stack_name == "archsel-2nd-try-app"
    assert sanitize_stack_name("ok-Name") == "ok-Name"


def test_folder_without_a_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=r"no template\.yaml and no cdk\.json"):
        load_project(tmp_path)


FAKE_CDK_APP = '''
"""Stands in for a CDK app: writes the cloud assembly `cdk synth` would (no aws-cdk-lib needed)."""
import json, os, pathlib
out = pathlib.Path(os.environ["CDK_OUTDIR"])
(out / "asset.abc123").mkdir(parents=True, exist_ok=True)
(out / "asset.abc123" / "index.py").write_text("def handler(e, c):\\n    return 1\\n")
bucket = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
template = {
    "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>",
                                         "Default": "/cdk-bootstrap/hnb659fds/version"}},
    "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
    "Resources": {
        "Fn": {"Type": "AWS::Lambda::Function",
               "Properties": {"Code": {"S3Bucket": {"Fn::Sub": bucket}, "S3Key": "abc123.zip"}}},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Image": {"Fn::Sub":
            "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/cdk-hnb659fds-container-assets-"
            "${AWS::AccountId}-${AWS::Region}:img999"}}]}},
    },
}
(out / "ShopStack.template.json").write_text(json.dumps(template))
assets = {"version": "36.0.0",
          "files": {"abc123": {"source": {"path": "asset.abc123", "packaging": "zip"},
                               "destinations": {"current": {"bucketName": bucket, "objectKey": "abc123.zip"}}},
                    "tmpl": {"source": {"path": "ShopStack.template.json", "packaging": "file"},
                             "destinations": {"current": {"bucketName": bucket, "objectKey": "tmpl.json"}}}},
          "dockerImages": {"img999": {"source": {"directory": "asset.img999"},
                                      "destinations": {"current": {"repositoryName":
                                          "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}",
                                          "imageTag": "img999"}}}}}
(out / "ShopStack.assets.json").write_text(json.dumps(assets))
manifest = {"version": "36.0.0", "artifacts": {
    "ShopStack.assets": {"type": "cdk:asset-manifest", "properties": {"file": "ShopStack.assets.json"}},
    "ShopStack": {"type": "aws:cloudformation:stack", "dependencies": ["ShopStack.assets"],
                  "properties": {"templateFile": "ShopStack.template.json", "stackName": "shop-stack"}},
    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}}
(out / "manifest.json").write_text(json.dumps(manifest))
'''


def cdk_project(tmp_path: Path) -> Path:
    folder = tmp_path / "cdkapp"
    folder.mkdir()
    (folder / "app.py").write_text(FAKE_CDK_APP)
    (folder / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    return folder


def test_cdk_app_is_synthesized_and_its_assets_restaged(tmp_path: Path) -> None:
    folder = cdk_project(tmp_path)
    project = load_project(folder, env={"CDK_DEFAULT_REGION": "us-east-1"})
    assert project.kind is ProjectKind.cdk and project.default_stack_name == "shop-stack"
    assert "BootstrapVersion" not in project.template.parameters()
    assert "Rules" not in project.template.body
    assert [a.property for a in project.artifacts] == ["abc123.zip"]  # the template itself is not an asset
    staging = Staging.of("123456789012", "us-east-1")
    packaged = packaged_template(project, staging.bucket, staging.prefix("shop-stack"), "repo/shop:1")
    code = packaged.body["Resources"]["Fn"]["Properties"]["Code"]
    assert code == {"S3Bucket": staging.bucket, "S3Key": f"archsel/shop-stack/{project.artifacts[0].sha256}.zip"}
    assert packaged.body["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["Image"] == "repo/shop:1"
    assert stack_name_of(folder) == "shop-stack"  # read back from cdk.out without synthesizing


def test_cdk_image_assets_are_listed_and_left_alone_without_image(tmp_path: Path) -> None:
    folder = cdk_project(tmp_path)
    project = load_project(folder)
    assert [(i.parameter, i.repository.endswith(":img999")) for i in project.images] == [(None, True)]
    assert rewrite_images(project.template, (), "x") is project.template


def test_failing_cdk_app_shows_its_error(tmp_path: Path) -> None:
    folder = cdk_project(tmp_path)
    (folder / "app.py").write_text("raise SystemExit('aws_cdk is not installed')\n")
    with pytest.raises(DeployError, match="aws_cdk is not installed") as caught:
        load_project(folder)
    assert caught.value.hint is not None and "requirements" in caught.value.hint


def test_assembly_with_two_stacks_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "a.json"}}
    (out / "manifest.json").write_text(json.dumps({"artifacts": {"A": stack, "B": stack}}))
    with pytest.raises(DeployError, match="defines 2 stacks"):
        read_assembly(out)
