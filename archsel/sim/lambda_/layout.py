"""Memory layout of the Lambda kernel's state: settings, packed scalars, environment slots, heaps, series.

The compiled kernel (kernel.py) keeps all state in numpy arrays so it can stop and resume
between chunks and control-plane changes. The arrays travel in three named tuples (numba
passes tuples of arrays by value, and the arrays inside change in place): `Limits` (the fixed
settings), `Pool` (environments, requests in flight, buckets) and `Records` (what the reducers
read). Mutable scalars live in two flat arrays of the pool (`counts`, `float_state`) at the indices
named here; numba reads module-level integers as compile-time constants, so the names cost nothing.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from archsel.sim.jit import kernel
from archsel.sim.lambda_.config import LambdaConfig

jit = kernel
"""The decorator of kernel helpers (archsel.sim.jit.kernel: no reference counting, inlined, GIL released)."""


INF = np.inf
EPS = 1e-9
"""Tolerance of token counts, so float refills of exactly one token count as one."""

# pool.float_state: float scalars
F_API_TOKENS, F_API_LAST = 0, 1
F_BUSY, F_PC_BUSY, F_ALIVE, F_OCCUPANCY = 2, 3, 4, 5
F_SIZE = 6

# pool.counts: integer scalars, totals over functions; the per-arrival counters from N_REQUESTS on are
# kept per route in records.route_counts while the kernel runs and added up when the run ends (fold_routes)
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

# environments: pool.env_times[slot, EF_*], pool.env_ints[slot, EI_*]
EF_BIRTH, EF_RETIRE, EF_EXPIRY = 0, 1, 2
EI_PREV, EI_NEXT, EI_HEAP_POS, EI_SERIAL, EI_RESET, EI_FUNCTION = 0, 1, 2, 3, 4, 5

# functions: pool.functions[function, FN_*]; provisioned counts (N_PC_READY, N_PC_CONFIGURED) are per function
FN_IDLE_HEAD, FN_OD_INFLIGHT, FN_PC_INFLIGHT, FN_BUCKET = 0, 1, 2, 3
FN_SIZE = 4

# routes: records.route_counts[route, RT_*], counts of arrivals in [0, horizon)
RT_REQUESTS, RT_API_THROTTLED, RT_CONC_THROTTLED, RT_SCALE_THROTTLED = 0, 1, 2, 3
RT_COLD, RT_WARM, RT_PROVISIONED, RT_SPILLOVER = 4, 5, 6, 7
RT_GATEWAY_TIMEOUTS, RT_FUNCTION_TIMEOUTS, RT_INIT_RETRIES, RT_OK = 8, 9, 10, 11
RT_ONDEMAND_MS, RT_INIT_MS, RT_PROVISIONED_MS = 12, 13, 14
RT_SIZE = 15

# busy heap payload: pool.busy_payload[k, BH_*]; BH_SLOT is -1 - function for a provisioned environment
BH_SLOT, BH_REQUEST = 0, 1

# per-second series rows: records.series_time (TS_BUSY_PART..TS_ENV_FULL), records.series_count (the rest)
TS_BUSY_PART, TS_BUSY_FULL, TS_ENV_PART, TS_ENV_FULL = 0, 1, 2, 3
TS_ARRIVALS, TS_COLD, TS_THROTTLES, TS_CONC_MAX, TS_COVER = 0, 1, 2, 3, 4

# event kinds
K_API_THROTTLE, K_CONCURRENCY_THROTTLE, K_SCALING_THROTTLE = 0, 1, 2
K_COLD, K_WARM, K_PROVISIONED, K_DONE = 3, 4, 5, 6
K_GATEWAY_TIMEOUT, K_FUNCTION_TIMEOUT, K_INIT_RETRY = 7, 8, 9
K_EXPIRE, K_RETIRE, K_RESET = 10, 11, 12
K_PC_CONFIGURED, K_PC_READY, K_MEASURE_START = 13, 14, 15


class Limits(NamedTuple):
    """The run's fixed settings (read-only in the kernel)."""

    horizon_s: float
    timeout_s: float
    integration_timeout_s: float
    init_cap_s: float
    max_lifetime_s: float
    api_rate_per_s: float
    api_burst: float
    scaling_refill_per_s: float
    scaling_bucket: float
    concurrency_limit: float
    series_s: int
    """Seconds of per-second series kept (0: none)."""
    logging: bool
    """Whether events go to the log."""
    per_function_limit: bool
    """Reserved concurrency: ``concurrency_limit`` holds for each function, not for the account."""
    route_function: np.ndarray
    """Function of each route."""


