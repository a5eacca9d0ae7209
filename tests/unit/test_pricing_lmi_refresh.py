"""Lambda Managed Instances prices refreshed by `pricing update` from both sources, through the one update path.

Query API: a real botocore `pricing` client talking HTTP to a local Price List server that answers
GetProducts from the recorded-shape products (tests/data/pricelist/us-east-1.json). Bulk: the offer
files served on 127.0.0.1, AmazonEC2's read by the streaming client. Both start from a stale copy of
the shipped us-east-1 table and must give back its EC2 and fee values, marked as read from the Price
List, and the refreshed table must reproduce the LMI hand calculation (tests/unit/test_lambda_managed_cost.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import botocore.session
import pytest

from archsel import api
from archsel.cost.engine import estimate, usage_from_profile
from archsel.pricing.bulk import http_fetcher
from archsel.pricing.bulk_stream import StreamingBulkPriceList, http_opener
from archsel.pricing.selectors import LMI_INSTANCE_TYPES, price_key
from archsel.pricing.table import PriceTable, load_price_file, load_prices
from archsel.pricing.update import PricingUpdateError, UpdatePlan
from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from tests.pricelist_fake import FakePriceList, load_products
from tests.unit.test_lambda_managed_cost import PROFILE
from tests.unit.test_pricing_update_roundtrip import stale_copy

BULK = Path(__file__).parents[1] / "data" / "pricelist" / "bulk"
TODAY = dt.date(2026, 11, 26)
LMI_IDS = tuple(
    f"{kind}.{price_key(t)}" for t in LMI_INSTANCE_TYPES for kind in ("ec2.ondemand", "lambda.managed_instances.fee")
)


def _serve(handler: Any) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _PriceListHandler(http.server.BaseHTTPRequestHandler):
    """AWSPriceListService over HTTP (JSON 1.1 protocol), answering GetProducts like the service."""

    fake: ClassVar[FakePriceList] = FakePriceList(load_products("us-east-1"), page_size=7)
    targets: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        target = self.headers.get("X-Amz-Target", "")
        self.targets.append(target)
        status, answer = (
            (200, self.fake.answer(body))
            if target == "AWSPriceListService.GetProducts"
            else (400, {"__type": "InvalidParameterException", "message": target})
        )
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def price_list_api() -> Iterator[str]:
    yield from _serve(_PriceListHandler)


@pytest.fixture
def bulk_files(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    shutil.copytree(BULK, root)
    for url in _serve(functools.partial(_Quiet, directory=str(root))):
        yield url, root


def _query_client(endpoint: str) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "pricing",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _bulk_client(base_url: str) -> StreamingBulkPriceList:
    return StreamingBulkPriceList(http_fetcher(timeout_s=10), http_opener(timeout_s=10), base_url=base_url)


def _refresh(client: Any, folder: Path) -> tuple[UpdatePlan, PriceTable]:
    folder.mkdir(parents=True, exist_ok=True)
    stale_copy(folder)
    plan = api.plan_pricing_update(region="us-east-1", client=client, today=TODAY, directory=folder)
    api.write_pricing_update(plan)
    return plan, load_price_file(folder / "us-east-1.yaml")


def _assert_lmi_refreshed(plan: UpdatePlan, table: PriceTable) -> None:
    shipped = load_prices("us-east-1")
    for price_id in LMI_IDS:
        new, old = table.price(price_id), shipped.price(price_id)
        assert new is not None and old is not None
        assert new.tiers == old.tiers, price_id  # the stale 1.25x value is undone
        assert new.evidence == "price_list" and new.sku, price_id  # no longer "unverified" / hand-derived
        assert price_id in plan.refreshed
    assert table.price("ec2.ondemand.m7g_large").usagetype == "BoxUsage:m7g.large"  # type: ignore[union-attr]
    fee = table.price("lambda.managed_instances.fee.m7g_large")
    assert fee is not None and fee.usagetype is not None and fee.usagetype.endswith("m7g.large-Management-Hours")


def _hand_calculation_lines(table: PriceTable) -> dict[str, Decimal]:
    profile = parse_profile(PROFILE)
    bill = estimate(profile, usage_from_profile(profile, Architecture.LAMBDA_MANAGED), table)
    return {c.name: c.monthly_usd for c in bill.components if c.monthly_usd is not None}


def _assert_hand_calculation(table: PriceTable) -> dict[str, Decimal]:
    # The hand calculation of test_lambda_managed_cost: 3 m7g.large x 730 h = 2,190 instance-hours.
    lines = _hand_calculation_lines(table)
    assert lines["Instances, m7g.large"] == Decimal("178.704")  # 2,190 x $0.0816
    assert lines["Managed Instances management fee, m7g.large"] == Decimal("26.8056")  # 2,190 x $0.01224
    assert lines["Requests"] == Decimal("5.256")  # 26.28M x $0.20/M
    return lines


def test_the_query_api_refreshes_instance_hours_and_fees(price_list_api: str, tmp_path: Path) -> None:
    _PriceListHandler.targets.clear()
    plan, table = _refresh(_query_client(price_list_api), tmp_path)
    _assert_lmi_refreshed(plan, table)
    lines = _assert_hand_calculation(table)
    assert lines["HTTP API requests (first 300M)"] == Decimal("26.28")  # the bulk excerpts have no API Gateway file
    assert set(_PriceListHandler.targets) == {"AWSPriceListService.GetProducts"}


def test_the_bulk_files_refresh_instance_hours_and_fees_with_one_ec2_pass(
    bulk_files: tuple[str, Path], tmp_path: Path
) -> None:
    client = _bulk_client(bulk_files[0])
    plan, table = _refresh(client, tmp_path / "tables")
    _assert_lmi_refreshed(plan, table)
    _assert_hand_calculation(table)
    # 24 instance types and the NAT gateway asked, the 39 KB EC2 file streamed once
    assert client.streamed == [f"{bulk_files[0]}/offers/v1.0/aws/AmazonEC2/20260901000000/us-east-1/index.json"]
    nat = table.price("nat.hour")
    assert nat is not None and nat.evidence == "price_list" and nat.usagetype == "USE1-NatGateway-Hours"


def test_both_sources_write_the_same_lmi_prices(
    price_list_api: str, bulk_files: tuple[str, Path], tmp_path: Path
) -> None:
    _, by_query = _refresh(_query_client(price_list_api), tmp_path / "query")
    _, by_bulk = _refresh(_bulk_client(bulk_files[0]), tmp_path / "bulk")
    for price_id in LMI_IDS:
        query, bulk = by_query.price(price_id), by_bulk.price(price_id)
        assert query is not None and bulk is not None
        assert (query.tiers, query.sku, query.usagetype) == (bulk.tiers, bulk.sku, bulk.usagetype), price_id


def test_a_question_no_selector_covers_streams_the_file_again(bulk_files: tuple[str, Path]) -> None:
    client = _bulk_client(bulk_files[0])
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}]
    windows = [*filters, {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Windows"}]
    answer = client.get_products(ServiceCode="AmazonEC2", Filters=windows)
    (item,) = answer["PriceList"]
    assert item["product"]["attributes"]["operation"] == "RunInstances:0002"
    assert set(item["terms"]) == {"OnDemand"}  # the Reserved term was read past, not kept
    client.get_products(ServiceCode="AmazonEC2", Filters=windows)  # covered now: no new pass
    assert len(client.streamed) == 1


def test_a_truncated_ec2_file_stops_the_update_and_writes_nothing(bulk_files: tuple[str, Path], tmp_path: Path) -> None:
    base_url, root = bulk_files
    ec2 = root / "offers/v1.0/aws/AmazonEC2/20260901000000/us-east-1/index.json"
    ec2.write_bytes(ec2.read_bytes()[:30_000])
    folder = tmp_path / "tables"
    folder.mkdir()
    stale = stale_copy(folder).read_bytes()
    with pytest.raises(PricingUpdateError, match="truncated"):
        api.plan_pricing_update(region="us-east-1", client=_bulk_client(base_url), today=TODAY, directory=folder)
    assert (folder / "us-east-1.yaml").read_bytes() == stale


def test_an_ec2_file_over_the_stream_cap_is_skipped_and_its_prices_kept(
    bulk_files: tuple[str, Path], tmp_path: Path
) -> None:
    client = StreamingBulkPriceList(
        http_fetcher(timeout_s=10), http_opener(timeout_s=10), base_url=bulk_files[0], max_streamed_bytes=8_000
    )
    plan, table = _refresh(client, tmp_path)
    assert "ec2.ondemand.m7g_large" in {s.price_id for s in plan.not_refreshed}
    assert table.price("lambda.managed_instances.fee.m7g_large").evidence == "price_list"  # type: ignore[union-attr]
    assert any(p.startswith("AmazonEC2: ") and "larger than" in p for p in client.problems)
