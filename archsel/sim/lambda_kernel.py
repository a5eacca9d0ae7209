"""Compiled per-request path of the Lambda simulator: gateway, limits, warm pool, billing.

`run_arrivals` handles a chunk of arrivals in time order; `advance` applies completions and
expiries due by a time (the control plane calls it before changing provisioned concurrency).
Keep-alive expiry is lazy: each idle environment carries its expiry time, and whatever is due
before an arrival is applied, in time order, when that arrival is handled. No SimPy event and
no Python object exists per request.

Conventions (shared with the reference model in tests/validation): at equal times a completion
comes before an expiry, both before a control change, all before an arrival; an idle
environment whose expiry equals the arrival time is gone; both token buckets refill
continuously; a request that needs capacity it cannot get is rejected at once, never queued.
Environments born during warm-up stand for a fleet that existed before it: their remaining
lifetime is drawn uniformly in (0, max_lifetime], so retirements do not all fall together.
"""

from __future__ import annotations

from typing import Any

from archsel.sim.lambda_layout import (
    BH_REQUEST,
    BH_SLOT,
    EF_BIRTH,
    EF_EXPIRY,
    EF_RETIRE,
    EI_HEAP_POS,
    EI_RESET,
    EI_SERIAL,
    EPS,
    F_ALIVE,
    F_API_LAST,
    F_API_TOKENS,
    F_BUSY,
    F_OCCUPANCY,
    F_PC_BUSY,
    F_SCALE_LAST,
    F_SCALE_TOKENS,
    INF,
    K_API_THROTTLE,
    K_COLD,
    K_CONCURRENCY_THROTTLE,
    K_DONE,
    K_EXPIRE,
    K_FUNCTION_TIMEOUT,
    K_GATEWAY_TIMEOUT,
    K_INIT_RETRY,
    K_PROVISIONED,
    K_RESET,
    K_RETIRE,
    K_SCALING_THROTTLE,
    K_WARM,
    N_ALIVE,
    N_API_THROTTLED,
    N_BH_SIZE,
    N_COLD,
    N_COLD_POS,
    N_CONC_THROTTLED,
    N_CREATED,
    N_EH_SIZE,
    N_ENV_SERIAL,
    N_EXPIRED,
    N_FREE_TOP,
    N_FUNCTION_TIMEOUTS,
    N_GATEWAY_TIMEOUTS,
    N_IDLE_HEAD,
    N_INIT_MS,
    N_INIT_RETRIES,
    N_MAX_ENVIRONMENTS,
    N_OD_INFLIGHT,
    N_OK,
    N_ONDEMAND_MS,
    N_PC_CONFIGURED,
    N_PC_INFLIGHT,
    N_PC_READY,
    N_PEAK_CONCURRENCY,
    N_PROVISIONED,
    N_PROVISIONED_MS,
    N_REQ_SERIAL,
    N_REQUESTS,
    N_RESET,
    N_RETIRED,
    N_SCALE_THROTTLED,
    N_SPILLOVER,
    N_WARM,
    P_API_CAP,
    P_API_RATE,
    P_HORIZON,
    P_INIT_CAP,
    P_INTEGRATION,
    P_LIMIT,
    P_LOG,
    P_MAX_LIFE,
    P_SCALE_CAP,
    P_SCALE_RATE,
    P_SERIES,
    P_TIMEOUT,
    TS_ARRIVALS,
    TS_BUSY_FULL,
    TS_BUSY_PART,
    TS_COLD,
    TS_CONC_MAX,
    TS_ENV_FULL,
    TS_ENV_PART,
    TS_THROTTLES,
    jit,
)
from archsel.sim.lambda_pool import (
    _add_cover,
    _add_interval,
    _bh_pop,
    _bh_push,
    _billed_ms,
    _make_idle,
    _overlap,
    _take_idle,
    log_event,
)


