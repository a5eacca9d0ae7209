"""Progress reporting on stderr: a Rich bar on a terminal, one plain line per step otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_steps(total: int, description: str, *, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield a callback to call once per finished step (with a label for that step)."""
    if quiet or total <= 0:
        yield lambda _label: None
        return
    if not sys.stderr.isatty():
        started = time.monotonic()
        done = [0]

        def plain(label: str) -> None:
            done[0] += 1
            # Steps can outnumber the estimate (recommend's tuning adds runs): never show 25/12.
            sys.stderr.write(f"[{done[0]}/{max(total, done[0])}] {label} ({time.monotonic() - started:.1f}s)\n")

        yield plain
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from archsel.views.common import stderr_console

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        task = bar.add_task(description, total=total)

        finished = [0]

        def advance(label: str) -> None:
            finished[0] += 1
            bar.update(task, advance=1, total=max(total, finished[0]), description=f"{description}: {label}")

        yield advance
