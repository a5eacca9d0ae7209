"""Dated, sourced AWS price tables (pricing/aws/<region>.yaml): schema, loader and lookups.

The YAML file is validated by a pydantic schema at the edge; the rest of archsel sees the
frozen ``PriceTable``. Values are USD as Decimal, per one base unit (the file may say "per
1,000,000 requests"; the table keeps that ``per`` for display only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from archsel.errors import PricingError
from archsel.pricing.tiers import ZERO, Tier

Service = Literal[
    "lambda",
    "api_gateway",
    "fargate",
    "ec2",
    "alb",
    "public_ipv4",
    "nat_gateway",
    "dynamodb",
    "aurora",
    "rds_proxy",
    "s3",
    "cloudfront",
    "cognito",
    "cloudwatch_logs",
    "data_transfer",
    "efs",
    "savings_plans",
]

SERVICES: tuple[Service, ...] = get_args(Service)
"""Cost-component services, in the order bills list them."""


# ----------------------------------------------------------------------------- values used by the engine


@dataclass(frozen=True, slots=True)
class Price:
    """One sourced unit price; ``tiers`` is empty when the table marks the price unknown."""

    id: str
    service: str
    item: str
    unit: str
    per: Decimal
    """The file quotes USD per this many units (display only; tiers hold per-unit prices)."""
    tiers: tuple[Tier, ...]
    source: str
    as_of: str
    evidence: str
    notes: str | None = None
    sku: str | None = None
    """Price List SKU the value was read from (set by `archsel pricing update`)."""
    usagetype: str | None = None
    """Price List usagetype of that SKU, with its region prefix (USE1-, EU-, EUC1- ...)."""
    effective: str | None = None
    """Effective date of the Price List on-demand term (YYYY-MM-DD)."""
    published: str | None = None
    """Publication date of the Price List offer the value came from (YYYY-MM-DD)."""

    @property
    def missing(self) -> bool:
        """Whether the table gives no value for this price."""
        return not self.tiers


@dataclass(frozen=True, slots=True)
class FreeAllowance:
    """A monthly always-free allowance, taken from the bottom of the tier ladder of its prices."""

    id: str
    item: str
    applies_to: tuple[str, ...]
    quantity: Decimal
    unit: str
    source: str
    as_of: str
    evidence: str


@dataclass(frozen=True, slots=True)
class PriceTable:
    """A region's prices as of a date, read from ``source_file``."""

    region: str
    as_of: dt.date
    source_file: str
    currency: str
    prices: tuple[Price, ...]
    free_tier: tuple[FreeAllowance, ...]
    notes: str | None = None
    """How the table was made (fetched, derived from another region, ...) and how to refresh it."""
    _index: Mapping[str, Price] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({p.id: p for p in self.prices}))

    def price(self, price_id: str) -> Price | None:
        """The price called ``price_id``, or None when the table has no such entry."""
        return self._index.get(price_id)

    def free_allowance(self, price_id: str) -> FreeAllowance | None:
        """The free-tier allowance that covers ``price_id``, if any."""
        return next((a for a in self.free_tier if price_id in a.applies_to), None)

    def for_service(self, service: str) -> tuple[Price, ...]:
        """Prices feeding one cost-component service."""
        return tuple(p for p in self.prices if p.service == service)


# ----------------------------------------------------------------------------- file schema (edge)


def _decimal(value: Any) -> Any:
    # YAML gives floats; their shortest repr is the literal written in the file, so no binary noise.
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return value


Money = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]
Amount = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _TierModel(_Strict):
    start: Amount = Field(alias="from")
    end: Amount | None = Field(alias="to")
    value: Money


