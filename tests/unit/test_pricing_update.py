"""`pricing update` against the Price List through botocore's Stubber: selectors, paging, traps, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from archsel import api
from archsel.errors import ExitCode
from archsel.pricing.pricelist import PriceListFormatError, parse_product
from archsel.pricing.savings_plans import ELIGIBLE_PRICES, savings_plan_key
from archsel.pricing.selectors import NOT_IN_QUERY_API, SELECTORS, selector_for, usagetype_names
from archsel.pricing.table import PriceTable, load_price_file, load_prices, staleness_warning
from archsel.pricing.update import PricingUpdateError, UpdatePlan, UpdateRequest, plan_update, queries_for
from tests.pricelist_fake import (
    FakePriceList,
    RecordingClient,
    client_without_credentials,
    load_products,
    pricing_client,
    stubbed_replay,
)

TODAY = dt.date(2026, 11, 26)
SHIPPED = Path(__file__).resolve().parent.parent.parent / "pricing" / "aws" / "us-east-1.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A tables folder holding a copy of the shipped us-east-1 table."""
    shutil.copy(SHIPPED, tmp_path / "us-east-1.yaml")
    return tmp_path


def run_update(client: Any, folder: Path, region: str = "us-east-1") -> UpdatePlan:
    return api.plan_pricing_update(region=region, client=client, today=TODAY, directory=folder)


def replayed_plan(fake: FakePriceList, folder: Path, region: str = "us-east-1") -> tuple[UpdatePlan, Stubber]:
    client, stubber = stubbed_replay(fake, lambda c: run_update(c, folder, region))
    with stubber:
        plan = run_update(client, folder, region)
    stubber.assert_no_pending_responses()
    return plan, stubber


def first_value(table: PriceTable, price_id: str) -> Decimal:
    price = table.price(price_id)
    assert price is not None and not price.missing, price_id
    return price.tiers[0].unit_price_usd * price.per


# ----------------------------------------------------------------------------- selectors and parsing


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", ("USE1-Fargate-GB-Hours", "Fargate-GB-Hours")),
        ("eu-west-1", ("EU-Fargate-GB-Hours",)),
        ("eu-central-1", ("EUC1-Fargate-GB-Hours",)),
        ("us-west-2", ("USW2-Fargate-GB-Hours",)),
        ("ap-southeast-1", ("APS1-Fargate-GB-Hours",)),
    ],
)
def test_usagetype_names_follow_the_region_prefix_table(region: str, expected: tuple[str, ...]) -> None:
    selector = selector_for("fargate.linux_x86.memory")
    assert selector is not None
    assert usagetype_names(selector, region) == expected


def test_cloudfront_is_global_and_data_transfer_filters_on_the_source_region() -> None:
    cloudfront, dto = selector_for("cloudfront.dto.us_mexico_canada"), selector_for("dto.internet")
    assert cloudfront is not None and dto is not None
    (query,) = queries_for(cloudfront, "eu-west-1")
    assert query.filters == (("usagetype", "US-DataTransfer-Out-Bytes"),)
    (query,) = queries_for(dto, "eu-west-1")
    assert ("fromRegionCode", "eu-west-1") in query.filters and (
        "usagetype",
        "EU-DataTransfer-Out-Bytes",
    ) in query.filters


def test_every_engine_price_has_a_selector_or_a_reason() -> None:
    table = load_prices("us-east-1")
    covered = {s.price_id for s in SELECTORS} | set(NOT_IN_QUERY_API)
    plan_rates = {p.id for p in table.prices if savings_plan_key(p.id) is not None}
    # 2 terms x 3 payments x 34 eligible prices (10 Lambda and Fargate, 24 EC2 instance types), read from the bulk files
    assert len(plan_rates) == 2 * 3 * len(ELIGIBLE_PRICES) == 204
    assert {p.id for p in table.prices} == covered | plan_rates


def test_a_product_reads_tiers_inf_sku_and_dates() -> None:
    (duration,) = [
        p for p in load_products("us-east-1") if p["product"]["attributes"]["usagetype"] == "Lambda-GB-Second"
    ]
    offer = parse_product(json.dumps(duration))
    assert [(t.start, t.end, t.unit_price_usd) for t in offer.tiers] == [
        (Decimal(0), Decimal(6_000_000_000), Decimal("0.0000166667")),
        (Decimal(6_000_000_000), Decimal(15_000_000_000), Decimal("0.0000150000")),
        (Decimal(15_000_000_000), None, Decimal("0.0000133334")),
    ]
    assert offer.effective == "2026-08-01" and offer.published == "2026-09-18"
    assert offer.attribute("productFamily") == "Serverless" and offer.unit == "Lambda-GB-Second"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(beginRange="5"), "do not chain"),
        (lambda d: d.update(endRange="100"), "do not chain"),
        (lambda d: d.update(pricePerUnit={"CNY": "1"}), "not in USD"),
        (lambda d: d.update(pricePerUnit={"USD": "abc"}), "not a number"),
    ],
)
def test_a_malformed_product_is_refused(change: Any, message: str) -> None:
    product = load_products("us-east-1")[0]
    (term,) = product["terms"]["OnDemand"].values()
    (dimension,) = term["priceDimensions"].values()
    change(dimension)
    with pytest.raises(PriceListFormatError, match=message):
        parse_product(json.dumps(product))


