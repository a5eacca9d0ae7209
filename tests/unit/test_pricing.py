"""The shipped price table and its loader: schema checks with file and field in every error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from archsel.errors import ExitCode, PricingError
from archsel.pricing.table import SERVICES, available_regions, load_price_file, load_prices

TABLE = Path(__file__).resolve().parent.parent.parent / "pricing" / "aws" / "us-east-1.yaml"


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TABLE.read_text())
    return data


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "table.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_shipped_table_loads_with_its_date_and_region() -> None:
    table = load_prices("us-east-1")
    assert table.region == "us-east-1" and table.currency == "USD"
    assert table.as_of == dt.date(2026, 9, 20)
    assert table.source_file.endswith("us-east-1.yaml")
    assert available_regions() == ("ap-southeast-1", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2")


def test_every_price_is_sourced_and_dated() -> None:
    table = load_prices("us-east-1")
    assert {p.service for p in table.prices} == set(SERVICES)
    for price in table.prices:
        assert price.source.startswith("https://aws.amazon.com/"), price.id
        assert price.as_of and price.evidence, price.id


def test_values_are_per_base_unit() -> None:
    table = load_prices("us-east-1")
    requests = table.price("lambda.requests")
    assert requests is not None
    assert requests.per == Decimal(1_000_000)
    assert requests.tiers[0].unit_price_usd == Decimal("0.0000002")
    duration = table.price("lambda.duration.x86")
    assert duration is not None
    assert [t.unit_price_usd for t in duration.tiers] == [
        Decimal("0.0000166667"),
        Decimal("0.000015"),
        Decimal("0.0000133334"),
    ]
    assert duration.tiers[1].start == Decimal(6_000_000_000) and duration.tiers[2].end is None


def test_fargate_spot_is_missing_not_zero() -> None:
    spot = load_prices("us-east-1").price("fargate.spot.linux_x86.vcpu")
    assert spot is not None and spot.missing and spot.tiers == ()


def test_free_tier_allowances_are_listed_apart() -> None:
    table = load_prices("us-east-1")
    lambda_free = table.free_allowance("lambda.duration.arm64")
    assert lambda_free is not None and lambda_free.quantity == Decimal(400_000)
    assert table.free_allowance("lambda.provisioned_duration.x86") is None
    assert table.free_allowance("cognito.plus.mau") is None
    cognito = table.free_allowance("cognito.essentials.mau")
    assert cognito is not None and cognito.quantity == Decimal(10_000)


def test_a_region_without_a_table_names_those_that_have_one() -> None:
    with pytest.raises(PricingError) as caught:
        load_prices("ap-south-2")
    assert "ap-south-2" in caught.value.message and "us-east-1" in caught.value.message
    assert caught.value.exit_code == ExitCode.INVALID_INPUT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["prices"]["lambda"][0].pop("unit"), "prices.lambda.0.unit: Field required"),
        (lambda d: d["prices"]["lambda"][0].update(value=-1), "prices.lambda.0.value"),
        (lambda d: d["prices"]["lambda"][0].update(source="aws.amazon.com"), "prices.lambda.0.source"),
        (lambda d: d["prices"]["lambda"][0].update(tiers=[{"from": 0, "to": None, "value": 1}]), "not both"),
        (lambda d: d["prices"]["lambda"][1]["tiers"][1].update({"from": 5}), "tier 2 must start where"),
        (lambda d: d["prices"]["lambda"][1]["tiers"][2].update(to=1e12), "only the last tier is open-ended"),
        (lambda d: d["prices"].update(sagemaker=[]), "prices.sagemaker"),  # ec2 became a service (LMI)
        (lambda d: d.update(as_of="last week"), "as_of"),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (lambda d: d["prices"]["lambda"].append(d["prices"]["lambda"][0]), "lambda.requests appears twice"),
        (lambda d: d["free_tier"][0].update(unit="GB"), "differs from lambda.requests"),
    ],
)
def test_a_malformed_table_is_a_pricing_error(tmp_path: Path, change: Any, message: str) -> None:
    data = shipped()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(PricingError) as caught:
        load_price_file(path)
    assert str(path) in caught.value.message
    assert message in caught.value.message


def test_a_table_that_is_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("prices: [unclosed\n")
    with pytest.raises(PricingError, match="not valid YAML"):
        load_price_file(path)
    path.write_text("- 1\n- 2\n")
    with pytest.raises(PricingError, match="a price table is a YAML mapping"):
        load_price_file(path)
    with pytest.raises(PricingError, match="cannot read"):
        load_price_file(tmp_path / "absent.yaml")


def test_a_table_whose_region_differs_from_its_file_name(tmp_path: Path) -> None:
    data = shipped()
    data["region"] = "eu-west-1"
    (tmp_path / "us-east-1.yaml").write_text(yaml.safe_dump(data))
    assert available_regions(directory=tmp_path) == ("us-east-1",)
    with pytest.raises(PricingError, match="says 'eu-west-1'"):
        load_prices("us-east-1", directory=tmp_path)


def test_a_table_written_before_the_region_neutral_rename_still_loads(tmp_path: Path) -> None:
    from archsel.pricing.table import load_price_file as load

    shipped = Path(__file__).parents[2] / "pricing" / "aws" / "us-east-1.yaml"
    old = tmp_path / "old.yaml"
    old.write_text(shipped.read_text().replace("dto.internet", "dto.internet.us_east_1"))
    table, current = load(old), load(shipped)
    assert table.price("dto.internet") == current.price("dto.internet") and table.price("dto.internet") is not None
    assert table.free_allowance("dto.internet") is not None
