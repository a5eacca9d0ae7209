"""The Price List Bulk API: where a service's offer file for a region is, found with AWS credentials.

AWS documents two ways to the same bulk offer files
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html):
the public offer and region indexes (no account; archsel.pricing.bulk reads them), and the Price
List Bulk API. ``ListPriceLists`` lists the price lists of one service code, currency and
effective date (``PriceLists: [{PriceListArn, RegionCode, CurrencyCode, FileFormats}]``, paginated
with ``NextToken``; https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_ListPriceLists.html);
``GetPriceListFileUrl`` turns one ARN and a format into a download URL
(https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetPriceListFileUrl.html).
``PriceListFiles`` does both, and `BulkPriceList` downloads and reads the file as it reads the
public ones. Calls go through boto3's ``pricing`` client (injected; any object with the two methods).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol, cast

from archsel.pricing.bulk import SAVINGS_PLANS_OFFER
from archsel.pricing.update import PricingUpdateError, ask, make_client

PAGE_SIZE = 100
MAX_LIST_PAGES = 50
"""Pages of one listing followed at most: a service has one price list per region (a few dozen)."""
FILE_FORMAT = "json"
CURRENCY = "USD"
LIST_SERVICE_CODES = {SAVINGS_PLANS_OFFER: "ComputeSavingsPlans"}
"""ListPriceLists' name for a file whose offer code differs: the Compute Savings Plans rates are
listed under the Savings Plans service code ComputeSavingsPlans (the ServiceCode parameter's documentation)."""
NOT_LISTED_CODES = frozenset({"NotFoundException", "ResourceNotFoundException"})
BULK_API_HINT = (
    "allow pricing:ListPriceLists and pricing:GetPriceListFileUrl to these credentials, or run without "
    "AWS credentials to read the public files; the price table was not changed"
)


class BulkApiClient(Protocol):
    """The two Price List Bulk API calls (boto3's `pricing` client has them)."""

    def list_price_lists(self, **kwargs: Any) -> Mapping[str, Any]:
        """AWS Price List `ListPriceLists`."""
        ...

    def get_price_list_file_url(self, **kwargs: Any) -> Mapping[str, Any]:
        """AWS Price List `GetPriceListFileUrl`."""
        ...


class PriceListFiles:
    """A `FileListing` over the Bulk API: one listing per service (every page), one URL per file."""

    description = "the AWS Price List Bulk API's offer files"

    def __init__(self, client: BulkApiClient, *, effective: dt.datetime, currency: str = CURRENCY) -> None:
        self._client = client
        self._effective = effective
        self._currency = currency
        self._arns: dict[str, dict[str, str]] = {}
        self._urls: dict[str, str] = {}

    def file_url(self, service: str, region: str) -> tuple[str | None, str]:
        """The URL of ``service``'s JSON file for ``region``, or None and why (not listed)."""
        arn = self.arns(service).get(region)
        if arn is None:
            code = LIST_SERVICE_CODES.get(service, service)
            return None, f"{service}: ListPriceLists lists no {self._currency} JSON price list of {code} for {region}"
        if arn not in self._urls:
            answer = _ask(self._client.get_price_list_file_url, {"PriceListArn": arn, "FileFormat": FILE_FORMAT})
            url = answer.get("Url")
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                raise PricingUpdateError(f"GetPriceListFileUrl answered no download URL for {arn}")
            self._urls[arn] = url
        return self._urls[arn], ""

    def arns(self, service: str) -> dict[str, str]:
        """{region code: price list ARN} of ``service`` in the currency, as JSON, from every page of the listing."""
        if service not in self._arns:
            self._arns[service] = _choose(self._listing(LIST_SERVICE_CODES.get(service, service)), self._currency)
        return self._arns[service]

    def _listing(self, code: str) -> list[Mapping[str, Any]]:
        arguments: dict[str, Any] = {
            "ServiceCode": code,
            "EffectiveDate": self._effective,
            "CurrencyCode": self._currency,
            "MaxResults": PAGE_SIZE,
        }
        entries: list[Mapping[str, Any]] = []
        for _ in range(MAX_LIST_PAGES):
            try:
                page = _ask(self._client.list_price_lists, arguments)
            except PricingUpdateError as error:
                if _error_code(error) in NOT_LISTED_CODES:
                    return entries  # a service code AWS does not know: nothing listed, noted by the caller
                raise
            entries.extend(e for e in page.get("PriceLists", ()) if isinstance(e, Mapping))
            token = page.get("NextToken")
            if not token:
                return entries
            arguments = arguments | {"NextToken": token}
        raise PricingUpdateError(f"ListPriceLists of {code}: more than {MAX_LIST_PAGES} pages")


def _choose(entries: list[Mapping[str, Any]], currency: str) -> dict[str, str]:
    """One ARN per region: the region's, in the currency, offered as JSON; the latest version if several."""
    chosen: dict[str, str] = {}
    for entry in entries:
        region, arn = entry.get("RegionCode"), entry.get("PriceListArn")
        formats = entry.get("FileFormats") or ()
        if not isinstance(region, str) or not isinstance(arn, str) or entry.get("CurrencyCode") != currency:
            continue
        if FILE_FORMAT in formats and arn > chosen.get(region, ""):
            chosen[region] = arn  # ARNs end .../<currency>/<version timestamp>/<region>: later sorts higher
    return chosen


def _ask(call: Any, arguments: Mapping[str, Any]) -> Mapping[str, Any]:
    try:
        return ask(call, arguments)
    except PricingUpdateError as error:
        if _error_code(error) in {"AccessDeniedException", "UnrecognizedClientException"}:
            raise PricingUpdateError(str(error), hint=BULK_API_HINT) from error.__cause__
        raise


def _error_code(error: PricingUpdateError) -> str:
    response = getattr(error.__cause__, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, Mapping) else ""


def bulk_api_files(endpoint_region: str, today: dt.date) -> PriceListFiles:
    """The Bulk API listing through boto3 (the credentials boto3 finds), for prices effective ``today``."""
    client = cast(BulkApiClient, make_client(endpoint_region))
    return PriceListFiles(client, effective=dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC))