class Pool(NamedTuple):
    """Environments, the requests in flight and the token buckets (arrays changed in place)."""

    counts: np.ndarray
    """Integer scalars at the N_* indices: in-flight counts, heap sizes, serials, totals (numba
    changes a scalar in place only inside an array)."""
    float_state: np.ndarray
    """Float scalars at the F_* indices: the API token bucket and the time integrals."""
    env_times: np.ndarray
    """env_times[slot, EF_*]: birth, retirement and expiry of each environment slot."""
    env_ints: np.ndarray
    """env_ints[slot, EI_*]: idle-list links, expiry-heap position, serial, reset flag, function."""
    free_slots: np.ndarray
    """Stack of unused slots (its top at counts[N_FREE_TOP])."""
    busy_until: np.ndarray
    """Busy heap: completion time of each request in flight."""
    busy_payload: np.ndarray
    """Busy heap payload: busy_payload[k, BH_*]."""
    expiry_heap: np.ndarray
    """Idle slots by expiry time."""
    functions: np.ndarray
    """functions[function, FN_*]: idle-list head, in-flight counts, scaling bucket."""
    buckets: np.ndarray
    """Scaling buckets: buckets[2 * b] tokens, buckets[2 * b + 1] time of the last refill."""


class Records(NamedTuple):
    """What the kernel writes for the reducers: per-route counters, per-second series, the event log."""

    route_counts: np.ndarray
    """route_counts[route, RT_*], arrivals in [0, horizon)."""
    series_time: np.ndarray
    """series_time[TS_BUSY_PART..TS_ENV_FULL, second]: per-second time integrals."""
    series_count: np.ndarray
    """series_count[TS_ARRIVALS..TS_COVER, second]: per-second counts."""
    log_time: np.ndarray
    log_ints: np.ndarray
    """log_ints[k]: (kind, request, environment) of event k."""


class KernelState(NamedTuple):
    """Everything the kernel reads or writes (the arrays change in place; the tuples do not)."""

    limits: Limits
    pool: Pool
    records: Records


def fold_routes(state: KernelState) -> None:
    """Add the per-route counters up into the totals in ``state.pool.counts``."""
    totals = state.records.route_counts.sum(axis=0)
    for column, index in ROUTE_COUNTERS:
        state.pool.counts[index] = totals[column]


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
"""(route_counts column, counts index) of every per-route counter."""


def new_state(config: LambdaConfig, *, series: bool, log_capacity: int) -> KernelState:
    """Fresh state at time -warmup: full buckets, no environment, provisioned pools ready.

    Each function's idle environments are at most its concurrency limit (a function starts an
    environment only when all of its own are busy), so F functions need F x limit slots.
    """
    routing = config.routing
    functions = routing.functions
    seconds = math.ceil(config.horizon_s) if series else 0
    limits = Limits(
        horizon_s=float(config.horizon_s),
        timeout_s=float(config.timeout_s),
        integration_timeout_s=float(config.integration_timeout_s),
        init_cap_s=float(config.init_cap_s),
        max_lifetime_s=float(config.max_lifetime_s),
        api_rate_per_s=float(config.api_rate_per_s),
        api_burst=float(config.api_burst),
        scaling_refill_per_s=float(config.scaling_refill_per_s),
        scaling_bucket=float(config.scaling_bucket),
        concurrency_limit=float(config.concurrency_limit),
        series_s=int(seconds),
        logging=log_capacity > 0,
        per_function_limit=bool(routing.reserved),
        route_function=np.array(routing.route_function, dtype=np.int64),
    )
    float_state = np.zeros(F_SIZE)
    float_state[F_API_TOKENS] = config.api_burst
    float_state[F_API_LAST] = -config.warmup_s
    counts = np.zeros(N_SIZE, dtype=np.int64)
    slots = functions * config.concurrency_limit + 1
    counts[N_FUNCTIONS] = functions
    counts[N_FREE_TOP] = slots
    counts[[N_PC_READY, N_PC_CONFIGURED]] = config.provisioned_initial
    limited = functions if routing.reserved else 1  # reserved: each function may reach the limit
    in_flight = limited * config.concurrency_limit + functions * config.max_provisioned + 2
    width = seconds + 1
    per_function = np.zeros((functions, FN_SIZE), dtype=np.int64)
    per_function[:, FN_IDLE_HEAD] = -1
    per_function[:, FN_BUCKET] = 0 if routing.shared_scaling else np.arange(functions)
    buckets = np.zeros(2 * (1 if routing.shared_scaling else functions))
    buckets[0::2] = config.scaling_bucket
    buckets[1::2] = -config.warmup_s
    pool = Pool(
        counts=counts,
        float_state=float_state,
        env_times=np.zeros((slots, 3)),
        env_ints=np.full((slots, 6), -1, dtype=np.int64),
        free_slots=np.arange(slots - 1, -1, -1, dtype=np.int64),
        busy_until=np.zeros(in_flight),
        busy_payload=np.zeros((in_flight, 2), dtype=np.int64),
        expiry_heap=np.zeros(slots, dtype=np.int64),
        functions=per_function,
        buckets=buckets,
    )
    records = Records(
        route_counts=np.zeros((routing.routes, RT_SIZE), dtype=np.int64),
        series_time=np.zeros((4, width)),
        series_count=np.zeros((5, width), dtype=np.int64),
        log_time=np.zeros(log_capacity),
        log_ints=np.zeros((log_capacity, 3), dtype=np.int64),
    )
    return KernelState(limits, pool, records)
