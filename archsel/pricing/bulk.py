"""AWS's public bulk Price List offer files read as the Query API's answers: prices without an AWS account.

AWS publishes every service's prices as static JSON files that need no credentials
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html):
the offer index lists each service with its region index, the region index lists each region's
offer file, and an offer file holds ``products`` ({sku: product}) and ``terms`` ({OnDemand: {sku:
{term code: term}}}). ``BulkPriceList`` answers `get_products` from those files with the same
``PriceList`` entries the Query API returns (one product with its own on-demand terms), so
`archsel.pricing.update` turns either source into the same table through one code path.

Files are fetched through an injected ``Fetcher`` (url -> bytes): ``http_fetcher()`` in use, a
dictionary or a local server in tests. A download that is not the documented JSON raises
PricingUpdateError, so a corrupt file stops the update before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urljoin

from archsel.pricing.update import PricingUpdateError

Fetcher = Callable[[str], bytes]
"""Downloads one URL; raises OSError when it cannot (FileTooLarge for a file over the size cap)."""


class FileTooLarge(OSError):
    """A file larger than archsel reads into memory."""


PRICE_LIST_HOST = "https://pricing.us-east-1.amazonaws.com"
OFFER_INDEX_PATH = "/offers/v1.0/aws/index.json"
SAVINGS_PLAN_REGION_INDEX_PATH = "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json"
MAX_INDEX_PAGES = 20
"""Pages of one region index followed at most (a loop or a runaway index stops there)."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest offer file read. AmazonEC2's region files (where the NAT gateway prices are) can be larger:
such a file is skipped with a note and its prices kept, rather than read into memory."""
NEXT_PAGE_KEY = "nextPageUrl"
"""Link to the next page of a region index. AWS's documented index examples show no such key today;
archsel follows one if an index is ever split, bounded by MAX_INDEX_PAGES."""


def http_fetcher(timeout_s: float = 120.0) -> Fetcher:
    """A Fetcher over HTTPS with a timeout and a size cap (urllib; no credentials, no cookies)."""
    import urllib.request

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            body: bytes = response.read(MAX_FILE_BYTES + 1)
        if len(body) > MAX_FILE_BYTES:
            raise FileTooLarge(f"{url}: larger than {MAX_FILE_BYTES // 2**20} MB")
        return body

    return fetch


class BulkPriceList:
    """A `PricingClient` answering from the bulk offer files, each downloaded once per update."""

    def __init__(self, fetch: Fetcher, *, base_url: str = PRICE_LIST_HOST) -> None:
        self._fetch = fetch
        self._base = base_url
        self._documents: dict[str, Mapping[str, Any]] = {}
        self.problems: list[str] = []
        """Services or regions the files do not offer (their prices were left as they were)."""

    # -------------------------------------------------------------------- the Query API's call

    def get_products(self, **kwargs: Any) -> Mapping[str, Any]:
        """Every product of ``ServiceCode`` matching all TERM_MATCH ``Filters``, in the Query API's shape."""
        service = str(kwargs["ServiceCode"])
        filters = tuple((str(f["Field"]), str(f["Value"])) for f in kwargs.get("Filters", ()))
        region = next((value for field, value in filters if field in {"regionCode", "fromRegionCode"}), None)
        offer = self.offer_file(service, region)
        if offer is None:
            return {"PriceList": [], "FormatVersion": "aws_v1"}
        return {"PriceList": list(_matching(offer, filters)), "FormatVersion": "aws_v1"}

    # -------------------------------------------------------------------- the files

    def offer_file(self, service: str, region: str | None) -> Mapping[str, Any] | None:
        """The offer file of ``service`` in ``region`` (the whole offer for a global price), or None."""
        entry = self._offers().get(service)
        if not isinstance(entry, Mapping):
            self._note(f"{service}: not in the offer index {self._url(OFFER_INDEX_PATH)}")
            return None
        if region is None:
            return self.document(self._url(str(entry["currentVersionUrl"])))
        index_url = self._url(str(entry["currentRegionIndexUrl"]))
        version = region_versions(self, index_url).get(region)
        if version is None:
            self._note(f"{service}: no offer file for {region} in {index_url}")
            return None
        url = urljoin(index_url, version) if not version.startswith("/") else self._url(version)
        try:
            return self.document(url)
        except PricingUpdateError as error:
            if not isinstance(error.__cause__, FileTooLarge):
                raise
            self._note(f"{service}: {error.__cause__}; its prices were kept (--source query asks for them one by one)")
            return None

    def savings_plan_file(self, region: str) -> Mapping[str, Any] | None:
        """The Compute Savings Plans region file of ``region`` (rates for Lambda, Fargate, EC2), or None."""
        index_url = self._url(SAVINGS_PLAN_REGION_INDEX_PATH)
        version = region_versions(self, index_url).get(region)
        if version is None:
            self._note(f"AWSComputeSavingsPlan: no rate file for {region} in {index_url}")
            return None
        return self.document(self._url(version) if version.startswith("/") else urljoin(index_url, version))

    def document(self, url: str) -> Mapping[str, Any]:
        """One JSON file, downloaded once; a failed download or a file that is not JSON stops the update."""
        if url not in self._documents:
            try:
                body = self._fetch(url)
            except OSError as error:
                raise PricingUpdateError(
                    f"cannot download {url}: {error}",
                    hint="check the network (the bulk files need no AWS account); the price table was not changed",
                ) from error
            self._documents[url] = _parse(url, body)
        return self._documents[url]

    def _offers(self) -> Mapping[str, Any]:
        offers = self.document(self._url(OFFER_INDEX_PATH)).get("offers")
        if not isinstance(offers, Mapping):
            raise PricingUpdateError(f"{self._url(OFFER_INDEX_PATH)}: no 'offers' in the offer index")
        return offers

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self._base}{path}"

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)


