"""Run a sweep's tasks on a local process pool or a Dask cluster, storing each row as it finishes.

Both back ends execute the same pure function (:func:`isacopt.sweep.tasks.run_task`) in worker
processes with one BLAS thread each, so a row does not depend on where or with how many workers
it ran. At most ``2 x workers`` tasks are in flight: a crash loses at most those. A worker that
dies (killed, out of memory) is retried and then stored with status ``worker_died`` instead of
hanging the sweep (:mod:`isacopt.sweep.local_pool`, :mod:`isacopt.sweep.dask_backend`).
Ctrl-C reaches the coordinating process only (see :mod:`isacopt.sweep.interrupt`): it stops the
workers at once and raises :class:`SweepInterrupted` with the counts; a rerun resumes.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from .dask_backend import DaskBackend
from .interrupt import SweepInterrupted, sigint_ignored
from .local_pool import LocalBackend
from .spec import SweepFile, validate_sweep
from .store import ResultStore
from .precision import first_plan, next_plan, planned_tasks
from .report import point_entries
from .tasks import build_tasks

_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
MAX_ROUNDS = 30  # precision rounds: each at least a tenth more snapshots, so the caps end it well before


@dataclass
class SweepRun:
    """What one invocation did: tasks in the sweep, already stored before, stored now, by status."""

    total: int
    skipped: int
    stored: int
    statuses: Counter = field(default_factory=Counter)
    wall_s: float = 0.0
    rounds: int = 0  # precision rounds (0: a fixed count)

    def summary(self) -> str:
        """One line: rows stored now and before, the sweep's size, counts by status, wall time."""
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        rounds = f" after {self.rounds} precision round{'s' if self.rounds > 1 else ''}" if self.rounds else ""
        return (f"{self.stored} snapshots stored now, {self.skipped} already stored, {self.total} in the sweep"
                + rounds + (f" ({parts})" if parts else "") + f"; {self.wall_s:.1f} s")


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
        spec_data = spec.model_dump(mode="json")
        if spec.precision is None:
            run = _round(store, spec, spec_data, build_tasks(spec), workers, dask, progress)
        else:
            # rounds: each point of the designs held to the precision runs to the count its intervals predict
            plan = store.plan() or first_plan(spec)
            run = SweepRun(total=0, skipped=0, stored=0)
            for i in range(MAX_ROUNDS):
                store.set_plan(plan)  # before the round: an interrupted one reads as incomplete
                this = _round(store, spec, spec_data, planned_tasks(spec, plan), workers, dask, progress)
                run.total, run.stored = this.total, run.stored + this.stored
                if i == 0:  # what this invocation found stored
                    run.skipped = this.skipped
                run.statuses.update(this.statuses)
                run.rounds += 1
                following = next_plan(spec, plan, point_entries(store))
                if following == plan:
                    break
                plan = following
    run.wall_s = time.perf_counter() - t0
    return run


def _round(store: ResultStore, spec: SweepFile, spec_data: dict, tasks: list, workers: int, dask: str | None,
           progress: bool) -> SweepRun:
    """Run ``tasks`` not yet in ``store`` (the whole sweep, or one precision round)."""
    done = store.done_keys()
    todo = [t for t in tasks if t.key not in done]
    run = SweepRun(total=len(tasks), skipped=len(tasks) - len(todo), stored=0)
    bar = _progress(len(tasks), run.skipped, progress, spec.name)

    def record(row: dict[str, Any]) -> None:
        if store.add(row):
            run.stored += 1
            run.statuses[row["status"]] += 1
        bar.update(1)

    try:
        if todo:
            backend = DaskBackend(dask, workers) if dask else LocalBackend(workers)
            with backend:
                backend.run(spec_data, todo, record)
    except KeyboardInterrupt:  # the backend's __exit__ has stopped its workers
        with sigint_ignored():  # a second Ctrl-C must not break the clean-up into a traceback
            bar.close()
            stored = sum(t.key in store.done_keys() for t in tasks)  # the interrupt can land after a commit
        if stored < run.total:  # else it landed after the last row: the round is done
            raise SweepInterrupted(stored - run.skipped, stored, run.total) from None
        run.stored = stored - run.skipped
    finally:
        bar.close()
    return run


def _progress(total: int, initial: int, enabled: bool, name: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, disable=not enabled, unit="snapshot", desc=name, smoothing=0.1)
