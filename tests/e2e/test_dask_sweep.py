"""Sweeps and recommend on a real Dask cluster (a LocalCluster of worker processes on 127.0.0.1).

The same sweep gives identical results in process, on the process pool and on Dask; a worker
killed mid-sweep loses nothing (Dask reschedules) or the missing points are named; Ctrl-C
cancels what is outstanding; a worker without archsel is refused with a clear error.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archsel import api
from archsel.errors import ArchselError
from archsel.evaluate.executors import DaskExecutor, InProcessExecutor, ProcessPoolRunner, SimUnit
from archsel.study.sweep import SweepPlan, SweepResult
from tests.conftest import CliResult
from tests.sweep_support import BUSY, TINY, tiny_plan, units, write

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

# Every wait below is bounded; the sweeps here take a few seconds.
BATCH_TIMEOUT_S = 90.0
BUSY_AXES = ("traffic.mean_rps=80,100,120,140", "lambda.memory_mb=512,1024")


def local_cluster(workers: int) -> distributed.LocalCluster:
    """Worker processes on 127.0.0.1, one thread each, no dashboard."""
    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[SweepPlan, SweepResult, SweepResult]:
    """The sweep in process and on the process pool, before any cluster thread exists (the pool forks)."""
    plan = tiny_plan(tmp_path_factory.mktemp("sweep"))
    in_process = api.sweep(plan, executor=InProcessExecutor())  # also writes the numba kernel cache
    pool = api.sweep(plan, executor=ProcessPoolRunner(2))
    return plan, in_process, pool


@pytest.fixture(scope="module")
def cluster(reference: object) -> Iterator[distributed.LocalCluster]:
    with local_cluster(2) as running:
        yield running


def test_the_same_sweep_is_identical_in_process_on_the_pool_and_on_dask(
    reference: tuple[SweepPlan, SweepResult, SweepResult], cluster: distributed.LocalCluster
) -> None:
    plan, in_process, pool = reference
    done: list[SimUnit] = []
    with DaskExecutor(cluster.scheduler_address, batch_timeout_s=BATCH_TIMEOUT_S) as executor:
        on_dask = api.sweep(plan, executor=executor, on_done=done.append)
    assert len(done) == len(plan.units())  # streamed back one by one
    assert in_process.points == pool.points == on_dask.points
    assert in_process.flips == pool.flips == on_dask.flips
    assert not on_dask.missing


def test_the_cli_on_dask_prints_what_it_prints_locally(
    run_cli: Callable[..., CliResult],
    cluster: distributed.LocalCluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = write(tmp_path)
    sweep = ("sweep", str(profile), "--vary", "lambda.memory_mb=512,1024", "-f", "json")
    local = run_cli(*sweep, "--jobs", "1")
    remote = run_cli(*sweep, "--scheduler", cluster.scheduler_address)
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert json.loads(local.stdout) == json.loads(remote.stdout)
    recommend = ("recommend", str(profile), "-f", "json")
    local = run_cli(*recommend, "--jobs", "1")
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)  # the environment picks the cluster
    remote = run_cli(*recommend)
    assert local.exit_code == remote.exit_code, remote.stderr
    assert json.loads(local.stdout) == json.loads(remote.stdout)


def _archsel_tasks(cluster: distributed.LocalCluster) -> list[str]:
    return [str(key) for key in list(cluster.scheduler.tasks) if str(key).startswith("archsel-")]


def test_ctrl_c_cancels_the_outstanding_units(cluster: distributed.LocalCluster, tmp_path: Path) -> None:
    plan = tiny_plan(tmp_path, *BUSY_AXES, text=BUSY)

    def interrupt(_unit: SimUnit) -> None:
        raise KeyboardInterrupt

    with DaskExecutor(cluster.scheduler_address, batch_timeout_s=BATCH_TIMEOUT_S) as executor:
        with pytest.raises(KeyboardInterrupt):
            api.sweep(plan, executor=executor, on_done=interrupt)
        deadline = time.monotonic() + 10
        while _archsel_tasks(cluster) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _archsel_tasks(cluster) == []  # nothing left queued or held for us
        assert executor.run(units(2)) == InProcessExecutor().run(units(2))  # and the connection still works


def test_units_past_the_batch_timeout_are_reported_and_cancelled(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    plan = tiny_plan(tmp_path, *BUSY_AXES, text=BUSY)  # 16 units of ~0.2 s on 2 workers: over 1.5 s
    with DaskExecutor(cluster.scheduler_address, batch_timeout_s=0.5) as executor:
        result = api.sweep(plan, executor=executor)
    failures = result.failures
    assert failures, "the batch cannot finish in 0.5 s"
    assert all(f.error == "TimeoutError: did not finish within 0.5 s" for f in failures)
    assert sum(len(p.outcomes) for p in result.points) + len(failures) == len(plan.units())  # 1 replication each
    assert {p.point.index for p in result.missing} == {
        index for index, p in enumerate(result.points) if len(p.outcomes) < len(plan.architectures)
    }
    deadline = time.monotonic() + 10
    while _archsel_tasks(cluster) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _archsel_tasks(cluster) == []


def test_a_worker_killed_mid_sweep_loses_no_point(tmp_path: Path, reference: object) -> None:
    plan = tiny_plan(tmp_path, *BUSY_AXES, text=BUSY)  # 16 units of ~0.2 s
    with local_cluster(2) as own, distributed.Client(own.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        killed: list[tuple[int, int]] = []  # (pid, units it was running or holding when killed)
        done: list[SimUnit] = []

        def kill_once(unit: SimUnit) -> None:
            done.append(unit)
            if killed:
                return
            # A worker with units in hand, read from the scheduler (it runs in this process).
            busy = [ws for ws in list(own.scheduler.workers.values()) if ws.processing]
            victim = busy[0] if busy else next(iter(own.scheduler.workers.values()))
            killed.append((pids[victim.address], len(victim.processing)))
            os.kill(pids[victim.address], signal.SIGKILL)

        with DaskExecutor(own.scheduler_address, batch_timeout_s=BATCH_TIMEOUT_S) as executor:
            on_dask = api.sweep(plan, executor=executor, on_done=kill_once)
        ((victim_pid, in_hand),) = killed
        assert in_hand > 0, "the worker was killed while it held units"
        assert len(done) == len(plan.units())
        assert victim_pid not in client.run(os.getpid).values()  # the nanny replaced it
    expected = api.sweep(plan, executor=InProcessExecutor())
    failed_points = {index for index, point in enumerate(on_dask.points) if point.failures}
    # Dask reschedules the lost units: every point is there, or exactly the failed ones are named missing.
    assert {point.point.index for point in on_dask.missing} == failed_points
    for index, point in enumerate(on_dask.points):
        if index not in failed_points:
            assert point == expected.points[index]


def test_a_worker_without_archsel_is_refused(tmp_path: Path) -> None:
    with local_cluster(0) as scheduler_only:
        # A worker where archsel cannot be imported: whether or not archsel is installed in this
        # interpreter (CI installs it), a stand-in package first on PYTHONPATH fails to import.
        stand_in = tmp_path / "shadow" / "archsel"
        stand_in.mkdir(parents=True)
        (stand_in / "__init__.py").write_text('raise ModuleNotFoundError("No module named archsel on this worker")\n')
        env = {**os.environ, "PYTHONPATH": str(stand_in.parent)}
        worker = subprocess.Popen(  # run outside the repository, so the checkout is not importable either
            [sys.executable, "-m", "distributed.cli.dask_worker", scheduler_only.scheduler_address, "--nthreads", "1",
             "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            executor = DaskExecutor(scheduler_only.scheduler_address, connect_timeout_s=30)
            with pytest.raises(ArchselError) as raised:
                executor.run(units(1))
            executor.close()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert "1 of 1 Dask workers cannot run archsel" in raised.value.message
    assert "ModuleNotFoundError" in raised.value.message
    assert "install the same archsel on every worker" in (raised.value.hint or "")


def test_a_profile_on_dask_runs_with_the_profile_as_written(cluster: distributed.LocalCluster, tmp_path: Path) -> None:
    # Trace counts, bursts and clock times travel to the workers inside each unit.
    text = TINY.replace(
        "peak_rps: 4", 'peak_rps: 4\n  bursts: [{start: "00:20", every: 30m, duration_s: 60, multiplier: 5}]'
    )
    plan = api.plan_sweep(write(tmp_path, text), vary=["traffic.bursts[0].multiplier=2,5"])
    with DaskExecutor(cluster.scheduler_address, batch_timeout_s=BATCH_TIMEOUT_S) as executor:
        on_dask = api.sweep(plan, executor=executor)
    assert on_dask.points == api.sweep(plan, executor=InProcessExecutor()).points
