"""The compiled per-request path of the Fargate model: ALB routing and per-task FCFS queues.

Between two control events the set of in-service tasks is fixed, so the requests that arrive in
between are routed in one tight numba loop over numpy arrays. Each task slot ``j`` keeps:

- ``slot_free[j, :c]``: a min-heap of the times its ``c`` request slots become free (the FCFS
  multi-server workload vector: a new request starts at max(arrival, earliest free slot));
- ``out_heap[j, :out_size[j]]``: a min-heap of completion times of its outstanding requests.
  Outstanding = in service + waiting, so waiting = max(0, outstanding - c): FCFS never leaves
  a slot idle while a request waits.

CPU contention (a simplification, fixed at the start of each request): a request that starts
while ``k`` requests (itself included) are in service on a task of ``V`` vCPUs takes
``duration x max(unloaded factor, k x cpu_fraction / V)``. The unloaded factor is the single
request's slowdown on a task under 1 vCPU (archsel.performance.duration_factor); the second
term is the time ``k`` requests that each need ``cpu_fraction x duration`` of CPU take to share
``V`` vCPUs. Later arrivals do not slow a request already running, and earlier ones do not speed
up when others finish.
"""

from __future__ import annotations

import numba
import numpy as np

STATUS_OK = 0
STATUS_SHED = 1
"""The task's queue was full: the app answered 503."""
STATUS_NO_TARGET = 2
"""No healthy registered target: the ALB answered 503."""
STATUS_TIMEOUT = 3
"""The response took longer than the ALB idle timeout: the client got a 504 (the task still worked)."""

# Indices of the kernel's integer state vector.
STATE_ROUND_ROBIN = 0
STATE_NEXT_SNAPSHOT = 1
STATE_FULL_SLOT = 2
STATE_SIZE = 3


