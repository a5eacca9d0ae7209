"""Commands that estimate one profile's bill: `simulate` (traffic simulated, then priced) and `cost` (mean load)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from archsel.cli.options import MAX_SEED, ArchChoice, ArchOpt, BudgetOpt, FormatOpt, OutputFormat, PricesOpt, ProfileArg
from archsel.cli.output import check_writable_file, warn_if_stale, warn_short_horizon
from archsel.profile.architecture import ARCHITECTURES


def simulate(
    profile: ProfileArg,
    arch: ArchOpt = ArchChoice.all,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=MAX_SEED, help="Random seed (default: the profile's simulation.seed)."),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    timeseries: Annotated[
        Path | None,
        typer.Option("--timeseries", help="Write per-second series (arrivals, concurrency, tasks...) to this CSV."),
    ] = None,
    prices: PricesOpt = None,
    budget: BudgetOpt = None,
) -> None:
    """Simulate the profile's traffic on Lambda and/or Fargate and show latency, errors, capacity and cost.

    The simulated window (simulation.horizon) is scaled to the month for costs. With
    simulation.replications > 1 each figure is a mean with its 95% interval. A price missing
    from the table is left out of the cost and makes the command exit 3 after printing.
    """
    from archsel import api
    from archsel.cli.interruptible import run_interruptibly
    from archsel.views import simulate as views_sim
    from archsel.views.compile_notice import announce_compiling
    from archsel.views.progress import progress_steps

    architectures: tuple[str, ...] = tuple(ARCHITECTURES) if arch is ArchChoice.all else (arch.value,)
    if timeseries is not None:
        check_writable_file(timeseries, "--timeseries")
    loaded = api.with_budget(api.load(profile), budget)
    warn_short_horizon(loaded, architectures)
    total = loaded.simulation.replications * len(architectures)
    announce_compiling(architectures)
    with progress_steps(total, "simulating") as step:
        report = run_interruptibly(  # Ctrl-C within ~0.1 s, not after the kernel call under way
            lambda: api.simulate(
                loaded,
                architectures=architectures,
                seed=seed,
                record_timeseries=timeseries is not None,
                progress=step,
                prices_path=prices,
            ),
            name="archsel-simulate",
        )
    views_sim.render_simulation(report, fmt=fmt.value, stream=sys.stdout)
    warn_if_stale(report.prices)
    if timeseries is not None:
        views_sim.write_timeseries(report, timeseries)
    error = api.missing_price_error(report.prices, (result.estimate for result in report.results))
    if error is not None:
        raise error


def cost(
    profile: ProfileArg,
    arch: ArchOpt = ArchChoice.all,
    fmt: FormatOpt = OutputFormat.table,
    prices: PricesOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 3 when the price table lacks a price the estimate needs.")
    ] = False,
) -> None:
    """Monthly cost of each architecture at the profile's mean load, no simulation (like an Infracost breakdown).

    Lines are grouped by service; usage-based lines are marked. A price missing from the table
    (a sparse regional table) is left out of the totals and named in one warning line on
    stderr; the command still exits 0, or 3 with --strict.
    """
    from archsel import api
    from archsel.views import cost as cost_views
    from archsel.views.layout import plural

    report = api.cost(profile, arch=arch.value, prices_path=prices)
    cost_views.render_cost(report, fmt=fmt.value, stream=sys.stdout)
    warn_if_stale(report.prices)
    error = report.missing_price_error()
    if error is None:
        return
    if strict:
        raise error
    sys.stderr.write(
        f"archsel: warning: {plural(len(report.missing_prices), 'price')} missing from {report.prices.source_file}, "
        f"left out of the totals or priced without a discount: {', '.join(report.missing_prices)} "
        "(--strict makes this exit 3)\n"
    )
