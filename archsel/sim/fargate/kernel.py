"""The compiled per-request path of the Fargate model: ALB routing and per-task FCFS queues.

Between two control events the set of in-service tasks is fixed, so the requests that arrive in
between are routed in one tight numba loop over numpy arrays. State:

- ``slot_busy[j, :n_busy[j]]``: per task slot ``j``, a min-heap of the times its busy request slots
  become free (the FCFS multi-server workload vector without its idle slots: a request starts at
  once when fewer than ``c`` slots are busy, else when the earliest busy slot frees);
- ``outstanding[j]``: requests outstanding at task ``j`` (in service + waiting); FCFS never leaves a slot
  idle while a request waits, so waiting = max(0, outstanding - c);
- ``heap_t``/``heap_j``: one min-heap of (completion time, task) over every outstanding request;
  completions up to the current arrival are popped before each routing decision, so ``outstanding`` is
  exact when the ALB compares tasks (least outstanding requests) or a task checks its queue limit.

CPU contention (a simplification, fixed at the start of each request): a request that starts
while ``k`` requests (itself included) are in service on a task of ``V`` vCPUs takes
``duration x max(unloaded factor, k x cpu_fraction / V)``. The unloaded factor is the single
request's slowdown on a task under 1 vCPU (archsel.profile.performance.duration_factor); the second
term is the time ``k`` requests that each need ``cpu_fraction x duration`` of CPU take to share
``V`` vCPUs. Later arrivals do not slow a request already running, and earlier ones do not speed
up when others finish.

The arrays travel in named tuples (`RouterState`: the `Settings` and the queues' arrays;
`Requests` and `Outcomes` per chunk); numba passes a tuple by value, and the arrays in it change in
place. Every function here is compiled by archsel.sim.jit (no reference counting, helpers
inlined, GIL released): the per-request loop calls small helpers at no cost.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from archsel.sim.jit import entry, kernel

STATUS_OK = 0
STATUS_SHED = 1
"""The task's queue was full: the app answered 503."""
STATUS_NO_TARGET = 2
"""No healthy registered target: the ALB answered 503."""
STATUS_TIMEOUT = 3
"""The response took longer than the ALB idle timeout: the client got a 504 (the task still worked)."""

# ALB routing algorithms, the values of Settings.algorithm.
ROUTE_ROUND_ROBIN, ROUTE_LEAST_OUTSTANDING, ROUTE_RANDOM = 0, 1, 2

# Integer scalars ``RouterState.counters`` (numba changes a scalar in place only inside an array).
STATE_ROUND_ROBIN, STATE_NEXT_SNAPSHOT, STATE_HEAP_SIZE, STATE_OK_LATENCIES = 0, 1, 2, 3
STATE_SIZE = 4

# Accumulators ``RouterState.totals`` over requests arriving in the measured window [0, horizon).
ACC_REQUESTS, ACC_ROUTED, ACC_WAITED, ACC_WAIT_S, ACC_AT_TASK_S = 0, 1, 2, 3, 4
ACC_STATUS = 5
"""ACC_STATUS + status: requests that ended with each status."""
ACC_SIZE = 9

# Rows of the per-second bins ``RouterState.per_second`` (index = second + offset). SEC_ROUTED: requests
# the ALB sent to a task (a 503 from a full queue included: ALBRequestCountPerTarget counts them).
SEC_CPU, SEC_ROUTED, SEC_ARRIVALS, SEC_RESPONSES, SEC_IN_SYSTEM, SEC_WAITING = 0, 1, 2, 3, 4, 5
SEC_ROWS = 6


class Settings(NamedTuple):
    """The service and the run, as the request path sees them (fixed for a run)."""

    concurrency: int
    """Requests a task serves at once."""
    queue_limit: int
    """Requests a task lets wait before it answers 503 (-1: no limit)."""
    vcpu: float
    cpu_fraction: float
    unloaded_factor: float
    alb_s: float
    idle_timeout_s: float
    algorithm: int
    """One of the ROUTE_* codes."""
    offset_s: float
    """Warm-up length: simulated time t maps to per-second bin t + offset_s."""
    horizon_s: float


