"""Sweep plans, per-point seeds, running and pricing the points, missing points and the flips."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from archsel import api
from archsel.errors import UsageError
from archsel.evaluate.executors import BatchResult, InProcessExecutor, OnDone, SimUnit, collect, failure_of
from archsel.profile.loader import parse_profile
from archsel.sim.result import SimRun
from archsel.study.axes import parse_vary
from archsel.study.sweep import ArchOutcome, PointResult, SweepPoint, find_flips, point_seed
from tests.sweep_support import TINY, tiny_plan, write


def test_plan_is_the_cross_product_validated_before_running(tmp_path: Path) -> None:
    plan = tiny_plan(tmp_path, "traffic.mean_rps=1,4,2", "lambda.memory_mb=512,1024")
    assert [point.values for point in plan.points] == [
        (1.0, 512),
        (1.0, 1024),
        (2.0, 512),
        (2.0, 1024),
        (4.0, 512),
        (4.0, 1024),
    ]
    assert [point.profile.traffic.mean_rps for point in plan.points] == [1.0, 1.0, 2.0, 2.0, 4.0, 4.0]
    assert len(plan.units()) == 6 * 3 * 1  # points x architectures (all three) x replications
    assert len({point.seed for point in plan.points}) == 6


def test_replications_and_architectures_shape_the_units(tmp_path: Path) -> None:
    plan = api.plan_sweep(write(tmp_path), vary=["lambda.memory_mb=512,1024"], architectures=["lambda"], replications=3)
    units = plan.units()
    assert len(units) == 2 * 3
    assert {unit.architecture for unit in units} == {"lambda"}
    assert [unit.replication for unit in units] == [0, 1, 2, 0, 1, 2]


def test_no_axis_twice_and_not_too_many_points(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="twice"):
        tiny_plan(tmp_path, "lambda.memory_mb=512", "lambda.memory_mb=1024")
    values = ",".join(str(v) for v in range(128, 10_240, 10))
    with pytest.raises(UsageError, match="more than a sweep takes"):
        tiny_plan(tmp_path, f"lambda.memory_mb={values}", "traffic.mean_rps=1,2,3,4,5,6,7,8,9,10,11,12")


def test_a_point_seed_depends_on_its_values_and_the_base_seed_only(tmp_path: Path) -> None:
    first = tiny_plan(tmp_path, "traffic.mean_rps=1,4")
    second = tiny_plan(tmp_path, "traffic.mean_rps=4,9")
    assert first.points[1].seed == second.points[0].seed  # mean_rps=4 in both sweeps
    axis = [parse_vary("traffic.mean_rps=4")]
    assert point_seed(7, axis, [4.0]) != point_seed(8, axis, [4.0])
    assert point_seed(7, axis, [4.0]) == first.points[1].seed  # the profile's seed is 7


def test_the_same_point_gives_the_same_numbers_in_any_sweep(tmp_path: Path) -> None:
    executor = InProcessExecutor()
    first = api.sweep(tiny_plan(tmp_path, "traffic.mean_rps=1,4"), executor=executor)
    second = api.sweep(tiny_plan(tmp_path, "traffic.mean_rps=4,9"), executor=executor)
    assert first.points[1].outcomes == second.points[0].outcomes


def test_each_point_is_simulated_and_priced(tmp_path: Path) -> None:
    result = api.sweep(tiny_plan(tmp_path), executor=InProcessExecutor())
    assert len(result.points) == 4 and not result.missing
    for point in result.points:
        lam, far = point.outcome("lambda"), point.outcome("fargate")
        assert lam is not None and far is not None
        assert point.cheapest == ("lambda" if lam.monthly_usd <= far.monthly_usd else "fargate")
        for outcome in (lam, far):
            assert outcome.monthly_usd > 0 and outcome.p99_ms > 0
            assert 0 <= outcome.error_ratio <= 1
        assert far.cold_start_ratio == 0
    # More traffic costs more on Lambda at the same memory size.
    costs = {p.point.values: p.outcome("lambda").monthly_usd for p in result.points}  # type: ignore[union-attr]
    assert costs[(4.0, 512)] > costs[(1.0, 512)]


class FailFargateAtFirstPoint:
    """Runs units in process except the first point's Fargate unit, which fails as a lost worker would."""

    def run_batch(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> BatchResult:
        runs = {}
        failures = []
        for index, unit in enumerate(units):
            if index == 1:
                failures.append(failure_of(unit, index, RuntimeError("worker lost")))
            else:
                runs[index] = InProcessExecutor().run([unit])[0]
        return collect(units, runs, failures)

    def run(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> list[SimRun]:
        return self.run_batch(units, on_done).require_all()

    def close(self) -> None:
        """Nothing to release."""


def test_a_failed_unit_marks_its_point_missing_and_keeps_the_others(tmp_path: Path) -> None:
    plan = tiny_plan(tmp_path)
    result = api.sweep(plan, executor=FailFargateAtFirstPoint())
    assert [p.point.index for p in result.missing] == [0]
    missing = result.points[0]
    assert missing.outcome("lambda") is not None and missing.outcome("fargate") is None
    assert missing.cheapest is None
    assert [f.describe() for f in result.failures] == [
        f"profile tiny, fargate, seed {plan.points[0].seed}, replication 1: RuntimeError: worker lost"
    ]
    assert all(p.cheapest is not None for p in result.points[1:])


def _point(index: int, x: float, lambda_usd: str, fargate_usd: str) -> PointResult:
    profile = parse_profile(TINY)
    outcomes = tuple(
        ArchOutcome(arch, Decimal(usd), 0.0, 100.0, 0.0, 0.0, True, ())  # type: ignore[arg-type]
        for arch, usd in (("lambda", lambda_usd), ("fargate", fargate_usd))
    )
    return PointResult(SweepPoint(index, (x,), profile, index), outcomes, ())


def test_flips_are_found_between_neighbours_and_interpolated() -> None:
    axes = [parse_vary("traffic.mean_rps=1,2,3")]
    points = [_point(0, 1.0, "10", "25"), _point(1, 2.0, "20", "25"), _point(2, 3.0, "30", "25")]
    (flip,) = find_flips(axes, points)
    assert (flip.below, flip.above, flip.cheaper_below, flip.cheaper_above) == (2.0, 3.0, "lambda", "fargate")
    assert flip.crossing == pytest.approx(2.5)  # gap -5 at 2, +5 at 3
    assert find_flips(axes, points[:2]) == ()


def test_flips_are_per_line_of_the_other_axes(tmp_path: Path) -> None:
    plan = tiny_plan(tmp_path, "traffic.mean_rps=0.2,50", "lambda.memory_mb=512,3008")
    result = api.sweep(plan, executor=InProcessExecutor())
    by_values = {p.point.values: p for p in result.points}
    rate_flips = [flip for flip in result.flips if flip.axis == "traffic.mean_rps"]
    assert rate_flips, "at 0.2 req/s Lambda is cheaper, at 50 req/s Fargate"
    for flip in rate_flips:
        (other,) = flip.fixed
        assert other[0] == "lambda.memory_mb"
        assert by_values[(flip.below, other[1])].cheapest == flip.cheaper_below == "lambda"
        assert by_values[(flip.above, other[1])].cheapest == flip.cheaper_above == "fargate"
        assert flip.crossing is not None and 0.2 < flip.crossing < 50
