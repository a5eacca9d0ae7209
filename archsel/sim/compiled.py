"""Whether the simulators' compiled kernels are already in numba's cache on this machine.

numba compiles a kernel the first time it runs and caches the machine code (``cache=True``,
under __pycache__ or NUMBA_CACHE_DIR); a command asks first so it can tell the user it is
compiling rather than sit silent for seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile


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
    Architecture.LAMBDA_MANAGED: _fargate_entries,  # its instances serve requests with the Fargate data plane
}


def kernel_family(architecture: Architecture) -> Architecture:
    """The architecture whose kernels ``architecture`` runs: Lambda Managed Instances runs Fargate's."""
    return Architecture.FARGATE if architecture == Architecture.LAMBDA_MANAGED else architecture


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


def load_cached(architectures: Iterable[Architecture]) -> None:
    """Ready this process's numba before it forks workers: set up its compiler, load cached kernels.

    numba sets up its compiler targets on the first kernel a process compiles or loads; with
    loading the cached kernels that is about half a second of CPU (measured), which every worker
    paid again, and the parent once more for its own last runs. A forked worker inherits the set-up
    and every kernel already loaded, so each skips both. The small shared arrival
    sort is compiled here if it is not cached, rather than by every worker at once. Kernels
    not in the cache are left to the workers (each compiles one architecture's, in parallel).
    """
    from archsel.sim.arrival_sort import sorted_within_seconds

    sorted_within_seconds(np.zeros(1), np.ones(1, dtype=np.int64), 0)  # its one signature
    chosen = {kernel_family(architecture) for architecture in architectures if architecture in _ENTRIES}
    for architecture in sorted(chosen):
        for dispatcher in _ENTRIES[architecture]():
            _load(dispatcher)


def _load(dispatcher: Any) -> None:
    """Load the versions of ``dispatcher`` that numba's cache holds for this CPU; compile nothing."""
    try:
        index = dispatcher._cache._cache_file._load_index()
        magic = dispatcher.targetctx.codegen().magic_tuple()
    except Exception:  # numba internals: a failed check only means the worker loads it itself
        return
    for signature, target, *_code in index:  # numba's index key: (signature, CPU, hashes of the code)
        if target == magic:
            dispatcher.compile(signature)


def compile_ahead(lambda_profile: WorkloadProfile | None) -> threading.Thread | None:
    """Start compiling the Lambda kernel's last-reached helpers in a thread of this process, if not cached.

    Meant for the parent of a pool whose worker compiles the Lambda kernel (sim.lambda_.ahead):
    the parent only waits meanwhile, so its core time shortens the longest compile of a first run.
    The caller joins the thread before the process uses numba again or exits. Nothing to do (None)
    when ``lambda_profile`` is None or the Lambda kernels are cached.
    """
    if lambda_profile is None or Architecture.LAMBDA not in uncompiled((Architecture.LAMBDA,)):
        return None
    thread = threading.Thread(target=_compile_quietly, args=(lambda_profile,), name="archsel-compile-ahead")
    thread.start()
    return thread


def _compile_quietly(profile: WorkloadProfile) -> None:
    from archsel.sim.lambda_.ahead import compile_late_helpers

    try:
        compile_late_helpers(profile)
    except Exception:  # only a head start: on any failure the worker compiles them itself, as before
        return
