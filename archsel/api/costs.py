"""The no-simulation estimate, the price tables and their refresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.cost.components import CostEstimate
from archsel.errors import PricingError, UsageError
from archsel.pricing.table import Price, PriceTable
from archsel.profile.architecture import ARCHITECTURES, Architecture
from archsel.profile.loader import load_profile
from archsel.profile.schema import WorkloadProfile

if TYPE_CHECKING:
    from archsel.pricing.update import PricingClient, UpdatePlan


@dataclass(frozen=True, slots=True)
class CostReport:
    """The output of `archsel cost`: one no-simulation estimate per architecture."""

    profile: WorkloadProfile
    source: str
    prices: PriceTable
    estimates: tuple[CostEstimate, ...]

    @property
    def missing_prices(self) -> tuple[str, ...]:
        """Price ids some estimate needed but the table lacks."""
        return tuple(dict.fromkeys(pid for e in self.estimates for pid in e.missing_prices))

    def missing_price_error(self) -> PricingError | None:
        """The error to raise after showing an estimate with missing prices (None when complete)."""
        return missing_price_error(self.prices, self.estimates)


def missing_price_error(prices: PriceTable, estimates: Iterable[CostEstimate]) -> PricingError | None:
    """The error to raise after showing estimates that lack some prices (None when every price was there)."""
    missing = tuple(dict.fromkeys(pid for estimate in estimates for pid in estimate.missing_prices))
    if not missing:
        return None
    return PricingError(
        f"{prices.source_file}: no price for {', '.join(missing)}; the estimate above leaves those lines out",
        hint=(
            "add the value to the table (or a copy of it passed with --prices FILE), "
            f"or fetch it with `archsel pricing update --region {prices.region}`"
        ),
    )


def cost(profile_path: str | Path, *, arch: str = "all", prices_path: str | Path | None = None) -> CostReport:
    """Load the profile and its price table; estimate each requested architecture without simulating.

    ``arch`` is lambda, fargate or all; ``prices_path`` replaces the shipped table of the
    profile's region by a file in the same format.
    """
    from archsel.cost.engine import estimate, usage_from_profile

    profile = load_profile(profile_path)
    prices = pricing_table(region=profile.region, prices_path=prices_path)
    if prices.region != profile.region:
        raise PricingError(
            f"{prices.source_file}: prices are for {prices.region} but {profile_path} runs in {profile.region}",
            hint="use a price table of the profile's region",
        )
    estimates = tuple(estimate(profile, usage_from_profile(profile, a), prices) for a in architectures_named(arch))
    return CostReport(profile, str(profile_path), prices, estimates)


def architectures_named(arch: str) -> tuple[Architecture, ...]:
    if arch == "all":
        return ARCHITECTURES
    if arch in ARCHITECTURES:
        return (Architecture(arch),)
    raise UsageError(f"--arch must be lambda, fargate or all (got {arch!r})")


def pricing_table(*, region: str | None = None, prices_path: str | Path | None = None) -> PriceTable:
    """The price table in use: ``prices_path`` if given, else the shipped one of ``region`` (default us-east-1)."""
    from archsel.pricing.table import load_price_file, load_prices

    if prices_path is not None:
        return load_price_file(prices_path)
    return load_prices(region or "us-east-1")


def prices_of_service(table: PriceTable, service: str | None) -> tuple[Price, ...]:
    """The prices of one cost-component service (all of them for None); an unknown name is a usage error."""
    from archsel.pricing.table import SERVICES

    if service is None:
        return table.prices
    if service not in SERVICES:
        raise UsageError(f"--service: unknown service {service!r}", hint=f"use one of: {', '.join(SERVICES)}")
    return table.for_service(service)


def plan_pricing_update(
    *,
    region: str,
    client: PricingClient,
    today: dt.date,
    directory: Path | None = None,
    source: str | None = None,
) -> UpdatePlan:
    """Ask the Price List API (``client``, boto3's `pricing` client) for ``region``'s prices.

    The region's table in ``directory`` (default: the shipped pricing/aws/) is the previous
    state; a region without one gets the us-east-1 table's layout and only what the API answers.
    Nothing is written: see ``write_pricing_update``.
    """
    from archsel.pricing.table import load_price_file, load_prices
    from archsel.pricing.update import UpdateRequest, plan_update

    folder = directory if directory is not None else _price_folder()
    path = folder / f"{region}.yaml"
    if path.is_file():
        request = UpdateRequest(region, path, load_price_file(path), True, today)
    else:
        request = UpdateRequest(region, path, load_prices("us-east-1"), False, today)
    named = source if source is not None else _source_name(client)
    return plan_update(dataclasses.replace(request, source=named), client)


def _source_name(client: object) -> str:
    from archsel.pricing.bulk import BulkPriceList

    if isinstance(client, BulkPriceList):
        return client.description
    return "the AWS Price List Query API"


def write_pricing_update(plan: UpdatePlan) -> Path:
    """Write an update plan's table atomically; the old file stays intact if anything fails."""
    from archsel.pricing.update import write_plan

    return write_plan(plan)


def pricing_regions(directory: Path | None = None) -> tuple[str, ...]:
    """Regions that have a price table in ``directory`` (default: the shipped folder)."""
    from archsel.pricing.table import available_regions

    return available_regions(directory=directory if directory is not None else _price_folder())


def _price_folder() -> Path:
    from archsel.resources import pricing_dir

    return pricing_dir() / "aws"
