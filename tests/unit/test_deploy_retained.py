"""Destroy and the template's own DeletionPolicy: what CloudFormation keeps is reported as kept and never emptied."""

from __future__ import annotations

from archsel.deploy.destroy import plan_destroy, template_retained
from archsel.deploy.models import DestroyOptions, StackResource, StackState
from archsel.deploy.plan import Staging

STAGING = Staging.of("123456789012", "us-east-1")
STATE = StackState("app", "id", "UPDATE_COMPLETE")
RESOURCES = (
    StackResource("Uploads", "app-uploads-1", "AWS::S3::Bucket", "CREATE_COMPLETE"),
    StackResource("Site", "app-site-1", "AWS::S3::Bucket", "CREATE_COMPLETE"),
    StackResource("Items", "app-items", "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
    StackResource("FnVersion1", "arn:fn:1", "AWS::Lambda::Version", "CREATE_COMPLETE"),
    StackResource("Fn", "app-fn", "AWS::Lambda::Function", "CREATE_COMPLETE"),
)
TEMPLATE = """
Resources:
  Uploads: {Type: AWS::S3::Bucket, DeletionPolicy: Retain}
  Site: {Type: AWS::S3::Bucket}
  Items: {Type: AWS::DynamoDB::Table, DeletionPolicy: RetainExceptOnCreate}
  FnVersion1: {Type: AWS::Lambda::Version, DeletionPolicy: Retain}
  Fn: {Type: AWS::Lambda::Function, DeletionPolicy: Delete}
"""


def test_template_retained_reads_the_deletion_policies() -> None:
    assert template_retained(TEMPLATE, "app") == {"Uploads", "Items", "FnVersion1"}
    assert template_retained({"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}, "app") == frozenset()


def test_retained_buckets_are_kept_not_emptied() -> None:
    plan = plan_destroy(STATE, RESOURCES, STAGING, DestroyOptions(yes=True), template_retained(TEMPLATE, "app"))
    assert [r.logical_id for r in plan.kept] == ["Uploads", "Items"]  # a version goes with its function
    assert plan.buckets_to_empty == ("app-site-1",)


def test_keep_data_adds_to_what_the_template_retains() -> None:
    plan = plan_destroy(STATE, RESOURCES, STAGING, DestroyOptions(keep_data=True), frozenset({"Uploads"}))
    assert [r.logical_id for r in plan.kept] == ["Uploads", "Site", "Items"]
    assert [plan.retained_by_template(r) for r in plan.kept] == [True, False, False]
    assert plan.buckets_to_empty == ()
