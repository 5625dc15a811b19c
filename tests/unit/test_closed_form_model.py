"""The analytical model's closed forms (SPEC.md section 10): Gamma-distributed ZF gains, nulls, DoF, loads."""

import numpy as np
import pytest
from scipy import stats

import isacopt as iso
from isacopt.channels import derive_channels
from isacopt.metrics import rate, sensing_sinr, sinr
from isacopt.metrics.sensing import sensing_interference_at


def _two_bs(nt: int, users_a: int, users_b: int, channels: dict, targets=((150.0, 40.0), (420.0, -30.0))):
    bss = [{"id": "a", "position_m": (0, 0), "tx_antennas": nt, "rx_antennas": 3, "power_w": 1.0},
           {"id": "b", "position_m": (500, 0), "tx_antennas": nt, "rx_antennas": 3, "power_w": 1.0}]
    users = [{"id": f"a{i}", "position_m": (60.0 + 15 * i, 30.0 - 20 * i)} for i in range(users_a)]
    users += [{"id": f"b{i}", "position_m": (540.0 - 10 * i, 50.0 + 25 * i)} for i in range(users_b)]
    return iso.Network(base_stations=bss, users=users, channels=channels,
                       targets=[{"id": f"t{i}", "position_m": p} for i, p in enumerate(targets)],
                       window={"lower_m": (-200, -200), "upper_m": (700, 200)})


def _gains(nt: int, comm_cluster: int, draws: int, user: int = 0) -> np.ndarray:
    """|h^H w|^2 / beta of BS a's first user over Rayleigh draws (w the unit-norm ZF beam)."""
    out = []
    for seed in range(draws):
        net = _two_bs(nt, 3, 2, {"model": "rayleigh", "seed": seed})
        sol = iso.BaselineDesign(precoder="zf", sensing="none", comm_cluster=comm_cluster).solve(net)
        ch = derive_channels(net)
        w = sol.design.beams[0][:, user]
        h = ch.comm[0][user]
        beta = iso.channels.path_gain(np.hypot(*net.users[user].position_m), net.system)
        out.append(abs(np.vdot(h, w)) ** 2 / np.vdot(w, w).real / beta)
    return np.array(out)


def test_zero_forcing_gain_is_gamma_of_the_dimensions_left():
    # Nt = 8; BS a zero-forces its other 2 users and (L = 2) nulls the 2 users of BS b: D = 4 -> Gamma(4, 1)
    g = _gains(8, 2, 300)
    assert stats.kstest(g, stats.gamma(a=4).cdf).pvalue > 0.01
    assert stats.kstest(g, stats.gamma(a=5).cdf).pvalue < 1e-4  # one dimension more is detectably wrong
    assert stats.kstest(g, stats.gamma(a=3).cdf).pvalue < 1e-4
    g1 = _gains(8, 1, 300)  # no inter-cell nulls: D = 2 -> Gamma(6, 1)
    assert stats.kstest(g1, stats.gamma(a=6).cdf).pvalue > 0.01


def test_nulls_hold_and_dedicated_sensing_beams_avoid_own_users():
    net = _two_bs(8, 2, 2, {"model": "rayleigh", "seed": 3})
    ch = derive_channels(net)
    sol = iso.BaselineDesign(comm_cluster=2, sensing_cluster=2, sensing_null_rank="full", comm_fraction=0.6,
                             targets_per_bs=1).solve(net)
    d = sol.design
    # BS a's transmission is invisible at BS b's users and BS b's receive array (and vice versa)
    for j, other in ((0, 1), (1, 0)):
        r = d.covariance(j)
        for k in [k for k, u in enumerate(net.users) if u.id.startswith("ab"[other])]:
            assert np.real(np.vdot(ch.comm[j][k], r @ ch.comm[j][k])) < 1e-12 * np.trace(r).real
        g = ch.crosslink[other][j]
        assert np.linalg.norm(g @ r @ g.conj().T) < 1e-12 * np.trace(r).real * np.linalg.norm(g) ** 2
        own = [k for k, u in enumerate(net.users) if u.id.startswith("ab"[j])]
        for k in own:  # the sensing covariance leaks nothing into the BS's own users
            assert np.real(np.vdot(ch.comm[j][k], d.sensing[j] @ ch.comm[j][k])) < 1e-12
    assert np.allclose(d.comm_power_w, 0.6) and np.allclose(d.power_w, 1.0)
    assert [b.nulls for b in sol.base_stations] == [2 + 3, 2 + 3]  # 2 users + the Nr = 3 rank cross-link
    assert np.allclose(sensing_interference_at(ch, d), 0.0, atol=1e-25)


