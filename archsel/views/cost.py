"""Renders cost estimates and price tables: Infracost-like tables (plain when piped), JSON, markdown."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from archsel.cost.billing import compact
from archsel.cost.components import CostComponent, CostEstimate
from archsel.cost.engine import estimate_document
from archsel.pricing.table import SERVICES, FreeAllowance, Price, PriceTable
from archsel.profile.architecture import Architecture
from archsel.views.common import console_for, write_json

if TYPE_CHECKING:
    from archsel.api import CostReport

SERVICE_TITLES = {
    "lambda": "Lambda",
    "api_gateway": "API Gateway",
    "fargate": "Fargate",
    "ec2": "EC2 (Lambda Managed Instances)",
    "alb": "Application Load Balancer",
    "public_ipv4": "Public IPv4",
    "nat_gateway": "NAT gateway",
    "dynamodb": "DynamoDB",
    "aurora": "Aurora Serverless v2",
    "rds_proxy": "RDS Proxy",
    "s3": "S3",
    "cloudfront": "CloudFront",
    "cognito": "Cognito",
    "cloudwatch_logs": "CloudWatch Logs",
    "data_transfer": "Data transfer",
    "efs": "EFS",
}
ARCH_TITLES: dict[str, str] = {
    Architecture.LAMBDA: "API Gateway + Lambda",
    Architecture.FARGATE: "ALB + ECS Fargate",
    Architecture.LAMBDA_MANAGED: "API Gateway + Lambda Managed Instances",
}
USAGE_MARK = "*"


# ----------------------------------------------------------------------------- formatting


def money(value: Decimal | None) -> str:
    """USD to the cent with separators; a missing price reads 'missing price'."""
    return "missing price" if value is None else f"{value:,.2f}"


def quantity_text(value: Decimal) -> str:
    """Whole numbers above 100, two decimals above 1, three significant digits below."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1 or value == 0:
        text = f"{value:,.2f}"
        return text.rstrip("0").rstrip(".")
    return f"{float(value):.3g}"


def unit_price_text(component: CostComponent, prices: PriceTable) -> str:
    """The unit price as the table quotes it: '0.20 per 1M', '0.0000166667', 'free'."""
    if component.unit_price_usd is None:
        return "-"
    price = prices.price(component.price_id)
    if price is None:
        return "free" if component.unit_price_usd == 0 else f"{component.unit_price_usd:f}"
    text = quote(component.unit_price_usd * price.per)
    return f"{text} per {compact(price.per)}" if price.per != 1 else text


def quote(value: Decimal) -> str:
    """A unit price with every digit it has and at least two decimals: 0.20, 0.0000166667."""
    text = f"{value.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def _grouped(estimate: CostEstimate) -> list[tuple[str, list[CostComponent]]]:
    groups: dict[str, list[CostComponent]] = {}
    for component in estimate.components:
        groups.setdefault(component.service, []).append(component)
    order: dict[str, int] = {service: index for index, service in enumerate(SERVICES)}
    return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))


def _subtotal(components: list[CostComponent]) -> Decimal:
    return sum((c.monthly_usd for c in components if c.monthly_usd is not None), Decimal(0))


def _name(component: CostComponent) -> str:
    return component.name if component.always_on else f"{component.name} {USAGE_MARK}"


def _footer(report: CostReport) -> list[str]:
    prices, pricing = report.prices, report.profile.pricing
    lines = [
        f"Prices: {prices.region} as of {prices.as_of.isoformat()} ({prices.source_file}), {prices.currency}.",
        f"Month of {pricing.hours_per_month:g} hours; free tier {'applied' if pricing.free_tier else 'not applied'}; "
        "no simulation (mean load; run `archsel simulate` for cold starts and scaling).",
        f"{USAGE_MARK} usage-based line (scales with traffic); other lines are billed whether or not requests arrive.",
    ]
    if report.missing_prices:
        lines.append(f"Missing prices (left out of the totals): {', '.join(report.missing_prices)}.")
    return lines


# ----------------------------------------------------------------------------- cost


