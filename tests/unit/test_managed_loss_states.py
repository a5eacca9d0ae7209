"""The M/M/c/N chain behind the Managed Instances aggregate model, against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from archsel.sim.aggregate.loss_states import FleetShape, load_state


def _erlang_b(servers: int, offered: float) -> float:
    blocked = 1.0
    for k in range(1, servers + 1):
        blocked = offered * blocked / (k + offered * blocked)
    return blocked


@pytest.mark.parametrize(("instances", "slots", "offered"), [(3, 4, 10.0), (1, 8, 2.0), (50, 16, 700.0)])
def test_requests_without_cpu_are_an_erlang_loss_system(instances: int, slots: int, offered: float) -> None:
    state = load_state(offered, FleetShape(instances, slots, math.inf))
    blocked = _erlang_b(instances * slots, offered)
    assert state.throttled_share == pytest.approx(blocked, rel=1e-9)
    assert state.mean_in_flight == pytest.approx(offered * (1.0 - blocked), rel=1e-9)  # Little's law


def _mmcn(offered: float, servers: int, capacity: int) -> np.ndarray:
    """Stationary probabilities of M/M/c/N by the birth-death recursion (in logs: a^k / k! overflows)."""
    steps = [math.log(offered / min(k, servers)) for k in range(1, capacity + 1)]
    log_weights = np.concatenate(([0.0], np.cumsum(steps)))
    probabilities = np.exp(log_weights - log_weights.max())
    return probabilities / probabilities.sum()


@pytest.mark.parametrize("offered", [20.0, 38.0, 40.0, 44.0, 120.0])
def test_cpu_bound_requests_follow_the_mmcn_chain(offered: float) -> None:
    """10 instances x 8 slots whose vCPUs carry 40 requests unslowed: loss, mean and the instance levels."""
    state = load_state(offered, FleetShape(10, 8, 40.0))
    expected = _mmcn(offered, 40, 80)
    assert state.throttled_share == pytest.approx(expected[-1], rel=1e-6, abs=1e-15)
    assert state.mean_in_flight == pytest.approx(float(np.arange(81) @ expected), rel=1e-6)
    admitted = expected[:-1] / expected[:-1].sum()
    levels = np.bincount(np.arange(80) // 10, weights=admitted, minlength=8)
    np.testing.assert_allclose(state.level_pmf, levels, atol=1e-9)


def test_an_overloaded_fleet_serves_what_its_cpus_carry_and_throttles_the_rest() -> None:
    state = load_state(400.0, FleetShape(10, 8, 40.0))  # ten times what the vCPUs carry
    assert state.throttled_share == pytest.approx(0.9, rel=1e-6)
    assert state.mean_in_flight == pytest.approx(80.0 - 1.0 / 9.0, rel=1e-9)  # a full fleet less a geometric 1/(r-1)
    assert state.level_pmf[-1] > 0.99  # an admitted request finds its instance nearly full


def test_no_load_is_an_idle_fleet() -> None:
    state = load_state(0.0, FleetShape(3, 4, 6.0))
    assert (state.throttled_share, state.mean_in_flight) == (0.0, 0.0)
    assert state.level_pmf.tolist() == [1.0, 0.0, 0.0, 0.0]


def test_a_huge_fleet_is_solved_over_the_states_that_matter() -> None:
    """130,000 instances x 8 slots at half load: a Poisson around the load, no throttles, in milliseconds."""
    state = load_state(500_000.0, FleetShape(130_000, 8, 1_040_000.0))
    assert state.throttled_share == 0.0
    assert state.mean_in_flight == pytest.approx(500_000.0, rel=1e-9)


@pytest.mark.parametrize(
    ("offered", "fleet"), [(30.0, FleetShape(12, 16, 200.0)), (900.0, FleetShape(300, 8, 1_200.0))]
)
def test_the_poisson_shortcut_matches_the_sum_over_states(offered: float, fleet: FleetShape) -> None:
    """Far from the fleet's limits the state comes from the Poisson CDF; the full sum gives the same."""
    state = load_state(offered, fleet)
    states = np.arange(0, fleet.instances * fleet.slots + 1)
    weights = _mmcn(offered, math.floor(fleet.cpu_bound), int(states[-1]))
    levels = np.bincount(states[:-1] // fleet.instances, weights=weights[:-1], minlength=fleet.slots)
    assert state.throttled_share == 0.0
    assert state.mean_in_flight == pytest.approx(float(states @ weights), rel=1e-9)
    np.testing.assert_allclose(state.level_pmf, levels / levels.sum(), atol=1e-12)