@numba.njit(cache=True)
def _sift_down(heap: np.ndarray, j: int, size: int, pos: int) -> None:
    value = heap[j, pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[j, child + 1] < heap[j, child]:
            child += 1
        if heap[j, child] >= value:
            break
        heap[j, pos] = heap[j, child]
        pos = child
    heap[j, pos] = value


@numba.njit(cache=True)
def _push(heap: np.ndarray, j: int, size: int, value: float) -> None:
    pos = size
    while pos > 0:
        parent = (pos - 1) // 2
        if heap[j, parent] <= value:
            break
        heap[j, pos] = heap[j, parent]
        pos = parent
    heap[j, pos] = value


@numba.njit(cache=True)
def _pop_until(heap: np.ndarray, sizes: np.ndarray, j: int, now: float) -> int:
    """Drop completions at or before ``now``; return the outstanding count left."""
    size = sizes[j]
    while size > 0 and heap[j, 0] <= now:
        size -= 1
        heap[j, 0] = heap[j, size]
        _sift_down(heap, j, size, 0)
    sizes[j] = size
    return int(size)


@numba.njit(cache=True)
def _snapshot(
    second: int, offset_s: float, alive: np.ndarray, n_alive: int, out_heap: np.ndarray, out_size: np.ndarray,
    concurrency: int, sec_in_system: np.ndarray, sec_waiting: np.ndarray,
) -> None:
    now = second - offset_s
    in_system = 0
    waiting = 0
    for m in range(n_alive):
        outstanding = _pop_until(out_heap, out_size, alive[m], now)
        in_system += outstanding
        waiting += max(0, outstanding - concurrency)
    sec_in_system[second] = in_system
    sec_waiting[second] = waiting


@numba.njit(cache=True)
def _spread_cpu(sec_cpu: np.ndarray, offset_s: float, start: float, done: float, work: float) -> None:
    """Add ``work`` vCPU-seconds to the per-second bins, evenly over [start, done)."""
    n_sec = sec_cpu.shape[0]
    begin = start + offset_s
    end = done + offset_s
    if end <= begin:
        second = int(begin // 1.0)
        if 0 <= second < n_sec:
            sec_cpu[second] += work
        return
    rate = work / (end - begin)
    second = int(begin // 1.0)
    while second < n_sec and second < end:
        if second >= 0:
            sec_cpu[second] += rate * (min(end, second + 1.0) - max(begin, float(second)))
        second += 1


@numba.njit(cache=True)
def _choose(
    now: float, tie: float, routable: np.ndarray, n_routable: int, out_heap: np.ndarray, out_size: np.ndarray,
    least_outstanding: bool, state: np.ndarray,
) -> int:
    if not least_outstanding:
        chosen = routable[state[STATE_ROUND_ROBIN] % n_routable]
        state[STATE_ROUND_ROBIN] += 1
        _pop_until(out_heap, out_size, chosen, now)
        return int(chosen)
    first = min(int(tie * n_routable), n_routable - 1)  # random rotation breaks ties evenly
    chosen = -1
    fewest = 1 << 62
    for m in range(n_routable):
        j = routable[(first + m) % n_routable]
        outstanding = _pop_until(out_heap, out_size, j, now)
        if outstanding < fewest:
            fewest = outstanding
            chosen = j
    return int(chosen)


@numba.njit(cache=True)
def route_requests(
    arrivals: np.ndarray, work_s: np.ndarray, ties: np.ndarray, begin: int, end: int,
    routable: np.ndarray, n_routable: int, alive: np.ndarray, n_alive: int,
    slot_free: np.ndarray, out_heap: np.ndarray, out_size: np.ndarray,
    shape: np.ndarray, state: np.ndarray,
    sec_cpu: np.ndarray, sec_routed: np.ndarray, sec_in_system: np.ndarray, sec_waiting: np.ndarray,
    status: np.ndarray, latency_ms: np.ndarray, wait_s: np.ndarray,
) -> int:
    """Route requests ``begin..end-1``; return the index reached.

    ``shape`` holds [concurrency, queue_limit (-1 = unbounded), vcpu, cpu_fraction, unloaded
    factor, alb latency s, idle timeout s, least outstanding (1/0), offset s]. A return value
    below ``end`` means the outstanding heap of slot ``state[STATE_FULL_SLOT]`` is full: grow
    it and call again from there.
    """
    concurrency = int(shape[0])
    queue_limit = int(shape[1])
    vcpu, cpu_fraction, unloaded, alb_s, idle_s = shape[2], shape[3], shape[4], shape[5], shape[6]
    least_outstanding = shape[7] > 0.5
    offset_s = shape[8]
    n_sec = sec_cpu.shape[0]
    capacity = out_heap.shape[1]
    for i in range(begin, end):
        now = arrivals[i]
        while state[STATE_NEXT_SNAPSHOT] < n_sec and state[STATE_NEXT_SNAPSHOT] - offset_s <= now:
            _snapshot(
                state[STATE_NEXT_SNAPSHOT], offset_s, alive, n_alive, out_heap, out_size,
                concurrency, sec_in_system, sec_waiting,
            )
            state[STATE_NEXT_SNAPSHOT] += 1
        wait_s[i] = 0.0
        latency_ms[i] = 0.0
        if n_routable == 0:
            status[i] = STATUS_NO_TARGET
            continue
        j = _choose(now, ties[i], routable, n_routable, out_heap, out_size, least_outstanding, state)
        outstanding = out_size[j]
        if 0 <= queue_limit <= outstanding - concurrency:
            status[i] = STATUS_SHED
            continue
        if outstanding >= capacity:
            state[STATE_FULL_SLOT] = j
            if not least_outstanding:
                state[STATE_ROUND_ROBIN] -= 1  # this request is routed again after the heap grows
            return i
        earliest = slot_free[j, 0]
        if earliest <= now:
            start = now
            in_service = outstanding + 1
        else:
            start = earliest
            in_service = concurrency
        factor = max(unloaded, in_service * cpu_fraction / vcpu)
        done = start + work_s[i] * factor
        slot_free[j, 0] = done
        _sift_down(slot_free, j, concurrency, 0)
        _push(out_heap, j, outstanding, done)
        out_size[j] = outstanding + 1
        response_s = done - now + alb_s
        wait_s[i] = start - now
        latency_ms[i] = response_s * 1000.0
        status[i] = STATUS_TIMEOUT if response_s > idle_s else STATUS_OK
        _spread_cpu(sec_cpu, offset_s, start, done, cpu_fraction * work_s[i])
        second = int((now + offset_s) // 1.0)
        if 0 <= second < n_sec:
            sec_routed[second] += 1
    return end


@numba.njit(cache=True)
def take_snapshots(
    until: float, alive: np.ndarray, n_alive: int, out_heap: np.ndarray, out_size: np.ndarray,
    concurrency: int, offset_s: float, state: np.ndarray, sec_in_system: np.ndarray, sec_waiting: np.ndarray,
) -> None:
    """Record requests in the system at every whole second up to ``until`` not yet recorded."""
    n_sec = sec_in_system.shape[0]
    while state[STATE_NEXT_SNAPSHOT] < n_sec and state[STATE_NEXT_SNAPSHOT] - offset_s <= until:
        _snapshot(
            state[STATE_NEXT_SNAPSHOT], offset_s, alive, n_alive, out_heap, out_size,
            concurrency, sec_in_system, sec_waiting,
        )
        state[STATE_NEXT_SNAPSHOT] += 1
