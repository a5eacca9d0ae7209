"""AWS worked examples that no profile can express, priced through the engine with explicit usage.

The rest of tests/data/aws-worked-examples.yaml is reproduced through `archsel cost` in
tests/functional/test_cost_cli.py. Each test here uses the example's own unit prices.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from archsel.billing.usage import LambdaUsage
from archsel.cost.components import CostComponent
from archsel.cost.engine import estimate, price_charges
from archsel.cost.shared_cost import EfsUsage, efs_charges
from archsel.pricing.table import PriceTable, load_price_file
from archsel.profile.loader import parse_profile

DATA = Path(__file__).resolve().parent.parent / "data"
TABLE = DATA.parent.parent / "pricing" / "aws" / "us-east-1.yaml"
EXAMPLES = {e["id"]: e for e in yaml.safe_load((DATA / "aws-worked-examples.yaml").read_text())["examples"]}


def table_with(tmp_path: Path, values: dict[str, Any]) -> PriceTable:
    """The shipped table with some flat prices (or first tiers) set to an example's values."""
    data = yaml.safe_load(TABLE.read_text())
    for entries in data["prices"].values():
        for price in entries:
            if price["id"] in values:
                if "tiers" in price:
                    price["tiers"][0]["value"] = values[price["id"]]
                else:
                    price["value"] = values[price["id"]]
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_price_file(path)


def close(got: Decimal | None, want: float, tolerance: str) -> bool:
    assert got is not None
    return abs(got - Decimal(repr(want))) <= Decimal(tolerance)


def by_name(components: tuple[CostComponent, ...], service: str) -> dict[str, CostComponent]:
    return {c.name: c for c in components if c.service == service}


def test_lambda_provisioned_concurrency_example(tmp_path: Path) -> None:
    """Provisioned Concurrency Example 1: PC enabled 8 hours in the month, which a profile's daily
    schedule cannot say, so the usage is built from the example's inputs and priced by estimate()."""
    example = EXAMPLES["lambda-pc-1-mobile-launch"]
    inputs, used, middle = example["inputs"], example["prices_used"], example["intermediate"]
    memory_gb = inputs["memory_mb"] / 1024
    usage = LambdaUsage(
        memory_mb=inputs["memory_mb"],
        architecture="x86_64",
        api="http",
        api_requests=inputs["total_requests_per_month"],
        api_metered_requests=inputs["total_requests_per_month"],
        invocations=inputs["total_requests_per_month"],
        ondemand_gb_seconds=inputs["requests_without_pc"] * inputs["avg_duration_ms_without_pc"] / 1000 * memory_gb,
        init_gb_seconds=0.0,
        provisioned_gb_seconds=inputs["provisioned_concurrency"] * memory_gb * inputs["pc_enabled_hours"] * 3600,
        provisioned_duration_gb_seconds=inputs["requests_during_pc"]
        * inputs["avg_duration_ms_during_pc"]
        / 1000
        * memory_gb,
    )
    assert usage.provisioned_gb_seconds == middle["pc_gb_s"]
    assert usage.provisioned_duration_gb_seconds == middle["pc_compute_gb_s"]
    assert usage.ondemand_gb_seconds == middle["ondemand_compute_gb_s"]
    prices = table_with(tmp_path, {
        "lambda.provisioned_concurrency.x86": used["pc_per_gb_s"],
        "lambda.provisioned_duration.x86": used["pc_duration_per_gb_s"],
        "lambda.duration.x86": used["duration_per_gb_s"],
        "lambda.requests": used["requests_per_million"],
    })  # fmt: skip
    # The page's free-tier assumptions are what archsel applies: 1M requests off all requests,
    # 400,000 GB-s off the on-demand part only.
    profile = parse_profile(
        "version: 1\nname: pc\ntraffic: {requests_per_month: 3000000}\npricing: {free_tier: true}\n"
    )
    result = estimate(profile, usage, prices)
    lines = by_name(result.components, "lambda")
    expected = example["expected"]["line_items"]
    assert close(lines["Provisioned concurrency"].monthly_usd, expected["provisioned_concurrency"], "0.005")
    assert close(lines["Requests"].monthly_usd, expected["requests"], "0.005")
    assert close(lines["Provisioned duration"].monthly_usd, expected["compute_with_pc"], "0.005")
    assert close(lines["Duration, x86_64 (first 6B)"].monthly_usd, expected["compute_without_pc"], "0.005")
    assert lines["Duration, x86_64 (first 6B)"].quantity == middle["ondemand_billable_gb_s"]
    lambda_total = sum((c.monthly_usd or Decimal(0) for c in lines.values()), Decimal(0))
    assert close(lambda_total, example["expected"]["total"], "0.01")


