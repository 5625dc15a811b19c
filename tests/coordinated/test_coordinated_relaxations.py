"""SDP vs SOCP, closed forms, tightness of the relaxation (Bengtsson-Ottersten, Hua-Xu-Han)."""

import math

import numpy as np
import pytest

from isacopt.coordinated import CoordinatedBeamforming
from isacopt.channels import derive_channels
from isacopt.metrics import sinr, target_beampattern
from tests.helpers import one_bs, small_multicell
from tests.independent import recheck_comm


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sdp_and_socp_min_power_agree(seed):
    net = small_multicell(seed, sinr_db=6.0)
    sdp = CoordinatedBeamforming(objective="min_power").solve(net)
    socp = CoordinatedBeamforming(objective="min_power", relaxation="socp").solve(net)
    assert sdp.status == "optimal" and socp.status == "optimal", (sdp.reason, socp.reason)
    assert sdp.objective == pytest.approx(socp.objective, rel=1e-5)
    assert sdp.bound == pytest.approx(socp.bound, rel=1e-5)


@pytest.mark.parametrize("seed", [0, 3])
def test_min_power_design_meets_targets_with_its_bound(seed):
    net = small_multicell(seed, sinr_db=8.0)
    sol = CoordinatedBeamforming(objective="min_power").solve(net)
    assert sol.status == "optimal"
    ch = derive_channels(net)
    achieved = sinr(net, ch, sol.design)  # independent recomputation
    assert np.all(achieved >= 10 ** 0.8 * (1 - 1e-6))
    assert sol.objective == pytest.approx(sol.bound, rel=1e-6)  # SDR tight (Bengtsson-Ottersten)
    assert sol.objective == pytest.approx(float(sol.design.power_w.sum()), rel=1e-12)


def test_max_beampattern_without_users_is_nt_times_p():
    """max a^H R a s.t. tr R <= P: R = P a a^H / Nt gives Nt P, and Cauchy-Schwarz says no more."""
    net = one_bs(nt=6, users=(), power_w=2.0)
    sol = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(6 * 2.0, rel=1e-6)
    assert sol.targets[0].beampattern_gain_w == pytest.approx(12.0, rel=1e-6)


def test_user_in_the_target_direction_costs_nothing():
    """A LOS user along the target's azimuth is served by the same beam: the gain stays Nt P."""
    net = one_bs(nt=8, users=((75.0, 30.0),), targets=((150.0, 60.0),), sinr_db=10.0)
    sol = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    assert sol.objective == pytest.approx(8.0, rel=1e-6)
    assert sol.users[0].sinr_db >= 10.0 - 1e-5


def test_max_beampattern_extraction_attains_the_bound():
    net = small_multicell(5, nt=6, sinr_db=5.0)
    sol = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    assert sol.status == "optimal"
    assert sol.certificate.extraction == "hua-xu-han"
    assert sol.certificate.relaxation_gap <= 1e-6
    ch = derive_channels(net)
    gains = target_beampattern(ch, sol.design)
    heads = [0, 1, 2]  # each target is nearest to the BS it was dropped at
    assert min(gains[b, t] for t, b in enumerate(heads)) == pytest.approx(sol.objective, rel=1e-9)
    assert np.all(sinr(net, ch, sol.design) >= 10 ** 0.5 * (1 - 1e-6))


def test_type2_receivers_also_certified():
    net = small_multicell(2, nt=6, sinr_db=5.0)
    one = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    two = CoordinatedBeamforming(objective="max_min_beampattern", receiver="type2").solve(net)
    assert two.status == "optimal"
    recheck_comm(net, two, receiver="type2")  # SINRs without the sensing signal as interference, plain numpy
    assert two.objective >= one.objective * (1 - 1e-6)  # cancelling the sensing signal only helps
    assert two.certificate.relaxation_gap <= 1e-6