class RouterState(NamedTuple):
    """Everything the routing loop reads or changes between two control events.

    One level of arrays under the settings: numba types a tuple argument on every call, and each
    nested tuple adds about 1.5 us to a call the control plane makes thousands of times a day.
    """

    settings: Settings
    routable: np.ndarray
    """Task slots the ALB may route to."""
    alive: np.ndarray
    """Task slots that exist (their requests count in the snapshots)."""
    slot_busy: np.ndarray
    """slot_busy[j, :n_busy[j]]: min-heap of the times task j's busy request slots free."""
    n_busy: np.ndarray
    outstanding: np.ndarray
    """Requests outstanding at each task (in service + waiting)."""
    heap_t: np.ndarray
    """Min-heap of completion times (its size at counters[STATE_HEAP_SIZE]) ..."""
    heap_j: np.ndarray
    """... and the task of each."""
    counters: np.ndarray
    """Integer scalars at the STATE_* indices."""
    totals: np.ndarray
    """Measured totals at the ACC_* indices."""
    per_second: np.ndarray
    """Per-second bins, rows SEC_*."""


class Requests(NamedTuple):
    """A chunk of arrivals with their draws."""

    arrivals: np.ndarray
    work_s: np.ndarray
    """Handler time at 1 vCPU, s."""
    ties: np.ndarray
    """Uniform draws in [0, 1) that break the ALB's ties."""


class Outcomes(NamedTuple):
    """Per-request outputs of a chunk, and the latencies of the measured successful ones."""

    status: np.ndarray
    latency_ms: np.ndarray
    wait_s: np.ndarray
    ok_latency_ms: np.ndarray
    """Filled from 0 on; its length so far at counters[STATE_OK_LATENCIES]."""


@kernel
def _heap_pop(heap_t: np.ndarray, heap_j: np.ndarray, size: int) -> None:
    """Remove the root of the (time, task) min-heap of ``size`` entries, keeping the heap order."""
    size -= 1
    time, task = heap_t[size], heap_j[size]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap_t[child + 1] < heap_t[child]:
            child += 1
        if heap_t[child] >= time:
            break
        heap_t[pos] = heap_t[child]
        heap_j[pos] = heap_j[child]
        pos = child
    heap_t[pos] = time
    heap_j[pos] = task


@kernel
def _heap_push(heap_t: np.ndarray, heap_j: np.ndarray, size: int, time: float, task: int) -> None:
    """Add (time, task) to the min-heap of ``size`` entries."""
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if heap_t[parent] <= time:
            break
        heap_t[pos] = heap_t[parent]
        heap_j[pos] = heap_j[parent]
        pos = parent
    heap_t[pos] = time
    heap_j[pos] = task


@kernel
def _complete_until(now: float, state: RouterState) -> None:
    """Pop every completion at or before ``now`` and take it off its task's outstanding count."""
    heap_t, heap_j = state.heap_t, state.heap_j
    size = state.counters[STATE_HEAP_SIZE]
    while size > 0 and heap_t[0] <= now:
        state.outstanding[heap_j[0]] -= 1
        _heap_pop(heap_t, heap_j, size)
        size -= 1
    state.counters[STATE_HEAP_SIZE] = size


@kernel
def _slot_sift_down(slots: np.ndarray, j: int, size: int, value: float) -> None:
    """Put ``value`` at the root of row ``j``'s min-heap of ``size`` entries and restore the order."""
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and slots[j, child + 1] < slots[j, child]:
            child += 1
        if slots[j, child] >= value:
            break
        slots[j, pos] = slots[j, child]
        pos = child
    slots[j, pos] = value


@kernel
def _slot_push(slots: np.ndarray, j: int, size: int, value: float) -> None:
    """Add ``value`` to row ``j``'s min-heap of ``size`` entries."""
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if slots[j, parent] <= value:
            break
        slots[j, pos] = slots[j, parent]
        pos = parent
    slots[j, pos] = value


