"""Extreme but valid inputs either solve with a certificate that holds or end in a clear status or error;
solves are invariant to relabelling base stations and users."""

import numpy as np
import pytest

import isacopt as iso
from tests.helpers import one_bs, small_multicell

OK = ("optimal", "optimal_reduced_accuracy")


def _certified(sol):
    assert sol.status in OK, sol.reason
    assert sol.certificate.holds and sol.certificate.max_violation <= sol.certificate.tolerance
    return sol


def test_user_at_the_minimum_distance_and_a_40_db_spread_of_path_gains():
    near = one_bs(nt=4, users=((1.0, 0.0), (60.0, 80.0)), targets=((50.0, -50.0),))   # 1 m = d_min
    _certified(iso.CoordinatedBeamforming(objective="max_min_beampattern").solve(near))
    spread = one_bs(nt=4, users=((2.0, 0.0), (0.0, 200.0)), targets=((50.0, -50.0),))  # 40 dB apart (alpha 2)
    sol = _certified(iso.CoordinatedBeamforming(objective="min_power").solve(spread))
    assert min(u.sinr_db for u in sol.users) >= 10 - 1e-4


def test_single_antenna_bs():
    net = one_bs(nt=1, users=((50.0, 0.0),), targets=((50.0, -50.0),))
    _certified(iso.CoordinatedBeamforming(objective="max_min_beampattern").solve(net))
    two = one_bs(nt=1, users=((50.0, 0.0), (0.0, 60.0)), targets=((50.0, -50.0),))
    with pytest.raises(iso.DegreesOfFreedomError, match=r"Nt = 1 antennas.*2 streams"):
        iso.CoordinatedBeamforming(objective="max_min_beampattern").solve(two)


def test_users_at_the_same_angle_cannot_both_be_served_and_the_report_says_who():
    net = one_bs(nt=4, users=((50.0, 50.0), (150.0, 150.0)), targets=((100.0, 100.0),), sinr_db=5.0)
    sol = iso.CoordinatedBeamforming(objective="min_power").solve(net)  # LOS: identical directions
    assert sol.status == "infeasible" and len(sol.conflicts) == 1 and "u1" in sol.conflicts[0]
    assert "lowered by" in sol.reason  # the fix: how far u1's target must come down


def test_sinr_targets_at_the_feasibility_edge():
    net = one_bs(nt=4, users=((100.0, 20.0), (-80.0, 90.0), (30.0, -140.0)), targets=((50.0, -50.0),), sinr_db=5.0)
    edge = iso.CoordinatedBeamforming(objective="max_min_sinr").solve(net).objective
    for delta in (-0.01, -0.001):
        users = [u.model_copy(update={"sinr_db": edge + delta}) for u in net.users]
        sol = iso.CoordinatedBeamforming(objective="min_power").solve(net.with_updates(users=users))
        if sol.status in OK:
            _certified(sol)
        else:
            assert sol.status in ("solver_failure", "infeasible") and sol.reason
    users = [u.model_copy(update={"sinr_db": edge + 0.5}) for u in net.users]
    assert iso.CoordinatedBeamforming(objective="min_power").solve(net.with_updates(users=users)).status == "infeasible"


def test_target_collinear_with_every_bs_is_refused_with_its_name():
    net = iso.Network(system={"pathloss_exponent": 2.0},
                     base_stations=[{"id": f"b{i}", "position_m": (x, 0.0), "tx_antennas": 4, "rx_antennas": 4,
                                     "power_w": 1.0} for i, x in enumerate((0.0, 300.0, 600.0))],
                     users=[{"id": "u0", "position_m": (100.0, 80.0)}], targets=[{"id": "t0", "position_m": (450.0, 0.0)}])
    with pytest.raises(iso.ValidationError, match=r"targets\[0\] \(t0\)"):
        iso.CooperativeISAC(objective="min_sum_crlb", comm_cluster=1, sensing_cluster=3, sinr_db=0).solve(net)
    # a problem that does not need the CRLB still solves
    _certified(iso.CooperativeISAC(objective="min_power", comm_cluster=1, sensing_cluster=3, sinr_db=0).solve(net))


@pytest.mark.parametrize("objective", ["min_power", "max_min_beampattern"])
def test_relabelling_bss_and_users_changes_no_solve(objective):
    net = small_multicell(seed=4, channels={"model": "los"})
    perm_b, perm_u = [2, 0, 1], list(np.random.default_rng(1).permutation(net.n_users))
    relabelled = net.with_updates(base_stations=[net.base_stations[i] for i in perm_b],
                                  users=[net.users[i] for i in perm_u], targets=list(reversed(net.targets)))
    a = _certified(iso.CoordinatedBeamforming(objective=objective).solve(net))
    b = _certified(iso.CoordinatedBeamforming(objective=objective).solve(relabelled))
    assert b.objective == pytest.approx(a.objective, rel=1e-5)
    sinr_a = {u.id: u.sinr_db for u in a.users}
    assert all(u.sinr_db == pytest.approx(sinr_a[u.id], abs=1e-3) for u in b.users) or objective != "min_power"


def test_an_angle_crb_lost_in_extraction_is_not_reported_as_optimal():
    """Found by hypothesis: with sensing nulls and no users the extracted design can lose the angle
    information of a target the relaxation kept; that must be a failure, not an optimal infinite CRB."""
    net = iso.Network(system={"pathloss_exponent": 2.0}, channels={"model": "rayleigh", "seed": 1, "crosslink": "rayleigh"},
                     base_stations=[{"id": "b0", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 2, "power_w": 0.1},
                                    {"id": "b1", "position_m": (400, 0), "tx_antennas": 4, "rx_antennas": 2, "power_w": 1.0}],
                     targets=[{"id": "t0", "position_m": (90, 60)}, {"id": "t1", "position_m": (490, 70)}])
    sol = iso.CoordinatedBeamforming(objective="min_angle_crb", sensing_cluster=2, randomisations=2).solve(net)
    assert sol.status in OK and np.isfinite(sol.objective) or (sol.status == "solver_failure" and "relaxation" in sol.reason)


def test_a_target_whose_sensing_bs_transmits_nothing_is_refused_for_the_angle_crb():
    # found by the solve fuzzer: without sensing streams a BS serving no user is silent, so the angle CRB of its
    # target is infinite for every design; that was reported as optimal with an infinite objective
    net = iso.Network(channels={"model": "los"},
                      base_stations=[{"id": "b0", "position_m": (0, 0), "tx_antennas": 1, "rx_antennas": 2, "power_w": 1.0},
                                     {"id": "b1", "position_m": (400, 0), "tx_antennas": 1, "rx_antennas": 2, "power_w": 0.1}],
                      users=[{"id": "u0", "position_m": (-12.7, 25.1), "sinr_db": -5.0}],
                      targets=[{"id": "t0", "position_m": (90, 60)}, {"id": "t1", "position_m": (490, 70)}])
    silent = iso.CoordinatedBeamforming(objective="min_angle_crb", sensing_streams=False)
    with pytest.raises(iso.ValidationError) as err:
        silent.solve(net)
    assert [field for field, _ in err.value.problems] == ["targets[1] (t1)"]
    assert "sensing_streams" in err.value.problems[0][1]
    mapped = silent.model_copy(update={"sensing_map": {"t1": "b0"}})  # the serving BS senses it: finite
    sol = mapped.solve(net)
    assert sol.ok and np.isfinite(sol.objective)
    assert iso.CoordinatedBeamforming(objective="min_angle_crb").solve(net).ok  # with sensing streams