@jit
def _env_dies(
    p: Any, f: Any, n: Any, env_f: Any, env_i: Any, free: Any, ts_f: Any, log: Any, slot: int, time: float, kind: int
) -> None:
    birth = env_f[slot, EF_BIRTH]
    horizon = p[P_HORIZON]
    f[F_ALIVE] += _overlap(birth, time, horizon)
    if p[P_SERIES] > 0:
        _add_interval(ts_f, TS_ENV_PART, TS_ENV_FULL, birth, time, horizon)
    n[N_ALIVE] -= 1
    if 0.0 <= time < horizon:
        n[N_EXPIRED if kind == K_EXPIRE else (N_RETIRED if kind == K_RETIRE else N_RESET)] += 1
    if p[P_LOG] > 0:
        log_event(n, log[0], log[1], time, kind, -1, env_i[slot, EI_SERIAL])
    free[n[N_FREE_TOP]] = slot
    n[N_FREE_TOP] += 1


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
    time: float,
    slot: int,
    request: int,
) -> None:
    if p[P_LOG] > 0:
        log_event(n, log[0], log[1], time, K_DONE, request, env_i[slot, EI_SERIAL] if slot >= 0 else -1)
    if slot < 0:
        n[N_PC_INFLIGHT] -= 1
        return
    n[N_OD_INFLIGHT] -= 1
    if env_i[slot, EI_RESET] > 0:  # a function timeout resets the environment: it is not reused
        _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, time, K_RESET)
    elif time >= env_f[slot, EF_RETIRE]:  # past its lifetime: retired after the request it was serving
        _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, time, K_RETIRE)
    else:
        _make_idle(n, env_f, env_i, eh, slot)


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
) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    log = (log_t, log_i)
    while True:
        done = bh_t[0] if n[N_BH_SIZE] > 0 else INF
        gone = env_f[eh[0], EF_EXPIRY] if n[N_EH_SIZE] > 0 else INF
        if done <= gone:
            if done > until or done == INF:
                return
            slot = bh_i[0, BH_SLOT]
            request = bh_i[0, BH_REQUEST]
            _bh_pop(n, bh_t, bh_i)
            _complete(p, f, n, env_f, env_i, free, eh, ts_f, log, done, slot, request)
        else:
            if gone > until:
                return
            slot = eh[0]
            kind = K_RETIRE if gone >= env_f[slot, EF_RETIRE] else K_EXPIRE
            _take_idle(n, env_f, env_i, eh, slot)
            _env_dies(p, f, n, env_f, env_i, free, ts_f, log, slot, gone, kind)


@jit
def _refill(f: Any, tokens_at: int, last_at: int, rate: float, cap: float, time: float) -> bool:
    """Refill a token bucket up to ``time``; take one token if there is one."""
    tokens = min(cap, f[tokens_at] + rate * (time - f[last_at]))
    f[last_at] = time
    if tokens < 1.0 - EPS:
        f[tokens_at] = tokens
        return False
    f[tokens_at] = tokens - 1.0
    return True


@jit
def _reject(p: Any, n: Any, ts_i: Any, log: Any, time: float, request: int, kind: int, counter: int) -> None:
    if time >= 0.0:
        n[counter] += 1
        if p[P_SERIES] > 0:
            ts_i[TS_THROTTLES, int(time)] += 1
    if p[P_LOG] > 0:
        log_event(n, log[0], log[1], time, kind, request, -1)


@jit
def _create(p: Any, n: Any, env_f: Any, env_i: Any, free: Any, time: float, age: float) -> int:
    top = n[N_FREE_TOP] - 1
    n[N_FREE_TOP] = top
    slot = int(free[top])
    life = p[P_MAX_LIFE] if time >= 0.0 else p[P_MAX_LIFE] * (1.0 - age)
    env_f[slot, EF_BIRTH] = time
    env_f[slot, EF_RETIRE] = time + life
    env_i[slot, EI_RESET] = 0
    env_i[slot, EI_HEAP_POS] = -1
    env_i[slot, EI_SERIAL] = n[N_ENV_SERIAL]
    n[N_ENV_SERIAL] += 1
    n[N_ALIVE] += 1
    if time >= 0.0:
        n[N_CREATED] += 1
        n[N_MAX_ENVIRONMENTS] = max(n[N_MAX_ENVIRONMENTS], n[N_ALIVE] + n[N_PC_READY])
    return slot


@jit
def _outcome(p: Any, n: Any, log: Any, time: float, request: int, env: int, busy: float, raw: float) -> int:
    """Log and count how the client sees the request: 0 ok, 1 gateway timeout (504), 2 function timeout."""
    status = 1 if busy > p[P_INTEGRATION] else (2 if raw > p[P_TIMEOUT] else 0)
    if status == 1 and p[P_LOG] > 0:
        log_event(n, log[0], log[1], time + p[P_INTEGRATION], K_GATEWAY_TIMEOUT, request, env)
    elif status == 2 and p[P_LOG] > 0:
        log_event(n, log[0], log[1], time + busy, K_FUNCTION_TIMEOUT, request, env)
    if time >= 0.0:
        n[N_OK if status == 0 else (N_GATEWAY_TIMEOUTS if status == 1 else N_FUNCTION_TIMEOUTS)] += 1
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
    run = min(raw, p[P_TIMEOUT])
    busy = init_s + run
    end = time + busy
    horizon = p[P_HORIZON]
    _bh_push(n, bh_t, bh_i, end, slot, request)
    share = _overlap(time, end, horizon)
    f[F_BUSY] += share
    if slot >= 0:
        env_f[slot, EF_EXPIRY] = min(end + keep_alive, env_f[slot, EF_RETIRE])
        if raw > p[P_TIMEOUT]:
            env_i[slot, EI_RESET] = 1
    else:
        f[F_PC_BUSY] += share
    if p[P_SERIES] > 0:
        _add_interval(ts_f, TS_BUSY_PART, TS_BUSY_FULL, time, end, horizon)
        _add_cover(ts_i, time, end, int(p[P_SERIES]))
    status = _outcome(p, n, log, time, request, env_i[slot, EI_SERIAL] if slot >= 0 else -1, busy, raw)
    if time >= 0.0:
        concurrency = n[N_OD_INFLIGHT] + n[N_PC_INFLIGHT]
        n[N_PEAK_CONCURRENCY] = max(n[N_PEAK_CONCURRENCY], concurrency)
        if p[P_SERIES] > 0:
            ts_i[TS_CONC_MAX, int(time)] = max(ts_i[TS_CONC_MAX, int(time)], concurrency)
        f[F_OCCUPANCY] += busy
        if slot >= 0:
            n[N_ONDEMAND_MS] += _billed_ms(run)
            n[N_INIT_MS] += _billed_ms(init_s)
        else:
            n[N_PROVISIONED_MS] += _billed_ms(run)
    return status, busy