def cost_document(report: CostReport) -> dict[str, Any]:
    """The JSON form of `archsel cost` (the stable output keys plus pricing source and settings)."""
    return {
        "profile": report.profile.name,
        "source": report.source,
        "region": report.prices.region,
        "pricing_as_of": report.prices.as_of.isoformat(),
        "pricing_source": report.prices.source_file,
        "currency": report.prices.currency,
        "hours_per_month": report.profile.pricing.hours_per_month,
        "free_tier": report.profile.pricing.free_tier,
        "simulated": False,
        "estimates": [estimate_document(e) for e in report.estimates],
    }


def render_cost(report: CostReport, *, fmt: str, stream: TextIO) -> None:
    """Write a cost report to ``stream`` in the chosen format (table, json or markdown)."""
    if fmt == "json":
        write_json(cost_document(report), stream)
    elif fmt == "markdown":
        stream.write(cost_markdown(report))
    else:
        _print_cost_tables(report, stream)


def cost_markdown(report: CostReport) -> str:
    """Markdown: one table per architecture, then the totals and the pricing note."""
    lines = [f"## {report.profile.name}: monthly cost estimate", ""]
    for estimate in report.estimates:
        lines += [
            f"### {ARCH_TITLES.get(estimate.architecture, estimate.architecture)}: "
            f"${money(estimate.monthly_usd)}/month",
            "",
            "| Service | Component | Quantity | Unit | Unit price (USD) | Monthly (USD) |",
            "|---|---|---:|---|---:|---:|",
        ]
        for service, components in _grouped(estimate):
            for c in components:
                lines.append(
                    f"| {SERVICE_TITLES.get(service, service)} | {_name(c)} | {quantity_text(c.quantity)} | {c.unit} "
                    f"| {unit_price_text(c, report.prices)} | {money(c.monthly_usd)} |"
                )
        lines += [
            f"| **Always-on** | | | | | {money(estimate.always_on_usd)} |",
            f"| **Usage-based** | | | | | {money(estimate.usage_usd)} |",
            f"| **Total** | | | | | **{money(estimate.monthly_usd)}** |",
            "",
        ]
    lines += [f"- {line}" for line in _footer(report)]
    return "\n".join(lines) + "\n"


def _print_cost_tables(report: CostReport, stream: TextIO) -> None:
    from rich.table import Table

    console = console_for(stream)
    for estimate in report.estimates:
        title = f"{report.profile.name}: {ARCH_TITLES.get(estimate.architecture, estimate.architecture)}"
        table = Table(title=title, title_justify="left", show_footer=False)
        table.add_column("Service / component", no_wrap=True)
        table.add_column("Quantity", justify="right")
        table.add_column("Unit")
        table.add_column("Unit price (USD)", justify="right")
        table.add_column("Monthly (USD)", justify="right")
        for service, components in _grouped(estimate):
            table.add_row(SERVICE_TITLES.get(service, service), "", "", "", money(_subtotal(components)), style="bold")
            for c in components:
                table.add_row(
                    f"  {_name(c)}",
                    quantity_text(c.quantity),
                    c.unit,
                    unit_price_text(c, report.prices),
                    money(c.monthly_usd),
                )
        table.add_section()
        table.add_row("Always-on", "", "", "", money(estimate.always_on_usd))
        table.add_row(f"Usage-based {USAGE_MARK}", "", "", "", money(estimate.usage_usd))
        table.add_row("Total per month", "", "", "", money(estimate.monthly_usd), style="bold")
        console.print(table)
        console.print()
    if len(report.estimates) > 1:
        totals = ", ".join(f"{e.architecture} ${money(e.monthly_usd)}" for e in report.estimates)
        console.print(f"Monthly totals: {totals}", markup=False)
    for line in _footer(report):
        console.print(line, markup=False)


# ----------------------------------------------------------------------------- price tables


def tier_text(price: Price) -> list[str]:
    """The price as quoted: one string for a flat price, one per tier for a ladder."""
    if price.missing:
        return ["missing (no value)"]
    per = f" per {compact(price.per)}" if price.per != 1 else ""
    quoted = [(t, f"{quote(t.unit_price_usd * price.per)}{per}") for t in price.tiers]
    if len(quoted) == 1:
        return [quoted[0][1]]
    return [f"{_edges(t.start, t.end)}: {text}" for t, text in quoted]


def _edges(start: Decimal, end: Decimal | None) -> str:
    return f"{compact(start)}+" if end is None else f"{compact(start)}-{compact(end)}"


