"""How the simulators' numba kernels are compiled (one place, so every kernel gets the same care)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

_F = TypeVar("_F", bound=Callable[..., Any])

_KERNEL_OPTIONS: dict[str, Any] = {"cache": True, "_nrt": False, "inline": "always", "nogil": True}


def kernel(function: _F) -> _F:
    """numba.njit for a kernel function, keeping the function's own type for mypy.

    - ``_nrt=False``: kernels never allocate an array, they only index arrays the caller owns,
      so numba's reference counting is off; with it every array passed to a helper costs an
      atomic increment and decrement per call (the Lambda kernel ran 5x slower, the Fargate
      router 1.7x);
    - ``inline="always"``: helpers are inlined into their callers in numba's IR; otherwise each
      call passes every array as seven scalars (measured 1.7x slower);
    - ``nogil=True``: a kernel call releases the GIL, so the next chunk of inputs can be drawn
      in a background thread meanwhile (sim.prefetch);
    - ``cache=True``: compiled once per machine, then loaded from __pycache__.
    """
    return cast(_F, numba.njit(**_KERNEL_OPTIONS)(function))
