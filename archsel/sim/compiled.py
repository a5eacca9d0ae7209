"""Whether the simulators' compiled kernels are already in numba's cache on this machine.

numba compiles a kernel the first time it runs and caches the machine code (``cache=True``,
under __pycache__ or NUMBA_CACHE_DIR); a command asks first so it can tell the user it is
compiling rather than sit silent for seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from archsel.profile.architecture import Architecture


def _lambda_entries() -> tuple[Any, ...]:
    from archsel.sim.lambda_ import kernel

    return (kernel.run_arrivals, kernel.advance)


def _fargate_entries() -> tuple[Any, ...]:
    from archsel.sim.fargate import kernel

    return (kernel.route_requests, kernel.take_snapshots)


def _shared_entries() -> tuple[Any, ...]:
    from archsel.sim import arrival_sort

    return (arrival_sort._sort_within_seconds,)


_ENTRIES: dict[Architecture, Callable[[], tuple[Any, ...]]] = {
    Architecture.LAMBDA: _lambda_entries,
    Architecture.FARGATE: _fargate_entries,
}


def _cached(dispatcher: Any) -> bool:
    """Whether numba's cache index holds a compiled version of ``dispatcher`` for its current source.

    numba has no public call for this: its index loader returns nothing when the file is missing
    or the source changed since. Any surprise (another numba) counts as not cached: the cost of a
    wrong guess is only a notice too many.
    """
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # numba internals: never let the check itself fail a command
        return False


def uncompiled(architectures: Iterable[Architecture]) -> tuple[Architecture, ...]:
    """The architectures among ``architectures`` whose kernels numba would compile on first use."""
    chosen = tuple(architecture for architecture in architectures if architecture in _ENTRIES)
    shared_missing = chosen and not all(_cached(entry) for entry in _shared_entries())
    return tuple(
        architecture
        for architecture in chosen
        if shared_missing or not all(_cached(entry) for entry in _ENTRIES[architecture]())
    )
