"""How the simulators' numba kernels are compiled (one place, so every kernel gets the same care)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

_F = TypeVar("_F", bound=Callable[..., Any])

_KERNEL_OPTIONS: dict[str, Any] = {
    "cache": True,
    "_nrt": False,
    "inline": "never",
    "forceinline": True,
    "nogil": True,
}
_HELPER_OPTIONS: dict[str, Any] = {**_KERNEL_OPTIONS, "no_cpython_wrapper": True}


def kernel(function: _F) -> _F:
    """numba.njit for a function that other kernels call, keeping the function's own type for mypy.

    - ``_nrt=False``: kernels never allocate an array, they only index arrays the caller owns,
      so numba's reference counting is off; with it every array passed to a helper costs an
      atomic increment and decrement per call (the Lambda kernel ran 5x slower, the Fargate
      router 1.7x);
    - ``forceinline=True`` with ``inline="never"``: each helper is compiled once, on its own, and
      LLVM inlines its machine code into every caller (it is marked ``alwaysinline``), so a call
      costs nothing at run time (otherwise it passes every array as seven scalars: 1.7x slower).
      numba's own inlining (``inline="always"``) ran as fast but copied and re-typed a helper's
      code at every call site, nested helpers again at every level: 19 s of CPU to compile the
      Lambda kernel on a cold cache, 8 s this way;
    - no CPython wrapper: only `entry` kernels are called from Python, and a wrapper that unboxes
      the kernel state's tuples of arrays took a third of each helper's compile time;
    - ``nogil=True``: a kernel call releases the GIL, so the next chunk of inputs can be drawn
      in a background thread meanwhile (sim.prefetch);
    - ``cache=True``: compiled once per machine, then loaded from __pycache__ (or NUMBA_CACHE_DIR).
    """
    return cast(_F, numba.njit(**_HELPER_OPTIONS)(function))


def entry(function: _F) -> _F:
    """numba.njit for a kernel that Python calls: the options of `kernel`, with a CPython wrapper."""
    return cast(_F, numba.njit(**_KERNEL_OPTIONS)(function))
