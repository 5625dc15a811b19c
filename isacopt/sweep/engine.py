"""Run a sweep's tasks on a local process pool or a Dask cluster, storing each row as it finishes.

Both back ends execute the same pure function (:func:`isacopt.sweep.tasks.run_task`) in worker
processes with one BLAS thread each, so a row does not depend on where or with how many workers
it ran. At most ``2 x workers`` tasks are in flight: a crash loses at most those. A worker that
dies (killed, out of memory) takes its in-flight tasks with it; they are retried on a fresh pool
up to ``MAX_ATTEMPTS`` times and then stored with status ``worker_died`` instead of hanging the sweep.
Ctrl-C reaches the coordinating process only (see :mod:`isacopt.sweep.interrupt`): it stops the
workers at once and raises :class:`SweepInterrupted` with the counts; a rerun resumes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IsacoptError, ValidationError
from .interrupt import SweepInterrupted, WorkerContext, sigint_ignored
from .spec import SweepFile, validate_sweep
from .store import ResultStore
from .tasks import Task, build_tasks, run_task

MAX_ATTEMPTS = 3
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class SweepRun:
    """What one invocation did: tasks in the sweep, already stored before, stored now, by status."""

    total: int
    skipped: int
    stored: int
    statuses: Counter = field(default_factory=Counter)
    wall_s: float = 0.0

    def summary(self) -> str:
        """One line: rows stored now and before, the sweep's size, counts by status, wall time."""
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return (f"{self.stored} snapshots stored now, {self.skipped} already stored, {self.total} in the sweep"
                + (f" ({parts})" if parts else "") + f"; {self.wall_s:.1f} s")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_sweep(spec: SweepFile, out: str | Path, *, workers: int | None = None, dask: str | None = None,
              progress: bool = True, quick: bool = False) -> SweepRun:
    """Run every task of ``spec`` not yet in the store at ``out``; resumable, never duplicates a row.

    ``dask``: ``None`` for the local process pool, ``"local"`` for a dask.distributed LocalCluster
    with ``workers`` processes, or a scheduler address (``tcp://host:8786``) of an existing cluster.
    """
    t0 = time.perf_counter()
    spec = validate_sweep(spec)
    workers = workers or default_workers()
    if workers < 1:
        raise ValidationError([("--workers", f"must be at least 1, got {workers}")])
    for name in _ONE_THREAD:  # inherited by the worker processes started below
        os.environ.setdefault(name, "1")
    with ResultStore(out, spec, quick=quick) as store:
        tasks = build_tasks(spec)
        done = store.done_keys()
        todo = [t for t in tasks if t.key not in done]
        run = SweepRun(total=len(tasks), skipped=len(tasks) - len(todo), stored=0)
        bar = _progress(len(tasks), run.skipped, progress, spec.name)
        spec_data = spec.model_dump(mode="json")

        def record(row: dict[str, Any]) -> None:
            if store.add(row):
                run.stored += 1
                run.statuses[row["status"]] += 1
            bar.update(1)

        try:
            if todo:
                backend = _DaskBackend(dask, workers) if dask else _LocalBackend(workers)
                with backend:
                    backend.run(spec_data, todo, record)
        except KeyboardInterrupt:  # the backend's __exit__ has stopped its workers
            with sigint_ignored():  # a second Ctrl-C must not break the clean-up into a traceback
                bar.close()
            if run.skipped + run.stored < run.total:  # else it landed after the last row: the sweep is done
                raise SweepInterrupted(run.stored, run.skipped + run.stored, run.total) from None
        finally:
            bar.close()
    run.wall_s = time.perf_counter() - t0
    return run


def _progress(total: int, initial: int, enabled: bool, name: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, disable=not enabled, unit="snapshot", desc=name, smoothing=0.1)


def _failed_row(task: Task, status: str, reason: str) -> dict[str, Any]:
    return {"key": task.key, "design": task.design, "point": task.point, "snapshot": task.snapshot, "seed": task.seed,
            "status": status, "reason": reason, "certified": False, "objective": None, "bound": None, "wall_s": 0.0}


START_FAILURE = (
    "the sweep's worker processes died while starting, before any snapshot ran. The usual cause is a "
    "script that calls run_sweep without an `if __name__ == \"__main__\":` guard: each worker process "
    "starts by importing the main script again (multiprocessing 'spawn'), which would start the sweep "
    "again inside it. Put the call under the guard, or run the sweep with the `isacopt sweep` command.")


class SweepStartError(IsacoptError):
    """The local worker pool could not start (see START_FAILURE)."""


