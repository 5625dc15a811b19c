"""The position FIM (range, and angle with ``angle_information``) against a finite-difference Fisher
information of the echo likelihood itself.

Each BS i sends a rank-one beam f_i with its own waveform s_i: tones on a symmetric set of DFT
frequencies, disjoint from the other BS's (so the waveforms are orthogonal over the L samples) and with
the same mean square frequency beta^2. Receiver j sees, per sample n and Rx antenna,
    mu_j[n] = sum_i alpha_ij a_r,j(phi_j) a_t,i(phi_i)^H f_i s_i(nT - (d_i + d_j) / c),
with the complex amplitudes alpha_ij unknown (|alpha_ij|^2 = G(d_i, d_j)). The Gaussian FIM is
2 / sigma^2 Re sum (d mu)^H (d mu); the amplitudes are eliminated by a Schur complement. Nothing of
isacopt's FIM code is used: only the steering convention, the path gain and the system constants.
"""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels
from isacopt.channels.arrays import azimuth, steering
from isacopt.design import TransmitDesign
from isacopt.metrics import position_fim

C = 299_792_458.0
L = 64
TONES = ({1: 1.0, 7: 1.0}, {5: 2.0})  # |k| -> power on +k and -k each; mean k^2 = 25 for both BSs
DELTA = 1.0e5  # tone spacing [Hz]: beta = 5 DELTA


def network(positions, target, nt=3, nr=2):
    return iso.Network(
        system=iso.SystemParams(samples=L, rms_bandwidth_hz=5 * DELTA),
        channels={"model": "los"},
        base_stations=[{"id": f"b{i}", "position_m": p, "tx_antennas": nt, "rx_antennas": nr, "power_w": 1.0}
                       for i, p in enumerate(positions)],
        targets=[{"id": "t", "position_m": target}],
    )


def waveform(i, t):
    """s_i(t), unit mean power, and its time derivative."""
    s, ds = 0j, 0j
    for k, pw in TONES[i].items():
        for f in (k * DELTA, -k * DELTA):
            c = math.sqrt(pw / (2 * sum(TONES[i].values())))
            s = s + c * np.exp(2j * np.pi * f * t)
            ds = ds + c * 2j * np.pi * f * np.exp(2j * np.pi * f * t)
    return s, ds


def echo_fim(net, beams, pairs, with_angles):
    """(2, 2) position FIM of the likelihood, the amplitudes of every pair eliminated."""
    bs = np.array([b.position_m for b in net.base_stations], float)
    p0 = np.array(net.targets[0].position_m, float)
    gain = derive_channels(net).radar_gain[:, :, 0]
    sigma2 = net.system.noise_w
    n = np.arange(L) / (L * DELTA)  # one period of every tone
    nt, nr = net.base_stations[0].tx_antennas, net.base_stations[0].rx_antennas
    angle0 = [azimuth(bs[i], p0) for i in range(len(bs))]

    def mean(p, alpha):
        """Stacked received samples of every receiver (tuple order: j, n, antenna)."""
        out = []
        for j in range(len(bs)):
            y = np.zeros((L, nr), complex)
            for (i, jj), a in alpha.items():
                if jj != j:
                    continue
                phi_i = azimuth(bs[i], p) if with_angles else angle0[i]
                phi_j = azimuth(bs[j], p) if with_angles else angle0[j]
                tau = (np.linalg.norm(p - bs[i]) + np.linalg.norm(p - bs[j])) / C
                s, _ = waveform(i, n - tau)
                y += a * np.outer(s * (steering(nt, phi_i).conj() @ beams[i]), steering(nr, phi_j))
            out.append(y.ravel())
        return np.concatenate(out)

    alpha = {pr: math.sqrt(gain[pr]) * np.exp(0.7j * (pr[0] + 2 * pr[1])) for pr in pairs}
    h = 1e-3
    derivs = []
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = h
        derivs.append((mean(p0 + e, alpha) - mean(p0 - e, alpha)) / (2 * h))
    for pr in pairs:  # d mu / d Re alpha and d Im alpha: mu is linear in alpha
        unit = {q: (1.0 if q == pr else 0.0) for q in pairs}
        d = mean(p0, unit)
        derivs += [d, 1j * d]
    d = np.array(derivs)
    fim = 2 / sigma2 * np.real(d.conj() @ d.T)
    a, b, c = fim[:2, :2], fim[:2, 2:], fim[2:, 2:]
    return a - b @ np.linalg.solve(c, b.T)


@pytest.fixture
def setting():
    net = network([(0.0, 0.0), (700.0, -150.0)], (260.0, 410.0))
    rng = np.random.default_rng(5)
    beams = [0.5 * (rng.standard_normal(3) + 1j * rng.standard_normal(3)) for _ in range(2)]
    design = TransmitDesign.from_arrays(net, [np.zeros((3, 0))] * 2, [np.outer(f, f.conj()) for f in beams])
    return net, beams, design


def test_multistatic_range_fim_is_the_likelihood_fim(setting):
    net, beams, design = setting
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    expected = echo_fim(net, beams, pairs, with_angles=False)
    got = position_fim(net, derive_channels(net), design, [(0, 1)], "multistatic")[0]
    assert got == pytest.approx(expected, rel=1e-5)


def test_angle_information_is_the_monostatic_likelihood_fim(setting):
    """Fusion pairs (each BS hears its own echo) with range and angle: the full likelihood."""
    net, beams, design = setting
    expected = echo_fim(net, beams, [(0, 0), (1, 1)], with_angles=True)
    got = position_fim(net, derive_channels(net), design, [(0, 1)], "fusion", angle_information=True)[0]
    assert got == pytest.approx(expected, rel=1e-5)
    range_only = position_fim(net, derive_channels(net), design, [(0, 1)], "fusion")[0]
    assert np.linalg.norm(got - range_only) > 1e-2 * np.linalg.norm(got)  # the angles do add information


def test_multistatic_with_angles_is_a_lower_bound_on_the_information(setting):
    """Bistatic pairs carry angle information too, which isacopt leaves out: its FIM is below the full one."""
    net, beams, design = setting
    full = echo_fim(net, beams, [(0, 0), (0, 1), (1, 0), (1, 1)], with_angles=True)
    got = position_fim(net, derive_channels(net), design, [(0, 1)], "multistatic", angle_information=True)[0]
    assert np.linalg.eigvalsh(full - got).min() >= -1e-6 * np.abs(full).max()


def test_a_single_bs_localises_with_angle_information(setting):
    net, beams, design = setting
    single = iso.Network(**{**net.model_dump(), "base_stations": [net.base_stations[0].model_dump()]})
    d1 = TransmitDesign.from_arrays(single, [np.zeros((3, 0))], [design.sensing[0]])
    expected = echo_fim(single, beams[:1], [(0, 0)], with_angles=True)
    ch = derive_channels(single)
    got = position_fim(single, ch, d1, [(0,)], "fusion", angle_information=True)[0]
    assert got == pytest.approx(expected, rel=1e-5)
    assert math.isfinite(iso.metrics.position_crlb(single, ch, d1, [(0,)], "fusion", angle_information=True)[0])
    assert iso.metrics.position_crlb(single, ch, d1, [(0,)], "fusion")[0] == math.inf
