"""Silencing distributed's shutdown noise, in the coordinating process and in each worker process.

Cancelling futures and closing connections mid-task makes distributed, tornado and asyncio log lost
streams, cancelled callbacks and failed heartbeats (a worker's periodic heartbeat can be in flight while
the worker closes its own connection pool: 'Failed to communicate with scheduler during heartbeat', with a
traceback). None of it says anything about the stored rows. A filter on a logger is not consulted for
records of its child loggers ('distributed.worker' propagates to the handler of 'distributed' without
passing the parent's filters), so the filter goes on the handlers too.
"""

from __future__ import annotations

import logging
from typing import Callable

LOGGERS = ("distributed", "tornado", "tornado.application", "asyncio")


class QuietFilter(logging.Filter):
    """Drops every record while ``silent()`` says so; attached to the loggers above and their handlers."""

    def __init__(self, silent: Callable[[], bool]) -> None:
        super().__init__()
        self.silent = silent
        self.attached: list[logging.Logger | logging.Handler] = []
        for name in LOGGERS:
            logger = logging.getLogger(name)
            for target in (logger, *logger.handlers):
                target.addFilter(self)
                self.attached.append(target)

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.silent()

    def remove(self) -> None:
        for target in self.attached:
            target.removeFilter(self)
        self.attached = []


def dask_setup(worker) -> None:
    """Preloaded into each worker process of a sweep's LocalCluster: a closing worker logs nothing; a
    running one logs as usual (a heartbeat that fails while the scheduler is up still says so)."""
    from distributed.core import Status

    closing = (Status.closing, Status.closing_gracefully, Status.closed)
    worker._isacopt_quiet = QuietFilter(lambda: worker.status in closing)