def price_document(price: Price) -> dict[str, Any]:
    """The JSON form of one price (values as the table quotes them, per ``per`` units)."""
    return {
        "id": price.id,
        "service": price.service,
        "item": price.item,
        "unit": price.unit,
        "per": int(price.per) if price.per == price.per.to_integral_value() else float(price.per),
        "tiers": [
            {
                "from": float(t.start),
                "to": None if t.end is None else float(t.end),
                "value": float((t.unit_price_usd * price.per).normalize()),
            }
            for t in price.tiers
        ],
        "missing": price.missing,
        "source": price.source,
        "as_of": price.as_of,
        "evidence": price.evidence,
        "notes": price.notes,
        "sku": price.sku,
        "usagetype": price.usagetype,
        "effective": price.effective,
        "published": price.published,
    }


def allowance_document(allowance: FreeAllowance) -> dict[str, Any]:
    """The JSON form of one free-tier allowance."""
    return {
        "id": allowance.id,
        "item": allowance.item,
        "applies_to": list(allowance.applies_to),
        "quantity": float(allowance.quantity),
        "unit": allowance.unit,
        "source": allowance.source,
        "as_of": allowance.as_of,
        "evidence": allowance.evidence,
    }


def pricing_document(table: PriceTable, prices: tuple[Price, ...]) -> dict[str, Any]:
    """The JSON form of `archsel pricing show`."""
    ids = {p.id for p in prices}
    return {
        "region": table.region,
        "currency": table.currency,
        "as_of": table.as_of.isoformat(),
        "source_file": table.source_file,
        "notes": table.notes,
        "prices": [price_document(p) for p in prices],
        "free_tier": [allowance_document(a) for a in table.free_tier if ids & set(a.applies_to)],
    }


def render_pricing(table: PriceTable, prices: tuple[Price, ...], *, fmt: str, stream: TextIO) -> None:
    """Write the price table in use (``prices``: all of it or one service's) to ``stream`` in the chosen format."""
    if fmt == "json":
        write_json(pricing_document(table, prices), stream)
        return
    rows = [(p, text) for p in prices for text in tier_text(p)]
    free = [a for a in table.free_tier if {p.id for p in prices} & set(a.applies_to)]
    title = f"Prices for {table.region} as of {table.as_of.isoformat()} ({table.source_file}), {table.currency}"
    if fmt == "markdown":
        stream.write(_pricing_markdown(title, rows, free))
        return
    _print_pricing_table(title, rows, free, stream)


def _pricing_markdown(title: str, rows: list[tuple[Price, str]], free: list[FreeAllowance]) -> str:
    lines = [
        f"### {title}",
        "",
        "| Service | Id | Item | Price (USD) | Unit | Evidence |",
        "|---|---|---|---:|---|---|",
    ]
    lines += [f"| {p.service} | {p.id} | {p.item} | {text} | {p.unit} | {p.evidence} |" for p, text in rows]
    if free:
        lines += ["", "Free tier (with `pricing.free_tier: true`):", ""]
        lines += [f"- {a.id}: {a.quantity:,f} {a.unit} a month of {', '.join(a.applies_to)}" for a in free]
    return "\n".join(lines) + "\n"


def _print_pricing_table(title: str, rows: list[tuple[Price, str]], free: list[FreeAllowance], stream: TextIO) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("Id", no_wrap=True)
    table.add_column("Price (USD)", justify="right", no_wrap=True)
    table.add_column("Unit", no_wrap=True)
    table.add_column("Item", ratio=3)
    table.add_column("Evidence", ratio=2)
    previous_service, previous_id = "", ""
    for price, text in rows:
        if price.service != previous_service:
            sources = sorted({p.source for p, _ in rows if p.service == price.service})
            table.add_section()
            table.add_row(SERVICE_TITLES.get(price.service, price.service), "", "", " ".join(sources), style="bold")
            previous_service = price.service
        first = price.id != previous_id
        previous_id = price.id
        table.add_row(
            price.id if first else "",
            text,
            price.unit if first else "",
            price.item if first else "",
            price.evidence if first else "",
        )
    console = console_for(stream)
    console.print(table)
    if free:
        console.print("Free tier (applied with pricing.free_tier: true):", markup=False)
        for a in free:
            console.print(f"  {a.id}: {a.quantity:,f} {a.unit} a month of {', '.join(a.applies_to)}", markup=False)
