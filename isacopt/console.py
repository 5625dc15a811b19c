"""The ``isacopt`` command's entry point: Ctrl-C at any moment, even while the command's modules
are still being imported, ends with exit code 130 and one line, never a traceback."""

from __future__ import annotations

import sys


def main() -> None:
    """Import the command line (numpy, cvxpy: about two seconds) and run it."""
    from .signals import sigint_deferred

    try:
        with sigint_deferred():  # an interrupted C-extension import would say ImportError, not Ctrl-C
            from .cli import main as run
    except KeyboardInterrupt:
        resume = "; rerun the same command to resume" if "sweep" in sys.argv[1:] else ""
        sys.stderr.write(f"interrupted while starting, before any work of this run{resume}\n")
        sys.exit(130)
    run()
