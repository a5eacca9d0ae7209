"""`archsel pricing update`: refresh a region's price table from the AWS Price List Query API.

The edge that talks to AWS (boto3 `pricing` client, injected) and writes the table atomically.
Plan first, write after: `plan_update()` asks the API for every price the cost engine uses and
returns an UpdatePlan (the new table, what changed, what was not refreshed and why);
`write_plan()` writes it; `--dry-run` shows the plan and stops. Nothing is written when any
request fails, so an update never leaves a half-refreshed or half-written table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from archsel.errors import ArchselError
from archsel.pricing.pricelist import Offer, PriceListFormatError, parse_product, same_ladder, without_free_first_tier
from archsel.pricing.savings_plans import SavingsPlanSource, find_savings_plan_offer, savings_plan_key
from archsel.pricing.selectors import NOT_IN_QUERY_API, Selector, selector_for, usagetype_names
from archsel.pricing.table import Price, PriceTable, load_price_file
from archsel.pricing.tiers import Tier
from archsel.pricing.yaml_io import dump_table, write_text_atomic

MAX_RESULTS = 100  # the API's largest page
MAX_PAGES = 50  # a selector matches a handful of products; more pages means a runaway query
SUSPICIOUS_FACTOR = Decimal(3)
"""A refreshed value more than 3x away from the previous one is held back: most likely a unit mix-up."""
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})
CREDENTIALS_HINT = (
    "give boto3 credentials of any IAM identity allowed pricing:GetProducts (AWS_PROFILE, "
    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws configure`), or read AWS's public files with --source bulk "
    "(no account needed); the price table was not changed"
)


class PricingUpdateError(ArchselError):
    """The Price List API could not be asked (no credentials, throttled, refused); nothing was written."""


class PricingClient(Protocol):
    """The one call archsel makes on boto3's `pricing` client."""

    def get_products(self, **kwargs: Any) -> Mapping[str, Any]:
        """AWS Price List `GetProducts`."""
        ...


