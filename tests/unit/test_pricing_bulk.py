"""`pricing update` from the bulk offer files, served by a local HTTP server from hand-written excerpts."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from archsel import api
from archsel.cost.billing import Charge, bill
from archsel.cost.savings_plan import apply_savings_plan
from archsel.pricing.bulk import BulkPriceList, http_fetcher
from archsel.pricing.table import load_price_file
from archsel.pricing.update import PricingUpdateError
from archsel.profile.options_schema import SavingsPlan

BULK = Path(__file__).parents[1] / "data" / "pricelist" / "bulk"
TODAY = dt.date(2026, 9, 2)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A copy of the excerpts served on 127.0.0.1 (tests may spoil the copy)."""
    root = tmp_path / "www"
    shutil.copytree(BULK, root)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _plan(base_url: str, folder: Path) -> tuple[api.UpdatePlan, BulkPriceList]:
    client = BulkPriceList(http_fetcher(timeout_s=10), base_url=base_url)
    plan = api.plan_pricing_update(region="us-west-1", client=client, today=TODAY, directory=folder)
    return plan, client


def test_a_new_region_from_the_bulk_files(served: tuple[str, Path], tmp_path: Path) -> None:
    plan, _ = _plan(served[0], tmp_path / "tables")
    table = plan.table
    vcpu, duration = table.price("fargate.linux_x86.vcpu"), table.price("lambda.duration.x86")
    assert vcpu is not None and vcpu.tiers[0].unit_price_usd == Decimal("0.04") and vcpu.sku == "EC1VCPU00000X86"
    assert duration is not None and [t.unit_price_usd for t in duration.tiers] == [
        Decimal("0.000015"),
        Decimal("0.0000135"),
        Decimal("0.000012"),
    ]
    assert duration.usagetype == "USW1-Lambda-GB-Second"
    plan_vcpu = table.price("savings_plan.1y_partial.fargate.linux_x86.vcpu")
    assert plan_vcpu is not None and plan_vcpu.tiers[0].unit_price_usd == Decimal("0.03")
    assert table.price("savings_plan.3y_none.fargate.linux_x86.vcpu").tiers[0].unit_price_usd == Decimal("0.026")  # type: ignore[union-attr]
    assert "bulk Price List offer files" in (table.notes or "")
    # exact usagetype matching: the Spot row is Spot's, never the on-demand one's
    assert table.price("fargate.spot.linux_x86.vcpu").tiers[0].unit_price_usd == Decimal("0.012")  # type: ignore[union-attr]


def test_a_service_missing_from_the_offer_index_is_left_out_and_named(served: tuple[str, Path], tmp_path: Path) -> None:
    plan, client = _plan(served[0], tmp_path / "tables")
    http_api = plan.table.price("apigw.http.requests")
    assert http_api is not None and http_api.missing
    assert "apigw.http.requests" in {s.price_id for s in plan.not_refreshed}
    assert any(p.startswith("AmazonApiGateway: not in the offer index") for p in client.problems)


