"""Path gain, steering vectors, fading models and cross-links against closed forms."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels, path_gain, radar_gain, steering, steering_derivative
from tests.helpers import two_cell_network


def test_path_gain_is_friis_in_free_space():
    s = iso.SystemParams(carrier_hz=5e9)
    lam = 299_792_458.0 / 5e9
    for d in (1.0, 37.0, 1234.5):
        assert path_gain(d, s) == pytest.approx((lam / (4 * math.pi * d)) ** 2, rel=1e-12)
    assert path_gain(0.2, s) == path_gain(1.0, s)  # clipped at d_min = 1 m


def test_path_gain_of_one_distance_is_the_array_form_bit_for_bit():
    """Links made one at a time use the float form; a stored snapshot's cross-links must not change."""
    from isacopt.channels.pathloss import path_gain_of
    rng = np.random.default_rng(2)
    for alpha in (2.0, 3.5, 3.76):
        s = iso.SystemParams(pathloss_exponent=alpha)
        for d in np.concatenate([rng.uniform(0.0, 20.0, 200), rng.uniform(1.0, 2e4, 2000)]):
            assert path_gain_of(float(d), s) == float(path_gain(float(d), s))


def test_path_gain_exponent_and_reference():
    s = iso.SystemParams(pathloss_exponent=3.5, ref_gain_db=-30.0)
    assert path_gain(100.0, s) == pytest.approx(1e-3 * 100.0**-3.5)


def test_radar_gain_is_the_free_space_radar_equation():
    """P_r / P_t = G_t G_r lambda^2 sigma / ((4 pi)^3 d_t^2 d_r^2) with unit antenna gains."""
    s = iso.SystemParams(carrier_hz=3e9)
    lam = 299_792_458.0 / 3e9
    dt, dr, rcs = 150.0, 420.0, 3.0
    expected = lam**2 * rcs / ((4 * math.pi) ** 3 * dt**2 * dr**2)
    assert radar_gain(dt, dr, rcs, s) == pytest.approx(expected, rel=1e-12)


def test_steering_vector_definition_and_norm():
    a = steering(6, 0.3, 0.1)
    n = np.arange(6)
    assert np.allclose(a, np.exp(1j * np.pi * n * np.cos(0.3 - 0.1)))
    assert np.isclose(np.vdot(a, a).real, 6)
    assert steering(3, np.zeros((4, 5))).shape == (4, 5, 3)


def test_steering_is_bit_identical_to_the_complex_exponential():
    """cos and sin written into one complex array: every stored snapshot's numbers are kept to the last bit."""
    rng = np.random.default_rng(5)
    phi, psi = rng.uniform(-np.pi, np.pi, (7, 9)), rng.uniform(-np.pi, np.pi, (7, 1))
    for n in (1, 4, 16):
        assert np.array_equal(steering(n, phi, psi[..., None]),
                              np.exp(1j * np.pi * np.arange(n) * np.cos(phi[..., None] - psi[..., None])))


def test_comm_channels_of_mixed_and_equal_arrays_agree_with_the_per_bs_formula():
    """The one-operation geometry of equal arrays and the per-BS loop of mixed ones give the same channels."""
    for nts in ((4, 4, 4), (4, 6, 3)):
        bss = [{"id": f"b{i}", "position_m": (300.0 * i, 50.0 * i), "tx_antennas": n, "rx_antennas": 2,
                "power_w": 1.0, "orientation_deg": 20.0 * i}
               for i, n in enumerate(nts)]
        users = [{"id": f"u{k}", "position_m": (97.0 * k - 40.0, 33.0 * k + 10.0)} for k in range(5)]
        net = iso.Network(base_stations=bss, users=users, targets=[], channels={"model": "los"})
        ch = derive_channels(net)
        for b, bs in enumerate(net.base_stations):
            pos = net.user_positions - np.asarray(bs.position_m)
            amp = np.sqrt(path_gain(np.hypot(pos[:, 0], pos[:, 1]), net.system))[:, None]
            expected = amp * steering(bs.tx_antennas, np.arctan2(pos[:, 1], pos[:, 0]), math.radians(bs.orientation_deg))
            assert np.allclose(ch.comm[b], expected, rtol=1e-13, atol=0)


def test_target_steering_of_both_arrays_is_each_arrays_own_to_the_last_bit():
    """The transmit and receive steering toward the targets come from one array of the larger count, sliced:
    each must be exactly what its own count gives, whichever array is larger, and for mixed arrays."""
    for arrays in (((4, 5), (4, 5)), ((8, 3), (8, 3)), ((6, 6), (6, 6)), ((4, 5), (6, 2))):
        bss = [{"id": f"b{i}", "position_m": (350.0 * i, -60.0 * i), "tx_antennas": nt, "rx_antennas": nr,
                "power_w": 1.0, "orientation_deg": 25.0 * i + 5} for i, (nt, nr) in enumerate(arrays)]
        targets = [{"id": f"t{k}", "position_m": (71.0 * k - 90.0, 45.0 * k - 30.0)} for k in range(6)]
        net = iso.Network(base_stations=bss, users=[], targets=targets, channels={"model": "los"})
        ch = derive_channels(net)
        for b, bs in enumerate(net.base_stations):
            phi, psi = ch.target_azimuth[b], math.radians(bs.orientation_deg)
            for n, a, a_dot in ((bs.tx_antennas, ch.tx_steering[b], ch.tx_steering_dot[b]),
                                (bs.rx_antennas, ch.rx_steering[b], ch.rx_steering_dot[b])):
                own = steering(n, phi, psi)
                assert np.array_equal(a, own) and np.array_equal(a_dot, steering_derivative(n, phi, psi, own))
                assert a.flags.c_contiguous and a_dot.flags.c_contiguous


