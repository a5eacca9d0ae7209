"""Executors: results in order, failures reported with their inputs without losing the others, Ctrl-C, selection."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from archsel.errors import ArchselError, UsageError
from archsel.evaluate.executors import (
    DaskExecutor,
    InProcessExecutor,
    ProcessPoolRunner,
    SimUnit,
    UnitsFailedError,
    executor_for,
)
from tests.sweep_support import BUSY, units


def _broken(unit: SimUnit) -> SimUnit:
    """A unit that raises inside the worker: no such architecture."""
    return SimUnit(unit.profile, "mainframe", unit.seed, unit.replication, unit.options)  # type: ignore[arg-type]


@pytest.mark.parametrize("executor", [InProcessExecutor(), ProcessPoolRunner(2)], ids=["in-process", "pool"])
def test_a_failing_unit_is_reported_with_its_inputs_and_the_others_kept(
    executor: InProcessExecutor | ProcessPoolRunner,
) -> None:
    batch = units(4)
    batch[2] = _broken(batch[2])
    done: list[SimUnit] = []
    result = executor.run_batch(batch, done.append)
    assert len(done) == 4  # progress also counts the failed unit
    assert [run is None for run in result.runs] == [False, False, True, False]
    (failure,) = result.failures
    assert failure.index == 2
    assert failure.describe() == "profile tiny, mainframe, seed 7, replication 2: KeyError: 'mainframe'"
    assert result.runs[0] == InProcessExecutor().run([batch[0]])[0]
    with pytest.raises(UnitsFailedError) as raised:
        result.require_all()
    assert "1 of 4 simulation runs failed" in raised.value.message
    assert "profile tiny, mainframe, seed 7, replication 2" in raised.value.message


def test_the_pool_gives_the_same_runs_in_the_same_order() -> None:
    batch = units(6)
    assert ProcessPoolRunner(2).run(batch) == InProcessExecutor().run(batch)


def test_ctrl_c_stops_the_pool_and_leaves_no_worker() -> None:
    # Units of over a second each: stopping must not wait for the running ones, nor run the queued ones.
    slow = BUSY.replace("horizon: 1h", "horizon: 8h")
    interrupted_at: list[float] = []

    def interrupt(_unit: SimUnit) -> None:
        interrupted_at.append(time.monotonic())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ProcessPoolRunner(2).run_batch(units(8, slow), interrupt)
    assert time.monotonic() - interrupted_at[0] < 1.0
    assert multiprocessing.active_children() == []


def test_executor_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    pool = executor_for(jobs=3)
    assert isinstance(pool, ProcessPoolRunner) and pool.workers == 3
    assert isinstance(executor_for(scheduler="tcp://127.0.0.1:8786"), DaskExecutor)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8787")
    chosen = executor_for()
    assert isinstance(chosen, DaskExecutor) and chosen.address == "tcp://127.0.0.1:8787"
    assert isinstance(executor_for(scheduler="tcp://127.0.0.1:9"), DaskExecutor)  # the option wins
    with pytest.raises(UsageError, match="--jobs"):
        executor_for(jobs=2)


def test_an_unreachable_scheduler_is_a_clear_error_within_the_timeout() -> None:
    pytest.importorskip("distributed")
    started = time.monotonic()
    executor = DaskExecutor("tcp://127.0.0.1:9", connect_timeout_s=1.0)
    with pytest.raises(ArchselError) as raised:
        executor.run(units(1))
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in raised.value.message
    assert "--scheduler" in (raised.value.hint or "")
    assert time.monotonic() - started < 15
    executor.close()
