"""Where independent simulation units run: in this process, a pool of processes on every core, or a Dask cluster.

A unit is (profile, architecture, seed, replication, options) -> SimRun: pure and picklable,
with its seed derived from the unit itself, so every executor gives identical results.
Executors return a `BatchResult`: the runs that finished, in the order given, and every
unit that failed with its inputs, so one failure never loses the other results.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from archsel.errors import ArchselError, ExitCode, SimulationError
from archsel.evaluate.runner import simulate_one
from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.result import SimOptions, SimRun

if TYPE_CHECKING:
    from distributed import Client
    from distributed import Future as DaskFuture

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
# Failures listed in an error message; the rest are counted.
SHOWN_FAILURES = 5
DASK_HINT = "install the dask extra: pip install 'archsel[dask]'"


@dataclass(frozen=True, slots=True)
class SimUnit:
    """One seeded replication of one architecture on one profile."""

    profile: WorkloadProfile
    architecture: Architecture
    seed: int
    replication: int
    options: SimOptions

    def describe(self) -> str:
        """The unit's inputs in words, e.g. "profile shop, lambda, seed 7, replication 2"."""
        return f"profile {self.profile.name}, {self.architecture}, seed {self.seed}, replication {self.replication + 1}"


def run_unit(unit: SimUnit) -> SimRun:
    """Run one unit (top-level so that process pools and Dask workers can pickle it)."""
    return simulate_one(
        unit.profile, unit.architecture, seed=unit.seed, replication=unit.replication, options=unit.options
    )


@dataclass(frozen=True, slots=True)
class UnitFailure:
    """A unit that did not give a result, with its inputs and why."""

    unit: SimUnit
    index: int
    """Position of the unit in the batch."""
    error: str
    """The exception type and message, e.g. "KilledWorker: ..." or "SimulationError: ..."."""
    exception: BaseException | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """One line naming the unit's inputs and the error."""
        return f"{self.unit.describe()}: {self.error}"


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch gave: one slot per unit (None where it failed) and the failures."""

    units: tuple[SimUnit, ...]
    runs: tuple[SimRun | None, ...]
    failures: tuple[UnitFailure, ...]

    @property
    def complete(self) -> bool:
        """Whether every unit gave a result."""
        return not self.failures

    def require_all(self) -> list[SimRun]:
        """Every run in order, or a UnitsFailedError naming each failed unit's inputs."""
        if self.failures:
            raise UnitsFailedError(self.failures, total=len(self.units))
        return [run for run in self.runs if run is not None]


class UnitsFailedError(SimulationError):
    """Some simulation units failed; the message names each one's inputs."""

    def __init__(self, failures: Sequence[UnitFailure], *, total: int) -> None:
        lines = [f"{len(failures)} of {total} simulation runs failed:"]
        lines += [f"- {failure.describe()}" for failure in failures[:SHOWN_FAILURES]]
        if len(failures) > SHOWN_FAILURES:
            lines.append(f"- and {len(failures) - SHOWN_FAILURES} more")
        first = failures[0].exception if failures else None
        hint = first.hint if isinstance(first, ArchselError) else "rerun with --debug for the first traceback"
        super().__init__("\n".join(lines), hint=hint)
        self.failures = tuple(failures)
        if isinstance(first, ArchselError):
            self.exit_code: ExitCode = first.exit_code
        self.__cause__ = first


OnDone = Callable[[SimUnit], None]


