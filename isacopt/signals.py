"""Ctrl-C held back over steps that must not be cut in half (standard library only: importable first).

Two such steps exist. Starting a worker process: CPython execs the child, then writes the child's
start-up data into a pipe; a KeyboardInterrupt between the two leaves the child reading an empty pipe,
and it prints an ``EOFError`` traceback on the terminal. Importing a C extension (numpy, scipy, cvxpy):
an interrupt during its initialisation surfaces as ``ImportError: initialization failed`` instead of a
KeyboardInterrupt. Blocking SIGINT with ``pthread_sigmask`` does not help in either case: the kernel
then hands the signal to another thread, and Python still runs its handler in the main thread.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until the block has finished, then act on it as the
    handler in force would have (``KeyboardInterrupt`` by default). Outside the main thread, where no
    Python signal handler runs, it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if not caught or previous is signal.SIG_IGN:
        return
    if callable(previous):
        previous(signal.SIGINT, None)
    else:  # SIG_DFL or a handler installed outside Python: what Python's default does
        raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM (``kill``, ``timeout``, a batch scheduler's stop) acts as Ctrl-C: a
    ``KeyboardInterrupt`` in the main thread, so that a sweep stops its workers and reports what is stored
    instead of dying with its worker processes left running. Outside the main thread it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
