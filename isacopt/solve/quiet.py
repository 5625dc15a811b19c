"""Keep what a solver writes to the process's stderr out of the user's terminal.

Clarabel is Rust: when it panics (for example "Eigval error" in a PSD cone step) Rust's panic
hook prints the panic message, and with RUST_BACKTRACE set a long backtrace, straight to file
descriptor 2, below Python's ``sys.stderr``. The panic itself already comes back to Python as an
exception that the runner records as a failed attempt; this context manager points fd 2 at a
temporary file for the duration of a solve, so the text is recorded in the attempt's reason
instead of reaching the terminal.

Nested and concurrent (threaded) uses share one redirection: the first to enter redirects, the
last to leave restores; each reads what was written while it was inside.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_saved_fd: int | None = None
_sink = None  # the temporary file fd 2 points at while redirected


class Captured:
    """What the solver wrote to stderr while the ``captured_stderr`` block ran (``text``, ``first_line``)."""

    def __init__(self) -> None:
        self.text = ""

    @property
    def first_line(self) -> str:
        """The first non-empty line, shortened: what a reason string can carry."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()[:240]
        return ""


def _fd2_usable() -> bool:
    try:
        os.fstat(2)
    except OSError:
        return False
    return True


@contextmanager
def captured_stderr() -> Iterator[Captured]:
    """Redirect file descriptor 2 to a temporary file inside the block; yields a :class:`Captured`."""
    global _depth, _saved_fd, _sink
    out = Captured()
    if not _fd2_usable():
        yield out
        return
    with _lock:
        if _depth == 0:
            try:
                sys.stderr.flush()
            except (AttributeError, ValueError, OSError):
                pass
            _sink = tempfile.TemporaryFile(mode="w+b")
            _saved_fd = os.dup(2)
            os.dup2(_sink.fileno(), 2)
        _depth += 1
        sink = _sink
        start = os.lseek(sink.fileno(), 0, os.SEEK_END)
    try:
        yield out
    finally:
        with _lock:
            end = os.lseek(sink.fileno(), 0, os.SEEK_END)
            out.text = os.pread(sink.fileno(), max(0, end - start), start).decode("utf-8", "replace")
            _depth -= 1
            if _depth == 0:
                os.dup2(_saved_fd, 2)
                os.close(_saved_fd)
                sink.close()
                _saved_fd, _sink = None, None
