"""The largest angle CRB when its level u = ref / CRB_max is tiny (a target that gets almost no power: 1e-6 on
a 19-cell snapshot). Multiplying the CRB weights by K and dividing ref by K is the same problem (CRB_t = ref
w_t / F_t, the same designs and CRBs) with the level u / K: both paths must give the unscaled problem's optimum.
Before the level was put in its own unit, the cvxpy SDP reported "optimal" 1.6e-4 (K = 1e5) to 1 % (K = 1e6)
above it with a bound above the optimum (Clarabel's absolute tolerances, 1e-8, against u), and the subspace
loop stalled or, with its gap measured against the budgets, reported optimal short of it."""

from dataclasses import replace

import pytest

import isacopt.formulation.linear as linear
import isacopt.terms.angle_crb as angle_crb_term
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.formulation.angle_crb_data import angle_crb_data
from tests.helpers import small_multicell


@pytest.mark.parametrize("relaxation", ["sdp", "subspace"])
@pytest.mark.parametrize("k", [1e5, 1e6])
def test_a_tiny_largest_crb_level_gives_the_same_optimum(monkeypatch, relaxation, k):
    net = small_multicell(1, nt=10, sinr_db=6.0)
    problem = CoordinatedBeamforming(objective="min_angle_crb", crb="max", relaxation=relaxation)
    want = problem.solve(net)

    def scaled(data, heads):
        crb = angle_crb_data(data, heads)
        return replace(crb, weights=crb.weights * k, ref=crb.ref / k)

    monkeypatch.setattr(linear, "angle_crb_data", scaled)
    monkeypatch.setattr(angle_crb_term, "angle_crb_data", scaled)
    got = CoordinatedBeamforming(objective="min_angle_crb", crb="max", relaxation=relaxation).solve(net)
    assert want.status == got.status == "optimal" and got.certified(), got.attempts
    assert got.solver == want.solver, got.attempts
    assert got.objective == pytest.approx(want.objective, rel=1e-6)
    assert got.bound == pytest.approx(want.bound, rel=1e-6)
    assert got.bound <= got.objective * (1 + 1e-7)
