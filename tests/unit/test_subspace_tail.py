"""The subspace loop's tail (solve.subspace_tail): the extrapolated multipliers and the level's unit. Only the
speed may depend on either: checked against a closed form (a geometric sequence's limit) and against the loop
without them (the same certified optimum)."""

import numpy as np
import pytest

import isacopt.solve.subspace as subspace
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.formulation.linear import linear_sdp
from isacopt.solve.subspace_tail import MAX_RATIO, extrapolated, level_rescaled
from tests.helpers import small_multicell


def test_a_geometric_sequence_is_extrapolated_to_its_limit():
    rng = np.random.default_rng(0)
    limit, first = rng.standard_normal(6), rng.standard_normal(6)
    for rho in (0.1, 0.3, 0.6):
        history = [limit + first * rho ** k for k in range(5)]
        assert extrapolated(history[:2]) is None
        assert np.allclose(extrapolated(history), limit, atol=1e-12)


def test_a_slow_sequence_is_extrapolated_by_at_most_the_cap():
    history = [np.array([0.0]), np.array([1.0]), np.array([1.99])]  # ratio 0.99
    assert extrapolated(history)[0] == pytest.approx(1.99 + 0.99 * MAX_RATIO / (1 - MAX_RATIO))


def test_a_rescaled_level_is_the_same_problem_in_another_unit():
    net = small_multicell(1, nt=10, sinr_db=6.0)
    prob = CoordinatedBeamforming(objective="min_angle_crb", crb="max")
    data = prob._prepare(net)
    sdp = linear_sdp(data, prob._structure(data), form="angle_crb", sensing_streams=True, per_antenna_power=False,
                     beampattern_floor=None, crb="max")
    scaled = level_rescaled(sdp, 1e-3)
    assert [r.tau * 1e-3 for r in sdp.rows] == [r.tau for r in scaled.rows]
    assert [r.terms for r in sdp.rows] == [r.terms for r in scaled.rows] and any(r.tau for r in sdp.rows)
    a, b = subspace.solve_subspace(sdp, data), subspace.solve_subspace(scaled, data)
    assert a.status == b.status == "optimal"
    assert b.value * 1e-3 == pytest.approx(a.value, rel=1e-6)  # t' = t / 1e-3
    assert b.bound == pytest.approx(a.bound * 1e3, rel=1e-6)


@pytest.mark.parametrize("objective, extra", [("max_min_beampattern", {}), ("min_angle_crb", {"crb": "sum"}),
                                              ("weighted", {"weight": 0.5})])
def test_the_extrapolation_changes_the_path_not_the_optimum(monkeypatch, objective, extra):
    net = small_multicell(2, nt=12, sinr_db=6.0)
    prob = CoordinatedBeamforming(objective=objective, **extra)
    with_it = prob.solve(net)
    monkeypatch.setattr(subspace, "extrapolated", lambda history: None)
    without = prob.solve(net)
    assert with_it.status == without.status == "optimal"
    assert all(a.startswith("subspace: optimal") for a in with_it.attempts + without.attempts)
    assert with_it.objective == pytest.approx(without.objective, rel=1e-5)
    assert with_it.bound == pytest.approx(without.bound, rel=1e-5)
    assert with_it.attempts != without.attempts  # the two took different paths (the check has teeth)
