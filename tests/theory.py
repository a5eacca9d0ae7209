"""Queueing-theory formulas the simulators are checked against (tests only)."""

from __future__ import annotations


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of an M/M/c/c loss system (Erlang-B), by the stable recursion
    B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).

    >>> round(erlang_b(1, 1.0), 6)
    0.5
    >>> round(erlang_b(10, 8.0), 4)
    0.1217
    >>> erlang_b(5, 0.0)
    0.0
    """
    if servers < 0 or offered_load < 0:
        raise ValueError("servers and offered_load must be >= 0")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking
