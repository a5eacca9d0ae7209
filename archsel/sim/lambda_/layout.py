"""Memory layout of the Lambda kernel's state: packed scalars, environment slots, heaps, series.

The compiled kernel (lambda_kernel.py) keeps all state in numpy arrays so it can stop and
resume between chunks and control-plane changes. Scalars live in three flat arrays (`p`
parameters, `f` floats, `n` integers) at the indices named here; numba reads module-level
integers as compile-time constants, so the names cost nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archsel.sim.jit import kernel
from archsel.sim.lambda_.config import LambdaConfig

jit = kernel
"""The kernel decorator (archsel.sim.jit.kernel: no reference counting, helpers inlined, GIL released)."""


INF = np.inf
EPS = 1e-9
"""Tolerance of token counts, so float refills of exactly one token count as one."""

# p: parameters (float64); P_FUNCTION_LIMIT > 0: P_LIMIT holds for each function (reserved concurrency)
P_HORIZON, P_TIMEOUT, P_INTEGRATION, P_INIT_CAP, P_MAX_LIFE = 0, 1, 2, 3, 4
P_API_RATE, P_API_CAP, P_SCALE_RATE, P_SCALE_CAP, P_LIMIT = 5, 6, 7, 8, 9
P_SERIES, P_LOG, P_FUNCTION_LIMIT = 10, 11, 12
P_SIZE = 13

# f: float state
F_API_TOKENS, F_API_LAST = 0, 1
F_BUSY, F_PC_BUSY, F_ALIVE, F_OCCUPANCY = 2, 3, 4, 5
F_SIZE = 6

# n: int state, totals over functions; the per-arrival counters from N_REQUESTS on are kept per
# route in rt_i while the kernel runs and added up into n when the run ends (fold_routes)
N_OD_INFLIGHT, N_PC_INFLIGHT, N_PC_READY, N_PC_CONFIGURED, N_ALIVE = 0, 1, 2, 3, 4
N_FUNCTIONS, N_BH_SIZE, N_EH_SIZE, N_FREE_TOP, N_ENV_SERIAL, N_REQ_SERIAL = 5, 6, 7, 8, 9, 10
N_COLD_POS, N_LOG_SIZE = 11, 12
N_REQUESTS, N_API_THROTTLED, N_CONC_THROTTLED, N_SCALE_THROTTLED = 13, 14, 15, 16
N_COLD, N_WARM, N_PROVISIONED, N_SPILLOVER = 17, 18, 19, 20
N_GATEWAY_TIMEOUTS, N_FUNCTION_TIMEOUTS, N_INIT_RETRIES, N_OK = 21, 22, 23, 24
N_CREATED, N_EXPIRED, N_RETIRED, N_RESET = 25, 26, 27, 28
N_PEAK_CONCURRENCY, N_MAX_ENVIRONMENTS = 29, 30
N_ONDEMAND_MS, N_INIT_MS, N_PROVISIONED_MS = 31, 32, 33
N_SIZE = 34

# environments: env_f[slot, EF_*], env_i[slot, EI_*]
EF_BIRTH, EF_RETIRE, EF_EXPIRY = 0, 1, 2
EI_PREV, EI_NEXT, EI_HEAP_POS, EI_SERIAL, EI_RESET, EI_FUNCTION = 0, 1, 2, 3, 4, 5

# functions: fn_i[function, FN_*]; provisioned counts (N_PC_READY, N_PC_CONFIGURED) are per function
FN_IDLE_HEAD, FN_OD_INFLIGHT, FN_PC_INFLIGHT, FN_BUCKET = 0, 1, 2, 3
FN_SIZE = 4
# scaling buckets: bk_f[2 * bucket] tokens, bk_f[2 * bucket + 1] time of the last refill

# routes: rt_i[route, RT_*], counts of arrivals in [0, horizon)
RT_REQUESTS, RT_API_THROTTLED, RT_CONC_THROTTLED, RT_SCALE_THROTTLED = 0, 1, 2, 3
RT_COLD, RT_WARM, RT_PROVISIONED, RT_SPILLOVER = 4, 5, 6, 7
RT_GATEWAY_TIMEOUTS, RT_FUNCTION_TIMEOUTS, RT_INIT_RETRIES, RT_OK = 8, 9, 10, 11
RT_ONDEMAND_MS, RT_INIT_MS, RT_PROVISIONED_MS = 12, 13, 14
RT_SIZE = 15

# busy heap payload: bh_i[k, BH_*]; BH_SLOT is -1 - function for a provisioned environment
BH_SLOT, BH_REQUEST = 0, 1

# per-second series rows
TS_BUSY_PART, TS_BUSY_FULL, TS_ENV_PART, TS_ENV_FULL = 0, 1, 2, 3
TS_ARRIVALS, TS_COLD, TS_THROTTLES, TS_CONC_MAX, TS_COVER = 0, 1, 2, 3, 4

# event kinds
K_API_THROTTLE, K_CONCURRENCY_THROTTLE, K_SCALING_THROTTLE = 0, 1, 2
K_COLD, K_WARM, K_PROVISIONED, K_DONE = 3, 4, 5, 6
K_GATEWAY_TIMEOUT, K_FUNCTION_TIMEOUT, K_INIT_RETRY = 7, 8, 9
K_EXPIRE, K_RETIRE, K_RESET = 10, 11, 12
K_PC_CONFIGURED, K_PC_READY, K_MEASURE_START = 13, 14, 15


@dataclass(frozen=True, slots=True)
class KernelState:
    """Every array the kernel reads or writes (the arrays change in place; the holder does not)."""

    p: np.ndarray
    f: np.ndarray
    n: np.ndarray
    env_f: np.ndarray
    env_i: np.ndarray
    free: np.ndarray
    bh_t: np.ndarray
    bh_i: np.ndarray
    eh: np.ndarray
    ts_f: np.ndarray
    ts_i: np.ndarray
    log_t: np.ndarray
    log_i: np.ndarray
    fn_i: np.ndarray
    bk_f: np.ndarray
    rt_i: np.ndarray
    route_fn: np.ndarray
    """Function of each route (read-only)."""

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The arrays in the kernel's argument order (p, f, n, env_f, ..., log_i, fn_i, ..., route_fn)."""
        return (
            self.p,
            self.f,
            self.n,
            self.env_f,
            self.env_i,
            self.free,
            self.bh_t,
            self.bh_i,
            self.eh,
            self.ts_f,
            self.ts_i,
            self.log_t,
            self.log_i,
            self.fn_i,
            self.bk_f,
            self.rt_i,
            self.route_fn,
        )

    def fold_routes(self) -> None:
        """Add the per-route counters up into the totals in ``n``."""
        totals = self.rt_i.sum(axis=0)
        for column, index in ROUTE_COUNTERS:
            self.n[index] = totals[column]


