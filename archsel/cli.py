"""The `archsel` command line: options -> one api call -> one view. No domain logic lives here.

Heavy modules (numpy, simpy, pydantic, rich) are imported inside the commands so that
`archsel --help` answers fast.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    name="archsel",
    help=(
        "Choose how to run a web backend on AWS: API Gateway + Lambda or ALB + ECS Fargate.\n\n"
        "Start with `archsel init profile.yaml`, edit the workload, then `archsel validate`, "
        "`archsel cost` and `archsel simulate`. Results go to stdout, progress and errors to stderr."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
pricing_app = typer.Typer(help="Show or refresh the price tables.", no_args_is_help=True)
app.add_typer(pricing_app, name="pricing")

_DEBUG = {"on": False}


class OutputFormat(StrEnum):
    """Output formats shared by the reporting commands."""

    table = "table"
    json = "json"
    markdown = "markdown"


class ArchChoice(StrEnum):
    """Which architecture(s) a command looks at."""

    lambda_ = "lambda"
    fargate = "fargate"
    all = "all"


ProfileArg = Annotated[Path, typer.Argument(help="Workload profile (YAML, see docs/profile.md).", show_default=False)]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (plain when piped), json or markdown.")]
ArchOpt = Annotated[ArchChoice, typer.Option("--arch", "-a", help="lambda, fargate or all.")]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    _DEBUG["on"] = debug or bool(os.environ.get("ARCHSEL_DEBUG"))
    if version:
        from archsel import __version__

        typer.echo(f"archsel {__version__}")
        raise typer.Exit()


@app.command()
def validate(profile: ProfileArg, fmt: FormatOpt = OutputFormat.table) -> None:
    """Check a profile and print what it implies: mean and peak rps, monthly requests, concurrency.

    Exits 3 when the profile is invalid, naming the file, line and field.
    """
    from archsel import api, views

    report = api.validate(profile)
    views.show_validation(report, fmt.value)


@app.command()
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
    from archsel import api, views

    if list_presets or preset == "list":
        views.show_presets(api.list_presets())
        return
    views.show_init(api.init_profile(path=path, preset=preset, force=force))


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point: runs the app and turns ArchselError into a message and exit code."""
    from archsel.errors import ArchselError, ExitCode

    try:
        result = app(args=argv, prog_name="archsel", standalone_mode=False)
    except ArchselError as error:
        _print_error(error.message, error.hint)
        if _DEBUG["on"]:
            raise
        sys.exit(int(error.exit_code))
    except KeyboardInterrupt:
        _print_error("interrupted", None)
        sys.exit(int(ExitCode.INTERRUPTED))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _print_error("aborted", None)
        sys.exit(int(ExitCode.INTERRUPTED))
    except _click_usage_errors() as error:
        error.show()  # type: ignore[attr-defined]
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(result) if isinstance(result, int) else int(ExitCode.OK))


def _click_usage_errors() -> tuple[type[Exception], ...]:
    import click

    return (click.UsageError, click.BadParameter)


def _print_error(message: str, hint: str | None) -> None:
    lines = message.splitlines() or [""]
    sys.stderr.write(f"archsel: error: {lines[0]}\n")
    for line in lines[1:]:
        sys.stderr.write(f"  {line}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")
