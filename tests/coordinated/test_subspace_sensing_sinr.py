"""The interference-aware sensing-SINR floor (SPEC.md 5.2) on the subspace path: max-min sensing SINR and
sensing-SINR floors against the cvxpy SDP (a second formulation), the designs rechecked with the metric
functions, and the level's edge checked by the cvxpy path."""

import numpy as np
import pytest

from isacopt.channels import derive_channels
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.metrics import sensing_sinr, sinr
from tests.helpers import small_multicell

RAYLEIGH = {"model": "rayleigh", "crosslink": "rayleigh"}


def _net(seed, nt, **kw):
    return small_multicell(seed, nt=nt, sinr_db=6.0, channels={**RAYLEIGH, "seed": seed}, **kw)


def _heads(net, sol):
    ids = [b.id for b in net.base_stations]
    return [ids.index(t.sensing_bs[0]) for t in sol.targets]


def _recheck(net, sol, floor_db):
    """Every probed target's sensing SINR at its own BS and every user's SINR, from the design alone."""
    ch = derive_channels(net)
    heads = _heads(net, sol)
    s = sensing_sinr(net, ch, sol.design)
    worst_db = 10 * np.log10(min(s[b, t] for t, b in enumerate(heads)))
    assert worst_db >= floor_db - 1e-6
    assert np.all(sinr(net, ch, sol.design) >= 10 ** 0.6 * (1 - 1e-6))
    return worst_db


@pytest.mark.parametrize("seed, nt, extra", [
    (0, 4, {}),                                   # whole blocks
    (1, 10, {}),                                  # the loop grows subspaces
    (2, 12, dict(sensing_cluster=2)),             # receivers protected: some cross terms vanish
    (3, 10, dict(comm_cluster=2)),
])
def test_max_min_sensing_sinr_equals_the_sdp(seed, nt, extra):
    net = _net(seed, nt)
    sdp = CoordinatedBeamforming(objective="max_min_sensing_sinr", relaxation="sdp", **extra).solve(net)
    sub = CoordinatedBeamforming(objective="max_min_sensing_sinr", relaxation="subspace", **extra).solve(net)
    assert sdp.status.startswith("optimal") and sub.status == "optimal", (sdp.reason, sub.reason, sub.attempts)
    assert all(a.startswith("subspace") for a in sub.attempts), sub.attempts  # no fallback
    # both are bisections to bisection_tol_db on the same relaxation
    assert sub.objective == pytest.approx(sdp.objective, abs=0.008)
    assert sub.bound >= sub.objective - 1e-9 and sub.bound - sub.objective <= 0.004 + 1e-9
    assert _recheck(net, sub, sub.objective) == pytest.approx(sub.objective, abs=1e-9)


def test_the_level_is_reachable_and_the_bound_is_not_by_the_cvxpy_path():
    """min power under a sensing-SINR floor (the cvxpy SDP, another formulation): 0.02 dB below the level
    found on subspaces is feasible, 0.02 dB above its certified bound is not."""
    net = _net(4, 12, targets_per_bs=2)
    sol = CoordinatedBeamforming(objective="max_min_sensing_sinr", relaxation="subspace").solve(net)
    assert sol.status == "optimal"
    below = CoordinatedBeamforming(objective="min_power", sensing_sinr_db=sol.objective - 0.02,
                                   relaxation="sdp").solve(net)
    above = CoordinatedBeamforming(objective="min_power", sensing_sinr_db=sol.bound + 0.02, relaxation="sdp",
                                   explain_backoff=False).solve(net)
    assert below.status.startswith("optimal") and above.status == "infeasible"


@pytest.mark.parametrize("objective", ["min_power", "max_min_beampattern", "max_min_sinr"])
def test_a_sensing_sinr_floor_on_subspaces_equals_the_sdp(objective):
    net = _net(5, 10)
    floor = 5.0
    sdp = CoordinatedBeamforming(objective=objective, sensing_sinr_db=floor, relaxation="sdp").solve(net)
    sub = CoordinatedBeamforming(objective=objective, sensing_sinr_db=floor, relaxation="subspace").solve(net)
    assert sdp.status.startswith("optimal") and sub.status == "optimal", (sdp.reason, sub.reason)
    assert all(a.startswith("subspace") for a in sub.attempts), sub.attempts
    if objective == "max_min_sinr":
        assert sub.objective == pytest.approx(sdp.objective, abs=0.008)
    else:
        assert sub.objective == pytest.approx(sdp.objective, rel=1e-5)
    ch = derive_channels(net)
    s = sensing_sinr(net, ch, sub.design)
    heads = _heads(net, sub)
    assert min(10 * np.log10(s[b, t]) for t, b in enumerate(heads)) >= floor - 1e-6


def test_an_unreachable_floor_is_infeasible_with_a_reason():
    net = _net(6, 10)
    sol = CoordinatedBeamforming(objective="min_power", sensing_sinr_db=90.0, relaxation="subspace",
                                 explain_backoff=False).solve(net)
    assert sol.status == "infeasible" and "sensing SINR floor of target t0" in sol.reason