@dataclass(frozen=True, slots=True)
class Query:
    """One `get_products` question: a service code and TERM_MATCH filters."""

    service_code: str
    filters: tuple[tuple[str, str], ...]

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of `get_products` (without NextToken)."""
        return {
            "ServiceCode": self.service_code,
            "Filters": [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in self.filters],
            "FormatVersion": "aws_v1",
            "MaxResults": MAX_RESULTS,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """One tier of one price, before and after (values as the table quotes them, per ``per`` units)."""

    price_id: str
    tier: str
    old: Decimal | None
    new: Decimal | None
    per: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Relative change in percent; None when there was no old value (or it was zero)."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / self.old * 100


@dataclass(frozen=True, slots=True)
class Skipped:
    """A price the update left as it was, and why."""

    price_id: str
    reason: str
    kept_value: bool
    """False when there was no previous value (a new region): the price is missing in the new table."""


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """What `pricing update` would write for one region."""

    region: str
    path: Path
    table: PriceTable
    refreshed: tuple[str, ...]
    changes: tuple[Change, ...]
    not_refreshed: tuple[Skipped, ...]
    """Prices the API should have answered for but did not (missing product, ambiguous, held back)."""
    not_in_api: tuple[Skipped, ...]
    """Prices the Query API has no dimension for; always kept."""


# ----------------------------------------------------------------------------- asking the API


def queries_for(selector: Selector, region: str) -> tuple[Query, ...]:
    """The queries that can find ``selector`` in ``region``, in order (us-east-1 has two usagetype spellings)."""
    region_filter = () if selector.region_field is None else ((selector.region_field, region),)
    if selector.usagetype_marker is not None:
        return (Query(selector.service_code, (*region_filter, *selector.attributes)),)
    return tuple(
        Query(selector.service_code, (*region_filter, ("usagetype", name), *selector.attributes))
        for name in usagetype_names(selector, region)
    )


def fetch(client: PricingClient, query: Query) -> tuple[tuple[Offer, ...], tuple[str, ...]]:
    """Every product answering ``query`` (following NextToken), and why any could not be read.

    API failures become PricingUpdateError; a product with an unexpected shape is left out
    and its problem returned, so one odd row never stops the whole update.
    """
    offers: list[Offer] = []
    problems: list[str] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        arguments = query.arguments() | ({"NextToken": token} if token else {})
        page = _call(client, arguments)
        for item in page.get("PriceList", ()):
            try:
                offers.append(parse_product(item))
            except (PriceListFormatError, ValueError) as error:
                problems.append(str(error))
        token = page.get("NextToken") or None
        if token is None:
            return tuple(offers), tuple(problems)
    raise PricingUpdateError(f"{query.service_code}: more than {MAX_PAGES} pages of products for {query.filters}")


def _call(client: PricingClient, arguments: dict[str, Any]) -> Mapping[str, Any]:
    return ask(client.get_products, arguments)


def ask(call: Callable[..., Mapping[str, Any]], arguments: Mapping[str, Any]) -> Mapping[str, Any]:
    """One Price List API call (any operation); a refusal, a throttle or no network becomes PricingUpdateError.

    The botocore error stays as the PricingUpdateError's ``__cause__``.
    """
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

    try:
        return call(**arguments)
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise PricingUpdateError(
            f"no AWS credentials for the Price List API ({error})", hint=CREDENTIALS_HINT
        ) from error
    except ClientError as error:
        raise _client_error(error) from error
    except BotoCoreError as error:
        raise PricingUpdateError(
            f"cannot reach the AWS Price List API: {error}",
            hint="check the network and the endpoint (--endpoint-region us-east-1, eu-central-1 or ap-south-1)",
        ) from error


def _client_error(error: Any) -> PricingUpdateError:
    details = error.response.get("Error", {})
    code, message = str(details.get("Code", "")), str(details.get("Message", ""))
    if code in THROTTLING_CODES:
        return PricingUpdateError(
            f"the AWS Price List API kept throttling requests ({code}) after botocore's adaptive retries",
            hint="wait a minute and run the update again; the price table was not changed",
        )
    if code in {"AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException"}:
        return PricingUpdateError(
            f"the AWS Price List API refused the request: {code}: {message}", hint=CREDENTIALS_HINT
        )
    return PricingUpdateError(f"the AWS Price List API failed: {code}: {message}")


def has_credentials() -> bool:
    """Whether boto3 finds AWS credentials (environment, profile, SSO, instance role) without asking AWS."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.session.Session().get_credentials() is not None
    except BotoCoreError:  # a named profile that does not exist, an unreadable config: no usable credentials
        return False