@kernel
def _release_slots(now: float, state: RouterState, j: int) -> int:
    """Drop task ``j``'s slots that are free by ``now``; return how many stay busy."""
    slot_busy = state.slot_busy
    busy = int(state.n_busy[j])
    while busy > 0 and slot_busy[j, 0] <= now:
        busy -= 1
        _slot_sift_down(slot_busy, j, busy, slot_busy[j, busy])
    state.n_busy[j] = busy
    return busy


@kernel
def _choose(tie: float, state: RouterState) -> int:
    """The ALB's pick: round robin; uniformly at random (weighted random with equal weights); or least
    outstanding requests, ties broken by a random rotation. ``tie`` is a uniform draw in [0, 1)."""
    routable, count = state.routable, state.outstanding
    n_routable = routable.size
    algorithm = state.settings.algorithm
    if algorithm == ROUTE_ROUND_ROBIN:
        chosen = routable[state.counters[STATE_ROUND_ROBIN] % n_routable]
        state.counters[STATE_ROUND_ROBIN] += 1
        return int(chosen)
    index = min(int(tie * n_routable), n_routable - 1)
    chosen = routable[index]
    if algorithm == ROUTE_RANDOM:
        return int(chosen)
    fewest = count[chosen]
    for _ in range(n_routable - 1):
        if fewest == 0:
            break  # nothing beats an idle task
        index = index + 1 if index + 1 < n_routable else 0
        if count[routable[index]] < fewest:
            chosen = routable[index]
            fewest = count[chosen]
    return int(chosen)


@kernel
def _serve(now: float, work: float, j: int, state: RouterState) -> tuple[float, float]:
    """Give task ``j``'s next free slot to a request arriving at ``now``; return its (start, done) times.

    FCFS over ``c`` slots: with fewer than ``c`` busy the request starts at once (and every
    outstanding request is in service), else it takes the slot that frees first.
    """
    settings = state.settings
    concurrency = settings.concurrency
    per_request_cpu = settings.cpu_fraction / settings.vcpu
    busy = _release_slots(now, state, j)
    if busy < concurrency:
        done = now + work * max(settings.unloaded_factor, (state.outstanding[j] + 1) * per_request_cpu)
        _slot_push(state.slot_busy, j, busy, done)
        state.n_busy[j] = busy + 1
        return now, done
    start = state.slot_busy[j, 0]
    done = start + work * max(settings.unloaded_factor, concurrency * per_request_cpu)
    _slot_sift_down(state.slot_busy, j, busy, done)
    return start, done


@kernel
def _snapshots(state: RouterState, until: float) -> None:
    """Record requests in the system and waiting at each whole second up to ``until`` not yet recorded."""
    concurrency = state.settings.concurrency
    offset_s = state.settings.offset_s
    alive, count, counters, sec = state.alive, state.outstanding, state.counters, state.per_second
    n_sec = sec.shape[1]
    while counters[STATE_NEXT_SNAPSHOT] < n_sec and counters[STATE_NEXT_SNAPSHOT] - offset_s <= until:
        second = counters[STATE_NEXT_SNAPSHOT]
        _complete_until(second - offset_s, state)
        in_system = 0
        waiting = 0
        for m in range(alive.size):
            outstanding = count[alive[m]]
            in_system += outstanding
            waiting += max(0, outstanding - concurrency)
        sec[SEC_IN_SYSTEM, second] = in_system
        sec[SEC_WAITING, second] = waiting
        counters[STATE_NEXT_SNAPSHOT] = second + 1


@kernel
def _spread_cpu(sec: np.ndarray, offset_s: float, start: float, done: float, work: float) -> None:
    """Add ``work`` vCPU-seconds to the per-second CPU bins, evenly over [start, done)."""
    n_sec = sec.shape[1]
    begin = start + offset_s
    end = done + offset_s
    second = math.floor(begin)
    if second == math.floor(end) or end <= begin:  # most requests: within one second
        if 0 <= second < n_sec:
            sec[SEC_CPU, second] += work
        return
    rate = work / (end - begin)
    while second < n_sec and second < end:
        if second >= 0:
            sec[SEC_CPU, second] += rate * (min(end, second + 1.0) - max(begin, float(second)))
        second += 1


