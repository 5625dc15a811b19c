"""A Rust panic inside a solver (pyo3's PanicException derives from BaseException, not Exception) must
become a failed attempt, never escape: Clarabel raised one ("Eigval error") in a phase-1 back-off solve."""

import cvxpy as cp
import pytest

from isacopt.solve.runner import DEFAULT_CHAIN, run, solved_quietly


class FakePanic(BaseException):
    """Stands for pyo3_runtime.PanicException (a BaseException subclass)."""


def panicking_problem(monkeypatch):
    x = cp.Variable()
    prob = cp.Problem(cp.Minimize(x), [x >= 1])

    def boom(*args, **kwargs):
        raise FakePanic("Eigval error: Eigen(1)")

    monkeypatch.setattr(prob, "solve", boom)
    return prob


def test_run_records_a_panic_as_an_error(monkeypatch):
    rec = run(panicking_problem(monkeypatch), DEFAULT_CHAIN[0])
    assert rec.outcome == "error" and "Eigval error" in rec.message


def test_auxiliary_solves_report_a_panic_as_failure(monkeypatch):
    assert solved_quietly(panicking_problem(monkeypatch), solver="CLARABEL") is False


def test_interrupts_still_propagate(monkeypatch):
    prob = panicking_problem(monkeypatch)
    monkeypatch.setattr(prob, "solve", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run(prob, DEFAULT_CHAIN[0])


# What a Rust panic prints goes to file descriptor 2, below Python's sys.stderr: the user must not
# see it on the terminal during a sweep; the attempt's reason keeps it. Checked in a child process
# whose real stderr is read, as a terminal would show it.
CHILD = r'''
import os, cvxpy as cp
from isacopt.solve.runner import DEFAULT_CHAIN, run, solved_quietly

class FakePanic(BaseException):
    pass

def boom(*args, **kwargs):
    os.write(2, b"thread '<unnamed>' panicked at psdtrianglecone.rs:453:35: Eigval error: Eigen(1)\n")
    raise FakePanic("Eigval error: Eigen(1)")

x = cp.Variable()
prob = cp.Problem(cp.Minimize(x), [x >= 1])
prob.solve = boom
rec = run(prob, DEFAULT_CHAIN[0])
print("REASON", rec.message)
print("QUIET", solved_quietly(prob, solver="CLARABEL"))
os.write(2, b"after\n")   # fd 2 is restored after the solve
'''


def test_a_panic_message_stays_off_the_terminal_and_in_the_reason():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "panicked" not in done.stderr and done.stderr.strip() == "after"
    assert "solver stderr: thread '<unnamed>' panicked" in done.stdout
    assert "QUIET False" in done.stdout


def test_captured_stderr_nests_and_restores():
    import os

    from isacopt.solve.quiet import captured_stderr

    before = os.fstat(2)
    with captured_stderr() as outer:
        os.write(2, b"one\n")
        with captured_stderr() as inner:
            os.write(2, b"two\n")
        os.write(2, b"three\n")
    after = os.fstat(2)
    assert inner.text == "two\n" and outer.text == "one\ntwo\nthree\n"
    assert (before.st_ino, before.st_dev) == (after.st_ino, after.st_dev)
