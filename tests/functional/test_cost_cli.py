"""`archsel cost` and `archsel pricing show` through the real CLI, and AWS's worked pricing examples
reproduced to the cent from profiles (tests/data/worked/) with each example's own unit prices."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
WORKED = DATA / "worked"
REPO = DATA.parent.parent
TABLE = REPO / "pricing" / "aws" / "us-east-1.yaml"
EXAMPLES = {e["id"]: e for e in yaml.safe_load((DATA / "aws-worked-examples.yaml").read_text())["examples"]}
LINE_TOLERANCE = Decimal("0.005")
TOTAL_TOLERANCE = Decimal("0.01")
SERVICES = {
    "lambda", "api_gateway", "fargate", "ec2", "alb", "public_ipv4", "nat_gateway", "dynamodb", "aurora", "rds_proxy",
    "s3", "cloudfront", "cognito", "cloudwatch_logs", "data_transfer", "efs",
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    """How one worked example maps onto a profile and onto the estimate's lines."""

    profile: str
    arch: str
    services: tuple[str, ...]
    """Services whose lines make up the example's total."""
    lines: dict[str, tuple[str, ...] | None]
    """Example line item -> names of the components that sum to it (None: not modelled; AWS prices it at $0)."""
    prices: dict[str, tuple[str, int, Decimal]] = field(default_factory=dict)
    """prices_used key -> (price id, tier index, factor from the example's unit to the table's quote)."""
    quantities: dict[str, str] = field(default_factory=dict)
    """intermediate key -> component whose quantity it is."""