def test_sensing_null_rank_spends_what_it_says():
    net = _two_bs(8, 1, 1, {"model": "rayleigh", "seed": 4})
    ch = derive_channels(net)
    spent = {}
    for rank in ("full", "beam", "los"):
        sol = iso.BaselineDesign(sensing_cluster=2, sensing_null_rank=rank, targets_per_bs=1).solve(net)
        spent[rank] = [b.nulls for b in sol.base_stations]
        leak = sensing_interference_at(ch, sol.design)  # (B, T) at each BS's matched beam toward each target
        if rank == "beam":  # the probed target's receive beam sees nothing of the other BS
            assert leak[0, 0] < 1e-25 and leak[1, 1] < 1e-25
    assert spent == {"full": [3, 3], "beam": [1, 1], "los": [1, 1]}


def test_shared_streams_send_no_sensing_signal_and_spend_everything_on_data():
    net = _two_bs(6, 2, 2, {"model": "rayleigh", "seed": 1})
    sol = iso.BaselineDesign(sensing_streams="shared", comm_fraction=0.3).solve(net)
    assert np.allclose(sol.design.comm_power_w, 1.0) and np.allclose(sol.design.sensing_power_w, 0.0)
    assert all(t.beampattern_gain_w > 0 for t in sol.targets)  # the data beams illuminate the targets


def test_dof_refusal_names_bs_antennas_nulls_and_streams():
    net = _two_bs(4, 2, 2, {"model": "rayleigh", "seed": 2})
    iso.BaselineDesign(comm_cluster=2, sensing="none").solve(net)  # 2 nulls + 2 streams = 4: fits
    with pytest.raises(iso.DegreesOfFreedomError) as err:
        iso.BaselineDesign(comm_cluster=2, targets_per_bs=1).solve(net)  # + 1 dedicated sensing beam
    text = str(err.value)
    assert "base_stations[0] (a)" in text and "Nt = 4" in text and "2 spent on nulls" in text and "3 streams" in text


def test_ase_counts_served_users_and_probed_targets_by_hand():
    net = _two_bs(6, 3, 2, {"model": "rayleigh", "seed": 7},
                  targets=((150.0, 40.0), (90.0, -60.0), (420.0, -30.0), (-150.0, 120.0)))
    sol = iso.BaselineDesign(precoder="zf", users_per_bs=2, targets_per_bs=1).solve(net)
    ch = derive_channels(net)
    # by hand: BS a keeps its 2 nearest of a0 (67 m), a1 (75 m), a2 (91 m); BS b both of its users;
    # targets: BS a's nearest is t1 (108 m) of t0, t1, t3; BS b probes t2 (its only one)
    assert [u.served for u in sol.users] == [True, True, False, True, True]
    assert [t.probed for t in sol.targets] == [False, True, True, False]
    r = rate(sinr(net, ch, sol.design))
    area = 900 * 400 / 1e6
    assert sol.network.comm_ase_bps_hz_km2 == pytest.approx((r[0] + r[1] + r[3] + r[4]) / area, rel=1e-12)
    ss = sensing_sinr(net, ch, sol.design)
    assert sol.network.sensing_ase_bps_hz_km2 == pytest.approx((np.log2(1 + ss[0, 1]) + np.log2(1 + ss[1, 2])) / area,
                                                               rel=1e-12)
    from isacopt.sweep.metrics import snapshot_metrics

    row = snapshot_metrics(net, sol, crlb_threshold_m=10, sinr_threshold_db=0)
    assert row["comm_ase"] == pytest.approx(sol.network.comm_ase_bps_hz_km2)
    assert row["sensing_ase"] == pytest.approx(sol.network.sensing_ase_bps_hz_km2)
    assert (row["n_served"], row["n_probed"], row["n_users"], row["n_targets"]) == (4, 2, 5, 4)


