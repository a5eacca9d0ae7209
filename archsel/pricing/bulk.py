"""AWS's public bulk Price List offer files read as the Query API's answers: prices without an AWS account.

AWS publishes every service's prices as static JSON files that need no credentials
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html):
the offer index lists each service with its region index, the region index lists each region's
offer file, and an offer file holds ``products`` ({sku: product}) and ``terms`` ({OnDemand: {sku:
{term code: term}}}). ``BulkPriceList`` answers `get_products` from those files with the same
``PriceList`` entries the Query API returns (one product with its own on-demand terms), so
`archsel.pricing.update` turns either source into the same table through one code path.

Where a region's file is comes from one of two documented places. Without credentials: the
public region index of the service (one JSON document; AWS documents no pages for it). With
credentials (``--source bulk``): the Price List Bulk API, whose ``ListPriceLists`` is paginated
(NextToken) and whose ``GetPriceListFileUrl`` gives the file's URL (archsel.pricing.bulk_api).
Either way the file is downloaded and read through the same code here.

Files are fetched through an injected ``Fetcher`` (url -> bytes): ``http_fetcher()`` in use, a
dictionary or a local server in tests. A download that is not the documented JSON raises
PricingUpdateError, so a corrupt file stops the update before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urljoin

from archsel.pricing.update import PricingUpdateError

Fetcher = Callable[[str], bytes]
"""Downloads one URL; raises OSError when it cannot (FileTooLarge for a file over the size cap)."""


class FileTooLarge(OSError):
    """A file larger than archsel reads into memory."""


PRICE_LIST_HOST = "https://pricing.us-east-1.amazonaws.com"
OFFER_INDEX_PATH = "/offers/v1.0/aws/index.json"
SAVINGS_PLAN_REGION_INDEX_PATH = "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json"
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest offer file read. AmazonEC2's region files (where the NAT gateway prices are) can be larger:
such a file is skipped with a note and its prices kept, rather than read into memory."""
SAVINGS_PLANS_OFFER = "AWSComputeSavingsPlan"
"""The Compute Savings Plans files' name in notes (their public index path is SAVINGS_PLAN_REGION_INDEX_PATH)."""


class FileListing(Protocol):
    """Where a service's file for one region is (the Price List Bulk API does this with credentials)."""

    description: str

    def file_url(self, service: str, region: str) -> tuple[str | None, str]:
        """The file's URL, or None and why there is none (``service`` is AWSComputeSavingsPlan for the rates)."""
        ...


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

    def __init__(self, fetch: Fetcher, *, base_url: str = PRICE_LIST_HOST, listing: FileListing | None = None) -> None:
        self._fetch = fetch
        self._base = base_url
        self._listing = listing
        self.description = "AWS's public bulk Price List offer files" if listing is None else listing.description
        """Where the prices came from, for the table's notes."""
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
        """The offer file of ``service`` in ``region`` (the whole offer for a global price), or None.

        A global price (CloudFront's) is read from the whole offer the public offer index names,
        with or without credentials: the Bulk API lists region files only.
        """
        if region is None or self._listing is None:
            url = self._public_offer_url(service, region)
        else:
            url = self._listed(self._listing, service, region)
        if url is None:
            return None
        try:
            return self.document(url)
        except PricingUpdateError as error:
            if not isinstance(error.__cause__, FileTooLarge):
                raise
            self._note(f"{service}: {error.__cause__}; its prices were kept (--source query asks for them one by one)")
            return None

    def savings_plan_file(self, region: str) -> Mapping[str, Any] | None:
        """The Compute Savings Plans region file of ``region`` (rates for Lambda, Fargate, EC2), or None."""
        if self._listing is not None:
            url = self._listed(self._listing, SAVINGS_PLANS_OFFER, region)
            return None if url is None else self.document(url)
        index_url = self._url(SAVINGS_PLAN_REGION_INDEX_PATH)
        version = region_versions(self, index_url).get(region)
        if version is None:
            self._note(f"{SAVINGS_PLANS_OFFER}: no rate file for {region} in {index_url}")
            return None
        return self.document(self._relative(index_url, version))

    def _public_offer_url(self, service: str, region: str | None) -> str | None:
        entry = self._offers().get(service)
        if not isinstance(entry, Mapping):
            self._note(f"{service}: not in the offer index {self._url(OFFER_INDEX_PATH)}")
            return None
        if region is None:
            return self._url(str(entry["currentVersionUrl"]))
        index_url = self._url(str(entry["currentRegionIndexUrl"]))
        version = region_versions(self, index_url).get(region)
        if version is None:
            self._note(f"{service}: no offer file for {region} in {index_url}")
            return None
        return self._relative(index_url, version)

    def _listed(self, listing: FileListing, service: str, region: str) -> str | None:
        url, reason = listing.file_url(service, region)
        if url is None:
            self._note(reason)
        return url

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

    def _relative(self, index_url: str, version: str) -> str:
        return self._url(version) if version.startswith("/") else urljoin(index_url, version)

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)


def region_versions(source: BulkPriceList, index_url: str) -> dict[str, str]:
    """{region code: offer file URL} from a public region index (one document).

    Service indexes map names to ``{regionCode, currentVersionUrl}``; Savings Plans indexes
    list ``{regionCode, versionUrl}``. Both shapes are read.
    """
    versions: dict[str, str] = {}
    for entry in _region_entries(source.document(index_url).get("regions"), index_url):
        url = entry.get("currentVersionUrl") or entry.get("versionUrl")
        if isinstance(url, str) and isinstance(entry.get("regionCode"), str):
            versions[str(entry["regionCode"])] = url
    return versions


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
