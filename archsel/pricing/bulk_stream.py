"""Bulk offer files too large to read whole (AmazonEC2): streamed once per region, keeping only what the selectors ask for.

``StreamingBulkPriceList`` is a ``BulkPriceList`` that answers `get_products` for the services in
STREAMED_SERVICES from one streaming pass over the region's offer file (archsel.pricing.offer_stream)
instead of downloading it into memory. The pass keeps every product that any archsel selector of that
service could ask for in the region (the EC2 instance-hours of Lambda Managed Instances, the NAT
gateway), so the later questions are answered from that small subset; a question no selector covers
streams the file again rather than answering from an incomplete subset. The answers have the same
shape as for every other service, so `archsel.pricing.update` turns them into the table through the
same code path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import IO, Any

from archsel.pricing.bulk import PRICE_LIST_HOST, BulkPriceList, Fetcher, FileListing, _matching
from archsel.pricing.offer_stream import OfferStreamError, StreamTooLarge, scan_offer
from archsel.pricing.selectors import SELECTORS
from archsel.pricing.update import PricingUpdateError, queries_for

Opener = Callable[[str], AbstractContextManager[IO[bytes]]]
"""Opens one URL as a byte stream; raises OSError when it cannot."""

Filters = tuple[tuple[str, str], ...]

STREAMED_SERVICES = frozenset({"AmazonEC2"})
"""Services whose region offer files are streamed (us-east-1's AmazonEC2 file is several GB)."""
MAX_STREAMED_BYTES = 16 * 2**30
"""Longest streamed offer file. Streaming keeps memory bounded whatever the size, so this cap is not about
memory (bulk.MAX_FILE_BYTES is, for files read whole): it only stops a runaway download. AmazonEC2's
us-east-1 file is several GB and grows with every instance type, hence far above the 256 MB of files read whole."""


def http_opener(timeout_s: float = 120.0) -> Opener:
    """An Opener over HTTPS with a timeout (urllib; no credentials, no cookies)."""
    import urllib.request

    def open_url(url: str) -> AbstractContextManager[IO[bytes]]:
        response: AbstractContextManager[IO[bytes]] = urllib.request.urlopen(url, timeout=timeout_s)
        return response

    return open_url


class StreamingBulkPriceList(BulkPriceList):
    """A BulkPriceList that streams the offer files of STREAMED_SERVICES instead of reading them whole."""

    def __init__(
        self,
        fetch: Fetcher,
        open_url: Opener,
        *,
        base_url: str = PRICE_LIST_HOST,
        max_streamed_bytes: int = MAX_STREAMED_BYTES,
        listing: FileListing | None = None,
    ) -> None:
        super().__init__(fetch, base_url=base_url, listing=listing)
        self._open = open_url
        self._max_streamed_bytes = max_streamed_bytes
        self._subsets: dict[tuple[str, str], tuple[tuple[Filters, ...], Mapping[str, Any] | None]] = {}
        self.streamed: list[str] = []
        """URLs streamed, in order (one per service and region unless a question no selector covers came)."""

    def get_products(self, **kwargs: Any) -> Mapping[str, Any]:
        """As BulkPriceList.get_products; streamed services are answered from the kept subset."""
        service = str(kwargs["ServiceCode"])
        filters: Filters = tuple((str(f["Field"]), str(f["Value"])) for f in kwargs.get("Filters", ()))
        region = next((value for field, value in filters if field in {"regionCode", "fromRegionCode"}), None)
        if service not in STREAMED_SERVICES or region is None:
            return super().get_products(**kwargs)
        offer = self._subset(service, region, filters)
        found = [] if offer is None else list(_matching(offer, filters))
        return {"PriceList": found, "FormatVersion": "aws_v1"}

    def _subset(self, service: str, region: str, filters: Filters) -> Mapping[str, Any] | None:
        covered, offer = self._subsets.get((service, region), ((), None))
        if any(set(kept) <= set(filters) for kept in covered):
            return offer
        wanted = (*covered, *_selector_filters(service, region), filters)
        offer = self._stream(service, region, wanted)
        self._subsets[(service, region)] = (wanted, offer)
        return offer

    def _stream(self, service: str, region: str, wanted: tuple[Filters, ...]) -> Mapping[str, Any] | None:
        url = self._offer_url(service, region)
        if url is None:
            return None
        self.streamed.append(url)
        try:
            with self._open(url) as stream:
                return scan_offer(stream, lambda p: _matches_any(p, wanted), max_bytes=self._max_streamed_bytes)
        except StreamTooLarge as error:
            self._note(f"{service}: {url}: {error}; its prices were kept (--source query asks for them one by one)")
            return None
        except OfferStreamError as error:
            raise PricingUpdateError(
                f"{url}: {error}", hint="run the update again; the price table was not changed"
            ) from error
        except OSError as error:
            raise PricingUpdateError(
                f"cannot download {url}: {error}",
                hint="check the network (the bulk files need no AWS account); the price table was not changed",
            ) from error

    def _offer_url(self, service: str, region: str) -> str | None:
        # The same lookup as the files read whole: the Bulk API's listing with credentials, else the public indexes.
        if self._listing is not None:
            return self._listed(self._listing, service, region)
        return self._public_offer_url(service, region)


def _selector_filters(service: str, region: str) -> tuple[Filters, ...]:
    """The filters of every question archsel's selectors ask ``service`` in ``region``."""
    return tuple(q.filters for s in SELECTORS if s.service_code == service for q in queries_for(s, region))


def _matches_any(product: Mapping[str, Any], wanted: tuple[Filters, ...]) -> bool:
    # The same exact test as bulk._passes, with the product's fields gathered once for all the filters.
    attributes = product.get("attributes")
    values = {"productFamily": product.get("productFamily", "")} | (attributes if isinstance(attributes, dict) else {})
    return any(all(values.get(field) == value for field, value in filters) for filters in wanted)
