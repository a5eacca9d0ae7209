"""Progress reporting on stderr: a Rich bar on a terminal, one plain line per step otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Steps:
    """Counts finished steps against a total that a plan gives up front and may raise once, by a known count."""

    def __init__(self, total: int, show: Callable[[int, int, str], None]) -> None:
        self.total = total
        self.done = 0
        self._show = show

    def __call__(self, label: str) -> None:
        """One more step finished (``label`` names it)."""
        self.done += 1
        # never show 25/12, even if the steps outrun the total they were given
        self._show(self.done, max(self.total, self.done), label)

    def grow(self, count: int) -> None:
        """Add ``count`` steps to the total (e.g. the most runs recommend's tuning may add, said once)."""
        self.total += count


@contextmanager
def progress_steps(total: int, description: str, *, quiet: bool = False) -> Iterator[Steps]:
    """Yield a `Steps` to call once per finished step (with a label for that step).

    A Ctrl-C or SIGTERM inside leaves a note on the interrupt saying how far the work got.
    """
    steps: list[Steps] = []
    try:
        with _progress(total, description, quiet=quiet) as counter:
            steps.append(counter)
            yield counter
    except KeyboardInterrupt as interrupt:
        if steps:
            done = steps[0]
            interrupt.add_note(
                f"{description}: {done.done} of {max(done.total, done.done)} simulation runs finished, "
                f"{max(done.total - done.done, 0)} not run; no results were written for it"
            )
        raise


@contextmanager
def _progress(total: int, description: str, *, quiet: bool) -> Iterator[Steps]:
    if quiet or total <= 0:
        yield Steps(total, lambda _done, _total, _label: None)
        return
    if not sys.stderr.isatty():
        started = time.monotonic()

        def plain(done: int, of: int, label: str) -> None:
            sys.stderr.write(f"[{done}/{of}] {label} ({time.monotonic() - started:.1f}s)\n")

        yield Steps(total, plain)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from archsel.views.common import stderr_console

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: int, of: int, label: str) -> None:
            bar.update(task, completed=done, total=of, description=f"{description}: {label}")

        yield Steps(total, advance)