class Executor(Protocol):
    """Runs units; results stream back through ``on_done`` and are returned in the order given."""

    def run_batch(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> BatchResult:
        """Every unit's run or failure, in order; ``on_done`` is called as each one finishes."""
        ...

    def run(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> list[SimRun]:
        """Results of ``units``, in order; raises UnitsFailedError if any failed."""
        ...

    def close(self) -> None:
        """Release what the executor holds (a cluster connection); the executor cannot run after."""
        ...


def failure_of(unit: SimUnit, index: int, error: BaseException) -> UnitFailure:
    """A failure record for ``unit`` that raised ``error``."""
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return UnitFailure(unit=unit, index=index, error=text, exception=error)


def collect(units: Sequence[SimUnit], runs: dict[int, SimRun], failures: Sequence[UnitFailure]) -> BatchResult:
    """A BatchResult from runs and failures keyed by the units' positions."""
    ordered = tuple(runs.get(index) for index in range(len(units)))
    return BatchResult(tuple(units), ordered, tuple(sorted(failures, key=lambda failure: failure.index)))


class InProcessExecutor:
    """Runs units one after another in this process (tests, single runs)."""

    def run_batch(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> BatchResult:
        """Every unit in turn; an exception in one unit is recorded and the others still run."""
        runs: dict[int, SimRun] = {}
        failures = []
        for index, unit in enumerate(units):
            try:
                runs[index] = run_unit(unit)
            except Exception as error:  # any model error: report it with the unit's inputs
                failures.append(failure_of(unit, index, error))
            if on_done is not None:
                on_done(unit)
        return collect(units, runs, failures)

    def run(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> list[SimRun]:
        """Results of ``units``, in order."""
        return self.run_batch(units, on_done).require_all()

    def close(self) -> None:
        """Nothing to release."""


# How often a pool worker checks that the process that started it is still there.
PARENT_POLL_S = 1.0


def _init_worker() -> None:
    """Pool worker initializer: signals are the parent's to handle, and a worker never outlives its parent.

    Ctrl-C reaches the whole process group; only the parent handles it. A forked worker inherits
    the parent's SIGTERM handler (which turns SIGTERM into an interrupt): the default is restored
    so that the parent's terminate() ends it. When the parent dies without stopping its pool
    (SIGKILL, the OOM killer), the workers are re-parented; a watchdog thread sees that and exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="archsel-parent-watch", daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(ExitCode.ERROR)  # no cleanup: the parent that wanted the result is gone


class ProcessPoolRunner:
    """Runs units on a pool of worker processes, one per core by default."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def run_batch(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> BatchResult:
        """Every unit's run or failure; a single unit runs in process (no pool start-up)."""
        if len(units) <= 1 or self.workers == 1:
            return InProcessExecutor().run_batch(units, on_done)
        from archsel.sim.compiled import load_cached

        load_cached(dict.fromkeys(unit.architecture for unit in units))  # the workers fork with them loaded
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(units)), initializer=_init_worker)
        try:
            result = _gather(pool, units, on_done)
        except BaseException:  # Ctrl-C (or a failing callback): drop queued units, stop running ones
            _stop(pool)
            raise
        pool.shutdown(wait=True)
        return result

    def run(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> list[SimRun]:
        """Results of ``units``, in order."""
        return self.run_batch(units, on_done).require_all()

    def close(self) -> None:
        """Nothing to release: each batch starts and stops its own pool."""


class _Submitter:
    """Sends units to the pool; on a cold kernel cache, one unit per set of kernels goes first.

    Every worker that runs a unit whose kernels are not in numba's cache yet compiles them
    itself: two workers compiling the same kernels at once doubled a first run's CPU time. So
    the other units that need those kernels (the Lambda ones; the Fargate and Lambda Managed
    Instances ones, which share Fargate's data plane) wait until the first is done (its kernels
    are then cached and load in a fraction of a second), while the first unit of the other set
    compiles its own on another worker. A warm cache holds nothing back.
    """

    def __init__(self, pool: ProcessPoolExecutor, units: Sequence[SimUnit]) -> None:
        from archsel.sim.compiled import kernel_family, uncompiled

        self.pool = pool
        self.units = units
        self.futures: dict[Future[SimRun], int] = {}
        self.held: dict[Architecture, list[int]] = {}
        self.first: dict[Future[SimRun], Architecture] = {}
        cold = {kernel_family(arch) for arch in uncompiled(dict.fromkeys(unit.architecture for unit in units))}
        for index, unit in enumerate(units):
            family = kernel_family(unit.architecture)
            if family in self.held:
                self.held[family].append(index)
                continue
            future = self._submit(index)
            if family in cold:
                self.held[family] = []
                self.first[future] = family

    def _submit(self, index: int) -> Future[SimRun]:
        try:
            future = self.pool.submit(run_unit, self.units[index])
        except RuntimeError as error:  # the pool broke (a worker died) while this unit was held back
            future = Future()
            future.set_exception(error)
        self.futures[future] = index
        return future

    def finished(self, future: Future[SimRun]) -> list[Future[SimRun]]:
        """Submit the units held back behind ``future`` (if it was an architecture's first); return them."""
        architecture = self.first.pop(future, None)
        if architecture is None:
            return []
        return [self._submit(index) for index in self.held.pop(architecture)]


def _gather(pool: ProcessPoolExecutor, units: Sequence[SimUnit], on_done: OnDone | None) -> BatchResult:
    from archsel.sim.compiled import compile_ahead

    submitter = _Submitter(pool, units)
    # Only now: the first submit forked the workers, and a fork during a compile would copy its held lock.
    lambda_profile = next((unit.profile for unit in units if unit.architecture == Architecture.LAMBDA), None)
    ahead = compile_ahead(lambda_profile)
    try:
        return _collect_results(submitter, units, on_done)
    finally:
        if ahead is not None:
            ahead.join()  # numba is this process's again (and never exit with a compile half done)


def _collect_results(submitter: _Submitter, units: Sequence[SimUnit], on_done: OnDone | None) -> BatchResult:
    runs: dict[int, SimRun] = {}
    failures = []
    pending = set(submitter.futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            index = submitter.futures[future]
            error = future.exception()
            if error is None:
                runs[index] = future.result()
            else:  # the unit raised, or its worker died (BrokenProcessPool)
                failures.append(failure_of(units[index], index, error))
            pending.update(submitter.finished(future))
            if on_done is not None:
                on_done(units[index])
    return collect(units, runs, failures)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued units and end the workers now: a running unit can take minutes at long horizons."""
    # Python 3.11 has no public terminate (3.14 adds terminate_workers); the worker map is typed in typeshed.
    processes = list(pool._processes.values()) if pool._processes else []
    for process in processes:
        if process.is_alive():
            process.terminate()
    # Then wait for the pool's manager thread: it sees the workers die and reaps them. Joining them
    # here as well raced it for their exit status (a worker could still look alive afterwards).
    pool.shutdown(wait=True, cancel_futures=True)


def executor_for(*, scheduler: str | None = None, jobs: int | None = None) -> Executor:
    """The executor the command line asks for.

    ``scheduler`` (``--scheduler``), else the ``DASK_SCHEDULER_ADDRESS`` environment variable,
    selects a Dask cluster; otherwise the local process pool with ``jobs`` workers (default:
    one per core). ``--jobs`` with a scheduler is a usage error: the cluster sizes itself.
    """
    from archsel.errors import UsageError

    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address is None:
        return ProcessPoolRunner(jobs)
    if jobs is not None:
        raise UsageError("--jobs sizes the local process pool; a Dask cluster runs on its own workers")
    return DaskExecutor(address)


# ----------------------------------------------------------------------------- Dask


def archsel_version() -> str:
    """The archsel version importable where this runs (asked of every Dask worker)."""
    from archsel import __version__

    return __version__


class DaskExecutor:
    """Runs units on an existing Dask cluster: one task per unit, results streamed back as they finish.

    The scheduler reschedules the units of a worker that dies; a unit that still cannot finish
    (its workers kept dying, it raised, or ``batch_timeout_s`` passed) is reported as a failure.
    """

    def __init__(self, address: str, *, connect_timeout_s: float = 10.0, batch_timeout_s: float | None = None) -> None:
        self.address = address
        self.connect_timeout_s = connect_timeout_s
        self.batch_timeout_s = batch_timeout_s
        self._client: Client | None = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run_batch(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> BatchResult:
        """Every unit's run or failure, in order; Ctrl-C cancels the units not yet finished."""
        if not units:
            return collect(units, {}, ())
        client = self._connect()
        batch = uuid.uuid4().hex[:12]
        keys = [f"archsel-{batch}-{index}" for index in range(len(units))]
        futures = client.map(run_unit, list(units), key=keys, pure=False)
        try:
            return _stream(client, futures, units, on_done, self.batch_timeout_s)
        except BaseException:  # Ctrl-C or a failing callback: nothing outstanding keeps running for us
            client.cancel(futures)
            raise

    def run(self, units: Sequence[SimUnit], on_done: OnDone | None = None) -> list[SimRun]:
        """Results of ``units``, in order."""
        return self.run_batch(units, on_done).require_all()

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster itself keeps running)."""
        if self._client is not None:
            client, self._client = self._client, None
            client.close(timeout=self.connect_timeout_s)

    def _connect(self) -> Client:
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as error:
                raise ArchselError("running on a Dask cluster needs dask.distributed", hint=DASK_HINT) from error
            try:
                client = Client(self.address, timeout=self.connect_timeout_s, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as error:
                raise ArchselError(
                    f"cannot reach the Dask scheduler at {self.address} ({type(error).__name__}: {error})",
                    hint=f"check the address (tcp://HOST:8786) given by --scheduler or {SCHEDULER_ENV}",
                ) from error
            try:
                _check_workers(client, self.address, self.connect_timeout_s)
            except BaseException:
                client.close()
                raise
            self._client = client
        return self._client


def _check_workers(client: Client, address: str, timeout_s: float) -> None:
    """Refuse a cluster without workers, or whose workers run another archsel (or none)."""
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except TimeoutError as error:
        raise ArchselError(
            f"the Dask scheduler at {address} has no workers (waited {timeout_s:g} s)",
            hint=f"start workers with `dask worker {address}` on machines with archsel installed",
        ) from error
    mine = archsel_version()
    answers = client.run(archsel_version, on_error="return")
    wrong = {worker: answer for worker, answer in sorted(answers.items()) if answer != mine}
    if wrong:
        worker, answer = next(iter(wrong.items()))
        found = f"archsel {answer}" if isinstance(answer, str) else f"{type(answer).__name__}: {answer}"
        raise ArchselError(
            f"{len(wrong)} of {len(answers)} Dask workers cannot run archsel {mine}: {worker} has {found}",
            hint=f"install the same archsel on every worker (pip install archsel=={mine}) and restart them",
        )


def _stream(
    client: Client, futures: list[DaskFuture], units: Sequence[SimUnit], on_done: OnDone | None, timeout_s: float | None
) -> BatchResult:
    from distributed import as_completed

    index_of = {future.key: index for index, future in enumerate(futures)}
    runs: dict[int, SimRun] = {}
    failures: list[UnitFailure] = []
    try:
        for future in as_completed(futures, loop=client.loop, timeout=timeout_s):
            index = index_of[future.key]
            if future.status == "finished":
                runs[index] = future.result()
            else:  # "error" (raised, or KilledWorker after repeated worker deaths) or "cancelled"
                failures.append(failure_of(units[index], index, _exception(future)))
            future.release()
            if on_done is not None:
                on_done(units[index])
    except TimeoutError:  # the batch took longer than allowed: what has not finished is reported and cancelled
        recorded = set(runs) | {failure.index for failure in failures}
        late = [future for future in futures if index_of[future.key] not in recorded]
        failures += [
            failure_of(units[index_of[f.key]], index_of[f.key], TimeoutError(f"did not finish within {timeout_s:g} s"))
            for f in late
        ]
        client.cancel(late)
    return collect(units, runs, failures)


def _exception(future: DaskFuture) -> BaseException:
    if future.cancelled():
        return CancelledError(f"task {future.key} was cancelled on the cluster")
    error = future.exception()
    return error if isinstance(error, BaseException) else RuntimeError(f"task {future.key} failed")
