"""The compiled step of the aggregate Lambda model: one function's busy count and warm pool, step by step.

In-flight invocations follow a birth-death (diffusion) process: Poisson arrivals per step, each
busy environment finishing with probability 1 - exp(-dt / mean duration). With most-recently-used
reuse, environments form a stack: level k was last used when the busy count last reached k, so the
warm on-demand pool is the largest on-demand busy count of the last keep-alive period, and a cold
start is a busy level above it. Work per step is constant, whatever the request rate.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.sim.jit import entry, kernel

# Indices of the totals array (measured steps only, except the peak of environments).
T_ARRIVALS = 0
T_COLD = 1
T_CONC_THROTTLED = 2
T_SCALE_THROTTLED = 3
T_BUSY_S = 4
T_PROVISIONED_BUSY_S = 5
T_ALIVE_S = 6
T_PEAK_BUSY = 7
T_PEAK_ALIVE = 8
T_PROVISIONED_INVOCATIONS = 9
T_RETIRED = 10
TOTALS = 11

# Rows of the per-second series (measured window).
S_ARRIVALS = 0
S_BUSY = 1
S_BUSY_MAX = 2
S_ALIVE = 3
S_COLD = 4
S_THROTTLES = 5
SERIES = 6


@kernel
def _survival(age_s: float, keep_low: float, keep_high: float) -> float:
    """Chance an environment idle for ``age_s`` is still warm, keep-alive uniform in [low, high]."""
    if age_s <= keep_low:
        return 1.0
    if age_s >= keep_high:
        return 0.0
    return (keep_high - age_s) / (keep_high - keep_low)


@kernel
def _refresh(
    window: np.ndarray, head: int, tail: int, step: int, on_demand: float, settings: np.ndarray
) -> tuple[float, int]:
    """Use the levels up to ``on_demand`` at ``step``: each is cold with the chance its environment expired.

    Returns the cold starts (expected count) and the new tail (the entries those levels replace are popped).
    """
    dt, keep_low, keep_high = settings[0], settings[2], settings[3]
    size = window.size // 2
    cold = 0.0
    lower = 0.0
    while tail > head and window[2 * ((tail - 1) % size) + 1] <= on_demand:
        entry = 2 * ((tail - 1) % size)
        age = (step - window[entry]) * dt
        cold += (window[entry + 1] - lower) * (1.0 - _survival(age, keep_low, keep_high))
        lower = window[entry + 1]
        tail -= 1
    if tail > head:
        entry = 2 * ((tail - 1) % size)
        age = (step - window[entry]) * dt
        cold += (on_demand - lower) * (1.0 - _survival(age, keep_low, keep_high))
    else:
        cold += on_demand - lower
    return cold, tail


@kernel
def _retire(window: np.ndarray, head: int, tail: int, retired: int) -> None:
    """Retire ``retired`` random warm environments: every level above each one moves down one."""
    size = window.size // 2
    for _ in range(retired):
        top = window[2 * (head % size) + 1] if tail > head else 0.0
        if top <= 0:
            break
        level = np.random.random() * top
        index = tail - 1
        while index > head and window[2 * (index % size) + 1] < level:
            index -= 1
        for moved in range(head, index + 1):
            window[2 * (moved % size) + 1] -= 1


@entry
def walk_pool(
    rate: np.ndarray,
    ready: np.ndarray,
    settings: np.ndarray,
    window: np.ndarray,
    totals: np.ndarray,
    series: np.ndarray,
    seed: int,
) -> None:
    """Step the pool over ``rate`` (req/s per second, index 0 at -warm-up) into ``totals`` and ``series``.

    ``ready``: provisioned environments ready in each second; ``settings``: dt, mean duration (s),
    shortest and longest keep-alive (s), concurrency limit, scaling bucket, refill per second, max
    lifetime (s), warm-up seconds; ``window``: scratch of at least 2 x (longest keep-alive / dt + 4).

    The window is a stack of (step, level) entries, levels falling from head to tail: the levels
    above the next entry's and up to an entry's own were last used at its step. A level reached
    again is a cold start with the chance its environment's keep-alive ran out meanwhile.
    """
    np.random.seed(seed)
    dt, mean_s, keep_low, keep_high, limit = settings[0], settings[1], settings[2], settings[3], settings[4]
    bucket_cap, refill, lifetime_s, warm_s = settings[5], settings[6], settings[7], settings[8]
    steps_per_s = round(1.0 / dt)
    finish = min(1.0, dt / mean_s)  # geometric lifetimes of mean exactly mean_s (counted after births)
    keep_steps = int(keep_high / dt) + 1
    size = window.size // 2
    head = 0
    tail = 0
    busy = 0
    tokens = bucket_cap
    retire = 0.0
    cohort = -1.0  # environments alive when measurement starts (set then)
    step = 0
    for second in range(rate.size):
        measured = second >= warm_s
        column = second - int(warm_s)
        provisioned = ready[second]
        for _ in range(steps_per_s):
            tokens = min(bucket_cap, tokens + refill * dt)
            if busy > 0:
                busy -= np.random.binomial(busy, finish)
            births = np.random.poisson(rate[second] * dt)
            accepted = min(births, max(0, int(limit) - busy))
            conc_throttled = births - accepted
            on_demand = max(0, busy + accepted - provisioned)
            while tail > head and window[2 * (head % size)] <= step - keep_steps:
                head += 1  # levels idle longer than any keep-alive are gone
            cold, tail = _refresh(window, head, tail, step, on_demand, settings)
            allowed = min(cold, tokens)
            scale_throttled = math.ceil(cold - allowed)
            tokens -= allowed
            accepted -= min(scale_throttled, accepted)
            on_demand = max(0, on_demand - scale_throttled)
            busy += accepted
            window[2 * (tail % size)] = step
            window[2 * (tail % size) + 1] = on_demand
            tail += 1
            top = window[2 * (head % size) + 1] if tail > head else 0.0
            since = (second - warm_s) * 1.0 + (step % steps_per_s) * dt
            if measured and cohort < 0:
                cohort = top
            if measured and since < lifetime_s:
                # as the exact model: environments born in the warm-up retire at a uniform remaining
                # lifetime (hazard 1 / (lifetime - t)), later ones only at their full lifetime
                cohort = min(cohort, top)
                due = cohort * dt / max(lifetime_s - since, dt)
                cohort -= due
                retire += due
            elif measured:
                retire += top * dt / lifetime_s  # a settled mix of ages: one retirement per lifetime
            retired = int(retire)
            retire -= retired
            _retire(window, head, tail, retired)
            if measured:
                totals[T_ARRIVALS] += births
                totals[T_COLD] += allowed
                totals[T_RETIRED] += retired
                totals[T_CONC_THROTTLED] += conc_throttled
                totals[T_SCALE_THROTTLED] += scale_throttled
                totals[T_BUSY_S] += busy * dt
                totals[T_PROVISIONED_BUSY_S] += min(busy, provisioned) * dt
                if busy > 0:
                    totals[T_PROVISIONED_INVOCATIONS] += accepted * min(busy, provisioned) / busy
                totals[T_PEAK_BUSY] = max(totals[T_PEAK_BUSY], busy)
                series[S_ARRIVALS, column] += births
                series[S_BUSY, column] += busy * dt
                series[S_BUSY_MAX, column] = max(series[S_BUSY_MAX, column], busy)
                series[S_COLD, column] += allowed
                series[S_THROTTLES, column] += conc_throttled + scale_throttled
            step += 1
        if measured:
            alive = _alive(window, head, tail, size, step, dt, keep_low, keep_high)
            totals[T_ALIVE_S] += alive
            totals[T_PEAK_ALIVE] = max(totals[T_PEAK_ALIVE], alive + provisioned)
            series[S_ALIVE, column] = alive + provisioned


@kernel
def _alive(
    window: np.ndarray, head: int, tail: int, size: int, step: int, dt: float, keep_low: float, keep_high: float
) -> float:
    """Expected warm on-demand environments: each level counts the chance its keep-alive has not run out."""
    total = 0.0
    for index in range(head, tail):
        below = window[2 * ((index + 1) % size) + 1] if index + 1 < tail else 0.0
        age = (step - window[2 * (index % size)]) * dt
        total += (window[2 * (index % size) + 1] - below) * _survival(age, keep_low, keep_high)
    return total
