"""Angle CRB against the inverse of a finite-difference Fisher information of the echo likelihood."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels, radar_gain
from isacopt.design import TransmitDesign
from isacopt.metrics import angle_crb

L = 24  # integrated samples (>= Nt so that X X^H = L R is realisable)


def ula(n, phi, psi):
    return np.exp(1j * np.pi * np.arange(n) * np.cos(phi - psi))


def one_bs(nt, nr, psi_deg, target):
    return iso.Network(
        system={"samples": L},
        base_stations=[{"id": "b", "position_m": (0, 0), "tx_antennas": nt, "rx_antennas": nr, "power_w": 1,
                        "orientation_deg": psi_deg}],
        targets=[{"id": "t", "position_m": target, "rcs_m2": 1.5}],
    )


def fd_crb(net, r):
    """Echo Y = alpha a_r(phi) a_t(phi)^H X + Z, Z ~ CN(0, sigma^2). Unknowns (phi, Re alpha, Im alpha).

    FIM_ij = 2/sigma^2 Re tr(dM_i^H dM_j) with dM by central differences of the mean M.
    """
    bs, tgt = net.base_stations[0], net.targets[0]
    psi = math.radians(bs.orientation_deg)
    phi0 = math.atan2(tgt.position_m[1], tgt.position_m[0])
    d = math.hypot(*tgt.position_m)
    alpha0 = math.sqrt(radar_gain(d, d, tgt.rcs_m2, net.system)) * np.exp(0.3j)
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((L, bs.tx_antennas)) + 1j * rng.standard_normal((L, bs.tx_antennas)))
    evals, evecs = np.linalg.eigh(r)
    x = math.sqrt(L) * (evecs * np.sqrt(np.clip(evals, 0, None))) @ evecs.conj().T @ q.conj().T  # X X^H = L R
    assert np.allclose(x @ x.conj().T / L, r)

    def mean(theta):
        phi, re, im = theta
        a = np.outer(ula(bs.rx_antennas, phi, psi), ula(bs.tx_antennas, phi, psi).conj())
        return (re + 1j * im) * a @ x

    theta0 = np.array([phi0, alpha0.real, alpha0.imag])
    steps = np.array([1e-6, abs(alpha0) * 1e-6, abs(alpha0) * 1e-6])
    grads = []
    for i in range(3):
        e = np.zeros(3)
        e[i] = steps[i]
        grads.append((mean(theta0 + e) - mean(theta0 - e)) / (2 * steps[i]))
    fim = np.array([[2 / net.system.noise_w * np.real(np.vdot(gi, gj)) for gj in grads] for gi in grads])
    return np.linalg.inv(fim)[0, 0]


@pytest.mark.parametrize("nt,nr,psi_deg,target", [(4, 3, 0, (300, 120)), (6, 5, 25, (-150, 260)), (3, 1, -40, (90, -400))])
def test_angle_crb_matches_finite_difference_fim(nt, nr, psi_deg, target):
    net = one_bs(nt, nr, psi_deg, target)
    rng = np.random.default_rng(nt)
    f = rng.standard_normal((nt, nt)) + 1j * rng.standard_normal((nt, nt))
    r = f @ f.conj().T / nt
    design = TransmitDesign.from_arrays(net, [np.zeros((nt, 0))], [r])
    crb = angle_crb(net, derive_channels(net), design)[0, 0]
    assert crb == pytest.approx(fd_crb(net, r), rel=1e-4)


def test_angle_crb_scales_inversely_with_power_and_samples():
    net = one_bs(4, 3, 0, (300, 120))
    r = np.eye(4) / 4
    ch = derive_channels(net)
    base = angle_crb(net, ch, TransmitDesign.from_arrays(net, [np.zeros((4, 0))], [r]))[0, 0]
    double = angle_crb(net, ch, TransmitDesign.from_arrays(net, [np.zeros((4, 0))], [2 * r]))[0, 0]
    assert double == pytest.approx(base / 2)
    net2 = net.with_updates(system={"samples": 2 * L})
    assert angle_crb(net2, derive_channels(net2), TransmitDesign.from_arrays(net2, [np.zeros((4, 0))], [r]))[0, 0] \
        == pytest.approx(base / 2)


def test_no_power_gives_infinite_crb():
    net = one_bs(4, 3, 0, (300, 120))
    design = TransmitDesign.from_arrays(net, [np.zeros((4, 0))], [np.zeros((4, 4))])
    assert angle_crb(net, derive_channels(net), design)[0, 0] == math.inf


@pytest.mark.parametrize("equal_arrays", [True, False])
def test_crb_at_the_heads_is_the_full_matrix_there(equal_arrays, rng):
    # the evaluation computes each target's CRB at its head only; a full (B, T) matrix, read at the heads, agrees
    from isacopt.metrics.angle_crb import angle_crb_at
    from tests.helpers import random_design, small_multicell, with_tx_antennas

    net = small_multicell(5, n_bs=3, targets_per_bs=2, channels={"model": "rayleigh", "seed": 5})
    if not equal_arrays:
        net = with_tx_antennas(net, 2, 6)
    ch, design = derive_channels(net), random_design(net, rng)
    heads = [2, 0, 0, 1, 2, 1]
    full = angle_crb(net, ch, design)
    assert np.allclose(angle_crb_at(net, ch, design, heads), full[heads, np.arange(6)], rtol=1e-12, atol=0)
    assert angle_crb_at(net, ch, design, []).shape == (0,)