def test_efs_lifecycle_example(tmp_path: Path) -> None:
    """EFS storage example (31-day month, lifecycle moves on day 15): the profile holds only EFS
    Standard storage, so the example's storage classes and data movement are modelled here from
    its inputs and priced through the engine's EFS charges."""
    example = EXAMPLES["efs-1-storage-lifecycle"]
    inputs, used, middle = example["inputs"], example["prices_used"], example["intermediate"]
    days_before, days_after = inputs["lifecycle_day"] - 1, inputs["days"] - (inputs["lifecycle_day"] - 1)
    to_ia = inputs["start_standard_gb"] * inputs["standard_to_ia_fraction"]
    to_archive = inputs["start_ia_gb"] * inputs["ia_to_archive_fraction"]
    standard_h = (
        inputs["start_standard_gb"] * days_before * 24 + (inputs["start_standard_gb"] - to_ia) * days_after * 24
    )
    ia_h = inputs["start_ia_gb"] * days_before * 24 + (inputs["start_ia_gb"] - to_archive + to_ia) * days_after * 24
    archive_h = (
        inputs["start_archive_gb"] * days_before * 24 + (inputs["start_archive_gb"] + to_archive) * days_after * 24
    )
    assert (standard_h, ia_h, archive_h) == (
        middle["standard_gb_hours"],
        middle["ia_gb_hours"],
        middle["archive_gb_hours"],
    )
    hours = inputs["days"] * 24
    usage = EfsUsage(
        standard_gb_months=standard_h / hours,
        ia_gb_months=ia_h / hours,
        archive_gb_months=archive_h / hours,
        ia_tiered_gb=to_ia,
        ia_read_gb=inputs["ia_reads_gb"],
        archive_tiered_gb=to_archive,
        archive_read_gb=inputs["archive_reads_gb"],
    )
    assert used["ia_tiering_per_gb"] == used["ia_read_per_gb"]  # one price id covers both
    prices = table_with(tmp_path, {
        "efs.standard.storage": used["standard_gb_month"],
        "efs.ia.storage": used["ia_gb_month"],
        "efs.archive.storage": used["archive_gb_month"],
        "efs.ia.tiering_and_reads": used["ia_tiering_per_gb"],
        "efs.archive.tiering": used["archive_tiering_per_gb"],
        "efs.archive.reads": used["archive_read_per_gb"],
    })  # fmt: skip
    lines = by_name(price_charges(efs_charges(usage), prices, free_tier=False), "efs")
    expected = example["expected"]["line_items"]
    assert close(lines["Standard storage"].monthly_usd, expected["standard_storage"], "0.005")
    assert close(lines["Infrequent Access storage"].monthly_usd, expected["ia_storage"], "0.005")
    assert close(lines["Archive storage"].monthly_usd, expected["archive_storage"], "0.005")
    ia_access = (lines["Tiering to Infrequent Access"].monthly_usd or 0) + (
        lines["Infrequent Access reads"].monthly_usd or 0
    )
    archive_access = (lines["Tiering to Archive"].monthly_usd or 0) + (lines["Archive reads"].monthly_usd or 0)
    assert close(Decimal(ia_access), expected["ia_access"], "0.005")
    assert close(Decimal(archive_access), expected["archive_access"], "0.005")
    total = sum((c.monthly_usd or Decimal(0) for c in lines.values()), Decimal(0))
    assert close(total, example["expected"]["total"], "0.01")