def test_steering_derivative_matches_finite_difference():
    for psi in (0.0, 0.7):
        phi, h = 1.1, 1e-6
        fd = (steering(8, phi + h, psi) - steering(8, phi - h, psi)) / (2 * h)
        assert np.allclose(steering_derivative(8, phi, psi), fd, atol=1e-7)


def test_los_channels_follow_geometry():
    net = two_cell_network()
    ch = derive_channels(net)
    bs, u = net.base_stations[1], net.users[0]
    d = np.hypot(u.position_m[0] - bs.position_m[0], u.position_m[1] - bs.position_m[1])
    phi = math.atan2(u.position_m[1] - bs.position_m[1], u.position_m[0] - bs.position_m[0])
    expected = math.sqrt(path_gain(d, net.system)) * steering(4, phi, math.radians(30))
    assert np.allclose(ch.comm[1][0], expected)


def test_rayleigh_statistics_and_reproducibility():
    net = iso.Network.hexagonal(rings=0, users_per_cell=400, targets_per_cell=0, seed=1, tx_antennas=4,
                               channels={"model": "rayleigh", "seed": 9})
    ch = derive_channels(net)
    beta = path_gain(np.linalg.norm(net.user_positions, axis=1), net.system)
    g = ch.comm[0] / np.sqrt(beta)[:, None]
    assert abs(np.mean(np.abs(g) ** 2) - 1) < 0.05  # CN(0, 1) entries
    assert abs(np.mean(g)) < 0.05
    assert np.array_equal(derive_channels(net).comm[0], ch.comm[0])
    other = net.with_updates(channels={"model": "rayleigh", "seed": 10})
    assert not np.allclose(derive_channels(other).comm[0], ch.comm[0])


def test_rician_limits():
    base = two_cell_network()
    los = derive_channels(base).comm[0]
    big_k = derive_channels(base.with_updates(channels={"model": "rician", "k_factor": 1e6, "seed": 1})).comm[0]
    # K -> infinity: the LOS component with a random common phase per user
    assert np.allclose(np.abs(big_k), np.abs(los), rtol=1e-2)
    k0 = derive_channels(base.with_updates(channels={"model": "rician", "k_factor": 0, "seed": 1})).comm[0]
    ray = derive_channels(base.with_updates(channels={"model": "rayleigh", "seed": 1})).comm[0]
    assert np.allclose(k0, ray)  # same CN stream: K = 0 is Rayleigh


def test_los_crosslink_is_rank_one_with_path_gain():
    net = two_cell_network()
    ch = derive_channels(net)
    g = ch.crosslink[0][1]  # into a's Rx from b's Tx
    assert g.shape == (3, 4)
    sv = np.linalg.svd(g, compute_uv=False)
    assert sv[1] < 1e-12 * sv[0]
    # ||G||_F^2 = beta(d) Nr Nt
    assert np.sum(np.abs(g) ** 2) == pytest.approx(path_gain(400.0, net.system) * 3 * 4)
    assert ch.crosslink[0][0] is None


def test_rayleigh_crosslink_full_rank():
    net = two_cell_network(channels={"model": "rayleigh", "seed": 4})
    g = derive_channels(net).crosslink[1][0]
    assert np.linalg.matrix_rank(g) == 3


def test_explicit_channels_validated():
    net = two_cell_network()
    good = np.ones((2, 4, 4), dtype=complex)
    ch = derive_channels(net.with_updates(channels=iso.ExplicitChannels.from_arrays(good * 1e-5)))
    assert np.allclose(ch.comm[1], 1e-5)
    for bad, msg in [(np.ones((2, 3, 4)), "shape must be"), (np.full((2, 4, 4), np.nan), "NaN"),
                     (np.array([["a"] * 4] * 4 * 2).reshape(2, 4, 4), "numeric")]:
        with pytest.raises(iso.ValidationError, match=msg):
            derive_channels(net.with_updates(channels=iso.ExplicitChannels.from_arrays(bad)))


def test_explicit_crosslink_array_used():
    net = two_cell_network()
    cross = np.zeros((2, 2, 3, 4), dtype=complex)
    cross[0, 1] = 7.0
    ch = derive_channels(net.with_updates(channels=iso.ExplicitChannels.from_arrays(np.ones((2, 4, 4)), cross)))
    assert np.allclose(ch.crosslink[0][1], 7.0) and ch.crosslink[1][1] is None


def test_target_geometry():
    net = two_cell_network()
    ch = derive_channels(net)
    p, s = np.array(net.targets[1].position_m), np.array(net.base_stations[0].position_m)
    assert ch.target_distance_m[0, 1] == pytest.approx(np.linalg.norm(p - s))
    assert ch.target_azimuth[0, 1] == pytest.approx(math.atan2(*(p - s)[::-1]))
    d0, d1 = ch.target_distance_m[0, 0], ch.target_distance_m[1, 0]
    assert ch.radar_gain[0, 1, 0] == pytest.approx(radar_gain(d0, d1, 2.0, net.system))
