"""Renders cost estimates and price tables: Infracost-like tables (plain when piped), JSON, markdown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from archsel.cost.billing import compact
from archsel.cost.components import CostComponent, CostEstimate, to_usd
from archsel.cost.engine import estimate_document
from archsel.cost.savings_plan import instance_plan_note
from archsel.pricing.table import SERVICES, FreeAllowance, Price, PriceTable
from archsel.profile.architecture import Architecture
from archsel.views.common import console_for, write_json
from archsel.views.design_note import BASIS_NOTE, design_label, designs_document
from archsel.views.layout import NOT_APPLICABLE, fit_columns, fits, is_narrow

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

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
    "identity_provider": "Identity provider (external)",
    "cloudwatch_logs": "CloudWatch Logs",
    "data_transfer": "Data transfer",
    "efs": "EFS",
    "savings_plans": "Compute Savings Plan",
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
        return NOT_APPLICABLE
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
        f"Prices: {prices.region} as of {prices.as_of.isoformat()} ({prices.source_file}); unit prices and amounts "
        f"in {prices.currency}.",
        f"Month of {pricing.hours_per_month:g} hours; free tier {'applied' if pricing.free_tier else 'not applied'}; "
        "no simulation (mean load; run `archsel simulate` for cold starts and scaling).",
        f"{USAGE_MARK} usage-based line (scales with traffic); other lines are billed whether or not requests arrive.",
        BASIS_NOTE,
    ]
    plan_notes = [
        note
        for e in report.estimates
        if (note := instance_plan_note(e, pricing.savings_plan, report.profile.region)) is not None
    ]
    # A missing Savings Plans rate a note explains left nothing out: those instances are priced on demand.
    left_out = [price for price in report.missing_prices if not any(price in note for note in plan_notes)]
    if left_out:
        lines.append(f"Missing prices (left out of the totals): {', '.join(left_out)}.")
    lines.extend(plan_notes)
    lines.extend(not_priced_lines(report.estimates))
    return lines


def not_priced_lines(estimates: Iterable[CostEstimate]) -> list[str]:
    """One sentence per third-party line without a figure: the totals leave it out and say so."""
    names = dict.fromkeys(c.name.split(" (")[0] for e in estimates for c in e.not_priced)
    return [f"Not priced: {name} (no figure in the profile); the totals leave it out." for name in names]


# ----------------------------------------------------------------------------- cost


@dataclass(frozen=True, slots=True)
class RouteLine:
    """One API route's monthly requests and its share of the Lambda and API Gateway lines."""

    route: str
    function: str
    memory_mb: int
    requests: float
    monthly_usd: Decimal


def route_lines(report: CostReport) -> tuple[RouteLine, ...]:
    """Per-route rows of the Lambda estimate (empty without routes or without a Lambda estimate)."""
    from archsel.billing.usage import LambdaUsage
    from archsel.cost.engine import usage_from_profile
    from archsel.cost.route_cost import route_costs

    lam = next((e for e in report.estimates if e.architecture == Architecture.LAMBDA), None)
    if lam is None or not report.profile.request.routes:
        return ()
    usage = usage_from_profile(report.profile, Architecture.LAMBDA)
    if not isinstance(usage, LambdaUsage):
        return ()
    costs = route_costs(lam, usage)
    return tuple(
        RouteLine(cost.route, cost.function, cost.memory_mb, route.api_requests, cost.monthly_usd)
        for cost, route in zip(costs, usage.routes, strict=True)
    )


ROUTE_HEADERS = ("route", "function", "MB", "requests", "USD/month")


def _route_cells(line: RouteLine) -> list[str]:
    return [
        line.route,
        line.function,
        str(line.memory_mb),
        quantity_text(Decimal(round(line.requests))),
        money(line.monthly_usd),
    ]


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
        "designs": designs_document(report.profile, (e.architecture for e in report.estimates)),
        "routes": [
            {
                "route": r.route,
                "function": r.function,
                "memory_mb": r.memory_mb,
                "requests": round(r.requests),
                "monthly_usd": to_usd(r.monthly_usd),
            }
            for r in route_lines(report)
        ],
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
            f"### {ARCH_TITLES.get(estimate.architecture, estimate.architecture)} "
            f"({design_label(report.profile, estimate.architecture)}): ${money(estimate.monthly_usd)}/month",
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
    routes = route_lines(report)
    if routes:
        lines += ["### Lambda by route (its share of the Lambda and API Gateway lines)", ""]
        lines += ["| " + " | ".join(ROUTE_HEADERS) + " |", "|---|---|---:|---:|---:|"]
        lines += ["| " + " | ".join(_route_cells(r)) + " |" for r in routes]
        lines.append("")
    lines += [f"- {line}" for line in _footer(report)]
    return "\n".join(lines) + "\n"