# ----------------------------------------------------------------------------- a full refresh


def test_a_refresh_reads_every_selector_through_pages(folder: Path) -> None:
    plan, _ = replayed_plan(FakePriceList(load_products("us-east-1"), page_size=1), folder)
    shipped = load_prices("us-east-1")
    refreshable = {s.price_id for s in SELECTORS} - {"fargate.spot.linux_arm.vcpu", "fargate.spot.linux_arm.memory"}
    assert set(plan.refreshed) == refreshable
    for price_id in refreshable - {"fargate.spot.linux_x86.vcpu", "fargate.spot.linux_x86.memory"}:
        old, new = shipped.price(price_id), plan.table.price(price_id)
        assert old is not None and new is not None
        assert new.tiers == old.tiers, price_id
        assert new.evidence == "price_list" and new.sku and new.usagetype, price_id
        assert new.effective == "2026-08-01" and new.published == "2026-09-18", price_id
    dto = plan.table.price("dto.internet")
    assert dto is not None and dto.sku == "HQEH3ZWJVT46JHRG" and dto.usagetype == "DataTransfer-Out-Bytes"
    assert plan.table.as_of == TODAY and "archsel pricing update --region us-east-1" in (plan.table.notes or "")


def test_paging_follows_next_token(folder: Path) -> None:
    fake = FakePriceList(load_products("us-east-1"), page_size=1)
    recorder = RecordingClient(fake)
    run_update(recorder, folder)
    paged = [arguments for arguments, _ in recorder.calls if "NextToken" in arguments]
    assert paged, "two Aurora Serverless v2 products (MySQL, PostgreSQL) answer on two pages"
    plan, _ = replayed_plan(fake, folder)  # the Stubber checks the same calls, NextToken included
    aurora = plan.table.price("aurora.serverless_v2.standard")
    assert aurora is not None and aurora.sku == "AVKW7ZJP8D72HNQC"
    assert aurora.usagetype == "USE1-Aurora:ServerlessV2Usage"


def test_the_free_first_tier_moves_to_free_tier(folder: Path) -> None:
    plan, _ = replayed_plan(FakePriceList(load_products("us-east-1")), folder)
    storage = plan.table.price("ddb.storage")
    assert storage is not None and len(storage.tiers) == 1
    assert storage.tiers[0].start == 0 and storage.tiers[0].unit_price_usd == Decimal("0.25")
    assert storage.notes is not None and "first 25 GB-months at $0" in storage.notes
    assert plan.table.free_allowance("ddb.storage") is not None


def test_a_loose_answer_never_lets_spot_arm_windows_storage_or_v1_through(folder: Path) -> None:
    """Even if the API answered with every row of the service, only the exact usagetype is taken."""
    products = load_products("us-east-1")
    ecs = [p for p in products if p["serviceCode"] == "AmazonECS"]
    rds = [p for p in products if p["serviceCode"] == "AmazonRDS"]
    base = dataclasses.replace(
        load_prices("us-east-1"),
        prices=tuple(
            p
            for p in load_prices("us-east-1").prices
            if p.id in {"fargate.linux_x86.vcpu", "aurora.serverless_v2.standard"}
        ),
    )
    client = pricing_client()
    loose = lambda rows: {"FormatVersion": "aws_v1", "PriceList": [json.dumps(r) for r in rows]}  # noqa: E731
    with Stubber(client) as stubber:
        stubber.add_response("get_products", loose(ecs))  # USE1-Fargate-vCPU-Hours:perCPU
        stubber.add_response("get_products", loose(rds))  # Aurora:ServerlessV2Usage (bare): no exact match
        stubber.add_response("get_products", loose(rds))  # USE1-Aurora:ServerlessV2Usage
        plan = plan_update(UpdateRequest("us-east-1", folder / "us-east-1.yaml", base, True, TODAY), client)
        stubber.assert_no_pending_responses()
    assert plan.not_refreshed == ()
    vcpu = plan.table.price("fargate.linux_x86.vcpu")
    acu = plan.table.price("aurora.serverless_v2.standard")
    assert vcpu is not None and vcpu.usagetype == "USE1-Fargate-vCPU-Hours:perCPU"
    assert vcpu.tiers[0].unit_price_usd == Decimal("0.04048")
    assert acu is not None and acu.usagetype == "USE1-Aurora:ServerlessV2Usage"
    assert acu.tiers[0].unit_price_usd == Decimal("0.12")  # not Serverless v1's 0.06 nor I/O-Optimized's 0.156


