"""Admission of one arrival on Lambda: token buckets, the concurrency limit, the warm pool, a new environment.

Part of the compiled kernel (kernel.py calls these for every arrival); LLVM inlines them
across modules (archsel.sim.jit). A request that needs capacity it cannot get is rejected at once (a throttle,
never queued); an on-demand request takes its function's most recently used idle environment,
else spends a token of its scaling bucket on a new one and pays INIT.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.layout import KernelState, Limits, Pool, jit
from archsel.sim.lambda_.pool import log_event, take_idle


class Arrival(NamedTuple):
    """The arrival being handled: its route, that route's function, its time and serial number."""

    route: int
    function: int
    time: float
    request: int


class Placement(NamedTuple):
    """Where an admitted request runs: its slot (-1 - function for a provisioned environment; -1
    when it was throttled on demand), the INIT it waits for and the INIT retry inside the invoke."""

    slot: int
    init_s: float
    extra_s: float


@jit
def refill(values: np.ndarray, tokens_at: int, last_at: int, rate: float, cap: float, time: float) -> bool:
    """Refill a token bucket up to ``time``; take one token if there is one."""
    tokens = min(cap, values[tokens_at] + rate * (time - values[last_at]))
    values[last_at] = time
    if tokens < 1.0 - L.EPS:
        values[tokens_at] = tokens
        return False
    values[tokens_at] = tokens - 1.0
    return True


@jit
def reject(state: KernelState, arrival: Arrival, kind: int, counter: int) -> None:
    """Count and log a throttled arrival (``counter``: its RT_* column)."""
    records = state.records
    if arrival.time >= 0.0:
        records.route_counts[arrival.route, counter] += 1
        if state.limits.series_s > 0:
            records.series_count[L.TS_THROTTLES, int(arrival.time)] += 1
    if state.limits.logging:
        log_event(state.pool.counts, records, arrival.time, kind, arrival.request, -1)


@jit
def create_environment(limits: Limits, pool: Pool, function: int, time: float, age: float) -> int:
    """Take a free slot for a new environment of ``function`` born at ``time``."""
    n = pool.counts
    top = n[L.N_FREE_TOP] - 1
    n[L.N_FREE_TOP] = top
    slot = int(pool.free_slots[top])
    life = limits.max_lifetime_s if time >= 0.0 else limits.max_lifetime_s * (1.0 - age)
    pool.env_times[slot, L.EF_BIRTH] = time
    pool.env_times[slot, L.EF_RETIRE] = time + life
    env_i = pool.env_ints
    env_i[slot, L.EI_RESET] = 0
    env_i[slot, L.EI_HEAP_POS] = -1
    env_i[slot, L.EI_SERIAL] = n[L.N_ENV_SERIAL]
    env_i[slot, L.EI_FUNCTION] = function
    n[L.N_ENV_SERIAL] += 1
    n[L.N_ALIVE] += 1
    if time >= 0.0:
        n[L.N_CREATED] += 1
        n[L.N_MAX_ENVIRONMENTS] = max(n[L.N_MAX_ENVIRONMENTS], n[L.N_ALIVE] + n[L.N_FUNCTIONS] * n[L.N_PC_READY])
    return slot


@jit
def over_limit(limits: Limits, pool: Pool, function: int) -> bool:
    """Whether an on-demand start would pass the concurrency limit (provisioned capacity reserves its part)."""
    n = pool.counts
    if limits.per_function_limit:  # reserved concurrency: each function's own ceiling
        return bool(pool.functions[function, L.FN_OD_INFLIGHT] >= limits.concurrency_limit - n[L.N_PC_CONFIGURED])
    return bool(n[L.N_OD_INFLIGHT] >= limits.concurrency_limit - n[L.N_FUNCTIONS] * n[L.N_PC_CONFIGURED])


@jit
def _warm(state: KernelState, arrival: Arrival, slot: int) -> Placement:
    """Take the function's most recently used idle environment."""
    take_idle(state.pool, slot)
    if arrival.time >= 0.0:
        state.records.route_counts[arrival.route, L.RT_WARM] += 1
    if state.limits.logging:
        serial = state.pool.env_ints[slot, L.EI_SERIAL]
        log_event(state.pool.counts, state.records, arrival.time, L.K_WARM, arrival.request, serial)
    return Placement(slot, 0.0, 0.0)


@jit
def _cold(state: KernelState, arrival: Arrival, init_s: float, age: float) -> Placement:
    """Start a new environment that pays INIT (a token of the scaling bucket is already spent)."""
    limits, pool, time = state.limits, state.pool, arrival.time
    slot = create_environment(limits, pool, arrival.function, time, age)
    pool.counts[L.N_COLD_POS] += 1
    retry = init_s > limits.init_cap_s  # INIT over the cap fails and runs again inside the invoke
    if time >= 0.0:
        state.records.route_counts[arrival.route, L.RT_COLD] += 1
        state.records.route_counts[arrival.route, L.RT_INIT_RETRIES] += 1 if retry else 0
        if limits.series_s > 0:
            state.records.series_count[L.TS_COLD, int(time)] += 1
    if limits.logging:
        kind = L.K_INIT_RETRY if retry else L.K_COLD
        log_event(pool.counts, state.records, time, kind, arrival.request, pool.env_ints[slot, L.EI_SERIAL])
    if retry:
        return Placement(slot, limits.init_cap_s, init_s)
    return Placement(slot, init_s, 0.0)


@jit
def on_demand(state: KernelState, arrival: Arrival, init_s: float, age: float) -> Placement:
    """Find an environment for an on-demand request (slot -1 if throttled)."""
    limits, pool = state.limits, state.pool
    if over_limit(limits, pool, arrival.function):
        reject(state, arrival, L.K_CONCURRENCY_THROTTLE, L.RT_CONC_THROTTLED)
        return Placement(-1, 0.0, 0.0)
    slot = pool.functions[arrival.function, L.FN_IDLE_HEAD]
    if slot >= 0:
        return _warm(state, arrival, slot)
    bucket = 2 * pool.functions[arrival.function, L.FN_BUCKET]
    if not refill(pool.buckets, bucket, bucket + 1, limits.scaling_refill_per_s, limits.scaling_bucket, arrival.time):
        reject(state, arrival, L.K_SCALING_THROTTLE, L.RT_SCALE_THROTTLED)
        return Placement(-1, 0.0, 0.0)
    return _cold(state, arrival, init_s, age)
