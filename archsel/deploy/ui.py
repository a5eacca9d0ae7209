"""What deploy and destroy show: change-set tables and outputs on stdout; notices, events and bars on stderr.

`--progress bar` (a live bar with elapsed time, events printed above it), `events` (one line per
event) or `quiet`. When stderr is not a terminal, bar becomes plain event lines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from archsel.deploy.events import event_line
from archsel.deploy.models import ChangeSetView, EventSink, ProgressMode, StackEvent, StackOutput

ACTION_STYLES = {"Add": "green", "Modify": "yellow", "Remove": "red", "Import": "cyan", "Dynamic": "magenta"}


@dataclass
class _Lines:
    """Event sink that writes plain lines."""

    console: Console
    quiet: bool = False

    def event(self, event: StackEvent, elapsed_s: float) -> None:
        if not self.quiet or event.status.endswith("_FAILED"):
            self.console.print(event_line(event, elapsed_s), markup=False, highlight=False)

    def tick(self, elapsed_s: float, status: str) -> None:
        """Plain output shows events only."""


class ConsoleUI:
    """The Rich implementation of DeployUI."""

    def __init__(
        self,
        *,
        progress: ProgressMode | None,
        stdout: Console,
        stderr: Console,
        interactive: bool,
        ask: Callable[[str], str] | None = None,
    ) -> None:
        self._out = stdout
        self._err = stderr
        self._interactive = interactive
        self._ask = ask or (lambda prompt: input(prompt))
        default = ProgressMode.bar if stderr.is_terminal else ProgressMode.events
        self._mode = progress or default

    @property
    def interactive(self) -> bool:
        """Whether stdin is a terminal a person can answer on."""
        return self._interactive

    def notice(self, text: str) -> None:
        """One line of information on stderr."""
        if self._mode is not ProgressMode.quiet:
            self._err.print(text, markup=False, highlight=False)

    def show_changes(self, view: ChangeSetView) -> None:
        """The change set as a table (stdout), and the monthly cost from the recommendation."""
        table = Table(title=f"Change set for stack {view.stack_name} ({view.change_set_type})", title_justify="left")
        for column in ("action", "logical id", "type", "replacement", "what it is"):
            table.add_column(column)
        for row in view.rows:
            action = f"[{ACTION_STYLES.get(row.action, 'white')}]{escape(row.action)}[/]"
            table.add_row(
                action, escape(row.logical_id), escape(row.resource_type), row.replacement, escape(row.description)
            )
        if not view.rows:
            table.add_row("-", "-", "-", "-", "no resource changes (outputs, parameters or metadata only)")
        self._out.print(table)
        self._out.print(cost_line(view), markup=False, highlight=False)

    def confirm(self, question: str) -> bool:
        """Ask on stderr, read stdin; only y or yes means yes."""
        self._err.print(f"{question} [y/N] ", end="", markup=False)
        try:
            answer = self._ask("")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    def watch(self, title: str, total: int) -> AbstractContextManager[EventSink]:
        """Events of one operation, shown in the chosen progress mode."""
        if self._mode is ProgressMode.bar and self._err.is_terminal:
            return self._bar(title, total)
        return _plain(self._err, title, quiet=self._mode is ProgressMode.quiet)

    @contextmanager
    def _bar(self, title: str, total: int) -> Iterator[EventSink]:
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self._err, transient=True) as bar:
            task = bar.add_task(title, total=max(total, 1))
            yield _BarSink(bar, task, title)

    def show_outputs(self, outputs: tuple[StackOutput, ...]) -> None:
        """The stack outputs (stdout)."""
        if not outputs:
            self._out.print("no stack outputs", markup=False)
            return
        table = Table(title="Outputs", title_justify="left")
        for column in ("key", "value", "description"):
            table.add_column(column)
        for output in outputs:
            table.add_row(escape(output.key), escape(output.value), escape(output.description or ""))
        self._out.print(table)


@dataclass
class _BarSink:
    """Event sink over a Rich progress bar: completed resources advance it, events print above it."""

    bar: Progress
    task: TaskID
    title: str

    def event(self, event: StackEvent, elapsed_s: float) -> None:
        self.bar.console.print(event_line(event, elapsed_s), markup=False, highlight=False)
        if event.status.endswith("_COMPLETE") and event.resource_type != "AWS::CloudFormation::Stack":
            self.bar.advance(self.task)

    def tick(self, elapsed_s: float, status: str) -> None:
        self.bar.update(self.task, description=f"{self.title}: {status}")


@contextmanager
def _plain(console: Console, title: str, *, quiet: bool) -> Iterator[EventSink]:
    if not quiet:
        console.print(f"{title}:", markup=False, highlight=False)
    yield _Lines(console, quiet=quiet)


def cost_line(view: ChangeSetView) -> str:
    """The monthly cost line under the change set (from archsel.answers.yaml)."""
    if view.monthly_usd is None:
        return "monthly cost: unknown (no recommendation in archsel.answers.yaml)"
    summary = f" for {view.summary}" if view.summary else ""
    return f"monthly cost: ${view.monthly_usd:,.2f}{summary} (archsel's estimate when it was scaffolded)"


def console_ui(progress: ProgressMode | None, *, stdin: TextIO | None = None) -> ConsoleUI:
    """The UI for the real CLI: plain when piped or with NO_COLOR, interactive only when stdin is a terminal."""
    terminal_out = sys.stdout.isatty()
    plain_out = not terminal_out or "NO_COLOR" in os.environ
    # A terminal keeps its real width with NO_COLOR too; only a pipe or file gets a fixed one.
    stdout = Console(
        file=sys.stdout, no_color=plain_out, highlight=False, soft_wrap=plain_out, width=None if terminal_out else 160
    )
    plain_err = not sys.stderr.isatty()
    stderr = Console(file=sys.stderr, highlight=False, no_color="NO_COLOR" in os.environ, soft_wrap=plain_err)
    source = stdin or sys.stdin
    return ConsoleUI(progress=progress, stdout=stdout, stderr=stderr, interactive=source.isatty())
