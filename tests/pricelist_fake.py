"""Test support: a fake AWS Price List answering `get_products` from the fixtures in tests/data/pricelist/,
and botocore Stubber clients replaying its answers (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.session
from botocore.credentials import CredentialResolver
from botocore.stub import Stubber

FIXTURES = Path(__file__).resolve().parent / "data" / "pricelist"


def load_products(*names: str) -> list[dict[str, Any]]:
    """Product documents of the named fixture files (us-east-1, eu-central-1)."""
    products: list[dict[str, Any]] = []
    for name in names:
        products += json.loads((FIXTURES / f"{name}.json").read_text())["products"]
    return products


def _field(product: Mapping[str, Any], name: str) -> str | None:
    if name == "productFamily":
        return str(product["product"].get("productFamily"))
    value = product["product"]["attributes"].get(name)
    return None if value is None else str(value)


@dataclass
class FakePriceList:
    """Answers GetProducts like the service: TERM_MATCH filters, pages of ``page_size``, JSON strings."""

    products: list[dict[str, Any]]
    page_size: int = 100
    service_codes: frozenset[str] = frozenset()

    def answer(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The response to one get_products call."""
        matching = [p for p in self.products if self._matches(p, arguments)]
        start = int(arguments.get("NextToken", "0") or 0)
        size = min(self.page_size, int(arguments.get("MaxResults", 100)))
        page = matching[start : start + size]
        response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in page]}
        if start + size < len(matching):
            response["NextToken"] = str(start + size)
        return response

    @staticmethod
    def _matches(product: Mapping[str, Any], arguments: Mapping[str, Any]) -> bool:
        if product["serviceCode"] != arguments["ServiceCode"]:
            return False
        for item in arguments.get("Filters", ()):
            assert item["Type"] == "TERM_MATCH", item
            if _field(product, item["Field"]) != item["Value"]:
                return False
        return True


@dataclass
class RecordingClient:
    """A stand-in `pricing` client that answers from a FakePriceList and records every call."""

    fake: FakePriceList
    calls: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def get_products(self, **arguments: Any) -> dict[str, Any]:
        response = self.fake.answer(arguments)
        self.calls.append((arguments, response))
        return response


def pricing_client() -> Any:
    """A real botocore `pricing` client with dummy credentials (only ever used under a Stubber)."""
    session = botocore.session.get_session()
    return session.create_client(
        "pricing", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def client_without_credentials() -> Any:
    """A real botocore `pricing` client whose credential chain is empty: calls raise NoCredentialsError."""
    session = botocore.session.Session()
    session.register_component("credential_provider", CredentialResolver(providers=[]))
    return session.create_client("pricing", region_name="us-east-1")


def stubbed_replay(fake: FakePriceList, run: Callable[[Any], Any]) -> tuple[Any, Stubber]:
    """Learn the calls ``run(client)`` makes against ``fake``, then queue exactly those on a Stubber.

    Returns the stubbed client and its (active) Stubber; the test runs ``run`` again on it and
    checks ``assert_no_pending_responses``. The Stubber validates every request and response
    against the service model, so the responses are shaped exactly as the API's.
    """
    recorder = RecordingClient(fake)
    run(recorder)
    client = pricing_client()
    stubber = Stubber(client)
    for arguments, response in recorder.calls:
        stubber.add_response("get_products", response, arguments)
    stubber.activate()
    return client, stubber
