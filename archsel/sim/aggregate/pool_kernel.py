"""The compiled step of the aggregate Lambda model: one function's busy count and warm pool, step by step.

In-flight invocations follow a birth-death (diffusion) process: Poisson arrivals per step, each
busy environment finishing with probability dt / mean of its phase (handler times are a two-phase
mix of the same mean and variance; a cold start's environment is first busy through INIT). With most-recently-used
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

# Rows of the ledger (measured seconds): what the lifetime clock needs.
L_CREATED = 0
"""Environments created in that second."""
L_KEPT = 1
"""Running sum of the logarithm of the share of warm environments that keep-alive expiries left, to that second."""
LEDGER = 2

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
def _retire(window: np.ndarray, head: int, tail: int, step: int, settings: np.ndarray, retired: int) -> int:
    """Retire up to ``retired`` warm environments; returns how many were.

    Each is picked at random among the warm ones (a level weighted by the chance its keep-alive has
    not run out, so a level that is probably gone already is rarely chosen), and every level above
    it moves down one: the environments above keep their order of last use.
    """
    dt, keep_low, keep_high = settings[0], settings[2], settings[3]
    size = window.size // 2
    done = 0
    for _ in range(retired):
        warm = _alive(window, head, tail, size, step, dt, keep_low, keep_high)
        if warm <= 1e-9:
            break
        pick = np.random.random() * warm
        index = tail - 1
        while index > head:
            below = window[2 * ((index + 1) % size) + 1] if index + 1 < tail else 0.0
            entry = 2 * (index % size)
            weight = (window[entry + 1] - below) * _survival((step - window[entry]) * dt, keep_low, keep_high)
            if pick < weight:
                break
            pick -= weight
            index -= 1
        for moved in range(head, index + 1):
            window[2 * (moved % size) + 1] = max(0.0, window[2 * (moved % size) + 1] - 1.0)
        done += 1
    return done


@kernel
def _lifetime_due(ledger: np.ndarray, column: int, lifetime_s: int) -> float:
    """Environments created ``lifetime_s`` before this second that are still warm: they retire now."""
    born = column - lifetime_s
    if born < 0:
        return 0.0
    return float(ledger[L_CREATED, born]) * math.exp(ledger[L_KEPT, column - 1] - ledger[L_KEPT, born])


@kernel
def _age_ledger(ledger: np.ndarray, column: int, before: float, alive: float, created: float, retired: int) -> float:
    """Record the second's creations and the share of the older warm environments its expiries left; return it.

    Keep-alive expiries take the least recently used environments, whatever their age, so they
    thin every age group alike: an environment created in second s is still warm in second t with
    the product of these shares over (s, t], kept as a running sum of logarithms.
    """
    older_before = before - retired
    older_after = alive - created
    kept = 1.0
    if older_before > 1e-9:
        kept = min(1.0, max(older_after / older_before, 1e-300))
    previous = ledger[L_KEPT, column - 1] if column > 0 else 0.0
    ledger[L_KEPT, column] = previous + math.log(kept)
    ledger[L_CREATED, column] = created
    return kept


@kernel
def _count_step(
    totals: np.ndarray,
    series: np.ndarray,
    column: int,
    births: int,
    cold: float,
    throttled: tuple[int, int],
    accepted: int,
    busy: int,
    provisioned: int,
    dt: float,
) -> None:
    """Add one measured step to the totals and to its second's column of the series."""
    conc_throttled, scale_throttled = throttled
    totals[T_ARRIVALS] += births
    totals[T_COLD] += cold
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
    series[S_COLD, column] += cold
    series[S_THROTTLES, column] += conc_throttled + scale_throttled


