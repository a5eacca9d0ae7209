"""Reference model of a fixed Fargate fleet behind an ALB: one SimPy process per request, obviously correct.

Slow by design; the validation tests run it on small workloads and compare the fast model with it.
Same rules as the fast model: the ALB routes to the task with the fewest outstanding requests
(ties broken by a random rotation) or round robin; each task is a SimPy Resource with
``concurrency`` slots and a FIFO queue; a full queue sheds with 503; a request's time is fixed
when it gets a slot from the number of requests then in service on its task.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

OK, SHED, TIMEOUT = 0, 1, 3


@dataclass(frozen=True)
class Fleet:
    """A fixed fleet and its request-path settings."""

    tasks: int
    concurrency: int
    vcpu: float
    cpu_fraction: float
    unloaded_factor: float
    queue_limit: int | None = None
    alb_latency_s: float = 0.002
    idle_timeout_s: float = 60.0
    least_outstanding: bool = True


@dataclass
class Outcome:
    """Per-request results, in arrival order."""

    status: np.ndarray
    latency_ms: np.ndarray
    wait_s: np.ndarray
    in_system_at_seconds: list[int] = field(default_factory=list)


def simulate_reference(fleet: Fleet, arrivals: np.ndarray, work_s: np.ndarray, ties: np.ndarray) -> Outcome:
    """Serve requests arriving at ``arrivals`` (sorted, seconds) needing ``work_s`` at reference speed."""
    env = simpy.Environment(initial_time=float(min(0.0, arrivals.min(initial=0.0))))
    tasks = [simpy.Resource(env, capacity=fleet.concurrency) for _ in range(fleet.tasks)]
    size = arrivals.size
    outcome = Outcome(np.zeros(size, dtype=np.int64), np.zeros(size), np.zeros(size))
    env.process(_source(env, fleet, tasks, arrivals, work_s, ties, outcome))
    env.run()
    return outcome


def _outstanding(task: simpy.Resource) -> int:
    return len(task.users) + len(task.queue)


def _choose(fleet: Fleet, tasks: list[simpy.Resource], tie: float, counter: list[int]) -> int:
    if not fleet.least_outstanding:
        counter[0] += 1
        return (counter[0] - 1) % len(tasks)
    first = min(int(tie * len(tasks)), len(tasks) - 1)
    order = [(first + m) % len(tasks) for m in range(len(tasks))]
    return min(order, key=lambda j: (_outstanding(tasks[j]), order.index(j)))


def _source(
    env: simpy.Environment,
    fleet: Fleet,
    tasks: list[simpy.Resource],
    arrivals: np.ndarray,
    work_s: np.ndarray,
    ties: np.ndarray,
    outcome: Outcome,
) -> Generator[simpy.Event, None, None]:
    counter = [0]
    for i, arrival in enumerate(arrivals):
        yield env.timeout(float(arrival) - env.now)
        j = _choose(fleet, tasks, float(ties[i]), counter)
        full = len(tasks[j].users) >= fleet.concurrency
        if fleet.queue_limit is not None and full and len(tasks[j].queue) >= fleet.queue_limit:
            outcome.status[i] = SHED
            continue
        env.process(_request(env, fleet, tasks[j], i, float(work_s[i]), outcome))


def _request(
    env: simpy.Environment, fleet: Fleet, task: simpy.Resource, i: int, work_s: float, outcome: Outcome
) -> Generator[simpy.Event, None, None]:
    arrival = env.now
    with task.request() as slot:
        yield slot
        start = env.now
        factor = max(fleet.unloaded_factor, task.count * fleet.cpu_fraction / fleet.vcpu)
        yield env.timeout(work_s * factor)
    response_s = env.now - arrival + fleet.alb_latency_s
    outcome.wait_s[i] = start - arrival
    outcome.latency_ms[i] = response_s * 1000.0
    outcome.status[i] = TIMEOUT if response_s > fleet.idle_timeout_s else OK
