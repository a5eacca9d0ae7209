"""Compiled per-request path of the Lambda simulator: gateway, limits, warm pool, billing.

`run_arrivals` handles a chunk of arrivals in time order; `advance` applies completions and
expiries due by a time (the control plane calls it before changing provisioned concurrency).
Keep-alive expiry is lazy: each idle environment carries its expiry time, and whatever is due
before an arrival is applied, in time order, when that arrival is handled. No SimPy event and
no Python object exists per request.

Routes and functions (request.routes, layout.py): each arrival carries its route, each route
belongs to a function; a function has its own idle list, in-flight counts and (current scaling
rule) token bucket, while the API bucket, the expiry heap and the account limit are shared.
Per-arrival counters are kept per route (records.route_counts) and added up when the run ends.

Conventions (shared with the reference model in tests/validation): at equal times a completion
comes before an expiry, both before a control change, all before an arrival; an idle
environment whose expiry equals the arrival time is gone; both token buckets refill
continuously; a request that needs capacity it cannot get is rejected at once, never queued.
Environments born during warm-up stand for a fleet that existed before it: their remaining
lifetime is drawn uniformly in (0, max_lifetime], so retirements do not all fall together.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from archsel.sim.jit import entry
from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.admit import Arrival, Placement, on_demand, refill, reject
from archsel.sim.lambda_.layout import KernelState, jit
from archsel.sim.lambda_.pool import (
    add_cover,
    add_interval,
    bh_pop,
    bh_push,
    billed_ms,
    log_event,
    make_idle,
    overlap,
    take_idle,
)


class ChunkInputs(NamedTuple):
    """The arrivals of one kernel call with their per-request draws, and the current cold-start draws."""

    time_s: np.ndarray
    duration_s: np.ndarray
    keep_alive_s: np.ndarray
    api_s: np.ndarray
    route: np.ndarray
    cold_init_s: np.ndarray
    """INIT durations: one row, or one row per function."""
    cold_age: np.ndarray
    """Ages (0-1) of environments born during warm-up; one per cold start, like each row of ``cold_init_s``."""


class Latencies(NamedTuple):
    """Output buffers: the client latency (ms) and route of each successful measured request."""

    ms: np.ndarray
    route: np.ndarray


@jit
def _env_dies(state: KernelState, slot: int, time: float, kind: int) -> None:
    limits, pool = state.limits, state.pool
    n = pool.counts
    birth = pool.env_times[slot, L.EF_BIRTH]
    horizon = limits.horizon_s
    pool.float_state[L.F_ALIVE] += overlap(birth, time, horizon)
    if limits.series_s > 0:
        add_interval(state.records.series_time, L.TS_ENV_PART, L.TS_ENV_FULL, birth, time, horizon)
    n[L.N_ALIVE] -= 1
    if 0.0 <= time < horizon:
        n[L.N_EXPIRED if kind == L.K_EXPIRE else (L.N_RETIRED if kind == L.K_RETIRE else L.N_RESET)] += 1
    if limits.logging:
        log_event(n, state.records, time, kind, -1, pool.env_ints[slot, L.EI_SERIAL])
    pool.free_slots[n[L.N_FREE_TOP]] = slot
    n[L.N_FREE_TOP] += 1


@jit
def _complete(state: KernelState, time: float, slot: int, request: int) -> None:
    pool = state.pool
    n = pool.counts
    if state.limits.logging:
        env = pool.env_ints[slot, L.EI_SERIAL] if slot >= 0 else -1
        log_event(n, state.records, time, L.K_DONE, request, env)
    if slot < 0:  # a provisioned environment of function -1 - slot
        n[L.N_PC_INFLIGHT] -= 1
        pool.functions[-1 - slot, L.FN_PC_INFLIGHT] -= 1
        return
    n[L.N_OD_INFLIGHT] -= 1
    pool.functions[pool.env_ints[slot, L.EI_FUNCTION], L.FN_OD_INFLIGHT] -= 1
    if pool.env_ints[slot, L.EI_RESET] > 0:  # a function timeout resets the environment: it is not reused
        _env_dies(state, slot, time, L.K_RESET)
    elif time >= pool.env_times[slot, L.EF_RETIRE]:  # past its lifetime: retired after the request it was serving
        _env_dies(state, slot, time, L.K_RETIRE)
    else:
        make_idle(pool, slot)


@jit
def _advance(state: KernelState, until: float) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    pool = state.pool
    n = pool.counts
    while True:
        done = pool.busy_until[0] if n[L.N_BH_SIZE] > 0 else L.INF
        gone = pool.env_times[pool.expiry_heap[0], L.EF_EXPIRY] if n[L.N_EH_SIZE] > 0 else L.INF
        if done <= gone:
            if done > until or done == L.INF:
                return
            slot = pool.busy_payload[0, L.BH_SLOT]
            request = pool.busy_payload[0, L.BH_REQUEST]
            bh_pop(pool)
            _complete(state, done, slot, request)
        else:
            if gone > until:
                return
            slot = pool.expiry_heap[0]
            kind = L.K_RETIRE if gone >= pool.env_times[slot, L.EF_RETIRE] else L.K_EXPIRE
            take_idle(pool, slot)
            _env_dies(state, slot, gone, kind)


@jit
def _outcome(state: KernelState, arrival: Arrival, env: int, busy: float, raw: float) -> int:
    """Log and count how the client sees the request: 0 ok, 1 gateway timeout (504), 2 function timeout."""
    limits, time = state.limits, arrival.time
    status = 1 if busy > limits.integration_timeout_s else (2 if raw > limits.timeout_s else 0)
    if status == 1 and limits.logging:
        gateway_at = time + limits.integration_timeout_s
        log_event(state.pool.counts, state.records, gateway_at, L.K_GATEWAY_TIMEOUT, arrival.request, env)
    elif status == 2 and limits.logging:
        log_event(state.pool.counts, state.records, time + busy, L.K_FUNCTION_TIMEOUT, arrival.request, env)
    if time >= 0.0:
        column = L.RT_OK if status == 0 else (L.RT_GATEWAY_TIMEOUTS if status == 1 else L.RT_FUNCTION_TIMEOUTS)
        state.records.route_counts[arrival.route, column] += 1
    return status


@jit
def _measure_start(state: KernelState, arrival: Arrival, placement: Placement, run: float, busy: float) -> None:
    """Peak concurrency, occupancy and billed time of an invocation that starts in [0, horizon)."""
    n, series_count = state.pool.counts, state.records.series_count
    time, route_counts = arrival.time, state.records.route_counts
    concurrency = n[L.N_OD_INFLIGHT] + n[L.N_PC_INFLIGHT]
    n[L.N_PEAK_CONCURRENCY] = max(n[L.N_PEAK_CONCURRENCY], concurrency)
    if state.limits.series_s > 0:
        series_count[L.TS_CONC_MAX, int(time)] = max(series_count[L.TS_CONC_MAX, int(time)], concurrency)
    state.pool.float_state[L.F_OCCUPANCY] += busy
    if placement.slot >= 0:
        route_counts[arrival.route, L.RT_ONDEMAND_MS] += billed_ms(run)
        route_counts[arrival.route, L.RT_INIT_MS] += billed_ms(placement.init_s)
    else:
        route_counts[arrival.route, L.RT_PROVISIONED_MS] += billed_ms(run)


@jit
def _start(
    state: KernelState, arrival: Arrival, placement: Placement, run_s: float, keep_alive: float
) -> tuple[int, float]:
    """Start an invocation; return its status and the client latency (s) when it succeeds."""
    limits, pool = state.limits, state.pool
    slot, time = placement.slot, arrival.time
    raw = placement.extra_s + run_s
    run = min(raw, limits.timeout_s)
    busy = placement.init_s + run
    end = time + busy
    horizon = limits.horizon_s
    bh_push(pool, end, slot, arrival.request)
    share = overlap(time, end, horizon)
    pool.float_state[L.F_BUSY] += share
    if slot >= 0:
        pool.env_times[slot, L.EF_EXPIRY] = min(end + keep_alive, pool.env_times[slot, L.EF_RETIRE])
        if raw > limits.timeout_s:
            pool.env_ints[slot, L.EI_RESET] = 1
    else:
        pool.float_state[L.F_PC_BUSY] += share
    if limits.series_s > 0:
        add_interval(state.records.series_time, L.TS_BUSY_PART, L.TS_BUSY_FULL, time, end, horizon)
        add_cover(state.records.series_count, time, end, limits.series_s)
    status = _outcome(state, arrival, pool.env_ints[slot, L.EI_SERIAL] if slot >= 0 else -1, busy, raw)
    if time >= 0.0:
        _measure_start(state, arrival, placement, run, busy)
    return status, busy


@jit
def _arrive(state: KernelState, time: float, route: int) -> Arrival:
    """Bring the state up to ``time``, number the arrival and count it."""
    _advance(state, time)
    n = state.pool.counts
    request = n[L.N_REQ_SERIAL]
    n[L.N_REQ_SERIAL] = request + 1
    if time >= 0.0:
        state.records.route_counts[route, L.RT_REQUESTS] += 1
        if state.limits.series_s > 0:
            state.records.series_count[L.TS_ARRIVALS, int(time)] += 1
    return Arrival(route, state.limits.route_function[route], time, request)


@jit
def _provisioned(state: KernelState, arrival: Arrival) -> Placement:
    """Serve the arrival on one of its function's ready provisioned environments."""
    state.pool.counts[L.N_PC_INFLIGHT] += 1
    state.pool.functions[arrival.function, L.FN_PC_INFLIGHT] += 1
    if arrival.time >= 0.0:
        state.records.route_counts[arrival.route, L.RT_PROVISIONED] += 1
    if state.limits.logging:
        log_event(state.pool.counts, state.records, arrival.time, L.K_PROVISIONED, arrival.request, -1)
    return Placement(-1 - arrival.function, 0.0, 0.0)