ROUTE_COUNTERS = (
    (RT_REQUESTS, N_REQUESTS),
    (RT_API_THROTTLED, N_API_THROTTLED),
    (RT_CONC_THROTTLED, N_CONC_THROTTLED),
    (RT_SCALE_THROTTLED, N_SCALE_THROTTLED),
    (RT_COLD, N_COLD),
    (RT_WARM, N_WARM),
    (RT_PROVISIONED, N_PROVISIONED),
    (RT_SPILLOVER, N_SPILLOVER),
    (RT_GATEWAY_TIMEOUTS, N_GATEWAY_TIMEOUTS),
    (RT_FUNCTION_TIMEOUTS, N_FUNCTION_TIMEOUTS),
    (RT_INIT_RETRIES, N_INIT_RETRIES),
    (RT_OK, N_OK),
    (RT_ONDEMAND_MS, N_ONDEMAND_MS),
    (RT_INIT_MS, N_INIT_MS),
    (RT_PROVISIONED_MS, N_PROVISIONED_MS),
)
"""(rt_i column, n index) of every per-route counter."""


def new_state(config: LambdaConfig, *, series: bool, log_capacity: int) -> KernelState:
    """Fresh state at time -warmup: full buckets, no environment, provisioned pools ready.

    Each function's idle environments are at most its concurrency limit (a function starts an
    environment only when all of its own are busy), so F functions need F x limit slots.
    """
    routing = config.routing
    functions = routing.functions
    seconds = math.ceil(config.horizon_s) if series else 0
    p = np.zeros(P_SIZE)
    p[[P_HORIZON, P_TIMEOUT, P_INTEGRATION, P_INIT_CAP, P_MAX_LIFE]] = (
        config.horizon_s,
        config.timeout_s,
        config.integration_timeout_s,
        config.init_cap_s,
        config.max_lifetime_s,
    )
    p[[P_API_RATE, P_API_CAP, P_SCALE_RATE, P_SCALE_CAP, P_LIMIT]] = (
        config.api_rate_per_s,
        config.api_burst,
        config.scaling_refill_per_s,
        config.scaling_bucket,
        config.concurrency_limit,
    )
    p[P_SERIES] = seconds
    p[P_LOG] = 1.0 if log_capacity > 0 else 0.0
    p[P_FUNCTION_LIMIT] = 1.0 if routing.reserved else 0.0
    f = np.zeros(F_SIZE)
    f[F_API_TOKENS] = config.api_burst
    f[F_API_LAST] = -config.warmup_s
    n = np.zeros(N_SIZE, dtype=np.int64)
    slots = functions * config.concurrency_limit + 1
    n[N_FUNCTIONS] = functions
    n[N_FREE_TOP] = slots
    n[[N_PC_READY, N_PC_CONFIGURED]] = config.provisioned_initial
    limited = functions if routing.reserved else 1  # reserved: each function may reach the limit
    in_flight = limited * config.concurrency_limit + functions * config.max_provisioned + 2
    width = seconds + 1
    fn_i = np.zeros((functions, FN_SIZE), dtype=np.int64)
    fn_i[:, FN_IDLE_HEAD] = -1
    fn_i[:, FN_BUCKET] = 0 if routing.shared_scaling else np.arange(functions)
    buckets = 1 if routing.shared_scaling else functions
    bk_f = np.zeros(2 * buckets)
    bk_f[0::2] = config.scaling_bucket
    bk_f[1::2] = -config.warmup_s
    return KernelState(
        p=p,
        f=f,
        n=n,
        env_f=np.zeros((slots, 3)),
        env_i=np.full((slots, 6), -1, dtype=np.int64),
        free=np.arange(slots - 1, -1, -1, dtype=np.int64),
        bh_t=np.zeros(in_flight),
        bh_i=np.zeros((in_flight, 2), dtype=np.int64),
        eh=np.zeros(slots, dtype=np.int64),
        ts_f=np.zeros((4, width)),
        ts_i=np.zeros((5, width), dtype=np.int64),
        log_t=np.zeros(log_capacity),
        log_i=np.zeros((log_capacity, 3), dtype=np.int64),
        fn_i=fn_i,
        bk_f=bk_f,
        rt_i=np.zeros((routing.routes, RT_SIZE), dtype=np.int64),
        route_fn=np.array(routing.route_function, dtype=np.int64),
    )
