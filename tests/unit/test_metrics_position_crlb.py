"""Position CRLB: closed forms on a circle, finite differences of the range model, singular cases."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels, radar_gain
from isacopt.design import TransmitDesign
from isacopt.metrics import position_crlb, position_fim

C = 299_792_458.0


def ring_network(n, radius=300.0, nt=4, nr=5, target=(0.0, 0.0), offset=0.0):
    return iso.Network(
        base_stations=[{"id": f"b{i}", "position_m": (target[0] + radius * math.cos(2 * math.pi * i / n + offset),
                                                      target[1] + radius * math.sin(2 * math.pi * i / n + offset)),
                        "tx_antennas": nt, "rx_antennas": nr, "power_w": 1.0} for i in range(n)],
        targets=[{"id": "t", "position_m": target}],
    )


def isotropic(net):
    return TransmitDesign.from_arrays(net, [np.zeros((b.tx_antennas, 0)) for b in net.base_stations],
                                      [b.power_w / b.tx_antennas * np.eye(b.tx_antennas) for b in net.base_stations])


def ring_snr(net, radius):
    s = net.system
    return s.samples * net.base_stations[0].rx_antennas * radar_gain(radius, radius, 1.0, s) * 1.0 / s.noise_w


@pytest.mark.parametrize("n", [3, 4, 7])
def test_ring_closed_forms(n):
    """Equal SNR on a ring: fusion J = 2 k N SNR I, multistatic J = k SNR N^2 I (k = 8 pi^2 beta^2 / c^2)."""
    net = ring_network(n)
    ch, d = derive_channels(net), isotropic(net)
    k = 8 * math.pi**2 * net.system.beta_rms_hz**2 / C**2
    snr = ring_snr(net, 300.0)
    cluster = [tuple(range(n))]
    assert position_crlb(net, ch, d, cluster, "fusion")[0] == pytest.approx(1 / (k * n * snr), rel=1e-9)
    assert position_crlb(net, ch, d, cluster, "multistatic")[0] == pytest.approx(2 / (k * snr * n**2), rel=1e-9)
    kc = 8 * math.pi**2 * (net.system.beta_rms_hz**2 + net.system.carrier_hz**2) / C**2
    assert position_crlb(net, ch, d, cluster, "coherent")[0] == pytest.approx(2 / (kc * snr * n**2), rel=1e-9)


def test_fim_matches_finite_differences_of_the_range_model(rng):
    """J = sum_(i,j) grad(tau_ij) grad(tau_ij)^T / var(tau_ij), tau_ij = (|p - s_i| + |p - s_j|)/c,
    var = 1 / (8 pi^2 beta^2 SNR_ij): the delay CRLB of each pair, gradients by central differences."""
    net = iso.Network(
        base_stations=[{"id": f"b{i}", "position_m": tuple(rng.uniform(-500, 500, 2)), "tx_antennas": 4,
                        "rx_antennas": 2 + i, "power_w": 1.0 + i} for i in range(4)],
        targets=[{"id": "t", "position_m": (37.0, -52.0)}],
    )
    ch = derive_channels(net)
    f = [rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4)) for _ in range(4)]
    design = TransmitDesign.from_arrays(net, [np.zeros((4, 0))] * 4, [x @ x.conj().T for x in f])
    cluster = (0, 2, 3)
    s = net.system
    p0 = np.array(net.targets[0].position_m)
    pos = net.bs_positions
    expected = np.zeros((2, 2))
    for i in cluster:
        phi_i = math.atan2(*(p0 - pos[i])[::-1])
        a = np.exp(1j * np.pi * np.arange(4) * np.cos(phi_i))
        g_i = np.real(np.vdot(a, design.covariance(i) @ a))
        for j in cluster:
            di, dj = np.linalg.norm(p0 - pos[i]), np.linalg.norm(p0 - pos[j])
            snr = s.samples * net.base_stations[j].rx_antennas * radar_gain(di, dj, 1.0, s) * g_i / s.noise_w
            tau = lambda p: (np.linalg.norm(p - pos[i]) + np.linalg.norm(p - pos[j])) / C  # noqa: E731
            grad = np.array([(tau(p0 + e) - tau(p0 - e)) / 2e-3 for e in (np.array([1e-3, 0]), np.array([0, 1e-3]))])
            expected += 8 * math.pi**2 * s.beta_rms_hz**2 * snr * np.outer(grad, grad)
    fim = position_fim(net, ch, design, [cluster], "multistatic")[0]
    assert np.allclose(fim, expected, rtol=1e-6)
    assert position_crlb(net, ch, design, [cluster])[0] == pytest.approx(np.trace(np.linalg.inv(expected)), rel=1e-6)


def test_single_bs_fusion_is_infinite():
    net = ring_network(3)
    assert position_crlb(net, derive_channels(net), isotropic(net), [(0,)], "fusion")[0] == math.inf
    assert position_crlb(net, derive_channels(net), isotropic(net), [(1,)], "multistatic")[0] == math.inf


def test_collinear_pair_is_infinite():
    """Target midway between two BSs: every u_ij is along the line (or zero): J is singular."""
    net = ring_network(2, offset=0.0)
    for pairs in ("fusion", "multistatic", "coherent"):
        assert position_crlb(net, derive_channels(net), isotropic(net), [(0, 1)], pairs)[0] == math.inf


def test_two_bs_at_right_angle_is_finite():
    net = iso.Network(base_stations=[{"id": "a", "position_m": (300, 0), "tx_antennas": 2, "rx_antennas": 2, "power_w": 1},
                                    {"id": "b", "position_m": (0, 300), "tx_antennas": 2, "rx_antennas": 2, "power_w": 1}],
                     targets=[{"id": "t", "position_m": (0, 0)}])
    crlb = position_crlb(net, derive_channels(net), isotropic(net), [(0, 1)], "fusion")[0]
    k = 8 * math.pi**2 * net.system.beta_rms_hz**2 / C**2
    snr = ring_snr(net, 300.0)  # Nr = 2 here, read from the network
    assert crlb == pytest.approx(2 / (4 * k * snr), rel=1e-9)  # J = 4 k SNR I


def test_more_cooperation_never_hurts(rng):
    net = ring_network(5, offset=0.3)
    ch, d = derive_channels(net), isotropic(net)
    values = [position_crlb(net, ch, d, [tuple(range(n))], "multistatic")[0] for n in (2, 3, 4, 5)]
    assert all(b <= a for a, b in zip(values, values[1:]))
    assert position_crlb(net, ch, d, [tuple(range(5))], "multistatic")[0] <= \
        position_crlb(net, ch, d, [tuple(range(5))], "fusion")[0]


@pytest.mark.parametrize("pairs", ["fusion", "multistatic", "coherent"])
def test_single_bs_clusters_are_infinite_without_building_the_fims(pairs, rng):
    # position_crlb answers one-BS clusters (one range each, a rank-one FIM) without computing the FIMs: the same
    # answer as the FIMs' own eigenvalues, and the same errors for options that do not exist
    from isacopt.metrics.position_crlb import crlb_from_fims
    from tests.helpers import random_design, small_multicell

    net = small_multicell(6, n_bs=3, targets_per_bs=2)
    ch, design = derive_channels(net), random_design(net, rng)
    clusters = [(0,), (1,), (2,), (), (1,), (0,)]
    fims = position_fim(net, ch, design, clusters, pairs)
    assert np.all(np.isinf(crlb_from_fims(fims))) and np.any(fims != 0)
    assert np.all(np.isinf(position_crlb(net, ch, design, clusters, pairs, interference=True)))
    with pytest.raises(ValueError, match="pairs must be"):
        position_crlb(net, ch, design, clusters, "bistatic")
    with pytest.raises(ValueError, match="sensing_waveform"):
        position_crlb(net, ch, design, clusters, pairs, waveform="mixed")
    # with angle information one BS does localise a target
    assert np.all(np.isfinite(position_crlb(net, ch, design, [(0,), (0,), (1,), (1,), (2,), (2,)], pairs,
                                            angle_information=True)))
