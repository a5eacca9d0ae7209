"""Round trip: a stale table, refreshed through the Stubber with today's us-east-1 Price List values,
written, loaded by the cost engine, reproduces AWS's worked examples (tests/data/worked/)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from archsel import api
from archsel.billing.usage import LambdaUsage
from archsel.cost.engine import estimate, estimate_document
from archsel.pricing.selectors import SELECTORS
from archsel.pricing.table import PriceTable, load_price_file, load_prices
from archsel.pricing.tiers import Tier
from archsel.pricing.update import UpdatePlan
from archsel.pricing.yaml_io import dump_table
from archsel.profile.loader import parse_profile
from tests.functional.test_cost_cli import CASES, EXAMPLES, LINE_TOLERANCE, TOTAL_TOLERANCE, WORKED
from tests.pricelist_fake import FakePriceList, load_products, stubbed_replay

TODAY = dt.date(2026, 11, 26)
STALE_FACTOR = Decimal("1.25")


def stale_copy(folder: Path) -> Path:
    """The shipped us-east-1 table with every price the API refreshes 25% too high, as of a year ago."""
    shipped = load_prices("us-east-1")
    refreshable = {s.price_id for s in SELECTORS}
    prices = tuple(
        dataclasses.replace(p, tiers=tuple(Tier(t.start, t.end, t.unit_price_usd * STALE_FACTOR) for t in p.tiers))
        if p.id in refreshable
        else p
        for p in shipped.prices
    )
    stale = dataclasses.replace(shipped, as_of=dt.date(2025, 9, 1), prices=prices)
    path = folder / "us-east-1.yaml"
    path.write_text("".join(dump_table(stale)))
    return path


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> PriceTable:
    folder = tmp_path_factory.mktemp("tables")
    stale_copy(folder)
    fake = FakePriceList(load_products("us-east-1"), page_size=3)

    def run(client: Any) -> UpdatePlan:
        return api.plan_pricing_update(region="us-east-1", client=client, today=TODAY, directory=folder)

    client, stubber = stubbed_replay(fake, run)
    with stubber:
        plan = run(client)
    stubber.assert_no_pending_responses()
    api.write_pricing_update(plan)
    return load_price_file(folder / "us-east-1.yaml")


def test_the_refresh_undoes_the_stale_values(refreshed: PriceTable) -> None:
    shipped = load_prices("us-east-1")
    for price in shipped.prices:
        new = refreshed.price(price.id)
        assert new is not None
        if not price.missing:
            assert new.tiers == price.tiers, price.id
    assert refreshed.as_of == TODAY


def _table_for(example: dict[str, Any], case: Any, refreshed: PriceTable, folder: Path) -> tuple[Path, int]:
    """The refreshed table, with the example's own unit price only where it differs from today's."""
    data = yaml.safe_load(Path(refreshed.source_file).read_text())
    overrides = 0
    for key, (price_id, tier, factor) in case.prices.items():
        wanted = Decimal(repr(example["prices_used"][key])) * factor
        price = refreshed.price(price_id)
        assert price is not None
        if price.tiers[tier].unit_price_usd * price.per == wanted:
            continue
        overrides += 1
        entry = next(p for entries in data["prices"].values() for p in entries if p["id"] == price_id)
        if "tiers" in entry:
            entry["tiers"][tier]["value"] = float(wanted)
        else:
            entry["value"] = float(wanted)
    path = folder / "prices.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path, overrides


@pytest.mark.parametrize("example_id", sorted(CASES))
def test_worked_examples_from_the_refreshed_table(example_id: str, refreshed: PriceTable, tmp_path: Path) -> None:
    example, case = EXAMPLES[example_id], CASES[example_id]
    prices, _ = _table_for(example, case, refreshed, tmp_path)
    report = api.cost(WORKED / case.profile, arch=case.arch, prices_path=prices)
    (document,) = [estimate_document(e) for e in report.estimates]
    by_name = {c["name"]: c for c in document["components"] if c["service"] in case.services}
    expected = example["expected"]
    for key, names in case.lines.items():
        want = Decimal(repr(expected["line_items"][key]))
        if names is None:
            assert want == 0
            continue
        got = sum((Decimal(repr(by_name[n]["monthly_usd"])) for n in names), Decimal(0))
        assert abs(got - want) <= LINE_TOLERANCE, f"{key}: {got} vs {want}"
    if "total" in expected:
        total = sum((Decimal(repr(c["monthly_usd"])) for c in by_name.values()), Decimal(0))
        assert abs(total - Decimal(repr(expected["total"]))) <= TOTAL_TOLERANCE


def test_most_examples_need_no_price_of_their_own(refreshed: PriceTable, tmp_path: Path) -> None:
    """Examples priced at today's rates reproduce from the fetched values alone; only the ones
    printed with older or per-second-rounded prices (Lambda legacy, Fargate) need their own."""
    needing = sorted(
        example_id
        for example_id, case in CASES.items()
        if _table_for(EXAMPLES[example_id], case, refreshed, tmp_path)[1] > 0
    )
    assert needing == ["fargate-1-linux-x86-ecs", "fargate-3-eks-pods", "lambda-legacy-ex2-128mb"]


def test_provisioned_concurrency_example_from_the_refreshed_table(refreshed: PriceTable) -> None:
    """Provisioned Concurrency Example 1 (no profile can say 8 hours a month) with today's fetched prices."""
    example = EXAMPLES["lambda-pc-1-mobile-launch"]
    inputs, middle = example["inputs"], example["intermediate"]
    gb = inputs["memory_mb"] / 1024
    usage = LambdaUsage(
        memory_mb=inputs["memory_mb"],
        architecture="x86_64",
        api="http",
        api_requests=inputs["total_requests_per_month"],
        api_metered_requests=inputs["total_requests_per_month"],
        invocations=inputs["total_requests_per_month"],
        ondemand_gb_seconds=middle["ondemand_compute_gb_s"],
        init_gb_seconds=0.0,
        provisioned_gb_seconds=middle["pc_gb_s"],
        provisioned_duration_gb_seconds=middle["pc_compute_gb_s"],
    )
    assert usage.provisioned_gb_seconds == inputs["provisioned_concurrency"] * gb * inputs["pc_enabled_hours"] * 3600
    profile = parse_profile(
        "version: 1\nname: pc\ntraffic: {requests_per_month: 3000000}\npricing: {free_tier: true}\n"
    )
    lines = {c.name: c for c in estimate(profile, usage, refreshed).components if c.service == "lambda"}
    expected = example["expected"]["line_items"]
    for name, key in (
        ("Provisioned concurrency", "provisioned_concurrency"),
        ("Requests", "requests"),
        ("Provisioned duration", "compute_with_pc"),
        ("Duration, x86_64 (first 6B)", "compute_without_pc"),
    ):
        got = lines[name].monthly_usd
        assert got is not None and abs(got - Decimal(repr(expected[key]))) <= LINE_TOLERANCE, name