@jit
def _on_demand(
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    eh: Any,
    ts_i: Any,
    log: Any,
    time: float,
    request: int,
    init_s: float,
    age: float,
) -> tuple[int, float, float]:
    """Find an environment for an on-demand request: (slot or -1 if throttled, INIT s, INIT retry s)."""
    if n[N_OD_INFLIGHT] >= p[P_LIMIT] - n[N_PC_CONFIGURED]:
        _reject(p, n, ts_i, log, time, request, K_CONCURRENCY_THROTTLE, N_CONC_THROTTLED)
        return -1, 0.0, 0.0
    slot = n[N_IDLE_HEAD]
    if slot >= 0:
        _take_idle(n, env_f, env_i, eh, slot)
        if time >= 0.0:
            n[N_WARM] += 1
        if p[P_LOG] > 0:
            log_event(n, log[0], log[1], time, K_WARM, request, env_i[slot, EI_SERIAL])
        return slot, 0.0, 0.0
    if not _refill(f, F_SCALE_TOKENS, F_SCALE_LAST, p[P_SCALE_RATE], p[P_SCALE_CAP], time):
        _reject(p, n, ts_i, log, time, request, K_SCALING_THROTTLE, N_SCALE_THROTTLED)
        return -1, 0.0, 0.0
    slot = _create(p, n, env_f, env_i, free, time, age)
    n[N_COLD_POS] += 1
    retry = init_s > p[P_INIT_CAP]  # INIT over the cap fails and runs again inside the invoke
    if time >= 0.0:
        n[N_COLD] += 1
        n[N_INIT_RETRIES] += 1 if retry else 0
        if p[P_SERIES] > 0:
            ts_i[TS_COLD, int(time)] += 1
    if p[P_LOG] > 0:
        log_event(n, log[0], log[1], time, K_INIT_RETRY if retry else K_COLD, request, env_i[slot, EI_SERIAL])
    if retry:
        return slot, p[P_INIT_CAP], init_s
    return slot, init_s, 0.0


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
) -> None:
    """Apply every completion and expiry due at or before ``until``, in time order."""
    _advance(until, p, f, n, env_f, env_i, free, bh_t, bh_i, eh, ts_f, ts_i, log_t, log_i)


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
    cold_init: Any,
    cold_age: Any,
    latency: Any,
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
) -> tuple[int, int]:
    """Handle arrivals in order; successful latencies (ms) go to ``latency`` from ``written`` on.

    Returns (arrivals handled, latencies written). Stops early, before touching the next
    arrival, when the block of cold-start draws is used up (the caller passes a fresh one).
    """
    log = (log_t, log_i)
    for i in range(times.size):
        if n[N_COLD_POS] >= cold_init.size:
            return i, written
        time = times[i]
        _advance(time, p, f, n, env_f, env_i, free, bh_t, bh_i, eh, ts_f, ts_i, log_t, log_i)
        request = n[N_REQ_SERIAL]
        n[N_REQ_SERIAL] = request + 1
        if time >= 0.0:
            n[N_REQUESTS] += 1
            if p[P_SERIES] > 0:
                ts_i[TS_ARRIVALS, int(time)] += 1
        if not _refill(f, F_API_TOKENS, F_API_LAST, p[P_API_RATE], p[P_API_CAP], time):
            _reject(p, n, ts_i, log, time, request, K_API_THROTTLE, N_API_THROTTLED)
            continue
        if n[N_PC_INFLIGHT] < n[N_PC_READY]:
            n[N_PC_INFLIGHT] += 1
            if time >= 0.0:
                n[N_PROVISIONED] += 1
            if p[P_LOG] > 0:
                log_event(n, log_t, log_i, time, K_PROVISIONED, request, -1)
            slot, init_s, extra_s = -1, 0.0, 0.0
        else:
            position = n[N_COLD_POS]
            slot, init_s, extra_s = _on_demand(
                p, f, n, env_f, env_i, free, eh, ts_i, log, time, request, cold_init[position], cold_age[position]
            )
            if slot < 0:
                continue
            n[N_OD_INFLIGHT] += 1
            if time >= 0.0 and n[N_PC_READY] > 0:
                n[N_SPILLOVER] += 1
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
            written += 1
    return times.size, written