def test_a_missing_product_keeps_the_price_and_says_so(folder: Path) -> None:
    products = [p for p in load_products("us-east-1") if p["product"]["attributes"]["usagetype"] != "LCUUsage"]
    plan, _ = replayed_plan(FakePriceList(products), folder)
    (skipped,) = [s for s in plan.not_refreshed if s.price_id == "alb.lcu_hour"]
    assert skipped.kept_value and "LCUUsage or USE1-LCUUsage" in skipped.reason
    lcu = plan.table.price("alb.lcu_hour")
    assert lcu is not None and lcu.tiers[0].unit_price_usd == Decimal("0.008")
    assert lcu.notes is not None and lcu.notes.startswith("Kept from the previous table")
    assert lcu.sku is None and lcu.evidence != "price_list"


def test_cognito_and_other_prices_the_api_lacks_are_kept_and_listed(folder: Path) -> None:
    plan, _ = replayed_plan(FakePriceList(load_products("us-east-1")), folder)
    plan_rates = {p.id for p in plan.table.prices if savings_plan_key(p.id) is not None}
    assert {s.price_id for s in plan.not_in_api} == set(NOT_IN_QUERY_API) | plan_rates
    cognito = plan.table.price("cognito.essentials.mau")
    assert cognito is not None and cognito.tiers[0].unit_price_usd == Decimal("0.015")
    assert cognito.notes is not None and "no Lite/Essentials/Plus MAU tier dimension" in cognito.notes


def test_changes_show_old_new_and_percent(folder: Path) -> None:
    products = load_products("us-east-1")
    for product in products:
        if product["product"]["attributes"]["usagetype"] == "LoadBalancerUsage":
            (term,) = product["terms"]["OnDemand"].values()
            (dimension,) = term["priceDimensions"].values()
            dimension["pricePerUnit"]["USD"] = "0.0252"
    plan, _ = replayed_plan(FakePriceList(products), folder)
    (change,) = [c for c in plan.changes if c.price_id == "alb.hour"]
    assert (change.old, change.new) == (Decimal("0.0225"), Decimal("0.0252"))
    assert change.percent == Decimal(12)


def test_a_value_far_off_the_previous_one_is_held_back(folder: Path) -> None:
    products = load_products("us-east-1")
    for product in products:
        if product["product"]["attributes"]["usagetype"] == "WriteRequestUnits":
            (term,) = product["terms"]["OnDemand"].values()
            (dimension,) = term["priceDimensions"].values()
            dimension["pricePerUnit"]["USD"] = "0.625"  # per million, as if the unit had changed
    plan, _ = replayed_plan(FakePriceList(products), folder)
    (held,) = [s for s in plan.not_refreshed if s.price_id == "ddb.on_demand.write"]
    assert held.reason.startswith("held back") and first_value(plan.table, "ddb.on_demand.write") == Decimal("0.625")


def test_two_products_with_different_prices_are_ambiguous(folder: Path) -> None:
    products = load_products("us-east-1")
    twin = json.loads(json.dumps(next(p for p in products if p["product"]["attributes"]["usagetype"] == "LCUUsage")))
    twin["product"]["sku"] = "ZZZZZZZZZZZZZZZZ"
    (term,) = twin["terms"]["OnDemand"].values()
    (dimension,) = term["priceDimensions"].values()
    dimension["pricePerUnit"]["USD"] = "0.009"
    plan, _ = replayed_plan(FakePriceList([*products, twin]), folder)
    (skipped,) = [s for s in plan.not_refreshed if s.price_id == "alb.lcu_hour"]
    assert skipped.reason.startswith("ambiguous: 2 products") and "ZZZZZZZZZZZZZZZZ" in skipped.reason


