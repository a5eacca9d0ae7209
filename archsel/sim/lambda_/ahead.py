"""The Lambda kernel's last-reached helpers, compiled ahead while another process compiles the kernel.

On a machine whose numba cache is empty, a worker compiles `run_arrivals` and every helper it
calls, one after another, in the order the kernel calls them: about 5 s of CPU, the longest
stretch of a first `recommend`. The helpers it reaches last (`_on_demand`, `_start` and theirs)
can be compiled at the same time by another process, which caches them; when the worker gets
there it loads them instead. This module knows their argument types: the types the kernel
passes them (a test checks that they are the same, or the work would be done twice).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_ import kernel
from archsel.sim.lambda_.admit import Arrival, Placement
from archsel.sim.lambda_.config import lambda_config
from archsel.sim.lambda_.layout import new_state


def typeof(value: object) -> Any:
    """numba's type of ``value`` (as numba types the kernel's arguments)."""
    return numba.typeof(value)  # type: ignore[no-untyped-call]


def late_helpers(profile: WorkloadProfile) -> tuple[tuple[Any, tuple[Any, ...]], ...]:
    """(dispatcher, numba argument types) of the helpers `run_arrivals` compiles last, in that order.

    The types come from a real kernel state of ``profile``'s Lambda settings (its arrays' dtypes
    and dimensions are the same for every profile) and inputs shaped as the engine passes them.
    """
    state = new_state(lambda_config(profile, horizon_s=3_600.0, warmup_s=0.0), series=False, log_capacity=0)
    draws = np.zeros(1)
    chunk = kernel.ChunkInputs(
        time_s=draws,
        duration_s=draws,
        keep_alive_s=draws,
        api_s=draws,
        route=np.zeros(1, dtype=np.int64),
        cold_init_s=np.zeros((1, 1)),
        cold_age=draws,
    )
    arrival, placement, seconds = typeof(Arrival(0, 0, 0.0, 0)), typeof(Placement(0, 0.0, 0.0)), typeof(0.0)
    return (
        (kernel._on_demand, (typeof(state), typeof(chunk), arrival)),
        (kernel._start, (typeof(state), arrival, placement, seconds, seconds)),
    )


def compile_late_helpers(profile: WorkloadProfile) -> None:
    """Compile (and cache) the helpers of `late_helpers`."""
    for dispatcher, types in late_helpers(profile):
        dispatcher.compile(types)