class _LocalBackend:
    """A process pool (spawned processes: no state inherited from the parent but the environment)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_LocalBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self.pool is not None:
            try:
                self.pool.shutdown(wait=True, cancel_futures=True)
                return
            except KeyboardInterrupt:  # Ctrl-C while the workers exit: stop them, then report it
                with sigint_ignored():
                    self.abort()
                raise
        with sigint_ignored():  # interrupted or failed: the workers' current snapshots are not waited for
            self.abort()

    def abort(self) -> None:
        """Stop every worker now (their unfinished snapshots are lost; stored rows are not)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        _stop(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        _stop(pool)  # a replacement worker the pool's manager thread started while it shut down

    def _fresh_pool(self) -> ProcessPoolExecutor:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=WorkerContext())
        try:  # a pool that cannot even start must not be mistaken for snapshots that kill workers
            self.pool.submit(os.getpid).result()
        except BrokenProcessPool:
            raise SweepStartError(START_FAILURE) from None
        return self.pool

    def run(self, spec_data: dict[str, Any], todo: list[Task], record) -> None:
        """Run ``todo`` with up to 2 x workers in flight. When the pool breaks, the tasks it held become
        suspects and run one at a time, so that only the task that kills a worker alone is charged."""
        pending = list(reversed(todo))  # pop() from the end keeps the file order
        suspects: list[Task] = []
        attempts: Counter = Counter()
        pool = self._fresh_pool()
        flying: dict[Any, Task] = {}
        while pending or suspects or flying:
            if suspects and not flying:
                task = suspects.pop()
                try:
                    record(pool.submit(run_task, spec_data, task.as_dict()).result())
                except BrokenProcessPool:
                    pool = self._fresh_pool()
                    attempts[task.key] += 1
                    if attempts[task.key] >= MAX_ATTEMPTS:
                        record(_failed_row(task, "worker_died", f"the worker process died {MAX_ATTEMPTS} times "
                                           "running this snapshot alone (killed, crashed or out of memory)"))
                    else:
                        suspects.append(task)
                except Exception as err:  # noqa: BLE001 - e.g. a result that failed to travel back
                    record(_failed_row(task, "error", f"{type(err).__name__}: {err}"[:1000]))
                continue
            while pending and not suspects and len(flying) < 2 * self.workers:
                task = pending.pop()
                flying[pool.submit(run_task, spec_data, task.as_dict())] = task
            finished, _ = wait(list(flying), return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                task = flying.pop(fut)
                try:
                    record(fut.result())
                except BrokenProcessPool:
                    broken = True
                    suspects.append(task)
                except Exception as err:  # noqa: BLE001
                    record(_failed_row(task, "error", f"{type(err).__name__}: {err}"[:1000]))
            if broken:  # every task the pool held died with it; which one killed it is unknown
                suspects.extend(flying.values())
                flying.clear()
                pool = self._fresh_pool()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers and any process caught mid-start (not yet in the pool's table)."""
    procs = {*(pool._processes or {}).values(), *multiprocessing.active_children()}  # noqa: SLF001 - no public handle
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join(2.0)
        if proc.is_alive():
            proc.kill()
            proc.join(2.0)


class _DaskBackend:
    """dask.distributed: ``local`` starts a LocalCluster of single-threaded worker processes."""

    def __init__(self, address: str, workers: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValidationError([("--dask", "needs the 'distributed' package: pip install 'isacopt[cluster]'")]) from None
        self.cluster = None
        self.flying: list[Any] = []
        if address == "local":
            # Dask starts its worker processes from its own threads, which do not inherit a blocked mask; an
            # ignored SIGINT is inherited by every process started meanwhile (Python keeps it ignored, and so
            # does asyncio). A Ctrl-C during these seconds of start-up is lost: press it again after.
            with sigint_ignored():
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
                self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout=30)
            except OSError as err:
                raise ValidationError([("--dask", f"cannot reach a Dask scheduler at {address!r}: {err}")]) from None
        self.workers = max(workers, len(self.client.scheduler_info().get("workers", {})) or workers)

    def __enter__(self) -> "_DaskBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            with sigint_ignored():
                self.abort()
        else:
            self._close()

    def abort(self) -> None:
        """Cancel the tasks in flight (on a shared cluster too) and close the client and a local cluster."""
        try:
            if self.flying:
                self.client.cancel(self.flying, force=True)
        except Exception:  # noqa: BLE001 - a scheduler already gone has nothing left to cancel
            pass
        self.flying = []
        self._close()

    def _close(self) -> None:
        try:
            self.client.close(timeout=10)
            if self.cluster is not None:
                self.cluster.close(timeout=10)
        except Exception:  # noqa: BLE001 - closing is best effort; the stored rows are already safe
            pass

    def run(self, spec_data: dict[str, Any], todo: list[Task], record) -> None:
        from distributed import as_completed

        pending = list(reversed(todo))
        spec_future = self.client.scatter(spec_data, broadcast=True)
        window = as_completed()
        flying: dict[str, Task] = {}

        def submit() -> None:
            while pending and len(flying) < 2 * self.workers:
                task = pending.pop()
                fut = self.client.submit(run_task, spec_future, task.as_dict(), key=f"isacopt-{task.key}", pure=False)
                flying[fut.key] = task
                self.flying.append(fut)
                window.add(fut)

        submit()
        for fut in window:
            task = flying.pop(fut.key)
            try:
                record(fut.result())
            except Exception as err:  # noqa: BLE001 - KilledWorker after dask's own retries, or a lost result
                status = "worker_died" if type(err).__name__ == "KilledWorker" else "error"
                record(_failed_row(task, status, f"{type(err).__name__}: {err}"[:1000]))
            self.flying.remove(fut)
            fut.release()
            submit()