@kernel
def _record_routed(
    state: RouterState, outcomes: Outcomes, i: int, now: float, start: float, done: float, code: int
) -> None:
    """Per-second bins and measured totals of a request a task worked on."""
    sec, acc, counters = state.per_second, state.totals, state.counters
    second = math.floor(now + state.settings.offset_s)
    if 0 <= second < sec.shape[1]:
        sec[SEC_ROUTED, second] += 1
        if code == STATUS_OK:
            sec[SEC_RESPONSES, second] += 1
    if 0.0 <= now < state.settings.horizon_s:
        acc[ACC_ROUTED] += 1
        acc[ACC_WAITED] += 1 if start > now else 0
        acc[ACC_WAIT_S] += start - now
        acc[ACC_AT_TASK_S] += done - now
        if code == STATUS_OK:
            outcomes.ok_latency_ms[counters[STATE_OK_LATENCIES]] = outcomes.latency_ms[i]
            counters[STATE_OK_LATENCIES] += 1


@kernel
def _work_on(state: RouterState, requests: Requests, outcomes: Outcomes, i: int, j: int) -> int:
    """Task ``j`` takes request ``i`` (arriving now): queue it, time it, record it; return its status."""
    settings, counters = state.settings, state.counters
    now, work = requests.arrivals[i], requests.work_s[i]
    start, done = _serve(now, work, j, state)
    _heap_push(state.heap_t, state.heap_j, counters[STATE_HEAP_SIZE], done, j)
    counters[STATE_HEAP_SIZE] += 1
    state.outstanding[j] += 1
    response_s = done - now + settings.alb_s
    outcomes.wait_s[i] = start - now
    outcomes.latency_ms[i] = response_s * 1000.0
    code = STATUS_TIMEOUT if response_s > settings.idle_timeout_s else STATUS_OK
    _spread_cpu(state.per_second, settings.offset_s, start, done, settings.cpu_fraction * work)
    _record_routed(state, outcomes, i, now, start, done, code)
    return code


@kernel
def _route_one(state: RouterState, requests: Requests, outcomes: Outcomes, i: int) -> None:
    """Bring the queues up to request ``i``'s arrival, route it and record its status."""
    settings, sec = state.settings, state.per_second
    now = requests.arrivals[i]
    _snapshots(state, now)
    _complete_until(now, state)
    second = math.floor(now + settings.offset_s)
    if 0 <= second < sec.shape[1]:
        sec[SEC_ARRIVALS, second] += 1
    outcomes.wait_s[i] = 0.0
    outcomes.latency_ms[i] = 0.0
    code = STATUS_NO_TARGET
    if state.routable.size > 0:
        j = _choose(requests.ties[i], state)
        if 0 <= settings.queue_limit <= state.outstanding[j] - settings.concurrency:
            code = STATUS_SHED
            if 0 <= second < sec.shape[1]:  # the ALB sent it to the task, which answered 503
                sec[SEC_ROUTED, second] += 1
        else:
            code = _work_on(state, requests, outcomes, i, j)
    outcomes.status[i] = code
    if 0.0 <= now < settings.horizon_s:
        state.totals[ACC_REQUESTS] += 1
        state.totals[ACC_STATUS + code] += 1


@entry
def route_requests(requests: Requests, outcomes: Outcomes, begin: int, end: int, state: RouterState) -> int:
    """Route requests ``begin..end-1``; return the index reached (below ``end``: the heap is full, grow it)."""
    for i in range(begin, end):
        if state.counters[STATE_HEAP_SIZE] >= state.heap_t.shape[0]:
            return i
        _route_one(state, requests, outcomes, i)
    return end


@entry
def take_snapshots(state: RouterState, until: float) -> None:
    """Record requests in the system at every whole second up to ``until`` not yet recorded."""
    _snapshots(state, until)
