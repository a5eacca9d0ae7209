"""SIGTERM handled like Ctrl-C, and the one-line report of an interrupted command (what was left undone)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from archsel.errors import ExitCode

TERMINATED_EXIT = ExitCode.TERMINATED
INTERRUPTED_EXIT = ExitCode.INTERRUPTED


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (`timeout`, a CI runner, a container stop): stop as Ctrl-C does, pools included."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signal.Signals(signum).name)


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises `Terminated` in the main thread, so the same cleanup as Ctrl-C runs.

    The previous handler comes back on the way out (the CLI may run inside another program,
    e.g. a test runner); off the main thread, where Python allows no handler, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interruption_of(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM behind ``error`` (typer turns them into Exit(130), click into Abort), if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return seen
        seen = seen.__cause__  # raised `from` the interrupt; a mere __context__ is another story
    return None


def report_interruption(interrupt: KeyboardInterrupt | None) -> int:
    """Write "interrupted" (or "terminated") and what was left undone on stderr; return the exit code."""
    terminated = isinstance(interrupt, Terminated)
    word = "terminated by SIGTERM" if terminated else "interrupted"
    notes = list(getattr(interrupt, "__notes__", ()) or ())
    undone = "; ".join(notes) if notes else "the command stopped before it finished; nothing more was written"
    sys.stderr.write(f"archsel: {word}: {undone}\n")
    return int(TERMINATED_EXIT if terminated else INTERRUPTED_EXIT)
