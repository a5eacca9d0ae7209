"""The compiled per-request path of the Fargate model: ALB routing and per-task FCFS queues.

Between two control events the set of in-service tasks is fixed, so the requests that arrive in
between are routed in one tight numba loop over numpy arrays. State:

- ``slot_busy[j, :n_busy[j]]``: per task slot ``j``, a min-heap of the times its busy request slots
  become free (the FCFS multi-server workload vector without its idle slots: a request starts at
  once when fewer than ``c`` slots are busy, else when the earliest busy slot frees);
- ``count[j]``: requests outstanding at task ``j`` (in service + waiting); FCFS never leaves a slot
  idle while a request waits, so waiting = max(0, count - c);
- ``heap_t``/``heap_j``: one min-heap of (completion time, task) over every outstanding request;
  completions up to the current arrival are popped before each routing decision, so ``count`` is
  exact when the ALB compares tasks (least outstanding requests) or a task checks its queue limit.

CPU contention (a simplification, fixed at the start of each request): a request that starts
while ``k`` requests (itself included) are in service on a task of ``V`` vCPUs takes
``duration x max(unloaded factor, k x cpu_fraction / V)``. The unloaded factor is the single
request's slowdown on a task under 1 vCPU (archsel.profile.performance.duration_factor); the second
term is the time ``k`` requests that each need ``cpu_fraction x duration`` of CPU take to share
``V`` vCPUs. Later arrivals do not slow a request already running, and earlier ones do not speed
up when others finish.

Every function here is compiled by archsel.sim.jit.kernel (no reference counting, helpers inlined,
GIL released): the per-request loop calls small helpers at no cost.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.sim.jit import kernel

STATUS_OK = 0
STATUS_SHED = 1
"""The task's queue was full: the app answered 503."""
STATUS_NO_TARGET = 2
"""No healthy registered target: the ALB answered 503."""
STATUS_TIMEOUT = 3
"""The response took longer than the ALB idle timeout: the client got a 504 (the task still worked)."""

# Settings vector ``shape``.
SHAPE_CONCURRENCY, SHAPE_QUEUE_LIMIT, SHAPE_VCPU, SHAPE_CPU_FRACTION, SHAPE_UNLOADED = 0, 1, 2, 3, 4
SHAPE_ALB_S, SHAPE_IDLE_S, SHAPE_ALGORITHM, SHAPE_OFFSET_S, SHAPE_HORIZON_S = 5, 6, 7, 8, 9
SHAPE_SIZE = 10

# ALB routing algorithms, the values of shape[SHAPE_ALGORITHM].
ROUTE_ROUND_ROBIN, ROUTE_LEAST_OUTSTANDING, ROUTE_RANDOM = 0, 1, 2

# Integer state vector ``state``.
STATE_ROUND_ROBIN, STATE_NEXT_SNAPSHOT, STATE_HEAP_SIZE, STATE_OK_LATENCIES = 0, 1, 2, 3
STATE_SIZE = 4

# Accumulators ``acc`` over requests arriving in the measured window [0, horizon).
ACC_REQUESTS, ACC_ROUTED, ACC_WAITED, ACC_WAIT_S, ACC_AT_TASK_S = 0, 1, 2, 3, 4
ACC_STATUS = 5
"""ACC_STATUS + status: requests that ended with each status."""
ACC_SIZE = 9

# Rows of the per-second bins ``sec`` (index = second + offset). SEC_ROUTED: requests the ALB sent to
# a task (a 503 from a full queue included: ALBRequestCountPerTarget counts them).
SEC_CPU, SEC_ROUTED, SEC_ARRIVALS, SEC_RESPONSES, SEC_IN_SYSTEM, SEC_WAITING = 0, 1, 2, 3, 4, 5
SEC_ROWS = 6


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
def _complete_until(now: float, heap_t: np.ndarray, heap_j: np.ndarray, count: np.ndarray, state: np.ndarray) -> None:
    """Pop every completion at or before ``now`` and take it off its task's outstanding count."""
    size = state[STATE_HEAP_SIZE]
    while size > 0 and heap_t[0] <= now:
        count[heap_j[0]] -= 1
        _heap_pop(heap_t, heap_j, size)
        size -= 1
    state[STATE_HEAP_SIZE] = size


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
def _release_slots(now: float, slot_busy: np.ndarray, n_busy: np.ndarray, j: int) -> int:
    """Drop task ``j``'s slots that are free by ``now``; return how many stay busy."""
    busy = int(n_busy[j])
    while busy > 0 and slot_busy[j, 0] <= now:
        busy -= 1
        _slot_sift_down(slot_busy, j, busy, slot_busy[j, busy])
    n_busy[j] = busy
    return busy


