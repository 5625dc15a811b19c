"""Infeasibility is explained: the conflicting users are named with the smallest common reduction of
their SINR targets that makes the problem feasible, checked against independent solves (max-min SINR
bisection; bracketing the reported value)."""

import re

import pytest

import isacopt as iso
from isacopt import CoordinatedBeamforming
from tests.helpers import one_bs


def _backoff(conflict: str) -> float:
    return float(re.search(r"lowered by (-?[\d.]+) dB", conflict).group(1))


def test_common_target_out_of_reach_reports_the_max_min_sinr():
    spec = iso.load_problem("problems/single-cell-infeasible.yaml")
    net = spec.network()
    sol = spec.problem.solve(net)
    assert sol.status == "infeasible" and len(sol.conflicts) == net.n_users
    backoffs = {_backoff(c) for c in sol.conflicts}
    best = CoordinatedBeamforming(objective="max_min_sinr").solve(net)  # a different formulation
    assert len(backoffs) == 1 and 40.0 - backoffs.pop() == pytest.approx(best.objective, abs=0.03)


def test_one_impossible_user_is_named_and_its_backoff_brackets_feasibility():
    net = one_bs(nt=4, users=((100.0, 20.0), (-80.0, 90.0), (30.0, -140.0)), targets=(), sinr_db=5.0)
    users = list(net.users)
    users[1] = users[1].model_copy(update={"sinr_db": 60.0})
    problem = CoordinatedBeamforming(objective="min_power")
    sol = problem.solve(net.with_updates(users=users))
    assert sol.status == "infeasible" and len(sol.conflicts) == 1 and "u1" in sol.conflicts[0]
    reachable = 60.0 - _backoff(sol.conflicts[0])
    for delta, expect in ((-0.05, "optimal"), (+0.05, "infeasible")):
        users[1] = users[1].model_copy(update={"sinr_db": reachable + delta})
        status = problem.solve(net.with_updates(users=users)).status  # same compiled problem: targets restored
        assert status.startswith(expect), (delta, status)
