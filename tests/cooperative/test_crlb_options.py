"""SPEC.md 11 options of the position CRLB: sensing_waveform, crlb_interference, angle_information."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.association import Association
from isacopt.channels import derive_channels
from isacopt.channels.arrays import azimuth, steering
from isacopt.design import TransmitDesign
from isacopt.metrics import position_crlb
from tests.helpers import random_design, small_multicell


def crlbs(net, design, clusters, pairs="multistatic", **kw):
    return position_crlb(net, derive_channels(net), design, clusters, pairs, **kw)


def test_without_data_beams_the_waveforms_agree_and_with_them_orthogonal_is_never_better():
    rng = np.random.default_rng(3)
    for seed in range(6):
        net = small_multicell(seed, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=2, channels={"model": "los"})
        clusters = Association.nearest(net, sensing_cluster=3).sensing
        design = random_design(net, rng)
        silent = TransmitDesign.from_arrays(net, [np.zeros_like(w) for w in design.beams], design.sensing)
        assert crlbs(net, silent, clusters, waveform="orthogonal") == pytest.approx(
            crlbs(net, silent, clusters, waveform="unified"), rel=1e-12)
        orth, uni = crlbs(net, design, clusters, waveform="orthogonal"), crlbs(net, design, clusters, waveform="unified")
        assert np.all(orth >= uni * (1 - 1e-12)) and np.any(orth > uni * 1.01)
        # fusion pairs are monostatic only: the waveform does not matter
        assert crlbs(net, design, clusters, "fusion", waveform="orthogonal") == pytest.approx(
            crlbs(net, design, clusters, "fusion", waveform="unified"), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_optimised_crlb_orthogonal_never_beats_unified(seed):
    net = small_multicell(seed, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"},
                          sinr_db=None)
    base = dict(comm_cluster=2, sensing_cluster=3, rate_bps_hz=1.5)
    orth = iso.CooperativeISAC(**base).solve(net)
    uni = iso.CooperativeISAC(**base, sensing_waveform="unified").solve(net)
    assert orth.status == uni.status == "optimal"
    assert orth.objective >= uni.objective * (1 - 1e-5)
    users_free = net.with_updates(users=[])
    a = iso.CooperativeISAC(comm_cluster=1, sensing_cluster=3).solve(users_free)
    b = iso.CooperativeISAC(comm_cluster=1, sensing_cluster=3, sensing_waveform="unified").solve(users_free)
    assert a.objective == pytest.approx(b.objective, rel=1e-5)


def two_bs(users=()):
    return iso.Network(channels={"model": "los"},
                       base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0},
                                      {"id": "b", "position_m": (600, 100), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0}],
                       users=[{"id": f"u{k}", "position_m": p} for k, p in enumerate(users)],
                       targets=[{"id": "t", "position_m": (250, 380)}])


def test_interference_vanishes_when_the_other_bs_is_silent():
    net = two_bs(users=[(80, -60)])
    w = [np.array([[0.3 + 0.1j], [0.2j], [0.1], [-0.2]]), np.zeros((4, 1))]
    r0 = [0.1 * np.eye(4), np.zeros((4, 4))]
    d = TransmitDesign.from_arrays(net, w, r0)
    for waveform in ("orthogonal", "unified"):
        kw = dict(waveform=waveform, angle_information=True)
        plain = crlbs(net, d, [(0, 1)], "fusion", **kw)
        assert math.isfinite(plain[0])
        assert crlbs(net, d, [(0, 1)], "fusion", interference=True, **kw) == pytest.approx(plain, rel=1e-12)
    # and it does not vanish once the other BS speaks
    loud = TransmitDesign.from_arrays(net, [w[0], w[0]], [r0[0], r0[0]])
    assert crlbs(net, loud, [(0, 1)], "fusion", interference=True, angle_information=True)[0] > \
        1.01 * crlbs(net, loud, [(0, 1)], "fusion", angle_information=True)[0]


def test_interference_vanishes_when_the_data_beams_null_the_other_receiver():
    """Orthogonal waveforms: only data interferes; data beams orthogonal to the LoS cross-link leave
    every pair noise-limited (multistatic pairs included)."""
    net = two_bs(users=[(80, -60), (640, 20)])
    pos = [np.array(b.position_m, float) for b in net.base_stations]
    rng = np.random.default_rng(1)
    beams = []
    for m, other in ((0, 1), (1, 0)):
        toward = steering(4, azimuth(pos[m], pos[other]))
        w = rng.standard_normal((4, 2)) + 1j * rng.standard_normal((4, 2))
        w -= np.outer(toward, toward.conj() @ w) / 4  # remove the cross-link direction
        beams.append(0.2 * w)
    d = TransmitDesign.from_arrays(net, beams, [0.2 * np.eye(4)] * 2)
    plain = crlbs(net, d, [(0, 1)], waveform="orthogonal")
    assert crlbs(net, d, [(0, 1)], waveform="orthogonal", interference=True) == pytest.approx(plain, rel=1e-9)
    assert crlbs(net, d, [(0, 1)], waveform="unified", interference=True)[0] > \
        1.01 * crlbs(net, d, [(0, 1)], waveform="unified")[0]  # the sensing signals interfere when not orthogonal


def test_interference_aware_sdp_without_data_is_the_noise_limited_one():
    net = two_bs()
    plain = iso.CooperativeISAC(sensing_cluster=2).solve(net)
    aware = iso.CooperativeISAC(sensing_cluster=2, crlb_interference=True).solve(net)
    assert aware.status == "local_optimum" and aware.certificate.holds
    assert aware.objective == pytest.approx(plain.objective, rel=1e-5)
    assert aware.bound == pytest.approx(plain.objective, rel=1e-5)


def test_interference_iteration_never_worsens_and_is_bounded_by_the_noise_limited_optimum():
    net = small_multicell(2, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    base = dict(comm_cluster=2, sensing_cluster=3, rate_bps_hz=1.0)
    plain = iso.CooperativeISAC(**base).solve(net)
    aware = iso.CooperativeISAC(**base, crlb_interference=True).solve(net)
    assert aware.status == "local_optimum" and aware.certificate.holds
    assert aware.bound == pytest.approx(plain.objective, rel=1e-4)
    assert aware.objective >= aware.bound
    # the first step is the noise-limited design; its true (interference-aware) CRLB is what the iteration improves
    ch = derive_channels(net)
    first = float(np.sum(position_crlb(net, ch, plain.design, Association.nearest(net, sensing_cluster=3).sensing,
                                       "multistatic", interference=True)))
    assert aware.objective <= first * (1 + 1e-6)
    assert "noise-limited" in aware.reason


def test_one_bs_localises_with_angle_information_and_the_frontier_baseline_is_a_number():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    alone = iso.CooperativeISAC(sensing_cluster=1, pairs="fusion", angle_information=True).solve(net)
    assert alone.status == "optimal" and all(math.isfinite(t.root_crlb_m) for t in alone.targets)
    with pytest.raises(iso.ValidationError, match="angle_information"):
        iso.CooperativeISAC(sensing_cluster=1, pairs="fusion").solve(net)
    front = iso.trace_frontier(iso.CooperativeISAC(comm_cluster=2, sensing_cluster=3, angle_information=True), net,
                               points=2)
    assert front.baseline and not front.baseline_note
    assert all(p.usable for p in front.baseline)


def test_interference_with_limits_needs_a_crlb_objective():
    with pytest.raises(iso.ValidationError, match="CRLB objective"):
        iso.CooperativeISAC(objective="min_power", crlb_interference=True, root_crlb_m=5.0, rate_bps_hz=1.0)
