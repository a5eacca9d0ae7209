"""The deploy plan: create or update from the stack's status, parameters and images, template passing, change rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from archsel.deploy.models import (
    Answers,
    ChangeSetState,
    DeployOptions,
    ImageNeed,
    Project,
    ProjectKind,
    ResourceChange,
    StackState,
    Template,
    TransformMode,
)
from archsel.deploy.plan import (
    Staging,
    capabilities,
    change_rows,
    check_stack_name,
    decide_action,
    has_no_changes,
    plan_deploy,
    template_source,
    transform_rejected,
    unexpanded_serverless,
)
from archsel.errors import DeployError, UsageError

STAGING = Staging.of("123456789012", "eu-west-1")


def state(status: str, parameters: tuple[str, ...] = ()) -> StackState:
    return StackState("app", "arn:stack/app", status, parameters=parameters)


def fargate_project(answers: Answers | None = None) -> Project:
    template = Template(
        {
            "Parameters": {"ImageUri": {"Type": "String"}, "Stage": {"Type": "String", "Default": "prod"}},
            "Resources": {
                "Task": {
                    "Type": "AWS::ECS::TaskDefinition",
                    "Properties": {"ContainerDefinitions": [{"Name": "api", "Image": {"Ref": "ImageUri"}}]},
                }
            },
        }
    )
    image = ImageNeed("ImageUri", "app", "src")
    return Project(Path("/p/app"), ProjectKind.cloudformation, template, answers, "app", images=(image,))


def test_staging_bucket_is_named_per_account_and_region() -> None:
    assert STAGING.bucket == "archsel-staging-123456789012-eu-west-1"
    assert STAGING.prefix("app") == "archsel/app/"
    assert STAGING.url("k.json") == "https://archsel-staging-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com/k.json"


@pytest.mark.parametrize(
    ("status", "change_set_type", "delete_first"),
    [
        (None, "CREATE", False),
        ("REVIEW_IN_PROGRESS", "CREATE", False),
        ("ROLLBACK_COMPLETE", "CREATE", True),
        ("CREATE_COMPLETE", "UPDATE", False),
        ("UPDATE_ROLLBACK_COMPLETE", "UPDATE", False),
    ],
)
def test_stack_status_decides_create_or_update(status: str | None, change_set_type: str, delete_first: bool) -> None:
    action = decide_action(None if status is None else state(status), "app", "eu-west-1")
    assert (action.change_set_type, action.delete_first) == (change_set_type, delete_first)


@pytest.mark.parametrize(
    ("status", "hint_part"),
    [
        ("UPDATE_IN_PROGRESS", "wait for it"),
        ("DELETE_IN_PROGRESS", "wait for it"),
        ("UPDATE_ROLLBACK_FAILED", "continue-update-rollback"),
        ("DELETE_FAILED", "archsel destroy"),
        ("ROLLBACK_FAILED", "archsel destroy"),
    ],
)
def test_stacks_that_cannot_change_now_are_refused(status: str, hint_part: str) -> None:
    with pytest.raises(DeployError) as caught:
        decide_action(state(status), "app", "eu-west-1")
    assert status in caught.value.message
    assert caught.value.hint is not None and hint_part in caught.value.hint


def test_stack_names_are_checked() -> None:
    assert check_stack_name("my-app-1") == "my-app-1"
    for bad in ("1app", "my_app", "", "a" * 129):
        with pytest.raises(UsageError):
            check_stack_name(bad)


def test_missing_image_says_how_to_build_and_push_it() -> None:
    with pytest.raises(DeployError) as caught:
        plan_deploy(fargate_project(), None, STAGING, DeployOptions(stack_name="app"))
    lines = caught.value.message.splitlines()
    assert lines[0] == "this design runs a container image, which archsel does not build; build and push it to ECR:"
    assert "aws ecr create-repository --repository-name app --region eu-west-1" in lines
    assert "docker build -t 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1 src" in lines[3]
    assert caught.value.hint == "then run it again with --image URI"


def test_image_and_parameters_become_stack_parameters() -> None:
    options = DeployOptions(stack_name="app", image="repo/app:1", parameters=(("Stage", "dev"),))
    plan = plan_deploy(fargate_project(), None, STAGING, options)
    assert [(p.key, p.value) for p in plan.parameters] == [("ImageUri", "repo/app:1"), ("Stage", "dev")]
    assert plan.transform is TransformMode.cloudformation  # no SAM: nothing to expand


def test_update_keeps_previous_values_and_answers_fill_in() -> None:
    answers = Answers(parameters=(("Stage", "test"), ("NotInTemplate", "x")), monthly_usd=Decimal("9.5"))
    plan = plan_deploy(fargate_project(answers), state("UPDATE_COMPLETE", ("ImageUri",)), STAGING, DeployOptions())
    assert [(p.key, p.value) for p in plan.parameters] == [("ImageUri", None), ("Stage", "test")]
    assert plan.action.change_set_type == "UPDATE" and plan.monthly_usd == Decimal("9.5")


def test_unknown_parameter_and_needless_image_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--parameter Nope: the template has no such parameter"):
        plan_deploy(fargate_project(), None, STAGING, DeployOptions(image="i", parameters=(("Nope", "1"),)))
    plain = Project(Path("/p"), ProjectKind.cloudformation, Template({"Resources": {}}), None, "p")
    with pytest.raises(UsageError, match="--image: this project runs no container image"):
        plan_deploy(plain, None, STAGING, DeployOptions(image="i"))


def test_templates_over_51200_bytes_go_by_url() -> None:
    small = Template({"Resources": {}, "Metadata": {"x": "a" * 100}})
    assert template_source(small, STAGING, "app").body == small.text()
    big = Template({"Resources": {}, "Metadata": {"x": "a" * 51_200}})
    source = template_source(big, STAGING, "app")
    assert source.body is None and source.upload is not None
    assert source.upload.key.startswith("archsel/app/templates/") and source.upload.data == big.text().encode()
    assert source.url == STAGING.url(source.upload.key)
    with pytest.raises(DeployError, match="CloudFormation takes at most 1,048,576"):
        template_source(Template({"Resources": {}, "Metadata": {"x": "a" * 1_100_000}}), STAGING, "app")


def test_capabilities_add_auto_expand_only_with_a_transform() -> None:
    assert "CAPABILITY_AUTO_EXPAND" in capabilities(Template({"Transform": "AWS::Serverless-2016-10-31"}))
    assert capabilities(Template({"Resources": {}})) == ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")


def change_set(status: str, reason: str | None, types: tuple[str, ...] = ()) -> ChangeSetState:
    changes = tuple(ResourceChange("Add", f"R{i}", t) for i, t in enumerate(types))
    return ChangeSetState("cs", "st", status, "UNAVAILABLE", reason, changes)


def test_change_set_verdicts() -> None:
    assert has_no_changes(change_set("FAILED", "The submitted information didn't contain changes. Submit ..."))
    assert has_no_changes(change_set("FAILED", "No updates are to be performed."))
    assert not has_no_changes(change_set("FAILED", "Template format error"))
    assert unexpanded_serverless(change_set("CREATE_COMPLETE", None, ("AWS::Serverless::Function",)))
    assert not unexpanded_serverless(change_set("CREATE_COMPLETE", None, ("AWS::Lambda::Function",)))
    assert transform_rejected("Transform AWS::Serverless-2016-10-31 is not supported")
    assert not transform_rejected("Template format error: unresolved resource")


def test_change_rows_say_replacement_and_what_a_resource_is() -> None:
    rows = change_rows(
        (
            ResourceChange("Modify", "Fn", "AWS::Lambda::Function", "False"),
            ResourceChange("Modify", "Table", "AWS::DynamoDB::Table", "True"),
            ResourceChange("Add", "Thing", "AWS::Foo::Bar"),
        )
    )
    assert [(r.replacement, r.description) for r in rows] == [
        ("no", "Lambda function: runs the API's code"),
        ("yes", "DynamoDB table: holds the app's data"),
        ("", "Foo Bar"),
    ]
