"""A Price List Bulk API on 127.0.0.1 (JSON 1.1 protocol) that also serves the offer file excerpts.

POST answers ``X-Amz-Target: AWSPriceListService.ListPriceLists`` with the recorded-shape entries of
tests/data/pricelist/bulk_api/list_price_lists.json, two per page (``NextToken``), and
``GetPriceListFileUrl`` with a URL on the same server; GET serves tests/data/pricelist/bulk/.
moto (5.2) does not implement these two operations, hence this server.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

DATA = Path(__file__).parent / "data" / "pricelist"
BULK = DATA / "bulk"
PAGE = 2


class _PriceListApi(http.server.SimpleHTTPRequestHandler):
    """GET: the offer files; POST: the two Bulk API operations, as the JSON 1.1 protocol answers them."""

    listings: ClassVar[dict[str, list[dict[str, Any]]]] = {}
    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        operation = self.headers.get("X-Amz-Target", "").removeprefix("AWSPriceListService.")
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        self.calls.append((operation, request))
        if operation == "ListPriceLists":
            self._list(request)
        elif operation == "GetPriceListFileUrl":
            self._file_url(request)
        else:
            self._answer(400, {"__type": "UnknownOperationException", "Message": operation})

    def _list(self, request: dict[str, Any]) -> None:
        if not all(key in request for key in ("ServiceCode", "EffectiveDate", "CurrencyCode")):
            self._answer(400, {"__type": "InvalidParameterException", "Message": "missing a required parameter"})
            return
        if request["ServiceCode"] not in self.listings:
            self._answer(
                400, {"__type": "NotFoundException", "Message": f"no price lists for {request['ServiceCode']}"}
            )
            return
        entries = [e for e in self.listings[request["ServiceCode"]] if e["CurrencyCode"] == request["CurrencyCode"]]
        start = int(request.get("NextToken", "0") or 0)
        body: dict[str, Any] = {"PriceLists": entries[start : start + PAGE]}
        if start + PAGE < len(entries):
            body["NextToken"] = str(start + PAGE)
        self._answer(200, body)

    def _file_url(self, request: dict[str, Any]) -> None:
        # arn:aws:pricing:::price-list/aws/<code>/<currency>/<version>/<region>
        code, _currency, version, region = request["PriceListArn"].split("/")[-4:]
        folder = (
            "savingsPlan/v1.0/aws/AWSComputeSavingsPlan" if code == "ComputeSavingsPlans" else f"offers/v1.0/aws/{code}"
        )
        host, port = self.server.server_address[:2]
        self._answer(200, {"Url": f"http://{host!s}:{port}/{folder}/{version}/{region}/index.json"})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "test")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_price_list_api() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """The Price List API and the offer files on 127.0.0.1; yields its URL and the API calls it got."""
    listings = json.loads((DATA / "bulk_api" / "list_price_lists.json").read_text(encoding="utf-8"))
    calls: list[tuple[str, dict[str, Any]]] = []
    handler = type("Handler", (_PriceListApi,), {"listings": listings, "calls": calls})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(BULK)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", calls
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