def test_the_round_trip_reproduces_the_published_savings_plans_example(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    plan, _ = _plan(served[0], tmp_path / "tables")
    api.write_pricing_update(plan)
    table = load_price_file(plan.path)
    # One hour of AWS's example usage (https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html)
    charges = (
        Charge("fargate", "vCPU", "fargate.linux_x86.vcpu", Decimal(400), "vCPU-hours", True),
        Charge("fargate", "Memory", "fargate.linux_x86.memory", Decimal(1600), "GB-hours", True),
        Charge("lambda", "Duration", "lambda.duration.x86", Decimal(1_500_000), "GB-seconds"),
        Charge("lambda", "Requests", "lambda.requests", Decimal(1_000_000), "requests"),
    )
    on_demand = tuple(c for charge in charges for c in bill(charge, table, free_tier=False))
    assert round(sum(c.monthly_usd or 0 for c in on_demand), 2) == Decimal("45.10")  # 59.10 less EC2's 14.00
    # Scenario 5: the Compute plan's $16.80 covers Fargate exactly; Lambda stays on demand ($32.70 - m5's $10.00)
    plan_16_80 = SavingsPlan(term="1y", payment="partial", commitment_usd_per_hour=16.80)
    lines = apply_savings_plan(on_demand, plan_16_80, table, hours=Decimal(1))
    assert not [c for c in lines if c.service == "fargate"]
    assert round(sum(c.monthly_usd or 0 for c in lines if c.service == "lambda"), 2) == Decimal("22.70")
    # Scenario 1: $50.00 covers everything; usage at plan rates plus EC2's $11.00 at plan rates is $47.13
    plan_50 = SavingsPlan(term="1y", payment="partial", commitment_usd_per_hour=50.0)
    lines = apply_savings_plan(on_demand, plan_50, table, hours=Decimal(1))
    commitment = next(c for c in lines if c.service == "savings_plans")
    rates = {c.price_id: table.price(f"savings_plan.1y_partial.{c.price_id}") for c in charges[:3]}
    used = sum((c.quantity * rates[c.price_id].tiers[0].unit_price_usd for c in charges[:3]), Decimal(0))  # type: ignore[union-attr]
    assert commitment.monthly_usd == Decimal(50) and f"({used / 50 * 100:.0f}% used)" in commitment.name
    assert not [c for c in lines if c.price_id in rates]  # all eligible usage covered
    requests = sum(c.monthly_usd or 0 for c in lines if c.price_id == "lambda.requests")
    total = used + requests + Decimal("2.80") + Decimal("8.20")  # the page rounds half up: 47.125 -> 47.13
    assert total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("47.13")


def test_a_corrupt_download_writes_nothing(served: tuple[str, Path], tmp_path: Path) -> None:
    base_url, root = served
    folder = tmp_path / "tables"
    first, _ = _plan(base_url, folder)
    api.write_pricing_update(first)
    before = first.path.read_bytes()
    ecs = root / "offers/v1.0/aws/AmazonECS/20260901000000/us-west-1/index.json"
    ecs.write_bytes(ecs.read_bytes()[:700])  # a download cut short
    with pytest.raises(PricingUpdateError, match="not valid JSON"):
        _plan(base_url, folder)
    assert first.path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["us-west-1.yaml"]


def test_an_unreachable_server_is_an_update_error(tmp_path: Path) -> None:
    client = BulkPriceList(http_fetcher(timeout_s=2), base_url="http://127.0.0.1:9")
    with pytest.raises(PricingUpdateError, match="cannot download"):
        api.plan_pricing_update(region="us-west-1", client=client, today=TODAY, directory=tmp_path)


def test_a_file_over_the_size_cap_is_skipped_with_a_note(tmp_path: Path) -> None:
    from archsel.pricing.bulk import FileTooLarge

    def fetch(url: str) -> bytes:
        if "AmazonECS/20260901000000" in url:
            raise FileTooLarge(f"{url}: larger than 256 MB")
        return (BULK / url.removeprefix("https://bulk.test/")).read_bytes()

    client = BulkPriceList(fetch, base_url="https://bulk.test")
    plan = api.plan_pricing_update(region="us-west-1", client=client, today=TODAY, directory=tmp_path)
    assert plan.table.price("fargate.linux_x86.vcpu").missing  # type: ignore[union-attr]
    assert not plan.table.price("lambda.duration.x86").missing  # type: ignore[union-attr]
    assert any(p.startswith("AmazonECS: ") and "larger than 256 MB" in p for p in client.problems)


def test_both_published_region_index_shapes_are_read(tmp_path: Path) -> None:
    from archsel.pricing.bulk import SAVINGS_PLAN_REGION_INDEX_PATH, region_versions

    client = BulkPriceList(
        lambda url: (BULK / url.removeprefix("https://bulk.test/")).read_bytes(), base_url="https://bulk.test"
    )
    # service indexes: "regions" maps names to {regionCode, currentVersionUrl}
    lambda_index = "https://bulk.test/offers/v1.0/aws/AWSLambda/current/region_index.json"
    assert region_versions(client, lambda_index) == {
        "us-east-1": "/offers/v1.0/aws/AWSLambda/20260901000000/us-east-1/index.json",
        "us-west-1": "/offers/v1.0/aws/AWSLambda/20260901000000/us-west-1/index.json",
    }
    # the Savings Plans index: "regions" lists {regionCode, versionUrl}
    plans = region_versions(client, "https://bulk.test" + SAVINGS_PLAN_REGION_INDEX_PATH)
    assert plans == {"us-west-1": "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/20260901000000/us-west-1/index.json"}
