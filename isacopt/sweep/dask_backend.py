"""The Dask back end of a sweep: a LocalCluster of single-threaded worker processes, or an existing
scheduler. Ctrl-C stays in the coordinating process: the cluster's processes start with SIGINT ignored,
and the noise that cancelling and closing mid-task makes in distributed's logs is dropped."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from ..errors import ValidationError
from . import dask_quiet
from .dask_quiet import QuietFilter
from .interrupt import sigint_ignored
from .rows import failed_row
from .tasks import Task, run_task


class _QuietWhenStopping:
    """The coordinating process's side: silent once a Ctrl-C began the stop (one of the records is a
    NameError inside distributed's own cancel callback)."""

    def __init__(self) -> None:
        self.stopping = False
        self.filter = QuietFilter(lambda: self.stopping)

    def on_sigint(self, signum, frame) -> None:
        self.stopping = True  # set before the KeyboardInterrupt unwinds through distributed's sync()
        signal.default_int_handler(signum, frame)

    def remove(self) -> None:
        self.filter.remove()


class DaskBackend:
    """dask.distributed: ``local`` starts a LocalCluster of single-threaded worker processes."""

    def __init__(self, address: str, workers: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValidationError([("--dask", "needs the 'distributed' package: pip install 'isacopt[cluster]'")]) from None
        self.cluster = None
        self.flying: list[Any] = []
        self.quiet = _QuietWhenStopping()
        if address == "local":
            # Dask starts its worker processes from its own threads, which do not inherit a blocked mask; an
            # ignored SIGINT is inherited by every process started meanwhile (Python keeps it ignored, and so
            # does asyncio). A Ctrl-C during these seconds of start-up is lost: press it again after.
            # the cluster's worker processes log to this terminal: only errors (a worker cancelled by Ctrl-C
            # warns about its cancelled task; the stored rows say what matters)
            os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
            with sigint_ignored():
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, preload=[dask_quiet.__name__])
                self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout=30)
            except OSError as err:
                raise ValidationError([("--dask", f"cannot reach a Dask scheduler at {address!r}: {err}")]) from None
        self.workers = max(workers, len(self.client.scheduler_info().get("workers", {})) or workers)

    def __enter__(self) -> "DaskBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        with sigint_ignored():  # closing takes a second or two; a Ctrl-C then would only leave a mess
            if exc[0] is not None:
                self.abort()
            else:
                self._close()

    def abort(self) -> None:
        """Cancel the tasks in flight (on a shared cluster too) and close the client and a local cluster."""
        self.quiet.stopping = True
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
        finally:
            self.quiet.remove()

    def run(self, spec_data: dict[str, Any], todo: list[Task], record) -> None:
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, self.quiet.on_sigint) if main else None
        try:
            self._run(spec_data, todo, record)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _run(self, spec_data: dict[str, Any], todo: list[Task], record) -> None:
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
            self._raise_if_interrupted()
            task = flying.pop(fut.key)
            try:
                record(fut.result())
            except Exception as err:  # noqa: BLE001 - KilledWorker after dask's own retries, or a lost result
                status = "worker_died" if type(err).__name__ == "KilledWorker" else "error"
                record(failed_row(task, status, f"{type(err).__name__}: {err}"[:1000]))
            self.flying.remove(fut)
            fut.release()
            submit()
        self._raise_if_interrupted()

    def _raise_if_interrupted(self) -> None:
        """The handler's KeyboardInterrupt can land where Python only prints it (a weakref callback that
        runs during garbage collection: 'Exception ignored in ...'); the flag it set first still says so."""
        if self.quiet.stopping:
            raise KeyboardInterrupt