def test_single_user_max_min_sinr_closed_form():
    """One user, no interference: max SINR = P ||h||^2 / sigma^2 (MRT with the whole budget)."""
    net = one_bs(nt=4, users=((120.0, -50.0),), targets=())
    sol = CoordinatedBeamforming(objective="max_min_sinr", bisection_tol_db=0.001).solve(net)
    ch = derive_channels(net)
    h = ch.comm[0][0]
    expected_db = 10 * math.log10(1.0 * np.vdot(h, h).real / ch.noise_w)
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(expected_db, abs=0.002)
    assert sol.bound >= sol.objective - 1e-9


def test_max_min_sinr_is_the_feasibility_edge():
    """min_power at the found level is feasible and 0.05 dB above it is infeasible (independent solves)."""
    net = small_multicell(4, n_bs=2, sinr_db=None)
    sol = CoordinatedBeamforming(objective="max_min_sinr", bisection_tol_db=0.005).solve(net)
    assert sol.status == "optimal"
    level = min(u.sinr_db for u in sol.users)
    below = CoordinatedBeamforming(objective="min_power", relaxation="socp", sinr_db=level - 0.02).solve(net)
    above = CoordinatedBeamforming(objective="min_power", relaxation="socp", sinr_db=level + 0.05).solve(net)
    assert below.status == "optimal" and above.status == "infeasible"


def test_angle_crb_beats_every_random_design():
    """The CRB-optimal covariance (no users) is no worse than 300 random covariances of the same power."""
    from isacopt.design import TransmitDesign
    from isacopt.metrics import angle_crb

    net = one_bs(nt=4, users=(), targets=((150.0, 60.0),))
    sol = CoordinatedBeamforming(objective="min_angle_crb").solve(net)
    assert sol.status == "optimal"
    ch = derive_channels(net)
    best = sol.targets[0].angle_crb_rad2
    assert best == pytest.approx(sol.bound, rel=1e-6)
    rng = np.random.default_rng(0)
    for _ in range(300):
        f = rng.standard_normal((4, rng.integers(1, 5))) + 1j * rng.standard_normal((4, 1))
        r = f @ f.conj().T
        r *= 1.0 / np.trace(r).real
        d = TransmitDesign.from_arrays(net, [np.zeros((4, 0))], [r])
        assert angle_crb(net, ch, d)[0, 0] >= best * (1 - 1e-6)


def test_max_crb_objective_balances_two_targets():
    net = one_bs(nt=6, users=((100.0, 80.0),), targets=((150.0, 60.0), (-120.0, 90.0)))
    sol = CoordinatedBeamforming(objective="min_angle_crb", crb="max").solve(net)
    assert sol.status == "optimal"
    recheck_comm(net, sol)
    assert sol.objective == pytest.approx(max(t.angle_crb_rad2 for t in sol.targets), rel=1e-9)
    assert sol.objective == pytest.approx(sol.bound, rel=1e-5)


def test_weighted_objective_traces_a_tradeoff():
    net = one_bs(nt=8, users=((120.0, 40.0), (-60.0, 150.0)), targets=((200.0, -60.0),))
    gains, sinrs = [], []
    for w in (0.0, 0.5, 1.0):
        sol = CoordinatedBeamforming(objective="weighted", weight=w).solve(net)
        assert sol.status == "optimal"
        recheck_comm(net, sol, targets=False)  # the targets normalise the margins; they are not constraints
        assert sol.objective == pytest.approx(sol.bound, rel=1e-5)
        gains.append(sol.targets[0].beampattern_gain_w)
        sinrs.append(min(u.sinr_db for u in sol.users))
    assert gains[0] <= gains[1] + 1e-9 <= gains[2] + 2e-9
    assert sinrs[0] >= sinrs[1] - 1e-6 >= sinrs[2] - 2e-6
    assert gains[2] == pytest.approx(8.0, rel=1e-5)  # weight 1: all power on the target
