"""Compiled per-request path of the Lambda simulator: gateway, limits, warm pool, billing.

`run_arrivals` handles a chunk of arrivals in time order; `advance` applies completions and
expiries due by a time (the control plane calls it before changing provisioned concurrency).
Keep-alive expiry is lazy: each idle environment carries its expiry time, and whatever is due
before an arrival is applied, in time order, when that arrival is handled. No SimPy event and
no Python object exists per request.

Routes and functions (request.routes, lambda.layout): each arrival carries its route, each route
belongs to a function; a function has its own idle list, in-flight counts and (current scaling
rule) token bucket, while the API bucket, the expiry heap and the account limit are shared.
Per-arrival counters are kept per route (rt_i) and added up when the run ends.

Conventions (shared with the reference model in tests/validation): at equal times a completion
comes before an expiry, both before a control change, all before an arrival; an idle
environment whose expiry equals the arrival time is gone; both token buckets refill
continuously; a request that needs capacity it cannot get is rejected at once, never queued.
Environments born during warm-up stand for a fleet that existed before it: their remaining
lifetime is drawn uniformly in (0, max_lifetime], so retirements do not all fall together.
"""

from __future__ import annotations

from typing import Any

from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.admit import on_demand, refill, reject
from archsel.sim.lambda_.layout import jit
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


@jit
def _env_dies(
    p: Any, f: Any, n: Any, env_f: Any, env_i: Any, free: Any, ts_f: Any, log: Any, slot: int, time: float, kind: int
) -> None:
    birth = env_f[slot, L.EF_BIRTH]
    horizon = p[L.P_HORIZON]
    f[L.F_ALIVE] += overlap(birth, time, horizon)
    if p[L.P_SERIES] > 0:
        add_interval(ts_f, L.TS_ENV_PART, L.TS_ENV_FULL, birth, time, horizon)
    n[L.N_ALIVE] -= 1
    if 0.0 <= time < horizon:
        n[L.N_EXPIRED if kind == L.K_EXPIRE else (L.N_RETIRED if kind == L.K_RETIRE else L.N_RESET)] += 1
    if p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time, kind, -1, env_i[slot, L.EI_SERIAL])
    free[n[L.N_FREE_TOP]] = slot
    n[L.N_FREE_TOP] += 1


@jit
def _complete(
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    eh: Any,
    ts_f: Any,
    log: Any,
    fn_i: Any,
    time: float,
    slot: int,
    request: int,
) -> None:
    if p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time, L.K_DONE, request, env_i[slot, L.EI_SERIAL] if slot >= 0 else -1)
    if slot < 0:  # a provisioned environment of function -1 - slot
        n[L.N_PC_INFLIGHT] -= 1
        fn_i[-1 - slot, L.FN_PC_INFLIGHT] -= 1
        return
    n[L.N_OD_INFLIGHT] -= 1
    fn_i[env_i[slot, L.EI_FUNCTION], L.FN_OD_INFLIGHT] -= 1
    if env_i[slot, L.EI_RESET] > 0:  # a function timeout resets the environment: it is not reused
        _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, time, L.K_RESET)
    elif time >= env_f[slot, L.EF_RETIRE]:  # past its lifetime: retired after the request it was serving
        _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, time, L.K_RETIRE)
    else:
        make_idle(n, env_f, env_i, eh, fn_i, slot)


@jit
def _advance(
    until: float,
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    bh_t: Any,
    bh_i: Any,
    eh: Any,
    ts_f: Any,
    ts_i: Any,
    log_t: Any,
    log_i: Any,
    fn_i: Any,
) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    log = (log_t, log_i)
    while True:
        done = bh_t[0] if n[L.N_BH_SIZE] > 0 else L.INF
        gone = env_f[eh[0], L.EF_EXPIRY] if n[L.N_EH_SIZE] > 0 else L.INF
        if done <= gone:
            if done > until or done == L.INF:
                return
            slot = bh_i[0, L.BH_SLOT]
            request = bh_i[0, L.BH_REQUEST]
            bh_pop(n, bh_t, bh_i)
            _complete(p, f, n, env_f, env_i, free, eh, ts_f, log, fn_i, done, slot, request)
        else:
            if gone > until:
                return
            slot = eh[0]
            kind = L.K_RETIRE if gone >= env_f[slot, L.EF_RETIRE] else L.K_EXPIRE
            take_idle(n, env_f, env_i, eh, fn_i, slot)
            _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, gone, kind)


