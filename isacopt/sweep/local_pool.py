"""The local back end of a sweep: a process pool of spawned workers, robust to dead workers and Ctrl-C.

At most ``2 x workers`` tasks are in flight. A worker that dies takes its in-flight tasks with it; they
become suspects and run one at a time on a fresh pool, so that only a task that kills a worker alone is
charged, up to ``MAX_ATTEMPTS`` times, then stored as ``worker_died``. Workers never see the terminal's
Ctrl-C (:mod:`isacopt.sweep.interrupt`); on an interrupt the pool's workers are stopped at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import IsacoptError
from .interrupt import WorkerContext, sigint_ignored
from .rows import failed_row
from .tasks import Task, run_task

MAX_ATTEMPTS = 3


START_FAILURE = (
    "the sweep's worker processes died while starting, before any snapshot ran. The usual cause is a "
    "script that calls run_sweep without an `if __name__ == \"__main__\":` guard: each worker process "
    "starts by importing the main script again (multiprocessing 'spawn'), which would start the sweep "
    "again inside it. Put the call under the guard, or run the sweep with the `isacopt sweep` command.")


class SweepStartError(IsacoptError):
    """The local worker pool could not start (see START_FAILURE)."""


class LocalBackend:
    """A process pool (spawned processes: no state inherited from the parent but the environment)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalBackend":
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
                        record(failed_row(task, "worker_died", f"the worker process died {MAX_ATTEMPTS} times "
                                           "running this snapshot alone (killed, crashed or out of memory)"))
                    else:
                        suspects.append(task)
                except Exception as err:  # noqa: BLE001 - e.g. a result that failed to travel back
                    record(failed_row(task, "error", f"{type(err).__name__}: {err}"[:1000]))
                continue
            while pending and not suspects and len(flying) < 2 * self.workers:
                task = pending.pop()
                try:
                    flying[pool.submit(run_task, spec_data, task.as_dict())] = task
                except BrokenProcessPool:  # it broke since the last wait: its futures say so below
                    pending.append(task)
                    if not flying:
                        pool = self._fresh_pool()
                    break
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
                    record(failed_row(task, "error", f"{type(err).__name__}: {err}"[:1000]))
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
