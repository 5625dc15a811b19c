"""Backhaul admission (isacopt.admission) and the closed-form CoMP + distributed radar of kind: baseline."""

import itertools
import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.admission import admit_sensing, rate_caps, trim_comp, water_fill
from isacopt.channels import derive_channels
from isacopt.metrics import backhaul_load
from isacopt.association import Association
from tests.helpers import small_multicell


@pytest.mark.parametrize("seed", range(5))
def test_water_filling_is_max_min_fair(seed):
    rng = np.random.default_rng(seed)
    demands = rng.uniform(0, 10, size=6)
    cap = rng.uniform(0, 40)
    shares = water_fill(demands, cap)
    assert np.all(shares <= demands + 1e-12) and shares.sum() <= cap + 1e-9
    assert shares.sum() == pytest.approx(min(cap, demands.sum()))
    # max-min fair: a user short of its demand gets the largest share there is
    short = shares < demands - 1e-12
    if short.any():
        assert np.allclose(shares[short], shares.max())
    # and no other split of the same total raises the smallest unmet share: brute force on a grid of levels
    level = shares[short].max() if short.any() else np.inf
    for trial in np.linspace(0, cap, 41):
        if np.minimum(demands, trial).sum() <= cap + 1e-9:
            assert trial <= level + 1e-9 or np.all(np.minimum(demands, trial) == demands)


def capped_net(capacity, n_bs=3, **kw):
    return small_multicell(0, n_bs=n_bs, users_per_bs=1, targets_per_bs=2, channels={"model": "los"}, sinr_db=None,
                           backhaul_bps=capacity, **kw)


def test_raw_echoes_go_to_the_nearest_targets_while_capacity_lasts():
    net = capped_net(None)
    raw = net.system.raw_echo_bps(net.base_stations[0].rx_antennas)
    clusters = Association.nearest(net, sensing_cluster=2).sensing
    for n_fit in range(0, 4):
        cap = n_fit * raw + 1e6  # room for n_fit raw echoes per BS, and for estimates
        net_c = capped_net(cap)
        adm = admit_sensing(net_c, clusters, [True] * net.n_targets, wants_signal=True)
        # exhaustive check of the rule: in order of distance to the head, admit when every member has room
        order = sorted(range(net.n_targets), key=lambda t: np.linalg.norm(
            net.target_positions[t] - net.bs_positions[clusters[t][0]]))
        left = np.full(net.n_bs, cap)
        expected = [False] * net.n_targets
        for t in order:
            members = clusters[t][1:]
            if all(left[b] >= raw for b in members):
                expected[t] = True
                for b in members:
                    left[b] -= raw
            else:
                for b in members:
                    left[b] -= net.system.estimate_bps
        assert list(adm.signal) == expected
        assert np.allclose(adm.left_bps, left)
        load = backhaul_load(net_c, Association(serving=((),) * net.n_users, sensing=adm.clusters), [0] * net.n_users,
                             ["signal" if s else "data" for s in adm.signal])
        assert np.all(load <= cap * (1 + 1e-12))
    # fusion asked: estimates only
    adm = admit_sensing(capped_net(1e12), clusters, [True] * net.n_targets, wants_signal=False)
    assert not any(adm.signal)


def test_rate_caps_share_what_is_left_and_starved_bss_leave_the_cluster():
    net = capped_net(1e9)
    serving = ((0, 1), (1, 0), (2, 1))
    left = np.array([1e9, 0.0, 3e8])
    assert trim_comp(serving, left) == ((0,), (1, 0), (2,))
    caps = rate_caps(net, ((0, 2), (1, 2), (2,)), np.array([4.0, 1.0, 3.0]), left)
    bw = net.system.bandwidth_hz
    # BS 2 carries users 0 and 1: demands 200 and 50 Mbit/s, 300 Mbit/s left: both fit
    assert caps[0] == pytest.approx(4.0) and caps[1] == pytest.approx(1.0) and caps[2] == math.inf
    caps = rate_caps(net, ((0, 2), (1, 2), (2,)), np.array([4.0, 4.0, 3.0]), np.array([1e9, 0, 1e8]))
    assert caps[0] == pytest.approx(0.5e8 / bw) and caps[1] == pytest.approx(0.5e8 / bw)