ONE, PER_SECOND = Decimal(1), Decimal(3600)
LAMBDA_PRICES = {
    "duration_per_gb_s": ("lambda.duration.x86", 0, ONE),
    "requests_per_million": ("lambda.requests", 0, ONE),
}
CASES = {
    "lambda-ondemand-1-mobile-backend": Case(
        "lambda-ondemand-1.yaml", "lambda", ("lambda",),
        {"compute": ("Duration, x86_64 (first 6B)",), "requests": ("Requests",)},
        LAMBDA_PRICES,
        {"billable_gb_s": "Duration, x86_64 (first 6B)", "billable_requests": "Requests"},
    ),
    "lambda-legacy-ex2-128mb": Case(
        "lambda-legacy-ex2.yaml", "lambda", ("lambda",),
        {"compute": ("Duration, x86_64 (first 6B)",), "requests": ("Requests",)},
        LAMBDA_PRICES,
        {"billable_gb_s": "Duration, x86_64 (first 6B)", "billable_requests": "Requests"},
    ),
    "lambda-tiers-crosscheck-x86": Case(
        "lambda-tiers-crosscheck.yaml", "lambda", ("lambda",),
        {
            "requests": ("Requests",),
            "first_6b": ("Duration, x86_64 (first 6B)",),
            "next_9b": ("Duration, x86_64 (next 9B)",),
            "over_15b": ("Duration, x86_64 (over 15B)",),
        },
    ),
    "fargate-1-linux-x86-ecs": Case(
        "fargate-1.yaml", "fargate", ("fargate",),
        {"vcpu": ("vCPU, x86_64",), "memory": ("Memory, x86_64",), "ephemeral_storage": ("Ephemeral storage",)},
        {
            "vcpu_per_second": ("fargate.linux_x86.vcpu", 0, PER_SECOND),
            "gb_per_second": ("fargate.linux_x86.memory", 0, PER_SECOND),
            "storage_gb_per_second": ("fargate.ephemeral_storage", 0, PER_SECOND),
        },
    ),
    "fargate-3-eks-pods": Case(
        "fargate-3.yaml", "fargate", ("fargate",),
        {"vcpu": ("vCPU, x86_64",), "memory": ("Memory, x86_64",)},
        {
            "vcpu_per_second": ("fargate.linux_x86.vcpu", 0, PER_SECOND),
            "gb_per_second": ("fargate.linux_x86.memory", 0, PER_SECOND),
        },
    ),
    "apigw-http-1-serverless-web-app": Case(
        "apigw-http-1.yaml", "lambda", ("api_gateway",),
        {"first_300m": ("HTTP API requests (first 300M)",), "over_300m": ("HTTP API requests (over 300M)",)},
        {
            "first_300m_per_million": ("apigw.http.requests", 0, ONE),
            "over_300m_per_million": ("apigw.http.requests", 1, ONE),
        },
    ),
    "apigw-rest-1-5m-calls": Case(
        "apigw-rest-1.yaml", "lambda", ("api_gateway", "data_transfer"),
        {
            "api_calls": ("REST API requests (first 333M)",),
            "data_transfer": ("Data transfer out to internet (first 10,240)",),
        },
        {"per_million": ("apigw.rest.requests", 0, ONE), "dto_per_gb": ("dto.internet", 0, ONE)},
    ),
    "alb-1-basic-lcu": Case(
        "alb-1.yaml", "fargate", ("alb",),
        {"alb_hours": ("Load balancer hours",), "lcu": ("Capacity units",)},
        {"alb_hour": ("alb.hour", 0, ONE), "lcu_hour": ("alb.lcu_hour", 0, ONE)},
    ),
    "cwl-1-access-logs-1gb-per-day": Case(
        "cwl-1.yaml", "lambda", ("cloudwatch_logs",),
        {"ingestion": ("Ingestion (free tier)", "Ingestion"), "archive": ("Storage (free tier)", "Storage"),
         "metrics": None},
        {"ingest_per_gb": ("cwl.ingestion.standard", 0, ONE), "storage_per_gb_month": ("cwl.storage", 0, ONE)},
    ),
    "cognito-essentials-100k": Case("cognito-essentials-100k.yaml", "lambda", ("cognito",), {}),
    "ddb-ondemand-crosscheck": Case(
        "ddb-ondemand-crosscheck.yaml", "lambda", ("dynamodb",),
        {"writes": ("Write request units",), "reads": ("Read request units",), "storage": ("Storage",)},
        {
            "wru_per_million": ("ddb.on_demand.write", 0, ONE),
            "rru_per_million": ("ddb.on_demand.read", 0, ONE),
            "storage_gb_month": ("ddb.storage", 0, ONE),
        },
    ),
    "aurora-sv2-min-capacity": Case(
        "aurora-sv2-min-capacity.yaml", "fargate", ("aurora",), {},
        {"acu_hour": ("aurora.serverless_v2.standard", 0, ONE)},
    ),
    "nat-gateway-100gb": Case(
        "nat-gateway-100gb.yaml", "fargate", ("nat_gateway",),
        {"hours": ("NAT gateway hours",), "data_processed": ("Data processed",)},
        {"hour": ("nat.hour", 0, ONE), "per_gb": ("nat.data_processed", 0, ONE)},
    ),
}  # fmt: skip
# Examples that a profile cannot express; tests/unit/test_cost_worked_examples.py prices them
# through the engine with explicit usage.
TESTED_THROUGH_THE_ENGINE = {"lambda-pc-1-mobile-launch", "efs-1-storage-lifecycle"}


