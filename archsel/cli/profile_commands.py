"""Commands about a workload profile: `init` writes one from a preset, `validate` checks one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from archsel.cli.options import FormatOpt, OutputFormat, ProfileArg


def validate(profile: ProfileArg, fmt: FormatOpt = OutputFormat.table) -> None:
    """Check a profile and print what it implies: mean and peak rps, monthly requests, concurrency.

    Exits 3 when the profile is invalid, naming the file, line and field.
    """
    from archsel import api
    from archsel.views import common as views

    views.render_validation(api.validate(profile), fmt=fmt.value, stream=sys.stdout)


def init(
    path: Annotated[
        Path, typer.Argument(help="Where to write the profile (a folder gets archsel.yaml inside).")
    ] = Path("archsel.yaml"),
    preset: Annotated[
        str, typer.Option("--preset", "-p", help="Shipped scenario to start from (see --list).")
    ] = "startup-mvp",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    list_presets: Annotated[bool, typer.Option("--list", help="List the presets and exit.")] = False,
) -> None:
    """Write a commented workload profile copied from a shipped scenario (and its trace CSV, if any).

    Refuses to overwrite an existing file without --force (exit 2). `--list` (or `--preset list`)
    shows every preset with its one-line description.
    """
    from archsel import api
    from archsel.views import common as views

    if list_presets or preset == "list":
        views.render_presets(api.list_presets(), stream=sys.stdout)
        return
    views.render_init(api.init_profile(path=path, preset=preset, force=force), stream=sys.stdout)