def region_versions(source: BulkPriceList, index_url: str) -> dict[str, str]:
    """{region code: offer file URL} from a region index, following its pages.

    Service indexes map names to ``{regionCode, currentVersionUrl}``; Savings Plans indexes
    list ``{regionCode, versionUrl}``. Both shapes are read.
    """
    versions: dict[str, str] = {}
    for page in _pages(source, index_url):
        for entry in _region_entries(page.get("regions"), index_url):
            url = entry.get("currentVersionUrl") or entry.get("versionUrl")
            if isinstance(url, str) and isinstance(entry.get("regionCode"), str):
                versions[str(entry["regionCode"])] = url
    return versions


def _pages(source: BulkPriceList, first_url: str) -> Iterator[Mapping[str, Any]]:
    url: str | None = first_url
    seen: set[str] = set()
    while url is not None:
        if url in seen or len(seen) >= MAX_INDEX_PAGES:
            raise PricingUpdateError(f"{first_url}: region index pages loop or exceed {MAX_INDEX_PAGES}")
        seen.add(url)
        page = source.document(url)
        yield page
        following = page.get(NEXT_PAGE_KEY)
        url = urljoin(url, following) if isinstance(following, str) and following else None


def _region_entries(regions: Any, url: str) -> list[Mapping[str, Any]]:
    if isinstance(regions, Mapping):
        return [r for r in regions.values() if isinstance(r, Mapping)]
    if isinstance(regions, list):
        return [r for r in regions if isinstance(r, Mapping)]
    raise PricingUpdateError(f"{url}: a region index lists 'regions'; this file does not")


def _parse(url: str, body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PricingUpdateError(
            f"{url}: the download is not valid JSON ({error}); it may be truncated",
            hint="run the update again; the price table was not changed",
        ) from error
    if not isinstance(document, Mapping):
        raise PricingUpdateError(f"{url}: expected a JSON object, got {type(document).__name__}")
    return document


def _matching(offer: Mapping[str, Any], filters: tuple[tuple[str, str], ...]) -> Iterator[dict[str, Any]]:
    """Products passing every filter, each with its own on-demand terms (the Query API's entry shape)."""
    products, terms = offer.get("products"), offer.get("terms")
    if not isinstance(products, Mapping) or not isinstance(terms, Mapping):
        raise PricingUpdateError(f"offer file of {offer.get('offerCode', '?')}: no 'products' and 'terms'")
    on_demand = terms.get("OnDemand") or {}
    for sku, product in products.items():
        if isinstance(product, Mapping) and _passes(product, filters):
            yield {
                "product": product,
                "serviceCode": offer.get("offerCode"),
                "terms": {"OnDemand": on_demand.get(sku, {})},
                "version": offer.get("version"),
                "publicationDate": offer.get("publicationDate"),
            }


def _passes(product: Mapping[str, Any], filters: tuple[tuple[str, str], ...]) -> bool:
    attributes = product.get("attributes") or {}
    values = {"productFamily": product.get("productFamily", "")} | dict(attributes)
    return all(values.get(field) == value for field, value in filters)