@kernel
def _choose(
    tie: float, routable: np.ndarray, n_routable: int, count: np.ndarray, algorithm: int, state: np.ndarray
) -> int:
    """The ALB's pick: round robin; uniformly at random (weighted random with equal weights); or least
    outstanding requests, ties broken by a random rotation. ``tie`` is a uniform draw in [0, 1)."""
    if algorithm == ROUTE_ROUND_ROBIN:
        chosen = routable[state[STATE_ROUND_ROBIN] % n_routable]
        state[STATE_ROUND_ROBIN] += 1
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
def _serve(
    now: float, work: float, j: int, slot_busy: np.ndarray, n_busy: np.ndarray, count: np.ndarray, shape: np.ndarray
) -> tuple[float, float]:
    """Give task ``j``'s next free slot to a request arriving at ``now``; return its (start, done) times.

    FCFS over ``c`` slots: with fewer than ``c`` busy the request starts at once (and every
    outstanding request is in service), else it takes the slot that frees first.
    """
    concurrency = int(shape[SHAPE_CONCURRENCY])
    per_request_cpu = shape[SHAPE_CPU_FRACTION] / shape[SHAPE_VCPU]
    busy = _release_slots(now, slot_busy, n_busy, j)
    if busy < concurrency:
        done = now + work * max(shape[SHAPE_UNLOADED], (count[j] + 1) * per_request_cpu)
        _slot_push(slot_busy, j, busy, done)
        n_busy[j] = busy + 1
        return now, done
    start = slot_busy[j, 0]
    done = start + work * max(shape[SHAPE_UNLOADED], concurrency * per_request_cpu)
    _slot_sift_down(slot_busy, j, busy, done)
    return start, done


@kernel
def _snapshots(
    until: float,
    alive: np.ndarray,
    n_alive: int,
    count: np.ndarray,
    heap_t: np.ndarray,
    heap_j: np.ndarray,
    shape: np.ndarray,
    state: np.ndarray,
    sec: np.ndarray,
) -> None:
    """Record requests in the system and waiting at each whole second up to ``until`` not yet recorded."""
    concurrency = int(shape[SHAPE_CONCURRENCY])
    offset_s = shape[SHAPE_OFFSET_S]
    n_sec = sec.shape[1]
    while state[STATE_NEXT_SNAPSHOT] < n_sec and state[STATE_NEXT_SNAPSHOT] - offset_s <= until:
        second = state[STATE_NEXT_SNAPSHOT]
        _complete_until(second - offset_s, heap_t, heap_j, count, state)
        in_system = 0
        waiting = 0
        for m in range(n_alive):
            outstanding = count[alive[m]]
            in_system += outstanding
            waiting += max(0, outstanding - concurrency)
        sec[SEC_IN_SYSTEM, second] = in_system
        sec[SEC_WAITING, second] = waiting
        state[STATE_NEXT_SNAPSHOT] = second + 1


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
    now: float, start: float, done: float, code: int, i: int, shape: np.ndarray, state: np.ndarray,
    acc: np.ndarray, sec: np.ndarray, latency_ms: np.ndarray, ok_latency_ms: np.ndarray,
) -> None:  # fmt: skip
    """Per-second bins and measured totals of a request a task worked on."""
    offset_s = shape[SHAPE_OFFSET_S]
    second = math.floor(now + offset_s)
    if 0 <= second < sec.shape[1]:
        sec[SEC_ROUTED, second] += 1
        if code == STATUS_OK:
            sec[SEC_RESPONSES, second] += 1
    if 0.0 <= now < shape[SHAPE_HORIZON_S]:
        acc[ACC_ROUTED] += 1
        acc[ACC_WAITED] += 1 if start > now else 0
        acc[ACC_WAIT_S] += start - now
        acc[ACC_AT_TASK_S] += done - now
        if code == STATUS_OK:
            ok_latency_ms[state[STATE_OK_LATENCIES]] = latency_ms[i]
            state[STATE_OK_LATENCIES] += 1