def make_client(endpoint_region: str = "us-east-1") -> PricingClient:
    """boto3's `pricing` client at one of the Price List endpoints, with adaptive retries for throttling."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "adaptive", "max_attempts": 8})
    # A fresh session: boto3's default one caches the credentials it found first.
    client: PricingClient = boto3.session.Session().client("pricing", region_name=endpoint_region, config=config)
    return client


# ----------------------------------------------------------------------------- from offers to prices


def find_offer(client: PricingClient, selector: Selector, region: str) -> tuple[Offer | None, str]:
    """The one offer ``selector`` names in ``region``, or None and the reason it could not be chosen."""
    names = usagetype_names(selector, region)
    problems: tuple[str, ...] = ()
    for query in queries_for(selector, region):
        found, problems = fetch(client, query)
        offers = tuple(o for o in found if _matches(o, query) and _has_marker(o, selector))
        if offers:
            if not same_ladder(offers):
                skus = ", ".join(sorted(o.sku for o in offers))
                return None, f"ambiguous: {len(offers)} products with different prices match ({skus})"
            return min(offers, key=lambda o: o.sku), ""
    unreadable = f" (unreadable: {'; '.join(problems)})" if problems else ""
    if selector.usagetype_marker is not None:
        wanted = ", ".join(f"{k} {v}" for k, v in selector.attributes)
        return (
            None,
            f"no product in the Price List answer for {wanted}, usagetype *{selector.usagetype_marker}*{unreadable}",
        )
    return None, f"no product in the Price List answer for usagetype {' or '.join(names)}{unreadable}"


def _matches(offer: Offer, query: Query) -> bool:
    # The API filtered already; check again so a loose answer can never slip a Spot, ARM,
    # Windows or Serverless v1 row in: every filter must hold exactly, not as a substring.
    return all(offer.attribute(name) == value for name, value in query.filters)


def _has_marker(offer: Offer, selector: Selector) -> bool:
    marker = selector.usagetype_marker
    return marker is None or marker.lower() in offer.usagetype.lower()


def refreshed_price(old: Price, offer: Offer, selector: Selector) -> Price:
    """``old`` with the offer's ladder, SKU, usagetype and dates (item, unit, source stay)."""
    tiers = without_free_first_tier(offer.tiers) if selector.free_first_tier else offer.tiers
    folded = tiers != offer.tiers
    notes = (
        f"The Price List gives the first {offer.tiers[0].end:f} {old.unit} at $0; archsel lists that under free_tier."
        if folded and offer.tiers[0].end is not None
        else None
    )
    return dataclasses.replace(
        old,
        tiers=tiers,
        as_of=f"Price List, effective {offer.effective}",
        evidence="price_list",
        notes=notes,
        sku=offer.sku,
        usagetype=offer.usagetype,
        effective=offer.effective,
        published=offer.published,
    )


def _held_back(old: Price, new: Price) -> str | None:
    if old.missing or new.missing:
        return None
    before, after = old.tiers[0].unit_price_usd, new.tiers[0].unit_price_usd
    if before == 0 or after == 0:
        return None
    ratio = after / before
    if ratio > SUSPICIOUS_FACTOR or ratio < 1 / SUSPICIOUS_FACTOR:
        return (
            f"held back: the Price List value {after * old.per:f} per {old.per:f} {old.unit} is more than "
            f"{SUSPICIOUS_FACTOR}x away from {before * old.per:f}; check the unit ({new.usagetype})"
        )
    return None


def kept_price(old: Price, reason: str, *, today: dt.date, had_value: bool) -> Price:
    """``old`` kept as it is (or left missing for a new region), with a note saying why."""
    verb = "Kept from the previous table" if had_value else "No value: not in the Price List answer"
    note = f"{verb} by `archsel pricing update` on {today.isoformat()}: {reason}."
    previous = old.notes if old.notes and not old.notes.startswith(("Kept from", "No value:")) else None
    notes = f"{note} {previous}" if previous else note
    if had_value:
        return dataclasses.replace(old, notes=notes)
    return dataclasses.replace(
        old, tiers=(), evidence="unverified", as_of="not fetched", notes=notes, sku=None, usagetype=None
    )


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """What to refresh: a region, its current table (or a template for a new region), and the date."""

    region: str
    path: Path
    base: PriceTable
    has_previous: bool
    """False when ``base`` is another region's table used only for its layout."""
    today: dt.date
    source: str = "the AWS Price List Query API"
    """Where the prices came from, for the table's notes."""


def plan_update(request: UpdateRequest, client: PricingClient) -> UpdatePlan:
    """Ask the API for every price in the table and work out the new table and what changed."""
    prices: list[Price] = []
    refreshed: list[str] = []
    not_refreshed: list[Skipped] = []
    not_in_api: list[Skipped] = []
    for old in request.base.prices:
        new, skipped = _refresh_one(request, client, old)
        prices.append(new)
        if skipped is None:
            refreshed.append(old.id)
        elif old.id in NOT_IN_QUERY_API or _plan_rate_not_in_source(old.id, client):
            not_in_api.append(skipped)
        else:
            not_refreshed.append(skipped)
    table = _new_table(request, tuple(prices), len(refreshed))
    changes = tuple(c for old, new in zip(request.base.prices, prices, strict=True) for c in diff(old, new, request))
    return UpdatePlan(
        request.region, request.path, table, tuple(refreshed), changes, tuple(not_refreshed), tuple(not_in_api)
    )


