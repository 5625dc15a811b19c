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


def test_backoff_leaves_out_only_eavesdropper_rows_that_cannot_bind(monkeypatch):
    """The back-off probes keep the budgets hard, so an eavesdropper row that holds for every design within
    them (the data's largest reach, budget x |g|^2, below the cap) is left out; the reduction is the one
    found with every row in (the rows kept as they were: a second computation)."""
    from isacopt.terms.eavesdropper import EavesdropperCaps

    net = one_bs(nt=4, users=((100.0, 20.0), (-80.0, 90.0), (30.0, -140.0)), targets=(), sinr_db=5.0)
    users = list(net.users)
    users[1] = users[1].model_copy(update={"sinr_db": 50.0})
    net = net.with_updates(users=users, eavesdroppers=[
        {"id": "loose", "position_m": (110.0, 30.0), "max_sinr_db": 80.0},  # beside u0: 80 dB cannot bind
        {"id": "tight", "position_m": (40.0, -130.0), "max_sinr_db": 0.0}])  # beside u2: 0 dB binds
    problem = CoordinatedBeamforming(objective="min_power")
    sol = problem.solve(net)
    assert sol.status == "infeasible" and any("u1" in c and "lowered by" in c for c in sol.conflicts)
    terms = [t for c in problem._cache.values() for t in c.terms.values() if isinstance(t, EavesdropperCaps)]
    assert terms and all(f"eavesdropper:0:{k}" in t.loose and f"eavesdropper:1:{k}" not in t.loose
                         for t in terms for k in range(3))
    update = EavesdropperCaps.update

    def keep_every_row(self, data):
        update(self, data)
        self.loose = set()

    monkeypatch.setattr(EavesdropperCaps, "update", keep_every_row)
    every_row = CoordinatedBeamforming(objective="min_power").solve(net)
    assert every_row.conflicts and [_backoff(c) for c in sol.conflicts if "lowered by" in c] == \
        pytest.approx([_backoff(c) for c in every_row.conflicts if "lowered by" in c], abs=0.011)