def _print_cost_tables(report: CostReport, stream: TextIO) -> None:
    from rich.table import Table

    console = console_for(stream)
    for estimate in report.estimates:
        arch = ARCH_TITLES.get(estimate.architecture, estimate.architecture)
        title = f"{report.profile.name}: {arch}, {design_label(report.profile, estimate.architecture)}"
        table = Table(title=title, title_justify="left", show_footer=False)
        table.add_column("Service / component")
        table.add_column("Quantity", justify="right")
        table.add_column("Unit")
        table.add_column("Unit price", justify="right")
        table.add_column("USD/month", justify="right", no_wrap=True)
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
        total = "Total per month" + (" (without the not-priced lines)" if estimate.not_priced else "")
        table.add_row(total, "", "", "", money(estimate.monthly_usd), style="bold")
        fit_columns(table, console.width)
        console.print(table)
        console.print()
        if estimate.architecture == Architecture.LAMBDA:
            _print_routes(report, console)
    if len(report.estimates) > 1:
        totals = ", ".join(f"{e.architecture} ${money(e.monthly_usd)}" for e in report.estimates)
        console.print(f"Monthly totals: {totals}", markup=False)
    for line in _footer(report):
        console.print(line, markup=False)


def _print_routes(report: CostReport, console: Console) -> None:
    from rich.table import Table

    routes = route_lines(report)
    if not routes:
        return
    layout = report.profile.lambda_.layout
    table = Table(
        title=f"{report.profile.name}: Lambda by route (layout {layout}): requests a month and each route's share "
        "of the Lambda and API Gateway lines",
        title_justify="left",
    )
    for header in ROUTE_HEADERS:
        table.add_column(header, justify="left" if header in {"route", "function"} else "right")
    for line in routes:
        table.add_row(*_route_cells(line))
    fit_columns(table, console.width)
    console.print(table)
    console.print()


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
        "| Service | Id | Item | Price (USD) | Unit | Evidence | Source |",
        "|---|---|---|---:|---|---|---|",
    ]
    lines += [
        f"| {p.service} | {p.id} | {p.item} | {text} | {p.unit} | {p.evidence} | {p.source} |" for p, text in rows
    ]
    if free:
        lines += ["", "Free tier (with `pricing.free_tier: true`):", ""]
        lines += [f"- {a.id}: {a.quantity:,f} {a.unit} a month of {', '.join(a.applies_to)}" for a in free]
    return "\n".join(lines) + "\n"


def _print_pricing_table(title: str, rows: list[tuple[Price, str]], free: list[FreeAllowance], stream: TextIO) -> None:
    console = console_for(stream)
    table = _price_table(title, rows, narrow=False)
    if is_narrow(console) or not fits(table, console.width):
        table = _price_table(title, rows, narrow=True)
    fit_columns(table, console.width)
    console.print(table)
    _print_sources_and_free_tier(rows, free, console)


def _price_table(title: str, rows: list[tuple[Price, str]], *, narrow: bool) -> Table:
    """A row per price; ``narrow`` puts the unit, item and evidence under the price instead of beside it."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("Id", no_wrap=True)
    table.add_column("Price (USD)", justify="left" if narrow else "right", no_wrap=not narrow)
    if not narrow:
        table.add_column("Unit", no_wrap=True)
        table.add_column("Item", ratio=3)
        table.add_column("Evidence", ratio=2)
    previous_service = ""
    for price in dict.fromkeys(p for p, _ in rows):
        if price.service != previous_service:
            table.add_section()
            table.add_row(
                SERVICE_TITLES.get(price.service, price.service), *[""] * (len(table.columns) - 1), style="bold"
            )
            previous_service = price.service
        tiers = "\n".join(text for p, text in rows if p is price)
        if narrow:
            table.add_row(price.id, f"{tiers}\n{price.unit}\n{price.item} (evidence: {price.evidence})")
        else:
            table.add_row(price.id, tiers, price.unit, price.item, price.evidence)
    return table


def _print_sources_and_free_tier(rows: list[tuple[Price, str]], free: list[FreeAllowance], console: Console) -> None:
    console.print("Sources (the page each price was read from):", markup=False)
    for service in dict.fromkeys(p.service for p, _ in rows):
        sources = sorted({p.source for p, _ in rows if p.service == service})
        console.print(f"  {SERVICE_TITLES.get(service, service)}: {' '.join(sources)}", markup=False)
    if free:
        console.print("Free tier (applied with pricing.free_tier: true):", markup=False)
        for a in free:
            console.print(f"  {a.id}: {a.quantity:,f} {a.unit} a month of {', '.join(a.applies_to)}", markup=False)