def test_older_name_of_users_per_bs_still_works_and_both_conflict():
    assert iso.BaselineDesign(max_users_per_bs=2).users_per_bs == 2
    assert iso.CoordinatedBeamforming(max_users_per_bs=3).max_users_per_bs == 3
    with pytest.raises(iso.ValidationError, match="older name"):
        iso.BaselineDesign(max_users_per_bs=2, users_per_bs=3)


def test_vectorised_angle_crb_equals_the_literal_matrix_traces():
    from isacopt.metrics.angle_crb import angle_crb, angle_crb_value, crb_terms
    from tests.helpers import random_design

    net = _two_bs(6, 2, 2, {"model": "rayleigh", "seed": 9})
    ch = derive_channels(net)
    d = random_design(net, np.random.default_rng(1))
    ref = [[angle_crb_value(float(ch.radar_gain[b, b, t]), net.system.samples, ch.noise_w,
                            crb_terms(ch.tx_steering[b][t], ch.tx_steering_dot[b][t], ch.rx_steering[b][t],
                                      ch.rx_steering_dot[b][t], d.covariance(b))) for t in range(2)] for b in range(2)]
    assert np.allclose(angle_crb(net, ch, d), ref, rtol=1e-12)


def test_sensing_sinr_at_the_heads_equals_the_full_matrix():
    from isacopt.metrics.sensing import sensing_sinr_at
    from tests.helpers import random_design

    net = _two_bs(6, 2, 2, {"model": "rayleigh", "seed": 10},
                  targets=((150.0, 40.0), (90.0, -60.0), (420.0, -30.0), (-150.0, 120.0)))
    ch = derive_channels(net)
    d = random_design(net, np.random.default_rng(2))
    heads = [0, 1, 1, 0]  # any BS per target, not only the nearest
    full = sensing_sinr(net, ch, d)
    assert np.allclose(sensing_sinr_at(net, ch, d, heads), full[heads, np.arange(4)], rtol=1e-12)


@pytest.mark.parametrize("rule", ["mrt", "zf", "rzf", "mmse"])
def test_beams_of_a_stack_of_bss_are_each_bss_own(rule):
    # the closed form computes the BSs with as many users and dimensions as one stack: each BS's beams must be
    # what it would get alone, to the last bit
    from isacopt.closed_form import data_directions, unit_directions

    rng = np.random.default_rng(11)
    h = rng.standard_normal((5, 3, 4)) + 1j * rng.standard_normal((5, 3, 4))
    h[2] = 0  # a BS whose users it cannot reach: zero beams, not NaN
    reg = rng.uniform(0.1, 2.0, 5)
    stacked = unit_directions(h, rule, reg, [f"bs{j}" for j in range(5)], [4] * 5)
    for j in range(5):
        if rule == "zf" and j == 2:
            continue  # the pseudo-inverse of zero is zero; checked below
        alone = data_directions(h[j], rule, float(reg[j]), f"bs{j}", 4)
        assert np.array_equal(stacked[j], alone)
        assert j == 2 or np.allclose(np.linalg.norm(alone, axis=0), 1.0)
    assert np.all(np.isfinite(stacked)) and np.all(stacked[2] == 0)
