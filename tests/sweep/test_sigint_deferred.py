"""A Ctrl-C landing inside a step that must not be cut in half is held until the step ends (isacopt.signals)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from isacopt.signals import sigint_deferred
from tests.sweep.conftest import terminal_sigint

pytestmark = pytest.mark.usefixtures("python_sigint")  # (whatever SIGINT handling the suite inherited)


def test_an_interrupt_inside_the_block_is_raised_after_it():
    reached_end = False
    with pytest.raises(KeyboardInterrupt):
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here: the block must go on
            reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_the_handler_in_force_decides_and_no_interrupt_means_nothing():
    heard = []
    previous = signal.signal(signal.SIGINT, lambda s, f: heard.append(s))
    try:
        with sigint_deferred():
            pass
        assert heard == []
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            assert heard == []  # held
        assert heard == [signal.SIGINT]  # then given to the handler that was in force
    finally:
        signal.signal(signal.SIGINT, previous)


# SIGINT injected at the worst moment of a worker's start: after the child is exec'd, before the parent
# writes its start-up data (where the sweep's Ctrl-C test once caught a child printing EOFError)
MID_START = textwrap.dedent("""
    import multiprocessing.popen_spawn_posix as pp, os, signal, sys
    from isacopt.sweep.interrupt import WorkerContext
    original = pp.util.spawnv_passfds
    def spawn_then_interrupt(*args, **kwargs):
        pid = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return pid
    pp.util.spawnv_passfds = spawn_then_interrupt
    proc = WorkerContext().Process(target=os.getpid)
    try:
        proc.start()
    except KeyboardInterrupt:
        print("interrupted after the start", flush=True)
    proc.join(30)
    print("child exit code", proc.exitcode, flush=True)
""")


def test_a_worker_interrupted_while_it_starts_is_started_whole():
    done = subprocess.run([sys.executable, "-c", MID_START], capture_output=True, text=True, timeout=120,
                          preexec_fn=terminal_sigint)
    assert "interrupted after the start" in done.stdout, done.stdout + done.stderr
    assert "child exit code 0" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "EOFError" not in done.stderr, done.stderr
