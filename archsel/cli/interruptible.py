"""Run a long library call in a worker thread, so Ctrl-C and SIGTERM stop the command at once.

Python runs signal handlers in the main thread between bytecodes: while the main thread is
inside one compiled kernel call (the aggregate Lambda model steps a whole traffic cycle in one,
~10 s for a week at 1M req/s) a Ctrl-C waits for it. Here the main thread only waits, a tenth
of a second at a time, so the interrupt is raised within that; the worker is a daemon thread
and ends with the process (the kernels release the GIL, so it cannot hold the exit up).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

POLL_S = 0.1
"""How long the main thread waits between chances to take a signal."""


def run_interruptibly(call: Callable[[], Result], *, name: str = "archsel-work") -> Result:
    """``call()`` in a daemon worker thread; its result or its exception, re-raised here.

    A KeyboardInterrupt (Ctrl-C, or SIGTERM made one by `sigterm_as_interrupt`) reaches the
    caller within `POLL_S` while the worker is still running; the worker is then abandoned.
    """
    outcome: list[tuple[bool, object]] = []

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the main thread, re-raised there
            outcome.append((False, error))

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_S)
    succeeded, value = outcome[0]
    if not succeeded:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]
