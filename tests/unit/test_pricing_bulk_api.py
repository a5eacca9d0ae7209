"""`pricing update --source bulk` with credentials: the Price List Bulk API finds the files, over every page.

A real botocore `pricing` client talks to tests/bulk_api_server.py on 127.0.0.1, which answers the
JSON protocol with recorded-shape ListPriceLists pages (two entries a page) and serves the offer file
excerpts at the URLs GetPriceListFileUrl hands out (moto does not implement these operations).
botocore's Stubber is used only for failures: a refusal and a listing that never ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from archsel import api
from archsel.pricing.bulk import BulkPriceList, http_fetcher
from archsel.pricing.bulk_api import BULK_API_HINT, PriceListFiles
from archsel.pricing.update import PricingUpdateError
from tests.bulk_api_server import serve_price_list_api

TODAY = dt.date(2026, 9, 2)
EFFECTIVE = dt.datetime(2026, 9, 2, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """The Price List API and the offer files on 127.0.0.1; yields its URL and the API calls it got."""
    with serve_price_list_api() as served:
        yield served


def _client(endpoint: str | None = None) -> Any:
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    return session.client("pricing", endpoint_url=endpoint)


def _plan(base_url: str, listing: PriceListFiles | None, folder: Path) -> tuple[api.UpdatePlan, BulkPriceList]:
    source = BulkPriceList(http_fetcher(timeout_s=10), base_url=base_url, listing=listing)
    return api.plan_pricing_update(region="us-west-1", client=source, today=TODAY, directory=folder), source


def test_the_bulk_api_finds_every_file_over_all_pages_and_prices_as_the_public_files_do(
    server: tuple[str, list[tuple[str, dict[str, Any]]]], tmp_path: Path
) -> None:
    base_url, calls = server
    listing = PriceListFiles(_client(base_url), effective=EFFECTIVE)
    through_api, source = _plan(base_url, listing, tmp_path / "api")
    public, _ = _plan(base_url, None, tmp_path / "public")
    # us-west-1 is on the second page of AWSLambda's listing: the NextToken of page one was followed
    lambda_pages = [request for operation, request in calls if request.get("ServiceCode") == "AWSLambda"]
    assert [request.get("NextToken") for request in lambda_pages] == [None, "2"]
    assert all(request["CurrencyCode"] == "USD" and "EffectiveDate" in request for request in lambda_pages)
    # each file's URL asked for once, however many prices it holds
    asked = sorted(request["PriceListArn"] for operation, request in calls if operation == "GetPriceListFileUrl")
    assert asked == [
        "arn:aws:pricing:::price-list/aws/AWSLambda/USD/20260901000000/us-west-1",
        "arn:aws:pricing:::price-list/aws/AmazonECS/USD/20260901000000/us-west-1",
        "arn:aws:pricing:::price-list/aws/ComputeSavingsPlans/USD/20260901000000/us-west-1",
    ]
    # the same files read through the same code: the same prices, Savings Plans rates included
    refreshed = {p.id: p.tiers for p in through_api.table.prices if not p.missing}
    assert refreshed == {p.id: p.tiers for p in public.table.prices if not p.missing}
    assert {"lambda.duration.x86", "fargate.linux_x86.vcpu", "savings_plan.1y_partial.fargate.linux_x86.vcpu"} <= (
        set(refreshed)
    )
    assert "Price List Bulk API" in (through_api.table.notes or "")
    # a service the API lists no price list for is named, and its prices stay missing
    assert through_api.table.price("apigw.http.requests").missing  # type: ignore[union-attr]
    assert any(p.startswith("AmazonApiGateway: ListPriceLists lists no USD JSON price list") for p in source.problems)


def test_a_refused_listing_stops_the_update_with_the_permissions_to_grant() -> None:
    client = _client()
    listing = PriceListFiles(client, effective=EFFECTIVE)
    with Stubber(client) as stub:
        stub.add_client_error("list_price_lists", "AccessDeniedException", "not authorized: pricing:ListPriceLists")
        with pytest.raises(PricingUpdateError, match="refused the request: AccessDeniedException") as raised:
            listing.file_url("AWSLambda", "us-west-1")
    assert raised.value.hint == BULK_API_HINT


def test_a_listing_whose_pages_never_end_stops_the_update() -> None:
    from archsel.pricing.bulk_api import MAX_LIST_PAGES

    client = _client()
    listing = PriceListFiles(client, effective=EFFECTIVE)
    with Stubber(client) as stub:
        for _ in range(MAX_LIST_PAGES):
            stub.add_response("list_price_lists", {"PriceLists": [], "NextToken": "again"})
        with pytest.raises(PricingUpdateError, match=f"more than {MAX_LIST_PAGES} pages"):
            listing.file_url("AWSLambda", "us-west-1")
