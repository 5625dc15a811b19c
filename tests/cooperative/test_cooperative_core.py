"""Cooperative ISAC core (issue 4, in progress): closed forms and cross-checks with coordinated beamforming."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import radar_gain
from isacopt.cooperative import CooperativeISAC
from tests.helpers import small_multicell
from tests.independent import recheck_crlb

C = 299_792_458.0


def ring(n, radius=300.0, nt=4, nr=5, users=()):
    return iso.Network(
        base_stations=[{"id": f"b{i}", "position_m": (radius * math.cos(2 * math.pi * i / n),
                                                      radius * math.sin(2 * math.pi * i / n)),
                        "tx_antennas": nt, "rx_antennas": nr, "power_w": 1.0} for i in range(n)],
        users=[{"id": f"u{k}", "position_m": p, "sinr_db": 0.0} for k, p in enumerate(users)],
        targets=[{"id": "t", "position_m": (0.0, 0.0)}])


@pytest.mark.parametrize("n", [3, 4])
def test_symmetric_ring_gives_equal_powers_and_the_closed_form(n):
    """No users: every BS beams its whole budget at the target, g_i = Nt P, and the multistatic
    FIM is k SNR N^2 I with SNR = L Nr G Nt P / sigma^2, so CRLB = 2 / (k SNR N^2)."""
    net = ring(n)
    sol = CooperativeISAC(objective="min_sum_crlb", sensing_cluster=n, pairs="multistatic").solve(net)
    assert sol.status == "optimal", sol.reason
    s = net.system
    k = 8 * math.pi**2 * s.beta_rms_hz**2 / C**2
    snr = s.samples * 5 * radar_gain(300.0, 300.0, 1.0, s) * 4 * 1.0 / s.noise_w
    assert sol.objective == pytest.approx(2 / (k * snr * n**2), rel=1e-5)
    assert sol.bound == pytest.approx(sol.objective, rel=1e-5)
    assert np.allclose([b.power_w for b in sol.base_stations], 1.0, rtol=1e-6)
    # the reported root CRLB against the closed form, and against SPEC 5.4 recomputed from the design itself
    assert sol.targets[0].root_crlb_m == pytest.approx(math.sqrt(2 / (k * snr * n**2)), rel=1e-5)
    recheck_crlb(net, sol, "multistatic")


def test_unobservable_cluster_is_refused():
    with pytest.raises(iso.ValidationError, match="fewer than two independent directions"):
        CooperativeISAC(objective="min_sum_crlb", sensing_cluster=1, pairs="fusion").solve(ring(3))


def test_crlb_never_improves_as_sinr_targets_rise():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    values = []
    for db in (-5.0, 0.0, 5.0):
        sol = CooperativeISAC(objective="min_sum_crlb", comm_cluster=2, sensing_cluster=3,
                              joint_transmission="non_coherent", sinr_db=db).solve(net)
        assert sol.status == "optimal" and sol.certificate.holds, sol.reason
        values.append(sol.objective)
    assert values[0] <= values[1] * (1 + 1e-6) and values[1] <= values[2] * (1 + 1e-6)


def test_coherent_joint_transmission_needs_no_more_power():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=5.0)
    coh = CooperativeISAC(objective="min_power", comm_cluster=2, joint_transmission="coherent").solve(net)
    non = CooperativeISAC(objective="min_power", comm_cluster=2, joint_transmission="non_coherent").solve(net)
    assert coh.status == non.status == "optimal"
    assert coh.objective <= non.objective * (1 + 1e-6)


def test_cluster_of_one_equals_coordinated_beamforming():
    net = small_multicell(3, n_bs=3, nt=4, users_per_bs=2, targets_per_bs=1, sinr_db=6.0)
    coop = CooperativeISAC(objective="min_power", comm_cluster=1).solve(net)
    coord = iso.CoordinatedBeamforming(objective="min_power").solve(net)
    assert coop.status == coord.status == "optimal"
    assert coop.objective == pytest.approx(coord.objective, rel=1e-5)


def test_backhaul_overload_is_an_infeasible_status():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=5.0,
                          backhaul_bps=1e6)
    sol = CooperativeISAC(objective="min_power", comm_cluster=2).solve(net)
    assert sol.status == "infeasible" and "backhaul" in sol.reason
