"""The Typer app: its commands in help order, the root options, and `main`, which turns errors into exit codes.

Heavy modules (numpy, simpy, pydantic, rich) are imported inside the commands so that
`archsel --help` answers fast.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, NoReturn

import typer

from archsel.cli.deploy_commands import deploy, destroy
from archsel.cli.estimate_commands import cost, simulate
from archsel.cli.examples import epilog
from archsel.cli.import_commands import import_app
from archsel.cli.pricing_commands import pricing_show, pricing_update
from archsel.cli.profile_commands import init, validate
from archsel.cli.recommend_commands import recommend, sweep
from archsel.cli.scaffold_commands import scaffold

app = typer.Typer(
    name="archsel",
    help=(
        "Choose how to run a web backend on AWS: API Gateway + Lambda or ALB + ECS Fargate.\n\n"
        "A session: `archsel init api.yaml` (a commented profile to edit), `archsel validate api.yaml`, "
        "`archsel recommend api.yaml` (simulate every design, choose, explain), `archsel scaffold api.yaml "
        "--iac sam --out infra`, `archsel deploy infra`. `archsel cost` and `archsel simulate` show the detail.\n\n"
        "Results go to stdout (--format json for scripts), progress and errors to stderr. Exit codes: 0 ok, "
        "1 error, 2 usage, 3 invalid input, 4 deploy failed, 5 objectives not met, 130 interrupted, "
        "143 terminated (SIGTERM)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
pricing_app = typer.Typer(help="Show or refresh the price tables.", no_args_is_help=True)

# Registered in this order because `archsel --help` lists the commands in it: a first session's
# order (typer lists single commands before the groups `import` and `pricing`).
for command in (init, validate, cost, simulate, recommend, scaffold, deploy, destroy, sweep):
    app.command(epilog=epilog(command.__name__))(command)
pricing_app.command("show", epilog=epilog("show"))(pricing_show)
pricing_app.command("update", epilog=epilog("update"))(pricing_update)
for info in import_app.registered_commands:
    info.epilog = info.epilog or epilog(info.name or "")
app.add_typer(import_app, name="import")
app.add_typer(pricing_app, name="pricing")


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    # --debug is declared here for --help and parsing; `Settings.read` turns it into settings for `main`,
    # which needs it after the app has stopped (the app's context is gone by then).
    del debug
    if version:
        from archsel import __version__

        typer.echo(f"archsel {__version__}")
        raise typer.Exit()


@dataclass(frozen=True)
class Settings:
    """How `main` reports an error: with a traceback (--debug or ARCHSEL_DEBUG set) or as a message only."""

    debug: bool

    @classmethod
    def read(cls, args: Sequence[str], environ: Mapping[str, str]) -> Settings:
        """The settings of one run, from its command line and environment."""
        # The root options (--debug, --version, --help) take no value and stand before the command
        # name, so the leading dashed words of the command line are exactly the root options given.
        root_options = itertools.takewhile(lambda arg: arg.startswith("-"), args)
        return cls(debug="--debug" in root_options or bool(environ.get("ARCHSEL_DEBUG")))


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point: runs the app and turns ArchselError into a message and exit code."""
    from archsel.cli.signals import sigterm_as_interrupt

    settings = Settings.read(sys.argv[1:] if argv is None else argv, os.environ)
    with sigterm_as_interrupt():
        code = _run(argv, settings)
    sys.exit(code)


def _run(argv: list[str] | None, settings: Settings) -> int:
    """Run the app on ``argv`` (None: the process's arguments) and return the exit code.

    With ``settings.debug`` an ArchselError is re-raised after its message, for its traceback.
    """
    from archsel.cli.signals import interruption_of, report_interruption
    from archsel.errors import ArchselError, ExitCode

    try:
        result = _invoke(argv)
    except ArchselError as error:
        _print_error(error.message, error.hint)
        if settings.debug:
            raise
        return int(error.exit_code)
    except (KeyboardInterrupt, typer.Abort) as error:  # click turns Ctrl-C into Abort (after a blank line)
        return report_interruption(interruption_of(error))
    except typer.Exit as done:
        interrupt = interruption_of(done)  # typer turns Ctrl-C into a silent Exit(130)
        return done.exit_code if interrupt is None else report_interruption(interrupt)
    except _click_usage_errors() as error:
        _show_usage_error(error)
        return int(ExitCode.USAGE)
    except Exception as error:  # a bug or an environment problem: one line, never a traceback without --debug
        if settings.debug:
            raise
        _print_error(*_unexpected(error))
        return int(ExitCode.ERROR)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _unexpected(error: Exception) -> tuple[str, str]:
    """The line and hint for an exception archsel did not anticipate."""
    from concurrent.futures.process import BrokenProcessPool

    where = _innermost_frame(error)
    if isinstance(error, MemoryError):
        return (
            f"out of memory{where}",
            "the workload is too large for this machine: shorten simulation.horizon, lower the rate, or use --jobs 1",
        )
    if isinstance(error, BrokenProcessPool):
        return (
            f"a simulation worker process died{where} (killed, perhaps for memory)",
            "rerun with --jobs 1, or shorten simulation.horizon",
        )
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return (
        f"unexpected {type(error).__name__}{where}: {text}",
        "this is a bug in archsel: rerun with --debug and send the traceback, the command and the profile "
        "to the archsel maintainers (an issue on the project's tracker)",
    )


def _innermost_frame(error: BaseException) -> str:
    """ " in FILE:LINE" of the frame that raised ``error``, for the report."""
    tb = error.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f" in {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"


def _invoke(argv: list[str] | None) -> object:
    """Run the command line on ``argv`` and return the command's result.

    The click command is invoked directly rather than through ``app()``: typer's wrapper turns a
    Ctrl-C or SIGTERM into a bare exit code 130, losing which of the two it was and the note
    saying how far the work got.
    """
    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else list(argv)
    with command.make_context("archsel", args) as context:
        return command.invoke(context)


def _show_usage_error(error: Exception) -> None:
    """One line naming the command and what is wrong, and a hint; help itself when no arguments were given."""
    if type(error).__name__ == "NoArgsIsHelpError":
        error.show()  # type: ignore[attr-defined]
        return
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "archsel"
    message = error.format_message()  # type: ignore[attr-defined]
    _print_error(f"{command}: {message}", f"see `{command} --help`")


def _click_usage_errors() -> tuple[type[Exception], ...]:
    """Usage errors of click and of the copy of click that newer typer releases vendor."""
    import click

    errors: list[type[Exception]] = [click.UsageError]
    try:
        from typer._click import exceptions as vendored
    except ImportError:  # typer releases that use click itself
        return tuple(errors)
    return (*errors, vendored.UsageError)


def _print_error(message: str, hint: str | None) -> None:
    lines = message.splitlines() or [""]
    sys.stderr.write(f"archsel: error: {lines[0]}\n")
    for line in lines[1:]:
        sys.stderr.write(f"  {line}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")