@jit
def _outcome(
    p: Any, n: Any, log: Any, rt: Any, route: int, time: float, request: int, env: int, busy: float, raw: float
) -> int:
    """Log and count how the client sees the request: 0 ok, 1 gateway timeout (504), 2 function timeout."""
    status = 1 if busy > p[L.P_INTEGRATION] else (2 if raw > p[L.P_TIMEOUT] else 0)
    if status == 1 and p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time + p[L.P_INTEGRATION], L.K_GATEWAY_TIMEOUT, request, env)
    elif status == 2 and p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time + busy, L.K_FUNCTION_TIMEOUT, request, env)
    if time >= 0.0:
        rt[route, L.RT_OK if status == 0 else (L.RT_GATEWAY_TIMEOUTS if status == 1 else L.RT_FUNCTION_TIMEOUTS)] += 1
    return status


@jit
def _start(
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    bh_t: Any,
    bh_i: Any,
    ts_f: Any,
    ts_i: Any,
    log: Any,
    rt: Any,
    route: int,
    time: float,
    request: int,
    slot: int,
    init_s: float,
    extra_s: float,
    run_s: float,
    keep_alive: float,
) -> tuple[int, float]:
    """Start an invocation; return its status and the client latency (s) when it succeeds."""
    raw = extra_s + run_s
    run = min(raw, p[L.P_TIMEOUT])
    busy = init_s + run
    end = time + busy
    horizon = p[L.P_HORIZON]
    bh_push(n, bh_t, bh_i, end, slot, request)
    share = overlap(time, end, horizon)
    f[L.F_BUSY] += share
    if slot >= 0:
        env_f[slot, L.EF_EXPIRY] = min(end + keep_alive, env_f[slot, L.EF_RETIRE])
        if raw > p[L.P_TIMEOUT]:
            env_i[slot, L.EI_RESET] = 1
    else:
        f[L.F_PC_BUSY] += share
    if p[L.P_SERIES] > 0:
        add_interval(ts_f, L.TS_BUSY_PART, L.TS_BUSY_FULL, time, end, horizon)
        add_cover(ts_i, time, end, int(p[L.P_SERIES]))
    status = _outcome(p, n, log, rt, route, time, request, env_i[slot, L.EI_SERIAL] if slot >= 0 else -1, busy, raw)
    if time >= 0.0:
        concurrency = n[L.N_OD_INFLIGHT] + n[L.N_PC_INFLIGHT]
        n[L.N_PEAK_CONCURRENCY] = max(n[L.N_PEAK_CONCURRENCY], concurrency)
        if p[L.P_SERIES] > 0:
            ts_i[L.TS_CONC_MAX, int(time)] = max(ts_i[L.TS_CONC_MAX, int(time)], concurrency)
        f[L.F_OCCUPANCY] += busy
        if slot >= 0:
            rt[route, L.RT_ONDEMAND_MS] += billed_ms(run)
            rt[route, L.RT_INIT_MS] += billed_ms(init_s)
        else:
            rt[route, L.RT_PROVISIONED_MS] += billed_ms(run)
    return status, busy


@jit
def advance(
    until: float,
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    bh_t: Any,
    bh_i: Any,
    eh: Any,
    ts_f: Any,
    ts_i: Any,
    log_t: Any,
    log_i: Any,
    fn_i: Any,
    bk_f: Any,
    rt_i: Any,
    route_fn: Any,
) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    _advance(until, p, f, n, env_f, env_i, free, bh_t, bh_i, eh, ts_f, ts_i, log_t, log_i, fn_i)


