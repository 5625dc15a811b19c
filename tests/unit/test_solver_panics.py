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