def test_a_new_region_gets_what_the_api_answers_and_nothing_invented(tmp_path: Path) -> None:
    plan, _ = replayed_plan(FakePriceList(load_products("us-east-1", "eu-central-1")), tmp_path, "eu-central-1")
    table = plan.table
    assert table.region == "eu-central-1"
    assert first_value(table, "fargate.linux_x86.vcpu") == Decimal("0.04656")
    fargate = table.price("fargate.linux_x86.vcpu")
    assert (
        fargate is not None
        and fargate.usagetype == "EUC1-Fargate-vCPU-Hours:perCPU"
        and fargate.effective == "2026-07-07"
    )
    alb = table.price("alb.hour")
    assert alb is not None and alb.missing and alb.evidence == "unverified"  # us-east-1's 0.0225 is not copied
    assert all(s.kept_value is False for s in plan.not_refreshed)
    api.write_pricing_update(plan)
    assert load_prices("eu-central-1", directory=tmp_path).price("alb.hour") == alb


# ----------------------------------------------------------------------------- failures: nothing written


def test_throttling_is_one_clear_error_and_the_table_is_untouched(folder: Path) -> None:
    before = (folder / "us-east-1.yaml").read_bytes()
    client = pricing_client()
    with Stubber(client) as stubber:
        stubber.add_client_error("get_products", service_error_code="ThrottlingException", http_status_code=400)
        with pytest.raises(PricingUpdateError) as caught:
            run_update(client, folder)
    assert "throttling" in caught.value.message and "adaptive retries" in caught.value.message
    assert caught.value.exit_code == ExitCode.ERROR and "not changed" in (caught.value.hint or "")
    assert (folder / "us-east-1.yaml").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["us-east-1.yaml"]


def test_no_credentials_is_one_clear_error_and_the_table_is_untouched(folder: Path) -> None:
    before = (folder / "us-east-1.yaml").read_bytes()
    with pytest.raises(PricingUpdateError) as caught:
        run_update(client_without_credentials(), folder)
    assert caught.value.message.startswith("no AWS credentials for the Price List API")
    assert "AWS_PROFILE" in (caught.value.hint or "") and "pricing:GetProducts" in (caught.value.hint or "")
    assert (folder / "us-east-1.yaml").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["us-east-1.yaml"]


def test_access_denied_names_the_permission(folder: Path) -> None:
    client = pricing_client()
    with Stubber(client) as stubber:
        stubber.add_client_error("get_products", service_error_code="AccessDeniedException", service_message="nope")
        with pytest.raises(PricingUpdateError, match="refused the request: AccessDeniedException: nope") as caught:
            run_update(client, folder)
    assert "pricing:GetProducts" in (caught.value.hint or "")


def test_written_table_loads_back_identically(folder: Path) -> None:
    plan, _ = replayed_plan(FakePriceList(load_products("us-east-1")), folder)
    api.write_pricing_update(plan)
    loaded = load_price_file(folder / "us-east-1.yaml")
    assert loaded.prices == plan.table.prices and loaded.free_tier == plan.table.free_tier
    assert loaded.as_of == TODAY and loaded.notes == plan.table.notes


# ----------------------------------------------------------------------------- staleness


def test_a_table_older_than_180_days_warns_with_the_refresh_command() -> None:
    table = load_prices("us-east-1")
    assert staleness_warning(table, today=table.as_of + dt.timedelta(days=180)) is None
    warning = staleness_warning(table, today=table.as_of + dt.timedelta(days=181))
    assert warning is not None and "181 days old" in warning
    assert "archsel pricing update --region us-east-1" in warning


# ----------------------------------------------------------------------------- the shipped regional tables


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-1"])
def test_a_shipped_regional_table_is_dated_sourced_and_honest(region: str) -> None:
    table = load_prices(region)
    assert table.region == region and table.as_of >= dt.date(2025, 1, 1)
    assert f"archsel pricing update --region {region}" in (table.notes or "")
    shipped = load_prices("us-east-1")
    assert [p.id for p in table.prices] == [p.id for p in shipped.prices]
    for price in table.prices:
        if price.missing:
            assert price.evidence == "unverified" and f"--region {region}" in (price.notes or ""), price.id
        else:
            assert price.evidence == "derived" and price.notes, price.id
    cloudfront = table.price("cloudfront.dto.us_mexico_canada")
    assert cloudfront is not None and cloudfront.tiers == shipped.price("cloudfront.dto.us_mexico_canada").tiers  # type: ignore[union-attr]
    assert table.price("fargate.spot.linux_x86.vcpu").missing  # type: ignore[union-attr]


def test_regional_values_differ_where_aws_prices_differ() -> None:
    assert first_value(load_prices("eu-central-1"), "fargate.linux_x86.vcpu") == Decimal("0.04656")
    assert first_value(load_prices("ap-southeast-1"), "nat.hour") == Decimal("0.059")
    assert first_value(load_prices("ap-southeast-1"), "dto.internet") == Decimal("0.12")
    assert load_prices("eu-west-1").price("nat.hour").missing  # type: ignore[union-attr]