@kernel
def route_requests(
    arrivals: np.ndarray,
    work_s: np.ndarray,
    ties: np.ndarray,
    begin: int,
    end: int,
    routable: np.ndarray,
    n_routable: int,
    alive: np.ndarray,
    n_alive: int,
    slot_busy: np.ndarray,
    n_busy: np.ndarray,
    count: np.ndarray,
    heap_t: np.ndarray,
    heap_j: np.ndarray,
    shape: np.ndarray,
    state: np.ndarray,
    acc: np.ndarray,
    sec: np.ndarray,
    status: np.ndarray,
    latency_ms: np.ndarray,
    wait_s: np.ndarray,
    ok_latency_ms: np.ndarray,
) -> int:
    """Route requests ``begin..end-1``; return the index reached (below ``end``: the heap is full, grow it)."""
    concurrency = int(shape[SHAPE_CONCURRENCY])
    queue_limit = int(shape[SHAPE_QUEUE_LIMIT])
    algorithm = int(shape[SHAPE_ALGORITHM])
    offset_s = shape[SHAPE_OFFSET_S]
    for i in range(begin, end):
        if state[STATE_HEAP_SIZE] >= heap_t.shape[0]:
            return i
        now = arrivals[i]
        _snapshots(now, alive, n_alive, count, heap_t, heap_j, shape, state, sec)
        _complete_until(now, heap_t, heap_j, count, state)
        second = math.floor(now + offset_s)
        if 0 <= second < sec.shape[1]:
            sec[SEC_ARRIVALS, second] += 1
        wait_s[i] = 0.0
        latency_ms[i] = 0.0
        code = STATUS_NO_TARGET
        if n_routable > 0:
            j = _choose(ties[i], routable, n_routable, count, algorithm, state)
            if 0 <= queue_limit <= count[j] - concurrency:
                code = STATUS_SHED
                if 0 <= second < sec.shape[1]:  # the ALB sent it to the task, which answered 503
                    sec[SEC_ROUTED, second] += 1
            else:
                start, done = _serve(now, work_s[i], j, slot_busy, n_busy, count, shape)
                _heap_push(heap_t, heap_j, state[STATE_HEAP_SIZE], done, j)
                state[STATE_HEAP_SIZE] += 1
                count[j] += 1
                response_s = done - now + shape[SHAPE_ALB_S]
                wait_s[i] = start - now
                latency_ms[i] = response_s * 1000.0
                code = STATUS_TIMEOUT if response_s > shape[SHAPE_IDLE_S] else STATUS_OK
                _spread_cpu(sec, offset_s, start, done, shape[SHAPE_CPU_FRACTION] * work_s[i])
                _record_routed(now, start, done, code, i, shape, state, acc, sec, latency_ms, ok_latency_ms)
        status[i] = code
        if 0.0 <= now < shape[SHAPE_HORIZON_S]:
            acc[ACC_REQUESTS] += 1
            acc[ACC_STATUS + code] += 1
    return end


@kernel
def take_snapshots(
    until: float,
    alive: np.ndarray,
    n_alive: int,
    count: np.ndarray,
    heap_t: np.ndarray,
    heap_j: np.ndarray,
    shape: np.ndarray,
    state: np.ndarray,
    sec: np.ndarray,
) -> None:
    """Record requests in the system at every whole second up to ``until`` not yet recorded."""
    _snapshots(until, alive, n_alive, count, heap_t, heap_j, shape, state, sec)