def price_table_with(path: Path, overrides: dict[str, tuple[int, Decimal]]) -> Path:
    """A copy of the shipped table with some prices (or one tier of them) replaced, written to ``path``."""
    data = yaml.safe_load(TABLE.read_text())
    for entries in data["prices"].values():
        for price in entries:
            if price["id"] not in overrides:
                continue
            tier, value = overrides[price["id"]]
            if "tiers" in price:
                price["tiers"][tier]["value"] = float(value)
            else:
                price["value"] = float(value)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def cost_json(run_cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = run_cli("cost", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def money(value: float | None) -> Decimal:
    assert value is not None
    return Decimal(repr(value))


def test_every_worked_example_is_covered() -> None:
    assert set(EXAMPLES) == set(CASES) | TESTED_THROUGH_THE_ENGINE


@pytest.mark.parametrize("example_id", sorted(CASES))
def test_worked_example_reproduces_to_the_cent(example_id: str, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    example, case = EXAMPLES[example_id], CASES[example_id]
    used = example.get("prices_used", {})
    assert set(case.prices) == set(used), "map every price the example used"
    overrides = {pid: (tier, Decimal(repr(used[key])) * factor) for key, (pid, tier, factor) in case.prices.items()}
    prices = price_table_with(tmp_path / "prices.yaml", overrides)
    document = cost_json(run_cli, str(WORKED / case.profile), "--arch", case.arch, "--prices", str(prices))
    (estimate,) = document["estimates"]
    components = [c for c in estimate["components"] if c["service"] in case.services]
    by_name = {c["name"]: c for c in components}
    expected = example["expected"]
    for key, names in case.lines.items():
        want = Decimal(repr(expected["line_items"][key]))
        if names is None:
            assert want == 0, f"{key} is not modelled and only matches while AWS prices it at $0"
            continue
        got = sum((money(by_name[name]["monthly_usd"]) for name in names), Decimal(0))
        assert abs(got - want) <= LINE_TOLERANCE, f"{key}: {got} vs {want}"
    for key, name in case.quantities.items():
        assert Decimal(repr(by_name[name]["quantity"])) == Decimal(repr(example["intermediate"][key])), key
    if "total" in expected:
        total = sum((money(c["monthly_usd"]) for c in components), Decimal(0))
        assert abs(total - Decimal(repr(expected["total"]))) <= TOTAL_TOLERANCE, f"total {total}"


# ----------------------------------------------------------------------------- the command


SCENARIO = """
version: 1
name: shop-api
traffic: {requests_per_month: 3000000, shape: diurnal, peak_rps: 4}
database: {kind: dynamodb}
storage: {stored_gb: 50, uploads_per_month: 20000, upload_mb: 2, downloads_per_month: 10000}
frontend: {enabled: true, visits_per_month: 50000}
auth: {monthly_active_users: 15000}
"""


def test_json_follows_the_contract(run_cli: Callable[..., Any], write_profile: Callable[..., Path]) -> None:
    document = cost_json(run_cli, str(write_profile(SCENARIO)))
    assert document["profile"] == "shop-api"
    assert document["region"] == "us-east-1"
    assert document["pricing_as_of"] == "2026-09-20"
    assert [e["architecture"] for e in document["estimates"]] == ["lambda", "fargate", "lambda-managed"]
    for estimate in document["estimates"]:
        parts = estimate["components"]
        assert {c["service"] for c in parts} <= SERVICES
        for component in parts:
            assert {"service", "name", "quantity", "unit", "unit_price_usd", "monthly_usd"} <= set(component)
        total = sum(money(c["monthly_usd"]) for c in parts)
        assert abs(total - money(estimate["monthly_usd"])) < Decimal("0.0001")
        split = money(estimate["always_on_usd"]) + money(estimate["usage_usd"])
        assert abs(split - money(estimate["monthly_usd"])) < Decimal("0.0001")
        assert estimate["missing_prices"] == []


def test_the_lambda_bill_has_what_the_profile_uses(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    document = cost_json(run_cli, str(write_profile(SCENARIO)), "--arch", "lambda")
    (estimate,) = document["estimates"]
    services = {c["service"] for c in estimate["components"]}
    assert services == {"lambda", "api_gateway", "dynamodb", "s3", "cloudfront", "cognito", "cloudwatch_logs",
                        "data_transfer"}  # fmt: skip
    requests = next(c for c in estimate["components"] if c["name"] == "Requests")
    assert requests["quantity"] == 3_000_000
    assert requests["unit_price_usd"] == 2e-07
    assert requests["monthly_usd"] == 0.6


def test_fargate_bills_its_fixed_costs_as_always_on(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    document = cost_json(run_cli, str(write_profile(SCENARIO)), "--arch", "fargate")
    (estimate,) = document["estimates"]
    lines = {c["name"]: c for c in estimate["components"]}
    assert lines["Load balancer hours"]["always_on"] is True
    assert lines["Load balancer hours"]["quantity"] == 730
    assert lines["Capacity units"]["always_on"] is False
    # one task (min_tasks) with a public IP plus the ALB's two addresses, all month
    assert lines["Public IPv4 addresses"]["quantity"] == 3 * 730
    assert money(estimate["always_on_usd"]) > 0


def test_table_output_is_plain_when_piped(run_cli: Callable[..., Any], write_profile: Callable[..., Path]) -> None:
    result = run_cli("cost", str(write_profile(SCENARIO)))
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout
    for text in ("API Gateway + Lambda", "ALB + ECS Fargate", "Total per month", "Always-on", "Usage-based",
                 "as of 2026-09-20", "Requests *", "0.20 per 1M"):  # fmt: skip
        assert text in result.stdout


def test_markdown_output(run_cli: Callable[..., Any], write_profile: Callable[..., Path]) -> None:
    result = run_cli("cost", str(write_profile(SCENARIO)), "--format", "markdown", "--arch", "fargate")
    assert result.exit_code == 0, result.stderr
    assert "| Service | Component | Quantity | Unit | Unit price (USD) | Monthly (USD) |" in result.stdout
    assert "| **Total** |" in result.stdout


def test_a_missing_price_prints_the_estimate_and_names_it_in_one_warning_line(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    profile = write_profile("version: 1\nname: spot\ntraffic: {mean_rps: 2}\nfargate: {spot: true}\n")
    result = run_cli("cost", str(profile), "--arch", "fargate", "--format", "json")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "missing" in line]
    assert len(warnings) == 1 and "fargate.spot.linux_x86.vcpu, fargate.spot.linux_x86.memory" in warnings[0]
    assert json.loads(result.stdout)["estimates"][0]["monthly_usd"] > 0  # the priced lines still add up


def test_strict_prints_the_estimate_then_fails_on_a_missing_price(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    profile = write_profile("version: 1\nname: spot\ntraffic: {mean_rps: 2}\nfargate: {spot: true}\n")
    result = run_cli("cost", str(profile), "--arch", "fargate", "--format", "json", "--strict")
    assert result.exit_code == 3
    (estimate,) = json.loads(result.stdout)["estimates"]
    assert estimate["missing_prices"] == ["fargate.spot.linux_x86.vcpu", "fargate.spot.linux_x86.memory"]
    missing = [c for c in estimate["components"] if c["price_id"] == "fargate.spot.linux_x86.vcpu"]
    assert missing[0]["monthly_usd"] is None and missing[0]["unit_price_usd"] is None
    assert "fargate.spot.linux_x86.vcpu" in result.stderr and "us-east-1.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def _spot_priced_table(tmp_path: Path) -> Path:
    """A copy of the shipped table with Fargate Spot x86 prices: $0.01 per vCPU-hour, $0.001 per GB-hour."""
    data = yaml.safe_load(TABLE.read_text())
    for price in data["prices"]["fargate"]:
        if price["id"].startswith("fargate.spot.linux_x86"):
            price["value"] = 0.01 if price["id"].endswith("vcpu") else 0.001
    prices = tmp_path / "prices.yaml"
    prices.write_text(yaml.safe_dump(data))
    return prices


def test_a_supplied_spot_price_completes_the_estimate(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    prices = _spot_priced_table(tmp_path)
    profile = write_profile("version: 1\nname: spot\ntraffic: {mean_rps: 2}\nfargate: {spot: true}\n")
    document = cost_json(run_cli, str(profile), "--arch", "fargate", "--prices", str(prices))
    lines = {c["name"]: c for c in document["estimates"][0]["components"]}
    assert lines["Spot vCPU, x86_64"]["monthly_usd"] == pytest.approx(0.5 * 730 * 0.01)
    assert "vCPU, x86_64" not in lines  # all tasks on Spot


def test_a_malformed_price_table_names_file_and_field(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    data = yaml.safe_load(TABLE.read_text())
    del data["prices"]["lambda"][0]["source"]
    prices = tmp_path / "broken.yaml"
    prices.write_text(yaml.safe_dump(data))
    result = run_cli("cost", str(write_profile(SCENARIO)), "--prices", str(prices))
    assert result.exit_code == 3
    assert "broken.yaml: prices.lambda.0.source: Field required" in result.stderr


def test_a_region_without_prices_is_an_input_error(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    result = run_cli("cost", str(write_profile("version: 1\nname: x\nregion: ap-south-2\ntraffic: {mean_rps: 1}\n")))
    assert result.exit_code == 3
    assert "ap-south-2" in result.stderr and "us-east-1" in result.stderr


def test_a_wrong_profile_path_is_an_input_error(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("cost", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 3
    assert "no such file" in result.stderr


# ----------------------------------------------------------------------------- pricing show


def test_pricing_show_prints_the_table_and_its_date(run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "show")
    assert result.exit_code == 0, result.stderr
    assert "us-east-1 as of 2026-09-20" in result.stdout
    assert "lambda.requests" in result.stdout and "0.20 per 1M" in result.stdout
    assert "missing (no value)" in result.stdout  # Fargate Spot


def test_pricing_show_json_for_one_service(run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "show", "--service", "lambda", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["as_of"] == "2026-09-20" and document["region"] == "us-east-1"
    assert {p["service"] for p in document["prices"]} == {"lambda"}
    assert all(p["source"].startswith("https://") for p in document["prices"])
    assert {a["id"] for a in document["free_tier"]} == {"lambda.free.requests", "lambda.free.duration"}


def test_pricing_show_markdown(run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "show", "--service", "alb", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "| alb | alb.hour |" in result.stdout


def test_pricing_show_for_a_region_without_a_table(run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "show", "--region", "mars-north-1")
    assert result.exit_code == 3
    assert "mars-north-1" in result.stderr and "tables exist for: " in result.stderr and "us-east-1" in result.stderr


def test_pricing_show_for_an_unknown_service(run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "show", "--service", "sagemaker")  # ec2 is a service since Managed Instances
    assert result.exit_code == 2
    assert "sagemaker" in result.stderr and "lambda" in result.stderr


# ----------------------------------------------------------------------------- speed


def _run_cost(profile: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one `archsel cost` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "archsel", "cost", str(profile), "--format", "json"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_cost_answers_in_under_a_second(write_profile: Callable[..., Path]) -> None:
    """The target is 1 s of wall time on an idle machine; CPU time is asserted because wall time
    on a shared 2-core machine measures the neighbours as much as archsel."""
    profile = write_profile(SCENARIO)
    runs = [_run_cost(profile) for _ in range(3)]
    assert min(cpu for _, cpu in runs) < 1.0, runs


def test_cost_does_not_import_the_simulators() -> None:
    code = (
        "import sys\nfrom archsel.cli import main\n"
        f"try:\n    main(['cost', {str(WORKED / 'alb-1.yaml')!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('simpy', 'numba', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


SPOT_SIMULATION = """version: 1
name: spot
traffic: {mean_rps: 2}
fargate: {spot: true}
simulation: {horizon: 30m, warmup: 0s, replications: 1}
"""


def test_simulate_shows_results_then_fails_on_a_missing_price(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    result = run_cli("simulate", str(write_profile(SPOT_SIMULATION)), "--arch", "fargate", "--format", "json")
    assert result.exit_code == 3
    (fargate,) = json.loads(result.stdout)["results"]
    assert fargate["requests"] > 0  # the simulation's figures are printed before the error
    assert "fargate.spot.linux_x86.vcpu" in result.stderr and "--prices FILE" in result.stderr
    assert "Traceback" not in result.stderr


def test_simulate_takes_a_price_table_with_the_spot_price(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path], tmp_path: Path
) -> None:
    prices = _spot_priced_table(tmp_path)
    profile = write_profile(SPOT_SIMULATION)
    result = run_cli("simulate", str(profile), "--arch", "fargate", "--format", "json", "--prices", str(prices))
    assert result.exit_code == 0, result.stderr
    (fargate,) = json.loads(result.stdout)["results"]
    assert fargate["monthly_usd"] > 0


def test_cost_in_a_sparse_region_prices_what_it_can(
    run_cli: Callable[..., Any], write_profile: Callable[..., Path]
) -> None:
    profile = write_profile("version: 1\nname: ireland\nregion: eu-west-1\ntraffic: {mean_rps: 5}\n")
    result = run_cli("cost", str(profile), "--format", "json")
    assert result.exit_code == 0, result.stderr
    estimates = json.loads(result.stdout)["estimates"]
    missing = {pid for e in estimates for pid in e["missing_prices"]}
    assert "dto.internet" in missing and not any("us_east_1" in pid for pid in missing)
    priced = [c for e in estimates for c in e["components"] if c["monthly_usd"] is not None]
    assert any(c["price_id"] == "lambda.duration.x86" for c in priced)  # a sourced eu-west-1 price
    (warning,) = [line for line in result.stderr.splitlines() if "prices missing" in line]
    assert "eu-west-1.yaml" in warning and "dto.internet" in warning
    assert run_cli("cost", str(profile), "--strict").exit_code == 3
