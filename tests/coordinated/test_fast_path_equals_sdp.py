"""Every coordinated-beamforming objective on the default path (growing subspaces, dual certificate)
against the cvxpy SDP (the reference formulation), on seeded random instances: the same status, the same
optimum and bound (to 1e-5, or to the bisection's tolerance for the max-min levels), the same refusal of
an instance whose nulls leave no dimension, and an infeasible instance infeasible on both."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.objectives import REGISTRY
from tests.helpers import small_multicell

OBJECTIVES = sorted(REGISTRY["coordinated"])
EXTRAS = [{}, {"comm_cluster": 2}, {"sensing_cluster": 2}, {"type2": True}]


def instance(objective: str, seed: int):
    rng = np.random.default_rng(seed)
    kind = REGISTRY["coordinated"][objective]
    # 10 antennas: the subspace loop grows bases (blocks of at most 8 are solved whole); the cvxpy bisections
    # take 10-20 s there, so the max-min levels stay at 8
    nt = int(rng.choice([4, 6, 8] if kind.bisection or kind.sensing_level else [4, 6, 10]))
    net = small_multicell(seed, nt=nt, sinr_db=float(rng.choice([0.0, 4.0])), targets_per_bs=int(rng.integers(1, 3)))
    extra = dict(EXTRAS[seed % len(EXTRAS)])  # every variant over the seeds
    if extra.pop("type2", False):
        net = net.with_updates(users=[u.model_copy(update={"receiver": "type2"}) for u in net.users])
    if objective == "weighted":
        extra["weight"] = float(rng.uniform(0.1, 0.9))
    return net, extra


def both(objective: str, net, extra: dict):
    out = []
    for relaxation in ("sdp", "auto"):
        try:
            out.append(CoordinatedBeamforming(objective=objective, relaxation=relaxation, **extra).solve(net))
        except iso.ValidationError as err:
            out.append(err)
    return out


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("seed", [20, 21, 22, 23])
def test_the_default_path_equals_the_sdp(objective, seed):
    net, extra = instance(objective, seed)
    sdp, fast = both(objective, net, extra)
    assert CoordinatedBeamforming(objective=objective).method == "subspace"
    if isinstance(sdp, iso.ValidationError):
        assert isinstance(fast, iso.ValidationError) and fast.problems == sdp.problems
        return
    if not sdp.ok:
        assert fast.status == sdp.status, (fast.attempts, sdp.attempts)
        return
    # the reference may end at reduced accuracy (a cvxpy bisection step Clarabel could not finish) where the
    # default path certifies: the values must agree all the same
    assert fast.status == "optimal", (fast.attempts, sdp.attempts)
    assert fast.attempts[0].startswith("subspace")
    if REGISTRY["coordinated"][objective].bisection or REGISTRY["coordinated"][objective].sensing_level:
        tol_db = 2 * CoordinatedBeamforming().bisection_tol_db + 0.02  # both within their certified gaps
        assert fast.objective == pytest.approx(sdp.objective, abs=tol_db)
        assert fast.bound == pytest.approx(sdp.bound, abs=tol_db)
    else:
        assert fast.objective == pytest.approx(sdp.objective, rel=1e-5, abs=1e-9)
        assert fast.bound == pytest.approx(sdp.bound, rel=1e-5, abs=1e-9)
    assert fast.certificate.holds


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_problem_without_a_dimension_left_is_refused_alike(objective):
    net = small_multicell(0, nt=3, sinr_db=6.0)
    sdp, fast = both(objective, net, {"comm_cluster": 3})
    assert isinstance(sdp, iso.ValidationError) and isinstance(fast, iso.ValidationError)
    assert fast.problems == sdp.problems and "nulls" in str(fast.problems[0])


@pytest.mark.parametrize("objective", ["min_power", "max_min_beampattern", "min_angle_crb"])
def test_an_infeasible_problem_is_infeasible_on_both(objective):
    net = small_multicell(3, nt=6, sinr_db=25.0)
    sdp, fast = both(objective, net, {"sensing_cluster": 2})
    assert sdp.status == fast.status == "infeasible" and fast.reason
