"""Compute Savings Plans rates in the price tables: their ids, and reading them from AWS's Savings Plans offer files.

A Savings Plans rate is stored like any price, under ``savings_plan.<term>_<payment>.<on-demand id>``
(e.g. ``savings_plan.1y_none.fargate.linux_x86.vcpu``): USD per unit of the on-demand price it
discounts. The rates come from the Savings Plans region files of the bulk Price List
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-savings-plans.html):
``products`` is a list of plans (attributes ``purchaseTerm`` 1yr|3yr and ``purchaseOption``
No Upfront|Partial Upfront|All Upfront) and ``terms.savingsPlan`` lists each plan's ``rates``,
one per discounted usage type (``discountedUsageType``, ``discountedServiceCode``,
``discountedRate.price``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from archsel.pricing.pricelist import Offer, PriceListFormatError, price_number
from archsel.pricing.selectors import LMI_INSTANCE_TYPES, Selector, price_key, usagetype_names
from archsel.pricing.tiers import ZERO, Tier

Term = Literal["1y", "3y"]
Payment = Literal["none", "partial", "all"]
TERMS: tuple[Term, ...] = get_args(Term)
PAYMENTS: tuple[Payment, ...] = get_args(Payment)
TERM_NAMES: Mapping[str, str] = {"1y": "1yr", "3y": "3yr"}
PAYMENT_NAMES: Mapping[str, str] = {"none": "No Upfront", "partial": "Partial Upfront", "all": "All Upfront"}

MANAGED_INSTANCE_PRICES: tuple[str, ...] = tuple(
    f"ec2.ondemand.{price_key(instance_type)}" for instance_type in LMI_INSTANCE_TYPES
)
"""The EC2 instance-hours of Lambda Managed Instances' capacity providers: a Compute Savings Plan covers
EC2 instance usage, and AWS says Savings Plans and Reserved Instances apply to the instances Lambda
Managed Instances runs (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html).
The management fee is not discounted: it is quoted as 15% of the on-demand instance price
(https://aws.amazon.com/lambda/pricing/)."""

ELIGIBLE_PRICES: tuple[str, ...] = (
    "lambda.duration.x86",
    "lambda.duration.arm64",
    "lambda.provisioned_concurrency.x86",
    "lambda.provisioned_concurrency.arm64",
    "lambda.provisioned_duration.x86",
    "lambda.provisioned_duration.arm64",
    "fargate.linux_x86.vcpu",
    "fargate.linux_x86.memory",
    "fargate.linux_arm.vcpu",
    "fargate.linux_arm.memory",
    *MANAGED_INSTANCE_PRICES,
)
"""On-demand prices a Compute Savings Plan discounts in archsel's designs (Lambda duration and
provisioned concurrency, Fargate vCPU and memory, EC2 instance-hours:
https://aws.amazon.com/savingsplans/compute-pricing/). Lambda requests, Fargate Spot, storage and the
Lambda Managed Instances management fee are not discounted."""

PREFIX = "savings_plan"


@dataclass(frozen=True, slots=True)
class PlanKey:
    """Which plan and which on-demand price one Savings Plans rate belongs to."""

    term: Term
    payment: Payment
    base_id: str


def rate_id(term: str, payment: str, base_id: str) -> str:
    """The table id of a Savings Plans rate.

    >>> rate_id("1y", "none", "fargate.linux_x86.vcpu")
    'savings_plan.1y_none.fargate.linux_x86.vcpu'
    """
    return f"{PREFIX}.{term}_{payment}.{base_id}"


def savings_plan_key(price_id: str) -> PlanKey | None:
    """The plan and on-demand price of a Savings Plans rate id, or None for any other price.

    >>> savings_plan_key("savings_plan.3y_all.lambda.duration.arm64")
    PlanKey(term='3y', payment='all', base_id='lambda.duration.arm64')
    >>> savings_plan_key("lambda.duration.x86") is None
    True
    """
    prefix, _, rest = price_id.partition(".")
    plan, _, base = rest.partition(".")
    term, _, payment = plan.partition("_")
    if prefix != PREFIX or term not in TERMS or payment not in PAYMENTS or base not in ELIGIBLE_PRICES:
        return None
    return PlanKey(term, payment, base)


@runtime_checkable
class SavingsPlanSource(Protocol):
    """A price source that also reads the Compute Savings Plans region files (the bulk files do)."""

    def savings_plan_file(self, region: str) -> Mapping[str, Any] | None:
        """The Compute Savings Plans region file of ``region``, or None when there is none."""
        ...


def find_savings_plan_offer(client: object, key: PlanKey, selector: Selector, region: str) -> tuple[Offer | None, str]:
    """The rate of ``key`` in ``region`` as a one-tier Offer, or None and the reason."""
    if not isinstance(client, SavingsPlanSource):
        return None, "Savings Plans rates are published in the bulk offer files only: use --source bulk"
    document = client.savings_plan_file(region)
    if document is None:
        return None, f"no Compute Savings Plans file for {region}"
    try:
        return read_rate(document, key, selector, region)
    except (PriceListFormatError, KeyError, TypeError, AttributeError) as error:
        return None, f"unreadable Savings Plans rate ({error})"


def read_rate(document: Mapping[str, Any], key: PlanKey, selector: Selector, region: str) -> tuple[Offer | None, str]:
    """The rate of ``key`` from one Savings Plans region file."""
    plans = {
        str(p["sku"])
        for p in document.get("products", ())
        if p.get("attributes", {}).get("purchaseTerm") == TERM_NAMES[key.term]
        and p.get("attributes", {}).get("purchaseOption") == PAYMENT_NAMES[key.payment]
    }
    names = usagetype_names(selector, region)
    for term in document.get("terms", {}).get("savingsPlan", ()):
        if str(term["sku"]) not in plans:
            continue
        for rate in term.get("rates", ()):
            if (
                rate.get("discountedServiceCode") == selector.service_code
                and rate.get("discountedUsageType") in names
                and _same_operation(rate, selector)
            ):
                return _offer(document, term, rate), ""
    plan = f"{TERM_NAMES[key.term]} {PAYMENT_NAMES[key.payment]}"
    return None, f"no {plan} Compute Savings Plans rate for usagetype {' or '.join(names)}"


def _same_operation(rate: Mapping[str, Any], selector: Selector) -> bool:
    """Whether ``rate`` discounts the operation the selector names, if it names one.

    An EC2 instance type has one usagetype (BoxUsage:<type>) for every operating system, told apart
    by the operation (RunInstances is Linux, RunInstances:0002 Windows, ...); the plan's rates
    differ by it, so the Linux instance-hour must not take the first rate of its usagetype.
    """
    wanted = dict(selector.attributes).get("operation")
    return wanted is None or rate.get("discountedOperation") == wanted


def _offer(document: Mapping[str, Any], term: Mapping[str, Any], rate: Mapping[str, Any]) -> Offer:
    price = rate["discountedRate"]
    if price.get("currency") != "USD":
        raise PriceListFormatError(f"rate not in USD: {price.get('currency')}")
    return Offer(
        sku=f"{term['sku']}.{rate.get('rateCode', '')}".rstrip("."),
        usagetype=str(rate["discountedUsageType"]),
        attributes=(),
        unit=str(rate.get("unit", "")),
        tiers=(Tier(ZERO, None, price_number(price["price"])),),
        effective=str(term.get("effectiveDate", document.get("publicationDate", "")))[:10],
        published=str(document.get("publicationDate", ""))[:10],
    )