def _plan_rate_not_in_source(price_id: str, client: PricingClient) -> bool:
    # The Query API's pricing service has no Savings Plans rates: for it they are like NOT_IN_QUERY_API.
    return savings_plan_key(price_id) is not None and not isinstance(client, SavingsPlanSource)


def _refresh_one(request: UpdateRequest, client: PricingClient, old: Price) -> tuple[Price, Skipped | None]:
    had_value = request.has_previous and not old.missing
    plan_key = savings_plan_key(old.id)
    selector = selector_for(old.id if plan_key is None else plan_key.base_id)
    if selector is None:
        reason = NOT_IN_QUERY_API.get(old.id, "archsel has no Price List selector for it")
        return kept_price(old, reason, today=request.today, had_value=had_value), Skipped(old.id, reason, had_value)
    if plan_key is None:
        offer, reason = find_offer(client, selector, request.region)
    else:
        offer, reason = find_savings_plan_offer(client, plan_key, selector, request.region)
    if offer is not None:
        new = refreshed_price(old, offer, selector)
        held = _held_back(old, new) if had_value else None
        if held is None:
            return new, None
        reason = held
    return kept_price(old, reason, today=request.today, had_value=had_value), Skipped(old.id, reason, had_value)


def _new_table(request: UpdateRequest, prices: tuple[Price, ...], refreshed: int) -> PriceTable:
    notes = (
        f"Refreshed from {request.source} on {request.today.isoformat()}: {refreshed} of "
        f"{len(prices)} prices; the others say why in their notes. Refresh again with "
        f"`archsel pricing update --region {request.region}`."
    )
    return dataclasses.replace(
        request.base,
        region=request.region,
        as_of=request.today,
        source_file=str(request.path),
        prices=prices,
        notes=notes,
    )


def diff(old: Price, new: Price, request: UpdateRequest) -> tuple[Change, ...]:
    """The tiers of a price whose value (or edges) changed, as the table quotes them."""
    before = old.tiers if request.has_previous else ()
    if before == new.tiers:
        return ()
    count = max(len(before), len(new.tiers))
    return tuple(
        Change(
            old.id,
            _tier_name(new.tiers or before, i, count),
            _quoted(before, i, old.per),
            _quoted(new.tiers, i, new.per),
            new.per,
        )
        for i in range(count)
        if _quoted(before, i, old.per) != _quoted(new.tiers, i, new.per) or _edge(before, i) != _edge(new.tiers, i)
    )


def _quoted(tiers: tuple[Tier, ...], index: int, per: Decimal) -> Decimal | None:
    return tiers[index].unit_price_usd * per if index < len(tiers) else None


def _edge(tiers: tuple[Tier, ...], index: int) -> tuple[Decimal, Decimal | None] | None:
    return (tiers[index].start, tiers[index].end) if index < len(tiers) else None


def _tier_name(tiers: tuple[Tier, ...], index: int, count: int) -> str:
    if count <= 1:
        return ""
    if index >= len(tiers):
        return f"tier {index + 1} (removed)"
    tier = tiers[index]
    return f"{tier.start:f}+" if tier.end is None else f"{tier.start:f}-{tier.end:f}"


# ----------------------------------------------------------------------------- writing


def write_plan(plan: UpdatePlan, *, chunks: Callable[[PriceTable], Iterable[str]] = dump_table) -> Path:
    """Write the plan's table to its path atomically (temp file + os.replace); returns the path.

    The temporary file is loaded back with the table schema before it replaces the old one.
    """
    try:
        write_text_atomic(plan.path, chunks(plan.table), check=load_price_file)
    except OSError as error:
        raise PricingUpdateError(
            f"{plan.path}: cannot write the price table ({error.strerror or error})",
            hint="write elsewhere with --dir DIR and pass the file to other commands with --prices; the old table is intact",
        ) from error
    return plan.path
