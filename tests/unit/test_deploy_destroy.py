"""Destroy's decisions: which buckets get emptied (only the stack's own), what --keep-data keeps and costs."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import archsel.deploy.destroy as destroy_module
from archsel.deploy.destroy import plan_destroy, retained_template, storage_monthly_usd
from archsel.deploy.models import DestroyOptions, StackResource, StackState
from archsel.deploy.plan import Staging
from archsel.errors import DeployError
from archsel.pricing.tiers import Tier

STAGING = Staging.of("123456789012", "us-east-1")
RESOURCES = (
    StackResource("Uploads", "app-uploads-1", "AWS::S3::Bucket", "CREATE_COMPLETE"),
    StackResource("Site", "app-site-1", "AWS::S3::Bucket", "UPDATE_COMPLETE"),
    StackResource("Gone", "app-gone-1", "AWS::S3::Bucket", "DELETE_COMPLETE"),
    StackResource("Items", "app-items", "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
    StackResource("Fn", "app-fn", "AWS::Lambda::Function", "CREATE_COMPLETE"),
)


def test_only_live_buckets_of_the_stack_are_emptied() -> None:
    plan = plan_destroy(StackState("app", "id", "UPDATE_COMPLETE"), RESOURCES, STAGING, DestroyOptions(yes=True))
    assert plan.buckets_to_empty == ("app-uploads-1", "app-site-1")
    assert plan.kept == ()


def test_keep_data_keeps_buckets_and_tables_and_empties_nothing() -> None:
    plan = plan_destroy(StackState("app", "id", "UPDATE_COMPLETE"), RESOURCES, STAGING, DestroyOptions(keep_data=True))
    assert plan.buckets_to_empty == ()
    assert [r.logical_id for r in plan.kept] == ["Uploads", "Site", "Items"]


def test_destroy_waits_for_no_running_operation() -> None:
    with pytest.raises(DeployError, match="UPDATE_IN_PROGRESS: another operation is running"):
        plan_destroy(StackState("app", "id", "UPDATE_IN_PROGRESS"), (), STAGING, DestroyOptions())


def test_retained_template_marks_only_the_kept_resources() -> None:
    body = {"Resources": {"Items": {"Type": "AWS::DynamoDB::Table"}, "Fn": {"Type": "AWS::Lambda::Function"}}}
    template = retained_template(body, frozenset({"Items"}))
    assert template is not None
    assert template.body["Resources"]["Items"]["DeletionPolicy"] == "Retain"
    assert template.body["Resources"]["Items"]["UpdateReplacePolicy"] == "Retain"
    assert "DeletionPolicy" not in template.body["Resources"]["Fn"]
    assert "DeletionPolicy" not in body["Resources"]["Items"]  # input untouched
    assert retained_template(template.body, frozenset({"Items"})) is None  # already retained: no update needed


def test_storage_cost_uses_the_tier_ladder() -> None:
    ladder = (Tier(Decimal(0), Decimal(50), Decimal("0.10")), Tier(Decimal(50), None, Decimal("0.05")))
    assert storage_monthly_usd(100 * 1024**3, ladder) == Decimal("7.50")
    assert storage_monthly_usd(0, ladder) == Decimal("0.00")


def test_doctests() -> None:
    assert doctest.testmod(destroy_module).failed == 0
