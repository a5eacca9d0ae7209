"""Requests in flight on a fleet of multi-concurrent instances that throttle when full: an M/M/c/N birth-death chain.

The Lambda Managed Instances router sends a request to the instance with the fewest in flight and
throttles it when that one is full, so the fleet of n instances with s admission slots each holds at
most N = n x s requests and loses an arrival only when all N are taken. Requests share an instance's
vCPUs: with K in flight, spread evenly, each takes max(u, (K / n) x cpu_fraction / vCPU) of its
unloaded time, so the fleet completes min(K, c) / W requests a second, W the unloaded service time
and c = u x n x vCPU / cpu_fraction the requests its CPUs carry at full speed. That is Erlang's
M/M/c/N chain: Poisson weights up to c, a geometric tail of ratio a / c beyond it (a = rate x W).
Its stationary distribution (what an arrival sees, Poisson arrivals seeing time averages) gives
the share throttled, the mean in flight and how many share an arriving request's instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, pdtr

TAIL_SIGMAS = 12.0
"""Poisson weights further than this many standard deviations from the mode are left out (below 1e-30)."""
TAIL_LOG_RATIO = 70.0
"""A geometric tail is cut where it falls e^70 below its start."""


@dataclass(frozen=True, slots=True)
class FleetShape:
    """What the chain needs of the fleet: instances, slots per instance, requests its CPUs carry unslowed."""

    instances: int
    slots: int
    """Admission slots per instance (s)."""
    cpu_bound: float
    """c: requests in flight the fleet's vCPUs carry without slowing them (inf when requests use no CPU)."""


@dataclass(frozen=True, slots=True)
class LoadState:
    """The fleet at one offered load, in its stationary state."""

    throttled_share: float
    """P(all N slots taken): the share of arrivals throttled."""
    mean_in_flight: float
    level_pmf: np.ndarray
    """P(an admitted request is the j-th in flight on its instance), j = 1..s (index j - 1)."""


def load_state(offered: float, fleet: FleetShape) -> LoadState:
    """The stationary M/M/c/N state at ``offered`` = arrival rate x unloaded service time (Erlangs)."""
    capacity = fleet.instances * fleet.slots
    if offered <= 0 or capacity <= 0:
        idle = np.zeros(max(fleet.slots, 1))
        idle[0] = 1.0
        return LoadState(0.0, 0.0, idle)
    if _unslowed(offered, fleet, capacity):
        return _poisson_state(offered, fleet)
    states, weights = _weights(offered, fleet, capacity)
    throttled = float(weights[-1]) if states[-1] == capacity else 0.0
    admitted = states < capacity
    levels = states[admitted] // fleet.instances  # the least busy instance holds at most floor(K / n)
    pmf = np.bincount(levels, weights=weights[admitted], minlength=fleet.slots)[: fleet.slots]
    total = float(pmf.sum())
    return LoadState(throttled, float(states @ weights), pmf / total if total > 0 else pmf)


def _unslowed(offered: float, fleet: FleetShape, capacity: int) -> bool:
    """Whether the Poisson weights end before the fleet's vCPUs slow requests and before its slots fill.

    Then the chain is Poisson(offered): nothing is throttled, the mean is the offered load (Little's
    law, M/G/inf) and the levels follow from the Poisson CDF, with no sum over states (the common
    case: a fleet at its scaling target, however many instances it holds).
    """
    poisson_end = offered + TAIL_SIGMAS * math.sqrt(offered) + TAIL_SIGMAS
    return poisson_end <= min(float(capacity), fleet.cpu_bound)


def _poisson_state(offered: float, fleet: FleetShape) -> LoadState:
    edges = np.arange(fleet.slots + 1, dtype=np.float64) * fleet.instances - 1.0  # level j holds K in [j n, (j+1) n)
    cdf = np.where(edges >= 0, pdtr(np.maximum(edges, 0.0), offered), 0.0)
    pmf = np.diff(cdf)
    pmf[-1] += max(0.0, 1.0 - float(cdf[-1]))
    return LoadState(0.0, offered, pmf / pmf.sum())


def _weights(offered: float, fleet: FleetShape, capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """The states worth counting and their normalised stationary probabilities."""
    full_speed = capacity if fleet.cpu_bound >= capacity else math.floor(fleet.cpu_bound)  # K0
    mode = min(offered, float(full_speed))
    low = max(0, math.floor(mode - TAIL_SIGMAS * math.sqrt(mode) - TAIL_SIGMAS))
    high = capacity
    poisson_end = offered + TAIL_SIGMAS * math.sqrt(offered) + TAIL_SIGMAS
    ratio = offered / fleet.cpu_bound if full_speed < capacity else 0.0
    if full_speed >= poisson_end:
        high = min(capacity, math.ceil(poisson_end))
    elif 0 < ratio < 1:
        high = min(capacity, full_speed + math.ceil(TAIL_LOG_RATIO / -math.log(ratio)))
    elif ratio > 1:  # overloaded: the mass sits against the full fleet
        low = max(low, capacity - math.ceil(TAIL_LOG_RATIO / math.log(ratio)))
    states = np.arange(low, high + 1, dtype=np.int64)
    log_offered = math.log(offered)
    poisson = states * log_offered - gammaln(states + 1.0)
    if full_speed < high:
        tail = full_speed * log_offered - gammaln(full_speed + 1.0) + (states - full_speed) * math.log(ratio)
        poisson = np.where(states <= full_speed, poisson, tail)
    weights = np.exp(poisson - poisson.max())
    return states, weights / weights.sum()
