"""Admission of one arrival on Lambda: token buckets, the concurrency limit, the warm pool, a new environment.

Part of the compiled kernel (lambda_kernel.py calls these for every arrival); numba inlines
them across modules. A request that needs capacity it cannot get is rejected at once (a
throttle, never queued); an on-demand request takes its function's most recently used idle
environment, else spends a token of its scaling bucket on a new one and pays INIT.
"""

from __future__ import annotations

from typing import Any

from archsel.sim.lambda_ import layout as L
from archsel.sim.lambda_.layout import jit
from archsel.sim.lambda_.pool import log_event, take_idle


@jit
def refill(f: Any, tokens_at: int, last_at: int, rate: float, cap: float, time: float) -> bool:
    """Refill a token bucket up to ``time``; take one token if there is one."""
    tokens = min(cap, f[tokens_at] + rate * (time - f[last_at]))
    f[last_at] = time
    if tokens < 1.0 - L.EPS:
        f[tokens_at] = tokens
        return False
    f[tokens_at] = tokens - 1.0
    return True


@jit
def reject(
    p: Any, n: Any, ts_i: Any, log: Any, rt: Any, route: int, time: float, request: int, kind: int, counter: int
) -> None:
    if time >= 0.0:
        rt[route, counter] += 1
        if p[L.P_SERIES] > 0:
            ts_i[L.TS_THROTTLES, int(time)] += 1
    if p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time, kind, request, -1)


@jit
def create_environment(
    p: Any, n: Any, env_f: Any, env_i: Any, free: Any, function: int, time: float, age: float
) -> int:
    top = n[L.N_FREE_TOP] - 1
    n[L.N_FREE_TOP] = top
    slot = int(free[top])
    life = p[L.P_MAX_LIFE] if time >= 0.0 else p[L.P_MAX_LIFE] * (1.0 - age)
    env_f[slot, L.EF_BIRTH] = time
    env_f[slot, L.EF_RETIRE] = time + life
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
def over_limit(p: Any, n: Any, fn_i: Any, function: int) -> bool:
    """Whether an on-demand start would pass the concurrency limit (provisioned capacity reserves its part)."""
    if p[L.P_FUNCTION_LIMIT] > 0:  # reserved concurrency: each function's own ceiling
        return bool(fn_i[function, L.FN_OD_INFLIGHT] >= p[L.P_LIMIT] - n[L.N_PC_CONFIGURED])
    return bool(n[L.N_OD_INFLIGHT] >= p[L.P_LIMIT] - n[L.N_FUNCTIONS] * n[L.N_PC_CONFIGURED])


@jit
def on_demand(
    p: Any,
    f: Any,
    n: Any,
    env_f: Any,
    env_i: Any,
    free: Any,
    eh: Any,
    ts_i: Any,
    log: Any,
    fn_i: Any,
    bk_f: Any,
    rt: Any,
    route: int,
    function: int,
    time: float,
    request: int,
    init_s: float,
    age: float,
) -> tuple[int, float, float]:
    """Find an environment for an on-demand request: (slot or -1 if throttled, INIT s, INIT retry s)."""
    if over_limit(p, n, fn_i, function):
        reject(p, n, ts_i, log, rt, route, time, request, L.K_CONCURRENCY_THROTTLE, L.RT_CONC_THROTTLED)
        return -1, 0.0, 0.0
    slot = fn_i[function, L.FN_IDLE_HEAD]
    if slot >= 0:
        take_idle(n, env_f, env_i, eh, fn_i, slot)
        if time >= 0.0:
            rt[route, L.RT_WARM] += 1
        if p[L.P_LOG] > 0:
            log_event(n, log[0], log[1], time, L.K_WARM, request, env_i[slot, L.EI_SERIAL])
        return slot, 0.0, 0.0
    bucket = 2 * fn_i[function, L.FN_BUCKET]
    if not refill(bk_f, bucket, bucket + 1, p[L.P_SCALE_RATE], p[L.P_SCALE_CAP], time):
        reject(p, n, ts_i, log, rt, route, time, request, L.K_SCALING_THROTTLE, L.RT_SCALE_THROTTLED)
        return -1, 0.0, 0.0
    slot = create_environment(p, n, env_f, env_i, free, function, time, age)
    n[L.N_COLD_POS] += 1
    retry = init_s > p[L.P_INIT_CAP]  # INIT over the cap fails and runs again inside the invoke
    if time >= 0.0:
        rt[route, L.RT_COLD] += 1
        rt[route, L.RT_INIT_RETRIES] += 1 if retry else 0
        if p[L.P_SERIES] > 0:
            ts_i[L.TS_COLD, int(time)] += 1
    if p[L.P_LOG] > 0:
        log_event(n, log[0], log[1], time, L.K_INIT_RETRY if retry else L.K_COLD, request, env_i[slot, L.EI_SERIAL])
    if retry:
        return slot, p[L.P_INIT_CAP], init_s
    return slot, init_s, 0.0
