"""`archsel pricing update` through the real CLI and a real boto3 client, against a local fake of the
Price List Query API on 127.0.0.1 (AWS_ENDPOINT_URL_PRICING); no AWS, no network beyond loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pricelist_fake import FakePriceList, load_products

SHIPPED = Path(__file__).resolve().parent.parent.parent / "pricing" / "aws" / "us-east-1.yaml"
WORKED = Path(__file__).resolve().parent.parent / "data" / "worked"


class _PriceListServer(ThreadingHTTPServer):
    fake: FakePriceList
    targets: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _PriceListServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.targets.append(self.headers.get("X-Amz-Target", ""))
        payload = json.dumps(self.server.fake.answer(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment where boto3 finds no credentials and never asks instance metadata."""
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Whatever happens, requests stay on this machine: a closed loopback port unless a test starts the fake.
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", "http://127.0.0.1:9")
    return monkeypatch


@pytest.fixture
def price_list(aws_env: pytest.MonkeyPatch) -> Iterator[_PriceListServer]:
    """The fake Price List API, with dummy credentials pointed at it."""
    server = _PriceListServer(("127.0.0.1", 0), _Handler)
    server.fake = FakePriceList(load_products("us-east-1", "eu-central-1"), page_size=2)
    server.targets = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    aws_env.setenv("AWS_ENDPOINT_URL_PRICING", f"http://127.0.0.1:{server.server_address[1]}")
    aws_env.setenv("AWS_ACCESS_KEY_ID", "testing")
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A tables folder with the shipped us-east-1 table, its LCU price made stale."""
    folder = tmp_path / "tables"
    folder.mkdir()
    data = yaml.safe_load(SHIPPED.read_text())
    next(p for p in data["prices"]["alb"] if p["id"] == "alb.lcu_hour")["value"] = 0.01
    (folder / "us-east-1.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_dry_run_shows_the_changes_and_writes_nothing(
    price_list: _PriceListServer, tables: Path, run_cli: Callable[..., Any]
) -> None:
    before = (tables / "us-east-1.yaml").read_bytes()
    result = run_cli("pricing", "update", "--region", "us-east-1", "--dir", str(tables), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (tables / "us-east-1.yaml").read_bytes() == before
    assert set(price_list.targets) == {"AWSPriceListService.GetProducts"}
    row = next(line for line in result.stdout.splitlines() if "alb.lcu_hour" in line)
    assert "0.01" in row and "0.008" in row and "-20%" in row
    assert "dry run:" in result.stdout and "not written" in result.stdout
    assert "Not in the Query API, previous value kept: cognito.lite.mau" in result.stdout


def test_yes_writes_the_table_with_skus_and_dates(
    price_list: _PriceListServer, tables: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("pricing", "update", "-r", "us-east-1", "--dir", str(tables), "--yes", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (document,) = json.loads(result.stdout)["updates"]
    assert document["written"] is True and document["region"] == "us-east-1"
    (change,) = [c for c in document["changes"] if c["price_id"] == "alb.lcu_hour"]
    assert (change["old"], change["new"], change["percent"]) == (0.01, 0.008, -20.0)
    assert {s["price_id"] for s in document["not_in_query_api"]} >= {"cognito.essentials.mau"}
    shown = run_cli("pricing", "show", "--prices", str(tables / "us-east-1.yaml"), "--service", "alb", "-f", "json")
    assert shown.exit_code == 0, shown.stderr
    lcu = next(p for p in json.loads(shown.stdout)["prices"] if p["id"] == "alb.lcu_hour")
    assert lcu["usagetype"] == "LCUUsage" and lcu["effective"] == "2026-08-01" and lcu["sku"]
    assert lcu["evidence"] == "price_list"


def test_the_written_table_prices_a_profile(
    price_list: _PriceListServer, tables: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("pricing", "update", "-r", "us-east-1", "--dir", str(tables), "--yes").exit_code == 0
    result = run_cli("cost", str(WORKED / "alb-1.yaml"), "--prices", str(tables / "us-east-1.yaml"), "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["region"] == "us-east-1" and document["pricing_source"].endswith("us-east-1.yaml")


def test_a_new_region_and_all_regions(price_list: _PriceListServer, tables: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("pricing", "update", "--region", "eu-central-1", "--dir", str(tables), "--yes")
    assert result.exit_code == 0, result.stderr
    assert "left missing (no previous value): alb.hour" in result.stdout
    shown = run_cli("pricing", "show", "--region", "eu-central-1", "--prices", str(tables / "eu-central-1.yaml"))
    assert "0.04656" in shown.stdout
    again = run_cli("pricing", "update", "--all-regions", "--dir", str(tables), "--dry-run", "--format", "json")
    assert again.exit_code == 0, again.stderr
    updates = json.loads(again.stdout)["updates"]
    assert [u["region"] for u in updates] == ["eu-central-1", "us-east-1"]
    assert all(u["written"] is False for u in updates)


def test_no_credentials_exits_1_with_the_fix_and_writes_nothing(
    aws_env: pytest.MonkeyPatch, tables: Path, run_cli: Callable[..., Any]
) -> None:
    before = (tables / "us-east-1.yaml").read_bytes()
    result = run_cli("pricing", "update", "--region", "us-east-1", "--dir", str(tables), "--yes", "--source", "query")
    assert result.exit_code == 1
    assert "archsel: error: no AWS credentials for the Price List API" in result.stderr
    assert "hint:" in result.stderr and "AWS_PROFILE" in result.stderr and "Traceback" not in result.stderr
    assert (tables / "us-east-1.yaml").read_bytes() == before
    assert sorted(p.name for p in tables.iterdir()) == ["us-east-1.yaml"]


def test_without_yes_and_without_a_terminal_nothing_is_written(
    price_list: _PriceListServer, tables: Path, run_cli: Callable[..., Any]
) -> None:
    before = (tables / "us-east-1.yaml").read_bytes()
    result = run_cli("pricing", "update", "--region", "us-east-1", "--dir", str(tables))
    assert result.exit_code == 2 and "pass --yes" in result.stderr
    assert (tables / "us-east-1.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --region R"),
        (("--region", "us-east-1", "--all-regions"), "not both"),
        (("--region", "us-east-1", "--endpoint-region", "eu-west-1"), "not served from 'eu-west-1'"),
        (("--region", "mars-north-1"), "usagetype prefix of 'mars-north-1'"),
    ],
)
def test_wrong_options_are_usage_errors(run_cli: Callable[..., Any], args: tuple[str, ...], message: str) -> None:
    result = run_cli("pricing", "update", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_a_stale_table_warns_with_the_refresh_command(
    run_cli: Callable[..., Any], tmp_path: Path, write_profile: Callable[..., Path]
) -> None:
    data = yaml.safe_load(SHIPPED.read_text())
    data["as_of"] = "2025-01-02"
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(data, sort_keys=False))
    for args in (("pricing", "show", "--prices", str(old)), ("cost", str(WORKED / "alb-1.yaml"), "--prices", str(old))):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "archsel: warning: prices for us-east-1 are" in result.stderr
        assert "`archsel pricing update --region us-east-1`" in result.stderr
    fresh = run_cli("pricing", "show")
    assert "warning" not in fresh.stderr


def test_without_credentials_the_bulk_files_are_used(
    aws_env: pytest.MonkeyPatch, tables: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    import functools
    import http.server
    import threading

    bulk = Path(__file__).parents[1] / "data" / "pricelist" / "bulk"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(bulk))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        args = ("pricing", "update", "--region", "us-west-1", "--dir", str(tables), "--yes", "--bulk-url", url)
        result = run_cli(*args)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.stderr
    assert f"asking the bulk Price List files at {url} for us-west-1 prices" in result.stderr
    assert "AmazonApiGateway: not in the offer index" in result.stderr
    written = (tables / "us-west-1.yaml").read_text()
    assert "savings_plan.1y_partial.fargate.linux_x86.vcpu" in written and "Refreshed from AWS's public bulk" in written


def test_with_credentials_source_bulk_finds_the_files_through_the_bulk_api(
    aws_env: pytest.MonkeyPatch, tables: Path, run_cli: Callable[..., Any]
) -> None:
    from tests.bulk_api_server import serve_price_list_api

    with serve_price_list_api() as (url, calls):
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", url)
        aws_env.setenv("AWS_ACCESS_KEY_ID", "testing")
        aws_env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        args = ("pricing", "update", "--region", "us-west-1", "--dir", str(tables), "--yes", "--source", "bulk")
        result = run_cli(*args, "--bulk-url", url)
    assert result.exit_code == 0, result.stderr
    assert "asking the Price List Bulk API (ListPriceLists, GetPriceListFileUrl) for us-west-1" in result.stderr
    assert ("ListPriceLists", "2") in {(operation, request.get("NextToken")) for operation, request in calls}
    written = (tables / "us-west-1.yaml").read_text()
    assert "savings_plan.1y_partial.fargate.linux_x86.vcpu" in written
    assert "Refreshed from the AWS Price List Bulk API's offer files" in written
