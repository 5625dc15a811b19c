"""The SCA iteration on subspaces (cooperative.sca_fast) when a step is not settled: a step with its gap
certified to 1e-3 and its rows met to 1e-4 is a point to linearise at, anything less hands the problem to the
cvxpy path (whose answer it then is), and a step that loses ends the iteration at the last point."""

from dataclasses import replace

import numpy as np
import pytest

from isacopt.cooperative import CooperativeISAC, sca_fast
from isacopt.solve.subspace import SubspaceResult
from tests.helpers import small_multicell


def result(status: str, gap: float, violation: float, penalised: float | None = None) -> SubspaceResult:
    return SubspaceResult(status, [np.eye(2)], 1.0, 1.0 + gap, penalised or gap, violation, 1, 0.0, 0.0)


@pytest.mark.parametrize("status, gap, violation, ok", [
    ("optimal", 1e-7, 0.0, True),
    ("solver_error", 2.9e-5, 0.0, True),     # Clarabel's NumericalError with the gap left at 3e-5
    ("solver_error", 1e-7, 2.9e-6, True),    # a row met to Clarabel's reduced accuracy only
    ("solver_error", 1.6, 0.0, False),       # InsufficientProgress far from the optimum
    ("not_converged", 1e-7, 1e-3, False),
    ("time_limit", 1e-7, 0.0, False),
])
def test_which_steps_are_points_to_linearise_at(status, gap, violation, ok):
    assert sca_fast.usable(result(status, gap, violation)) is ok
    assert not sca_fast.usable(replace(result(status, gap, violation), matrices=[]))
    # the loop's gap of an elastic row met to 7e-6 only, times its penalty: the values' own gap decides
    assert sca_fast.usable(result(status, gap, violation, penalised=3e-2)) is ok


def network(users_per_bs: int = 1):
    return small_multicell(2, n_bs=3, nt=4, users_per_bs=users_per_bs, targets_per_bs=1, sinr_db=None,
                           circuit_power_w=1.0)


@pytest.mark.parametrize("objective", ["max_sum_rate", "max_energy_efficiency"])
def test_an_unsettled_step_hands_the_problem_to_cvxpy(objective, monkeypatch):
    """The second step fails, and so does its retry at the point's gap: the cvxpy path's answer."""
    net, opts = network(), dict(objective=objective, sensing_cluster=2)
    real, calls = sca_fast.certified_solve, []

    def second_fails(sdp, *args, **kw):
        res = real(sdp, *args, **kw)
        calls.append(kw.get("gap_tol"))
        failed = replace(res, status="solver_error", gap=0.5, bound=2 * res.value + 1)
        return failed if len(calls) in (2, 3) else res

    monkeypatch.setattr(sca_fast, "certified_solve", second_fails)
    sol = CooperativeISAC(**opts).solve(net)
    reference = CooperativeISAC(relaxation="sdp", **opts).solve(net)
    assert calls[:3] == [None, None, sca_fast.STEP_GAP]  # the retry stops at the first usable point
    assert [a.split(":")[0] for a in sol.attempts[:3]] == ["subspace", "subspace", "subspace"]
    assert "not settled" in sol.attempts[3] and sol.attempts[4].startswith("clarabel")
    assert sol.status == reference.status and sol.objective == pytest.approx(reference.objective, rel=1e-9)


def test_a_step_left_open_is_retried_at_the_points_gap(monkeypatch):
    """Only the second step's first attempt fails: its retry (stopping at a gap of STEP_GAP) is a point, the
    iteration goes on on subspaces and ends where the cvxpy path does."""
    net, opts = network(users_per_bs=2), dict(objective="max_sum_rate", sensing_cluster=2)
    real, calls = sca_fast.certified_solve, []

    def second_fails_once(sdp, *args, **kw):
        res = real(sdp, *args, **kw)
        calls.append(kw.get("gap_tol"))
        return replace(res, status="solver_error", gap=0.5, bound=2 * res.value + 1) if len(calls) == 2 else res

    monkeypatch.setattr(sca_fast, "certified_solve", second_fails_once)
    sol = CooperativeISAC(**opts).solve(net)
    assert calls[2] == sca_fast.STEP_GAP and all(a.startswith("subspace") for a in sol.attempts)
    reference = CooperativeISAC(relaxation="sdp", **opts).solve(net)
    assert sol.objective == pytest.approx(reference.objective, rel=1e-4)


def test_a_step_that_loses_ends_the_iteration(monkeypatch):
    """A third step made worse than the second (its matrices scaled down): the design is the second's."""
    net, opts = network(users_per_bs=2), dict(objective="max_sum_rate", sensing_cluster=2)
    plain = CooperativeISAC(**opts).solve(net)
    assert "10 surrogate problems" in plain.reason  # (so the iteration would go on after the third)
    real, calls = sca_fast.certified_solve, []

    def third_loses(sdp, *args, **kw):
        res = real(sdp, *args, **kw)
        calls.append(1)
        return replace(res, matrices=[0.5 * m for m in res.matrices]) if len(calls) == 3 else res

    monkeypatch.setattr(sca_fast, "certified_solve", third_loses)
    two = CooperativeISAC(**{**opts, "sca_iterations": 2}).solve(net)
    calls.clear()
    sol = CooperativeISAC(**opts).solve(net)
    assert len(calls) == 3 and "2 surrogate problems" in sol.reason
    assert sol.objective == pytest.approx(two.objective, rel=1e-12)
    assert plain.objective >= sol.objective * (1 - 1e-9)


@pytest.mark.parametrize("objective", ["max_sum_rate", "max_energy_efficiency"])
def test_unreachable_floors_and_a_spent_time_limit_end_as_statuses(objective):
    """Rate floors no design meets: the cvxpy path names them (the subspace loop's short rows prove nothing);
    a time limit spent before the first step: ``time_limit``."""
    opts = dict(objective=objective, sensing_cluster=2)
    high = small_multicell(1, n_bs=3, nt=2, users_per_bs=2, targets_per_bs=1, sinr_db=40.0, circuit_power_w=1.0)
    sol = CooperativeISAC(**opts).solve(high)
    assert sol.status == "infeasible" and sol.conflicts and "SINR of user" in sol.reason
    assert sol.attempts[0].startswith("subspace: infeasible") and "not settled" in sol.attempts[1]
    assert CooperativeISAC(**opts).solve(network(), time_limit_s=1e-3).status == "time_limit"