@jit
def add_event(n: Any, log_t: Any, log_i: Any, time: float, kind: int, request: int, env: int) -> None:
    """Append a control-plane event to the log."""
    log_event(n, log_t, log_i, time, kind, request, env)


@jit
def run_arrivals(
    times: Any,
    duration: Any,
    keep_alive: Any,
    api: Any,
    route: Any,
    cold_init: Any,
    cold_age: Any,
    latency: Any,
    latency_route: Any,
    written: int,
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    bh_t: Any,
    bh_i: Any,
    eh: Any,
    ts_f: Any,
    ts_i: Any,
    log_t: Any,
    log_i: Any,
    fn_i: Any,
    bk_f: Any,
    rt_i: Any,
    route_fn: Any,
) -> tuple[int, int]:
    """Handle arrivals in order; successful latencies (ms) go to ``latency`` from ``written`` on,
    their routes to ``latency_route``.

    ``cold_init`` holds one row of INIT draws, or one per function. Returns (arrivals handled,
    latencies written). Stops early, before touching the next arrival, when the block of
    cold-start draws is used up (the caller passes a fresh one).
    """
    log = (log_t, log_i)
    per_function_init = cold_init.shape[0] > 1
    for i in range(times.size):
        if n[L.N_COLD_POS] >= cold_age.size:
            return i, written
        time = times[i]
        _advance(time, p, f, n, env_f, env_i, free, bh_t, bh_i, eh, ts_f, ts_i, log_t, log_i, fn_i)
        request = n[L.N_REQ_SERIAL]
        n[L.N_REQ_SERIAL] = request + 1
        r = route[i]
        function = route_fn[r]
        if time >= 0.0:
            rt_i[r, L.RT_REQUESTS] += 1
            if p[L.P_SERIES] > 0:
                ts_i[L.TS_ARRIVALS, int(time)] += 1
        if not refill(f, L.F_API_TOKENS, L.F_API_LAST, p[L.P_API_RATE], p[L.P_API_CAP], time):
            reject(p, n, ts_i, log, rt_i, r, time, request, L.K_API_THROTTLE, L.RT_API_THROTTLED)
            continue
        if fn_i[function, L.FN_PC_INFLIGHT] < n[L.N_PC_READY]:
            n[L.N_PC_INFLIGHT] += 1
            fn_i[function, L.FN_PC_INFLIGHT] += 1
            if time >= 0.0:
                rt_i[r, L.RT_PROVISIONED] += 1
            if p[L.P_LOG] > 0:
                log_event(n, log_t, log_i, time, L.K_PROVISIONED, request, -1)
            slot, init_s, extra_s = -1 - function, 0.0, 0.0
        else:
            position = n[L.N_COLD_POS]
            init = cold_init[function, position] if per_function_init else cold_init[0, position]
            slot, init_s, extra_s = on_demand(
                p,
                f,
                n,
                env_f,
                env_i,
                free,
                eh,
                ts_i,
                log,
                fn_i,
                bk_f,
                rt_i,
                r,
                function,
                time,
                request,
                init,
                cold_age[position],
            )
            if slot < 0:
                continue
            n[L.N_OD_INFLIGHT] += 1
            fn_i[function, L.FN_OD_INFLIGHT] += 1
            if time >= 0.0 and n[L.N_PC_READY] > 0:
                rt_i[r, L.RT_SPILLOVER] += 1
        status, busy = _start(
            p,
            f,
            n,
            env_f,
            env_i,
            bh_t,
            bh_i,
            ts_f,
            ts_i,
            log,
            rt_i,
            r,
            time,
            request,
            slot,
            init_s,
            extra_s,
            duration[i],
            keep_alive[i],
        )
        if status == 0 and time >= 0.0:
            latency[written] = (api[i] + busy) * 1_000.0
            latency_route[written] = r
            written += 1
    return times.size, written
