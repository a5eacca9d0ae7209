"""The `pricing` commands: `show` the price table in use, `update` tables from the AWS Price List API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from archsel.cli.options import FormatOpt, OutputFormat, PricesOpt
from archsel.cli.output import warn_if_stale

if TYPE_CHECKING:
    from archsel.pricing.update import PricingClient, UpdatePlan


def pricing_show(
    region: Annotated[str, typer.Option("--region", "-r", help="AWS region of the table.")] = "us-east-1",
    service: Annotated[
        str | None, typer.Option("--service", "-s", help="Only this service (lambda, fargate, alb, s3, ...).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    prices: PricesOpt = None,
) -> None:
    """Print the price table in use, its date and the source of every price.

    Exits 3 for a region without a table, naming the regions that have one.
    """
    from archsel import api
    from archsel.views import cost as cost_views

    table = api.pricing_table(region=region, prices_path=prices)
    cost_views.render_pricing(table, api.prices_of_service(table, service), fmt=fmt.value, stream=sys.stdout)
    warn_if_stale(table)


def pricing_update(
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="Region to refresh (its table is created if missing).")
    ] = None,
    all_regions: Annotated[
        bool, typer.Option("--all-regions", help="Refresh every region that has a table in the folder.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Folder of the <region>.yaml tables (default: the shipped pricing/aws/)."),
    ] = None,
    endpoint_region: Annotated[
        str, typer.Option("--endpoint-region", help="Price List API endpoint: us-east-1, eu-central-1 or ap-south-1.")
    ] = "us-east-1",
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="bulk: AWS's offer files (found through the Price List Bulk API with credentials, through the "
            "public indexes without); query: the Price List Query API (credentials); "
            "auto: query when AWS credentials are present, else the public bulk files.",
        ),
    ] = "auto",
    bulk_url: Annotated[
        str,
        typer.Option("--bulk-url", help="Where the bulk offer files are read from (AWS's host, or a mirror)."),
    ] = "https://pricing.us-east-1.amazonaws.com",
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Refresh price tables from AWS's Price List: the public bulk offer files, or the Query API.

    Without AWS credentials (or with --source bulk) the prices come from the bulk offer files,
    including the Compute Savings Plans rates: without credentials through the public indexes (no
    account needed), with credentials and --source bulk through the Price List Bulk API
    (ListPriceLists over every page, then GetPriceListFileUrl). With credentials (or --source
    query) they come from the Price List Query API (boto3), which has no Savings Plans rates.

    Shows a table of the prices that changed (old, new, % change) and the prices it could not
    refresh (kept as they were, with the reason written into the file). The region priced is a
    filter; the endpoint region only chooses where the API is asked. Each table is written
    atomically. Exits 1 when AWS cannot be asked (no credentials, throttled, refused): nothing
    is written then; 2 for a wrong option.
    """
    import datetime as dt

    from archsel import api
    from archsel.views import pricing as views_pricing

    regions = _update_regions(region, all_regions, directory)
    _check_endpoint_region(endpoint_region)
    client, asking = _client(source, endpoint_region, bulk_url)
    done: list[tuple[UpdatePlan, bool]] = []
    for name in regions:
        sys.stderr.write(f"asking {asking} for {name} prices...\n")
        plan = api.plan_pricing_update(region=name, client=client, today=dt.date.today(), directory=directory)
        write = not dry_run and _confirmed(plan.path, yes)
        if write:
            api.write_pricing_update(plan)
        done.append((plan, write))
        if fmt is not OutputFormat.json:
            views_pricing.render_update(plan, fmt=fmt.value, stream=sys.stdout, written=write)
        for problem in getattr(client, "problems", ()):
            sys.stderr.write(f"archsel: note: {problem}\n")
    if fmt is OutputFormat.json:
        views_pricing.render_updates_json(done, stream=sys.stdout)


def _client(source: str, endpoint_region: str, bulk_url: str) -> tuple[PricingClient, str]:
    """The price source to ask, and how to name it."""
    import datetime as dt

    from archsel.errors import UsageError
    from archsel.pricing.bulk import http_fetcher
    from archsel.pricing.bulk_stream import StreamingBulkPriceList, http_opener
    from archsel.pricing.update import has_credentials, make_client

    if source not in {"auto", "bulk", "query"}:
        raise UsageError(f"--source must be auto, bulk or query (got {source!r})")
    credentials = source != "query" and has_credentials()
    if source == "query" or (source == "auto" and credentials):
        return make_client(endpoint_region), "the AWS Price List Query API"
    if not bulk_url.startswith(("https://", "http://")):
        raise UsageError(f"--bulk-url must be an http(s) URL (got {bulk_url!r})")
    listing = None
    if credentials:  # --source bulk with credentials: the Bulk API says where each region's file is
        from archsel.pricing.bulk_api import bulk_api_files

        listing = bulk_api_files(endpoint_region, dt.date.today())
    client = StreamingBulkPriceList(http_fetcher(), http_opener(), base_url=bulk_url.rstrip("/"), listing=listing)
    if listing is not None:
        return client, "the Price List Bulk API (ListPriceLists, GetPriceListFileUrl)"
    return client, f"the bulk Price List files at {bulk_url}"


def _update_regions(region: str | None, all_regions: bool, directory: Path | None) -> tuple[str, ...]:
    from archsel import api
    from archsel.errors import UsageError

    if all_regions and region is not None:
        raise UsageError("give --region or --all-regions, not both")
    if all_regions:
        return api.pricing_regions(directory)
    if region is None:
        raise UsageError("which region? give --region R (for example us-east-1) or --all-regions")
    from archsel.pricing.selectors import REGION_PREFIXES

    if region not in REGION_PREFIXES:
        raise UsageError(
            f"--region: archsel does not know the Price List usagetype prefix of {region!r}",
            hint=f"use one of: {', '.join(sorted(REGION_PREFIXES))}",
        )
    return (region,)


def _check_endpoint_region(endpoint_region: str) -> None:
    from archsel.errors import UsageError
    from archsel.pricing.selectors import PRICE_LIST_ENDPOINT_REGIONS

    if endpoint_region not in PRICE_LIST_ENDPOINT_REGIONS:
        raise UsageError(
            f"--endpoint-region: the Price List API is not served from {endpoint_region!r}",
            hint=f"use one of {', '.join(PRICE_LIST_ENDPOINT_REGIONS)}; the region priced is --region",
        )


def _confirmed(path: Path, yes: bool) -> bool:
    from archsel.errors import UsageError

    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"not writing {path} without confirmation", hint="pass --yes (or --dry-run to only look)")
    return typer.confirm(f"write {path}?", default=False)
