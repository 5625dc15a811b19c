"""Ctrl-C on a sweep: only the coordinating process hears it.

A terminal sends SIGINT to its whole foreground process group, so without care every worker
process of a sweep raises KeyboardInterrupt inside whatever it was solving and prints its own
traceback, while the parent waits on workers that are gone. Worker processes are therefore
started with SIGINT *blocked* (a blocked signal stays pending and is never delivered; the mask is
inherited across fork and exec, the way CPython starts its own resource tracker). The parent alone
turns Ctrl-C into :class:`SweepInterrupted`, stops its workers itself and reports what is stored.
"""

from __future__ import annotations

import multiprocessing.context
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import IsacoptError
from ..signals import sigint_deferred


class SweepInterrupted(IsacoptError):
    """The sweep was stopped by Ctrl-C (SIGINT); every row finished before it is stored."""

    def __init__(self, stored_now: int, stored_total: int, total: int):
        self.stored_now, self.stored_total, self.total = stored_now, stored_total, total
        super().__init__(f"interrupted: {stored_now} snapshots stored in this run, {stored_total} of {total} "
                         "stored in all; rerun the same command to resume")


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """Block SIGINT in the calling thread: processes and threads started inside inherit the block."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to inherit
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore further Ctrl-C while a stopped sweep cleans up (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that never receives the terminal's SIGINT, and is never left half-started by one
    that reaches the parent while it starts (the child would read an empty pipe and print a traceback)."""

    def start(self) -> None:
        with sigint_deferred(), sigint_blocked():
            super().start()


class WorkerContext(multiprocessing.context.SpawnContext):
    """The 'spawn' start method with :class:`_WorkerProcess` (for ``ProcessPoolExecutor(mp_context=...)``)."""

    Process = _WorkerProcess  # type: ignore[assignment]
