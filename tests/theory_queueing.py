"""Queueing-theory formulas the Fargate validation tests compare the simulator with."""

from __future__ import annotations


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang's C formula).

    ``offered_load`` is A = arrival rate x mean service time, in Erlangs (A < servers).

    >>> round(erlang_c(1, 0.5), 6)   # M/M/1: P(wait) = utilisation
    0.5
    >>> round(erlang_c(2, 1.0), 6)   # A^2/2! * 2/(2-1) / (1 + 1 + 1) = 1/3
    0.333333
    >>> round(erlang_c(10, 8.0), 4)
    0.4092
    """
    if not 0 <= offered_load < servers:
        raise ValueError(f"needs 0 <= offered load < servers (got {offered_load} with {servers} servers)")
    term = 1.0
    below = 0.0
    for k in range(servers):
        below += term
        term *= offered_load / (k + 1)
    top = term * servers / (servers - offered_load)
    return top / (below + top)


def mmc_mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean time in the queue (before service) of an M/M/c queue, in the unit of ``mean_service``.

    >>> round(mmc_mean_wait(1, 0.5, 1.0), 6)   # M/M/1: rho / (mu - lambda) = 0.5 / 0.5
    1.0
    """
    load = arrival_rate * mean_service
    return erlang_c(servers, load) * mean_service / (servers - load)