def test_coherent_comp_closed_form_adds_amplitudes():
    """One user, two BSs, MRT, no sensing: SINR = (sum_b sqrt(P_b) |h_b|)^2 / sigma^2 (coherent sum)."""
    net = iso.Network(channels={"model": "rayleigh", "seed": 3},
                      base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4,
                                      "power_w": 1.0},
                                     {"id": "b", "position_m": (400, 0), "tx_antennas": 4, "rx_antennas": 4,
                                      "power_w": 2.0}],
                      users=[{"id": "u", "position_m": (150, 60)}], targets=[{"id": "t", "position_m": (300, 200)}])
    ch = derive_channels(net)
    p = iso.BaselineDesign(precoder="mrt", joint_cluster=2, sensing="none", comm_fraction=1.0)
    sol = p.solve(net)
    expected = sum(math.sqrt(b.power_w) * np.linalg.norm(ch.comm[i][0]) for i, b in enumerate(net.base_stations)) ** 2
    assert 10 ** (sol.users[0].sinr_db / 10) == pytest.approx(expected / ch.noise_w, rel=1e-9)
    assert sol.users[0].serving_bs == ["a", "b"]
    alone = iso.BaselineDesign(precoder="mrt", sensing="none", comm_fraction=1.0).solve(net)
    assert 10 ** (alone.users[0].sinr_db / 10) == pytest.approx(
        net.base_stations[0].power_w * np.linalg.norm(ch.comm[0][0]) ** 2 / ch.noise_w, rel=1e-9)


def test_baseline_under_backhaul_reports_capped_rates_and_loads_within_capacity():
    for cap in (1e7, 1e9, 1e10, None):
        net = capped_net(cap, n_bs=4)
        p = iso.BaselineDesign(precoder="rzf", data_power="gain", users_per_bs=1, targets_per_bs=2, joint_cluster=2,
                               radar_cluster=3, pairs="multistatic", project_sensing=False, angle_information=True,
                               crlb_interference=True)
        sol = p.solve(net)
        loads = np.array([b.backhaul_load_bps for b in sol.base_stations])
        if cap is not None:
            assert np.all(loads <= cap * (1 + 1e-9))
        for u in sol.users:
            sinr_rate = math.log2(1 + 10 ** (u.sinr_db / 10))
            assert u.rate_bps_hz <= sinr_rate + 1e-12
        assert all(math.isfinite(t.root_crlb_m) for t in sol.targets if t.probed)
    # unlimited: every cluster as asked, rates uncapped
    assert all(len(u.serving_bs) == 2 for u in sol.users if u.served)
    assert all(u.rate_bps_hz == pytest.approx(math.log2(1 + 10 ** (u.sinr_db / 10))) for u in sol.users if u.served)


def test_more_backhaul_never_hurts_sensing():
    crlbs = []
    for cap in (1e7, 7e9, 2e10, 1e12):
        net = capped_net(cap, n_bs=4)
        p = iso.BaselineDesign(precoder="rzf", users_per_bs=1, targets_per_bs=2, radar_cluster=3, pairs="multistatic",
                               comm_fraction=0.5, project_sensing=False)
        crlbs.append(np.array([t.root_crlb_m for t in p.solve(net).targets if t.probed]))
    for a, b in itertools.pairwise(crlbs):
        assert np.all(b <= a * (1 + 1e-9))
    assert np.mean(crlbs[-1]) < 0.8 * np.mean(crlbs[0])


def test_clusters_larger_than_the_network_refuse_unless_clamped():
    net = small_multicell(0, n_bs=2, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    with pytest.raises(iso.ValidationError, match="sensing_cluster"):
        iso.BaselineDesign(radar_cluster=3).solve(net)
    clamped = iso.BaselineDesign(radar_cluster=3, joint_cluster=3, clamp_clusters=True).solve(net)
    both = iso.BaselineDesign(radar_cluster=2, joint_cluster=2).solve(net)
    assert [t.root_crlb_m for t in clamped.targets] == [t.root_crlb_m for t in both.targets]
    assert [u.rate_bps_hz for u in clamped.users] == [u.rate_bps_hz for u in both.users]