class _PriceModel(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    item: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    per: Amount = Field(default=Decimal(1), gt=0)
    value: Money | None = None
    tiers: tuple[_TierModel, ...] | None = None
    source: str = Field(pattern=r"^https://")
    as_of: str = Field(min_length=1)
    evidence: str = Field(min_length=1)
    notes: str | None = None
    sku: str | None = Field(default=None, min_length=1)
    usagetype: str | None = Field(default=None, min_length=1)
    effective: dt.date | None = None
    published: dt.date | None = None

    @model_validator(mode="after")
    def _check_tiers(self) -> _PriceModel:
        if self.value is not None and self.tiers is not None:
            raise ValueError("give value or tiers, not both")
        if self.tiers is not None:
            _check_ladder(self.tiers)
        return self


def _check_ladder(tiers: tuple[_TierModel, ...]) -> None:
    if not tiers:
        raise ValueError("tiers must list at least one tier")
    expected = ZERO
    for number, tier in enumerate(tiers, start=1):
        if tier.start != expected:
            raise ValueError(f"tier {number} must start where the previous ends ({expected}), got {tier.start}")
        last = number == len(tiers)
        if last != (tier.end is None):
            raise ValueError("only the last tier is open-ended (to: null)")
        if tier.end is not None and tier.end <= tier.start:
            raise ValueError(f"tier {number}: to must be above from")
        expected = tier.end if tier.end is not None else expected


class _FreeModel(_Strict):
    id: str = Field(min_length=1)
    item: str = Field(min_length=1)
    applies_to: tuple[str, ...] = Field(min_length=1)
    quantity: Amount
    unit: str = Field(min_length=1)
    source: str = Field(pattern=r"^https://")
    as_of: str = Field(min_length=1)
    evidence: str = Field(min_length=1)


class _TableModel(_Strict):
    region: str = Field(min_length=1)
    currency: Literal["USD"]
    as_of: dt.date
    notes: str | None = None
    prices: dict[Service, tuple[_PriceModel, ...]]
    free_tier: tuple[_FreeModel, ...] = ()

    @model_validator(mode="after")
    def _check_references(self) -> _TableModel:
        units: dict[str, str] = {}
        for entries in self.prices.values():
            for price in entries:
                if price.id in units:
                    raise ValueError(f"price id {price.id} appears twice")
                units[price.id] = price.unit
        for allowance in self.free_tier:
            for price_id in allowance.applies_to:
                if units.get(price_id, allowance.unit) != allowance.unit:
                    raise ValueError(
                        f"free_tier {allowance.id}: unit {allowance.unit!r} differs from {price_id}'s {units[price_id]!r}"
                    )
        return self


# ----------------------------------------------------------------------------- loading


def available_regions(*, directory: Path | None = None) -> tuple[str, ...]:
    """Regions that have a price table in ``directory`` (default: the shipped pricing/aws/), sorted."""
    folder = directory if directory is not None else _shipped_directory()
    return tuple(sorted(path.stem for path in folder.glob("*.yaml"))) if folder.is_dir() else ()


def load_prices(region: str, *, directory: Path | None = None) -> PriceTable:
    """The price table of ``region`` (shipped, or from ``directory``); a PricingError names the regions that have one."""
    folder = directory if directory is not None else _shipped_directory()
    path = folder / f"{region}.yaml"
    if not path.is_file():
        regions = ", ".join(available_regions(directory=folder)) or "none"
        raise PricingError(
            f"no price table for region {region!r} (tables exist for: {regions})",
            hint="set the profile's region to one of those, or pass a table file with --prices FILE",
        )
    table = load_price_file(path)
    if table.region != region:
        raise PricingError(f"{path}: region: says {table.region!r} but the file is named for {region!r}")
    return table


def _shipped_directory() -> Path:
    from archsel.resources import pricing_dir

    return pricing_dir() / "aws"


def load_price_file(path: str | Path) -> PriceTable:
    """Read and validate a price table file (the shipped format); errors name file and field."""
    source = Path(path)
    data = _read_yaml(source)
    try:
        model = _TableModel.model_validate(data)
    except ValidationError as error:
        raise PricingError(_describe(error, source), hint=_HINT) from error
    return _to_table(model, str(source))


_HINT = "compare with pricing/aws/us-east-1.yaml; its header comment describes every key"


# The shipped tables are ~100 KB; a price table file of megabytes is the wrong file.
PRICE_TABLE_MAX_BYTES = 4 * 1024 * 1024


def _read_yaml(source: Path) -> Any:
    import yaml

    from archsel.errors import ProfileError
    from archsel.profile.input_limits import (
        CountingComposer,
        TooManyNodes,
        check_expansion,
        check_node_count,
        read_bounded,
        too_many_values,
    )

    class CountingLoader(CountingComposer, yaml.SafeLoader):
        """SafeLoader that refuses a document of too many values as it reads it."""

    # libyaml's parser when PyYAML has it (~20x faster); it counts nothing, so the tree is counted after
    loader_class = getattr(yaml, "CSafeLoader", CountingLoader)
    loader = None
    try:
        text = read_bounded(source, PRICE_TABLE_MAX_BYTES, "price table").decode("utf-8")
        loader = loader_class(text)
        node = loader.get_single_node()
        check_node_count(node)
        check_expansion(node, str(source))  # aliases bounded before anything walks the tree
        data = loader.construct_document(node) if node is not None else None
    except TooManyNodes as error:
        raise PricingError(too_many_values(str(source), error.line).message, hint=_HINT) from None
    except ProfileError as error:
        raise PricingError(error.message, hint=error.hint) from error
    except UnicodeDecodeError as error:
        raise PricingError(f"{source}: a price table is UTF-8 YAML; this is not text ({error.reason})") from error
    except yaml.YAMLError as error:
        raise PricingError(f"{source}: price table is not valid YAML: {error}", hint=_HINT) from error
    except RecursionError:
        raise PricingError(f"{source}: price table is nested too deeply", hint=_HINT) from None
    except (ValueError, OverflowError) as error:  # constructors: bad dates, huge ints
        raise PricingError(f"{source}: price table has a value that cannot be read ({error})", hint=_HINT) from error
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise PricingError(f"{source}: a price table is a YAML mapping (region, as_of, prices, ...)", hint=_HINT)
    return data


def _describe(error: ValidationError, source: Path) -> str:
    lines = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{source}: {where}: {message}")
    return "\n".join(dict.fromkeys(lines))


RENAMED_IDS: Mapping[str, str] = MappingProxyType({"dto.internet.us_east_1": "dto.internet"})
"""Price ids an older table may still use, and their region-neutral names (read as the new name)."""


def current_id(price_id: str) -> str:
    """``price_id`` under its current name (tables written before a rename still load)."""
    return RENAMED_IDS.get(price_id, price_id)


def _to_table(model: _TableModel, source_file: str) -> PriceTable:
    groups = sorted(model.prices.items(), key=lambda item: SERVICES.index(item[0]))
    prices = tuple(_to_price(service, price) for service, entries in groups for price in entries)
    free = tuple(
        FreeAllowance(
            a.id, a.item, tuple(current_id(i) for i in a.applies_to), a.quantity, a.unit, a.source, a.as_of, a.evidence
        )
        for a in model.free_tier
    )
    return PriceTable(model.region, model.as_of, source_file, model.currency, prices, free, model.notes)


def _to_price(service: str, model: _PriceModel) -> Price:
    if model.tiers is not None:
        tiers = tuple(Tier(t.start, t.end, t.value / model.per) for t in model.tiers)
    elif model.value is not None:
        tiers = (Tier(ZERO, None, model.value / model.per),)
    else:
        tiers = ()
    return Price(
        id=current_id(model.id),
        service=service,
        item=model.item,
        unit=model.unit,
        per=model.per,
        tiers=tiers,
        source=model.source,
        as_of=model.as_of,
        evidence=model.evidence,
        notes=model.notes,
        sku=model.sku,
        usagetype=model.usagetype,
        effective=None if model.effective is None else model.effective.isoformat(),
        published=None if model.published is None else model.published.isoformat(),
    )


# ----------------------------------------------------------------------------- staleness

STALE_AFTER_DAYS = 180
"""A table older than this gets a warning with the refresh command."""


def staleness_warning(table: PriceTable, *, today: dt.date, max_age_days: int = STALE_AFTER_DAYS) -> str | None:
    """A one-line warning when ``table`` is older than ``max_age_days`` on ``today``, else None.

    ``today`` is a parameter so callers (and tests) decide the clock.

    >>> table = PriceTable("eu-west-1", dt.date(2026, 1, 1), "t.yaml", "USD", (), ())
    >>> staleness_warning(table, today=dt.date(2026, 6, 30)) is None
    True
    >>> print(staleness_warning(table, today=dt.date(2026, 7, 1)))
    prices for eu-west-1 are 181 days old (as of 2026-01-01); refresh them with `archsel pricing update --region eu-west-1`
    """
    age = (today - table.as_of).days
    if age <= max_age_days:
        return None
    return (
        f"prices for {table.region} are {age} days old (as of {table.as_of.isoformat()}); "
        f"refresh them with `archsel pricing update --region {table.region}`"
    )
