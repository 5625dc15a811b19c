"""distributed's shutdown noise is dropped while (and only while) a sweep stops or a worker closes.

The records that leaked in CI came from a child logger ('distributed.worker') of a worker process: a
filter on the parent logger alone never sees them, so these tests log through child loggers and a real
handler, and check the preload is active in the worker processes of the sweep's LocalCluster.
"""

import io
import logging

import pytest

from isacopt.sweep.dask_quiet import LOGGERS, QuietFilter


@pytest.fixture
def captured():
    """A handler on each logger the filter guards, as distributed's logging configuration installs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    added = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        added.append(logger)
    yield stream
    for logger in added:
        logger.removeHandler(handler)


def test_child_logger_records_are_dropped_only_while_silent(captured):
    silent = {"now": False}
    quiet = QuietFilter(lambda: silent["now"])
    try:
        logging.getLogger("distributed.worker").error("heard while running")
        silent["now"] = True
        logging.getLogger("distributed.worker").error("Failed to communicate with scheduler during heartbeat.")
        logging.getLogger("distributed.core").error("lost stream")
        logging.getLogger("asyncio").error("Task was destroyed but it is pending!")
        silent["now"] = False
        logging.getLogger("tornado.application").error("heard again")
    finally:
        quiet.remove()
    said = captured.getvalue()
    assert "heard while running" in said and "heard again" in said
    for noise in ("heartbeat", "lost stream", "destroyed"):
        assert noise not in said, said


def test_removed_filter_leaves_no_trace(captured):
    quiet = QuietFilter(lambda: True)
    quiet.remove()
    logging.getLogger("distributed.client").error("after removal")
    assert "after removal" in captured.getvalue()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        assert quiet not in logger.filters and all(quiet not in h.filters for h in logger.handlers)


def test_local_cluster_workers_run_the_preload():
    pytest.importorskip("distributed")
    from isacopt.sweep.dask_backend import DaskBackend

    def probe(dask_worker):
        from distributed.core import Status

        quiet = dask_worker._isacopt_quiet
        handlers = logging.getLogger("distributed").handlers
        return quiet.silent(), dask_worker.status == Status.running, any(quiet in h.filters for h in handlers)

    with DaskBackend("local", 2) as backend:
        answers = backend.client.run(probe)
    assert len(answers) == 2
    for silent, running, on_handler in answers.values():
        assert running and not silent and on_handler
