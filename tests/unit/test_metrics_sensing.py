"""Beampattern gain and monostatic sensing SINR against closed forms."""

import math

import numpy as np
import pytest

from isacopt.channels import derive_channels, path_gain
from isacopt.design import TransmitDesign
from isacopt.metrics import beampattern, radar_rate, sensing_sinr, target_beampattern
from tests.helpers import random_design, two_cell_network


def ula(n, phi, psi=0.0):
    return np.exp(1j * np.pi * np.arange(n) * np.cos(phi - psi))


def isotropic(net, scale=1.0):
    return TransmitDesign.from_arrays(
        net, [np.zeros((b.tx_antennas, net.n_users)) for b in net.base_stations],
        [scale * b.power_w / b.tx_antennas * np.eye(b.tx_antennas) for b in net.base_stations])


def test_isotropic_beampattern_is_flat_at_total_power(two_cell):
    d = isotropic(two_cell)
    phi = np.linspace(-np.pi, np.pi, 37)
    assert np.allclose(beampattern(two_cell, d, 1, phi), 2.0)  # P_b of BS b
    assert np.allclose(target_beampattern(derive_channels(two_cell), d), [[1.0, 1.0], [2.0, 2.0]])


def test_beampattern_scales_linearly_with_power(two_cell, rng):
    d = random_design(two_cell, rng)
    phi = np.linspace(0, np.pi, 11)
    assert np.allclose(beampattern(two_cell, d.scaled(2.0), 0, phi), 2 * beampattern(two_cell, d, 0, phi))


def test_single_beam_peaks_toward_its_direction(two_cell):
    w = ula(4, 0.4) / 2.0  # unit-norm beam toward 0.4 rad (BS a has orientation 0)
    d = TransmitDesign.from_arrays(two_cell, [np.column_stack([w, 0 * w, 0 * w, 0 * w]), np.zeros((4, 4))])
    phi = np.linspace(0, np.pi, 2001)
    g = beampattern(two_cell, d, 0, phi)
    assert phi[np.argmax(g)] == pytest.approx(0.4, abs=2e-3)
    assert g.max() == pytest.approx(4.0)  # |a^H w|^2 = Nt ||w||^2 at the peak


def test_sensing_sinr_closed_form_with_los_crosslinks(two_cell, rng):
    """Interference u^H G R G^H u = beta |u^H a_r|^2 a_t^H R a_t for a rank-one LOS cross-link."""
    net, ch = two_cell, derive_channels(two_cell)
    d = random_design(net, rng)
    s = net.system
    lam = 299_792_458.0 / s.carrier_hz
    for b, j in ((0, 1), (1, 0)):
        sb, sj = np.array(net.base_stations[b].position_m), np.array(net.base_stations[j].position_m)
        psi_b, psi_j = (math.radians(net.base_stations[k].orientation_deg) for k in (b, j))
        phi_bj, phi_jb = math.atan2(*(sj - sb)[::-1]), math.atan2(*(sb - sj)[::-1])
        beta_bj = (lam / (4 * math.pi * np.linalg.norm(sb - sj))) ** 2
        for t, tgt in enumerate(net.targets):
            p = np.array(tgt.position_m)
            dist = np.linalg.norm(p - sb)
            phi = math.atan2(*(p - sb)[::-1])
            u = ula(3, phi, psi_b) / math.sqrt(3)
            at_j = ula(4, phi_jb, psi_j)
            interference = beta_bj * abs(np.vdot(u, ula(3, phi_bj, psi_b))) ** 2 * np.real(
                np.vdot(at_j, d.covariance(j) @ at_j))
            a_t = ula(4, phi, psi_b)
            gain = np.real(np.vdot(a_t, d.covariance(b) @ a_t))
            two_hop = tgt.rcs_m2 * 4 * math.pi / lam**2 * (lam / (4 * math.pi * dist)) ** 4
            expected = s.samples * 3 * two_hop * gain / (interference + s.noise_w)
            assert sensing_sinr(net, ch, d)[b, t] == pytest.approx(expected, rel=1e-9)


def test_sensing_sinr_noise_limited_when_alone():
    net = two_cell_network().with_updates(base_stations=two_cell_network().base_stations[:1],
                                          users=[], targets=[{"id": "t", "position_m": (300, 0)}])
    ch = derive_channels(net)
    d = isotropic(net)
    s = net.system
    g2 = float(path_gain(300.0, s)) ** 2 * 4 * math.pi / s.wavelength_m**2
    assert sensing_sinr(net, ch, d)[0, 0] == pytest.approx(s.samples * 3 * g2 * 1.0 / s.noise_w)


def test_radar_rate():
    assert np.allclose(radar_rate([0.0, 3.0]), [0.0, 2.0])


def test_target_beampattern_is_computed_once_per_design_and_channels():
    """The evaluation, the sensing SINR and the CRLB share one read-only array; other channels get their own."""
    net = two_cell_network()
    ch, other = derive_channels(net), derive_channels(net)
    w = [np.ones((4, net.n_users), complex), np.ones((4, net.n_users), complex)]
    d = TransmitDesign.from_arrays(net, w)
    g = target_beampattern(ch, d)
    assert target_beampattern(ch, d) is g and not g.flags.writeable
    fresh = target_beampattern(other, d)
    assert fresh is not g and np.array_equal(fresh, g)
    assert np.array_equal(g, target_beampattern(ch, TransmitDesign.from_arrays(net, w)))
