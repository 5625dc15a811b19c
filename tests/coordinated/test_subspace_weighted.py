"""The weighted trade-off (rho times the worst normalised beampattern gain plus 1 - rho times the worst
normalised SINR margin) on the subspace path: two levels, one stationarity row each in the restricted dual.
Checked against the cvxpy SDP (a second formulation) and against weak duality with random multipliers."""

import numpy as np
import pytest

from isacopt.coordinated import CoordinatedBeamforming
from isacopt.formulation.linear import linear_sdp
from isacopt.solve.restricted import BlockTerms
from isacopt.solve.subspace import certify
from tests.helpers import small_multicell


@pytest.mark.parametrize("seed, nt, weight, extra", [
    (0, 4, 0.5, {}),                             # whole blocks: one restricted solve
    (1, 10, 0.3, {}),                            # the loop grows subspaces
    (2, 12, 0.8, dict(comm_cluster=2)),          # nulls toward the neighbours' users
    (3, 10, 1.0, {}),                            # sensing only: the margin level has weight 0
    (4, 6, 0.0, dict(sensing_cluster=2)),        # communication only
    (5, 10, 0.6, dict(type2=True)),              # Type-II receivers cancel the sensing streams
])
def test_weighted_on_subspaces_equals_the_sdp(seed, nt, weight, extra):
    net = small_multicell(seed, nt=nt, sinr_db=6.0)
    if extra.pop("type2", False):
        net = net.with_updates(users=[u.model_copy(update={"receiver": "type2"}) for u in net.users])
    opts = dict(objective="weighted", weight=weight, **extra)
    sdp = CoordinatedBeamforming(relaxation="sdp", **opts).solve(net)
    sub = CoordinatedBeamforming(**opts).solve(net)  # the default path
    assert sdp.status == "optimal" and sub.status == "optimal", (sdp.reason, sub.reason, sub.attempts)
    assert sub.solver == "subspace" and all(a.startswith("subspace") for a in sub.attempts), sub.attempts
    assert sub.objective == pytest.approx(sdp.objective, rel=1e-5, abs=1e-6)
    assert sub.bound == pytest.approx(sdp.bound, rel=1e-5, abs=1e-6)
    assert sub.bound >= sub.objective - 1e-9 and sub.certificate.holds


def test_random_multipliers_never_bound_the_weighted_optimum_from_below():
    net = small_multicell(3, nt=6, sinr_db=4.0)
    prob = CoordinatedBeamforming(objective="weighted", weight=0.4, relaxation="sdp")
    opt = prob.solve(net).objective
    data = prob._prepare(net)
    sdp = linear_sdp(data, prob._structure(data), form="two_levels", sensing_streams=True, per_antenna_power=False,
                     beampattern_floor=None, weight=0.4)
    assert sdp.weights == (0.4, 0.6) and {r.group for r in sdp.rows if r.tau} == {0, 1}
    terms = BlockTerms.group(sdp)
    rng = np.random.default_rng(0)
    for _ in range(50):
        y = rng.exponential(rng.choice([1e-3, 1.0, 10.0]), len(sdp.rows))
        assert certify(sdp, terms, y)[0] >= opt - 1e-9 * max(1.0, abs(opt))