@entry
def walk_pool(
    rate: np.ndarray,
    ready: np.ndarray,
    settings: np.ndarray,
    window: np.ndarray,
    ledger: np.ndarray,
    totals: np.ndarray,
    series: np.ndarray,
    seed: int,
) -> None:
    """Step the pool over ``rate`` (req/s per second, index 0 at -warm-up) into ``totals`` and ``series``.

    ``ready``: provisioned environments ready in each second; ``settings``: dt, mean duration (s),
    shortest and longest keep-alive (s), concurrency limit, scaling bucket, refill per second, max
    lifetime (s), warm-up seconds, then the two-phase handler time: the fast phase's share of
    invocations, its mean (s) and the slow phase's mean (s); ``window``: scratch of at least 2 x (longest keep-alive / dt + 4);
    ``ledger``: scratch of LEDGER rows by the measured seconds.

    The window is a stack of (step, level) entries, levels falling from head to tail: the levels
    above the next entry's and up to an entry's own were last used at its step. A level reached
    again is a cold start with the chance its environment's keep-alive ran out meanwhile.

    Lifetimes, as in the exact model: an environment born in the warm-up retires at a uniform
    point of its lifetime, so during the warm-up one per lifetime each, and those warm when
    measurement starts (born half a warm-up earlier on average) at hazard 1 / (remaining lifetime);
    one created in measured second s retires in second s + lifetime if keep-alive expiries have
    not taken it first. Both groups shrink with the pool's expiries (the ledger's shares). The
    model used to keep the warm-up group whole until the pool fell below it and to retire one
    environment per lifetime of the pool after the first lifetime: over 6 h of falling night
    traffic at 1k req/s it retired 232 environments where the exact model retires 169, and found
    23% too many cold starts (each retirement is a cold start when the busy count climbs back);
    and with no retirement in the warm-up the first minutes after it lacked the cold starts that
    the warm-up's retirements cause, 10-25% too few at 5k-10k req/s.
    """
    np.random.seed(seed)
    dt, keep_low, keep_high, limit = settings[0], settings[2], settings[3], settings[4]
    bucket_cap, refill, lifetime_s, warm_s = settings[5], settings[6], settings[7], settings[8]
    fast_share = settings[9]
    steps_per_s = round(1.0 / dt)
    # geometric lifetimes of mean exactly the phase's mean (counted after births)
    finish_fast = min(1.0, dt / settings[10])
    finish_slow = min(1.0, dt / settings[11])
    finish_init = min(1.0, dt / max(settings[12], 1e-6))
    keep_steps = int(keep_high / dt) + 1
    size = window.size // 2
    head = 0
    tail = 0
    busy = 0
    slow = 0  # of which in the slow phase
    init = 0  # of which still in INIT (a cold start's environment is busy through INIT, then the handler)
    tokens = bucket_cap
    retire = 0.0
    cohort = 0.0  # warm environments born in the warm-up (set when measurement starts)
    warm_before = 0.0
    step = 0
    for second in range(rate.size):
        measured = second >= warm_s
        column = second - int(warm_s)
        provisioned = ready[second]
        if column == 0:
            cohort = _alive(window, head, tail, size, step, dt, keep_low, keep_high)
            warm_before = cohort
        due_per_step = _lifetime_due(ledger, column, max(1, round(lifetime_s))) / steps_per_s if measured else 0.0
        created = 0.0
        retired_in_second = 0
        for within in range(steps_per_s):
            tokens = min(bucket_cap, tokens + refill * dt)
            if busy > 0:
                slow_done = np.random.binomial(slow, finish_slow)
                busy -= slow_done + np.random.binomial(busy - slow - init, finish_fast)
                slow -= slow_done
                init_done = np.random.binomial(init, finish_init)
                init -= init_done
                slow += np.random.binomial(init_done, 1.0 - fast_share)
            births = np.random.poisson(rate[second] * dt)
            accepted = min(births, max(0, int(limit) - busy))
            on_demand = max(0, busy + accepted - provisioned)
            while tail > head and window[2 * (head % size)] <= step - keep_steps:
                head += 1  # levels idle longer than any keep-alive are gone
            cold, tail = _refresh(window, head, tail, step, on_demand, settings)
            allowed = min(cold, tokens)
            scale_throttled = math.ceil(cold - allowed)
            tokens -= allowed
            conc_throttled = births - accepted
            accepted -= min(scale_throttled, accepted)
            busy += accepted
            cold_n = min(accepted, int(allowed) + (1 if np.random.random() < allowed - int(allowed) else 0))
            init += cold_n
            slow += np.random.binomial(accepted - cold_n, 1.0 - fast_share)
            window[2 * (tail % size)] = step
            window[2 * (tail % size) + 1] = max(0, on_demand - scale_throttled)
            tail += 1
            if measured:
                since = column + within * dt
                # born on average half a warm-up before measurement: that much of their lifetime is gone
                cohort_due = cohort * min(1.0, dt / max(lifetime_s - 0.5 * warm_s - since, dt))
                cohort -= cohort_due
                retire += cohort_due + due_per_step
            else:
                retire += warm_before * dt / lifetime_s  # born in the warm-up: one retirement per lifetime each
            retired = _retire(window, head, tail, step, settings, int(retire))
            retire -= int(retire)
            if measured:
                created += allowed
                retired_in_second += retired
                totals[T_RETIRED] += retired
                throttled = (conc_throttled, scale_throttled)
                _count_step(totals, series, column, births, allowed, throttled, accepted, busy, provisioned, dt)
            step += 1
        if not measured:
            warm_before = _alive(window, head, tail, size, step, dt, keep_low, keep_high)
        else:
            alive = _alive(window, head, tail, size, step, dt, keep_low, keep_high)
            cohort *= _age_ledger(ledger, column, warm_before, alive, created, retired_in_second)
            warm_before = alive
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