@jit
def _on_demand(state: KernelState, chunk: ChunkInputs, arrival: Arrival) -> Placement:
    """Serve the arrival on an on-demand environment (slot -1: throttled), with the next cold-start draws."""
    n = state.pool.counts
    position = n[L.N_COLD_POS]
    row = arrival.function if chunk.cold_init_s.shape[0] > 1 else 0  # one row of INIT draws per function
    placement = on_demand(state, arrival, chunk.cold_init_s[row, position], chunk.cold_age[position])
    if placement.slot >= 0:
        n[L.N_OD_INFLIGHT] += 1
        state.pool.functions[arrival.function, L.FN_OD_INFLIGHT] += 1
        if arrival.time >= 0.0 and n[L.N_PC_READY] > 0:
            state.records.route_counts[arrival.route, L.RT_SPILLOVER] += 1
    return placement


@entry
def advance(state: KernelState, until: float) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    _advance(state, until)


@entry
def add_event(state: KernelState, time: float, kind: int, count: int) -> None:
    """Append a control-plane event (a provisioned count) to the log."""
    log_event(state.pool.counts, state.records, time, kind, -1, count)


@entry
def run_arrivals(chunk: ChunkInputs, latencies: Latencies, written: int, state: KernelState) -> tuple[int, int]:
    """Handle arrivals in order; successful latencies (ms) and their routes go to ``latencies``
    from ``written`` on.

    Returns (arrivals handled, latencies written). Stops early, before touching the next arrival,
    when the block of cold-start draws is used up (the caller passes a fresh one).
    """
    limits, pool = state.limits, state.pool
    for i in range(chunk.time_s.size):
        if pool.counts[L.N_COLD_POS] >= chunk.cold_age.size:
            return i, written
        arrival = _arrive(state, chunk.time_s[i], chunk.route[i])
        if not refill(
            pool.float_state, L.F_API_TOKENS, L.F_API_LAST, limits.api_rate_per_s, limits.api_burst, arrival.time
        ):
            reject(state, arrival, L.K_API_THROTTLE, L.RT_API_THROTTLED)
            continue
        if pool.functions[arrival.function, L.FN_PC_INFLIGHT] < pool.counts[L.N_PC_READY]:
            placement = _provisioned(state, arrival)
        else:
            placement = _on_demand(state, chunk, arrival)
            if placement.slot < 0:
                continue
        status, busy = _start(state, arrival, placement, chunk.duration_s[i], chunk.keep_alive_s[i])
        if status == 0 and arrival.time >= 0.0:
            latencies.ms[written] = (chunk.api_s[i] + busy) * 1_000.0
            latencies.route[written] = arrival.route
            written += 1
    return chunk.time_s.size, written
